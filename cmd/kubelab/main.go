// Command kubelab boots a Kubernetes cluster in one process and opens a
// REPL on it. main only parses flags and wires; everything else lives in
// the cluster and shell packages.
package main

import (
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

	"kubelab/cluster"
	"kubelab/shell"
)

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
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kubelab [flags]\n\nBoots a Kubernetes cluster in this process and opens a REPL on it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kubelab: unexpected argument %q (see kubelab -h)\n", fs.Arg(0))
		return 2
	}

	cfg := cluster.Config{DataDir: *dataDir}
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

	sh, err := shell.New(shell.Config{
		Kubeconfig:  c.Kubeconfig,
		In:          stdin,
		Out:         stdout,
		Err:         stderr,
		HistoryFile: filepath.Join(c.Dir, "history"),
	})
	if err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	if err := sh.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "kubelab: %v\n", err)
		return 1
	}
	return 0
}
