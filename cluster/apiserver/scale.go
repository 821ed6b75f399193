package apiserver

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// scaleREST serves /scale of deployments, replicasets, statefulsets and
// replication controllers as an autoscaling/v1 Scale, the way `kubectl
// scale` and autoscalers see them: spec.replicas in, spec and status
// replicas and the selector out.
type scaleREST struct {
	store *genericregistry.Store
	res   *resource
}

var (
	_ rest.Patcher                  = &scaleREST{}
	_ rest.GroupVersionKindProvider = &scaleREST{}
)

func (r *scaleREST) New() runtime.Object { return &autoscalingv1.Scale{} }
func (r *scaleREST) Destroy()            {}

func (r *scaleREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return autoscalingv1.SchemeGroupVersion.WithKind("Scale")
}

func (r *scaleREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	obj, err := r.store.Get(ctx, name, options)
	if err != nil {
		return nil, err
	}
	return scaleWithManagedFields(obj, r.res)
}

// replicasPath says where a Scale's spec.replicas lives in its parent, so
// server-side apply's field ownership moves between the two: a `kubectl
// scale` is recorded on the parent as an update of subresource "scale"
// owning spec.replicas, as upstream does.
func replicasPath(res *resource) managedfields.ResourcePathMappings {
	return managedfields.ResourcePathMappings{res.gv.String(): fieldpath.MakePathOrDie("spec", "replicas")}
}

func scaleWithManagedFields(obj runtime.Object, res *resource) (*autoscalingv1.Scale, error) {
	scale, err := scaleOf(obj)
	if err != nil {
		return nil, err
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	scale.ManagedFields, err = managedfields.NewScaleHandler(m.GetManagedFields(), res.gv, replicasPath(res)).ToSubresource()
	return scale, err
}

func (r *scaleREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, _ rest.ValidateObjectFunc,
	_ rest.ValidateObjectUpdateFunc, _ bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	obj, _, err := r.store.Update(ctx, name, &scaleUpdate{objInfo: objInfo, res: r.res}, rest.ValidateAllObjectFunc,
		rest.ValidateAllObjectUpdateFunc, false, options)
	if err != nil {
		return nil, false, err
	}
	s, err := scaleWithManagedFields(obj, r.res)
	return s, false, err
}

// scaleUpdate applies an update of the Scale to its parent object.
type scaleUpdate struct {
	objInfo rest.UpdatedObjectInfo
	res     *resource
}

func (u *scaleUpdate) Preconditions() *metav1.Preconditions { return u.objInfo.Preconditions() }

func (u *scaleUpdate) UpdatedObject(ctx context.Context, oldObj runtime.Object) (runtime.Object, error) {
	old, err := scaleWithManagedFields(oldObj, u.res)
	if err != nil {
		return nil, err
	}
	obj, err := u.objInfo.UpdatedObject(ctx, old)
	if err != nil {
		return nil, err
	}
	scale, ok := obj.(*autoscalingv1.Scale)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("expected input object type to be Scale, but %T", obj))
	}
	if scale.Spec.Replicas < 0 {
		errs := field.ErrorList{field.Invalid(field.NewPath("spec", "replicas"), scale.Spec.Replicas, "must be greater than or equal to 0")}
		return nil, apierrors.NewInvalid(autoscalingv1.SchemeGroupVersion.WithKind("Scale").GroupKind(), scale.Name, errs)
	}
	if scale.Name != old.Name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the scale (%s) does not match the name of the object (%s)", scale.Name, old.Name))
	}
	out := oldObj.DeepCopyObject()
	outMeta, err := meta.Accessor(out)
	if err != nil {
		return nil, err
	}
	parentFields, err := managedfields.NewScaleHandler(outMeta.GetManagedFields(), u.res.gv, replicasPath(u.res)).ToParent(scale.ManagedFields)
	if err != nil {
		return nil, err
	}
	outMeta.SetManagedFields(parentFields)
	replicas := scale.Spec.Replicas
	switch o := out.(type) {
	case *appsv1.Deployment:
		o.Spec.Replicas = &replicas
		o.ResourceVersion = scale.ResourceVersion
	case *appsv1.ReplicaSet:
		o.Spec.Replicas = &replicas
		o.ResourceVersion = scale.ResourceVersion
	case *appsv1.StatefulSet:
		o.Spec.Replicas = &replicas
		o.ResourceVersion = scale.ResourceVersion
	case *corev1.ReplicationController:
		o.Spec.Replicas = &replicas
		o.ResourceVersion = scale.ResourceVersion
	}
	return out, nil
}

// scaleOf builds the Scale view of an object.
func scaleOf(obj runtime.Object) (*autoscalingv1.Scale, error) {
	var (
		meta              metav1.ObjectMeta
		spec, status      int32
		selector          string
		selectorErr       error
		labelSelectorToSt = func(ls *metav1.LabelSelector) string {
			sel, err := metav1.LabelSelectorAsSelector(ls)
			if err != nil {
				selectorErr = err
				return ""
			}
			return sel.String()
		}
	)
	switch o := obj.(type) {
	case *appsv1.Deployment:
		meta, spec, status, selector = o.ObjectMeta, deref(o.Spec.Replicas), o.Status.Replicas, labelSelectorToSt(o.Spec.Selector)
	case *appsv1.ReplicaSet:
		meta, spec, status, selector = o.ObjectMeta, deref(o.Spec.Replicas), o.Status.Replicas, labelSelectorToSt(o.Spec.Selector)
	case *appsv1.StatefulSet:
		meta, spec, status, selector = o.ObjectMeta, deref(o.Spec.Replicas), o.Status.Replicas, labelSelectorToSt(o.Spec.Selector)
	case *corev1.ReplicationController:
		meta, spec, status, selector = o.ObjectMeta, deref(o.Spec.Replicas), o.Status.Replicas, labels.SelectorFromSet(o.Spec.Selector).String()
	default:
		return nil, fmt.Errorf("no scale for %T", obj)
	}
	if selectorErr != nil {
		return nil, apierrors.NewInternalError(selectorErr)
	}
	return &autoscalingv1.Scale{
		ObjectMeta: metav1.ObjectMeta{
			Name:              meta.Name,
			Namespace:         meta.Namespace,
			UID:               meta.UID,
			ResourceVersion:   meta.ResourceVersion,
			CreationTimestamp: meta.CreationTimestamp,
		},
		Spec:   autoscalingv1.ScaleSpec{Replicas: spec},
		Status: autoscalingv1.ScaleStatus{Replicas: status, Selector: selector},
	}, nil
}

func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
