package cluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func TestBootCreatesTheObjectsEveryClusterHas(t *testing.T) {
	ctx := context.Background()
	c, err := Boot(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	nss, err := c.Client().CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ns := range nss.Items {
		names = append(names, ns.Name)
	}
	want := []string{"default", "kube-node-lease", "kube-public", "kube-system"}
	if len(names) != len(want) {
		t.Fatalf("namespaces %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("namespaces %v, want %v", names, want)
		}
	}
	svc, err := c.Client().CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.ClusterIP != "10.96.0.1" || svc.Spec.Ports[0].Port != 443 {
		t.Errorf("kubernetes service: clusterIP %s ports %v", svc.Spec.ClusterIP, svc.Spec.Ports)
	}
	if _, err := c.Client().CoreV1().Endpoints("default").Get(ctx, "kubernetes", metav1.GetOptions{}); err != nil {
		t.Errorf("kubernetes endpoints: %v", err)
	}
}

func TestKeptSessionBringsObjectsBackWithItsKubeconfig(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := Boot(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kept"}, Data: map[string]string{"a": "1"}}
	if _, err := c.Client().CoreV1().ConfigMaps("default").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kubeconfig")); err != nil {
		t.Fatalf("a kept session keeps its kubeconfig: %v", err)
	}

	c, err = Boot(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A client built from the kubeconfig file, as an outside kubectl would.
	rc, err := clientcmd.BuildConfigFromFlags("", filepath.Join(dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.CoreV1().ConfigMaps("default").Get(ctx, "kept", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Data["a"] != "1" {
		t.Errorf("configmap data %v after restart", got.Data)
	}
}

func TestTemporarySessionIsRemovedOnClose(t *testing.T) {
	c, err := Boot(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary session dir %s still exists after Close", dir)
	}
}

// BenchmarkBoot measures boot to a ready API with the bootstrap objects
// (the target is under 500 ms on 2 cores; see DESIGN.md).
func BenchmarkBoot(b *testing.B) {
	for b.Loop() {
		c, err := Boot(context.Background(), Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		c.Close()
		b.StartTimer()
	}
}

// A quiet resource's watchers still get bookmarks, as on a real cluster:
// etcd's progress notifications carry the revision the bookmark reports.
func TestWatchOfAQuietResourceGetsBookmarks(t *testing.T) {
	ctx := context.Background()
	c, err := Boot(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	timeout := int64(9)
	w, err := c.Client().CoreV1().ConfigMaps("default").Watch(ctx, metav1.ListOptions{AllowWatchBookmarks: true, TimeoutSeconds: &timeout})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if ev.Type == watch.Bookmark {
			return
		}
	}
	t.Fatal("the watch ended without a bookmark")
}
