package apiserver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	clientv3 "go.etcd.io/etcd/client/v3"

	"kubelab/cluster/etcd"
)

// nextEvent returns the next event of w, failing after a generous bound
// so that a missing event fails the test instead of hanging it.
func nextEvent(t *testing.T, w watch.Interface) watch.Event {
	t.Helper()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok {
			t.Fatal("watch closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event within 10s")
	}
	return watch.Event{}
}

func TestWatch(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "watch")
	cms := env.client.CoreV1().ConfigMaps(ns)
	create := func(name string) *corev1.ConfigMap {
		cm, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	a := create("a")
	create("b")

	t.Run("a watch from a resourceVersion sees only later changes", func(t *testing.T) {
		w, err := cms.Watch(ctx, metav1.ListOptions{ResourceVersion: a.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ev := nextEvent(t, w)
		if cm := ev.Object.(*corev1.ConfigMap); ev.Type != watch.Added || cm.Name != "b" {
			t.Fatalf("first event %s %s, want ADDED b", ev.Type, cm.Name)
		}
		if _, err := cms.Patch(ctx, "a", "application/merge-patch+json", []byte(`{"data":{"k":"v"}}`), metav1.PatchOptions{}); err != nil {
			t.Fatal(err)
		}
		ev = nextEvent(t, w)
		if cm := ev.Object.(*corev1.ConfigMap); ev.Type != watch.Modified || cm.Name != "a" || cm.Data["k"] != "v" {
			t.Fatalf("event %s %s, want MODIFIED a", ev.Type, cm.Name)
		}
	})

	t.Run("a watch list ends its initial events with a bookmark", func(t *testing.T) {
		w, err := cms.Watch(ctx, metav1.ListOptions{AllowWatchBookmarks: true, SendInitialEvents: ptr.To(true),
			ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		var added []string
		for {
			ev := nextEvent(t, w)
			if ev.Type == watch.Bookmark {
				cm := ev.Object.(*corev1.ConfigMap)
				if cm.Annotations[metav1.InitialEventsAnnotationKey] != "true" || cm.ResourceVersion == "" {
					t.Errorf("bookmark %+v", cm.ObjectMeta)
				}
				break
			}
			added = append(added, ev.Object.(*corev1.ConfigMap).Name)
		}
		if strings.Join(added, ",") != "a,b" {
			t.Errorf("initial events %v, want a,b", added)
		}
	})
}

// TestWatchAfterCompaction restarts the apiserver on a compacted etcd, as
// kubelab does on a kept session: the new server's watch cache starts at
// the current revision, so watches from before it are too old, and
// informers relist.
func TestWatchAfterCompaction(t *testing.T) {
	ctx := context.Background()
	e, err := etcd.Start(ctx, etcd.Config{Dir: t.TempDir(), NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	certs := t.TempDir()
	cfg := Config{EtcdEndpoints: e.Endpoints(), CertDir: certs, AdminToken: "admin"}

	run := func(cfg Config) (*Server, func()) {
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.Run(runCtx) }()
		select {
		case <-s.Ready():
		case err := <-done:
			t.Fatalf("apiserver stopped: %v", err)
		}
		var once sync.Once
		stop := func() { once.Do(func() { cancel(); <-done }) }
		t.Cleanup(stop)
		return s, stop
	}
	first, stopFirst := run(cfg)
	client := kubernetes.NewForConfigOrDie(first.RESTConfig())
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "c"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	old, err := client.CoreV1().ConfigMaps("c").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "old"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	// Informers over every served resource list and watch without errors.
	dyn := dynamic.NewForConfigOrDie(first.RESTConfig())
	factory := dynamicinformer.NewDynamicSharedInformerFactory(dyn, 0)
	var mu sync.Mutex
	var watchErrors []string
	seen := make(chan string, 16)
	for _, r := range first.Resources() {
		gvr := parseGVR(t, r)
		inf := factory.ForResource(gvr).Informer()
		name := gvr.String()
		if err := inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
			mu.Lock()
			defer mu.Unlock()
			watchErrors = append(watchErrors, fmt.Sprintf("%s: %v", name, err))
		}); err != nil {
			t.Fatal(err)
		}
		if gvr.Resource == "configmaps" {
			if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(obj any) {
				if m, ok := obj.(metav1.Object); ok {
					seen <- m.GetName()
				}
			}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	stopInformers := make(chan struct{})
	defer close(stopInformers)
	factory.Start(stopInformers)
	for gvr, ok := range factory.WaitForCacheSync(stopInformers) {
		if !ok {
			t.Errorf("%s did not sync", gvr)
		}
	}
	if n := len(first.Resources()); n < 20 {
		t.Errorf("only %d resources served", n)
	}
	mu.Lock()
	if len(watchErrors) > 0 {
		t.Errorf("informer errors: %v", watchErrors)
	}
	mu.Unlock()
	if name := <-seen; name != "old" {
		t.Fatalf("informer saw %s first, want old", name)
	}

	// Writes after old, then a compaction past it.
	if _, err := client.CoreV1().Namespaces().Patch(ctx, "c", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"a":"b"}}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	stopFirst()
	ec := etcdClient(t, e.Endpoints())
	rev := etcdRevision(t, ec)
	if _, err := ec.Compact(ctx, rev); err != nil {
		t.Fatal(err)
	}

	cfg.Address = first.listener.Addr().String()
	second, _ := run(cfg)
	client = kubernetes.NewForConfigOrDie(second.RESTConfig())

	t.Run("a watch from before the compaction is gone", func(t *testing.T) {
		w, err := client.CoreV1().ConfigMaps("c").Watch(ctx, metav1.ListOptions{ResourceVersion: old.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ev := nextEvent(t, w)
		status, ok := ev.Object.(*metav1.Status)
		if ev.Type != watch.Error || !ok {
			t.Fatalf("got %s %T, want ERROR", ev.Type, ev.Object)
		}
		want := fmt.Sprintf("too old resource version: %s (%d)", old.ResourceVersion, rev)
		if status.Code != 410 || status.Reason != metav1.StatusReasonExpired || status.Message != want {
			t.Errorf("got %d %s %q, want 410 Expired %q", status.Code, status.Reason, status.Message, want)
		}
	})

	t.Run("a list at a compacted resourceVersion is gone", func(t *testing.T) {
		_, err := client.CoreV1().ConfigMaps("c").List(ctx, metav1.ListOptions{ResourceVersion: old.ResourceVersion,
			ResourceVersionMatch: metav1.ResourceVersionMatchExact})
		wantStatus(t, err, 410, "The resourceVersion for the provided list is too old.")
	})

	t.Run("informers relist and see what changed", func(t *testing.T) {
		if _, err := client.CoreV1().ConfigMaps("c").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "new"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		select {
		case name := <-seen:
			if name != "new" {
				t.Errorf("informer saw %s, want new", name)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the informer did not see the configmap created after the restart")
		}
	})
}

// parseGVR reads a resource as Server.Resources lists it.
func parseGVR(t *testing.T, s string) schema.GroupVersionResource {
	t.Helper()
	gv, resource, ok := strings.Cut(s, ", Resource=")
	if !ok {
		t.Fatalf("resource %q", s)
	}
	parsed, err := schema.ParseGroupVersion(strings.TrimPrefix(gv, "/"))
	if err != nil {
		t.Fatal(err)
	}
	return parsed.WithResource(resource)
}

func etcdClient(t *testing.T, endpoints []string) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: endpoints, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func etcdRevision(t *testing.T, c *clientv3.Client) int64 {
	t.Helper()
	resp, err := c.Get(context.Background(), "/registry/none")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}
