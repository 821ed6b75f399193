package tainttoleration

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"kubelab/cluster/scheduler/framework"
)

func nodeWithTaints(name string, taints ...v1.Taint) *framework.NodeInfo {
	ni := framework.NewNodeInfo()
	ni.SetNode(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1.NodeSpec{Taints: taints}})
	return ni
}

func podWithTolerations(tols ...v1.Toleration) *v1.Pod {
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default"}, Spec: v1.PodSpec{Tolerations: tols}}
}

func TestFilter(t *testing.T) {
	cp := v1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: v1.TaintEffectNoSchedule}
	tests := []struct {
		name string
		pod  *v1.Pod
		node *framework.NodeInfo
		want *framework.Status
	}{
		{"pod without tolerations fits a node without taints", podWithTolerations(), nodeWithTaints("n"), nil},
		{"pod without tolerations does not fit a NoSchedule node", podWithTolerations(), nodeWithTaints("n", cp),
			framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had untolerated taint(s)")},
		{"pod tolerating the taint with Exists fits", podWithTolerations(v1.Toleration{Key: cp.Key, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}),
			nodeWithTaints("n", cp), nil},
		{"pod tolerating another effect does not fit", podWithTolerations(v1.Toleration{Key: cp.Key, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoExecute}),
			nodeWithTaints("n", cp), framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had untolerated taint(s)")},
		{"pod with an equal-value toleration fits a valued taint", podWithTolerations(v1.Toleration{Key: "dedicated", Value: "gpu", Effect: v1.TaintEffectNoSchedule}),
			nodeWithTaints("n", v1.Taint{Key: "dedicated", Value: "gpu", Effect: v1.TaintEffectNoSchedule}), nil},
		{"pod fits a node whose only taint is PreferNoSchedule", podWithTolerations(),
			nodeWithTaints("n", v1.Taint{Key: "soft", Effect: v1.TaintEffectPreferNoSchedule}), nil},
		{"pod does not fit a NoExecute taint it does not tolerate", podWithTolerations(),
			nodeWithTaints("n", v1.Taint{Key: "node.kubernetes.io/unreachable", Effect: v1.TaintEffectNoExecute}),
			framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had untolerated taint(s)")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (&TaintToleration{}).Filter(context.Background(), framework.NewCycleState(), tt.pod, tt.node)
			if got.Code() != tt.want.Code() || got.Message() != tt.want.Message() {
				t.Errorf("Filter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScorePrefersNodesWithFewerUntoleratedSoftTaints(t *testing.T) {
	soft := func(k string) v1.Taint { return v1.Taint{Key: k, Effect: v1.TaintEffectPreferNoSchedule} }
	tests := []struct {
		name  string
		pod   *v1.Pod
		nodes []*framework.NodeInfo
		want  []int64
	}{
		{"node without soft taints scores best", podWithTolerations(),
			[]*framework.NodeInfo{nodeWithTaints("a"), nodeWithTaints("b", soft("x")), nodeWithTaints("c", soft("x"), soft("y"))},
			[]int64{100, 50, 0}},
		{"tolerated soft taints do not count", podWithTolerations(v1.Toleration{Key: "x", Operator: v1.TolerationOpExists}),
			[]*framework.NodeInfo{nodeWithTaints("a"), nodeWithTaints("b", soft("x"))},
			[]int64{100, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := &TaintToleration{}
			state := framework.NewCycleState()
			pl.PreScore(context.Background(), state, tt.pod, tt.nodes)
			var list framework.NodeScoreList
			for _, n := range tt.nodes {
				s, st := pl.Score(context.Background(), state, tt.pod, n)
				if !st.IsSuccess() {
					t.Fatal(st)
				}
				list = append(list, framework.NodeScore{Name: n.Node().Name, Score: s})
			}
			pl.NormalizeScore(context.Background(), state, tt.pod, list)
			for i := range list {
				if list[i].Score != tt.want[i] {
					t.Errorf("%s: score %d, want %d", list[i].Name, list[i].Score, tt.want[i])
				}
			}
		})
	}
}
