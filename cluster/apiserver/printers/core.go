package printers

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

const (
	// nodeRoleLabelPrefix marks a node role as node-role.kubernetes.io/<role>.
	nodeRoleLabelPrefix = "node-role.kubernetes.io/"
	// nodeRoleLabel is the older kubernetes.io/role=<role> form.
	nodeRoleLabel = "kubernetes.io/role"
)

func nodePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", "The status of the node"),
			column("Roles", "string", "The roles of the node"),
			ageColumn(),
			column("Version", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["kubeletVersion"]),
			wideColumn("Internal-IP", "string", corev1.NodeStatus{}.SwaggerDoc()["addresses"]),
			wideColumn("External-IP", "string", corev1.NodeStatus{}.SwaggerDoc()["addresses"]),
			wideColumn("OS-Image", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["osImage"]),
			wideColumn("Kernel-Version", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["kernelVersion"]),
			wideColumn("Container-Runtime", "string", corev1.NodeSystemInfo{}.SwaggerDoc()["containerRuntimeVersion"]),
		},
		row: cells(printNode),
	}
}

// printNode shows only the Ready condition in STATUS ("Ready", "NotReady",
// "Unknown" when the node never reported it), plus "SchedulingDisabled" for a
// cordoned node.
func printNode(node *corev1.Node, now time.Time) []any {
	var status []string
	for _, c := range node.Status.Conditions {
		if c.Type != corev1.NodeReady {
			continue
		}
		if c.Status == corev1.ConditionTrue {
			status = []string{string(c.Type)}
		} else {
			status = []string{"Not" + string(c.Type)}
		}
	}
	if len(status) == 0 {
		status = append(status, "Unknown")
	}
	if node.Spec.Unschedulable {
		status = append(status, "SchedulingDisabled")
	}

	roles := strings.Join(nodeRoles(node), ",")
	if roles == "" {
		roles = "<none>"
	}

	info := node.Status.NodeInfo
	osImage, kernel, crVersion := info.OSImage, info.KernelVersion, info.ContainerRuntimeVersion
	if osImage == "" {
		osImage = "<unknown>"
	}
	if kernel == "" {
		kernel = "<unknown>"
	}
	if crVersion == "" {
		crVersion = "<unknown>"
	}
	if info.Architecture != "" {
		kernel += " (" + info.Architecture + ")"
	}
	return []any{
		node.Name, strings.Join(status, ","), roles, since(node.CreationTimestamp, now), info.KubeletVersion,
		nodeAddress(node, corev1.NodeInternalIP), nodeAddress(node, corev1.NodeExternalIP), osImage, kernel, crVersion,
	}
}

// nodeRoles collects roles from node-role.kubernetes.io/<role> labels and the
// kubernetes.io/role=<role> label, sorted and without duplicates.
func nodeRoles(node *corev1.Node) []string {
	seen := map[string]bool{}
	for k, v := range node.Labels {
		switch {
		case strings.HasPrefix(k, nodeRoleLabelPrefix):
			if role := strings.TrimPrefix(k, nodeRoleLabelPrefix); role != "" {
				seen[role] = true
			}
		case k == nodeRoleLabel && v != "":
			seen[v] = true
		}
	}
	roles := make([]string, 0, len(seen))
	for r := range seen {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	return roles
}

// nodeAddress is the node's first address of a type, or "<none>".
func nodeAddress(node *corev1.Node, typ corev1.NodeAddressType) string {
	for _, a := range node.Status.Addresses {
		if a.Type == typ {
			return a.Address
		}
	}
	return "<none>"
}

func namespacePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", "The status of the namespace"),
			ageColumn(),
		},
		row: cells(func(ns *corev1.Namespace, now time.Time) []any {
			return []any{ns.Name, string(ns.Status.Phase), since(ns.CreationTimestamp, now)}
		}),
	}
}

func servicePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Type", "string", corev1.ServiceSpec{}.SwaggerDoc()["type"]),
			column("Cluster-IP", "string", corev1.ServiceSpec{}.SwaggerDoc()["clusterIP"]),
			column("External-IP", "string", corev1.ServiceSpec{}.SwaggerDoc()["externalIPs"]),
			column("Port(s)", "string", corev1.ServiceSpec{}.SwaggerDoc()["ports"]),
			ageColumn(),
			wideColumn("Selector", "string", corev1.ServiceSpec{}.SwaggerDoc()["selector"]),
		},
		row: cells(func(svc *corev1.Service, now time.Time) []any {
			clusterIP := "<none>"
			if len(svc.Spec.ClusterIPs) > 0 {
				clusterIP = svc.Spec.ClusterIPs[0]
			}
			ports := servicePorts(svc.Spec.Ports)
			if ports == "" {
				ports = "<none>"
			}
			return []any{svc.Name, string(svc.Spec.Type), clusterIP, serviceExternalIP(svc), ports,
				since(svc.CreationTimestamp, now), labels.FormatLabels(svc.Spec.Selector)}
		}),
	}
}

// serviceExternalIP is the EXTERNAL-IP cell: spec.externalIPs, plus the load
// balancer's addresses for LoadBalancer services ("<pending>" until it has
// one), or the external name.
func serviceExternalIP(svc *corev1.Service) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		if len(svc.Spec.ExternalIPs) > 0 {
			return strings.Join(svc.Spec.ExternalIPs, ",")
		}
		return "<none>"
	case corev1.ServiceTypeLoadBalancer:
		var addrs []string
		for _, in := range svc.Status.LoadBalancer.Ingress {
			switch {
			case in.IP != "":
				addrs = append(addrs, in.IP)
			case in.Hostname != "":
				addrs = append(addrs, in.Hostname)
			}
		}
		// The server prints wide, so upstream's 16-character clipping of
		// these addresses never applies.
		lb := strings.Join(sortedUnique(addrs), ",")
		if len(svc.Spec.ExternalIPs) > 0 {
			var all []string
			if lb != "" {
				all = append(all, strings.Split(lb, ",")...)
			}
			return strings.Join(append(all, svc.Spec.ExternalIPs...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	}
	return "<unknown>"
}

// servicePorts is the PORT(S) cell: "80/TCP", or "80:30080/TCP" with a node port.
func servicePorts(ports []corev1.ServicePort) string {
	pieces := make([]string, len(ports))
	for i, p := range ports {
		pieces[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.NodePort > 0 {
			pieces[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		}
	}
	return strings.Join(pieces, ",")
}

func sortedUnique(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func endpointsPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Endpoints", "string", corev1.Endpoints{}.SwaggerDoc()["subsets"]),
			ageColumn(),
		},
		row: cells(func(ep *corev1.Endpoints, now time.Time) []any {
			return []any{ep.Name, formatEndpoints(ep), since(ep.CreationTimestamp, now)}
		}),
	}
}

// formatEndpoints lists up to three ip:port pairs (bare IPs for port-less
// headless subsets) and counts the rest: "10.0.0.1:80,10.0.0.2:80 + 2 more...".
func formatEndpoints(ep *corev1.Endpoints) string {
	if len(ep.Subsets) == 0 {
		return "<none>"
	}
	const max = 3
	var list []string
	more := false
	count := 0
	for _, ss := range ep.Subsets {
		if len(ss.Ports) == 0 {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				if len(list) == max {
					more = true
					break
				}
				list = append(list, a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				if len(list) == max {
					more = true
					break
				}
				list = append(list, net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, count-max)
	}
	return ret
}

func configMapPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Data", "string", corev1.ConfigMap{}.SwaggerDoc()["data"]),
			ageColumn(),
		},
		row: cells(func(cm *corev1.ConfigMap, now time.Time) []any {
			return []any{cm.Name, int64(len(cm.Data) + len(cm.BinaryData)), since(cm.CreationTimestamp, now)}
		}),
	}
}

func secretPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Type", "string", corev1.Secret{}.SwaggerDoc()["type"]),
			column("Data", "string", corev1.Secret{}.SwaggerDoc()["data"]),
			ageColumn(),
		},
		// stringData is folded into data on write, so data alone is counted.
		row: cells(func(s *corev1.Secret, now time.Time) []any {
			return []any{s.Name, string(s.Type), int64(len(s.Data)), since(s.CreationTimestamp, now)}
		}),
	}
}

func serviceAccountPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{nameColumn(), ageColumn()},
		row: cells(func(sa *corev1.ServiceAccount, now time.Time) []any {
			return []any{sa.Name, since(sa.CreationTimestamp, now)}
		}),
	}
}

func persistentVolumeClaimPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()["phase"]),
			column("Volume", "string", corev1.PersistentVolumeClaimSpec{}.SwaggerDoc()["volumeName"]),
			column("Capacity", "string", corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()["capacity"]),
			column("Access Modes", "string", corev1.PersistentVolumeClaimStatus{}.SwaggerDoc()["accessModes"]),
			column("StorageClass", "string", "StorageClass of the pvc"),
			column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
			ageColumn(),
			wideColumn("VolumeMode", "string", corev1.PersistentVolumeClaimSpec{}.SwaggerDoc()["volumeMode"]),
		},
		row: cells(printPersistentVolumeClaim),
	}
}

// printPersistentVolumeClaim shows capacity and access modes only once the
// claim is bound to a volume; until then those cells are empty.
func printPersistentVolumeClaim(pvc *corev1.PersistentVolumeClaim, now time.Time) []any {
	phase := string(pvc.Status.Phase)
	if pvc.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	capacity, accessModes := "", ""
	if pvc.Spec.VolumeName != "" {
		accessModes = accessModesString(pvc.Status.AccessModes)
		q := pvc.Status.Capacity[corev1.ResourceStorage]
		capacity = q.String()
	}
	// The beta annotation still wins over spec.storageClassName.
	class := ""
	if c, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		class = c
	} else if pvc.Spec.StorageClassName != nil {
		class = *pvc.Spec.StorageClassName
	}
	vac := "<unset>"
	if pvc.Spec.VolumeAttributesClassName != nil {
		vac = *pvc.Spec.VolumeAttributesClassName
	}
	volumeMode := "<unset>"
	if pvc.Spec.VolumeMode != nil {
		volumeMode = string(*pvc.Spec.VolumeMode)
	}
	return []any{pvc.Name, phase, pvc.Spec.VolumeName, capacity, accessModes, class, vac, since(pvc.CreationTimestamp, now), volumeMode}
}

// accessModesString abbreviates access modes in a fixed order: RWO,ROX,RWX,RWOP.
func accessModesString(modes []corev1.PersistentVolumeAccessMode) string {
	has := map[corev1.PersistentVolumeAccessMode]bool{}
	for _, m := range modes {
		has[m] = true
	}
	var out []string
	for _, m := range []struct {
		mode  corev1.PersistentVolumeAccessMode
		short string
	}{
		{corev1.ReadWriteOnce, "RWO"},
		{corev1.ReadOnlyMany, "ROX"},
		{corev1.ReadWriteMany, "RWX"},
		{corev1.ReadWriteOncePod, "RWOP"},
	} {
		if has[m.mode] {
			out = append(out, m.short)
		}
	}
	return strings.Join(out, ",")
}

func eventPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			column("Last Seen", "string", corev1.Event{}.SwaggerDoc()["lastTimestamp"]),
			column("Type", "string", corev1.Event{}.SwaggerDoc()["type"]),
			column("Reason", "string", corev1.Event{}.SwaggerDoc()["reason"]),
			column("Object", "string", corev1.Event{}.SwaggerDoc()["involvedObject"]),
			wideColumn("Subobject", "string", corev1.ObjectReference{}.SwaggerDoc()["fieldPath"]),
			wideColumn("Source", "string", corev1.Event{}.SwaggerDoc()["source"]),
			column("Message", "string", corev1.Event{}.SwaggerDoc()["message"]),
			wideColumn("First Seen", "string", corev1.Event{}.SwaggerDoc()["firstTimestamp"]),
			wideColumn("Count", "string", corev1.Event{}.SwaggerDoc()["count"]),
			{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]},
		},
		row: cells(printEvent),
	}
}

// printEvent reads both event APIs' fields: core/v1 firstTimestamp,
// lastTimestamp and count, and events.k8s.io eventTime, series and
// reportingController/Instance.
func printEvent(ev *corev1.Event, now time.Time) []any {
	first := since(ev.FirstTimestamp, now)
	if ev.FirstTimestamp.IsZero() {
		first = sinceMicro(ev.EventTime, now)
	}
	last := since(ev.LastTimestamp, now)
	if ev.LastTimestamp.IsZero() {
		last = first
	}
	count := ev.Count
	if ev.Series != nil {
		last = sinceMicro(ev.Series.LastObservedTime, now)
		count = ev.Series.Count
	} else if count == 0 {
		// Singleton events of the new API carry no count.
		count = 1
	}

	target := strings.ToLower(ev.InvolvedObject.Kind)
	if ev.InvolvedObject.Name != "" {
		target += "/" + ev.InvolvedObject.Name
	}

	component := firstNonEmpty(ev.Source.Component, ev.ReportingController)
	instance := firstNonEmpty(ev.Source.Host, ev.ReportingInstance)
	source := component
	if instance != "" {
		source = component + ", " + instance
	}
	return []any{last, ev.Type, ev.Reason, target, ev.InvolvedObject.FieldPath, source,
		strings.TrimSpace(ev.Message), first, int64(count), ev.Name}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func replicationControllerPrinter() printer {
	return printer{
		columns: append([]metav1.TableColumnDefinition{
			nameColumn(),
			column("Desired", "integer", corev1.ReplicationControllerSpec{}.SwaggerDoc()["replicas"]),
			column("Current", "integer", corev1.ReplicationControllerStatus{}.SwaggerDoc()["replicas"]),
			column("Ready", "integer", corev1.ReplicationControllerStatus{}.SwaggerDoc()["readyReplicas"]),
			ageColumn(),
		}, append(containersColumns(),
			wideColumn("Selector", "string", corev1.ReplicationControllerSpec{}.SwaggerDoc()["selector"]))...),
		row: cells(func(rc *corev1.ReplicationController, now time.Time) []any {
			var containers []corev1.Container
			if rc.Spec.Template != nil {
				containers = rc.Spec.Template.Spec.Containers
			}
			names, images := containerCells(containers)
			return []any{rc.Name, int64(deref(rc.Spec.Replicas)), int64(rc.Status.Replicas), int64(rc.Status.ReadyReplicas),
				since(rc.CreationTimestamp, now), names, images, labels.FormatLabels(rc.Spec.Selector)}
		}),
	}
}

// deref reads an optional replica count; an unset one converts to 0 in
// upstream's internal types.
func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}
