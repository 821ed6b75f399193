package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"sync"
	"syscall"

	"github.com/c-bata/go-prompt"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// maxHistory is how many lines of HistoryFile are loaded.
const maxHistory = 1000

// runInteractive is the REPL on terminal fd. done is false, with the reason,
// when go-prompt cannot run here and nothing has been read yet, so that the
// caller can fall back to reading lines.
func (s *Shell) runInteractive(ctx context.Context, fd int) (done bool, err error) {
	saved, err := term.GetState(fd)
	if err != nil {
		return false, fmt.Errorf("cannot read the terminal state: %w", err)
	}
	// Whatever happens below (exit, Ctrl-D, ctx, a panic in go-prompt or in
	// a command), the terminal is left as it was found.
	defer term.Restore(fd, saved)
	defer func() {
		if r := recover(); r != nil {
			done, err = true, fmt.Errorf("shell: internal error (panic): %v", r)
		}
	}()

	tty, err := newTTYParser(ctx, fd)
	if err != nil {
		return false, err
	}
	hist := s.openHistory()
	defer hist.close()
	lr := &lineReader{}
	p, err := s.newPrompt(tty, lr, hist.lines)
	if err != nil {
		return false, err
	}

	streams := IO{In: s.cfg.In, Out: s.cfg.Out, Err: s.cfg.Err}
	for {
		line, ok := lr.read(p)
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		if !ok {
			return true, nil // Ctrl-D on an empty line, or the terminal went away
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hist.add(line)
		if errors.Is(s.executeInterruptible(ctx, streams, line), errExit) {
			return true, nil
		}
	}
}

// executeInterruptible runs one line with Ctrl-C (SIGINT: the terminal is
// in cooked mode while a command runs) cancelling the command's context
// instead of ending kubelab. A second Ctrl-C gets the process's usual
// handling, for a command that does not watch its context.
func (s *Shell) executeInterruptible(ctx context.Context, streams IO, line string) error {
	cmdCtx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	go func() {
		<-cmdCtx.Done()
		stop()
	}()
	return s.execute(cmdCtx, streams, line)
}

// lineReader tells the lines go-prompt's Input returns from its Ctrl-D:
// both come back as "" for an empty line, but only Enter runs the key
// bindings (go-prompt handles Ctrl-D on an empty buffer before them).
type lineReader struct {
	entered bool
}

func (lr *lineReader) read(p *prompt.Prompt) (string, bool) {
	lr.entered = false
	line := p.Input()
	return line, lr.entered
}

func (lr *lineReader) onEnter(*prompt.Buffer) { lr.entered = true }

// newPrompt builds the go-prompt Prompt. prompt.New panics when there is no
// controlling terminal (it opens /dev/tty before applying OptionParser); that
// becomes an error. The /dev/tty descriptor it opens stays open: go-prompt
// keeps it in an unexported field.
func (s *Shell) newPrompt(tty *ttyParser, lr *lineReader, history []string) (p *prompt.Prompt, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("interactive mode unavailable: %v", r)
		}
	}()
	opts := []prompt.Option{
		prompt.OptionParser(tty),
		prompt.OptionWriter(&vt100Writer{out: s.cfg.Out}),
		prompt.OptionPrefix(s.cfg.Prompt),
		prompt.OptionHistory(history),
		prompt.OptionAddKeyBind(
			prompt.KeyBind{Key: prompt.Enter, Fn: lr.onEnter},
			prompt.KeyBind{Key: prompt.ControlM, Fn: lr.onEnter},
			prompt.KeyBind{Key: prompt.ControlJ, Fn: lr.onEnter},
		),
		// Ends Input at the next key once the context is done or the
		// terminal is gone (the parser then reads as Ctrl-D), even when the
		// line is not empty.
		prompt.OptionSetExitCheckerOnInput(func(string, bool) bool { return tty.stopped() }),
	}
	if !s.colour {
		opts = append(opts, prompt.OptionPrefixTextColor(prompt.DefaultColor))
	}
	return prompt.New(func(string) {}, s.completer, opts...), nil
}

// ttyParser is go-prompt's ConsoleParser on any terminal descriptor
// (go-prompt's own always opens /dev/tty and keeps the original terminal
// state in a package variable). It sets the same raw mode as go-prompt,
// and it hands out one key per Read, so that a line typed or pasted in one
// go is seen as text then Enter rather than as one unknown key.
type ttyParser struct {
	fd   int
	ctx  context.Context
	orig unix.Termios

	mu      sync.Mutex // Read runs on go-prompt's reader goroutine
	pending []byte
	// held is set once an Enter has been handed out, until the next Setup:
	// Input ends at Enter and drops whatever its reader goroutine read
	// after it, so keys typed ahead wait here for the next line.
	held   bool
	closed bool // the terminal hung up
}

var errNoKey = errors.New("no key")

func newTTYParser(ctx context.Context, fd int) (*ttyParser, error) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, fmt.Errorf("cannot read the terminal attributes: %w", err)
	}
	return &ttyParser{fd: fd, ctx: ctx, orig: *t}, nil
}

// Setup puts the terminal in go-prompt's raw mode: no echo, no line
// editing, no signals from keys; output processing stays on so "\n" still
// starts a new line. Non-blocking reads let go-prompt stop its reader.
func (t *ttyParser) Setup() error {
	t.mu.Lock()
	t.held = false
	t.mu.Unlock()
	if err := syscall.SetNonblock(t.fd, true); err != nil {
		return err
	}
	raw := t.orig
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Lflag &^= unix.ECHO | unix.ICANON | unix.IEXTEN | unix.ISIG | unix.ECHONL
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(t.fd, unix.TCSETS, &raw)
}

// TearDown puts back the blocking mode and the attributes Setup found.
func (t *ttyParser) TearDown() error {
	err := syscall.SetNonblock(t.fd, false)
	orig := t.orig
	return errors.Join(err, unix.IoctlSetTermios(t.fd, unix.TCSETS, &orig))
}

func (t *ttyParser) GetWinSize() *prompt.WinSize {
	ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 || ws.Row == 0 {
		return &prompt.WinSize{Row: 24, Col: 80}
	}
	return &prompt.WinSize{Row: ws.Row, Col: ws.Col}
}

func (t *ttyParser) Read() ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.held {
		return nil, errNoKey
	}
	if t.closed || t.ctx.Err() != nil {
		return []byte{0x04}, nil // Ctrl-D
	}
	if len(t.pending) == 0 {
		buf := make([]byte, 1024)
		n, err := syscall.Read(t.fd, buf)
		switch {
		case err == syscall.EAGAIN || err == syscall.EINTR:
			return nil, errNoKey
		case err != nil || n == 0:
			t.closed = true
			return []byte{0x04}, nil
		}
		t.pending = buf[:n]
	}
	key := nextKey(t.pending)
	t.pending = t.pending[len(key):]
	if len(key) == 1 && (key[0] == '\r' || key[0] == '\n') {
		t.held = true
	}
	return append([]byte(nil), key...), nil
}

func (t *ttyParser) stopped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed || t.ctx.Err() != nil
}

// nextKey returns the first key of b (non-empty): an escape sequence, one
// control character, or a run of printable text.
func nextKey(b []byte) []byte {
	isControl := func(c byte) bool { return c < 0x20 || c == 0x7f }
	switch {
	case b[0] == 0x1b:
		if len(b) == 1 || isControl(b[1]) {
			return b[:1]
		}
		switch b[1] {
		case '[': // CSI: parameters and intermediates, then a final byte
			for i := 2; i < len(b); i++ {
				if b[i] >= 0x40 && b[i] <= 0x7e {
					return b[:i+1]
				}
			}
			return b
		case 'O': // SS3: one more byte
			return b[:min(3, len(b))]
		default: // Alt+key
			return b[:2]
		}
	case isControl(b[0]):
		return b[:1]
	default:
		i := 1
		for i < len(b) && !isControl(b[i]) && b[i] != 0x1b {
			i++
		}
		return b[:i]
	}
}

// vt100Writer is go-prompt's VT100Writer flushed to any io.Writer. go-prompt
// v0.2.6 flushes only to file descriptors it picks itself (PosixWriter's
// fd is unexported), and the shell's Out need not be standard output. The
// buffer is read by reflection: a reflect.Value may read, though not set,
// an unexported field.
type vt100Writer struct {
	prompt.VT100Writer
	out io.Writer
}

func (w *vt100Writer) Flush() error {
	buf := reflect.ValueOf(&w.VT100Writer).Elem().FieldByName("buffer").Bytes()
	_, err := w.out.Write(buf)
	w.VT100Writer = prompt.VT100Writer{}
	return err
}

// history is the interactive history: the lines loaded from HistoryFile and
// the file the new ones are appended to.
type history struct {
	lines []string
	file  *os.File
	err   io.Writer
}

// openHistory loads HistoryFile and opens it for appending. A history that
// cannot be read or written costs a warning, never the session.
func (s *Shell) openHistory() *history {
	h := &history{err: s.cfg.Err}
	if s.cfg.HistoryFile == "" {
		return h
	}
	if f, err := os.Open(s.cfg.HistoryFile); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				h.lines = append(h.lines, line)
			}
		}
		f.Close()
		if len(h.lines) > maxHistory {
			h.lines = h.lines[len(h.lines)-maxHistory:]
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(s.cfg.Err, "warning: history not loaded: %v\n", err)
	}
	f, err := os.OpenFile(s.cfg.HistoryFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintf(s.cfg.Err, "warning: history will not be saved: %v\n", err)
		return h
	}
	h.file = f
	return h
}

func (h *history) add(line string) {
	if h.file == nil {
		return
	}
	if _, err := h.file.WriteString(line + "\n"); err != nil {
		fmt.Fprintf(h.err, "warning: history will not be saved: %v\n", err)
		h.file.Close()
		h.file = nil
	}
}

func (h *history) close() {
	if h.file != nil {
		h.file.Close()
	}
}
