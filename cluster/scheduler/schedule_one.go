package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	"kubelab/cluster/scheduler/framework"
	"kubelab/cluster/scheduler/queue"
)

// Upstream's bounds on how many feasible nodes a cycle looks for.
const (
	minFeasibleNodesToFind           = 100
	minFeasibleNodesPercentageToFind = 5
)

// scheduleOne runs one scheduling cycle for p, then binds it or puts it back.
// It returns an error only when ctx ended while a stage was held.
func (s *Scheduler) scheduleOne(ctx context.Context, p *queue.QueuedPodInfo) error {
	key := p.Key()
	cur, err := s.podLister.Pods(p.Pod.Namespace).Get(p.Pod.Name)
	if err != nil || cur.UID != p.Pod.UID || cur.Spec.NodeName != "" {
		s.queue.Done(key)
		return nil
	}
	pod := cur
	if pod.DeletionTimestamp != nil {
		s.recorder.Eventf(pod, v1.EventTypeWarning, "FailedScheduling", "Scheduling", "skip schedule deleting pod: %v/%v", pod.Namespace, pod.Name)
		s.queue.Done(key)
		return nil
	}
	s.snapshot = s.cache.updateSnapshot()
	cycle := Cycle{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID, Attempt: p.Attempts, Time: s.clk.Now(), NumAllNodes: len(s.snapshot.list)}
	defer func() {
		s.mu.Lock()
		s.cycles.put(cycle)
		s.mu.Unlock()
	}()

	state := framework.NewCycleState()
	host, fitErr, status, err := s.schedulePod(ctx, state, pod, &cycle)
	if err != nil {
		return err
	}
	if fitErr != nil {
		// No node fits: let preemption look, then report.
		if s.fw.HasPostFilterPlugins() {
			_, ps := s.fw.RunPostFilterPlugins(ctx, state, pod, fitErr.Diagnosis.NodeToStatus)
			fitErr.Diagnosis.PostFilterMsg = ps.Message()
			cycle.PostFilter = ps.Message()
		}
		status = framework.NewStatus(framework.Unschedulable).WithError(fitErr)
	}
	if !status.IsSuccess() {
		return s.handleSchedulingFailure(ctx, p, pod, status, fitErr, &cycle)
	}

	// Reserve: count the pod on its node in the cache before binding, so the
	// next cycle sees the room it takes (upstream's assume).
	assumed := pod.DeepCopy()
	assumed.Spec.NodeName = host
	s.cache.assumePod(assumed)
	cycle.Chosen = host
	if err := s.enter(ctx, "scheduler.reserve", podObject(pod), "node/"+host+"  "+requestSummary(pod)); err != nil {
		return err
	}
	if st := s.fw.RunReservePluginsReserve(ctx, state, assumed, host); !st.IsSuccess() {
		s.fw.RunReservePluginsUnreserve(ctx, state, assumed, host)
		s.cache.forgetPod(assumed)
		return s.handleSchedulingFailure(ctx, p, pod, st, nil, &cycle)
	}
	if err := s.enter(ctx, "scheduler.bind", podObject(pod), "-> "+host); err != nil {
		return err
	}
	if st := s.fw.RunBindPlugins(ctx, state, assumed, host); !st.IsSuccess() {
		s.fw.RunReservePluginsUnreserve(ctx, state, assumed, host)
		s.cache.forgetPod(assumed)
		if st.IsSkip() {
			st = framework.AsStatus(fmt.Errorf("bind plugins skipped the pod"))
		}
		return s.handleSchedulingFailure(ctx, p, pod, st, nil, &cycle)
	}
	msg := fmt.Sprintf("Successfully assigned %v/%v to %v", pod.Namespace, pod.Name, host)
	cycle.Result, cycle.Message = "Scheduled", msg
	s.recorder.Eventf(assumed, v1.EventTypeNormal, "Scheduled", "Binding", "%s", msg)
	s.queue.Done(key)
	return nil
}

func requestSummary(pod *v1.Pod) string {
	r := framework.PodRequests(pod)
	return fmt.Sprintf("cpu %dm, memory %d", r.MilliCPU, r.Memory)
}

// schedulePod runs PreFilter, Filter, PreScore and Score and picks a node,
// or returns the FitError saying why none fits.
func (s *Scheduler) schedulePod(ctx context.Context, state *framework.CycleState, pod *v1.Pod, cycle *Cycle) (string, *framework.FitError, *framework.Status, error) {
	all := s.snapshot.List()
	if len(all) == 0 {
		if err := s.enter(ctx, "scheduler.prefilter", podObject(pod), ErrNoNodesAvailable.Error()); err != nil {
			return "", nil, nil, err
		}
		return "", nil, framework.AsStatus(ErrNoNodesAvailable), nil
	}
	diagnosis := framework.Diagnosis{NodeToStatus: framework.NewDefaultNodeToStatus()}

	preRes, st, pluginsWithNodes, pre := s.fw.RunPreFilterPlugins(ctx, state, pod, all)
	cycle.PreFilter = verdicts(pre)
	if err := s.enter(ctx, "scheduler.prefilter", podObject(pod), prefilterDetail(len(all), st, pre)); err != nil {
		return "", nil, nil, err
	}
	diagnosis.UnschedulablePlugins = pluginsWithNodes
	if !st.IsSuccess() {
		if !st.IsRejected() {
			return "", nil, st, nil
		}
		// Every node shares the PreFilter verdict, for preemption to read.
		diagnosis.NodeToStatus.SetAbsentNodesStatus(st)
		diagnosis.PreFilterMsg = st.Message()
		diagnosis.AddPluginStatus(st)
		return "", &framework.FitError{Pod: pod, NumAllNodes: len(all), Diagnosis: diagnosis}, nil, nil
	}
	nodes := all
	if !preRes.AllNodes() {
		nodes = nil
		for _, ni := range all {
			if preRes.NodeNames.Has(ni.Node().Name) {
				nodes = append(nodes, ni)
			}
		}
		diagnosis.NodeToStatus.SetAbsentNodesStatus(framework.NewStatus(framework.UnschedulableAndUnresolvable,
			fmt.Sprintf("node(s) didn't satisfy plugin(s) %v", sets.List(pluginsWithNodes))))
	}

	feasible, results, err := s.findNodesThatPassFilters(ctx, state, pod, &diagnosis, nodes)
	if err != nil {
		return "", nil, nil, err
	}
	if len(feasible) == 0 {
		cycle.Nodes = results
		if st := firstError(results); st != nil {
			return "", nil, st, nil
		}
		return "", &framework.FitError{Pod: pod, NumAllNodes: len(all), Diagnosis: diagnosis}, nil, nil
	}
	if len(feasible) == 1 {
		host := feasible[0].Node().Name
		cycle.Nodes = results
		if err := s.enter(ctx, "scheduler.score", podObject(pod), "node/"+host+" (the only feasible node; not scored)"); err != nil {
			return "", nil, nil, err
		}
		return host, nil, nil, nil
	}
	if st := s.fw.RunPreScorePlugins(ctx, state, pod, feasible); !st.IsSuccess() {
		cycle.Nodes = results
		return "", nil, st, nil
	}
	scores, st := s.fw.RunScorePlugins(ctx, state, pod, feasible)
	if !st.IsSuccess() {
		cycle.Nodes = results
		return "", nil, st, nil
	}
	// The best total wins; ties go to the first node in name order
	// (upstream breaks ties at random).
	best := 0
	byName := map[string]framework.NodePluginScores{}
	var parts []string
	for i, ns := range scores {
		byName[ns.Name] = ns
		if ns.TotalScore > scores[best].TotalScore {
			best = i
		}
		parts = append(parts, fmt.Sprintf("node/%s %d", ns.Name, ns.TotalScore))
	}
	for i := range results {
		if ns, ok := byName[results[i].Node]; ok {
			results[i].Scores, results[i].Total = ns.Scores, ns.TotalScore
		}
	}
	cycle.Nodes = results
	if err := s.enter(ctx, "scheduler.score", podObject(pod), strings.Join(parts, "  ")); err != nil {
		return "", nil, nil, err
	}
	return scores[best].Name, nil, nil, nil
}

func firstError(results []NodeResult) *framework.Status {
	for _, r := range results {
		for _, v := range r.Filters {
			if v.Code == framework.Error.String() {
				return framework.AsStatus(fmt.Errorf("%s", v.Reason))
			}
		}
	}
	return nil
}

func prefilterDetail(n int, st *framework.Status, vs []framework.Verdict) string {
	if !st.IsSuccess() {
		return fmt.Sprintf("%s: %s", st.Plugin(), st.Message())
	}
	var skipped []string
	for _, v := range vs {
		if v.Code == framework.Skip {
			skipped = append(skipped, v.Plugin)
		}
	}
	d := fmt.Sprintf("%d node(s)", n)
	if len(skipped) > 0 {
		d += "; skip " + strings.Join(skipped, ", ")
	}
	return d
}

// numFeasibleNodesToFind: all nodes below 100; above, a share that shrinks
// with cluster size (50% minus 1% per 125 nodes, at least 5%), at least 100.
func numFeasibleNodesToFind(numAllNodes int) int {
	if numAllNodes < minFeasibleNodesToFind {
		return numAllNodes
	}
	percentage := 50 - numAllNodes/125
	if percentage < minFeasibleNodesPercentageToFind {
		percentage = minFeasibleNodesPercentageToFind
	}
	n := numAllNodes * percentage / 100
	if n < minFeasibleNodesToFind {
		return minFeasibleNodesToFind
	}
	return n
}

// findNodesThatPassFilters runs Filter on nodes, starting where the last
// cycle stopped, until enough feasible nodes are found. Each node's verdict
// is announced as a scheduler.filter stage. It returns the feasible nodes
// and every evaluated node's result, both in name order.
func (s *Scheduler) findNodesThatPassFilters(ctx context.Context, state *framework.CycleState, pod *v1.Pod, diagnosis *framework.Diagnosis, nodes []*framework.NodeInfo) ([]*framework.NodeInfo, []NodeResult, error) {
	want := numFeasibleNodesToFind(len(nodes))
	var feasible []*framework.NodeInfo
	var results []NodeResult
	processed := 0
	for i := 0; i < len(nodes) && len(feasible) < want; i++ {
		ni := nodes[(s.nextStartNodeIndex+i)%len(nodes)]
		processed++
		st, vs := s.fw.RunFilterPlugins(ctx, state, pod, ni)
		r := NodeResult{Node: ni.Node().Name, Filters: verdicts(vs), Feasible: st.IsSuccess()}
		detail := "feasible"
		if st.IsSuccess() {
			feasible = append(feasible, ni)
		} else {
			detail = st.Plugin() + ": " + st.Message()
			if st.IsRejected() {
				diagnosis.NodeToStatus.Set(ni.Node().Name, st)
				diagnosis.AddPluginStatus(st)
			}
		}
		results = append(results, r)
		if err := s.enter(ctx, "scheduler.filter", "node/"+ni.Node().Name, detail); err != nil {
			return nil, nil, err
		}
	}
	if len(nodes) > 0 {
		s.nextStartNodeIndex = (s.nextStartNodeIndex + processed) % len(nodes)
	}
	sort.Slice(feasible, func(i, j int) bool { return feasible[i].Node().Name < feasible[j].Node().Name })
	sort.Slice(results, func(i, j int) bool { return results[i].Node < results[j].Node })
	return feasible, results, nil
}

// handleSchedulingFailure puts the pod back in the queue, records the
// FailedScheduling event and sets PodScheduled=False, as upstream does.
func (s *Scheduler) handleSchedulingFailure(ctx context.Context, p *queue.QueuedPodInfo, pod *v1.Pod, status *framework.Status, fitErr *framework.FitError, cycle *Cycle) error {
	reason := v1.PodReasonSchedulerError
	if status.IsRejected() {
		reason = v1.PodReasonUnschedulable
	}
	msg := status.Message()
	cycle.Result, cycle.Message = reason, msg
	if fitErr != nil {
		p.UnschedulablePlugins = fitErr.Diagnosis.UnschedulablePlugins
	} else {
		p.UnschedulablePlugins = nil
	}
	if err := s.enter(ctx, "scheduler.unschedulable", podObject(pod), msg); err != nil {
		return err
	}
	cached, err := s.podLister.Pods(pod.Namespace).Get(pod.Name)
	switch {
	case err != nil:
		s.queue.Done(p.Key())
	case cached.UID != pod.UID:
		s.queue.Done(p.Key())
		return nil
	case cached.Spec.NodeName != "":
		s.queue.Done(p.Key())
	default:
		pod = cached
		s.queue.AddUnschedulable(p, cached, msg)
	}
	s.recorder.Eventf(pod, v1.EventTypeWarning, "FailedScheduling", "Scheduling", "%s", truncateMessage(msg))
	if err := s.setPodScheduledFalse(ctx, pod, reason, msg); err != nil {
		// The next attempt writes the condition again; nothing else to do.
		_ = err
	}
	return nil
}

// setPodScheduledFalse patches the PodScheduled condition through
// pods/status, only when it changes, keeping lastTransitionTime when the
// status stays False.
func (s *Scheduler) setPodScheduledFalse(ctx context.Context, pod *v1.Pod, reason, msg string) error {
	newStatus := pod.Status.DeepCopy()
	cond := v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionFalse, Reason: reason, Message: msg,
		ObservedGeneration: pod.Generation, LastTransitionTime: metav1.NewTime(s.clk.Now())}
	changed := true
	found := false
	for i := range newStatus.Conditions {
		c := &newStatus.Conditions[i]
		if c.Type != v1.PodScheduled {
			continue
		}
		found = true
		if c.Status == cond.Status {
			cond.LastTransitionTime = c.LastTransitionTime
		}
		changed = !(c.Status == cond.Status && c.Reason == cond.Reason && c.Message == cond.Message &&
			c.ObservedGeneration == cond.ObservedGeneration && c.LastProbeTime.Equal(&cond.LastProbeTime))
		*c = cond
	}
	if !found {
		newStatus.Conditions = append(newStatus.Conditions, cond)
	}
	if !changed {
		return nil
	}
	oldData, err := json.Marshal(v1.Pod{Status: pod.Status})
	if err != nil {
		return err
	}
	newData, err := json.Marshal(v1.Pod{Status: *newStatus})
	if err != nil {
		return err
	}
	patch, err := strategicpatch.CreateTwoWayMergePatch(oldData, newData, &v1.Pod{})
	if err != nil || string(patch) == "{}" {
		return err
	}
	_, err = s.client.CoreV1().Pods(pod.Namespace).Patch(ctx, pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	return err
}
