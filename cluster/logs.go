package cluster

import (
	"flag"
	"io"
	"os"
	"sync"

	"k8s.io/klog/v2"
)

var quietOnce sync.Once

// quietLogs sends the Kubernetes libraries' logs (klog) to a file in the
// session dir instead of the terminal, where they would bury the REPL.
// klog is process-global, so the first booted cluster in a process decides.
func quietLogs(path string) {
	quietOnce.Do(func() {
		fs := flag.NewFlagSet("klog", flag.ContinueOnError)
		klog.InitFlags(fs)
		_ = fs.Set("logtostderr", "false")
		_ = fs.Set("alsologtostderr", "false")
		_ = fs.Set("stderrthreshold", "FATAL")
		_ = fs.Set("one_output", "true")
		var w io.Writer = io.Discard
		if f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			w = f
		}
		klog.SetOutput(w)
	})
}
