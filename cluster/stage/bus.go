package stage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"k8s.io/utils/clock"
)

// DefaultCapacity is how many records the journal keeps unless configured.
const DefaultCapacity = 100_000

// Option configures a Bus.
type Option func(*Bus)

// WithCapacity bounds the journal to n records (the oldest are dropped first).
// A non-positive n keeps the default.
func WithCapacity(n int) Option {
	return func(b *Bus) {
		if n > 0 {
			b.journal.capacity = n
		}
	}
}

// Breakpoint holds stages whose name or component matches Stage and whose object
// matches Object.
type Breakpoint struct {
	ID     int
	Stage  string
	Object string
	// Hits counts the stages this breakpoint has held.
	Hits int
}

// Waiter is a stage held at a gate.
type Waiter struct {
	Record
}

// String renders the held stage with what holds it.
func (w Waiter) String() string { return w.Record.String() }

// Bus is the stage bus. A nil *Bus is valid: Enter is a no-op, so components run
// without one in unit tests. All methods are safe for concurrent use.
type Bus struct {
	clk clock.PassiveClock

	mu      sync.Mutex
	seq     int64
	journal ring
	// gated caches len(pauses)+len(breaks) > 0 for the hot path.
	gated   bool
	pauses  []string
	breaks  []*Breakpoint
	breakID int
	waiters []*waiter // in Seq order: appended under mu as Seq grows

	subs       []*subscriber // copy-on-write
	subID      int
	outbox     []Record // records not yet delivered to subscribers
	spare      []Record
	delivering bool

	// changed is closed and dropped on every change; it is only allocated once
	// somebody waits on it, so Enter allocates nothing while nobody watches.
	changed chan struct{}
}

type waiter struct {
	rec      Record
	release  chan struct{}
	released bool
}

type subscriber struct {
	fn   func(Record)
	from int64 // first Seq this subscriber sees
}

// New returns a bus stamping records with clk's time (the wall clock if nil).
func New(clk clock.PassiveClock, opts ...Option) *Bus {
	if clk == nil {
		clk = clock.RealClock{}
	}
	b := &Bus{clk: clk, journal: ring{capacity: DefaultCapacity}}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Enter announces that a component is about to take a step. It appends a
// Record to the journal and hands it to subscribers; when a pause or breakpoint
// matches, it then blocks until the stage is released (returning nil) or ctx
// ends (returning ctx.Err()). Callers that must not be held forever pass a ctx
// that ends; callers that must finish a step once begun (an etcd write already
// made) may ignore the error.
func (b *Bus) Enter(ctx context.Context, s Stage) error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	b.seq++
	rec := Record{Stage: s, Seq: b.seq, Time: b.clk.Now()}
	var w *waiter
	if b.gated {
		if rec.Gate = b.gateLocked(&rec.Stage); rec.Gate != "" {
			w = &waiter{rec: rec, release: make(chan struct{})}
			b.waiters = append(b.waiters, w)
		}
	}
	b.journal.add(rec)
	deliver := false
	if len(b.subs) > 0 {
		b.outbox = append(b.outbox, rec)
		if !b.delivering {
			b.delivering = true
			deliver = true
		}
	}
	b.notifyLocked()
	b.mu.Unlock()

	if deliver {
		b.deliver()
	}
	if w == nil {
		return nil
	}
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if w.released {
		return nil
	}
	w.released = true
	b.removeWaiterLocked(w)
	b.notifyLocked()
	return ctx.Err()
}

// deliver hands queued records to subscribers in Seq order, without holding the
// lock, so a subscriber may call back into the bus (even Enter: its record is
// queued behind and delivered by this same loop). Whoever finds no delivery
// running becomes the deliverer; everyone else only queues.
func (b *Bus) deliver() {
	for {
		b.mu.Lock()
		if len(b.outbox) == 0 {
			b.delivering = false
			b.mu.Unlock()
			return
		}
		batch := b.outbox
		b.outbox = b.spare[:0]
		subs := b.subs
		b.mu.Unlock()

		for i := range batch {
			for _, s := range subs {
				if batch[i].Seq >= s.from {
					s.fn(batch[i])
				}
			}
			batch[i] = Record{}
		}

		b.mu.Lock()
		b.spare = batch[:0]
		b.mu.Unlock()
	}
}

// gateLocked returns what holds s: the first matching pause, else the first
// matching breakpoint; "" when nothing does.
func (b *Bus) gateLocked(s *Stage) string {
	for _, p := range b.pauses {
		if matchStage(p, s) {
			return p + " paused"
		}
	}
	for _, bp := range b.breaks {
		if matchStage(bp.Stage, s) && matchObject(bp.Object, s.Object) {
			bp.Hits++
			return "break " + strconv.Itoa(bp.ID)
		}
	}
	return ""
}

// holdsLocked reports whether any gate still matches s, without counting a hit.
func (b *Bus) holdsLocked(s *Stage) bool {
	for _, p := range b.pauses {
		if matchStage(p, s) {
			return true
		}
	}
	for _, bp := range b.breaks {
		if matchStage(bp.Stage, s) && matchObject(bp.Object, s.Object) {
			return true
		}
	}
	return false
}

// Pause holds, from now on, every stage whose name or component matches the
// glob pattern: "scheduler", "kubelet.*", "kubelet/worker-1", "scheduler.bind".
// A bare component name covers all its instances ("kubelet", "controller").
func (b *Bus) Pause(pattern string) error {
	if err := ValidPattern(pattern); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.pauses {
		if p == pattern {
			return nil
		}
	}
	b.pauses = append(b.pauses, pattern)
	b.gated = true
	b.notifyLocked()
	return nil
}

// Resume removes a pause set with the same pattern and lets go the waiting
// stages no other gate holds. A stage waits exactly as long as a gate holds it.
func (b *Bus) Resume(pattern string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, p := range b.pauses {
		if p == pattern {
			b.pauses = append(b.pauses[:i], b.pauses[i+1:]...)
			b.ungateLocked()
			return nil
		}
	}
	if len(b.pauses) == 0 {
		return fmt.Errorf("%q is not paused: nothing is", pattern)
	}
	return fmt.Errorf("%q is not paused: paused are %s", pattern, strings.Join(b.pauses, ", "))
}

// Paused returns the pause patterns in the order they were set.
func (b *Bus) Paused() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.pauses...)
}

// Break holds every stage whose name or component matches stagePattern and whose
// object matches objectPattern (where '*' also crosses '/': "pod/*/nginx"). An
// empty pattern matches everything. It returns the breakpoint's id.
func (b *Bus) Break(stagePattern, objectPattern string) (int, error) {
	if err := ValidPattern(stagePattern); err != nil {
		return 0, err
	}
	if err := ValidPattern(objectPattern); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.breakID++
	b.breaks = append(b.breaks, &Breakpoint{ID: b.breakID, Stage: stagePattern, Object: objectPattern})
	b.gated = true
	b.notifyLocked()
	return b.breakID, nil
}

// ErrNoBreakpoint is returned by Unbreak for an id that is not set.
var ErrNoBreakpoint = errors.New("no such breakpoint")

// Unbreak removes a breakpoint and lets go the waiting stages no other gate holds.
func (b *Bus) Unbreak(id int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, bp := range b.breaks {
		if bp.ID == id {
			b.breaks = append(b.breaks[:i], b.breaks[i+1:]...)
			b.ungateLocked()
			return nil
		}
	}
	return fmt.Errorf("breakpoint %d: %w (see breaks)", id, ErrNoBreakpoint)
}

// Breaks returns the breakpoints in id order.
func (b *Bus) Breaks() []Breakpoint {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Breakpoint, len(b.breaks))
	for i, bp := range b.breaks {
		out[i] = *bp
	}
	return out
}

func (b *Bus) ungateLocked() {
	b.gated = len(b.pauses) > 0 || len(b.breaks) > 0
	kept := b.waiters[:0]
	for _, w := range b.waiters {
		if b.holdsLocked(&w.rec.Stage) {
			kept = append(kept, w)
		} else {
			w.released = true
			close(w.release)
		}
	}
	clear(b.waiters[len(kept):])
	b.waiters = kept
	b.notifyLocked()
}

// Waiting returns the held stages in arrival order (by Seq); Release lets them
// go in this same order.
func (b *Bus) Waiting() []Waiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Waiter, len(b.waiters))
	for i, w := range b.waiters {
		out[i] = Waiter{w.rec}
	}
	return out
}

// Release lets go the first n held stages in Waiting order, one after the other,
// and returns them. Each passes only the gate it was held at: if the same
// component enters a matching stage again, it is held again.
func (b *Bus) Release(n int) []Waiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	n = min(max(n, 0), len(b.waiters))
	out := make([]Waiter, n)
	for i, w := range b.waiters[:n] {
		out[i] = Waiter{w.rec}
		w.released = true
		close(w.release)
	}
	rest := copy(b.waiters, b.waiters[n:])
	clear(b.waiters[rest:])
	b.waiters = b.waiters[:rest]
	if n > 0 {
		b.notifyLocked()
	}
	return out
}

// ReleaseSeq lets go the held stage with the given sequence number.
func (b *Bus) ReleaseSeq(seq int64) (Waiter, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, w := range b.waiters {
		if w.rec.Seq == seq {
			w.released = true
			close(w.release)
			b.removeWaiterLocked(w)
			b.notifyLocked()
			return Waiter{w.rec}, true
		}
	}
	return Waiter{}, false
}

// Continue clears every pause and lets go every held stage. Breakpoints stay,
// as in a debugger.
func (b *Bus) Continue() []Waiter {
	b.mu.Lock()
	b.pauses = nil
	b.gated = len(b.breaks) > 0
	b.mu.Unlock()
	return b.Release(int(^uint(0) >> 1))
}

func (b *Bus) removeWaiterLocked(w *waiter) {
	for i, x := range b.waiters {
		if x == w {
			copy(b.waiters[i:], b.waiters[i+1:])
			b.waiters[len(b.waiters)-1] = nil
			b.waiters = b.waiters[:len(b.waiters)-1]
			return
		}
	}
}

// Subscribe calls fn with every record entered from now on, in Seq order, until
// cancel is called. fn runs on some entering goroutine, one record at a time, so
// it must not block (printing is fine); it may call any Bus method, though an
// Enter that a gate holds would stall delivery to everyone. A record already
// being handed out when cancel returns may still reach fn.
func (b *Bus) Subscribe(fn func(Record)) (cancel func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &subscriber{fn: fn, from: b.seq + 1}
	b.subs = append(b.subs[:len(b.subs):len(b.subs)], s)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		subs := make([]*subscriber, 0, len(b.subs))
		for _, x := range b.subs {
			if x != s {
				subs = append(subs, x)
			}
		}
		b.subs = subs
	}
}

// Changed returns a channel closed at the next change of the bus: a record
// entered, a stage held or let go, a gate set or cleared. Callers re-read the
// state and call Changed again.
func (b *Bus) Changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed == nil {
		b.changed = make(chan struct{})
	}
	return b.changed
}

// WaitFor blocks until cond holds or ctx ends. cond is called without the bus
// lock held and may use any Bus method.
func (b *Bus) WaitFor(ctx context.Context, cond func(*Bus) bool) error {
	for {
		ch := b.Changed()
		if cond(b) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *Bus) notifyLocked() {
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
}
