// Package tainttoleration is the TaintToleration plugin: a node's NoSchedule
// and NoExecute taints keep off pods that do not tolerate them, and
// PreferNoSchedule taints lower a node's score. It mirrors kube-scheduler's
// plugins/tainttoleration, whose v1.37 reason does not name the taint.
package tainttoleration
