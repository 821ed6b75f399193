package sim

import (
	"sync"
	"time"

	utilclock "k8s.io/utils/clock"

	"kubelab/cluster/container"
)

// A task is one process of a container: PID 1, a background job or an
// exec session. It runs on its own goroutine but only while whoever woke it
// waits for it: a clock timer's callback, StartContainer, a signal. The task
// hands control back when it parks (sleeps, waits) or ends. On the virtual
// clock a timer callback runs inside Advance with Now at its deadline, so
// a task's output is stamped with the exact virtual time and the timers it
// arms next are relative to it: the same clock steps give the same bytes.
type task struct {
	r      *Runtime
	c      *ctr
	pid    int
	resume chan wake
	yield  chan struct{}
	done   chan struct{}
	code   int

	// Guarded by r.mu.
	parked    bool
	interrupt bool   // a handled signal ends the park
	epoch     uint64 // counts parks, so a stale timer wakes nothing
	timer     utilclock.Timer
	finished  bool
	handled   map[string]bool // signals PID 1's program has handlers for
	pending   []string
	children  []*task // background jobs of this shell
	busy      int
}

type wake int

const (
	wakeTimer wake = iota
	wakeSignal
	wakeChild
	wakeIO
	wakeKill
)

// killed unwinds a task that the kernel kills: no more of it runs.
type killed struct{}

func (r *Runtime) newTaskLocked(c *ctr, pid1 bool) *task {
	c.pids++
	t := &task{r: r, c: c, pid: c.pids, resume: make(chan wake), yield: make(chan struct{}), done: make(chan struct{}), handled: map[string]bool{}}
	if pid1 {
		t.pid = 1
	}
	c.tasks = append(c.tasks, t)
	return t
}

// spawn starts body on t's goroutine and returns when it first parks or
// ends. exit, if set, runs on the task's goroutine after body returns and
// before control is handed back.
func (r *Runtime) spawn(t *task, body func(*task) int, exit func(code int)) {
	go func() {
		code := func() (code int) {
			defer func() {
				if p := recover(); p != nil {
					if _, ok := p.(killed); !ok {
						panic(p)
					}
					code = 137
				}
			}()
			return body(t)
		}()
		r.mu.Lock()
		t.finished = true
		t.code = code
		c := t.c
		for i, o := range c.tasks {
			if o == t {
				c.tasks = append(c.tasks[:i:i], c.tasks[i+1:]...)
				break
			}
		}
		r.mu.Unlock()
		if exit != nil {
			exit(code)
		}
		close(t.done)
		t.yield <- struct{}{}
	}()
	<-t.yield
}

// park hands control back until d has passed on the clock (d < 0: no
// timer), a handled signal arrives (when interruptible), or something wakes
// the task with a reason. A killed container unwinds the task here.
func (t *task) park(d time.Duration, interruptible bool) wake {
	r := t.r
	r.mu.Lock()
	if t.c.killing != nil {
		r.mu.Unlock()
		panic(killed{})
	}
	if interruptible && len(t.pending) > 0 {
		r.mu.Unlock()
		return wakeSignal
	}
	t.epoch++
	ep := t.epoch
	t.busy = 0
	t.parked = true
	t.interrupt = interruptible
	if d >= 0 {
		t.timer = r.afterFunc(d, func() { r.wake(t, ep, wakeTimer) })
	}
	r.mu.Unlock()
	t.yield <- struct{}{}
	w := <-t.resume
	if w == wakeKill {
		panic(killed{})
	}
	return w
}

// epochNow returns the current park's epoch, for wakers armed outside park.
func (t *task) epochNow() uint64 {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	return t.epoch + 1
}

// wake resumes a parked task and waits until it parks again or ends. An
// epoch of 0 wakes whatever park the task is in. It reports whether the
// task was woken.
func (r *Runtime) wake(t *task, epoch uint64, w wake) bool {
	r.mu.Lock()
	if t == nil || !t.parked || (epoch != 0 && epoch != t.epoch) {
		r.mu.Unlock()
		return false
	}
	if w == wakeSignal && !t.interrupt {
		r.mu.Unlock()
		return false
	}
	t.parked = false
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	r.mu.Unlock()
	t.resume <- w
	<-t.yield
	return true
}

// check unwinds a running task whose container is being killed.
func (t *task) check() {
	t.r.mu.Lock()
	k := t.c.killing != nil
	t.r.mu.Unlock()
	if k {
		panic(killed{})
	}
}

// signal delivers sig to PID 1. Like the kernel for a PID namespace's init
// process, a signal it has no handler for is dropped: that is why `sleep
// 3600` as PID 1 outlives SIGTERM and is killed after the grace period.
func (r *Runtime) signal(c *ctr, sig string) {
	r.mu.Lock()
	t := c.main
	if t == nil || t.finished || !t.handled[sig] {
		r.mu.Unlock()
		return
	}
	t.pending = append(t.pending, sig)
	wakeIt := t.parked && t.interrupt
	ep := t.epoch
	r.mu.Unlock()
	if wakeIt {
		r.wake(t, ep, wakeSignal)
	}
}

// takeSignals returns and clears the pending signals.
func (t *task) takeSignals() []string {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	s := t.pending
	t.pending = nil
	return s
}

// handle sets whether PID 1 has a handler for sig.
func (t *task) handle(sig string, on bool) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	if on {
		t.handled[sig] = true
	} else {
		delete(t.handled, sig)
	}
}

// eventQueue delivers container events in order without ever blocking the
// runtime on a slow reader.
type eventQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	q      []container.Event
	closed bool
	out    chan container.Event
	done   chan struct{}
}

func newEventQueue() *eventQueue {
	e := &eventQueue{out: make(chan container.Event), done: make(chan struct{})}
	e.cond = sync.NewCond(&e.mu)
	go e.run()
	return e
}

func (e *eventQueue) push(ev container.Event) {
	e.mu.Lock()
	if !e.closed {
		e.q = append(e.q, ev)
		e.cond.Signal()
	}
	e.mu.Unlock()
}

func (e *eventQueue) run() {
	defer close(e.out)
	for {
		e.mu.Lock()
		for len(e.q) == 0 && !e.closed {
			e.cond.Wait()
		}
		if e.closed {
			e.mu.Unlock()
			return
		}
		ev := e.q[0]
		e.q = e.q[1:]
		e.mu.Unlock()
		select {
		case e.out <- ev:
		case <-e.done:
			return
		}
	}
}

func (e *eventQueue) close() {
	e.mu.Lock()
	if !e.closed {
		e.closed = true
		close(e.done)
		e.cond.Signal()
	}
	e.mu.Unlock()
}
