package apiserver

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/runtime/serializer/recognizer"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"

	"kubelab/cluster/stage"
)

// Storage. Objects are kept in etcd under /registry with upstream's key
// layout and encoding (protobuf with the "k8s\x00" envelope), so etcdctl
// on kubelab's etcd shows what it shows on a real cluster. Every resource
// gets a watch cache, as in kube-apiserver: it serves watches with
// bookmarks and answers "410 Gone" for a resourceVersion older than its
// window.

const etcdRoot = "/registry"

type restOptionsGetter struct {
	endpoints []string
	codecs    serializer.CodecFactory
	resources map[schema.GroupResource]*resource
	bus       *stage.Bus
}

func (g *restOptionsGetter) GetRESTOptions(gr schema.GroupResource, _ runtime.Object) (generic.RESTOptions, error) {
	res, ok := g.resources[gr]
	if !ok {
		return generic.RESTOptions{}, fmt.Errorf("no storage for %s", gr)
	}
	encodeGV := res.gv
	if res.storageGroup != nil {
		encodeGV = corev1.SchemeGroupVersion
	}
	proto, ok := runtime.SerializerInfoForMediaType(g.codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	if !ok {
		return generic.RESTOptions{}, fmt.Errorf("no protobuf serializer")
	}
	json, _ := runtime.SerializerInfoForMediaType(g.codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	// Decode JSON too, so values written by hand with etcdctl still load.
	decoder := recognizer.NewDecoder(proto.Serializer, json.Serializer)
	codec := g.codecs.CodecForVersions(proto.Serializer, decoder, encodeGV, runtime.InternalGroupVersioner)

	cfg := storagebackend.NewDefaultConfig(etcdRoot, codec)
	cfg.Transport.ServerList = g.endpoints
	cfg.EncodeVersioner = encodeGV
	// No periodic compaction: `etcd history` shows every revision of a
	// session. Compaction is something a user does, and sees.
	cfg.CompactionInterval = 0
	storageGR := gr
	if res.storageGroup != nil {
		storageGR = *res.storageGroup
	}
	return generic.RESTOptions{
		StorageConfig:           cfg.ForResource(storageGR),
		Decorator:               g.decorator(res),
		EnableGarbageCollection: true,
		DeleteCollectionWorkers: 1,
		ResourcePrefix:          res.keyPrefix(),
	}, nil
}

// decorator puts the watch cache in front of etcd and announces every
// write on the stage bus.
func (g *restOptionsGetter) decorator(res *resource) generic.StorageDecorator {
	cached := genericregistry.StorageWithCacher()
	if res.noWatchCache {
		cached = generic.UndecoratedStorage
	}
	return func(cfg *storagebackend.ConfigForResource, resourcePrefix string, keyFunc func(obj runtime.Object) (string, error),
		newFunc, newListFunc func() runtime.Object, getAttrs storage.AttrFunc, triggers storage.IndexerFuncs,
		indexers *cache.Indexers) (storage.Interface, factory.DestroyFunc, error) {
		s, destroy, err := cached(cfg, resourcePrefix, keyFunc, newFunc, newListFunc, getAttrs, triggers, indexers)
		if err != nil {
			return nil, destroy, err
		}
		staged := &stagedStorage{Interface: s, bus: g.bus}
		// The etcd client closes only once the calls under way are done.
		// A store serving two versions (autoscaling/v1 and v2) is destroyed
		// once per version.
		var once sync.Once
		return staged, func() { once.Do(func() { staged.inflight.Lock(); destroy() }) }, nil
	}
}

// stagedStorage announces etcd.put and etcd.delete, with the key and the
// revision the write produced, after each write etcd accepted.
type stagedStorage struct {
	storage.Interface
	bus      *stage.Bus
	inflight sync.RWMutex // read-held by each call; destroy takes it whole
}

// Reads and writes run to completion even when the client that asked goes
// away: a request to a local etcd takes microseconds, and finishing it is
// better than a half-done write and the etcd client's warnings on stderr
// each time a component stops mid-request.

func (s *stagedStorage) Get(ctx context.Context, key string, opts storage.GetOptions, objPtr runtime.Object) error {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	return s.Interface.Get(context.WithoutCancel(ctx), key, opts, objPtr)
}

func (s *stagedStorage) GetList(ctx context.Context, key string, opts storage.ListOptions, listObj runtime.Object) error {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	return s.Interface.GetList(context.WithoutCancel(ctx), key, opts, listObj)
}

func (s *stagedStorage) Create(ctx context.Context, key string, obj, out runtime.Object, ttl uint64) error {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	ctx = context.WithoutCancel(ctx)
	if err := s.Interface.Create(ctx, key, obj, out, ttl); err != nil {
		return err
	}
	s.announce(ctx, "etcd.put", key, out, "created")
	return nil
}

func (s *stagedStorage) Delete(ctx context.Context, key string, out runtime.Object, preconditions *storage.Preconditions,
	validateDeletion storage.ValidateObjectFunc, cachedExistingObject runtime.Object, opts storage.DeleteOptions) error {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	ctx = context.WithoutCancel(ctx)
	if err := s.Interface.Delete(ctx, key, out, preconditions, validateDeletion, cachedExistingObject, opts); err != nil {
		return err
	}
	s.announce(ctx, "etcd.delete", key, out, "deleted")
	return nil
}

func (s *stagedStorage) GuaranteedUpdate(ctx context.Context, key string, destination runtime.Object, ignoreNotFound bool,
	preconditions *storage.Preconditions, tryUpdate storage.UpdateFunc, cachedExistingObject runtime.Object) error {
	s.inflight.RLock()
	defer s.inflight.RUnlock()
	ctx = context.WithoutCancel(ctx)
	// An update that changes nothing is not written; remember the revision
	// the last attempt started from to tell the two apart.
	var from string
	try := func(input runtime.Object, res storage.ResponseMeta) (runtime.Object, *uint64, error) {
		if m, err := meta.Accessor(input); err == nil {
			from = m.GetResourceVersion()
		}
		return tryUpdate(input, res)
	}
	if err := s.Interface.GuaranteedUpdate(ctx, key, destination, ignoreNotFound, preconditions, try, cachedExistingObject); err != nil {
		return err
	}
	if m, err := meta.Accessor(destination); err == nil && m.GetResourceVersion() != from {
		detail := "updated"
		if from == "" || from == "0" {
			detail = "created"
		}
		s.announce(ctx, "etcd.put", key, destination, detail)
	}
	return nil
}

func (s *stagedStorage) announce(ctx context.Context, name, key string, obj runtime.Object, detail string) {
	if s.bus == nil {
		return
	}
	var rev int64
	if m, err := meta.Accessor(obj); err == nil {
		rev, _ = strconv.ParseInt(m.GetResourceVersion(), 10, 64)
	}
	_ = s.bus.Enter(context.WithoutCancel(ctx), stage.Stage{
		Component: "etcd",
		Name:      name,
		Object:    etcdRoot + key,
		Detail:    detail,
		Revision:  rev,
	})
}
