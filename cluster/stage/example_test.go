package stage_test

import (
	"context"
	"fmt"
	"time"

	"kubelab/cluster/clock"
	"kubelab/cluster/stage"
)

// A paused scheduler is stepped one stage at a time while the rest of the
// cluster runs.
func ExampleBus_Release() {
	bus := stage.New(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
	cancel := bus.Subscribe(func(r stage.Record) { fmt.Println(r) })
	defer cancel()
	_ = bus.Pause("scheduler")

	ctx := context.Background()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = bus.Enter(ctx, stage.Stage{Component: "scheduler", Name: "scheduler.queue", Object: "pod/default/nginx"})
		_ = bus.Enter(ctx, stage.Stage{Component: "scheduler", Name: "scheduler.bind", Object: "pod/default/nginx", Detail: "-> worker-1"})
	}()
	held := func(b *stage.Bus) bool { return len(b.Waiting()) == 1 }

	_ = bus.WaitFor(ctx, held)
	_ = bus.Enter(ctx, stage.Stage{Component: "etcd", Name: "etcd.put", Object: "/registry/leases/kube-node-lease/worker-1", Revision: 58})
	bus.Release(1)
	_ = bus.WaitFor(ctx, held)
	bus.Continue()
	<-done
	// Output:
	// stage scheduler.queue      pod/default/nginx  (waiting: scheduler paused)
	// stage etcd.put             /registry/leases/kube-node-lease/worker-1  rev 58
	// stage scheduler.bind       pod/default/nginx  -> worker-1  (waiting: scheduler paused)
}
