package apiserver

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"kubelab/cluster/clock"
	"kubelab/cluster/stage"
)

func TestEtcdKeyLayout(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "layout")
	c := env.client
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.CoreV1().Pods(ns).Create(ctx, newPod("p"), metav1.CreateOptions{}))
	must(c.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "worker-1"}}, metav1.CreateOptions{}))
	must(c.AppsV1().Deployments(ns).Create(ctx, newDeployment("d"), metav1.CreateOptions{}))
	must(c.CoreV1().Services(ns).Create(ctx, clusterIPService("s", ""), metav1.CreateOptions{}))
	must(c.CoreV1().Endpoints(ns).Create(ctx, &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "s"}}, metav1.CreateOptions{}))
	must(c.CoreV1().Events(ns).Create(ctx, &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "core"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: ns}, Reason: "R", Type: "Normal",
		Source: corev1.EventSource{Component: "test"}}, metav1.CreateOptions{}))
	must(c.EventsV1().Events(ns).Create(ctx, &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: "new"},
		EventTime: metav1.NewMicroTime(time.Unix(1000, 0)), ReportingController: "kubelab.io/test", ReportingInstance: "i",
		Action: "A", Reason: "R", Type: "Normal", Regarding: corev1.ObjectReference{Kind: "Pod", Name: "p", Namespace: ns}}, metav1.CreateOptions{}))

	for _, key := range []string{
		"/registry/namespaces/layout",
		"/registry/pods/layout/p",
		"/registry/minions/worker-1",
		"/registry/deployments/layout/d",
		"/registry/services/specs/layout/s",
		"/registry/services/endpoints/layout/s",
		"/registry/events/layout/core",
		"/registry/events/layout/new",
	} {
		t.Run(key, func(t *testing.T) {
			v := env.stored(t, key)
			if v == nil {
				t.Fatalf("no such key; keys are %v", env.keys(t, "/registry/"))
			}
			if !bytes.HasPrefix(v, []byte("k8s\x00")) {
				t.Errorf("value starts %q, want the protobuf envelope k8s\\x00", v[:min(len(v), 8)])
			}
		})
	}
	t.Run("an events.k8s.io/v1 event is stored as a core/v1 Event", func(t *testing.T) {
		v := env.stored(t, "/registry/events/layout/new")
		if !bytes.Contains(v, []byte("\n\x02v1\x12\x05Event")) {
			t.Errorf("stored type meta is not v1 Event: %q", v[:min(len(v), 24)])
		}
	})
}

func TestStages(t *testing.T) {
	bus := stage.New(clock.Real())
	env := startEnv(t, Config{Bus: bus})
	ctx := context.Background()
	ns := env.namespace(t, "default")
	pods := env.client.CoreV1().Pods(ns)

	t.Run("a pod create announces each layer and the etcd write", func(t *testing.T) {
		from := bus.LastSeq()
		p, err := pods.Create(ctx, newPod("nginx"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		var put stage.Record
		for _, r := range bus.Records(stage.Filter{Since: from}) {
			names = append(names, r.Name)
			switch r.Name {
			case "apiserver.admit":
				if r.Object != "pod/default/nginx" || !strings.Contains(r.Detail, "DefaultTolerationSeconds added 2 tolerations") {
					t.Errorf("admit stage %q %q", r.Object, r.Detail)
				}
			case "apiserver.validate":
				if r.Object != "pod/default/nginx" {
					t.Errorf("validate stage object %q", r.Object)
				}
			case "etcd.put":
				put = r
			}
		}
		want := []string{"apiserver.request", "apiserver.authn", "apiserver.admit", "apiserver.validate", "etcd.put"}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("stages %v, want %v", names, want)
		}
		if put.Object != "/registry/pods/default/nginx" || strconv.FormatInt(put.Revision, 10) != p.ResourceVersion {
			t.Errorf("etcd.put %q rev %d, want /registry/pods/default/nginx rev %s", put.Object, put.Revision, p.ResourceVersion)
		}
	})

	t.Run("a delete announces etcd.delete", func(t *testing.T) {
		from := bus.LastSeq()
		if err := pods.Delete(ctx, "nginx", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range bus.Records(stage.Filter{Since: from}) {
			if r.Name == "etcd.delete" && r.Object == "/registry/pods/default/nginx" && r.Revision > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no etcd.delete of /registry/pods/default/nginx in %v", bus.Records(stage.Filter{Since: from}))
		}
	})

	waiting := func(t *testing.T, n int) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := bus.WaitFor(wctx, func(b *stage.Bus) bool { return len(b.Waiting()) == n }); err != nil {
			t.Fatalf("waiting for %d held stages: %v (held: %v)", n, err, bus.Waiting())
		}
	}

	t.Run("a pause at apiserver.validate holds the request until released", func(t *testing.T) {
		if err := bus.Pause("apiserver.validate"); err != nil {
			t.Fatal(err)
		}
		defer bus.Continue()
		done := make(chan error, 1)
		go func() {
			_, err := pods.Create(ctx, newPod("held"), metav1.CreateOptions{})
			done <- err
		}()
		waiting(t, 1)
		if w := bus.Waiting()[0]; w.Name != "apiserver.validate" || w.Object != "pod/default/held" {
			t.Fatalf("held %v", w)
		}
		select {
		case err := <-done:
			t.Fatalf("the create returned while held: %v", err)
		default:
		}
		if env.stored(t, "/registry/pods/default/held") != nil {
			t.Fatal("the pod was stored while its validation was held")
		}
		bus.Release(1)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if env.stored(t, "/registry/pods/default/held") == nil {
			t.Fatal("the pod was not stored after release")
		}
	})

	t.Run("a cancelled request leaves no held stage and stores nothing", func(t *testing.T) {
		if err := bus.Pause("apiserver.validate"); err != nil {
			t.Fatal(err)
		}
		defer bus.Continue()
		reqCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := pods.Create(reqCtx, newPod("cancelled"), metav1.CreateOptions{})
			done <- err
		}()
		waiting(t, 1)
		cancel()
		if err := <-done; err == nil {
			t.Fatal("a cancelled create succeeded")
		}
		waiting(t, 0)
		if env.stored(t, "/registry/pods/default/cancelled") != nil {
			t.Error("a cancelled create was stored")
		}
	})
}
