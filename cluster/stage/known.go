package stage

import "path"

// Info describes one stage name for completion and help.
type Info struct {
	Name        string
	Description string
}

// known is the registry of stage names components announce. Names follow the
// upstream piece they stand for: the apiserver's handler chain, etcd3 storage,
// the scheduling framework's extension points, the kubelet's pod worker.
var known = [...]Info{
	{"apiserver.request", "a request reached the apiserver handler chain (verb and path)"},
	{"apiserver.authn", "the request was authenticated (the user it maps to)"},
	{"apiserver.admit", "mutating and validating admission ran on the object"},
	{"apiserver.validate", "the registry strategy validated the object"},
	{"apiserver.bind", "the pods/binding subresource set spec.nodeName"},
	{"apiserver.watch", "a watch event was sent to a watcher"},
	{"etcd.put", "the object was written to etcd (key and new revision)"},
	{"etcd.delete", "the key was deleted from etcd"},
	{"scheduler.queue", "a pod entered the scheduling queue"},
	{"scheduler.prefilter", "PreFilter plugins ran for the pod"},
	{"scheduler.filter", "Filter plugins ran against a node"},
	{"scheduler.score", "Score plugins ranked the feasible nodes"},
	{"scheduler.reserve", "the chosen node's resources were reserved for the pod"},
	{"scheduler.bind", "the pod is bound to its node"},
	{"scheduler.unschedulable", "no node fits: the pod goes back to the unschedulable queue"},
	{"kubelet.admit", "the kubelet admitted the pod on its node"},
	{"kubelet.sandbox", "the pod sandbox is created"},
	{"kubelet.pull", "a container image is pulled"},
	{"kubelet.create", "a container is created"},
	{"kubelet.start", "a container is started"},
	{"kubelet.probe", "a startup, liveness or readiness probe ran"},
	{"kubelet.exit", "a container exited"},
	{"kubelet.restart", "a container is restarted under the pod's restartPolicy"},
	{"kubelet.kill", "a container is stopped (preStop, SIGTERM, then SIGKILL)"},
	{"kubelet.status", "the kubelet writes pod status to the apiserver"},
	{"kubelet.heartbeat", "the kubelet renews its node Lease"},
	{"controller.*.sync", "a controller syncs one object (e.g. controller.deployment.sync)"},
}

// Known returns the registry of stage names, in lifecycle order.
func Known() []Info {
	out := make([]Info, len(known))
	copy(out, known[:])
	return out
}

// Describe returns the registry entry for a stage name; a controller's sync
// (controller.deployment.sync) is described by the controller.*.sync entry.
func Describe(name string) (Info, bool) {
	for _, in := range known {
		if ok, _ := path.Match(in.Name, name); ok {
			return in, true
		}
	}
	return Info{}, false
}
