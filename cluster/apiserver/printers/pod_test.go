package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

var podsGR = schema.GroupResource{Resource: "pods"}

func running() corev1.ContainerState {
	return corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func terminated(reason string, exitCode, signal int32) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: exitCode, Signal: signal}}
}

func finished(d time.Duration) corev1.ContainerState {
	return corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: ago(d)}}
}

func pod(name string, containers, initContainers int, status corev1.PodStatus) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: make([]corev1.Container, containers), InitContainers: make([]corev1.Container, initContainers)},
		Status:     status,
	}
}

func sidecarPod(name string, status corev1.PodStatus) *corev1.Pod {
	always := ptr.To(corev1.ContainerRestartPolicyAlways)
	p := pod(name, 1, 0, status)
	p.Spec.InitContainers = []corev1.Container{
		{Name: "sidecar-1", RestartPolicy: always},
		{Name: "sidecar-2", RestartPolicy: always},
	}
	return p
}

func deleting(p *corev1.Pod) *corev1.Pod {
	p.DeletionTimestamp = agoPtr(10 * time.Second)
	return p
}

// The cases restate kube-apiserver v1.37's TestPrintPod,
// TestPrintPodWithRestartableInitContainer and TestPrintNonTerminatedPod.
func TestPodStatusReadyAndRestarts(t *testing.T) {
	runCellCases(t, podsGR, []cellCase{
		{
			name: "ready counts only running ready containers and restarts add up",
			obj: pod("test1", 2, 0, corev1.PodStatus{Phase: "podPhase", ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, RestartCount: 3, State: running()},
				{RestartCount: 3},
			}}),
			want: []any{"test1", "1/2", "podPhase", "6", "<unknown>"},
		},
		{
			name: "a waiting container's reason overrides the phase",
			obj: pod("test2", 2, 0, corev1.PodStatus{Phase: "podPhase", ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, RestartCount: 3, State: running()},
				{RestartCount: 3, State: waiting("ContainerWaitingReason")},
			}}),
			want: []any{"test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"},
		},
		{
			name: "the first container's reason wins over later ones",
			obj: pod("test3", 2, 0, corev1.PodStatus{Phase: "podPhase", ContainerStatuses: []corev1.ContainerStatus{
				{RestartCount: 3, State: waiting("ContainerWaitingReason")},
				{RestartCount: 3, State: terminated("ContainerTerminatedReason", 0, 0)},
			}}),
			want: []any{"test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"},
		},
		{
			name: "status.reason overrides the phase",
			obj: pod("test5", 2, 0, corev1.PodStatus{Phase: "podPhase", Reason: "podReason", ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, RestartCount: 3, State: running()},
				{Ready: true, RestartCount: 3},
			}}),
			want: []any{"test5", "1/2", "podReason", "6", "<unknown>"},
		},
		{
			name: "a completed container beside a running one without the Ready condition is NotReady",
			obj: pod("test6", 2, 0, corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, RestartCount: 3, State: terminated("Completed", 0, 0)},
				{Ready: true, RestartCount: 3, State: running()},
			}}),
			want: []any{"test6", "1/2", "NotReady", "6", "<unknown>"},
		},
		{
			name: "a completed container beside a running one with the Ready condition is Running",
			obj: pod("test6", 2, 0, corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
				ContainerStatuses: []corev1.ContainerStatus{
					{Ready: true, RestartCount: 3, State: terminated("Completed", 0, 0)},
					{Ready: true, RestartCount: 3, State: running()},
				}}),
			want: []any{"test6", "1/2", "Running", "6", "<unknown>"},
		},
		{
			name: "a restarting init container shows Init:0/1 and when it last restarted",
			obj: pod("test7", 1, 1, corev1.PodStatus{Phase: "podPhase",
				InitContainerStatuses: []corev1.ContainerStatus{{RestartCount: 3, State: running(), LastTerminationState: finished(10 * time.Second)}},
				ContainerStatuses:     []corev1.ContainerStatus{{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}}},
			}),
			want: []any{"test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"},
		},
		{
			name: "a second init container running shows Init:1/2 and counts both init containers' restarts",
			obj: pod("test10", 1, 2, corev1.PodStatus{Phase: "podPhase",
				InitContainerStatuses: []corev1.ContainerStatus{
					{RestartCount: 2, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}, LastTerminationState: finished(2 * time.Minute)},
					{RestartCount: 3, State: running(), LastTerminationState: finished(10 * time.Second)},
				},
				ContainerStatuses: []corev1.ContainerStatus{{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}}},
			}),
			want: []any{"test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"},
		},
		{
			name: "once initialized, restarts of finished init containers no longer count",
			obj: pod("test11", 1, 1, corev1.PodStatus{Phase: corev1.PodRunning,
				InitContainerStatuses: []corev1.ContainerStatus{
					{RestartCount: 2, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}, LastTerminationState: finished(2 * time.Minute)},
				},
				ContainerStatuses: []corev1.ContainerStatus{{RestartCount: 4, State: running(), LastTerminationState: finished(20 * time.Second)}},
			}),
			want: []any{"test11", "0/1", "Running", "4 (20s ago)", "<unknown>"},
		},
		{
			name: "restarts show the most recent restart of any container",
			obj: pod("test14", 2, 0, corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, RestartCount: 6, State: running(), LastTerminationState: finished(5 * 24 * time.Hour)},
				{Ready: true, RestartCount: 3, State: running(), LastTerminationState: finished(20 * 24 * time.Hour)},
			}}),
			want: []any{"test14", "2/2", "Running", "9 (5d ago)", "<unknown>"},
		},
		{
			name: "a scheduling-gated pod shows SchedulingGated",
			obj: pod("test15", 2, 0, corev1.PodStatus{Phase: "podPhase", Conditions: []corev1.PodCondition{
				{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonSchedulingGated},
			}}),
			want: []any{"test15", "0/2", "SchedulingGated", "0", "<unknown>"},
		},
		{
			name: "a succeeded pod being deleted still shows Completed",
			obj: deleting(pod("test18", 1, 0, corev1.PodStatus{Phase: corev1.PodSucceeded, ContainerStatuses: []corev1.ContainerStatus{
				{State: terminated("Completed", 0, 0)},
			}})),
			want: []any{"test18", "0/1", "Completed", "0", "<unknown>"},
		},
		{
			name: "a running pod being deleted shows Terminating",
			obj: deleting(pod("test19", 1, 0, corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{State: running()},
			}})),
			want: []any{"test19", "0/1", "Terminating", "0", "<unknown>"},
		},
		{
			name: "a pod of a lost node being deleted shows Unknown",
			obj:  deleting(pod("lost", 1, 0, corev1.PodStatus{Phase: corev1.PodRunning, Reason: "NodeLost"})),
			want: []any{"lost", "0/1", "Unknown", "0", "<unknown>"},
		},
		{
			name: "an error exit beside a running and a completed container wins",
			obj: pod("test23", 3, 0, corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{
				{Ready: true, State: running()},
				{Ready: true, State: terminated("podCrash", 1, 0)},
				{Ready: true, State: terminated("", 0, 0)},
			}}),
			want: []any{"test23", "1/3", "podCrash", "0", "<unknown>"},
		},
		{
			name: "a terminated container without reason shows its signal or exit code",
			obj: pod("signals", 2, 0, corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{
				{State: terminated("", 137, 9)},
				{State: terminated("", 2, 0)},
			}}),
			want: []any{"signals", "0/2", "Signal:9", "0", "<unknown>"},
		},
		{
			name: "a failing init container shows Init:Error",
			obj: pod("init-error", 1, 1, corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{RestartCount: 1, State: terminated("Error", 1, 0), LastTerminationState: finished(time.Minute)}},
			}),
			want: []any{"init-error", "0/1", "Init:Error", "1 (60s ago)", "<unknown>"},
		},
		{
			name: "an init container without reason shows Init:ExitCode",
			obj: pod("init-exit", 1, 1, corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{State: terminated("", 3, 0)}},
			}),
			want: []any{"init-exit", "0/1", "Init:ExitCode:3", "0", "<unknown>"},
		},
		{
			name: "an init container in back-off shows Init:CrashLoopBackOff",
			obj: pod("init-crash", 1, 1, corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{RestartCount: 4, State: waiting("CrashLoopBackOff"), LastTerminationState: finished(30 * time.Second)}},
			}),
			want: []any{"init-crash", "0/1", "Init:CrashLoopBackOff", "4 (30s ago)", "<unknown>"},
		},
		{
			name: "containers waiting for init show PodInitializing once init is done",
			obj: pod("initialized", 1, 1, corev1.PodStatus{Phase: corev1.PodPending,
				InitContainerStatuses: []corev1.ContainerStatus{{State: terminated("Completed", 0, 0)}},
				ContainerStatuses:     []corev1.ContainerStatus{{State: waiting("PodInitializing")}},
			}),
			want: []any{"initialized", "0/1", "PodInitializing", "0", "<unknown>"},
		},
		{
			name: "a sidecar running but not started keeps the pod at Init:0/2",
			obj: sidecarPod("sidecars", corev1.PodStatus{Phase: corev1.PodPending,
				Conditions: []corev1.PodCondition{{Type: corev1.PodInitialized, Status: corev1.ConditionFalse}},
				InitContainerStatuses: []corev1.ContainerStatus{
					{Name: "sidecar-1", RestartCount: 3, State: running(), Started: ptr.To(false), LastTerminationState: finished(10 * time.Second)},
					{Name: "sidecar-2", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}, Started: ptr.To(false)},
				},
				ContainerStatuses: []corev1.ContainerStatus{{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{}}}},
			}),
			want: []any{"sidecars", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"},
		},
		{
			name: "started sidecars count in READY and their restarts stay counted",
			obj: sidecarPod("sidecars", corev1.PodStatus{Phase: corev1.PodRunning,
				Conditions: []corev1.PodCondition{{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}},
				InitContainerStatuses: []corev1.ContainerStatus{
					{Name: "sidecar-1", Ready: true, RestartCount: 3, State: running(), Started: ptr.To(true), LastTerminationState: finished(10 * time.Second)},
					{Name: "sidecar-2", State: running(), Started: ptr.To(true)},
				},
				ContainerStatuses: []corev1.ContainerStatus{{Ready: true, RestartCount: 4, State: running(), LastTerminationState: finished(20 * time.Second)}},
			}),
			want: []any{"sidecars", "2/3", "Running", "7 (10s ago)", "<unknown>"},
		},
		{
			name: "age is measured against the clock",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "aged", CreationTimestamp: ago(3*time.Hour + 25*time.Minute)},
				Spec:       corev1.PodSpec{Containers: make([]corev1.Container, 1)},
				Status:     corev1.PodStatus{Phase: corev1.PodPending},
			},
			want: []any{"aged", "0/1", "Pending", "0", "3h25m"},
		},
	})
}

func TestPodWideColumns(t *testing.T) {
	runCellCases(t, podsGR, []cellCase{
		{
			name: "a scheduled pod shows its first IP, node, nominated node and readiness gates",
			obj: &corev1.Pod{
				ObjectMeta: metav1.ObjectMeta{Name: "test1"},
				Spec: corev1.PodSpec{
					Containers: make([]corev1.Container, 2),
					NodeName:   "test1",
					ReadinessGates: []corev1.PodReadinessGate{
						{ConditionType: "condition1"}, {ConditionType: "condition2"}, {ConditionType: "condition3"},
					},
				},
				Status: corev1.PodStatus{
					Phase: "podPhase",
					Conditions: []corev1.PodCondition{
						{Type: "condition1", Status: corev1.ConditionFalse},
						{Type: "condition2", Status: corev1.ConditionTrue},
					},
					PodIPs: []corev1.PodIP{{IP: "1.1.1.1"}, {IP: "2001:db8::"}},
					ContainerStatuses: []corev1.ContainerStatus{
						{Ready: true, RestartCount: 3, State: running()},
						{RestartCount: 3},
					},
					NominatedNodeName: "node1",
				},
			},
			wide: true,
			want: []any{"test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"},
		},
		{
			name: "an unscheduled pod shows <none> in every wide column",
			obj:  pod("test2", 2, 0, corev1.PodStatus{Phase: corev1.PodPending}),
			wide: true,
			want: []any{"test2", "0/2", "Pending", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"},
		},
	})
}

func TestPodRowConditions(t *testing.T) {
	tests := []struct {
		name  string
		phase corev1.PodPhase
		want  []metav1.TableRowCondition
	}{
		{name: "a running pod has no row conditions", phase: corev1.PodRunning},
		{name: "a succeeded pod is marked completed", phase: corev1.PodSucceeded,
			want: []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Succeeded", Message: "The pod has completed successfully."}}},
		{name: "a failed pod is marked completed", phase: corev1.PodFailed,
			want: []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: "Failed", Message: "The pod failed."}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table := convert(t, podsGR, pod("p", 1, 0, corev1.PodStatus{Phase: tc.phase}))
			if diff := cmp.Diff(tc.want, table.Rows[0].Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodTemplateCells(t *testing.T) {
	runCellCases(t, schema.GroupResource{Resource: "podtemplates"}, []cellCase{
		{
			name: "a template lists its containers, images and pod labels",
			obj: &corev1.PodTemplate{
				ObjectMeta: metav1.ObjectMeta{Name: "pod1"},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"foo": "bar", "a": "b"}},
					Spec: corev1.PodSpec{Containers: []corev1.Container{
						{Name: "fake-container1", Image: "fake-image1"},
						{Name: "fake-container2", Image: "fake-image2"},
					}},
				},
			},
			want: []any{"pod1", "fake-container1,fake-container2", "fake-image1,fake-image2", "a=b,foo=bar"},
		},
		{
			name: "an empty template shows <none> labels",
			obj:  &corev1.PodTemplate{ObjectMeta: metav1.ObjectMeta{Name: "pod2"}},
			want: []any{"pod2", "", "", "<none>"},
		},
	})
}
