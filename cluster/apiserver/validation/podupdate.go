package validation

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/diff"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	netutils "k8s.io/utils/net"
)

// updatablePodSpecFields is the list the forbidden-update message quotes.
var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

// ValidatePodUpdate checks an update of a pod's spec and metadata. A pod's
// spec is immutable but for images, activeDeadlineSeconds, added
// tolerations and removed scheduling gates; anything else is refused with
// the list of what may change and a diff of the internal spec.
func ValidatePodUpdate(newPod, oldPod *corev1.Pod) field.ErrorList {
	metaPath := field.NewPath("metadata")
	specPath := field.NewPath("spec")
	allErrs := validateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, metaPath)
	allErrs = append(allErrs, validatePodMetadataAndSpec(newPod, podSpecOptions{resourceIsPod: true})...)
	allErrs = append(allErrs, validatePodAnnotationUpdates(newPod, oldPod, metaPath.Child("annotations"))...)

	errs, stop := validateContainerUpdates(newPod.Spec.Containers, oldPod.Spec.Containers, specPath.Child("containers"))
	allErrs = append(allErrs, errs...)
	if stop {
		return allErrs
	}
	errs, stop = validateContainerUpdates(newPod.Spec.InitContainers, oldPod.Spec.InitContainers, specPath.Child("initContainers"))
	allErrs = append(allErrs, errs...)
	if stop {
		return allErrs
	}

	// activeDeadlineSeconds may be set, or lowered, never raised or removed.
	adsPath := specPath.Child("activeDeadlineSeconds")
	if newPod.Spec.ActiveDeadlineSeconds != nil {
		v := *newPod.Spec.ActiveDeadlineSeconds
		if v < 0 || v > math.MaxInt32 {
			return append(allErrs, field.Invalid(adsPath, v, validation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if oldPod.Spec.ActiveDeadlineSeconds != nil && *oldPod.Spec.ActiveDeadlineSeconds < v {
			return append(allErrs, field.Invalid(adsPath, v, "must be less than or equal to previous value"))
		}
	} else if oldPod.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Invalid(adsPath, newPod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	allErrs = append(allErrs, validateOnlyAddedTolerations(newPod.Spec.Tolerations, oldPod.Spec.Tolerations, specPath.Child("tolerations"))...)
	allErrs = append(allErrs, validateOnlyDeletedSchedulingGates(newPod.Spec.SchedulingGates, oldPod.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)

	if apiequality.Semantic.DeepEqual(newPod.Spec, oldPod.Spec) {
		return allErrs
	}

	// Put back what may change, then anything still different is forbidden.
	munged := *newPod.Spec.DeepCopy()
	for i := range munged.Containers {
		munged.Containers[i].Image = oldPod.Spec.Containers[i].Image
	}
	for i := range munged.InitContainers {
		munged.InitContainers[i].Image = oldPod.Spec.InitContainers[i].Image
	}
	munged.ActiveDeadlineSeconds = nil
	if oldPod.Spec.ActiveDeadlineSeconds != nil {
		v := *oldPod.Spec.ActiveDeadlineSeconds
		munged.ActiveDeadlineSeconds = &v
	}
	munged.SchedulingGates = oldPod.Spec.SchedulingGates
	munged.Tolerations = oldPod.Spec.Tolerations
	if old := oldPod.Spec.TerminationGracePeriodSeconds; old != nil && *old < 0 &&
		munged.TerminationGracePeriodSeconds != nil && *munged.TerminationGracePeriodSeconds == 1 {
		munged.TerminationGracePeriodSeconds = old
	}
	// A pod still waiting on scheduling gates may gain node constraints.
	if len(oldPod.Spec.SchedulingGates) > 0 {
		if !apiequality.Semantic.DeepEqual(munged.NodeSelector, oldPod.Spec.NodeSelector) {
			allErrs = append(allErrs, validateNodeSelectorMutation(specPath.Child("nodeSelector"), munged.NodeSelector, oldPod.Spec.NodeSelector)...)
			munged.NodeSelector = oldPod.Spec.NodeSelector
		}
	}
	if !apiequality.Semantic.DeepEqual(munged, oldPod.Spec) {
		specDiff := diff.Diff(internalLayout{oldPod.Spec}, internalLayout{munged})
		allErrs = append(allErrs, field.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%v", strings.Join(updatablePodSpecFields, ","), specDiff)))
	}
	return allErrs
}

func validateNodeSelectorMutation(fldPath *field.Path, newSel, oldSel map[string]string) field.ErrorList {
	var allErrs field.ErrorList
	for k, v1 := range oldSel {
		if v2, ok := newSel[k]; !ok || v1 != v2 {
			allErrs = append(allErrs, field.Invalid(fldPath.Key(k), v2, "only additions to spec.nodeSelector are allowed (no mutations or deletions)"))
		}
	}
	return allErrs
}

func validatePodAnnotationUpdates(newPod, oldPod *corev1.Pod, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for k, oldVal := range oldPod.Annotations {
		if newVal, ok := newPod.Annotations[k]; ok && newVal == oldVal {
			continue
		}
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not remove or update AppArmor annotations"))
		}
		if k == corev1.MirrorPodAnnotationKey {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not remove or update mirror pod annotation"))
		}
	}
	for k := range newPod.Annotations {
		if _, ok := oldPod.Annotations[k]; ok {
			continue
		}
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not add AppArmor annotations"))
		}
		if k == corev1.MirrorPodAnnotationKey {
			allErrs = append(allErrs, field.Forbidden(fldPath.Key(k), "may not add mirror pod annotation"))
		}
	}
	return allErrs
}

func validateContainerUpdates(newContainers, oldContainers []corev1.Container, fldPath *field.Path) (field.ErrorList, bool) {
	if len(newContainers) != len(oldContainers) {
		return field.ErrorList{field.Forbidden(fldPath, "pod updates may not add or remove containers")}, true
	}
	var allErrs field.ErrorList
	for i, ctr := range newContainers {
		if len(ctr.Image) == 0 {
			allErrs = append(allErrs, field.Required(fldPath.Index(i).Child("image"), ""))
		}
		if len(strings.TrimSpace(ctr.Image)) != len(ctr.Image) {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i).Child("image"), ctr.Image, "must not have leading or trailing whitespace"))
		}
	}
	return allErrs, false
}

func validateOnlyAddedTolerations(newTolerations, oldTolerations []corev1.Toleration, fldPath *field.Path) field.ErrorList {
	for _, old := range oldTolerations {
		found := false
		for _, nt := range newTolerations {
			// tolerationSeconds of an existing toleration may change.
			o := *old.DeepCopy()
			o.TolerationSeconds = nt.TolerationSeconds
			if reflect.DeepEqual(o, nt) {
				found = true
				break
			}
		}
		if !found {
			return field.ErrorList{field.Forbidden(fldPath, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return validateTolerations(newTolerations, fldPath)
}

func validateOnlyDeletedSchedulingGates(newGates, oldGates []corev1.PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	old := sets.New[string]()
	for _, g := range oldGates {
		old.Insert(g.Name)
	}
	for i, g := range newGates {
		if !old.Has(g.Name) {
			allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("name"), fmt.Sprintf("only deletion is allowed, but found new scheduling gate '%s'", g.Name)))
		}
	}
	return allErrs
}

// ValidatePodStatusUpdate checks a write to pods/status, the kubelet's and
// the scheduler's channel: conditions, container state transitions, IPs.
func ValidatePodStatusUpdate(newPod, oldPod *corev1.Pod) field.ErrorList {
	metaPath := field.NewPath("metadata")
	allErrs := validateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, metaPath)
	allErrs = append(allErrs, validatePodAnnotationUpdates(newPod, oldPod, metaPath.Child("annotations"))...)

	fldPath := field.NewPath("status")
	for i, c := range newPod.Status.Conditions {
		if c.ObservedGeneration < 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("conditions").Index(i).Child("observedGeneration"), c.ObservedGeneration, "must be a non-negative integer"))
		}
		switch c.Type {
		case corev1.PodScheduled, corev1.PodReady, corev1.PodInitialized:
			continue
		}
		// Upstream names this path with a capital T.
		allErrs = append(allErrs, validateQualifiedName(string(c.Type), fldPath.Child("conditions").Index(i).Child("Type"))...)
	}
	if newPod.Spec.NodeName != oldPod.Spec.NodeName {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("nodeName"), "may not be changed directly"))
	}
	if n := newPod.Status.NominatedNodeName; n != oldPod.Status.NominatedNodeName && len(n) > 0 {
		for _, msg := range validation.IsDNS1123Subdomain(n) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("nominatedNodeName"), n, msg))
		}
		if oldPod.Spec.NodeName != "" {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child("nominatedNodeName"), "may not be set on pods that are already bound to a node"))
		}
	}
	if newPod.Status.ObservedGeneration < 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("observedGeneration"), newPod.Status.ObservedGeneration, "must be a non-negative integer"))
	}
	allErrs = append(allErrs, validateImmutableField(newPod.Status.QOSClass, oldPod.Status.QOSClass, fldPath.Child("qosClass"))...)
	allErrs = append(allErrs, validateContainerStateTransition(newPod.Status.ContainerStatuses, oldPod.Status.ContainerStatuses, fldPath.Child("containerStatuses"), oldPod.Spec.Containers, oldPod.Spec.RestartPolicy)...)
	allErrs = append(allErrs, validateContainerStateTransition(newPod.Status.InitContainerStatuses, oldPod.Status.InitContainerStatuses, fldPath.Child("initContainerStatuses"), oldPod.Spec.InitContainers, oldPod.Spec.RestartPolicy)...)
	allErrs = append(allErrs, validateContainerStateTransition(newPod.Status.EphemeralContainerStatuses, oldPod.Status.EphemeralContainerStatuses, fldPath.Child("ephemeralContainerStatuses"), nil, corev1.RestartPolicyNever)...)
	allErrs = append(allErrs, validatePodIPs(newPod, oldPod)...)
	allErrs = append(allErrs, validateHostIPs(newPod, oldPod)...)
	return allErrs
}

// validateContainerStateTransition: a container that terminated may only
// run again if its restart policy would restart it (ContainerRestartRules
// is on in v1.37, so a container's own restartPolicy and rules count).
func validateContainerStateTransition(newStatuses, oldStatuses []corev1.ContainerStatus, fldPath *field.Path, containers []corev1.Container, podPolicy corev1.RestartPolicy) field.ErrorList {
	var allErrs field.ErrorList
	for i, old := range oldStatuses {
		if old.State.Terminated == nil {
			continue
		}
		for _, ns := range newStatuses {
			if ns.Name != old.Name || ns.State.Terminated != nil {
				continue
			}
			idx := slices.IndexFunc(containers, func(c corev1.Container) bool { return c.Name == old.Name })
			allowed := false
			if idx >= 0 {
				allowed = containerShouldRestart(&containers[idx], podPolicy, old.State.Terminated.ExitCode)
			}
			if !allowed {
				allErrs = append(allErrs, field.Forbidden(fldPath.Index(i).Child("state"), "may not be transitioned to non-terminated state"))
			}
			break
		}
	}
	return allErrs
}

// containerShouldRestart mirrors upstream podutil.ContainerShouldRestart.
func containerShouldRestart(c *corev1.Container, podPolicy corev1.RestartPolicy, exitCode int32) bool {
	if c.RestartPolicy != nil {
		for _, rule := range c.RestartPolicyRules {
			if rule.ExitCodes == nil {
				continue
			}
			in := slices.Contains(rule.ExitCodes.Values, exitCode)
			if (rule.ExitCodes.Operator == corev1.ContainerRestartRuleOnExitCodesOpIn) == in {
				return rule.Action == corev1.ContainerRestartRuleActionRestart
			}
		}
		switch *c.RestartPolicy {
		case corev1.ContainerRestartPolicyAlways:
			return true
		case corev1.ContainerRestartPolicyOnFailure:
			return exitCode != 0
		}
		return false
	}
	switch podPolicy {
	case corev1.RestartPolicyAlways:
		return true
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	}
	return false
}

func validatePodIPs(pod, oldPod *corev1.Pod) field.ErrorList {
	var allErrs field.ErrorList
	ipsPath := field.NewPath("status", "podIPs")
	var existing []string
	for _, ip := range oldPod.Status.PodIPs {
		existing = append(existing, ip.IP)
	}
	for i, ip := range pod.Status.PodIPs {
		allErrs = append(allErrs, validateIPForLegacyField(ipsPath.Index(i), ip.IP, existing)...)
	}
	if len(pod.Status.PodIPs) > 1 && !isDualStackPair(pod.Status.PodIPs[0].IP, pod.Status.PodIPs[1].IP, len(pod.Status.PodIPs)) {
		allErrs = append(allErrs, field.Invalid(ipsPath, internalLayout{pod.Status.PodIPs}, "may specify no more than one IP for each IP family"))
	}
	hasPodIP, hasPodIPs := len(pod.Status.PodIP) > 0, len(pod.Status.PodIPs) > 0
	switch {
	case hasPodIP != hasPodIPs:
		allErrs = append(allErrs, field.Invalid(ipsPath, internalLayout{pod.Status.PodIPs}, "podIP and podIPs must either both be set or both be unset"))
	case hasPodIPs && pod.Status.PodIP != pod.Status.PodIPs[0].IP:
		allErrs = append(allErrs, field.Invalid(ipsPath.Index(0).Child("ip"), pod.Status.PodIPs[0].IP, "must be equal to `podIP`"))
	}
	return allErrs
}

func validateHostIPs(pod, oldPod *corev1.Pod) field.ErrorList {
	if len(pod.Status.HostIPs) == 0 {
		return nil
	}
	var allErrs field.ErrorList
	ipsPath := field.NewPath("status", "hostIPs")
	if pod.Status.HostIP != pod.Status.HostIPs[0].IP {
		allErrs = append(allErrs, field.Invalid(ipsPath.Index(0).Child("ip"), pod.Status.HostIPs[0].IP, "must be equal to `hostIP`"))
	}
	var existing []string
	for _, ip := range oldPod.Status.HostIPs {
		existing = append(existing, ip.IP)
	}
	for i, ip := range pod.Status.HostIPs {
		allErrs = append(allErrs, validateIPForLegacyField(ipsPath.Index(i), ip.IP, existing)...)
	}
	if len(pod.Status.HostIPs) > 1 && !isDualStackPair(pod.Status.HostIPs[0].IP, pod.Status.HostIPs[1].IP, len(pod.Status.HostIPs)) {
		allErrs = append(allErrs, field.Invalid(ipsPath, internalLayout{pod.Status.HostIPs}, "may specify no more than one IP for each IP family"))
	}
	return allErrs
}

// validateIPForLegacyField: StrictIPCIDRValidation is on in v1.37, but IPs
// already stored may stay as they are.
func validateIPForLegacyField(fldPath *field.Path, value string, validOldIPs []string) field.ErrorList {
	return validation.IsValidIPForLegacyField(fldPath, value, true, validOldIPs)
}

// isDualStackPair: at most two IPs, one of each family.
func isDualStackPair(a, b string, n int) bool {
	if n > 2 {
		return false
	}
	ipA, ipB := netutils.ParseIPSloppy(a), netutils.ParseIPSloppy(b)
	if ipA == nil || ipB == nil {
		return false
	}
	return (ipA.To4() == nil) != (ipB.To4() == nil)
}
