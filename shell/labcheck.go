package shell

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"kubelab/cluster/apiserver/printers"
	"kubelab/cluster/stage"
)

// Conditions parses the cluster conditions of expect and wait:
//
//	pod/NAME KEY=VALUE...                 phase, ready, status, node, restarts, ip
//	stage STAGE-PATTERN OBJECT [DETAIL]   a stage since the last command
func (l *Lab) Conditions(args []string) (Check, error) {
	if args[0] == "stage" {
		return l.parseStageCheck(args[1:])
	}
	if kind, rest, ok := strings.Cut(args[0], "/"); ok && (kind == "pod" || kind == "pods" || kind == "po") {
		return l.parsePodCheck(rest, args[1:])
	}
	return nil, fmt.Errorf("unknown condition %q: write output contains \"TEXT\", pod/NAME KEY=VALUE... or stage STAGE OBJECT [DETAIL]", strings.Join(args, " "))
}

// podKeys are the pod fields a condition may check, by the kubectl column
// or status field each reads.
var podKeys = []string{"ip", "node", "phase", "ready", "restarts", "status"}

type podCheck struct {
	l               *Lab
	namespace, name string
	want            [][2]string // key, value in the order written
	text            string
}

func (l *Lab) parsePodCheck(ref string, args []string) (Check, error) {
	namespace, name := "default", ref
	if ns, n, ok := strings.Cut(ref, "/"); ok {
		namespace, name = ns, n
	}
	if name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("pod/%s: write pod/NAME or pod/NAMESPACE/NAME", ref)
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("pod/%s: say what to check, e.g. phase=Running (keys: %s)", ref, strings.Join(podKeys, ", "))
	}
	c := &podCheck{l: l, namespace: namespace, name: name, text: "pod/" + ref + " " + strings.Join(args, " ")}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || !contains(podKeys, k) {
			return nil, fmt.Errorf("pod/%s: %q is not KEY=VALUE with a known key (%s)", ref, a, strings.Join(podKeys, ", "))
		}
		c.want = append(c.want, [2]string{k, v})
	}
	return c, nil
}

func (c *podCheck) String() string           { return c.text }
func (c *podCheck) Changed() <-chan struct{} { return c.l.podChanged.wait() }

func (c *podCheck) Eval(ctx context.Context) (bool, string, error) {
	pod, err := c.l.pod(ctx, c.namespace, c.name)
	if err != nil {
		return false, "", err
	}
	if pod == nil {
		return false, fmt.Sprintf("no pod %s/%s", c.namespace, c.name), nil
	}
	got, err := podFields(ctx, c.l, pod)
	if err != nil {
		return false, "", err
	}
	ok := true
	var seen []string
	for _, kv := range c.want {
		if got[kv[0]] != kv[1] {
			ok = false
		}
		seen = append(seen, kv[0]+"="+got[kv[0]])
	}
	return ok, strings.Join(seen, " "), nil
}

// podFields reads a pod as kubectl get pods -o wide shows it, through the
// apiserver's own table printer, plus status.phase.
func podFields(ctx context.Context, l *Lab, pod *corev1.Pod) (map[string]string, error) {
	table, err := printers.New(schema.GroupResource{Resource: "pods"}, l.cfg.Clock).ConvertToTable(ctx, pod, &metav1.TableOptions{})
	if err != nil {
		return nil, err
	}
	if len(table.Rows) != 1 {
		return nil, fmt.Errorf("pod/%s: the table printer gave %d rows", pod.Name, len(table.Rows))
	}
	out := map[string]string{"phase": string(pod.Status.Phase)}
	for i, col := range table.ColumnDefinitions {
		if i >= len(table.Rows[0].Cells) {
			break
		}
		key := strings.ToLower(col.Name)
		if key == "status" || key == "ready" || key == "restarts" || key == "node" || key == "ip" {
			out[key] = fmt.Sprint(table.Rows[0].Cells[i])
		}
	}
	return out, nil
}

type stageCheck struct {
	l                    *Lab
	name, object, detail string
	text                 string
}

func (l *Lab) parseStageCheck(args []string) (Check, error) {
	if len(args) < 2 {
		return nil, errors.New("stage: write stage STAGE OBJECT [DETAIL], e.g. stage scheduler.bind pod/web -> worker-1")
	}
	for _, p := range args[:2] {
		if err := stage.ValidPattern(p); err != nil {
			return nil, fmt.Errorf("stage: %w", err)
		}
	}
	if err := l.checkStagePattern(args[0]); err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	c := &stageCheck{l: l, name: args[0], object: args[1], detail: strings.Join(args[2:], " ")}
	c.text = "stage " + strings.Join(args, " ")
	return c, nil
}

func (c *stageCheck) String() string           { return c.text }
func (c *stageCheck) Changed() <-chan struct{} { return c.l.cfg.Bus.Changed() }

// Eval searches the journal since the last command that was not an expect
// or a wait. An object written KIND/NAME also matches KIND/default/NAME.
func (c *stageCheck) Eval(context.Context) (bool, string, error) {
	c.l.mu.Lock()
	since := c.l.mark
	named := append([]stage.Record(nil), c.l.letGo...)
	c.l.mu.Unlock()
	named = slices.DeleteFunc(named, func(r stage.Record) bool { return !matchStage(c.name, &stage.Record{Stage: stage.Stage{Name: r.Name}}) })
	named = append(named, c.l.cfg.Bus.Records(stage.Filter{Name: c.name, Since: since})...)
	for _, r := range named {
		if c.objectMatches(r.Object) && strings.Contains(r.Detail, c.detail) {
			return true, "", nil
		}
	}
	if len(named) == 0 {
		return false, fmt.Sprintf("no %s stage since the last command", c.name), nil
	}
	var seen []string
	for _, r := range named {
		r.Gate = ""
		seen = append(seen, strings.TrimPrefix(r.String(), "stage "))
	}
	sort.Strings(seen)
	if len(seen) > 3 {
		seen = append(seen[:3], fmt.Sprintf("and %d more", len(seen)-3))
	}
	return false, strings.Join(seen, "; "), nil
}

func (c *stageCheck) objectMatches(obj string) bool {
	if matchObject(c.object, obj) {
		return true
	}
	kind, name, ok := strings.Cut(c.object, "/")
	return ok && !strings.HasPrefix(c.object, "/") && !strings.Contains(name, "/") && matchObject(kind+"/default/"+name, obj)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
