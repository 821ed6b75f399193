package shell

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
)

// writeKubeconfig writes a kubeconfig for server and returns its path.
func writeKubeconfig(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	content := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: kubelab
  cluster:
    server: %s
contexts:
- name: kubelab
  context:
    cluster: kubelab
    user: kubelab
    namespace: default
current-context: kubelab
users:
- name: kubelab
  user:
    token: not-a-secret
`, server)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// discoveryServer answers just enough of the discovery API for kubectl to
// resolve resource types: core/v1 with pods, no groups. Everything else is
// 404.
func discoveryServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	reply := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		}
	}
	mux.HandleFunc("/api", reply(`{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}`))
	mux.HandleFunc("/apis", reply(`{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`))
	mux.HandleFunc("/api/v1", reply(`{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]}]}`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestKubectl(t *testing.T) {
	kubeconfig := writeKubeconfig(t, "https://kubelab.example:6443")
	other := writeKubeconfig(t, "https://other.example:6443")
	discovery := writeKubeconfig(t, discoveryServer(t).URL)
	tests := []struct {
		name       string
		kubeconfig string
		input      string
		wantOutHas []string
		wantErr    string
	}{
		{
			name:       "version --client prints the client version",
			kubeconfig: kubeconfig,
			input:      "kubectl version --client\n",
			wantOutHas: []string{"Client Version: "},
		},
		{
			name:       "config view reads the shell's kubeconfig",
			kubeconfig: kubeconfig,
			input:      "kubectl config view\n",
			wantOutHas: []string{"server: https://kubelab.example:6443", "current-context: kubelab", "token: REDACTED"},
		},
		{
			name:       "an explicit --kubeconfig wins over the shell's",
			kubeconfig: kubeconfig,
			input:      "k config view --kubeconfig " + other + "\n",
			wantOutHas: []string{"server: https://other.example:6443"},
		},
		{
			name:       "kubectl with no arguments prints its help",
			kubeconfig: kubeconfig,
			input:      "kubectl\n",
			wantOutHas: []string{"kubectl controls the Kubernetes cluster manager.", "Basic Commands (Beginner):"},
		},
		{
			name:       "an unknown kubectl command gets kubectl's message and the shell goes on",
			kubeconfig: kubeconfig,
			input:      "kubectl nosuchcmd\necho after\n",
			wantOutHas: []string{"after\n"},
			wantErr:    "error: unknown command \"nosuchcmd\" for \"kubectl\"\n",
		},
		{
			name:       "an unknown flag gets kubectl's message and the shell goes on",
			kubeconfig: kubeconfig,
			input:      "kubectl get --nosuchflag\necho after\n",
			wantOutHas: []string{"after\n"},
			wantErr:    "error: unknown flag: --nosuchflag\nSee 'kubectl get --help' for usage.\n",
		},
		{
			name:       "an unknown resource type gets the server's answer and the shell goes on",
			kubeconfig: discovery,
			input:      "kubectl get nosuch\necho after\n",
			wantOutHas: []string{"after\n"},
			wantErr:    "error: the server doesn't have a resource type \"nosuch\"\n",
		},
		{
			name:       "kubectl runs again after a failure",
			kubeconfig: kubeconfig,
			input:      "kubectl nosuchcmd\nkubectl config current-context\n",
			wantOutHas: []string{"kubelab\n"},
			wantErr:    "error: unknown command \"nosuchcmd\" for \"kubectl\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut := runScript(t, Config{Kubeconfig: tt.kubeconfig, Commands: []Command{echoCommand}}, tt.input)
			for _, want := range tt.wantOutHas {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if errOut != tt.wantErr {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
			}
			if strings.Contains(out+errOut, "\x1b[") {
				t.Errorf("output has terminal escape codes: %q", out+errOut)
			}
		})
	}
}

func TestKubectlLeavesKlogVerbosityAlone(t *testing.T) {
	if klog.V(6).Enabled() {
		t.Fatal("klog verbosity is already 6 or more before the test")
	}
	kubeconfig := writeKubeconfig(t, "https://kubelab.example:6443")
	runScript(t, Config{Kubeconfig: kubeconfig}, "kubectl config current-context -v=6\n")
	if klog.V(6).Enabled() {
		t.Error("klog verbosity is still 6 after `kubectl ... -v=6` finished")
	}
}

func TestKubectlSubcommandsExist(t *testing.T) {
	kubectlMu.Lock()
	defer kubectlMu.Unlock()
	root := kubectlcmd.NewKubectlCommand(kubectlcmd.KubectlOptions{
		Arguments: []string{"kubectl"},
		IOStreams: genericiooptions.NewTestIOStreamsDiscard(),
	})
	for _, name := range kubectlSubcommands {
		c, _, err := root.Find([]string{name})
		if err != nil || c == root {
			t.Errorf("completion offers %q, which is not a kubectl command", name)
			continue
		}
		for _, sub := range kubectlNested[name] {
			if sc, _, err := c.Find([]string{sub}); err != nil || sc == c {
				t.Errorf("completion offers %q after %q, which is not a subcommand", sub, name)
			}
		}
	}
}
