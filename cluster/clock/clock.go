package clock

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Clock is the interface every component accepts. It is the k8s.io/utils one, so
// client-go's workqueues and informers take a kubelab clock unchanged.
type Clock = clock.WithTicker

// Real returns the wall clock.
func Real() Clock { return clock.RealClock{} }

var (
	_ clock.WithTickerAndDelayedExecution = (*Virtual)(nil)
	_ clock.WithTickerAndDelayedExecution = clock.RealClock{}
)

// Virtual is a clock whose time moves only when told to, by Advance or SetTime.
// It is safe for concurrent use.
type Virtual struct {
	mu      sync.Mutex
	now     time.Time
	armed   uint64 // arming counter: breaks deadline ties in arming order
	pending timerHeap
	// changed is closed and dropped on every change of time or of the pending
	// set; it is only allocated once somebody waits on it.
	changed chan struct{}
}

// NewVirtual returns a virtual clock standing at start.
func NewVirtual(start time.Time) *Virtual {
	return &Virtual{now: start}
}

// Now returns the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Since returns the virtual time elapsed since t.
func (v *Virtual) Since(t time.Time) time.Duration { return v.Now().Sub(t) }

// NewTimer returns a timer that delivers its deadline on C once the clock reaches
// it. As with time.NewTimer, a non-positive duration delivers at once.
func (v *Virtual) NewTimer(d time.Duration) clock.Timer {
	t := &timer{clk: v, index: -1, c: make(chan time.Time, 1)}
	v.mu.Lock()
	v.armLocked(t, d)
	v.mu.Unlock()
	return t
}

// After is NewTimer(d).C().
func (v *Virtual) After(d time.Duration) <-chan time.Time { return v.NewTimer(d).C() }

// AfterFunc arranges for f to run once the clock reaches now+d. f runs
// synchronously inside the Advance or SetTime that reaches its deadline, with Now
// equal to the deadline, so callbacks run one at a time in deadline order. A
// non-positive duration makes f due now: it runs on the next Advance (Advance(0)
// is enough), which keeps it out of the caller's goroutine and locks.
func (v *Virtual) AfterFunc(d time.Duration, f func()) clock.Timer {
	t := &timer{clk: v, index: -1, fn: f}
	v.mu.Lock()
	v.armLocked(t, d)
	v.mu.Unlock()
	return t
}

// NewTicker returns a ticker delivering on C every d of virtual time. Like
// time.NewTicker it panics on a non-positive interval, and like a real ticker it
// drops ticks its reader is too slow for.
func (v *Virtual) NewTicker(d time.Duration) clock.Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := &timer{clk: v, index: -1, c: make(chan time.Time, 1), period: d}
	v.mu.Lock()
	v.armLocked(t, d)
	v.mu.Unlock()
	return ticker{t}
}

// Tick is NewTicker(d).C(), returning nil for a non-positive d like time.Tick.
func (v *Virtual) Tick(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return v.NewTicker(d).C()
}

// Sleep blocks until the clock has been advanced by d.
func (v *Virtual) Sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	<-v.NewTimer(d).C()
}

// Advance moves the clock forward by d, firing every timer due on the way in
// deadline order. A negative d is treated as zero: only SetTime goes back.
func (v *Virtual) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	v.mu.Lock()
	target := v.now.Add(d)
	v.mu.Unlock()
	v.runUntil(target)
}

// SetTime moves the clock to t. Going forward fires due timers as Advance does;
// going back fires nothing, and pending timers keep their absolute deadlines.
func (v *Virtual) SetTime(t time.Time) {
	v.mu.Lock()
	if t.Before(v.now) {
		v.now = t
		v.notifyLocked()
		v.mu.Unlock()
		return
	}
	v.mu.Unlock()
	v.runUntil(t)
}

// NextDeadline returns the earliest pending deadline, so a caller can advance
// exactly to the next thing that will happen.
func (v *Virtual) NextDeadline() (time.Time, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.pending) == 0 {
		return time.Time{}, false
	}
	return v.pending[0].deadline, true
}

// Waiters returns the number of pending timers, tickers, sleeps and AfterFuncs.
func (v *Virtual) Waiters() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.pending)
}

// Changed returns a channel closed at the next change of the time or of the
// pending timers. Callers re-read the state and call Changed again.
func (v *Virtual) Changed() <-chan struct{} {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.changed == nil {
		v.changed = make(chan struct{})
	}
	return v.changed
}

// WaitForWaiters blocks until at least n timers are pending or ctx ends. It lets a
// test know that a goroutine has reached its Sleep or timer before advancing.
func (v *Virtual) WaitForWaiters(ctx context.Context, n int) error {
	for {
		ch := v.Changed()
		if v.Waiters() >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// runUntil fires due timers one at a time, releasing the lock around each
// AfterFunc callback so it may use the clock, arm timers that fire in this same
// run, or stop timers that have not fired yet.
func (v *Virtual) runUntil(target time.Time) {
	for {
		v.mu.Lock()
		if len(v.pending) == 0 || v.pending[0].deadline.After(target) {
			if target.After(v.now) {
				v.now = target
				v.notifyLocked()
			}
			v.mu.Unlock()
			return
		}
		t := v.pending[0]
		if t.deadline.After(v.now) {
			v.now = t.deadline
		}
		fn := v.fireLocked(t)
		v.notifyLocked()
		v.mu.Unlock()
		if fn != nil {
			fn()
		}
	}
}

// fireLocked delivers t at its deadline and re-arms it when it is a ticker. It
// returns the AfterFunc callback to run once the lock is released.
func (v *Virtual) fireLocked(t *timer) func() {
	at := t.deadline
	if t.period > 0 {
		t.deadline = t.deadline.Add(t.period)
		heap.Fix(&v.pending, t.index)
	} else {
		heap.Remove(&v.pending, t.index)
	}
	if t.c != nil {
		select {
		case t.c <- at:
		default: // the reader has not taken the last value: drop, as real tickers do
		}
	}
	return t.fn
}

func (v *Virtual) armLocked(t *timer, d time.Duration) {
	t.deadline = v.now.Add(d)
	if d <= 0 && t.c != nil {
		select {
		case t.c <- t.deadline: // as with time.NewTimer(0): ready at once
		default:
		}
		return
	}
	v.armed++
	t.seq = v.armed
	heap.Push(&v.pending, t)
	v.notifyLocked()
}

func (v *Virtual) notifyLocked() {
	if v.changed != nil {
		close(v.changed)
		v.changed = nil
	}
}

// timer backs timers, tickers, sleeps and AfterFuncs alike.
type timer struct {
	clk      *Virtual
	deadline time.Time
	seq      uint64
	index    int // position in the pending heap, -1 when not pending
	period   time.Duration
	c        chan time.Time
	fn       func()
}

// C returns the delivery channel; nil for AfterFunc timers, as with time.AfterFunc.
func (t *timer) C() <-chan time.Time { return t.c }

// Stop prevents the timer from firing and reports whether it was pending. As
// since Go 1.23, no stale value is received from C after Stop returns.
func (t *timer) Stop() bool {
	v := t.clk
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.stopLocked(t)
}

// Reset re-arms the timer to fire d from now and reports whether it was pending.
// Any undelivered value is dropped, as with time.Timer since Go 1.23.
func (t *timer) Reset(d time.Duration) bool {
	v := t.clk
	v.mu.Lock()
	defer v.mu.Unlock()
	was := v.stopLocked(t)
	v.armLocked(t, d)
	return was
}

func (v *Virtual) stopLocked(t *timer) bool {
	was := t.index >= 0
	if was {
		heap.Remove(&v.pending, t.index)
		v.notifyLocked()
	}
	if t.c != nil {
		select {
		case <-t.c:
		default:
		}
	}
	return was
}

type ticker struct{ t *timer }

func (k ticker) C() <-chan time.Time { return k.t.c }
func (k ticker) Stop()               { k.t.Stop() }

// timerHeap orders pending timers by deadline, then by arming order.
type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].deadline.Equal(h[j].deadline) {
		return h[i].deadline.Before(h[j].deadline)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
