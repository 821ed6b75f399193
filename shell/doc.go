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
// kubectl keeps process-wide state (the fatal-error handler of
// cmdutil.CheckErr, the default client-go warning handler, klog flags). Each
// invocation builds a fresh command tree, swaps that state in under one
// process-wide lock and puts it back afterwards; see kubectl.go.
package shell
