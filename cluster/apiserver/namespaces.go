package apiserver

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
)

// Namespaces are deleted in two steps (pkg/registry/core/namespace): the
// first DELETE marks the namespace Terminating; the namespace controller
// then removes its contents and its "kubernetes" finalizer through
// /finalize, and deletes it for good once spec.finalizers is empty.

type namespaceStore struct {
	*store
	now func() metav1.Time
}

func (n *namespaceStore) Delete(ctx context.Context, name string, deleteValidation rest.ValidateObjectFunc, options *metav1.DeleteOptions) (runtime.Object, bool, error) {
	obj, err := n.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		return nil, false, err
	}
	ns := obj.(*corev1.Namespace)
	if options == nil {
		options = metav1.NewDeleteOptions(0)
	}
	if options.Preconditions == nil {
		options.Preconditions = &metav1.Preconditions{}
	}
	if options.Preconditions.UID == nil {
		options.Preconditions.UID = &ns.UID
	} else if *options.Preconditions.UID != ns.UID {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *options.Preconditions.UID, ns.UID))
	}
	if rv := options.Preconditions.ResourceVersion; rv != nil && *rv != ns.ResourceVersion {
		return nil, false, apierrors.NewConflict(corev1.Resource("namespaces"), name,
			fmt.Errorf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *rv, ns.ResourceVersion))
	}
	if ns.DeletionTimestamp.IsZero() {
		key, err := n.KeyFunc(ctx, name)
		if err != nil {
			return nil, false, err
		}
		out := &corev1.Namespace{}
		preconditions := storage.Preconditions{UID: options.Preconditions.UID, ResourceVersion: options.Preconditions.ResourceVersion}
		err = n.Storage.GuaranteedUpdate(ctx, key, out, false, &preconditions, storage.SimpleUpdate(func(existing runtime.Object) (runtime.Object, error) {
			ns := existing.(*corev1.Namespace)
			if err := deleteValidation(ctx, ns); err != nil {
				return nil, err
			}
			if ns.DeletionTimestamp.IsZero() {
				now := n.now()
				ns.DeletionTimestamp = &now
			}
			ns.Status.Phase = corev1.NamespaceTerminating
			ns.Finalizers = dependentsFinalizers(ns.Finalizers, options)
			return ns, nil
		}), len(options.DryRun) > 0, nil)
		if err != nil {
			return nil, false, err
		}
		return out, false, nil
	}
	if len(ns.Spec.Finalizers) != 0 {
		return ns, false, nil
	}
	return n.store.Delete(ctx, name, deleteValidation, options)
}

// dependentsFinalizers adds the orphan or foreground finalizer the delete
// options ask for, which the garbage collector honours for namespaces too.
func dependentsFinalizers(finalizers []string, options *metav1.DeleteOptions) []string {
	want := ""
	switch {
	case options.PropagationPolicy != nil && *options.PropagationPolicy == metav1.DeletePropagationOrphan,
		options.OrphanDependents != nil && *options.OrphanDependents:
		want = metav1.FinalizerOrphanDependents
	case options.PropagationPolicy != nil && *options.PropagationPolicy == metav1.DeletePropagationForeground:
		want = metav1.FinalizerDeleteDependents
	}
	if want == "" {
		return finalizers
	}
	for _, f := range finalizers {
		if f == want {
			return finalizers
		}
	}
	return append(finalizers, want)
}

// finalizeREST serves namespaces/finalize: it changes spec.finalizers and
// nothing else.
type finalizeREST struct {
	store *registry.Store
}

func (r *finalizeREST) New() runtime.Object { return &corev1.Namespace{} }
func (r *finalizeREST) Destroy()            {}

func (r *finalizeREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc,
	updateValidation rest.ValidateObjectUpdateFunc, _ bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

// namespaceFinalizeStore is the namespaces store with a strategy that
// keeps everything but spec.finalizers.
func (s *Server) namespaceFinalizeStore(main *registry.Store) *registry.Store {
	st := *main
	base := main.UpdateStrategy.(strategy)
	st.UpdateStrategy = finalizeStrategy{base}
	return &st
}

type finalizeStrategy struct{ strategy }

func (f finalizeStrategy) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	ns, oldNS := obj.(*corev1.Namespace), old.(*corev1.Namespace)
	finalizers := ns.Spec.Finalizers
	*ns = *oldNS.DeepCopy()
	ns.Spec.Finalizers = finalizers
}
