package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// DefaultWaitTimeout is how long wait waits unless --timeout says otherwise.
// It is real time: a virtual clock moves only when advance moves it, so a
// virtual deadline would never come.
const DefaultWaitTimeout = 30 * time.Second

// Check is one condition that expect and wait evaluate.
type Check interface {
	// Eval reports whether the condition holds now and, when it does not,
	// what was seen instead ("phase=Pending").
	Eval(ctx context.Context) (ok bool, seen string, err error)
	// Changed returns a channel closed when Eval may answer differently.
	Changed() <-chan struct{}
	// String is the condition as written: "pod/web phase=Running".
	String() string
}

// ExpectationError is a failed expect or wait: what was expected and what
// was seen instead.
type ExpectationError struct {
	Want, Saw string
}

func (e *ExpectationError) Error() string { return "expected " + e.Want + ", saw " + e.Saw }

// ScriptError is a script stopped by a failed expectation, at File:Line. It
// has been printed when RunScript returns it.
type ScriptError struct {
	File string
	Line int
	Err  error
}

func (e *ScriptError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *ScriptError) Unwrap() error { return e.Err }

// RunScript runs the lines of a script as the REPL would, echoing each
// command after the prompt so that the output reads like a session. Blank
// lines and # comments are skipped. A failing command is reported and the
// script goes on; a failed expect or wait stops it: RunScript prints
// "FILE:LINE: expected ..., saw ..." and returns a *ScriptError. name is
// the file name used in that message.
func (s *Shell) RunScript(ctx context.Context, name string, in io.Reader) error {
	stop := s.start(ctx, true)
	defer stop()
	s.scriptDepth++
	defer func() { s.scriptDepth-- }()

	streams := IO{In: strings.NewReader(""), Out: s.cfg.Out, Err: s.cfg.Err}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fmt.Fprintf(s.cfg.Out, "%s%s\n", s.cfg.Prompt, line)
		err := s.execute(ctx, streams, line)
		var failed *ExpectationError
		var nested *ScriptError
		switch {
		case errors.Is(err, errExit):
			if s.scriptDepth > 1 {
				return errExit // exit in a sourced file ends the session
			}
			return nil
		case errors.As(err, &nested):
			return err
		case errors.As(err, &failed):
			se := &ScriptError{File: name, Line: n, Err: failed}
			fmt.Fprintln(s.cfg.Err, se.Error())
			return se
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// scriptCommands are the built-ins for scripts: checks and session files.
func (s *Shell) scriptCommands() []Command {
	return []Command{
		{
			Name:    "expect",
			Usage:   `expect output contains "TEXT" | expect CONDITION`,
			Summary: "Check the output of the last command, or the cluster; a script stops when the check fails.",
			Run:     s.runExpect,
		},
		{
			Name:    "wait",
			Usage:   "wait CONDITION [--timeout DURATION]",
			Summary: "Wait until a condition holds (default timeout 30s of real time).",
			Run:     s.runWait,
		},
		{
			Name:    "source",
			Usage:   "source FILE",
			Summary: "Run the commands of a script file here, echoing each.",
			Run:     s.runSource,
		},
		{
			Name:    "save",
			Usage:   "save FILE",
			Summary: "Write the commands of this session to FILE, as a script.",
			Run:     s.runSave,
		},
	}
}

// outputCheck is `expect output contains TEXT`, about the output of the last
// command that was not an expect or a wait.
type outputCheck struct {
	text   string
	output string
}

func (c outputCheck) Eval(context.Context) (bool, string, error) {
	if strings.Contains(c.output, c.text) {
		return true, "", nil
	}
	if c.output == "" {
		return false, "no output", nil
	}
	return false, fmt.Sprintf("%q", c.output), nil
}

func (c outputCheck) Changed() <-chan struct{} { return nil }
func (c outputCheck) String() string           { return fmt.Sprintf("output contains %q", c.text) }

// parseCheck turns the words after expect or wait into a Check.
func (s *Shell) parseCheck(command string, args []string) (Check, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%s needs a condition: output contains \"TEXT\"%s", command, s.conditionHint())
	}
	if args[0] == "output" {
		if len(args) != 3 || args[1] != "contains" {
			return nil, fmt.Errorf(`%s output: write it as output contains "TEXT"`, command)
		}
		return outputCheck{text: args[2], output: s.lastOutput}, nil
	}
	if s.cfg.Conditions == nil {
		return nil, fmt.Errorf("%s: unknown condition %q: only output contains \"TEXT\" is known here", command, strings.Join(args, " "))
	}
	return s.cfg.Conditions(args)
}

func (s *Shell) conditionHint() string {
	if s.cfg.Conditions == nil {
		return ""
	}
	return ", pod/NAME KEY=VALUE... or stage STAGE OBJECT [DETAIL]"
}

func (s *Shell) runExpect(ctx context.Context, _ IO, args []string) error {
	c, err := s.parseCheck("expect", args)
	if err != nil {
		return err
	}
	ok, seen, err := c.Eval(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return &ExpectationError{Want: c.String(), Saw: seen}
	}
	return nil
}

func (s *Shell) runWait(ctx context.Context, _ IO, args []string) error {
	timeout := DefaultWaitTimeout
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		value, isTimeout := strings.CutPrefix(a, "--timeout=")
		if a == "--timeout" {
			if i+1 == len(args) {
				return errors.New("wait --timeout needs a duration, e.g. --timeout 10s")
			}
			i++
			value, isTimeout = args[i], true
		}
		if !isTimeout {
			rest = append(rest, a)
			continue
		}
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			return fmt.Errorf("wait --timeout %q: give a positive duration such as 10s or 2m", value)
		}
		timeout = d
	}
	if len(rest) > 0 && rest[0] == "output" {
		return errors.New("wait output: the output of a finished command does not change; use expect output contains")
	}
	c, err := s.parseCheck("wait", rest)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		changed := c.Changed()
		ok, seen, err := c.Eval(wctx)
		if ok {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && wctx.Err() == nil {
			return err
		}
		if wctx.Err() != nil {
			return &ExpectationError{Want: c.String() + " within " + timeout.String(), Saw: seen}
		}
		select {
		case <-changed:
		case <-wctx.Done():
		}
	}
}

func (s *Shell) runSource(ctx context.Context, _ IO, args []string) error {
	if len(args) != 1 {
		return errors.New("source takes one script file")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer f.Close()
	return s.RunScript(ctx, args[0], f)
}

func (s *Shell) runSave(_ context.Context, streams IO, args []string) error {
	if len(args) != 1 {
		return errors.New("save takes one file name")
	}
	var b strings.Builder
	for _, line := range s.session {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(args[0], []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	fmt.Fprintf(streams.Out, "saved %d commands to %s\n", len(s.session), args[0])
	return nil
}
