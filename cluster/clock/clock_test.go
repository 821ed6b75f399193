package clock

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fired records which callbacks ran and what time they saw.
type fired struct {
	clk  *Virtual
	mu   sync.Mutex
	seen []string
}

func (f *fired) fn(name string) func() {
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.seen = append(f.seen, fmt.Sprintf("%s@%s", name, f.clk.Now().Sub(epoch)))
	}
}

func (f *fired) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func equal(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func TestAdvanceFiresInDeadlineOrder(t *testing.T) {
	tests := []struct {
		name    string
		arm     func(v *Virtual, f *fired)
		advance time.Duration
		want    []string
		wantNow time.Duration
	}{
		{
			name: "timers armed out of order fire by deadline",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(3*time.Second, f.fn("c"))
				v.AfterFunc(1*time.Second, f.fn("a"))
				v.AfterFunc(2*time.Second, f.fn("b"))
			},
			advance: 5 * time.Second,
			want:    []string{"a@1s", "b@2s", "c@3s"},
			wantNow: 5 * time.Second,
		},
		{
			name: "timers with equal deadlines fire in the order they were armed",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(time.Second, f.fn("first"))
				v.AfterFunc(time.Second, f.fn("second"))
				v.AfterFunc(time.Second, f.fn("third"))
			},
			advance: time.Second,
			want:    []string{"first@1s", "second@1s", "third@1s"},
			wantNow: time.Second,
		},
		{
			name: "a timer beyond the window does not fire",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(time.Second, f.fn("in"))
				v.AfterFunc(time.Second+1, f.fn("out"))
			},
			advance: time.Second,
			want:    []string{"in@1s"},
			wantNow: time.Second,
		},
		{
			name: "a timer armed by a callback inside the window fires in order",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(time.Second, func() {
					f.fn("outer")()
					v.AfterFunc(time.Second, f.fn("nested"))
					v.AfterFunc(10*time.Second, f.fn("too-late"))
				})
				v.AfterFunc(1500*time.Millisecond, f.fn("between"))
				v.AfterFunc(2500*time.Millisecond, f.fn("after"))
			},
			advance: 3 * time.Second,
			want:    []string{"outer@1s", "between@1.5s", "nested@2s", "after@2.5s"},
			wantNow: 3 * time.Second,
		},
		{
			name: "a zero-delay AfterFunc waits for the next Advance",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(0, f.fn("now"))
			},
			advance: 0,
			want:    []string{"now@0s"},
			wantNow: 0,
		},
		{
			name: "a ticker re-arms and at a tie fires before a timer armed after it",
			arm: func(v *Virtual, f *fired) {
				tk := v.NewTicker(time.Second)
				drain := func() {
					select {
					case at := <-tk.C():
						f.fn("tick " + at.Sub(epoch).String())()
					default:
						f.fn("no tick")()
					}
				}
				v.AfterFunc(time.Second, drain)
				v.AfterFunc(2*time.Second, drain)
			},
			advance: 2 * time.Second,
			want:    []string{"tick 1s@1s", "tick 2s@2s"},
			wantNow: 2 * time.Second,
		},
		{
			name: "a negative advance does not move time",
			arm: func(v *Virtual, f *fired) {
				v.AfterFunc(time.Second, f.fn("a"))
			},
			advance: -time.Hour,
			want:    nil,
			wantNow: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVirtual(epoch)
			f := &fired{clk: v}
			tt.arm(v, f)
			v.Advance(tt.advance)
			if got := f.list(); !equal(got, tt.want) {
				t.Errorf("fired %v, want %v", got, tt.want)
			}
			if got := v.Since(epoch); got != tt.wantNow {
				t.Errorf("now is %v, want %v", got, tt.wantNow)
			}
		})
	}
}

func TestChannelTimers(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, v *Virtual)
	}{
		{
			name: "a timer delivers its deadline once reached",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(2 * time.Second)
				v.Advance(time.Second)
				expectEmpty(t, tm.C())
				v.Advance(5 * time.Second)
				expectValue(t, tm.C(), 2*time.Second)
				if v.Waiters() != 0 {
					t.Errorf("a fired timer is still pending")
				}
			},
		},
		{
			name: "a zero-duration timer and After(0) are ready at once",
			run: func(t *testing.T, v *Virtual) {
				expectValue(t, v.NewTimer(0).C(), 0)
				expectValue(t, v.After(-time.Second), -time.Second)
				v.Sleep(0)
			},
		},
		{
			name: "stop of a pending timer reports true and it never fires",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(time.Second)
				if !tm.Stop() {
					t.Errorf("Stop of a pending timer returned false")
				}
				if tm.Stop() {
					t.Errorf("second Stop returned true")
				}
				v.Advance(time.Minute)
				expectEmpty(t, tm.C())
			},
		},
		{
			name: "stop after firing reports false and drops the undelivered value",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(time.Second)
				v.Advance(time.Second)
				if tm.Stop() {
					t.Errorf("Stop of a fired timer returned true")
				}
				expectEmpty(t, tm.C())
			},
		},
		{
			name: "reset of a pending timer moves its deadline",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(time.Second)
				if !tm.Reset(3 * time.Second) {
					t.Errorf("Reset of a pending timer returned false")
				}
				v.Advance(2 * time.Second)
				expectEmpty(t, tm.C())
				v.Advance(time.Second)
				expectValue(t, tm.C(), 3*time.Second)
			},
		},
		{
			name: "reset of a fired timer arms it again without a stale value",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(time.Second)
				v.Advance(time.Second)
				if tm.Reset(time.Second) {
					t.Errorf("Reset of a fired timer returned true")
				}
				expectEmpty(t, tm.C())
				v.Advance(time.Second)
				expectValue(t, tm.C(), 2*time.Second)
			},
		},
		{
			name: "reset of a stopped AfterFunc runs it at the new deadline",
			run: func(t *testing.T, v *Virtual) {
				f := &fired{clk: v}
				tm := v.AfterFunc(time.Second, f.fn("f"))
				tm.Stop()
				if tm.C() != nil {
					t.Errorf("an AfterFunc timer has a channel")
				}
				tm.Reset(4 * time.Second)
				v.Advance(10 * time.Second)
				if got := f.list(); !equal(got, []string{"f@4s"}) {
					t.Errorf("fired %v", got)
				}
			},
		},
		{
			name: "a ticker delivers every period and drops ticks nobody read",
			run: func(t *testing.T, v *Virtual) {
				tk := v.NewTicker(time.Second)
				v.Advance(time.Second)
				expectValue(t, tk.C(), time.Second)
				v.Advance(time.Second)
				expectValue(t, tk.C(), 2*time.Second)
				v.Advance(3500 * time.Millisecond)
				expectValue(t, tk.C(), 3*time.Second)
				expectEmpty(t, tk.C())
				if d, ok := v.NextDeadline(); !ok || d.Sub(epoch) != 6*time.Second {
					t.Errorf("next deadline %v %v, want 6s", d.Sub(epoch), ok)
				}
				tk.Stop()
				if v.Waiters() != 0 {
					t.Errorf("a stopped ticker is still pending")
				}
				v.Advance(time.Minute)
				expectEmpty(t, tk.C())
			},
		},
		{
			name: "stopping a ticker drops its undelivered tick",
			run: func(t *testing.T, v *Virtual) {
				tk := v.NewTicker(time.Second)
				v.Advance(time.Second)
				tk.Stop()
				expectEmpty(t, tk.C())
			},
		},
		{
			name: "a non-positive ticker interval panics and Tick returns nil",
			run: func(t *testing.T, v *Virtual) {
				if v.Tick(0) != nil {
					t.Errorf("Tick(0) is not nil")
				}
				defer func() {
					if recover() == nil {
						t.Errorf("NewTicker(0) did not panic")
					}
				}()
				v.NewTicker(0)
			},
		},
		{
			name: "setting the time back fires nothing and keeps absolute deadlines",
			run: func(t *testing.T, v *Virtual) {
				tm := v.NewTimer(time.Second)
				v.SetTime(epoch.Add(-time.Hour))
				expectEmpty(t, tm.C())
				v.SetTime(epoch.Add(time.Second))
				expectValue(t, tm.C(), time.Second)
				if v.Since(epoch) != time.Second {
					t.Errorf("now is %v", v.Since(epoch))
				}
			},
		},
		{
			name: "next deadline and waiters report the pending timers",
			run: func(t *testing.T, v *Virtual) {
				if _, ok := v.NextDeadline(); ok {
					t.Errorf("a fresh clock has a deadline")
				}
				v.NewTimer(5 * time.Second)
				v.AfterFunc(2*time.Second, func() {})
				if d, _ := v.NextDeadline(); d.Sub(epoch) != 2*time.Second {
					t.Errorf("next deadline %v, want 2s", d.Sub(epoch))
				}
				if v.Waiters() != 2 {
					t.Errorf("waiters %d, want 2", v.Waiters())
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, NewVirtual(epoch))
		})
	}
}

func TestSleepBlocksUntilAdvancedPast(t *testing.T) {
	v := NewVirtual(epoch)
	done := make(chan time.Duration)
	go func() {
		v.Sleep(5 * time.Second)
		done <- v.Since(epoch)
	}()
	if err := v.WaitForWaiters(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	v.Advance(4 * time.Second)
	select {
	case <-done:
		t.Fatalf("Sleep(5s) returned after 4s")
	default:
	}
	v.Advance(time.Second)
	if got := <-done; got != 5*time.Second {
		t.Errorf("woke at %v, want 5s", got)
	}
}

func TestWaitForWaitersStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewVirtual(epoch).WaitForWaiters(ctx, 1); err != context.Canceled {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestConcurrentUseFiresEveryTimerOnce(t *testing.T) {
	v := NewVirtual(epoch)
	const workers, perWorker = 8, 50
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				key := fmt.Sprintf("%d/%d", w, i)
				tm := v.AfterFunc(time.Duration(i%7)*time.Millisecond, func() {
					mu.Lock()
					count[key]++
					mu.Unlock()
				})
				if i%5 == 0 && tm.Stop() {
					mu.Lock()
					count[key] = 1 // stopped before firing: counts as its one outcome
					mu.Unlock()
				}
				v.NewTimer(time.Millisecond).Reset(2 * time.Millisecond)
				_ = v.Now()
				v.Advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	v.Advance(time.Second)
	if len(count) != workers*perWorker {
		t.Errorf("%d timers resolved, want %d", len(count), workers*perWorker)
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("timer %s fired %d times", k, n)
		}
	}
	if v.Waiters() != 0 {
		t.Errorf("%d timers still pending", v.Waiters())
	}
}

func TestRealIsTheWallClock(t *testing.T) {
	c := Real()
	if c.Since(c.Now()) > time.Minute {
		t.Errorf("real clock is not monotonic with itself")
	}
}

func expectValue(t *testing.T, c <-chan time.Time, at time.Duration) {
	t.Helper()
	select {
	case got := <-c:
		if got.Sub(epoch) != at {
			t.Errorf("delivered %v, want %v", got.Sub(epoch), at)
		}
	default:
		t.Errorf("nothing delivered, want %v", at)
	}
}

func expectEmpty(t *testing.T, c <-chan time.Time) {
	t.Helper()
	select {
	case got := <-c:
		t.Errorf("delivered %v, want nothing", got.Sub(epoch))
	default:
	}
}
