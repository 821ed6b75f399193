package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv(ptyChildEnv) != "" {
		os.Exit(runPTYChild())
	}
	// kubectl writes its discovery cache under $HOME; keep the real one
	// out of the tests.
	home, err := os.MkdirTemp("", "kubelab-shell-home")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("HOME", home)
	os.Unsetenv("KUBECONFIG")
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// echoCommand prints its arguments separated by |, to show word splitting.
var echoCommand = Command{
	Name:    "echo",
	Usage:   "echo [WORDS...]",
	Summary: "Print the words it was given.",
	Run: func(_ context.Context, io IO, args []string) error {
		fmt.Fprintln(io.Out, strings.Join(args, "|"))
		return nil
	},
}

var panicCommand = Command{
	Name:    "boom",
	Summary: "Panic.",
	Run: func(context.Context, IO, []string) error {
		var m map[string]int
		m["x"] = 1 // a nil map write: a real bug, not a deliberate panic value
		return nil
	},
}

var failCommand = Command{
	Name:    "fail",
	Summary: "Fail.",
	Run: func(context.Context, IO, []string) error {
		return errors.New("it failed as asked")
	},
}

// runScript runs input through a non-interactive Shell and returns what it
// wrote to Out and Err.
func runScript(t *testing.T, cfg Config, input string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cfg.In, cfg.Out, cfg.Err = strings.NewReader(input), &out, &errOut
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v (stdout %q, stderr %q)", err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func TestScript(t *testing.T) {
	cfg := Config{Commands: []Command{echoCommand, panicCommand, failCommand}}
	tests := []struct {
		name       string
		input      string
		wantOut    string
		wantErr    string
		wantOutHas []string
	}{
		{
			name:  "help lists built-in and registered commands",
			input: "help\n",
			wantOutHas: []string{
				"Commands:\n",
				"  kubectl, k   Run kubectl against the cluster (the real kubectl, in this process).\n",
				"  help         List the commands, or show how to use one.\n",
				"  exit, quit   Leave kubelab (Ctrl-D on an empty line does the same).\n",
				"  echo         Print the words it was given.\n",
			},
		},
		{
			name:    "help for one command shows its usage",
			input:   "help k\n",
			wantOut: "usage: kubectl [COMMAND] [ARGS...] [FLAGS...]\nRun kubectl against the cluster (the real kubectl, in this process).\naliases: k\n",
		},
		{
			name:    "an unknown command near a real one gets a suggestion",
			input:   "kubeclt get pods\necho still running\n",
			wantOut: "still|running\n",
			wantErr: "error: unknown command \"kubeclt\"; did you mean \"kubectl\"? (type help for the list)\n",
		},
		{
			name:    "an unknown command far from every name gets none",
			input:   "frobnicate\n",
			wantErr: "error: unknown command \"frobnicate\" (type help for the list)\n",
		},
		{
			name:    "help for an unknown command suggests too",
			input:   "help ecoh\n",
			wantErr: "error: unknown command \"ecoh\"; did you mean \"echo\"? (type help for the list)\n",
		},
		{
			name:    "quotes and escapes reach the command as words",
			input:   `echo 'a b' "c \"d\"" e\ f '' g` + "\n",
			wantOut: "a b|c \"d\"|e f||g\n",
		},
		{
			name:    "a line with an unterminated quote is reported and skipped",
			input:   "echo 'oops\necho next\n",
			wantOut: "next\n",
			wantErr: "error: unterminated single quote: close it with '\n",
		},
		{
			name:    "a panicking command is reported and the shell goes on",
			input:   "boom\necho after\n",
			wantOut: "after\n",
			wantErr: "error: boom: internal error (panic): assignment to entry in nil map; the shell is still running\n",
		},
		{
			name:    "a failing command prints its error and the run goes on",
			input:   "fail\necho after\n",
			wantOut: "after\n",
			wantErr: "error: it failed as asked\n",
		},
		{
			name:    "blank lines and comments are skipped",
			input:   "\n   \n# a comment\n  # an indented comment\necho one # trailing comment\n",
			wantOut: "one\n",
		},
		{
			name:    "exit stops reading",
			input:   "echo one\nexit\necho two\n",
			wantOut: "one\n",
		},
		{
			name:    "quit is exit",
			input:   "quit\necho two\n",
			wantOut: "",
		},
		{
			name:    "the last line needs no newline",
			input:   "echo last",
			wantOut: "last\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut := runScript(t, cfg, tt.input)
			if tt.wantOutHas != nil {
				for _, want := range tt.wantOutHas {
					if !strings.Contains(out, want) {
						t.Errorf("stdout lacks %q:\n%s", want, out)
					}
				}
			} else if out != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out, tt.wantOut)
			}
			if errOut != tt.wantErr {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestRunStopsWhenTheContextEnds(t *testing.T) {
	var out bytes.Buffer
	s, err := New(Config{In: strings.NewReader("help\n"), Out: &out, Err: &out})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if out.Len() != 0 {
		t.Errorf("output after cancellation: %q", out.String())
	}
}

func TestRunStopsWhenTheContextEndsWhileInputIsSilent(t *testing.T) {
	// A pipe whose writer never writes nor closes: a SIGTERM must still end
	// a script-mode session.
	r, w := io.Pipe()
	defer w.Close()
	var out bytes.Buffer
	s, err := New(Config{In: r, Out: &out, Err: &out})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

func TestRegister(t *testing.T) {
	run := func(context.Context, IO, []string) error { return nil }
	tests := []struct {
		name    string
		cmd     Command
		wantErr string
	}{
		{name: "a new name is accepted", cmd: Command{Name: "pause", Aliases: []string{"p"}, Run: run}},
		{name: "a taken name is refused", cmd: Command{Name: "help", Run: run}, wantErr: `shell: register "help": "help" is already taken by "help"`},
		{name: "an alias taken by another command is refused", cmd: Command{Name: "kill", Aliases: []string{"k"}, Run: run}, wantErr: `shell: register "kill": "k" is already taken by "kubectl"`},
		{name: "a name with a space is refused", cmd: Command{Name: "etcd get", Run: run}, wantErr: `shell: register "etcd get": "etcd get" is not a plain word`},
		{name: "an empty name is refused", cmd: Command{Run: run}, wantErr: `shell: register "": "" is not a plain word`},
		{name: "a command without Run is refused", cmd: Command{Name: "nop"}, wantErr: `shell: register "nop": Run is nil`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Register(tt.cmd)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Register: %v", err)
				}
				if _, ok := s.lookup(tt.cmd.Name); !ok {
					t.Errorf("%q not found after Register", tt.cmd.Name)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Register error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewRejectsMissingStreams(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New(Config{}) succeeded, want an error about In, Out and Err")
	}
}

func TestNewRejectsConflictingCommands(t *testing.T) {
	_, err := New(Config{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Commands: []Command{echoCommand, echoCommand}})
	if err == nil || !strings.Contains(err.Error(), `"echo" is already taken`) {
		t.Errorf("New error = %v, want the duplicate name reported", err)
	}
}

func TestClosestName(t *testing.T) {
	names := []string{"kubectl", "k", "help", "exit", "quit", "pause", "step", "settle"}
	tests := []struct {
		name, word, want string
	}{
		{name: "two swapped letters are one edit", word: "kubeclt", want: "kubectl"},
		{name: "a missing letter is one edit", word: "kubctl", want: "kubectl"},
		{name: "an extra letter is one edit", word: "helpp", want: "help"},
		{name: "swapped letters in a short name", word: "hlep", want: "help"},
		{name: "two edits in a short word is too many", word: "ls", want: ""},
		{name: "a one-letter word is never corrected to another", word: "x", want: ""},
		{name: "the nearest of several wins", word: "stepp", want: "step"},
		{name: "an unrelated word gets nothing", word: "frobnicate", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := closestName(tt.word, names); got != tt.want {
				t.Errorf("closestName(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestComplete(t *testing.T) {
	s, err := New(Config{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Commands: []Command{echoCommand}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before string
		want   []string
	}{
		{name: "an empty line offers every command", before: "", want: []string{"kubectl", "k", "help", "exit", "quit", "expect", "wait", "source", "save", "echo"}},
		{name: "a prefix narrows the commands", before: "e", want: []string{"exit", "expect", "echo"}},
		{name: "kubectl offers its subcommands by prefix", before: "kubectl ge", want: []string{"get"}},
		{name: "the alias completes like kubectl", before: "k desc", want: []string{"describe"}},
		{name: "get offers resource kinds", before: "k get d", want: []string{"daemonsets", "deployments"}},
		{name: "flags before the subcommand are skipped", before: "k -n kube-system get no", want: []string{"nodes"}},
		{name: "rollout offers its subcommands", before: "k rollout st", want: []string{"status"}},
		{name: "rollout status offers rollable kinds", before: "k rollout status ", want: []string{"daemonsets", "deployments", "statefulsets"}},
		{name: "a flag being typed gets nothing", before: "k get pods --all", want: nil},
		{name: "help offers command names", before: "help ku", want: []string{"kubectl"}},
		{name: "a command without a completer gets nothing", before: "echo ", want: nil},
		{name: "an unknown command gets nothing", before: "nosuch ", want: nil},
		{name: "an unfinished quote does not break completion", before: "k get 'po", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range s.complete(tt.before) {
				got = append(got, c.text)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("complete(%q) = %q, want %q", tt.before, got, tt.want)
			}
		})
	}
}

func TestCompleteSurvivesAPanickingCompleter(t *testing.T) {
	bad := Command{
		Name: "bad",
		Run:  func(context.Context, IO, []string) error { return nil },
		Complete: func([]string) []string {
			panic("completer bug")
		},
	}
	s, err := New(Config{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Commands: []Command{bad}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.complete("bad "); got != nil {
		t.Errorf("complete = %v, want nothing", got)
	}
}
