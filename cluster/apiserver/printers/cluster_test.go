package printers

import (
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// The cases restate kube-apiserver v1.37's TestPrintLease and TestPrintRuntimeClass.
func TestLeaseAndRuntimeClassCells(t *testing.T) {
	runCellCases(t, schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}, []cellCase{
		{name: "a lease shows its holder",
			obj:  &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "worker-1", CreationTimestamp: ago(time.Hour)}, Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To("worker-1")}},
			want: []any{"worker-1", "worker-1", "60m"}},
		{name: "a lease without holder shows an empty cell",
			obj:  &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "free"}},
			want: []any{"free", "", "<unknown>"}},
	})
	runCellCases(t, schema.GroupResource{Group: "node.k8s.io", Resource: "runtimeclasses"}, []cellCase{
		{name: "a runtime class shows its handler",
			obj:  &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "gvisor", CreationTimestamp: ago(2 * 24 * time.Hour)}, Handler: "runsc"},
			want: []any{"gvisor", "runsc", "2d"}},
	})
}

// The cases restate kube-apiserver v1.37's TestPrintEndpointSlice.
func TestEndpointSliceCells(t *testing.T) {
	port := func(name string, n int32) discoveryv1.EndpointPort {
		return discoveryv1.EndpointPort{Name: ptr.To(name), Port: ptr.To(n), Protocol: ptr.To(corev1.ProtocolTCP)}
	}
	endpoints := []discoveryv1.Endpoint{
		{Addresses: []string{"10.1.2.3", "2001:db8::1234:5678"}},
		{Addresses: []string{"10.2.3.4", "2001:db8::2345:6789"}},
	}
	runCellCases(t, schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}, []cellCase{
		{name: "a slice lists its ports and addresses",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "abcslice.123", CreationTimestamp: metav1.NewTime(now.Add(1900 * time.Millisecond))},
				AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{port("http", 80)}, Endpoints: endpoints[:1],
			},
			want: []any{"abcslice.123", "IPv4", "80", "10.1.2.3,2001:db8::1234:5678", "0s"}},
		{name: "more than three ports or addresses are counted",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta:  metav1.ObjectMeta{Name: "multiportslice.123", CreationTimestamp: ago(5 * time.Minute)},
				AddressType: discoveryv1.AddressTypeIPv4,
				Ports:       []discoveryv1.EndpointPort{port("http", 80), port("https", 443), port("extra1", 3000), port("extra2", 3001)},
				Endpoints:   endpoints,
			},
			want: []any{"multiportslice.123", "IPv4", "80,443,3000 + 1 more...", "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...", "5m"}},
		{name: "an empty slice shows <unset> and a port without number shows its name or *",
			obj: &discoveryv1.EndpointSlice{
				ObjectMeta: metav1.ObjectMeta{Name: "empty"}, AddressType: discoveryv1.AddressTypeFQDN,
				Ports: []discoveryv1.EndpointPort{{Name: ptr.To("named")}, {}},
			},
			want: []any{"empty", "FQDN", "named,*", "<unset>", "<unknown>"}},
	})
}

// The cases restate kube-apiserver v1.37's TestPrintPodDisruptionBudget.
func TestPodDisruptionBudgetCells(t *testing.T) {
	runCellCases(t, schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}, []cellCase{
		{name: "a budget with min available shows N/A for max unavailable",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{Name: "pdb1", CreationTimestamp: metav1.NewTime(now)},
				Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr.To(intstr.FromInt32(22))},
				Status:     policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 5},
			},
			want: []any{"pdb1", "22", "N/A", int64(5), "0s"}},
		{name: "a budget with max unavailable shows N/A for min available",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{Name: "pdb2", CreationTimestamp: metav1.NewTime(now)},
				Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr.To(intstr.FromString("10%"))},
				Status:     policyv1.PodDisruptionBudgetStatus{DisruptionsAllowed: 5},
			},
			want: []any{"pdb2", "N/A", "10%", int64(5), "0s"}},
	})
}

// The first case restates kube-apiserver v1.37's TestPrintIngress.
func TestIngressCells(t *testing.T) {
	rules := func(hosts ...string) []networkingv1.IngressRule {
		var out []networkingv1.IngressRule
		for _, h := range hosts {
			out = append(out, networkingv1.IngressRule{Host: h})
		}
		return out
	}
	runCellCases(t, schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}, []cellCase{
		{name: "an ingress without hosts matches * and shows its load balancer IP",
			obj: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "test1", CreationTimestamp: ago(10 * 365 * 24 * time.Hour)},
				Spec:       networkingv1.IngressSpec{IngressClassName: ptr.To("foo")},
				Status: networkingv1.IngressStatus{LoadBalancer: networkingv1.IngressLoadBalancerStatus{
					Ingress: []networkingv1.IngressLoadBalancerIngress{{IP: "2.3.4.5", Hostname: "localhost.localdomain"}},
				}},
			},
			want: []any{"test1", "foo", "*", "2.3.4.5", "80", "10y"}},
		{name: "an ingress with TLS and many hosts lists three and counts the other rules",
			obj: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "test2"},
				Spec:       networkingv1.IngressSpec{Rules: rules("a.example.com", "", "b.example.com", "c.example.com", "d.example.com"), TLS: []networkingv1.IngressTLS{{}}},
			},
			want: []any{"test2", "<none>", "a.example.com,b.example.com,c.example.com + 2 more...", "", "80, 443", "<unknown>"}},
	})
}
