package validation

import (
	"fmt"
	"reflect"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	nodev1 "k8s.io/api/node/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Length limits of event fields (upstream pkg/apis/core/validation/events.go).
const (
	reportingInstanceLengthLimit = 128
	actionLengthLimit            = 128
	reasonLengthLimit            = 128
	noteLengthLimit              = 1024
)

// eventFields is what the core/v1 and events.k8s.io/v1 Events share, named
// as upstream's internal Event names them.
type eventFields struct {
	namespace, involvedNamespace           string
	eventTime                              metav1.MicroTime
	reportingController, reportingInstance string
	action, reason, message                string
}

// legacyValidateEvent is what every Event must pass, whatever its API.
func legacyValidateEvent(e eventFields, reportingControllerField string) field.ErrorList {
	var allErrs field.ErrorList
	involvedPath := field.NewPath("involvedObject", "namespace")
	if e.eventTime.IsZero() {
		if len(e.involvedNamespace) == 0 {
			if e.namespace != metav1.NamespaceNone && e.namespace != metav1.NamespaceDefault {
				allErrs = append(allErrs, field.Invalid(involvedPath, e.involvedNamespace, "does not match event.namespace"))
			}
		} else if e.namespace != e.involvedNamespace {
			allErrs = append(allErrs, field.Invalid(involvedPath, e.involvedNamespace, "does not match event.namespace"))
		}
		return allErrs
	}
	if len(e.involvedNamespace) == 0 && e.namespace != metav1.NamespaceDefault && e.namespace != metav1.NamespaceSystem {
		allErrs = append(allErrs, field.Invalid(involvedPath, e.involvedNamespace, "does not match event.namespace"))
	}
	if len(e.reportingController) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath(reportingControllerField), ""))
	}
	allErrs = append(allErrs, validateQualifiedName(e.reportingController, field.NewPath(reportingControllerField))...)
	if len(e.reportingInstance) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath("reportingInstance"), ""))
	}
	if len(e.reportingInstance) > reportingInstanceLengthLimit {
		allErrs = append(allErrs, field.Invalid(field.NewPath("reportingInstance"), "", fmt.Sprintf("can have at most %v characters", reportingInstanceLengthLimit)))
	}
	if len(e.action) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath("action"), ""))
	}
	if len(e.action) > actionLengthLimit {
		allErrs = append(allErrs, field.Invalid(field.NewPath("action"), "", fmt.Sprintf("can have at most %v characters", actionLengthLimit)))
	}
	if len(e.reason) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath("reason"), ""))
	}
	if len(e.reason) > reasonLengthLimit {
		allErrs = append(allErrs, field.Invalid(field.NewPath("reason"), "", fmt.Sprintf("can have at most %v characters", reasonLengthLimit)))
	}
	if len(e.message) > noteLengthLimit {
		allErrs = append(allErrs, field.Invalid(field.NewPath("message"), "", fmt.Sprintf("can have at most %v characters", noteLengthLimit)))
	}
	return allErrs
}

func coreEventFields(e *corev1.Event) eventFields {
	return eventFields{e.Namespace, e.InvolvedObject.Namespace, e.EventTime, e.ReportingController, e.ReportingInstance, e.Action, e.Reason, e.Message}
}

func eventsEventFields(e *eventsv1.Event) eventFields {
	return eventFields{e.Namespace, e.Regarding.Namespace, e.EventTime, e.ReportingController, e.ReportingInstance, e.Action, e.Reason, e.Note}
}

// ValidateEvent checks a core/v1 Event. Upstream keeps the v1 API lenient
// for old clients: only the legacy rules apply, with the v1 field name
// reportingComponent.
func ValidateEvent(e *corev1.Event) field.ErrorList {
	return legacyValidateEvent(coreEventFields(e), "reportingComponent")
}

// ValidateEventUpdate checks a core/v1 Event update, as leniently.
func ValidateEventUpdate(e, _ *corev1.Event) field.ErrorList {
	return ValidateEvent(e)
}

// ValidateEventsEvent checks an events.k8s.io/v1 Event, which gets the
// strict rules.
func ValidateEventsEvent(e *eventsv1.Event) field.ErrorList {
	allErrs := legacyValidateEvent(eventsEventFields(e), "reportingController")
	allErrs = append(allErrs, validateObjectMeta(&e.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	allErrs = append(allErrs, validateEventSeries(e)...)
	if e.EventTime.IsZero() {
		allErrs = append(allErrs, field.Required(field.NewPath("eventTime"), ""))
	}
	if e.Type != corev1.EventTypeNormal && e.Type != corev1.EventTypeWarning {
		allErrs = append(allErrs, field.Invalid(field.NewPath("type"), "", fmt.Sprintf("has invalid value: %v", e.Type)))
	}
	if !e.DeprecatedFirstTimestamp.IsZero() {
		allErrs = append(allErrs, field.Invalid(field.NewPath("firstTimestamp"), "", "needs to be unset"))
	}
	if !e.DeprecatedLastTimestamp.IsZero() {
		allErrs = append(allErrs, field.Invalid(field.NewPath("lastTimestamp"), "", "needs to be unset"))
	}
	if e.DeprecatedCount != 0 {
		allErrs = append(allErrs, field.Invalid(field.NewPath("count"), "", "needs to be unset"))
	}
	if e.DeprecatedSource.Component != "" || e.DeprecatedSource.Host != "" {
		allErrs = append(allErrs, field.Invalid(field.NewPath("source"), "", "needs to be unset"))
	}
	return allErrs
}

func validateEventSeries(e *eventsv1.Event) field.ErrorList {
	if e.Series == nil {
		return nil
	}
	var allErrs field.ErrorList
	if e.Series.Count < 2 {
		allErrs = append(allErrs, field.Invalid(field.NewPath("series.count"), "", "should be at least 2"))
	}
	if e.Series.LastObservedTime.IsZero() {
		allErrs = append(allErrs, field.Required(field.NewPath("series.lastObservedTime"), ""))
	}
	return allErrs
}

// ValidateEventsEventUpdate: what an events.k8s.io/v1 Event reports never
// changes; only its series grows.
func ValidateEventsEventUpdate(e, old *eventsv1.Event) field.ErrorList {
	allErrs := legacyValidateEvent(eventsEventFields(e), "reportingController")
	allErrs = append(allErrs, validateObjectMetaUpdate(&e.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	if !reflect.DeepEqual(e.Series, old.Series) {
		allErrs = append(allErrs, validateEventSeries(e)...)
	}
	allErrs = append(allErrs, validateImmutableField(internalLayout{e.Regarding}, internalLayout{old.Regarding}, field.NewPath("involvedObject"))...)
	allErrs = append(allErrs, validateImmutableField(e.Reason, old.Reason, field.NewPath("reason"))...)
	allErrs = append(allErrs, validateImmutableField(e.Note, old.Note, field.NewPath("message"))...)
	allErrs = append(allErrs, validateImmutableField(internalLayout{e.DeprecatedSource}, internalLayout{old.DeprecatedSource}, field.NewPath("source"))...)
	allErrs = append(allErrs, validateImmutableField(e.DeprecatedFirstTimestamp, old.DeprecatedFirstTimestamp, field.NewPath("firstTimestamp"))...)
	allErrs = append(allErrs, validateImmutableField(e.DeprecatedLastTimestamp, old.DeprecatedLastTimestamp, field.NewPath("lastTimestamp"))...)
	allErrs = append(allErrs, validateImmutableField(e.DeprecatedCount, old.DeprecatedCount, field.NewPath("count"))...)
	allErrs = append(allErrs, validateImmutableField(e.Reason, old.Reason, field.NewPath("reason"))...)
	allErrs = append(allErrs, validateImmutableField(e.Type, old.Type, field.NewPath("type"))...)
	if !e.EventTime.Truncate(time.Microsecond).UTC().Equal(old.EventTime.Truncate(time.Microsecond).UTC()) {
		allErrs = append(allErrs, validateImmutableField(e.EventTime, old.EventTime, field.NewPath("eventTime"))...)
	}
	allErrs = append(allErrs, validateImmutableField(e.Action, old.Action, field.NewPath("action"))...)
	allErrs = append(allErrs, validateImmutableField(e.Related, old.Related, field.NewPath("related"))...)
	allErrs = append(allErrs, validateImmutableField(e.ReportingController, old.ReportingController, field.NewPath("reportingController"))...)
	allErrs = append(allErrs, validateImmutableField(e.ReportingInstance, old.ReportingInstance, field.NewPath("reportingInstance"))...)
	return allErrs
}

// ValidateLease checks a coordination.k8s.io/v1 Lease.
func ValidateLease(l *coordinationv1.Lease) field.ErrorList {
	allErrs := validateObjectMeta(&l.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validateLeaseSpec(&l.Spec, field.NewPath("spec"))...)
}

// ValidateLeaseUpdate checks a Lease update.
func ValidateLeaseUpdate(l, old *coordinationv1.Lease) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&l.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, validateLeaseSpec(&l.Spec, field.NewPath("spec"))...)
}

func validateLeaseSpec(spec *coordinationv1.LeaseSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if spec.LeaseDurationSeconds != nil && *spec.LeaseDurationSeconds <= 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("leaseDurationSeconds"), spec.LeaseDurationSeconds, "must be greater than 0"))
	}
	if spec.LeaseTransitions != nil && *spec.LeaseTransitions < 0 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("leaseTransitions"), spec.LeaseTransitions, "must be greater than or equal to 0"))
	}
	if spec.Strategy != nil && *spec.Strategy != coordinationv1.OldestEmulationVersion {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("strategy"), *spec.Strategy, []string{string(coordinationv1.OldestEmulationVersion)}))
	}
	if spec.PreferredHolder != nil && *spec.PreferredHolder != "" && (spec.Strategy == nil || *spec.Strategy == "") {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("preferredHolder"), "may only be specified if `strategy` is defined"))
	}
	return allErrs
}

// ValidateRuntimeClass checks a RuntimeClass: its handler is a DNS label.
func ValidateRuntimeClass(rc *nodev1.RuntimeClass) field.ErrorList {
	allErrs := validateObjectMeta(&rc.ObjectMeta, false, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if rc.Handler == "" {
		allErrs = append(allErrs, field.Required(field.NewPath("handler"), ""))
	} else {
		for _, msg := range apimachineryvalidation.NameIsDNSLabel(rc.Handler, false) {
			allErrs = append(allErrs, field.Invalid(field.NewPath("handler"), rc.Handler, msg))
		}
	}
	if rc.Overhead != nil {
		p := field.NewPath("overhead", "podFixed")
		for _, name := range sortedResourceNames(rc.Overhead.PodFixed) {
			q := rc.Overhead.PodFixed[name]
			allErrs = append(allErrs, validateContainerResourceName(name, p.Key(string(name)))...)
			allErrs = append(allErrs, validateResourceQuantityValue(name, q, p.Key(string(name)))...)
		}
	}
	if rc.Scheduling != nil {
		allErrs = append(allErrs, validateTolerations(rc.Scheduling.Tolerations, field.NewPath("scheduling", "tolerations"))...)
	}
	return allErrs
}

// ValidateRuntimeClassUpdate: the handler is immutable.
func ValidateRuntimeClassUpdate(rc, old *nodev1.RuntimeClass) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, validateImmutableField(rc.Handler, old.Handler, field.NewPath("handler"))...)
}
