package kubelet_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/remotecommand"

	"kubelab/cluster"
	"kubelab/cluster/clock"
	"kubelab/cluster/container"
	"kubelab/cluster/kubelet"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	ctx    context.Context
	c      *cluster.Cluster
	client kubernetes.Interface
	clk    *clock.Virtual
	k      *kubelet.Kubelet
	rt     container.Runtime
}

// newEnv boots a cluster on a virtual clock with one kubelet, node-1.
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	clk := clock.NewVirtual(start)
	c, err := cluster.Boot(ctx, cluster.Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rt := newFakeRuntime(clk)
	k, err := kubelet.New(kubelet.Config{
		NodeName: "node-1", Client: c.Client(), Clock: clk, Bus: c.Bus,
		Runtimes: map[string]container.Runtime{"sim": rt},
		Node: kubelet.NodeConfig{
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi"),
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("20Gi"),
			},
			PodCIDR: "10.244.1.0/24", InternalIP: "172.18.0.3",
		},
		RootDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	kctx, kcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- k.Run(kctx) }()
	t.Cleanup(func() { kcancel(); <-done })
	select {
	case <-k.Ready():
	case err := <-done:
		t.Fatalf("kubelet stopped: %v", err)
	case <-ctx.Done():
		t.Fatal("kubelet not ready")
	}
	return &env{t: t, ctx: ctx, c: c, client: c.Client(), clk: clk, k: k, rt: rt}
}

// run creates a pod and binds it to node-1, as the scheduler would.
func (e *env) run(pod *corev1.Pod) *corev1.Pod {
	e.t.Helper()
	if pod.Namespace == "" {
		pod.Namespace = "default"
	}
	p, err := e.client.CoreV1().Pods(pod.Namespace).Create(e.ctx, pod, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.client.CoreV1().Pods(p.Namespace).Bind(e.ctx, &corev1.Binding{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		Target:     corev1.ObjectReference{Kind: "Node", Name: "node-1"},
	}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// waitPod waits until cond holds for the pod, or fails with what it saw.
func (e *env) waitPod(ns, name string, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	var last *corev1.Pod
	for {
		list, err := e.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
		if err != nil {
			e.t.Fatalf("waiting for %s: %v", what, err)
		}
		if len(list.Items) == 1 {
			last = &list.Items[0]
			if cond(last) {
				return last
			}
		} else if cond(nil) {
			return nil
		}
		w, err := e.client.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name, ResourceVersion: list.ResourceVersion})
		if err != nil {
			e.t.Fatalf("waiting for %s: %v; last %s", what, err, describe(last))
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Deleted && cond(nil) {
				w.Stop()
				return nil
			}
			if p, ok := ev.Object.(*corev1.Pod); ok {
				last = p
				if cond(p) {
					w.Stop()
					return p
				}
			}
		}
		if ctx.Err() != nil {
			e.t.Fatalf("waiting for %s: timed out; last %s", what, describe(last))
		}
	}
}

func describe(p *corev1.Pod) string {
	if p == nil {
		return "<none>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "phase=%s reason=%s", p.Status.Phase, p.Status.Reason)
	for _, cs := range append(append([]corev1.ContainerStatus(nil), p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
		fmt.Fprintf(&b, " [%s restarts=%d ready=%v %s]", cs.Name, cs.RestartCount, cs.Ready, stateString(cs.State))
	}
	return b.String()
}

func stateString(s corev1.ContainerState) string {
	switch {
	case s.Waiting != nil:
		return "waiting:" + s.Waiting.Reason + " " + s.Waiting.Message
	case s.Running != nil:
		return "running"
	case s.Terminated != nil:
		return fmt.Sprintf("terminated:%s(%d)", s.Terminated.Reason, s.Terminated.ExitCode)
	}
	return "none"
}

// events returns "Reason: message" of a pod's events, oldest first, once
// the last one wanted has arrived.
func (e *env) events(ns, name string, until string) []string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	sel := fields.OneTermEqualSelector("involvedObject.name", name).String()
	var out []string
	for {
		list, err := e.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
		if err != nil {
			e.t.Fatal(err)
		}
		out = out[:0]
		found := false
		for _, ev := range list.Items {
			line := ev.Reason + ": " + ev.Message
			if ev.Count > 1 {
				line += fmt.Sprintf(" (x%d)", ev.Count)
			}
			out = append(out, line)
			found = found || strings.Contains(line, until)
		}
		if found {
			return out
		}
		w, err := e.client.CoreV1().Events(ns).Watch(ctx, metav1.ListOptions{FieldSelector: sel, ResourceVersion: list.ResourceVersion})
		if err != nil {
			e.t.Fatalf("events of %s: waiting for %q: %v; have %q", name, until, err, out)
		}
		for ev := range w.ResultChan() {
			if ev.Type == watch.Added {
				break
			}
		}
		w.Stop()
		if ctx.Err() != nil {
			e.t.Fatalf("events of %s: no %q; have %q", name, until, out)
		}
	}
}

func podSpec(name string, restart corev1.RestartPolicy, image string, command ...string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			RestartPolicy: restart,
			// No scheduler takes these pods: the tests bind them.
			SchedulerName: "kubelab-test",
			Containers:    []corev1.Container{{Name: name, Image: image, Command: command, ImagePullPolicy: corev1.PullIfNotPresent}},
		},
	}
}

func phaseIs(phase corev1.PodPhase) func(*corev1.Pod) bool {
	return func(p *corev1.Pod) bool { return p != nil && p.Status.Phase == phase }
}

func TestNodeRegistersReadyAndRenewsItsLease(t *testing.T) {
	e := newEnv(t)
	node, err := e.client.CoreV1().Nodes().Get(e.ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if node.Labels[corev1.LabelHostname] != "node-1" || node.Labels[corev1.LabelOSStable] != "linux" {
		t.Errorf("labels %v", node.Labels)
	}
	if node.Spec.PodCIDR != "10.244.1.0/24" || len(node.Spec.PodCIDRs) != 1 {
		t.Errorf("podCIDR %q %v", node.Spec.PodCIDR, node.Spec.PodCIDRs)
	}
	if got := node.Status.NodeInfo.KubeletVersion; got != "v1.37.2" {
		t.Errorf("kubeletVersion %q", got)
	}
	if got := node.Status.NodeInfo.ContainerRuntimeVersion; got != "sim://1.0.0" {
		t.Errorf("containerRuntimeVersion %q", got)
	}
	if got := int(node.Status.DaemonEndpoints.KubeletEndpoint.Port); got != e.k.Port() || got == 0 {
		t.Errorf("kubelet port %d, server on %d", got, e.k.Port())
	}
	if len(node.Status.Addresses) != 2 || node.Status.Addresses[0].Address != "172.18.0.3" {
		t.Errorf("addresses %v", node.Status.Addresses)
	}
	want := map[corev1.NodeConditionType]string{
		corev1.NodeMemoryPressure: "False KubeletHasSufficientMemory",
		corev1.NodeDiskPressure:   "False KubeletHasNoDiskPressure",
		corev1.NodePIDPressure:    "False KubeletHasSufficientPID",
		corev1.NodeReady:          "True KubeletReady",
	}
	for _, c := range node.Status.Conditions {
		if got := string(c.Status) + " " + c.Reason; got != want[c.Type] {
			t.Errorf("condition %s: %s, want %s", c.Type, got, want[c.Type])
		}
		delete(want, c.Type)
	}
	if len(want) > 0 {
		t.Errorf("missing conditions %v", want)
	}
	lease, err := e.client.CoordinationV1().Leases("kube-node-lease").Get(e.ctx, "node-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *lease.Spec.HolderIdentity != "node-1" || *lease.Spec.LeaseDurationSeconds != 40 || !lease.Spec.RenewTime.Time.Equal(start) {
		t.Errorf("lease %+v", lease.Spec)
	}
	// The ticker needs to be armed before the clock moves.
	e.clk.WaitForWaiters(e.ctx, 2)
	e.clk.Advance(10 * time.Second)
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	w, err := e.client.CoordinationV1().Leases("kube-node-lease").Watch(ctx, metav1.ListOptions{ResourceVersion: lease.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if l, ok := ev.Object.(*coordinationv1.Lease); ok && l.Spec.RenewTime.Time.Equal(start.Add(10*time.Second)) {
			return
		}
	}
	t.Fatal("lease not renewed at +10s")
}

func TestNginxPodRunsWithUpstreamStatusAndEvents(t *testing.T) {
	e := newEnv(t)
	p := e.run(podSpec("nginx", corev1.RestartPolicyAlways, "nginx:1.27"))
	p = e.waitPod("default", "nginx", "Running and Ready", func(p *corev1.Pod) bool {
		return p != nil && p.Status.Phase == corev1.PodRunning && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].Ready
	})
	cs := p.Status.ContainerStatuses[0]
	if cs.State.Running == nil || !*cs.Started || cs.RestartCount != 0 || !strings.HasPrefix(cs.ContainerID, "sim://") || cs.ImageID == "" {
		t.Errorf("container status %+v", cs)
	}
	if p.Status.PodIP != "10.244.1.2" || p.Status.HostIP != "172.18.0.3" || p.Status.StartTime == nil {
		t.Errorf("podIP %q hostIP %q startTime %v", p.Status.PodIP, p.Status.HostIP, p.Status.StartTime)
	}
	var conds []string
	for _, c := range p.Status.Conditions {
		conds = append(conds, string(c.Type)+"="+string(c.Status))
	}
	if got := strings.Join(conds, " "); got != "PodReadyToStartContainers=True Initialized=True Ready=True ContainersReady=True PodScheduled=True" {
		t.Errorf("conditions %s", got)
	}
	got := e.events("default", "nginx", "Started")
	want := []string{
		`Pulling: Pulling image "nginx:1.27"`,
		`Pulled: Successfully pulled image "nginx:1.27" in 0s (0s including waiting). Image size: 1000 bytes.`,
		`Created: Created container: nginx`,
		`Started: Started container nginx`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_ = p
}

func TestRestartPolicyNeverEndsInSucceededOrFailed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		exit   string
		phase  corev1.PodPhase
		reason string
	}{
		{"exit-0", "exit 0", corev1.PodSucceeded, "Completed"},
		{"exit-1", "exit 1", corev1.PodFailed, "Error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.run(podSpec(tc.name, corev1.RestartPolicyNever, "busybox:1.36", "sh", "-c", "echo hi; "+tc.exit))
			p := e.waitPod("default", tc.name, string(tc.phase), phaseIs(tc.phase))
			term := p.Status.ContainerStatuses[0].State.Terminated
			if term == nil || term.Reason != tc.reason {
				t.Fatalf("state %s", describe(p))
			}
			for _, c := range p.Status.Conditions {
				if c.Type == corev1.PodReady && (c.Status != corev1.ConditionFalse || c.Reason != map[corev1.PodPhase]string{corev1.PodSucceeded: "PodCompleted", corev1.PodFailed: "PodFailed"}[tc.phase]) {
					t.Errorf("Ready condition %+v", c)
				}
			}
		})
	}
}

func TestCrashingContainerBacksOffTenTwentyFortySeconds(t *testing.T) {
	e := newEnv(t)
	e.run(podSpec("crash", corev1.RestartPolicyAlways, "busybox:1.36", "sh", "-c", "echo boom; exit 1"))
	backOff := func(restarts int32, period string) {
		t.Helper()
		e.waitPod("default", "crash", fmt.Sprintf("restartCount %d in back-off %s", restarts, period), func(p *corev1.Pod) bool {
			if p == nil || len(p.Status.ContainerStatuses) == 0 {
				return false
			}
			cs := p.Status.ContainerStatuses[0]
			return cs.RestartCount == restarts && cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff" &&
				strings.HasPrefix(cs.State.Waiting.Message, "back-off "+period+" restarting failed container=crash pod=crash_default(") &&
				cs.LastTerminationState.Terminated != nil && cs.LastTerminationState.Terminated.ExitCode == 1 && p.Status.Phase == corev1.PodRunning
		})
	}
	backOff(1, "10s")
	e.clk.Advance(9 * time.Second)
	backOff(1, "10s")
	e.clk.Advance(time.Second)
	backOff(2, "20s")
	e.clk.Advance(20 * time.Second)
	backOff(3, "40s")
	got := e.events("default", "crash", "Back-off restarting failed container crash in pod crash_default")
	if len(got) < 5 {
		t.Errorf("events %q", got)
	}
}

func waitingReasonIs(reason string) func(*corev1.Pod) bool {
	return func(p *corev1.Pod) bool {
		return p != nil && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
			p.Status.ContainerStatuses[0].State.Waiting.Reason == reason
	}
}

func TestUnknownImageBacksOffAndRecoversOnceFixed(t *testing.T) {
	e := newEnv(t)
	e.run(podSpec("bad", corev1.RestartPolicyAlways, "nginx:doesnotexist"))
	e.waitPod("default", "bad", "ErrImagePull", waitingReasonIs("ErrImagePull"))
	e.clk.Advance(time.Second)
	p := e.waitPod("default", "bad", "ImagePullBackOff", waitingReasonIs("ImagePullBackOff"))
	if msg := p.Status.ContainerStatuses[0].State.Waiting.Message; !strings.HasPrefix(msg, `Back-off pulling image "nginx:doesnotexist": ErrImagePull: `) {
		t.Errorf("ImagePullBackOff message %q", msg)
	}
	got := e.events("default", "bad", "Error: ImagePullBackOff")
	want := []string{`Pulling: Pulling image "nginx:doesnotexist"`, `Failed: Failed to pull image "nginx:doesnotexist": `, `Failed: Error: ErrImagePull`, `BackOff: Back-off pulling image "nginx:doesnotexist"`, `Failed: Error: ImagePullBackOff`}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Errorf("events %q, want prefixes %q", got, want)
			break
		}
	}
	p.Spec.Containers[0].Image = "nginx:1.27"
	if _, err := e.client.CoreV1().Pods("default").Update(e.ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(10 * time.Second)
	e.waitPod("default", "bad", "Running after the image was fixed", phaseIs(corev1.PodRunning))
}

func TestInitContainersRunInOrderBeforeContainers(t *testing.T) {
	e := newEnv(t)
	pod := podSpec("web", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.InitContainers = []corev1.Container{
		{Name: "init-1", Image: "busybox:1.36", Command: []string{"sh", "-c", "echo one; exit 0"}, ImagePullPolicy: corev1.PullIfNotPresent},
		{Name: "init-2", Image: "busybox:1.36", Command: []string{"sh", "-c", "echo two; exit 0"}, ImagePullPolicy: corev1.PullIfNotPresent},
	}
	e.run(pod)
	p := e.waitPod("default", "web", "Running", phaseIs(corev1.PodRunning))
	for _, cs := range p.Status.InitContainerStatuses {
		if cs.State.Terminated == nil || cs.State.Terminated.Reason != "Completed" || !cs.Ready {
			t.Errorf("init container %s", describe(p))
		}
	}
	got := e.events("default", "web", "Started container web")
	var order []string
	for _, ev := range got {
		if strings.HasPrefix(ev, "Started: ") {
			order = append(order, strings.TrimPrefix(ev, "Started: Started container "))
		}
	}
	if strings.Join(order, ",") != "init-1,init-2,web" {
		t.Errorf("start order %v", order)
	}
}

func TestFailingInitContainerWithNeverFailsThePod(t *testing.T) {
	e := newEnv(t)
	pod := podSpec("web", corev1.RestartPolicyNever, "nginx:1.27")
	pod.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"sh", "-c", "exit 3"}, ImagePullPolicy: corev1.PullIfNotPresent}}
	e.run(pod)
	p := e.waitPod("default", "web", "Failed", phaseIs(corev1.PodFailed))
	if cs := p.Status.ContainerStatuses[0]; cs.State.Waiting == nil || cs.State.Waiting.Reason != "PodInitializing" {
		t.Errorf("container %s", describe(p))
	}
}

func TestReadinessAndLivenessProbes(t *testing.T) {
	e := newEnv(t)
	fake := e.rt.(*fakeRuntime)
	fake.setReady(false)
	pod := podSpec("probed", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.Containers[0].ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}}}, PeriodSeconds: 5, FailureThreshold: 3, SuccessThreshold: 1, TimeoutSeconds: 1}
	e.run(pod)
	p := e.waitPod("default", "probed", "Running but not ready", func(p *corev1.Pod) bool {
		return p != nil && p.Status.Phase == corev1.PodRunning && !p.Status.ContainerStatuses[0].Ready
	})
	_ = p
	e.events("default", "probed", "Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory")
	fake.setReady(true)
	e.clk.Advance(5 * time.Second)
	e.waitPod("default", "probed", "Ready", func(p *corev1.Pod) bool { return p != nil && p.Status.ContainerStatuses[0].Ready })

	pod = podSpec("live", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.Containers[0].LivenessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"false"}}}, PeriodSeconds: 10, FailureThreshold: 3, SuccessThreshold: 1, TimeoutSeconds: 1}
	e.run(pod)
	e.waitPod("default", "live", "Running", phaseIs(corev1.PodRunning))
	e.clk.Advance(10 * time.Second)
	e.clk.Advance(10 * time.Second)
	e.waitPod("default", "live", "restarted after failing liveness", func(p *corev1.Pod) bool {
		return p != nil && p.Status.ContainerStatuses[0].RestartCount == 1
	})
	got := e.events("default", "live", "Container live failed liveness probe, will be restarted")
	// Three failures in a row make one Unhealthy event counted three
	// times by the recorder's aggregation, then the kill.
	kill := slices.Index(got, "Killing: Container live failed liveness probe, will be restarted")
	if u := slices.Index(got, "Unhealthy: Liveness probe failed:  (x3)"); u < 0 || kill < u {
		t.Errorf("events %q", got)
	}
}

func TestGracefulDeleteStopsContainersThenRemovesThePod(t *testing.T) {
	e := newEnv(t)
	pod := podSpec("bye", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.Containers[0].Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"echo", "bye"}}}}
	e.run(pod)
	e.waitPod("default", "bye", "Running", phaseIs(corev1.PodRunning))
	if err := e.client.CoreV1().Pods("default").Delete(e.ctx, "bye", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.waitPod("default", "bye", "gone", func(p *corev1.Pod) bool { return p == nil })
	e.events("default", "bye", "Killing: Stopping container bye")
	if ip, err := kubelet.AllocatePodIP(e.k, "next"); err != nil || ip != "10.244.1.3" {
		t.Errorf("next IP %q %v", ip, err)
	}
}

func TestDownwardAPIEnvAndConfigMapVolume(t *testing.T) {
	e := newEnv(t)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "conf", Namespace: "default"}, Data: map[string]string{"greeting": "hello"}}
	if _, err := e.client.CoreV1().ConfigMaps("default").Create(e.ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := podSpec("dapi", corev1.RestartPolicyAlways, "busybox:1.36", "sh", "-c", "echo $(HOST_IP)")
	pod.Spec.Containers[0].Env = []corev1.EnvVar{
		{Name: "HOST_IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
		{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "GREETING", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "conf"}, Key: "greeting"}}},
		{Name: "BOTH", Value: "$(GREETING) from $(POD_NAME) $$(ESCAPED)"},
	}
	pod.Spec.Volumes = []corev1.Volume{{Name: "conf", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "conf"}}}}}
	pod.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "conf", MountPath: "/etc/conf"}}
	e.run(pod)
	p := e.waitPod("default", "dapi", "Running", phaseIs(corev1.PodRunning))
	fake := e.rt.(*fakeRuntime)
	id := strings.TrimPrefix(p.Status.ContainerStatuses[0].ContainerID, "sim://")
	fake.mu.Lock()
	c := fake.conts[id]
	fake.mu.Unlock()
	env := map[string]string{}
	for _, v := range c.cfg.Env {
		env[v.Name] = v.Value
	}
	if env["HOST_IP"] != "172.18.0.3" || env["BOTH"] != "hello from dapi $(ESCAPED)" || env["KUBERNETES_SERVICE_HOST"] != "10.96.0.1" {
		t.Errorf("env %v", env)
	}
	if got := strings.Join(c.cfg.Args, " ") + strings.Join(c.cfg.Command, " "); !strings.Contains(got, "echo 172.18.0.3") {
		t.Errorf("command %q", got)
	}
	b, err := os.ReadFile(filepath.Join(c.cfg.Mounts[0].HostPath, "greeting"))
	if err != nil || string(b) != "hello" || c.cfg.Mounts[0].ContainerPath != "/etc/conf" {
		t.Errorf("configMap volume: %q %v %+v", b, err, c.cfg.Mounts)
	}
}

func TestLogsAndExecThroughTheAPIServer(t *testing.T) {
	e := newEnv(t)
	e.run(podSpec("crash", corev1.RestartPolicyAlways, "busybox:1.36", "sh", "-c", "echo boom; exit 1"))
	e.waitPod("default", "crash", "restarted once", func(p *corev1.Pod) bool {
		return p != nil && len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].RestartCount == 1
	})
	logs := func(opts *corev1.PodLogOptions) (string, error) {
		b, err := e.client.CoreV1().Pods("default").GetLogs("crash", opts).DoRaw(e.ctx)
		return string(b), err
	}
	if got, err := logs(&corev1.PodLogOptions{Previous: true}); err != nil || got != "boom\n" {
		t.Errorf("logs --previous: %q %v", got, err)
	}
	if got, err := logs(&corev1.PodLogOptions{Timestamps: true}); err != nil || got != start.Format(time.RFC3339Nano)+" boom\n" {
		t.Errorf("logs --timestamps: %q %v", got, err)
	}
	if got, err := logs(&corev1.PodLogOptions{TailLines: ptrTo[int64](0)}); err != nil || got != "" {
		t.Errorf("logs --tail=0: %q %v", got, err)
	}

	e.run(podSpec("single", corev1.RestartPolicyNever, "busybox:1.36", "sh", "-c", "echo once; exit 0"))
	e.waitPod("default", "single", "Succeeded", phaseIs(corev1.PodSucceeded))
	// kubectl logs reads with Stream, which turns an error body into the
	// server's message.
	_, err := e.client.CoreV1().Pods("default").GetLogs("single", &corev1.PodLogOptions{Previous: true}).Stream(e.ctx)
	if err == nil || !strings.Contains(err.Error(), `previous terminated container "single" in pod "single" not found`) {
		t.Errorf("logs --previous without one: %v", err)
	}

	two := podSpec("two", corev1.RestartPolicyAlways, "nginx:1.27")
	two.Spec.Containers = append(two.Spec.Containers, corev1.Container{Name: "side", Image: "nginx:1.27", ImagePullPolicy: corev1.PullIfNotPresent})
	e.run(two)
	e.waitPod("default", "two", "Running", phaseIs(corev1.PodRunning))
	_, err = e.client.CoreV1().Pods("default").GetLogs("two", &corev1.PodLogOptions{}).Stream(e.ctx)
	if err == nil || !strings.Contains(err.Error(), "a container name must be specified for pod two, choose one of: [two side]") {
		t.Errorf("logs without a container: %v", err)
	}

	for _, transport := range []string{"spdy", "websocket"} {
		t.Run("exec over "+transport, func(t *testing.T) {
			req := e.client.CoreV1().RESTClient().Post().Resource("pods").Namespace("default").Name("two").SubResource("exec").
				VersionedParams(&corev1.PodExecOptions{Container: "side", Command: []string{"echo", "hello", transport}, Stdout: true, Stderr: true}, scheme.ParameterCodec)
			var exec remotecommand.Executor
			var err error
			if transport == "spdy" {
				exec, err = remotecommand.NewSPDYExecutor(e.c.RESTConfig(), "POST", req.URL())
			} else {
				exec, err = remotecommand.NewWebSocketExecutor(e.c.RESTConfig(), "GET", req.URL().String())
			}
			if err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
			defer cancel()
			if err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &out, Stderr: &errOut}); err != nil {
				t.Fatalf("exec: %v (stderr %q)", err, errOut.String())
			}
			if out.String() != "hello "+transport+"\n" {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestAdmissionMatchesLabelsAddedToTheNodeSinceRegistration(t *testing.T) {
	e := newEnv(t)
	// kubectl label node node-1 disktype=ssd
	if _, err := e.client.CoreV1().Nodes().Patch(e.ctx, "node-1", "application/merge-patch+json",
		[]byte(`{"metadata":{"labels":{"disktype":"ssd"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	// The kubelet's view of its Node must have the label before the pod
	// arrives, as it would after the scheduler saw it.
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	if err := kubelet.WaitNodeLabel(ctx, e.k, "disktype"); err != nil {
		t.Fatalf("the kubelet never saw the node's new label: %v", err)
	}
	pod := podSpec("ssd", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.NodeSelector = map[string]string{"disktype": "ssd"}
	e.run(pod)
	p := e.waitPod("default", "ssd", "Running or rejected", func(p *corev1.Pod) bool {
		return p != nil && (p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodFailed)
	})
	if p.Status.Phase != corev1.PodRunning {
		t.Errorf("pod %s: %s", describe(p), p.Status.Message)
	}
}

func TestContainersShowPodInitializingOnceInitContainersCompleted(t *testing.T) {
	e := newEnv(t)
	pod := podSpec("web", corev1.RestartPolicyAlways, "nginx:1.27")
	pod.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"sh", "-c", "exit 0"}, ImagePullPolicy: corev1.PullIfNotPresent}}
	ctx, cancel := context.WithTimeout(e.ctx, 20*time.Second)
	defer cancel()
	w, err := e.client.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=web"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	e.run(pod)
	// The sync that starts the containers writes first what it found:
	// the init container done, the containers not yet created.
	var seen []string
	for ev := range w.ResultChan() {
		p, ok := ev.Object.(*corev1.Pod)
		if !ok || len(p.Status.ContainerStatuses) == 0 {
			continue
		}
		state := describe(p)
		if len(seen) == 0 || seen[len(seen)-1] != state {
			seen = append(seen, state)
		}
		init, main := p.Status.InitContainerStatuses[0], p.Status.ContainerStatuses[0]
		if init.State.Terminated != nil && main.State.Waiting != nil && main.State.Waiting.Reason == "PodInitializing" {
			return
		}
		if main.State.Running != nil {
			break
		}
	}
	t.Errorf("no status with the init container done and the container PodInitializing; saw:\n%s", strings.Join(seen, "\n"))
}
