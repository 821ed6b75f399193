package noderesources

import (
	"context"
	"math"

	v1 "k8s.io/api/core/v1"

	"kubelab/cluster/scheduler/framework"
)

// BalancedAllocationName is the NodeResourcesBalancedAllocation plugin's in-tree name.
const BalancedAllocationName = "NodeResourcesBalancedAllocation"

const balancedPreScoreStateKey = "PreScore" + BalancedAllocationName

// BalancedAllocation favours nodes whose cpu and memory fractions stay close.
type BalancedAllocation struct{}

var (
	_ framework.PreScorePlugin = &BalancedAllocation{}
	_ framework.ScorePlugin    = &BalancedAllocation{}
)

// NewBalancedAllocation builds the plugin.
func NewBalancedAllocation(framework.Handle) (framework.Plugin, error) {
	return &BalancedAllocation{}, nil
}

// Name returns the plugin name.
func (ba *BalancedAllocation) Name() string { return BalancedAllocationName }

// PreScore takes the pod's plain requests; a pod requesting nothing
// (BestEffort) is not scored by this plugin.
func (ba *BalancedAllocation) PreScore(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) *framework.Status {
	req := resourceList(framework.PodRequests(pod))
	if req[0] == 0 && req[1] == 0 {
		return framework.NewStatus(framework.Skip)
	}
	state.Write(balancedPreScoreStateKey, req)
	return nil
}

// Score compares the balance with and without the pod: 50 means placing the
// pod changes nothing, more means it evens the node out.
func (ba *BalancedAllocation) Score(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(balancedPreScoreStateKey)
	podReq, _ := v.([]int64)
	if !ok {
		podReq = resourceList(framework.PodRequests(pod))
		if podReq[0] == 0 && podReq[1] == 0 {
			return 0, nil
		}
	}
	alloc := resourceList(node.Allocatable)
	allocated := resourceList(node.Requested)
	requested := make([]int64, len(alloc))
	for i := range alloc {
		if alloc[i] == 0 {
			allocated[i] = 0
			continue
		}
		requested[i] = allocated[i] + podReq[i]
	}
	with := balancedResourceScore(requested, alloc)
	without := balancedResourceScore(allocated, alloc)
	return framework.MaxNodeScore/2 + (framework.MaxNodeScore/2+with-without)/2, nil
}

// ScoreExtensions: scores are already 0-100.
func (ba *BalancedAllocation) ScoreExtensions() framework.ScoreExtensions { return nil }

// balancedResourceScore is (1 - standard deviation of the used fractions) * 100.
func balancedResourceScore(requested, allocatable []int64) int64 {
	var fractions []float64
	var total float64
	for i := range requested {
		if allocatable[i] == 0 {
			continue
		}
		f := float64(requested[i]) / float64(allocatable[i])
		if f > 1 {
			f = 1
		}
		total += f
		fractions = append(fractions, f)
	}
	std := 0.0
	switch {
	case len(fractions) == 2:
		std = math.Abs((fractions[0] - fractions[1]) / 2)
	case len(fractions) > 2:
		mean := total / float64(len(fractions))
		var sum float64
		for _, f := range fractions {
			sum += (f - mean) * (f - mean)
		}
		std = math.Sqrt(sum / float64(len(fractions)))
	}
	return int64((1 - std) * float64(framework.MaxNodeScore))
}
