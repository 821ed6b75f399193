package apiserver

import (
	"fmt"
	"reflect"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	resourcev1 "k8s.io/api/resource/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	storagemigrationv1 "k8s.io/api/storagemigration/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/conversion"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"

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

// servedGroups lists every group version kubelab serves, legacy core
// first. A group's versions are listed in order of preference, the
// preferred one first: it holds the hub of each kind (autoscaling/v2's
// HorizontalPodAutoscaler is the hub of autoscaling/v1's).
var servedGroups = []apiGroup{
	{corev1.SchemeGroupVersion, corev1.AddToScheme, "k8s.io/api/core/v1"},
	{admissionregistrationv1.SchemeGroupVersion, admissionregistrationv1.AddToScheme, "k8s.io/api/admissionregistration/v1"},
	{apiextensionsv1.SchemeGroupVersion, apiextensionsv1.AddToScheme, "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"},
	{apiregistrationv1.SchemeGroupVersion, apiregistrationv1.AddToScheme, "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"},
	{appsv1.SchemeGroupVersion, appsv1.AddToScheme, "k8s.io/api/apps/v1"},
	{authenticationv1.SchemeGroupVersion, authenticationv1.AddToScheme, "k8s.io/api/authentication/v1"},
	{authorizationv1.SchemeGroupVersion, authorizationv1.AddToScheme, "k8s.io/api/authorization/v1"},
	{autoscalingv2.SchemeGroupVersion, autoscalingv2.AddToScheme, "k8s.io/api/autoscaling/v2"},
	{autoscalingv1.SchemeGroupVersion, autoscalingv1.AddToScheme, "k8s.io/api/autoscaling/v1"},
	{batchv1.SchemeGroupVersion, batchv1.AddToScheme, "k8s.io/api/batch/v1"},
	{certificatesv1.SchemeGroupVersion, certificatesv1.AddToScheme, "k8s.io/api/certificates/v1"},
	{coordinationv1.SchemeGroupVersion, coordinationv1.AddToScheme, "k8s.io/api/coordination/v1"},
	{discoveryv1.SchemeGroupVersion, discoveryv1.AddToScheme, "k8s.io/api/discovery/v1"},
	{eventsv1.SchemeGroupVersion, eventsv1.AddToScheme, "k8s.io/api/events/v1"},
	{flowcontrolv1.SchemeGroupVersion, flowcontrolv1.AddToScheme, "k8s.io/api/flowcontrol/v1"},
	{networkingv1.SchemeGroupVersion, networkingv1.AddToScheme, "k8s.io/api/networking/v1"},
	{nodev1.SchemeGroupVersion, nodev1.AddToScheme, "k8s.io/api/node/v1"},
	{policyv1.SchemeGroupVersion, policyv1.AddToScheme, "k8s.io/api/policy/v1"},
	{rbacv1.SchemeGroupVersion, rbacv1.AddToScheme, "k8s.io/api/rbac/v1"},
	{resourcev1.SchemeGroupVersion, resourcev1.AddToScheme, "k8s.io/api/resource/v1"},
	{schedulingv1.SchemeGroupVersion, schedulingv1.AddToScheme, "k8s.io/api/scheduling/v1"},
	{storagev1.SchemeGroupVersion, storagev1.AddToScheme, "k8s.io/api/storage/v1"},
	{storagemigrationv1.SchemeGroupVersion, storagemigrationv1.AddToScheme, "k8s.io/api/storagemigration/v1"},
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

	versions := map[string][]schema.GroupVersion{}
	for _, g := range servedGroups {
		if err := g.addToScheme(s); err != nil {
			return nil, fmt.Errorf("register %s: %w", g.gv, err)
		}
		versions[g.gv.Group] = append(versions[g.gv.Group], g.gv)
		internal := schema.GroupVersion{Group: g.gv.Group, Version: runtime.APIVersionInternal}
		for kind, t := range s.KnownTypes(g.gv) {
			if t.PkgPath() != g.pkgPath {
				continue
			}
			if g.gv == eventsv1.SchemeGroupVersion {
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
