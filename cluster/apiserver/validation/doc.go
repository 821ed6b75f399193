// Package validation checks API objects the way the Kubernetes v1.37
// apiserver does before it stores them: the per-type validation that
// upstream keeps in pkg/apis/core/validation, pkg/apis/apps/validation,
// pkg/apis/batch/validation, pkg/apis/coordination/validation,
// pkg/apis/events/validation and pkg/apis/node/validation, called from each
// resource's registry strategy (Validate, ValidateUpdate and the status
// strategy's ValidateUpdate).
//
// kubelab serves the k8s.io/api v1 types directly, so these rules are written
// over the versioned types rather than the internal ones; what a user sees is
// the same: the same field paths, bad values, details and order, which the
// generic registry turns into messages such as
//
//	The Pod "x" is invalid: spec.containers[0].image: Required value
//
// Upstream runs with a set of PodValidationOptions derived from feature gates;
// this package applies the v1.37 defaults (relaxed environment variable names,
// env files, container restart rules, pod-level resources are on; taint
// comparison operators are off) and does not model per-object exceptions that
// upstream keeps for objects created by older releases.
//
// Where upstream prints an internal Go value (the diff appended to a
// forbidden pod update), kubelab renders the versioned value in the internal
// type's layout — Go field names, every field present — so the text is the
// one a v1.37 apiserver prints.
package validation
