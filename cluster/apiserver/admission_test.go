package apiserver

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
)

func TestInvalidInputStoresNothing(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "bad")
	pods := env.client.CoreV1().Pods(ns)
	if _, err := pods.Create(ctx, newPod("running"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.client.AppsV1().Deployments(ns).Create(ctx, newDeployment("web"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	env.namespace(t, "kube-system")

	for _, tc := range []struct {
		name   string
		write  func() error
		code   int32
		msg    string
		absent string // an etcd key the write must not create
		// unchanged is an etcd key whose value the write must not change.
		unchanged string
		// prefix checks only the start of the message (upstream appends a
		// diff of the pod spec to some).
		prefix bool
	}{
		{
			name: "a pod without containers is invalid",
			write: func() error {
				_, err := pods.Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
				return err
			},
			code: 422, msg: `Pod "x" is invalid: spec.containers: Required value`, absent: "/registry/pods/bad/x",
		},
		{
			name: "a pod update may only change what upstream lets it",
			write: func() error {
				_, err := pods.Patch(ctx, "running", types.StrategicMergePatchType, []byte(`{"spec":{"restartPolicy":"Never"}}`), metav1.PatchOptions{})
				return err
			},
			code: 422, unchanged: "/registry/pods/bad/running", prefix: true,
			msg: "Pod \"running\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
		},
		{
			name: "a deployment's selector is immutable",
			write: func() error {
				_, err := env.client.AppsV1().Deployments(ns).Patch(ctx, "web", types.StrategicMergePatchType,
					[]byte(`{"spec":{"selector":{"matchLabels":{"app":"x"}}}}`), metav1.PatchOptions{})
				return err
			},
			code: 422, unchanged: "/registry/deployments/bad/web",
			msg: `Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"web"}: ` +
				"`selector` does not match template `labels`" + `, spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is immutable]`,
		},
		{
			name: "an update with a stale resourceVersion conflicts",
			write: func() error {
				d := newDeployment("web")
				d.ResourceVersion = "1"
				_, err := env.client.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{})
				return err
			},
			code: 409, unchanged: "/registry/deployments/bad/web",
			msg: `Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again`,
		},
		{
			name: "creating in a namespace that does not exist is not found",
			write: func() error {
				_, err := env.client.CoreV1().ConfigMaps("nope").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
				return err
			},
			code: 404, msg: `namespaces "nope" not found`, absent: "/registry/configmaps/nope/x",
		},
		{
			name: "kube-system may not be deleted",
			write: func() error {
				return env.client.CoreV1().Namespaces().Delete(ctx, "kube-system", metav1.DeleteOptions{})
			},
			code: 403, msg: `namespaces "kube-system" is forbidden: this namespace may not be deleted`,
		},
		{
			name: "an object of an unknown kind is refused",
			write: func() error {
				return env.client.CoreV1().RESTClient().Post().Namespace(ns).Resource("configmaps").
					Body([]byte(`{"apiVersion":"v1","kind":"Foo","metadata":{"name":"x"}}`)).SetHeader("Content-Type", "application/json").Do(ctx).Error()
			},
			code: 400, absent: "/registry/configmaps/bad/x",
			msg: `Foo in version "v1" cannot be handled as a ConfigMap: no kind "Foo" is registered for version "v1" in scheme "pkg/runtime/scheme.go:111"`,
		},
		{
			name: "an unknown resource is not found",
			write: func() error {
				return env.client.CoreV1().RESTClient().Get().Namespace(ns).Resource("foos").Do(ctx).Error()
			},
			code: 404, msg: "the server could not find the requested resource",
		},
		{
			name: "a duplicate ClusterIP is refused",
			write: func() error {
				svc := clusterIPService("dup", "10.96.0.10")
				if _, err := env.client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
					t.Fatal(err)
				}
				svc.Name = "dup2"
				_, err := env.client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
				return err
			},
			code: 422, absent: "/registry/services/specs/bad/dup2",
			msg: `Service "dup2" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`,
		},
		{
			name: "a ClusterIP outside the service range is refused",
			write: func() error {
				_, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("out", "10.200.0.1"), metav1.CreateOptions{})
				return err
			},
			code: 422, absent: "/registry/services/specs/bad/out",
			msg: `Service "out" is invalid: spec.clusterIPs: Invalid value: ["10.200.0.1"]: failed to allocate IP 10.200.0.1: the provided network does not match the current range`,
		},
		{
			name: "the service range's network address is not a ClusterIP",
			write: func() error {
				_, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("net", "10.96.0.0"), metav1.CreateOptions{})
				return err
			},
			code: 422, absent: "/registry/services/specs/bad/net",
			msg: `Service "net" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.0"]: failed to allocate IP 10.96.0.0: the provided network does not match the current range`,
		},
		{
			name: "a ClusterIP that is not an address is invalid",
			write: func() error {
				_, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("badip", "bad"), metav1.CreateOptions{})
				return err
			},
			code: 422, absent: "/registry/services/specs/bad/badip",
			msg: `Service "badip" is invalid: spec.clusterIPs[0]: Invalid value: "bad": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
		},
		{
			name: "a node port outside the range is refused",
			write: func() error {
				svc := clusterIPService("np", "")
				svc.Spec.Type = corev1.ServiceTypeNodePort
				svc.Spec.Ports[0].NodePort = 40000
				_, err := env.client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
				return err
			},
			code: 422, absent: "/registry/services/specs/bad/np",
			msg: `Service "np" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rev := env.revision(t)
			var before []byte
			if tc.unchanged != "" {
				before = env.stored(t, tc.unchanged)
				if before == nil {
					t.Fatalf("%s is not stored", tc.unchanged)
				}
			}
			if err := tc.write(); tc.prefix {
				wantPrefix(t, err, tc.code, tc.msg)
			} else {
				wantStatus(t, err, tc.code, tc.msg)
			}
			if tc.absent != "" && env.stored(t, tc.absent) != nil {
				t.Errorf("%s was stored", tc.absent)
			}
			if tc.unchanged != "" && !bytes.Equal(env.stored(t, tc.unchanged), before) {
				t.Errorf("%s changed", tc.unchanged)
			}
			if tc.absent == "" && tc.unchanged == "" && tc.code != 422 {
				if now := env.revision(t); now != rev {
					t.Errorf("etcd revision moved from %d to %d", rev, now)
				}
			}
		})
	}

	t.Run("creating in a terminating namespace is forbidden", func(t *testing.T) {
		env.namespace(t, "leaving")
		if err := env.client.CoreV1().Namespaces().Delete(ctx, "leaving", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := env.client.CoreV1().Namespaces().Get(ctx, "leaving", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Phase != corev1.NamespaceTerminating || got.DeletionTimestamp == nil {
			t.Fatalf("namespace phase %s deletionTimestamp %v, want Terminating and set", got.Status.Phase, got.DeletionTimestamp)
		}
		_, err = env.client.CoreV1().ConfigMaps("leaving").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
		wantStatus(t, err, 403, `configmaps "x" is forbidden: unable to create new content in namespace leaving because it is being terminated`)
		if env.stored(t, "/registry/configmaps/leaving/x") != nil {
			t.Error("stored in a terminating namespace")
		}
	})
}

func clusterIPService(name, ip string) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{
		ClusterIP: ip, Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Port: 80}}}}
}

func TestCreateDefaultsAndAdmission(t *testing.T) {
	env := startEnv(t, Config{})
	ctx := context.Background()
	ns := env.namespace(t, "adm")

	t.Run("a pod gets tolerations, service account and priority", func(t *testing.T) {
		p, err := env.client.CoreV1().Pods(ns).Create(ctx, newPod("p"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := []corev1.Toleration{
			{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
			{Key: "node.kubernetes.io/unreachable", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)},
		}
		if len(p.Spec.Tolerations) != 2 || !p.Spec.Tolerations[0].MatchToleration(&want[0]) || !p.Spec.Tolerations[1].MatchToleration(&want[1]) ||
			*p.Spec.Tolerations[0].TolerationSeconds != 300 || *p.Spec.Tolerations[1].TolerationSeconds != 300 {
			t.Errorf("tolerations %+v", p.Spec.Tolerations)
		}
		if p.Spec.ServiceAccountName != "default" || p.Spec.DeprecatedServiceAccount != "default" {
			t.Errorf("serviceAccountName %q serviceAccount %q", p.Spec.ServiceAccountName, p.Spec.DeprecatedServiceAccount)
		}
		if p.Spec.Priority == nil || *p.Spec.Priority != 0 || p.Spec.PreemptionPolicy == nil || *p.Spec.PreemptionPolicy != corev1.PreemptLowerPriority {
			t.Errorf("priority %v preemptionPolicy %v", p.Spec.Priority, p.Spec.PreemptionPolicy)
		}
		if p.Spec.TerminationGracePeriodSeconds == nil || *p.Spec.TerminationGracePeriodSeconds != 30 || p.Spec.RestartPolicy != corev1.RestartPolicyAlways ||
			p.Spec.SchedulerName != "default-scheduler" || p.Spec.DNSPolicy != corev1.DNSClusterFirst || p.Status.QOSClass != corev1.PodQOSBestEffort {
			t.Errorf("defaults: %+v", p.Spec)
		}
		if len(p.Spec.Volumes) != 1 || len(p.Spec.Containers[0].VolumeMounts) != 1 ||
			p.Spec.Containers[0].VolumeMounts[0].MountPath != "/var/run/secrets/kubernetes.io/serviceaccount" {
			t.Errorf("service account volume: %+v %+v", p.Spec.Volumes, p.Spec.Containers[0].VolumeMounts)
		}
	})

	t.Run("a ClusterIP service gets an address from 10.96.0.0/12", func(t *testing.T) {
		svc, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("web", ""), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, cidr, _ := net.ParseCIDR("10.96.0.0/12")
		if ip := net.ParseIP(svc.Spec.ClusterIP); ip == nil || !cidr.Contains(ip) {
			t.Errorf("clusterIP %q not in %s", svc.Spec.ClusterIP, cidr)
		}
		if len(svc.Spec.ClusterIPs) != 1 || svc.Spec.ClusterIPs[0] != svc.Spec.ClusterIP {
			t.Errorf("clusterIPs %v, want [%s]", svc.Spec.ClusterIPs, svc.Spec.ClusterIP)
		}
		if len(svc.Spec.IPFamilies) != 1 || svc.Spec.IPFamilies[0] != corev1.IPv4Protocol ||
			svc.Spec.IPFamilyPolicy == nil || *svc.Spec.IPFamilyPolicy != corev1.IPFamilyPolicySingleStack {
			t.Errorf("ipFamilies %v ipFamilyPolicy %v", svc.Spec.IPFamilies, svc.Spec.IPFamilyPolicy)
		}
		if svc.Spec.Type != corev1.ServiceTypeClusterIP || svc.Spec.SessionAffinity != corev1.ServiceAffinityNone ||
			svc.Spec.InternalTrafficPolicy == nil || *svc.Spec.InternalTrafficPolicy != corev1.ServiceInternalTrafficPolicyCluster ||
			svc.Spec.Ports[0].Protocol != corev1.ProtocolTCP || svc.Spec.Ports[0].TargetPort.IntValue() != 80 {
			t.Errorf("service defaults %+v", svc.Spec)
		}
	})

	t.Run("a headless service keeps clusterIP None", func(t *testing.T) {
		svc, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("headless", "None"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if svc.Spec.ClusterIP != "None" || len(svc.Spec.ClusterIPs) != 1 || svc.Spec.ClusterIPs[0] != "None" {
			t.Errorf("clusterIP %q clusterIPs %v", svc.Spec.ClusterIP, svc.Spec.ClusterIPs)
		}
	})

	t.Run("a NodePort service gets node ports in 30000-32767", func(t *testing.T) {
		svc := clusterIPService("np", "")
		svc.Spec.Type = corev1.ServiceTypeNodePort
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: "b", Port: 81})
		svc.Spec.Ports[0].Name = "a"
		got, err := env.client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int32]bool{}
		for _, p := range got.Spec.Ports {
			if p.NodePort < 30000 || p.NodePort > 32767 || seen[p.NodePort] {
				t.Errorf("nodePort %d", p.NodePort)
			}
			seen[p.NodePort] = true
		}
		if got.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyCluster {
			t.Errorf("externalTrafficPolicy %q", got.Spec.ExternalTrafficPolicy)
		}
		taken := clusterIPService("np2", "")
		taken.Spec.Type = corev1.ServiceTypeNodePort
		taken.Spec.Ports[0].NodePort = got.Spec.Ports[0].NodePort
		_, err = env.client.CoreV1().Services(ns).Create(ctx, taken, metav1.CreateOptions{})
		wantStatus(t, err, 422, `Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: `+strconv.Itoa(int(got.Spec.Ports[0].NodePort))+`: provided port is already allocated`)
	})

	t.Run("a deleted service gives its address back", func(t *testing.T) {
		svc, err := env.client.CoreV1().Services(ns).Create(ctx, clusterIPService("tmp", "10.96.0.20"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := env.client.CoreV1().Services(ns).Delete(ctx, "tmp", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		svc.Name, svc.ResourceVersion, svc.UID = "tmp2", "", ""
		if _, err := env.client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			t.Errorf("reusing a released address: %v", err)
		}
	})

	t.Run("a deployment gets upstream's defaults", func(t *testing.T) {
		d, err := env.client.AppsV1().Deployments(ns).Create(ctx, newDeployment("d"), metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Spec.RevisionHistoryLimit == nil || *d.Spec.RevisionHistoryLimit != 10 ||
			d.Spec.ProgressDeadlineSeconds == nil || *d.Spec.ProgressDeadlineSeconds != 600 || d.Spec.Strategy.RollingUpdate.MaxSurge.String() != "25%" {
			t.Errorf("deployment defaults %+v", d.Spec)
		}
	})
}

func TestAuthentication(t *testing.T) {
	env := startEnv(t, Config{Users: []User{{Name: "alice", Token: "alice-token"}}})
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		token string
		code  int32
	}{
		{"a request without a token is unauthorized", "", 401},
		{"a request with a wrong token is unauthorized", "wrong", 401},
		{"a configured user's token is accepted", "alice-token", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := env.RESTConfig()
			cfg.BearerToken = tc.token
			c, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
			if tc.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantStatus(t, err, tc.code, "Unauthorized")
		})
	}
	t.Run("an unauthenticated request gets a Status body", func(t *testing.T) {
		cfg := rest.CopyConfig(env.RESTConfig())
		cfg.BearerToken = ""
		transport, err := rest.TransportFor(cfg)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, env.URL()+"/api/v1/pods", nil)
		resp, err := (&http.Client{Transport: transport}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
}
