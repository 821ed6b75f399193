package kubelet

import (
	"fmt"
	"net/netip"
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// ipam hands out pod IPs from the node's podCIDR, as the bridge/host-local
// CNI plugins do: the network and gateway addresses (.0, .1) are skipped,
// a pod keeps its address for its whole life, and a freed address is
// reused only after the rest of the range.
type ipam struct {
	mu     sync.Mutex
	prefix netip.Prefix
	next   netip.Addr
	byPod  map[types.UID]netip.Addr
	used   map[netip.Addr]bool
}

func newIPAM(cidr string) (*ipam, error) {
	if cidr == "" {
		cidr = "10.244.0.0/24"
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil, fmt.Errorf("podCIDR %q: %w", cidr, err)
	}
	p = p.Masked()
	return &ipam{prefix: p, next: p.Addr().Next().Next(), byPod: map[types.UID]netip.Addr{}, used: map[netip.Addr]bool{}}, nil
}

// allocate returns the pod's IP, choosing one on first use.
func (a *ipam) allocate(uid types.UID) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byPod[uid]; ok {
		return ip.String(), nil
	}
	start := a.next
	for {
		ip := a.next
		a.next = a.next.Next()
		if !a.prefix.Contains(a.next) || a.isBroadcast(a.next) {
			a.next = a.prefix.Addr().Next().Next()
		}
		if !a.used[ip] && a.prefix.Contains(ip) && !a.isBroadcast(ip) {
			a.used[ip] = true
			a.byPod[uid] = ip
			return ip.String(), nil
		}
		if a.next == start {
			return "", fmt.Errorf("no IP addresses available in range set: %s", a.prefix)
		}
	}
}

func (a *ipam) isBroadcast(ip netip.Addr) bool {
	return ip.Is4() && !a.prefix.Contains(ip.Next())
}

// release frees the pod's IP.
func (a *ipam) release(uid types.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ip, ok := a.byPod[uid]; ok {
		delete(a.used, ip)
		delete(a.byPod, uid)
	}
}
