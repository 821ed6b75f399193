package apiserver

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	clientv3 "go.etcd.io/etcd/client/v3"

	"kubelab/cluster/etcd"
)

// testEnv is one apiserver on its own embedded etcd, with an admin client
// and a raw etcd client to look at what was stored.
type testEnv struct {
	*Server
	client    kubernetes.Interface
	etcd      *clientv3.Client
	endpoints []string
}

// startServer boots an embedded etcd and an apiserver on it for one test.
func startServer(t *testing.T) (*Server, kubernetes.Interface) {
	t.Helper()
	env := startEnv(t, Config{})
	return env.Server, env.client
}

// startEnv boots an embedded etcd and an apiserver configured by cfg (its
// EtcdEndpoints are filled in) and stops both when the test ends.
func startEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e, err := etcd.Start(ctx, etcd.Config{Dir: t.TempDir(), NoFsync: true})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cfg.EtcdEndpoints = e.Endpoints()
	s, err := New(cfg)
	if err != nil {
		cancel()
		e.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	ec, err := clientv3.New(clientv3.Config{Endpoints: e.Endpoints(), DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		ec.Close()
		e.Close()
	})
	select {
	case <-s.Ready():
	case err := <-done:
		t.Fatalf("apiserver stopped: %v", err)
	}
	c, err := kubernetes.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{Server: s, client: c, etcd: ec, endpoints: e.Endpoints()}
}

// namespace creates a namespace for one test or subtest.
func (env *testEnv) namespace(t *testing.T, name string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := env.client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return name
}

// stored returns the raw etcd value under key, or nil when there is none.
func (env *testEnv) stored(t *testing.T, key string) []byte {
	t.Helper()
	resp, err := env.etcd.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) == 0 {
		return nil
	}
	return resp.Kvs[0].Value
}

// keys lists the etcd keys under prefix.
func (env *testEnv) keys(t *testing.T, prefix string) []string {
	t.Helper()
	resp, err := env.etcd.Get(context.Background(), prefix, clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, kv := range resp.Kvs {
		out = append(out, string(kv.Key))
	}
	return out
}

// revision is etcd's current revision.
func (env *testEnv) revision(t *testing.T) int64 {
	t.Helper()
	resp, err := env.etcd.Get(context.Background(), "/registry/none")
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Revision
}

// wantStatus fails unless err is an API status error with the code and
// message given; an empty message checks only the code.
func wantStatus(t *testing.T, err error, code int32, message string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %d %q", code, message)
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		t.Fatalf("got %v (%T), want an API status %d", err, err, code)
	}
	got := status.Status()
	if got.Code != code {
		t.Errorf("got code %d (%s), want %d", got.Code, got.Message, code)
	}
	if message != "" && got.Message != message {
		t.Errorf("got message\n\t%s\nwant\n\t%s", got.Message, message)
	}
}

// wantPrefix fails unless err's message starts with prefix.
func wantPrefix(t *testing.T, err error, code int32, prefix string) {
	t.Helper()
	wantStatus(t, err, code, "")
	if err != nil && !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("got message\n\t%s\nwant it to start with\n\t%s", err.Error(), prefix)
	}
}

func newPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
	}
}

func TestPodCreate(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := c.CoreV1().Pods("default").Create(ctx, newPod("nginx"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != corev1.PodPending {
		t.Errorf("phase %q, want Pending", got.Status.Phase)
	}
}
