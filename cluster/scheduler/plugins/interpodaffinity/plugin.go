package interpodaffinity

import (
	"context"
	"fmt"
	"math"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"kubelab/cluster/scheduler/framework"
)

// Name is the plugin's in-tree name.
const Name = "InterPodAffinity"

// The reasons, as upstream words them.
const (
	ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"
	ErrReasonAffinityRulesNotMatch             = "node(s) didn't match pod affinity rules"
	ErrReasonAntiAffinityRulesNotMatch         = "node(s) didn't match pod anti-affinity rules"
)

const (
	preFilterStateKey     = "PreFilter" + Name
	preScoreStateKey      = "PreScore" + Name
	hardPodAffinityWeight = 1
)

// InterPodAffinity checks pods against pods by topology domain.
type InterPodAffinity struct {
	h framework.Handle
}

var (
	_ framework.PreFilterPlugin   = &InterPodAffinity{}
	_ framework.FilterPlugin      = &InterPodAffinity{}
	_ framework.PreScorePlugin    = &InterPodAffinity{}
	_ framework.ScorePlugin       = &InterPodAffinity{}
	_ framework.EnqueueExtensions = &InterPodAffinity{}
)

// New builds the plugin.
func New(h framework.Handle) (framework.Plugin, error) { return &InterPodAffinity{h: h}, nil }

// Name returns the plugin name.
func (pl *InterPodAffinity) Name() string { return Name }

// EventsToRegister: pods coming, going or relabelled anywhere, nodes added or
// relabelled (a new topology domain).
func (pl *InterPodAffinity) EventsToRegister() []framework.ClusterEventWithHint {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: framework.All}},
		{Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeLabel}},
		{Event: framework.ClusterEvent{Resource: framework.UnscheduledPod, ActionType: framework.UpdatePodLabel}},
	}
}

type topologyPair struct{ key, value string }

type topologyCounts map[topologyPair]int64

func (m topologyCounts) update(node *v1.Node, key string, value int64) {
	if tv, ok := node.Labels[key]; ok {
		m[topologyPair{key, tv}] += value
	}
}

type preFilterState struct {
	podInfo                    *framework.PodInfo
	namespaceLabels            labels.Set
	existingAntiAffinityCounts topologyCounts
	affinityCounts             topologyCounts
	antiAffinityCounts         topologyCounts
}

// mergeNamespaces resolves a term's namespace selector into namespace names,
// as upstream does once per cycle for the incoming pod's terms.
func (pl *InterPodAffinity) mergeNamespaces(t *framework.AffinityTerm) {
	if t.NamespaceSelector.Empty() {
		return
	}
	ns := t.Namespaces.Clone()
	ns.Insert(pl.h.NamespacesMatching(t.NamespaceSelector)...)
	t.Namespaces = ns
	t.NamespaceSelector = labels.Nothing()
}

func podMatchesAllAffinityTerms(terms []framework.AffinityTerm, pod *v1.Pod) bool {
	if len(terms) == 0 {
		return false
	}
	for i := range terms {
		if !terms[i].Matches(pod, nil) {
			return false
		}
	}
	return true
}

// PreFilter counts, per topology domain, the existing pods the incoming pod's
// required terms match and the existing pods whose anti-affinity rejects it.
func (pl *InterPodAffinity) PreFilter(_ context.Context, state *framework.CycleState, pod *v1.Pod, nodes []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	pi := framework.NewPodInfo(pod)
	if pi.ParseError != nil {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf("parsing pod: %+v", pi.ParseError))
	}
	for i := range pi.RequiredAffinityTerms {
		pl.mergeNamespaces(&pi.RequiredAffinityTerms[i])
	}
	for i := range pi.RequiredAntiAffinityTerms {
		pl.mergeNamespaces(&pi.RequiredAntiAffinityTerms[i])
	}
	s := &preFilterState{
		podInfo:                    pi,
		namespaceLabels:            pl.h.NamespaceLabels(pod.Namespace),
		existingAntiAffinityCounts: topologyCounts{},
		affinityCounts:             topologyCounts{},
		antiAffinityCounts:         topologyCounts{},
	}
	for _, ni := range pl.h.NodeInfos().List() {
		node := ni.Node()
		for _, existing := range ni.PodsWithRequiredAntiAffinity {
			for i := range existing.RequiredAntiAffinityTerms {
				t := &existing.RequiredAntiAffinityTerms[i]
				if t.Matches(pod, s.namespaceLabels) {
					s.existingAntiAffinityCounts.update(node, t.TopologyKey, 1)
				}
			}
		}
		if len(pi.RequiredAffinityTerms) == 0 && len(pi.RequiredAntiAffinityTerms) == 0 {
			continue
		}
		for _, existing := range ni.Pods {
			if podMatchesAllAffinityTerms(pi.RequiredAffinityTerms, existing.Pod) {
				for _, t := range pi.RequiredAffinityTerms {
					s.affinityCounts.update(node, t.TopologyKey, 1)
				}
			}
			for i := range pi.RequiredAntiAffinityTerms {
				t := &pi.RequiredAntiAffinityTerms[i]
				if t.Matches(existing.Pod, nil) {
					s.antiAffinityCounts.update(node, t.TopologyKey, 1)
				}
			}
		}
	}
	for k, v := range s.existingAntiAffinityCounts {
		if v == 0 {
			delete(s.existingAntiAffinityCounts, k)
		}
	}
	if len(s.existingAntiAffinityCounts) == 0 && len(pi.RequiredAffinityTerms) == 0 && len(pi.RequiredAntiAffinityTerms) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, s)
	return nil, nil
}

// Filter checks, in upstream's order: the pod's affinity, its anti-affinity,
// then existing pods' anti-affinity against it.
func (pl *InterPodAffinity) Filter(_ context.Context, state *framework.CycleState, pod *v1.Pod, ni *framework.NodeInfo) *framework.Status {
	v, ok := state.Read(preFilterStateKey)
	if !ok {
		return framework.AsStatus(fmt.Errorf("reading %q from cycleState: not found", preFilterStateKey))
	}
	s := v.(*preFilterState)
	node := ni.Node()
	if !s.satisfiesAffinity(node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	}
	for _, t := range s.podInfo.RequiredAntiAffinityTerms {
		if tv, ok := node.Labels[t.TopologyKey]; ok && s.antiAffinityCounts[topologyPair{t.TopologyKey, tv}] > 0 {
			return framework.NewStatus(framework.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
		}
	}
	for k, v := range node.Labels {
		if s.existingAntiAffinityCounts[topologyPair{k, v}] > 0 {
			return framework.NewStatus(framework.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
		}
	}
	return nil
}

// satisfiesAffinity: every term's topology domain on this node holds a
// matching pod. A pod matching its own terms may start the first domain
// when no pod matches anywhere.
func (s *preFilterState) satisfiesAffinity(node *v1.Node) bool {
	terms := s.podInfo.RequiredAffinityTerms
	if len(terms) == 0 {
		return true
	}
	podsExist := true
	for _, t := range terms {
		tv, ok := node.Labels[t.TopologyKey]
		if !ok {
			return false
		}
		if s.affinityCounts[topologyPair{t.TopologyKey, tv}] <= 0 {
			podsExist = false
		}
	}
	if !podsExist {
		return len(s.affinityCounts) == 0 && podMatchesAllAffinityTerms(terms, s.podInfo.Pod)
	}
	return true
}

type preScoreState struct {
	topologyScore map[string]map[string]int64
}

func (m *preScoreState) processTerm(t *framework.AffinityTerm, weight int32, pod *v1.Pod, nsLabels labels.Set, node *v1.Node, multiplier int32) {
	if !t.Matches(pod, nsLabels) {
		return
	}
	tv, ok := node.Labels[t.TopologyKey]
	if !ok {
		return
	}
	if m.topologyScore[t.TopologyKey] == nil {
		m.topologyScore[t.TopologyKey] = map[string]int64{}
	}
	m.topologyScore[t.TopologyKey][tv] += int64(weight * multiplier)
}

// PreScore adds up, per topology domain, the weights of preferred terms
// between the pod and the pods already placed (and existing pods' required
// affinity to it, at the hard weight).
func (pl *InterPodAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *v1.Pod, _ []*framework.NodeInfo) *framework.Status {
	pi := framework.NewPodInfo(pod)
	if pi.ParseError != nil {
		return framework.AsStatus(fmt.Errorf("failed to parse pod: %w", pi.ParseError))
	}
	hasConstraints := len(pi.PreferredAffinityTerms) > 0 || len(pi.PreferredAntiAffinityTerms) > 0
	for i := range pi.PreferredAffinityTerms {
		pl.mergeNamespaces(&pi.PreferredAffinityTerms[i].AffinityTerm)
	}
	for i := range pi.PreferredAntiAffinityTerms {
		pl.mergeNamespaces(&pi.PreferredAntiAffinityTerms[i].AffinityTerm)
	}
	nsLabels := pl.h.NamespaceLabels(pod.Namespace)
	s := &preScoreState{topologyScore: map[string]map[string]int64{}}
	for _, ni := range pl.h.NodeInfos().List() {
		node := ni.Node()
		if len(node.Labels) == 0 {
			continue
		}
		pods := ni.PodsWithAffinity
		if hasConstraints {
			pods = ni.Pods
		}
		for _, existing := range pods {
			for i := range pi.PreferredAffinityTerms {
				t := &pi.PreferredAffinityTerms[i]
				s.processTerm(&t.AffinityTerm, t.Weight, existing.Pod, nil, node, 1)
			}
			for i := range pi.PreferredAntiAffinityTerms {
				t := &pi.PreferredAntiAffinityTerms[i]
				s.processTerm(&t.AffinityTerm, t.Weight, existing.Pod, nil, node, -1)
			}
			for i := range existing.RequiredAffinityTerms {
				s.processTerm(&existing.RequiredAffinityTerms[i], hardPodAffinityWeight, pod, nsLabels, node, 1)
			}
			for i := range existing.PreferredAffinityTerms {
				t := &existing.PreferredAffinityTerms[i]
				s.processTerm(&t.AffinityTerm, t.Weight, pod, nsLabels, node, 1)
			}
			for i := range existing.PreferredAntiAffinityTerms {
				t := &existing.PreferredAntiAffinityTerms[i]
				s.processTerm(&t.AffinityTerm, t.Weight, pod, nsLabels, node, -1)
			}
		}
	}
	if len(s.topologyScore) == 0 {
		return framework.NewStatus(framework.Skip)
	}
	state.Write(preScoreStateKey, s)
	return nil
}

// Score sums the node's topology domains' scores.
func (pl *InterPodAffinity) Score(_ context.Context, state *framework.CycleState, _ *v1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	v, ok := state.Read(preScoreStateKey)
	if !ok {
		return 0, framework.AsStatus(fmt.Errorf("reading %q from cycleState: not found", preScoreStateKey))
	}
	s := v.(*preScoreState)
	var score int64
	for key, values := range s.topologyScore {
		if tv, ok := ni.Node().Labels[key]; ok {
			score += values[tv]
		}
	}
	return score, nil
}

// ScoreExtensions returns the plugin itself.
func (pl *InterPodAffinity) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore maps the lowest score to 0 and the highest to 100.
func (pl *InterPodAffinity) NormalizeScore(_ context.Context, state *framework.CycleState, _ *v1.Pod, scores framework.NodeScoreList) *framework.Status {
	v, ok := state.Read(preScoreStateKey)
	if !ok || len(v.(*preScoreState).topologyScore) == 0 {
		return nil
	}
	var minCount, maxCount int64 = math.MaxInt64, math.MinInt64
	for _, s := range scores {
		minCount = min(minCount, s.Score)
		maxCount = max(maxCount, s.Score)
	}
	diff := maxCount - minCount
	for i := range scores {
		f := 0.0
		if diff > 0 {
			f = float64(framework.MaxNodeScore) * (float64(scores[i].Score-minCount) / float64(diff))
		}
		scores[i].Score = int64(f)
	}
	return nil
}
