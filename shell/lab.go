package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	toolscache "k8s.io/client-go/tools/cache"
	utilclock "k8s.io/utils/clock"

	"kubelab/cluster/clock"
	"kubelab/cluster/scheduler"
	"kubelab/cluster/stage"
)

// DefaultQuiet is how long the stage bus must stay silent, in real time, for
// the cluster to count as quiet.
const DefaultQuiet = 150 * time.Millisecond

// SchedulerView is what explain and pending read of the scheduler.
type SchedulerView interface {
	LastCycle(namespace, name string) (scheduler.Cycle, bool)
	QueuedPods() []scheduler.QueuedPod
}

// LabConfig is what the lab commands use of a booted cluster. Bus and Clock
// are required; Client is needed by the pod conditions of expect and wait.
type LabConfig struct {
	Bus   *stage.Bus
	Clock clock.Clock
	// Client reads pods for expect and wait (through an informer, so that
	// checking makes no request a breakpoint could hold).
	Client kubernetes.Interface
	// Scheduler, when set, adds the scheduling queue to pending.
	Scheduler SchedulerView
	// Nodes are the node names, so that "kubelet/worker-1" is a known
	// component.
	Nodes []string
	// Quiet is the real-time window of bus silence that counts as quiet;
	// DefaultQuiet when zero.
	Quiet time.Duration
	// Wall is the real clock the quiet window is measured on; the wall
	// clock when nil. (The cluster clock may be virtual and stand still.)
	Wall utilclock.WithTicker
}

// Lab holds the cluster-facing commands and watches the cluster on the
// shell's behalf: it is the shell's Monitor and its Conditions. Make one
// with NewLab and pass Commands, the Lab itself and Conditions to Config.
type Lab struct {
	cfg     LabConfig
	virtual *clock.Virtual // nil on the real clock

	mu       sync.Mutex
	out      io.Writer
	colour   bool
	script   bool
	show     stageFilter
	stepping bool  // step, continue, settle or advance runs: held stages are listed by the command
	mark     int64 // journal position when the last command other than expect or wait began
	// let go are the held stages released since mark: a stage entered
	// before the last command but let go by it happened during it.
	letGo  []stage.Record
	podRev int64 // latest etcd revision of a pod write seen on the bus

	pods       toolscache.SharedIndexInformer
	podChanged notifier

	watchCancel context.CancelFunc // ends Begin's watch for a held command
}

// NewLab checks cfg and returns the lab; Start (called by the shell) begins
// watching.
func NewLab(cfg LabConfig) (*Lab, error) {
	if cfg.Bus == nil || cfg.Clock == nil {
		return nil, errors.New("shell: LabConfig.Bus and Clock are required")
	}
	if cfg.Quiet <= 0 {
		cfg.Quiet = DefaultQuiet
	}
	if cfg.Wall == nil {
		cfg.Wall = utilclock.RealClock{}
	}
	l := &Lab{cfg: cfg, show: stageFilter{mode: "auto"}}
	l.virtual, _ = cfg.Clock.(*clock.Virtual)
	return l, nil
}

var _ Monitor = (*Lab)(nil)

// Start subscribes to the bus for live stage lines and starts the pod
// informer the conditions read. Both end with ctx.
func (l *Lab) Start(ctx context.Context, out io.Writer, colour, script bool) {
	l.mu.Lock()
	l.out, l.colour, l.script = out, colour, script
	if script {
		l.show = stageFilter{mode: "off"}
	}
	l.mu.Unlock()
	cancel := l.cfg.Bus.Subscribe(l.onRecord)
	context.AfterFunc(ctx, cancel)
	if l.cfg.Client != nil {
		f := informers.NewSharedInformerFactory(l.cfg.Client, 0)
		l.pods = f.Core().V1().Pods().Informer()
		notify := func(any) { l.podChanged.notify() }
		_, _ = l.pods.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
			AddFunc:    notify,
			UpdateFunc: func(_, o any) { notify(o) },
			DeleteFunc: notify,
		})
		f.Start(ctx.Done())
		toolscache.WaitForCacheSync(ctx.Done(), l.pods.HasSynced)
	}
	if script {
		// A script starts from a quiet cluster, so that what boot left
		// running does not land in its first command.
		_ = l.quiesce(ctx)
	}
}

// notWatched are the commands that are never held at a stage: the lab's own
// and the script built-ins.
var notWatched = map[string]bool{
	"pause": true, "resume": true, "break": true, "breaks": true, "unbreak": true, "step": true,
	"continue": true, "pending": true, "stages": true, "clock": true, "advance": true, "settle": true,
	"expect": true, "wait": true, "source": true, "save": true, "help": true, "exit": true, "quit": true,
}

// Begin marks the journal for expect stage and, for commands that may be
// held at a gate (kubectl), watches for that: once the cluster is quiet and a
// stage entered since the command began is held, the command is held.
func (l *Lab) Begin(ctx context.Context, words []string) <-chan string {
	bus := l.cfg.Bus
	start := bus.LastSeq()
	if words[0] != "expect" && words[0] != "wait" {
		l.mu.Lock()
		l.mark = start
		l.letGo = nil
		l.mu.Unlock()
	}
	if notWatched[words[0]] {
		return nil
	}
	held := make(chan string, 1)
	wctx, cancel := context.WithCancel(ctx)
	l.watchCancel = cancel
	go func() {
		for {
			if err := l.quiet(wctx); err != nil {
				return
			}
			changed := bus.Changed()
			for _, w := range stableOrder(bus.Waiting()) {
				if w.Seq > start {
					held <- fmt.Sprintf("at %s %s (%s)", w.Name, w.Object, w.Gate)
					return
				}
			}
			select {
			case <-changed:
			case <-wctx.Done():
				return
			}
		}
	}()
	return held
}

// End stops watching the command and, in a script, lets the cluster settle
// so that what the command set off is printed with it and the next command
// starts from the same state every run.
func (l *Lab) End(ctx context.Context) {
	if l.watchCancel != nil {
		l.watchCancel()
		l.watchCancel = nil
	}
	l.mu.Lock()
	script := l.script
	l.mu.Unlock()
	if script {
		_ = l.quiesce(ctx)
	}
}

// onRecord prints the live stage lines the user asked for and tracks pod
// writes for the conditions.
func (l *Lab) onRecord(r stage.Record) {
	if (r.Name == "etcd.put" || r.Name == "etcd.delete") && strings.HasPrefix(r.Object, "/registry/pods/") {
		l.mu.Lock()
		l.podRev = max(l.podRev, r.Revision)
		l.mu.Unlock()
	}
	l.mu.Lock()
	show, stepping, out := l.show, l.stepping, l.out
	l.mu.Unlock()
	if out == nil || (stepping && r.Gate != "") || !l.shows(show, &r) {
		return
	}
	fmt.Fprintln(out, l.render(r))
}

// render is a record's line, coloured by component.
func (l *Lab) render(r stage.Record) string {
	l.mu.Lock()
	colour := l.colour
	l.mu.Unlock()
	line := r.String()
	if !colour {
		return line
	}
	c := componentColour(r.Component)
	c.EnableColor()
	return c.Sprint(line)
}

// released records a stage the stepper let go, for expect stage, and
// returns its line.
func (l *Lab) released(r stage.Record) string {
	l.noteLetGo(r)
	r.Gate = ""
	return l.render(r) + "  (released)"
}

func componentColour(component string) *color.Color {
	base, _, _ := strings.Cut(component, "/")
	switch base {
	case "apiserver":
		return color.New(color.FgBlue)
	case "etcd":
		return color.New(color.FgMagenta)
	case "scheduler":
		return color.New(color.FgYellow)
	case "kubelet":
		return color.New(color.FgGreen)
	case "controller":
		return color.New(color.FgCyan)
	}
	return color.New(color.Reset)
}

// stableOrder sorts held stages by component, stage, object and detail, then
// by arrival. Arrival alone is not stable: two components woken by the same
// write race to the bus, and the stepper must pick the same one every run.
func stableOrder(ws []stage.Waiter) []stage.Waiter {
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		switch {
		case a.Component != b.Component:
			return a.Component < b.Component
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.Object != b.Object:
			return a.Object < b.Object
		case a.Detail != b.Detail:
			return a.Detail < b.Detail
		}
		return a.Seq < b.Seq
	})
	return ws
}

func (l *Lab) noteLetGo(rs ...stage.Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range rs {
		if r.Seq <= l.mark {
			l.letGo = append(l.letGo, r)
		}
	}
}

// Close lets go every held stage and removes every pause and breakpoint, so
// that a cluster stopping after the session is not kept waiting by it.
func (l *Lab) Close() {
	for _, b := range l.cfg.Bus.Breaks() {
		_ = l.cfg.Bus.Unbreak(b.ID)
	}
	l.cfg.Bus.Continue()
}

// notifier is a broadcast: wait returns a channel closed at the next notify.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) notify() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}

// Patterns. The bus matches them (cluster/stage); these copies of its rules
// decide what the live lines and step COMPONENT select.

// matchStage reports whether p names the record's stage or component; a bare
// component name covers its instances ("kubelet" matches "kubelet/worker-1").
func matchStage(p string, r *stage.Record) bool {
	if p == "" || p == "*" {
		return true
	}
	if ok, _ := path.Match(p, r.Name); ok {
		return true
	}
	if ok, _ := path.Match(p, r.Component); ok {
		return true
	}
	if base, _, found := strings.Cut(r.Component, "/"); found {
		ok, _ := path.Match(p, base)
		return ok
	}
	return false
}

// matchObject matches an object or etcd key where '*' also crosses '/'.
func matchObject(p, obj string) bool {
	if p == "" || p == "*" {
		return true
	}
	if ok, _ := path.Match(p, obj); ok {
		return true
	}
	ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(obj, "/", "\x00"))
	return ok
}

// stageFilter selects the live stage lines.
type stageFilter struct {
	mode          string // off, on, auto, pattern
	stage, object string
}

func (f stageFilter) String() string {
	switch f.mode {
	case "auto":
		return "auto: held stages, the stages of paused or broken-on components, object writes and pod milestones"
	case "pattern":
		if f.object != "" {
			return f.stage + " on " + f.object
		}
		return f.stage
	}
	return f.mode
}

// milestones are the stages auto shows even when nothing is gated: where a
// pod's life visibly changes.
var milestones = map[string]bool{
	"scheduler.bind": true, "scheduler.unschedulable": true,
	"kubelet.start": true, "kubelet.exit": true, "kubelet.restart": true, "kubelet.kill": true,
}

func (l *Lab) shows(f stageFilter, r *stage.Record) bool {
	switch f.mode {
	case "off":
		return false
	case "on":
		return true
	case "pattern":
		return matchStage(f.stage, r) && matchObject(f.object, r.Object)
	}
	// auto
	if r.Gate != "" || milestones[r.Name] {
		return true
	}
	if r.Name == "etcd.put" || r.Name == "etcd.delete" {
		// Leases and events are written all the time; they drown the rest.
		return !strings.HasPrefix(r.Object, "/registry/leases/") && !strings.HasPrefix(r.Object, "/registry/events/")
	}
	for _, p := range l.cfg.Bus.Paused() {
		if matchStage(p, r) {
			return true
		}
	}
	for _, b := range l.cfg.Bus.Breaks() {
		if matchStage(b.Stage, r) {
			return true
		}
	}
	return false
}

// quiesce runs the cluster until it is quiescent: no stage entered on the
// bus for the quiet window of real time and, on the virtual clock, no timer
// due at or before now (due timers are fired, without moving the clock).
// Stages held at a gate count as quiet: they wait for the user.
func (l *Lab) quiesce(ctx context.Context) error {
	for {
		if l.fireDue() {
			continue
		}
		if err := l.quiet(ctx); err != nil {
			return err
		}
		if !l.fireDue() {
			return nil
		}
	}
}

// fireDue fires the timers due at or before the virtual now and reports
// whether there were any.
func (l *Lab) fireDue() bool {
	if l.virtual == nil {
		return false
	}
	d, ok := l.virtual.NextDeadline()
	if !ok || d.After(l.virtual.Now()) {
		return false
	}
	l.virtual.Advance(0)
	return true
}

// quiet waits until the bus has seen no change for the quiet window.
func (l *Lab) quiet(ctx context.Context) error {
	for {
		changed := l.cfg.Bus.Changed()
		t := l.cfg.Wall.NewTimer(l.cfg.Quiet)
		select {
		case <-changed:
			t.Stop()
		case <-t.C():
			return nil
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// pod returns a pod from the informer once it has seen every pod write the
// bus announced, so a check right after a command sees that command's work.
func (l *Lab) pod(ctx context.Context, namespace, name string) (*corev1.Pod, error) {
	if l.pods == nil {
		return nil, errors.New("pod conditions need the cluster's API, and this lab has no client")
	}
	catchUp, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		changed := l.podChanged.wait()
		l.mu.Lock()
		want := l.podRev
		l.mu.Unlock()
		if resourceVersionAtLeast(l.pods.LastSyncResourceVersion(), want) {
			break
		}
		select {
		case <-changed:
		case <-catchUp.Done():
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		if catchUp.Err() != nil {
			break // go on with what the cache has
		}
	}
	obj, ok, err := l.pods.GetStore().GetByKey(namespace + "/" + name)
	if err != nil || !ok {
		return nil, err
	}
	return obj.(*corev1.Pod), nil
}

func resourceVersionAtLeast(rv string, want int64) bool {
	var n int64
	if _, err := fmt.Sscan(rv, &n); err != nil {
		return want == 0
	}
	return n >= want
}
