package defaultpreemption

import (
	"context"
	"errors"
	"fmt"

	v1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "DefaultPreemption"

// The texts upstream uses.
const (
	msgNotHelpful = "Preemption is not helpful for scheduling"
	msgNoVictims  = "No preemption victims found for incoming pod"
	msgNever      = "not eligible due to preemptionPolicy=Never."
)

// DefaultPreemption evaluates preemption.
type DefaultPreemption struct {
	h framework.Handle
}

var _ framework.PostFilterPlugin = &DefaultPreemption{}

// New builds the plugin.
func New(h framework.Handle) (framework.Plugin, error) { return &DefaultPreemption{h: h}, nil }

// Name returns the plugin name.
func (pl *DefaultPreemption) Name() string { return Name }

// PostFilter runs the preemption dry run and reports, prefixed "preemption: ".
func (pl *DefaultPreemption) PostFilter(ctx context.Context, state *framework.CycleState, pod *v1.Pod, m *framework.NodeToStatus) (*framework.PostFilterResult, *framework.Status) {
	r, s := pl.preempt(ctx, state, pod, m)
	if msg := s.Message(); msg != "" {
		return r, framework.NewStatus(s.Code(), "preemption: "+msg)
	}
	return r, s
}

func (pl *DefaultPreemption) preempt(ctx context.Context, state *framework.CycleState, pod *v1.Pod, m *framework.NodeToStatus) (*framework.PostFilterResult, *framework.Status) {
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == v1.PreemptNever {
		return nil, framework.NewStatus(framework.Unschedulable, msgNever)
	}
	all := pl.h.NodeInfos().List()
	if len(all) == 0 {
		return nil, framework.AsStatus(errors.New("no nodes available"))
	}
	// Only nodes that failed with Unschedulable may fit once pods leave;
	// UnschedulableAndUnresolvable ones (taints, selectors, too small) never.
	statuses := framework.NewDefaultNodeToStatus()
	candidates := 0
	priority := corev1helpers.PodPriority(pod)
	for _, ni := range m.NodesForStatusCode(all, framework.Unschedulable) {
		var victims []*v1.Pod
		for _, p := range ni.Pods {
			if corev1helpers.PodPriority(p.Pod) < priority {
				victims = append(victims, p.Pod)
			}
		}
		if len(victims) == 0 {
			statuses.Set(ni.Node().Name, framework.NewStatus(framework.UnschedulableAndUnresolvable, msgNoVictims))
			continue
		}
		trial := ni.Clone()
		for _, v := range victims {
			trial.RemovePod(v)
		}
		if s := pl.h.RunFilterPlugins(ctx, state.Clone(), pod, trial); !s.IsSuccess() {
			statuses.Set(ni.Node().Name, s)
			continue
		}
		candidates++
	}
	if candidates == 0 {
		statuses.SetAbsentNodesStatus(framework.NewStatus(framework.UnschedulableAndUnresolvable, msgNotHelpful))
		fe := &framework.FitError{Pod: pod, NumAllNodes: len(all), Diagnosis: framework.Diagnosis{NodeToStatus: statuses}}
		return &framework.PostFilterResult{}, framework.NewStatus(framework.Unschedulable, fe.Error())
	}
	return nil, framework.NewStatus(framework.Unschedulable,
		fmt.Sprintf("%d node(s) would fit after evicting lower-priority pods, but kubelab does not evict pods", candidates))
}
