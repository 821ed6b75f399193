// Package kubelet is kubelab's node agent, one per node, in-process. It
// mirrors the real kubelet (k8s.io/kubernetes/pkg/kubelet) in what it shows
// the cluster: it registers its Node and keeps its status and conditions
// fresh (pkg/kubelet/kubelet_node_status.go, nodestatus), renews its Lease
// in kube-node-lease (pkg/kubelet/nodelease), watches the pods bound to it
// and runs each through a pod worker (pod_workers.go) that admits it
// (lifecycle/predicate.go), starts its sandbox, sets up its volumes, pulls
// images with back-off (images/image_manager.go), runs init containers in
// order and then the containers (kuberuntime), probes them (prober),
// restarts them under the pod's restartPolicy with CrashLoopBackOff, and
// stops them gracefully with preStop hooks on deletion. Status is written
// the way generateAPIPodStatus and the status manager write it, events the
// way the kubelet's recorder does. Its HTTP server serves container logs
// and exec (pkg/kubelet/server) to the apiserver's pods/log and pods/exec.
//
// It talks to the rest of the cluster only through client-go and runs
// containers only through a container.Runtime; every timer reads the
// injected clock, and every step is announced on the stage bus first.
package kubelet
