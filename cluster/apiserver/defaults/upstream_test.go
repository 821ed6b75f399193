package defaults

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// The files under testdata/upstream are what a real v1.37.2 kube-apiserver
// answered to `kubectl create --dry-run=server -o yaml -f testdata/NAME.yaml`.
// With -update and KUBECONFIG pointing at such a cluster they are recorded
// again.
var update = flag.Bool("update", false, "record testdata/upstream/*.yaml again from the cluster in $KUBECONFIG")

// notDefaulting lists, per manifest, what the real apiserver adds after
// defaulting (admission, strategy, REST allocation, conversion) and so is
// not compared. Each path is a list of keys; "[]" stands for every item.
var notDefaulting = map[string][][]string{
	"pod-minimal.yaml": podAdmission,
	"pod-full.yaml":    podAdmission,
	// The DaemonSet strategy sets spec.templateGeneration, which v1 carries
	// as an annotation.
	"daemonset.yaml": {{"metadata", "annotations", "deprecated.daemonset.template.generation"}},
	// Conversion from the internal type writes apiVersion and kind into each
	// claim template (kubernetes#87583).
	"statefulset.yaml": {
		{"spec", "volumeClaimTemplates", "[]", "apiVersion"},
		{"spec", "volumeClaimTemplates", "[]", "kind"},
	},
	// The Job strategy generates the selector and labels the pods with it.
	"job.yaml":                jobStrategy,
	"job-failure-policy.yaml": jobStrategy,
	// The Service REST storage allocates cluster IPs and node ports.
	"service.yaml":              serviceAllocation,
	"service-nodeport.yaml":     serviceAllocation,
	"service-loadbalancer.yaml": serviceAllocation,
	// Conversion folds stringData into data.
	"secret.yaml": {{"data"}, {"stringData"}},
	// The namespace strategy adds the "kubernetes" finalizer.
	"namespace.yaml": {{"spec", "finalizers"}},
}

var (
	podAdmission = [][]string{
		{"spec", "serviceAccount"},     // ServiceAccount admission
		{"spec", "serviceAccountName"}, // ServiceAccount admission
		{"spec", "tolerations"},        // DefaultTolerationSeconds admission
		{"spec", "priority"},           // Priority admission
		{"spec", "preemptionPolicy"},   // Priority admission
	}
	jobStrategy = func() [][]string {
		var paths [][]string
		for _, label := range []string{"batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"} {
			paths = append(paths,
				[]string{"metadata", "labels", label},
				[]string{"spec", "template", "metadata", "labels", label})
		}
		return append(paths, []string{"spec", "selector"})
	}()
	serviceAllocation = [][]string{
		{"spec", "clusterIP"},
		{"spec", "clusterIPs"},
		{"spec", "ipFamilies"},
		{"spec", "ipFamilyPolicy"},
		{"spec", "ports", "[]", "nodePort"},
	}
)

// keepStatus names the manifests whose status upstream fills by defaulting.
var keepStatus = map[string]bool{
	"namespace.yaml": true,
	"pvc.yaml":       true,
}

func TestDefaultsMatchUpstreamAPIServer(t *testing.T) {
	s := newScheme(t)
	inputs, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no manifests under testdata")
	}
	for _, in := range inputs {
		name := filepath.Base(in)
		golden := filepath.Join("testdata", "upstream", name)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			if *update {
				record(t, in, golden)
			}
			obj := decodeManifest(t, s, readFile(t, in))
			s.Default(obj)

			var want map[string]any
			if err := yaml.Unmarshal(readFile(t, golden), &want); err != nil {
				t.Fatalf("%s: %v", golden, err)
			}
			got := toMap(t, obj)
			for _, m := range []map[string]any{got, want} {
				scrub(m, name)
			}
			if diff := cmp.Diff(strings.Split(toYAML(t, want), "\n"), strings.Split(toYAML(t, got), "\n")); diff != "" {
				t.Errorf("defaulted %s differs from the real apiserver's (-v1.37.2 +kubelab):\n%s", name, diff)
			}

			// The pod strategy computes qosClass with PodQOSClass; check it
			// against what the real one wrote.
			if pod, ok := obj.(*corev1.Pod); ok {
				status, _ := wantStatus(t, golden)
				if got := PodQOSClass(pod); got != status.QOSClass {
					t.Errorf("PodQOSClass = %q, the real apiserver says %q", got, status.QOSClass)
				}
			}
		})
	}
}

func record(t *testing.T, in, golden string) {
	t.Helper()
	if os.Getenv("KUBECONFIG") == "" {
		t.Fatal("-update needs KUBECONFIG pointing at a v1.37.2 cluster (see the upstream README)")
	}
	out, err := exec.Command("kubectl", "create", "--dry-run=server", "-o", "yaml", "-f", in).Output()
	if err != nil {
		t.Fatalf("kubectl create --dry-run=server -f %s: %v", in, err)
	}
	if err := os.WriteFile(golden, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantStatus(t *testing.T, golden string) (corev1.PodStatus, error) {
	t.Helper()
	var pod corev1.Pod
	err := yaml.Unmarshal(readFile(t, golden), &pod)
	return pod.Status, err
}

// decodeManifest decodes YAML into the Go type the scheme holds for its
// kind, refusing fields the type lacks.
func decodeManifest(t *testing.T, s *runtime.Scheme, data []byte) runtime.Object {
	t.Helper()
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(data, &tm); err != nil {
		t.Fatal(err)
	}
	gvk := schemaGVK(tm.APIVersion, tm.Kind)
	obj, err := s.New(gvk)
	if err != nil {
		t.Fatalf("%s: %v", gvk, err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		t.Fatalf("%s: %v", gvk, err)
	}
	return obj
}

// toMap is the object as the apiserver would serialise it.
func toMap(t *testing.T, obj runtime.Object) map[string]any {
	t.Helper()
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func toYAML(t *testing.T, v any) string {
	t.Helper()
	data, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// scrub removes what is not the work of defaulting: server-set metadata, the
// status the strategies reset, and the manifest's notDefaulting paths.
func scrub(m map[string]any, manifest string) {
	if meta, ok := m["metadata"].(map[string]any); ok {
		for k := range meta {
			switch k {
			case "name", "labels", "annotations":
			default:
				delete(meta, k)
			}
		}
	}
	if !keepStatus[manifest] {
		delete(m, "status")
	}
	for _, path := range notDefaulting[manifest] {
		drop(m, path)
	}
}

// drop deletes the value at path, and any map the deletion leaves empty.
func drop(v any, path []string) {
	if len(path) == 0 {
		return
	}
	switch v := v.(type) {
	case []any:
		if path[0] == "[]" {
			for _, item := range v {
				drop(item, path[1:])
			}
		}
	case map[string]any:
		if len(path) == 1 {
			delete(v, path[0])
			return
		}
		child, ok := v[path[0]]
		if !ok {
			return
		}
		drop(child, path[1:])
		if cm, ok := child.(map[string]any); ok && len(cm) == 0 {
			delete(v, path[0])
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
