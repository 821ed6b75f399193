package framework

import "testing"

func TestFitErrorMessage(t *testing.T) {
	taint := NewStatus(UnschedulableAndUnresolvable, "node(s) had untolerated taint(s)")
	cpu := NewStatus(UnschedulableAndUnresolvable, "Insufficient cpu")
	cpuMem := NewStatus(Unschedulable, "Insufficient cpu", "Insufficient memory")
	tests := []struct {
		name  string
		nodes map[string]*Status
		pre   string
		post  string
		want  string
	}{
		{"reasons are counted and sorted as strings", map[string]*Status{"control-plane": taint, "worker-1": cpu, "worker-2": cpu},
			"", "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
			"0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."},
		{"a node with two reasons counts each", map[string]*Status{"a": cpuMem, "b": cpu, "c": taint}, "", "",
			"0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 2 Insufficient cpu."},
		{"a PreFilter message replaces the per-node reasons", map[string]*Status{}, "pod affinity terms conflict", "",
			"0/3 nodes are available: pod affinity terms conflict."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewDefaultNodeToStatus()
			for n, s := range tt.nodes {
				m.Set(n, s)
			}
			fe := &FitError{NumAllNodes: 3, Diagnosis: Diagnosis{NodeToStatus: m, PreFilterMsg: tt.pre, PostFilterMsg: tt.post}}
			if got := fe.Error(); got != tt.want {
				t.Errorf("\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
