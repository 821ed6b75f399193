// Package defaultbinder is the DefaultBinder plugin: it binds a pod by
// creating its pods/binding subresource, the one write the scheduler makes to
// place a pod. It mirrors kube-scheduler's plugins/defaultbinder.
package defaultbinder
