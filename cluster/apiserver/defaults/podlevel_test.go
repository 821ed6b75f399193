package defaults

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// The wanted resources and classes are what a v1.37.2 kube-apiserver wrote
// for the same specs on create.
func TestPodLevelResourcesAreCompletedAsOnCreate(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		want    string
		wantQOS corev1.PodQOSClass
	}{
		{
			name:    "pod-level limits alone become the requests",
			spec:    `{resources: {limits: {cpu: "1", memory: 1Gi}}, containers: [{name: a}]}`,
			want:    `{limits: {cpu: "1", memory: 1Gi}, requests: {cpu: "1", memory: 1Gi}}`,
			wantQOS: corev1.PodQOSGuaranteed,
		},
		{
			name:    "a missing pod-level request is the containers' aggregate",
			spec:    `{resources: {limits: {cpu: "2"}}, initContainers: [{name: i, resources: {requests: {cpu: 1500m}}}], containers: [{name: a, resources: {requests: {cpu: 300m}}}]}`,
			want:    `{limits: {cpu: "2"}, requests: {cpu: 1500m}}`,
			wantQOS: corev1.PodQOSBurstable,
		},
		{
			name:    "a pod-level limit is raised to a higher pod-level request",
			spec:    `{resources: {requests: {cpu: 500m}}, containers: [{name: a, resources: {limits: {cpu: 200m}}}, {name: b, resources: {limits: {cpu: 200m}}}]}`,
			want:    `{limits: {cpu: 500m}, requests: {cpu: 500m}}`,
			wantQOS: corev1.PodQOSBurstable,
		},
		{
			name:    "a missing pod-level limit is the containers' aggregate when all are limited",
			spec:    `{resources: {requests: {memory: 120Mi}}, containers: [{name: a, resources: {requests: {memory: 50Mi}, limits: {memory: 100Mi}}}, {name: b, resources: {requests: {memory: 50Mi}, limits: {memory: 100Mi}}}]}`,
			want:    `{limits: {memory: 200Mi}, requests: {memory: 120Mi}}`,
			wantQOS: corev1.PodQOSBurstable,
		},
		{
			name:    "no pod-level limit is implied while one container is unlimited",
			spec:    `{resources: {requests: {cpu: "1"}}, containers: [{name: a, resources: {limits: {cpu: 200m}}}, {name: b}]}`,
			want:    `{requests: {cpu: "1"}}`,
			wantQOS: corev1.PodQOSBurstable,
		},
		{
			name:    "container hugepage limits become pod-level limits and requests",
			spec:    `{resources: {limits: {memory: 1Gi}}, containers: [{name: a, resources: {limits: {hugepages-2Mi: 4Mi, memory: 100Mi}}}]}`,
			want:    `{limits: {hugepages-2Mi: 4Mi, memory: 1Gi}, requests: {hugepages-2Mi: 4Mi, memory: 100Mi}}`,
			wantQOS: corev1.PodQOSBurstable,
		},
		{
			name:    "a pod without pod-level resources is left alone",
			spec:    `{containers: [{name: a, resources: {limits: {cpu: "1"}}}]}`,
			want:    `null`,
			wantQOS: corev1.PodQOSBurstable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pod corev1.Pod
			if err := yaml.UnmarshalStrict([]byte(tt.spec), &pod.Spec); err != nil {
				t.Fatal(err)
			}
			var want *corev1.ResourceRequirements
			if err := yaml.UnmarshalStrict([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			Pod(&pod)
			PodLevelResources(&pod)
			if diff := cmp.Diff(toYAML(t, want), toYAML(t, pod.Spec.Resources)); diff != "" {
				t.Errorf("spec.resources (-want +got):\n%s", diff)
			}
			if got := PodQOSClass(&pod); got != tt.wantQOS {
				t.Errorf("PodQOSClass = %s, want %s", got, tt.wantQOS)
			}
		})
	}
}
