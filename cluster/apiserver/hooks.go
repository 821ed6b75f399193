package apiserver

import (
	"context"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"kubelab/cluster/apiserver/defaults"
)

// podHooks reproduce kube-apiserver's pod strategy
// (pkg/registry/core/pod/strategy.go).
func podHooks() hooks {
	return hooks{
		prepareForCreate: func(_ context.Context, obj runtime.Object) {
			pod := obj.(*corev1.Pod)
			pod.Status = corev1.PodStatus{Phase: corev1.PodPending}
			if len(pod.Spec.SchedulingGates) > 0 {
				pod.Status.Conditions = []corev1.PodCondition{{
					Type:    corev1.PodScheduled,
					Status:  corev1.ConditionFalse,
					Reason:  corev1.PodReasonSchedulingGated,
					Message: "Scheduling is blocked due to non-empty scheduling gates",
				}}
			}
			defaults.PodLevelResources(pod)
			pod.Status.QOSClass = defaults.PodQOSClass(pod)
		},
		prepareForStatusUpdate: func(_ context.Context, obj, old runtime.Object) {
			pod, oldPod := obj.(*corev1.Pod), old.(*corev1.Pod)
			pod.DeletionTimestamp = oldPod.DeletionTimestamp
			// Owner references are the garbage collector's business, never
			// the kubelet's, which writes pods/status.
			pod.OwnerReferences = oldPod.OwnerReferences
			if pod.Status.QOSClass == "" {
				pod.Status.QOSClass = oldPod.Status.QOSClass
			}
			if pod.Status.ObservedGeneration == 0 {
				pod.Status.ObservedGeneration = oldPod.Status.ObservedGeneration
			}
		},
		gracefulDelete: podGracefulDelete,
	}
}

// podGracefulDelete decides the grace period of a pod deletion: what the
// request asks, else the pod's terminationGracePeriodSeconds; immediately
// for a pod no kubelet runs (unscheduled) or one that already ended.
func podGracefulDelete(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool {
	if options == nil {
		return false
	}
	pod := obj.(*corev1.Pod)
	requested := options.GracePeriodSeconds
	if r, ok := ctx.Value(requestedGraceKey{}).(requestedGrace); ok {
		requested = r.seconds
	}
	var period int64
	switch {
	case requested != nil:
		period = *requested
	case pod.Spec.TerminationGracePeriodSeconds != nil:
		period = *pod.Spec.TerminationGracePeriodSeconds
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded {
		period = 0
	}
	if period < 0 {
		period = 1
	}
	options.GracePeriodSeconds = &period
	return true
}

// namespaceHooks: a namespace is born Active with the "kubernetes"
// finalizer, which only the namespace controller removes (through
// /finalize) once the namespace is empty.
func namespaceHooks() hooks {
	return hooks{
		prepareForCreate: func(_ context.Context, obj runtime.Object) {
			ns := obj.(*corev1.Namespace)
			ns.Status = corev1.NamespaceStatus{Phase: corev1.NamespaceActive}
			for _, f := range ns.Spec.Finalizers {
				if f == corev1.FinalizerKubernetes {
					return
				}
			}
			ns.Spec.Finalizers = append(ns.Spec.Finalizers, corev1.FinalizerKubernetes)
		},
		prepareForUpdate: func(_ context.Context, obj, old runtime.Object) {
			obj.(*corev1.Namespace).Spec.Finalizers = old.(*corev1.Namespace).Spec.Finalizers
		},
	}
}

// jobHooks generate a Job's selector from its UID unless the user asked to
// choose it (spec.manualSelector), as pkg/registry/batch/job does.
func jobHooks() hooks {
	return hooks{
		prepareForCreate: func(_ context.Context, obj runtime.Object) {
			job := obj.(*batchv1.Job)
			if job.Spec.ManualSelector != nil && *job.Spec.ManualSelector {
				return
			}
			if job.Spec.Template.Labels == nil {
				job.Spec.Template.Labels = map[string]string{}
			}
			for _, l := range []string{"job-name", batchv1.JobNameLabel} {
				if _, ok := job.Spec.Template.Labels[l]; !ok {
					job.Spec.Template.Labels[l] = job.Name
				}
			}
			for _, l := range []string{"controller-uid", batchv1.ControllerUidLabel} {
				if _, ok := job.Spec.Template.Labels[l]; !ok {
					job.Spec.Template.Labels[l] = string(job.UID)
				}
			}
			if job.Spec.Selector == nil {
				job.Spec.Selector = &metav1.LabelSelector{}
			}
			if job.Spec.Selector.MatchLabels == nil {
				job.Spec.Selector.MatchLabels = map[string]string{}
			}
			if _, ok := job.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel]; !ok {
				job.Spec.Selector.MatchLabels[batchv1.ControllerUidLabel] = string(job.UID)
			}
		},
	}
}

// requestedGraceKey keys the grace period a delete request asked for.
//
// The generic store decides graceful deletion inside an optimistic update
// that first runs on the watch cache's copy of the pod and retries on the
// stored one when that copy was stale. The decision writes its result into
// the DeleteOptions, so a retry would read the period decided for the
// stale copy (0 for a pod the cache did not yet see bound) instead of what
// the client asked: a pod deleted right after its binding would vanish at
// once or not depending on the cache's lag. Each decision reads the request
// from here instead, and is the same on every attempt.
type requestedGraceKey struct{}

type requestedGrace struct{ seconds *int64 }

// withRequestedGrace remembers the grace period options ask for.
func withRequestedGrace(ctx context.Context, options *metav1.DeleteOptions) context.Context {
	if options == nil {
		return ctx
	}
	var seconds *int64
	if options.GracePeriodSeconds != nil {
		s := *options.GracePeriodSeconds
		seconds = &s
	}
	return context.WithValue(ctx, requestedGraceKey{}, requestedGrace{seconds})
}

// secretHooks fold stringData into data, as upstream's conversion of a
// written Secret does: stringData is write-only and never stored.
func secretHooks() hooks {
	fold := func(_ context.Context, obj runtime.Object) {
		secret := obj.(*corev1.Secret)
		if len(secret.StringData) == 0 {
			secret.StringData = nil
			return
		}
		if secret.Data == nil {
			secret.Data = map[string][]byte{}
		}
		for k, v := range secret.StringData {
			secret.Data[k] = []byte(v)
		}
		secret.StringData = nil
	}
	return hooks{
		prepareForCreate: fold,
		prepareForUpdate: func(ctx context.Context, obj, _ runtime.Object) { fold(ctx, obj) },
	}
}

// deploymentHooks: a Deployment's generation also moves when its
// annotations change, because the controller copies them to its
// ReplicaSets (pkg/registry/apps/deployment/strategy.go).
func deploymentHooks() hooks {
	return hooks{
		prepareForUpdate: func(_ context.Context, obj, old runtime.Object) {
			d, oldD := obj.(*appsv1.Deployment), old.(*appsv1.Deployment)
			if d.Generation == oldD.Generation && !apiequality.Semantic.DeepEqual(d.Annotations, oldD.Annotations) {
				d.Generation = oldD.Generation + 1
			}
		},
	}
}

// daemonSetTemplateGeneration is how apps/v1 shows a DaemonSet's template
// generation, which counts template changes.
const daemonSetTemplateGeneration = "deprecated.daemonset.template.generation"

func daemonSetHooks() hooks {
	return hooks{
		prepareForCreate: func(_ context.Context, obj runtime.Object) {
			ds := obj.(*appsv1.DaemonSet)
			if ds.Annotations == nil {
				ds.Annotations = map[string]string{}
			}
			if g, err := strconv.ParseInt(ds.Annotations[daemonSetTemplateGeneration], 10, 64); err != nil || g < 1 {
				ds.Annotations[daemonSetTemplateGeneration] = "1"
			}
		},
		prepareForUpdate: func(_ context.Context, obj, old runtime.Object) {
			ds, oldDS := obj.(*appsv1.DaemonSet), old.(*appsv1.DaemonSet)
			g, _ := strconv.ParseInt(oldDS.Annotations[daemonSetTemplateGeneration], 10, 64)
			if !apiequality.Semantic.DeepEqual(ds.Spec.Template, oldDS.Spec.Template) {
				g++
			}
			if g < 1 {
				g = 1
			}
			if ds.Annotations == nil {
				ds.Annotations = map[string]string{}
			}
			// Updates may not set it: only template changes move it.
			ds.Annotations[daemonSetTemplateGeneration] = strconv.FormatInt(g, 10)
		},
	}
}
