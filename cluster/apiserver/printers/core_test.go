package printers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
)

func node(name string, labels map[string]string, conditions ...corev1.NodeCondition) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Status:     corev1.NodeStatus{Conditions: conditions},
	}
}

func readyCondition(status corev1.ConditionStatus) corev1.NodeCondition {
	return corev1.NodeCondition{Type: corev1.NodeReady, Status: status}
}

func TestNodeCells(t *testing.T) {
	cordoned := node("foo2", nil, readyCondition(corev1.ConditionTrue))
	cordoned.Spec.Unschedulable = true
	detailed := node("worker-1", map[string]string{"node-role.kubernetes.io/worker": ""}, readyCondition(corev1.ConditionTrue))
	detailed.CreationTimestamp = ago(90 * time.Second)
	detailed.Status.Addresses = []corev1.NodeAddress{
		{Type: corev1.NodeHostName, Address: "worker-1"},
		{Type: corev1.NodeInternalIP, Address: "10.0.0.2"},
		{Type: corev1.NodeExternalIP, Address: "1.2.3.4"},
		{Type: corev1.NodeInternalIP, Address: "10.0.0.3"},
	}
	detailed.Status.NodeInfo = corev1.NodeSystemInfo{
		KubeletVersion: "v1.37.2", OSImage: "Debian GNU/Linux 12 (bookworm)", KernelVersion: "6.1.0",
		Architecture: "amd64", ContainerRuntimeVersion: "containerd://2.1.0",
	}

	runCellCases(t, schema.GroupResource{Resource: "nodes"}, []cellCase{
		{name: "a ready node is Ready", obj: node("foo1", nil, readyCondition(corev1.ConditionTrue)),
			want: []any{"foo1", "Ready", "<none>", "<unknown>", ""}},
		{name: "a cordoned node adds SchedulingDisabled", obj: cordoned,
			want: []any{"foo2", "Ready,SchedulingDisabled", "<none>", "<unknown>", ""}},
		{name: "a node whose Ready condition is false is NotReady", obj: node("foo4", nil, readyCondition(corev1.ConditionFalse)),
			want: []any{"foo4", "NotReady", "<none>", "<unknown>", ""}},
		{name: "a node with an unknown Ready condition is NotReady", obj: node("foo5", nil, readyCondition(corev1.ConditionUnknown)),
			want: []any{"foo5", "NotReady", "<none>", "<unknown>", ""}},
		{name: "a node without a Ready condition is Unknown", obj: node("foo7", nil, corev1.NodeCondition{Type: "InvalidValue", Status: corev1.ConditionTrue}),
			want: []any{"foo7", "Unknown", "<none>", "<unknown>", ""}},
		{name: "roles come from both role label forms, sorted",
			obj:  node("foo", map[string]string{"node-role.kubernetes.io/nodeA": "true", "node-role.kubernetes.io/": "", "kubernetes.io/role": "nodeB", "node-role.kubernetes.io/control-plane": ""}),
			want: []any{"foo", "Unknown", "control-plane,nodeA,nodeB", "<unknown>", ""}},
		{name: "wide columns show the first internal and external IPs and the kernel with its architecture", obj: detailed, wide: true,
			want: []any{"worker-1", "Ready", "worker", "90s", "v1.37.2", "10.0.0.2", "1.2.3.4", "Debian GNU/Linux 12 (bookworm)", "6.1.0 (amd64)", "containerd://2.1.0"}},
		{name: "wide columns without node info show placeholders", obj: node("bare", nil), wide: true,
			want: []any{"bare", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
	})
}

func TestNamespaceSecretServiceAccountConfigMapCells(t *testing.T) {
	meta := metav1.ObjectMeta{Name: "obj", CreationTimestamp: ago(5 * time.Minute)}
	tests := []struct {
		gr schema.GroupResource
		cellCase
	}{
		{schema.GroupResource{Resource: "namespaces"}, cellCase{name: "a namespace shows its phase",
			obj:  &corev1.Namespace{ObjectMeta: meta, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}},
			want: []any{"obj", "Terminating", "5m"}}},
		{schema.GroupResource{Resource: "secrets"}, cellCase{name: "a secret shows its type and number of data keys",
			obj:  &corev1.Secret{ObjectMeta: meta, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"a": nil, "b": nil}},
			want: []any{"obj", "Opaque", int64(2), "5m"}}},
		{schema.GroupResource{Resource: "serviceaccounts"}, cellCase{name: "a service account shows only its age",
			obj:  &corev1.ServiceAccount{ObjectMeta: meta, Secrets: []corev1.ObjectReference{{Name: "s"}}},
			want: []any{"obj", "5m"}}},
		{schema.GroupResource{Resource: "configmaps"}, cellCase{name: "a config map counts data and binary data keys",
			obj:  &corev1.ConfigMap{ObjectMeta: meta, Data: map[string]string{"a": "1"}, BinaryData: map[string][]byte{"b": nil}},
			want: []any{"obj", int64(2), "5m"}}},
	}
	for _, tc := range tests {
		runCellCases(t, tc.gr, []cellCase{tc.cellCase})
	}
}

func service(name string, typ corev1.ServiceType, ports []corev1.ServicePort, externalIPs []string, lb ...corev1.LoadBalancerIngress) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.ServiceSpec{Type: typ, Ports: ports, ClusterIPs: []string{"10.9.8.7"}, ExternalIPs: externalIPs, Selector: map[string]string{"foo": "bar"}},
		Status:     corev1.ServiceStatus{LoadBalancer: corev1.LoadBalancerStatus{Ingress: lb}},
	}
}

// The cases restate kube-apiserver v1.37's TestPrintService.
func TestServiceCells(t *testing.T) {
	tcp2233 := []corev1.ServicePort{{Protocol: "tcp", Port: 2233}}
	tcp8888 := []corev1.ServicePort{{Protocol: "tcp", Port: 8888}}
	externalName := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "test7"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeExternalName, ExternalName: "my.database.example.com"},
	}
	runCellCases(t, schema.GroupResource{Resource: "services"}, []cellCase{
		{name: "a cluster IP service shows its port and protocol", obj: service("test1", corev1.ServiceTypeClusterIP, tcp2233, nil),
			want: []any{"test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>"}},
		{name: "the wide view adds the selector", obj: service("test1", corev1.ServiceTypeClusterIP, tcp2233, nil), wide: true,
			want: []any{"test1", "ClusterIP", "10.9.8.7", "<none>", "2233/tcp", "<unknown>", "foo=bar"}},
		{name: "a node port service shows port:nodePort", obj: service("test2", corev1.ServiceTypeNodePort, []corev1.ServicePort{{Protocol: "tcp", Port: 8888, NodePort: 9999}}, nil),
			want: []any{"test2", "NodePort", "10.9.8.7", "<none>", "8888:9999/tcp", "<unknown>"}},
		{name: "a load balancer without addresses is pending", obj: service("test3", corev1.ServiceTypeLoadBalancer, tcp8888, nil),
			want: []any{"test3", "LoadBalancer", "10.9.8.7", "<pending>", "8888/tcp", "<unknown>"}},
		{name: "a load balancer with an external IP and no status shows the external IP", obj: service("test4", corev1.ServiceTypeLoadBalancer, tcp8888, []string{"80.11.12.10"}),
			want: []any{"test4", "LoadBalancer", "10.9.8.7", "80.11.12.10", "8888/tcp", "<unknown>"}},
		{name: "a load balancer lists ingress IPs before external IPs",
			obj: service("test6", corev1.ServiceTypeLoadBalancer, tcp8888, []string{"80.11.12.10", "80.11.12.11"},
				corev1.LoadBalancerIngress{IP: "2.3.4.5", Hostname: "test.cluster.local"}, corev1.LoadBalancerIngress{IP: "3.4.5.6", Hostname: "test.cluster.com"}),
			want: []any{"test6", "LoadBalancer", "10.9.8.7", "2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11", "8888/tcp", "<unknown>"}},
		{name: "the server never clips long load balancer addresses",
			obj:  service("long", corev1.ServiceTypeLoadBalancer, tcp8888, nil, corev1.LoadBalancerIngress{Hostname: "a-very-long-load-balancer.example.com"}),
			want: []any{"long", "LoadBalancer", "10.9.8.7", "a-very-long-load-balancer.example.com", "8888/tcp", "<unknown>"}},
		{name: "a headless service shows None as its cluster IP and <none> without selector or ports",
			obj: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "headless"},
				Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, ClusterIP: "None", ClusterIPs: []string{"None"}}},
			wide: true,
			want: []any{"headless", "ClusterIP", "None", "<none>", "<none>", "<unknown>", "<none>"}},
		{name: "a load balancer with external IPs and node ports lists every port",
			obj: service("lb", corev1.ServiceTypeLoadBalancer,
				[]corev1.ServicePort{{Port: 443, NodePort: 31300, Protocol: corev1.ProtocolTCP}, {Port: 53, NodePort: 31224, Protocol: corev1.ProtocolUDP}},
				[]string{"1.2.3.4"}),
			want: []any{"lb", "LoadBalancer", "10.9.8.7", "1.2.3.4", "443:31300/TCP,53:31224/UDP", "<unknown>"}},
		{name: "an external name service shows the name and no cluster IP or ports", obj: externalName,
			want: []any{"test7", "ExternalName", "<none>", "my.database.example.com", "<none>", "<unknown>"}},
	})
}

// The cases restate kube-apiserver v1.37's TestPrintEndpoint.
func TestEndpointsCells(t *testing.T) {
	addrs := func(ips ...string) []corev1.EndpointAddress {
		var out []corev1.EndpointAddress
		for _, ip := range ips {
			out = append(out, corev1.EndpointAddress{IP: ip})
		}
		return out
	}
	runCellCases(t, schema.GroupResource{Resource: "endpoints"}, []cellCase{
		{name: "endpoints without subsets show <none>", obj: &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "svc1"}},
			want: []any{"svc1", "<none>", "<unknown>"}},
		{name: "a headless subset without ports lists bare IPs",
			obj:  &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "svc1"}, Subsets: []corev1.EndpointSubset{{Addresses: addrs("1.2.3.4", "5.6.7.8")}}},
			want: []any{"svc1", "1.2.3.4,5.6.7.8", "<unknown>"}},
		{name: "only three addresses are listed and the rest counted",
			obj: &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "svc1"}, Subsets: []corev1.EndpointSubset{{
				Addresses: addrs("1.2.3.4", "5.6.7.8"),
				Ports:     []corev1.EndpointPort{{Port: 8001, Protocol: "tcp"}, {Port: 8002, Protocol: "tcp"}},
			}}},
			want: []any{"svc1", "1.2.3.4:8001,5.6.7.8:8001,1.2.3.4:8002 + 1 more...", "<unknown>"}},
		{name: "IPv6 addresses are bracketed",
			obj: &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "svc1"}, Subsets: []corev1.EndpointSubset{{
				Addresses: addrs("::1"), Ports: []corev1.EndpointPort{{Port: 80}},
			}}},
			want: []any{"svc1", "[::1]:80", "<unknown>"}},
	})
}

// The cases restate kube-apiserver v1.37's TestPrintPersistentVolumeClaim.
func TestPersistentVolumeClaimCells(t *testing.T) {
	fileMode := corev1.PersistentVolumeFilesystem
	bound := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "test1"},
		Spec:       corev1.PersistentVolumeClaimSpec{VolumeName: "my-volume", VolumeMode: &fileMode, StorageClassName: ptr.To("standard")},
		Status: corev1.PersistentVolumeClaimStatus{
			Phase:       corev1.ClaimBound,
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany, corev1.ReadOnlyMany, corev1.ReadOnlyMany},
			Capacity:    corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("4Gi")},
		},
	}
	pending := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "test2", Annotations: map[string]string{"volume.beta.kubernetes.io/storage-class": "beta"}},
		Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: ptr.To("standard"), VolumeAttributesClassName: ptr.To("gold"),
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
	}
	deleted := bound.DeepCopy()
	deleted.DeletionTimestamp = agoPtr(time.Second)
	runCellCases(t, schema.GroupResource{Resource: "persistentvolumeclaims"}, []cellCase{
		{name: "a bound claim shows its volume, capacity and access modes in fixed order", obj: bound, wide: true,
			want: []any{"test1", "Bound", "my-volume", "4Gi", "ROX,RWX", "standard", "<unset>", "<unknown>", "Filesystem"}},
		{name: "a pending claim shows no capacity and prefers the beta class annotation", obj: pending, wide: true,
			want: []any{"test2", "Pending", "", "", "", "beta", "gold", "<unknown>", "<unset>"}},
		{name: "a claim being deleted is Terminating", obj: deleted,
			want: []any{"test1", "Terminating", "my-volume", "4Gi", "ROX,RWX", "standard", "<unset>", "<unknown>"}},
	})
}

func event(name string) *corev1.Event {
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: name},
		Source:         corev1.EventSource{Component: "kubelet", Host: "Node1"},
		InvolvedObject: corev1.ObjectReference{Kind: "Deployment", Name: "Deployment Name", FieldPath: "spec.containers{foo}"},
		Reason:         "Event Reason",
		Message:        "Message Data",
		Type:           corev1.EventTypeWarning,
	}
}

// The cases restate kube-apiserver v1.37's TestPrintEvent.
func TestEventCells(t *testing.T) {
	day := 24 * time.Hour
	basic := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "event1"},
		Source:         corev1.EventSource{Component: "kubelet"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "Pod Name", FieldPath: "spec.containers{foo}"},
		Reason:         "Event Reason",
		Message:        "Message Data\n",
		FirstTimestamp: ago(3 * day),
		LastTimestamp:  ago(2 * day),
		Count:          6,
		Type:           corev1.EventTypeNormal,
	}
	withoutFirst := event("event3")
	withoutFirst.EventTime = metav1.NewMicroTime(now.Add(-3 * day))
	withoutFirst.LastTimestamp = ago(3 * day)
	withoutFirst.Count = 1
	series := event("event6")
	series.EventTime = metav1.NewMicroTime(now.Add(-3 * day))
	series.Series = &corev1.EventSeries{Count: 2, LastObservedTime: metav1.NewMicroTime(now.Add(-2 * day))}
	singleton := event("event7")
	singleton.EventTime = metav1.NewMicroTime(now.Add(-3 * day))
	reporting := event("event8")
	reporting.Source = corev1.EventSource{}
	reporting.ReportingController, reporting.ReportingInstance = "kubelet", "test"
	reporting.FirstTimestamp, reporting.LastTimestamp, reporting.Count = ago(3*day), ago(2*day), 6
	noName := event("event9")
	noName.InvolvedObject = corev1.ObjectReference{Kind: "Node"}
	noName.Source = corev1.EventSource{Component: "kubelet"}
	noName.Count = 1

	for _, gr := range []schema.GroupResource{{Resource: "events"}, {Group: "events.k8s.io", Resource: "events"}} {
		t.Run(gr.String(), func(t *testing.T) {
			runCellCases(t, gr, []cellCase{
				{name: "an event shows when it was last seen and its object as kind/name", obj: basic,
					want: []any{"2d", "Normal", "Event Reason", "pod/Pod Name", "Message Data"}},
				{name: "the wide view adds subobject, source, first seen, count and name", obj: basic, wide: true,
					want: []any{"2d", "Normal", "Event Reason", "pod/Pod Name", "spec.containers{foo}", "kubelet", "Message Data", "3d", int64(6), "event1"}},
				{name: "without firstTimestamp the event time is first seen", obj: withoutFirst, wide: true,
					want: []any{"3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", int64(1), "event3"}},
				{name: "a series is last seen at its last observation and counts its occurrences", obj: series, wide: true,
					want: []any{"2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", int64(2), "event6"}},
				{name: "a singleton event of the new API counts once", obj: singleton, wide: true,
					want: []any{"3d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, Node1", "Message Data", "3d", int64(1), "event7"}},
				{name: "an empty source falls back to the reporting controller and instance", obj: reporting, wide: true,
					want: []any{"2d", "Warning", "Event Reason", "deployment/Deployment Name", "spec.containers{foo}", "kubelet, test", "Message Data", "3d", int64(6), "event8"}},
				{name: "an object without a name shows only its kind and times are unknown", obj: noName, wide: true,
					want: []any{"<unknown>", "Warning", "Event Reason", "node", "", "kubelet", "Message Data", "<unknown>", int64(1), "event9"}},
			})
		})
	}
}

// The cases restate kube-apiserver v1.37's TestPrintReplicationController.
func TestReplicationControllerCells(t *testing.T) {
	rc := &corev1.ReplicationController{
		ObjectMeta: metav1.ObjectMeta{Name: "rc1"},
		Spec: corev1.ReplicationControllerSpec{
			Replicas: ptr.To[int32](5),
			Selector: map[string]string{"a": "b"},
			Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "test", Image: "test_image"},
			}}},
		},
		Status: corev1.ReplicationControllerStatus{Replicas: 5, ReadyReplicas: 2},
	}
	runCellCases(t, schema.GroupResource{Resource: "replicationcontrollers"}, []cellCase{
		{name: "a controller shows desired, current and ready replicas", obj: rc,
			want: []any{"rc1", int64(5), int64(5), int64(2), "<unknown>"}},
		{name: "the wide view adds containers, images and selector", obj: rc, wide: true,
			want: []any{"rc1", int64(5), int64(5), int64(2), "<unknown>", "test", "test_image", "a=b"}},
	})
}
