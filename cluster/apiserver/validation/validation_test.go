package validation

import (
	"os"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	"k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// decode reads a manifest into a fresh object of the given type.
func decode[T any](t *testing.T, manifest string) *T {
	t.Helper()
	obj := new(T)
	if err := yaml.UnmarshalStrict([]byte(manifest), obj); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return obj
}

// kubectlCauses splits the message kubectl prints for an Invalid status
// ("The Pod "x" is invalid: ..." with one cause, or one "* " line per
// cause) into the causes, each an *field.Error's Error() text.
func kubectlCauses(text string) []string {
	_, rest, _ := strings.Cut(text, " is invalid: ")
	if !strings.HasPrefix(rest, "\n* ") {
		return []string{rest}
	}
	return strings.Split(strings.TrimPrefix(rest, "\n* "), "\n* ")
}

func errorTexts(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// defaultPodSpec applies the v1 defaults validation relies on, as the
// apiserver's defaulting does before validation.
func defaultPodSpec(spec *corev1.PodSpec) {
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	if spec.TerminationGracePeriodSeconds == nil {
		g := int64(30)
		spec.TerminationGracePeriodSeconds = &g
	}
	for _, list := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range list {
			c := &list[i]
			if c.ImagePullPolicy == "" {
				c.ImagePullPolicy = corev1.PullIfNotPresent
			}
			if c.TerminationMessagePolicy == "" {
				c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
			}
			for j := range c.Ports {
				if c.Ports[j].Protocol == "" {
					c.Ports[j].Protocol = corev1.ProtocolTCP
				}
			}
		}
	}
}

func TestValidateMatchesUpstreamMessages(t *testing.T) {
	podKind := schema.GroupKind{Kind: "Pod"}
	tests := []struct {
		name string
		obj  func(t *testing.T) runtime.Object
		kind schema.GroupKind
		want string // "" when the object is valid
	}{
		{
			name: "a minimal defaulted pod is valid",
			obj: func(t *testing.T) runtime.Object {
				p := decode[corev1.Pod](t, `{metadata: {name: ok, namespace: default}, spec: {containers: [{name: c, image: busybox}]}}`)
				defaultPodSpec(&p.Spec)
				return p
			},
		},
		{
			name: "a pod with many mistakes reports them in upstream's order",
			obj: func(t *testing.T) runtime.Object {
				p := decode[corev1.Pod](t, `
metadata: {name: bad, namespace: default}
spec:
  containers:
  - name: Bad_Name
  - name: c2
    image: x
    ports: [{containerPort: 70000}, {containerPort: 80, hostPort: 80}, {containerPort: 81, hostPort: 80}]
    env: [{name: "A=B"}]
    resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}
    volumeMounts: [{name: nope, mountPath: /x}]
  restartPolicy: Sometimes
  volumes: [{name: v1, emptyDir: {}, hostPath: {path: /tmp}}]`)
				defaultPodSpec(&p.Spec)
				return p
			},
			kind: podKind,
			want: `The Pod "bad" is invalid: ` + `
* spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type
* spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')
* spec.containers[0].image: Required value
* spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive
* spec.containers[1].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='
* spec.containers[1].volumeMounts[0].name: Not found: "nope"
* spec.containers[1].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1
* spec.containers[1].ports[2].hostPort: Duplicate value: "TCP//80"
* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"`,
		},
		{
			name: "a pod without containers needs one",
			obj: func(t *testing.T) runtime.Object {
				p := decode[corev1.Pod](t, `{metadata: {name: empty, namespace: default}}`)
				defaultPodSpec(&p.Spec)
				return p
			},
			kind: podKind,
			want: `The Pod "empty" is invalid: spec.containers: Required value`,
		},
		{
			name: "an empty pod object does not panic",
			obj:  func(t *testing.T) runtime.Object { return &corev1.Pod{} },
			kind: podKind,
			want: `The Pod "" is invalid: ` + `
* metadata.name: Required value: name or generateName is required
* metadata.namespace: Required value
* spec.terminationGracePeriodSeconds: Required value
* spec.containers: Required value
* spec.restartPolicy: Required value
* spec.dnsPolicy: Required value`,
		},
		{
			name: "a deployment whose selector misses its template and cannot roll",
			obj: func(t *testing.T) runtime.Object {
				d := decode[appsv1.Deployment](t, `
metadata: {name: d, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: x}]
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}`)
				defaultPodSpec(&d.Spec.Template.Spec)
				return d
			},
			kind: schema.GroupKind{Group: "apps", Kind: "Deployment"},
			want: `The Deployment "d" is invalid: ` + `
* spec.template.metadata.labels: Invalid value: {"app":"b"}: ` + "`selector` does not match template `labels`" + `
* spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"
* spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when ` + "`maxSurge`" + ` is 0`,
		},
		{
			name: "a job whose pods would restart forever",
			obj: func(t *testing.T) runtime.Object {
				j := decode[batchv1.Job](t, `
metadata: {name: j, namespace: default}
spec:
  manualSelector: true
  selector: {matchLabels: {app: j}}
  template:
    metadata: {labels: {app: j}}
    spec:
      containers: [{name: c, image: x}]`)
				defaultPodSpec(&j.Spec.Template.Spec)
				return j
			},
			kind: schema.GroupKind{Group: "batch", Kind: "Job"},
			want: `The Job "j" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`,
		},
		{
			name: "a service with two ports needs names and real port numbers",
			obj: func(t *testing.T) runtime.Object {
				return decode[corev1.Service](t, `
metadata: {name: s, namespace: default}
spec:
  type: ClusterIP
  sessionAffinity: None
  ports:
  - {port: 80, protocol: TCP, targetPort: 80}
  - {port: 70000, name: b, nodePort: 30001, protocol: TCP, targetPort: 70000}`)
			},
			kind: schema.GroupKind{Kind: "Service"},
			want: `The Service "s" is invalid: ` + `
* spec.ports[0].name: Required value
* spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive
* spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive
* spec.ports[1].nodePort: Forbidden: may not be used when ` + "`type`" + ` is 'ClusterIP'`,
		},
		{
			name: "a TLS secret needs its two keys and valid key names",
			obj: func(t *testing.T) runtime.Object {
				return decode[corev1.Secret](t, `{metadata: {name: s, namespace: default}, type: kubernetes.io/tls, data: {"a b": eA==}}`)
			},
			kind: schema.GroupKind{Kind: "Secret"},
			want: `The Secret "s" is invalid: ` + `
* data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
* data[tls.crt]: Required value
* data[tls.key]: Required value`,
		},
		{
			name: "a namespace name must be a DNS label",
			obj: func(t *testing.T) runtime.Object {
				return decode[corev1.Namespace](t, `{metadata: {name: a.b}}`)
			},
			kind: schema.GroupKind{Kind: "Namespace"},
			want: `The Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots`,
		},
		{
			name: "a runtime class needs a handler",
			obj: func(t *testing.T) runtime.Object {
				return decode[nodev1.RuntimeClass](t, `{metadata: {name: rc}}`)
			},
			kind: schema.GroupKind{Group: "node.k8s.io", Kind: "RuntimeClass"},
			want: `The RuntimeClass "rc" is invalid: handler: Required value`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := tt.obj(t)
			errs := Validate(obj)
			if tt.want == "" {
				if len(errs) != 0 {
					t.Fatalf("want valid, got %v", errs)
				}
				return
			}
			got, want := errorTexts(errs), kubectlCauses(tt.want)
			if !slices.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// The generic registry's message carries the same causes.
			m, _ := meta.Accessor(obj)
			if msg := errors.NewInvalid(tt.kind, m.GetName(), errs).Error(); !strings.Contains(msg, want[len(want)-1]) {
				t.Errorf("aggregated message %q lacks %q", msg, want[len(want)-1])
			}
		})
	}
}

func TestValidateUpdateMatchesUpstreamMessages(t *testing.T) {
	stored := func(t *testing.T) *corev1.Pod {
		b, err := os.ReadFile("testdata/pod-p1.json")
		if err != nil {
			t.Fatal(err)
		}
		return decode[corev1.Pod](t, string(b))
	}
	tests := []struct {
		name   string
		update func(p *corev1.Pod)
		want   string
	}{
		{
			name:   "changing a pod's image is allowed",
			update: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "busybox:1.37" },
		},
		{
			name:   "changing a pod's command is forbidden and shows the internal spec diff",
			update: func(p *corev1.Pod) { p.Spec.Containers[0].Command = []string{"sleep", "10"} },
			want:   "file:testdata/pod-p1-update.txt",
		},
		{
			name: "adding a container is forbidden",
			update: func(p *corev1.Pod) {
				p.Spec.Containers = append(p.Spec.Containers, *p.Spec.Containers[0].DeepCopy())
				p.Spec.Containers[1].Name = "d"
			},
			want: `The Pod "p1" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := stored(t)
			p := old.DeepCopy()
			tt.update(p)
			errs := ValidateUpdate(p, old)
			want := tt.want
			if f, ok := strings.CutPrefix(want, "file:"); ok {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				want = string(b)
			}
			if want == "" {
				if len(errs) != 0 {
					t.Fatalf("want valid, got %v", errs)
				}
				return
			}
			if got, want := errorTexts(errs), kubectlCauses(want); !slices.Equal(got, want) {
				t.Errorf("got:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

func TestAggregatedMessageIsTheRegistrysInvalidError(t *testing.T) {
	p := &corev1.Pod{}
	p.Name, p.Namespace = "p", "default"
	defaultPodSpec(&p.Spec)
	got := errors.NewInvalid(schema.GroupKind{Kind: "Pod"}, p.Name, Validate(p)).Error()
	if want := `Pod "p" is invalid: spec.containers: Required value`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUnknownTypesAreNotValidated(t *testing.T) {
	if errs := Validate(&corev1.PodTemplate{}); errs != nil {
		t.Errorf("got %v, want nil", errs)
	}
	if errs := ValidateUpdate(&corev1.Pod{}, &corev1.Service{}); errs != nil {
		t.Errorf("mismatched types: got %v, want nil", errs)
	}
}
