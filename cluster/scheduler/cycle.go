package scheduler

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"kubelab/cluster/scheduler/framework"
	"kubelab/cluster/scheduler/queue"
)

// keptCycles bounds how many scheduling cycles are kept for explain: the
// most recent cycle of each of the last keptCycles pods scheduled.
const keptCycles = 512

// Cycle is one scheduling attempt of one pod, plugin by plugin.
type Cycle struct {
	Namespace, Name string
	UID             types.UID
	// Attempt counts the pod's scheduling cycles, from 1.
	Attempt int
	Time    time.Time
	// PreFilter is what each PreFilter plugin said.
	PreFilter []PluginVerdict
	// Nodes are the evaluated nodes in name order.
	Nodes []NodeResult
	// NumAllNodes is how many nodes the cluster had.
	NumAllNodes int
	// Chosen is the node the pod was bound (or was to be bound) to.
	Chosen string
	// Result is "Scheduled", "Unschedulable" or "SchedulerError".
	Result string
	// Message is the FailedScheduling message, or the Scheduled one.
	Message string
	// PostFilter is what preemption said, when no node fitted.
	PostFilter string
}

// PluginVerdict is one plugin's answer.
type PluginVerdict struct {
	Plugin string
	// Code is "Success", "Skip", "Unschedulable", "UnschedulableAndUnresolvable" or "Error".
	Code   string
	Reason string
}

// NodeResult is one node's outcome in a cycle.
type NodeResult struct {
	Node string
	// Filters are the Filter plugins that ran, up to the first that failed.
	Filters []PluginVerdict
	// Feasible: the node passed every filter.
	Feasible bool
	// Scores are each Score plugin's raw, normalized and weighted score;
	// empty when the node was not scored (infeasible, or the only one left).
	Scores []framework.PluginScore
	Total  int64
}

// QueuedPod is a pending pod and the queue it waits in.
type QueuedPod = queue.PendingPod

func verdicts(in []framework.Verdict) []PluginVerdict {
	out := make([]PluginVerdict, 0, len(in))
	for _, v := range in {
		pv := PluginVerdict{Plugin: v.Plugin, Code: v.Code.String()}
		if len(v.Reasons) > 0 {
			pv.Reason = joinReasons(v.Reasons)
		}
		out = append(out, pv)
	}
	return out
}

func joinReasons(r []string) string {
	s := ""
	for i, x := range r {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

// cycleStore keeps the latest cycle per pod for the most recent pods.
type cycleStore struct {
	byKey map[string]Cycle
	order []string
}

func (c *cycleStore) put(cy Cycle) {
	if c.byKey == nil {
		c.byKey = map[string]Cycle{}
	}
	key := cy.Namespace + "/" + cy.Name
	if _, ok := c.byKey[key]; !ok {
		c.order = append(c.order, key)
		if len(c.order) > keptCycles {
			delete(c.byKey, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.byKey[key] = cy
}
