package apiserver

import (
	"fmt"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kubelab/cluster/apiserver/defaults"
)

// apiGroup is one served group version and how to put its types in a scheme.
type apiGroup struct {
	gv          schema.GroupVersion
	addToScheme func(*runtime.Scheme) error
	// pkgPath selects the group's own types among those addToScheme
	// registers (it also registers the meta/v1 option types).
	pkgPath string
}

// servedGroups lists every group version kubelab serves, legacy core first.
var servedGroups = []apiGroup{
	{corev1.SchemeGroupVersion, corev1.AddToScheme, "k8s.io/api/core/v1"},
	{appsv1.SchemeGroupVersion, appsv1.AddToScheme, "k8s.io/api/apps/v1"},
	{autoscalingv1.SchemeGroupVersion, autoscalingv1.AddToScheme, "k8s.io/api/autoscaling/v1"},
	{batchv1.SchemeGroupVersion, batchv1.AddToScheme, "k8s.io/api/batch/v1"},
	{coordinationv1.SchemeGroupVersion, coordinationv1.AddToScheme, "k8s.io/api/coordination/v1"},
	{discoveryv1.SchemeGroupVersion, discoveryv1.AddToScheme, "k8s.io/api/discovery/v1"},
	{eventsv1.SchemeGroupVersion, eventsv1.AddToScheme, "k8s.io/api/events/v1"},
	{nodev1.SchemeGroupVersion, nodev1.AddToScheme, "k8s.io/api/node/v1"},
	{policyv1.SchemeGroupVersion, policyv1.AddToScheme, "k8s.io/api/policy/v1"},
}

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

	for _, g := range servedGroups {
		if err := g.addToScheme(s); err != nil {
			return nil, fmt.Errorf("register %s: %w", g.gv, err)
		}
		internal := schema.GroupVersion{Group: g.gv.Group, Version: runtime.APIVersionInternal}
		for kind, t := range s.KnownTypes(g.gv) {
			if t.PkgPath() != g.pkgPath {
				continue
			}
			if g.gv == eventsv1.SchemeGroupVersion {
				continue // the core Event is the hub, below
			}
			s.AddKnownTypeWithName(internal.WithKind(kind), reflect.New(t).Interface().(runtime.Object))
			if err := addIdentityConversion(s, t); err != nil {
				return nil, err
			}
		}
		s.SetVersionPriority(g.gv)
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
