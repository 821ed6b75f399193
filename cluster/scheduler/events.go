package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/reference"
	"k8s.io/utils/clock"
)

// The timings of client-go's events.k8s.io broadcaster: an isomorphic event
// seen again within finishTime becomes a series; series are written out
// again every refreshTime and for the last time finishTime after their last
// occurrence.
const (
	eventFinishTime  = 6 * time.Minute
	eventRefreshTime = 30 * time.Minute
	noteLengthLimit  = 1024
)

// eventRecorder writes events.k8s.io/v1 Events the way client-go's
// tools/events recorder does (names, fields, series aggregation), but stamps
// them with the injected clock and writes them in order from one goroutine,
// so a session replays with the same event times.
type eventRecorder struct {
	client     kubernetes.Interface
	clk        clock.Clock
	controller string
	instance   string

	mu       sync.Mutex
	cache    map[eventKey]*eventsv1.Event
	lastNano map[string]int64
	pending  []eventWrite
	wake     chan struct{}
}

type eventKey struct {
	eventType, action, reason, controller, instance string
	regarding                                       v1.ObjectReference
}

type eventWrite struct {
	event *eventsv1.Event
	patch bool
}

func newEventRecorder(client kubernetes.Interface, clk clock.Clock, controller, instance string) *eventRecorder {
	return &eventRecorder{client: client, clk: clk, controller: controller, instance: instance,
		cache: map[eventKey]*eventsv1.Event{}, lastNano: map[string]int64{}, wake: make(chan struct{}, 1)}
}

// Eventf records an event about pod.
func (r *eventRecorder) Eventf(pod *v1.Pod, eventType, reason, action, note string, args ...any) {
	ref, err := reference.GetReference(scheme.Scheme, pod)
	if err != nil {
		return
	}
	msg := note
	if len(args) > 0 {
		msg = fmt.Sprintf(note, args...)
	}
	now := r.clk.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	key := eventKey{eventType, action, reason, r.controller, r.instance, *ref}
	if ev, ok := r.cache[key]; ok {
		// An isomorphic event: count it in the series instead of a new event.
		if ev.Series != nil {
			ev.Series.Count++
			ev.Series.LastObservedTime = metav1.NewMicroTime(now)
			return
		}
		ev.Series = &eventsv1.EventSeries{Count: 2, LastObservedTime: metav1.NewMicroTime(now)}
		r.enqueueLocked(eventWrite{event: ev.DeepCopy(), patch: true})
		return
	}
	// Event names are "<object>.<nanoseconds hex>"; under a virtual clock two
	// events can share an instant, so the later one takes the next nanosecond.
	nano := now.UnixNano()
	if last, ok := r.lastNano[ref.Name]; ok && nano <= last {
		nano = last + 1
	}
	r.lastNano[ref.Name] = nano
	ns := ref.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	ev := &eventsv1.Event{
		ObjectMeta:          metav1.ObjectMeta{Name: fmt.Sprintf("%v.%x", ref.Name, nano), Namespace: ns},
		EventTime:           metav1.NewMicroTime(now),
		ReportingController: r.controller,
		ReportingInstance:   r.instance,
		Action:              action,
		Reason:              reason,
		Regarding:           *ref,
		Note:                msg,
		Type:                eventType,
	}
	r.cache[key] = ev
	r.enqueueLocked(eventWrite{event: ev.DeepCopy()})
}

func (r *eventRecorder) enqueueLocked(w eventWrite) {
	r.pending = append(r.pending, w)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run writes queued events until ctx ends, and keeps series alive and
// finishes them on the clock, as the broadcaster's refresh and finish loops.
func (r *eventRecorder) run(ctx context.Context) {
	var timers []clock.Timer
	if dc, ok := r.clk.(clock.WithDelayedExecution); ok {
		var finish, refresh func()
		var mu sync.Mutex
		finish = func() {
			r.finishSeries()
			mu.Lock()
			timers[0] = dc.AfterFunc(eventFinishTime, finish)
			mu.Unlock()
		}
		refresh = func() {
			r.refreshSeries()
			mu.Lock()
			timers[1] = dc.AfterFunc(eventRefreshTime, refresh)
			mu.Unlock()
		}
		mu.Lock()
		timers = []clock.Timer{dc.AfterFunc(eventFinishTime, finish), dc.AfterFunc(eventRefreshTime, refresh)}
		mu.Unlock()
		defer func() {
			mu.Lock()
			for _, t := range timers {
				t.Stop()
			}
			mu.Unlock()
		}()
	}
	for {
		r.mu.Lock()
		batch := r.pending
		r.pending = nil
		r.mu.Unlock()
		for _, w := range batch {
			r.write(ctx, w)
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
	}
}

func (r *eventRecorder) write(ctx context.Context, w eventWrite) {
	events := r.client.EventsV1().Events(w.event.Namespace)
	if w.patch {
		patch, err := seriesPatch(w.event)
		if err == nil {
			_, err = events.Patch(ctx, w.event.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
			if err == nil || !apierrors.IsNotFound(err) {
				return
			}
		}
	}
	ev := w.event.DeepCopy()
	ev.ResourceVersion = ""
	_, _ = events.Create(ctx, ev, metav1.CreateOptions{})
}

// seriesPatch is the strategic merge patch that adds the series to an event.
func seriesPatch(ev *eventsv1.Event) ([]byte, error) {
	old := ev.DeepCopy()
	old.Series = nil
	oldData, err := json.Marshal(old)
	if err != nil {
		return nil, err
	}
	newData, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return strategicpatch.CreateTwoWayMergePatch(oldData, newData, eventsv1.Event{})
}

// finishSeries writes the final count of series that went quiet and forgets
// events older than the finish time.
func (r *eventRecorder) finishSeries() {
	now := r.clk.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, ev := range r.cache {
		if ev.Series != nil {
			if ev.Series.LastObservedTime.Time.Before(now.Add(-eventFinishTime)) {
				r.enqueueLocked(eventWrite{event: ev.DeepCopy(), patch: true})
				delete(r.cache, k)
			}
		} else if ev.EventTime.Time.Before(now.Add(-eventFinishTime)) {
			delete(r.cache, k)
		}
	}
}

// refreshSeries writes every live series' current count.
func (r *eventRecorder) refreshSeries() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.cache {
		if ev.Series != nil {
			r.enqueueLocked(eventWrite{event: ev.DeepCopy(), patch: true})
		}
	}
}

func truncateMessage(m string) string {
	if len(m) <= noteLengthLimit {
		return m
	}
	const suffix = " ..."
	return m[:noteLengthLimit-len(suffix)] + suffix
}
