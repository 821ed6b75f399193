package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	utilclock "k8s.io/utils/clock"

	"kubelab/cluster/clock"
	"kubelab/cluster/container"
	"kubelab/cluster/stage"
)

// Version is what nodes report as their container runtime.
const Version = "sim://1.0.0"

// Config configures a Runtime.
type Config struct {
	// Clock times everything: sleeps, grace periods, log timestamps.
	// Required.
	Clock clock.Clock
	// Node is the node the runtime serves, used in messages and IDs.
	Node string
	// Images is the catalog; nil means Catalog().
	Images []ImageSpec
	// Bus is the stage bus; optional, the runtime announces nothing yet.
	Bus *stage.Bus
}

// Runtime is the sim container runtime of one node.
type Runtime struct {
	clk    clock.Clock
	node   string
	bus    *stage.Bus
	images map[string]*ImageSpec

	mu        sync.Mutex
	present   map[string]container.Image
	failing   map[string]bool
	sandboxes map[string]*sandbox
	ctrs      map[string]*ctr
	seq       uint64
	closed    bool

	events *eventQueue
}

var (
	_ container.Runtime       = (*Runtime)(nil)
	_ container.NetworkProber = (*Runtime)(nil)
)

// New returns a runtime with no images present and no sandboxes.
func New(cfg Config) (*Runtime, error) {
	if cfg.Clock == nil {
		return nil, errors.New("sim: a clock is required")
	}
	images := cfg.Images
	if images == nil {
		images = Catalog()
	}
	r := &Runtime{
		clk:       cfg.Clock,
		node:      cfg.Node,
		bus:       cfg.Bus,
		images:    map[string]*ImageSpec{},
		present:   map[string]container.Image{},
		failing:   map[string]bool{},
		sandboxes: map[string]*sandbox{},
		ctrs:      map[string]*ctr{},
		events:    newEventQueue(),
	}
	for i := range images {
		spec := images[i]
		named, err := normalize(spec.Repo)
		if err != nil {
			return nil, fmt.Errorf("sim: image catalog: %w", err)
		}
		spec.Repo = named.Name()
		r.images[spec.Repo] = &spec
	}
	return r, nil
}

// Name is the RuntimeClass handler of the runtime.
func (r *Runtime) Name() string { return "sim" }

// Version reports the runtime version a node shows.
func (r *Runtime) Version(context.Context) (string, error) { return Version, nil }

// Events delivers container starts and exits in the order they happened.
func (r *Runtime) Events() <-chan container.Event { return r.events.out }

// Close kills every container still running and stops event delivery.
func (r *Runtime) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	var running []*ctr
	for _, c := range r.ctrs {
		if c.status.State == container.StateRunning {
			running = append(running, c)
		}
	}
	r.mu.Unlock()
	sortCtrs(running)
	for _, c := range running {
		r.kill(c, 137, "Error")
	}
	r.events.close()
	return nil
}

// Fail makes every later pull of image fail, as a registry that cannot be
// reached would; Unfail undoes it.
func (r *Runtime) Fail(image string) error {
	named, err := normalize(image)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.failing[named.String()] = true
	r.mu.Unlock()
	return nil
}

// Unfail lets pulls of image succeed again.
func (r *Runtime) Unfail(image string) error {
	named, err := normalize(image)
	if err != nil {
		return err
	}
	r.mu.Lock()
	delete(r.failing, named.String())
	r.mu.Unlock()
	return nil
}

// PullImage makes a catalog image present. Pulling takes no clock time.
func (r *Runtime) PullImage(ctx context.Context, name string) (string, error) {
	img, err := r.resolve(name)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing[img.ref] {
		host := "registry-1.docker.io"
		if d := strings.SplitN(img.ref, "/", 2)[0]; d != "docker.io" {
			host = d
		}
		path := strings.TrimPrefix(img.spec.Repo, strings.SplitN(img.spec.Repo, "/", 2)[0]+"/")
		tag := img.ref[strings.LastIndexAny(img.ref, ":@")+1:]
		return "", &pullError{ref: img.ref, msg: fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: failed to do request: Head \"https://%s/v2/%s/manifests/%s\": dial tcp: lookup %s: i/o timeout", img.ref, img.ref, host, path, tag, host)}
	}
	r.present[img.ref] = container.Image{Ref: img.ref, ID: img.id, Size: img.spec.Size}
	return img.id, nil
}

// ImageStatus reports a present image, nil when absent.
func (r *Runtime) ImageStatus(ctx context.Context, name string) (*container.Image, error) {
	named, err := normalize(name)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if img, ok := r.present[named.String()]; ok {
		return &img, nil
	}
	return nil, nil
}

// ListImages lists present images by reference.
func (r *Runtime) ListImages(context.Context) ([]container.Image, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]container.Image, 0, len(r.present))
	for _, img := range r.present {
		out = append(out, img)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}

// sandbox is a pod's shared network and namespaces.
type sandbox struct {
	id      string
	cfg     container.SandboxConfig
	ready   bool
	created time.Time
	// listeners are the ports something in the sandbox listens on.
	listeners map[int]*listener
}

// RunPodSandbox creates a ready sandbox.
func (r *Runtime) RunPodSandbox(ctx context.Context, cfg container.SandboxConfig) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", errors.New("sim: runtime is closed")
	}
	id := r.newIDLocked("sandbox", cfg.Namespace, cfg.Name)
	r.sandboxes[id] = &sandbox{id: id, cfg: cfg, ready: true, created: r.clk.Now(), listeners: map[int]*listener{}}
	return id, nil
}

// StopPodSandbox kills the sandbox's running containers at once, as CRI
// does: the kubelet stops them gracefully before.
func (r *Runtime) StopPodSandbox(ctx context.Context, sandboxID string) error {
	r.mu.Lock()
	sb := r.sandboxes[sandboxID]
	if sb == nil {
		r.mu.Unlock()
		return nil // CRI: stopping an unknown sandbox succeeds
	}
	sb.ready = false
	running := r.ctrsLocked(sandboxID, true)
	r.mu.Unlock()
	for _, c := range running {
		r.kill(c, 137, "Error")
	}
	return nil
}

// RemovePodSandbox removes a sandbox and its containers.
func (r *Runtime) RemovePodSandbox(ctx context.Context, sandboxID string) error {
	if err := r.StopPodSandbox(ctx, sandboxID); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, c := range r.ctrs {
		if c.sb.id == sandboxID {
			delete(r.ctrs, id)
		}
	}
	delete(r.sandboxes, sandboxID)
	return nil
}

// newIDLocked returns a 64-hex-digit ID derived from the node, a counter
// and the name, so the same sequence of calls gives the same IDs.
func (r *Runtime) newIDLocked(kind string, parts ...string) string {
	r.seq++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d/%s", r.node, kind, r.seq, strings.Join(parts, "/"))))
	return hex.EncodeToString(sum[:])
}

func (r *Runtime) ctrsLocked(sandboxID string, runningOnly bool) []*ctr {
	var out []*ctr
	for _, c := range r.ctrs {
		if sandboxID != "" && c.sb.id != sandboxID {
			continue
		}
		if runningOnly && c.status.State != container.StateRunning {
			continue
		}
		out = append(out, c)
	}
	sortCtrs(out)
	return out
}

func sortCtrs(cs []*ctr) { sort.Slice(cs, func(i, j int) bool { return cs[i].seq < cs[j].seq }) }

// ctr is one container.
type ctr struct {
	id     string
	seq    uint64
	sb     *sandbox
	cfg    container.ContainerConfig
	img    *image
	status container.ContainerStatus
	env    []string // the process environment, in containerd's order
	log    *logFile
	files  *overlay
	// main is PID 1; tasks are every live process (background jobs, execs).
	main  *task
	tasks []*task
	pids  int
	// killing is set once the container is being killed: the exit it will
	// have, whatever its processes do.
	killing *exitInfo
	exited  chan struct{}
	// memory is what the container's processes hold, in bytes.
	memory int64
	// stopSignal is sent by StopContainer.
	stopSignal string
}

type exitInfo struct {
	code   int
	reason string
}

// CreateContainer creates a container from a present image.
func (r *Runtime) CreateContainer(ctx context.Context, sandboxID string, cfg container.ContainerConfig) (string, error) {
	img, err := r.resolve(cfg.Image)
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	sb := r.sandboxes[sandboxID]
	if sb == nil {
		return "", fmt.Errorf("sandbox %s: %w", sandboxID, container.ErrNotFound)
	}
	if !sb.ready {
		return "", fmt.Errorf("failed to create containerd container: sandbox %s is not ready", sandboxID)
	}
	if _, ok := r.present[img.ref]; !ok {
		return "", fmt.Errorf("failed to create containerd container: error unpacking image: image %q: not found", img.ref)
	}
	id := r.newIDLocked("container", sb.cfg.Namespace, sb.cfg.Name, cfg.Name)
	now := r.clk.Now()
	c := &ctr{
		id:     id,
		seq:    r.seq,
		sb:     sb,
		cfg:    cfg,
		img:    img,
		exited: make(chan struct{}),
		status: container.ContainerStatus{
			ID: id, SandboxID: sandboxID, Name: cfg.Name, Attempt: cfg.Attempt,
			State: container.StateCreated, CreatedAt: now,
			Image: img.ref, ImageID: img.id, LogPath: cfg.LogPath,
		},
	}
	c.env = processEnv(img.spec, cfg, sb.cfg.Hostname)
	c.files = newOverlay(c)
	c.stopSignal = cfg.StopSignal
	if c.stopSignal == "" {
		c.stopSignal = img.spec.StopSignal
	}
	if c.stopSignal == "" {
		c.stopSignal = "SIGTERM"
	}
	r.ctrs[id] = c
	return id, nil
}

// processEnv builds PID 1's environment as containerd and runc do: the
// default PATH, HOSTNAME, the image's ENV, the container's env (each
// replacing an earlier value in place), then HOME when unset.
func processEnv(spec *ImageSpec, cfg container.ContainerConfig, hostname string) []string {
	var env []string
	set := func(kv string) {
		k := kv[:strings.IndexByte(kv+"=", '=')]
		for i, e := range env {
			if strings.HasPrefix(e, k+"=") {
				env[i] = kv
				return
			}
		}
		env = append(env, kv)
	}
	set(defaultPath)
	set("HOSTNAME=" + hostname)
	for _, e := range spec.Env {
		set(e)
	}
	if cfg.TTY {
		set("TERM=xterm")
	}
	for _, e := range cfg.Env {
		set(e.Name + "=" + e.Value)
	}
	home := "/root"
	if cfg.RunAsUser != nil && *cfg.RunAsUser != 0 {
		home = "/"
	}
	if lookup(env, "HOME") == "" {
		env = append(env, "HOME="+home)
	}
	return env
}

func lookup(env []string, k string) string {
	for _, e := range env {
		if strings.HasPrefix(e, k+"=") {
			return e[len(k)+1:]
		}
	}
	return ""
}

// StartContainer starts a created container's PID 1. It runs the process
// until it first waits on the clock (or exits), so what a container does at
// once is done, and logged, when StartContainer returns.
func (r *Runtime) StartContainer(ctx context.Context, containerID string) error {
	r.mu.Lock()
	c := r.ctrs[containerID]
	if c == nil {
		r.mu.Unlock()
		return fmt.Errorf("container %s: %w", containerID, container.ErrNotFound)
	}
	if c.status.State != container.StateCreated {
		r.mu.Unlock()
		return fmt.Errorf("failed to start containerd task %q: cannot start a container in the %s state", containerID, strings.ToLower(string(c.status.State)))
	}
	argv := append(append([]string(nil), c.entrypoint()...), c.args()...)
	if len(argv) == 0 {
		return r.startErrorLocked(c, "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: no command specified")
	}
	prog, ok := lookPath(c, argv[0])
	if !ok {
		return r.startErrorLocked(c, fmt.Sprintf("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: %q: executable file not found in $PATH", argv[0]))
	}
	logf, err := openLog(c.cfg.LogPath, r.clk)
	if err != nil {
		r.mu.Unlock()
		return fmt.Errorf("failed to create containerd task: failed to create container loggers: %w", err)
	}
	c.log = logf
	now := r.clk.Now()
	c.status.State = container.StateRunning
	c.status.StartedAt = now
	t := r.newTaskLocked(c, true)
	c.main = t
	r.events.push(container.Event{Type: container.EventStarted, ContainerID: c.id, SandboxID: c.sb.id, Time: now})
	r.mu.Unlock()

	stdin := blockingReader{}
	r.spawn(t, func(t *task) int {
		p := &proc{t: t, argv: argv, env: c.env, dir: c.workingDir(), stdin: stdin, pid1: true,
			stdout: c.log.stream("stdout"), stderr: c.log.stream("stderr"), interactive: c.cfg.Stdin}
		if c.cfg.TTY {
			p.stderr = p.stdout
		}
		return prog(p)
	}, func(code int) { r.finish(c, code) })
	return nil
}

// startErrorLocked records a container whose process could not be started,
// as containerd reports it: exited with 128, reason StartError.
func (r *Runtime) startErrorLocked(c *ctr, msg string) error {
	now := r.clk.Now()
	c.status.State = container.StateExited
	c.status.StartedAt = time.Unix(0, 0).UTC()
	c.status.FinishedAt = now
	c.status.ExitCode = 128
	c.status.Reason = "StartError"
	c.status.Message = msg
	close(c.exited)
	r.mu.Unlock()
	return errors.New(msg)
}

// entrypoint and args apply Kubernetes' rule: command replaces ENTRYPOINT
// (and drops CMD), args replaces CMD.
func (c *ctr) entrypoint() []string {
	if len(c.cfg.Command) > 0 {
		return c.cfg.Command
	}
	return c.img.spec.Entrypoint
}

func (c *ctr) args() []string {
	if len(c.cfg.Args) > 0 {
		return c.cfg.Args
	}
	if len(c.cfg.Command) > 0 {
		return nil
	}
	return c.img.spec.Cmd
}

func (c *ctr) workingDir() string {
	if c.cfg.WorkingDir != "" {
		return c.cfg.WorkingDir
	}
	if c.img.spec.WorkingDir != "" {
		return c.img.spec.WorkingDir
	}
	return "/"
}

// finish records PID 1's exit: every other process dies with it, the
// ports close, the log is flushed and the exit is announced.
func (r *Runtime) finish(c *ctr, code int) {
	r.mu.Lock()
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	if c.killing != nil {
		code, reason = c.killing.code, c.killing.reason
	} else {
		c.killing = &exitInfo{code: code, reason: reason}
	}
	others := r.parkedLocked(c)
	r.mu.Unlock()
	for _, t := range others {
		r.wake(t, 0, wakeKill)
	}
	c.log.flush()
	r.mu.Lock()
	now := r.clk.Now()
	c.status.State = container.StateExited
	c.status.FinishedAt = now
	c.status.ExitCode = int32(code)
	c.status.Reason = reason
	for port, l := range c.sb.listeners {
		if l.owner == c {
			delete(c.sb.listeners, port)
		}
	}
	close(c.exited)
	r.events.push(container.Event{Type: container.EventExited, ContainerID: c.id, SandboxID: c.sb.id, Time: now})
	r.mu.Unlock()
	c.log.close()
}

// parkedLocked lists the container's processes other than PID 1.
func (r *Runtime) parkedLocked(c *ctr) []*task {
	var out []*task
	for _, t := range c.tasks {
		if t != c.main {
			out = append(out, t)
		}
	}
	return out
}

// kill ends a running container with the given exit, as SIGKILL (or the
// OOM killer) does: no handler runs.
func (r *Runtime) kill(c *ctr, code int, reason string) {
	r.mu.Lock()
	if c.status.State != container.StateRunning || c.killing != nil {
		r.mu.Unlock()
		return
	}
	c.killing = &exitInfo{code: code, reason: reason}
	main := c.main
	r.mu.Unlock()
	// Waking PID 1 with a kill unwinds it and runs finish, which kills the
	// rest. A PID 1 running right now (on another goroutine) notices the
	// kill at its next step.
	r.wake(main, 0, wakeKill)
}

// StopContainer sends the stop signal, waits timeout on the clock, then
// kills. The signal is delivered (and a trap handler run) before the kill
// timer is armed, so a test can wait for the timer before advancing.
func (r *Runtime) StopContainer(ctx context.Context, containerID string, timeout time.Duration) error {
	r.mu.Lock()
	c := r.ctrs[containerID]
	if c == nil {
		r.mu.Unlock()
		return fmt.Errorf("container %s: %w", containerID, container.ErrNotFound)
	}
	running := c.status.State == container.StateRunning
	r.mu.Unlock()
	if !running {
		return nil
	}
	if timeout > 0 {
		// The grace period runs from the stop request: the kill is on
		// the clock before the signal's handler runs, so whoever sees
		// what the handler printed knows the deadline is set.
		t := r.afterFunc(timeout, func() { r.kill(c, 137, "Error") })
		defer t.Stop()
		r.signal(c, c.stopSignal)
	} else {
		r.kill(c, 137, "Error")
	}
	select {
	case <-c.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// RemoveContainer removes an exited container.
func (r *Runtime) RemoveContainer(ctx context.Context, containerID string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.ctrs[containerID]
	if c == nil {
		return nil
	}
	if c.status.State == container.StateRunning {
		return fmt.Errorf("failed to remove container %q: container is in CONTAINER_RUNNING state, stop it first", containerID)
	}
	delete(r.ctrs, containerID)
	return nil
}

// ContainerStatus reports one container.
func (r *Runtime) ContainerStatus(ctx context.Context, containerID string) (*container.ContainerStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.ctrs[containerID]
	if c == nil {
		return nil, fmt.Errorf("container %s: %w", containerID, container.ErrNotFound)
	}
	st := c.status
	return &st, nil
}

// ListContainers lists containers, oldest first.
func (r *Runtime) ListContainers(ctx context.Context, sandboxID string) ([]container.ContainerStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cs := r.ctrsLocked(sandboxID, false)
	out := make([]container.ContainerStatus, len(cs))
	for i, c := range cs {
		out[i] = c.status
	}
	return out, nil
}

// Exec runs cmd in a running container. Its exit code is returned; a
// program that does not exist is an error, as runc reports it.
func (r *Runtime) Exec(ctx context.Context, containerID string, cmd []string, streams container.Streams) (int, error) {
	r.mu.Lock()
	c := r.ctrs[containerID]
	if c == nil {
		r.mu.Unlock()
		return 0, fmt.Errorf("container %s: %w", containerID, container.ErrNotFound)
	}
	if c.status.State != container.StateRunning || c.killing != nil {
		state := "CONTAINER_EXITED"
		if c.status.State == container.StateCreated {
			state = "CONTAINER_CREATED"
		}
		r.mu.Unlock()
		return 0, fmt.Errorf("failed to exec in container: container is in %s state", state)
	}
	if len(cmd) == 0 {
		r.mu.Unlock()
		return 0, errors.New("failed to exec in container: command must not be empty")
	}
	prog, ok := lookPath(c, cmd[0])
	if !ok {
		r.mu.Unlock()
		return 126, fmt.Errorf("failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown", cmd[0])
	}
	t := r.newTaskLocked(c, false)
	r.mu.Unlock()

	env := c.env
	if streams.TTY && lookup(env, "TERM") == "" {
		env = append(append([]string(nil), env...), "TERM=xterm")
	}
	var stdout, stderr = streams.Stdout, streams.Stderr
	if stdout == nil {
		stdout = discard{}
	}
	if stderr == nil {
		stderr = discard{}
	}
	if streams.TTY {
		stdout = &ttyWriter{w: stdout}
		stderr = stdout
	}
	var stdin = streams.Stdin
	if stdin == nil {
		stdin = emptyReader{}
	}
	r.spawn(t, func(t *task) int {
		return prog(&proc{t: t, argv: cmd, env: env, dir: c.workingDir(), stdin: stdin, stdout: stdout, stderr: stderr, interactive: streams.Stdin != nil, tty: streams.TTY})
	}, nil)
	select {
	case <-t.done:
		return t.code, nil
	case <-ctx.Done():
		// As containerd does for ExecSync past its timeout: the process
		// is killed.
		r.wake(t, 0, wakeKill)
		return 0, fmt.Errorf("failed to exec in container: %w", ctx.Err())
	}
}

// afterFunc runs f after d on the clock: synchronously inside the virtual
// clock's Advance (so it is deterministic), on its own goroutine on others.
func (r *Runtime) afterFunc(d time.Duration, f func()) utilclock.Timer {
	if dc, ok := r.clk.(utilclock.WithDelayedExecution); ok {
		return dc.AfterFunc(d, f)
	}
	t := r.clk.NewTimer(d)
	go func() {
		if _, ok := <-t.C(); ok {
			f()
		}
	}()
	return t
}

// blockingReader is PID 1's stdin: nothing is ever attached to it.
type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// ttyWriter turns \n into \r\n as a terminal's onlcr does.
type ttyWriter struct {
	w interface{ Write([]byte) (int, error) }
}

func (t *ttyWriter) Write(p []byte) (int, error) {
	_, err := t.w.Write([]byte(strings.ReplaceAll(string(p), "\n", "\r\n")))
	return len(p), err
}

func (e *pullError) Unwrap() error {
	if e.notFound {
		return container.ErrImageNotFound
	}
	return nil
}

// ensureDir makes the directory of a log path.
func ensureDir(path string) error { return os.MkdirAll(filepath.Dir(path), 0o755) }
