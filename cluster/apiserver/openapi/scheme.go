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
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// apiGroups lists the AddToScheme of every API group version whose definitions are
// generated (the k8s.io/api import paths on the go:generate line in doc.go). Each one
// also registers the meta/v1 types a group version carries (ListOptions, DeleteOptions,
// WatchEvent, ...), which is where those types' group-version-kinds come from: kubelab's
// DeleteOptions lists the group versions kubelab serves, where kube-apiserver's lists
// every group version compiled into it, served or not.
func apiGroups() []func(*runtime.Scheme) error {
	return []func(*runtime.Scheme) error{
		corev1.AddToScheme,
		appsv1.AddToScheme,
		batchv1.AddToScheme,
		coordinationv1.AddToScheme,
		eventsv1.AddToScheme,
		nodev1.AddToScheme,
		policyv1.AddToScheme,
		autoscalingv1.AddToScheme,
		discoveryv1.AddToScheme,
		networkingv1.AddToScheme,
		rbacv1.AddToScheme,
		authenticationv1.AddToScheme,
		admissionregistrationv1.AddToScheme,
		authorizationv1.AddToScheme,
		autoscalingv2.AddToScheme,
		certificatesv1.AddToScheme,
		flowcontrolv1.AddToScheme,
		resourcev1.AddToScheme,
		schedulingv1.AddToScheme,
		storagev1.AddToScheme,
		storagemigrationv1.AddToScheme,
		apiextensionsv1.AddToScheme,
		apiregistrationv1.AddToScheme,
	}
}

// newScheme returns a scheme with only the external versions of apiGroups, the scheme
// the definition namer reads group-version-kinds from (see the package doc for why it
// is not the apiserver's scheme).
func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	for _, addToScheme := range apiGroups() {
		// Registering generated k8s.io/api types cannot fail short of a programming
		// error, which upstream's install packages treat the same way.
		utilruntime.Must(addToScheme(scheme))
	}
	return scheme
}

// newNamer names definitions by their model name and adds x-kubernetes-group-version-kind.
func newNamer() *openapinamer.DefinitionNamer {
	return openapinamer.NewDefinitionNamer(newScheme())
}
