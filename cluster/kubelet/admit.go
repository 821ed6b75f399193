package kubelet

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

// admit is the kubelet's predicate admit handler (lifecycle/predicate.go):
// the pod must fit in what the pods already admitted leave of allocatable,
// match the node's labels, and tolerate its NoExecute taints. It returns
// the rejection's reason and message, or "" to admit.
func (k *Kubelet) admit(ctx context.Context, pod *corev1.Pod) (reason, message string) {
	node := k.currentNode()
	if match, _ := nodeaffinity.GetRequiredNodeAffinity(pod).Match(node); !match {
		// nodeaffinity.GetRequiredNodeAffinity covers nodeSelector too.
		return "NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector"
	}
	requested := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
	used := corev1.ResourceList{}
	pods := int64(0)
	k.mu.Lock()
	for uid, w := range k.workers {
		if uid == pod.UID || !w.isAdmitted() {
			continue
		}
		p := w.latest()
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		pods++
		for name, q := range resourcehelper.PodRequests(p, resourcehelper.PodResourcesOptions{}) {
			sum := used[name]
			sum.Add(q)
			used[name] = sum
		}
	}
	k.mu.Unlock()
	alloc := k.cfg.Node.Capacity
	if max, ok := alloc[corev1.ResourcePods]; ok && pods+1 > max.Value() {
		return "OutOfpods", fmt.Sprintf("Node didn't have enough resource: pods, requested: 1, used: %d, capacity: %d", pods, max.Value())
	}
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
		req, ok := requested[name]
		if !ok || req.IsZero() {
			continue
		}
		capacity := alloc[name]
		u := used[name]
		if value(name, req)+value(name, u) > value(name, capacity) {
			return "Out" + string(name), fmt.Sprintf("Node didn't have enough resource: %s, requested: %d, used: %d, capacity: %d",
				name, value(name, req), value(name, u), value(name, capacity))
		}
	}
	if _, untolerated := corev1helpers.FindMatchingUntoleratedTaint(klog.FromContext(ctx), node.Spec.Taints, pod.Spec.Tolerations, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoExecute
	}, false); untolerated {
		return "TaintToleration", "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate"
	}
	return "", ""
}

// currentNode is the Node as the API has it (kubelet GetNode, from its node
// lister): admission matches the labels and taints users added with kubectl
// label and kubectl taint, not only those the kubelet registered with.
func (k *Kubelet) currentNode() *corev1.Node {
	if k.nodeLister != nil {
		if n, err := k.nodeLister.Get(k.name); err == nil {
			return n
		}
	}
	return k.nodeObject()
}

// value is a quantity as the admission message prints it: millicores for
// cpu, bytes for the rest.
func value(name corev1.ResourceName, q resource.Quantity) int64 {
	if name == corev1.ResourceCPU {
		return q.MilliValue()
	}
	return q.Value()
}
