// Package nodeaffinity is the NodeAffinity plugin: nodeSelector and required
// node affinity filter nodes, preferred node affinity scores them. It mirrors
// kube-scheduler's plugins/nodeaffinity (without the profile's addedAffinity).
package nodeaffinity
