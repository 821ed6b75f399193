package stage

import (
	"strconv"
	"strings"
	"time"
)

// Stage is one step a component is about to take.
type Stage struct {
	// Component is who takes the step: "apiserver", "etcd", "scheduler",
	// "kubelet/worker-1", "controller/deployment".
	Component string
	// Name is "component.step", e.g. "apiserver.admit" or "scheduler.bind";
	// Known lists them.
	Name string
	// Object is "kind/namespace/name", "kind/name" for cluster-scoped objects,
	// or the etcd key for etcd.* stages.
	Object string
	// Detail is one human line about this particular step.
	Detail string
	// Revision is the etcd revision of a write, zero otherwise.
	Revision int64
}

// Record is a Stage as the journal keeps it.
type Record struct {
	Stage
	// Seq numbers records from 1 in the order they entered the bus.
	Seq int64
	// Time is the bus clock's time at entry.
	Time time.Time
	// Gate says what held the stage ("scheduler paused", "break 2"); empty when
	// it passed straight through.
	Gate string
}

// nameWidth is the stage-name column of rendered lines; it fits every name in
// Known but the longest, which simply push the rest of their line right.
const nameWidth = 20

// String renders the record as the REPL prints it:
//
//	stage etcd.put             /registry/pods/default/nginx  rev 57
func (r Record) String() string {
	var b strings.Builder
	b.Grow(len("stage ") + nameWidth + len(r.Object) + len(r.Detail) + 40)
	b.WriteString("stage ")
	b.WriteString(r.Name)
	for i := len(r.Name); i < nameWidth; i++ {
		b.WriteByte(' ')
	}
	sep := " "
	if r.Object != "" {
		b.WriteString(sep)
		b.WriteString(r.Object)
		sep = "  "
	}
	if r.Revision != 0 {
		b.WriteString(sep)
		b.WriteString("rev ")
		b.WriteString(strconv.FormatInt(r.Revision, 10))
		sep = "  "
	}
	if r.Detail != "" {
		b.WriteString(sep)
		b.WriteString(r.Detail)
		sep = "  "
	}
	if r.Gate != "" {
		b.WriteString(sep)
		b.WriteString("(waiting: ")
		b.WriteString(r.Gate)
		b.WriteString(")")
	}
	return strings.TrimRight(b.String(), " ")
}
