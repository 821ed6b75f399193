package shell

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

const (
	// ptyChildEnv makes the test binary run a Shell on its terminal
	// instead of the tests (see TestMain).
	ptyChildEnv = "KUBELAB_SHELL_PTY_CHILD"
	// ptyHistoryEnv is the child's Config.HistoryFile.
	ptyHistoryEnv = "KUBELAB_SHELL_PTY_HISTORY"
	// ptyDone is what the child prints when Run has returned.
	ptyDone = "child: Run returned "
	// ptyTimeout bounds every wait on the child.
	ptyTimeout = 20 * time.Second
)

// runPTYChild is the child side of TestInteractive: a Shell on the
// terminal it was started on. SIGTERM cancels its context.
func runPTYChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	s, err := New(Config{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, HistoryFile: os.Getenv(ptyHistoryEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	err = s.Run(ctx)
	fmt.Printf("%s%v\n", ptyDone, err)
	return 0
}

// ptyStep sends keys to the child, then reads until expect appears.
type ptyStep struct {
	send   string
	signal syscall.Signal
	expect string
}

func TestInteractive(t *testing.T) {
	const prompt = "kubelab> "
	tests := []struct {
		name        string
		history     string // HistoryFile content before the session
		steps       []ptyStep
		wantHistory string // HistoryFile content after it
	}{
		{
			name: "help then exit ends Run and restores the terminal",
			steps: []ptyStep{
				{expect: prompt},
				{send: "help\r", expect: "Leave kubelab"},
				{expect: prompt},
				{send: "exit\r", expect: ptyDone + "<nil>"},
			},
			wantHistory: "help\nexit\n",
		},
		{
			name: "Ctrl-D on an empty line ends Run and restores the terminal",
			steps: []ptyStep{
				{expect: prompt},
				{send: "\x04", expect: ptyDone + "<nil>"},
			},
			wantHistory: "",
		},
		{
			name: "a mistyped command gets a suggestion and the prompt comes back",
			steps: []ptyStep{
				{expect: prompt},
				{send: "kubeclt get pods\r", expect: `did you mean "kubectl"?`},
				{expect: prompt},
				{send: "\x04", expect: ptyDone + "<nil>"},
			},
			wantHistory: "kubeclt get pods\n",
		},
		{
			name: "Ctrl-D on a line with text does not end the session",
			steps: []ptyStep{
				{expect: prompt},
				{send: "help", expect: "help"},
				{send: "\x04\r", expect: "Leave kubelab"},
				{expect: prompt},
				{send: "exit\r", expect: ptyDone + "<nil>"},
			},
			wantHistory: "help\nexit\n",
		},
		{
			name:    "the up arrow recalls the history file and new lines are appended",
			history: "help\n",
			steps: []ptyStep{
				{expect: prompt},
				{send: "\x1b[A\r", expect: "Leave kubelab"},
				{expect: prompt},
				{send: "quit\r", expect: ptyDone + "<nil>"},
			},
			wantHistory: "help\nquit\n",
		},
		{
			name: "the context ending mid-line ends Run and restores the terminal",
			steps: []ptyStep{
				{expect: prompt},
				{send: "hel", expect: "hel"},
				{signal: syscall.SIGTERM, expect: ptyDone + "context canceled"},
			},
			wantHistory: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			historyFile := filepath.Join(t.TempDir(), "history")
			if tt.history != "" {
				if err := os.WriteFile(historyFile, []byte(tt.history), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ptmx, tty, err := pty.Open()
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("no pseudo-terminal here: %v", err)
				}
				t.Skipf("no pseudo-terminal here (the terminal tests need /dev/ptmx): %v", err)
			}
			defer ptmx.Close()
			defer tty.Close()
			if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
				t.Fatal(err)
			}
			ttyFd := int(tty.Fd()) // Fd also puts tty in blocking mode, as a login shell has it
			before, err := unix.IoctlGetTermios(ttyFd, unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			flagsBefore, err := unix.FcntlInt(uintptr(ttyFd), unix.F_GETFL, 0)
			if err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), ptyChildEnv+"=1", ptyHistoryEnv+"="+historyFile, "TERM=xterm")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan struct{})
			var waitErr error
			go func() {
				waitErr = cmd.Wait()
				close(exited)
			}()
			defer func() {
				select {
				case <-exited:
				default:
					cmd.Process.Kill()
					<-exited
				}
			}()

			term := newPTYTranscript(ptmx)
			for _, step := range tt.steps {
				if step.send != "" {
					if _, err := ptmx.WriteString(step.send); err != nil {
						t.Fatal(err)
					}
				}
				if step.signal != 0 {
					if err := cmd.Process.Signal(step.signal); err != nil {
						t.Fatal(err)
					}
				}
				if err := term.expect(step.expect, ptyTimeout); err != nil {
					t.Fatal(err)
				}
			}
			select {
			case <-exited:
				if waitErr != nil {
					t.Fatalf("child: %v\n%s", waitErr, term.all())
				}
			case <-time.After(ptyTimeout):
				t.Fatalf("child still running %v after Run returned", ptyTimeout)
			}

			after, err := unix.IoctlGetTermios(ttyFd, unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if *after != *before {
				t.Errorf("terminal attributes changed:\nbefore %+v\nafter  %+v", *before, *after)
			}
			flagsAfter, err := unix.FcntlInt(uintptr(ttyFd), unix.F_GETFL, 0)
			if err != nil {
				t.Fatal(err)
			}
			if flagsAfter&unix.O_NONBLOCK != flagsBefore&unix.O_NONBLOCK {
				t.Errorf("terminal left with O_NONBLOCK %v, was %v", flagsAfter&unix.O_NONBLOCK != 0, flagsBefore&unix.O_NONBLOCK != 0)
			}
			got, err := os.ReadFile(historyFile)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if string(got) != tt.history+tt.wantHistory {
				t.Errorf("history file = %q, want %q", got, tt.history+tt.wantHistory)
			}
		})
	}
}

// ptyTranscript collects what the child writes to its terminal.
type ptyTranscript struct {
	chunks chan []byte
	seen   strings.Builder
	cursor int // expect searches after the previous match
}

func newPTYTranscript(ptmx *os.File) *ptyTranscript {
	tr := &ptyTranscript{chunks: make(chan []byte, 64)}
	// The reader ends when ptmx is closed at the end of the test.
	go func() {
		defer close(tr.chunks)
		for {
			buf := make([]byte, 4096)
			n, err := ptmx.Read(buf)
			if n > 0 {
				tr.chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	return tr
}

// expect reads until want appears after the previous match.
func (tr *ptyTranscript) expect(want string, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if i := strings.Index(tr.seen.String()[tr.cursor:], want); i >= 0 {
			tr.cursor += i + len(want)
			return nil
		}
		select {
		case b, ok := <-tr.chunks:
			if !ok {
				return fmt.Errorf("terminal closed before %q appeared; it showed:\n%q", want, tr.seen.String())
			}
			tr.seen.Write(b)
		case <-deadline.C:
			return fmt.Errorf("%q did not appear within %v; the terminal showed:\n%q", want, timeout, tr.seen.String())
		}
	}
}

func (tr *ptyTranscript) all() string { return tr.seen.String() }
