package defaultbinder

import (
	"context"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "DefaultBinder"

// DefaultBinder posts a Binding.
type DefaultBinder struct {
	h framework.Handle
}

var _ framework.BindPlugin = &DefaultBinder{}

// New builds the plugin.
func New(h framework.Handle) (framework.Plugin, error) { return &DefaultBinder{h: h}, nil }

// Name returns the plugin name.
func (b *DefaultBinder) Name() string { return Name }

// Bind creates pods/binding; the UID guards against binding a pod that was
// deleted and recreated under the same name.
func (b *DefaultBinder) Bind(ctx context.Context, _ *framework.CycleState, pod *v1.Pod, nodeName string) *framework.Status {
	binding := &v1.Binding{
		ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
		Target:     v1.ObjectReference{Kind: "Node", Name: nodeName},
	}
	if err := b.h.ClientSet().CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
		return framework.AsStatus(err)
	}
	return nil
}
