package kubelet_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"kubelab/cluster/clock"
	"kubelab/cluster/container"
)

// fakeRuntime is a tiny stand-in for the sim runtime: "echo X" writes a
// line, "exit N" ends the container, anything else runs until stopped.
type fakeRuntime struct {
	clk    clock.Clock
	mu     sync.Mutex
	seq    int
	images map[string]bool
	conts  map[string]*fakeContainer
	events chan container.Event
	// readiness answers exec probes: "cat /ready" succeeds when true.
	ready bool
}

type fakeContainer struct {
	st  container.ContainerStatus
	cfg container.ContainerConfig
}

func newFakeRuntime(clk clock.Clock) *fakeRuntime {
	return &fakeRuntime{clk: clk, images: map[string]bool{}, conts: map[string]*fakeContainer{}, events: make(chan container.Event, 1000), ready: true}
}

var fakeCatalog = map[string]bool{"nginx:1.27": true, "busybox:1.36": true, "busybox": true}

func (f *fakeRuntime) Name() string                            { return "sim" }
func (f *fakeRuntime) Version(context.Context) (string, error) { return "sim://1.0.0", nil }
func (f *fakeRuntime) Events() <-chan container.Event          { return f.events }
func (f *fakeRuntime) Close() error                            { return nil }
func (f *fakeRuntime) RunPodSandbox(_ context.Context, cfg container.SandboxConfig) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("sandbox%d", f.seq), nil
}
func (f *fakeRuntime) StopPodSandbox(ctx context.Context, id string) error {
	for _, c := range f.list(id) {
		if c.State == container.StateRunning {
			f.StopContainer(ctx, c.ID, 0)
		}
	}
	return nil
}
func (f *fakeRuntime) RemovePodSandbox(context.Context, string) error { return nil }

func (f *fakeRuntime) PullImage(_ context.Context, image string) (string, error) {
	if !fakeCatalog[image] {
		return "", fmt.Errorf("rpc error: code = NotFound desc = failed to pull and unpack image %q: %w", "docker.io/library/"+image, container.ErrImageNotFound)
	}
	f.mu.Lock()
	f.images[image] = true
	f.mu.Unlock()
	return "docker.io/library/" + image + "@sha256:0123", nil
}

func (f *fakeRuntime) ImageStatus(_ context.Context, image string) (*container.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.images[image] {
		return nil, nil
	}
	return &container.Image{Ref: "docker.io/library/" + image, ID: "docker.io/library/" + image + "@sha256:0123", Size: 1000}, nil
}

func (f *fakeRuntime) ListImages(context.Context) ([]container.Image, error) { return nil, nil }

func (f *fakeRuntime) CreateContainer(_ context.Context, sandbox string, cfg container.ContainerConfig) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("c%04d", f.seq)
	f.conts[id] = &fakeContainer{cfg: cfg, st: container.ContainerStatus{
		ID: id, SandboxID: sandbox, Name: cfg.Name, Attempt: cfg.Attempt, State: container.StateCreated,
		CreatedAt: f.clk.Now(), Image: "docker.io/library/" + cfg.Image, ImageID: cfg.ImageID, LogPath: cfg.LogPath,
	}}
	return id, nil
}

func (f *fakeRuntime) StartContainer(_ context.Context, id string) error {
	f.mu.Lock()
	c := f.conts[id]
	c.st.State = container.StateRunning
	c.st.StartedAt = f.clk.Now()
	script := strings.Join(append(append([]string(nil), c.cfg.Command...), c.cfg.Args...), " ")
	script = strings.TrimPrefix(strings.TrimPrefix(script, "sh -c "), "/bin/sh -c ")
	logf, _ := os.OpenFile(c.cfg.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	exit := -1
	for _, part := range strings.Split(script, ";") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "echo "):
			fmt.Fprintf(logf, "%s stdout F %s\n", f.clk.Now().UTC().Format(time.RFC3339Nano), strings.TrimPrefix(part, "echo "))
		case strings.HasPrefix(part, "exit "):
			exit, _ = strconv.Atoi(strings.TrimPrefix(part, "exit "))
		}
		if exit >= 0 {
			break
		}
	}
	logf.Close()
	f.mu.Unlock()
	f.events <- container.Event{Type: container.EventStarted, ContainerID: id, SandboxID: c.st.SandboxID}
	if exit >= 0 {
		f.exit(id, int32(exit))
	}
	return nil
}

func (f *fakeRuntime) exit(id string, code int32) {
	f.mu.Lock()
	c := f.conts[id]
	if c.st.State != container.StateRunning {
		f.mu.Unlock()
		return
	}
	c.st.State = container.StateExited
	c.st.ExitCode = code
	c.st.FinishedAt = f.clk.Now()
	c.st.Reason = "Error"
	if code == 0 {
		c.st.Reason = "Completed"
	}
	f.mu.Unlock()
	f.events <- container.Event{Type: container.EventExited, ContainerID: id, SandboxID: c.st.SandboxID}
}

func (f *fakeRuntime) StopContainer(_ context.Context, id string, _ time.Duration) error {
	f.exit(id, 143)
	return nil
}

func (f *fakeRuntime) RemoveContainer(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.conts, id)
	return nil
}

func (f *fakeRuntime) ContainerStatus(_ context.Context, id string) (*container.ContainerStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.conts[id]
	if c == nil {
		return nil, container.ErrNotFound
	}
	st := c.st
	return &st, nil
}

func (f *fakeRuntime) list(sandbox string) []container.ContainerStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []container.ContainerStatus
	for _, c := range f.conts {
		if sandbox == "" || c.st.SandboxID == sandbox {
			out = append(out, c.st)
		}
	}
	return out
}

func (f *fakeRuntime) ListContainers(_ context.Context, sandbox string) ([]container.ContainerStatus, error) {
	return f.list(sandbox), nil
}

func (f *fakeRuntime) setReady(ready bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ready = ready
}

func (f *fakeRuntime) Exec(_ context.Context, id string, cmd []string, s container.Streams) (int, error) {
	f.mu.Lock()
	c := f.conts[id]
	ready := f.ready
	f.mu.Unlock()
	if c == nil {
		return 0, container.ErrNotFound
	}
	switch cmd[0] {
	case "env":
		for _, e := range c.cfg.Env {
			fmt.Fprintf(s.Stdout, "%s=%s\n", e.Name, e.Value)
		}
	case "echo":
		fmt.Fprintln(s.Stdout, strings.Join(cmd[1:], " "))
	case "cat":
		if !ready {
			fmt.Fprintf(s.Stderr, "cat: can't open '%s': No such file or directory\n", cmd[1])
			return 1, nil
		}
	case "false":
		return 1, nil
	}
	return 0, nil
}

var _ container.Runtime = &fakeRuntime{}
