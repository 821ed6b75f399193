package apiserver

import (
	"net/url"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestPodConnectContainerChoiceMatchesUpstreamErrors(t *testing.T) {
	pod := func(names ...string) *corev1.Pod {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web"}}
		for _, n := range names {
			p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: n})
		}
		return p
	}
	withInit := pod("a", "b")
	withInit.Spec.InitContainers = []corev1.Container{{Name: "init"}}
	for _, tc := range []struct {
		name, container string
		pod             *corev1.Pod
		want, wantErr   string
	}{
		{"a single container is the default", "", pod("nginx"), "nginx", ""},
		{"several containers need a name", "", pod("a", "b"), "", "a container name must be specified for pod web, choose one of: [a b]"},
		{"init containers are listed first", "", withInit, "", "a container name must be specified for pod web, choose one of: [init a b]"},
		{"an init container can be named", "init", withInit, "init", ""},
		{"an unknown name is refused", "c", pod("a"), "", "container c is not valid for pod web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := validateContainer(tc.container, tc.pod)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q %v, want %q", got, err, tc.want)
			}
		})
	}
}

func TestPodLogOptionsAreReadFromTheQuery(t *testing.T) {
	var opts corev1.PodLogOptions
	q := url.Values{"container": {"c"}, "follow": {"true"}, "previous": {"1"}, "tailLines": {"5"}, "sinceSeconds": {"60"}, "limitBytes": {"100"}}
	if err := podLogOptionsFromQuery(q, &opts); err != nil {
		t.Fatal(err)
	}
	if opts.Container != "c" || !opts.Follow || !opts.Previous || *opts.TailLines != 5 || *opts.SinceSeconds != 60 || *opts.LimitBytes != 100 {
		t.Errorf("options %+v", opts)
	}
	if err := podLogOptionsFromQuery(url.Values{"tailLines": {"x"}}, &opts); err == nil {
		t.Error("a bad tailLines was accepted")
	}
}
