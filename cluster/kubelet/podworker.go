package kubelet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"kubelab/cluster/container"
)

// syncErrorResync is how soon a pod worker syncs again after a step
// failed (an image pull, a missing configMap), so the waiting reason moves
// on to its back-off form (ImagePullBackOff) as a real kubelet's does.
const syncErrorResync = time.Second

// minimumGracePeriod is the least time a container gets to stop
// (kuberuntime minimumGracePeriodInSeconds).
const minimumGracePeriod = 2 * time.Second

// resyncInterval is how often the real kubelet syncs a pod that nothing
// changed (KubeletConfiguration syncFrequency, 1m).
const resyncInterval = time.Minute

// backOffReport is the BackOff event last emitted for a container (or an
// image pull of it, keyed "image ...").
type backOffReport struct {
	dead string // the dead container instance, or the end of the pull back-off
	at   time.Time
}

// waitingState is why a container is not running yet, beyond the default
// ContainerCreating/PodInitializing.
type waitingState struct{ reason, message string }

// podWorker runs one pod: pod_workers.go's per-pod goroutine, which syncs
// the pod whenever the pod, its containers or a timer change, one sync at
// a time.
type podWorker struct {
	k   *Kubelet
	uid types.UID

	mu   sync.Mutex
	pod  *corev1.Pod
	gone bool
	// admittedShared is admitted for other goroutines (admission of
	// other pods counts it).
	admittedShared bool
	sandboxShared  string
	wake           chan struct{}

	// Owned by the run goroutine.
	rt        container.Runtime
	admitted  bool
	sandboxID string
	podIP     string
	volumes   map[string]string
	waiting   map[string]waitingState
	probes    map[string]*probeState
	prevPull  map[string]string
	// backOffSaid is, per container, the dead instance whose back-off
	// the last BackOff event reported, and when.
	backOffSaid map[string]backOffReport
	lastStatus  *corev1.PodStatus
	startTime   *metav1.Time
	terminal    bool
	next        time.Time
	stopTimer   func()
}

func newPodWorker(k *Kubelet, pod *corev1.Pod) *podWorker {
	return &podWorker{
		k: k, uid: pod.UID, pod: pod, wake: make(chan struct{}, 1),
		waiting: map[string]waitingState{}, probes: map[string]*probeState{}, prevPull: map[string]string{},
		backOffSaid: map[string]backOffReport{},
	}
}

func (w *podWorker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *podWorker) update(pod *corev1.Pod) {
	w.mu.Lock()
	old := w.pod
	w.pod = pod
	w.mu.Unlock()
	if old == pod || needsSync(old, pod) {
		w.poke()
	}
}

// needsSync reports whether a pod update is one the kubelet acts on. As
// the kubelet's pod config (pkg/kubelet/config checkAndUpdatePod), a change
// of status alone, most often the kubelet's own status write, is only
// recorded: syncing on it would repeat the sync that wrote it, and emit its
// events (BackOff, ...) again a number of times that depends on goroutine
// timing.
func needsSync(old, pod *corev1.Pod) bool {
	return old.UID != pod.UID ||
		!equality.Semantic.DeepEqual(old.Spec, pod.Spec) ||
		!equality.Semantic.DeepEqual(old.Labels, pod.Labels) ||
		!equality.Semantic.DeepEqual(old.Annotations, pod.Annotations) ||
		!equality.Semantic.DeepEqual(old.DeletionTimestamp, pod.DeletionTimestamp) ||
		!equality.Semantic.DeepEqual(old.DeletionGracePeriodSeconds, pod.DeletionGracePeriodSeconds)
}

func (w *podWorker) remove() {
	w.mu.Lock()
	w.gone = true
	w.mu.Unlock()
	w.poke()
}

func (w *podWorker) latest() *corev1.Pod {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pod
}

func (w *podWorker) isGone() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.gone
}

func (w *podWorker) object() string {
	p := w.latest()
	return "pod/" + p.Namespace + "/" + p.Name
}

func (w *podWorker) enter(ctx context.Context, name, detail string) error {
	return w.k.enter(ctx, name, w.object(), detail)
}

// wakeAt asks for a sync at t at the latest.
func (w *podWorker) wakeAt(t time.Time) {
	if t.IsZero() {
		return
	}
	if w.next.IsZero() || t.Before(w.next) {
		w.next = t
	}
}

func (w *podWorker) run(ctx context.Context) {
	defer func() {
		if w.stopTimer != nil {
			w.stopTimer()
		}
	}()
	for {
		w.next = time.Time{}
		done := w.sync(ctx)
		if done || ctx.Err() != nil {
			return
		}
		if w.stopTimer != nil {
			w.stopTimer()
			w.stopTimer = nil
		}
		if !w.next.IsZero() {
			if d := w.next.Sub(w.k.clock.Now()); d > 0 {
				w.stopTimer = w.k.afterFunc(d, w.poke)
			} else {
				w.poke()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
	}
}

// sync converges the pod one step towards its spec and reports whether the
// worker is done with it.
func (w *podWorker) sync(ctx context.Context) bool {
	pod := w.latest()
	if w.isGone() {
		w.killPod(ctx, pod, 0)
		w.cleanup(ctx)
		return true
	}
	if pod.DeletionTimestamp != nil {
		return w.terminate(ctx, pod)
	}
	if w.terminal {
		return false
	}
	if !w.admitted {
		if err := w.enter(ctx, "kubelet.admit", "admit on node "+w.k.name); err != nil {
			return true
		}
		if reason, message := w.k.admit(ctx, pod); reason != "" {
			w.k.recorder.Eventf(pod, corev1.EventTypeWarning, reason, "%s", message)
			status := pod.Status.DeepCopy()
			status.Phase = corev1.PodFailed
			status.Reason = reason
			status.Message = "Pod was rejected: " + message
			w.writeStatus(ctx, pod, *status)
			w.terminal = true
			return true
		}
		w.admitted = true
		w.mu.Lock()
		w.admittedShared = true
		w.mu.Unlock()
		now := metav1.NewTime(w.k.clock.Now().Truncate(time.Second))
		w.startTime = pod.Status.StartTime
		if w.startTime == nil {
			w.startTime = &now
		}
		rt, err := w.k.runtimeFor(pod)
		if err != nil {
			w.k.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
			w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
			w.admitted = false
			return false
		}
		w.rt = rt
		w.writeStatus(ctx, pod, w.generateStatus(pod, nil))
	}
	if w.sandboxID == "" {
		if err := w.createSandbox(ctx, pod); err != nil {
			w.k.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
			w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
			return false
		}
	}
	conts, err := w.containers(ctx)
	if err != nil {
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return false
	}
	w.syncContainers(ctx, pod, conts)
	// Containers may have changed: read them again for the status.
	if conts, err = w.containers(ctx); err != nil {
		return false
	}
	w.runProbes(ctx, pod, conts)
	status := w.generateStatus(pod, conts)
	if status.Phase == corev1.PodSucceeded || status.Phase == corev1.PodFailed {
		// The pod is done: stop what is left and keep the record.
		w.terminal = true
		w.stopSandbox(ctx)
		if conts, err = w.containers(ctx); err == nil {
			status = w.generateStatus(pod, conts)
		}
	}
	w.writeStatus(ctx, pod, status)
	return false
}

// instances are a container's runtime instances, newest first.
type instances []container.ContainerStatus

func (w *podWorker) containers(ctx context.Context) (map[string]instances, error) {
	out := map[string]instances{}
	if w.sandboxID == "" || w.rt == nil {
		return out, nil
	}
	list, err := w.rt.ListContainers(ctx, w.sandboxID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		out[c.Name] = append(out[c.Name], c)
	}
	for name, is := range out {
		sort.SliceStable(is, func(i, j int) bool { return is[i].Attempt > is[j].Attempt })
		// Keep the running one and the last dead one, as the kubelet's
		// container GC does for logs --previous.
		for _, old := range is[min(2, len(is)):] {
			w.rt.RemoveContainer(ctx, old.ID)
		}
		out[name] = is[:min(2, len(is))]
	}
	return out, nil
}

func (w *podWorker) createSandbox(ctx context.Context, pod *corev1.Pod) error {
	if err := w.enter(ctx, "kubelet.sandbox", "run pod sandbox"); err != nil {
		return err
	}
	ip := ""
	if !pod.Spec.HostNetwork {
		var err error
		if ip, err = w.k.ipam.allocate(pod.UID); err != nil {
			return err
		}
	} else {
		ip = w.k.cfg.Node.InternalIP
	}
	if err := w.setupVolumes(ctx, pod); err != nil {
		w.k.recorder.Eventf(pod, corev1.EventTypeWarning, "FailedMount", "%v", err)
		return err
	}
	hostname := pod.Name
	if pod.Spec.Hostname != "" {
		hostname = pod.Spec.Hostname
	}
	logDir := w.logDir(pod)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	sandboxIP := ip
	if pod.Spec.HostNetwork {
		sandboxIP = ""
	}
	id, err := w.rt.RunPodSandbox(ctx, container.SandboxConfig{
		Name: pod.Name, Namespace: pod.Namespace, UID: string(pod.UID),
		Hostname: hostname, IP: sandboxIP, HostNetwork: pod.Spec.HostNetwork,
		DNS: container.DNSConfig{
			Servers:  []string{"10.96.0.10"},
			Searches: []string{pod.Namespace + ".svc.cluster.local", "svc.cluster.local", "cluster.local"},
			Options:  []string{"ndots:5"},
		},
		Labels: pod.Labels, Annotations: pod.Annotations, LogDirectory: logDir,
	})
	if err != nil {
		return err
	}
	w.sandboxID, w.podIP = id, ip
	w.mu.Lock()
	w.sandboxShared = id
	w.mu.Unlock()
	w.k.setSandbox(id, pod.UID)
	return nil
}

func (w *podWorker) podDir() string { return filepath.Join(w.k.rootDir, "pods", string(w.uid)) }

func (w *podWorker) logDir(pod *corev1.Pod) string {
	return filepath.Join(w.k.rootDir, "logs", pod.Namespace+"_"+pod.Name+"_"+string(pod.UID))
}

// syncContainers starts, restarts and kills containers as computePodActions
// decides: init containers one at a time in order, then every container.
func (w *podWorker) syncContainers(ctx context.Context, pod *corev1.Pod, conts map[string]instances) {
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		is := conts[c.Name]
		if len(is) == 0 {
			w.startContainer(ctx, pod, c, true, 0)
			return
		}
		cur := is[0]
		switch {
		case cur.State == container.StateRunning || cur.State == container.StateCreated:
			return
		case cur.ExitCode == 0:
			continue
		case pod.Spec.RestartPolicy == corev1.RestartPolicyNever:
			return
		default:
			w.restart(ctx, pod, c, true, cur)
			return
		}
	}
	if len(pod.Spec.InitContainers) > 0 && !anyStarted(pod.Spec.Containers, conts) {
		// The real kubelet writes the status it computed before a sync
		// acts: the sync that starts the containers after the last init
		// container shows the pod PodInitializing first.
		w.writeStatus(ctx, pod, w.generateStatus(pod, conts))
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		is := conts[c.Name]
		if len(is) == 0 {
			w.startContainer(ctx, pod, c, false, 0)
			continue
		}
		cur := is[0]
		if cur.State == container.StateRunning {
			if ps := w.probes[cur.ID]; ps != nil && (ps.liveFailed || ps.startupFailed) {
				kind := "liveness"
				if ps.startupFailed {
					kind = "startup"
				}
				w.killContainer(ctx, pod, c, cur.ID, fmt.Sprintf("Container %s failed %s probe, will be restarted", c.Name, kind), gracePeriod(pod))
				delete(w.probes, cur.ID)
			}
			continue
		}
		if cur.State == container.StateExited && shouldRestart(pod.Spec.RestartPolicy, cur.ExitCode) {
			w.restart(ctx, pod, c, false, cur)
		}
	}
}

// anyStarted reports whether any of the containers has run.
func anyStarted(cs []corev1.Container, conts map[string]instances) bool {
	for _, c := range cs {
		if len(conts[c.Name]) > 0 {
			return true
		}
	}
	return false
}

func shouldRestart(policy corev1.RestartPolicy, exitCode int32) bool {
	switch policy {
	case corev1.RestartPolicyNever:
		return false
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	}
	return true
}

func gracePeriod(pod *corev1.Pod) time.Duration {
	if pod.DeletionGracePeriodSeconds != nil {
		return time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
	}
	return 30 * time.Second
}

// restart starts a dead container again unless it is in CrashLoopBackOff
// (kuberuntime doBackOff).
func (w *podWorker) restart(ctx context.Context, pod *corev1.Pod, c *corev1.Container, init bool, dead container.ContainerStatus) {
	key := pod.Name + "_" + pod.Namespace + "_" + string(pod.UID) + "_" + c.Name
	if w.k.crashBackOff.inBackOffSince(key, dead.FinishedAt) {
		period := w.k.crashBackOff.get(key)
		// The real kubelet reports the back-off on the sync that finds the
		// container dead, then syncs again when it ends, or after its
		// resync interval when that is sooner; other syncs in between
		// (container events, a spec change) report nothing new here, so
		// the event's count does not depend on how they fell.
		now := w.k.clock.Now()
		said, ok := w.backOffSaid[c.Name]
		if !ok || said.dead != dead.ID || !now.Before(said.at.Add(resyncInterval)) {
			w.k.recorder.Eventf(podRef(pod, fieldPath(pod, c.Name)), corev1.EventTypeWarning, "BackOff",
				"Back-off restarting failed container %s in pod %s", c.Name, podDesc(pod))
			said = backOffReport{dead: dead.ID, at: now}
			w.backOffSaid[c.Name] = said
		}
		w.waiting[c.Name] = waitingState{"CrashLoopBackOff", fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", period, c.Name, podDesc(pod))}
		w.wakeAt(dead.FinishedAt.Add(period))
		w.wakeAt(said.at.Add(resyncInterval))
		return
	}
	w.k.crashBackOff.next(key, dead.FinishedAt)
	if err := w.enter(ctx, "kubelet.restart", fmt.Sprintf("container %s exited with %d; restartPolicy %s", c.Name, dead.ExitCode, pod.Spec.RestartPolicy)); err != nil {
		return
	}
	w.startContainer(ctx, pod, c, init, dead.Attempt+1)
}

// podDesc is how the kubelet names a pod in messages: name_namespace(uid).
func podDesc(pod *corev1.Pod) string {
	return fmt.Sprintf("%s_%s(%s)", pod.Name, pod.Namespace, pod.UID)
}

// fieldPath is the event field path of a container.
func fieldPath(pod *corev1.Pod, name string) string {
	for _, c := range pod.Spec.InitContainers {
		if c.Name == name {
			return "spec.initContainers{" + name + "}"
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == name {
			return "spec.ephemeralContainers{" + name + "}"
		}
	}
	return "spec.containers{" + name + "}"
}

// startContainer pulls, creates and starts one container
// (kuberuntime startContainer).
func (w *podWorker) startContainer(ctx context.Context, pod *corev1.Pod, c *corev1.Container, init bool, attempt uint32) {
	ref := podRef(pod, fieldPath(pod, c.Name))
	imageID, err := w.ensureImage(ctx, pod, c, ref)
	if err != nil {
		return
	}
	env, err := w.k.makeEnv(ctx, pod, c, w.podIP)
	if err != nil {
		w.waiting[c.Name] = waitingState{"CreateContainerConfigError", err.Error()}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return
	}
	mounts, err := w.mounts(pod, c)
	if err != nil {
		w.waiting[c.Name] = waitingState{"CreateContainerConfigError", err.Error()}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return
	}
	command, args := expandCommand(c, env)
	if err := w.enter(ctx, "kubelet.create", fmt.Sprintf("container %s image %s", c.Name, c.Image)); err != nil {
		return
	}
	logPath := filepath.Join(w.logDir(pod), c.Name, fmt.Sprintf("%d.log", attempt))
	os.MkdirAll(filepath.Dir(logPath), 0o755)
	cfg := container.ContainerConfig{
		Name: c.Name, Attempt: attempt, Image: c.Image, ImageID: imageID,
		Command: command, Args: args, WorkingDir: c.WorkingDir, Env: env, Mounts: mounts,
		LogPath: logPath, Stdin: c.Stdin, TTY: c.TTY,
		Resources: container.Resources{
			CPUMillis:        c.Resources.Limits.Cpu().MilliValue(),
			MemoryLimitBytes: c.Resources.Limits.Memory().Value(),
		},
		Labels: map[string]string{
			"io.kubernetes.container.name": c.Name, "io.kubernetes.pod.name": pod.Name,
			"io.kubernetes.pod.namespace": pod.Namespace, "io.kubernetes.pod.uid": string(pod.UID),
		},
	}
	if c.SecurityContext != nil {
		cfg.RunAsUser = c.SecurityContext.RunAsUser
	}
	if c.Lifecycle != nil && c.Lifecycle.StopSignal != nil {
		cfg.StopSignal = string(*c.Lifecycle.StopSignal)
	}
	id, err := w.rt.CreateContainer(ctx, w.sandboxID, cfg)
	if err != nil {
		w.waiting[c.Name] = waitingState{"CreateContainerError", err.Error()}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return
	}
	w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "Created", "Created container: %s", c.Name)
	if err := w.enter(ctx, "kubelet.start", "container "+c.Name); err != nil {
		return
	}
	if err := w.rt.StartContainer(ctx, id); err != nil {
		w.waiting[c.Name] = waitingState{"RunContainerError", err.Error()}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return
	}
	delete(w.waiting, c.Name)
	w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "Started", "Started container %s", c.Name)
	if c.Lifecycle != nil && c.Lifecycle.PostStart != nil {
		if msg, err := w.runHook(ctx, pod, c, id, c.Lifecycle.PostStart, 30*time.Second); err != nil {
			w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "FailedPostStartHook", "%s", msg)
			w.killContainer(ctx, pod, c, id, fmt.Sprintf("FailedPostStartHook"), gracePeriod(pod))
		}
	}
	if !init {
		w.probes[id] = newProbeState(c, w.k.clock.Now())
	}
}

// killContainer stops one container: preStop hook, then the stop signal,
// then SIGKILL after what is left of the grace period
// (kuberuntime killContainer).
func (w *podWorker) killContainer(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id, message string, grace time.Duration) {
	if message == "" {
		message = "Stopping container " + c.Name
	}
	if err := w.enter(ctx, "kubelet.kill", fmt.Sprintf("container %s grace %s", c.Name, grace)); err != nil {
		return
	}
	w.k.recorder.Eventf(podRef(pod, fieldPath(pod, c.Name)), corev1.EventTypeNormal, "Killing", "%s", message)
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && grace > 0 {
		start := w.k.clock.Now()
		if msg, err := w.runHook(ctx, pod, c, id, c.Lifecycle.PreStop, grace); err != nil {
			w.k.recorder.Eventf(podRef(pod, fieldPath(pod, c.Name)), corev1.EventTypeWarning, "FailedPreStopHook", "%s", msg)
		}
		grace -= w.k.clock.Since(start)
	}
	if grace < minimumGracePeriod && grace != 0 {
		grace = minimumGracePeriod
	}
	if grace < 0 {
		grace = 0
	}
	w.rt.StopContainer(ctx, id, grace)
}

// killPod stops every running container of the pod in parallel, then the
// sandbox.
func (w *podWorker) killPod(ctx context.Context, pod *corev1.Pod, grace time.Duration) {
	if w.sandboxID == "" || w.rt == nil {
		return
	}
	conts, err := w.containers(ctx)
	if err != nil {
		return
	}
	var wg sync.WaitGroup
	for _, spec := range allContainers(pod) {
		is := conts[spec.Name]
		if len(is) == 0 || (is[0].State != container.StateRunning && is[0].State != container.StateCreated) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.killContainer(ctx, pod, spec, is[0].ID, "", grace)
		}()
	}
	wg.Wait()
	w.stopSandbox(ctx)
}

func allContainers(pod *corev1.Pod) []*corev1.Container {
	var out []*corev1.Container
	for i := range pod.Spec.InitContainers {
		out = append(out, &pod.Spec.InitContainers[i])
	}
	for i := range pod.Spec.Containers {
		out = append(out, &pod.Spec.Containers[i])
	}
	return out
}

func (w *podWorker) stopSandbox(ctx context.Context) {
	if w.sandboxID != "" && w.rt != nil {
		w.rt.StopPodSandbox(ctx, w.sandboxID)
	}
}

// terminate runs a graceful deletion: kill with the pod's grace period,
// write the final status, then delete the pod for good with grace period 0
// as the status manager does once nothing of it runs any more.
func (w *podWorker) terminate(ctx context.Context, pod *corev1.Pod) bool {
	if !w.terminal {
		w.killPod(ctx, pod, gracePeriod(pod))
		w.terminal = true
	}
	if conts, err := w.containers(ctx); err == nil && w.admitted {
		status := w.generateStatusTerminal(pod, conts, true)
		w.writeStatus(ctx, pod, status)
	}
	if err := w.enter(ctx, "kubelet.status", "delete pod: all containers stopped"); err != nil {
		return true
	}
	err := w.k.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: ptr.To[int64](0),
		Preconditions:      &metav1.Preconditions{UID: &pod.UID},
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return false
	}
	w.cleanup(ctx)
	return true
}

// cleanup removes the sandbox, frees the IP and deletes the pod's volumes
// and logs.
func (w *podWorker) cleanup(ctx context.Context) {
	if w.sandboxID != "" && w.rt != nil {
		w.rt.StopPodSandbox(ctx, w.sandboxID)
		w.rt.RemovePodSandbox(ctx, w.sandboxID)
		w.k.setSandbox(w.sandboxID, "")
	}
	w.k.ipam.release(w.uid)
	os.RemoveAll(w.podDir())
	pod := w.latest()
	os.RemoveAll(w.logDir(pod))
}

var errBackOff = errors.New("back-off")

// ensureImage makes the container's image present under its pull policy
// (images/image_manager.go EnsureImageExists) and returns its image ID.
func (w *podWorker) ensureImage(ctx context.Context, pod *corev1.Pod, c *corev1.Container, ref *corev1.ObjectReference) (string, error) {
	image := c.Image
	present, _ := w.rt.ImageStatus(ctx, image)
	policy := c.ImagePullPolicy
	if policy == "" {
		policy = corev1.PullIfNotPresent
		if strings.HasSuffix(image, ":latest") || !strings.Contains(lastSegment(image), ":") {
			policy = corev1.PullAlways
		}
	}
	if present != nil && policy != corev1.PullAlways {
		w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "Pulled", "Container image %q already present on machine and can be accessed by the pod", image)
		return present.ID, nil
	}
	if present == nil && policy == corev1.PullNever {
		msg := fmt.Sprintf("Container image %q is not present with pull policy of Never", image)
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "ErrImageNeverPull", "%s", msg)
		w.waiting[c.Name] = waitingState{"ErrImageNeverPull", msg}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: ErrImageNeverPull")
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return "", errBackOff
	}
	key := string(pod.UID) + "_" + image
	if in, end := w.k.imageBackOff.inBackOffSinceUpdate(key); in {
		msg := fmt.Sprintf("Back-off pulling image %q", image)
		// Reported once per failed pull, and again per resync interval,
		// whatever else syncs the pod meanwhile (as restart's BackOff).
		now := w.k.clock.Now()
		said, ok := w.backOffSaid["image "+key]
		if !ok || said.dead != end.String() || !now.Before(said.at.Add(resyncInterval)) {
			w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "BackOff", "%s", msg)
			w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: ImagePullBackOff")
			said = backOffReport{dead: end.String(), at: now}
			w.backOffSaid["image "+key] = said
		}
		if prev, ok := w.prevPull[key]; ok {
			msg += ": " + prev
		}
		w.waiting[c.Name] = waitingState{"ImagePullBackOff", msg}
		w.wakeAt(end)
		w.wakeAt(said.at.Add(resyncInterval))
		return "", errBackOff
	}
	delete(w.prevPull, key)
	if err := w.enter(ctx, "kubelet.pull", fmt.Sprintf("image %s (%s)", image, policy)); err != nil {
		return "", err
	}
	w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "Pulling", "Pulling image %q", image)
	start := w.k.clock.Now()
	id, err := w.rt.PullImage(ctx, image)
	if err != nil {
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Failed to pull image %q: %v", image, err)
		w.k.imageBackOff.next(key, w.k.clock.Now())
		w.prevPull[key] = "ErrImagePull: " + err.Error()
		w.waiting[c.Name] = waitingState{"ErrImagePull", err.Error()}
		w.k.recorder.Eventf(ref, corev1.EventTypeWarning, "Failed", "Error: ErrImagePull")
		w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
		return "", err
	}
	took := w.k.clock.Since(start).Truncate(time.Millisecond)
	var size int64
	if st, _ := w.rt.ImageStatus(ctx, image); st != nil {
		size = st.Size
	}
	w.k.recorder.Eventf(ref, corev1.EventTypeNormal, "Pulled", "Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.", image, took, took, size)
	return id, nil
}

func lastSegment(image string) string {
	if i := strings.LastIndex(image, "/"); i >= 0 {
		return image[i+1:]
	}
	return image
}

func (w *podWorker) isAdmitted() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.admittedShared
}

// sandbox is the pod's sandbox ID, for the server.
func (w *podWorker) sandbox() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sandboxShared
}
