// Package plugins is the table of kubelab's in-tree scheduler plugins and the
// default profile: the plugins kube-scheduler v1.37 enables by default, in its
// order and with its score weights (pkg/scheduler/apis/config/v1
// default_plugins.go), less the ones kubelab has no objects for (volumes,
// DRA, topology spread for now).
package plugins
