package validation

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateHasLabel is upstream's ValidateHasLabel.
func validateHasLabel(meta metav1.ObjectMeta, fldPath *field.Path, key, expected string) field.ErrorList {
	actual, ok := meta.Labels[key]
	if !ok {
		return field.ErrorList{field.Required(fldPath.Child("labels").Key(key), fmt.Sprintf("must be '%s'", expected))}
	}
	if actual != expected {
		return field.ErrorList{field.Invalid(fldPath.Child("labels").Key(key), meta.Labels, fmt.Sprintf("must be '%s'", expected))}
	}
	return nil
}

// ValidateJob checks a Job on create. Unless manualSelector is set, the Job
// strategy has generated the selector and the template's controller-uid and
// job-name labels from the Job's UID before validation, as upstream does.
func ValidateJob(job *batchv1.Job) field.ErrorList {
	allErrs := validateObjectMeta(&job.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	allErrs = append(allErrs, validateGeneratedSelector(job, true)...)
	allErrs = append(allErrs, validateJobSpecWithSelector(&job.Spec, field.NewPath("spec"))...)
	return append(allErrs, validateNameAllowsCompletions(job)...)
}

func validateGeneratedSelector(job *batchv1.Job, prefixedLabels bool) field.ErrorList {
	if job.Spec.ManualSelector != nil && *job.Spec.ManualSelector || job.Spec.Selector == nil {
		return nil
	}
	var allErrs field.ErrorList
	if job.UID == "" {
		allErrs = append(allErrs, field.Required(field.NewPath("metadata", "uid"), ""))
	}
	tp := field.NewPath("spec", "template", "metadata")
	uid, name := string(job.UID), job.Name
	allErrs = append(allErrs, validateHasLabel(job.Spec.Template.ObjectMeta, tp, "controller-uid", uid)...)
	allErrs = append(allErrs, validateHasLabel(job.Spec.Template.ObjectMeta, tp, "job-name", name)...)
	expected := labels.Set{"controller-uid": uid, "job-name": name}
	if prefixedLabels {
		allErrs = append(allErrs, validateHasLabel(job.Spec.Template.ObjectMeta, tp, batchv1.ControllerUidLabel, uid)...)
		allErrs = append(allErrs, validateHasLabel(job.Spec.Template.ObjectMeta, tp, batchv1.JobNameLabel, name)...)
		expected[batchv1.ControllerUidLabel] = uid
		expected[batchv1.JobNameLabel] = name
	}
	if selector, err := metav1.LabelSelectorAsSelector(job.Spec.Selector); err == nil && !selector.Matches(expected) {
		allErrs = append(allErrs, field.Invalid(field.NewPath("spec", "selector"), job.Spec.Selector, "`selector` not auto-generated"))
	}
	return allErrs
}

func validateNameAllowsCompletions(job *batchv1.Job) field.ErrorList {
	if job.Spec.CompletionMode == nil || *job.Spec.CompletionMode != batchv1.IndexedCompletion || job.Spec.Completions == nil || *job.Spec.Completions <= 0 {
		return nil
	}
	// Indexed pods are named after the job plus their index.
	maxHostname := fmt.Sprintf("%s-%d", job.Name, *job.Spec.Completions-1)
	if len(validation.IsDNS1123Label(maxHostname)) > 0 {
		return field.ErrorList{field.Invalid(field.NewPath("metadata", "name"), job.Name, fmt.Sprintf("will not able to create pod with invalid DNS label: %s", maxHostname))}
	}
	return nil
}

func validateJobSpecWithSelector(spec *batchv1.JobSpec, fldPath *field.Path) field.ErrorList {
	allErrs := validateJobSpec(spec, fldPath)
	if spec.Selector == nil {
		allErrs = append(allErrs, field.Required(fldPath.Child("selector"), ""))
	} else {
		allErrs = append(allErrs, metavalidation.ValidateLabelSelector(spec.Selector, metavalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	if selector, err := metav1.LabelSelectorAsSelector(spec.Selector); err == nil && !selector.Matches(labels.Set(spec.Template.Labels)) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("template", "metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	return allErrs
}

const maxParallelismForIndexedJob = 100000

func validateJobSpec(spec *batchv1.JobSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, f := range []struct {
		v    *int32
		name string
	}{
		{spec.Parallelism, "parallelism"}, {spec.Completions, "completions"},
	} {
		if f.v != nil {
			allErrs = append(allErrs, validateNonnegativeField(int64(*f.v), fldPath.Child(f.name))...)
		}
	}
	if spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, validateNonnegativeField(*spec.ActiveDeadlineSeconds, fldPath.Child("activeDeadlineSeconds"))...)
	}
	for _, f := range []struct {
		v    *int32
		name string
	}{
		{spec.BackoffLimit, "backoffLimit"}, {spec.TTLSecondsAfterFinished, "ttlSecondsAfterFinished"},
		{spec.BackoffLimitPerIndex, "backoffLimitPerIndex"}, {spec.MaxFailedIndexes, "maxFailedIndexes"},
	} {
		if f.v != nil {
			allErrs = append(allErrs, validateNonnegativeField(int64(*f.v), fldPath.Child(f.name))...)
		}
		if f.name == "maxFailedIndexes" && f.v != nil && spec.BackoffLimitPerIndex == nil {
			allErrs = append(allErrs, field.Required(fldPath.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
		}
	}
	if spec.CompletionMode != nil {
		mode := *spec.CompletionMode
		if mode != batchv1.NonIndexedCompletion && mode != batchv1.IndexedCompletion {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("completionMode"), spec.CompletionMode, []batchv1.CompletionMode{batchv1.NonIndexedCompletion, batchv1.IndexedCompletion}))
		}
		if mode == batchv1.IndexedCompletion {
			if spec.Completions == nil {
				allErrs = append(allErrs, field.Required(fldPath.Child("completions"), fmt.Sprintf("when completion mode is %s", batchv1.IndexedCompletion)))
			}
			if spec.Parallelism != nil && *spec.Parallelism > maxParallelismForIndexedJob {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("parallelism"), *spec.Parallelism, fmt.Sprintf("must be less than or equal to %d when completion mode is %s", maxParallelismForIndexedJob, batchv1.IndexedCompletion)))
			}
		}
	}
	if spec.CompletionMode == nil || *spec.CompletionMode == batchv1.NonIndexedCompletion {
		if spec.BackoffLimitPerIndex != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("backoffLimitPerIndex"), *spec.BackoffLimitPerIndex, "requires indexed completion mode"))
		}
		if spec.MaxFailedIndexes != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("maxFailedIndexes"), *spec.MaxFailedIndexes, "requires indexed completion mode"))
		}
	}
	allErrs = append(allErrs, validatePodTemplateSpec(&spec.Template, fldPath.Child("template"))...)
	rp := spec.Template.Spec.RestartPolicy
	rpPath := fldPath.Child("template", "spec", "restartPolicy")
	switch {
	case rp == corev1.RestartPolicyAlways || rp == "":
		allErrs = append(allErrs, field.Required(rpPath, fmt.Sprintf("valid values: %q, %q", corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever)))
	case rp != corev1.RestartPolicyOnFailure && rp != corev1.RestartPolicyNever:
		allErrs = append(allErrs, field.NotSupported(rpPath, rp, []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever}))
	case spec.PodFailurePolicy != nil && rp != corev1.RestartPolicyNever:
		allErrs = append(allErrs, field.Invalid(rpPath, rp, fmt.Sprintf("only %q is supported when podFailurePolicy is specified", corev1.RestartPolicyNever)))
	}
	return allErrs
}

// ValidateJobUpdate checks a Job update: selector, completions (unless
// indexed), completion mode and — unless the Job is suspended and never
// started — the pod template are immutable.
func ValidateJobUpdate(job, old *batchv1.Job) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&job.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	specPath := field.NewPath("spec")
	allErrs = append(allErrs, validateJobSpecWithSelector(&job.Spec, specPath)...)
	indexed := job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion
	if !indexed {
		allErrs = append(allErrs, validateImmutableField(job.Spec.Completions, old.Spec.Completions, specPath.Child("completions"))...)
	} else if !apiequality.Semantic.DeepEqual(job.Spec.Completions, old.Spec.Completions) && job.Spec.Completions != nil &&
		(job.Spec.Parallelism == nil || *job.Spec.Completions != *job.Spec.Parallelism) {
		allErrs = append(allErrs, field.Invalid(specPath.Child("completions"), job.Spec.Completions, "can only be modified in tandem with spec.parallelism"))
	}
	allErrs = append(allErrs, validateImmutableField(job.Spec.Selector, old.Spec.Selector, specPath.Child("selector"))...)
	allErrs = append(allErrs, validateJobTemplateUpdate(job, old, specPath)...)
	allErrs = append(allErrs, validateImmutableField(job.Spec.CompletionMode, old.Spec.CompletionMode, specPath.Child("completionMode"))...)
	allErrs = append(allErrs, validateImmutableField(job.Spec.PodFailurePolicy, old.Spec.PodFailurePolicy, specPath.Child("podFailurePolicy"))...)
	allErrs = append(allErrs, validateImmutableField(job.Spec.BackoffLimitPerIndex, old.Spec.BackoffLimitPerIndex, specPath.Child("backoffLimitPerIndex"))...)
	allErrs = append(allErrs, validateImmutableField(job.Spec.ManagedBy, old.Spec.ManagedBy, specPath.Child("managedBy"))...)
	allErrs = append(allErrs, validateImmutableField(job.Spec.SuccessPolicy, old.Spec.SuccessPolicy, specPath.Child("successPolicy"))...)
	return append(allErrs, validateNameAllowsCompletions(job)...)
}

func validateJobTemplateUpdate(job, old *batchv1.Job, specPath *field.Path) field.ErrorList {
	oldTemplate := old.Spec.Template.DeepCopy()
	suspended := old.Spec.Suspend != nil && *old.Spec.Suspend
	// A suspended Job that never started may take new scheduling directives.
	if suspended && old.Status.StartTime == nil {
		t := &job.Spec.Template
		switch {
		case t.Spec.Affinity == nil && oldTemplate.Spec.Affinity != nil:
			oldTemplate.Spec.Affinity.NodeAffinity = nil
			if *oldTemplate.Spec.Affinity == (corev1.Affinity{}) {
				oldTemplate.Spec.Affinity = nil
			}
		case t.Spec.Affinity != nil && oldTemplate.Spec.Affinity == nil:
			oldTemplate.Spec.Affinity = &corev1.Affinity{NodeAffinity: t.Spec.Affinity.NodeAffinity}
		case t.Spec.Affinity != nil && oldTemplate.Spec.Affinity != nil:
			oldTemplate.Spec.Affinity.NodeAffinity = t.Spec.Affinity.NodeAffinity
		}
		oldTemplate.Spec.NodeSelector = t.Spec.NodeSelector
		oldTemplate.Spec.Tolerations = t.Spec.Tolerations
		oldTemplate.Annotations = t.Annotations
		oldTemplate.Labels = t.Labels
		oldTemplate.Spec.SchedulingGates = t.Spec.SchedulingGates
	}
	if apiequality.Semantic.DeepEqual(&job.Spec.Template, oldTemplate) {
		return nil
	}
	// Upstream prints the internal template here.
	return field.ErrorList{field.Invalid(specPath.Child("template"), internalLayout{&job.Spec.Template}, fieldImmutableErrorMsg)}
}

// ValidateJobStatusUpdate checks a write to jobs/status: counters stay
// non-negative.
func ValidateJobStatusUpdate(job, old *batchv1.Job) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&job.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status")
	s := job.Status
	allErrs = append(allErrs, validateNonnegativeField(int64(s.Active), p.Child("active"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.Succeeded), p.Child("succeeded"))...)
	allErrs = append(allErrs, validateNonnegativeField(int64(s.Failed), p.Child("failed"))...)
	if s.Ready != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*s.Ready), p.Child("ready"))...)
	}
	if s.Terminating != nil {
		allErrs = append(allErrs, validateNonnegativeField(int64(*s.Terminating), p.Child("terminating"))...)
	}
	return allErrs
}
