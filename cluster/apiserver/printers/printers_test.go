package printers

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
)

// header renders column definitions the way the test expectations spell
// them: upper-case names, "*" marking -o wide columns.
func header(columns []metav1.TableColumnDefinition) string {
	var names []string
	for _, c := range columns {
		n := strings.ToUpper(c.Name)
		if c.Priority == 1 {
			n += "*"
		}
		names = append(names, n)
	}
	return strings.Join(names, " | ")
}

// sampleOf is an empty list of a resource's Go type.
func sampleOf(gr schema.GroupResource) runtime.Object {
	switch gr.Resource {
	case "componentstatuses":
		return &corev1.ComponentStatusList{}
	case "resourcequotas":
		return &corev1.ResourceQuotaList{}
	case "rolebindings":
		return &rbacv1.RoleBindingList{}
	case "clusterrolebindings":
		return &rbacv1.ClusterRoleBindingList{}
	case "priorityclasses":
		return &schedulingv1.PriorityClassList{}
	case "horizontalpodautoscalers":
		return &autoscalingv2.HorizontalPodAutoscalerList{}
	case "pods":
		return &corev1.PodList{}
	case "podtemplates":
		return &corev1.PodTemplateList{}
	case "nodes":
		return &corev1.NodeList{}
	case "namespaces":
		return &corev1.NamespaceList{}
	case "services":
		return &corev1.ServiceList{}
	case "endpoints":
		return &corev1.EndpointsList{}
	case "configmaps":
		return &corev1.ConfigMapList{}
	case "secrets":
		return &corev1.SecretList{}
	case "serviceaccounts":
		return &corev1.ServiceAccountList{}
	case "persistentvolumeclaims":
		return &corev1.PersistentVolumeClaimList{}
	case "replicationcontrollers":
		return &corev1.ReplicationControllerList{}
	case "events":
		return &corev1.EventList{}
	case "deployments":
		return &appsv1.DeploymentList{}
	case "replicasets":
		return &appsv1.ReplicaSetList{}
	case "daemonsets":
		return &appsv1.DaemonSetList{}
	case "statefulsets":
		return &appsv1.StatefulSetList{}
	case "controllerrevisions":
		return &appsv1.ControllerRevisionList{}
	case "jobs":
		return &batchv1.JobList{}
	case "cronjobs":
		return &batchv1.CronJobList{}
	case "leases":
		return &coordinationv1.LeaseList{}
	case "runtimeclasses":
		return &nodev1.RuntimeClassList{}
	case "endpointslices":
		return &discoveryv1.EndpointSliceList{}
	case "poddisruptionbudgets":
		return &policyv1.PodDisruptionBudgetList{}
	case "ingresses":
		return &networkingv1.IngressList{}
	}
	return &metav1.PartialObjectMetadataList{}
}

// The headers are those of kube-apiserver v1.37's AddHandlers.
func TestColumnsMatchKubeAPIServer(t *testing.T) {
	tests := []struct {
		gr   schema.GroupResource
		want string
	}{
		{schema.GroupResource{Resource: "pods"}, "NAME | READY | STATUS | RESTARTS | AGE | IP* | NODE* | NOMINATED NODE* | READINESS GATES*"},
		{schema.GroupResource{Resource: "podtemplates"}, "NAME | CONTAINERS | IMAGES | POD LABELS"},
		{schema.GroupResource{Resource: "nodes"}, "NAME | STATUS | ROLES | AGE | VERSION | INTERNAL-IP* | EXTERNAL-IP* | OS-IMAGE* | KERNEL-VERSION* | CONTAINER-RUNTIME*"},
		{schema.GroupResource{Resource: "namespaces"}, "NAME | STATUS | AGE"},
		{schema.GroupResource{Resource: "services"}, "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | SELECTOR*"},
		{schema.GroupResource{Resource: "endpoints"}, "NAME | ENDPOINTS | AGE"},
		{schema.GroupResource{Resource: "configmaps"}, "NAME | DATA | AGE"},
		{schema.GroupResource{Resource: "secrets"}, "NAME | TYPE | DATA | AGE"},
		{schema.GroupResource{Resource: "serviceaccounts"}, "NAME | AGE"},
		{schema.GroupResource{Resource: "persistentvolumeclaims"}, "NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE | VOLUMEMODE*"},
		{schema.GroupResource{Resource: "replicationcontrollers"}, "NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Resource: "events"}, "LAST SEEN | TYPE | REASON | OBJECT | SUBOBJECT* | SOURCE* | MESSAGE | FIRST SEEN* | COUNT* | NAME*"},
		{schema.GroupResource{Group: "events.k8s.io", Resource: "events"}, "LAST SEEN | TYPE | REASON | OBJECT | SUBOBJECT* | SOURCE* | MESSAGE | FIRST SEEN* | COUNT* | NAME*"},
		{schema.GroupResource{Group: "apps", Resource: "deployments"}, "NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Group: "apps", Resource: "replicasets"}, "NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "NAME | DESIRED | CURRENT | READY | UP-TO-DATE | AVAILABLE | NODE SELECTOR | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "NAME | READY | AGE | CONTAINERS* | IMAGES*"},
		{schema.GroupResource{Group: "apps", Resource: "controllerrevisions"}, "NAME | CONTROLLER | REVISION | AGE"},
		{schema.GroupResource{Group: "batch", Resource: "jobs"}, "NAME | STATUS | COMPLETIONS | DURATION | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Group: "batch", Resource: "cronjobs"}, "NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE | CONTAINERS* | IMAGES* | SELECTOR*"},
		{schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}, "NAME | HOLDER | AGE"},
		{schema.GroupResource{Group: "node.k8s.io", Resource: "runtimeclasses"}, "NAME | HANDLER | AGE"},
		{schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}, "NAME | ADDRESSTYPE | PORTS | ENDPOINTS | AGE"},
		{schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}, "NAME | MIN AVAILABLE | MAX UNAVAILABLE | ALLOWED DISRUPTIONS | AGE"},
		{schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}, "NAME | CLASS | HOSTS | ADDRESS | PORTS | AGE"},
		{schema.GroupResource{Resource: "componentstatuses"}, "NAME | STATUS | MESSAGE | ERROR"},
		{schema.GroupResource{Resource: "resourcequotas"}, "NAME | REQUEST | LIMIT | AGE"},
		{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}, "NAME | ROLE | AGE | USERS* | GROUPS* | SERVICEACCOUNTS*"},
		{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "NAME | ROLE | AGE | USERS* | GROUPS* | SERVICEACCOUNTS*"},
		{schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}, "NAME | VALUE | GLOBAL-DEFAULT | AGE | PREEMPTIONPOLICY*"},
		{schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}, "NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE"},
		{schema.GroupResource{Group: "example.com", Resource: "widgets"}, "NAME | CREATED AT"},
	}
	for _, tc := range tests {
		t.Run(tc.gr.String(), func(t *testing.T) {
			columns := convert(t, tc.gr, sampleOf(tc.gr)).ColumnDefinitions
			if got := header(columns); got != tc.want {
				t.Errorf("columns\n got %s\nwant %s", got, tc.want)
			}
			for _, c := range columns {
				// Upstream documents HANDLER with a key ObjectMeta lacks.
				if c.Description == "" && !(tc.gr.Resource == "runtimeclasses" && c.Name == "Handler") {
					t.Errorf("column %q has no description", c.Name)
				}
			}
		})
	}
}

func TestColumnDetails(t *testing.T) {
	tests := []struct {
		name   string
		gr     schema.GroupResource
		column string
		want   metav1.TableColumnDefinition
	}{
		{"the name column is formatted as a name", schema.GroupResource{Resource: "pods"}, "Name",
			metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]}},
		{"the pod IP column documents status.podIP", schema.GroupResource{Resource: "pods"}, "IP",
			metav1.TableColumnDefinition{Name: "IP", Type: "string", Priority: 1, Description: corev1.PodStatus{}.SwaggerDoc()["podIP"]}},
		{"replica counts are integers", schema.GroupResource{Group: "apps", Resource: "replicasets"}, "Desired",
			metav1.TableColumnDefinition{Name: "Desired", Type: "integer", Description: "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"}},
		{"the event name is a wide name column", schema.GroupResource{Resource: "events"}, "Name",
			metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Priority: 1, Description: metav1.ObjectMeta{}.SwaggerDoc()["name"]}},
		{"the runtime class handler has an empty description as upstream", schema.GroupResource{Group: "node.k8s.io", Resource: "runtimeclasses"}, "Handler",
			metav1.TableColumnDefinition{Name: "Handler", Type: "string"}},
		{"cron job suspension is typed boolean", schema.GroupResource{Group: "batch", Resource: "cronjobs"}, "Suspend",
			metav1.TableColumnDefinition{Name: "Suspend", Type: "boolean", Description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := printerFor(tc.gr)
			for _, c := range p.columns {
				if c.Name == tc.column {
					if diff := cmp.Diff(tc.want, c); diff != "" {
						t.Errorf("column (-want +got):\n%s", diff)
					}
					return
				}
			}
			t.Errorf("no column %q", tc.column)
		})
	}
}

func TestConvertToTable(t *testing.T) {
	podA := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "a", ResourceVersion: "7"}, Spec: corev1.PodSpec{Containers: make([]corev1.Container, 1)}, Status: corev1.PodStatus{Phase: corev1.PodPending}}
	podB := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "b", ResourceVersion: "9"}, Spec: corev1.PodSpec{Containers: make([]corev1.Container, 1)}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	list := &corev1.PodList{
		ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "token", RemainingItemCount: ptr.To[int64](3)},
		Items:    []corev1.Pod{podB, podA},
	}

	tests := []struct {
		name        string
		obj         runtime.Object
		options     runtime.Object
		wantRows    [][]any
		wantHeaders bool
		wantMeta    metav1.ListMeta
	}{
		{
			name:        "a list prints one row per item in list order and keeps its list metadata",
			obj:         list,
			options:     &metav1.TableOptions{},
			wantRows:    [][]any{{"b", "0/1", "Running", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"}, {"a", "0/1", "Pending", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"}},
			wantHeaders: true,
			wantMeta:    metav1.ListMeta{ResourceVersion: "42", Continue: "token", RemainingItemCount: ptr.To[int64](3)},
		},
		{
			name:        "a single object carries its resourceVersion",
			obj:         &podA,
			wantRows:    [][]any{{"a", "0/1", "Pending", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"}},
			wantHeaders: true,
			wantMeta:    metav1.ListMeta{ResourceVersion: "7"},
		},
		{
			name:     "NoHeaders drops the column definitions",
			obj:      &podA,
			options:  &metav1.TableOptions{NoHeaders: true},
			wantRows: [][]any{{"a", "0/1", "Pending", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"}},
			wantMeta: metav1.ListMeta{ResourceVersion: "7"},
		},
		{
			name:        "an empty list has no rows but still has headers",
			obj:         &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "5"}},
			wantRows:    [][]any{},
			wantHeaders: true,
			wantMeta:    metav1.ListMeta{ResourceVersion: "5"},
		},
		{
			name:        "a Status prints through any resource's convertor",
			obj:         &metav1.Status{Status: metav1.StatusFailure, Reason: metav1.StatusReasonNotFound, Message: `pods "x" not found`},
			wantRows:    [][]any{{"Failure", "NotFound", `pods "x" not found`}},
			wantHeaders: true,
		},
		{
			name: "a Scale prints through the convertor of its resource",
			obj: &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "web", ResourceVersion: "11"},
				Spec: autoscalingv1.ScaleSpec{Replicas: 3}, Status: autoscalingv1.ScaleStatus{Replicas: 2}},
			wantRows:    [][]any{{"web", int64(3), int64(2), "<unknown>"}},
			wantHeaders: true,
			wantMeta:    metav1.ListMeta{ResourceVersion: "11"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table, err := New(podsGR, clocktesting.NewFakePassiveClock(now)).ConvertToTable(context.Background(), tc.obj, tc.options)
			if err != nil {
				t.Fatalf("ConvertToTable: %v", err)
			}
			got := [][]any{}
			for _, r := range table.Rows {
				got = append(got, r.Cells)
			}
			if diff := cmp.Diff(tc.wantRows, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if table.Rows == nil {
				t.Errorf("rows are nil, want a JSON array")
			}
			if has := table.ColumnDefinitions != nil; has != tc.wantHeaders {
				t.Errorf("has column definitions = %v, want %v", has, tc.wantHeaders)
			}
			if diff := cmp.Diff(tc.wantMeta, table.ListMeta); diff != "" {
				t.Errorf("list meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListRowsPointAtTheListItems(t *testing.T) {
	list := &corev1.PodList{Items: []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}, {ObjectMeta: metav1.ObjectMeta{Name: "b"}}}}
	table := convert(t, podsGR, list)
	for i, r := range table.Rows {
		if r.Object.Object != &list.Items[i] {
			t.Errorf("row %d object is %p, want the list item %p", i, r.Object.Object, &list.Items[i])
		}
	}
}

func TestConvertToTableErrors(t *testing.T) {
	tests := []struct {
		name    string
		obj     runtime.Object
		options runtime.Object
		want    string
	}{
		{
			name:    "table options of another type are refused",
			obj:     &corev1.Pod{},
			options: &metav1.ListOptions{},
			want:    "unrecognized type *v1.ListOptions for table options, can't display tabular output",
		},
		{
			name: "an object of another resource has no handler",
			obj:  &corev1.Node{},
			want: "no table handler registered for this type *v1.Node",
		},
		{
			name: "a list of another resource has no handler",
			obj:  &corev1.NodeList{Items: []corev1.Node{{}}},
			want: "no table handler registered for this type *v1.NodeList",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(podsGR, clocktesting.NewFakePassiveClock(now)).ConvertToTable(context.Background(), tc.obj, tc.options)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestUnknownResourcesGetTheDefaultTable(t *testing.T) {
	obj := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "w", CreationTimestamp: ago(0)}}
	table := convert(t, schema.GroupResource{Group: "example.com", Resource: "widgets"}, obj)
	want := []any{"w", "2026-03-14T15:09:26Z"}
	if diff := cmp.Diff(want, table.Rows[0].Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
