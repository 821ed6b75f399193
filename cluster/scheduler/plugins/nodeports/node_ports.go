package nodeports

import (
	"context"

	v1 "k8s.io/api/core/v1"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "NodePorts"

// ErrReason is upstream's reason text.
const ErrReason = "node(s) didn't have free ports for the requested pod ports"

const preFilterStateKey = "PreFilter" + Name

// NodePorts checks host ports.
type NodePorts struct{}

var (
	_ framework.PreFilterPlugin   = &NodePorts{}
	_ framework.FilterPlugin      = &NodePorts{}
	_ framework.EnqueueExtensions = &NodePorts{}
)

// New builds the plugin.
func New(framework.Handle) (framework.Plugin, error) { return &NodePorts{}, nil }

// Name returns the plugin name.
func (pl *NodePorts) Name() string { return Name }

// EventsToRegister: a pod holding a conflicting port went away, or a node came.
func (pl *NodePorts) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{
		{
			Event: framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: framework.Delete},
			QueueingHintFn: func(pod *v1.Pod, oldObj, _ any) (framework.QueueingHint, error) {
				deleted, _ := oldObj.(*v1.Pod)
				if deleted == nil {
					return framework.Queue, nil
				}
				inUse := framework.HostPortInfo{}
				for _, p := range framework.HostPorts(deleted) {
					inUse.Add(p.HostIP, string(p.Protocol), p.HostPort)
				}
				if fitsPorts(framework.HostPorts(pod), inUse) {
					return framework.QueueSkip, nil
				}
				return framework.Queue, nil
			},
		},
		{Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add}},
	}
}

// PreFilter collects the pod's host ports; without any the plugin is skipped.
func (pl *NodePorts) PreFilter(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	ports := framework.HostPorts(pod)
	if len(ports) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, ports)
	return nil, nil
}

// Filter rejects a node where one of the pod's host ports is taken.
func (pl *NodePorts) Filter(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	v, ok := state.Read(preFilterStateKey)
	want, _ := v.([]v1.ContainerPort)
	if !ok {
		want = framework.HostPorts(pod)
	}
	if !fitsPorts(want, node.UsedPorts) {
		return framework.NewStatus(framework.Unschedulable, ErrReason)
	}
	return nil
}

func fitsPorts(want []v1.ContainerPort, inUse framework.HostPortInfo) bool {
	for _, p := range want {
		if inUse.CheckConflict(p.HostIP, string(p.Protocol), p.HostPort) {
			return false
		}
	}
	return true
}
