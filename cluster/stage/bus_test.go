package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"kubelab/cluster/clock"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newBus(opts ...Option) (*Bus, *clock.Virtual) {
	clk := clock.NewVirtual(epoch)
	return New(clk, opts...), clk
}

// canceled is a context already done: Enter with it returns at once, with
// ctx.Err() when a gate held the stage, so gating is observable without blocking.
func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// waitWaiting blocks until n stages are held.
func waitWaiting(t *testing.T, b *Bus, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := b.WaitFor(ctx, func(b *Bus) bool { return len(b.Waiting()) == n }); err != nil {
		t.Fatalf("waiting for %d held stages: %v (held: %v)", n, err, b.Waiting())
	}
}

func TestEnterRecordsInOrderWithClockTime(t *testing.T) {
	b, clk := newBus()
	stages := []Stage{
		{Component: "apiserver", Name: "apiserver.request", Object: "pod/default/nginx", Detail: "create /api/v1/namespaces/default/pods"},
		{Component: "etcd", Name: "etcd.put", Object: "/registry/pods/default/nginx", Revision: 57},
		{Component: "scheduler", Name: "scheduler.queue", Object: "pod/default/nginx"},
	}
	for _, s := range stages {
		if err := b.Enter(context.Background(), s); err != nil {
			t.Fatalf("Enter(%s): %v", s.Name, err)
		}
		clk.Advance(time.Second)
	}
	got := b.Records(Filter{})
	if len(got) != len(stages) {
		t.Fatalf("got %d records, want %d", len(got), len(stages))
	}
	for i, r := range got {
		if r.Stage != stages[i] || r.Seq != int64(i+1) || !r.Time.Equal(epoch.Add(time.Duration(i)*time.Second)) || r.Gate != "" {
			t.Errorf("record %d = %+v", i, r)
		}
	}
	if b.LastSeq() != 3 {
		t.Errorf("LastSeq = %d, want 3", b.LastSeq())
	}
}

func TestNilBusIsANoOp(t *testing.T) {
	var b *Bus
	if err := b.Enter(canceled(), Stage{Name: "kubelet.start"}); err != nil {
		t.Errorf("Enter on a nil bus: %v", err)
	}
	if b.Records(Filter{}) != nil || b.LastSeq() != 0 {
		t.Errorf("a nil bus has records")
	}
}

func TestGates(t *testing.T) {
	type brk struct{ stage, object string }
	tests := []struct {
		name     string
		pauses   []string
		breaks   []brk
		stage    Stage
		wantGate string
	}{
		{
			name:  "nothing gated lets every stage through",
			stage: Stage{Component: "scheduler", Name: "scheduler.filter"},
		},
		{
			name:     "pausing a component holds its stages",
			pauses:   []string{"scheduler"},
			stage:    Stage{Component: "scheduler", Name: "scheduler.filter", Object: "pod/default/web"},
			wantGate: "scheduler paused",
		},
		{
			name:   "pausing a component does not hold other components",
			pauses: []string{"scheduler"},
			stage:  Stage{Component: "kubelet/worker-1", Name: "kubelet.start"},
		},
		{
			name:     "pausing a bare component name holds every instance of it",
			pauses:   []string{"kubelet"},
			stage:    Stage{Component: "kubelet/worker-2", Name: "kubelet.pull"},
			wantGate: "kubelet paused",
		},
		{
			name:     "pausing one kubelet holds that node's stages",
			pauses:   []string{"kubelet/worker-1"},
			stage:    Stage{Component: "kubelet/worker-1", Name: "kubelet.pull"},
			wantGate: "kubelet/worker-1 paused",
		},
		{
			name:   "pausing one kubelet lets other nodes through",
			pauses: []string{"kubelet/worker-1"},
			stage:  Stage{Component: "kubelet/worker-2", Name: "kubelet.pull"},
		},
		{
			name:     "a stage-name glob holds matching stages of any instance",
			pauses:   []string{"kubelet.*"},
			stage:    Stage{Component: "kubelet/worker-3", Name: "kubelet.start"},
			wantGate: "kubelet.* paused",
		},
		{
			name:     "a controller sync glob holds every controller",
			pauses:   []string{"controller.*.sync"},
			stage:    Stage{Component: "controller/deployment", Name: "controller.deployment.sync"},
			wantGate: "controller.*.sync paused",
		},
		{
			name:   "pausing one stage lets its component's other stages through",
			pauses: []string{"scheduler.bind"},
			stage:  Stage{Component: "scheduler", Name: "scheduler.filter"},
		},
		{
			name:     "the first matching pause is named as the gate",
			pauses:   []string{"etcd", "scheduler.bind", "scheduler"},
			stage:    Stage{Component: "scheduler", Name: "scheduler.bind"},
			wantGate: "scheduler.bind paused",
		},
		{
			name:     "a breakpoint on an object glob holds that object in any namespace",
			breaks:   []brk{{"scheduler.bind", "pod/*/nginx"}},
			stage:    Stage{Component: "scheduler", Name: "scheduler.bind", Object: "pod/default/nginx"},
			wantGate: "break 1",
		},
		{
			name:   "a breakpoint on an object glob lets other objects through",
			breaks: []brk{{"scheduler.bind", "pod/*/nginx"}},
			stage:  Stage{Component: "scheduler", Name: "scheduler.bind", Object: "pod/default/web"},
		},
		{
			name:   "a breakpoint on a stage lets other stages of the object through",
			breaks: []brk{{"scheduler.bind", "pod/*/nginx"}},
			stage:  Stage{Component: "scheduler", Name: "scheduler.filter", Object: "pod/default/nginx"},
		},
		{
			name:     "a breakpoint on an etcd key prefix holds writes under it",
			breaks:   []brk{{"etcd.*", "/registry/pods/*"}},
			stage:    Stage{Component: "etcd", Name: "etcd.put", Object: "/registry/pods/kube-system/coredns", Revision: 9},
			wantGate: "break 1",
		},
		{
			name:     "a breakpoint with an empty stage pattern holds any stage on its object",
			breaks:   []brk{{"", "node/worker-1"}},
			stage:    Stage{Component: "kubelet/worker-1", Name: "kubelet.heartbeat", Object: "node/worker-1"},
			wantGate: "break 1",
		},
		{
			name:     "a later breakpoint holds when an earlier one does not match",
			breaks:   []brk{{"scheduler.*", "pod/default/web"}, {"kubelet", "pod/default/web"}},
			stage:    Stage{Component: "kubelet/worker-1", Name: "kubelet.start", Object: "pod/default/web"},
			wantGate: "break 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newBus()
			for _, p := range tt.pauses {
				if err := b.Pause(p); err != nil {
					t.Fatal(err)
				}
			}
			for _, bk := range tt.breaks {
				if _, err := b.Break(bk.stage, bk.object); err != nil {
					t.Fatal(err)
				}
			}
			err := b.Enter(canceled(), tt.stage)
			if held := err != nil; held != (tt.wantGate != "") {
				t.Errorf("Enter returned %v, want held=%v", err, tt.wantGate != "")
			}
			if tt.wantGate != "" && !errors.Is(err, context.Canceled) {
				t.Errorf("a held stage whose context ends returned %v, want context.Canceled", err)
			}
			recs := b.Records(Filter{})
			if len(recs) != 1 || recs[0].Gate != tt.wantGate {
				t.Errorf("journal %v, want one record with gate %q", recs, tt.wantGate)
			}
			if w := b.Waiting(); len(w) != 0 {
				t.Errorf("a stage whose context ended is still waiting: %v", w)
			}
			hits := 0
			for _, bp := range b.Breaks() {
				hits += bp.Hits
			}
			if wantHits := map[bool]int{true: 1}[strings.HasPrefix(tt.wantGate, "break")]; hits != wantHits {
				t.Errorf("breakpoint hits %d, want %d", hits, wantHits)
			}
		})
	}
}

func TestReleaseFollowsArrivalOrderUnderConcurrentEntry(t *testing.T) {
	b, _ := newBus()
	if err := b.Pause("scheduler"); err != nil {
		t.Fatal(err)
	}
	const n = 64
	passed := make(chan string)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			obj := fmt.Sprintf("pod/default/p%d", i)
			if err := b.Enter(context.Background(), Stage{Component: "scheduler", Name: "scheduler.queue", Object: obj}); err != nil {
				t.Errorf("Enter(%s): %v", obj, err)
			}
			passed <- obj
		}()
	}
	waitWaiting(t, b, n)
	held := b.Waiting()
	for i := 1; i < len(held); i++ {
		if held[i-1].Seq >= held[i].Seq {
			t.Fatalf("Waiting is not in Seq order: %d before %d", held[i-1].Seq, held[i].Seq)
		}
	}
	for i, w := range held {
		released := b.Release(1)
		if len(released) != 1 || released[0].Seq != w.Seq {
			t.Fatalf("release %d let go %v, want seq %d", i, released, w.Seq)
		}
		if got := <-passed; got != w.Object {
			t.Fatalf("release %d: %s passed, want %s", i, got, w.Object)
		}
	}
	wg.Wait()
	if got := b.Release(1); len(got) != 0 {
		t.Errorf("Release with nothing held let go %v", got)
	}
}

func TestReleasedStageIsHeldAgainAtTheNextGate(t *testing.T) {
	b, _ := newBus()
	if err := b.Pause("scheduler"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		for _, name := range []string{"scheduler.filter", "scheduler.score", "scheduler.bind"} {
			if err := b.Enter(context.Background(), Stage{Component: "scheduler", Name: name, Object: "pod/default/web"}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for _, want := range []string{"scheduler.filter", "scheduler.score", "scheduler.bind"} {
		waitWaiting(t, b, 1)
		if got := b.Release(1); got[0].Name != want {
			t.Fatalf("stepped %s, want %s", got[0].Name, want)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestClearingGates(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(b *Bus)
		clear     func(t *testing.T, b *Bus)
		wantHeld  int
		wantGates int // pauses + breakpoints left
	}{
		{
			name:  "resume lets go the stages its pause held",
			setup: func(b *Bus) { _ = b.Pause("scheduler") },
			clear: func(t *testing.T, b *Bus) {
				if err := b.Resume("scheduler"); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "resume keeps stages another pause still holds",
			setup: func(b *Bus) {
				_ = b.Pause("scheduler")
				_ = b.Pause("*.bind")
			},
			clear: func(t *testing.T, b *Bus) {
				if err := b.Resume("scheduler"); err != nil {
					t.Fatal(err)
				}
			},
			wantHeld:  1, // scheduler.bind
			wantGates: 1,
		},
		{
			name:  "unbreak lets go the stages its breakpoint held",
			setup: func(b *Bus) { _, _ = b.Break("scheduler.*", "pod/default/*") },
			clear: func(t *testing.T, b *Bus) {
				if err := b.Unbreak(1); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "continue clears pauses and lets everything go but keeps breakpoints",
			setup: func(b *Bus) {
				_ = b.Pause("scheduler")
				_, _ = b.Break("scheduler.bind", "")
			},
			clear: func(t *testing.T, b *Bus) {
				if got := b.Continue(); len(got) != 3 {
					t.Errorf("Continue let go %d stages, want 3", len(got))
				}
			},
			wantGates: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := newBus()
			tt.setup(b)
			var wg sync.WaitGroup
			for _, name := range []string{"scheduler.filter", "scheduler.score", "scheduler.bind"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_ = b.Enter(context.Background(), Stage{Component: "scheduler", Name: name, Object: "pod/default/web"})
				}()
			}
			waitWaiting(t, b, 3)
			tt.clear(t, b)
			if got := len(b.Waiting()); got != tt.wantHeld {
				t.Errorf("%d stages held, want %d", got, tt.wantHeld)
			}
			if got := len(b.Paused()) + len(b.Breaks()); got != tt.wantGates {
				t.Errorf("%d gates left, want %d", got, tt.wantGates)
			}
			b.Continue()
			wg.Wait()
		})
	}
}

func TestCancelledContextReleasesAHeldStage(t *testing.T) {
	b, _ := newBus()
	if err := b.Pause("kubelet"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- b.Enter(ctx, Stage{Component: "kubelet/worker-1", Name: "kubelet.start"}) }()
	waitWaiting(t, b, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Enter returned %v, want context.Canceled", err)
	}
	if w := b.Waiting(); len(w) != 0 {
		t.Errorf("still held: %v", w)
	}
}

func TestReleaseSeqLetsGoOneChosenStage(t *testing.T) {
	b, _ := newBus()
	_ = b.Pause("*")
	var wg sync.WaitGroup
	for _, obj := range []string{"pod/default/a", "pod/default/b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = b.Enter(context.Background(), Stage{Component: "scheduler", Name: "scheduler.queue", Object: obj})
		}()
	}
	waitWaiting(t, b, 2)
	last := b.Waiting()[1]
	if w, ok := b.ReleaseSeq(last.Seq); !ok || w.Seq != last.Seq {
		t.Errorf("ReleaseSeq(%d) = %v, %v", last.Seq, w, ok)
	}
	if _, ok := b.ReleaseSeq(last.Seq); ok {
		t.Errorf("a stage was released twice")
	}
	b.Continue()
	wg.Wait()
}

func TestSubscribe(t *testing.T) {
	b, _ := newBus()
	enter := func(name string) { _ = b.Enter(context.Background(), Stage{Component: "etcd", Name: name}) }
	enter("before")
	var got []string
	cancel := b.Subscribe(func(r Record) {
		got = append(got, r.Name)
		if r.Name == "a" {
			enter("from-subscriber") // delivered after a, not deadlocked
		}
	})
	enter("a")
	enter("b")
	cancel()
	enter("c")
	if want := []string{"a", "from-subscriber", "b"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("subscriber saw %v, want %v", got, want)
	}
}

func TestSubscribersSeeSeqOrderUnderConcurrentEntry(t *testing.T) {
	b, _ := newBus()
	var mu sync.Mutex
	var seqs []int64
	cancel := b.Subscribe(func(r Record) {
		mu.Lock()
		seqs = append(seqs, r.Seq)
		mu.Unlock()
	})
	defer cancel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				_ = b.Enter(context.Background(), Stage{Component: "apiserver", Name: "apiserver.request"})
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(seqs) != 1600 {
		t.Fatalf("subscriber saw %d records, want 1600", len(seqs))
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("record %d has seq %d: out of order", i, s)
		}
	}
}

func TestJournal(t *testing.T) {
	b, _ := newBus(WithCapacity(4))
	for _, s := range []Stage{
		{Component: "apiserver", Name: "apiserver.request", Object: "pod/default/a"},
		{Component: "etcd", Name: "etcd.put", Object: "/registry/pods/default/a"},
		{Component: "scheduler", Name: "scheduler.bind", Object: "pod/default/a"},
		{Component: "kubelet/worker-1", Name: "kubelet.start", Object: "pod/default/a"},
		{Component: "kubelet/worker-2", Name: "kubelet.start", Object: "pod/kube-system/b"},
		{Component: "etcd", Name: "etcd.delete", Object: "/registry/pods/default/a"},
	} {
		_ = b.Enter(context.Background(), s)
	}
	tests := []struct {
		name   string
		filter Filter
		want   []int64
	}{
		{name: "the ring keeps only the newest records", want: []int64{3, 4, 5, 6}},
		{name: "since skips records up to and including it", filter: Filter{Since: 4}, want: []int64{5, 6}},
		{name: "since before the oldest kept record returns all kept", filter: Filter{Since: 1}, want: []int64{3, 4, 5, 6}},
		{name: "since at the newest record returns nothing", filter: Filter{Since: 6}},
		{name: "a bare component name selects all its instances", filter: Filter{Component: "kubelet"}, want: []int64{4, 5}},
		{name: "a component glob selects one instance", filter: Filter{Component: "kubelet/*-2"}, want: []int64{5}},
		{name: "a stage-name glob selects by step", filter: Filter{Name: "etcd.*"}, want: []int64{6}},
		{name: "an object glob crosses namespaces", filter: Filter{Object: "pod/*"}, want: []int64{3, 4, 5}},
		{name: "an object glob matches etcd keys", filter: Filter{Object: "/registry/pods/default/*"}, want: []int64{6}},
		{name: "filters combine", filter: Filter{Name: "kubelet.*", Object: "pod/default/*", Since: 3}, want: []int64{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, r := range b.Records(tt.filter) {
				got = append(got, r.Seq)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got seqs %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	b, _ := newBus()
	tests := []struct {
		name string
		err  error
	}{
		{"a malformed pause pattern is refused", b.Pause("sched[")},
		{"a malformed breakpoint stage pattern is refused", func() error { _, err := b.Break("[", ""); return err }()},
		{"a malformed breakpoint object pattern is refused", func() error { _, err := b.Break("", "pod/["); return err }()},
		{"resuming what is not paused is refused", b.Resume("scheduler")},
		{"removing an unknown breakpoint is refused", b.Unbreak(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Errorf("no error")
			}
		})
	}
	if !errors.Is(b.Unbreak(7), ErrNoBreakpoint) {
		t.Errorf("Unbreak of an unknown id does not wrap ErrNoBreakpoint")
	}
	if len(b.Paused()) != 0 || len(b.Breaks()) != 0 {
		t.Errorf("bad input changed the gates: %v %v", b.Paused(), b.Breaks())
	}
}

func TestUngatedEnterAllocatesNothing(t *testing.T) {
	b, _ := newBus(WithCapacity(16))
	s := Stage{Component: "apiserver", Name: "apiserver.request", Object: "pod/default/nginx", Detail: "get"}
	ctx := context.Background()
	for range 32 { // fill the ring so it no longer grows
		_ = b.Enter(ctx, s)
	}
	if n := testing.AllocsPerRun(1000, func() { _ = b.Enter(ctx, s) }); n != 0 {
		t.Errorf("Enter allocated %v times per call", n)
	}
}

func BenchmarkEnter(b *testing.B) {
	s := Stage{Component: "apiserver", Name: "apiserver.request", Object: "pod/default/nginx", Detail: "get /api/v1/namespaces/default/pods/nginx"}
	ctx := context.Background()
	b.Run("ungated", func(b *testing.B) {
		bus := New(nil)
		b.ReportAllocs()
		for b.Loop() {
			_ = bus.Enter(ctx, s)
		}
	})
	b.Run("ungated with a non-matching pause and breakpoint", func(b *testing.B) {
		bus := New(nil)
		_ = bus.Pause("kubelet")
		_, _ = bus.Break("scheduler.bind", "pod/*/web")
		b.ReportAllocs()
		for b.Loop() {
			_ = bus.Enter(ctx, s)
		}
	})
	b.Run("ungated with a subscriber", func(b *testing.B) {
		bus := New(nil)
		n := 0
		defer bus.Subscribe(func(Record) { n++ })()
		b.ReportAllocs()
		for b.Loop() {
			_ = bus.Enter(ctx, s)
		}
	})
	b.Run("ungated parallel", func(b *testing.B) {
		bus := New(nil)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = bus.Enter(ctx, s)
			}
		})
	})
}
