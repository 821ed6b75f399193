package validation

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	nodev1 "k8s.io/api/node/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Validate checks an object on create, as the create strategy of its
// resource does upstream. Types this package does not know give nil.
func Validate(obj runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Pod:
		return ValidatePod(o)
	case *corev1.ReplicationController:
		return ValidateReplicationController(o)
	case *corev1.Service:
		return ValidateService(o)
	case *corev1.ConfigMap:
		return ValidateConfigMap(o)
	case *corev1.Secret:
		return ValidateSecret(o)
	case *corev1.Namespace:
		return ValidateNamespace(o)
	case *corev1.Node:
		return ValidateNode(o)
	case *corev1.ServiceAccount:
		return ValidateServiceAccount(o)
	case *corev1.Endpoints:
		return ValidateEndpoints(o)
	case *corev1.PersistentVolumeClaim:
		return ValidatePersistentVolumeClaim(o)
	case *corev1.Event:
		return ValidateEvent(o)
	case *eventsv1.Event:
		return ValidateEventsEvent(o)
	case *appsv1.Deployment:
		return ValidateDeployment(o)
	case *appsv1.ReplicaSet:
		return ValidateReplicaSet(o)
	case *appsv1.DaemonSet:
		return ValidateDaemonSet(o)
	case *appsv1.ControllerRevision:
		return ValidateControllerRevision(o)
	case *batchv1.Job:
		return ValidateJob(o)
	case *coordinationv1.Lease:
		return ValidateLease(o)
	case *nodev1.RuntimeClass:
		return ValidateRuntimeClass(o)
	}
	return nil
}

// ValidateUpdate checks an update of an object's main resource against the
// stored object. Both must be of the same type; anything else gives nil.
func ValidateUpdate(obj, old runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Pod:
		if p, ok := old.(*corev1.Pod); ok {
			return ValidatePodUpdate(o, p)
		}
	case *corev1.ReplicationController:
		if p, ok := old.(*corev1.ReplicationController); ok {
			return ValidateReplicationControllerUpdate(o, p)
		}
	case *corev1.Service:
		if p, ok := old.(*corev1.Service); ok {
			return ValidateServiceUpdate(o, p)
		}
	case *corev1.ConfigMap:
		if p, ok := old.(*corev1.ConfigMap); ok {
			return ValidateConfigMapUpdate(o, p)
		}
	case *corev1.Secret:
		if p, ok := old.(*corev1.Secret); ok {
			return ValidateSecretUpdate(o, p)
		}
	case *corev1.Namespace:
		if p, ok := old.(*corev1.Namespace); ok {
			return ValidateNamespaceUpdate(o, p)
		}
	case *corev1.Node:
		if p, ok := old.(*corev1.Node); ok {
			return ValidateNodeUpdate(o, p)
		}
	case *corev1.ServiceAccount:
		if p, ok := old.(*corev1.ServiceAccount); ok {
			return ValidateServiceAccountUpdate(o, p)
		}
	case *corev1.Endpoints:
		if p, ok := old.(*corev1.Endpoints); ok {
			return ValidateEndpointsUpdate(o, p)
		}
	case *corev1.PersistentVolumeClaim:
		if p, ok := old.(*corev1.PersistentVolumeClaim); ok {
			return ValidatePersistentVolumeClaimUpdate(o, p)
		}
	case *corev1.Event:
		if p, ok := old.(*corev1.Event); ok {
			return ValidateEventUpdate(o, p)
		}
	case *eventsv1.Event:
		if p, ok := old.(*eventsv1.Event); ok {
			return ValidateEventsEventUpdate(o, p)
		}
	case *appsv1.Deployment:
		if p, ok := old.(*appsv1.Deployment); ok {
			return ValidateDeploymentUpdate(o, p)
		}
	case *appsv1.ReplicaSet:
		if p, ok := old.(*appsv1.ReplicaSet); ok {
			return ValidateReplicaSetUpdate(o, p)
		}
	case *appsv1.DaemonSet:
		if p, ok := old.(*appsv1.DaemonSet); ok {
			return ValidateDaemonSetUpdate(o, p)
		}
	case *appsv1.ControllerRevision:
		if p, ok := old.(*appsv1.ControllerRevision); ok {
			return ValidateControllerRevisionUpdate(o, p)
		}
	case *batchv1.Job:
		if p, ok := old.(*batchv1.Job); ok {
			return ValidateJobUpdate(o, p)
		}
	case *coordinationv1.Lease:
		if p, ok := old.(*coordinationv1.Lease); ok {
			return ValidateLeaseUpdate(o, p)
		}
	case *nodev1.RuntimeClass:
		if p, ok := old.(*nodev1.RuntimeClass); ok {
			return ValidateRuntimeClassUpdate(o, p)
		}
	}
	return nil
}

// ValidateStatusUpdate checks a write to an object's /status subresource.
func ValidateStatusUpdate(obj, old runtime.Object) field.ErrorList {
	switch o := obj.(type) {
	case *corev1.Pod:
		if p, ok := old.(*corev1.Pod); ok {
			return ValidatePodStatusUpdate(o, p)
		}
	case *corev1.ReplicationController:
		if p, ok := old.(*corev1.ReplicationController); ok {
			return ValidateReplicationControllerStatusUpdate(o, p)
		}
	case *corev1.Service:
		if p, ok := old.(*corev1.Service); ok {
			return ValidateServiceStatusUpdate(o, p)
		}
	case *corev1.Namespace:
		if p, ok := old.(*corev1.Namespace); ok {
			return ValidateNamespaceStatusUpdate(o, p)
		}
	case *corev1.Node:
		if p, ok := old.(*corev1.Node); ok {
			return ValidateNodeUpdate(o, p)
		}
	case *corev1.PersistentVolumeClaim:
		if p, ok := old.(*corev1.PersistentVolumeClaim); ok {
			return ValidatePersistentVolumeClaimStatusUpdate(o, p)
		}
	case *appsv1.Deployment:
		if p, ok := old.(*appsv1.Deployment); ok {
			return ValidateDeploymentStatusUpdate(o, p)
		}
	case *appsv1.ReplicaSet:
		if p, ok := old.(*appsv1.ReplicaSet); ok {
			return ValidateReplicaSetStatusUpdate(o, p)
		}
	case *appsv1.DaemonSet:
		if p, ok := old.(*appsv1.DaemonSet); ok {
			return ValidateDaemonSetStatusUpdate(o, p)
		}
	case *batchv1.Job:
		if p, ok := old.(*batchv1.Job); ok {
			return ValidateJobStatusUpdate(o, p)
		}
	}
	return nil
}
