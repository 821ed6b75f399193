package defaults

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// PodLevelResources completes partly given pod-level resources
// (spec.resources) from the containers', as v1.37's pod strategy does in
// PrepareForCreate (podutil.DefaultPodLevelResources): with
// PodLevelResourcesFixDefaulting on, this runs after admission so that
// containers injected by webhooks are counted, which is why it is not part of
// Pod. Call it before PodQOSClass. A pod without pod-level resources is left
// alone.
//
// In order:
//   - a hugepage limit missing at pod level, with no pod-level request for
//     it, becomes the containers' aggregated limit;
//   - a cpu or memory request missing at pod level becomes the containers'
//     aggregated request, and any other supported resource's missing request
//     becomes the pod-level limit;
//   - a limit missing at pod level for a resource requested at pod level
//     becomes the containers' aggregated limit when every container sets one,
//     raised to the pod-level request if that is higher.
func PodLevelResources(pod *corev1.Pod) {
	r := pod.Spec.Resources
	if r == nil || len(r.Requests) == 0 && len(r.Limits) == 0 {
		return
	}
	// Aggregates are taken over the regular and init containers only, with
	// the usual rules (init containers run one at a time, sidecars stay).
	containersOnly := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: pod.Spec.InitContainers,
		Containers:     pod.Spec.Containers,
	}}
	podLevelHugePageLimits(r, containersOnly)
	podLevelRequests(r, containersOnly)
	podLevelLimits(pod, containersOnly)
}

func podLevelHugePageLimits(r *corev1.ResourceRequirements, containersOnly *corev1.Pod) {
	limits := r.Limits
	if limits == nil {
		limits = corev1.ResourceList{}
	}
	for name, q := range resourcehelper.AggregateContainerLimits(containersOnly, resourcehelper.PodResourcesOptions{}) {
		if !isHugePages(name) {
			continue
		}
		if _, requested := r.Requests[name]; requested {
			continue
		}
		if _, ok := limits[name]; !ok {
			limits[name] = q
		}
	}
	if len(limits) > 0 {
		r.Limits = limits
	}
}

func podLevelRequests(r *corev1.ResourceRequirements, containersOnly *corev1.Pod) {
	requests := r.Requests
	if requests == nil {
		requests = corev1.ResourceList{}
	}
	// Only overcommittable resources (cpu, memory) are summed up from the
	// containers; hugepages cannot be overcommitted and take the limit.
	for name, q := range resourcehelper.AggregateContainerRequests(containersOnly, resourcehelper.PodResourcesOptions{}) {
		if _, ok := requests[name]; !ok && resourcehelper.IsSupportedPodLevelResource(name) && !isHugePages(name) {
			requests[name] = q
		}
	}
	for name, q := range r.Limits {
		if _, ok := requests[name]; !ok && resourcehelper.IsSupportedPodLevelResource(name) {
			requests[name] = q.DeepCopy()
		}
	}
	if len(requests) > 0 {
		r.Requests = requests
	}
}

func podLevelLimits(pod *corev1.Pod, containersOnly *corev1.Pod) {
	r := pod.Spec.Resources
	candidates := map[corev1.ResourceName]bool{}
	for name := range r.Requests {
		if _, limited := r.Limits[name]; !limited && resourcehelper.IsSupportedPodLevelResource(name) {
			candidates[name] = true
		}
	}
	// A pod-level limit is only implied when every container, ephemeral
	// ones included, is limited in that resource.
	for _, c := range allContainers(&pod.Spec) {
		for name := range candidates {
			if _, ok := c.Resources.Limits[name]; !ok {
				delete(candidates, name)
			}
		}
	}
	if len(candidates) == 0 {
		return
	}
	aggregate := resourcehelper.AggregateContainerLimits(containersOnly, resourcehelper.PodResourcesOptions{})
	for name := range candidates {
		limit, ok := aggregate[name]
		if !ok {
			continue
		}
		// requests <= limits must hold, so a higher pod-level request
		// raises the limit.
		if request := r.Requests[name]; request.Cmp(limit) > 0 {
			limit = request
		}
		if r.Limits == nil {
			r.Limits = corev1.ResourceList{}
		}
		r.Limits[name] = limit
	}
}

func allContainers(spec *corev1.PodSpec) []*corev1.Container {
	var all []*corev1.Container
	for i := range spec.InitContainers {
		all = append(all, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		all = append(all, &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		all = append(all, (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	return all
}

func isHugePages(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}
