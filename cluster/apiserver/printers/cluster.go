package printers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func leasePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Holder", "string", coordinationv1.LeaseSpec{}.SwaggerDoc()["holderIdentity"]),
			ageColumn(),
		},
		row: cells(func(l *coordinationv1.Lease, now time.Time) []any {
			holder := ""
			if l.Spec.HolderIdentity != nil {
				holder = *l.Spec.HolderIdentity
			}
			return []any{l.Name, holder, since(l.CreationTimestamp, now)}
		}),
	}
}

func runtimeClassPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			// Upstream documents HANDLER from ObjectMeta's docs, which have no
			// "handler" entry, so the description is empty.
			column("Handler", "string", metav1.ObjectMeta{}.SwaggerDoc()["handler"]),
			ageColumn(),
		},
		row: cells(func(rc *nodev1.RuntimeClass, now time.Time) []any {
			return []any{rc.Name, rc.Handler, since(rc.CreationTimestamp, now)}
		}),
	}
}

func endpointSlicePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("AddressType", "string", discoveryv1.EndpointSlice{}.SwaggerDoc()["addressType"]),
			column("Ports", "string", discoveryv1.EndpointSlice{}.SwaggerDoc()["ports"]),
			column("Endpoints", "string", discoveryv1.EndpointSlice{}.SwaggerDoc()["endpoints"]),
			ageColumn(),
		},
		row: cells(func(es *discoveryv1.EndpointSlice, now time.Time) []any {
			var ports []string
			for _, p := range es.Ports {
				switch {
				case p.Port != nil:
					ports = append(ports, strconv.Itoa(int(*p.Port)))
				case p.Name != nil:
					ports = append(ports, *p.Name)
				default:
					ports = append(ports, "*")
				}
			}
			var addrs []string
			for _, e := range es.Endpoints {
				addrs = append(addrs, e.Addresses...)
			}
			return []any{es.Name, string(es.AddressType), firstThree(ports), firstThree(addrs), since(es.CreationTimestamp, now)}
		}),
	}
}

// firstThree lists up to three values and counts the rest
// ("80,443,8080 + 1 more..."), or "<unset>" when there are none.
func firstThree(values []string) string {
	const max = 3
	if len(values) > max {
		return fmt.Sprintf("%s + %d more...", strings.Join(values[:max], ","), len(values)-max)
	}
	if len(values) == 0 {
		return "<unset>"
	}
	return strings.Join(values, ",")
}

func podDisruptionBudgetPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Min Available", "string", "The minimum number of pods that must be available."),
			column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
			column("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
			ageColumn(),
		},
		row: cells(func(pdb *policyv1.PodDisruptionBudget, now time.Time) []any {
			minAvailable, maxUnavailable := "N/A", "N/A"
			if pdb.Spec.MinAvailable != nil {
				minAvailable = pdb.Spec.MinAvailable.String()
			}
			if pdb.Spec.MaxUnavailable != nil {
				maxUnavailable = pdb.Spec.MaxUnavailable.String()
			}
			return []any{pdb.Name, minAvailable, maxUnavailable, int64(pdb.Status.DisruptionsAllowed), since(pdb.CreationTimestamp, now)}
		}),
	}
}

func ingressPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
			column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
			column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
			column("Ports", "string", "Ports of TLS configurations that open"),
			ageColumn(),
		},
		row: cells(func(in *networkingv1.Ingress, now time.Time) []any {
			class := "<none>"
			if in.Spec.IngressClassName != nil {
				class = *in.Spec.IngressClassName
			}
			var addrs []string
			for _, lb := range in.Status.LoadBalancer.Ingress {
				switch {
				case lb.IP != "":
					addrs = append(addrs, lb.IP)
				case lb.Hostname != "":
					addrs = append(addrs, lb.Hostname)
				}
			}
			ports := "80"
			if len(in.Spec.TLS) != 0 {
				ports = "80, 443"
			}
			return []any{in.Name, class, ingressHosts(in.Spec.Rules), strings.Join(sortedUnique(addrs), ","), ports, since(in.CreationTimestamp, now)}
		}),
	}
}

// ingressHosts lists the first three hosts ("*" when no rule names one); once
// three are listed, any further rule adds "+ N more...", N counting every rule
// past the third.
func ingressHosts(rules []networkingv1.IngressRule) string {
	const max = 3
	var list []string
	more := false
	for _, r := range rules {
		if len(list) == max {
			more = true
		}
		if !more && r.Host != "" {
			list = append(list, r.Host)
		}
	}
	if len(list) == 0 {
		return "*"
	}
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, len(rules)-max)
	}
	return ret
}
