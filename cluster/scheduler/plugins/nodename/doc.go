// Package nodename is the NodeName plugin: a pod that names its node fits only
// that node. It mirrors kube-scheduler's plugins/nodename.
package nodename
