package apiserver

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestResourceVersionIsTheEtcdRevision(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "rv")
	pods := env.client.CoreV1().Pods(ns)

	created, err := pods.Create(ctx, newPod("x"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	modRevision := func() string {
		resp, err := env.etcd.Get(ctx, "/registry/pods/rv/x")
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("etcd get: %v %v", resp, err)
		}
		return strconv.FormatInt(resp.Kvs[0].ModRevision, 10)
	}
	if rv := modRevision(); created.ResourceVersion != rv {
		t.Errorf("created resourceVersion %s, etcd mod revision %s", created.ResourceVersion, rv)
	}

	updated := created.DeepCopy()
	updated.Labels = map[string]string{"app": "web"}
	updated, err = pods.Update(ctx, updated, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rv := modRevision(); updated.ResourceVersion != rv || updated.ResourceVersion == created.ResourceVersion {
		t.Errorf("updated resourceVersion %s (was %s), etcd mod revision %s", updated.ResourceVersion, created.ResourceVersion, rv)
	}

	list, err := pods.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	listRV, _ := strconv.ParseInt(list.ResourceVersion, 10, 64)
	if now := env.revision(t); listRV < 1 || listRV > now {
		t.Errorf("list resourceVersion %d, etcd revision %d", listRV, now)
	}

	stale := created.DeepCopy()
	stale.Labels = map[string]string{"app": "stale"}
	_, err = pods.Update(ctx, stale, metav1.UpdateOptions{})
	wantStatus(t, err, 409, `Operation cannot be fulfilled on pods "x": the object has been modified; please apply your changes to the latest version and try again`)
	if rv := modRevision(); rv != updated.ResourceVersion {
		t.Errorf("a conflicting update was stored: revision %s, want %s", rv, updated.ResourceVersion)
	}
}

func TestListSelectors(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "sel")
	pods := env.client.CoreV1().Pods(ns)

	for i, p := range []struct {
		name, node string
		phase      corev1.PodPhase
		app        string
	}{
		{"web-1", "worker-1", corev1.PodRunning, "web"},
		{"web-2", "worker-2", corev1.PodPending, "web"},
		{"db-1", "worker-1", corev1.PodSucceeded, "db"},
		{"pending", "", corev1.PodPending, "web"},
	} {
		pod := newPod(p.name)
		pod.Labels = map[string]string{"app": p.app, "index": strconv.Itoa(i)}
		if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if p.node != "" {
			binding := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: p.name}, Target: corev1.ObjectReference{Kind: "Node", Name: p.node}}
			if err := pods.Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if p.phase != corev1.PodPending {
			got, err := pods.Get(ctx, p.name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got.Status.Phase = p.phase
			if _, err := pods.UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}

	podNames := func(opts metav1.ListOptions) ([]string, error) {
		list, err := pods.List(ctx, opts)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, p := range list.Items {
			names = append(names, p.Name)
		}
		return names, nil
	}
	for _, tc := range []struct {
		name   string
		opts   metav1.ListOptions
		want   []string
		status int32
		msg    string
	}{
		{name: "a label selector picks the pods with the label", opts: metav1.ListOptions{LabelSelector: "app=web"}, want: []string{"pending", "web-1", "web-2"}},
		{name: "a set-based label selector works", opts: metav1.ListOptions{LabelSelector: "app in (db),index!=7"}, want: []string{"db-1"}},
		{name: "spec.nodeName selects the pods bound to a node", opts: metav1.ListOptions{FieldSelector: "spec.nodeName=worker-1"}, want: []string{"db-1", "web-1"}},
		{name: "an empty spec.nodeName selects unbound pods", opts: metav1.ListOptions{FieldSelector: "spec.nodeName="}, want: []string{"pending"}},
		{name: "status.phase selects by phase", opts: metav1.ListOptions{FieldSelector: "status.phase=Pending"}, want: []string{"pending", "web-2"}},
		{name: "field and label selectors combine", opts: metav1.ListOptions{FieldSelector: "status.phase!=Succeeded,spec.nodeName=worker-1", LabelSelector: "app=web"}, want: []string{"web-1"}},
		{name: "metadata.name selects one pod", opts: metav1.ListOptions{FieldSelector: "metadata.name=web-2"}, want: []string{"web-2"}},
		{name: "an unsupported field label is refused", opts: metav1.ListOptions{FieldSelector: "spec.foo=bar"}, status: 400,
			msg: `field label not supported: spec.foo`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := podNames(tc.opts)
			if tc.status != 0 {
				wantStatus(t, err, tc.status, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("a watch with a field selector sees only matching pods", func(t *testing.T) {
		w, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName=worker-2"})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		ev := <-w.ResultChan()
		if p, ok := ev.Object.(*corev1.Pod); !ok || p.Name != "web-2" {
			t.Fatalf("first event %v %T, want web-2", ev.Type, ev.Object)
		}
	})

	t.Run("events select by involvedObject and regarding", func(t *testing.T) {
		events := env.client.CoreV1().Events(ns)
		for _, e := range []struct{ name, kind, obj string }{
			{"e1", "Pod", "web-1"}, {"e2", "Pod", "web-2"}, {"e3", "Node", "worker-1"},
		} {
			ev := &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: e.name},
				InvolvedObject: corev1.ObjectReference{Kind: e.kind, Name: e.obj, Namespace: ns},
				Reason:         "Test", Message: "m", Type: corev1.EventTypeNormal,
				Source: corev1.EventSource{Component: "test"},
			}
			if _, err := events.Create(ctx, ev, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		core, err := events.List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=Pod,involvedObject.name=web-2"})
		if err != nil {
			t.Fatal(err)
		}
		if len(core.Items) != 1 || core.Items[0].Name != "e2" {
			t.Errorf("core/v1 events for pod web-2: %v", core.Items)
		}
		ev1, err := env.client.EventsV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "regarding.kind=Node,regarding.name=worker-1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(ev1.Items) != 1 || ev1.Items[0].Name != "e3" || ev1.Items[0].Regarding.Name != "worker-1" {
			t.Errorf("events.k8s.io/v1 events for node worker-1: %v", ev1.Items)
		}
		_, err = env.client.EventsV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "foo=bar"})
		wantStatus(t, err, 400, `field label not supported: foo`)
		_, err = events.List(ctx, metav1.ListOptions{FieldSelector: "foo=bar"})
		wantStatus(t, err, 400, `field label not supported: foo`)
	})

	t.Run("unsupported field labels get each kind's upstream message", func(t *testing.T) {
		_, err := env.client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{FieldSelector: "foo=bar"})
		wantStatus(t, err, 400, `field label "foo" not supported for Job`)
		_, err = env.client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{FieldSelector: "foo=bar"})
		wantStatus(t, err, 400, `"foo" is not a known field selector: only "metadata.name", "metadata.namespace"`)
	})
}

func TestListPaging(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "paging")
	cms := env.client.CoreV1().ConfigMaps(ns)
	for i := range 5 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i)}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	opts := metav1.ListOptions{Limit: 2}
	pages := 0
	for {
		list, err := cms.List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, cm := range list.Items {
			names = append(names, cm.Name)
		}
		if list.Continue == "" {
			if list.RemainingItemCount != nil {
				t.Errorf("last page has remainingItemCount %d", *list.RemainingItemCount)
			}
			break
		}
		if len(list.Items) != 2 {
			t.Errorf("page %d has %d items, want 2", pages, len(list.Items))
		}
		if want := int64(5 - 2*pages); list.RemainingItemCount == nil || *list.RemainingItemCount != want {
			t.Errorf("page %d remainingItemCount %v, want %d", pages, list.RemainingItemCount, want)
		}
		opts.Continue = list.Continue
	}
	if want := []string{"cm-0", "cm-1", "cm-2", "cm-3", "cm-4"}; pages != 3 || !slices.Equal(names, want) {
		t.Errorf("got %d pages %v, want 3 pages %v", pages, names, want)
	}

	_, err := cms.List(ctx, metav1.ListOptions{Limit: 2, Continue: "garbage"})
	wantPrefix(t, err, 400, "invalid continue token: continue key is not valid")
}

func TestEventsV1SharesCoreEvents(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "ev")
	now := metav1.NewMicroTime(env.cfg.Clock.Now().Truncate(1e6))
	ev := &eventsv1.Event{
		ObjectMeta:          metav1.ObjectMeta{Name: "ev1"},
		EventTime:           now,
		ReportingController: "kubelab.io/test",
		ReportingInstance:   "test-1",
		Action:              "Testing",
		Reason:              "Tested",
		Regarding:           corev1.ObjectReference{Kind: "Pod", Namespace: ns, Name: "p"},
		Note:                "a note",
		Type:                corev1.EventTypeNormal,
	}
	if _, err := env.client.EventsV1().Events(ns).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if v := env.stored(t, "/registry/events/ev/ev1"); v == nil {
		t.Fatalf("no /registry/events/ev/ev1 in etcd; have %v", env.keys(t, "/registry/events"))
	}
	core, err := env.client.CoreV1().Events(ns).Get(ctx, "ev1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if core.Message != "a note" || core.InvolvedObject.Name != "p" || core.ReportingController != "kubelab.io/test" || core.Action != "Testing" {
		t.Errorf("core/v1 view of an events.k8s.io/v1 event: %+v", core)
	}
}
