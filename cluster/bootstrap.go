package cluster

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// bootstrapNamespaces are the namespaces every cluster starts with.
var bootstrapNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// kubernetesServiceIP is the first address of the service range, which
// upstream reserves for the `kubernetes` Service.
const kubernetesServiceIP = "10.96.0.1"

// bootstrap creates what kube-apiserver's bootstrap controller keeps in
// every cluster: the system namespaces and the `kubernetes` Service in
// default, with endpoints pointing at the apiserver. It is idempotent, so a
// kept session boots again on its own objects.
func bootstrap(ctx context.Context, c kubernetes.Interface, apiURL string) error {
	for _, name := range bootstrapNamespaces {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := c.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("namespace %s: %w", name, err)
		}
	}
	u, err := url.Parse(apiURL)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return fmt.Errorf("apiserver port in %s: %w", apiURL, err)
	}
	labels := map[string]string{"component": "apiserver", "provider": "kubernetes"}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Labels: labels},
		Spec: corev1.ServiceSpec{
			Type:      corev1.ServiceTypeClusterIP,
			ClusterIP: kubernetesServiceIP,
			Ports: []corev1.ServicePort{{
				Name: "https", Protocol: corev1.ProtocolTCP, Port: 443, TargetPort: intstr.FromInt32(int32(port)),
			}},
			SessionAffinity: corev1.ServiceAffinityNone,
		},
	}
	services := c.CoreV1().Services(metav1.NamespaceDefault)
	if old, err := services.Get(ctx, "kubernetes", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		if _, err := services.Create(ctx, svc, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("service kubernetes: %w", err)
		}
	} else if err != nil {
		return err
	} else if len(old.Spec.Ports) != 1 || old.Spec.Ports[0].TargetPort.IntValue() != port {
		old.Spec.Ports = svc.Spec.Ports
		if _, err := services.Update(ctx, old, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("service kubernetes: %w", err)
		}
	}

	host := u.Hostname()
	ep := &corev1.Endpoints{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Labels: map[string]string{"endpointslice.kubernetes.io/skip-mirror": "true"}},
		Subsets: []corev1.EndpointSubset{{
			Addresses: []corev1.EndpointAddress{{IP: host}},
			Ports:     []corev1.EndpointPort{{Name: "https", Port: int32(port), Protocol: corev1.ProtocolTCP}},
		}},
	}
	if _, err := c.CoreV1().Endpoints(metav1.NamespaceDefault).Update(ctx, ep, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("endpoints kubernetes: %w", err)
	}
	name, proto, p32, ready := "https", corev1.ProtocolTCP, int32(port), true
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Labels: map[string]string{
			discoveryv1.LabelServiceName: "kubernetes",
		}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{host}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		Ports:       []discoveryv1.EndpointPort{{Name: &name, Protocol: &proto, Port: &p32}},
	}
	slices := c.DiscoveryV1().EndpointSlices(metav1.NamespaceDefault)
	if old, err := slices.Get(ctx, "kubernetes", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		_, err = slices.Create(ctx, slice, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("endpointslice kubernetes: %w", err)
		}
	} else if err != nil {
		return err
	} else {
		slice.ResourceVersion = old.ResourceVersion
		if _, err := slices.Update(ctx, slice, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("endpointslice kubernetes: %w", err)
		}
	}
	return nil
}
