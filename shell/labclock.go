package shell

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"kubelab/cluster/stage"
)

// DefaultSettleTimeout bounds settle unless --timeout says otherwise (real
// time).
const DefaultSettleTimeout = 30 * time.Second

func (l *Lab) clockKind() string {
	if l.virtual != nil {
		return "virtual"
	}
	return "real"
}

func (l *Lab) runClock(_ context.Context, streams IO, args []string) error {
	if len(args) != 0 {
		return errors.New("clock takes no arguments")
	}
	fmt.Fprintf(streams.Out, "%s (%s clock)\n", l.cfg.Clock.Now().UTC().Format(time.RFC3339), l.clockKind())
	return nil
}

// runAdvance moves the virtual clock to each pending deadline in turn and
// lets the cluster settle there, so that what a timer sets off happens at
// that timer's time, before later timers fire.
func (l *Lab) runAdvance(ctx context.Context, streams IO, args []string) error {
	if len(args) != 1 {
		return errors.New("advance takes a duration, e.g. advance 40s")
	}
	if l.virtual == nil {
		return errors.New("advance moves a virtual clock, and this cluster runs on the real clock (start kubelab with --clock=virtual)")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil || d <= 0 {
		return fmt.Errorf("advance %q: give a positive duration such as 500ms, 40s or 5m", args[0])
	}
	v := l.virtual
	target := v.Now().Add(d)
	for {
		next, ok := v.NextDeadline()
		if !ok || next.After(target) {
			break
		}
		if next.After(v.Now()) {
			v.SetTime(next)
		} else {
			v.Advance(0)
		}
		if err := l.quiesce(ctx); err != nil {
			return interrupted("advance", err)
		}
	}
	v.SetTime(target)
	if err := l.quiesce(ctx); err != nil {
		return interrupted("advance", err)
	}
	fmt.Fprintf(streams.Out, "%s (virtual clock, +%s)\n", v.Now().UTC().Format(time.RFC3339), d)
	return nil
}

// runSettle runs until the cluster is quiescent. Quiescent means: no stage
// entered on the bus for the quiet window of real time (after a step, the
// released component has either reached its next stage or finished) and, on
// the virtual clock, no timer due at or before now. Settle fires timers that
// are due but never moves the virtual clock; advance does that. Stages held
// at a gate stay held: they are waiting for the user, not for the cluster.
func (l *Lab) runSettle(ctx context.Context, streams IO, args []string) error {
	timeout := DefaultSettleTimeout
	switch {
	case len(args) == 0:
	case len(args) == 2 && args[0] == "--timeout", len(args) == 1 && strings.HasPrefix(args[0], "--timeout="):
		value := args[len(args)-1]
		value = strings.TrimPrefix(value, "--timeout=")
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			return fmt.Errorf("settle --timeout %q: give a positive duration such as 10s", value)
		}
		timeout = d
	default:
		return errors.New("settle takes only --timeout DURATION")
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	l.setStepping(true)
	defer l.setStepping(false)
	if err := l.quiesce(sctx); err != nil {
		if ctx.Err() != nil {
			return interrupted("settle", ctx.Err())
		}
		last := l.cfg.Bus.Records(stage.Filter{Since: l.cfg.Bus.LastSeq() - 1})
		msg := fmt.Sprintf("settle: the cluster is still busy after %s", timeout)
		if len(last) > 0 {
			msg += "; last stage: " + last[len(last)-1].String()
		}
		return errors.New(msg)
	}
	if ws := l.cfg.Bus.Waiting(); len(ws) > 0 {
		fmt.Fprintf(streams.Out, "settled; %s wait (pending lists them)\n", plural(len(ws), "stage"))
	} else {
		fmt.Fprintln(streams.Out, "settled")
	}
	return nil
}
