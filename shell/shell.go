package shell

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// DefaultPrompt is the prompt shown when Config.Prompt is empty.
const DefaultPrompt = "kubelab> "

// Config is what a Shell needs. In, Out and Err are required; the rest has
// defaults.
type Config struct {
	// Kubeconfig is the path the in-process kubectl uses, as --kubeconfig
	// would. Empty means kubectl's own default loading rules ($KUBECONFIG,
	// ~/.kube/config).
	Kubeconfig string
	// In is read for commands. When it is a terminal the shell is interactive.
	In io.Reader
	// Out and Err receive the commands' output and errors.
	Out, Err io.Writer
	// HistoryFile keeps interactive input between sessions; empty keeps none.
	HistoryFile string
	// Prompt is shown before each interactive line; DefaultPrompt if empty.
	Prompt string
	// Commands are added to the built-in table (kubectl, help, exit, expect,
	// wait, source, save), in order.
	Commands []Command
	// NoColor turns colours off even on a terminal; NO_COLOR in the
	// environment does the same.
	NoColor bool
	// Monitor, when set, takes part in running every command: kubelab's
	// lab prints the cluster's stages through it and says when a command is
	// held at a paused stage. Nil runs commands on their own.
	Monitor Monitor
	// Conditions extends expect and wait beyond "output contains": it turns
	// the words after expect or wait into a Check. Nil knows no others.
	Conditions func(args []string) (Check, error)
}

// Monitor takes part in running commands on behalf of what they drive. The
// shell calls Start once, then Begin and End around every command, from one
// goroutine.
type Monitor interface {
	// Start hands over the session's output (safe for concurrent use: it
	// may be written at any time, also between commands), whether colours
	// are on, and whether the session runs a script.
	Start(ctx context.Context, out io.Writer, colour, script bool)
	// Begin is called before a command runs. When the returned channel
	// yields, the command cannot go on until the user acts (it waits at a
	// paused stage): the shell leaves it running in the background, says so
	// with the reason given, and reads the next command.
	Begin(ctx context.Context, words []string) (held <-chan string)
	// End is called once the command returned or was left held.
	End(ctx context.Context)
}

// IO is what a command reads from and writes to. In is the terminal in
// interactive mode and empty in non-interactive mode, where the input is the
// script itself and not data for the command.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// Command is one entry of the shell's command table. The executor calls Run;
// the completer calls Complete. They never call each other.
type Command struct {
	// Name is the word that runs the command; Aliases are other such words.
	Name    string
	Aliases []string
	// Usage is the synopsis shown by `help NAME`, e.g. "kubectl [ARGS...]".
	Usage string
	// Summary is one sentence for the `help` table and completion.
	Summary string
	// Run executes the command with the words after its name. An error is
	// printed as "error: ..." unless it is an *ExitError, whose message the
	// command has already printed. A panic is caught and printed as an error.
	Run func(ctx context.Context, io IO, args []string) error
	// Complete returns candidates for the last element of args (the word
	// being typed, "" after a space); the shell keeps those with that prefix.
	// Nil means no completion after the name.
	Complete func(args []string) []string
}

// ExitError reports that a command failed after printing its own message, as
// kubectl does; the shell prints nothing more. Code is the exit status the
// command would have had as a program.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// errExit is returned by the exit command to end Run.
var errExit = errors.New("exit")

// Shell runs commands from a terminal or a script. Make one with New.
type Shell struct {
	cfg       Config
	colour    bool // colour on Out
	colourErr bool // colour on Err

	// output serialises writes to Out and Err (commands, held commands
	// finishing in the background and the monitor all write there) and
	// records what each command printed, for expect output.
	output *sessionOutput

	// Only the goroutine running commands touches these.
	started     bool
	session     []string               // the lines run so far, for save
	lastOutput  string                 // what the last command other than expect/wait printed
	heldKubectl atomic.Pointer[string] // the kubectl command held in the background, if any
	scriptDepth int                    // nesting of RunScript (source inside a script)
	baseDepth   int                    // scriptDepth of the session's own lines: 1 when it is a script

	sessionCtx context.Context // ends when Run or RunScript returns; held commands end with it

	mu       sync.RWMutex // guards commands and byName: Register may race with Run
	commands []Command
	byName   map[string]int // name or alias -> index in commands
}

// New checks cfg, fills in defaults and builds the command table.
func New(cfg Config) (*Shell, error) {
	if cfg.In == nil || cfg.Out == nil || cfg.Err == nil {
		return nil, errors.New("shell: Config.In, Out and Err are required")
	}
	if cfg.Prompt == "" {
		cfg.Prompt = DefaultPrompt
	}
	noColor := cfg.NoColor || os.Getenv("NO_COLOR") != ""
	s := &Shell{
		colour:    isTerminal(cfg.Out) && !noColor,
		colourErr: isTerminal(cfg.Err) && !noColor,
		byName:    map[string]int{},
		output:    &sessionOutput{},
	}
	cfg.Out = &lockedWriter{o: s.output, w: cfg.Out}
	cfg.Err = &lockedWriter{o: s.output, w: cfg.Err}
	s.cfg = cfg
	for _, c := range append(s.builtins(), cfg.Commands...) {
		if err := s.Register(c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Register adds c to the command table. Its name and aliases must be single
// words not already taken.
func (s *Shell) Register(c Command) error {
	if c.Run == nil {
		return fmt.Errorf("shell: register %q: Run is nil", c.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range append([]string{c.Name}, c.Aliases...) {
		if w == "" || strings.ContainsAny(w, " \t\r\n'\"\\#") {
			return fmt.Errorf("shell: register %q: %q is not a plain word", c.Name, w)
		}
		if i, ok := s.byName[w]; ok {
			return fmt.Errorf("shell: register %q: %q is already taken by %q", c.Name, w, s.commands[i].Name)
		}
	}
	c.Aliases = append([]string(nil), c.Aliases...)
	s.commands = append(s.commands, c)
	for _, w := range append([]string{c.Name}, c.Aliases...) {
		s.byName[w] = len(s.commands) - 1
	}
	return nil
}

// table returns a snapshot of the command table.
func (s *Shell) table() []Command {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Command(nil), s.commands...)
}

func (s *Shell) lookup(name string) (Command, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.byName[name]
	if !ok {
		return Command{}, false
	}
	return s.commands[i], true
}

// Run reads and executes commands until the input ends, the exit command
// runs or ctx ends. It returns nil in the first two cases and ctx.Err() in
// the last. A failing command prints its error and the shell goes on.
func (s *Shell) Run(ctx context.Context) error {
	stop := s.start(ctx, false)
	defer stop()
	if fd, ok := terminalFd(s.cfg.In); ok {
		done, err := s.runInteractive(ctx, fd)
		if done {
			return err
		}
		// No usable terminal after all (go-prompt needs a controlling
		// terminal): fall back to reading lines.
		fmt.Fprintf(s.cfg.Err, "warning: %v; reading commands line by line\n", err)
	}
	return s.runLines(ctx)
}

// runLines is the non-interactive mode: one command per line, only the
// commands' output is printed.
func (s *Shell) runLines(ctx context.Context) error {
	// Lines are read in their own goroutine so that a cancelled ctx (a
	// SIGTERM) ends Run even while the input has nothing to say; the reader
	// ends when the input does.
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(s.cfg.In)
		sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
	}()
	streams := IO{In: strings.NewReader(""), Out: s.cfg.Out, Err: s.cfg.Err}
	for {
		var text string
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case text, ok = <-lines:
		}
		if !ok {
			break
		}
		line := strings.TrimSpace(text)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := s.execute(ctx, streams, line); errors.Is(err, errExit) {
			return nil
		}
	}
	select {
	case err := <-readErr:
		if err != nil {
			return fmt.Errorf("shell: read input: %w", err)
		}
	default:
	}
	return ctx.Err()
}

// execute runs one line and reports its failure on Err. It returns the
// command's error so callers can stop on errExit or on a failed
// expectation; the error has been shown to the user, except an
// *ExpectationError, which the caller shows with its own context.
func (s *Shell) execute(ctx context.Context, streams IO, line string) error {
	words, err := splitWords(line)
	if err != nil {
		s.printError(err)
		return err
	}
	if len(words) == 0 {
		return nil
	}
	c, ok := s.lookup(words[0])
	if !ok {
		err := s.unknownCommand(words[0])
		s.printError(err)
		return err
	}
	if c.Name != "save" && s.scriptDepth == s.baseDepth {
		s.session = append(s.session, line) // a sourced file's lines are saved as its source line
	}
	checking := c.Name == "expect" || c.Name == "wait"
	if !checking {
		s.output.capture()
	}
	err = s.runMonitored(ctx, c, streams, words)
	if !checking {
		s.lastOutput = s.output.captured()
	}
	var exit *ExitError
	var failed *ExpectationError
	var script *ScriptError
	switch {
	case err == nil, errors.Is(err, errExit), errors.As(err, &exit), errors.As(err, &script):
	case errors.As(err, &failed) && s.scriptDepth > 0:
		// RunScript reports it with the file and line.
	default:
		s.printError(err)
	}
	return err
}

// runMonitored runs c, with the monitor told before and after. A command the
// monitor reports held goes on in the background with a context of its own,
// which ends with the session rather than with the line.
func (s *Shell) runMonitored(ctx context.Context, c Command, streams IO, words []string) error {
	m := s.cfg.Monitor
	if m == nil {
		return runCommand(ctx, c, streams, words[1:])
	}
	held := m.Begin(ctx, words)
	defer m.End(ctx)
	jobCtx, cancelJob := context.WithCancel(context.WithoutCancel(ctx))
	stopFollowing := context.AfterFunc(ctx, cancelJob)
	done := make(chan error, 1)
	go func() { done <- runCommand(jobCtx, c, streams, words[1:]) }()
	select {
	case err := <-done:
		stopFollowing()
		cancelJob()
		return err
	case reason := <-held:
		stopFollowing()
		context.AfterFunc(s.sessionCtx, cancelJob)
		fmt.Fprintf(streams.Err, "%s is held %s; step or continue lets it go on\n", words[0], reason)
		if c.Name == "kubectl" {
			line := strings.Join(words, " ")
			s.heldKubectl.Store(&line)
		}
		go func() {
			err := <-done
			cancelJob()
			if c.Name == "kubectl" {
				s.heldKubectl.Store(nil)
			}
			var exit *ExitError
			if err != nil && !errors.As(err, &exit) && jobCtx.Err() == nil {
				s.printError(fmt.Errorf("%s (held earlier): %w", words[0], err))
			}
		}()
		return nil
	}
}

// start begins the session once: the monitor gets the output, and held
// commands get a context that ends when the returned stop is called.
func (s *Shell) start(ctx context.Context, script bool) (stop func()) {
	if s.started {
		return func() {}
	}
	s.started = true
	if script {
		s.baseDepth = 1
	}
	var cancel context.CancelFunc
	s.sessionCtx, cancel = context.WithCancel(ctx)
	if s.cfg.Monitor != nil {
		s.cfg.Monitor.Start(s.sessionCtx, s.cfg.Out, s.colour, script)
	}
	return cancel
}

// sessionOutput serialises the session's writes and records what a command
// prints.
type sessionOutput struct {
	mu        sync.Mutex
	recording bool
	buf       bytes.Buffer
}

func (o *sessionOutput) capture() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recording = true
	o.buf.Reset()
}

func (o *sessionOutput) captured() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recording = false
	return o.buf.String()
}

type lockedWriter struct {
	o *sessionOutput
	w io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.o.mu.Lock()
	defer l.o.mu.Unlock()
	if l.o.recording {
		l.o.buf.Write(p)
	}
	return l.w.Write(p)
}

// Fd lets the terminal checks see through the lock.
func (l *lockedWriter) Fd() uintptr {
	if f, ok := l.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// runCommand calls c.Run and turns a panic into an error, so that no command
// can take the shell down.
func runCommand(ctx context.Context, c Command, streams IO, args []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{command: c.Name, value: r}
		}
	}()
	return c.Run(ctx, streams, args)
}

type panicError struct {
	command string
	value   any
}

func (e *panicError) Error() string {
	return fmt.Sprintf("%s: internal error (panic): %v; the shell is still running", e.command, e.value)
}

func (s *Shell) printError(err error) {
	prefix := "error: "
	if s.colourErr {
		c := color.New(color.FgRed, color.Bold)
		c.EnableColor()
		prefix = c.Sprint("error:") + " "
	}
	fmt.Fprintf(s.cfg.Err, "%s%v\n", prefix, err)
}

// terminalFd returns the file descriptor behind r when it is a terminal.
func terminalFd(r any) (int, bool) {
	f, ok := r.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

func isTerminal(w any) bool {
	_, ok := terminalFd(w)
	return ok
}
