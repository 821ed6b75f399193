package queue

import (
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"

	"kubelab/cluster/clock"
	"kubelab/cluster/scheduler/framework"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newPod(name string, priority int32) *v1.Pod {
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name)}, Spec: v1.PodSpec{Priority: &priority}}
}

// fitEvents registers NodeResourcesFit for node adds, with a hint that
// queues only for nodes labelled "fits".
var fitEvents = map[string][]framework.ClusterEventWithHint{
	"NodeResourcesFit": {{
		Event: framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add},
		QueueingHintFn: func(_ *v1.Pod, _, newObj any) (framework.QueueingHint, error) {
			if n, ok := newObj.(*v1.Node); ok && n.Labels["fits"] == "true" {
				return framework.Queue, nil
			}
			return framework.QueueSkip, nil
		},
	}},
}

func newQueue() (*PriorityQueue, *clock.Virtual) {
	clk := clock.NewVirtual(epoch)
	return New(Config{Clock: clk, Events: fitEvents}), clk
}

// pop drains announcements and returns the next pod, or nil.
func pop(q *PriorityQueue) *QueuedPodInfo {
	for {
		p, anns := q.Pop()
		if anns == nil {
			return p
		}
	}
}

func queueOf(t *testing.T, q *PriorityQueue, name string) string {
	t.Helper()
	for _, p := range q.Pending() {
		if p.Name == name {
			return p.Queue
		}
	}
	return ""
}

func TestActiveQueueOrdersByPriorityThenArrival(t *testing.T) {
	q, clk := newQueue()
	q.Add(newPod("low-early", 0))
	clk.Advance(time.Second)
	q.Add(newPod("high", 100))
	q.Add(newPod("low-late", 0))
	var got []string
	for p := pop(q); p != nil; p = pop(q) {
		got = append(got, p.Pod.Name)
		q.Done(p.Key())
	}
	want := []string{"high", "low-early", "low-late"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestEveryAdditionIsAnnounced(t *testing.T) {
	q, _ := newQueue()
	q.Add(newPod("a", 0))
	p, anns := q.Pop()
	if p != nil || len(anns) != 1 || anns[0].Queue != ActiveQ || anns[0].Detail != "activeQ (PodAdd)" {
		t.Fatalf("Pop = %v, %+v; want one activeQ announcement first", p, anns)
	}
	if p, _ := q.Pop(); p == nil || p.Pod.Name != "a" {
		t.Fatalf("second Pop = %v, want pod a", p)
	}
}

func TestErrorBackoffDoublesFromOneToTenSecondsOnTheClock(t *testing.T) {
	tests := []struct {
		name    string
		failure int
		backoff time.Duration
	}{
		{"first error waits one second", 1, time.Second},
		{"second error waits two seconds", 2, 2 * time.Second},
		{"third error waits four seconds", 3, 4 * time.Second},
		{"fourth error waits eight seconds", 4, 8 * time.Second},
		{"fifth error is capped at ten seconds", 5, 10 * time.Second},
		{"sixth error stays at ten seconds", 6, 10 * time.Second},
	}
	q, clk := newQueue()
	q.Add(newPod("p", 0))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pop(q)
			if p == nil {
				t.Fatal("no pod to pop")
			}
			// An error (no rejecting plugin) sends the pod to backoff; an idle
			// scheduler does not take it early from the error backoff.
			q.AddUnschedulable(p, nil, "boom")
			if p.ConsecutiveErrorsCount != tt.failure {
				t.Fatalf("errors %d, want %d", p.ConsecutiveErrorsCount, tt.failure)
			}
			if got := queueOf(t, q, "p"); got != BackoffQ {
				t.Fatalf("queue %q, want backoffQ", got)
			}
			if pop(q) != nil {
				t.Fatal("popped a pod still backing off")
			}
			// Backoff ends in the window after Timestamp+backoff: one more second.
			clk.Advance(tt.backoff)
			if got := queueOf(t, q, "p"); got != BackoffQ {
				t.Fatalf("after %v queue %q, want still backoffQ", tt.backoff, got)
			}
			clk.Advance(time.Second)
			if got := queueOf(t, q, "p"); got != ActiveQ {
				t.Fatalf("after %v queue %q, want activeQ", tt.backoff+time.Second, got)
			}
		})
	}
}

func TestUnschedulablePodMovesOnlyOnAnEventThatMayHelp(t *testing.T) {
	q, _ := newQueue()
	q.Add(newPod("big", 0))
	p := pop(q)
	p.UnschedulablePlugins = sets.New("NodeResourcesFit")
	q.AddUnschedulable(p, nil, "0/3 nodes are available: 3 Insufficient cpu.")
	if got := queueOf(t, q, "big"); got != UnschedulableQ {
		t.Fatalf("queue %q, want unschedulablePods", got)
	}
	small := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "small"}}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add}, nil, small)
	if got := queueOf(t, q, "big"); got != UnschedulableQ {
		t.Fatalf("after a node that does not fit: queue %q, want unschedulablePods", got)
	}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Delete}, small, nil)
	if got := queueOf(t, q, "big"); got != UnschedulableQ {
		t.Fatalf("after an event NodeResourcesFit did not register: queue %q", got)
	}
	big := &v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "big", Labels: map[string]string{"fits": "true"}}}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add}, nil, big)
	if got := queueOf(t, q, "big"); got != BackoffQ {
		t.Fatalf("after a node that fits: queue %q, want backoffQ (still backing off)", got)
	}
	// activeQ is empty, so the scheduler takes it from backoffQ at once.
	if p := pop(q); p == nil || p.Pod.Name != "big" || p.Event != EventPopFromBackoffQ {
		t.Fatalf("Pop = %+v, want big popped from backoffQ", p)
	}
}

func TestUnschedulablePodIsFlushedAfterFiveMinutes(t *testing.T) {
	q, clk := newQueue()
	q.Add(newPod("stuck", 0))
	p := pop(q)
	p.UnschedulablePlugins = sets.New("TaintToleration")
	q.AddUnschedulable(p, nil, "0/1 nodes are available: 1 node(s) had untolerated taint(s).")
	clk.Advance(5 * time.Minute)
	if got := queueOf(t, q, "stuck"); got != UnschedulableQ {
		t.Fatalf("at exactly 5m queue %q, want unschedulablePods", got)
	}
	// The flush runs every 30s and takes pods unschedulable for more than 5m.
	clk.Advance(30 * time.Second)
	if got := queueOf(t, q, "stuck"); got != ActiveQ {
		t.Fatalf("at 5m30s queue %q, want activeQ", got)
	}
	if p := pop(q); p == nil || p.Event != "UnschedulableTimeout" {
		t.Fatalf("Pop = %+v, want the pod moved by UnschedulableTimeout", p)
	}
}

func TestGatedPodWaitsUntilItsGatesAreRemoved(t *testing.T) {
	q, _ := newQueue()
	pod := newPod("gated", 0)
	pod.Spec.SchedulingGates = []v1.PodSchedulingGate{{Name: "example.com/wait"}}
	q.Add(pod)
	if pop(q) != nil {
		t.Fatal("popped a gated pod")
	}
	pending := q.Pending()
	if len(pending) != 1 || !pending[0].Gated || pending[0].Message != "waiting for scheduling gates: [example.com/wait]" {
		t.Fatalf("pending %+v", pending)
	}
	ungated := pod.DeepCopy()
	ungated.Spec.SchedulingGates = nil
	q.Update(pod, ungated)
	if p := pop(q); p == nil || p.Pod.Name != "gated" {
		t.Fatalf("Pop = %v, want the ungated pod", p)
	}
}

func TestPodsQueuedAtTheSameInstantPopInArrivalOrder(t *testing.T) {
	q, _ := newQueue()
	// On a virtual clock every pod of a step shares one instant: the
	// order is still the order they came in, not their names'.
	for _, name := range []string{"web", "crash", "live"} {
		q.Add(newPod(name, 0))
	}
	var got []string
	for p := pop(q); p != nil; p = pop(q) {
		got = append(got, p.Pod.Name)
		q.Done(p.Key())
	}
	if want := []string{"web", "crash", "live"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("order %v, want %v", got, want)
	}
}
