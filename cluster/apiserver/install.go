package apiserver

import (
	"context"
	"fmt"
	"strings"

	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/storage"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"kubelab/cluster/apiserver/printers"
)

// store is a resource's generic registry store with the discovery
// details the generic store does not know: short names and categories.
type store struct {
	*genericregistry.Store
	res *resource
}

func (s *store) ShortNames() []string { return s.res.shortNames }
func (s *store) Categories() []string { return s.res.categories }

// Delete and DeleteCollection keep the grace period the client asked for
// apart from the options the store rewrites (see requestedGraceKey).
func (s *store) Delete(ctx context.Context, name string, deleteValidation rest.ValidateObjectFunc, options *metav1.DeleteOptions) (runtime.Object, bool, error) {
	return s.Store.Delete(withRequestedGrace(ctx, options), name, deleteValidation, options)
}

func (s *store) DeleteCollection(ctx context.Context, deleteValidation rest.ValidateObjectFunc, options *metav1.DeleteOptions,
	listOptions *metainternalversion.ListOptions) (runtime.Object, error) {
	return s.Store.DeleteCollection(withRequestedGrace(ctx, options), deleteValidation, options, listOptions)
}

var (
	_ rest.ShortNamesProvider = &store{}
	_ rest.CategoriesProvider = &store{}
)

// statusStore serves /status: the same objects through the status
// strategy; it is neither listed nor creatable on its own.
type statusStore struct {
	store *genericregistry.Store
}

func (s *statusStore) New() runtime.Object { return s.store.New() }
func (s *statusStore) Destroy()            {}
func (s *statusStore) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return s.store.Get(ctx, name, options)
}
func (s *statusStore) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc,
	updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	// Subresources never create the parent object.
	return s.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}
func (s *statusStore) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return s.store.GetResetFields()
}
func (s *statusStore) ConvertToTable(ctx context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	return s.store.ConvertToTable(ctx, object, tableOptions)
}

// newStore builds the generic store of one resource.
func (s *Server) newStore(res *resource, getter generic.RESTOptionsGetter) (*genericregistry.Store, *genericregistry.Store, error) {
	st := strategy{ObjectTyper: s.scheme, NameGenerator: s.cfg.Names, res: res, bus: s.cfg.Bus, clock: s.cfg.Clock}
	gr := res.groupResource()
	storeGR := gr
	if res.storageGroup != nil {
		storeGR = *res.storageGroup
	}
	main := &genericregistry.Store{
		NewFunc:                   res.newFunc,
		NewListFunc:               res.newList,
		DefaultQualifiedResource:  storeGR,
		SingularQualifiedResource: schema.GroupResource{Group: storeGR.Group, Resource: res.singular()},
		CreateStrategy:            st,
		UpdateStrategy:            st,
		DeleteStrategy:            st,
		ResetFieldsStrategy:       st,
		ReturnDeletedObject:       res.name == "pods",
		TableConvertor:            printers.New(gr, s.cfg.Clock),
		PredicateFunc: func(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
			return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: attrsFunc(res.namespaced)}
		},
	}
	if res.ttlSeconds > 0 {
		ttl := res.ttlSeconds
		main.TTLFunc = func(runtime.Object, uint64, bool) (uint64, error) { return ttl, nil }
	}
	opts := &generic.StoreOptions{RESTOptions: getter, AttrFunc: attrsFunc(res.namespaced)}
	if res.name == "pods" && res.gv.Group == "" {
		opts.TriggerFunc = storage.IndexerFuncs{"spec.nodeName": podNodeNameTrigger}
	}
	if err := main.CompleteWithOptions(opts); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", gr, err)
	}
	if res.name == "services" {
		alloc := newServiceAllocator(main)
		main.BeginCreate, main.BeginUpdate, main.AfterDelete = alloc.beginCreate, alloc.beginUpdate, alloc.afterDelete
	}
	if !res.status {
		return main, nil, nil
	}
	status := *main
	sst := statusStrategy{st}
	status.CreateStrategy = nil
	status.DeleteStrategy = nil
	status.UpdateStrategy = sst
	status.ResetFieldsStrategy = sst
	return main, &status, nil
}

func podNodeNameTrigger(obj runtime.Object) string {
	return obj.(*corev1.Pod).Spec.NodeName
}

// installAPIs creates every resource's storage and installs the groups.
func (s *Server) installAPIs() error {
	resources := servedResources()
	byGR := map[schema.GroupResource]*resource{}
	for _, r := range resources {
		if byGR[r.groupResource()] == nil { // the preferred version stores
			byGR[r.groupResource()] = r
		}
	}
	getter := &restOptionsGetter{endpoints: s.cfg.EtcdEndpoints, codecs: s.codecs, resources: byGR, bus: s.cfg.Bus}

	installed := map[schema.GroupResource]map[string]rest.Storage{} // subresources by name
	groups := map[string]*genericapiserver.APIGroupInfo{}
	var order []string
	for _, res := range resources {
		info, ok := groups[res.gv.Group]
		if !ok {
			i := genericapiserver.NewDefaultAPIGroupInfo(res.gv.Group, s.scheme, runtime.NewParameterCodec(s.scheme), s.codecs)
			info = &i
			groups[res.gv.Group] = info
			order = append(order, res.gv.Group)
		}
		if info.VersionedResourcesStorageMap[res.gv.Version] == nil {
			info.VersionedResourcesStorageMap[res.gv.Version] = map[string]rest.Storage{}
		}
		storages := info.VersionedResourcesStorageMap[res.gv.Version]
		if res.virtual {
			storages[res.name] = s.newVirtual(res)
			continue
		}
		if st, ok := s.stores[res.groupResource()]; ok {
			// Another version of a resource already installed: upstream
			// serves every version from one store.
			for name, sub := range installed[res.groupResource()] {
				storages[name] = sub
			}
			storages[res.name] = st
			continue
		}
		main, status, err := s.newStore(res, getter)
		if err != nil {
			return err
		}
		storages[res.name] = &store{Store: main, res: res}
		if res.groupResource() == (schema.GroupResource{Resource: "namespaces"}) {
			storages[res.name] = &namespaceStore{store: storages[res.name].(*store), now: s.now}
		}
		s.stores[res.groupResource()] = storages[res.name]
		if status != nil {
			storages[res.name+"/status"] = &statusStore{store: status}
		}
		for sub, st := range s.subresources(res, main) {
			storages[res.name+"/"+sub] = st
		}
		installed[res.groupResource()] = map[string]rest.Storage{}
		for name, st := range storages {
			if strings.HasPrefix(name, res.name+"/") {
				installed[res.groupResource()][name] = st
			}
		}
	}
	for _, g := range order {
		info := groups[g]
		if g == "" {
			if err := s.generic.InstallLegacyAPIGroup(genericapiserver.DefaultLegacyAPIPrefix, info); err != nil {
				return fmt.Errorf("install core API: %w", err)
			}
			continue
		}
		if err := s.generic.InstallAPIGroup(info); err != nil {
			return fmt.Errorf("install %s: %w", g, err)
		}
	}
	return nil
}

// subresources returns the special endpoints of a resource beyond /status.
func (s *Server) subresources(res *resource, main *genericregistry.Store) map[string]rest.Storage {
	out := map[string]rest.Storage{}
	if res.scale {
		out["scale"] = &scaleREST{store: main, res: res}
	}
	switch res.groupResource() {
	case schema.GroupResource{Resource: "pods"}:
		out["binding"] = &bindingREST{store: main, now: s.now}
		out["eviction"] = &evictionREST{store: main, pdbs: lazyLister{s, schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}}}
		for sub, st := range s.podConnectSubresources(main) {
			out[sub] = st
		}
	case schema.GroupResource{Resource: "namespaces"}:
		out["finalize"] = &finalizeREST{store: s.namespaceFinalizeStore(main)}
	case schema.GroupResource{Group: "certificates.k8s.io", Resource: "certificatesigningrequests"}:
		out["approval"] = &statusStore{store: csrApprovalStore(main)}
	}
	return out
}

func (s *Server) now() metav1.Time { return metav1.NewTime(s.cfg.Clock.Now().Truncate(1e9)) }

// lazyLister lists a resource whose store is installed after the one that
// needs it.
type lazyLister struct {
	s  *Server
	gr schema.GroupResource
}

func (l lazyLister) List(ctx context.Context, options *metainternalversion.ListOptions) (runtime.Object, error) {
	return l.s.stores[l.gr].(rest.Lister).List(ctx, options)
}

func (l lazyLister) NewList() runtime.Object { return l.s.stores[l.gr].(rest.Lister).NewList() }

func (l lazyLister) ConvertToTable(ctx context.Context, obj runtime.Object, opts runtime.Object) (*metav1.Table, error) {
	return l.s.stores[l.gr].(rest.Lister).ConvertToTable(ctx, obj, opts)
}

// csrApprovalStore serves certificatesigningrequests/approval: like
// /status, but it changes only the conditions (Approved, Denied); the
// issued certificate is the signer's to write through /status
// (pkg/registry/certificates/certificates csrApprovalStrategy).
func csrApprovalStore(main *genericregistry.Store) *genericregistry.Store {
	approval := *main
	st := csrApprovalStrategy{statusStrategy{main.UpdateStrategy.(strategy)}}
	approval.CreateStrategy = nil
	approval.DeleteStrategy = nil
	approval.UpdateStrategy = st
	approval.ResetFieldsStrategy = st
	return &approval
}

type csrApprovalStrategy struct{ statusStrategy }

func (s csrApprovalStrategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	csr, prev := obj.(*certificatesv1.CertificateSigningRequest), old.(*certificatesv1.CertificateSigningRequest)
	conditions := csr.Status.Conditions
	csr.Spec = prev.Spec
	csr.Status = prev.Status
	csr.Status.Conditions = conditions
}
