// Package framework is kubelab's scheduling framework: the extension points a
// scheduling cycle runs (PreFilter, Filter, PostFilter, PreScore, Score,
// NormalizeScore, Reserve, Bind), the Status every plugin answers with, the
// NodeInfo and PodInfo views plugins read, and the Diagnosis/FitError pair that
// turns per-node verdicts into the FailedScheduling message.
//
// It mirrors kube-scheduler's pkg/scheduler/framework (interface.go, types.go,
// runtime/framework.go) and k8s.io/kube-scheduler/framework, reduced to what the
// in-tree plugins kubelab ships need. Where upstream runs Filter and Score in
// parallel, kubelab runs them one node at a time in node-name order so every
// cycle is reproducible, and it records each plugin's verdict and score so a
// cycle can be explained afterwards.
package framework
