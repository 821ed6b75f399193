package nodeunschedulable

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "NodeUnschedulable"

// ErrReasonUnschedulable is upstream's reason text.
const ErrReasonUnschedulable = "node(s) were unschedulable"

// NodeUnschedulable checks spec.unschedulable.
type NodeUnschedulable struct{}

var (
	_ framework.FilterPlugin      = &NodeUnschedulable{}
	_ framework.EnqueueExtensions = &NodeUnschedulable{}
)

// New builds the plugin.
func New(framework.Handle) (framework.Plugin, error) { return &NodeUnschedulable{}, nil }

// Name returns the plugin name.
func (pl *NodeUnschedulable) Name() string { return Name }

var unschedulableTaint = v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}

// EventsToRegister: a node added, or uncordoned.
func (pl *NodeUnschedulable) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{{
		Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeTaint},
		QueueingHintFn: func(pod *v1.Pod, _, newObj any) (framework.QueueingHint, error) {
			if n, ok := newObj.(*v1.Node); ok && !n.Spec.Unschedulable {
				return framework.Queue, nil
			}
			return framework.QueueSkip, nil
		},
	}}
}

// Filter rejects a cordoned node unless the pod tolerates it.
func (pl *NodeUnschedulable) Filter(_ context.Context, _ *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	if !node.Node().Spec.Unschedulable {
		return nil
	}
	if corev1helpers.TolerationsTolerateTaint(klog.Background(), pod.Spec.Tolerations, &unschedulableTaint, false) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonUnschedulable)
}
