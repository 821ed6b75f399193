package defaults

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestPodQOSClass(t *testing.T) {
	tests := []struct {
		name string
		spec string // a pod spec, defaulted as a Pod before the class is computed
		want corev1.PodQOSClass
	}{
		{
			name: "a pod without requests or limits is BestEffort",
			spec: `containers: [{name: a}, {name: b}]`,
			want: corev1.PodQOSBestEffort,
		},
		{
			name: "a pod whose only container requests cpu is Burstable",
			spec: `containers: [{name: a, resources: {requests: {cpu: 100m}}}]`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "limits alone on cpu and memory make a pod Guaranteed once requests are defaulted",
			spec: `containers: [{name: a, resources: {limits: {cpu: 500m, memory: 64Mi}}}]`,
			want: corev1.PodQOSGuaranteed,
		},
		{
			name: "limits on cpu alone leave memory best-effort, so the pod is Burstable",
			spec: `containers: [{name: a, resources: {limits: {cpu: 500m}}}]`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "requests below limits make a pod Burstable",
			spec: `containers: [{name: a, resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 64Mi}}}]`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "one Guaranteed and one BestEffort container make a pod Burstable",
			spec: `containers: [{name: a, resources: {limits: {cpu: "1", memory: 1Gi}}}, {name: b}]`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "an init container counts like a container",
			spec: `{initContainers: [{name: i, resources: {requests: {memory: 1Mi}}}], containers: [{name: a}]}`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "resources other than cpu and memory do not count",
			spec: `containers: [{name: a, resources: {limits: {cpu: "1", memory: 1Gi, ephemeral-storage: 1Gi}, requests: {ephemeral-storage: 100Mi}}}]`,
			want: corev1.PodQOSGuaranteed,
		},
		{
			name: "zero requests and limits are no requests",
			spec: `containers: [{name: a, resources: {requests: {cpu: "0"}, limits: {cpu: "0"}}}]`,
			want: corev1.PodQOSBestEffort,
		},
		{
			name: "pod-level resources decide over the containers'",
			spec: `{resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: "1", memory: 1Gi}}, containers: [{name: a}]}`,
			want: corev1.PodQOSGuaranteed,
		},
		{
			name: "pod-level resources naming no supported resource are ignored",
			spec: `{resources: {limits: {ephemeral-storage: 1Gi}}, containers: [{name: a, resources: {requests: {cpu: 1m}}}]}`,
			want: corev1.PodQOSBurstable,
		},
		{
			name: "a pod without containers is BestEffort",
			spec: `containers: []`,
			want: corev1.PodQOSBestEffort,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pod corev1.Pod
			if err := yaml.UnmarshalStrict([]byte(tt.spec), &pod.Spec); err != nil {
				t.Fatal(err)
			}
			Pod(&pod)
			if got := PodQOSClass(&pod); got != tt.want {
				t.Errorf("PodQOSClass = %s, want %s", got, tt.want)
			}
		})
	}
}
