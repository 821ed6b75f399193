package kubelet

import "k8s.io/apimachinery/pkg/types"

// AllocatePodIP lets tests see which pod IP comes next.
func AllocatePodIP(k *Kubelet, uid types.UID) (string, error) { return k.ipam.allocate(uid) }

// NeedsSync lets tests see which pod updates wake a pod worker.
var NeedsSync = needsSync
