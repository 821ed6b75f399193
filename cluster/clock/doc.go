// Package clock is the one clock every kubelab component reads: real time in the
// playground, virtual time in scripts and tests.
//
// It mirrors how Kubernetes components take time: kube-scheduler, the controllers
// and the kubelet accept a k8s.io/utils/clock interface instead of calling
// time.Now, and their tests swap in a fake (k8s.io/utils/clock/testing.FakeClock).
// kubelab does the same for the whole cluster at once, so `advance 40s` in a
// session moves heartbeats, back-offs, grace periods and lease expiry together,
// and a script replays identically.
//
// The virtual clock differs from FakeClock where determinism needs it: timers fire
// one at a time in deadline order (ties in the order they were armed), time stands
// at each timer's deadline while it fires, AfterFunc callbacks run synchronously
// inside Advance instead of on their own goroutine, and a timer armed by a firing
// callback inside the advanced window fires within the same Advance.
package clock
