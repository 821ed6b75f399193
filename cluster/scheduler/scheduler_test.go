package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"

	"kubelab/cluster"
	"kubelab/cluster/clock"
	"kubelab/cluster/scheduler"
	"kubelab/cluster/stage"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// testScheduler is the name the scheduler under test answers to, so a
// scheduler the cluster may run itself leaves the test's pods alone.
const testScheduler = "kubelab-test-scheduler"

type harness struct {
	t      *testing.T
	ctx    context.Context
	client kubernetes.Interface
	clk    *clock.Virtual
	bus    *stage.Bus
	sched  *scheduler.Scheduler
}

// boot starts a cluster with the default three nodes (made here unless the
// cluster brings its own) and a scheduler; setup runs on the bus before the
// scheduler starts.
func boot(t *testing.T, setup func(b *stage.Bus)) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	clk := clock.NewVirtual(epoch)
	bus := stage.New(clk)
	c, err := cluster.Boot(ctx, cluster.Config{Clock: clk, Bus: bus})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: ctx, client: c.Client(), clk: clk, bus: bus}
	h.addNode("control-plane", "4", v1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: v1.TaintEffectNoSchedule})
	h.addNode("worker-1", "4")
	h.addNode("worker-2", "4")
	if setup != nil {
		setup(bus)
	}
	h.sched, err = scheduler.New(scheduler.Config{Client: c.Client(), Clock: clk, Bus: bus, SchedulerName: testScheduler})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- h.sched.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		<-done
		c.Close()
		cancel()
	})
	return h
}

func (h *harness) addNode(name, cpu string, taints ...v1.Taint) {
	h.t.Helper()
	if _, err := h.client.CoreV1().Nodes().Get(h.ctx, name, metav1.GetOptions{}); err == nil {
		return // the cluster's own kubelet registered it
	}
	node := &v1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		}},
		Spec: v1.NodeSpec{Taints: taints},
	}
	if strings.HasPrefix(name, "control-plane") {
		node.Labels["node-role.kubernetes.io/control-plane"] = ""
	}
	created, err := h.client.CoreV1().Nodes().Create(h.ctx, node, metav1.CreateOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	res := v1.ResourceList{
		v1.ResourceCPU:    resource.MustParse(cpu),
		v1.ResourceMemory: resource.MustParse("8Gi"),
		v1.ResourcePods:   resource.MustParse("110"),
	}
	created.Status = v1.NodeStatus{
		Capacity:    res,
		Allocatable: res,
		Conditions:  []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"}},
	}
	if _, err := h.client.CoreV1().Nodes().UpdateStatus(h.ctx, created, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

func nginx(name string) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": name}},
		Spec:       v1.PodSpec{SchedulerName: testScheduler, Containers: []v1.Container{{Name: "nginx", Image: "nginx:1.27"}}},
	}
}

func (h *harness) create(pod *v1.Pod) {
	h.t.Helper()
	if _, err := h.client.CoreV1().Pods(pod.Namespace).Create(h.ctx, pod, metav1.CreateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

// waitPod watches the pod until cond holds.
func (h *harness) waitPod(name string, what string, cond func(*v1.Pod) bool) *v1.Pod {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	w, err := h.client.CoreV1().Pods("default").Watch(ctx, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	if err != nil {
		h.t.Fatal(err)
	}
	defer w.Stop()
	var last *v1.Pod
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				h.t.Fatalf("pod %s: watch closed waiting for %s (last: %+v)", name, what, last)
			}
			if p, ok := ev.Object.(*v1.Pod); ok {
				last = p
				if cond(p) {
					return p
				}
			}
		case <-ctx.Done():
			h.t.Fatalf("pod %s: %s did not happen (last: %+v)", name, what, last)
		}
	}
}

func (h *harness) waitBound(name string) string {
	h.t.Helper()
	return h.waitPod(name, "binding", func(p *v1.Pod) bool { return p.Spec.NodeName != "" }).Spec.NodeName
}

func podScheduledFalse(p *v1.Pod) *v1.PodCondition {
	for i := range p.Status.Conditions {
		c := &p.Status.Conditions[i]
		if c.Type == v1.PodScheduled && c.Status == v1.ConditionFalse {
			return c
		}
	}
	return nil
}

func (h *harness) waitUnschedulable(name string) string {
	h.t.Helper()
	p := h.waitPod(name, "PodScheduled=False", func(p *v1.Pod) bool { return podScheduledFalse(p) != nil })
	c := podScheduledFalse(p)
	if c.Reason != v1.PodReasonUnschedulable {
		h.t.Errorf("pod %s: PodScheduled reason %q, want Unschedulable", name, c.Reason)
	}
	return c.Message
}

// waitEvent waits for an event about the pod with the given reason.
func (h *harness) waitEvent(pod, reason string) *v1.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	w, err := h.client.CoreV1().Events("default").Watch(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + pod + ",reason=" + reason})
	if err != nil {
		h.t.Fatal(err)
	}
	defer w.Stop()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				h.t.Fatalf("event %s for %s: watch closed", reason, pod)
			}
			if e, ok := ev.Object.(*v1.Event); ok {
				return e
			}
		case <-ctx.Done():
			h.t.Fatalf("no %s event for pod %s", reason, pod)
		}
	}
}

const bigPodMessage = "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. " +
	"preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."

func TestPodLandsOnAWorkerNeverOnTheControlPlane(t *testing.T) {
	h := boot(t, nil)
	for i := range 4 {
		h.create(nginx(fmt.Sprintf("nginx-%d", i)))
	}
	for i := range 4 {
		name := fmt.Sprintf("nginx-%d", i)
		node := h.waitBound(name)
		if node != "worker-1" && node != "worker-2" {
			t.Errorf("%s bound to %s, want a worker", name, node)
		}
		ev := h.waitEvent(name, "Scheduled")
		want := fmt.Sprintf("Successfully assigned default/%s to %s", name, node)
		if ev.Message != want || ev.Type != v1.EventTypeNormal || ev.ReportingController != testScheduler || ev.ReportingInstance != testScheduler+"-control-plane" || ev.Action != "Binding" {
			t.Errorf("Scheduled event: %q type %s controller %s action %s; want %q", ev.Message, ev.Type, ev.ReportingController, ev.Action, want)
		}
		if !ev.EventTime.Time.Equal(epoch) {
			t.Errorf("event time %v, want the virtual clock's %v", ev.EventTime.Time, epoch)
		}
	}
	cy, ok := h.sched.LastCycle("default", "nginx-0")
	if !ok {
		t.Fatal("no cycle kept for nginx-0")
	}
	if len(cy.Nodes) != 3 || cy.Nodes[0].Node != "control-plane" || cy.Nodes[0].Feasible {
		t.Fatalf("cycle nodes: %+v", cy.Nodes)
	}
	last := cy.Nodes[0].Filters[len(cy.Nodes[0].Filters)-1]
	if last.Plugin != "TaintToleration" || last.Reason != "node(s) had untolerated taint(s)" {
		t.Errorf("control-plane verdict %+v", last)
	}
	if cy.Nodes[1].Total == 0 || len(cy.Nodes[1].Scores) == 0 {
		t.Errorf("worker-1 not scored: %+v", cy.Nodes[1])
	}
	// The two workers share the pods: least-allocated scoring spreads them.
	count := map[string]int{}
	for i := range 4 {
		p, _ := h.client.CoreV1().Pods("default").Get(h.ctx, fmt.Sprintf("nginx-%d", i), metav1.GetOptions{})
		count[p.Spec.NodeName]++
	}
	if count["worker-1"] != 2 || count["worker-2"] != 2 {
		t.Errorf("pods per node %v, want 2 and 2", count)
	}
}

func TestPodTooBigForEveryNodeGetsUpstreamMessageAndWaitsForANodeThatFits(t *testing.T) {
	h := boot(t, nil)
	pod := nginx("big")
	pod.Spec.Containers[0].Resources.Requests = v1.ResourceList{v1.ResourceCPU: resource.MustParse("64")}
	h.create(pod)
	if msg := h.waitUnschedulable("big"); msg != bigPodMessage {
		t.Errorf("PodScheduled message\n got %q\nwant %q", msg, bigPodMessage)
	}
	ev := h.waitEvent("big", "FailedScheduling")
	if ev.Message != bigPodMessage || ev.Type != v1.EventTypeWarning || ev.Action != "Scheduling" {
		t.Errorf("FailedScheduling event %q (%s, %s)", ev.Message, ev.Type, ev.Action)
	}
	queued := h.sched.QueuedPods()
	if len(queued) != 1 || queued[0].Queue != "unschedulablePods" || strings.Join(queued[0].UnschedulablePlugins, ",") != "NodeResourcesFit,TaintToleration" {
		t.Errorf("queued pods %+v", queued)
	}
	// A node big enough arrives: the pod is scheduled there without being touched.
	h.addNode("worker-3", "128")
	if node := h.waitBound("big"); node != "worker-3" {
		t.Errorf("bound to %s, want worker-3", node)
	}
}

func TestPlacementRules(t *testing.T) {
	h := boot(t, nil)
	if _, err := h.client.CoreV1().Nodes().Patch(h.ctx, "worker-2", "application/merge-patch+json",
		[]byte(`{"metadata":{"labels":{"disktype":"ssd"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	ctlTol := v1.Toleration{Key: "node-role.kubernetes.io/control-plane", Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}
	tests := []struct {
		name   string
		mutate func(*v1.Pod)
		// want is the node the pod must land on, or "" for unschedulable with wantMsg.
		want    string
		wantMsg string
	}{
		{"pod with nodeSelector lands on the labelled node", func(p *v1.Pod) {
			p.Spec.NodeSelector = map[string]string{"disktype": "ssd"}
		}, "worker-2", ""},
		{"pod with required node affinity lands on the matching node", func(p *v1.Pod) {
			p.Spec.Affinity = &v1.Affinity{NodeAffinity: &v1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{
				NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchExpressions: []v1.NodeSelectorRequirement{{Key: "kubernetes.io/hostname", Operator: v1.NodeSelectorOpIn, Values: []string{"worker-1"}}}}},
			}}}
		}, "worker-1", ""},
		{"pod for the control plane without toleration is unschedulable", func(p *v1.Pod) {
			p.Spec.NodeSelector = map[string]string{"node-role.kubernetes.io/control-plane": ""}
		}, "", "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."},
		{"pod tolerating the control-plane taint lands there", func(p *v1.Pod) {
			p.Spec.NodeSelector = map[string]string{"node-role.kubernetes.io/control-plane": ""}
			p.Spec.Tolerations = []v1.Toleration{ctlTol}
		}, "control-plane", ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := nginx(fmt.Sprintf("place-%d", i))
			tt.mutate(pod)
			h.create(pod)
			if tt.want != "" {
				if got := h.waitBound(pod.Name); got != tt.want {
					t.Errorf("bound to %s, want %s", got, tt.want)
				}
				return
			}
			if msg := h.waitUnschedulable(pod.Name); msg != tt.wantMsg {
				t.Errorf("message\n got %q\nwant %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestHostPortAndAntiAffinityKeepPodsApart(t *testing.T) {
	h := boot(t, nil)
	withPort := func(name string) *v1.Pod {
		p := nginx(name)
		p.Labels["app"] = "web"
		p.Spec.Containers[0].Ports = []v1.ContainerPort{{ContainerPort: 80, HostPort: 8080}}
		return p
	}
	h.create(withPort("web-0"))
	first := h.waitBound("web-0")
	h.create(withPort("web-1"))
	if second := h.waitBound("web-1"); second == first {
		t.Errorf("both host-port pods on %s", first)
	}
	h.create(withPort("web-2"))
	want := "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't have free ports for the requested pod ports. " +
		"preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
	if msg := h.waitUnschedulable("web-2"); msg != want {
		t.Errorf("host port message\n got %q\nwant %q", msg, want)
	}

	anti := func(name string) *v1.Pod {
		p := nginx(name)
		p.Labels["app"] = "db"
		p.Spec.Affinity = &v1.Affinity{PodAntiAffinity: &v1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []v1.PodAffinityTerm{{
			LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			TopologyKey:   "kubernetes.io/hostname",
		}}}}
		return p
	}
	h.create(anti("db-0"))
	a := h.waitBound("db-0")
	h.create(anti("db-1"))
	if b := h.waitBound("db-1"); b == a {
		t.Errorf("both anti-affine pods on %s", a)
	}
	h.create(anti("db-2"))
	msg := h.waitUnschedulable("db-2")
	if !strings.HasPrefix(msg, "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match pod anti-affinity rules.") {
		t.Errorf("anti-affinity message %q", msg)
	}
}

func TestPausedSchedulerLeavesPodsPendingWithoutPodScheduled(t *testing.T) {
	h := boot(t, func(b *stage.Bus) {
		if err := b.Pause("scheduler"); err != nil {
			t.Fatal(err)
		}
	})
	h.create(nginx("held"))
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	if err := h.bus.WaitFor(ctx, func(b *stage.Bus) bool { return len(b.Waiting()) == 1 }); err != nil {
		t.Fatal(err)
	}
	w := h.bus.Waiting()[0]
	if w.Name != "scheduler.queue" || w.Object != "pod/default/held" {
		t.Fatalf("held stage %s", w)
	}
	p, err := h.client.CoreV1().Pods("default").Get(h.ctx, "held", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Spec.NodeName != "" || len(p.Status.Conditions) != 0 {
		t.Fatalf("paused scheduler touched the pod: node %q conditions %+v", p.Spec.NodeName, p.Status.Conditions)
	}
	// Stepping through releases the cycle stage by stage.
	var names []string
	for {
		if err := h.bus.WaitFor(ctx, func(b *stage.Bus) bool { return len(b.Waiting()) > 0 }); err != nil {
			t.Fatal(err)
		}
		r := h.bus.Release(1)[0]
		names = append(names, r.Name)
		if r.Name == "scheduler.bind" {
			break
		}
	}
	want := "scheduler.queue scheduler.prefilter scheduler.filter scheduler.filter scheduler.filter scheduler.score scheduler.reserve scheduler.bind"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("stages\n got %s\nwant %s", got, want)
	}
	if node := h.waitBound("held"); node == "control-plane" {
		t.Errorf("bound to the control plane")
	}
}
