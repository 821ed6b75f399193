package apiserver

import (
	"context"
	"fmt"
	"reflect"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"kubelab/cluster/apiserver/validation"
	"kubelab/cluster/clock"
	"kubelab/cluster/stage"
)

// strategy is the create/update/delete behaviour of one resource, what
// upstream writes as a podStrategy, deploymentStrategy, ... per type. The
// parts every type shares (status is reset on create and kept on update,
// metadata.generation follows spec changes, validation) are done here once,
// from the resource's descriptor; what is special to a type lives in its
// hooks.
type strategy struct {
	runtime.ObjectTyper
	names.NameGenerator
	res   *resource
	bus   *stage.Bus
	clock clock.Clock
}

// statusStrategy is the strategy of the /status subresource: it keeps spec
// and changes only status, the mirror of strategy.
type statusStrategy struct{ strategy }

func (s strategy) NamespaceScoped() bool { return s.res.namespaced }

func (s strategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	m, _ := meta.Accessor(obj)
	// The generic store stamps creation with the wall clock; kubelab's
	// components, tables and scripts live on the cluster clock.
	m.SetCreationTimestamp(metav1.NewTime(s.clock.Now().Truncate(1e9)))
	// A kubelet registers its Node with its status (capacity, allocatable,
	// conditions), and upstream's node strategy keeps it; every other
	// resource starts with an empty status that only /status fills.
	if s.res.status && !s.keepsStatusOnCreate() {
		resetField(obj, "Status")
	}
	if s.res.generation {
		m.SetGeneration(1)
	}
	if s.res.hooks.prepareForCreate != nil {
		s.res.hooks.prepareForCreate(ctx, obj)
	}
}

func (s strategy) keepsStatusOnCreate() bool {
	return s.res.gv.Group == "" && s.res.name == "nodes"
}

func (s strategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	if errs := s.announceValidate(ctx, obj); errs != nil {
		return errs
	}
	return validation.Validate(obj)
}

// announceValidate enters apiserver.validate. A request whose client gave
// up while the stage was held must not be written after all: the store
// would go on with it, since the handler lets a write it has started
// finish. Failing validation is the last point where it can be stopped.
func (s strategy) announceValidate(ctx context.Context, obj runtime.Object) field.ErrorList {
	err := s.bus.Enter(ctx, stage.Stage{Component: "apiserver", Name: "apiserver.validate", Object: objectRef(s.res, obj)})
	if err != nil {
		return field.ErrorList{field.InternalError(nil, fmt.Errorf("request cancelled while held at apiserver.validate: %w", err))}
	}
	return nil
}

func (s strategy) WarningsOnCreate(context.Context, runtime.Object) []string { return nil }

func (s strategy) Canonicalize(runtime.Object) {}

func (s strategy) AllowCreateOnUpdate(context.Context) bool { return s.res.createOnUpdate }

func (s strategy) AllowUnconditionalUpdate(context.Context) bool { return true }

func (s strategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	if s.res.status {
		copyField(obj, old, "Status")
	}
	if s.res.generation && !fieldEqual(obj, old, "Spec") {
		m, _ := meta.Accessor(obj)
		om, _ := meta.Accessor(old)
		m.SetGeneration(om.GetGeneration() + 1)
	}
	if s.res.hooks.prepareForUpdate != nil {
		s.res.hooks.prepareForUpdate(ctx, obj, old)
	}
}

func (s strategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	if errs := s.announceValidate(ctx, obj); errs != nil {
		return errs
	}
	return validation.ValidateUpdate(obj, old)
}

func (s strategy) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}

// GetResetFields tells server-side apply which fields this endpoint never
// changes, so an apply does not take ownership of them.
func (s strategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	if !s.res.status {
		return nil
	}
	return map[fieldpath.APIVersion]*fieldpath.Set{
		fieldpath.APIVersion(s.res.gv.String()): fieldpath.NewSet(fieldpath.MakePathOrDie("status")),
	}
}

// CheckGracefulDelete is only consulted for resources with a graceful
// deletion hook (pods); everything else is deleted at once.
func (s strategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool {
	if s.res.hooks.gracefulDelete == nil {
		return false
	}
	return s.res.hooks.gracefulDelete(ctx, obj, options)
}

func (s statusStrategy) PrepareForCreate(context.Context, runtime.Object) {}

func (s statusStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	copyField(obj, old, "Spec")
	if s.res.hooks.prepareForStatusUpdate != nil {
		s.res.hooks.prepareForStatusUpdate(ctx, obj, old)
	}
}

func (s statusStrategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	if errs := s.announceValidate(ctx, obj); errs != nil {
		return errs
	}
	return validation.ValidateStatusUpdate(obj, old)
}

func (s statusStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return map[fieldpath.APIVersion]*fieldpath.Set{
		fieldpath.APIVersion(s.res.gv.String()): fieldpath.NewSet(fieldpath.MakePathOrDie("spec")),
	}
}

// The served types all follow the Kubernetes shape (ObjectMeta, Spec,
// Status as struct fields), so the shared behaviour reaches them through
// reflection instead of one copy of the same lines per type.

func structField(obj runtime.Object, name string) reflect.Value {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.Elem().FieldByName(name)
}

func resetField(obj runtime.Object, name string) {
	if f := structField(obj, name); f.IsValid() {
		f.Set(reflect.Zero(f.Type()))
	}
}

func copyField(dst, src runtime.Object, name string) {
	d, s := structField(dst, name), structField(src, name)
	if d.IsValid() && s.IsValid() {
		d.Set(s)
	}
}

func fieldEqual(a, b runtime.Object, name string) bool {
	fa, fb := structField(a, name), structField(b, name)
	if !fa.IsValid() || !fb.IsValid() {
		return true
	}
	return apiequality.Semantic.DeepEqual(fa.Interface(), fb.Interface())
}
