package printers

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Printers of the cluster-administration types: component statuses, role
// bindings, priority classes and resource quotas.

func componentStatusPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Status", "string", "Status of the component conditions"),
			column("Message", "string", "Message of the component conditions"),
			column("Error", "string", "Error of the component conditions"),
		},
		row: cells(func(cs *corev1.ComponentStatus, _ time.Time) []any {
			status, message, errText := "Unknown", "", ""
			for _, c := range cs.Conditions {
				if c.Type != corev1.ComponentHealthy {
					continue
				}
				status = "Unhealthy"
				if c.Status == corev1.ConditionTrue {
					status = "Healthy"
				}
				message, errText = c.Message, c.Error
				break
			}
			return []any{cs.Name, status, message, errText}
		}),
	}
}

// Upstream documents ROLE from the v1beta1 types' docs.
func roleBindingColumns(roleRefDoc, of string) []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		column("Role", "string", roleRefDoc),
		ageColumn(),
		wideColumn("Users", "string", "Users in the "+of),
		wideColumn("Groups", "string", "Groups in the "+of),
		wideColumn("ServiceAccounts", "string", "ServiceAccounts in the "+of),
	}
}

func roleBindingCells(name string, ref rbacv1.RoleRef, subjects []rbacv1.Subject, created metav1.Time, now time.Time) []any {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			sas = append(sas, s.Namespace+"/"+s.Name)
		case rbacv1.UserKind:
			users = append(users, s.Name)
		case rbacv1.GroupKind:
			groups = append(groups, s.Name)
		}
	}
	return []any{name, ref.Kind + "/" + ref.Name, since(created, now),
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", ")}
}

func roleBindingPrinter() printer {
	return printer{
		columns: roleBindingColumns(rbacv1beta1.RoleBinding{}.SwaggerDoc()["roleRef"], "roleBinding"),
		row: cells(func(rb *rbacv1.RoleBinding, now time.Time) []any {
			return roleBindingCells(rb.Name, rb.RoleRef, rb.Subjects, rb.CreationTimestamp, now)
		}),
	}
}

func clusterRoleBindingPrinter() printer {
	return printer{
		columns: roleBindingColumns(rbacv1beta1.ClusterRoleBinding{}.SwaggerDoc()["roleRef"], "clusterRoleBinding"),
		row: cells(func(rb *rbacv1.ClusterRoleBinding, now time.Time) []any {
			return roleBindingCells(rb.Name, rb.RoleRef, rb.Subjects, rb.CreationTimestamp, now)
		}),
	}
}

func priorityClassPrinter() printer {
	doc := schedulingv1.PriorityClass{}.SwaggerDoc()
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Value", "integer", doc["value"]),
			column("Global-Default", "boolean", doc["globalDefault"]),
			ageColumn(),
			wideColumn("PreemptionPolicy", "string", doc["preemptionPolicy"]),
		},
		row: cells(func(pc *schedulingv1.PriorityClass, now time.Time) []any {
			policy := ""
			if pc.PreemptionPolicy != nil {
				policy = string(*pc.PreemptionPolicy)
			}
			return []any{pc.Name, int64(pc.Value), pc.GlobalDefault, since(pc.CreationTimestamp, now), policy}
		}),
	}
}

// resourceQuotaPrinter shows used/hard per resource from the status the
// quota controller writes; limits.* resources go to LIMIT, the rest to
// REQUEST.
func resourceQuotaPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			nameColumn(),
			column("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
			column("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
			ageColumn(),
		},
		row: cells(func(q *corev1.ResourceQuota, now time.Time) []any {
			names := make([]string, 0, len(q.Status.Hard))
			for name := range q.Status.Hard {
				names = append(names, string(name))
			}
			sort.Strings(names)
			var request, limit []string
			for _, name := range names {
				used, hard := q.Status.Used[corev1.ResourceName(name)], q.Status.Hard[corev1.ResourceName(name)]
				entry := fmt.Sprintf("%s: %s/%s", name, used.String(), hard.String())
				if pieces := strings.Split(name, "."); len(pieces) > 1 && pieces[0] == "limits" {
					limit = append(limit, entry)
				} else {
					request = append(request, entry)
				}
			}
			return []any{q.Name, strings.Join(request, ", "), strings.Join(limit, ", "), since(q.CreationTimestamp, now)}
		}),
	}
}
