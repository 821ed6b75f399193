package apiserver

import (
	"context"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
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
	return []*resource{
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
			status: true, hooks: serviceHooks()},
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
