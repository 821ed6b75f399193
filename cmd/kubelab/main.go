// Command kubelab boots a Kubernetes cluster in one process and opens a
// REPL on it. main only parses flags and wires; everything else lives in
// the cluster and shell packages.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"kubelab/cluster"
	"kubelab/cluster/clock"
	"kubelab/shell"
)

// virtualEpoch is where a virtual clock starts, the same every run, so that
// a script prints the same times every time it replays.
var virtualEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kubelab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "keep the session (etcd data, certificates, kubeconfig) in `DIR`; default: a temporary dir removed on exit")
	etcdEndpoints := fs.String("etcd-endpoints", "", "use the external etcd at these comma-separated `URLs` instead of the embedded one")
	workers := fs.Int("nodes", 2, "run `N` worker nodes beside the control-plane node")
	scenarioFile := fs.String("scenario", "", "lay out the nodes as the scenario YAML `FILE` says (overrides --nodes)")
	clockKind := fs.String("clock", "", "`virtual` (time moves only with advance; the default for run) or real (the default for the REPL)")
	noColor := fs.Bool("no-color", false, "print without colours (NO_COLOR does the same)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kubelab [flags]\n       kubelab [flags] run FILE\n\nBoots a Kubernetes cluster in this process and opens a REPL on it, or runs\nthe commands of FILE as a script (non-zero exit on the first failed expect).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	script := ""
	switch {
	case fs.NArg() == 0:
	case fs.Arg(0) == "run" && fs.NArg() == 2:
		script = fs.Arg(1)
	case fs.Arg(0) == "run":
		fmt.Fprintf(stderr, "kubelab: run takes one script file (see kubelab -h)\n")
		return 2
	default:
		fmt.Fprintf(stderr, "kubelab: unexpected argument %q (see kubelab -h)\n", fs.Arg(0))
		return 2
	}
	var scriptText []byte
	if script != "" {
		var err error
		if scriptText, err = os.ReadFile(script); err != nil {
			fmt.Fprintf(stderr, "kubelab: %v\n", err)
			return 2
		}
	}

	cfg := cluster.Config{DataDir: *dataDir}
	switch *clockKind {
	case "virtual":
		cfg.Clock = clock.NewVirtual(virtualEpoch)
	case "real":
	case "":
		if script != "" {
			cfg.Clock = clock.NewVirtual(virtualEpoch)
		}
	default:
		fmt.Fprintf(stderr, "kubelab: --clock %q: use virtual or real\n", *clockKind)
		return 2
	}
	if *workers < 0 {
		fmt.Fprintf(stderr, "kubelab: --nodes %d: the number of worker nodes cannot be negative\n", *workers)
		return 2
	}
	scenario := cluster.DefaultScenario(*workers)
	if *scenarioFile != "" {
		data, err := os.ReadFile(*scenarioFile)
		if err != nil {
			fmt.Fprintf(stderr, "kubelab: %v\n", err)
			return 2
		}
		if scenario, err = cluster.ParseScenario(data); err != nil {
			fmt.Fprintf(stderr, "kubelab: %s: %v\n", *scenarioFile, err)
			return 2
		}
	}
	cfg.Scenario = &scenario

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()

	if *etcdEndpoints != "" {
		cfg.EtcdEndpoints = strings.Split(*etcdEndpoints, ",")
	}
	c, err := cluster.Boot(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	defer c.Close()
	fmt.Fprintf(stderr, "kubelab: cluster ready in %d ms\n", c.BootTime.Milliseconds())
	var nodes []string
	for _, n := range c.Nodes {
		nodes = append(nodes, fmt.Sprintf("%s (%s)", n.Node.Name, n.Runtime.Name()))
	}
	if len(nodes) > 0 {
		fmt.Fprintf(stderr, "kubelab: nodes %s\n", strings.Join(nodes, ", "))
	}
	fmt.Fprintf(stderr, "kubelab: kubeconfig %s (kubectl --kubeconfig %s get pods)\n", c.Kubeconfig, c.Kubeconfig)

	labCfg := shell.LabConfig{Bus: c.Bus, Clock: c.Clock, Client: c.Client()}
	if c.Scheduler != nil {
		labCfg.Scheduler = c.Scheduler
	}
	for _, n := range c.Nodes {
		labCfg.Nodes = append(labCfg.Nodes, n.Node.Name)
	}
	lab, err := shell.NewLab(labCfg)
	if err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	defer lab.Close() // before c.Close: nothing may stay held while the cluster stops
	sh, err := shell.New(shell.Config{
		Kubeconfig:  c.Kubeconfig,
		In:          stdin,
		Out:         stdout,
		Err:         stderr,
		HistoryFile: filepath.Join(c.Dir, "history"),
		NoColor:     *noColor,
		Commands:    lab.Commands(),
		Monitor:     lab,
		Conditions:  lab.Conditions,
	})
	if err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	if script != "" {
		var failed *shell.ScriptError
		switch err := sh.RunScript(ctx, script, bytes.NewReader(scriptText)); {
		case errors.As(err, &failed):
			return 1 // RunScript printed FILE:LINE: expected ..., saw ...
		case err != nil:
			fmt.Fprintf(stderr, "kubelab: %v\n", err)
			return 1
		}
		return 0
	}
	if err := sh.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	return 0
}
