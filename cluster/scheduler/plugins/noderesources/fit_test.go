package noderesources

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubelab/cluster/scheduler/framework"
)

func node(cpu, mem string, pods ...*v1.Pod) *framework.NodeInfo {
	ni := framework.NewNodeInfo(pods...)
	rl := v1.ResourceList{v1.ResourceCPU: resource.MustParse(cpu), v1.ResourceMemory: resource.MustParse(mem), v1.ResourcePods: resource.MustParse("110")}
	ni.SetNode(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: v1.NodeStatus{Capacity: rl, Allocatable: rl}})
	return ni
}

func pod(cpu, mem string) *v1.Pod {
	req := v1.ResourceList{}
	if cpu != "" {
		req[v1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		req[v1.ResourceMemory] = resource.MustParse(mem)
	}
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "p-" + "uid"},
		Spec: v1.PodSpec{Containers: []v1.Container{{Name: "c", Resources: v1.ResourceRequirements{Requests: req}}}}}
}

func withInit(p *v1.Pod, cpu string) *v1.Pod {
	p.Spec.InitContainers = []v1.Container{{Name: "init", Resources: v1.ResourceRequirements{Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse(cpu)}}}}
	return p
}

func withOverhead(p *v1.Pod, cpu string) *v1.Pod {
	p.Spec.Overhead = v1.ResourceList{v1.ResourceCPU: resource.MustParse(cpu)}
	return p
}

func running(name, cpu string) *v1.Pod {
	p := pod(cpu, "")
	p.Name, p.UID = name, types.UID("uid-"+name)
	return p
}

func TestFitFilter(t *testing.T) {
	tests := []struct {
		name string
		pod  *v1.Pod
		node *framework.NodeInfo
		code framework.Code
		msg  string
	}{
		{"pod that fits the free cpu passes", pod("1", "1Gi"), node("4", "8Gi"), framework.Success, ""},
		{"pod asking more cpu than is free is Unschedulable", pod("2", ""), node("4", "8Gi", running("a", "3")), framework.Unschedulable, "Insufficient cpu"},
		{"pod asking more cpu than the node has is UnschedulableAndUnresolvable", pod("64", ""), node("4", "8Gi"), framework.UnschedulableAndUnresolvable, "Insufficient cpu"},
		{"pod short of cpu and memory lists both", pod("8", "16Gi"), node("4", "8Gi"), framework.UnschedulableAndUnresolvable, "Insufficient cpu, Insufficient memory"},
		{"init container larger than the containers counts", withInit(pod("1", ""), "5"), node("4", "8Gi"), framework.UnschedulableAndUnresolvable, "Insufficient cpu"},
		{"pod overhead counts", withOverhead(pod("4", ""), "100m"), node("4", "8Gi"), framework.UnschedulableAndUnresolvable, "Insufficient cpu"},
		{"pod without requests fits a full node", pod("", ""), node("4", "8Gi", running("a", "4")), framework.Success, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Fit{}
			state := framework.NewCycleState()
			f.PreFilter(context.Background(), state, tt.pod, nil)
			got := f.Filter(context.Background(), state, tt.pod, tt.node)
			if got.Code() != tt.code || got.Message() != tt.msg {
				t.Errorf("Filter = %v, want %v %q", got, tt.code, tt.msg)
			}
		})
	}
}

func TestFitFilterCountsPods(t *testing.T) {
	ni := node("4", "8Gi", running("a", ""))
	ni.Allocatable.AllowedPodNumber = 1
	got := (&Fit{}).Filter(context.Background(), framework.NewCycleState(), pod("", ""), ni)
	if got.Code() != framework.Unschedulable || got.Message() != "Too many pods" {
		t.Errorf("Filter = %v, want Unschedulable: Too many pods", got)
	}
}

func TestLeastAllocatedAndBalancedScores(t *testing.T) {
	tests := []struct {
		name          string
		pod           *v1.Pod
		node          *framework.NodeInfo
		fit, balanced int64
	}{
		// LeastAllocated: cpu (4000-1000)/4000 = 75, memory (8Gi-2Gi)/8Gi = 75.
		// Balanced: fractions (0.25, 0.25) with the pod and (0, 0) without are
		// both perfectly even: 50 + (50 + 100 - 100) / 2 = 75.
		{"pod taking a quarter of an empty node leaves 75 free", pod("1", "2Gi"), node("4", "8Gi"), 75, 75},
		// BestEffort pod: scored at the 100m / 200Mi defaults.
		{"pod without requests is scored at the default requests", pod("", ""), node("4", "8Gi"), (3900*100/4000 + (8192-200)*100/8192) / 2, -1},
		// With 2 cpu used and the pod adding 2Gi, fractions go from (0.5, 0)
		// (score 75) to (0.5, 0.25) (score 87): 50 + (50 + 87 - 75) / 2 = 81.
		{"pod evening out cpu and memory scores above 75", pod("", "2Gi"), node("4", "8Gi", running("a", "2")), -1, 81},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := framework.NewCycleState()
			if tt.fit >= 0 {
				f := &Fit{}
				f.PreScore(context.Background(), state, tt.pod, nil)
				if got, _ := f.Score(context.Background(), state, tt.pod, tt.node); got != tt.fit {
					t.Errorf("LeastAllocated = %d, want %d", got, tt.fit)
				}
			}
			if tt.balanced >= 0 {
				ba := &BalancedAllocation{}
				if st := ba.PreScore(context.Background(), state, tt.pod, nil); st.IsSkip() {
					t.Fatal("BalancedAllocation skipped a pod with requests")
				}
				if got, _ := ba.Score(context.Background(), state, tt.pod, tt.node); got != tt.balanced {
					t.Errorf("BalancedAllocation = %d, want %d", got, tt.balanced)
				}
			}
		})
	}
}
