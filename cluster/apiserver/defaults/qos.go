package defaults

import (
	corev1 "k8s.io/api/core/v1"
	resourcehelper "k8s.io/component-helpers/resource"
)

// PodQOSClass computes a pod's quality-of-service class the way the pod
// strategy does on create (qos.ComputePodQOS): from the pod-level resources
// when they name a supported resource (PodLevelResources and
// PodLevelResourcesFixKubeletQOSClass are on in v1.37), otherwise from the
// init and regular containers together. Only cpu and memory count:
//   - BestEffort: no container requests or limits either;
//   - Guaranteed: every container has equal, non-zero cpu and memory
//     requests and limits;
//   - Burstable: anything in between.
//
// The strategy runs it after defaulting, so requests copied from limits are
// taken into account.
func PodQOSClass(pod *corev1.Pod) corev1.PodQOSClass {
	if resourcehelper.IsPodLevelResourcesSet(pod) {
		return requirementsQOS(pod.Spec.Resources)
	}
	var class corev1.PodQOSClass
	for _, containers := range [][]corev1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range containers {
			c := requirementsQOS(&containers[i].Resources)
			switch {
			case c == corev1.PodQOSBurstable:
				return c
			case class == "":
				class = c
			case class != c:
				// One BestEffort and one Guaranteed container.
				return corev1.PodQOSBurstable
			}
		}
	}
	if class == "" {
		// No containers at all; validation rejects such a pod.
		return corev1.PodQOSBestEffort
	}
	return class
}

// requirementsQOS is the class of one set of requirements.
func requirementsQOS(r *corev1.ResourceRequirements) corev1.PodQOSClass {
	if len(r.Requests) == 0 && len(r.Limits) == 0 {
		return corev1.PodQOSBestEffort
	}
	cpu := resourceQOS(r, corev1.ResourceCPU)
	memory := resourceQOS(r, corev1.ResourceMemory)
	if cpu != memory {
		// Burstable in one, or one resource set and the other not.
		return corev1.PodQOSBurstable
	}
	return cpu
}

// resourceQOS is the class of one resource: BestEffort when neither request
// nor limit is set (or both are zero), Guaranteed when they are equal and
// non-zero, Burstable when they differ. A missing quantity reads as zero.
func resourceQOS(r *corev1.ResourceRequirements, name corev1.ResourceName) corev1.PodQOSClass {
	req, lim := r.Requests[name], r.Limits[name]
	switch {
	case !req.Equal(lim):
		return corev1.PodQOSBurstable
	case req.IsZero():
		return corev1.PodQOSBestEffort
	default:
		return corev1.PodQOSGuaranteed
	}
}
