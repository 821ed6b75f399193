package validation

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// maxSecretSize is core.MaxSecretSize, the limit of a Secret's or
// ConfigMap's data.
const maxSecretSize = 1 * 1024 * 1024

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ValidateConfigMap checks a ConfigMap: key names, no key in both data and
// binaryData, 1 MiB in all.
func ValidateConfigMap(cm *corev1.ConfigMap) field.ErrorList {
	allErrs := validateObjectMeta(&cm.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	total := 0
	for _, key := range sortedKeys(cm.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			allErrs = append(allErrs, field.Invalid(field.NewPath("data").Key(key), key, msg))
		}
		if _, ok := cm.BinaryData[key]; ok {
			allErrs = append(allErrs, field.Invalid(field.NewPath("data").Key(key), key, "duplicate of key present in binaryData"))
		}
		total += len(cm.Data[key])
	}
	for _, key := range sortedKeys(cm.BinaryData) {
		for _, msg := range validation.IsConfigMapKey(key) {
			allErrs = append(allErrs, field.Invalid(field.NewPath("binaryData").Key(key), key, msg))
		}
		total += len(cm.BinaryData[key])
	}
	if total > maxSecretSize {
		allErrs = append(allErrs, field.TooLong(field.NewPath(""), "", maxSecretSize))
	}
	return allErrs
}

// ValidateConfigMapUpdate: an immutable ConfigMap keeps its data.
func ValidateConfigMapUpdate(cm, old *corev1.ConfigMap) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&cm.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if old.Immutable != nil && *old.Immutable {
		if cm.Immutable == nil || !*cm.Immutable {
			allErrs = append(allErrs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(cm.Data, old.Data) {
			allErrs = append(allErrs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(cm.BinaryData, old.BinaryData) {
			allErrs = append(allErrs, field.Forbidden(field.NewPath("binaryData"), "field is immutable when `immutable` is set"))
		}
	}
	return append(allErrs, ValidateConfigMap(cm)...)
}

// ValidateSecret checks a Secret: key names, size, and the keys each
// built-in type requires.
func ValidateSecret(s *corev1.Secret) field.ErrorList {
	allErrs := validateObjectMeta(&s.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	dataPath := field.NewPath("data")
	total := 0
	for _, key := range sortedKeys(s.Data) {
		for _, msg := range validation.IsConfigMapKey(key) {
			allErrs = append(allErrs, field.Invalid(dataPath.Key(key), key, msg))
		}
		total += len(s.Data[key])
	}
	if total > maxSecretSize {
		allErrs = append(allErrs, field.TooLong(dataPath, "", maxSecretSize))
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if len(s.Annotations[corev1.ServiceAccountNameKey]) == 0 {
			allErrs = append(allErrs, field.Required(field.NewPath("metadata", "annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockercfg, corev1.SecretTypeDockerConfigJson:
		key := corev1.DockerConfigKey
		if s.Type == corev1.SecretTypeDockerConfigJson {
			key = corev1.DockerConfigJsonKey
		}
		b, ok := s.Data[key]
		if !ok {
			allErrs = append(allErrs, field.Required(dataPath.Key(key), ""))
			break
		}
		if err := json.Unmarshal(b, &map[string]any{}); err != nil {
			allErrs = append(allErrs, field.Invalid(dataPath.Key(key), "<secret contents redacted>", err.Error()))
		}
	case corev1.SecretTypeBasicAuth:
		_, hasUser := s.Data[corev1.BasicAuthUsernameKey]
		_, hasPassword := s.Data[corev1.BasicAuthPasswordKey]
		if !hasUser && !hasPassword {
			allErrs = append(allErrs, field.Required(dataPath.Key(corev1.BasicAuthUsernameKey), ""))
			allErrs = append(allErrs, field.Required(dataPath.Key(corev1.BasicAuthPasswordKey), ""))
		}
	case corev1.SecretTypeSSHAuth:
		if len(s.Data[corev1.SSHAuthPrivateKey]) == 0 {
			allErrs = append(allErrs, field.Required(dataPath.Key(corev1.SSHAuthPrivateKey), ""))
		}
	case corev1.SecretTypeTLS:
		if _, ok := s.Data[corev1.TLSCertKey]; !ok {
			allErrs = append(allErrs, field.Required(dataPath.Key(corev1.TLSCertKey), ""))
		}
		if _, ok := s.Data[corev1.TLSPrivateKeyKey]; !ok {
			allErrs = append(allErrs, field.Required(dataPath.Key(corev1.TLSPrivateKeyKey), ""))
		}
	}
	return allErrs
}

// ValidateSecretUpdate: type never changes; an immutable Secret keeps its data.
func ValidateSecretUpdate(s, old *corev1.Secret) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateImmutableField(s.Type, old.Type, field.NewPath("type"))...)
	if old.Immutable != nil && *old.Immutable {
		if s.Immutable == nil || !*s.Immutable {
			allErrs = append(allErrs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(s.Data, old.Data) {
			allErrs = append(allErrs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
	}
	return append(allErrs, ValidateSecret(s)...)
}

// ValidateNamespace checks a Namespace: a DNS label name, cluster-scoped,
// well-formed finalizers.
func ValidateNamespace(ns *corev1.Namespace) field.ErrorList {
	allErrs := validateObjectMeta(&ns.ObjectMeta, false, apimachineryvalidation.ValidateNamespaceName, field.NewPath("metadata"))
	for i := range ns.Spec.Finalizers {
		allErrs = append(allErrs, validateFinalizerName(string(ns.Spec.Finalizers[i]), field.NewPath("spec", "finalizers"))...)
	}
	return allErrs
}

func validateFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	allErrs := apimachineryvalidation.ValidateFinalizerName(name, fldPath)
	return append(allErrs, validateKubeFinalizerName(name, fldPath)...)
}

// ValidateNamespaceUpdate: spec and status change only through their own
// subresources, so an update only touches metadata.
func ValidateNamespaceUpdate(ns, old *corev1.Namespace) field.ErrorList {
	return validateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
}

// ValidateNamespaceStatusUpdate: a namespace only becomes Terminating once
// it is being deleted.
func ValidateNamespaceStatusUpdate(ns, old *corev1.Namespace) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if ns.DeletionTimestamp.IsZero() {
		if ns.Status.Phase != corev1.NamespaceActive {
			allErrs = append(allErrs, field.Invalid(field.NewPath("status", "Phase"), ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if ns.Status.Phase != corev1.NamespaceTerminating {
		allErrs = append(allErrs, field.Invalid(field.NewPath("status", "Phase"), ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return allErrs
}

// ValidateNode checks the basics of a Node: name, taints, podCIDRs.
func ValidateNode(node *corev1.Node) field.ErrorList {
	allErrs := validateObjectMeta(&node.ObjectMeta, false, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	allErrs = append(allErrs, validateNodeTaints(node.Spec.Taints, field.NewPath("spec", "taints"))...)
	for i, cidr := range node.Spec.PodCIDRs {
		allErrs = append(allErrs, validation.IsValidCIDRForLegacyField(field.NewPath("spec", "podCIDRs").Index(i), cidr, true, nil)...)
	}
	return allErrs
}

func validateNodeTaints(taints []corev1.Taint, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	unique := sets.New[string]()
	for i, t := range taints {
		idxPath := fldPath.Index(i)
		allErrs = append(allErrs, metavalidation.ValidateLabelName(t.Key, idxPath.Child("key"))...)
		if errs := validation.IsValidLabelValue(t.Value); len(errs) > 0 {
			allErrs = append(allErrs, field.Invalid(idxPath.Child("value"), t.Value, strings.Join(errs, ";")))
		}
		allErrs = append(allErrs, validateTaintEffect(t.Effect, false, idxPath.Child("effect"))...)
		key := t.Key + "/" + string(t.Effect)
		if unique.Has(key) {
			allErrs = append(allErrs, field.Duplicate(idxPath, fmt.Sprintf("taints must be unique by key and effect pair, but found %s", t.Key+":"+string(t.Effect))))
			continue
		}
		unique.Insert(key)
	}
	return allErrs
}

// ValidateNodeUpdate checks a Node update (also used for nodes/status).
func ValidateNodeUpdate(node, old *corev1.Node) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&node.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, validateNodeTaints(node.Spec.Taints, field.NewPath("spec", "taints"))...)
	if len(old.Spec.PodCIDRs) > 0 && !reflect.DeepEqual(old.Spec.PodCIDRs, node.Spec.PodCIDRs) {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec", "podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
	}
	if old.Spec.ProviderID != "" && old.Spec.ProviderID != node.Spec.ProviderID {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	return allErrs
}

// ValidateServiceAccount checks a ServiceAccount's name and secret references.
func ValidateServiceAccount(sa *corev1.ServiceAccount) field.ErrorList {
	return validateObjectMeta(&sa.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
}

// ValidateServiceAccountUpdate checks a ServiceAccount update.
func ValidateServiceAccountUpdate(sa, old *corev1.ServiceAccount) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&sa.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, ValidateServiceAccount(sa)...)
}

// ValidateEndpoints checks Endpoints: addresses and ports of each subset.
func ValidateEndpoints(ep *corev1.Endpoints) field.ErrorList {
	return validateEndpoints(ep, nil)
}

// ValidateEndpointsUpdate checks an Endpoints update; stored invalid IPs
// may stay.
func ValidateEndpointsUpdate(ep, old *corev1.Endpoints) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&ep.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, validateEndpoints(ep, old)...)
}

func validateEndpoints(ep, old *corev1.Endpoints) field.ErrorList {
	allErrs := validateObjectMeta(&ep.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	allErrs = append(allErrs, apimachineryvalidation.ValidateAnnotations(ep.Annotations, field.NewPath("annotations"))...)
	var oldIPs []string
	if old != nil {
		for _, ss := range old.Subsets {
			for _, a := range ss.Addresses {
				oldIPs = append(oldIPs, a.IP)
			}
			for _, a := range ss.NotReadyAddresses {
				oldIPs = append(oldIPs, a.IP)
			}
		}
	}
	for i, ss := range ep.Subsets {
		idxPath := field.NewPath("subsets").Index(i)
		if len(ss.Addresses) == 0 && len(ss.NotReadyAddresses) == 0 {
			allErrs = append(allErrs, field.Required(idxPath, "must specify `addresses` or `notReadyAddresses`"))
		}
		for a := range ss.Addresses {
			allErrs = append(allErrs, validateEndpointAddress(&ss.Addresses[a], idxPath.Child("addresses").Index(a), oldIPs)...)
		}
		for a := range ss.NotReadyAddresses {
			allErrs = append(allErrs, validateEndpointAddress(&ss.NotReadyAddresses[a], idxPath.Child("notReadyAddresses").Index(a), oldIPs)...)
		}
		for p, port := range ss.Ports {
			pp := idxPath.Child("ports").Index(p)
			if len(ss.Ports) > 1 || len(port.Name) > 0 {
				if len(ss.Ports) > 1 && len(port.Name) == 0 {
					allErrs = append(allErrs, field.Required(pp.Child("name"), ""))
				} else if len(port.Name) > 0 {
					allErrs = append(allErrs, validateDNS1123Label(port.Name, pp.Child("name"))...)
				}
			}
			for _, msg := range validation.IsValidPortNum(int(port.Port)) {
				allErrs = append(allErrs, field.Invalid(pp.Child("port"), port.Port, msg))
			}
			allErrs = append(allErrs, validateProtocol(port.Protocol, pp.Child("protocol"))...)
		}
	}
	return allErrs
}

func validateEndpointAddress(a *corev1.EndpointAddress, fldPath *field.Path, oldIPs []string) field.ErrorList {
	allErrs := validateIPForLegacyField(fldPath.Child("ip"), a.IP, oldIPs)
	if len(a.Hostname) > 0 {
		allErrs = append(allErrs, validateDNS1123Label(a.Hostname, fldPath.Child("hostname"))...)
	}
	if a.NodeName != nil {
		for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(*a.NodeName, false) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("nodeName"), *a.NodeName, msg))
		}
	}
	return allErrs
}

var supportedAccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany, corev1.ReadWriteOncePod}

// ValidatePersistentVolumeClaim checks a claim: access modes and a storage
// request are required.
func ValidatePersistentVolumeClaim(pvc *corev1.PersistentVolumeClaim) field.ErrorList {
	allErrs := validateObjectMeta(&pvc.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validatePVCSpec(&pvc.Spec, field.NewPath("spec"))...)
}

func validatePVCSpec(spec *corev1.PersistentVolumeClaimSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if len(spec.AccessModes) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("accessModes"), "at least 1 access mode is required"))
	}
	if spec.Selector != nil {
		allErrs = append(allErrs, metavalidation.ValidateLabelSelector(spec.Selector, metavalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	foundRWOP := false
	for _, mode := range spec.AccessModes {
		switch mode {
		case corev1.ReadWriteOncePod:
			foundRWOP = true
		case corev1.ReadWriteOnce, corev1.ReadOnlyMany, corev1.ReadWriteMany:
		default:
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("accessModes"), mode, supportedAccessModes))
		}
	}
	if foundRWOP && len(spec.AccessModes) > 1 {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("accessModes"), "may not use ReadWriteOncePod with other access modes"))
	}
	storage, ok := spec.Resources.Requests[corev1.ResourceStorage]
	if !ok {
		allErrs = append(allErrs, field.Required(fldPath.Child("resources").Key(string(corev1.ResourceStorage)), ""))
	} else {
		p := fldPath.Child("resources").Key(string(corev1.ResourceStorage))
		allErrs = append(allErrs, validateResourceQuantityValue(corev1.ResourceStorage, storage, p)...)
		if storage.Sign() <= 0 {
			allErrs = append(allErrs, field.Invalid(p, storage.String(), isNotPositiveErrorMsg))
		}
	}
	if spec.StorageClassName != nil && len(*spec.StorageClassName) > 0 {
		for _, msg := range apimachineryvalidation.NameIsDNSSubdomain(*spec.StorageClassName, false) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("storageClassName"), *spec.StorageClassName, msg))
		}
	}
	if spec.VolumeMode != nil && *spec.VolumeMode != corev1.PersistentVolumeBlock && *spec.VolumeMode != corev1.PersistentVolumeFilesystem {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("volumeMode"), *spec.VolumeMode, sortedList(corev1.PersistentVolumeBlock, corev1.PersistentVolumeFilesystem)))
	}
	return allErrs
}

// ValidatePersistentVolumeClaimUpdate: a bound claim's spec only grows.
func ValidatePersistentVolumeClaimUpdate(pvc, old *corev1.PersistentVolumeClaim) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pvc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	allErrs = append(allErrs, ValidatePersistentVolumeClaim(pvc)...)
	newSpec := pvc.Spec.DeepCopy()
	// Binding fills volumeName once; a bound claim may grow; the volume
	// attributes class may change.
	if len(old.Spec.VolumeName) == 0 {
		newSpec.VolumeName = ""
	}
	oldSpec := old.Spec.DeepCopy()
	oldSpec.VolumeName = newSpec.VolumeName
	if old.Status.Phase == corev1.ClaimBound {
		newSpec.Resources.Requests = oldSpec.Resources.Requests
	}
	newSpec.VolumeAttributesClassName = oldSpec.VolumeAttributesClassName
	if len(old.Spec.VolumeName) == 0 {
		oldSpec.VolumeName = ""
	}
	if !apiequality.Semantic.DeepEqual(*newSpec, *oldSpec) {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
	}
	if newSize, oldSize := pvc.Spec.Resources.Requests[corev1.ResourceStorage], old.Spec.Resources.Requests[corev1.ResourceStorage]; old.Status.Phase == corev1.ClaimBound && newSize.Cmp(oldSize) < 0 {
		allErrs = append(allErrs, field.Forbidden(field.NewPath("spec", "resources", "requests", "storage"), "field can not be less than status.capacity"))
	}
	return allErrs
}

// ValidatePersistentVolumeClaimStatusUpdate checks a write to the claim's status.
func ValidatePersistentVolumeClaimStatusUpdate(pvc, old *corev1.PersistentVolumeClaim) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&pvc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if len(pvc.ResourceVersion) == 0 {
		allErrs = append(allErrs, field.Required(field.NewPath("resourceVersion"), ""))
	}
	capPath := field.NewPath("status", "capacity")
	for _, name := range sortedResourceNames(pvc.Status.Capacity) {
		allErrs = append(allErrs, validateBasicResource(pvc.Status.Capacity[name], capPath.Key(string(name)))...)
	}
	return allErrs
}

func validateBasicResource(q resource.Quantity, fldPath *field.Path) field.ErrorList {
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(fldPath, q.String(), "must be a valid resource quantity")}
	}
	return nil
}

// ValidateReplicationController checks a ReplicationController on create.
func ValidateReplicationController(rc *corev1.ReplicationController) field.ErrorList {
	allErrs := validateObjectMeta(&rc.ObjectMeta, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	return append(allErrs, validateReplicationControllerSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateReplicationControllerUpdate checks an update; unlike apps/v1 the
// selector may change.
func ValidateReplicationControllerUpdate(rc, old *corev1.ReplicationController) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(allErrs, validateReplicationControllerSpec(&rc.Spec, field.NewPath("spec"))...)
}

// ValidateReplicationControllerStatusUpdate checks a write to the status.
func ValidateReplicationControllerStatusUpdate(rc, old *corev1.ReplicationController) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&rc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	s := rc.Status
	return append(allErrs, validateReplicaCounts(s.Replicas, s.FullyLabeledReplicas, s.ReadyReplicas, s.AvailableReplicas, s.ObservedGeneration, nil, field.NewPath("status"))...)
}

func validateReplicationControllerSpec(spec *corev1.ReplicationControllerSpec, fldPath *field.Path) field.ErrorList {
	allErrs := validateNonnegativeField(int64(spec.MinReadySeconds), fldPath.Child("minReadySeconds"))
	selector := labels.Set(spec.Selector).AsSelector()
	if selector.Empty() {
		allErrs = append(allErrs, field.Required(fldPath.Child("selector"), ""))
	}
	allErrs = append(allErrs, validateNonnegativeField(int64(int32Value(spec.Replicas)), fldPath.Child("replicas"))...)
	tp := fldPath.Child("template")
	if spec.Template == nil {
		return append(allErrs, field.Required(tp, ""))
	}
	if !selector.Empty() && !selector.Matches(labels.Set(spec.Template.Labels)) {
		allErrs = append(allErrs, field.Invalid(tp.Child("metadata", "labels"), spec.Template.Labels, "`selector` does not match template `labels`"))
	}
	allErrs = append(allErrs, validatePodTemplateSpec(spec.Template, tp)...)
	if int32Value(spec.Replicas) > 1 {
		for i, vol := range spec.Template.Spec.Volumes {
			if vol.GCEPersistentDisk != nil && !vol.GCEPersistentDisk.ReadOnly {
				allErrs = append(allErrs, field.Invalid(tp.Child("spec", "volumes").Index(i).Child("gcePersistentDisk", "readOnly"), false, "must be true for replicated pods > 1; GCE PD can only be mounted on multiple machines if it is read-only"))
			}
		}
	}
	if spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways {
		allErrs = append(allErrs, field.NotSupported(tp.Child("spec", "restartPolicy"), spec.Template.Spec.RestartPolicy, []string{string(corev1.RestartPolicyAlways)}))
	}
	if spec.Template.Spec.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, field.Forbidden(tp.Child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicationController is not Supported"))
	}
	return allErrs
}
