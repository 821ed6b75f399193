package printers

import (
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

// The cases restate kube-apiserver v1.37's TestPrintComponentStatus,
// TestPrintRoleBinding, TestPrintPriorityClass, TestPrintResourceQuota and
// TestPrintHPA.
func TestClusterAdministrationCells(t *testing.T) {
	runCellCases(t, schema.GroupResource{Resource: "componentstatuses"}, []cellCase{
		{name: "a healthy component shows its message",
			obj:  &corev1.ComponentStatus{ObjectMeta: metav1.ObjectMeta{Name: "etcd-0"}, Conditions: []corev1.ComponentCondition{{Type: corev1.ComponentHealthy, Status: corev1.ConditionTrue, Message: "ok"}}},
			want: []any{"etcd-0", "Healthy", "ok", ""}},
		{name: "an unhealthy component shows its error",
			obj:  &corev1.ComponentStatus{ObjectMeta: metav1.ObjectMeta{Name: "scheduler"}, Conditions: []corev1.ComponentCondition{{Type: corev1.ComponentHealthy, Status: corev1.ConditionFalse, Error: "refused"}}},
			want: []any{"scheduler", "Unhealthy", "", "refused"}},
	})
	runCellCases(t, schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}, []cellCase{
		{name: "a role binding shows its role and subjects by kind",
			obj: &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "rb", CreationTimestamp: ago(time.Hour)},
				RoleRef:  rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"},
				Subjects: []rbacv1.Subject{{Kind: "User", Name: "bob"}, {Kind: "Group", Name: "devs"}, {Kind: "ServiceAccount", Namespace: "default", Name: "sa"}, {Kind: "User", Name: "amy"}}},
			wide: true, want: []any{"rb", "ClusterRole/view", "60m", "bob, amy", "devs", "default/sa"}},
	})
	runCellCases(t, schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}, []cellCase{
		{name: "a priority class shows its value and preemption policy",
			obj: &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high", CreationTimestamp: ago(time.Minute)}, Value: 1000,
				PreemptionPolicy: ptr.To(corev1.PreemptLowerPriority)},
			wide: true, want: []any{"high", int64(1000), false, "60s", "PreemptLowerPriority"}},
	})
	runCellCases(t, schema.GroupResource{Resource: "resourcequotas"}, []cellCase{
		{name: "a quota splits requests from limits, sorted by resource",
			obj: &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q", CreationTimestamp: ago(time.Hour)}, Status: corev1.ResourceQuotaStatus{
				Hard: corev1.ResourceList{"pods": resource.MustParse("10"), "cpu": resource.MustParse("1"), "limits.cpu": resource.MustParse("2")},
				Used: corev1.ResourceList{"pods": resource.MustParse("1"), "cpu": resource.MustParse("100m"), "limits.cpu": resource.MustParse("0")}}},
			want: []any{"q", "cpu: 100m/1, pods: 1/10", "limits.cpu: 0/2", "60m"}},
		{name: "a quota the controller has not seen shows empty columns",
			obj:  &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "new"}},
			want: []any{"new", "", "", "<unknown>"}},
	})
	cpu := func(target *int32) autoscalingv2.MetricSpec {
		return autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
			Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: target}}}
	}
	hpa := func(metrics ...autoscalingv2.MetricSpec) *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web"}, MaxReplicas: 5, Metrics: metrics}}
	}
	measured := hpa(cpu(ptr.To[int32](50)))
	measured.Spec.MinReplicas = ptr.To[int32](2)
	measured.Status = autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, CurrentMetrics: []autoscalingv2.MetricStatus{{
		Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{Name: corev1.ResourceCPU,
			Current: autoscalingv2.MetricValueStatus{AverageUtilization: ptr.To[int32](20)}}}}}
	runCellCases(t, schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}, []cellCase{
		{name: "an autoscaler without metrics shows none", obj: hpa(),
			want: []any{"web", "Deployment/web", "<none>", "<unset>", int64(5), int64(0), "<unknown>"}},
		{name: "an unmeasured CPU target shows unknown", obj: hpa(cpu(ptr.To[int32](80))),
			want: []any{"web", "Deployment/web", "cpu: <unknown>/80%", "<unset>", int64(5), int64(0), "<unknown>"}},
		{name: "a measured CPU target shows its utilization", obj: measured,
			want: []any{"web", "Deployment/web", "cpu: 20%/50%", "2", int64(5), int64(3), "<unknown>"}},
		{name: "more than two metrics are counted", obj: hpa(cpu(nil), cpu(nil), cpu(nil)),
			want: []any{"web", "Deployment/web", "cpu: <unknown>/<auto>, cpu: <unknown>/<auto> + 1 more...", "<unset>", int64(5), int64(0), "<unknown>"}},
	})
}
