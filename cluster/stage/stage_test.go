package stage

import (
	"testing"
)

func TestRecordString(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{
			name: "an etcd write shows its key and revision",
			rec:  Record{Stage: Stage{Component: "etcd", Name: "etcd.put", Object: "/registry/pods/default/nginx", Revision: 57}},
			want: "stage etcd.put             /registry/pods/default/nginx  rev 57",
		},
		{
			name: "an admission step shows its object and detail",
			rec:  Record{Stage: Stage{Component: "apiserver", Name: "apiserver.admit", Object: "pod/default/nginx", Detail: "DefaultTolerationSeconds added 2 tolerations"}},
			want: "stage apiserver.admit      pod/default/nginx  DefaultTolerationSeconds added 2 tolerations",
		},
		{
			name: "a held stage says what holds it",
			rec:  Record{Stage: Stage{Component: "scheduler", Name: "scheduler.queue", Object: "pod/default/nginx"}, Gate: "scheduler paused"},
			want: "stage scheduler.queue      pod/default/nginx  (waiting: scheduler paused)",
		},
		{
			name: "a name longer than the column pushes the rest right",
			rec:  Record{Stage: Stage{Name: "controller.deployment.sync", Object: "deployment/default/web"}},
			want: "stage controller.deployment.sync deployment/default/web",
		},
		{
			name: "a stage with no object shows its detail after the column",
			rec:  Record{Stage: Stage{Name: "kubelet.heartbeat", Detail: "lease renewed"}},
			want: "stage kubelet.heartbeat    lease renewed",
		},
		{
			name: "a bare stage has no trailing padding",
			rec:  Record{Stage: Stage{Name: "etcd.put"}},
			want: "stage etcd.put",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.String(); got != tt.want {
				t.Errorf("\ngot  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestKnownStages(t *testing.T) {
	want := []string{
		"apiserver.request", "apiserver.authn", "apiserver.admit", "apiserver.validate", "apiserver.watch",
		"etcd.put", "etcd.delete",
		"scheduler.queue", "scheduler.prefilter", "scheduler.filter", "scheduler.score", "scheduler.reserve", "scheduler.bind", "scheduler.unschedulable",
		"kubelet.admit", "kubelet.sandbox", "kubelet.pull", "kubelet.create", "kubelet.start", "kubelet.probe", "kubelet.exit", "kubelet.restart", "kubelet.kill", "kubelet.status", "kubelet.heartbeat",
		"controller.*.sync",
	}
	have := map[string]bool{}
	for _, in := range Known() {
		if in.Description == "" {
			t.Errorf("%s has no description", in.Name)
		}
		if have[in.Name] {
			t.Errorf("%s is listed twice", in.Name)
		}
		have[in.Name] = true
	}
	for _, n := range want {
		if !have[n] {
			t.Errorf("%s is not in Known()", n)
		}
	}
	tests := []struct {
		name   string
		stage  string
		want   string
		wantOK bool
	}{
		{"a listed stage describes itself", "scheduler.bind", "scheduler.bind", true},
		{"a controller's sync is described by the controller entry", "controller.deployment.sync", "controller.*.sync", true},
		{"an unknown stage has no description", "scheduler.dream", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, ok := Describe(tt.stage)
			if ok != tt.wantOK || in.Name != tt.want {
				t.Errorf("Describe(%q) = %v, %v", tt.stage, in, ok)
			}
		})
	}
}
