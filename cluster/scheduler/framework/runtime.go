package framework

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

// Verdict is what one plugin said at one extension point, kept for explain.
type Verdict struct {
	Plugin  string
	Code    Code
	Reasons []string
}

func verdict(plugin string, s *Status) Verdict {
	return Verdict{Plugin: plugin, Code: s.Code(), Reasons: s.Reasons()}
}

type weightedScorePlugin struct {
	ScorePlugin
	weight int32
}

// Framework runs a profile's plugins at each extension point, in the
// profile's order, as upstream's frameworkImpl.
type Framework struct {
	handle     Handle
	plugins    []Plugin
	preFilter  []PreFilterPlugin
	filter     []FilterPlugin
	postFilter []PostFilterPlugin
	preScore   []PreScorePlugin
	score      []weightedScorePlugin
	reserve    []ReservePlugin
	bind       []BindPlugin
}

// NewFramework builds every plugin of profile from r.
func NewFramework(r Registry, profile []PluginConfig, h Handle) (*Framework, error) {
	f := &Framework{handle: h}
	for _, pc := range profile {
		factory, ok := r[pc.Name]
		if !ok {
			return nil, fmt.Errorf("plugin %q is not in the registry", pc.Name)
		}
		p, err := factory(h)
		if err != nil {
			return nil, fmt.Errorf("plugin %q: %w", pc.Name, err)
		}
		f.plugins = append(f.plugins, p)
		if p, ok := p.(PreFilterPlugin); ok {
			f.preFilter = append(f.preFilter, p)
		}
		if p, ok := p.(FilterPlugin); ok {
			f.filter = append(f.filter, p)
		}
		if p, ok := p.(PostFilterPlugin); ok {
			f.postFilter = append(f.postFilter, p)
		}
		if p, ok := p.(PreScorePlugin); ok {
			f.preScore = append(f.preScore, p)
		}
		if p, ok := p.(ScorePlugin); ok {
			w := pc.Weight
			if w == 0 {
				w = 1
			}
			f.score = append(f.score, weightedScorePlugin{p, w})
		}
		if p, ok := p.(ReservePlugin); ok {
			f.reserve = append(f.reserve, p)
		}
		if p, ok := p.(BindPlugin); ok {
			f.bind = append(f.bind, p)
		}
	}
	return f, nil
}

// Plugins returns the plugins in profile order.
func (f *Framework) Plugins() []Plugin { return f.plugins }

// HasPostFilterPlugins reports whether a PostFilter plugin is enabled.
func (f *Framework) HasPostFilterPlugins() bool { return len(f.postFilter) > 0 }

// RunPreFilterPlugins runs PreFilter plugins. An UnschedulableAndUnresolvable
// verdict stops at once; an Unschedulable one is returned after the rest ran
// (preemption needs their state). A merged result that leaves no node is
// UnschedulableAndUnresolvable with upstream's "didn't satisfy plugin" text.
// pluginsWithNodes are the plugins that narrowed the nodes.
func (f *Framework) RunPreFilterPlugins(ctx context.Context, state *CycleState, pod *v1.Pod, nodes []*NodeInfo) (result *PreFilterResult, status *Status, pluginsWithNodes sets.Set[string], verdicts []Verdict) {
	pluginsWithNodes = sets.New[string]()
	for _, pl := range f.preFilter {
		r, s := pl.PreFilter(ctx, state, pod, nodes)
		verdicts = append(verdicts, verdict(pl.Name(), s))
		if s.IsSkip() {
			state.skipFilterPlugins[pl.Name()] = true
			continue
		}
		if !s.IsSuccess() {
			s.WithPlugin(pl.Name())
			switch s.Code() {
			case UnschedulableAndUnresolvable:
				return nil, s, nil, verdicts
			case Unschedulable:
				status = s
				continue
			}
			return nil, AsStatus(fmt.Errorf("running PreFilter plugin %q: %w", pl.Name(), s.AsError())).WithPlugin(pl.Name()), nil, verdicts
		}
		if !r.AllNodes() {
			pluginsWithNodes.Insert(pl.Name())
		}
		result = result.Merge(r)
		if !result.AllNodes() && len(result.NodeNames) == 0 {
			msg := fmt.Sprintf("node(s) didn't satisfy plugin(s) %v simultaneously", sets.List(pluginsWithNodes))
			if len(pluginsWithNodes) == 1 {
				msg = fmt.Sprintf("node(s) didn't satisfy plugin %v", sets.List(pluginsWithNodes)[0])
			}
			return result, NewStatus(UnschedulableAndUnresolvable, msg), pluginsWithNodes, verdicts
		}
	}
	return result, status, pluginsWithNodes, verdicts
}

// RunFilterPlugins runs Filter plugins against one node and stops at the
// first that does not pass, as upstream: a node shows one plugin's reasons.
func (f *Framework) RunFilterPlugins(ctx context.Context, state *CycleState, pod *v1.Pod, node *NodeInfo) (*Status, []Verdict) {
	var verdicts []Verdict
	for _, pl := range f.filter {
		if state.skipFilterPlugins[pl.Name()] {
			continue
		}
		s := pl.Filter(ctx, state, pod, node)
		verdicts = append(verdicts, verdict(pl.Name(), s))
		if !s.IsSuccess() {
			if !s.IsRejected() {
				s = AsStatus(fmt.Errorf("running %q filter plugin: %w", pl.Name(), s.AsError()))
			}
			return s.WithPlugin(pl.Name()), verdicts
		}
	}
	return nil, verdicts
}

// RunPostFilterPlugins runs PostFilter plugins until one succeeds.
func (f *Framework) RunPostFilterPlugins(ctx context.Context, state *CycleState, pod *v1.Pod, statuses *NodeToStatus) (*PostFilterResult, *Status) {
	var result *PostFilterResult
	var reasons []string
	var rejector string
	for _, pl := range f.postFilter {
		r, s := pl.PostFilter(ctx, state, pod, statuses)
		switch {
		case s.IsSuccess():
			return r, s
		case s.Code() == UnschedulableAndUnresolvable:
			return r, s.WithPlugin(pl.Name())
		case !s.IsRejected():
			return nil, AsStatus(s.AsError()).WithPlugin(pl.Name())
		case r != nil:
			result = r
		}
		reasons = append(reasons, s.Reasons()...)
		if rejector == "" {
			rejector = pl.Name()
		}
	}
	return result, NewStatus(Unschedulable, reasons...).WithPlugin(rejector)
}

// RunPreScorePlugins runs PreScore plugins; Skip leaves a plugin out of Score.
func (f *Framework) RunPreScorePlugins(ctx context.Context, state *CycleState, pod *v1.Pod, nodes []*NodeInfo) *Status {
	for _, pl := range f.preScore {
		s := pl.PreScore(ctx, state, pod, nodes)
		if s.IsSkip() {
			state.skipScorePlugins[pl.Name()] = true
			continue
		}
		if !s.IsSuccess() {
			return AsStatus(fmt.Errorf("running PreScore plugin %q: %w", pl.Name(), s.AsError()))
		}
	}
	return nil
}

// RunScorePlugins scores nodes with every plugin not skipped, normalizes each
// plugin's scores, weighs them and adds them up per node.
func (f *Framework) RunScorePlugins(ctx context.Context, state *CycleState, pod *v1.Pod, nodes []*NodeInfo) ([]NodePluginScores, *Status) {
	out := make([]NodePluginScores, len(nodes))
	for i, ni := range nodes {
		out[i].Name = ni.Node().Name
	}
	for _, pl := range f.score {
		if state.skipScorePlugins[pl.Name()] {
			continue
		}
		list := make(NodeScoreList, len(nodes))
		raw := make([]int64, len(nodes))
		for i, ni := range nodes {
			s, st := pl.Score(ctx, state, pod, ni)
			if !st.IsSuccess() {
				return nil, AsStatus(fmt.Errorf("running Score plugins: plugin %q failed with: %w", pl.Name(), st.AsError()))
			}
			list[i] = NodeScore{Name: ni.Node().Name, Score: s}
			raw[i] = s
		}
		if ext := pl.ScoreExtensions(); ext != nil {
			if st := ext.NormalizeScore(ctx, state, pod, list); !st.IsSuccess() {
				return nil, AsStatus(fmt.Errorf("running Normalize on Score plugins: plugin %q failed with: %w", pl.Name(), st.AsError()))
			}
		}
		for i := range nodes {
			n := list[i].Score
			if n > MaxNodeScore || n < 0 {
				return nil, AsStatus(fmt.Errorf("applying score defaultWeights on Score plugins: plugin %q returns an invalid score %v, it should in the range of [%v, %v] after normalizing", pl.Name(), n, 0, MaxNodeScore))
			}
			w := n * int64(pl.weight)
			out[i].Scores = append(out[i].Scores, PluginScore{Plugin: pl.Name(), Raw: raw[i], Normalized: n, Weight: pl.weight, Weighted: w})
			out[i].TotalScore += w
		}
	}
	return out, nil
}

// RunReservePluginsReserve reserves with every Reserve plugin.
func (f *Framework) RunReservePluginsReserve(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string) *Status {
	for _, pl := range f.reserve {
		if s := pl.Reserve(ctx, state, pod, nodeName); !s.IsSuccess() {
			if s.IsRejected() {
				return s.WithPlugin(pl.Name())
			}
			return AsStatus(fmt.Errorf("running Reserve plugin %q: %w", pl.Name(), s.AsError())).WithPlugin(pl.Name())
		}
	}
	return nil
}

// RunReservePluginsUnreserve undoes Reserve, in reverse order.
func (f *Framework) RunReservePluginsUnreserve(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string) {
	for i := len(f.reserve) - 1; i >= 0; i-- {
		f.reserve[i].Unreserve(ctx, state, pod, nodeName)
	}
}

// RunBindPlugins asks each Bind plugin in turn until one does not Skip.
func (f *Framework) RunBindPlugins(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string) *Status {
	if len(f.bind) == 0 {
		return NewStatus(Skip)
	}
	var s *Status
	for _, pl := range f.bind {
		s = pl.Bind(ctx, state, pod, nodeName)
		if s.IsSkip() {
			continue
		}
		if !s.IsSuccess() {
			if s.IsRejected() {
				return s.WithPlugin(pl.Name())
			}
			return AsStatus(fmt.Errorf("running Bind plugin %q: %w", pl.Name(), s.AsError())).WithPlugin(pl.Name())
		}
		return s
	}
	return s
}

// EventsToRegister returns, by plugin name, the events each plugin wants to
// hear about. A plugin that does not say is interested in everything.
func (f *Framework) EventsToRegister() map[string][]ClusterEventWithHint {
	out := map[string][]ClusterEventWithHint{}
	for _, p := range f.plugins {
		if e, ok := p.(EnqueueExtensions); ok {
			out[p.Name()] = e.EventsToRegister()
		} else {
			out[p.Name()] = []ClusterEventWithHint{{Event: ClusterEvent{Resource: WildCard, ActionType: All}}}
		}
	}
	return out
}

// DefaultNormalizeScore scales scores so the highest becomes maxPriority;
// reverse flips them, so the lowest raw score wins (upstream's helper).
func DefaultNormalizeScore(maxPriority int64, reverse bool, scores NodeScoreList) *Status {
	var maxCount int64
	for i := range scores {
		if scores[i].Score > maxCount {
			maxCount = scores[i].Score
		}
	}
	if maxCount == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = maxPriority
			}
		}
		return nil
	}
	for i := range scores {
		s := maxPriority * scores[i].Score / maxCount
		if reverse {
			s = maxPriority - s
		}
		scores[i].Score = s
	}
	return nil
}
