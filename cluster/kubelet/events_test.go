package kubelet

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestEventNamesFollowTheClusterClock(t *testing.T) {
	s := &clockSink{}
	at := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	got := []string{s.name("web", at), s.name("web", at), s.name("web", metav1.NewTime(at.Add(time.Second)))}
	want := []string{"web.18867251edfa0000", "web.18867251edfa0001", "web.188672522994ca00"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("name %d = %s, want %s (events at one instant get successive nanoseconds)", i, got[i], want[i])
		}
	}
}
