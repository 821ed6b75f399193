// Package apiserver is kubelab's kube-apiserver: the Kubernetes v1.37 API
// over HTTPS, built on k8s.io/apiserver's generic server and registry as
// kube-apiserver is, with objects in etcd under upstream's keys and
// encoding.
//
// It serves every group, version and resource a v1.37.2 kube-apiserver
// lists in discovery (resources.go is the table), so kubectl api-versions,
// api-resources and explain print what they print on a cluster. What each
// resource does differs in depth:
//
//   - The workload, core and coordination resources carry upstream's
//     strategies: defaulting, validation, status and scale subresources,
//     generation, graceful pod deletion, service IP allocation, namespace
//     finalization (strategy.go, hooks.go and the defaults, validation and
//     printers packages).
//   - The groups no kubelab component acts on yet (admissionregistration,
//     certificates, flowcontrol, networking, rbac, resource, scheduling,
//     storage, storagemigration, autoscaling) are stored and served with
//     the generic behaviour: no controller fills their status, and
//     kube-apiserver's bootstrap objects (default ClusterRoles, FlowSchemas,
//     APIServices, the system PriorityClasses) are not created.
//   - apiextensions.k8s.io CustomResourceDefinitions are stored, but
//     kubelab serves no custom resources from them.
//   - Virtual resources answer without storing anything (virtual.go):
//     bindings, componentstatuses, token and self-subject reviews, access
//     reviews. kubelab authorizes every authenticated request, so every
//     access review is allowed.
//
// Two things are cheaper than upstream to keep boot short: the OpenAPI v2
// spec is built on its first request (openapi.InstallV2Lazily), and the
// resources of the groups nothing in kubelab watches have no watch cache;
// their watches go straight to etcd.
package apiserver
