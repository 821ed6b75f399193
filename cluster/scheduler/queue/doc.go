// Package queue is kubelab's scheduling queue: the activeQ the scheduler pops
// from (by priority, then by the time the pod was queued), the backoffQ where
// pods wait out 1 s doubling to 10 s after a failed attempt, and the
// unschedulable pool where pods that fit nowhere wait for a cluster event that
// may change a plugin's mind (or 5 minutes, whichever comes first).
//
// It mirrors kube-scheduler's pkg/scheduler/backend/queue (PriorityQueue) with
// v1.37's defaults: SchedulerPopFromBackoffQ on (an idle scheduler takes pods
// from backoffQ before their backoff ends; backoff expiries are aligned to
// one-second windows), queueing hints on, scheduling gates held in the
// unschedulable pool. Every timer reads the injected clock. Each time a pod
// enters a queue the queue keeps an Announcement, which the scheduler turns
// into a scheduler.queue stage before it pops the next pod.
package queue
