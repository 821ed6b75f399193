package apiserver

import (
	"context"
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"kubelab/cluster/apiserver/printers"
)

// Virtual resources: endpoints that are served but not stored. Each is a
// row of the resources table whose storage is built here instead of a
// generic store (upstream: pkg/registry/core/componentstatus,
// pkg/registry/authentication/{tokenreview,selfsubjectreview},
// pkg/registry/authorization/*, and the legacy pods' "bindings").

// virtual is what every virtual resource shares: its type, scope and names.
type virtual struct{ res *resource }

func (v virtual) New() runtime.Object     { return v.res.newFunc() }
func (v virtual) Destroy()                {}
func (v virtual) NamespaceScoped() bool   { return v.res.namespaced }
func (v virtual) GetSingularName() string { return v.res.singular() }
func (v virtual) ShortNames() []string    { return v.res.shortNames }
func (v virtual) Categories() []string    { return v.res.categories }
func (v virtual) validate(ctx context.Context, obj runtime.Object, f rest.ValidateObjectFunc) error {
	if f == nil {
		return nil
	}
	return f(ctx, obj.DeepCopyObject())
}

// legacyBindingREST serves POST /api/v1/namespaces/NS/bindings, the
// pre-subresource way to bind a pod: the same as pods/NAME/binding with the
// pod named by the Binding.
type legacyBindingREST struct {
	virtual
	binding *bindingREST
}

func (r *legacyBindingREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc,
	options *metav1.CreateOptions) (runtime.Object, error) {
	binding, ok := obj.(*corev1.Binding)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Binding object: %#v", obj))
	}
	return r.binding.Create(ctx, binding.Name, obj, createValidation, options)
}

// componentStatusREST answers the deprecated componentstatuses API. Upstream
// probes the scheduler's and the controller manager's /healthz and each etcd
// server; kubelab's components run in its own process, so they are healthy
// while it serves.
type componentStatusREST struct {
	virtual
	table rest.TableConvertor
}

func (r *componentStatusREST) NewList() runtime.Object { return &corev1.ComponentStatusList{} }

func (r *componentStatusREST) statuses() []corev1.ComponentStatus {
	var out []corev1.ComponentStatus
	for _, name := range []string{"scheduler", "controller-manager", "etcd-0"} {
		out = append(out, corev1.ComponentStatus{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Conditions: []corev1.ComponentCondition{{Type: corev1.ComponentHealthy, Status: corev1.ConditionTrue, Message: "ok"}},
		})
	}
	return out
}

func (r *componentStatusREST) List(ctx context.Context, options *metainternalversion.ListOptions) (runtime.Object, error) {
	list := &corev1.ComponentStatusList{}
	for _, cs := range r.statuses() {
		if options != nil && options.FieldSelector != nil && !options.FieldSelector.Matches(fields.Set{"metadata.name": cs.Name}) {
			continue
		}
		if options != nil && options.LabelSelector != nil && !options.LabelSelector.Empty() {
			continue // component statuses have no labels
		}
		list.Items = append(list.Items, cs)
	}
	return list, nil
}

func (r *componentStatusREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	for _, cs := range r.statuses() {
		if cs.Name == name {
			return &cs, nil
		}
	}
	return nil, apierrors.NewNotFound(r.res.groupResource(), name)
}

func (r *componentStatusREST) ConvertToTable(ctx context.Context, obj runtime.Object, opts runtime.Object) (*metav1.Table, error) {
	return r.table.ConvertToTable(ctx, obj, opts)
}

// tokenReviewREST checks a bearer token as the apiserver's own
// authenticator does.
type tokenReviewREST struct {
	virtual
	s *Server
}

func (r *tokenReviewREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc,
	options *metav1.CreateOptions) (runtime.Object, error) {
	review, ok := obj.(*authenticationv1.TokenReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a TokenReview: %#v", obj))
	}
	if err := r.validate(ctx, obj, createValidation); err != nil {
		return nil, err
	}
	if review.Spec.Token == "" {
		return nil, apierrors.NewBadRequest("token is required for TokenReview in authentication")
	}
	resp, ok, err := r.s.authenticateToken(ctx, review.Spec.Token)
	review.Status = authenticationv1.TokenReviewStatus{Authenticated: ok && err == nil}
	if ok && err == nil {
		review.Status.User = userInfo(resp.User.GetName(), resp.User.GetUID(), resp.User.GetGroups(), resp.User.GetExtra())
	}
	return review, nil
}

func userInfo(name, uid string, groups []string, extra map[string][]string) authenticationv1.UserInfo {
	u := authenticationv1.UserInfo{Username: name, UID: uid, Groups: groups}
	if len(extra) > 0 {
		u.Extra = map[string]authenticationv1.ExtraValue{}
		for k, v := range extra {
			u.Extra[k] = v
		}
	}
	return u
}

// selfSubjectReviewREST tells callers who they are (`kubectl auth whoami`).
type selfSubjectReviewREST struct {
	virtual
	s *Server
}

func (r *selfSubjectReviewREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc,
	options *metav1.CreateOptions) (runtime.Object, error) {
	if err := r.validate(ctx, obj, createValidation); err != nil {
		return nil, err
	}
	if _, ok := obj.(*authenticationv1.SelfSubjectReview); !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectReview: %#v", obj))
	}
	u, ok := genericapirequest.UserFrom(ctx)
	if !ok {
		return nil, apierrors.NewBadRequest("no user present on request")
	}
	return &authenticationv1.SelfSubjectReview{
		ObjectMeta: metav1.ObjectMeta{CreationTimestamp: r.s.now()},
		Status:     authenticationv1.SelfSubjectReviewStatus{UserInfo: userInfo(u.GetName(), u.GetUID(), u.GetGroups(), u.GetExtra())},
	}, nil
}

// accessReviewREST answers subject, self-subject and local subject access
// reviews. kubelab's authorizer allows every authenticated request, so
// every review is allowed, as kube-apiserver's answers for a member of
// system:masters.
type accessReviewREST struct {
	virtual
}

func (r *accessReviewREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc,
	options *metav1.CreateOptions) (runtime.Object, error) {
	if err := r.validate(ctx, obj, createValidation); err != nil {
		return nil, err
	}
	allowed := authorizationv1.SubjectAccessReviewStatus{Allowed: true}
	switch o := obj.(type) {
	case *authorizationv1.SelfSubjectAccessReview:
		if o.Spec.ResourceAttributes == nil && o.Spec.NonResourceAttributes == nil {
			return nil, invalidReview(r.res, "exactly one of nonResourceAttributes or resourceAttributes must be specified")
		}
		o.Status = allowed
	case *authorizationv1.SubjectAccessReview:
		if o.Spec.ResourceAttributes == nil && o.Spec.NonResourceAttributes == nil {
			return nil, invalidReview(r.res, "exactly one of nonResourceAttributes or resourceAttributes must be specified")
		}
		if o.Spec.User == "" && len(o.Spec.Groups) == 0 {
			return nil, invalidReview(r.res, "at least one of user or group must be specified")
		}
		o.Status = allowed
	case *authorizationv1.LocalSubjectAccessReview:
		ns := genericapirequest.NamespaceValue(ctx)
		if o.Spec.ResourceAttributes == nil || o.Spec.ResourceAttributes.Namespace != ns {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("spec.resourceAttributes.namespace must match namespace: %v", ns))
		}
		o.Status = allowed
	default:
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a %s: %#v", r.res.kind, obj))
	}
	return obj, nil
}

func invalidReview(res *resource, msg string) error {
	return apierrors.NewBadRequest(fmt.Sprintf("%s is invalid: spec: %s", res.kind, msg))
}

// rulesReviewREST lists what the caller may do in a namespace (`kubectl
// auth can-i --list`): everything.
type rulesReviewREST struct {
	virtual
}

func (r *rulesReviewREST) Create(ctx context.Context, obj runtime.Object, createValidation rest.ValidateObjectFunc,
	options *metav1.CreateOptions) (runtime.Object, error) {
	review, ok := obj.(*authorizationv1.SelfSubjectRulesReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectRulesReview: %#v", obj))
	}
	if err := r.validate(ctx, obj, createValidation); err != nil {
		return nil, err
	}
	any := []string{"*"}
	review.Status = authorizationv1.SubjectRulesReviewStatus{
		ResourceRules:    []authorizationv1.ResourceRule{{Verbs: any, APIGroups: any, Resources: any}},
		NonResourceRules: []authorizationv1.NonResourceRule{{Verbs: any, NonResourceURLs: any}},
	}
	return review, nil
}

var (
	_ rest.Creater              = &legacyBindingREST{}
	_ rest.Lister               = &componentStatusREST{}
	_ rest.Getter               = &componentStatusREST{}
	_ rest.Creater              = &tokenReviewREST{}
	_ rest.Creater              = &selfSubjectReviewREST{}
	_ rest.Creater              = &accessReviewREST{}
	_ rest.Creater              = &rulesReviewREST{}
	_ rest.SingularNameProvider = virtual{}
	_ rest.Scoper               = virtual{}
	_ rest.ShortNamesProvider   = virtual{}
)

// newVirtual builds the storage of a virtual resource.
func (s *Server) newVirtual(res *resource) rest.Storage {
	v := virtual{res: res}
	switch res.groupResource().String() {
	case "bindings":
		return &legacyBindingREST{virtual: v, binding: &bindingREST{store: s.podStore(), now: s.now}}
	case "componentstatuses":
		return &componentStatusREST{virtual: v, table: printers.New(res.groupResource(), s.cfg.Clock)}
	case "tokenreviews.authentication.k8s.io":
		return &tokenReviewREST{virtual: v, s: s}
	case "selfsubjectreviews.authentication.k8s.io":
		return &selfSubjectReviewREST{virtual: v, s: s}
	case "selfsubjectrulesreviews.authorization.k8s.io":
		return &rulesReviewREST{virtual: v}
	}
	return &accessReviewREST{virtual: v}
}

// podStore is the pods' generic store; pods are installed before bindings.
func (s *Server) podStore() *genericregistry.Store {
	return s.stores[schema.GroupResource{Resource: "pods"}].(*store).Store
}
