package printers

import (
	"context"
	"fmt"
	"reflect"
	"time"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/clock"
)

// New returns the table convertor for one resource. Resources kube-apiserver
// has no printer for get the generic NAME / CREATED AT table, as
// rest.NewDefaultTableConvertor gives them upstream.
func New(gr schema.GroupResource, clk clock.PassiveClock) rest.TableConvertor {
	p, ok := printerFor(gr)
	if !ok {
		return rest.NewDefaultTableConvertor(gr)
	}
	return &convertor{printer: p, clock: clk}
}

// printer is one resource's columns and the function that fills a row for one
// of its objects. The row function reports false when handed an object of
// another type.
type printer struct {
	columns []metav1.TableColumnDefinition
	row     func(obj runtime.Object, now time.Time) (metav1.TableRow, bool, error)
}

// typed adapts a printing function for one Go type to a printer's row function.
// Like upstream, the row keeps the object itself: kubectl reads it back for
// --show-labels, sorting and -L columns.
func typed[T runtime.Object](print func(obj T, now time.Time) (metav1.TableRow, error)) func(runtime.Object, time.Time) (metav1.TableRow, bool, error) {
	return func(obj runtime.Object, now time.Time) (metav1.TableRow, bool, error) {
		t, ok := obj.(T)
		if !ok {
			return metav1.TableRow{}, false, nil
		}
		row, err := print(t, now)
		row.Object = runtime.RawExtension{Object: obj}
		return row, true, err
	}
}

// cells wraps a cells-only printing function, the shape of almost every
// printer (only pods add row conditions).
func cells[T runtime.Object](print func(obj T, now time.Time) []any) func(runtime.Object, time.Time) (metav1.TableRow, bool, error) {
	return typed(func(obj T, now time.Time) (metav1.TableRow, error) {
		return metav1.TableRow{Cells: print(obj, now)}, nil
	})
}

// convertor implements rest.TableConvertor the way upstream's
// printers/storage.TableConvertor does: always wide, headers unless the client
// sent NoHeaders, list metadata copied from the list (or the resourceVersion
// of a single object).
type convertor struct {
	printer printer
	clock   clock.PassiveClock
}

func (c *convertor) ConvertToTable(_ context.Context, obj runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	noHeaders := false
	switch t := tableOptions.(type) {
	case nil:
	case *metav1.TableOptions:
		if t != nil {
			noHeaders = t.NoHeaders
		}
	default:
		return nil, fmt.Errorf("unrecognized type %T for table options, can't display tabular output", tableOptions)
	}

	// Every upstream registry shares one generator that also knows Status and
	// Scale, so /scale subresources and status replies print through any
	// resource's convertor.
	p := c.printer
	switch obj.(type) {
	case *metav1.Status:
		p = statusPrinter()
	case *autoscalingv1.Scale:
		p = scalePrinter()
	}

	now := c.clock.Now()
	var rows []metav1.TableRow
	add := func(item runtime.Object) error {
		row, ok, err := p.row(item, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no table handler registered for this type %v", reflect.TypeOf(obj))
		}
		rows = append(rows, row)
		return nil
	}
	if meta.IsListType(obj) {
		rows = []metav1.TableRow{}
		if err := meta.EachListItem(obj, add); err != nil {
			return nil, err
		}
	} else if err := add(obj); err != nil {
		return nil, err
	}

	table := &metav1.Table{Rows: rows}
	if !noHeaders {
		table.ColumnDefinitions = p.columns
	}
	if m, err := meta.ListAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
		table.Continue = m.GetContinue()
		table.RemainingItemCount = m.GetRemainingItemCount()
	} else if m, err := meta.CommonAccessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
	return table, nil
}

// printerFor is the table of resources kube-apiserver prints with its own
// columns. events.k8s.io events are stored and printed as core/v1 Events, as
// upstream's events.k8s.io registry reuses the core event storage.
func printerFor(gr schema.GroupResource) (printer, bool) {
	switch gr {
	case schema.GroupResource{Resource: "pods"}:
		return podPrinter(), true
	case schema.GroupResource{Resource: "podtemplates"}:
		return podTemplatePrinter(), true
	case schema.GroupResource{Resource: "nodes"}:
		return nodePrinter(), true
	case schema.GroupResource{Resource: "namespaces"}:
		return namespacePrinter(), true
	case schema.GroupResource{Resource: "services"}:
		return servicePrinter(), true
	case schema.GroupResource{Resource: "endpoints"}:
		return endpointsPrinter(), true
	case schema.GroupResource{Resource: "configmaps"}:
		return configMapPrinter(), true
	case schema.GroupResource{Resource: "secrets"}:
		return secretPrinter(), true
	case schema.GroupResource{Resource: "serviceaccounts"}:
		return serviceAccountPrinter(), true
	case schema.GroupResource{Resource: "persistentvolumeclaims"}:
		return persistentVolumeClaimPrinter(), true
	case schema.GroupResource{Resource: "replicationcontrollers"}:
		return replicationControllerPrinter(), true
	case schema.GroupResource{Resource: "events"}, schema.GroupResource{Group: "events.k8s.io", Resource: "events"}:
		return eventPrinter(), true
	case schema.GroupResource{Group: "apps", Resource: "deployments"}:
		return deploymentPrinter(), true
	case schema.GroupResource{Group: "apps", Resource: "replicasets"}:
		return replicaSetPrinter(), true
	case schema.GroupResource{Group: "apps", Resource: "daemonsets"}:
		return daemonSetPrinter(), true
	case schema.GroupResource{Group: "apps", Resource: "statefulsets"}:
		return statefulSetPrinter(), true
	case schema.GroupResource{Group: "apps", Resource: "controllerrevisions"}:
		return controllerRevisionPrinter(), true
	case schema.GroupResource{Group: "batch", Resource: "jobs"}:
		return jobPrinter(), true
	case schema.GroupResource{Group: "batch", Resource: "cronjobs"}:
		return cronJobPrinter(), true
	case schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}:
		return leasePrinter(), true
	case schema.GroupResource{Group: "node.k8s.io", Resource: "runtimeclasses"}:
		return runtimeClassPrinter(), true
	case schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}:
		return endpointSlicePrinter(), true
	case schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}:
		return podDisruptionBudgetPrinter(), true
	case schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}:
		return ingressPrinter(), true
	case schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}:
		return horizontalPodAutoscalerPrinter(), true
	case schema.GroupResource{Resource: "componentstatuses"}:
		return componentStatusPrinter(), true
	case schema.GroupResource{Resource: "resourcequotas"}:
		return resourceQuotaPrinter(), true
	case schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}:
		return roleBindingPrinter(), true
	case schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}:
		return clusterRoleBindingPrinter(), true
	case schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}:
		return priorityClassPrinter(), true
	}
	return printer{}, false
}

// The column descriptions are the API's own field documentation, as upstream
// builds them from SwaggerDoc.
func nameColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]}
}

func ageColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Age", Type: "string", Description: metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"]}
}

func column(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Description: description}
}

// wideColumn is a column kubectl shows only with -o wide.
func wideColumn(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Priority: 1, Description: description}
}

// containersColumns are the CONTAINERS and IMAGES wide columns shared by the
// workload printers.
func containersColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		wideColumn("Containers", "string", "Names of each container in the template."),
		wideColumn("Images", "string", "Images referenced by each container in the template."),
	}
}

// since is upstream's translateTimestampSince: a human duration ("5m",
// "3d4h"), or "<unknown>" for a zero time.
func since(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

func sinceMicro(t metav1.MicroTime, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

func statusPrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			column("Status", "string", metav1.Status{}.SwaggerDoc()["status"]),
			column("Reason", "string", metav1.Status{}.SwaggerDoc()["reason"]),
			// Upstream looks up "Message" (capitalised), which has no doc.
			column("Message", "string", metav1.Status{}.SwaggerDoc()["Message"]),
		},
		row: cells(func(s *metav1.Status, _ time.Time) []any {
			return []any{s.Status, string(s.Reason), s.Message}
		}),
	}
}

func scalePrinter() printer {
	return printer{
		columns: []metav1.TableColumnDefinition{
			// Upstream's scale NAME column carries no "name" format.
			column("Name", "string", metav1.ObjectMeta{}.SwaggerDoc()["name"]),
			column("Desired", "integer", autoscalingv1.ScaleSpec{}.SwaggerDoc()["replicas"]),
			column("Available", "integer", autoscalingv1.ScaleStatus{}.SwaggerDoc()["replicas"]),
			ageColumn(),
		},
		row: cells(func(s *autoscalingv1.Scale, now time.Time) []any {
			return []any{s.Name, int64(s.Spec.Replicas), int64(s.Status.Replicas), since(s.CreationTimestamp, now)}
		}),
	}
}
