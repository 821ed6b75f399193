// Package noderesources holds the NodeResourcesFit plugin (requests must fit
// the node's allocatable minus what its pods request; LeastAllocated scoring)
// and the NodeResourcesBalancedAllocation plugin (prefer nodes whose cpu and
// memory use stay even). It mirrors kube-scheduler's plugins/noderesources
// with the default scoring resources: cpu and memory, weight 1 each.
package noderesources
