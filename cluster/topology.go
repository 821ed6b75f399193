package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"

	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Topology. A cluster's nodes come from a scenario: by default a kubeadm-
// or kind-like cluster of one tainted control-plane node and two workers,
// or whatever a scenario file (YAML, e.g. fixtures/scenarios/*.yaml) says.
//
//	nodes:
//	- name: control-plane
//	  role: control-plane        # labels and taints as kubeadm sets them
//	- name: worker-1
//	  cpu: "4"                   # capacity; defaults 4 CPU, 8Gi, 110 pods, 100Gi disk
//	  memory: 8Gi
//	  zone: zone-a               # topology.kubernetes.io/zone
//	  labels: {disktype: ssd}
//	  taints: ["gpu=true:NoSchedule"]

// Scenario is a cluster layout.
type Scenario struct {
	Nodes []NodeSpec `yaml:"nodes"`
}

// NodeSpec is one node of a scenario.
type NodeSpec struct {
	Name string `yaml:"name"`
	// Role "control-plane" adds kubeadm's control-plane label and taint.
	Role             string            `yaml:"role"`
	CPU              string            `yaml:"cpu"`
	Memory           string            `yaml:"memory"`
	Pods             string            `yaml:"pods"`
	EphemeralStorage string            `yaml:"ephemeralStorage"`
	Zone             string            `yaml:"zone"`
	Labels           map[string]string `yaml:"labels"`
	Taints           []string          `yaml:"taints"`
	// PodCIDR and InternalIP default to kind's layout: 10.244.N.0/24 and
	// 172.18.0.N+2 for the Nth node.
	PodCIDR    string `yaml:"podCIDR"`
	InternalIP string `yaml:"internalIP"`
	// Runtime is the node's container runtime handler ("sim", "containerd").
	Runtime string `yaml:"runtime"`
}

// Node is a node ready to register: a NodeSpec with defaults applied and
// values parsed.
type Node struct {
	Name       string
	Capacity   corev1.ResourceList
	Labels     map[string]string
	Taints     []corev1.Taint
	PodCIDR    string
	InternalIP string
	Runtime    string
}

const controlPlaneRole = "control-plane"

// DefaultScenario is one control-plane node and the given number of
// workers (worker-1, worker-2, ...).
func DefaultScenario(workers int) Scenario {
	s := Scenario{Nodes: []NodeSpec{{Name: "control-plane", Role: controlPlaneRole}}}
	for i := 1; i <= workers; i++ {
		s.Nodes = append(s.Nodes, NodeSpec{Name: fmt.Sprintf("worker-%d", i)})
	}
	return s
}

// ParseScenario reads a scenario from YAML. Errors name the line and the
// field at fault.
func ParseScenario(data []byte) (Scenario, error) {
	var s Scenario
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	if len(s.Nodes) == 0 {
		return Scenario{}, errors.New("scenario: no nodes")
	}
	if _, err := s.resolve(); err != nil {
		return Scenario{}, err
	}
	return s, nil
}

// resolve applies defaults and parses every node.
func (s Scenario) resolve() ([]Node, error) {
	seen := map[string]bool{}
	var nodes []Node
	for i, spec := range s.Nodes {
		where := fmt.Sprintf("scenario: nodes[%d]", i)
		if spec.Name == "" {
			return nil, fmt.Errorf("%s: name is required", where)
		}
		where = fmt.Sprintf("scenario: node %q", spec.Name)
		if msgs := validation.IsDNS1123Subdomain(spec.Name); len(msgs) > 0 {
			return nil, fmt.Errorf("%s: invalid name: %s", where, strings.Join(msgs, "; "))
		}
		if seen[spec.Name] {
			return nil, fmt.Errorf("%s: listed twice", where)
		}
		seen[spec.Name] = true
		n, err := spec.node(i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

func (spec NodeSpec) node(index int) (Node, error) {
	n := Node{Name: spec.Name, Runtime: spec.Runtime, Capacity: corev1.ResourceList{}}
	for _, q := range []struct {
		name  corev1.ResourceName
		value string
		def   string
	}{
		{corev1.ResourceCPU, spec.CPU, "4"},
		{corev1.ResourceMemory, spec.Memory, "8Gi"},
		{corev1.ResourcePods, spec.Pods, "110"},
		{corev1.ResourceEphemeralStorage, spec.EphemeralStorage, "100Gi"},
	} {
		v := q.value
		if v == "" {
			v = q.def
		}
		parsed, err := resource.ParseQuantity(v)
		if err != nil {
			return Node{}, fmt.Errorf("%s %q: %w", q.name, v, err)
		}
		n.Capacity[q.name] = parsed
	}

	// The labels a kubelet and kubeadm put on a node.
	n.Labels = map[string]string{
		"kubernetes.io/hostname":  spec.Name,
		"kubernetes.io/os":        "linux",
		"kubernetes.io/arch":      "amd64",
		"beta.kubernetes.io/os":   "linux",
		"beta.kubernetes.io/arch": "amd64",
	}
	switch spec.Role {
	case "", "worker":
	case controlPlaneRole:
		n.Labels["node-role.kubernetes.io/control-plane"] = ""
		n.Labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
		n.Taints = append(n.Taints, corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule})
	default:
		return Node{}, fmt.Errorf("role %q: want control-plane or worker", spec.Role)
	}
	if spec.Zone != "" {
		n.Labels["topology.kubernetes.io/zone"] = spec.Zone
	}
	for k, v := range spec.Labels {
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			return Node{}, fmt.Errorf("label %q: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
			return Node{}, fmt.Errorf("label %s=%q: %s", k, v, strings.Join(msgs, "; "))
		}
		n.Labels[k] = v
	}
	for _, t := range spec.Taints {
		taint, err := ParseTaint(t)
		if err != nil {
			return Node{}, err
		}
		n.Taints = append(n.Taints, taint)
	}

	n.PodCIDR = spec.PodCIDR
	if n.PodCIDR == "" {
		n.PodCIDR = fmt.Sprintf("10.244.%d.0/24", index)
	}
	if _, _, err := net.ParseCIDR(n.PodCIDR); err != nil {
		return Node{}, fmt.Errorf("podCIDR: %w", err)
	}
	n.InternalIP = spec.InternalIP
	if n.InternalIP == "" {
		n.InternalIP = fmt.Sprintf("172.18.0.%d", index+2)
	}
	if net.ParseIP(n.InternalIP) == nil {
		return Node{}, fmt.Errorf("internalIP %q is not an IP address", n.InternalIP)
	}
	return n, nil
}

// ParseTaint reads a taint written as kubectl taint does: KEY[=VALUE]:EFFECT.
func ParseTaint(s string) (corev1.Taint, error) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok {
		return corev1.Taint{}, fmt.Errorf("taint %q: want KEY[=VALUE]:EFFECT", s)
	}
	key, value, _ := strings.Cut(kv, "=")
	switch e := corev1.TaintEffect(effect); e {
	case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
	default:
		return corev1.Taint{}, fmt.Errorf("taint %q: effect %q is not one of NoSchedule, PreferNoSchedule, NoExecute", s, effect)
	}
	if msgs := validation.IsQualifiedName(key); len(msgs) > 0 {
		return corev1.Taint{}, fmt.Errorf("taint %q: key: %s", s, strings.Join(msgs, "; "))
	}
	if msgs := validation.IsValidLabelValue(value); len(msgs) > 0 {
		return corev1.Taint{}, fmt.Errorf("taint %q: value: %s", s, strings.Join(msgs, "; "))
	}
	return corev1.Taint{Key: key, Value: value, Effect: corev1.TaintEffect(effect)}, nil
}
