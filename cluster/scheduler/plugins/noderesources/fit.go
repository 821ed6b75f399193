package noderesources

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"

	"kubelab/cluster/scheduler/framework"
)

// FitName is the NodeResourcesFit plugin's in-tree name.
const FitName = "NodeResourcesFit"

const (
	preFilterStateKey = "PreFilter" + FitName
	preScoreStateKey  = "PreScore" + FitName
)

// scoringResources are the default resources both scorers weigh.
var scoringResources = []v1.ResourceName{v1.ResourceCPU, v1.ResourceMemory}

// Fit checks that the pod's requests fit and scores by LeastAllocated.
type Fit struct{}

var (
	_ framework.PreFilterPlugin   = &Fit{}
	_ framework.FilterPlugin      = &Fit{}
	_ framework.PreScorePlugin    = &Fit{}
	_ framework.ScorePlugin       = &Fit{}
	_ framework.EnqueueExtensions = &Fit{}
)

// NewFit builds the plugin.
func NewFit(framework.Handle) (framework.Plugin, error) { return &Fit{}, nil }

// Name returns the plugin name.
func (f *Fit) Name() string { return FitName }

// EventsToRegister: a node that now fits, or a pod on some node that went
// away or shrank.
func (f *Fit) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{
		{
			Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeAllocatable},
			QueueingHintFn: func(pod *v1.Pod, oldObj, newObj any) (framework.QueueingHint, error) {
				n, _ := newObj.(*v1.Node)
				if n == nil {
					return framework.QueueSkip, nil
				}
				ni := framework.NewNodeInfo()
				ni.SetNode(n)
				if len(Fits(pod, ni)) > 0 {
					return framework.QueueSkip, nil
				}
				if o, ok := oldObj.(*v1.Node); ok && o != nil {
					oi := framework.NewNodeInfo()
					oi.SetNode(o)
					if len(Fits(pod, oi)) == 0 {
						// It fitted before too: the update adds nothing.
						return framework.QueueSkip, nil
					}
				}
				return framework.Queue, nil
			},
		},
		{Event: framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: framework.Delete | framework.UpdatePodScaleDown}},
		{Event: framework.ClusterEvent{Resource: framework.UnscheduledPod, ActionType: framework.UpdatePodScaleDown}},
	}
}

// PreFilter computes the pod's requests once.
func (f *Fit) PreFilter(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	state.Write(preFilterStateKey, framework.PodRequests(pod))
	return nil, nil
}

// Filter rejects a node without room for the pod, listing every resource
// that is short. A pod asking for more than the node has at all is
// UnschedulableAndUnresolvable: evicting pods would not help.
func (f *Fit) Filter(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	v, ok := state.Read(preFilterStateKey)
	req, _ := v.(*framework.Resource)
	if !ok {
		req = framework.PodRequests(pod)
	}
	insufficient := fitsRequest(req, node)
	if len(insufficient) == 0 {
		return nil
	}
	code := framework.Unschedulable
	reasons := make([]string, 0, len(insufficient))
	for _, r := range insufficient {
		reasons = append(reasons, r.Reason)
		if r.Unresolvable {
			code = framework.UnschedulableAndUnresolvable
		}
	}
	return framework.NewStatus(code, reasons...)
}

// InsufficientResource is one resource the node is short of.
type InsufficientResource struct {
	ResourceName v1.ResourceName
	Reason       string
	Requested    int64
	Used         int64
	Capacity     int64
	// Unresolvable: the request exceeds the node's allocatable outright.
	Unresolvable bool
}

// Fits lists what the node lacks for pod; empty means it fits.
func Fits(pod *v1.Pod, node *framework.NodeInfo) []InsufficientResource {
	return fitsRequest(framework.PodRequests(pod), node)
}

func fitsRequest(req *framework.Resource, node *framework.NodeInfo) []InsufficientResource {
	var out []InsufficientResource
	alloc, used := node.Allocatable, node.Requested
	if len(node.Pods)+1 > alloc.AllowedPodNumber {
		out = append(out, InsufficientResource{ResourceName: v1.ResourcePods, Reason: "Too many pods",
			Requested: 1, Used: int64(len(node.Pods)), Capacity: int64(alloc.AllowedPodNumber)})
	}
	if req.MilliCPU == 0 && req.Memory == 0 && req.EphemeralStorage == 0 && len(req.ScalarResources) == 0 {
		return out
	}
	if req.MilliCPU > 0 && req.MilliCPU > alloc.MilliCPU-used.MilliCPU {
		out = append(out, InsufficientResource{ResourceName: v1.ResourceCPU, Reason: "Insufficient cpu",
			Requested: req.MilliCPU, Used: used.MilliCPU, Capacity: alloc.MilliCPU, Unresolvable: req.MilliCPU > alloc.MilliCPU})
	}
	if req.Memory > 0 && req.Memory > alloc.Memory-used.Memory {
		out = append(out, InsufficientResource{ResourceName: v1.ResourceMemory, Reason: "Insufficient memory",
			Requested: req.Memory, Used: used.Memory, Capacity: alloc.Memory, Unresolvable: req.Memory > alloc.Memory})
	}
	if req.EphemeralStorage > 0 && req.EphemeralStorage > alloc.EphemeralStorage-used.EphemeralStorage {
		out = append(out, InsufficientResource{ResourceName: v1.ResourceEphemeralStorage, Reason: "Insufficient ephemeral-storage",
			Requested: req.EphemeralStorage, Used: used.EphemeralStorage, Capacity: alloc.EphemeralStorage, Unresolvable: req.EphemeralStorage > alloc.EphemeralStorage})
	}
	for name, q := range req.ScalarResources {
		if q == 0 {
			continue
		}
		if q > alloc.ScalarResources[name]-used.ScalarResources[name] {
			out = append(out, InsufficientResource{ResourceName: name, Reason: fmt.Sprintf("Insufficient %v", name),
				Requested: q, Used: used.ScalarResources[name], Capacity: alloc.ScalarResources[name], Unresolvable: q > alloc.ScalarResources[name]})
		}
	}
	return out
}

// PreScore computes the pod's requests as scoring counts them: containers
// without requests count at the scheduler's defaults.
func (f *Fit) PreScore(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(preScoreStateKey, resourceList(framework.PodNonZeroRequests(pod)))
	return nil
}

// Score is LeastAllocated: the share of cpu and memory left free once the
// pod is placed, averaged by weight, 0-100.
func (f *Fit) Score(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(preScoreStateKey)
	podReq, _ := v.([]int64)
	if !ok {
		podReq = resourceList(framework.PodNonZeroRequests(pod))
	}
	alloc := resourceList(node.Allocatable)
	used := resourceList(node.NonZeroRequested)
	var score, weightSum int64
	for i := range scoringResources {
		if alloc[i] == 0 {
			continue
		}
		score += leastRequestedScore(used[i]+podReq[i], alloc[i])
		weightSum++
	}
	if weightSum == 0 {
		return 0, nil
	}
	return score / weightSum, nil
}

// ScoreExtensions: LeastAllocated scores are already 0-100.
func (f *Fit) ScoreExtensions() framework.ScoreExtensions { return nil }

func leastRequestedScore(requested, capacity int64) int64 {
	if capacity == 0 || requested > capacity {
		return 0
	}
	return (capacity - requested) * framework.MaxNodeScore / capacity
}

// resourceList returns r's amounts of the scoring resources, in order.
func resourceList(r *framework.Resource) []int64 {
	return []int64{r.MilliCPU, r.Memory}
}
