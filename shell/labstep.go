package shell

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"kubelab/cluster/stage"
)

// Commands returns the lab's commands for Config.Commands.
func (l *Lab) Commands() []Command {
	return []Command{
		{Name: "pause", Usage: "pause [COMPONENT|STAGE-PATTERN]", Summary: "Hold every stage of a component, or matching a stage pattern, until step, resume or continue (no argument: everything).", Run: l.runPause, Complete: l.completePatterns},
		{Name: "resume", Usage: "resume PATTERN", Summary: "Remove a pause and let go what it holds.", Run: l.runResume, Complete: l.completePaused},
		{Name: "break", Usage: "break STAGE-PATTERN [OBJECT-PATTERN]", Summary: "Hold stages matching a pattern, on matching objects (e.g. break kubelet.start pod/default/web-*).", Run: l.runBreak, Complete: l.completePatterns},
		{Name: "breaks", Usage: "breaks", Summary: "List the breakpoints.", Run: l.runBreaks},
		{Name: "unbreak", Usage: "unbreak N", Summary: "Remove breakpoint N and let go what only it holds.", Run: l.runUnbreak},
		{Name: "step", Usage: "step [N] [COMPONENT]", Summary: "Let the next N held stages go, one at a time in a stable order, and show what then waits.", Run: l.runStep, Complete: l.completePatterns},
		{Name: "continue", Aliases: []string{"c"}, Usage: "continue", Summary: "Clear every pause and let every held stage go (breakpoints stay).", Run: l.runContinue},
		{Name: "pending", Usage: "pending", Summary: "Show which components wait at which stage, and the scheduling queue.", Run: l.runPending},
		{Name: "stages", Usage: "stages [on|off|auto|STAGE-PATTERN [OBJECT-PATTERN]]", Summary: "Choose which stages are printed as they happen.", Run: l.runStages, Complete: l.completeStages},
		{Name: "clock", Usage: "clock", Summary: "Show the cluster time and whether the clock is virtual.", Run: l.runClock},
		{Name: "advance", Usage: "advance DURATION", Summary: "Move the virtual clock forward, firing timers in order (e.g. advance 40s).", Run: l.runAdvance},
		{Name: "settle", Usage: "settle [--timeout DURATION]", Summary: "Run until the cluster is quiet (held stages stay held; time does not move).", Run: l.runSettle},
	}
}

// components are the names a pause or step pattern may use besides stages.
func (l *Lab) components() []string {
	out := []string{"apiserver", "etcd", "scheduler", "kubelet", "controller"}
	for _, n := range l.cfg.Nodes {
		out = append(out, "kubelet/"+n)
	}
	return out
}

// checkStagePattern refuses a malformed pattern, and one that names no
// component or stage, which would hold nothing and leave the user waiting.
func (l *Lab) checkStagePattern(p string) error {
	if err := stage.ValidPattern(p); err != nil {
		return err
	}
	candidates := l.components()
	for _, in := range stage.Known() {
		candidates = append(candidates, in.Name)
	}
	for _, c := range candidates {
		if ok, _ := path.Match(p, c); ok {
			return nil
		}
		if ok, _ := path.Match(c, p); ok { // controller.deployment.sync against controller.*.sync
			return nil
		}
	}
	if best := closestName(p, candidates); best != "" {
		return fmt.Errorf("%q names no component or stage; did you mean %q?", p, best)
	}
	return fmt.Errorf("%q names no component or stage (components: %s; stages: help stages)", p, strings.Join(l.components(), ", "))
}

func (l *Lab) runPause(_ context.Context, streams IO, args []string) error {
	if len(args) > 1 {
		return errors.New("pause takes one component or stage pattern (no argument pauses everything)")
	}
	p := "*"
	if len(args) == 1 {
		p = args[0]
		if err := l.checkStagePattern(p); err != nil {
			return fmt.Errorf("pause: %w", err)
		}
	}
	if err := l.cfg.Bus.Pause(p); err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	if p == "*" {
		fmt.Fprintln(streams.Out, "paused everything: every stage waits for step or continue")
		return nil
	}
	fmt.Fprintf(streams.Out, "paused %s: its stages wait for step, resume or continue\n", p)
	return nil
}

func (l *Lab) runResume(ctx context.Context, streams IO, args []string) error {
	if len(args) != 1 {
		return errors.New("resume takes the pattern given to pause (see pending)")
	}
	before := len(l.cfg.Bus.Waiting())
	if err := l.cfg.Bus.Resume(args[0]); err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	fmt.Fprintf(streams.Out, "resumed %s", args[0])
	if n := before - len(l.cfg.Bus.Waiting()); n > 0 {
		fmt.Fprintf(streams.Out, ": %s let go", plural(n, "stage"))
	}
	fmt.Fprintln(streams.Out)
	return l.settleAndShow(ctx, streams)
}

func (l *Lab) runBreak(_ context.Context, streams IO, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("break takes a stage pattern and optionally an object pattern, e.g. break kubelet.start pod/default/web-*")
	}
	if err := l.checkStagePattern(args[0]); err != nil {
		return fmt.Errorf("break: %w", err)
	}
	object := ""
	if len(args) == 2 {
		object = args[1]
	}
	id, err := l.cfg.Bus.Break(args[0], object)
	if err != nil {
		return fmt.Errorf("break: %w", err)
	}
	if object == "" {
		fmt.Fprintf(streams.Out, "breakpoint %d: %s\n", id, args[0])
	} else {
		fmt.Fprintf(streams.Out, "breakpoint %d: %s on %s\n", id, args[0], object)
	}
	return nil
}

func (l *Lab) runBreaks(_ context.Context, streams IO, args []string) error {
	if len(args) != 0 {
		return errors.New("breaks takes no arguments")
	}
	bs := l.cfg.Bus.Breaks()
	if len(bs) == 0 {
		fmt.Fprintln(streams.Out, "no breakpoints (set one with break STAGE-PATTERN [OBJECT-PATTERN])")
		return nil
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTAGE\tOBJECT\tHITS")
	for _, b := range bs {
		obj := b.Object
		if obj == "" {
			obj = "*"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\n", b.ID, b.Stage, obj, b.Hits)
	}
	return tw.Flush()
}

func (l *Lab) runUnbreak(ctx context.Context, streams IO, args []string) error {
	if len(args) != 1 {
		return errors.New("unbreak takes a breakpoint number (see breaks)")
	}
	id, err := strconv.Atoi(args[0])
	if err != nil || id <= 0 {
		return fmt.Errorf("unbreak: %q is not a breakpoint number (see breaks)", args[0])
	}
	if err := l.cfg.Bus.Unbreak(id); err != nil {
		return fmt.Errorf("unbreak: %w", err)
	}
	fmt.Fprintf(streams.Out, "breakpoint %d removed\n", id)
	return l.settleAndShow(ctx, streams)
}

func (l *Lab) setStepping(on bool) {
	l.mu.Lock()
	l.stepping = on
	l.mu.Unlock()
}

func (l *Lab) runStep(ctx context.Context, streams IO, args []string) error {
	n, pattern := 1, ""
	if len(args) > 0 {
		if v, err := strconv.Atoi(args[0]); err == nil {
			if v < 1 {
				return fmt.Errorf("step %d: give a positive number of stages", v)
			}
			n, args = v, args[1:]
		}
	}
	switch len(args) {
	case 0:
	case 1:
		pattern = args[0]
		if err := l.checkStagePattern(pattern); err != nil {
			return fmt.Errorf("step: %w", err)
		}
	default:
		return errors.New("step takes an optional count and an optional component, e.g. step 3 scheduler")
	}
	l.setStepping(true)
	defer l.setStepping(false)
	released := 0
	for released < n {
		var next *stage.Waiter
		for _, w := range stableOrder(l.cfg.Bus.Waiting()) {
			if matchStage(pattern, &w.Record) {
				next = &w
				break
			}
		}
		if next == nil {
			break
		}
		if _, ok := l.cfg.Bus.ReleaseSeq(next.Seq); !ok {
			continue // its caller gave up meanwhile
		}
		released++
		fmt.Fprintln(streams.Out, l.released(next.Record))
		if err := l.quiesce(ctx); err != nil {
			return interrupted("step", err)
		}
	}
	if released == 0 {
		if pattern != "" && len(l.cfg.Bus.Waiting()) > 0 {
			return fmt.Errorf("nothing to step for %s: no stage of it waits (pending shows what does)", pattern)
		}
		return errors.New("nothing to step: no stage waits (pause a component or set a breakpoint, then let the cluster work)")
	}
	if released < n {
		fmt.Fprintf(streams.Out, "stepped %d of %d: nothing more waits\n", released, n)
	}
	l.showWaiting(streams)
	return nil
}

func (l *Lab) runContinue(ctx context.Context, streams IO, args []string) error {
	if len(args) != 0 {
		return errors.New("continue takes no arguments")
	}
	paused := len(l.cfg.Bus.Paused())
	out := l.cfg.Bus.Continue()
	for _, w := range out {
		l.noteLetGo(w.Record)
	}
	switch {
	case len(out) == 0 && paused == 0:
		fmt.Fprintln(streams.Out, "nothing was paused or held")
	default:
		fmt.Fprintf(streams.Out, "continued: %s cleared, %s let go\n", plural(paused, "pause"), plural(len(out), "stage"))
	}
	return l.settleAndShow(ctx, streams)
}

// settleAndShow lets the cluster settle after stages were let go, then
// lists what waits, if anything does.
func (l *Lab) settleAndShow(ctx context.Context, streams IO) error {
	l.setStepping(true)
	defer l.setStepping(false)
	if err := l.quiesce(ctx); err != nil {
		return interrupted("settle", err)
	}
	if len(l.cfg.Bus.Waiting()) > 0 {
		l.showWaiting(streams)
	}
	return nil
}

func (l *Lab) showWaiting(streams IO) {
	ws := stableOrder(l.cfg.Bus.Waiting())
	if len(ws) == 0 {
		fmt.Fprintln(streams.Out, "nothing waits")
		return
	}
	for _, w := range ws {
		fmt.Fprintln(streams.Out, l.render(w.Record))
	}
}

func (l *Lab) runPending(_ context.Context, streams IO, args []string) error {
	if len(args) != 0 {
		return errors.New("pending takes no arguments")
	}
	ws := stableOrder(l.cfg.Bus.Waiting())
	if len(ws) == 0 {
		fmt.Fprintln(streams.Out, "no stage waits")
	} else {
		tw := tabwriter.NewWriter(streams.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "COMPONENT\tSTAGE\tOBJECT\tHELD BY")
		for _, w := range ws {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.Component, w.Name, orNone(w.Object), w.Gate)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if p := l.cfg.Bus.Paused(); len(p) > 0 {
		fmt.Fprintf(streams.Out, "paused: %s\n", strings.Join(p, ", "))
	}
	if l.cfg.Scheduler != nil {
		qs := l.cfg.Scheduler.QueuedPods()
		sort.SliceStable(qs, func(i, j int) bool { return qs[i].Queue < qs[j].Queue })
		for _, q := range qs {
			fmt.Fprintf(streams.Out, "scheduling queue: pod/%s/%s in %s (%s), %s\n", q.Namespace, q.Name, q.Queue, q.Event, plural(q.Attempts, "attempt"))
		}
	}
	return nil
}

func (l *Lab) runStages(_ context.Context, streams IO, args []string) error {
	var f stageFilter
	switch {
	case len(args) == 0:
		l.mu.Lock()
		f = l.show
		l.mu.Unlock()
		fmt.Fprintf(streams.Out, "stages: %s\n", f)
		return nil
	case len(args) == 1 && (args[0] == "on" || args[0] == "off" || args[0] == "auto"):
		f = stageFilter{mode: args[0]}
	case len(args) <= 2:
		if err := l.checkStagePattern(args[0]); err != nil {
			return fmt.Errorf("stages: %w", err)
		}
		f = stageFilter{mode: "pattern", stage: args[0]}
		if len(args) == 2 {
			if err := stage.ValidPattern(args[1]); err != nil {
				return fmt.Errorf("stages: %w", err)
			}
			f.object = args[1]
		}
	default:
		return errors.New("stages takes on, off, auto, or a stage pattern and an optional object pattern")
	}
	l.mu.Lock()
	l.show = f
	l.mu.Unlock()
	fmt.Fprintf(streams.Out, "stages: %s\n", f)
	return nil
}

func (l *Lab) completePatterns(args []string) []string {
	if len(args) != 1 {
		return nil
	}
	out := l.components()
	for _, in := range stage.Known() {
		out = append(out, in.Name)
	}
	return out
}

func (l *Lab) completePaused(args []string) []string {
	if len(args) != 1 {
		return nil
	}
	return l.cfg.Bus.Paused()
}

func (l *Lab) completeStages(args []string) []string {
	if len(args) != 1 {
		return nil
	}
	return append([]string{"on", "off", "auto"}, l.completePatterns(args)...)
}

func interrupted(command string, err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s interrupted", command)
	}
	return fmt.Errorf("%s: %w", command, err)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
