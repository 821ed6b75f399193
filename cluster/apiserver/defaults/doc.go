// Package defaults is kubelab's defaulting for the Kubernetes API types it
// serves: the values the apiserver fills into an object when it decodes a
// request body, before admission, validation and the registry strategy run.
//
// It mirrors, for Kubernetes v1.37 with its default feature gates, the
// defaulting that kube-apiserver registers on its runtime.Scheme: the
// hand-written SetDefaults_* funcs of pkg/apis/{core,apps,batch,discovery}/v1
// (defaults.go) and the nested, declarative defaulting that defaulter-gen
// writes into zz_generated.defaults.go (every container's ports get protocol
// TCP, every probe its thresholds, every volume its defaultMode, ...). The
// code is kubelab's own and works on the k8s.io/api versioned types directly.
//
// AddToScheme registers one defaulting func per type and per list, exactly for
// the types upstream defaults. ServiceAccount, core/v1 Event,
// events.k8s.io/v1 Event, ControllerRevision, Lease, RuntimeClass and
// PodDisruptionBudget have no defaulting in v1.37, so nothing is registered
// for them and scheme.Default leaves them as decoded.
//
// Feature gates are fixed at their v1.37 defaults, so the package holds no
// switches:
//   - ImageVolume (GA): an image volume's pullPolicy is defaulted like a
//     container's imagePullPolicy.
//   - MaxUnavailableStatefulSet (beta, on): a StatefulSet's RollingUpdate gets
//     maxUnavailable 1.
//   - PodLevelResources with PodLevelResourcesFixDefaulting (both on): the
//     pod-level requests and limits are no longer defaulted on decode but in
//     the pod strategy's PrepareForCreate, once admission has seen every
//     container; PodLevelResources is that step, for the strategy to call.
//   - H2CContainerProbe and PodLogsQuerySplitStreams (alpha, off): no HTTP
//     probe protocol and no log stream are defaulted.
//
// What a created object shows is more than defaulting; these parts live
// elsewhere in kubelab, as in Kubernetes:
//   - admission: serviceAccountName "default" and the service-account token
//     volume (ServiceAccount), the not-ready/unreachable NoExecute tolerations
//     of 300 s (DefaultTolerationSeconds), a PVC's storageClassName
//     (DefaultStorageClass), pod priority (Priority);
//   - registry strategies (PrepareForCreate): pod status phase Pending, the
//     pod-level resources (PodLevelResources here) and then qosClass
//     (PodQOSClass here),
//     metadata.generation, a Namespace's "kubernetes" finalizer, a Service's
//     clusterIP(s), ipFamilies, ipFamilyPolicy and nodePorts (allocated by the
//     Service REST layer), a Job's selector and controller-uid labels when
//     manualSelector is not set;
//   - conversion, which kube-apiserver runs between v1 and its internal
//     types and kubelab does not: a Secret's stringData folded into data, a
//     DaemonSet's templateGeneration shown as the
//     deprecated.daemonset.template.generation annotation, apiVersion and
//     kind written into a StatefulSet's volumeClaimTemplates, a Node's
//     podCIDR and podCIDRs kept in agreement;
//   - metadata (uid, creationTimestamp, resourceVersion) from the generic
//     registry Store.
package defaults
