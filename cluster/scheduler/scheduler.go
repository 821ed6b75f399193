package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/clock"

	kclock "kubelab/cluster/clock"
	"kubelab/cluster/scheduler/framework"
	"kubelab/cluster/scheduler/plugins"
	"kubelab/cluster/scheduler/queue"
	"kubelab/cluster/stage"
)

// DefaultSchedulerName is the name pods select with spec.schedulerName.
const DefaultSchedulerName = v1.DefaultSchedulerName

// ErrNoNodesAvailable is upstream's error when the cluster has no node.
var ErrNoNodesAvailable = errors.New("no nodes available to schedule pods")

// Config configures a Scheduler.
type Config struct {
	Client kubernetes.Interface
	// Clock drives backoff, the unschedulable flush and event times; nil is the real clock.
	Clock kclock.Clock
	// Bus receives the scheduler's stages; nil announces nothing.
	Bus *stage.Bus
	// SchedulerName is the profile's name and the events' reporting
	// controller; "" is "default-scheduler".
	SchedulerName string
	// Plugins is the profile; nil is plugins.DefaultProfile().
	Plugins []framework.PluginConfig
	// Registry builds the profile's plugins; nil is plugins.NewInTreeRegistry().
	Registry framework.Registry
	// ReportingInstance names this scheduler in events; "" is
	// "<SchedulerName>-control-plane", as a scheduler on a node of that name.
	ReportingInstance string
}

// Scheduler is kubelab's kube-scheduler.
type Scheduler struct {
	cfg      Config
	client   kubernetes.Interface
	clk      kclock.Clock
	bus      *stage.Bus
	fw       *framework.Framework
	queue    *queue.PriorityQueue
	cache    *schedulerCache
	recorder *eventRecorder

	factory    informers.SharedInformerFactory
	podFactory informers.SharedInformerFactory
	podLister  corelisters.PodLister
	nsLister   corelisters.NamespaceLister

	handlersSynced []toolscache.InformerSynced

	// Only the scheduling goroutine touches these.
	snapshot           *snapshot
	nextStartNodeIndex int

	mu     sync.Mutex
	cycles cycleStore
}

// New validates cfg and builds the scheduler; Run starts it.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Client == nil {
		return nil, errors.New("scheduler: Config.Client is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = kclock.Real()
	}
	if cfg.SchedulerName == "" {
		cfg.SchedulerName = DefaultSchedulerName
	}
	if cfg.Plugins == nil {
		cfg.Plugins = plugins.DefaultProfile()
	}
	if cfg.Registry == nil {
		cfg.Registry = plugins.NewInTreeRegistry()
	}
	if cfg.ReportingInstance == "" {
		cfg.ReportingInstance = cfg.SchedulerName + "-control-plane"
	}
	s := &Scheduler{
		cfg:    cfg,
		client: cfg.Client,
		clk:    cfg.Clock,
		bus:    cfg.Bus,
		cache:  newSchedulerCache(),
	}
	fw, err := framework.NewFramework(cfg.Registry, cfg.Plugins, &handle{s})
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s.fw = fw
	s.queue = queue.New(queue.Config{Clock: cfg.Clock, Events: fw.EventsToRegister()})
	s.recorder = newEventRecorder(cfg.Client, cfg.Clock, cfg.SchedulerName, cfg.ReportingInstance)
	s.factory = informers.NewSharedInformerFactory(cfg.Client, 0)
	// Terminal pods hold nothing on their node; upstream's pod informer leaves them out.
	s.podFactory = informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = "status.phase!=" + string(v1.PodSucceeded) + ",status.phase!=" + string(v1.PodFailed)
	}))
	podInformer := s.podFactory.Core().V1().Pods()
	s.podLister = podInformer.Lister()
	s.nsLister = s.factory.Core().V1().Namespaces().Lister()
	if err := s.addEventHandlers(podInformer.Informer(), s.factory.Core().V1().Nodes().Informer()); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	return s, nil
}

// Run starts the informers and schedules pods one at a time until ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	s.factory.Start(ctx.Done())
	s.podFactory.Start(ctx.Done())
	defer s.factory.Shutdown()
	defer s.podFactory.Shutdown()
	defer s.queue.Close()
	for typ, ok := range s.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("scheduler: %v informer did not sync", typ)
		}
	}
	for typ, ok := range s.podFactory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("scheduler: %v informer did not sync", typ)
		}
	}
	// The caches are synced once every handler has seen the initial list,
	// not only once the informers' stores have it.
	if !toolscache.WaitForCacheSync(ctx.Done(), s.handlersSynced...) {
		return nil
	}
	go s.recorder.run(ctx)
	for {
		changed := s.queue.Changed()
		p, announcements := s.queue.Pop()
		for _, a := range announcements {
			if err := s.enter(ctx, "scheduler.queue", podObject(a.Pod), a.Detail); err != nil {
				return nil
			}
		}
		if p != nil {
			if err := s.scheduleOne(ctx, p); err != nil {
				return nil
			}
			continue
		}
		if announcements != nil {
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		}
	}
}

func (s *Scheduler) enter(ctx context.Context, name, object, detail string) error {
	return s.bus.Enter(ctx, stage.Stage{Component: "scheduler", Name: name, Object: object, Detail: detail})
}

func podObject(p *v1.Pod) string { return "pod/" + p.Namespace + "/" + p.Name }

// LastCycle returns the latest scheduling cycle of a pod, for explain.
func (s *Scheduler) LastCycle(namespace, name string) (Cycle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cycles.byKey[namespace+"/"+name]
	return c, ok
}

// QueuedPods lists the pods waiting to be scheduled, with the queue each is
// in and what put it there.
func (s *Scheduler) QueuedPods() []QueuedPod { return s.queue.Pending() }

// handle is what plugins see of the scheduler.
type handle struct{ s *Scheduler }

func (h *handle) ClientSet() kubernetes.Interface     { return h.s.client }
func (h *handle) NodeInfos() framework.NodeInfoLister { return h.s.snapshot }
func (h *handle) Clock() clock.PassiveClock           { return h.s.clk }
func (h *handle) NamespaceLabels(ns string) labels.Set {
	n, err := h.s.nsLister.Get(ns)
	if err != nil {
		return nil
	}
	return labels.Set(n.Labels)
}
func (h *handle) NamespacesMatching(sel labels.Selector) []string {
	list, err := h.s.nsLister.List(sel)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, n := range list {
		out = append(out, n.Name)
	}
	return out
}
func (h *handle) RunFilterPlugins(ctx context.Context, state *framework.CycleState, pod *v1.Pod, node *framework.NodeInfo) *framework.Status {
	s, _ := h.s.fw.RunFilterPlugins(ctx, state, pod, node)
	return s
}

// addEventHandlers wires the informers as upstream's eventhandlers.go: bound
// pods feed the cache, unbound pods of this scheduler feed the queue, and
// every change that may free room or open a node is offered to the pods
// waiting in the unschedulable pool.
func (s *Scheduler) addEventHandlers(pods, nodes toolscache.SharedIndexInformer) error {
	reg, err := pods.AddEventHandler(toolscache.FilteringResourceEventHandler{
		FilterFunc: func(obj any) bool {
			p := podFrom(obj)
			return p != nil && p.Spec.NodeName != ""
		},
		Handler: toolscache.ResourceEventHandlerFuncs{
			AddFunc: func(obj any) {
				p := podFrom(obj)
				s.cache.addPod(p)
				s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: framework.Add}, nil, p)
			},
			UpdateFunc: func(oldObj, newObj any) {
				o, n := podFrom(oldObj), podFrom(newObj)
				s.cache.addPod(n)
				if a := assignedPodUpdate(o, n); a != framework.None {
					s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: a}, o, n)
				}
			},
			DeleteFunc: func(obj any) {
				p := podFrom(obj)
				if p == nil {
					return
				}
				s.cache.removePod(p)
				s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.AssignedPod, ActionType: framework.Delete}, p, nil)
			},
		},
	})
	if err != nil {
		return err
	}
	s.handlersSynced = append(s.handlersSynced, reg.HasSynced)
	reg, err = pods.AddEventHandler(toolscache.FilteringResourceEventHandler{
		FilterFunc: func(obj any) bool {
			p := podFrom(obj)
			return p != nil && p.Spec.NodeName == "" && p.Spec.SchedulerName == s.cfg.SchedulerName
		},
		Handler: toolscache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { s.queue.Add(podFrom(obj)) },
			UpdateFunc: func(oldObj, newObj any) { s.queue.Update(podFrom(oldObj), podFrom(newObj)) },
			DeleteFunc: func(obj any) {
				if p := podFrom(obj); p != nil {
					s.queue.Delete(p)
				}
			},
		},
	})
	if err != nil {
		return err
	}
	s.handlersSynced = append(s.handlersSynced, reg.HasSynced)
	reg, err = nodes.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			n, ok := obj.(*v1.Node)
			if !ok {
				return
			}
			s.cache.addNode(n)
			s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: framework.Add}, nil, n)
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, _ := oldObj.(*v1.Node)
			n, _ := newObj.(*v1.Node)
			if o == nil || n == nil {
				return
			}
			s.cache.addNode(n)
			for _, a := range nodeUpdateActions(o, n) {
				s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.Node, ActionType: a}, o, n)
			}
		},
		DeleteFunc: func(obj any) {
			if t, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if n, ok := obj.(*v1.Node); ok {
				s.cache.removeNode(n)
			}
		},
	})
	if err != nil {
		return err
	}
	s.handlersSynced = append(s.handlersSynced, reg.HasSynced)
	return nil
}

func podFrom(obj any) *v1.Pod {
	if t, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	p, _ := obj.(*v1.Pod)
	return p
}

// assignedPodUpdate classifies an update of a bound pod: label changes and
// requests scaled down may help pods waiting on affinity or room.
func assignedPodUpdate(o, n *v1.Pod) framework.ActionType {
	var a framework.ActionType
	if !equality.Semantic.DeepEqual(o.Labels, n.Labels) {
		a |= framework.UpdatePodLabel
	}
	if framework.PodRequests(n).MilliCPU < framework.PodRequests(o).MilliCPU || framework.PodRequests(n).Memory < framework.PodRequests(o).Memory {
		a |= framework.UpdatePodScaleDown
	}
	return a
}

// nodeUpdateActions splits a node update into the events upstream's
// NodeSchedulingPropertiesChange reports, in its order.
func nodeUpdateActions(o, n *v1.Node) []framework.ActionType {
	var out []framework.ActionType
	if o.Spec.Unschedulable != n.Spec.Unschedulable && !n.Spec.Unschedulable {
		out = append(out, framework.UpdateNodeTaint)
	}
	if !equality.Semantic.DeepEqual(o.Status.Allocatable, n.Status.Allocatable) {
		out = append(out, framework.UpdateNodeAllocatable)
	}
	if !equality.Semantic.DeepEqual(o.Labels, n.Labels) {
		out = append(out, framework.UpdateNodeLabel)
	}
	if !equality.Semantic.DeepEqual(o.Spec.Taints, n.Spec.Taints) {
		out = append(out, framework.UpdateNodeTaint)
	}
	strip := func(cs []v1.NodeCondition) map[v1.NodeConditionType]v1.ConditionStatus {
		m := map[v1.NodeConditionType]v1.ConditionStatus{}
		for _, c := range cs {
			m[c.Type] = c.Status
		}
		return m
	}
	if !equality.Semantic.DeepEqual(strip(o.Status.Conditions), strip(n.Status.Conditions)) {
		out = append(out, framework.UpdateNodeCondition)
	}
	if !equality.Semantic.DeepEqual(o.Annotations, n.Annotations) {
		out = append(out, framework.UpdateNodeAnnotation)
	}
	return out
}
