package openapi

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/kube-openapi/pkg/builder"
	"k8s.io/kube-openapi/pkg/builder3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// definitionNames returns every definition name, sorted, the way the generic server
// asks the builders for the definitions of every served type.
func definitionNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for name := range GetDefinitions(func(string) spec.Ref { return spec.Ref{} }) {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// v2Definitions builds the definitions as /openapi/v2 serves them.
func v2Definitions(t *testing.T) map[string]*spec.Schema {
	t.Helper()
	swagger, err := builder.BuildOpenAPIDefinitionsForResources(Config(), definitionNames(t)...)
	if err != nil {
		t.Fatalf("building the v2 definitions: %v", err)
	}
	defs := make(map[string]*spec.Schema, len(swagger.Definitions))
	for name, schema := range swagger.Definitions {
		defs[name] = &schema
	}
	return defs
}

// v3Definitions builds the definitions as /openapi/v3 serves them and as the generic
// server builds them for server-side apply's type converter.
func v3Definitions(t *testing.T) map[string]*spec.Schema {
	t.Helper()
	defs, err := builder3.BuildOpenAPIDefinitionsForResources(V3Config(), definitionNames(t)...)
	if err != nil {
		t.Fatalf("building the v3 definitions: %v", err)
	}
	return defs
}

func specVersions(t *testing.T) map[string]map[string]*spec.Schema {
	return map[string]map[string]*spec.Schema{
		"v2": v2Definitions(t),
		"v3": v3Definitions(t),
	}
}

func TestDefinitionsExistUnderUpstreamNames(t *testing.T) {
	defs := GetDefinitions(func(string) spec.Ref { return spec.Ref{} })
	for _, tc := range []struct {
		name string
		want string
	}{
		{"a pod is defined", "io.k8s.api.core.v1.Pod"},
		{"a node is defined", "io.k8s.api.core.v1.Node"},
		{"a deployment is defined", "io.k8s.api.apps.v1.Deployment"},
		{"a job is defined", "io.k8s.api.batch.v1.Job"},
		{"a lease is defined", "io.k8s.api.coordination.v1.Lease"},
		{"an events.k8s.io event is defined", "io.k8s.api.events.v1.Event"},
		{"a runtime class is defined", "io.k8s.api.node.v1.RuntimeClass"},
		{"an eviction is defined", "io.k8s.api.policy.v1.Eviction"},
		{"a scale is defined", "io.k8s.api.autoscaling.v1.Scale"},
		{"an endpoint slice is defined", "io.k8s.api.discovery.v1.EndpointSlice"},
		{"a network policy is defined", "io.k8s.api.networking.v1.NetworkPolicy"},
		{"a role binding is defined", "io.k8s.api.rbac.v1.RoleBinding"},
		{"a token review is defined", "io.k8s.api.authentication.v1.TokenReview"},
		{"object meta is defined", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
		{"status is defined", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"},
		{"a raw extension is defined", "io.k8s.apimachinery.pkg.runtime.RawExtension"},
		{"version info is defined", "io.k8s.apimachinery.pkg.version.Info"},
		{"int-or-string is defined", "io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
		{"a quantity is defined", "io.k8s.apimachinery.pkg.api.resource.Quantity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := defs[tc.want]; !ok {
				t.Errorf("no definition named %s", tc.want)
			}
		})
	}
}

func TestEveryReferenceResolvesToAModelName(t *testing.T) {
	var refs []string
	defs := GetDefinitions(func(name string) spec.Ref {
		refs = append(refs, name)
		return spec.Ref{}
	})
	for name := range defs {
		// A Go import path instead of a model name means openapi-gen did not see the
		// package: it falls back to the path, which no upstream spec contains.
		if !strings.HasPrefix(name, "io.k8s.") {
			t.Errorf("definition %s is not named like upstream's (io.k8s....)", name)
		}
	}
	for _, ref := range refs {
		if _, ok := defs[ref]; !ok {
			t.Errorf("a definition refers to %s, which is not generated; add its package to the go:generate line", ref)
		}
	}
}

// property walks from a definition through named properties, following array items
// and $refs, and returns the schema found at the end.
func property(t *testing.T, defs map[string]*spec.Schema, definition string, path ...string) spec.Schema {
	t.Helper()
	schema, ok := defs[definition]
	if !ok {
		t.Fatalf("no definition %s", definition)
	}
	current := *schema
	for i, field := range path {
		if i > 0 {
			current = resolve(t, defs, current)
		}
		next, ok := current.Properties[field]
		if !ok {
			t.Fatalf("%s has no property %s", definition, strings.Join(path[:i+1], "."))
		}
		current = next
	}
	return current
}

// resolve follows array items and a $ref (v3 wraps it in allOf) to the schema behind it.
func resolve(t *testing.T, defs map[string]*spec.Schema, s spec.Schema) spec.Schema {
	t.Helper()
	if s.Items != nil && s.Items.Schema != nil {
		s = *s.Items.Schema
	}
	if len(s.AllOf) == 1 {
		s = s.AllOf[0]
	}
	ref := s.Ref.String()
	if ref == "" {
		return s
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	target, ok := defs[name]
	if !ok {
		t.Fatalf("reference %s does not resolve", ref)
	}
	return *target
}

func TestListAndPatchExtensionsMatchUpstream(t *testing.T) {
	for _, tc := range []struct {
		name       string
		definition string
		path       []string
		want       map[string]any
	}{
		{
			name:       "pod containers merge by name and are a map list keyed by name",
			definition: "io.k8s.api.core.v1.Pod",
			path:       []string{"spec", "containers"},
			want: map[string]any{
				"x-kubernetes-patch-merge-key": "name",
				"x-kubernetes-patch-strategy":  "merge",
				"x-kubernetes-list-type":       "map",
				"x-kubernetes-list-map-keys":   []any{"name"},
			},
		},
		{
			name:       "pod volumes merge by name and retain keys",
			definition: "io.k8s.api.core.v1.PodSpec",
			path:       []string{"volumes"},
			want: map[string]any{
				"x-kubernetes-patch-merge-key": "name",
				"x-kubernetes-patch-strategy":  "merge,retainKeys",
				"x-kubernetes-list-type":       "map",
				"x-kubernetes-list-map-keys":   []any{"name"},
			},
		},
		{
			name:       "container ports are keyed by port and protocol",
			definition: "io.k8s.api.core.v1.Container",
			path:       []string{"ports"},
			want: map[string]any{
				"x-kubernetes-patch-merge-key": "containerPort",
				"x-kubernetes-patch-strategy":  "merge",
				"x-kubernetes-list-type":       "map",
				"x-kubernetes-list-map-keys":   []any{"containerPort", "protocol"},
			},
		},
		{
			name:       "owner references merge by uid",
			definition: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
			path:       []string{"ownerReferences"},
			want: map[string]any{
				"x-kubernetes-patch-merge-key": "uid",
				"x-kubernetes-patch-strategy":  "merge",
				"x-kubernetes-list-type":       "map",
				"x-kubernetes-list-map-keys":   []any{"uid"},
			},
		},
		{
			name:       "finalizers are a set",
			definition: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
			path:       []string{"finalizers"},
			want: map[string]any{
				"x-kubernetes-patch-strategy": "merge",
				"x-kubernetes-list-type":      "set",
			},
		},
		{
			name:       "deployment conditions merge by type",
			definition: "io.k8s.api.apps.v1.Deployment",
			path:       []string{"status", "conditions"},
			want: map[string]any{
				"x-kubernetes-patch-merge-key": "type",
				"x-kubernetes-patch-strategy":  "merge",
				"x-kubernetes-list-type":       "map",
				"x-kubernetes-list-map-keys":   []any{"type"},
			},
		},
		{
			name:       "tolerations are replaced whole",
			definition: "io.k8s.api.core.v1.PodSpec",
			path:       []string{"tolerations"},
			want: map[string]any{
				"x-kubernetes-list-type": "atomic",
			},
		},
	} {
		for version, defs := range specVersions(t) {
			t.Run(tc.name+" in "+version, func(t *testing.T) {
				got := property(t, defs, tc.definition, tc.path...).Extensions
				if !reflect.DeepEqual(map[string]any(got), tc.want) {
					t.Errorf("extensions of %s.%s = %v, want %v", tc.definition, strings.Join(tc.path, "."), got, tc.want)
				}
			})
		}
	}
}

func TestGroupVersionKindExtensionComesFromTheVersionedScheme(t *testing.T) {
	for _, tc := range []struct {
		name       string
		definition string
		want       string
	}{
		{"a pod is v1 Pod in the core group", "io.k8s.api.core.v1.Pod", `[{"group":"","kind":"Pod","version":"v1"}]`},
		{"a deployment is apps/v1 Deployment", "io.k8s.api.apps.v1.Deployment", `[{"group":"apps","kind":"Deployment","version":"v1"}]`},
		{"a lease is coordination.k8s.io/v1 Lease", "io.k8s.api.coordination.v1.Lease", `[{"group":"coordination.k8s.io","kind":"Lease","version":"v1"}]`},
		{"a scale is autoscaling/v1 Scale", "io.k8s.api.autoscaling.v1.Scale", `[{"group":"autoscaling","kind":"Scale","version":"v1"}]`},
		{"a status is v1 Status", "io.k8s.apimachinery.pkg.apis.meta.v1.Status", `[{"group":"","kind":"Status","version":"v1"}]`},
		{"a pod spec has no kind", "io.k8s.api.core.v1.PodSpec", `null`},
	} {
		for version, defs := range specVersions(t) {
			t.Run(tc.name+" in "+version, func(t *testing.T) {
				schema, ok := defs[tc.definition]
				if !ok {
					t.Fatalf("no definition %s", tc.definition)
				}
				got, err := json.Marshal(schema.Extensions["x-kubernetes-group-version-kind"])
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tc.want {
					t.Errorf("x-kubernetes-group-version-kind = %s, want %s", got, tc.want)
				}
			})
		}
	}
}

func TestNoDefinitionNamesTheInternalVersion(t *testing.T) {
	for version, defs := range specVersions(t) {
		t.Run("the "+version+" definitions of served types never mention __internal", func(t *testing.T) {
			for name, schema := range defs {
				// metav1.InternalEvent is the Go type of the __internal WatchEvent kind
				// that metav1.AddToGroupVersion registers in every scheme, upstream's
				// included; no route serves it, so it never reaches a served spec.
				if name == "io.k8s.apimachinery.pkg.apis.meta.v1.InternalEvent" {
					continue
				}
				raw, err := json.Marshal(schema)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(raw), "__internal") {
					t.Errorf("%s mentions __internal", name)
				}
			}
		})
	}
}

func TestConfigsCarryKubernetesInfo(t *testing.T) {
	for _, tc := range []struct {
		name          string
		title, semver string
	}{
		{"the v2 config is titled Kubernetes at v1.37.2", Config().Info.Title, Config().Info.Version},
		{"the v3 config is titled Kubernetes at v1.37.2", V3Config().Info.Title, V3Config().Info.Version},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.title != "Kubernetes" || tc.semver != "v1.37.2" {
				t.Errorf("info = %q %q, want \"Kubernetes\" \"v1.37.2\"", tc.title, tc.semver)
			}
		})
	}
}

func TestTypeConverterConvertsAPod(t *testing.T) {
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "nginx", Namespace: "default", Labels: map[string]string{"app": "nginx"}},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{
				{Name: "nginx", Image: "nginx:1.27", Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}}},
				{Name: "sidecar", Image: "busybox"},
			},
		},
	}
	for version, defs := range specVersions(t) {
		t.Run("a converter built from the "+version+" definitions keys containers by name", func(t *testing.T) {
			converter, err := managedfields.NewTypeConverter(defs, false)
			if err != nil {
				t.Fatalf("building the type converter: %v", err)
			}
			typed, err := converter.ObjectToTyped(pod)
			if err != nil {
				t.Fatalf("converting a pod: %v", err)
			}
			fields, err := typed.ToFieldSet()
			if err != nil {
				t.Fatalf("listing the pod's fields: %v", err)
			}
			// Server-side apply tracks ownership per list-map key; a list without its
			// list-type would show up as an atomic .spec.containers instead.
			got := fields.String()
			for _, want := range []string{`.spec.containers[name="sidecar"].image`, `.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]`} {
				if !strings.Contains(got, want) {
					t.Errorf("field set lacks %s:\n%s", want, got)
				}
			}
		})
	}
}

// generatedPackages reads the import paths on doc.go's go:generate line.
func generatedPackages(t *testing.T) map[string]bool {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	packages := map[string]bool{}
	for _, group := range file.Comments {
		for _, comment := range group.List {
			line, ok := strings.CutPrefix(comment.Text, "//go:generate go tool openapi-gen ")
			if !ok {
				continue
			}
			for _, word := range strings.Fields(line) {
				if strings.HasPrefix(word, "k8s.io/") {
					packages[word] = true
				}
			}
		}
	}
	if len(packages) == 0 {
		t.Fatal("doc.go has no go:generate line running openapi-gen")
	}
	return packages
}

func TestGenerateLineMatchesSchemeGroups(t *testing.T) {
	generated := generatedPackages(t)
	schemePackages := map[string]bool{}
	for _, typ := range newScheme().AllKnownTypes() {
		schemePackages[typ.PkgPath()] = true
	}
	t.Run("every group in the namer's scheme has generated definitions", func(t *testing.T) {
		for pkg := range schemePackages {
			if !generated[pkg] {
				t.Errorf("%s is registered in Groups but missing from the go:generate line", pkg)
			}
		}
	})
	t.Run("the namer's scheme registers no API type as __internal", func(t *testing.T) {
		for gvk, typ := range newScheme().AllKnownTypes() {
			if gvk.Version == "__internal" && typ != reflect.TypeFor[metav1.InternalEvent]() {
				t.Errorf("the namer's scheme registers %v as %v", typ, gvk)
			}
		}
	})
}
