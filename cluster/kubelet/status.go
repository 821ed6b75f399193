package kubelet

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"kubelab/cluster/container"
)

// kubeletConditions are the pod conditions the kubelet owns, in the order
// a real kubelet's status shows them.
var kubeletConditions = []corev1.PodConditionType{
	corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.PodReady, corev1.ContainersReady,
}

func (w *podWorker) generateStatus(pod *corev1.Pod, conts map[string]instances) corev1.PodStatus {
	return w.generateStatusTerminal(pod, conts, false)
}

// generateStatusTerminal is generateAPIPodStatus: the pod status from the
// runtime's view of its containers, keeping what others own (PodScheduled,
// QOS class, nominated node).
func (w *podWorker) generateStatusTerminal(pod *corev1.Pod, conts map[string]instances, podIsTerminal bool) corev1.PodStatus {
	old := pod.Status
	s := corev1.PodStatus{
		QOSClass:           old.QOSClass,
		NominatedNodeName:  old.NominatedNodeName,
		StartTime:          w.startTime,
		HostIP:             w.k.cfg.Node.InternalIP,
		HostIPs:            []corev1.HostIP{{IP: w.k.cfg.Node.InternalIP}},
		ObservedGeneration: pod.Generation,
	}
	if w.podIP != "" {
		s.PodIP = w.podIP
		s.PodIPs = []corev1.PodIP{{IP: w.podIP}}
	}
	hasInit := len(pod.Spec.InitContainers) > 0
	s.InitContainerStatuses = w.containerStatuses(pod, pod.Spec.InitContainers, conts, true, old.InitContainerStatuses, "PodInitializing")
	// As convertToAPIContainerStatuses: a pod with init containers shows
	// its containers PodInitializing until they run, init done or not.
	defaultReason := "ContainerCreating"
	if hasInit {
		defaultReason = "PodInitializing"
	}
	s.ContainerStatuses = w.containerStatuses(pod, pod.Spec.Containers, conts, false, old.ContainerStatuses, defaultReason)
	if len(s.InitContainerStatuses) == 0 {
		s.InitContainerStatuses = nil
	}
	s.Phase = getPhase(pod, s.InitContainerStatuses, s.ContainerStatuses, podIsTerminal)
	if old.Phase == corev1.PodSucceeded || old.Phase == corev1.PodFailed {
		// A terminal phase never goes back.
		s.Phase = old.Phase
	}

	now := metav1.NewTime(w.k.clock.Now().Truncate(time.Second))
	var conds []corev1.PodCondition
	sandboxReady := w.sandboxID != "" && !podIsTerminal && !w.terminal
	if sandboxReady {
		conds = append(conds, corev1.PodCondition{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue})
	} else {
		conds = append(conds, corev1.PodCondition{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionFalse})
	}
	conds = append(conds, initializedCondition(pod, s, conts != nil))
	ready := containersReadyCondition(pod, s)
	podReady := ready
	podReady.Type = corev1.PodReady
	conds = append(conds, podReady, ready)
	for i := range conds {
		conds[i].ObservedGeneration = pod.Generation
		conds[i].LastTransitionTime = now
		for _, o := range old.Conditions {
			if o.Type == conds[i].Type && o.Status == conds[i].Status {
				conds[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
	for _, o := range old.Conditions {
		owned := false
		for _, t := range kubeletConditions {
			owned = owned || o.Type == t
		}
		if !owned {
			conds = append(conds, o)
		}
	}
	s.Conditions = conds
	return s
}

func initializedCondition(pod *corev1.Pod, s corev1.PodStatus, known bool) corev1.PodCondition {
	c := corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionTrue}
	if len(pod.Spec.InitContainers) == 0 {
		return c
	}
	if !known {
		return corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionFalse, Reason: "UnknownContainerStatuses"}
	}
	if s.Phase == corev1.PodSucceeded {
		c.Reason = "PodCompleted"
		return c
	}
	for _, cs := range s.ContainerStatuses {
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil {
			return c
		}
	}
	var incomplete []string
	for _, cs := range s.InitContainerStatuses {
		if !cs.Ready {
			incomplete = append(incomplete, cs.Name)
		}
	}
	if len(incomplete) > 0 {
		return corev1.PodCondition{Type: corev1.PodInitialized, Status: corev1.ConditionFalse, Reason: "ContainersNotInitialized",
			Message: fmt.Sprintf("containers with incomplete status: %v", incomplete)}
	}
	return c
}

func containersReadyCondition(pod *corev1.Pod, s corev1.PodStatus) corev1.PodCondition {
	switch s.Phase {
	case corev1.PodFailed:
		return corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "PodFailed"}
	case corev1.PodSucceeded:
		return corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "PodCompleted"}
	}
	var unready []string
	for _, cs := range s.ContainerStatuses {
		if !cs.Ready {
			unready = append(unready, cs.Name)
		}
	}
	if len(unready) > 0 {
		return corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady",
			Message: fmt.Sprintf("containers with unready status: %v", unready)}
	}
	return corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionTrue}
}

// containerStatuses is convertToAPIContainerStatuses: the newest instance
// gives state, the one before it lastState.
func (w *podWorker) containerStatuses(pod *corev1.Pod, specs []corev1.Container, conts map[string]instances, init bool, old []corev1.ContainerStatus, defaultReason string) []corev1.ContainerStatus {
	out := make([]corev1.ContainerStatus, 0, len(specs))
	for i := range specs {
		c := &specs[i]
		cs := corev1.ContainerStatus{Name: c.Name, Image: c.Image, Started: ptr.To(false)}
		for _, o := range old {
			if o.Name == c.Name && o.ImageID != "" {
				cs.Image, cs.ImageID = o.Image, o.ImageID
			}
		}
		is := conts[c.Name]
		wait, hasWait := w.waiting[c.Name]
		if len(is) == 0 {
			reason := defaultReason
			msg := ""
			if hasWait {
				reason, msg = wait.reason, wait.message
			}
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: msg}
			cs.VolumeMounts = volumeMountStatuses(c)
			cs.Resources = containerResources(c)
			out = append(out, cs)
			continue
		}
		cur := is[0]
		cs.ContainerID = w.rt.Name() + "://" + cur.ID
		cs.RestartCount = int32(cur.Attempt)
		if cur.Image != "" {
			cs.Image = cur.Image
		}
		cs.ImageID = cur.ImageID
		if len(is) > 1 {
			cs.LastTerminationState.Terminated = terminated(w.rt, is[1])
		}
		switch cur.State {
		case container.StateRunning:
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(cur.StartedAt)}
			ps := w.probes[cur.ID]
			started := ps == nil || ps.startupDone
			cs.Started = ptr.To(started)
			cs.Ready = started && (ps == nil || ps.ready)
			if init {
				cs.Ready = false
			}
		case container.StateExited:
			if hasWait {
				// Exited and waiting to start again: the dead instance
				// becomes lastState.
				cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: wait.reason, Message: wait.message}
				cs.LastTerminationState.Terminated = terminated(w.rt, cur)
			} else {
				cs.State.Terminated = terminated(w.rt, cur)
				cs.Ready = init && cur.ExitCode == 0
			}
		default:
			reason := defaultReason
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason}
		}
		cs.VolumeMounts = volumeMountStatuses(c)
		cs.Resources = containerResources(c)
		out = append(out, cs)
	}
	return out
}

func terminated(rt interface{ Name() string }, c container.ContainerStatus) *corev1.ContainerStateTerminated {
	reason := c.Reason
	if reason == "" {
		reason = "Error"
		if c.ExitCode == 0 {
			reason = "Completed"
		}
	}
	return &corev1.ContainerStateTerminated{
		ExitCode: c.ExitCode, Reason: reason, Message: c.Message,
		StartedAt: metav1.NewTime(c.StartedAt), FinishedAt: metav1.NewTime(c.FinishedAt),
		ContainerID: rt.Name() + "://" + c.ID,
	}
}

func volumeMountStatuses(c *corev1.Container) []corev1.VolumeMountStatus {
	var out []corev1.VolumeMountStatus
	for _, m := range c.VolumeMounts {
		vs := corev1.VolumeMountStatus{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly}
		if m.ReadOnly {
			vs.RecursiveReadOnly = ptr.To(corev1.RecursiveReadOnlyDisabled)
		}
		out = append(out, vs)
	}
	return out
}

func containerResources(c *corev1.Container) *corev1.ResourceRequirements {
	if len(c.Resources.Requests) == 0 && len(c.Resources.Limits) == 0 {
		return nil
	}
	return &corev1.ResourceRequirements{Requests: c.Resources.Requests.DeepCopy(), Limits: c.Resources.Limits.DeepCopy()}
}

// getPhase is the kubelet's getPhase for regular (non-sidecar) containers.
func getPhase(pod *corev1.Pod, initStatuses, statuses []corev1.ContainerStatus, podIsTerminal bool) corev1.PodPhase {
	pendingInit, failedInit := 0, 0
	for _, cs := range initStatuses {
		switch {
		case cs.State.Running != nil:
			pendingInit++
		case cs.State.Terminated != nil:
			if cs.State.Terminated.ExitCode != 0 {
				failedInit++
			}
		case cs.State.Waiting != nil && cs.LastTerminationState.Terminated != nil:
			if cs.LastTerminationState.Terminated.ExitCode != 0 {
				failedInit++
			}
		default:
			pendingInit++
		}
	}
	running, waiting, stopped, succeeded := 0, 0, 0, 0
	for _, cs := range statuses {
		switch {
		case cs.State.Running != nil:
			running++
		case cs.State.Terminated != nil:
			stopped++
			if cs.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case cs.State.Waiting != nil && cs.LastTerminationState.Terminated != nil:
			stopped++
		default:
			waiting++
		}
	}
	if failedInit > 0 && pod.Spec.RestartPolicy == corev1.RestartPolicyNever {
		return corev1.PodFailed
	}
	switch {
	case pendingInit > 0 || waiting > 0:
		if podIsTerminal && running == 0 {
			if stopped > 0 && stopped == succeeded {
				return corev1.PodSucceeded
			}
			return corev1.PodFailed
		}
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case stopped > 0:
		if podIsTerminal {
			if stopped == succeeded {
				return corev1.PodSucceeded
			}
			return corev1.PodFailed
		}
		switch pod.Spec.RestartPolicy {
		case corev1.RestartPolicyAlways:
			return corev1.PodRunning
		case corev1.RestartPolicyOnFailure:
			if stopped == succeeded {
				return corev1.PodSucceeded
			}
			return corev1.PodRunning
		default:
			if stopped == succeeded {
				return corev1.PodSucceeded
			}
			return corev1.PodFailed
		}
	}
	return corev1.PodPending
}

// writeStatus writes the pod status through pods/status when it changed
// (the status manager's syncPod).
func (w *podWorker) writeStatus(ctx context.Context, pod *corev1.Pod, status corev1.PodStatus) {
	if w.lastStatus != nil && equality.Semantic.DeepEqual(*w.lastStatus, status) {
		return
	}
	if equality.Semantic.DeepEqual(pod.Status, status) {
		w.lastStatus = &status
		return
	}
	if err := w.enter(ctx, "kubelet.status", fmt.Sprintf("phase %s", status.Phase)); err != nil {
		return
	}
	client := w.k.client.CoreV1().Pods(pod.Namespace)
	p := pod.DeepCopy()
	for attempt := 0; attempt < 5; attempt++ {
		p.Status = status
		_, err := client.UpdateStatus(ctx, p, metav1.UpdateOptions{})
		if err == nil {
			w.lastStatus = &status
			return
		}
		if !apierrors.IsConflict(err) {
			w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
			return
		}
		fresh, gerr := client.Get(ctx, pod.Name, metav1.GetOptions{})
		if gerr != nil || fresh.UID != pod.UID {
			return
		}
		// Keep conditions others added since.
		for _, c := range fresh.Status.Conditions {
			found := false
			for _, s := range status.Conditions {
				found = found || s.Type == c.Type
			}
			if !found {
				status.Conditions = append(status.Conditions, c)
			}
		}
		p = fresh.DeepCopy()
	}
	w.wakeAt(w.k.clock.Now().Add(syncErrorResync))
}
