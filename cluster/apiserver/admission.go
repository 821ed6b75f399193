package apiserver

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"

	"kubelab/cluster/stage"
)

// Admission. kube-apiserver runs a chain of admission plugins between
// authorization and storage; kubelab runs the ones whose effects a user
// sees on every cluster, under their upstream names:
//
//   - NamespaceLifecycle: no objects in a namespace that does not exist or
//     is terminating; default, kube-system and kube-public cannot be deleted.
//   - ServiceAccount: a pod runs as the "default" service account unless it
//     names one, and gets the kube-api-access projected volume.
//   - Priority: a pod without a priority class gets priority 0 and the
//     PreemptLowerPriority policy.
//   - DefaultTolerationSeconds: a pod tolerates the not-ready and
//     unreachable taints for 300 s, so it is evicted 5 minutes after its
//     node fails.
//
// Each admitted write is announced as apiserver.admit, with what the
// plugins changed.

// immortalNamespaces may not be deleted.
var immortalNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true}

// defaultTolerationSeconds is upstream's --default-not-ready-toleration-seconds
// and --default-unreachable-toleration-seconds.
const defaultTolerationSeconds = int64(300)

type admitter struct {
	s *Server
}

func (s *Server) admissionChain() admission.Interface { return &admitter{s: s} }

func (a *admitter) Handles(admission.Operation) bool { return true }

var (
	_ admission.MutationInterface = &admitter{}
)

func (a *admitter) Admit(ctx context.Context, attr admission.Attributes, _ admission.ObjectInterfaces) error {
	if err := a.namespaceLifecycle(ctx, attr); err != nil {
		return err
	}
	if attr.GetOperation() != admission.Create && attr.GetOperation() != admission.Update {
		return nil
	}
	var changes []string
	if pod, ok := attr.GetObject().(*corev1.Pod); ok && attr.GetSubresource() == "" && attr.GetOperation() == admission.Create {
		changes = append(changes, admitServiceAccount(pod, a.s.cfg.Names.GenerateName)...)
		changes = append(changes, admitPriority(pod)...)
		changes = append(changes, admitDefaultTolerations(pod)...)
	}
	if a.s.cfg.Bus == nil {
		return nil
	}
	obj := a.s.singular(attr.GetResource().GroupResource()) + "/" + attr.GetName()
	if attr.GetNamespace() != "" {
		obj = a.s.singular(attr.GetResource().GroupResource()) + "/" + attr.GetNamespace() + "/" + attr.GetName()
	}
	detail := strings.Join(changes, "; ")
	if detail == "" {
		detail = "admitted"
	}
	if sub := attr.GetSubresource(); sub != "" {
		detail = sub + ": " + detail
	}
	return a.s.cfg.Bus.Enter(ctx, stage.Stage{Component: "apiserver", Name: "apiserver.admit", Object: obj, Detail: detail})
}

func (a *admitter) namespaceLifecycle(ctx context.Context, attr admission.Attributes) error {
	isNamespace := attr.GetKind().GroupKind() == corev1.SchemeGroupVersion.WithKind("Namespace").GroupKind()
	if isNamespace {
		if attr.GetOperation() == admission.Delete && immortalNamespaces[attr.GetName()] {
			return apierrors.NewForbidden(attr.GetResource().GroupResource(), attr.GetName(), fmt.Errorf("this namespace may not be deleted"))
		}
		return nil
	}
	if attr.GetNamespace() == "" || attr.GetOperation() != admission.Create {
		return nil
	}
	getter := a.s.stores[schema.GroupResource{Resource: "namespaces"}].(rest.Getter)
	nsCtx := genericapirequest.WithNamespace(ctx, "")
	obj, err := getter.Get(nsCtx, attr.GetNamespace(), &metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		// The store names the resource of the request in its errors (it
		// reads it from ctx); the missing object is the namespace.
		return apierrors.NewNotFound(corev1.Resource("namespaces"), attr.GetNamespace())
	}
	if err != nil {
		return err
	}
	if ns := obj.(*corev1.Namespace); ns.Status.Phase == corev1.NamespaceTerminating {
		err := admission.NewForbidden(attr, fmt.Errorf("unable to create new content in namespace %s because it is being terminated", attr.GetNamespace()))
		if se, ok := err.(*apierrors.StatusError); ok && se.ErrStatus.Details != nil {
			se.ErrStatus.Details.Causes = append(se.ErrStatus.Details.Causes, metav1.StatusCause{
				Type:    corev1.NamespaceTerminatingCause,
				Message: fmt.Sprintf("namespace %s is being terminated", attr.GetNamespace()),
				Field:   "metadata.namespace",
			})
		}
		return err
	}
	return nil
}

// serviceAccountMountPath is where the kube-api-access volume is mounted.
const serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"

func admitServiceAccount(pod *corev1.Pod, generateName func(string) string) []string {
	var changes []string
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = "default"
		// v1 keeps the deprecated serviceAccount field equal to
		// serviceAccountName (upstream's conversion writes it back).
		pod.Spec.DeprecatedServiceAccount = "default"
		changes = append(changes, "ServiceAccount set serviceAccountName default")
	}
	if pod.Spec.AutomountServiceAccountToken != nil && !*pod.Spec.AutomountServiceAccountToken {
		return changes
	}
	for _, c := range pod.Spec.Containers {
		for _, m := range c.VolumeMounts {
			if m.MountPath == serviceAccountMountPath {
				return changes
			}
		}
	}
	name := generateName("kube-api-access-")
	mode := int32(0o644)
	expiry := int64(3607)
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{
		Name: name,
		VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: &mode,
			Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: &expiry, Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
					Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
				}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
					Path:     "namespace",
					FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
				}}}},
			},
		}},
	})
	mount := corev1.VolumeMount{Name: name, ReadOnly: true, MountPath: serviceAccountMountPath}
	for i := range pod.Spec.InitContainers {
		pod.Spec.InitContainers[i].VolumeMounts = append(pod.Spec.InitContainers[i].VolumeMounts, mount)
	}
	for i := range pod.Spec.Containers {
		pod.Spec.Containers[i].VolumeMounts = append(pod.Spec.Containers[i].VolumeMounts, mount)
	}
	return append(changes, "ServiceAccount mounted "+name)
}

func admitPriority(pod *corev1.Pod) []string {
	if pod.Spec.PriorityClassName != "" || pod.Spec.Priority != nil {
		return nil
	}
	zero := int32(0)
	policy := corev1.PreemptLowerPriority
	pod.Spec.Priority = &zero
	if pod.Spec.PreemptionPolicy == nil {
		pod.Spec.PreemptionPolicy = &policy
	}
	return []string{"Priority set priority 0"}
}

func admitDefaultTolerations(pod *corev1.Pod) []string {
	added := 0
	for _, key := range []string{corev1.TaintNodeNotReady, corev1.TaintNodeUnreachable} {
		tolerated := false
		for _, t := range pod.Spec.Tolerations {
			if (t.Key == key || t.Key == "" && t.Operator == corev1.TolerationOpExists) &&
				(t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
				tolerated = true
			}
		}
		if tolerated {
			continue
		}
		seconds := defaultTolerationSeconds
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{
			Key:               key,
			Operator:          corev1.TolerationOpExists,
			Effect:            corev1.TaintEffectNoExecute,
			TolerationSeconds: &seconds,
		})
		added++
	}
	switch added {
	case 0:
		return nil
	case 1:
		return []string{"DefaultTolerationSeconds added 1 toleration"}
	}
	return []string{fmt.Sprintf("DefaultTolerationSeconds added %d tolerations", added)}
}
