package kubelet_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/kubelet"
)

func TestOnlyUpdatesTheKubeletActsOnWakeAPodWorker(t *testing.T) {
	base := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", UID: "u1", Labels: map[string]string{"app": "p"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}},
		Status:     corev1.PodStatus{Phase: corev1.PodRunning},
	}
	now := metav1.Now()
	tests := []struct {
		name   string
		mutate func(*corev1.Pod)
		want   bool
	}{
		{"a status write (the kubelet's own) does not wake it", func(p *corev1.Pod) {
			p.Status.Phase = corev1.PodPending
			p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: "example.com/ready", Status: corev1.ConditionTrue})
			p.ResourceVersion = "42"
		}, false},
		{"a new image wakes it", func(p *corev1.Pod) { p.Spec.Containers[0].Image = "busybox:1.37" }, true},
		{"a label change wakes it (downward API volumes)", func(p *corev1.Pod) { p.Labels["tier"] = "web" }, true},
		{"an annotation wakes it", func(p *corev1.Pod) { p.Annotations = map[string]string{"a": "b"} }, true},
		{"a deletion wakes it", func(p *corev1.Pod) { p.DeletionTimestamp = &now }, true},
		{"a shorter grace period wakes it", func(p *corev1.Pod) { p.DeletionGracePeriodSeconds = new(int64) }, true},
		{"another pod of the same name wakes it", func(p *corev1.Pod) { p.UID = "u2" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base.DeepCopy()
			tt.mutate(p)
			if got := kubelet.NeedsSync(base, p); got != tt.want {
				t.Errorf("needsSync = %v, want %v", got, tt.want)
			}
		})
	}
}
