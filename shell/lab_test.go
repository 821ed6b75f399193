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
