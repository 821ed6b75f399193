package apiserver

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/ptr"
)

func newDeployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}},
			},
		},
	}
}

func TestObjectMetadata(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "meta")

	t.Run("generateName, uid and creationTimestamp are set by the server", func(t *testing.T) {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "cfg-"}}
		got, err := env.client.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Name, "cfg-") || len(got.Name) != len("cfg-")+5 {
			t.Errorf("name %q, want cfg- and 5 random characters", got.Name)
		}
		if len(got.UID) != 36 {
			t.Errorf("uid %q, want a UUID", got.UID)
		}
		if got.CreationTimestamp.IsZero() {
			t.Error("no creationTimestamp")
		}
		if env.stored(t, "/registry/configmaps/meta/"+got.Name) == nil {
			t.Errorf("%s not stored", got.Name)
		}
	})

	t.Run("a client cannot choose uid or creationTimestamp", func(t *testing.T) {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "chosen", UID: "11111111-1111-1111-1111-111111111111",
			CreationTimestamp: metav1.Unix(1000, 0)}}
		got, err := env.client.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.UID == cm.UID || got.CreationTimestamp.Equal(&cm.CreationTimestamp) {
			t.Errorf("kept the client's uid %q / creationTimestamp %v", got.UID, got.CreationTimestamp)
		}
	})

	t.Run("a deployment's generation counts spec changes only", func(t *testing.T) {
		deploys := env.client.AppsV1().Deployments(ns)
		d, err := deploys.Create(ctx, newDeployment("web"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Generation != 1 {
			t.Fatalf("generation %d on create, want 1", d.Generation)
		}
		d.Labels = map[string]string{"tier": "front"}
		if d, err = deploys.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if d.Generation != 1 {
			t.Errorf("generation %d after a label change, want 1", d.Generation)
		}
		d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
		if d, err = deploys.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if d.Generation != 2 {
			t.Errorf("generation %d after an image change, want 2", d.Generation)
		}
		d.Status.ObservedGeneration = 2
		d.Status.Replicas = 1
		if d, err = deploys.UpdateStatus(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if d.Generation != 2 || d.Status.ObservedGeneration != 2 {
			t.Errorf("after a status update generation %d observedGeneration %d, want 2 and 2", d.Generation, d.Status.ObservedGeneration)
		}
		// The apiserver never sets observedGeneration itself: a spec change
		// leaves it where the controller put it.
		d.Spec.Replicas = ptr.To[int32](3)
		if d, err = deploys.Update(ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if d.Generation != 3 || d.Status.ObservedGeneration != 2 {
			t.Errorf("after a spec change generation %d observedGeneration %d, want 3 and 2", d.Generation, d.Status.ObservedGeneration)
		}
	})

	t.Run("a pod's generation counts spec changes only", func(t *testing.T) {
		pods := env.client.CoreV1().Pods(ns)
		p, err := pods.Create(ctx, newPod("gen"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != 1 {
			t.Fatalf("generation %d on create, want 1", p.Generation)
		}
		p, err = pods.Patch(ctx, "gen", types.StrategicMergePatchType, []byte(`{"metadata":{"labels":{"a":"b"}}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != 1 {
			t.Errorf("generation %d after a label change, want 1", p.Generation)
		}
		p, err = pods.Patch(ctx, "gen", types.StrategicMergePatchType, []byte(`{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != 2 {
			t.Errorf("generation %d after an image change, want 2", p.Generation)
		}
		p, err = pods.Patch(ctx, "gen", types.MergePatchType, []byte(`{"status":{"observedGeneration":7}}`), metav1.PatchOptions{}, "status")
		if err != nil {
			t.Fatal(err)
		}
		if p.Generation != 2 || p.Status.ObservedGeneration != 7 {
			t.Errorf("after a status patch generation %d observedGeneration %d, want 2 and 7", p.Generation, p.Status.ObservedGeneration)
		}
	})
}

func TestFinalizersAndGracefulDeletion(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "del")

	t.Run("an object with a finalizer stays until the finalizer is removed", func(t *testing.T) {
		cms := env.client.CoreV1().ConfigMaps(ns)
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "held", Finalizers: []string{"kubelab.io/hold"}}}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := cms.Delete(ctx, "held", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := cms.Get(ctx, "held", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.DeletionTimestamp == nil || got.DeletionGracePeriodSeconds == nil || *got.DeletionGracePeriodSeconds != 0 {
			t.Fatalf("deletionTimestamp %v gracePeriod %v, want set and 0", got.DeletionTimestamp, got.DeletionGracePeriodSeconds)
		}
		// Nothing new may be added to an object being deleted, but
		// finalizers may be removed.
		got.Finalizers = append(got.Finalizers, "kubelab.io/more")
		_, err = cms.Update(ctx, got, metav1.UpdateOptions{})
		wantStatus(t, err, 422, `ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"kubelab.io/more"}`)
		got.Finalizers = nil
		if _, err := cms.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err = cms.Get(ctx, "held", metav1.GetOptions{})
		wantStatus(t, err, 404, `configmaps "held" not found`)
		if v := env.stored(t, "/registry/configmaps/del/held"); v != nil {
			t.Error("still in etcd")
		}
	})

	pods := env.client.CoreV1().Pods(ns)
	bound := func(t *testing.T, name string) *corev1.Pod {
		t.Helper()
		if _, err := pods.Create(ctx, newPod(name), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name}, Target: corev1.ObjectReference{Kind: "Node", Name: "worker-1"}}
		if err := pods.Bind(ctx, b, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		p, err := pods.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Spec.NodeName != "worker-1" {
			t.Fatalf("binding did not set nodeName: %q", p.Spec.NodeName)
		}
		return p
	}

	t.Run("a bound pod is deleted gracefully, then at once with grace period 0", func(t *testing.T) {
		bound(t, "graceful")
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		p, err := pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != 30 {
			t.Fatalf("deletionTimestamp %v deletionGracePeriodSeconds %v, want set and 30", p.DeletionTimestamp, p.DeletionGracePeriodSeconds)
		}
		if want := p.CreationTimestamp.Add(0); p.DeletionTimestamp.Time.Before(want) {
			t.Errorf("deletionTimestamp %v before creation %v", p.DeletionTimestamp, want)
		}
		// A second graceful delete does not move the deadline later.
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		again, err := pods.Get(ctx, "graceful", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !again.DeletionTimestamp.Equal(p.DeletionTimestamp) {
			t.Errorf("second delete moved deletionTimestamp from %v to %v", p.DeletionTimestamp, again.DeletionTimestamp)
		}
		if err := pods.Delete(ctx, "graceful", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		_, err = pods.Get(ctx, "graceful", metav1.GetOptions{})
		wantStatus(t, err, 404, `pods "graceful" not found`)
	})

	t.Run("an unbound pod is deleted at once", func(t *testing.T) {
		if _, err := pods.Create(ctx, newPod("unbound"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := pods.Delete(ctx, "unbound", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := pods.Get(ctx, "unbound", metav1.GetOptions{})
		wantStatus(t, err, 404, `pods "unbound" not found`)
	})

	t.Run("a bound pod deleted with grace period 0 goes at once", func(t *testing.T) {
		bound(t, "now")
		if err := pods.Delete(ctx, "now", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		_, err := pods.Get(ctx, "now", metav1.GetOptions{})
		wantStatus(t, err, 404, `pods "now" not found`)
	})

	t.Run("binding a bound pod is a conflict", func(t *testing.T) {
		bound(t, "twice")
		b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "twice"}, Target: corev1.ObjectReference{Kind: "Node", Name: "worker-2"}}
		err := pods.Bind(ctx, b, metav1.CreateOptions{})
		wantStatus(t, err, 409, `Operation cannot be fulfilled on pods/binding "twice": pod twice is already assigned to node "worker-1"`)
	})

	t.Run("a graceful delete is seen by watchers as a modification", func(t *testing.T) {
		p := bound(t, "watched")
		w, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=watched", ResourceVersion: p.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		if err := pods.Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		ev := <-w.ResultChan()
		if ev.Type != watch.Modified || ev.Object.(*corev1.Pod).DeletionTimestamp == nil {
			t.Fatalf("got %s, want MODIFIED with a deletionTimestamp", ev.Type)
		}
		if err := pods.Delete(ctx, "watched", metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
			t.Fatal(err)
		}
		// Shortening the grace period is written first, then the pod is
		// removed: two events, as upstream's store does it.
		ev = <-w.ResultChan()
		if p := ev.Object.(*corev1.Pod); ev.Type != watch.Modified || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != 0 {
			t.Fatalf("got %s, want MODIFIED with deletionGracePeriodSeconds 0", ev.Type)
		}
		if ev := <-w.ResultChan(); ev.Type != watch.Deleted {
			t.Fatalf("got %s, want DELETED", ev.Type)
		}
	})
}

func TestPatches(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "patch")
	pods := env.client.CoreV1().Pods(ns)
	pod := newPod("p")
	pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: "sidecar", Image: "busybox:1.36"})
	if _, err := pods.Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	t.Run("a JSON patch replaces by index", func(t *testing.T) {
		got, err := pods.Patch(ctx, "p", types.JSONPatchType, []byte(`[{"op":"add","path":"/metadata/labels","value":{"a":"1"}},{"op":"replace","path":"/spec/containers/1/image","value":"busybox:1.37"}]`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Labels["a"] != "1" || got.Spec.Containers[1].Image != "busybox:1.37" || got.Spec.Containers[0].Image != "nginx:1.27" {
			t.Errorf("labels %v images %s %s", got.Labels, got.Spec.Containers[0].Image, got.Spec.Containers[1].Image)
		}
		_, err = pods.Patch(ctx, "p", types.JSONPatchType, []byte(`[{"op":"test","path":"/metadata/labels/a","value":"2"}]`), metav1.PatchOptions{})
		wantStatus(t, err, 422, "")
	})

	t.Run("a merge patch replaces lists whole", func(t *testing.T) {
		cms := env.client.CoreV1().ConfigMaps(ns)
		if _, err := cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "m"}, Data: map[string]string{"a": "1", "b": "2"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := cms.Patch(ctx, "m", types.MergePatchType, []byte(`{"data":{"a":null,"c":"3"}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Data) != 2 || got.Data["b"] != "2" || got.Data["c"] != "3" {
			t.Errorf("data %v, want b and c", got.Data)
		}
	})

	t.Run("a strategic merge patch merges containers by name", func(t *testing.T) {
		got, err := pods.Patch(ctx, "p", types.StrategicMergePatchType, []byte(`{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.38"}]}}`), metav1.PatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Spec.Containers) != 2 || got.Spec.Containers[0].Image != "nginx:1.27" || got.Spec.Containers[1].Image != "busybox:1.38" {
			t.Errorf("containers %+v", got.Spec.Containers)
		}
	})

	t.Run("server-side apply tracks managers and reports conflicts", func(t *testing.T) {
		deploys := env.client.AppsV1().Deployments(ns)
		apply := func(manager string, force bool, body string) (*appsv1.Deployment, error) {
			return deploys.Patch(ctx, "applied", types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: manager, Force: &force})
		}
		const manifest = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"applied"},"spec":{"replicas":%d,
			"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}`
		d, err := apply("alice", false, strings.Replace(manifest, "%d", "2", 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.ManagedFields) != 1 || d.ManagedFields[0].Manager != "alice" || d.ManagedFields[0].Operation != metav1.ManagedFieldsOperationApply {
			t.Fatalf("managedFields %+v", d.ManagedFields)
		}
		_, err = apply("bob", false, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"applied"},"spec":{"replicas":5}}`)
		wantStatus(t, err, 409, `Apply failed with 1 conflict: conflict with "alice": .spec.replicas`)
		d, err = apply("bob", true, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"applied"},"spec":{"replicas":5}}`)
		if err != nil {
			t.Fatal(err)
		}
		if *d.Spec.Replicas != 5 {
			t.Errorf("replicas %d after a forced apply, want 5", *d.Spec.Replicas)
		}
		managers := map[string]bool{}
		for _, m := range d.ManagedFields {
			managers[m.Manager] = true
		}
		if !managers["alice"] || !managers["bob"] {
			t.Errorf("managers %v, want alice and bob", managers)
		}
	})

	t.Run("server-side apply creates", func(t *testing.T) {
		cms := env.client.CoreV1().ConfigMaps(ns)
		got, err := cms.Patch(ctx, "new", types.ApplyPatchType, []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new"},"data":{"k":"v"}}`), metav1.PatchOptions{FieldManager: "kubectl"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Data["k"] != "v" || got.UID == "" {
			t.Errorf("applied configmap %+v", got)
		}
	})
}

func TestStatusSubresources(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "status")

	t.Run("pods", func(t *testing.T) {
		pods := env.client.CoreV1().Pods(ns)
		p, err := pods.Create(ctx, newPod("p"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		p.Status.Phase = corev1.PodRunning
		p.Spec.ActiveDeadlineSeconds = ptr.To[int64](60)
		got, err := pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Phase != corev1.PodRunning || got.Spec.ActiveDeadlineSeconds != nil {
			t.Errorf("PUT /status: phase %s activeDeadlineSeconds %v, want Running and unset", got.Status.Phase, got.Spec.ActiveDeadlineSeconds)
		}
		got.Status.Phase = corev1.PodFailed
		got.Labels = map[string]string{"x": "y"}
		got, err = pods.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Phase != corev1.PodRunning || got.Labels["x"] != "y" {
			t.Errorf("PUT: phase %s labels %v, want Running and x=y", got.Status.Phase, got.Labels)
		}
	})

	t.Run("deployments", func(t *testing.T) {
		deploys := env.client.AppsV1().Deployments(ns)
		d, err := deploys.Create(ctx, newDeployment("d"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Status.Replicas = 1
		d.Spec.Replicas = ptr.To[int32](9)
		got, err := deploys.UpdateStatus(ctx, d, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Replicas != 1 || *got.Spec.Replicas != 1 || got.Generation != 1 {
			t.Errorf("PUT /status: status.replicas %d spec.replicas %d generation %d", got.Status.Replicas, *got.Spec.Replicas, got.Generation)
		}
		got.Status.Replicas = 7
		got.Spec.Replicas = ptr.To[int32](2)
		got, err = deploys.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Replicas != 1 || *got.Spec.Replicas != 2 {
			t.Errorf("PUT: status.replicas %d spec.replicas %d, want 1 and 2", got.Status.Replicas, *got.Spec.Replicas)
		}
	})

	t.Run("nodes", func(t *testing.T) {
		nodes := env.client.CoreV1().Nodes()
		n, err := nodes.Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "status-node"}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resourceQuantity("4")}
		n.Spec.Unschedulable = true
		got, err := nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Capacity.Cpu().String() != "4" || got.Spec.Unschedulable {
			t.Errorf("PUT /status: capacity %v unschedulable %v", got.Status.Capacity, got.Spec.Unschedulable)
		}
		got.Status.Capacity = nil
		got.Spec.Unschedulable = true
		got, err = nodes.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Capacity.Cpu().String() != "4" || !got.Spec.Unschedulable {
			t.Errorf("PUT: capacity %v unschedulable %v", got.Status.Capacity, got.Spec.Unschedulable)
		}
	})

	t.Run("namespaces", func(t *testing.T) {
		namespaces := env.client.CoreV1().Namespaces()
		n, err := namespaces.Get(ctx, ns, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n.Status.Phase = corev1.NamespaceTerminating
		got, err := namespaces.Update(ctx, n, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Phase != corev1.NamespaceActive {
			t.Errorf("PUT changed the phase to %s", got.Status.Phase)
		}
	})

	t.Run("services", func(t *testing.T) {
		services := env.client.CoreV1().Services(ns)
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "lb"}, Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "a"},
			Ports: []corev1.ServicePort{{Port: 80}}}}
		s, err := services.Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "192.0.2.1"}}
		s.Spec.Selector = map[string]string{"app": "b"}
		got, err := services.UpdateStatus(ctx, s, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 || got.Spec.Selector["app"] != "a" {
			t.Errorf("PUT /status: ingress %v selector %v", got.Status.LoadBalancer.Ingress, got.Spec.Selector)
		}
		got.Status.LoadBalancer.Ingress = nil
		got, err = services.Update(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 {
			t.Errorf("PUT cleared the status: %v", got.Status.LoadBalancer)
		}
	})

	t.Run("scale of deployments and replicasets", func(t *testing.T) {
		deploys := env.client.AppsV1().Deployments(ns)
		if _, err := deploys.Create(ctx, newDeployment("scaled"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		sc, err := deploys.GetScale(ctx, "scaled", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Spec.Replicas != 1 || sc.Status.Selector != "app=scaled" {
			t.Errorf("scale %+v", sc)
		}
		sc.Spec.Replicas = 3
		if sc, err = deploys.UpdateScale(ctx, "scaled", sc, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		if sc.Spec.Replicas != 3 {
			t.Errorf("scale after update %d, want 3", sc.Spec.Replicas)
		}
		// kubectl scale sends a merge patch to /scale.
		res := env.client.AppsV1().RESTClient().Patch(types.MergePatchType).Namespace(ns).Resource("deployments").Name("scaled").
			SubResource("scale").Body([]byte(`{"spec":{"replicas":4}}`)).Do(ctx)
		raw, err := res.Raw()
		if err != nil {
			t.Fatal(err)
		}
		patched := &autoscalingv1.Scale{}
		if err := json.Unmarshal(raw, patched); err != nil {
			t.Fatal(err)
		}
		if patched.Spec.Replicas != 4 || patched.Kind != "Scale" || patched.APIVersion != "autoscaling/v1" {
			t.Errorf("patched scale %s", raw)
		}
		d, err := deploys.Get(ctx, "scaled", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if *d.Spec.Replicas != 4 || d.Generation != 3 {
			t.Errorf("deployment replicas %d generation %d, want 4 and 3", *d.Spec.Replicas, d.Generation)
		}
		sc.Spec.Replicas = 9 // sc carries a stale resourceVersion
		_, err = deploys.UpdateScale(ctx, "scaled", sc, metav1.UpdateOptions{})
		wantStatus(t, err, 409, `Operation cannot be fulfilled on deployments.apps "scaled": the object has been modified; please apply your changes to the latest version and try again`)

		rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "rs"}, Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To[int32](1), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "rs"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "rs"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27"}}}}}}
		replicasets := env.client.AppsV1().ReplicaSets(ns)
		if _, err := replicasets.Create(ctx, rs, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		rsScale, err := replicasets.GetScale(ctx, "rs", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rsScale.Spec.Replicas = 0
		if _, err := replicasets.UpdateScale(ctx, "rs", rsScale, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := replicasets.Get(ctx, "rs", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if *got.Spec.Replicas != 0 {
			t.Errorf("replicaset replicas %d, want 0", *got.Spec.Replicas)
		}
		rsScale.Spec.Replicas = -1
		rsScale.ResourceVersion = ""
		_, err = replicasets.UpdateScale(ctx, "rs", rsScale, metav1.UpdateOptions{})
		wantStatus(t, err, 422, `Scale.autoscaling "rs" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`)
		if _, err := replicasets.GetScale(ctx, "none", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("scale of a missing replicaset: %v", err)
		}
	})
}

func resourceQuantity(s string) apiresource.Quantity { return apiresource.MustParse(s) }

// The store decides graceful deletion on the watch cache's copy of a pod
// first and again on the stored one when the copy was stale, with the same
// options; the second decision must still see what the client asked.
func TestPodGracefulDeleteIsTheSameOnRetry(t *testing.T) {
	unbound := newPod("p")
	unbound.Spec.TerminationGracePeriodSeconds = ptr.To[int64](30)
	bound := unbound.DeepCopy()
	bound.Spec.NodeName = "worker-1"
	for _, tc := range []struct {
		name      string
		requested *int64
		want      int64
	}{
		{"the default grace period survives a stale first attempt", nil, 30},
		{"a requested grace period survives a stale first attempt", ptr.To[int64](5), 5},
		{"grace period 0 stays 0", ptr.To[int64](0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			options := &metav1.DeleteOptions{GracePeriodSeconds: tc.requested}
			ctx := withRequestedGrace(context.Background(), options)
			podGracefulDelete(ctx, unbound.DeepCopy(), options)
			if *options.GracePeriodSeconds != 0 {
				t.Fatalf("an unbound pod got grace period %d, want 0", *options.GracePeriodSeconds)
			}
			podGracefulDelete(ctx, bound.DeepCopy(), options)
			if *options.GracePeriodSeconds != tc.want {
				t.Errorf("grace period %d on retry, want %d", *options.GracePeriodSeconds, tc.want)
			}
		})
	}
}
