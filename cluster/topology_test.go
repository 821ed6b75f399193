package cluster

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestDefaultScenarioIsAControlPlaneAndWorkers(t *testing.T) {
	nodes, err := DefaultScenario(2).resolve()
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 3 || nodes[0].Name != "control-plane" || nodes[1].Name != "worker-1" || nodes[2].Name != "worker-2" {
		t.Fatalf("nodes %+v", nodes)
	}
	cp := nodes[0]
	if _, ok := cp.Labels["node-role.kubernetes.io/control-plane"]; !ok {
		t.Errorf("control-plane labels %v", cp.Labels)
	}
	if len(cp.Taints) != 1 || cp.Taints[0].Key != "node-role.kubernetes.io/control-plane" || cp.Taints[0].Effect != corev1.TaintEffectNoSchedule {
		t.Errorf("control-plane taints %v", cp.Taints)
	}
	w := nodes[2]
	if len(w.Taints) != 0 || w.PodCIDR != "10.244.2.0/24" || w.InternalIP != "172.18.0.4" {
		t.Errorf("worker-2: taints %v podCIDR %s IP %s", w.Taints, w.PodCIDR, w.InternalIP)
	}
	if cpu := w.Capacity[corev1.ResourceCPU]; cpu.String() != "4" {
		t.Errorf("worker cpu %s", cpu.String())
	}
	if w.Labels["kubernetes.io/hostname"] != "worker-2" {
		t.Errorf("worker labels %v", w.Labels)
	}
}

func TestParseScenario(t *testing.T) {
	tests := []struct {
		name, yaml, err string
	}{
		{"a scenario with zones, labels and taints parses", `
nodes:
- name: cp
  role: control-plane
- name: gpu-1
  cpu: "8"
  memory: 32Gi
  zone: zone-a
  labels: {accelerator: gpu}
  taints: ["gpu=true:NoSchedule"]
`, ""},
		{"an unknown field names its line", "nodes:\n- name: a\n  cpus: 4\n", "line 3: field cpus not found"},
		{"a bad quantity names the node", "nodes:\n- name: a\n  memory: lots\n", `node "a": memory "lots"`},
		{"a bad taint effect is refused", "nodes:\n- name: a\n  taints: [\"x=y:Never\"]\n", `effect "Never" is not one of`},
		{"a node needs a name", "nodes:\n- cpu: \"2\"\n", "nodes[0]: name is required"},
		{"a node name is a DNS subdomain", "nodes:\n- name: Worker_1\n", `node "Worker_1": invalid name`},
		{"names are unique", "nodes:\n- name: a\n- name: a\n", "listed twice"},
		{"an empty scenario is refused", "nodes: []\n", "no nodes"},
		{"bad YAML names its line", "nodes:\n  - name: [\n", "line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tt.yaml))
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want one containing %q", err, tt.err)
			}
		})
	}
}
