package queue

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/resource"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/utils/clock"

	"kubelab/cluster/scheduler/framework"
)

// Upstream's defaults (DefaultPodInitialBackoffDuration and friends).
const (
	DefaultPodInitialBackoffDuration         = 1 * time.Second
	DefaultPodMaxBackoffDuration             = 10 * time.Second
	DefaultPodMaxInUnschedulablePodsDuration = 5 * time.Minute
	// unschedulableFlushInterval is how often upstream looks for pods that
	// overstayed in the unschedulable pool.
	unschedulableFlushInterval = 30 * time.Second
	// backoffWindow aligns backoff expiries, as SchedulerPopFromBackoffQ does.
	backoffWindow = time.Second
)

// The queue names, as upstream's logs and metrics call them.
const (
	ActiveQ        = "activeQ"
	BackoffQ       = "backoffQ"
	UnschedulableQ = "unschedulablePods"
	InFlight       = "inFlight"
)

// The event labels for moves that are not cluster events.
const (
	EventPodAdd                = "PodAdd"
	EventPodUpdate             = "PodUpdate"
	EventScheduleAttemptFailed = "ScheduleAttemptFailure"
	EventBackoffComplete       = "BackoffComplete"
	EventPopFromBackoffQ       = "PopFromBackoffQ"
)

// QueuedPodInfo is a pod in the queue with its scheduling history.
type QueuedPodInfo struct {
	*framework.PodInfo
	key string
	// Timestamp is when the pod last entered the queue; activeQ orders by it.
	Timestamp time.Time
	// InitialAttemptTimestamp is when the pod first entered activeQ.
	InitialAttemptTimestamp time.Time
	// Attempts counts scheduling cycles.
	Attempts               int
	UnschedulableCount     int
	ConsecutiveErrorsCount int
	// UnschedulablePlugins rejected the pod in its last attempt.
	UnschedulablePlugins sets.Set[string]
	// Gated holds the pod out of scheduling while spec.schedulingGates is set.
	Gated bool
	// Queue is where the pod is; Event what put it there; Message the last failure.
	Queue   string
	Event   string
	Message string

	backoffExpiration time.Time
	flushTimestamp    time.Time
	// arrival orders pods that entered the queue at the same instant in
	// the order they did: upstream's nanosecond timestamps do that on the
	// real clock, and on a virtual clock every pod of a step shares one.
	arrival  uint64
	eventSeq int // events seen before the pod was popped
}

// Key is "namespace/name".
func (p *QueuedPodInfo) Key() string { return p.key }

// Announcement is one pod entering one queue.
type Announcement struct {
	Pod    *v1.Pod
	Queue  string
	Event  string
	Detail string
}

// Config configures a PriorityQueue.
type Config struct {
	Clock clock.Clock
	// Events are the events each plugin registered, by plugin name.
	Events map[string][]framework.ClusterEventWithHint
	// Zero durations take upstream's defaults.
	PodInitialBackoffDuration         time.Duration
	PodMaxBackoffDuration             time.Duration
	PodMaxInUnschedulablePodsDuration time.Duration
}

type clusterEventRecord struct {
	event    framework.ClusterEvent
	old, new any
}

// PriorityQueue is the scheduling queue. It is safe for concurrent use.
type PriorityQueue struct {
	clk                clock.Clock
	events             map[string][]framework.ClusterEventWithHint
	initialBackoff     time.Duration
	maxBackoff         time.Duration
	maxInUnschedulable time.Duration
	start              time.Time

	mu            sync.Mutex
	active        *podHeap
	backoff       *podHeap
	errorBackoff  *podHeap
	unschedulable map[string]*QueuedPodInfo
	inFlight      map[string]*QueuedPodInfo
	// inFlightEvents are the cluster events seen while pods were in flight;
	// a pod that fails looks at those that came after it was popped.
	inFlightEvents []clusterEventRecord
	eventBase      int
	announcements  []Announcement
	changed        chan struct{}
	backoffTimer   clock.Timer
	backoffAt      time.Time
	flushTimer     clock.Timer
	flushAt        time.Time
	closed         bool
	arrivals       uint64
}

// New returns an empty queue.
func New(cfg Config) *PriorityQueue {
	q := &PriorityQueue{
		clk:                cfg.Clock,
		events:             cfg.Events,
		initialBackoff:     cfg.PodInitialBackoffDuration,
		maxBackoff:         cfg.PodMaxBackoffDuration,
		maxInUnschedulable: cfg.PodMaxInUnschedulablePodsDuration,
		unschedulable:      map[string]*QueuedPodInfo{},
		inFlight:           map[string]*QueuedPodInfo{},
	}
	if q.initialBackoff == 0 {
		q.initialBackoff = DefaultPodInitialBackoffDuration
	}
	if q.maxBackoff == 0 {
		q.maxBackoff = DefaultPodMaxBackoffDuration
	}
	if q.maxInUnschedulable == 0 {
		q.maxInUnschedulable = DefaultPodMaxInUnschedulablePodsDuration
	}
	q.start = q.clk.Now()
	q.active = newPodHeap(lessPriority)
	q.backoff = newPodHeap(q.lessBackoff)
	q.errorBackoff = newPodHeap(q.lessBackoff)
	return q
}

// lessPriority is the PrioritySort plugin: higher priority first, then
// the pod queued earlier.
func lessPriority(a, b *QueuedPodInfo) bool {
	pa, pb := corev1helpers.PodPriority(a.Pod), corev1helpers.PodPriority(b.Pod)
	if pa != pb {
		return pa > pb
	}
	if !a.Timestamp.Equal(b.Timestamp) {
		return a.Timestamp.Before(b.Timestamp)
	}
	if a.arrival != b.arrival {
		return a.arrival < b.arrival
	}
	return a.key < b.key
}

func (q *PriorityQueue) lessBackoff(a, b *QueuedPodInfo) bool {
	ta, tb := q.backoffTime(a), q.backoffTime(b)
	if !ta.Equal(tb) {
		return ta.Before(tb)
	}
	return lessPriority(a, b)
}

// Key returns the queue key of a pod.
func Key(pod *v1.Pod) string { return pod.Namespace + "/" + pod.Name }

func (q *PriorityQueue) newInfo(pod *v1.Pod) *QueuedPodInfo {
	now := q.clk.Now()
	q.arrivals++
	return &QueuedPodInfo{PodInfo: framework.NewPodInfo(pod), key: Key(pod), Timestamp: now, InitialAttemptTimestamp: now, arrival: q.arrivals}
}

// Changed returns a channel closed at the next change: a pod queued or
// moved, an announcement made, the queue closed.
func (q *PriorityQueue) Changed() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.changed == nil {
		q.changed = make(chan struct{})
	}
	return q.changed
}

func (q *PriorityQueue) notifyLocked() {
	if q.changed != nil {
		close(q.changed)
		q.changed = nil
	}
}

// Close stops the queue's timers and wakes waiters.
func (q *PriorityQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	if q.backoffTimer != nil {
		q.backoffTimer.Stop()
	}
	if q.flushTimer != nil {
		q.flushTimer.Stop()
	}
	q.notifyLocked()
}

func gated(pod *v1.Pod) bool { return len(pod.Spec.SchedulingGates) > 0 }

func gatesMessage(pod *v1.Pod) string {
	names := make([]string, 0, len(pod.Spec.SchedulingGates))
	for _, g := range pod.Spec.SchedulingGates {
		names = append(names, g.Name)
	}
	return fmt.Sprintf("waiting for scheduling gates: %v", names)
}

// Add queues a new pod: activeQ, or the unschedulable pool while it is gated.
func (q *PriorityQueue) Add(pod *v1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	key := Key(pod)
	if q.findLocked(key) != nil {
		q.updateLocked(pod)
		return
	}
	p := q.newInfo(pod)
	if gated(pod) {
		p.Gated = true
		p.Message = gatesMessage(pod)
		q.toUnschedulableLocked(p, EventPodAdd)
		return
	}
	q.toActiveLocked(p, EventPodAdd)
}

func (q *PriorityQueue) findLocked(key string) *QueuedPodInfo {
	if p := q.active.get(key); p != nil {
		return p
	}
	if p := q.backoff.get(key); p != nil {
		return p
	}
	if p := q.errorBackoff.get(key); p != nil {
		return p
	}
	if p := q.unschedulable[key]; p != nil {
		return p
	}
	return q.inFlight[key]
}

// Update replaces a queued pod's object. A pod in the unschedulable pool
// whose update may make it schedulable (gates removed, labels, tolerations or
// requests changed) moves on, as upstream's queueing hints decide.
func (q *PriorityQueue) Update(oldPod, newPod *v1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.updateLocked(newPod)
	_ = oldPod
}

func (q *PriorityQueue) updateLocked(pod *v1.Pod) {
	key := Key(pod)
	p := q.findLocked(key)
	if p == nil {
		np := q.newInfo(pod)
		if gated(pod) {
			np.Gated = true
			np.Message = gatesMessage(pod)
			q.toUnschedulableLocked(np, EventPodUpdate)
			return
		}
		q.toActiveLocked(np, EventPodUpdate)
		return
	}
	old := p.Pod
	p.PodInfo = framework.NewPodInfo(pod)
	switch p.Queue {
	case ActiveQ:
		q.active.add(p)
	case BackoffQ:
		q.backoffHeapFor(p).add(p)
	case UnschedulableQ:
		if p.Gated {
			if gated(pod) {
				p.Message = gatesMessage(pod)
				return
			}
			p.Gated = false
			delete(q.unschedulable, key)
			q.toActiveLocked(p, framework.ClusterEvent{Resource: framework.UnscheduledPod, ActionType: framework.UpdatePodSchedulingGatesEliminated}.Label())
			return
		}
		action := podUpdateActions(old, pod)
		if action == framework.None {
			return
		}
		ev := framework.ClusterEvent{Resource: framework.UnscheduledPod, ActionType: action}
		if s := q.worthRequeuingLocked(p, ev, old, pod); s != queueSkip {
			delete(q.unschedulable, key)
			q.requeueLocked(p, s, ev.Label())
		}
	}
}

// podUpdateActions classifies a pod update as upstream's
// PodSchedulingPropertiesChange; status-only updates are None.
func podUpdateActions(oldPod, newPod *v1.Pod) framework.ActionType {
	var a framework.ActionType
	if !equality.Semantic.DeepEqual(oldPod.Labels, newPod.Labels) {
		a |= framework.UpdatePodLabel
	}
	if !equality.Semantic.DeepEqual(oldPod.Spec.Tolerations, newPod.Spec.Tolerations) {
		a |= framework.UpdatePodToleration
	}
	if !equality.Semantic.DeepEqual(resource.PodRequests(oldPod, resource.PodResourcesOptions{}), resource.PodRequests(newPod, resource.PodResourcesOptions{})) {
		a |= framework.UpdatePodScaleDown
	}
	return a
}

// Delete forgets a pod wherever it is.
func (q *PriorityQueue) Delete(pod *v1.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	key := Key(pod)
	q.active.remove(key)
	q.backoff.remove(key)
	q.errorBackoff.remove(key)
	delete(q.unschedulable, key)
	q.rearmLocked()
	q.notifyLocked()
}

// Pop returns the pending announcements, if any; otherwise the next pod to
// schedule: activeQ's head, or when activeQ is empty backoffQ's head
// (SchedulerPopFromBackoffQ). It returns nothing when there is nothing to do.
func (q *PriorityQueue) Pop() (*QueuedPodInfo, []Announcement) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.announcements) > 0 {
		a := q.announcements
		q.announcements = nil
		return nil, a
	}
	p := q.active.pop()
	if p == nil {
		if p = q.backoff.pop(); p == nil {
			return nil, nil
		}
		p.Event = EventPopFromBackoffQ
		q.rearmLocked()
	}
	p.Attempts++
	p.Queue = InFlight
	p.eventSeq = q.eventBase + len(q.inFlightEvents)
	q.inFlight[p.key] = p
	return p, nil
}

// Done ends a pod's time in flight (after it was bound or requeued).
func (q *PriorityQueue) Done(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.doneLocked(key)
}

func (q *PriorityQueue) doneLocked(key string) {
	delete(q.inFlight, key)
	if len(q.inFlight) == 0 {
		q.eventBase += len(q.inFlightEvents)
		q.inFlightEvents = nil
	}
}

// AddUnschedulable puts back a pod whose attempt failed: rejected by plugins
// (UnschedulablePlugins set) or by an error (none set). pod is the latest
// object the scheduler has. Events that came while the pod was in flight
// and may help send it to backoffQ/activeQ instead of the unschedulable pool.
func (q *PriorityQueue) AddUnschedulable(p *QueuedPodInfo, pod *v1.Pod, message string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if pod != nil {
		p.PodInfo = framework.NewPodInfo(pod)
	}
	p.Message = message
	if len(p.UnschedulablePlugins) == 0 {
		p.ConsecutiveErrorsCount++
	} else {
		p.UnschedulableCount++
		p.ConsecutiveErrorsCount = 0
	}
	p.Timestamp = q.clk.Now()
	q.arrivals++
	p.arrival = q.arrivals
	p.backoffExpiration = time.Time{}
	p.flushTimestamp = time.Time{}
	strategy := queueAfterBackoff
	if len(p.UnschedulablePlugins) > 0 {
		strategy = queueSkip
		for _, e := range q.inFlightEvents[max(0, p.eventSeq-q.eventBase):] {
			if s := q.worthRequeuingLocked(p, e.event, e.old, e.new); s > strategy {
				strategy = s
			}
		}
	}
	q.doneLocked(p.key)
	q.requeueLocked(p, strategy, EventScheduleAttemptFailed)
}

type queueingStrategy int

const (
	queueSkip queueingStrategy = iota
	queueAfterBackoff
	queueImmediately
)

// worthRequeuingLocked asks the plugins that rejected p whether ev may help.
func (q *PriorityQueue) worthRequeuingLocked(p *QueuedPodInfo, ev framework.ClusterEvent, oldObj, newObj any) queueingStrategy {
	if len(p.UnschedulablePlugins) == 0 || ev.Resource == framework.WildCard {
		return queueAfterBackoff
	}
	for _, name := range sets.List(p.UnschedulablePlugins) {
		for _, reg := range q.events[name] {
			if !reg.Event.Match(ev) {
				continue
			}
			if reg.QueueingHintFn == nil {
				return queueAfterBackoff
			}
			h, err := reg.QueueingHintFn(p.Pod, oldObj, newObj)
			if err != nil || h == framework.Queue {
				return queueAfterBackoff
			}
		}
	}
	return queueSkip
}

func (q *PriorityQueue) requeueLocked(p *QueuedPodInfo, s queueingStrategy, event string) {
	switch {
	case s == queueSkip:
		q.toUnschedulableLocked(p, event)
	case s == queueAfterBackoff && q.backingOffLocked(p):
		q.toBackoffLocked(p, event)
	default:
		q.toActiveLocked(p, event)
	}
}

func (q *PriorityQueue) announceLocked(p *QueuedPodInfo, detail string) {
	q.announcements = append(q.announcements, Announcement{Pod: p.Pod, Queue: p.Queue, Event: p.Event, Detail: detail})
	q.notifyLocked()
}

func (q *PriorityQueue) toActiveLocked(p *QueuedPodInfo, event string) {
	p.Queue, p.Event = ActiveQ, event
	if p.Attempts > 0 && event != EventScheduleAttemptFailed {
		p.InitialAttemptTimestamp = q.clk.Now()
	}
	q.active.add(p)
	q.announceLocked(p, fmt.Sprintf("%s (%s)", ActiveQ, event))
	q.rearmLocked()
}

func (q *PriorityQueue) toBackoffLocked(p *QueuedPodInfo, event string) {
	p.Queue, p.Event = BackoffQ, event
	q.backoffHeapFor(p).add(p)
	q.announceLocked(p, fmt.Sprintf("%s (%s) until %s", BackoffQ, event, q.backoffDone(p).Format("15:04:05")))
	q.rearmLocked()
}

func (q *PriorityQueue) toUnschedulableLocked(p *QueuedPodInfo, event string) {
	p.Queue, p.Event = UnschedulableQ, event
	q.unschedulable[p.key] = p
	detail := fmt.Sprintf("%s (%s)", UnschedulableQ, event)
	if p.Gated {
		detail += ": " + p.Message
	} else if len(p.UnschedulablePlugins) > 0 {
		detail += " rejected by " + strings.Join(sets.List(p.UnschedulablePlugins), ", ")
	}
	q.announceLocked(p, detail)
	q.rearmLocked()
}

// backoffHeapFor: pods that failed with an error wait in their own heap,
// which an idle scheduler does not pop early.
func (q *PriorityQueue) backoffHeapFor(p *QueuedPodInfo) *podHeap {
	if len(p.UnschedulablePlugins) == 0 {
		return q.errorBackoff
	}
	return q.backoff
}

// backoffDuration is initial << (count-1), at most max.
func (q *PriorityQueue) backoffDuration(count int) time.Duration {
	if count <= 0 {
		return 0
	}
	shift := count - 1
	if shift >= 62 || q.initialBackoff > q.maxBackoff>>shift {
		return q.maxBackoff
	}
	return q.initialBackoff << shift
}

// backoffTime is when p's backoff ends, aligned down to its window.
func (q *PriorityQueue) backoffTime(p *QueuedPodInfo) time.Time {
	count := p.UnschedulableCount
	if p.ConsecutiveErrorsCount > 0 {
		count = p.ConsecutiveErrorsCount
	}
	if count == 0 {
		return time.Time{}
	}
	if p.backoffExpiration.IsZero() {
		p.backoffExpiration = p.Timestamp.Add(q.backoffDuration(count)).Truncate(backoffWindow)
	}
	return p.backoffExpiration
}

// backoffDone is the first moment p is no longer backing off: the window
// after its aligned expiry.
func (q *PriorityQueue) backoffDone(p *QueuedPodInfo) time.Time {
	t := q.backoffTime(p)
	if t.IsZero() {
		return t
	}
	return t.Add(backoffWindow)
}

func (q *PriorityQueue) backingOffLocked(p *QueuedPodInfo) bool {
	bo := q.backoffTime(p)
	if bo.IsZero() {
		return false
	}
	return !bo.Before(q.clk.Now().Truncate(backoffWindow))
}

// MoveAllToActiveOrBackoffQueue offers a cluster event to every pod in the
// unschedulable pool; the plugins that rejected each pod decide.
func (q *PriorityQueue) MoveAllToActiveOrBackoffQueue(ev framework.ClusterEvent, oldObj, newObj any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.moveAllLocked(ev, oldObj, newObj)
	if len(q.inFlight) > 0 {
		q.inFlightEvents = append(q.inFlightEvents, clusterEventRecord{ev, oldObj, newObj})
	}
}

func (q *PriorityQueue) moveAllLocked(ev framework.ClusterEvent, oldObj, newObj any) {
	keys := make([]string, 0, len(q.unschedulable))
	for k := range q.unschedulable {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := q.unschedulable[k]
		if p.Gated {
			continue
		}
		s := q.worthRequeuingLocked(p, ev, oldObj, newObj)
		if s == queueSkip {
			continue
		}
		delete(q.unschedulable, k)
		q.requeueLocked(p, s, ev.Label())
	}
}

// flushBackoffCompletedLocked moves the pods whose backoff ended to activeQ.
func (q *PriorityQueue) flushBackoffCompletedLocked() {
	for _, h := range []*podHeap{q.backoff, q.errorBackoff} {
		for {
			p := h.peek()
			if p == nil || q.backingOffLocked(p) {
				break
			}
			h.pop()
			q.toActiveLocked(p, EventBackoffComplete)
		}
	}
}

// flushUnschedulableLeftoverLocked moves pods that stayed unschedulable
// longer than the maximum, as the UnschedulableTimeout event.
func (q *PriorityQueue) flushUnschedulableLeftoverLocked() {
	now := q.clk.Now()
	keys := make([]string, 0, len(q.unschedulable))
	for k, p := range q.unschedulable {
		if !p.Gated && now.Sub(q.lastScheduleTime(p)) > q.maxInUnschedulable {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := q.unschedulable[k]
		p.flushTimestamp = now
		delete(q.unschedulable, k)
		q.requeueLocked(p, queueAfterBackoff, framework.EventUnschedulableTimeout.Label())
	}
}

func (q *PriorityQueue) lastScheduleTime(p *QueuedPodInfo) time.Time {
	if p.flushTimestamp.After(p.Timestamp) {
		return p.flushTimestamp
	}
	return p.Timestamp
}

// rearmLocked sets the timers for the next backoff completion and the next
// unschedulable flush tick that has work to do.
func (q *PriorityQueue) rearmLocked() {
	if q.closed {
		return
	}
	var next time.Time
	for _, h := range []*podHeap{q.backoff, q.errorBackoff} {
		if p := h.peek(); p != nil {
			if d := q.backoffDone(p); next.IsZero() || d.Before(next) {
				next = d
			}
		}
	}
	q.backoffTimer, q.backoffAt = q.armLocked(q.backoffTimer, q.backoffAt, next, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.backoffAt = time.Time{}
		q.flushBackoffCompletedLocked()
		q.rearmLocked()
	})

	var due time.Time
	for _, p := range q.unschedulable {
		if p.Gated {
			continue
		}
		if d := q.lastScheduleTime(p).Add(q.maxInUnschedulable); due.IsZero() || d.Before(due) {
			due = d
		}
	}
	var tick time.Time
	if !due.IsZero() {
		// The first flush tick strictly after due, ticks being start + k*30s.
		k := due.Sub(q.start)/unschedulableFlushInterval + 1
		tick = q.start.Add(k * unschedulableFlushInterval)
	}
	q.flushTimer, q.flushAt = q.armLocked(q.flushTimer, q.flushAt, tick, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.flushAt = time.Time{}
		q.flushUnschedulableLeftoverLocked()
		q.rearmLocked()
	})
}

// armLocked keeps a timer firing at "at" (none when at is zero); an
// unchanged deadline keeps the timer as it is.
func (q *PriorityQueue) armLocked(t clock.Timer, cur, at time.Time, fn func()) (clock.Timer, time.Time) {
	if at.Equal(cur) {
		return t, cur
	}
	if t != nil {
		t.Stop()
	}
	if at.IsZero() {
		return nil, time.Time{}
	}
	d := at.Sub(q.clk.Now())
	if dc, ok := q.clk.(clock.WithDelayedExecution); ok {
		return dc.AfterFunc(d, fn), at
	}
	nt := q.clk.NewTimer(d)
	go func() {
		if _, ok := <-nt.C(); ok {
			fn()
		}
	}()
	return nt, at
}

// PendingPod is a queued pod as QueuedPods reports it.
type PendingPod struct {
	Namespace, Name string
	Queue           string
	Event           string
	Message         string
	Attempts        int
	Timestamp       time.Time
	// BackoffUntil is set for pods in backoffQ.
	BackoffUntil         time.Time
	UnschedulablePlugins []string
	Gated                bool
}

// Pending lists every pod the queue holds, by queue then order of service.
func (q *PriorityQueue) Pending() []PendingPod {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []PendingPod
	add := func(ps []*QueuedPodInfo) {
		for _, p := range ps {
			pp := PendingPod{Namespace: p.Pod.Namespace, Name: p.Pod.Name, Queue: p.Queue, Event: p.Event, Message: p.Message,
				Attempts: p.Attempts, Timestamp: p.Timestamp, UnschedulablePlugins: sets.List(p.UnschedulablePlugins), Gated: p.Gated}
			if p.Queue == BackoffQ {
				pp.BackoffUntil = q.backoffDone(p)
			}
			out = append(out, pp)
		}
	}
	sorted := func(ps []*QueuedPodInfo, less func(a, b *QueuedPodInfo) bool) []*QueuedPodInfo {
		ps = append([]*QueuedPodInfo(nil), ps...)
		sort.Slice(ps, func(i, j int) bool { return less(ps[i], ps[j]) })
		return ps
	}
	var fl, un []*QueuedPodInfo
	for _, p := range q.inFlight {
		fl = append(fl, p)
	}
	for _, p := range q.unschedulable {
		un = append(un, p)
	}
	add(sorted(fl, lessPriority))
	add(sorted(q.active.items, lessPriority))
	add(sorted(q.backoff.items, q.lessBackoff))
	add(sorted(q.errorBackoff.items, q.lessBackoff))
	add(sorted(un, lessPriority))
	return out
}
