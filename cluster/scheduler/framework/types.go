package framework

import (
	"fmt"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/resource"
)

// MaxNodeScore is the highest score a Score plugin may give after NormalizeScore.
const MaxNodeScore int64 = 100

// The requests the scheduler assumes for a container that sets none, when it
// spreads load (upstream's schedutil.DefaultMilliCPURequest/DefaultMemoryRequest).
const (
	DefaultMilliCPURequest int64 = 100               // 0.1 core
	DefaultMemoryRequest   int64 = 200 * 1024 * 1024 // 200 MB
)

// Resource is an amount of compute resources, as upstream's framework.Resource.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	AllowedPodNumber int
	ScalarResources  map[v1.ResourceName]int64
}

// NewResource converts a ResourceList.
func NewResource(rl v1.ResourceList) *Resource {
	r := &Resource{}
	r.Add(rl)
	return r
}

// Add adds a ResourceList.
func (r *Resource) Add(rl v1.ResourceList) {
	for name, q := range rl {
		switch name {
		case v1.ResourceCPU:
			r.MilliCPU += q.MilliValue()
		case v1.ResourceMemory:
			r.Memory += q.Value()
		case v1.ResourcePods:
			r.AllowedPodNumber += int(q.Value())
		case v1.ResourceEphemeralStorage:
			r.EphemeralStorage += q.Value()
		default:
			if isScalarResourceName(name) {
				if r.ScalarResources == nil {
					r.ScalarResources = map[v1.ResourceName]int64{}
				}
				r.ScalarResources[name] += q.Value()
			}
		}
	}
}

func (r *Resource) add(o *Resource, sign int64) {
	r.MilliCPU += sign * o.MilliCPU
	r.Memory += sign * o.Memory
	r.EphemeralStorage += sign * o.EphemeralStorage
	r.AllowedPodNumber += int(sign) * o.AllowedPodNumber
	for k, v := range o.ScalarResources {
		if r.ScalarResources == nil {
			r.ScalarResources = map[v1.ResourceName]int64{}
		}
		r.ScalarResources[k] += sign * v
	}
}

// Clone returns a copy.
func (r *Resource) Clone() *Resource {
	c := *r
	if r.ScalarResources != nil {
		c.ScalarResources = make(map[v1.ResourceName]int64, len(r.ScalarResources))
		for k, v := range r.ScalarResources {
			c.ScalarResources[k] = v
		}
	}
	return &c
}

// isScalarResourceName reports extended resources, hugepages and
// attachable-volumes: the ones NodeResourcesFit counts by name.
func isScalarResourceName(name v1.ResourceName) bool {
	s := string(name)
	if strings.HasPrefix(s, v1.ResourceHugePagesPrefix) || strings.HasPrefix(s, v1.ResourceAttachableVolumesPrefix) {
		return true
	}
	// Extended resources are domain-qualified and outside kubernetes.io.
	return strings.Contains(s, "/") && !strings.Contains(s, v1.ResourceDefaultNamespacePrefix)
}

// PodRequests is what the pod asks for as the scheduler counts it: the larger
// of the init containers' and the containers' requests (sidecars included),
// plus the pod overhead (k8s.io/component-helpers/resource.PodRequests).
func PodRequests(pod *v1.Pod) *Resource {
	return NewResource(resource.PodRequests(pod, resource.PodResourcesOptions{}))
}

// PodNonZeroRequests is PodRequests with the default cpu and memory requests
// filled in for containers that set none, as upstream uses for scoring.
func PodNonZeroRequests(pod *v1.Pod) *Resource {
	return NewResource(resource.PodRequests(pod, resource.PodResourcesOptions{
		NonMissingContainerRequests: v1.ResourceList{
			v1.ResourceCPU:    *apiresource.NewMilliQuantity(DefaultMilliCPURequest, apiresource.DecimalSI),
			v1.ResourceMemory: *apiresource.NewQuantity(DefaultMemoryRequest, apiresource.DecimalSI),
		},
	}))
}

// AffinityTerm is a parsed PodAffinityTerm.
type AffinityTerm struct {
	Namespaces        sets.Set[string]
	Selector          labels.Selector
	TopologyKey       string
	NamespaceSelector labels.Selector
}

// Matches reports whether pod (whose namespace carries nsLabels) is selected
// by the term: the pod is in one of the term's namespaces, or its namespace
// matches the namespace selector, and its labels match the label selector.
func (t *AffinityTerm) Matches(pod *v1.Pod, nsLabels labels.Set) bool {
	if t.Namespaces.Has(pod.Namespace) || t.NamespaceSelector.Matches(nsLabels) {
		return t.Selector.Matches(labels.Set(pod.Labels))
	}
	return false
}

// WeightedAffinityTerm is a parsed WeightedPodAffinityTerm.
type WeightedAffinityTerm struct {
	AffinityTerm
	Weight int32
}

// PodInfo is a pod with its affinity terms parsed once.
type PodInfo struct {
	Pod                        *v1.Pod
	RequiredAffinityTerms      []AffinityTerm
	RequiredAntiAffinityTerms  []AffinityTerm
	PreferredAffinityTerms     []WeightedAffinityTerm
	PreferredAntiAffinityTerms []WeightedAffinityTerm
	// ParseError is set when a term's selector does not parse; such terms are dropped.
	ParseError error
}

// NewPodInfo parses pod's affinity terms.
func NewPodInfo(pod *v1.Pod) *PodInfo {
	pi := &PodInfo{Pod: pod}
	aff := pod.Spec.Affinity
	if aff == nil {
		return pi
	}
	if a := aff.PodAffinity; a != nil {
		pi.RequiredAffinityTerms = pi.terms(a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.PreferredAffinityTerms = pi.weightedTerms(a.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	if a := aff.PodAntiAffinity; a != nil {
		pi.RequiredAntiAffinityTerms = pi.terms(a.RequiredDuringSchedulingIgnoredDuringExecution)
		pi.PreferredAntiAffinityTerms = pi.weightedTerms(a.PreferredDuringSchedulingIgnoredDuringExecution)
	}
	return pi
}

func (pi *PodInfo) terms(in []v1.PodAffinityTerm) []AffinityTerm {
	var out []AffinityTerm
	for i := range in {
		t, err := newAffinityTerm(pi.Pod, &in[i])
		if err != nil {
			pi.ParseError = err
			continue
		}
		out = append(out, *t)
	}
	return out
}

func (pi *PodInfo) weightedTerms(in []v1.WeightedPodAffinityTerm) []WeightedAffinityTerm {
	var out []WeightedAffinityTerm
	for i := range in {
		t, err := newAffinityTerm(pi.Pod, &in[i].PodAffinityTerm)
		if err != nil {
			pi.ParseError = err
			continue
		}
		out = append(out, WeightedAffinityTerm{AffinityTerm: *t, Weight: in[i].Weight})
	}
	return out
}

func newAffinityTerm(pod *v1.Pod, term *v1.PodAffinityTerm) (*AffinityTerm, error) {
	selector, err := metav1.LabelSelectorAsSelector(term.LabelSelector)
	if err != nil {
		return nil, err
	}
	nsSelector, err := metav1.LabelSelectorAsSelector(term.NamespaceSelector)
	if err != nil {
		return nil, err
	}
	// No namespaces and no namespace selector means the pod's own namespace.
	namespaces := sets.New(term.Namespaces...)
	if len(term.Namespaces) == 0 && term.NamespaceSelector == nil {
		namespaces.Insert(pod.Namespace)
	}
	return &AffinityTerm{Namespaces: namespaces, Selector: selector, TopologyKey: term.TopologyKey, NamespaceSelector: nsSelector}, nil
}

// HasAffinity reports any pod affinity or anti-affinity term.
func (pi *PodInfo) HasAffinity() bool {
	return len(pi.RequiredAffinityTerms)+len(pi.RequiredAntiAffinityTerms)+len(pi.PreferredAffinityTerms)+len(pi.PreferredAntiAffinityTerms) > 0
}

// ProtocolPort is a host port in use.
type ProtocolPort struct {
	Protocol string
	Port     int32
}

// DefaultBindAllHostIP is the host IP a port without one binds.
const DefaultBindAllHostIP = "0.0.0.0"

// HostPortInfo is the host ports in use on a node, by host IP.
type HostPortInfo map[string]map[ProtocolPort]struct{}

func sanitizePort(ip, protocol string) (string, string) {
	if ip == "" {
		ip = DefaultBindAllHostIP
	}
	if protocol == "" {
		protocol = string(v1.ProtocolTCP)
	}
	return ip, protocol
}

// Add records a port in use.
func (h HostPortInfo) Add(ip, protocol string, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitizePort(ip, protocol)
	if h[ip] == nil {
		h[ip] = map[ProtocolPort]struct{}{}
	}
	h[ip][ProtocolPort{protocol, port}] = struct{}{}
}

// Remove forgets a port.
func (h HostPortInfo) Remove(ip, protocol string, port int32) {
	if port <= 0 {
		return
	}
	ip, protocol = sanitizePort(ip, protocol)
	if m := h[ip]; m != nil {
		delete(m, ProtocolPort{protocol, port})
		if len(m) == 0 {
			delete(h, ip)
		}
	}
}

// CheckConflict reports whether (ip, protocol, port) collides with a port in
// use: 0.0.0.0 collides with every IP, any other IP with itself and 0.0.0.0.
func (h HostPortInfo) CheckConflict(ip, protocol string, port int32) bool {
	if port <= 0 {
		return false
	}
	ip, protocol = sanitizePort(ip, protocol)
	pp := ProtocolPort{protocol, port}
	if ip == DefaultBindAllHostIP {
		for _, m := range h {
			if _, ok := m[pp]; ok {
				return true
			}
		}
		return false
	}
	for _, key := range []string{DefaultBindAllHostIP, ip} {
		if _, ok := h[key][pp]; ok {
			return true
		}
	}
	return false
}

// HostPorts returns the container ports of pod that take a host port: every
// container's, and the init containers' that run for the pod's lifetime
// (restartPolicy Always sidecars), as upstream's util.GetHostPorts.
func HostPorts(pod *v1.Pod) []v1.ContainerPort {
	var ports []v1.ContainerPort
	for _, c := range pod.Spec.InitContainers {
		if c.RestartPolicy == nil || *c.RestartPolicy != v1.ContainerRestartPolicyAlways {
			continue
		}
		for _, p := range c.Ports {
			if p.HostPort > 0 {
				ports = append(ports, p)
			}
		}
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.HostPort > 0 {
				ports = append(ports, p)
			}
		}
	}
	return ports
}

// ImageStateSummary is an image on a node: its size and how many nodes have it.
type ImageStateSummary struct {
	Size     int64
	NumNodes int
}

// NodeInfo is a node with the pods the scheduler counts on it.
type NodeInfo struct {
	node *v1.Node
	// Pods are the pods bound or assumed on the node, in the order they came.
	Pods []*PodInfo
	// PodsWithAffinity and PodsWithRequiredAntiAffinity are subsets of Pods.
	PodsWithAffinity             []*PodInfo
	PodsWithRequiredAntiAffinity []*PodInfo
	UsedPorts                    HostPortInfo
	// Requested sums the pods' requests; NonZeroRequested counts containers
	// without requests at the scheduler's defaults, for spreading scores.
	Requested        *Resource
	NonZeroRequested *Resource
	Allocatable      *Resource
	// ImageStates are the node's images, by normalized name.
	ImageStates map[string]*ImageStateSummary
	// Generation changes with every change to the NodeInfo.
	Generation int64
}

// NewNodeInfo returns a NodeInfo holding pods (and no node yet).
func NewNodeInfo(pods ...*v1.Pod) *NodeInfo {
	ni := &NodeInfo{
		UsedPorts:        HostPortInfo{},
		Requested:        &Resource{},
		NonZeroRequested: &Resource{},
		Allocatable:      &Resource{},
		ImageStates:      map[string]*ImageStateSummary{},
	}
	for _, p := range pods {
		ni.AddPod(p)
	}
	return ni
}

// Node returns the node; nil while only pods are known.
func (n *NodeInfo) Node() *v1.Node {
	if n == nil {
		return nil
	}
	return n.node
}

// SetNode sets the node and its allocatable resources.
func (n *NodeInfo) SetNode(node *v1.Node) {
	n.node = node
	n.Allocatable = NewResource(node.Status.Allocatable)
}

// RemoveNode forgets the node but keeps its pods.
func (n *NodeInfo) RemoveNode() { n.node = nil }

// AddPod counts a pod on the node.
func (n *NodeInfo) AddPod(pod *v1.Pod) { n.AddPodInfo(NewPodInfo(pod)) }

// AddPodInfo counts a parsed pod on the node.
func (n *NodeInfo) AddPodInfo(pi *PodInfo) {
	n.Pods = append(n.Pods, pi)
	if pi.HasAffinity() {
		n.PodsWithAffinity = append(n.PodsWithAffinity, pi)
	}
	if len(pi.RequiredAntiAffinityTerms) > 0 {
		n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, pi)
	}
	n.update(pi.Pod, 1)
}

// RemovePod stops counting the pod with pod's UID; it reports whether it was there.
func (n *NodeInfo) RemovePod(pod *v1.Pod) bool {
	idx := -1
	for i, p := range n.Pods {
		if p.Pod.UID == pod.UID {
			idx = i
			break
		}
	}
	if idx < 0 {
		return false
	}
	old := n.Pods[idx].Pod
	n.Pods = append(n.Pods[:idx:idx], n.Pods[idx+1:]...)
	n.PodsWithAffinity = removeByUID(n.PodsWithAffinity, pod.UID)
	n.PodsWithRequiredAntiAffinity = removeByUID(n.PodsWithRequiredAntiAffinity, pod.UID)
	n.update(old, -1)
	return true
}

func removeByUID(list []*PodInfo, uid types.UID) []*PodInfo {
	out := list[:0:0]
	for _, p := range list {
		if p.Pod.UID != uid {
			out = append(out, p)
		}
	}
	return out
}

func (n *NodeInfo) update(pod *v1.Pod, sign int64) {
	n.Requested.add(PodRequests(pod), sign)
	n.NonZeroRequested.add(PodNonZeroRequests(pod), sign)
	for _, p := range HostPorts(pod) {
		if sign > 0 {
			n.UsedPorts.Add(p.HostIP, string(p.Protocol), p.HostPort)
		} else {
			n.UsedPorts.Remove(p.HostIP, string(p.Protocol), p.HostPort)
		}
	}
}

// Clone returns a copy that can change without touching n (pods are shared).
func (n *NodeInfo) Clone() *NodeInfo {
	c := &NodeInfo{
		node:                         n.node,
		Pods:                         append([]*PodInfo(nil), n.Pods...),
		PodsWithAffinity:             append([]*PodInfo(nil), n.PodsWithAffinity...),
		PodsWithRequiredAntiAffinity: append([]*PodInfo(nil), n.PodsWithRequiredAntiAffinity...),
		UsedPorts:                    HostPortInfo{},
		Requested:                    n.Requested.Clone(),
		NonZeroRequested:             n.NonZeroRequested.Clone(),
		Allocatable:                  n.Allocatable.Clone(),
		ImageStates:                  n.ImageStates,
		Generation:                   n.Generation,
	}
	for ip, m := range n.UsedPorts {
		c.UsedPorts[ip] = make(map[ProtocolPort]struct{}, len(m))
		for k := range m {
			c.UsedPorts[ip][k] = struct{}{}
		}
	}
	return c
}

// NodeScore is one node's score from one plugin.
type NodeScore struct {
	Name  string
	Score int64
}

// NodeScoreList is a plugin's scores for the nodes being scored, in their order.
type NodeScoreList []NodeScore

// PluginScore is one plugin's contribution to a node's total.
type PluginScore struct {
	Plugin string
	// Raw is what Score returned, Normalized what NormalizeScore made of it
	// (equal when the plugin has no NormalizeScore), Weighted is Normalized
	// times the plugin's weight: what the total adds up.
	Raw, Normalized, Weighted int64
	Weight                    int32
}

// NodePluginScores is one node's scores, by plugin in profile order.
type NodePluginScores struct {
	Name       string
	Scores     []PluginScore
	TotalScore int64
}

// PreFilterResult narrows the nodes a pod is filtered against; nil means all.
type PreFilterResult struct {
	NodeNames sets.Set[string]
}

// AllNodes reports that the result does not narrow the nodes.
func (r *PreFilterResult) AllNodes() bool { return r == nil || r.NodeNames == nil }

// Merge intersects two results.
func (r *PreFilterResult) Merge(o *PreFilterResult) *PreFilterResult {
	if r.AllNodes() {
		return o
	}
	if o.AllNodes() {
		return r
	}
	return &PreFilterResult{NodeNames: r.NodeNames.Intersection(o.NodeNames)}
}

// NodeToStatus holds the verdict for the nodes a pod did not fit: explicit
// per node, and one for the nodes not listed (those a PreFilter ruled out).
type NodeToStatus struct {
	nodes  map[string]*Status
	absent *Status
}

// NewDefaultNodeToStatus treats unlisted nodes as UnschedulableAndUnresolvable
// with no reason, as upstream's default.
func NewDefaultNodeToStatus() *NodeToStatus {
	return &NodeToStatus{nodes: map[string]*Status{}, absent: NewStatus(UnschedulableAndUnresolvable)}
}

// Set records a node's status.
func (m *NodeToStatus) Set(node string, s *Status) { m.nodes[node] = s }

// Get returns a node's status, the absent status when the node is not listed.
func (m *NodeToStatus) Get(node string) *Status {
	if s, ok := m.nodes[node]; ok {
		return s
	}
	return m.absent
}

// Len is the number of listed nodes.
func (m *NodeToStatus) Len() int { return len(m.nodes) }

// AbsentNodesStatus is the status of unlisted nodes.
func (m *NodeToStatus) AbsentNodesStatus() *Status { return m.absent }

// SetAbsentNodesStatus sets the status of unlisted nodes.
func (m *NodeToStatus) SetAbsentNodesStatus(s *Status) { m.absent = s }

// Nodes returns the listed node names in order.
func (m *NodeToStatus) Nodes() []string {
	out := make([]string, 0, len(m.nodes))
	for n := range m.nodes {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// NodesForStatusCode returns, of all, the nodes whose status has code.
func (m *NodeToStatus) NodesForStatusCode(all []*NodeInfo, code Code) []*NodeInfo {
	var out []*NodeInfo
	for _, ni := range all {
		if m.Get(ni.Node().Name).Code() == code {
			out = append(out, ni)
		}
	}
	return out
}

// Diagnosis is why a pod fit no node.
type Diagnosis struct {
	NodeToStatus *NodeToStatus
	// UnschedulablePlugins are the plugins that rejected the pod somewhere;
	// events that may change their minds move the pod back to the queue.
	UnschedulablePlugins sets.Set[string]
	PreFilterMsg         string
	PostFilterMsg        string
}

// AddPluginStatus records the plugin behind a rejection.
func (d *Diagnosis) AddPluginStatus(s *Status) {
	if s.Plugin() == "" || !s.IsRejected() {
		return
	}
	if d.UnschedulablePlugins == nil {
		d.UnschedulablePlugins = sets.New[string]()
	}
	d.UnschedulablePlugins.Insert(s.Plugin())
}

// NoNodeAvailableMsg starts every FitError message.
const NoNodeAvailableMsg = "0/%v nodes are available"

// FitError is a pod that fit no node.
type FitError struct {
	Pod         *v1.Pod
	NumAllNodes int
	Diagnosis   Diagnosis
}

// Error renders the FailedScheduling message exactly as upstream's
// FitError.Error: the PreFilter message, or each filter reason counted over
// the nodes and sorted as strings, then the PostFilter message.
func (f *FitError) Error() string {
	msg := fmt.Sprintf(NoNodeAvailableMsg+":", f.NumAllNodes)
	if pre := f.Diagnosis.PreFilterMsg; pre != "" {
		msg += fmt.Sprintf(" %v.", pre)
	} else {
		counts := map[string]int{}
		for _, node := range f.Diagnosis.NodeToStatus.Nodes() {
			for _, r := range f.Diagnosis.NodeToStatus.Get(node).Reasons() {
				counts[r]++
			}
		}
		if n := f.Diagnosis.NodeToStatus.Len(); n < f.NumAllNodes {
			for _, r := range f.Diagnosis.NodeToStatus.AbsentNodesStatus().Reasons() {
				counts[r] += f.NumAllNodes - n
			}
		}
		var parts []string
		for r, c := range counts {
			parts = append(parts, fmt.Sprintf("%v %v", c, r))
		}
		sort.Strings(parts)
		if len(parts) > 0 {
			msg += fmt.Sprintf(" %v.", strings.Join(parts, ", "))
		}
	}
	if post := f.Diagnosis.PostFilterMsg; post != "" {
		msg += " " + post
	}
	return msg
}
