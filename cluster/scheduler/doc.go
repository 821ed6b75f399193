// Package scheduler is kubelab's kube-scheduler: it watches pods and nodes
// through the API, keeps its own cache of what each node carries, queues
// unscheduled pods (package queue), runs each through the scheduling
// framework's extension points with the default profile's plugins (packages
// framework and plugins/...), binds it with pods/binding, and reports
// Scheduled and FailedScheduling events (events.k8s.io/v1) and the
// PodScheduled condition exactly as kube-scheduler v1.37 does.
//
// It mirrors pkg/scheduler (scheduler.go, schedule_one.go, eventhandlers.go).
// Where upstream is concurrent or random kubelab is sequential and stable, so
// a session replays the same way: filters and scores run one node at a time
// in node-name order; among nodes with the best total score, the first in
// name order wins (upstream picks one at random); the binding runs in the
// scheduling goroutine. Every stage of a cycle is announced on the stage bus
// (scheduler.queue, prefilter, filter, score, reserve, bind, unschedulable)
// and held there when the bus says so; every cycle's per-node, per-plugin
// results are kept for explain (LastCycle, QueuedPods).
package scheduler
