package tainttoleration

import (
	"context"

	v1 "k8s.io/api/core/v1"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "TaintToleration"

// ErrReasonNotMatch is upstream's reason text (v1.37 no longer lists the taint).
const ErrReasonNotMatch = "node(s) had untolerated taint(s)"

const preScoreStateKey = "PreScore" + Name

// TaintToleration checks taints against tolerations.
type TaintToleration struct{}

var (
	_ framework.FilterPlugin      = &TaintToleration{}
	_ framework.PreScorePlugin    = &TaintToleration{}
	_ framework.ScorePlugin       = &TaintToleration{}
	_ framework.EnqueueExtensions = &TaintToleration{}
)

// New builds the plugin.
func New(framework.Handle) (framework.Plugin, error) { return &TaintToleration{}, nil }

// Name returns the plugin name.
func (pl *TaintToleration) Name() string { return Name }

// doNotSchedule selects the taints Filter enforces.
func doNotSchedule(t *v1.Taint) bool {
	return t.Effect == v1.TaintEffectNoSchedule || t.Effect == v1.TaintEffectNoExecute
}

func untolerated(node *v1.Node, pod *v1.Pod) bool {
	_, found := corev1helpers.FindMatchingUntoleratedTaint(klog.Background(), node.Spec.Taints, pod.Spec.Tolerations, doNotSchedule, false)
	return found
}

// EventsToRegister: a node added or retainted so that the pod now tolerates
// it, or the pod's own tolerations changed.
func (pl *TaintToleration) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{
		{
			Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeTaint},
			QueueingHintFn: func(pod *v1.Pod, oldObj, newObj any) (framework.QueueingHint, error) {
				n, _ := newObj.(*v1.Node)
				if n == nil {
					return framework.QueueSkip, nil
				}
				was := true
				if o, ok := oldObj.(*v1.Node); ok && o != nil {
					was = untolerated(o, pod)
				}
				if was && !untolerated(n, pod) {
					return framework.Queue, nil
				}
				return framework.QueueSkip, nil
			},
		},
		{Event: framework.ClusterEvent{Resource: framework.UnscheduledPod, ActionType: framework.UpdatePodToleration}},
	}
}

// Filter rejects a node with a NoSchedule or NoExecute taint the pod does not tolerate.
func (pl *TaintToleration) Filter(_ context.Context, _ *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	if untolerated(node.Node(), pod) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonNotMatch)
	}
	return nil
}

// PreScore keeps the tolerations that can tolerate PreferNoSchedule taints.
func (pl *TaintToleration) PreScore(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) *framework.Status {
	var tols []v1.Toleration
	for _, t := range pod.Spec.Tolerations {
		if t.Effect == "" || t.Effect == v1.TaintEffectPreferNoSchedule {
			tols = append(tols, t)
		}
	}
	state.Write(preScoreStateKey, tols)
	return nil
}

// Score counts the PreferNoSchedule taints the pod does not tolerate.
func (pl *TaintToleration) Score(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) (int64, *framework.Status) {
	v, _ := state.Read(preScoreStateKey)
	tols, _ := v.([]v1.Toleration)
	var n int64
	for i := range node.Node().Spec.Taints {
		t := &node.Node().Spec.Taints[i]
		if t.Effect != v1.TaintEffectPreferNoSchedule {
			continue
		}
		if !corev1helpers.TolerationsTolerateTaint(klog.Background(), tols, t, false) {
			n++
		}
	}
	return n, nil
}

// ScoreExtensions returns the plugin itself: it normalizes in reverse.
func (pl *TaintToleration) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore makes the node with the fewest untolerated taints score 100.
func (pl *TaintToleration) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *v1.Pod, scores framework.NodeScoreList) *framework.Status {
	return framework.DefaultNormalizeScore(framework.MaxNodeScore, true, scores)
}
