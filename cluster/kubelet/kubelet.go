package kubelet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listerscorev1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	utilclock "k8s.io/utils/clock"

	"kubelab/cluster/clock"
	"kubelab/cluster/container"
	"kubelab/cluster/stage"
)

// Version is the kubelet version a node reports.
const Version = "v1.37.2"

// Timings of the real kubelet's defaults (KubeletConfiguration).
const (
	nodeStatusUpdateFrequency = 10 * time.Second
	leaseDurationSeconds      = 40
	// leaseRenewInterval is 25% of the lease duration, as nodelease does.
	leaseRenewInterval  = 10 * time.Second
	crashBackOffInitial = 10 * time.Second
	crashBackOffMax     = 5 * time.Minute
	pullBackOffInitial  = 10 * time.Second
	pullBackOffMax      = 5 * time.Minute
)

// Config configures one kubelet.
type Config struct {
	// NodeName is the Node this kubelet registers and runs pods for.
	NodeName string
	// Client talks to the apiserver.
	Client kubernetes.Interface
	// Clock drives heartbeats, probes, back-offs and grace periods; nil is
	// the real clock.
	Clock clock.Clock
	// Bus receives the kubelet's stages; nil announces nothing.
	Bus *stage.Bus
	// Runtimes are the container runtimes by RuntimeClass handler;
	// DefaultRuntime names the one pods without a runtimeClassName use
	// (the only one when there is a single runtime).
	Runtimes       map[string]container.Runtime
	DefaultRuntime string
	// Node is what the Node object says about the machine.
	Node NodeConfig
	// RootDir holds the node's pod volumes and container logs; empty makes
	// a temporary one that Run removes when it ends.
	RootDir string
	// ServerAddress is where the kubelet's HTTP server listens; empty is
	// 127.0.0.1 on a free port.
	ServerAddress string
}

// NodeConfig describes the machine a kubelet runs on.
type NodeConfig struct {
	// Capacity of cpu, memory, pods and ephemeral-storage; allocatable is
	// the same (kubelab reserves nothing for the system).
	Capacity corev1.ResourceList
	Labels   map[string]string
	Taints   []corev1.Taint
	// PodCIDR is the range pod IPs are allocated from, e.g. "10.244.1.0/24".
	PodCIDR string
	// InternalIP is the node's address and the hostIP of its pods.
	InternalIP string
}

// Kubelet is one node's agent.
type Kubelet struct {
	cfg       Config
	client    kubernetes.Interface
	clock     clock.Clock
	bus       *stage.Bus
	name      string
	recorder  record.EventRecorder
	events    record.EventBroadcaster
	ipam      *ipam
	listener  net.Listener
	podLister podGetter
	// nodeLister holds this kubelet's Node as the API has it, with the
	// labels and taints others gave it since registration.
	nodeLister   listerscorev1.NodeLister
	nodeInformer cache.SharedIndexInformer
	rootDir      string
	tempRoot     bool
	imageBackOff *backOff
	crashBackOff *backOff

	mu      sync.Mutex
	workers map[types.UID]*podWorker
	// bySandbox finds the pod of a runtime event.
	bySandbox map[string]types.UID
	wg        sync.WaitGroup
	ready     chan struct{}
	// changed is closed and replaced on every runtime event, so log
	// followers notice a container that stopped.
	changed chan struct{}
}

func (k *Kubelet) runtimeChanged() <-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.changed == nil {
		k.changed = make(chan struct{})
	}
	return k.changed
}

type podGetter interface {
	Get(uid types.UID) *corev1.Pod
}

// New validates cfg and returns a kubelet that Run starts.
func New(cfg Config) (*Kubelet, error) {
	if cfg.NodeName == "" {
		return nil, errors.New("kubelet: NodeName is required")
	}
	if cfg.Client == nil {
		return nil, fmt.Errorf("kubelet %s: Client is required", cfg.NodeName)
	}
	if len(cfg.Runtimes) == 0 {
		return nil, fmt.Errorf("kubelet %s: at least one container runtime is required", cfg.NodeName)
	}
	if cfg.DefaultRuntime == "" {
		if len(cfg.Runtimes) > 1 {
			return nil, fmt.Errorf("kubelet %s: DefaultRuntime must name one of the %d runtimes", cfg.NodeName, len(cfg.Runtimes))
		}
		for name := range cfg.Runtimes {
			cfg.DefaultRuntime = name
		}
	}
	if cfg.Runtimes[cfg.DefaultRuntime] == nil {
		return nil, fmt.Errorf("kubelet %s: DefaultRuntime %q is not among the runtimes", cfg.NodeName, cfg.DefaultRuntime)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real()
	}
	if cfg.Node.Capacity == nil {
		cfg.Node.Capacity = defaultCapacity()
	}
	if cfg.Node.InternalIP == "" {
		cfg.Node.InternalIP = "127.0.0.1"
	}
	pool, err := newIPAM(cfg.Node.PodCIDR)
	if err != nil {
		return nil, fmt.Errorf("kubelet %s: %w", cfg.NodeName, err)
	}
	k := &Kubelet{
		cfg:          cfg,
		client:       cfg.Client,
		clock:        cfg.Clock,
		bus:          cfg.Bus,
		name:         cfg.NodeName,
		ipam:         pool,
		rootDir:      cfg.RootDir,
		imageBackOff: newBackOff(cfg.Clock, pullBackOffInitial, pullBackOffMax),
		crashBackOff: newBackOff(cfg.Clock, crashBackOffInitial, crashBackOffMax),
		workers:      map[types.UID]*podWorker{},
		bySandbox:    map[string]types.UID{},
		ready:        make(chan struct{}),
	}
	return k, nil
}

// Ready is closed once the Node is registered and the pod watch is synced.
func (k *Kubelet) Ready() <-chan struct{} { return k.ready }

// Port is the port of the kubelet's server (daemonEndpoints.kubeletEndpoint),
// known once Ready is closed.
func (k *Kubelet) Port() int {
	if k.listener == nil {
		return 0
	}
	return k.listener.Addr().(*net.TCPAddr).Port
}

// component is how the kubelet signs its stages.
func (k *Kubelet) component() string { return "kubelet/" + k.name }

// enter announces a step on the bus; a gate holds the calling goroutine.
func (k *Kubelet) enter(ctx context.Context, name, object, detail string) error {
	return k.bus.Enter(ctx, stage.Stage{Component: k.component(), Name: name, Object: object, Detail: detail})
}

// Run registers the node, then heartbeats and runs pods until ctx ends.
func (k *Kubelet) Run(ctx context.Context) error {
	if k.rootDir == "" {
		dir, err := os.MkdirTemp("", "kubelab-kubelet-"+k.name+"-")
		if err != nil {
			return fmt.Errorf("kubelet %s: root dir: %w", k.name, err)
		}
		k.rootDir, k.tempRoot = dir, true
	}
	if err := os.MkdirAll(filepath.Join(k.rootDir, "pods"), 0o755); err != nil {
		return fmt.Errorf("kubelet %s: root dir: %w", k.name, err)
	}
	if k.tempRoot {
		defer os.RemoveAll(k.rootDir)
	}
	addr := k.cfg.ServerAddress
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("kubelet %s: listen: %w", k.name, err)
	}
	k.listener = ln
	srv := &http.Server{Handler: k.handler()}
	go srv.Serve(ln)
	defer srv.Close()

	k.events = record.NewBroadcaster(record.WithContext(ctx), record.WithCorrelatorOptions(record.CorrelatorOptions{Clock: k.clock}))
	k.events.StartRecordingToSink(&clockSink{ctx: ctx, sink: k.client.CoreV1().Events(""), clock: k.clock})
	k.recorder = k.events.NewRecorder(eventScheme, corev1.EventSource{Component: "kubelet", Host: k.name})
	defer k.events.Shutdown()

	if err := k.registerNode(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// The node informer syncs before any pod is admitted against it.
	nodeFactory := informers.NewSharedInformerFactoryWithOptions(k.client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("metadata.name", k.name).String()
	}))
	nodeInformer := nodeFactory.Core().V1().Nodes()
	k.nodeLister = nodeInformer.Lister()
	k.nodeInformer = nodeInformer.Informer()
	nodeFactory.Start(ctx.Done())
	defer nodeFactory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), nodeInformer.Informer().HasSynced) {
		return ctx.Err()
	}

	factory := informers.NewSharedInformerFactoryWithOptions(k.client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", k.name).String()
	}))
	podInformer := factory.Core().V1().Pods().Informer()
	podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.podChanged(ctx, obj) },
		UpdateFunc: func(_, obj any) { k.podChanged(ctx, obj) },
		DeleteFunc: func(obj any) { k.podRemoved(obj) },
	})
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), podInformer.HasSynced) {
		return ctx.Err()
	}
	for _, rt := range k.cfg.Runtimes {
		k.wg.Add(1)
		go func() { defer k.wg.Done(); k.runtimeEvents(ctx, rt) }()
	}
	k.wg.Add(2)
	go func() { defer k.wg.Done(); k.nodeStatusLoop(ctx) }()
	go func() { defer k.wg.Done(); k.leaseLoop(ctx) }()
	close(k.ready)
	<-ctx.Done()
	factory.Shutdown()
	k.wg.Wait()
	return nil
}

// runtimeEvents is the kubelet's PLEG: a container that started or exited
// wakes its pod's worker.
func (k *Kubelet) runtimeEvents(ctx context.Context, rt container.Runtime) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-rt.Events():
			if !ok {
				return
			}
			k.mu.Lock()
			if k.changed != nil {
				close(k.changed)
				k.changed = nil
			}
			uid, found := k.bySandbox[ev.SandboxID]
			w := k.workers[uid]
			k.mu.Unlock()
			if found && w != nil {
				w.poke()
			}
		}
	}
}

// podChanged hands the latest pod to its worker, starting one for a new pod.
func (k *Kubelet) podChanged(ctx context.Context, obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	k.mu.Lock()
	w := k.workers[pod.UID]
	if w == nil {
		if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			if pod.DeletionTimestamp == nil {
				// A pod that ended before this kubelet saw it has nothing to run.
				k.mu.Unlock()
				return
			}
		}
		w = newPodWorker(k, pod)
		k.workers[pod.UID] = w
		k.wg.Add(1)
		go func() {
			defer k.wg.Done()
			w.run(ctx)
			k.mu.Lock()
			if k.workers[pod.UID] == w {
				delete(k.workers, pod.UID)
			}
			k.mu.Unlock()
		}()
	}
	k.mu.Unlock()
	w.update(pod)
}

// podRemoved tells a worker that its pod is gone from the API (deleted with
// grace period 0 by someone else): it kills what is left at once.
func (k *Kubelet) podRemoved(obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	k.mu.Lock()
	w := k.workers[pod.UID]
	k.mu.Unlock()
	if w != nil {
		w.remove()
	}
}

// worker returns the pod worker of a pod, for the server.
func (k *Kubelet) findPod(namespace, name string) *podWorker {
	k.mu.Lock()
	defer k.mu.Unlock()
	var found *podWorker
	for _, w := range k.workers {
		p := w.latest()
		if p.Namespace == namespace && p.Name == name && (found == nil || p.CreationTimestamp.After(found.latest().CreationTimestamp.Time)) {
			found = w
		}
	}
	return found
}

func (k *Kubelet) setSandbox(id string, uid types.UID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if uid == "" {
		delete(k.bySandbox, id)
		return
	}
	k.bySandbox[id] = uid
}

func (k *Kubelet) runtimeFor(pod *corev1.Pod) (container.Runtime, error) {
	handler := k.cfg.DefaultRuntime
	if pod.Spec.RuntimeClassName != nil && *pod.Spec.RuntimeClassName != "" {
		rc, err := k.client.NodeV1().RuntimeClasses().Get(context.Background(), *pod.Spec.RuntimeClassName, metav1.GetOptions{})
		if err != nil {
			return nil, fmt.Errorf("failed to get runtime class %q: %w", *pod.Spec.RuntimeClassName, err)
		}
		handler = rc.Handler
	}
	rt := k.cfg.Runtimes[handler]
	if rt == nil {
		return nil, fmt.Errorf("no runtime for %q is configured", handler)
	}
	return rt, nil
}

// afterFunc runs f once d has passed on the kubelet's clock.
func (k *Kubelet) afterFunc(d time.Duration, f func()) func() {
	if c, ok := k.clock.(utilclock.WithDelayedExecution); ok {
		t := c.AfterFunc(d, f)
		return func() { t.Stop() }
	}
	t := k.clock.NewTimer(d)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			f()
		case <-stop:
			t.Stop()
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(stop) }) }
}
