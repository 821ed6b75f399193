package cluster

import (
	"context"
	"fmt"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/klog/v2"

	"kubelab/cluster/apiserver"
	"kubelab/cluster/container"
	"kubelab/cluster/container/sim"
	"kubelab/cluster/kubelet"
	"kubelab/cluster/scheduler"
)

// Each component calls the API as its own user, with the names upstream
// components use, so every request (and every write in etcd history) says
// who made it.
const schedulerUser = "system:kube-scheduler"

func nodeUser(node string) string { return "system:node:" + node }

func componentUsers(nodes []Node) []apiserver.User {
	users := []apiserver.User{{Name: schedulerUser, Groups: []string{"system:authenticated"}, Token: randomHex()}}
	for _, n := range nodes {
		users = append(users, apiserver.User{Name: nodeUser(n.Name), Groups: []string{"system:nodes", "system:authenticated"}, Token: randomHex()})
	}
	return users
}

// clientFor is a clientset acting as the named component user, with the
// user agent the upstream component sends: server-side apply names field
// managers after it ("kubelet", "kube-scheduler").
func (c *Cluster) clientFor(user, agent string) (kubernetes.Interface, error) {
	rc := c.api.RESTConfig(user)
	rc.UserAgent = agent + "/" + apiserver.Version + " (linux/amd64) kubernetes/kubelab"
	return kubernetes.NewForConfig(rc)
}

// startComponents starts the scheduler and one kubelet per node, each in
// its own goroutine that ends with ctx.
func (c *Cluster) startComponents(ctx context.Context, nodes []Node) error {
	client, err := c.clientFor(schedulerUser, "kube-scheduler")
	if err != nil {
		return err
	}
	c.Scheduler, err = scheduler.New(scheduler.Config{Client: client, Clock: c.Clock, Bus: c.Bus})
	if err != nil {
		return err
	}
	c.run(ctx, "scheduler", c.Scheduler.Run)

	for _, n := range nodes {
		client, err := c.clientFor(nodeUser(n.Name), "kubelet")
		if err != nil {
			return err
		}
		rt, err := c.newRuntime(n)
		if err != nil {
			return fmt.Errorf("node %s: %w", n.Name, err)
		}
		k, err := kubelet.New(kubelet.Config{
			NodeName:       n.Name,
			Client:         client,
			Clock:          c.Clock,
			Bus:            c.Bus,
			Runtimes:       map[string]container.Runtime{rt.Name(): rt},
			DefaultRuntime: rt.Name(),
			Node: kubelet.NodeConfig{
				Capacity:   n.Capacity,
				Labels:     n.Labels,
				Taints:     n.Taints,
				PodCIDR:    n.PodCIDR,
				InternalIP: n.InternalIP,
			},
			RootDir: filepath.Join(c.Dir, "nodes", n.Name),
		})
		if err != nil {
			rt.Close()
			return fmt.Errorf("node %s: %w", n.Name, err)
		}
		c.Nodes = append(c.Nodes, &NodeAgent{Node: n, Kubelet: k, Runtime: rt})
		c.run(ctx, "kubelet "+n.Name, func(ctx context.Context) error {
			defer rt.Close()
			return k.Run(ctx)
		})
	}
	return nil
}

func (c *Cluster) newRuntime(n Node) (container.Runtime, error) {
	switch n.Runtime {
	case "", "sim":
		return sim.New(sim.Config{Clock: c.Clock, Node: n.Name})
	}
	return nil, fmt.Errorf("runtime %q is not available (known: sim)", n.Runtime)
}

// run starts a component; Close waits for all of them.
func (c *Cluster) run(ctx context.Context, name string, f func(context.Context) error) {
	c.running.Add(1)
	go func() {
		defer c.running.Done()
		if err := f(ctx); err != nil && ctx.Err() == nil {
			// The component is gone; the log says why (a crash of a
			// component is a kubelab bug, not something a user caused).
			klog.ErrorS(err, "component stopped", "component", name)
		}
	}()
}

// waitNodesReady waits until every node is registered and Ready, which is
// when a cluster is ready for pods.
func (c *Cluster) waitNodesReady(ctx context.Context, nodes []Node) error {
	pending := map[string]bool{}
	for _, n := range nodes {
		pending[n.Name] = true
	}
	list, err := c.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range list.Items {
		if nodeReady(&list.Items[i]) {
			delete(pending, list.Items[i].Name)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	w, err := c.client.CoreV1().Nodes().Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion, FieldSelector: fields.Everything().String()})
	if err != nil {
		return err
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		if ev.Type == watch.Error {
			return fmt.Errorf("watching nodes: %v", ev.Object)
		}
		if n, ok := ev.Object.(*corev1.Node); ok && nodeReady(n) {
			delete(pending, n.Name)
			if len(pending) == 0 {
				return nil
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("node watch ended before nodes were Ready: %v", pending)
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
