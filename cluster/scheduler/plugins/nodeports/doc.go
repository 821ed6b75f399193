// Package nodeports is the NodePorts plugin: two pods cannot take the same
// host port (protocol and host IP) on one node. It mirrors kube-scheduler's
// plugins/nodeports.
package nodeports
