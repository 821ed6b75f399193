package nodeaffinity

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/scheduler/framework"
)

func labelled(name string, labels map[string]string) *framework.NodeInfo {
	ni := framework.NewNodeInfo()
	ni.SetNode(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}})
	return ni
}

func required(reqs ...v1.NodeSelectorRequirement) *v1.Affinity {
	return &v1.Affinity{NodeAffinity: &v1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{
		NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchExpressions: reqs}}}}}
}

func TestFilter(t *testing.T) {
	ssd := labelled("n", map[string]string{"disktype": "ssd"})
	tests := []struct {
		name string
		pod  v1.PodSpec
		node *framework.NodeInfo
		fits bool
	}{
		{"pod without selector fits any node", v1.PodSpec{}, ssd, true},
		{"pod whose nodeSelector matches fits", v1.PodSpec{NodeSelector: map[string]string{"disktype": "ssd"}}, ssd, true},
		{"pod whose nodeSelector does not match does not fit", v1.PodSpec{NodeSelector: map[string]string{"disktype": "hdd"}}, ssd, false},
		{"pod with a matching In requirement fits", v1.PodSpec{Affinity: required(v1.NodeSelectorRequirement{Key: "disktype", Operator: v1.NodeSelectorOpIn, Values: []string{"ssd", "nvme"}})}, ssd, true},
		{"pod with a NotIn requirement on the node's value does not fit", v1.PodSpec{Affinity: required(v1.NodeSelectorRequirement{Key: "disktype", Operator: v1.NodeSelectorOpNotIn, Values: []string{"ssd"}})}, ssd, false},
		{"pod needing a label the node lacks does not fit", v1.PodSpec{Affinity: required(v1.NodeSelectorRequirement{Key: "gpu", Operator: v1.NodeSelectorOpExists})}, ssd, false},
		{"pod needs both nodeSelector and affinity to match", v1.PodSpec{NodeSelector: map[string]string{"disktype": "ssd"},
			Affinity: required(v1.NodeSelectorRequirement{Key: "gpu", Operator: v1.NodeSelectorOpExists})}, ssd, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := &v1.Pod{Spec: tt.pod}
			pl := &NodeAffinity{}
			state := framework.NewCycleState()
			pl.PreFilter(context.Background(), state, pod, nil)
			got := pl.Filter(context.Background(), state, pod, tt.node)
			if got.IsSuccess() != tt.fits {
				t.Errorf("Filter = %v, want fits=%v", got, tt.fits)
			}
			if !tt.fits && (got.Code() != framework.UnschedulableAndUnresolvable || got.Message() != ErrReasonPod) {
				t.Errorf("Filter = %v, want UnschedulableAndUnresolvable %q", got, ErrReasonPod)
			}
		})
	}
}

func TestPreFilterNarrowsToNamedNodes(t *testing.T) {
	pod := &v1.Pod{Spec: v1.PodSpec{Affinity: &v1.Affinity{NodeAffinity: &v1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{
		NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchFields: []v1.NodeSelectorRequirement{{Key: "metadata.name", Operator: v1.NodeSelectorOpIn, Values: []string{"worker-2"}}}}}}}}}}
	r, st := (&NodeAffinity{}).PreFilter(context.Background(), framework.NewCycleState(), pod, nil)
	if !st.IsSuccess() || r.AllNodes() || !r.NodeNames.Has("worker-2") || r.NodeNames.Len() != 1 {
		t.Errorf("PreFilter = %v %v, want worker-2 only", r, st)
	}
}

func TestScoreFollowsPreferredWeights(t *testing.T) {
	pod := &v1.Pod{Spec: v1.PodSpec{Affinity: &v1.Affinity{NodeAffinity: &v1.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []v1.PreferredSchedulingTerm{
		{Weight: 80, Preference: v1.NodeSelectorTerm{MatchExpressions: []v1.NodeSelectorRequirement{{Key: "zone", Operator: v1.NodeSelectorOpIn, Values: []string{"a"}}}}},
		{Weight: 20, Preference: v1.NodeSelectorTerm{MatchExpressions: []v1.NodeSelectorRequirement{{Key: "disktype", Operator: v1.NodeSelectorOpIn, Values: []string{"ssd"}}}}},
	}}}}}
	nodes := []*framework.NodeInfo{
		labelled("a", map[string]string{"zone": "a", "disktype": "ssd"}),
		labelled("b", map[string]string{"zone": "a"}),
		labelled("c", map[string]string{"disktype": "ssd"}),
		labelled("d", nil),
	}
	pl := &NodeAffinity{}
	state := framework.NewCycleState()
	pl.PreScore(context.Background(), state, pod, nodes)
	var list framework.NodeScoreList
	for _, n := range nodes {
		s, _ := pl.Score(context.Background(), state, pod, n)
		list = append(list, framework.NodeScore{Name: n.Node().Name, Score: s})
	}
	pl.NormalizeScore(context.Background(), state, pod, list)
	want := []int64{100, 80, 20, 0}
	for i := range list {
		if list[i].Score != want[i] {
			t.Errorf("%s: %d, want %d", list[i].Name, list[i].Score, want[i])
		}
	}
}
