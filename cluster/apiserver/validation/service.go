package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func isHeadlessService(s *corev1.Service) bool {
	return s.Spec.Type == corev1.ServiceTypeClusterIP && len(s.Spec.ClusterIPs) == 1 && s.Spec.ClusterIPs[0] == corev1.ClusterIPNone
}

// ValidateService checks a Service on create. RelaxedServiceNameValidation
// is GA in v1.37: names are DNS-1123 labels (digits may lead).
func ValidateService(s *corev1.Service) field.ErrorList {
	allErrs := validateObjectMeta(&s.ObjectMeta, true, apimachineryvalidation.NameIsDNSLabel, field.NewPath("metadata"))
	return append(allErrs, validateService(s, nil)...)
}

// ValidateServiceUpdate checks a Service update: the primary cluster IP and
// IP family stay unless the type moves to or from ExternalName.
func ValidateServiceUpdate(s, old *corev1.Service) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if old.Spec.Type != corev1.ServiceTypeExternalName && s.Spec.Type != corev1.ServiceTypeExternalName {
		if len(old.Spec.ClusterIPs) > 0 && (len(s.Spec.ClusterIPs) == 0 || s.Spec.ClusterIPs[0] != old.Spec.ClusterIPs[0]) {
			allErrs = append(allErrs, field.Invalid(field.NewPath("spec", "clusterIPs").Index(0), s.Spec.ClusterIPs, "may not change once set"))
		}
		if len(old.Spec.IPFamilies) > 0 && len(s.Spec.IPFamilies) > 0 && s.Spec.IPFamilies[0] != old.Spec.IPFamilies[0] {
			allErrs = append(allErrs, field.Invalid(field.NewPath("spec", "ipFamilies").Index(0), s.Spec.IPFamilies[0], "may not change once set"))
		}
	}
	return append(allErrs, validateService(s, old)...)
}

// ValidateServiceStatusUpdate checks a write to services/status.
func ValidateServiceStatusUpdate(s, old *corev1.Service) field.ErrorList {
	allErrs := validateObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	ingPath := field.NewPath("status", "loadBalancer", "ingress")
	for i, ing := range s.Status.LoadBalancer.Ingress {
		idxPath := ingPath.Index(i)
		if len(ing.IP) > 0 {
			allErrs = append(allErrs, validation.IsValidIP(idxPath.Child("ip"), ing.IP)...)
		}
		if len(ing.Hostname) > 0 {
			allErrs = append(allErrs, validateDNS1123Subdomain(ing.Hostname, idxPath.Child("hostname"))...)
			if len(validation.IsValidIP(idxPath, ing.Hostname)) == 0 {
				allErrs = append(allErrs, field.Invalid(idxPath.Child("hostname"), ing.Hostname, "must be a DNS name, not an IP address"))
			}
		}
	}
	return allErrs
}

func validateService(s *corev1.Service, old *corev1.Service) field.ErrorList {
	var allErrs field.ErrorList
	specPath := field.NewPath("spec")
	if len(s.Spec.Ports) == 0 && !isHeadlessService(s) && s.Spec.Type != corev1.ServiceTypeExternalName {
		allErrs = append(allErrs, field.Required(specPath.Child("ports"), ""))
	}
	switch s.Spec.Type {
	case corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort:
		if len(s.Spec.ClusterIPs) > 0 && s.Spec.ClusterIPs[0] == corev1.ClusterIPNone {
			allErrs = append(allErrs, field.Invalid(specPath.Child("clusterIPs").Index(0), s.Spec.ClusterIPs[0], fmt.Sprintf("may not be set to 'None' for %s services", s.Spec.Type)))
		}
	case corev1.ServiceTypeExternalName:
		if len(s.Spec.ClusterIPs) > 0 {
			allErrs = append(allErrs, field.Forbidden(specPath.Child("clusterIPs"), "may not be set for ExternalName services"))
		}
		if len(s.Spec.IPFamilies) > 0 {
			allErrs = append(allErrs, field.Forbidden(specPath.Child("ipFamilies"), "may not be set for ExternalName services"))
		}
		if s.Spec.IPFamilyPolicy != nil {
			allErrs = append(allErrs, field.Forbidden(specPath.Child("ipFamilyPolicy"), "may not be set for ExternalName services"))
		}
		if cname := strings.TrimSuffix(s.Spec.ExternalName, "."); len(cname) > 0 {
			allErrs = append(allErrs, validateDNS1123Subdomain(cname, specPath.Child("externalName"))...)
		} else {
			allErrs = append(allErrs, field.Required(specPath.Child("externalName"), ""))
		}
	}
	allNames := sets.New[string]()
	portsPath := specPath.Child("ports")
	for i := range s.Spec.Ports {
		allErrs = append(allErrs, validateServicePort(&s.Spec.Ports[i], len(s.Spec.Ports) > 1, allNames, portsPath.Index(i))...)
	}
	if s.Spec.Selector != nil {
		allErrs = append(allErrs, metavalidation.ValidateLabels(s.Spec.Selector, specPath.Child("selector"))...)
	}
	switch s.Spec.SessionAffinity {
	case "":
		allErrs = append(allErrs, field.Required(specPath.Child("sessionAffinity"), ""))
	case corev1.ServiceAffinityClientIP:
		cfg := s.Spec.SessionAffinityConfig
		p := specPath.Child("sessionAffinityConfig")
		switch {
		case cfg == nil:
			allErrs = append(allErrs, field.Required(p, fmt.Sprintf("when session affinity type is %s", corev1.ServiceAffinityClientIP)))
		case cfg.ClientIP == nil:
			allErrs = append(allErrs, field.Required(p.Child("clientIP"), fmt.Sprintf("when session affinity type is %s", corev1.ServiceAffinityClientIP)))
		case cfg.ClientIP.TimeoutSeconds == nil:
			allErrs = append(allErrs, field.Required(p.Child("clientIP").Child("timeoutSeconds"), fmt.Sprintf("when session affinity type is %s", corev1.ServiceAffinityClientIP)))
		case *cfg.ClientIP.TimeoutSeconds <= 0 || *cfg.ClientIP.TimeoutSeconds > maxClientIPServiceAffinitySeconds:
			allErrs = append(allErrs, field.Invalid(p.Child("clientIP").Child("timeoutSeconds"), *cfg.ClientIP.TimeoutSeconds, fmt.Sprintf("must be greater than 0 and less than %d", maxClientIPServiceAffinitySeconds)))
		}
	case corev1.ServiceAffinityNone:
		if s.Spec.SessionAffinityConfig != nil {
			allErrs = append(allErrs, field.Forbidden(specPath.Child("sessionAffinityConfig"), fmt.Sprintf("must not be set when session affinity is %s", corev1.ServiceAffinityNone)))
		}
	default:
		allErrs = append(allErrs, field.NotSupported(specPath.Child("sessionAffinity"), s.Spec.SessionAffinity, sortedList(corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone)))
	}
	allErrs = append(allErrs, validateClusterIPs(s, old)...)
	var oldExternal []string
	if old != nil {
		oldExternal = old.Spec.ExternalIPs
	}
	for i, ip := range s.Spec.ExternalIPs {
		allErrs = append(allErrs, validateIPForLegacyField(specPath.Child("externalIPs").Index(i), ip, oldExternal)...)
	}
	switch s.Spec.Type {
	case "":
		allErrs = append(allErrs, field.Required(specPath.Child("type"), ""))
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeExternalName:
	default:
		allErrs = append(allErrs, field.NotSupported(specPath.Child("type"), s.Spec.Type, sortedList(corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeExternalName)))
	}
	if s.Spec.Type == corev1.ServiceTypeClusterIP {
		for i := range s.Spec.Ports {
			if s.Spec.Ports[i].NodePort != 0 {
				allErrs = append(allErrs, field.Forbidden(portsPath.Index(i).Child("nodePort"), "may not be used when `type` is 'ClusterIP'"))
			}
		}
	}
	nodePorts := sets.New[string]()
	for i, port := range s.Spec.Ports {
		if port.NodePort == 0 {
			continue
		}
		key := fmt.Sprintf("%s/%d", port.Protocol, port.NodePort)
		if nodePorts.Has(key) {
			allErrs = append(allErrs, field.Duplicate(portsPath.Index(i).Child("nodePort"), port.NodePort))
		}
		nodePorts.Insert(key)
	}
	ports := sets.New[string]()
	for i, port := range s.Spec.Ports {
		key := fmt.Sprintf("%s/%d", port.Protocol, port.Port)
		if ports.Has(key) {
			// Upstream prints the internal ServicePort holding only these two.
			allErrs = append(allErrs, field.Duplicate(portsPath.Index(i), internalLayout{corev1.ServicePort{Protocol: port.Protocol, Port: port.Port}}))
		}
		ports.Insert(key)
	}
	return allErrs
}

func validateServicePort(sp *corev1.ServicePort, requireName bool, allNames sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if requireName && len(sp.Name) == 0 {
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), ""))
	} else if len(sp.Name) != 0 {
		allErrs = append(allErrs, validateDNS1123Label(sp.Name, fldPath.Child("name"))...)
		if allNames.Has(sp.Name) {
			allErrs = append(allErrs, field.Duplicate(fldPath.Child("name"), sp.Name))
		} else {
			allNames.Insert(sp.Name)
		}
	}
	for _, msg := range validation.IsValidPortNum(int(sp.Port)) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("port"), sp.Port, msg))
	}
	allErrs = append(allErrs, validateProtocol(sp.Protocol, fldPath.Child("protocol"))...)
	allErrs = append(allErrs, validatePortNumOrName(sp.TargetPort, fldPath.Child("targetPort"))...)
	if sp.AppProtocol != nil {
		allErrs = append(allErrs, validateQualifiedName(*sp.AppProtocol, fldPath.Child("appProtocol"))...)
	}
	return allErrs
}

// validateClusterIPs is the core of upstream's
// ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree,
// each is an IP or "None", at most one per family.
func validateClusterIPs(s, old *corev1.Service) field.ErrorList {
	var allErrs field.ErrorList
	specPath := field.NewPath("spec")
	clusterIPsPath := specPath.Child("clusterIPs")
	if len(s.Spec.ClusterIP) != 0 && (len(s.Spec.ClusterIPs) == 0 || s.Spec.ClusterIP != s.Spec.ClusterIPs[0]) {
		allErrs = append(allErrs, field.Invalid(clusterIPsPath, s.Spec.ClusterIPs, "first value must match `clusterIP`"))
	}
	if len(s.Spec.ClusterIPs) == 0 {
		return allErrs
	}
	if s.Spec.Type != corev1.ServiceTypeExternalName && s.Spec.IPFamilyPolicy == nil {
		allErrs = append(allErrs, field.Required(specPath.Child("ipFamilyPolicy"), ""))
	}
	if len(s.Spec.ClusterIPs) > 2 {
		allErrs = append(allErrs, field.Invalid(clusterIPsPath, s.Spec.ClusterIPs, "may only hold up to 2 values"))
	}
	var oldIPs []string
	if old != nil {
		oldIPs = old.Spec.ClusterIPs
	}
	for i, ip := range s.Spec.ClusterIPs {
		if ip == corev1.ClusterIPNone {
			if i != 0 || len(s.Spec.ClusterIPs) > 1 {
				allErrs = append(allErrs, field.Invalid(clusterIPsPath.Index(i), ip, "'None' must be the first and only value"))
			}
			continue
		}
		allErrs = append(allErrs, validateIPForLegacyField(clusterIPsPath.Index(i), ip, oldIPs)...)
	}
	return allErrs
}

// maxClientIPServiceAffinitySeconds is core.MaxClientIPServiceAffinitySeconds.
const maxClientIPServiceAffinitySeconds = 86400
