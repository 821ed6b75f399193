package defaults

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// AddToScheme registers the defaulting func of every type upstream defaults,
// and of its list, which defaults each item. The scheme then applies them in
// scheme.Default, which the apiserver's decoder calls on every request body.
func AddToScheme(s *runtime.Scheme) error {
	register(s, Pod)
	registerList(s, func(l *corev1.PodList) []corev1.Pod { return l.Items }, Pod)
	register(s, PodTemplate)
	registerList(s, func(l *corev1.PodTemplateList) []corev1.PodTemplate { return l.Items }, PodTemplate)
	register(s, ReplicationController)
	registerList(s, func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items }, ReplicationController)
	register(s, Service)
	registerList(s, func(l *corev1.ServiceList) []corev1.Service { return l.Items }, Service)
	register(s, Endpoints)
	registerList(s, func(l *corev1.EndpointsList) []corev1.Endpoints { return l.Items }, Endpoints)
	register(s, Node)
	registerList(s, func(l *corev1.NodeList) []corev1.Node { return l.Items }, Node)
	register(s, Namespace)
	registerList(s, func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items }, Namespace)
	register(s, ConfigMap)
	registerList(s, func(l *corev1.ConfigMapList) []corev1.ConfigMap { return l.Items }, ConfigMap)
	register(s, Secret)
	registerList(s, func(l *corev1.SecretList) []corev1.Secret { return l.Items }, Secret)
	register(s, PersistentVolumeClaim)
	registerList(s, func(l *corev1.PersistentVolumeClaimList) []corev1.PersistentVolumeClaim { return l.Items }, PersistentVolumeClaim)
	register(s, PersistentVolume)
	registerList(s, func(l *corev1.PersistentVolumeList) []corev1.PersistentVolume { return l.Items }, PersistentVolume)
	register(s, LimitRange)
	registerList(s, func(l *corev1.LimitRangeList) []corev1.LimitRange { return l.Items }, LimitRange)
	register(s, ResourceQuota)
	registerList(s, func(l *corev1.ResourceQuotaList) []corev1.ResourceQuota { return l.Items }, ResourceQuota)

	register(s, Deployment)
	registerList(s, func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items }, Deployment)
	register(s, ReplicaSet)
	registerList(s, func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items }, ReplicaSet)
	register(s, DaemonSet)
	registerList(s, func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items }, DaemonSet)
	register(s, StatefulSet)
	registerList(s, func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items }, StatefulSet)

	register(s, Job)
	registerList(s, func(l *batchv1.JobList) []batchv1.Job { return l.Items }, Job)
	register(s, CronJob)
	registerList(s, func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items }, CronJob)

	register(s, EndpointSlice)
	registerList(s, func(l *discoveryv1.EndpointSliceList) []discoveryv1.EndpointSlice { return l.Items }, EndpointSlice)
	return nil
}

// register adds fn as the defaulting func of the type it takes.
func register[T any, PT interface {
	*T
	runtime.Object
}](s *runtime.Scheme, fn func(PT)) {
	s.AddTypeDefaultingFunc(PT(new(T)), func(obj any) { fn(obj.(PT)) })
}

// registerList adds, for a list type, a defaulting func applying fn to each
// of the items returns.
func registerList[L any, PL interface {
	*L
	runtime.Object
}, T any](s *runtime.Scheme, items func(PL) []T, fn func(*T)) {
	register(s, func(l PL) {
		it := items(l)
		for i := range it {
			fn(&it[i])
		}
	})
}
