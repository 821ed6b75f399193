package shell

import (
	"context"
	goflag "flag"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	cliflag "k8s.io/component-base/cli/flag"
	"k8s.io/component-base/logs"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	"k8s.io/kubectl/pkg/kuberc"
)

// kubectlMu serialises in-process kubectl runs. kubectl keeps process-wide
// state that each run swaps in and back out (the fatal-error handler, the
// client-go default warning handler, klog verbosity), so two runs at once,
// from two shells, would see each other's. The state is process-wide, so the
// lock that guards it has to be too.
var kubectlMu sync.Mutex

// kubectlFatal is the panic value the fatal-error handler unwinds with: in
// the kubectl binary cmdutil.CheckErr prints the message and calls os.Exit;
// here it prints the message and returns control to the shell.
type kubectlFatal struct{ code int }

// runKubectl runs `kubectl args...` as the kubectl binary would, with a
// fresh command tree (cobra commands and their flags keep state from one
// Execute to the next) writing to the shell's streams.
func (s *Shell) runKubectl(ctx context.Context, streams IO, args []string) (err error) {
	if !kubectlMu.TryLock() {
		// A kubectl held at a paused stage keeps the lock until it is
		// let go; waiting for it here would hang the session.
		if held := s.heldKubectl.Load(); held != nil {
			return fmt.Errorf("kubectl runs one command at a time and %q is held at a paused stage: step or continue to let it finish first", *held)
		}
		kubectlMu.Lock()
	}
	defer kubectlMu.Unlock()

	restoreKlog := snapshotKlogFlags()
	defer restoreKlog()
	// NewKubectlCommand points client-go's default warning handler at this
	// run's Err; put back client-go's default so that warnings the
	// cluster's own clients get later do not land in a finished command.
	defer rest.SetDefaultWarningHandlerWithContext(rest.WarningLogger{})

	cmdutil.BehaviorOnFatal(func(msg string, code int) {
		if msg != "" {
			if !strings.HasSuffix(msg, "\n") {
				msg += "\n"
			}
			io.WriteString(streams.Err, msg)
		}
		panic(kubectlFatal{code: code})
	})
	defer cmdutil.DefaultBehaviorOnFatal()
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(kubectlFatal)
			if !ok {
				panic(r) // a bug, not a kubectl error: runCommand reports it
			}
			err = &ExitError{Code: f.code}
		}
	}()

	ioStreams := genericiooptions.IOStreams{In: streams.In, Out: streams.Out, ErrOut: streams.Err}
	// The same flags as kubectl's defaultConfigFlags.
	configFlags := genericclioptions.NewConfigFlags(true).
		WithDeprecatedPasswordFlag().
		WithDiscoveryBurst(300).
		WithDiscoveryQPS(50.0).
		WithWarningPrinter(ioStreams)
	if s.cfg.Kubeconfig != "" {
		kubeconfig := s.cfg.Kubeconfig
		configFlags.KubeConfig = &kubeconfig
	}

	// Arguments holds only "kubectl" so that NewKubectlCommand does not
	// apply kuberc itself: on a bad kuberc it would call os.Exit. It is
	// applied below, where its error can be returned.
	root := kubectlcmd.NewKubectlCommand(kubectlcmd.KubectlOptions{
		Arguments:   []string{"kubectl"},
		ConfigFlags: configFlags,
		IOStreams:   ioStreams,
	})
	if s.cfg.Kubeconfig != "" {
		// `kubectl config` has its own --kubeconfig flag, bound to its own
		// loading rules rather than to configFlags.
		defaultFlag(root, "kubeconfig", s.cfg.Kubeconfig)
	}
	root.SetArgs(append([]string{}, args...)) // never nil: cobra would read os.Args
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	if !cmdutil.KubeRC.IsDisabled() {
		// Apply may replace the arguments (kuberc aliases) with SetArgs.
		if _, err := kuberc.NewPreferences().Apply(root, configFlags, append([]string{"kubectl"}, args...), streams.Err); err != nil {
			return fmt.Errorf("kubectl: applying kuberc preferences: %w", err)
		}
	}

	// What component-base/cli.RunNoErrOutput does for the kubectl binary,
	// except logs.InitLogs: that redirects the standard logger and
	// reconfigures klog for the whole process, which here is the cluster's too.
	root.SetGlobalNormalizationFunc(cliflag.WordSepNormalizeFunc)
	root.SilenceErrors = true
	logs.AddFlags(root.PersistentFlags())

	if err := root.ExecuteContext(ctx); err != nil {
		// As kubectl's main does: print the error kubectl's way and exit
		// (here: unwind to the recover above).
		cmdutil.CheckErr(err)
	}
	return nil
}

// defaultFlag gives every flag called name in the tree under c the default
// value, where the flag has no value yet. A flag given on the command line
// still wins.
func defaultFlag(c *cobra.Command, name, value string) {
	for _, fs := range []*pflag.FlagSet{c.PersistentFlags(), c.LocalNonPersistentFlags()} {
		if f := fs.Lookup(name); f != nil && f.Value.String() == "" {
			_ = f.Value.Set(value)
			f.DefValue = value
		}
	}
	for _, sub := range c.Commands() {
		defaultFlag(sub, name, value)
	}
}

// snapshotKlogFlags records klog's flag values (-v, --vmodule, ...) and
// returns a func that puts back those a kubectl run changed: klog's flags
// are process-wide, and `kubectl get pods -v=8` should not leave the whole
// cluster logging at level 8.
func snapshotKlogFlags() (restore func()) {
	fs := goflag.NewFlagSet("klog", goflag.ContinueOnError)
	logs.AddGoFlags(fs)
	saved := map[string]string{}
	fs.VisitAll(func(f *goflag.Flag) { saved[f.Name] = f.Value.String() })
	return func() {
		fs.VisitAll(func(f *goflag.Flag) {
			if v := saved[f.Name]; f.Value.String() != v {
				_ = f.Value.Set(v)
			}
		})
	}
}

// kubectlSubcommands are the kubectl commands offered by completion, in the
// groups `kubectl help` shows them; a test checks each against the real tree.
var kubectlSubcommands = []string{
	"create", "expose", "run", "set",
	"explain", "get", "edit", "delete",
	"rollout", "scale", "autoscale",
	"certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
	"describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events",
	"diff", "apply", "patch", "replace", "wait", "kustomize",
	"label", "annotate", "completion",
	"api-resources", "api-versions", "config", "plugin", "version", "options",
}

// kubectlNested are subcommands of kubectl commands that have them.
var kubectlNested = map[string][]string{
	"rollout": {"history", "pause", "restart", "resume", "status", "undo"},
	"config": {"current-context", "delete-cluster", "delete-context", "delete-user",
		"get-clusters", "get-contexts", "get-users", "rename-context", "set",
		"set-cluster", "set-context", "set-credentials", "unset", "use-context", "view"},
	"create": {"configmap", "deployment", "job", "namespace", "secret", "service", "serviceaccount"},
	"top":    {"node", "pod"},
}

// kubectlTakesKind are the kubectl commands whose first argument is a
// resource kind.
var kubectlTakesKind = map[string]bool{
	"get": true, "describe": true, "delete": true, "edit": true, "explain": true,
	"label": true, "annotate": true, "patch": true, "scale": true, "wait": true,
	"history": true, "pause": true, "restart": true, "resume": true, "status": true, "undo": true,
}

// kubectlKinds are the resource kinds kubelab's apiserver serves, by the
// plural names kubectl users type.
var kubectlKinds = []string{
	"all", "configmaps", "controllerrevisions", "daemonsets", "deployments",
	"endpoints", "endpointslices", "events", "jobs", "leases", "namespaces",
	"nodes", "persistentvolumeclaims", "pods", "replicasets",
	"replicationcontrollers", "runtimeclasses", "secrets", "serviceaccounts",
	"services", "statefulsets",
}

// completeKubectl completes kubectl's subcommands and, after the commands
// that take one, resource kinds. Flags are skipped when finding the
// subcommand, so `kubectl -n kube-system get po` still completes kinds.
func completeKubectl(args []string) []string {
	var positional []string
	for i, a := range args[:len(args)-1] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if i > 0 && (args[i-1] == "-n" || args[i-1] == "--namespace" || args[i-1] == "-o" || args[i-1] == "--output" || args[i-1] == "--context") {
			continue // the value of a flag that takes one
		}
		positional = append(positional, a)
	}
	if strings.HasPrefix(args[len(args)-1], "-") {
		return nil
	}
	switch len(positional) {
	case 0:
		return kubectlSubcommands
	case 1:
		if nested, ok := kubectlNested[positional[0]]; ok {
			return nested
		}
		if kubectlTakesKind[positional[0]] {
			return kubectlKinds
		}
	case 2:
		if positional[0] == "rollout" && kubectlTakesKind[positional[1]] {
			return []string{"daemonsets", "deployments", "statefulsets"}
		}
	}
	return nil
}
