package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"kubelab/cluster"
)

// BenchmarkPodStartup measures pod create -> Running through the whole
// cluster (apiserver, scheduler, kubelet, sim runtime) on the real clock
// with nothing paused: the latency of each pod from its create request
// to the watch event that shows it Running (p50, p99), and pods per
// second over the batches. Targets (DESIGN.md): p99 < 50 ms, > 500 pods/s.
func BenchmarkPodStartup(b *testing.B) {
	const batch = 50
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := cluster.Boot(ctx, cluster.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	pods := c.Client().CoreV1().Pods("default")

	var mu sync.Mutex
	created := map[string]time.Time{}
	running := make(chan time.Duration, batch)
	w, err := pods.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	go func() {
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*corev1.Pod)
			if !ok || p.Status.Phase != corev1.PodRunning {
				continue
			}
			mu.Lock()
			at, ok := created[p.Name]
			delete(created, p.Name)
			mu.Unlock()
			if ok {
				running <- time.Since(at)
			}
		}
	}()

	var latencies []time.Duration
	n := 0
	b.ResetTimer()
	for n < b.N {
		size := min(batch, b.N-n)
		var wg sync.WaitGroup
		errs := make(chan error, size)
		// A few clients create at once, as a ReplicaSet controller and
		// users would.
		for worker := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := worker; i < size; i += 4 {
					name := fmt.Sprintf("bench-%d", n+i)
					p := &corev1.Pod{
						ObjectMeta: metav1.ObjectMeta{Name: name},
						Spec: corev1.PodSpec{
							TerminationGracePeriodSeconds: ptr.To[int64](0),
							Containers:                    []corev1.Container{{Name: "app", Image: "registry.k8s.io/pause:3.10"}},
						},
					}
					mu.Lock()
					created[name] = time.Now()
					mu.Unlock()
					if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
		timeout := time.After(30 * time.Second)
		for range size {
			select {
			case d := <-running:
				latencies = append(latencies, d)
			case <-timeout:
				b.Fatalf("pods not Running after 30s (%d of this batch are)", len(latencies)-n)
			}
		}
		n += size
		// Make room on the nodes (pod IPs, the pods limit) for the next
		// batch, off the clock.
		b.StopTimer()
		if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}, metav1.ListOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(float64(len(latencies)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pods/s")
}
