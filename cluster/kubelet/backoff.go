package kubelet

import (
	"sync"
	"time"

	"kubelab/cluster/clock"
)

// backOff is the kubelet's per-key exponential back-off
// (client-go util/flowcontrol.Backoff as the kubelet uses it for image
// pulls and crashing containers): the first failure starts at initial,
// each further one doubles up to max, and an entry untouched for twice max
// starts over.
type backOff struct {
	clock        clock.Clock
	initial, max time.Duration
	mu           sync.Mutex
	entries      map[string]*backOffEntry
}

type backOffEntry struct {
	period     time.Duration
	lastUpdate time.Time
}

func newBackOff(c clock.Clock, initial, max time.Duration) *backOff {
	return &backOff{clock: c, initial: initial, max: max, entries: map[string]*backOffEntry{}}
}

// next records a failure at t and lengthens the back-off.
func (b *backOff) next(key string, t time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil || t.Sub(e.lastUpdate) > 2*b.max {
		b.entries[key] = &backOffEntry{period: b.initial, lastUpdate: t}
		return
	}
	e.period = min(2*e.period, b.max)
	e.lastUpdate = t
}

// get returns the current back-off period of key, zero when it has none.
func (b *backOff) get(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.entries[key]; e != nil {
		return e.period
	}
	return 0
}

// inBackOffSince reports whether now is within the back-off period that
// started at t.
func (b *backOff) inBackOffSince(key string, t time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil || b.clock.Now().Sub(e.lastUpdate) > 2*b.max {
		return false
	}
	return b.clock.Now().Sub(t) < e.period
}

// inBackOffSinceUpdate reports whether now is within the back-off period
// that started at the last failure.
func (b *backOff) inBackOffSinceUpdate(key string) (bool, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[key]
	if e == nil {
		return false, time.Time{}
	}
	end := e.lastUpdate.Add(e.period)
	return b.clock.Now().Before(end), end
}

// reset forgets key.
func (b *backOff) reset(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.entries, key)
}
