package apiserver

import (
	"fmt"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kubelab/cluster/apiserver/defaults"
	"kubelab/cluster/apiserver/openapi"
)

// newScheme builds the apiserver's scheme.
//
// kube-apiserver decodes every request into an internal ("hub") type and
// converts it to a versioned type for storage and for answers. kubelab has
// no internal types: it registers each versioned k8s.io/api type a second
// time under its group's __internal version. The machinery then treats the
// versioned type as the hub, and "conversion" between the two is a copy.
// The one real conversion is events.k8s.io/v1 Event, whose hub, as
// upstream, is the core Event: both APIs read and write the same objects.
func newScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	s.AddUnversionedTypes(schema.GroupVersion{Version: "v1"},
		&metav1.Status{}, &metav1.APIVersions{}, &metav1.APIGroupList{}, &metav1.APIGroup{}, &metav1.APIResourceList{})

	versions := map[string][]schema.GroupVersion{}
	for _, g := range openapi.Groups() {
		if err := g.AddToScheme(s); err != nil {
			return nil, fmt.Errorf("register %s: %w", g.GroupVersion, err)
		}
		versions[g.GroupVersion.Group] = append(versions[g.GroupVersion.Group], g.GroupVersion)
		internal := schema.GroupVersion{Group: g.GroupVersion.Group, Version: runtime.APIVersionInternal}
		for kind, t := range s.KnownTypes(g.GroupVersion) {
			if t.PkgPath() != g.Package {
				continue
			}
			if g.GroupVersion == eventsv1.SchemeGroupVersion {
				continue // the core Event is the hub, below
			}
			if s.Recognizes(internal.WithKind(kind)) {
				continue // a preferred version holds the hub
			}
			s.AddKnownTypeWithName(internal.WithKind(kind), reflect.New(t).Interface().(runtime.Object))
			if err := addIdentityConversion(s, t); err != nil {
				return nil, err
			}
		}
	}
	for _, gvs := range versions {
		if err := s.SetVersionPriority(gvs...); err != nil {
			return nil, err
		}
	}
	if err := addAutoscalingConversions(s); err != nil {
		return nil, err
	}
	eventsInternal := schema.GroupVersion{Group: eventsv1.GroupName, Version: runtime.APIVersionInternal}
	s.AddKnownTypes(eventsInternal, &corev1.Event{}, &corev1.EventList{})
	if err := addEventConversions(s); err != nil {
		return nil, err
	}
	if err := defaults.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := addFieldLabelConversions(s); err != nil {
		return nil, err
	}
	return s, nil
}

// addIdentityConversion lets scheme.Convert copy a type onto itself, which
// the generic handlers do when they convert "from the external version to
// the internal one".
func addIdentityConversion(s *runtime.Scheme, t reflect.Type) error {
	a := reflect.New(t).Interface()
	b := reflect.New(t).Interface()
	return s.AddConversionFunc(a, b, func(in, out interface{}, _ conversion.Scope) error {
		reflect.ValueOf(out).Elem().Set(reflect.ValueOf(in).Elem())
		return nil
	})
}
