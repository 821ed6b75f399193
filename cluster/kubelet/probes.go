package kubelet

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"kubelab/cluster/container"
)

// probeState is the prober manager's view of one container: a worker per
// probe kind, each on its own period, with consecutive-result counters
// (pkg/kubelet/prober/worker.go).
type probeState struct {
	started       time.Time
	startupDone   bool
	ready         bool
	liveFailed    bool
	startupFailed bool
	kinds         []*probeRun
}

type probeRun struct {
	kind    string // "Startup", "Liveness", "Readiness"
	probe   *corev1.Probe
	next    time.Time
	last    bool // last result
	counted bool // whether last is set
	run     int  // how many times in a row last came
}

func newProbeState(c *corev1.Container, started time.Time) *probeState {
	ps := &probeState{started: started, startupDone: c.StartupProbe == nil, ready: c.ReadinessProbe == nil}
	add := func(kind string, p *corev1.Probe) {
		if p == nil {
			return
		}
		// The worker probes on its period from the container's start and
		// skips the ticks inside initialDelaySeconds.
		period := probePeriod(p)
		delay := time.Duration(p.InitialDelaySeconds) * time.Second
		first := started
		for first.Sub(started) < delay {
			first = first.Add(period)
		}
		ps.kinds = append(ps.kinds, &probeRun{kind: kind, probe: p, next: first})
	}
	add("Startup", c.StartupProbe)
	add("Liveness", c.LivenessProbe)
	add("Readiness", c.ReadinessProbe)
	return ps
}

func probePeriod(p *corev1.Probe) time.Duration {
	if p.PeriodSeconds <= 0 {
		return 10 * time.Second
	}
	return time.Duration(p.PeriodSeconds) * time.Second
}

func threshold(n int32, def int32) int {
	if n <= 0 {
		return int(def)
	}
	return int(n)
}

// runProbes runs the probes that are due on running containers and asks
// for a wake at the next one.
func (w *podWorker) runProbes(ctx context.Context, pod *corev1.Pod, conts map[string]instances) {
	now := w.k.clock.Now()
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		is := conts[c.Name]
		if len(is) == 0 || is[0].State != container.StateRunning {
			continue
		}
		ps := w.probes[is[0].ID]
		if ps == nil {
			continue
		}
		for _, pr := range ps.kinds {
			for !pr.next.After(now) {
				pr.next = pr.next.Add(probePeriod(pr.probe))
				if pr.kind != "Startup" && !ps.startupDone {
					continue // liveness and readiness wait for startup
				}
				if pr.kind == "Startup" && ps.startupDone {
					continue
				}
				w.probeOnce(ctx, pod, c, is[0], ps, pr)
				if ps.liveFailed || ps.startupFailed {
					break
				}
			}
			if !ps.liveFailed && !ps.startupFailed {
				w.wakeAt(pr.next)
			}
		}
		if ps.liveFailed || ps.startupFailed {
			// Kill it now rather than at the next wake.
			w.wakeAt(now)
			w.poke()
		}
	}
}

func (w *podWorker) probeOnce(ctx context.Context, pod *corev1.Pod, c *corev1.Container, cur container.ContainerStatus, ps *probeState, pr *probeRun) {
	if err := w.enter(ctx, "kubelet.probe", fmt.Sprintf("%s probe of container %s", strings.ToLower(pr.kind), c.Name)); err != nil {
		return
	}
	ok, output := w.probe(ctx, pod, c, cur.ID, pr.probe)
	if !ok {
		w.k.recorder.Eventf(podRef(pod, fieldPath(pod, c.Name)), corev1.EventTypeWarning, "Unhealthy", "%s probe failed: %s", pr.kind, output)
	}
	if pr.counted && pr.last == ok {
		pr.run++
	} else {
		pr.last, pr.counted, pr.run = ok, true, 1
	}
	need := threshold(pr.probe.SuccessThreshold, 1)
	if !ok {
		need = threshold(pr.probe.FailureThreshold, 3)
	}
	if pr.run < need {
		return
	}
	switch pr.kind {
	case "Startup":
		if ok {
			ps.startupDone = true
		} else {
			ps.startupFailed = true
		}
	case "Liveness":
		if !ok {
			ps.liveFailed = true
		}
	case "Readiness":
		ps.ready = ok
	}
}

// probe runs one exec, httpGet or tcpSocket check (pkg/kubelet/prober).
func (w *podWorker) probe(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id string, p *corev1.Probe) (bool, string) {
	timeout := time.Duration(p.TimeoutSeconds) * time.Second
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer w.k.afterFunc(timeout, cancel)()
	switch {
	case p.Exec != nil:
		var out bytes.Buffer
		code, err := w.rt.Exec(ctx, id, p.Exec.Command, container.Streams{Stdout: &out, Stderr: &out})
		if ctx.Err() != nil {
			return false, fmt.Sprintf("command %q timed out", strings.Join(p.Exec.Command, " "))
		}
		if err != nil {
			return false, err.Error()
		}
		if code != 0 {
			// The probe's output is the message, empty or not (prober/exec).
			return false, out.String()
		}
		return true, out.String()
	case p.HTTPGet != nil:
		return w.probeHTTP(ctx, c, p.HTTPGet)
	case p.TCPSocket != nil:
		port, err := resolvePort(p.TCPSocket.Port, c)
		if err != nil {
			return false, err.Error()
		}
		addr := net.JoinHostPort(w.podIP, strconv.Itoa(port))
		if np, ok := w.rt.(container.NetworkProber); ok {
			if err := np.ProbeTCP(ctx, w.sandboxID, port); err != nil {
				return false, fmt.Sprintf("dial tcp %s: %v", addr, err)
			}
			return true, ""
		}
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return false, err.Error()
		}
		conn.Close()
		return true, ""
	}
	return true, ""
}

func (w *podWorker) probeHTTP(ctx context.Context, c *corev1.Container, g *corev1.HTTPGetAction) (bool, string) {
	port, err := resolvePort(g.Port, c)
	if err != nil {
		return false, err.Error()
	}
	path := g.Path
	if path == "" {
		path = "/"
	}
	host := w.podIP
	if g.Host != "" {
		host = g.Host
	}
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	url := fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), path)
	var code int
	if np, ok := w.rt.(container.NetworkProber); ok {
		code, err = np.ProbeHTTP(ctx, w.sandboxID, port, path)
		if err != nil {
			return false, fmt.Sprintf("Get %q: dial tcp %s: %v", url, net.JoinHostPort(host, strconv.Itoa(port)), err)
		}
	} else {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err.Error()
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		code = resp.StatusCode
	}
	if code >= 200 && code < 400 {
		return true, ""
	}
	return false, fmt.Sprintf("HTTP probe failed with statuscode: %d", code)
}

func resolvePort(p intstr.IntOrString, c *corev1.Container) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(p.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("couldn't find port: %v in %v", p.StrVal, c.Name)
}

// runHook runs a postStart or preStop handler within timeout and returns
// the message of its failure.
func (w *podWorker) runHook(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id string, h *corev1.LifecycleHandler, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer w.k.afterFunc(timeout, cancel)()
	switch {
	case h.Exec != nil:
		var out bytes.Buffer
		code, err := w.rt.Exec(ctx, id, h.Exec.Command, container.Streams{Stdout: &out, Stderr: &out})
		if err != nil {
			return fmt.Sprintf("Exec lifecycle hook (%v) for Container %q in Pod %q failed - error: %v, message: %q", h.Exec.Command, c.Name, podDesc(pod), err, out.String()), err
		}
		if code != 0 {
			err := fmt.Errorf("command '%s' exited with %d: %s", strings.Join(h.Exec.Command, " "), code, out.String())
			return fmt.Sprintf("Exec lifecycle hook (%v) for Container %q in Pod %q failed - error: %v, message: %q", h.Exec.Command, c.Name, podDesc(pod), err, out.String()), err
		}
	case h.HTTPGet != nil:
		if ok, out := w.probeHTTP(ctx, c, h.HTTPGet); !ok {
			return fmt.Sprintf("HTTP lifecycle hook (%s) for Container %q in Pod %q failed - error: %s", h.HTTPGet.Path, c.Name, podDesc(pod), out), fmt.Errorf("%s", out)
		}
	case h.Sleep != nil:
		select {
		case <-ctx.Done():
		case <-w.k.clock.After(time.Duration(h.Sleep.Seconds) * time.Second):
		}
	}
	return "", nil
}
