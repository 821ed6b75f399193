// Package defaultpreemption is the DefaultPreemption plugin: when no node
// fits, it looks for nodes where evicting lower-priority pods would make room.
// It mirrors kube-scheduler's plugins/defaultpreemption as far as the verdict
// goes — eligibility, which nodes could help, the dry run per node and the
// resulting message ("preemption: 0/3 nodes are available: 3 Preemption is
// not helpful for scheduling.") — but kubelab does not evict: when a node
// would fit after evicting, the pod stays unschedulable and the message says
// so. Picking and deleting victims is left for later.
package defaultpreemption
