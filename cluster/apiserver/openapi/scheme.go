package openapi

import (
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
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// Group is one group version kubelab serves: its version, how to add its
// types to a scheme, and the Go package they come from.
type Group struct {
	GroupVersion schema.GroupVersion
	AddToScheme  func(*runtime.Scheme) error
	Package      string
}

// Groups lists every group version kubelab serves, legacy core first and
// each group's preferred version before its others. It is the one table of
// them: the apiserver installs these, and the go:generate line in doc.go
// generates definitions for these packages (a test checks the two agree).
// Each AddToScheme also registers the meta/v1 types a group version
// carries (ListOptions, DeleteOptions, WatchEvent, ...), which is where
// those types' group-version-kinds come from: kubelab's DeleteOptions
// lists the group versions kubelab serves, where kube-apiserver's lists
// every group version compiled into it, served or not.
func Groups() []Group {
	return []Group{
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
}

func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	for _, g := range Groups() {
		// Registering generated k8s.io/api types cannot fail short of a programming
		// error, which upstream's install packages treat the same way.
		utilruntime.Must(g.AddToScheme(scheme))
	}
	return scheme
}

// newNamer names definitions by their model name and adds x-kubernetes-group-version-kind.
func newNamer() *openapinamer.DefinitionNamer {
	return openapinamer.NewDefinitionNamer(newScheme())
}
