// Package stage is kubelab's stage bus: every component announces each meaningful
// step it is about to take, the bus keeps those announcements in a journal, and a
// stepper can hold any of them until a person lets it go.
//
// Real Kubernetes has no such bus; what it mirrors is the observable sequence of a
// cluster at work — the apiserver's handler chain (authentication, admission,
// validation, storage), etcd writes, the kube-scheduler's scheduling cycle by
// extension point, the kubelet's pod worker, each controller's sync — named after
// the upstream pieces so the journal reads like the Kubernetes documentation.
// A component calls Enter right before the step; with nothing paused Enter only
// records and returns, so the bus changes no behaviour, only when things happen.
//
// Holding is what makes a session replay identically: stages that match a pause
// or a breakpoint wait in arrival order (by sequence number) and are let go one at
// a time by Release, so the stepper, not the Go scheduler, decides what runs next.
package stage
