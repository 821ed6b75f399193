package apiserver

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
)

// Service IPs and node ports. kube-apiserver allocates a Service's
// ClusterIP from --service-cluster-ip-range (10.96.0.0/12 on kubeadm
// clusters; the first address goes to the `kubernetes` Service) and node
// ports from 30000-32767, both at random. kubelab picks from the same
// ranges but derives the first candidate from the Service's namespace and
// name, so a replayed session gets the same addresses; collisions probe
// to the next free one.

var serviceCIDR = &net.IPNet{IP: net.IPv4(10, 96, 0, 0).To4(), Mask: net.CIDRMask(12, 32)}

const (
	nodePortBase = 30000
	nodePortSize = 2768
	// staticBand is the bottom of the range that dynamic allocation leaves
	// for explicitly requested addresses, as upstream's allocator does.
	staticBand = 256
)

type serviceAllocator struct {
	mu     sync.Mutex
	loaded bool
	ips    map[string]string // ip -> namespace/name
	ports  map[int32]string  // node port -> namespace/name
	list   func(ctx context.Context) ([]corev1.Service, error)
}

func newServiceAllocator(store *genericregistry.Store) *serviceAllocator {
	return &serviceAllocator{list: func(ctx context.Context) ([]corev1.Service, error) {
		obj, err := store.List(genericapirequest.WithNamespace(ctx, ""), nil)
		if err != nil {
			return nil, err
		}
		return obj.(*corev1.ServiceList).Items, nil
	}}
}

// load reads what existing Services hold, once: the allocation state is
// the Services themselves, as in upstream's repair loop.
func (a *serviceAllocator) load(ctx context.Context) error {
	if a.loaded {
		return nil
	}
	svcs, err := a.list(ctx)
	if err != nil {
		return err
	}
	a.ips, a.ports = map[string]string{}, map[int32]string{}
	for i := range svcs {
		a.hold(&svcs[i])
	}
	a.loaded = true
	return nil
}

func (a *serviceAllocator) hold(svc *corev1.Service) {
	owner := svc.Namespace + "/" + svc.Name
	for _, ip := range svc.Spec.ClusterIPs {
		if ip != corev1.ClusterIPNone && ip != "" {
			a.ips[ip] = owner
		}
	}
	for _, p := range svc.Spec.Ports {
		if p.NodePort != 0 {
			a.ports[p.NodePort] = owner
		}
	}
}

func (a *serviceAllocator) release(svc *corev1.Service) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.releaseLocked(svc)
}

func (a *serviceAllocator) releaseLocked(svc *corev1.Service) {
	if !a.loaded {
		return
	}
	owner := svc.Namespace + "/" + svc.Name
	for ip, o := range a.ips {
		if o == owner {
			delete(a.ips, ip)
		}
	}
	for p, o := range a.ports {
		if o == owner {
			delete(a.ports, p)
		}
	}
}

// beginCreate allocates before the Service is stored and gives the
// addresses back if storing fails.
func (a *serviceAllocator) beginCreate(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (genericregistry.FinishFunc, error) {
	svc := obj.(*corev1.Service)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.load(ctx); err != nil {
		return nil, err
	}
	if errs := a.allocate(svc); len(errs) > 0 {
		return nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Service").GroupKind(), svc.Name, errs)
	}
	return func(_ context.Context, success bool) {
		if !success {
			a.release(svc)
		}
	}, nil
}

// beginUpdate allocates node ports a Service gains when it becomes a
// NodePort or LoadBalancer Service.
func (a *serviceAllocator) beginUpdate(ctx context.Context, obj, old runtime.Object, _ *metav1.UpdateOptions) (genericregistry.FinishFunc, error) {
	svc := obj.(*corev1.Service)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.load(ctx); err != nil {
		return nil, err
	}
	if errs := a.allocatePorts(svc); len(errs) > 0 {
		return nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Service").GroupKind(), svc.Name, errs)
	}
	return func(_ context.Context, success bool) {
		if success {
			a.mu.Lock()
			a.releaseLocked(old.(*corev1.Service))
			a.hold(svc)
			a.mu.Unlock()
		}
	}, nil
}

func (a *serviceAllocator) afterDelete(obj runtime.Object, _ *metav1.DeleteOptions) {
	if svc, ok := obj.(*corev1.Service); ok {
		a.release(svc)
	}
}

func (a *serviceAllocator) allocate(svc *corev1.Service) field.ErrorList {
	owner := svc.Namespace + "/" + svc.Name
	if svc.Spec.Type != corev1.ServiceTypeExternalName {
		ipPath := field.NewPath("spec", "clusterIPs")
		single := corev1.IPFamilyPolicySingleStack
		if svc.Spec.IPFamilyPolicy == nil {
			svc.Spec.IPFamilyPolicy = &single
		}
		if len(svc.Spec.IPFamilies) == 0 {
			svc.Spec.IPFamilies = []corev1.IPFamily{corev1.IPv4Protocol}
		}
		switch ip := svc.Spec.ClusterIP; {
		case ip == corev1.ClusterIPNone:
			svc.Spec.ClusterIPs = []string{corev1.ClusterIPNone}
		case ip != "" && net.ParseIP(ip) == nil:
			// Not an address: validation, which runs next, says so in
			// upstream's words.
			if len(svc.Spec.ClusterIPs) == 0 {
				svc.Spec.ClusterIPs = []string{ip}
			}
			return nil
		case ip != "":
			if !usableServiceIP(net.ParseIP(ip)) {
				// The allocator of v1.37 (MultiCIDRServiceAllocator) finds no
				// range for the address and says so; the network and
				// broadcast addresses belong to none either.
				return field.ErrorList{field.Invalid(ipPath, []string{ip},
					fmt.Sprintf("failed to allocate IP %s: the provided network does not match the current range", ip))}
			}
			if _, taken := a.ips[ip]; taken {
				return field.ErrorList{field.Invalid(ipPath, []string{ip}, fmt.Sprintf("failed to allocate IP %s: provided IP is already allocated", ip))}
			}
			a.ips[ip] = owner
			svc.Spec.ClusterIPs = []string{ip}
		default:
			ip, ok := a.pickIP(owner)
			if !ok {
				return field.ErrorList{field.InternalError(ipPath, fmt.Errorf("failed to allocate a serviceIP: range is full"))}
			}
			a.ips[ip] = owner
			svc.Spec.ClusterIP, svc.Spec.ClusterIPs = ip, []string{ip}
		}
	}
	return a.allocatePorts(svc)
}

func (a *serviceAllocator) allocatePorts(svc *corev1.Service) field.ErrorList {
	if svc.Spec.Type != corev1.ServiceTypeNodePort && svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return nil
	}
	owner := svc.Namespace + "/" + svc.Name
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		path := field.NewPath("spec", "ports").Index(i).Child("nodePort")
		if p.NodePort != 0 {
			if o, taken := a.ports[p.NodePort]; taken && o != owner {
				return field.ErrorList{field.Invalid(path, p.NodePort, "provided port is already allocated")}
			}
			if p.NodePort < nodePortBase || p.NodePort >= nodePortBase+nodePortSize {
				return field.ErrorList{field.Invalid(path, p.NodePort, fmt.Sprintf("provided port is not in the valid range. The range of valid ports is %d-%d", nodePortBase, nodePortBase+nodePortSize-1))}
			}
			a.ports[p.NodePort] = owner
			continue
		}
		start := hashOf(fmt.Sprintf("%s/%d", owner, i)) % nodePortSize
		for n := uint32(0); n < nodePortSize; n++ {
			port := int32(nodePortBase + (start+n)%nodePortSize)
			if _, taken := a.ports[port]; !taken {
				a.ports[port] = owner
				p.NodePort = port
				break
			}
		}
		if p.NodePort == 0 {
			return field.ErrorList{field.InternalError(path, fmt.Errorf("failed to allocate a nodePort: range is full"))}
		}
	}
	return nil
}

func (a *serviceAllocator) pickIP(owner string) (string, bool) {
	ones, bits := serviceCIDR.Mask.Size()
	size := uint32(1) << (bits - ones)
	dynamic := size - staticBand - 1 // the broadcast address is never used
	base := binary.BigEndian.Uint32(serviceCIDR.IP.To4())
	start := hashOf(owner) % dynamic
	for n := uint32(0); n < dynamic; n++ {
		offset := staticBand + (start+n)%dynamic
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, base+offset)
		if _, taken := a.ips[ip.String()]; !taken {
			return ip.String(), true
		}
	}
	return "", false
}

// usableServiceIP reports whether ip is in the service range and is
// neither its network nor its broadcast address.
func usableServiceIP(ip net.IP) bool {
	v4 := ip.To4()
	if v4 == nil || !serviceCIDR.Contains(v4) {
		return false
	}
	ones, bits := serviceCIDR.Mask.Size()
	offset := binary.BigEndian.Uint32(v4) - binary.BigEndian.Uint32(serviceCIDR.IP.To4())
	return offset != 0 && offset != 1<<(bits-ones)-1
}

func hashOf(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}
