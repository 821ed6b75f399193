package framework

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/clock"
)

// Plugin is anything the framework runs; Name is its in-tree name.
type Plugin interface {
	Name() string
}

// PreFilterPlugin computes per-pod state once per cycle, may narrow the nodes,
// or rejects the pod for every node at once.
type PreFilterPlugin interface {
	Plugin
	PreFilter(ctx context.Context, state *CycleState, pod *v1.Pod, nodes []*NodeInfo) (*PreFilterResult, *Status)
}

// FilterPlugin says whether the pod can run on one node.
type FilterPlugin interface {
	Plugin
	Filter(ctx context.Context, state *CycleState, pod *v1.Pod, node *NodeInfo) *Status
}

// PostFilterPlugin runs when no node fits (preemption).
type PostFilterPlugin interface {
	Plugin
	PostFilter(ctx context.Context, state *CycleState, pod *v1.Pod, statuses *NodeToStatus) (*PostFilterResult, *Status)
}

// PostFilterResult carries the node a pod is nominated to, if any.
type PostFilterResult struct {
	NominatedNodeName string
}

// PreScorePlugin prepares state for Score; Skip leaves the plugin out of scoring.
type PreScorePlugin interface {
	Plugin
	PreScore(ctx context.Context, state *CycleState, pod *v1.Pod, nodes []*NodeInfo) *Status
}

// ScorePlugin ranks a feasible node.
type ScorePlugin interface {
	Plugin
	Score(ctx context.Context, state *CycleState, pod *v1.Pod, node *NodeInfo) (int64, *Status)
	// ScoreExtensions returns the NormalizeScore step, or nil when raw
	// scores are already in [0, MaxNodeScore].
	ScoreExtensions() ScoreExtensions
}

// ScoreExtensions normalizes a plugin's scores over all scored nodes.
type ScoreExtensions interface {
	NormalizeScore(ctx context.Context, state *CycleState, pod *v1.Pod, scores NodeScoreList) *Status
}

// ReservePlugin claims what the pod will use on the chosen node before binding.
type ReservePlugin interface {
	Plugin
	Reserve(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string) *Status
	Unreserve(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string)
}

// BindPlugin binds the pod to the node; Skip passes to the next binder.
type BindPlugin interface {
	Plugin
	Bind(ctx context.Context, state *CycleState, pod *v1.Pod, nodeName string) *Status
}

// EnqueueExtensions lists the cluster events that may make a pod this plugin
// rejected schedulable again, each with an optional hint that looks closer.
type EnqueueExtensions interface {
	Plugin
	EventsToRegister() []ClusterEventWithHint
}

// NodeInfoLister reads the cycle's snapshot of nodes.
type NodeInfoLister interface {
	// List returns the nodes in name order.
	List() []*NodeInfo
	Get(name string) (*NodeInfo, bool)
}

// Handle is what plugins may use besides their arguments.
type Handle interface {
	ClientSet() kubernetes.Interface
	// NodeInfos is the snapshot the current cycle runs against.
	NodeInfos() NodeInfoLister
	// NamespaceLabels returns a namespace's labels, nil when unknown.
	NamespaceLabels(namespace string) labels.Set
	// NamespacesMatching returns the namespaces whose labels match sel.
	NamespacesMatching(sel labels.Selector) []string
	Clock() clock.PassiveClock
	// RunFilterPlugins runs every Filter plugin against a node, as
	// preemption does after taking victims away.
	RunFilterPlugins(ctx context.Context, state *CycleState, pod *v1.Pod, node *NodeInfo) *Status
}

// Factory builds a plugin.
type Factory func(h Handle) (Plugin, error)

// Registry maps plugin names to factories.
type Registry map[string]Factory

// PluginConfig enables a plugin in a profile; Weight counts for Score plugins.
type PluginConfig struct {
	Name   string
	Weight int32
}

// CycleState is the scratch space plugins share during one scheduling cycle.
// A cycle runs on one goroutine, so it needs no lock.
type CycleState struct {
	data              map[string]any
	skipFilterPlugins map[string]bool
	skipScorePlugins  map[string]bool
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState {
	return &CycleState{data: map[string]any{}, skipFilterPlugins: map[string]bool{}, skipScorePlugins: map[string]bool{}}
}

// Write stores v under key.
func (c *CycleState) Write(key string, v any) { c.data[key] = v }

// Read returns what was stored under key.
func (c *CycleState) Read(key string) (any, bool) {
	v, ok := c.data[key]
	return v, ok
}

// Clone copies the state (values are shared); preemption filters on a copy.
func (c *CycleState) Clone() *CycleState {
	n := NewCycleState()
	for k, v := range c.data {
		if cl, ok := v.(interface{ Clone() any }); ok {
			v = cl.Clone()
		}
		n.data[k] = v
	}
	for k, v := range c.skipFilterPlugins {
		n.skipFilterPlugins[k] = v
	}
	for k, v := range c.skipScorePlugins {
		n.skipScorePlugins[k] = v
	}
	return n
}

// EventResource is the kind of object a cluster event is about.
type EventResource string

// The resources the scheduler watches.
const (
	Node EventResource = "Node"
	// AssignedPod is a pod bound to a node; UnscheduledPod one that is not.
	AssignedPod    EventResource = "AssignedPod"
	UnscheduledPod EventResource = "UnscheduledPod"
	Namespace      EventResource = "Namespace"
	// WildCard matches every resource (the periodic flush).
	WildCard EventResource = "*"
)

// ActionType is what happened to the object, as a bit set.
type ActionType uint

// The actions, split as upstream splits node and pod updates.
const (
	Add ActionType = 1 << iota
	Delete
	UpdateNodeAllocatable
	UpdateNodeLabel
	UpdateNodeTaint
	UpdateNodeCondition
	UpdateNodeAnnotation
	UpdatePodLabel
	UpdatePodScaleDown
	UpdatePodToleration
	UpdatePodSchedulingGatesEliminated
	updatePodOther

	None ActionType = 0
	// Update is any update.
	Update = UpdateNodeAllocatable | UpdateNodeLabel | UpdateNodeTaint | UpdateNodeCondition | UpdateNodeAnnotation |
		UpdatePodLabel | UpdatePodScaleDown | UpdatePodToleration | UpdatePodSchedulingGatesEliminated | updatePodOther
	All = Add | Delete | Update
)

var actionLabels = []struct {
	a     ActionType
	label string
}{
	{Add, "Add"}, {Delete, "Delete"},
	{UpdateNodeAllocatable, "AllocatableChange"}, {UpdateNodeLabel, "LabelChange"}, {UpdateNodeTaint, "TaintChange"},
	{UpdateNodeCondition, "ConditionChange"}, {UpdateNodeAnnotation, "AnnotationChange"},
	{UpdatePodLabel, "LabelChange"}, {UpdatePodScaleDown, "ScaleDown"}, {UpdatePodToleration, "TolerationChange"},
	{UpdatePodSchedulingGatesEliminated, "SchedulingGatesEliminated"}, {updatePodOther, "Update"},
}

// ClusterEvent is something that happened in the cluster that may make an
// unschedulable pod schedulable.
type ClusterEvent struct {
	Resource   EventResource
	ActionType ActionType
	// CustomLabel names events that are not about one object (UnschedulableTimeout).
	CustomLabel string
}

// Label names the event as upstream's logs and metrics do: "NodeAdd",
// "AssignedPodDelete", "NodeTaintChange".
func (e ClusterEvent) Label() string {
	if e.CustomLabel != "" {
		return e.CustomLabel
	}
	for _, al := range actionLabels {
		if e.ActionType == al.a {
			return string(e.Resource) + al.label
		}
	}
	return string(e.Resource) + "Update"
}

// Match reports whether a registered event e covers the happened event o.
func (e ClusterEvent) Match(o ClusterEvent) bool {
	return e.Resource == WildCard || o.Resource == WildCard ||
		(e.Resource == o.Resource && e.ActionType&o.ActionType != 0)
}

// QueueingHint is a plugin's answer to "may this event make the pod schedulable?".
type QueueingHint int

// The hints.
const (
	QueueSkip QueueingHint = iota
	Queue
)

// QueueingHintFn looks at an event for a pod the plugin rejected. oldObj is
// nil for Add, newObj nil for Delete.
type QueueingHintFn func(pod *v1.Pod, oldObj, newObj any) (QueueingHint, error)

// ClusterEventWithHint is an event a plugin registers, with its hint (nil: always Queue).
type ClusterEventWithHint struct {
	Event          ClusterEvent
	QueueingHintFn QueueingHintFn
}

// EventUnschedulableTimeout is the periodic flush of pods that stayed
// unschedulable for too long.
var EventUnschedulableTimeout = ClusterEvent{Resource: WildCard, ActionType: All, CustomLabel: "UnschedulableTimeout"}
