package shell

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"kubelab/cluster"
	"kubelab/cluster/clock"
	"kubelab/cluster/stage"
)

var update = flag.Bool("update", false, "rewrite the transcripts of testdata/scripts from what the scripts print")

// session runs a script against a freshly booted cluster on the virtual
// clock, with the lab's commands, and returns what it printed (standard
// output and errors interleaved, as a user sees them).
func session(t *testing.T, dir, script string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := cluster.Boot(ctx, cluster.Config{Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatalf("Boot: %v", err)
	}
	defer c.Close()
	cfg := LabConfig{Bus: c.Bus, Clock: c.Clock, Client: c.Client(), Scheduler: c.Scheduler}
	for _, n := range c.Nodes {
		cfg.Nodes = append(cfg.Nodes, n.Node.Name)
	}
	lab, err := NewLab(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	var out bytes.Buffer
	sh, err := New(Config{
		Kubeconfig: c.Kubeconfig,
		In:         strings.NewReader(""),
		Out:        &out,
		Err:        &out,
		Commands:   lab.Commands(),
		Monitor:    lab,
		Conditions: lab.Conditions,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = sh.RunScript(ctx, "script.txt", strings.NewReader(strings.ReplaceAll(script, "$WORK", dir)))
	var failed *ScriptError
	switch {
	case errors.As(err, &failed):
		out.WriteString("[exit 1]\n")
	case err != nil:
		t.Fatalf("RunScript: %v\n%s", err, out.String())
	}
	return strings.ReplaceAll(out.String(), dir, "$WORK")
}

// TestScripts runs each testdata/scripts/*.txtar: its script.txt section
// against a booted cluster, compared with its transcript section. Other
// sections are files the script reads, under $WORK. A script whose name
// ends in -twice is run twice, and both runs must print the same bytes.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/scripts/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var script, want string
			transcript := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "script.txt":
					script = string(f.Data)
				case "transcript":
					want, transcript = string(f.Data), i
				default:
					if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			got := session(t, dir, script)
			if strings.HasSuffix(name, "-twice") {
				if again := session(t, dir, script); again != got {
					t.Errorf("the second run printed something else:\n--- first\n%s\n--- second\n%s", got, again)
				}
			}
			if *update {
				if transcript < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "transcript"})
					transcript = len(ar.Files) - 1
				}
				ar.Files[transcript].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("transcript differs (go test ./shell -run TestScripts -update rewrites it)\n--- got\n%s\n--- want\n%s", got, want)
			}
		})
	}
}

func TestLabCommandsWithoutACluster(t *testing.T) {
	tests := []struct {
		name    string
		clock   clock.Clock
		line    string
		wantErr string
	}{
		{name: "advance on the real clock says how to get a virtual one", clock: clock.Real(), line: "advance 10s",
			wantErr: "error: advance moves a virtual clock, and this cluster runs on the real clock (start kubelab with --clock=virtual)\n"},
		{name: "step with a count of zero is refused", clock: clock.Real(), line: "step 0",
			wantErr: "error: step 0: give a positive number of stages\n"},
		{name: "an unknown condition says which are known", clock: clock.Real(), line: "expect node/worker-1 ready",
			wantErr: "error: unknown condition \"node/worker-1 ready\": write output contains \"TEXT\", pod/NAME KEY=VALUE... or stage STAGE OBJECT [DETAIL]\n"},
		{name: "a pod condition with an unknown key lists the keys", clock: clock.Real(), line: "expect pod/web colour=blue",
			wantErr: "error: pod/web: \"colour=blue\" is not KEY=VALUE with a known key (ip, node, phase, ready, restarts, status)\n"},
		{name: "wait on output is refused", clock: clock.Real(), line: "wait output contains x",
			wantErr: "error: wait output: the output of a finished command does not change; use expect output contains\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab, err := NewLab(LabConfig{Bus: stage.New(tt.clock), Clock: tt.clock})
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			sh, err := New(Config{In: strings.NewReader(tt.line + "\n"), Out: &out, Err: &errOut, Commands: lab.Commands(), Monitor: lab, Conditions: lab.Conditions})
			if err != nil {
				t.Fatal(err)
			}
			if err := sh.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if errOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.wantErr)
			}
		})
	}
}
