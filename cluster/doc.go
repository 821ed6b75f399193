// Package cluster boots a whole Kubernetes cluster inside one process: an
// embedded etcd, the apiserver, and (in later stages) the scheduler,
// controllers and kubelets. Boot order is written down in one place (Boot),
// as k3s does in pkg/server: etcd -> apiserver -> bootstrap objects -> the
// components that talk to the apiserver. Close stops everything and removes
// temporary state.
package cluster
