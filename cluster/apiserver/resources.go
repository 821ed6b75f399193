package apiserver

import (
	"context"
	"reflect"
	"strings"

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
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	apiregistrationv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
)

// resource describes one served resource: its types, scope, discovery
// names, where it lives in etcd, and what is special about it. The table
// below is the whole API surface; adding a resource is adding a row.
type resource struct {
	gv         schema.GroupVersion
	name       string // plural, as in the URL
	kind       string
	namespaced bool
	newFunc    func() runtime.Object
	newList    func() runtime.Object
	shortNames []string
	categories []string
	// etcdPrefix is the key segment under /registry when it is not the
	// resource name (nodes live under /registry/minions upstream).
	etcdPrefix string
	// storageGroup is the group whose objects this resource serves when it
	// is not its own (events.k8s.io events are the core events).
	storageGroup *schema.GroupResource

	status         bool // has a /status subresource; spec and status are written apart
	generation     bool // metadata.generation counts spec changes
	scale          bool // has a /scale subresource
	createOnUpdate bool
	// ttlSeconds expires objects as kube-apiserver does with --event-ttl.
	ttlSeconds uint64

	// virtual resources are served but not stored (reviews, bindings,
	// componentstatuses): their storage is built by newVirtual.
	virtual bool
	// noWatchCache serves the resource straight from etcd. Every watch
	// cache lists and watches its resource from boot on; resources that
	// nothing in kubelab watches skip that cost (see storage.go).
	noWatchCache bool

	hooks hooks
}

// hooks are the type-specific parts of a resource's strategy.
type hooks struct {
	prepareForCreate       func(ctx context.Context, obj runtime.Object)
	prepareForUpdate       func(ctx context.Context, obj, old runtime.Object)
	prepareForStatusUpdate func(ctx context.Context, obj, old runtime.Object)
	gracefulDelete         func(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool
}

var all = []string{"all"}

func servedResources() []*resource {
	core, apps, batch := corev1.SchemeGroupVersion, appsv1.SchemeGroupVersion, batchv1.SchemeGroupVersion
	rows := []*resource{
		{gv: core, name: "pods", kind: "Pod", namespaced: true, shortNames: []string{"po"}, categories: all,
			newFunc: func() runtime.Object { return &corev1.Pod{} }, newList: func() runtime.Object { return &corev1.PodList{} },
			status: true, generation: true, hooks: podHooks()},
		{gv: core, name: "nodes", kind: "Node", shortNames: []string{"no"}, etcdPrefix: "minions",
			newFunc: func() runtime.Object { return &corev1.Node{} }, newList: func() runtime.Object { return &corev1.NodeList{} },
			status: true},
		{gv: core, name: "namespaces", kind: "Namespace", shortNames: []string{"ns"},
			newFunc: func() runtime.Object { return &corev1.Namespace{} }, newList: func() runtime.Object { return &corev1.NamespaceList{} },
			status: true, hooks: namespaceHooks()},
		{gv: core, name: "services", kind: "Service", namespaced: true, shortNames: []string{"svc"}, categories: all,
			etcdPrefix: "services/specs",
			newFunc:    func() runtime.Object { return &corev1.Service{} }, newList: func() runtime.Object { return &corev1.ServiceList{} },
			status: true}, // ClusterIPs and node ports: serviceAllocator, in the store's BeginCreate
		{gv: core, name: "endpoints", kind: "Endpoints", namespaced: true, shortNames: []string{"ep"},
			etcdPrefix: "services/endpoints", createOnUpdate: true,
			newFunc: func() runtime.Object { return &corev1.Endpoints{} }, newList: func() runtime.Object { return &corev1.EndpointsList{} }},
		{gv: core, name: "configmaps", kind: "ConfigMap", namespaced: true, shortNames: []string{"cm"},
			newFunc: func() runtime.Object { return &corev1.ConfigMap{} }, newList: func() runtime.Object { return &corev1.ConfigMapList{} }},
		{gv: core, name: "secrets", kind: "Secret", namespaced: true,
			newFunc: func() runtime.Object { return &corev1.Secret{} }, newList: func() runtime.Object { return &corev1.SecretList{} },
			hooks: secretHooks()},
		{gv: core, name: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: []string{"sa"},
			newFunc: func() runtime.Object { return &corev1.ServiceAccount{} }, newList: func() runtime.Object { return &corev1.ServiceAccountList{} }},
		{gv: core, name: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, shortNames: []string{"pvc"},
			newFunc: func() runtime.Object { return &corev1.PersistentVolumeClaim{} }, newList: func() runtime.Object { return &corev1.PersistentVolumeClaimList{} },
			status: true},
		{gv: core, name: "events", kind: "Event", namespaced: true, shortNames: []string{"ev"}, createOnUpdate: true, ttlSeconds: 3600,
			newFunc: func() runtime.Object { return &corev1.Event{} }, newList: func() runtime.Object { return &corev1.EventList{} }},
		{gv: core, name: "replicationcontrollers", kind: "ReplicationController", namespaced: true, shortNames: []string{"rc"}, categories: all,
			etcdPrefix: "controllers",
			newFunc:    func() runtime.Object { return &corev1.ReplicationController{} }, newList: func() runtime.Object { return &corev1.ReplicationControllerList{} },
			status: true, generation: true, scale: true},
		{gv: core, name: "podtemplates", kind: "PodTemplate", namespaced: true,
			newFunc: func() runtime.Object { return &corev1.PodTemplate{} }, newList: func() runtime.Object { return &corev1.PodTemplateList{} }},
		{gv: core, name: "limitranges", kind: "LimitRange", namespaced: true, shortNames: []string{"limits"},
			newFunc: newOf(&corev1.LimitRange{}), newList: newOf(&corev1.LimitRangeList{})},
		{gv: core, name: "resourcequotas", kind: "ResourceQuota", namespaced: true, shortNames: []string{"quota"},
			newFunc: newOf(&corev1.ResourceQuota{}), newList: newOf(&corev1.ResourceQuotaList{}), status: true},
		{gv: core, name: "persistentvolumes", kind: "PersistentVolume", shortNames: []string{"pv"},
			newFunc: newOf(&corev1.PersistentVolume{}), newList: newOf(&corev1.PersistentVolumeList{}), status: true},
		{gv: core, name: "bindings", kind: "Binding", namespaced: true, virtual: true,
			newFunc: newOf(&corev1.Binding{})},
		{gv: core, name: "componentstatuses", kind: "ComponentStatus", shortNames: []string{"cs"}, virtual: true,
			newFunc: newOf(&corev1.ComponentStatus{}), newList: newOf(&corev1.ComponentStatusList{})},

		{gv: apps, name: "deployments", kind: "Deployment", namespaced: true, shortNames: []string{"deploy"}, categories: all,
			newFunc: func() runtime.Object { return &appsv1.Deployment{} }, newList: func() runtime.Object { return &appsv1.DeploymentList{} },
			status: true, generation: true, scale: true, hooks: deploymentHooks()},
		{gv: apps, name: "replicasets", kind: "ReplicaSet", namespaced: true, shortNames: []string{"rs"}, categories: all,
			newFunc: func() runtime.Object { return &appsv1.ReplicaSet{} }, newList: func() runtime.Object { return &appsv1.ReplicaSetList{} },
			status: true, generation: true, scale: true},
		{gv: apps, name: "daemonsets", kind: "DaemonSet", namespaced: true, shortNames: []string{"ds"}, categories: all,
			newFunc: func() runtime.Object { return &appsv1.DaemonSet{} }, newList: func() runtime.Object { return &appsv1.DaemonSetList{} },
			status: true, generation: true, hooks: daemonSetHooks()},
		{gv: apps, name: "statefulsets", kind: "StatefulSet", namespaced: true, shortNames: []string{"sts"}, categories: all,
			newFunc: func() runtime.Object { return &appsv1.StatefulSet{} }, newList: func() runtime.Object { return &appsv1.StatefulSetList{} },
			status: true, generation: true, scale: true},
		{gv: apps, name: "controllerrevisions", kind: "ControllerRevision", namespaced: true,
			newFunc: func() runtime.Object { return &appsv1.ControllerRevision{} }, newList: func() runtime.Object { return &appsv1.ControllerRevisionList{} }},

		{gv: batch, name: "jobs", kind: "Job", namespaced: true, categories: all,
			newFunc: func() runtime.Object { return &batchv1.Job{} }, newList: func() runtime.Object { return &batchv1.JobList{} },
			status: true, generation: true, hooks: jobHooks()},
		{gv: batch, name: "cronjobs", kind: "CronJob", namespaced: true, shortNames: []string{"cj"}, categories: all,
			newFunc: func() runtime.Object { return &batchv1.CronJob{} }, newList: func() runtime.Object { return &batchv1.CronJobList{} },
			status: true, generation: true},

		{gv: coordinationv1.SchemeGroupVersion, name: "leases", kind: "Lease", namespaced: true, createOnUpdate: true,
			newFunc: func() runtime.Object { return &coordinationv1.Lease{} }, newList: func() runtime.Object { return &coordinationv1.LeaseList{} }},
		{gv: eventsv1.SchemeGroupVersion, name: "events", kind: "Event", namespaced: true, shortNames: []string{"ev"}, createOnUpdate: true, ttlSeconds: 3600,
			storageGroup: &schema.GroupResource{Resource: "events"},
			newFunc:      func() runtime.Object { return &corev1.Event{} }, newList: func() runtime.Object { return &corev1.EventList{} }},
		{gv: nodev1.SchemeGroupVersion, name: "runtimeclasses", kind: "RuntimeClass",
			newFunc: func() runtime.Object { return &nodev1.RuntimeClass{} }, newList: func() runtime.Object { return &nodev1.RuntimeClassList{} }},
		{gv: discoveryv1.SchemeGroupVersion, name: "endpointslices", kind: "EndpointSlice", namespaced: true,
			newFunc: func() runtime.Object { return &discoveryv1.EndpointSlice{} }, newList: func() runtime.Object { return &discoveryv1.EndpointSliceList{} }},
		{gv: policyv1.SchemeGroupVersion, name: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, shortNames: []string{"pdb"},
			newFunc: func() runtime.Object { return &policyv1.PodDisruptionBudget{} }, newList: func() runtime.Object { return &policyv1.PodDisruptionBudgetList{} },
			status: true, generation: true},
	}
	for _, r := range moreResources() {
		r.noWatchCache = true
		rows = append(rows, r)
	}
	return rows
}

// moreResources are the groups nothing in kubelab acts on yet: they are
// stored and served as kube-apiserver serves them, with no controller
// behind them.
func moreResources() []*resource {
	admission := admissionregistrationv1.SchemeGroupVersion
	authn, authz := authenticationv1.SchemeGroupVersion, authorizationv1.SchemeGroupVersion
	autoscaling2, autoscaling1 := autoscalingv2.SchemeGroupVersion, autoscalingv1.SchemeGroupVersion
	certs, flow := certificatesv1.SchemeGroupVersion, flowcontrolv1.SchemeGroupVersion
	net, rbac := networkingv1.SchemeGroupVersion, rbacv1.SchemeGroupVersion
	dra, storage := resourcev1.SchemeGroupVersion, storagev1.SchemeGroupVersion
	hpa := func(gv schema.GroupVersion) *resource {
		return &resource{gv: gv, name: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true,
			shortNames: []string{"hpa"}, categories: all, status: true,
			// Both versions serve the autoscaling/v2 objects (see autoscaling.go).
			newFunc: newOf(&autoscalingv2.HorizontalPodAutoscaler{}), newList: newOf(&autoscalingv2.HorizontalPodAutoscalerList{})}
	}
	return []*resource{
		{gv: admission, name: "mutatingwebhookconfigurations", kind: "MutatingWebhookConfiguration", categories: apiExtensions,
			newFunc: newOf(&admissionregistrationv1.MutatingWebhookConfiguration{}), newList: newOf(&admissionregistrationv1.MutatingWebhookConfigurationList{})},
		{gv: admission, name: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration", categories: apiExtensions,
			newFunc: newOf(&admissionregistrationv1.ValidatingWebhookConfiguration{}), newList: newOf(&admissionregistrationv1.ValidatingWebhookConfigurationList{})},
		{gv: admission, name: "validatingadmissionpolicies", kind: "ValidatingAdmissionPolicy", categories: apiExtensions, status: true, generation: true,
			newFunc: newOf(&admissionregistrationv1.ValidatingAdmissionPolicy{}), newList: newOf(&admissionregistrationv1.ValidatingAdmissionPolicyList{})},
		{gv: admission, name: "validatingadmissionpolicybindings", kind: "ValidatingAdmissionPolicyBinding", categories: apiExtensions,
			newFunc: newOf(&admissionregistrationv1.ValidatingAdmissionPolicyBinding{}), newList: newOf(&admissionregistrationv1.ValidatingAdmissionPolicyBindingList{})},
		{gv: admission, name: "mutatingadmissionpolicies", kind: "MutatingAdmissionPolicy", categories: apiExtensions, generation: true,
			newFunc: newOf(&admissionregistrationv1.MutatingAdmissionPolicy{}), newList: newOf(&admissionregistrationv1.MutatingAdmissionPolicyList{})},
		{gv: admission, name: "mutatingadmissionpolicybindings", kind: "MutatingAdmissionPolicyBinding", categories: apiExtensions,
			newFunc: newOf(&admissionregistrationv1.MutatingAdmissionPolicyBinding{}), newList: newOf(&admissionregistrationv1.MutatingAdmissionPolicyBindingList{})},

		// kubelab serves the CustomResourceDefinition objects but not the
		// custom resources they define.
		{gv: apiextensionsv1.SchemeGroupVersion, name: "customresourcedefinitions", kind: "CustomResourceDefinition",
			shortNames: []string{"crd", "crds"}, categories: apiExtensions, status: true,
			etcdPrefix: "apiextensions.k8s.io/customresourcedefinitions",
			newFunc:    newOf(&apiextensionsv1.CustomResourceDefinition{}), newList: newOf(&apiextensionsv1.CustomResourceDefinitionList{})},
		{gv: apiregistrationv1.SchemeGroupVersion, name: "apiservices", kind: "APIService", categories: apiExtensions, status: true,
			etcdPrefix: "apiregistration.k8s.io/apiservices",
			newFunc:    newOf(&apiregistrationv1.APIService{}), newList: newOf(&apiregistrationv1.APIServiceList{})},

		{gv: authn, name: "tokenreviews", kind: "TokenReview", virtual: true, newFunc: newOf(&authenticationv1.TokenReview{})},
		{gv: authn, name: "selfsubjectreviews", kind: "SelfSubjectReview", virtual: true, newFunc: newOf(&authenticationv1.SelfSubjectReview{})},
		{gv: authz, name: "localsubjectaccessreviews", kind: "LocalSubjectAccessReview", namespaced: true, virtual: true,
			newFunc: newOf(&authorizationv1.LocalSubjectAccessReview{})},
		{gv: authz, name: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview", virtual: true,
			newFunc: newOf(&authorizationv1.SelfSubjectAccessReview{})},
		{gv: authz, name: "selfsubjectrulesreviews", kind: "SelfSubjectRulesReview", virtual: true,
			newFunc: newOf(&authorizationv1.SelfSubjectRulesReview{})},
		{gv: authz, name: "subjectaccessreviews", kind: "SubjectAccessReview", virtual: true,
			newFunc: newOf(&authorizationv1.SubjectAccessReview{})},

		hpa(autoscaling2), hpa(autoscaling1),

		{gv: certs, name: "certificatesigningrequests", kind: "CertificateSigningRequest", shortNames: []string{"csr"}, status: true,
			newFunc: newOf(&certificatesv1.CertificateSigningRequest{}), newList: newOf(&certificatesv1.CertificateSigningRequestList{})},
		{gv: certs, name: "clustertrustbundles", kind: "ClusterTrustBundle",
			newFunc: newOf(&certificatesv1.ClusterTrustBundle{}), newList: newOf(&certificatesv1.ClusterTrustBundleList{})},
		{gv: certs, name: "podcertificaterequests", kind: "PodCertificateRequest", namespaced: true, status: true,
			newFunc: newOf(&certificatesv1.PodCertificateRequest{}), newList: newOf(&certificatesv1.PodCertificateRequestList{})},

		{gv: flow, name: "flowschemas", kind: "FlowSchema", status: true,
			newFunc: newOf(&flowcontrolv1.FlowSchema{}), newList: newOf(&flowcontrolv1.FlowSchemaList{})},
		{gv: flow, name: "prioritylevelconfigurations", kind: "PriorityLevelConfiguration", status: true,
			newFunc: newOf(&flowcontrolv1.PriorityLevelConfiguration{}), newList: newOf(&flowcontrolv1.PriorityLevelConfigurationList{})},

		{gv: net, name: "ingressclasses", kind: "IngressClass",
			newFunc: newOf(&networkingv1.IngressClass{}), newList: newOf(&networkingv1.IngressClassList{})},
		{gv: net, name: "ingresses", kind: "Ingress", namespaced: true, shortNames: []string{"ing"}, status: true, etcdPrefix: "ingress",
			newFunc: newOf(&networkingv1.Ingress{}), newList: newOf(&networkingv1.IngressList{})},
		{gv: net, name: "ipaddresses", kind: "IPAddress", shortNames: []string{"ip"},
			newFunc: newOf(&networkingv1.IPAddress{}), newList: newOf(&networkingv1.IPAddressList{})},
		{gv: net, name: "networkpolicies", kind: "NetworkPolicy", namespaced: true, shortNames: []string{"netpol"}, generation: true,
			newFunc: newOf(&networkingv1.NetworkPolicy{}), newList: newOf(&networkingv1.NetworkPolicyList{})},
		{gv: net, name: "servicecidrs", kind: "ServiceCIDR", status: true,
			newFunc: newOf(&networkingv1.ServiceCIDR{}), newList: newOf(&networkingv1.ServiceCIDRList{})},

		{gv: rbac, name: "clusterrolebindings", kind: "ClusterRoleBinding",
			newFunc: newOf(&rbacv1.ClusterRoleBinding{}), newList: newOf(&rbacv1.ClusterRoleBindingList{})},
		{gv: rbac, name: "clusterroles", kind: "ClusterRole",
			newFunc: newOf(&rbacv1.ClusterRole{}), newList: newOf(&rbacv1.ClusterRoleList{})},
		{gv: rbac, name: "rolebindings", kind: "RoleBinding", namespaced: true,
			newFunc: newOf(&rbacv1.RoleBinding{}), newList: newOf(&rbacv1.RoleBindingList{})},
		{gv: rbac, name: "roles", kind: "Role", namespaced: true,
			newFunc: newOf(&rbacv1.Role{}), newList: newOf(&rbacv1.RoleList{})},

		{gv: dra, name: "deviceclasses", kind: "DeviceClass", generation: true,
			newFunc: newOf(&resourcev1.DeviceClass{}), newList: newOf(&resourcev1.DeviceClassList{})},
		{gv: dra, name: "devicetaintrules", kind: "DeviceTaintRule", status: true, generation: true,
			newFunc: newOf(&resourcev1.DeviceTaintRule{}), newList: newOf(&resourcev1.DeviceTaintRuleList{})},
		{gv: dra, name: "resourceclaims", kind: "ResourceClaim", namespaced: true, status: true,
			newFunc: newOf(&resourcev1.ResourceClaim{}), newList: newOf(&resourcev1.ResourceClaimList{})},
		{gv: dra, name: "resourceclaimtemplates", kind: "ResourceClaimTemplate", namespaced: true,
			newFunc: newOf(&resourcev1.ResourceClaimTemplate{}), newList: newOf(&resourcev1.ResourceClaimTemplateList{})},
		{gv: dra, name: "resourceslices", kind: "ResourceSlice", generation: true,
			newFunc: newOf(&resourcev1.ResourceSlice{}), newList: newOf(&resourcev1.ResourceSliceList{})},

		{gv: schedulingv1.SchemeGroupVersion, name: "priorityclasses", kind: "PriorityClass", shortNames: []string{"pc"},
			newFunc: newOf(&schedulingv1.PriorityClass{}), newList: newOf(&schedulingv1.PriorityClassList{})},

		{gv: storage, name: "csidrivers", kind: "CSIDriver",
			newFunc: newOf(&storagev1.CSIDriver{}), newList: newOf(&storagev1.CSIDriverList{})},
		{gv: storage, name: "csinodes", kind: "CSINode",
			newFunc: newOf(&storagev1.CSINode{}), newList: newOf(&storagev1.CSINodeList{})},
		{gv: storage, name: "csistoragecapacities", kind: "CSIStorageCapacity", namespaced: true,
			newFunc: newOf(&storagev1.CSIStorageCapacity{}), newList: newOf(&storagev1.CSIStorageCapacityList{})},
		{gv: storage, name: "storageclasses", kind: "StorageClass", shortNames: []string{"sc"},
			newFunc: newOf(&storagev1.StorageClass{}), newList: newOf(&storagev1.StorageClassList{})},
		{gv: storage, name: "volumeattachments", kind: "VolumeAttachment", status: true,
			newFunc: newOf(&storagev1.VolumeAttachment{}), newList: newOf(&storagev1.VolumeAttachmentList{})},
		{gv: storage, name: "volumeattributesclasses", kind: "VolumeAttributesClass", shortNames: []string{"vac"},
			newFunc: newOf(&storagev1.VolumeAttributesClass{}), newList: newOf(&storagev1.VolumeAttributesClassList{})},

		{gv: storagemigrationv1.SchemeGroupVersion, name: "storageversionmigrations", kind: "StorageVersionMigration", status: true,
			newFunc: newOf(&storagemigrationv1.StorageVersionMigration{}), newList: newOf(&storagemigrationv1.StorageVersionMigrationList{})},
	}
}

// apiExtensions is the category of the resources that extend the API.
var apiExtensions = []string{"api-extensions"}

// newOf returns a constructor of empty objects of obj's type.
func newOf(obj runtime.Object) func() runtime.Object {
	t := reflect.TypeOf(obj).Elem()
	return func() runtime.Object { return reflect.New(t).Interface().(runtime.Object) }
}

func (r *resource) groupResource() schema.GroupResource {
	return schema.GroupResource{Group: r.gv.Group, Resource: r.name}
}

// singular is the lower-case kind, as discovery and kubectl name one object.
func (r *resource) singular() string { return strings.ToLower(r.kind) }

// keyPrefix is where the resource's objects live under /registry.
func (r *resource) keyPrefix() string {
	if r.etcdPrefix != "" {
		return "/" + r.etcdPrefix
	}
	return "/" + r.name
}

// objectRef names an object the way stages show it: pod/default/nginx, or
// node/worker-1 for cluster-scoped objects.
func objectRef(r *resource, obj runtime.Object) string {
	m, err := meta.Accessor(obj)
	if err != nil {
		return r.singular()
	}
	name := m.GetName()
	if name == "" && m.GetGenerateName() != "" {
		name = m.GetGenerateName() + "*"
	}
	if r.namespaced {
		return r.singular() + "/" + m.GetNamespace() + "/" + name
	}
	return r.singular() + "/" + name
}
