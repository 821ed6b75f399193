// Package printers turns API objects into the server-side tables that
// `kubectl get` prints: the metav1.Table a kube-apiserver returns when a client
// asks for application/json;as=Table;g=meta.k8s.io;v=v1.
//
// It mirrors kube-apiserver's table printers (pkg/printers/internalversion
// printers.go, pkg/printers/tablegenerator.go and pkg/printers/storage in
// Kubernetes v1.37): the same column names, types, formats, priorities and
// descriptions, the same cell values (pod STATUS and RESTARTS, node ROLES,
// service PORT(S), event OBJECT, "<none>" placeholders) and the same row order,
// so a user sees exactly what a real cluster would show.
//
// Upstream prints the internal API types; kubelab stores and serves the
// versioned k8s.io/api types directly, so every printer here reads the v1
// types and reproduces upstream's results for them. Like upstream's registry
// (storage.TableConvertor), the server always generates the wide table: the
// -o wide columns carry Priority 1 and kubectl hides them unless asked.
// Ages are measured against an injected clock, so a virtual clock gives
// reproducible tables.
package printers
