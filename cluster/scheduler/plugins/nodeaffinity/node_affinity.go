package nodeaffinity

import (
	"context"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "NodeAffinity"

// The reasons, as upstream words them.
const (
	ErrReasonPod      = "node(s) didn't match Pod's node affinity/selector"
	errReasonConflict = "pod affinity terms conflict"
)

const (
	preFilterStateKey = "PreFilter" + Name
	preScoreStateKey  = "PreScore" + Name
)

// NodeAffinity matches node labels and fields against the pod's selectors.
type NodeAffinity struct{}

var (
	_ framework.PreFilterPlugin   = &NodeAffinity{}
	_ framework.FilterPlugin      = &NodeAffinity{}
	_ framework.PreScorePlugin    = &NodeAffinity{}
	_ framework.ScorePlugin       = &NodeAffinity{}
	_ framework.EnqueueExtensions = &NodeAffinity{}
)

// New builds the plugin.
func New(framework.Handle) (framework.Plugin, error) { return &NodeAffinity{}, nil }

// Name returns the plugin name.
func (pl *NodeAffinity) Name() string { return Name }

// EventsToRegister: a node added or relabelled so that it now matches.
func (pl *NodeAffinity) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{{
		Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeLabel},
		QueueingHintFn: func(pod *v1.Pod, oldObj, newObj any) (framework.QueueingHint, error) {
			n, _ := newObj.(*v1.Node)
			if n == nil {
				return framework.QueueSkip, nil
			}
			req := nodeaffinity.GetRequiredNodeAffinity(pod)
			if ok, _ := req.Match(n); !ok {
				return framework.QueueSkip, nil
			}
			if o, ok := oldObj.(*v1.Node); ok && o != nil {
				if was, _ := req.Match(o); was {
					return framework.QueueSkip, nil
				}
			}
			return framework.Queue, nil
		},
	}}
}

// PreFilter parses the required affinity once, and narrows the nodes when
// every required term names nodes by metadata.name.
func (pl *NodeAffinity) PreFilter(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	aff := pod.Spec.Affinity
	noNodeAffinity := aff == nil || aff.NodeAffinity == nil || aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil
	if noNodeAffinity && pod.Spec.NodeSelector == nil {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, nodeaffinity.GetRequiredNodeAffinity(pod))
	if noNodeAffinity || len(aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms) == 0 {
		return nil, nil
	}
	var nodeNames sets.Set[string]
	for _, t := range aff.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		var termNames sets.Set[string]
		for _, r := range t.MatchFields {
			if r.Key == metav1.ObjectNameField && r.Operator == v1.NodeSelectorOpIn {
				s := sets.New(r.Values...)
				if termNames == nil {
					termNames = s
				} else {
					termNames = termNames.Intersection(s)
				}
			}
		}
		if termNames == nil {
			// A term that does not name nodes may match any node.
			return nil, nil
		}
		nodeNames = nodeNames.Union(termNames)
	}
	if nodeNames != nil && len(nodeNames) == 0 {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, errReasonConflict)
	}
	if len(nodeNames) > 0 {
		return &framework.PreFilterResult{NodeNames: nodeNames}, nil
	}
	return nil, nil
}

// Filter rejects a node that misses the nodeSelector or required affinity.
func (pl *NodeAffinity) Filter(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	req, ok := readRequired(state)
	if !ok {
		req = nodeaffinity.GetRequiredNodeAffinity(pod)
	}
	if match, _ := req.Match(node.Node()); !match {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonPod)
	}
	return nil
}

func readRequired(state *framework.CycleState) (nodeaffinity.RequiredNodeAffinity, bool) {
	v, ok := state.Read(preFilterStateKey)
	if !ok {
		return nodeaffinity.RequiredNodeAffinity{}, false
	}
	r, ok := v.(nodeaffinity.RequiredNodeAffinity)
	return r, ok
}

// PreScore parses the preferred terms; without any the plugin does not score.
func (pl *NodeAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) *framework.Status {
	aff := pod.Spec.Affinity
	if aff == nil || aff.NodeAffinity == nil || aff.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return framework.NewStatus(framework.Skip)
	}
	terms, err := nodeaffinity.NewPreferredSchedulingTerms(aff.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution)
	if err != nil {
		return framework.AsStatus(err)
	}
	state.Write(preScoreStateKey, terms)
	return nil
}

// Score sums the weights of the preferred terms the node matches.
func (pl *NodeAffinity) Score(_ context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(preScoreStateKey)
	if !ok {
		return 0, nil
	}
	return v.(*nodeaffinity.PreferredSchedulingTerms).Score(node.Node()), nil
}

// ScoreExtensions returns the plugin itself.
func (pl *NodeAffinity) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore scales so the best-matching node scores 100.
func (pl *NodeAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *v1.Pod, scores framework.NodeScoreList) *framework.Status {
	return framework.DefaultNormalizeScore(framework.MaxNodeScore, false, scores)
}
