package kubelet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	remotecommandserver "k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"

	"kubelab/cluster/container"
)

// Stream timeouts of the kubelet's streaming server (kubelet defaults).
const (
	streamIdleTimeout     = 4 * time.Hour
	streamCreationTimeout = 30 * time.Second
)

// handler is the kubelet server (pkg/kubelet/server): the endpoints the
// apiserver's pods/log and pods/exec reach.
func (k *Kubelet) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", k.serveLogs)
	mux.HandleFunc("/exec/{namespace}/{pod}/{container}", k.serveExec)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })
	return mux
}

// lookup finds the runtime instances of a pod's container.
func (k *Kubelet) lookup(ctx context.Context, namespace, podName, name string) (*podWorker, *corev1.Pod, instances, error) {
	w := k.findPod(namespace, podName)
	if w == nil {
		return nil, nil, nil, fmt.Errorf("pod %q not found", namespace+"/"+podName)
	}
	pod := w.latest()
	found := false
	for _, c := range allContainers(pod) {
		found = found || c.Name == name
	}
	if !found {
		return nil, nil, nil, fmt.Errorf("container %s is not valid for pod %s", name, podName)
	}
	rt, err := k.runtimeFor(pod)
	if err != nil {
		return nil, nil, nil, err
	}
	sandbox := w.sandbox()
	if sandbox == "" {
		return w, pod, nil, nil
	}
	list, err := rt.ListContainers(ctx, sandbox)
	if err != nil {
		return nil, nil, nil, err
	}
	var is instances
	for _, c := range list {
		if c.Name == name {
			is = append(is, c)
		}
	}
	// Newest first.
	for i := 1; i < len(is); i++ {
		for j := i; j > 0 && is[j].Attempt > is[j-1].Attempt; j-- {
			is[j], is[j-1] = is[j-1], is[j]
		}
	}
	return w, pod, is, nil
}

func (k *Kubelet) serveLogs(w http.ResponseWriter, r *http.Request) {
	ns, podName, name := r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container")
	opts, err := logOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_, pod, is, err := k.lookup(r.Context(), ns, podName, name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	var target *container.ContainerStatus
	if opts.Previous {
		if len(is) > 1 {
			target = &is[1]
		} else {
			http.Error(w, fmt.Sprintf("previous terminated container %q in pod %q not found", name, podName), http.StatusBadRequest)
			return
		}
	} else if len(is) > 0 {
		target = &is[0]
	}
	if target == nil {
		http.Error(w, fmt.Sprintf("container %q in pod %q is waiting to start: %s", name, podName, waitingReason(pod, name)), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	rt, _ := k.runtimeFor(pod)
	running := func() bool {
		st, err := rt.ContainerStatus(r.Context(), target.ID)
		return err == nil && (st.State == container.StateRunning || st.State == container.StateCreated)
	}
	k.readLogs(r.Context(), target.LogPath, opts, flushWriter{w}, running)
}

func waitingReason(pod *corev1.Pod, name string) string {
	for _, cs := range append(append([]corev1.ContainerStatus(nil), pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...) {
		if cs.Name == name && cs.State.Waiting != nil {
			return cs.State.Waiting.Reason
		}
	}
	return "ContainerCreating"
}

type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
	return n, err
}

// logOptions parses corev1.PodLogOptions from the query, as the kubelet's
// getContainerLogs does.
func logOptions(r *http.Request) (*corev1.PodLogOptions, error) {
	q := r.URL.Query()
	opts := &corev1.PodLogOptions{}
	var err error
	parseBool := func(key string) bool {
		v := q.Get(key)
		b, perr := strconv.ParseBool(v)
		if v != "" && perr != nil {
			err = fmt.Errorf("invalid %s: %q", key, v)
		}
		return b
	}
	parseInt := func(key string) *int64 {
		v := q.Get(key)
		if v == "" {
			return nil
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = fmt.Errorf("invalid %s: %q", key, v)
			return nil
		}
		return &n
	}
	opts.Follow = parseBool("follow")
	opts.Previous = parseBool("previous")
	opts.Timestamps = parseBool("timestamps")
	opts.TailLines = parseInt("tailLines")
	opts.LimitBytes = parseInt("limitBytes")
	opts.SinceSeconds = parseInt("sinceSeconds")
	if v := q.Get("sinceTime"); v != "" {
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil {
			return nil, fmt.Errorf("invalid sinceTime: %q", v)
		}
		mt := metav1.NewTime(t)
		opts.SinceTime = &mt
	}
	if s := q.Get("stream"); s != "" {
		opts.Stream = &s
	}
	return opts, err
}

// serveExec runs kubectl exec's remotecommand protocol (SPDY, and the
// websocket channel protocols) with k8s.io/cri-streaming's server.
func (k *Kubelet) serveExec(w http.ResponseWriter, r *http.Request) {
	ns, podName, name := r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container")
	opts, err := remotecommandserver.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := r.URL.Query()["command"]
	_, pod, is, err := k.lookup(r.Context(), ns, podName, name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if len(is) == 0 || is[0].State != container.StateRunning {
		http.Error(w, fmt.Sprintf("container %s is not running", name), http.StatusBadRequest)
		return
	}
	rt, err := k.runtimeFor(pod)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	exec := &executor{rt: rt, id: is[0].ID}
	remotecommandserver.ServeExec(w, r, exec, podName, string(pod.UID), name, cmd, opts,
		streamIdleTimeout, streamCreationTimeout, remotecommandserver.SupportedStreamingProtocols)
}

// executor runs exec sessions in one container through the runtime.
type executor struct {
	rt container.Runtime
	id string
}

func (e *executor) ExecInContainer(ctx context.Context, _, _, _ string, cmd []string, in io.Reader, out, stderr io.WriteCloser,
	tty bool, resize <-chan remotecommandserver.TerminalSize, _ time.Duration) error {
	streams := container.Streams{TTY: tty}
	if in != nil {
		streams.Stdin = in
	}
	if out != nil {
		streams.Stdout = out
	}
	if stderr != nil {
		streams.Stderr = stderr
	}
	if resize != nil {
		sizes := make(chan container.TerminalSize)
		streams.Resize = sizes
		go func() {
			defer close(sizes)
			for s := range resize {
				select {
				case sizes <- container.TerminalSize{Width: s.Width, Height: s.Height}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	code, err := e.rt.Exec(ctx, e.id, cmd, streams)
	if err != nil {
		return err
	}
	if code != 0 {
		return utilexec.CodeExitError{Err: fmt.Errorf("command terminated with non-zero exit code: %d", code), Code: code}
	}
	return nil
}

var _ remotecommandserver.Executor = &executor{}

var errNoLogs = errors.New("no logs")

func trimCRLF(s string) string { return strings.TrimRight(s, "\r\n") }
