package sim

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kubelab/cluster/clock"
	"kubelab/cluster/container"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// rig is one node's runtime on a virtual clock with a sandbox.
type rig struct {
	t   *testing.T
	r   *Runtime
	clk *clock.Virtual
	dir string
	sb  string
	n   int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := clock.NewVirtual(epoch)
	r, err := New(Config{Clock: clk, Node: "worker-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	dir := t.TempDir()
	sb, err := r.RunPodSandbox(context.Background(), container.SandboxConfig{
		Name: "pod", Namespace: "default", UID: "uid-1", Hostname: "pod", IP: "10.244.1.5",
		LogDirectory: dir, DNS: container.DNSConfig{Servers: []string{"10.96.0.10"}, Searches: []string{"default.svc.cluster.local"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, r: r, clk: clk, dir: dir, sb: sb}
}

// start pulls, creates and starts a container and returns its ID.
func (g *rig) start(cfg container.ContainerConfig) string {
	g.t.Helper()
	id, err := g.create(cfg)
	if err != nil {
		g.t.Fatal(err)
	}
	if err := g.r.StartContainer(context.Background(), id); err != nil {
		g.t.Fatalf("start: %v", err)
	}
	return id
}

func (g *rig) create(cfg container.ContainerConfig) (string, error) {
	g.t.Helper()
	ctx := context.Background()
	if _, err := g.r.PullImage(ctx, cfg.Image); err != nil {
		return "", err
	}
	g.n++
	if cfg.Name == "" {
		cfg.Name = "c"
	}
	if cfg.LogPath == "" {
		cfg.LogPath = filepath.Join(g.dir, cfg.Name, strings.Repeat("0", g.n)+".log")
	}
	return g.r.CreateContainer(ctx, g.sb, cfg)
}

func (g *rig) status(id string) *container.ContainerStatus {
	g.t.Helper()
	st, err := g.r.ContainerStatus(context.Background(), id)
	if err != nil {
		g.t.Fatal(err)
	}
	return st
}

// logs returns the container's log with timestamps replaced by offsets
// from the epoch, e.g. "+2s stdout F hello".
func (g *rig) logs(id string) string {
	g.t.Helper()
	b, err := os.ReadFile(g.status(id).LogPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		g.t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		ts, rest, _ := strings.Cut(line, " ")
		at, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			g.t.Fatalf("log line %q: bad timestamp: %v", line, err)
		}
		out = append(out, "+"+at.Sub(epoch).String()+" "+rest)
	}
	return strings.Join(out, "\n")
}

func sh(script string) []string { return []string{"sh", "-c", script} }

func TestContainersExitAsBusyboxWould(t *testing.T) {
	tests := []struct {
		name    string
		image   string
		command []string
		args    []string
		env     []container.EnvVar
		memory  int64
		advance time.Duration
		state   container.State
		code    int32
		reason  string
		logs    string
	}{
		{
			name: "echo then exit 0 completes at once", image: "busybox", command: sh("echo hello"),
			state: container.StateExited, code: 0, reason: "Completed", logs: "+0s stdout F hello",
		},
		{
			name: "exit 1 is an Error", image: "busybox", command: sh("echo bye >&2; exit 1"),
			state: container.StateExited, code: 1, reason: "Error", logs: "+0s stderr F bye",
		},
		{
			name: "exit codes wrap at 256", image: "busybox", command: sh("exit 300"),
			state: container.StateExited, code: 44, reason: "Error",
		},
		{
			name: "an unknown command fails like busybox sh", image: "busybox", command: sh("foo bar"),
			state: container.StateExited, code: 127, reason: "Error", logs: "+0s stderr F sh: foo: not found",
		},
		{
			name: "debian's dash names the line", image: "nginx", command: sh("foo"),
			state: container.StateExited, code: 127, reason: "Error", logs: "+0s stderr F sh: 1: foo: not found",
		},
		{
			name: "sleep runs until the clock passes it", image: "busybox", command: sh("echo a; sleep 5; echo b"),
			advance: 4 * time.Second, state: container.StateRunning, logs: "+0s stdout F a",
		},
		{
			name: "sleep ends when the clock reaches it", image: "busybox", command: sh("echo a; sleep 5; echo b"),
			advance: 5 * time.Second, state: container.StateExited, reason: "Completed", logs: "+0s stdout F a\n+5s stdout F b",
		},
		{
			name: "sleep understands suffixes", image: "busybox", command: []string{"sleep", "1m"},
			advance: time.Minute, state: container.StateExited, reason: "Completed",
		},
		{
			name: "sleep infinity never ends", image: "busybox", command: []string{"sleep", "infinity"},
			advance: 1000 * time.Hour, state: container.StateRunning,
		},
		{
			name: "args replace CMD and keep ENTRYPOINT", image: "busybox", args: []string{"echo", "from", "args"},
			state: container.StateExited, reason: "Completed", logs: "+0s stdout F from args",
		},
		{
			name: "busybox with no command reads no stdin and completes", image: "busybox",
			state: container.StateExited, reason: "Completed",
		},
		{
			name: "variables expand from the environment", image: "busybox", command: sh(`echo "$GREETING, ${NAME}!" $((2*21))`),
			env:   []container.EnvVar{{Name: "GREETING", Value: "Hello"}, {Name: "NAME", Value: "kubelab"}},
			state: container.StateExited, reason: "Completed", logs: "+0s stdout F Hello, kubelab! 42",
		},
		{
			name: "a for loop with sleeps logs at each step", image: "busybox",
			command: sh("for i in 1 2 3; do echo tick $i; sleep 10; done; echo done"),
			advance: 30 * time.Second, state: container.StateExited, reason: "Completed",
			logs: "+0s stdout F tick 1\n+10s stdout F tick 2\n+20s stdout F tick 3\n+30s stdout F done",
		},
		{
			name: "while true with a counter", image: "busybox",
			command: sh(`i=0; while true; do i=$((i+1)); echo "$i: $(date)"; if [ $i -ge 2 ]; then exit 3; fi; sleep 1; done`),
			advance: 5 * time.Second, state: container.StateExited, code: 3, reason: "Error",
			logs: "+0s stdout F 1: Thu Jan  1 00:00:00 UTC 2026\n+1s stdout F 2: Thu Jan  1 00:00:01 UTC 2026",
		},
		{
			name: "&& and || short-circuit", image: "busybox", command: sh("false && echo no || echo yes; true || echo no; true && echo and"),
			state: container.StateExited, reason: "Completed", logs: "+0s stdout F yes\n+0s stdout F and",
		},
		{
			name: "printf formats", image: "busybox", command: []string{"printf", "%s-%03d|%-4s|\n", "a", "7", "b"},
			state: container.StateExited, reason: "Completed", logs: "+0s stdout F a-007|b   |",
		},
		{
			name: "hostname and the pod's files", image: "busybox", command: sh("hostname; cat /etc/hostname; cat /nope"),
			state: container.StateExited, code: 1, reason: "Error",
			logs: "+0s stdout F pod\n+0s stdout F pod\n+0s stderr F cat: can't open '/nope': No such file or directory",
		},
		{
			name: "files written in the container can be read back", image: "busybox",
			command: sh("mkdir -p /data/x && echo one > /data/x/f && echo two >> /data/x/f && cat /data/x/f | wc -l"),
			state:   container.StateExited, reason: "Completed", logs: "+0s stdout F 2",
		},
		{
			name: "a syntax error is exit 2", image: "busybox", command: sh("if true; then echo"),
			state: container.StateExited, code: 2, reason: "Error",
			logs: "+0s stderr F sh: syntax error: unexpected end of file (expecting \"fi\")",
		},
		{
			name: "tail /dev/zero under a memory limit is OOMKilled", image: "busybox", command: []string{"tail", "/dev/zero"},
			memory: 64 << 20, advance: time.Second, state: container.StateExited, code: 137, reason: "OOMKilled",
		},
		{
			name: "tail /dev/zero without a limit keeps running", image: "busybox", command: []string{"tail", "/dev/zero"},
			advance: time.Hour, state: container.StateRunning,
		},
		{
			name: "stress over its limit is OOMKilled", image: "polinux/stress", command: []string{"stress"},
			args: []string{"--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"}, memory: 100 << 20,
			advance: time.Second, state: container.StateExited, code: 137, reason: "OOMKilled",
			logs: "+0s stdout F stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd",
		},
		{
			name: "stress under its limit runs", image: "polinux/stress", command: []string{"stress"},
			args: []string{"--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"}, memory: 200 << 20,
			advance: time.Minute, state: container.StateRunning,
			logs: "+0s stdout F stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd",
		},
		{
			name: "a busy loop advances with the clock", image: "busybox", command: sh("while true; do :; done"),
			advance: time.Hour, state: container.StateRunning,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newRig(t)
			id := g.start(container.ContainerConfig{Image: tt.image, Command: tt.command, Args: tt.args, Env: tt.env,
				Resources: container.Resources{MemoryLimitBytes: tt.memory}})
			g.clk.Advance(tt.advance)
			st := g.status(id)
			if st.State != tt.state || st.ExitCode != tt.code || st.Reason != tt.reason {
				t.Errorf("state %s exit %d reason %q, want %s exit %d reason %q", st.State, st.ExitCode, st.Reason, tt.state, tt.code, tt.reason)
			}
			if got := g.logs(id); got != tt.logs {
				t.Errorf("logs:\n%s\nwant:\n%s", got, tt.logs)
			}
		})
	}
}

func TestImages(t *testing.T) {
	tests := []struct {
		name, image string
		wantRef     string
		wantErr     string
	}{
		{name: "a short name is docker.io/library with latest", image: "nginx", wantRef: "docker.io/library/nginx:latest"},
		{name: "a tag is kept", image: "busybox:1.36", wantRef: "docker.io/library/busybox:1.36"},
		{name: "registry.k8s.io images resolve", image: "registry.k8s.io/pause:3.10", wantRef: "registry.k8s.io/pause:3.10"},
		{name: "agnhost resolves", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", wantRef: "registry.k8s.io/e2e-test-images/agnhost:2.53"},
		{
			name: "an unknown tag is not found", image: "nginx:nosuch",
			wantErr: `failed to pull and unpack image "docker.io/library/nginx:nosuch": failed to resolve reference "docker.io/library/nginx:nosuch": docker.io/library/nginx:nosuch: not found`,
		},
		{
			name: "an unknown Docker Hub repository is denied", image: "nosuchimage",
			wantErr: `failed to pull and unpack image "docker.io/library/nosuchimage:latest": failed to resolve reference "docker.io/library/nosuchimage:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newRig(t)
			id, err := g.r.PullImage(context.Background(), tt.image)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err %v, want %s", err, tt.wantErr)
				}
				if !errors.Is(err, container.ErrImageNotFound) {
					t.Errorf("error does not wrap ErrImageNotFound")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img, _ := g.r.ImageStatus(context.Background(), tt.image)
			if img == nil || img.Ref != tt.wantRef || img.ID != id {
				t.Fatalf("image %+v, want ref %s id %s", img, tt.wantRef, id)
			}
			if !regexp.MustCompile(`^[a-z0-9./-]+@sha256:[0-9a-f]{64}$`).MatchString(id) {
				t.Errorf("image ID %q does not look like a repo digest", id)
			}
		})
	}
}

func TestFailMakesPullsFail(t *testing.T) {
	g := newRig(t)
	if err := g.r.Fail("nginx:1.27"); err != nil {
		t.Fatal(err)
	}
	_, err := g.r.PullImage(context.Background(), "nginx:1.27")
	if err == nil || errors.Is(err, container.ErrImageNotFound) || !strings.HasPrefix(err.Error(), `failed to pull and unpack image "docker.io/library/nginx:1.27"`) {
		t.Fatalf("err %v", err)
	}
	if _, err := g.r.PullImage(context.Background(), "nginx:1.25"); err != nil {
		t.Fatalf("another tag: %v", err)
	}
	g.r.Unfail("nginx:1.27")
	if _, err := g.r.PullImage(context.Background(), "nginx:1.27"); err != nil {
		t.Fatal(err)
	}
}

func TestStartError(t *testing.T) {
	g := newRig(t)
	id, err := g.create(container.ContainerConfig{Image: "busybox", Command: []string{"nosuch"}})
	if err != nil {
		t.Fatal(err)
	}
	err = g.r.StartContainer(context.Background(), id)
	if err == nil || !strings.Contains(err.Error(), `exec: "nosuch": executable file not found in $PATH`) {
		t.Fatalf("err %v", err)
	}
	st := g.status(id)
	if st.State != container.StateExited || st.ExitCode != 128 || st.Reason != "StartError" {
		t.Fatalf("status %+v", st)
	}
}

// stop runs StopContainer on its own goroutine and waits until it has
// delivered the signal and armed its kill timer.
func (g *rig) stop(id string, grace time.Duration) <-chan error {
	g.t.Helper()
	before := g.clk.Waiters()
	done := make(chan error, 1)
	go func() { done <- g.r.StopContainer(context.Background(), id, grace) }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ch := g.clk.Changed()
		select {
		case err := <-done:
			done <- err
			return done
		default:
		}
		if g.clk.Waiters() > before {
			return done
		}
		select {
		case <-ch:
		case err := <-done:
			done <- err
			return done
		case <-ctx.Done():
			g.t.Fatal("StopContainer did not arm its kill timer")
		}
	}
}

func wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("StopContainer did not return")
	}
}

func TestStop(t *testing.T) {
	tests := []struct {
		name     string
		image    string
		command  []string
		grace    time.Duration
		advance  time.Duration // after the signal
		code     int32
		reason   string
		logs     string
		finished time.Duration
	}{
		{
			name: "sleep as PID 1 ignores TERM and is killed after the grace period", image: "busybox",
			command: []string{"sleep", "3600"}, grace: 30 * time.Second, advance: 30 * time.Second,
			code: 137, reason: "Error", finished: 30 * time.Second,
		},
		{
			name: "a TERM trap waits for the foreground sleep to finish", image: "busybox",
			command: sh("trap 'echo bye; exit 0' TERM; sleep 10; echo after"), grace: 30 * time.Second, advance: 30 * time.Second,
			code: 0, reason: "Completed", logs: "+10s stdout F bye", finished: 10 * time.Second,
		},
		{
			name: "a TERM trap runs at once when the shell waits", image: "busybox",
			command: sh("trap 'echo bye; exit 0' TERM; sleep 3600 & wait"), grace: 30 * time.Second,
			code: 0, reason: "Completed", logs: "+0s stdout F bye",
		},
		{
			name: "a trap that does not exit leaves the shell running until killed", image: "busybox",
			command: sh("trap 'echo bye' TERM; while true; do sleep 1; done"), grace: 5 * time.Second, advance: 5 * time.Second,
			code: 137, reason: "Error", logs: "+1s stdout F bye", finished: 5 * time.Second,
		},
		{
			name: "nginx shuts down gracefully on SIGQUIT and exits 0", image: "nginx:1.27",
			grace: 30 * time.Second, code: 0, reason: "Completed",
		},
		{
			name: "pause exits 0 on TERM", image: "registry.k8s.io/pause:3.10", grace: 30 * time.Second,
			code: 0, reason: "Completed", logs: "+0s stderr F Shutting down, got signal: Terminated",
		},
		{
			name: "a zero grace period kills at once", image: "busybox", command: sh("trap 'echo bye' TERM; sleep 100 & wait"),
			code: 137, reason: "Error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newRig(t)
			id := g.start(container.ContainerConfig{Image: tt.image, Command: tt.command})
			before := g.logs(id)
			done := g.stop(id, tt.grace)
			if tt.advance > 0 {
				g.clk.Advance(tt.advance)
			}
			wait(t, done)
			st := g.status(id)
			if st.State != container.StateExited || st.ExitCode != tt.code || st.Reason != tt.reason {
				t.Errorf("state %s exit %d reason %q, want Exited %d %q", st.State, st.ExitCode, st.Reason, tt.code, tt.reason)
			}
			if got := st.FinishedAt.Sub(epoch); got != tt.finished {
				t.Errorf("finished at +%s, want +%s", got, tt.finished)
			}
			got := strings.TrimPrefix(strings.TrimPrefix(g.logs(id), before), "\n")
			if strings.Contains(tt.image, "nginx") {
				if !strings.Contains(got, "[notice] 1#1: signal 3 (SIGQUIT) received, shutting down") || !strings.HasSuffix(got, "[notice] 1#1: exit") {
					t.Errorf("nginx shutdown logs:\n%s", got)
				}
				return
			}
			if got != tt.logs {
				t.Errorf("logs after stop:\n%s\nwant:\n%s", got, tt.logs)
			}
		})
	}
}

func TestEventsAreDeliveredInOrder(t *testing.T) {
	g := newRig(t)
	a := g.start(container.ContainerConfig{Name: "a", Image: "busybox", Command: sh("sleep 2")})
	b := g.start(container.ContainerConfig{Name: "b", Image: "busybox", Command: sh("exit 1")})
	g.clk.Advance(2 * time.Second)
	want := []container.Event{
		{Type: container.EventStarted, ContainerID: a, SandboxID: g.sb, Time: epoch},
		{Type: container.EventStarted, ContainerID: b, SandboxID: g.sb, Time: epoch},
		{Type: container.EventExited, ContainerID: b, SandboxID: g.sb, Time: epoch},
		{Type: container.EventExited, ContainerID: a, SandboxID: g.sb, Time: epoch.Add(2 * time.Second)},
	}
	for i, w := range want {
		select {
		case ev := <-g.r.Events():
			if ev != w {
				t.Fatalf("event %d: %+v, want %+v", i, ev, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d did not arrive", i)
		}
	}
}

func TestExec(t *testing.T) {
	g := newRig(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "game.properties"), []byte("lives=3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	id := g.start(container.ContainerConfig{Image: "busybox", Command: []string{"sleep", "3600"},
		Env:    []container.EnvVar{{Name: "HOST_IP", Value: "192.168.1.10"}},
		Mounts: []container.Mount{{HostPath: dir, ContainerPath: "/etc/config", ReadOnly: true}}})
	tests := []struct {
		name   string
		cmd    []string
		code   int
		stdout string
		stderr string
		err    string
	}{
		{name: "env lists the container's environment in order", cmd: []string{"env"},
			stdout: "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=pod\nHOST_IP=192.168.1.10\nHOME=/root\n"},
		{name: "sh -c env lists it in ash's hash order, as busybox 1.35 does", cmd: sh("env"),
			stdout: "HOST_IP=192.168.1.10\nHOSTNAME=pod\nSHLVL=1\nHOME=/root\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nPWD=/\n"},
		{name: "cat reads a mounted file", cmd: []string{"cat", "/etc/config/game.properties"}, stdout: "lives=3\n"},
		{name: "ls lists a mounted directory", cmd: []string{"ls", "/etc/config"}, stdout: "game.properties\n"},
		{name: "a read-only mount refuses writes", cmd: sh("echo x > /etc/config/new"), code: 1,
			stderr: "sh: can't create /etc/config/new: Read-only file system\n"},
		{name: "exit codes come back", cmd: sh("exit 3"), code: 3},
		{name: "an unknown program in sh is 127", cmd: sh("nosuch"), code: 127, stderr: "sh: nosuch: not found\n"},
		{name: "an unknown program is an exec error", cmd: []string{"nosuch"}, code: 126,
			err: `failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, err := g.r.Exec(context.Background(), id, tt.cmd, container.Streams{Stdout: &stdout, Stderr: &stderr})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || stdout.String() != tt.stdout || stderr.String() != tt.stderr {
				t.Errorf("exit %d stdout %q stderr %q, want %d %q %q", code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}
	t.Run("an interactive shell reads commands from stdin", func(t *testing.T) {
		var out bytes.Buffer
		code, err := g.r.Exec(context.Background(), id, []string{"sh"}, container.Streams{
			Stdin: strings.NewReader("echo $HOST_IP\nexit 4\n"), Stdout: &out, Stderr: &out})
		if err != nil || code != 4 || out.String() != "192.168.1.10\n" {
			t.Fatalf("exit %d err %v out %q", code, err, out.String())
		}
	})
	t.Run("exec in a stopped container fails", func(t *testing.T) {
		done := g.stop(id, time.Second)
		g.clk.Advance(time.Second)
		wait(t, done)
		if _, err := g.r.Exec(context.Background(), id, []string{"true"}, container.Streams{}); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestProbes(t *testing.T) {
	ctx := context.Background()
	g := newRig(t)
	if _, err := g.r.ProbeHTTP(ctx, g.sb, 80, "/"); err == nil || err.Error() != "dial tcp 10.244.1.5:80: connect: connection refused" {
		t.Fatalf("before start: %v", err)
	}
	id := g.start(container.ContainerConfig{Image: "nginx:1.27"})
	code, err := g.r.ProbeHTTP(ctx, g.sb, 80, "/")
	if err != nil || code != 200 {
		t.Fatalf("GET /: %d %v", code, err)
	}
	if code, _ := g.r.ProbeHTTP(ctx, g.sb, 80, "/healthz"); code != 404 {
		t.Fatalf("GET /healthz: %d", code)
	}
	if err := g.r.ProbeTCP(ctx, g.sb, 80); err != nil {
		t.Fatal(err)
	}
	if err := g.r.ProbeTCP(ctx, g.sb, 81); err == nil {
		t.Fatal("port 81 answered")
	}
	logs := g.logs(id)
	for _, want := range []string{
		"+0s stdout F /docker-entrypoint.sh: Configuration complete; ready for start up",
		"+0s stderr F 2026/01/01 00:00:00 [notice] 1#1: nginx/1.27.5",
		`+0s stdout F 10.244.1.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.37" "-"`,
		`+0s stderr F 2026/01/01 00:00:00 [error] 29#29: *2 open() "/usr/share/nginx/html/healthz" failed (2: No such file or directory), client: 10.244.1.1, server: localhost, request: "GET /healthz HTTP/1.1", host: "10.244.1.5:80"`,
	} {
		if !strings.Contains(logs, want+"\n") {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}

	t.Run("agnhost liveness fails after 10 seconds", func(t *testing.T) {
		g := newRig(t)
		g.start(container.ContainerConfig{Image: "registry.k8s.io/e2e-test-images/agnhost:2.53", Args: []string{"liveness"}})
		g.clk.Advance(10 * time.Second)
		if code, _ := g.r.ProbeHTTP(ctx, g.sb, 8080, "/healthz"); code != 200 {
			t.Fatalf("at 10s: %d", code)
		}
		g.clk.Advance(time.Second)
		if code, _ := g.r.ProbeHTTP(ctx, g.sb, 8080, "/healthz"); code != 500 {
			t.Fatalf("at 11s: %d", code)
		}
	})
	t.Run("busybox httpd serves a directory", func(t *testing.T) {
		g := newRig(t)
		g.start(container.ContainerConfig{Image: "busybox", Command: sh("mkdir /www && echo hi > /www/index.html && httpd -f -p 8080 -h /www")})
		code, body, err := g.r.HTTPGet(ctx, g.sb, 8080, "/", "test")
		if err != nil || code != 200 || string(body) != "hi\n" {
			t.Fatalf("%d %q %v", code, body, err)
		}
	})
	t.Run("nc -l exits after one connection", func(t *testing.T) {
		g := newRig(t)
		id := g.start(container.ContainerConfig{Image: "busybox", Command: []string{"nc", "-l", "-p", "8080"}})
		if err := g.r.ProbeTCP(ctx, g.sb, 8080); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for g.status(id).State != container.StateExited {
			if time.Now().After(deadline) {
				t.Fatal("nc did not exit")
			}
			select {
			case <-g.r.Events():
			case <-time.After(10 * time.Millisecond):
			}
		}
		if st := g.status(id); st.ExitCode != 0 {
			t.Fatalf("exit %d", st.ExitCode)
		}
	})
}

func TestNginxWelcomePageIsTheRealOne(t *testing.T) {
	if len(nginxWelcome) != 615 {
		t.Fatalf("welcome page is %d bytes, nginx's is 615", len(nginxWelcome))
	}
}

// scenario runs a fixed sequence of starts, clock steps, probes and stops
// and returns every log and status it produced.
func scenario(t *testing.T) string {
	g := newRig(t)
	ctx := context.Background()
	ids := []string{
		g.start(container.ContainerConfig{Name: "web", Image: "nginx"}),
		g.start(container.ContainerConfig{Name: "loop", Image: "busybox", Command: sh(`i=0; while [ $i -lt 50 ]; do echo "$i $(date +%T)"; i=$((i+1)); sleep 0.5; done`)}),
		g.start(container.ContainerConfig{Name: "trap", Image: "busybox", Command: sh("trap 'echo stopping; exit 0' TERM; while true; do echo alive; sleep 3; done")}),
		g.start(container.ContainerConfig{Name: "oom", Image: "busybox", Command: []string{"tail", "/dev/zero"}, Resources: container.Resources{MemoryLimitBytes: 300 << 20}}),
	}
	for i := 0; i < 20; i++ {
		g.clk.Advance(700 * time.Millisecond)
		g.r.ProbeHTTP(ctx, g.sb, 80, "/")
	}
	done := g.stop(ids[2], 10*time.Second)
	g.clk.Advance(10 * time.Second)
	wait(t, done)
	done = g.stop(ids[0], 10*time.Second)
	wait(t, done)
	var b strings.Builder
	for _, id := range ids {
		st := g.status(id)
		b.WriteString(st.Name + " " + string(st.State) + " " + st.Reason + " " + st.FinishedAt.String() + "\n")
		raw, _ := os.ReadFile(st.LogPath)
		b.Write(raw)
	}
	return b.String()
}

func TestSameStepsGiveTheSameBytes(t *testing.T) {
	first := scenario(t)
	second := scenario(t)
	if first != second {
		t.Fatalf("runs differ:\n%s\n----\n%s", first, second)
	}
	if !strings.Contains(first, "trap Exited Completed") || !strings.Contains(first, "oom Exited OOMKilled") {
		t.Fatalf("scenario did not end as expected:\n%s", first)
	}
}

func TestWritesToPID1StreamsGoToTheContainerLog(t *testing.T) {
	g := newRig(t)
	id := g.start(container.ContainerConfig{Image: "busybox", Command: sh("echo started; sleep 3600")})
	// A preStop hook's idiom: exec output is not logged, PID 1's is.
	for _, cmd := range [][]string{sh("echo from exec > /proc/1/fd/1"), sh("echo to stderr > /proc/1/fd/2"), sh("echo not logged")} {
		if code, err := g.r.Exec(context.Background(), id, cmd, container.Streams{}); err != nil || code != 0 {
			t.Fatalf("exec %q: %d %v", cmd, code, err)
		}
	}
	want := "+0s stdout F started\n+0s stdout F from exec\n+0s stderr F to stderr"
	if got := g.logs(id); got != want {
		t.Errorf("logs:\n%s\nwant:\n%s", got, want)
	}
}
