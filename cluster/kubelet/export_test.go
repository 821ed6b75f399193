package kubelet

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
)

// AllocatePodIP lets tests see which pod IP comes next.
func AllocatePodIP(k *Kubelet, uid types.UID) (string, error) { return k.ipam.allocate(uid) }

// NeedsSync lets tests see which pod updates wake a pod worker.
var NeedsSync = needsSync

// WaitNodeLabel waits until the kubelet's view of its Node has the label.
func WaitNodeLabel(ctx context.Context, k *Kubelet, key string) error {
	seen := make(chan struct{})
	var once sync.Once
	check := func(obj any) {
		if n, ok := obj.(*corev1.Node); ok && n.Labels[key] != "" {
			once.Do(func() { close(seen) })
		}
	}
	reg, err := k.nodeInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    check,
		UpdateFunc: func(_, obj any) { check(obj) },
	})
	if err != nil {
		return err
	}
	defer k.nodeInformer.RemoveEventHandler(reg)
	select {
	case <-seen:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
