package scheduler

import (
	"sort"
	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"kubelab/cluster/scheduler/framework"
	"kubelab/cluster/scheduler/plugins/imagelocality"
)

// schedulerCache is what the scheduler believes each node carries: the pods
// bound to it (from the informer) and the pods it has just placed there
// itself (assumed) before the binding shows up in a watch event. It mirrors
// upstream's backend/cache; assumed pods never expire, as with upstream's
// default durationToExpireAssumedPod of 0.
type schedulerCache struct {
	mu         sync.Mutex
	nodes      map[string]*framework.NodeInfo
	pods       map[types.UID]*podState
	generation int64
	imagesGen  int64 // generation at which images last changed

	// snapshot state, only touched by the scheduling goroutine.
	snap snapshot
}

type podState struct {
	pod     *v1.Pod
	assumed bool
}

func newSchedulerCache() *schedulerCache {
	return &schedulerCache{nodes: map[string]*framework.NodeInfo{}, pods: map[types.UID]*podState{}}
}

func (c *schedulerCache) nodeInfoLocked(name string) *framework.NodeInfo {
	ni, ok := c.nodes[name]
	if !ok {
		ni = framework.NewNodeInfo()
		c.nodes[name] = ni
	}
	return ni
}

func (c *schedulerCache) touchLocked(ni *framework.NodeInfo) {
	c.generation++
	ni.Generation = c.generation
}

func (c *schedulerCache) addNode(node *v1.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ni := c.nodeInfoLocked(node.Name)
	ni.SetNode(node)
	c.touchLocked(ni)
	c.imagesGen = c.generation
}

func (c *schedulerCache) removeNode(node *v1.Node) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ni, ok := c.nodes[node.Name]
	if !ok {
		return
	}
	ni.RemoveNode()
	if len(ni.Pods) == 0 {
		delete(c.nodes, node.Name)
	}
	c.generation++
	c.imagesGen = c.generation
}

// addPod counts a bound pod, confirming it when the scheduler assumed it.
func (c *schedulerCache) addPod(pod *v1.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ps, ok := c.pods[pod.UID]; ok {
		c.removePodLocked(ps.pod)
	}
	c.addPodLocked(pod)
	c.pods[pod.UID] = &podState{pod: pod}
}

func (c *schedulerCache) addPodLocked(pod *v1.Pod) {
	ni := c.nodeInfoLocked(pod.Spec.NodeName)
	ni.AddPod(pod)
	c.touchLocked(ni)
}

func (c *schedulerCache) removePodLocked(pod *v1.Pod) {
	ni, ok := c.nodes[pod.Spec.NodeName]
	if !ok {
		return
	}
	ni.RemovePod(pod)
	c.touchLocked(ni)
	if ni.Node() == nil && len(ni.Pods) == 0 {
		delete(c.nodes, pod.Spec.NodeName)
	}
}

func (c *schedulerCache) removePod(pod *v1.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ps, ok := c.pods[pod.UID]
	if !ok {
		return
	}
	c.removePodLocked(ps.pod)
	delete(c.pods, pod.UID)
}

// assumePod counts a pod on the node it was just given, before binding.
func (c *schedulerCache) assumePod(pod *v1.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ps, ok := c.pods[pod.UID]; ok {
		c.removePodLocked(ps.pod)
	}
	c.addPodLocked(pod)
	c.pods[pod.UID] = &podState{pod: pod, assumed: true}
}

// forgetPod undoes assumePod after a failed binding.
func (c *schedulerCache) forgetPod(pod *v1.Pod) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ps, ok := c.pods[pod.UID]; ok && ps.assumed {
		c.removePodLocked(ps.pod)
		delete(c.pods, pod.UID)
	}
}

// snapshot is the cycle's frozen view of the cache, cloned incrementally.
type snapshot struct {
	infos      map[string]*framework.NodeInfo
	list       []*framework.NodeInfo
	generation int64
	imagesGen  int64
}

func (s *snapshot) List() []*framework.NodeInfo { return s.list }

func (s *snapshot) Get(name string) (*framework.NodeInfo, bool) {
	ni, ok := s.infos[name]
	if !ok || ni.Node() == nil {
		return nil, false
	}
	return ni, true
}

// updateSnapshot refreshes the snapshot: NodeInfos that changed since the
// last cycle are cloned, and nodes are listed in name order.
func (c *schedulerCache) updateSnapshot() *snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.snap
	if s.infos == nil {
		s.infos = map[string]*framework.NodeInfo{}
	}
	if s.generation == c.generation && s.list != nil {
		return s
	}
	changed := false
	for name, ni := range c.nodes {
		if old, ok := s.infos[name]; !ok || old.Generation != ni.Generation || (old.Node() == nil) != (ni.Node() == nil) {
			clone := ni.Clone()
			if ok {
				clone.ImageStates = old.ImageStates
			}
			s.infos[name] = clone
			changed = true
		}
	}
	for name := range s.infos {
		if _, ok := c.nodes[name]; !ok {
			delete(s.infos, name)
			changed = true
		}
	}
	if s.imagesGen != c.imagesGen {
		c.fillImageStatesLocked(s)
		s.imagesGen = c.imagesGen
	}
	if changed || s.list == nil {
		s.list = s.list[:0]
		for _, ni := range s.infos {
			if ni.Node() != nil {
				s.list = append(s.list, ni)
			}
		}
		sort.Slice(s.list, func(i, j int) bool { return s.list[i].Node().Name < s.list[j].Node().Name })
	}
	s.generation = c.generation
	return s
}

// fillImageStatesLocked summarizes status.images over all nodes: each
// image's size and how many nodes hold it.
func (c *schedulerCache) fillImageStatesLocked(s *snapshot) {
	summaries := map[string]*framework.ImageStateSummary{}
	for _, ni := range s.infos {
		if ni.Node() == nil {
			continue
		}
		for _, img := range ni.Node().Status.Images {
			for _, name := range img.Names {
				n := imagelocality.NormalizedImageName(name)
				st, ok := summaries[n]
				if !ok {
					st = &framework.ImageStateSummary{Size: img.SizeBytes}
					summaries[n] = st
				}
				st.NumNodes++
			}
		}
	}
	for _, ni := range s.infos {
		states := map[string]*framework.ImageStateSummary{}
		if ni.Node() != nil {
			for _, img := range ni.Node().Status.Images {
				for _, name := range img.Names {
					n := imagelocality.NormalizedImageName(name)
					states[n] = summaries[n]
				}
			}
		}
		ni.ImageStates = states
	}
}
