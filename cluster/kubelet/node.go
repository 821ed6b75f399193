package kubelet

import (
	"context"
	"fmt"
	goruntime "runtime"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// nodeStatusReportFrequency is how often the kubelet writes an unchanged
// node status; the Lease carries the heartbeat in between.
const nodeStatusReportFrequency = 5 * time.Minute

func defaultCapacity() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("4"),
		corev1.ResourceMemory:           resource.MustParse("8Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
}

func (k *Kubelet) nodeObject() *corev1.Node {
	labels := map[string]string{
		"beta.kubernetes.io/arch": goruntime.GOARCH,
		"beta.kubernetes.io/os":   "linux",
		corev1.LabelArchStable:    goruntime.GOARCH,
		corev1.LabelHostname:      k.name,
		corev1.LabelOSStable:      "linux",
	}
	for key, v := range k.cfg.Node.Labels {
		labels[key] = v
	}
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:   k.name,
			Labels: labels,
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl":                           "0",
				"volumes.kubernetes.io/controller-managed-attach-detach": "true",
			},
		},
		Spec: corev1.NodeSpec{Taints: append([]corev1.Taint(nil), k.cfg.Node.Taints...)},
	}
	if k.cfg.Node.PodCIDR != "" {
		n.Spec.PodCIDR = k.cfg.Node.PodCIDR
		n.Spec.PodCIDRs = []string{k.cfg.Node.PodCIDR}
	}
	return n
}

// setNodeStatus fills what the kubelet's node status setters own
// (pkg/kubelet/nodestatus): addresses, capacity, nodeInfo, images,
// daemon endpoints and the four conditions.
func (k *Kubelet) setNodeStatus(ctx context.Context, n *corev1.Node) {
	now := metav1.NewTime(k.clock.Now().Truncate(time.Second))
	n.Status.Capacity = k.cfg.Node.Capacity.DeepCopy()
	n.Status.Allocatable = k.cfg.Node.Capacity.DeepCopy()
	n.Status.Addresses = []corev1.NodeAddress{
		{Type: corev1.NodeInternalIP, Address: k.cfg.Node.InternalIP},
		{Type: corev1.NodeHostName, Address: k.name},
	}
	n.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(k.Port())
	rt := k.cfg.Runtimes[k.cfg.DefaultRuntime]
	version, err := rt.Version(ctx)
	if err != nil {
		version = rt.Name() + "://unknown"
	}
	n.Status.NodeInfo = corev1.NodeSystemInfo{
		MachineID:               machineID(k.name),
		SystemUUID:              machineID(k.name),
		BootID:                  machineID("boot-" + k.name),
		KernelVersion:           "6.8.0-kubelab",
		OSImage:                 "kubelab " + rt.Name(),
		ContainerRuntimeVersion: version,
		KubeletVersion:          Version,
		OperatingSystem:         "linux",
		Architecture:            goruntime.GOARCH,
		Swap:                    &corev1.NodeSwapStatus{Capacity: ptr.To[int64](0)},
	}
	n.Status.RuntimeHandlers = nil
	for name := range k.cfg.Runtimes {
		n.Status.RuntimeHandlers = append(n.Status.RuntimeHandlers, corev1.NodeRuntimeHandler{
			Name:     name,
			Features: &corev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr.To(true), UserNamespaces: ptr.To(false)},
		})
	}
	n.Status.Features = &corev1.NodeFeatures{SupplementalGroupsPolicy: ptr.To(true)}
	if images, err := rt.ListImages(ctx); err == nil {
		n.Status.Images = nil
		for _, im := range images {
			names := []string{im.Ref}
			if im.ID != "" && im.ID != im.Ref {
				names = []string{im.ID, im.Ref}
			}
			n.Status.Images = append(n.Status.Images, corev1.ContainerImage{Names: names, SizeBytes: im.Size})
		}
	}
	want := []corev1.NodeCondition{
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
		{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"},
	}
	eventReasons := map[corev1.NodeConditionType]string{
		corev1.NodeMemoryPressure: "NodeHasSufficientMemory",
		corev1.NodeDiskPressure:   "NodeHasNoDiskPressure",
		corev1.NodePIDPressure:    "NodeHasSufficientPID",
		corev1.NodeReady:          "NodeReady",
	}
	for _, c := range want {
		c.LastHeartbeatTime = now
		c.LastTransitionTime = now
		found := false
		for i := range n.Status.Conditions {
			old := &n.Status.Conditions[i]
			if old.Type != c.Type {
				continue
			}
			found = true
			if old.Status == c.Status {
				c.LastTransitionTime = old.LastTransitionTime
			} else if k.recorder != nil {
				k.recorder.Eventf(nodeRef(k.name), corev1.EventTypeNormal, eventReasons[c.Type], "Node %s status is now: %s", k.name, eventReasons[c.Type])
			}
			*old = c
		}
		if !found {
			n.Status.Conditions = append(n.Status.Conditions, c)
			if k.recorder != nil {
				k.recorder.Eventf(nodeRef(k.name), corev1.EventTypeNormal, eventReasons[c.Type], "Node %s status is now: %s", k.name, eventReasons[c.Type])
			}
		}
	}
}

// machineID is a stable 32-hex-digit id for a node name.
func machineID(name string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("%016x%016x", h, h*31+7)
}

// registerNode creates the Node, or takes over an existing one of the same
// name as a restarted kubelet does (kubelet_node_status.go registerWithAPIServer).
func (k *Kubelet) registerNode(ctx context.Context) error {
	k.recorder.Eventf(nodeRef(k.name), corev1.EventTypeNormal, "Starting", "Starting kubelet.")
	if err := k.enter(ctx, "kubelet.status", "node/"+k.name, "register node"); err != nil {
		return err
	}
	// The Node is created with its status, as initialNode fills it, so
	// the scheduler never sees it without allocatable.
	node := k.nodeObject()
	k.setNodeStatus(ctx, node)
	created, err := k.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if errors.IsAlreadyExists(err) {
		created, err = k.client.CoreV1().Nodes().Get(ctx, k.name, metav1.GetOptions{})
		if err == nil {
			created = created.DeepCopy()
			created.Status.Conditions = nil
		}
	}
	if err == nil && !sameNodeStatus(created, node) {
		// A Node taken over, or an apiserver that dropped the status
		// on create: status is a subresource, written on its own.
		updated := created.DeepCopy()
		k.setNodeStatus(ctx, updated)
		_, err = k.client.CoreV1().Nodes().UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	}
	if err != nil {
		return fmt.Errorf("kubelet %s: register node: %w", k.name, err)
	}
	k.recorder.Eventf(nodeRef(k.name), corev1.EventTypeNormal, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
	return k.renewLease(ctx)
}

// nodeStatusLoop checks the node status every nodeStatusUpdateFrequency and
// writes it when it changed or nodeStatusReportFrequency has passed.
func (k *Kubelet) nodeStatusLoop(ctx context.Context) {
	t := k.clock.NewTicker(nodeStatusUpdateFrequency)
	defer t.Stop()
	lastReport := k.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
		node, err := k.client.CoreV1().Nodes().Get(ctx, k.name, metav1.GetOptions{})
		if err != nil {
			continue
		}
		updated := node.DeepCopy()
		k.setNodeStatus(ctx, updated)
		changed := !sameNodeStatus(node, updated)
		if !changed && k.clock.Since(lastReport) < nodeStatusReportFrequency {
			continue
		}
		if err := k.enter(ctx, "kubelet.status", "node/"+k.name, "update node status"); err != nil {
			return
		}
		if _, err := k.client.CoreV1().Nodes().UpdateStatus(ctx, updated, metav1.UpdateOptions{}); err == nil {
			lastReport = k.clock.Now()
		}
	}
}

// sameNodeStatus compares two node statuses ignoring heartbeat times.
func sameNodeStatus(a, b *corev1.Node) bool {
	x, y := a.Status.DeepCopy(), b.Status.DeepCopy()
	for _, s := range []*corev1.NodeStatus{x, y} {
		for i := range s.Conditions {
			s.Conditions[i].LastHeartbeatTime = metav1.Time{}
		}
	}
	return apierrors.Semantic.DeepEqual(x, y)
}

func (k *Kubelet) leaseLoop(ctx context.Context) {
	t := k.clock.NewTicker(leaseRenewInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			k.renewLease(ctx)
		}
	}
}

// renewLease creates or renews the node's Lease in kube-node-lease
// (pkg/kubelet/nodelease via component-helpers/apimachinery/lease).
func (k *Kubelet) renewLease(ctx context.Context) error {
	if err := k.enter(ctx, "kubelet.heartbeat", "lease/kube-node-lease/"+k.name, "renew node lease"); err != nil {
		return err
	}
	leases := k.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NewMicroTime(k.clock.Now())
	lease, err := leases.Get(ctx, k.name, metav1.GetOptions{})
	if errors.IsNotFound(err) {
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: k.name, Namespace: corev1.NamespaceNodeLease},
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity:       ptr.To(k.name),
				LeaseDurationSeconds: ptr.To[int32](leaseDurationSeconds),
				RenewTime:            &now,
			},
		}
		if node, err := k.client.CoreV1().Nodes().Get(ctx, k.name, metav1.GetOptions{}); err == nil {
			lease.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: k.name, UID: node.UID}}
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease = lease.DeepCopy()
	lease.Spec.HolderIdentity = ptr.To(k.name)
	lease.Spec.LeaseDurationSeconds = ptr.To[int32](leaseDurationSeconds)
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}
