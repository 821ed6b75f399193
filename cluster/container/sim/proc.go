package sim

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// proc is one program running in a task: its argv, environment and streams.
type proc struct {
	t           *task
	argv        []string
	env         []string
	dir         string
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
	pid1        bool // the program is PID 1: its signal handlers count
	interactive bool // stdin is attached
	tty         bool
}

// program is an executable of an image.
type program func(p *proc) int

func (p *proc) with(in io.Reader, out, errw io.Writer) *proc {
	n := *p
	n.stdin, n.stdout, n.stderr = in, out, errw
	return &n
}

func (p *proc) onTask(t *task) *proc {
	n := *p
	n.t = t
	n.pid1 = false
	return &n
}

func (p *proc) setFD(fd int, w io.Writer) *proc {
	n := *p
	switch fd {
	case 1:
		n.stdout = w
	case 2:
		n.stderr = w
	}
	return &n
}

func (p *proc) name() string { return path.Base(p.argv[0]) }

func (p *proc) printf(format string, args ...any) {
	p.t.check()
	fmt.Fprintf(p.stdout, format, args...)
}

func (p *proc) errorf(format string, args ...any) {
	p.t.check()
	fmt.Fprintf(p.stderr, format, args...)
}

// sleep parks for d of clock time. A signal does not cut it short: for a
// program without handlers it is dropped (PID 1) or, for a shell's child,
// not delivered at all.
func (p *proc) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	p.t.park(d, false)
}

// forever parks until killed, or until a handled signal when the program
// is PID 1 and handles one (it then returns the signals).
func (p *proc) forever() []string {
	for {
		p.t.park(-1, p.pid1)
		if sigs := p.t.takeSignals(); len(sigs) > 0 {
			return sigs
		}
	}
}

// input is a stdin that the shell reads line by line.
type input struct {
	r *bufio.Reader
}

func newInput(r io.Reader) *input { return &input{r: bufio.NewReader(r)} }

func emptyInput() *input { return newInput(strings.NewReader("")) }

func (in *input) Read(b []byte) (int, error) { return in.r.Read(b) }

// readLine reads one line of stdin. Attached stdin (an exec session) is
// read on a helper goroutine while the task is parked, so the clock keeps
// its determinism; PID 1's stdin has nothing attached and blocks forever.
func (p *proc) readLine() (string, bool) {
	switch in := p.stdin.(type) {
	case blockingReader:
		p.forever()
		return "", false
	case *input:
		if !p.interactive {
			line, err := in.r.ReadString('\n')
			if err != nil && line == "" {
				return "", false
			}
			return strings.TrimSuffix(line, "\n"), true
		}
	}
	in, ok := p.stdin.(*input)
	if !ok {
		in = newInput(p.stdin)
		p.stdin = in
	}
	t := p.t
	r := t.r
	var line string
	var err error
	r.mu.Lock()
	ep := t.epoch + 1
	ready := false
	r.mu.Unlock()
	go func() {
		l, e := in.r.ReadString('\n')
		r.mu.Lock()
		line, err, ready = l, e, true
		parked := t.parked && t.epoch == ep
		r.mu.Unlock()
		if parked {
			r.wake(t, ep, wakeIO)
		}
	}()
	for {
		r.mu.Lock()
		done := ready
		r.mu.Unlock()
		if done {
			break
		}
		t.parkUnless(func() bool { return ready })
	}
	if err != nil && line == "" {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), true
}

// parkUnless parks with no timer unless cond (read under r.mu) holds.
func (t *task) parkUnless(cond func() bool) {
	r := t.r
	r.mu.Lock()
	if cond() {
		r.mu.Unlock()
		return
	}
	if t.c.killing != nil {
		r.mu.Unlock()
		panic(killed{})
	}
	t.epoch++
	t.parked = true
	t.interrupt = false
	r.mu.Unlock()
	t.yield <- struct{}{}
	if w := <-t.resume; w == wakeKill {
		panic(killed{})
	}
}

// busyLimit is how many loop iterations a process may run without
// waiting on the clock before it is charged one second: a `while true`
// loop without a sleep advances with the clock instead of spinning
// forever at one instant.
const busyLimit = 100

func (t *task) yieldIfBusy() {
	t.busy++
	if t.busy >= busyLimit {
		t.busy = 0
		t.park(time.Second, false)
	}
}
