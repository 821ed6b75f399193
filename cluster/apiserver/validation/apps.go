package validation

import (
	"encoding/json"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// int32Value reads an optional count the way upstream's conversion to the
// internal type does: unset is 0.
func int32Value(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// ValidateDeployment checks a Deployment on create.
func ValidateDeployment(d *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMeta(&d.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
}

// ValidateDeploymentUpdate checks a Deployment update; the selector is
// immutable in apps/v1.
func ValidateDeploymentUpdate(d, old *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateDeploymentSpec(&d.Spec, field.NewPath("spec"))...)
	return append(allErrs, validateImmutableField(d.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

// ValidateDeploymentStatusUpdate checks a write to deployments/status.
func ValidateDeploymentStatusUpdate(d, old *appsv1.Deployment) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	s := &d.Status
	allErrs = append(allErrs, validateNonnegativeField(s.ObservedGeneration, p.Child("observedGeneration"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.Replicas), p.Child("replicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.UpdatedReplicas), p.Child("updatedReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.ReadyReplicas), p.Child("readyReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.AvailableReplicas), p.Child("availableReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.UnavailableReplicas), p.Child("unavailableReplicas"))...)
	if s.TerminatingReplicas != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*s.TerminatingReplicas), p.Child("terminatingReplicas"))...)
	}
	if s.CollisionCount != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*s.CollisionCount), p.Child("collisionCount"))...)
	}
	const msg = "cannot be greater than status.replicas"
	if s.UpdatedReplicas > s.Replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("updatedReplicas"), s.UpdatedReplicas, msg))
	}
	if s.ReadyReplicas > s.Replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("readyReplicas"), s.ReadyReplicas, msg))
	}
	if s.AvailableReplicas > s.Replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, msg))
	}
	if s.AvailableReplicas > s.ReadyReplicas {
		allErrs = append(allErrs, field.Invalid(p.Child("availableReplicas"), s.AvailableReplicas, "cannot be greater than readyReplicas"))
	}
	return append(allErrs, validateCollisionCountDecrement(s.CollisionCount, old.Status.CollisionCount, p.Child("collisionCount"))...)
}

func validateCollisionCountDecrement(cur, old *int32, fldPath *field.Path) field.ErrorList {
	if cur == nil && old == nil || cur != nil && old != nil && *cur >= *old || cur != nil && old == nil {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, int32Value(cur), "cannot be decremented")}
}

func validateDeploymentSpec(spec *appsv1.DeploymentSpec, fldPath *field.Path) field.ErrorList {
	replicas := int32Value(spec.Replicas)
	allErrs := validateNonnegativeField(int64(replicas), fldPath.Child("replicas"))
	allErrs = append(allErrs, validateWorkloadSelector(spec.Selector, &spec.Template, replicas, fldPath, "deployment", "ReplicaSet")...)
	allErrs = append(allErrs, validateDeploymentStrategy(&spec.Strategy, fldPath.Child("strategy"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	if spec.RevisionHistoryLimit != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*spec.RevisionHistoryLimit), fldPath.Child("revisionHistoryLimit"))...)
	}
	if spec.ProgressDeadlineSeconds != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*spec.ProgressDeadlineSeconds), fldPath.Child("progressDeadlineSeconds"))...)
		if *spec.ProgressDeadlineSeconds <= spec.MinReadySeconds {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("progressDeadlineSeconds"), spec.ProgressDeadlineSeconds, "must be greater than minReadySeconds"))
		}
	}
	return allErrs
}

// validateWorkloadSelector is the selector-and-template part that
// Deployments and ReplicaSets share (upstream ValidateReplicaSetSpec and
// ValidatePodTemplateSpecForReplicaSet). Upstream's message for an empty
// ReplicaSet selector also says "deployment".
func validateWorkloadSelector(sel *metav1.LabelSelector, template *corev1.PodTemplateSpec, replicas int32, fldPath *field.Path, kind, templateOwner string) field.ErrorList {
	var allErrs field.ErrorList
	if sel == nil {
		allErrs = append(allErrs, field.Required(fldPath.Child("selector"), ""))
	} else {
		allErrs = append(allErrs, metavalidation.ValidateLabelSelector(sel, metavalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
		if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("selector"), sel, "empty selector is invalid for "+kind))
		}
	}
	selector, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return append(allErrs, field.Invalid(fldPath.Child("selector"), sel, "invalid label selector"))
	}
	tp := fldPath.Child("template")
	if !selector.Empty() && !selector.Matches(labels.Set(template.Labels)) {
		allErrs = append(allErrs, field.Invalid(tp.Child("metadata", "labels"), template.Labels, "`selector` does not match template `labels`"))
	}
	allErrs = append(allErrs, validatePodTemplateSpec(template, tp)...)
	if template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		allErrs = append(allErrs, field.NotSupported(tp.Child("spec", "restartPolicy"), template.Spec.RestartPolicy, []string{string(corev1.RestartPolicyAlways)}))
	}
	if template.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in "+templateOwner+" is not Supported"))
	}
	return allErrs
}

func validateDeploymentStrategy(strategy *appsv1.DeploymentStrategy, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch strategy.Type {
	case appsv1.RecreateDeploymentStrategyType:
		if strategy.RollingUpdate != nil {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"))
		}
	case appsv1.RollingUpdateDeploymentStrategyType:
		if strategy.RollingUpdate == nil {
			return append(allErrs, field.Required(fldPath.Child("rollingUpdate"), "this should be defaulted and never be nil"))
		}
		ru := strategy.RollingUpdate
		p := fldPath.Child("rollingUpdate")
		maxUnavailable, maxSurge := intOrStringValue(ru.MaxUnavailable), intOrStringValue(ru.MaxSurge)
		allErrs = append(allErrs, validatePositiveIntOrPercent(maxUnavailable, p.Child("maxUnavailable"))...)
		allErrs = append(allErrs, validatePositiveIntOrPercent(maxSurge, p.Child("maxSurge"))...)
		if intOrPercentValue(maxUnavailable) == 0 && intOrPercentValue(maxSurge) == 0 {
			allErrs = append(allErrs, field.Invalid(p.Child("maxUnavailable"), maxUnavailable, "may not be 0 when `maxSurge` is 0"))
		}
		allErrs = append(allErrs, notMoreThan100Percent(maxUnavailable, p.Child("maxUnavailable"))...)
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath, internalLayout{strategy}, []string{string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)}))
	}
	return allErrs
}

// intOrStringValue reads an optional IntOrString as upstream's conversion
// does: unset is the integer 0.
func intOrStringValue(p *intstr.IntOrString) intstr.IntOrString {
	if p == nil {
		return intstr.FromInt32(0)
	}
	return *p
}

func validatePositiveIntOrPercent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	switch v.Type {
	case intstr.String:
		for _, msg := range validation.IsValidPercent(v.StrVal) {
			allErrs = append(allErrs, field.Invalid(fldPath, v, msg))
		}
	case intstr.Int:
		allErrs = append(allErrs, validateNonnegativeField(int64(v.IntValue()), fldPath)...)
	default:
		allErrs = append(allErrs, field.Invalid(fldPath, v, "must be an integer or percentage (e.g '5%%')"))
	}
	return allErrs
}

func percentValue(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) != 0 {
		return 0, false
	}
	n, _ := strconv.Atoi(v.StrVal[:len(v.StrVal)-1])
	return n, true
}

func intOrPercentValue(v intstr.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	return v.IntValue()
}

func notMoreThan100Percent(v intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	if n, ok := percentValue(v); !ok || n <= 100 {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, v, "must not be greater than 100%")}
}

// ValidateReplicaSet checks a ReplicaSet on create.
func ValidateReplicaSet(rs *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMeta(&rs.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
}

// ValidateReplicaSetUpdate checks a ReplicaSet update; the selector is
// immutable in apps/v1.
func ValidateReplicaSetUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateReplicaSetSpec(&rs.Spec, field.NewPath("spec"))...)
	return append(allErrs, validateImmutableField(rs.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
}

func validateReplicaSetSpec(spec *appsv1.ReplicaSetSpec, fldPath *field.Path) field.ErrorList {
	replicas := int32Value(spec.Replicas)
	allErrs := validateNonnegativeField(int64(replicas), fldPath.Child("replicas"))
	allErrs = append(allErrs, validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	return append(allErrs, validateWorkloadSelector(spec.Selector, &spec.Template, replicas, fldPath, "deployment", "ReplicaSet")...)
}

// ValidateReplicaSetStatusUpdate checks a write to replicasets/status.
func ValidateReplicaSetStatusUpdate(rs, old *appsv1.ReplicaSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rs.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	s := rs.Status
	return append(allErrs, validateReplicaCounts(s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration, s.TerminatingReplicas, field.NewPath("status"))...)
}

func validateReplicaCounts(replicas, fullyLabeled, ready, available int32, observedGeneration int64, terminating *int32, p *field.Path) field.ErrorList {
	allErrs := validateNonnegativeField(int64(replicas), p.Child("replicas"))
	allErrs = append(allErrs, validateNonnegativeField(int64(fullyLabeled), p.Child("fullyLabeledReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(ready), p.Child("readyReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(available), p.Child("availableReplicas"))...)
	allErrs = append(allErrs, validateNonnegativeField(observedGeneration, p.Child("observedGeneration"))...)
	if terminating != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*terminating), p.Child("terminatingReplicas"))...)
	}
	const msg = "cannot be greater than status.replicas"
	if fullyLabeled > replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("fullyLabeledReplicas"), fullyLabeled, msg))
	}
	if ready > replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("readyReplicas"), ready, msg))
	}
	if available > replicas {
		allErrs = append(allErrs, field.Invalid(p.Child("availableReplicas"), available, msg))
	}
	if available > ready {
		allErrs = append(allErrs, field.Invalid(p.Child("availableReplicas"), available, "cannot be greater than readyReplicas"))
	}
	return allErrs
}

// ValidateDaemonSet checks a DaemonSet on create.
func ValidateDaemonSet(ds *appsv1.DaemonSet) field.ErrorList {
	allErrs := validateObjectMeta(&ds.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validateDaemonSetSpec(&ds.Spec, field.NewPath("spec"))...)
}

// ValidateDaemonSetUpdate checks a DaemonSet update. Upstream also checks
// the internal templateGeneration counter, which apps/v1 does not carry.
func ValidateDaemonSetUpdate(ds, old *appsv1.DaemonSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&ds.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateImmutableField(ds.Spec.Selector, old.Spec.Selector, field.NewPath("spec", "selector"))...)
	return append(allErrs, validateDaemonSetSpec(&ds.Spec, field.NewPath("spec"))...)
}

func validateDaemonSetSpec(spec *appsv1.DaemonSetSpec, fldPath *field.Path) field.ErrorList {
	allErrs := metavalidation.ValidateLabelSelector(spec.Selector, metavalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))
	selector, err := metav1.LabelSelectorAsSelector(spec.Selector)
	if err == nil && !selector.Matches(labels.Set(spec.Template.Labels)) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("template", "metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	if spec.Selector != nil && len(spec.Selector.MatchLabels)+len(spec.Selector.MatchExpressions) == 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("selector"), spec.Selector, "empty selector is invalid for daemonset"))
	}
	allErrs = append(allErrs, validatePodTemplateSpec(&spec.Template, fldPath.Child("template"))...)
	if spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("template", "spec", "restartPolicy"), spec.Template.Spec.RestartPolicy, []string{string(corev1.RestartPolicyAlways)}))
	}
	if spec.Template.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("template", "spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in DaemonSet is not Supported"))
	}
	allErrs = append(allErrs, validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))...)
	allErrs = append(allErrs, validateDaemonSetUpdateStrategy(&spec.UpdateStrategy, fldPath.Child("updateStrategy"))...)
	if spec.RevisionHistoryLimit != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*spec.RevisionHistoryLimit), fldPath.Child("revisionHistoryLimit"))...)
	}
	return allErrs
}

func validateDaemonSetUpdateStrategy(strategy *appsv1.DaemonSetUpdateStrategy, fldPath *field.Path) field.ErrorList {
	switch strategy.Type {
	case appsv1.OnDeleteDaemonSetStrategyType:
		return nil
	case appsv1.RollingUpdateDaemonSetStrategyType:
		if strategy.RollingUpdate == nil {
			return field.ErrorList{field.Required(fldPath.Child("rollingUpdate"), "")}
		}
		p := fldPath.Child("rollingUpdate")
		maxUnavailable, maxSurge := intOrStringValue(strategy.RollingUpdate.MaxUnavailable), intOrStringValue(strategy.RollingUpdate.MaxSurge)
		allErrs := validatePositiveIntOrPercent(maxUnavailable, p.Child("maxUnavailable"))
		allErrs = append(allErrs, validatePositiveIntOrPercent(maxSurge, p.Child("maxSurge"))...)
		allErrs = append(allErrs, notMoreThan100Percent(maxUnavailable, p.Child("maxUnavailable"))...)
		allErrs = append(allErrs, notMoreThan100Percent(maxSurge, p.Child("maxSurge"))...)
		hasUnavailable, hasSurge := intOrPercentValue(maxUnavailable) != 0, intOrPercentValue(maxSurge) != 0
		switch {
		case hasUnavailable && hasSurge:
			allErrs = append(allErrs, field.Invalid(p.Child("maxSurge"), maxSurge, "may not be set when maxUnavailable is non-zero"))
		case !hasUnavailable && !hasSurge:
			allErrs = append(allErrs, field.Required(p.Child("maxUnavailable"), "cannot be 0 when maxSurge is 0"))
		}
		return allErrs
	}
	return field.ErrorList{field.NotSupported(fldPath, internalLayout{strategy}, []string{string(appsv1.RollingUpdateDaemonSetStrategyType), string(appsv1.OnDeleteDaemonSetStrategyType)})}
}

// ValidateDaemonSetStatusUpdate checks a write to daemonsets/status.
func ValidateDaemonSetStatusUpdate(ds, old *appsv1.DaemonSet) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&ds.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	s := &ds.Status
	for _, c := range []struct {
		v    int64
		name string
	}{
		{int64(s.CurrentNumberScheduled), "currentNumberScheduled"}, {int64(s.NumberMisscheduled), "numberMisscheduled"},
		{int64(s.DesiredNumberScheduled), "desiredNumberScheduled"}, {int64(s.NumberReady), "numberReady"},
		{s.ObservedGeneration, "observedGeneration"}, {int64(s.UpdatedNumberScheduled), "updatedNumberScheduled"},
		{int64(s.NumberAvailable), "numberAvailable"}, {int64(s.NumberUnavailable), "numberUnavailable"},
	} {
		allErrs = append(allErrs, validateNonnegativeField(c.v, p.Child(c.name))...)
	}
	if s.CollisionCount != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*s.CollisionCount), p.Child("collisionCount"))...)
	}
	return append(allErrs, validateCollisionCountDecrement(s.CollisionCount, old.Status.CollisionCount, p.Child("collisionCount"))...)
}

// ValidateControllerRevision checks a ControllerRevision on create.
func ValidateControllerRevision(r *appsv1.ControllerRevision) field.ErrorList {
	allErrs := validateObjectMeta(&r.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	allErrs = append(allErrs, validateNonnegativeField(r.Revision, field.NewPath("revision"))...)
	dataPath := field.NewPath("data")
	var v any
	switch {
	case r.Data.Raw == nil:
		allErrs = append(allErrs, field.Required(dataPath, "data is mandatory"))
	case json.Unmarshal(r.Data.Raw, &v) != nil:
		err := json.Unmarshal(r.Data.Raw, &v)
		allErrs = append(allErrs, field.Invalid(dataPath, "<value omitted>", fmt.Sprintf("error parsing data: %v", err.Error())))
	case v == nil:
		allErrs = append(allErrs, field.Required(dataPath, "data is mandatory"))
	default:
		if _, ok := v.(map[string]any); !ok {
			allErrs = append(allErrs, field.Required(dataPath, "data must be a valid JSON object"))
		}
	}
	return allErrs
}

// ValidateControllerRevisionUpdate: a revision's data never changes.
func ValidateControllerRevisionUpdate(r, old *appsv1.ControllerRevision) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&r.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateObjectMeta(&r.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	allErrs = append(allErrs, validateNonnegativeField(r.Revision, field.NewPath("revision"))...)
	if !apiequality.Semantic.DeepEqual(r.Data.Raw, old.Data.Raw) {
		allErrs = append(allErrs, field.Invalid(field.NewPath("data"), internalLayout{r.Data}, fieldImmutableErrorMsg))
	}
	return allErrs
}
