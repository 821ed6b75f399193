package nodename

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "NodeName"

// ErrReason is upstream's reason text.
const ErrReason = "node(s) didn't match the requested node name"

// NodeName checks spec.nodeName against the node.
type NodeName struct{}

var (
	_ framework.PreFilterPlugin   = &NodeName{}
	_ framework.FilterPlugin      = &NodeName{}
	_ framework.EnqueueExtensions = &NodeName{}
)

// New builds the plugin.
func New(framework.Handle) (framework.Plugin, error) { return &NodeName{}, nil }

// Name returns the plugin name.
func (pl *NodeName) Name() string { return Name }

// EventsToRegister: only a new node can be the one the pod names.
func (pl *NodeName) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{{Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add}}}
}

// PreFilter narrows the nodes to the named one.
func (pl *NodeName) PreFilter(_ context.Context, _ *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	if pod.Spec.NodeName != "" {
		return &framework.PreFilterResult{NodeNames: sets.New(pod.Spec.NodeName)}, nil
	}
	return nil, nil
}

// Filter rejects every node but the named one.
func (pl *NodeName) Filter(_ context.Context, _ *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	if !Fits(pod, node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
	}
	return nil
}

// Fits reports whether pod names no node or this one.
func Fits(pod *v1.Pod, node *framework.NodeInfo) bool {
	return pod.Spec.NodeName == "" || pod.Spec.NodeName == node.Node().Name
}
