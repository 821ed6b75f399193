// Package shell is kubelab's command line: the REPL a person types into and the
// line-by-line runner that replays a session from a file or a pipe.
//
// It mirrors two things. For the user it is a kubectl session: `kubectl ...`
// (and `k ...`) run the real kubectl command tree from k8s.io/kubectl in this
// process, against the kubeconfig the cluster wrote, so what kubectl prints is
// what a user of a real cluster would see. For the code it follows the
// go-prompt examples and kube-prompt: an explicit command table, a completer
// and an executor that are separate functions, and an executor that never
// exits the process.
//
// Interactive mode (In is a terminal) uses github.com/c-bata/go-prompt v0.2.6
// one line at a time (Prompt.Input, not Prompt.Run: Run calls os.Exit on
// SIGINT/SIGTERM and has no way to stop from a context). The terminal state
// is saved before the first prompt and restored on every way out: the exit
// command, Ctrl-D on an empty line, the context ending, and a panic.
// Non-interactive mode reads lines, skips blank lines and # comments, and runs
// each, printing only what the commands print.
//
// The lab (lab*.go) is the cluster-facing part: pause, resume, break, breaks,
// unbreak, step, continue, pending, stages, clock, advance and settle, and
// the pod and stage conditions of expect and wait. It takes a LabConfig of
// the cluster's parts (the stage bus, the clock, a client, the scheduler's
// read-only view) rather than a *cluster.Cluster, so that the shell's core
// (shell.go, script.go, kubectl.go) knows nothing of the cluster, and lab
// behaviour that needs no API is tested on a bare bus. main wires it in
// through Config.Commands, Config.Monitor and Config.Conditions.
//
// Quiescence. After step, continue, resume, unbreak and advance, by settle,
// and after every command of a script, the lab waits until the cluster is
// quiescent: the stage bus saw no new record for a quiet window of real time
// (DefaultQuiet; the released component has reached its next stage or has
// finished) and, on the virtual clock, no timer is due at or before now
// (due timers are fired, but time never moves: only advance moves it).
// Held stages count as quiet: they wait for the user. A script that waits
// for quiescence after each command replays identically.
//
// Stepping order. Held stages are let go one at a time in a stable order:
// by component, stage, object and detail, then arrival. Arrival alone is not
// stable, since components woken by the same write race to the bus.
//
// A held command. A kubectl whose request is held at a gate cannot finish
// until the user steps; once the cluster is quiet and a stage entered since
// the command began is held, the shell says so and reads the next command,
// leaving kubectl to finish (and print) in the background when let go.
//
// Live stage lines. Stages are printed as Record.String() lines as they
// happen, coloured by component (off with NO_COLOR, Config.NoColor, or when
// Out is no terminal), selected by `stages`: off by default in a script;
// in the REPL, auto: held stages, the stages of paused or broken-on
// components, object writes other than leases and events, and the pod
// milestones (scheduler.bind and .unschedulable, kubelet.start, .exit,
// .restart, .kill). While step and the like run, held stages are listed by
// the command instead.
//
// Script mode (RunScript, `kubelab run FILE`, `source FILE`) echoes each
// command after the prompt. expect and wait check the output of, or the
// journal since, the last command that was not an expect or a wait; a
// failed one stops the script with FILE:LINE: expected ..., saw ....
//
// kubectl keeps process-wide state (the fatal-error handler of
// cmdutil.CheckErr, the default client-go warning handler, klog flags). Each
// invocation builds a fresh command tree, swaps that state in under one
// process-wide lock and puts it back afterwards; see kubectl.go.
package shell
