package printers

import (
	"fmt"
	"strings"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// horizontalPodAutoscalerPrinter prints both autoscaling versions: the
// objects are autoscaling/v2 ones whichever version was asked for.
func horizontalPodAutoscalerPrinter() printer {
	spec, status := autoscalingv2.HorizontalPodAutoscalerSpec{}.SwaggerDoc(), autoscalingv2.HorizontalPodAutoscalerStatus{}.SwaggerDoc()
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Reference", "string", spec["scaleTargetRef"]),
			column("Targets", "string", spec["metrics"]),
			column("MinPods", "string", spec["minReplicas"]),
			column("MaxPods", "string", spec["maxReplicas"]),
			column("Replicas", "string", status["currentReplicas"]),
			ageColumn(),
		},
		row: cells(func(hpa *autoscalingv2.HorizontalPodAutoscaler, now time.Time) []any {
			minPods := "<unset>"
			if hpa.Spec.MinReplicas != nil {
				minPods = fmt.Sprintf("%d", *hpa.Spec.MinReplicas)
			}
			ref := hpa.Spec.ScaleTargetRef.Kind + "/" + hpa.Spec.ScaleTargetRef.Name
			return []any{hpa.Name, ref, hpaTargets(hpa.Spec.Metrics, hpa.Status.CurrentMetrics), minPods,
				int64(hpa.Spec.MaxReplicas), int64(hpa.Status.CurrentReplicas), since(hpa.CreationTimestamp, now)}
		}),
	}
}

// hpaTargets is TARGETS: current/target of the first two metrics, the
// current value <unknown> until the autoscaler has measured it.
func hpaTargets(specs []autoscalingv2.MetricSpec, statuses []autoscalingv2.MetricStatus) string {
	if len(specs) == 0 {
		return "<none>"
	}
	var list []string
	for i, spec := range specs {
		var st *autoscalingv2.MetricStatus
		if i < len(statuses) {
			st = &statuses[i]
		}
		list = append(list, hpaTarget(spec, st))
	}
	if len(list) > 2 {
		return fmt.Sprintf("%s + %d more...", strings.Join(list[:2], ", "), len(list)-2)
	}
	return strings.Join(list, ", ")
}

func hpaTarget(spec autoscalingv2.MetricSpec, st *autoscalingv2.MetricStatus) string {
	const unknown = "<unknown>"
	quantity := func(q *resource.Quantity) string {
		if q == nil {
			return unknown
		}
		return q.String()
	}
	// valueOrAverage prints a target and its current value, "(avg)" when
	// the target is an average.
	valueOrAverage := func(target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
		if target.AverageValue != nil {
			cur := unknown
			if current != nil && current.AverageValue != nil {
				cur = current.AverageValue.String()
			}
			return fmt.Sprintf("%s/%s (avg)", cur, target.AverageValue.String())
		}
		cur := unknown
		if current != nil {
			cur = quantity(current.Value)
		}
		return fmt.Sprintf("%s/%s", cur, quantity(target.Value))
	}
	// resourceTarget prints a (container) resource's target and current
	// value, as a utilization percentage unless the target is an average.
	resourceTarget := func(name string, target autoscalingv2.MetricTarget, current *autoscalingv2.MetricValueStatus) string {
		if target.AverageValue != nil {
			cur := unknown
			if current != nil {
				cur = quantity(current.AverageValue)
			}
			return fmt.Sprintf("%s: %s/%s", name, cur, target.AverageValue.String())
		}
		cur, want := unknown, "<auto>"
		if current != nil && current.AverageUtilization != nil {
			cur = fmt.Sprintf("%d%%", *current.AverageUtilization)
		}
		if target.AverageUtilization != nil {
			want = fmt.Sprintf("%d%%", *target.AverageUtilization)
		}
		return fmt.Sprintf("%s: %s/%s", name, cur, want)
	}
	switch spec.Type {
	case autoscalingv2.ExternalMetricSourceType:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.External != nil {
			cur = &st.External.Current
		}
		return valueOrAverage(spec.External.Target, cur)
	case autoscalingv2.ObjectMetricSourceType:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.Object != nil {
			cur = &st.Object.Current
		}
		return valueOrAverage(spec.Object.Target, cur)
	case autoscalingv2.PodsMetricSourceType:
		cur := unknown
		if st != nil && st.Pods != nil {
			cur = quantity(st.Pods.Current.AverageValue)
		}
		return fmt.Sprintf("%s/%s", cur, quantity(spec.Pods.Target.AverageValue))
	case autoscalingv2.ResourceMetricSourceType:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.Resource != nil {
			cur = &st.Resource.Current
		}
		return resourceTarget(spec.Resource.Name.String(), spec.Resource.Target, cur)
	case autoscalingv2.ContainerResourceMetricSourceType:
		var cur *autoscalingv2.MetricValueStatus
		if st != nil && st.ContainerResource != nil {
			cur = &st.ContainerResource.Current
		}
		return resourceTarget(spec.ContainerResource.Name.String(), spec.ContainerResource.Target, cur)
	}
	return "<unknown type>"
}
