// Package cluster boots a whole Kubernetes cluster inside one process and
// is the one place that wires its components. Boot order is written down in
// Boot, as k3s does in pkg/server:
//
//  1. the session dir (temporary, or kept with Config.DataDir);
//  2. etcd (embedded, or external endpoints);
//  3. the apiserver, serving once /readyz answers;
//  4. the objects every cluster has (bootstrap: system namespaces, the
//     `kubernetes` Service and its endpoints);
//  5. the scheduler and one kubelet per node of the scenario, each with its
//     own container runtime and its own API user (system:kube-scheduler,
//     system:node:NAME);
//  6. ready when every node reports Ready.
//
// Components never call each other: they talk only through the API, so
// each can be replaced by its upstream twin. Close stops them in reverse:
// components first, so none of their requests is cut off, then the
// apiserver and etcd, and removes a temporary session dir.
//
// Scenarios (topology.go) describe the nodes: by default a tainted
// control-plane node and two workers, as kind or kubeadm would set them up.
package cluster
