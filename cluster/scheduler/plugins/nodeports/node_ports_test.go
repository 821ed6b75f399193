package nodeports

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubelab/cluster/scheduler/framework"
)

func podWithPorts(uid string, ports ...v1.ContainerPort) *v1.Pod {
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: uid, UID: types.UID(uid)}, Spec: v1.PodSpec{Containers: []v1.Container{{Name: "c", Ports: ports}}}}
}

func TestFilter(t *testing.T) {
	tcp8080 := v1.ContainerPort{ContainerPort: 80, HostPort: 8080, Protocol: v1.ProtocolTCP}
	tests := []struct {
		name     string
		pod      *v1.Pod
		existing []*v1.Pod
		fits     bool
	}{
		{"pod without host ports always fits", podWithPorts("p"), []*v1.Pod{podWithPorts("e", tcp8080)}, true},
		{"pod fits a node with the port free", podWithPorts("p", tcp8080), nil, true},
		{"pod does not fit where its host port is taken", podWithPorts("p", tcp8080), []*v1.Pod{podWithPorts("e", tcp8080)}, false},
		{"same port on another protocol fits", podWithPorts("p", v1.ContainerPort{HostPort: 8080, Protocol: v1.ProtocolUDP}), []*v1.Pod{podWithPorts("e", tcp8080)}, true},
		{"same port on two distinct host IPs fits", podWithPorts("p", v1.ContainerPort{HostPort: 8080, HostIP: "10.0.0.2"}),
			[]*v1.Pod{podWithPorts("e", v1.ContainerPort{HostPort: 8080, HostIP: "10.0.0.1"})}, true},
		{"a specific host IP conflicts with 0.0.0.0", podWithPorts("p", v1.ContainerPort{HostPort: 8080, HostIP: "10.0.0.2"}),
			[]*v1.Pod{podWithPorts("e", tcp8080)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ni := framework.NewNodeInfo(tt.existing...)
			ni.SetNode(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}})
			pl := &NodePorts{}
			state := framework.NewCycleState()
			if _, st := pl.PreFilter(context.Background(), state, tt.pod, nil); st.IsSkip() {
				if !tt.fits {
					t.Fatal("PreFilter skipped a pod with host ports")
				}
				return
			}
			got := pl.Filter(context.Background(), state, tt.pod, ni)
			if got.IsSuccess() != tt.fits {
				t.Errorf("Filter = %v, want fits=%v", got, tt.fits)
			}
			if !tt.fits && (got.Code() != framework.Unschedulable || got.Message() != ErrReason) {
				t.Errorf("Filter = %v", got)
			}
		})
	}
}
