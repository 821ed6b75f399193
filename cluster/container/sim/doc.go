// Package sim is kubelab's deterministic, in-process container runtime:
// the default where containerd cannot run (no root, no containerd), so the
// playground always starts. It implements container.Runtime and
// container.NetworkProber and aims to produce what containerd and runc
// would for the same pod: the same container states, exit codes and
// reasons (Completed, Error, OOMKilled, StartError), the same log lines in
// the CRI log format, the same error texts.
//
// # Time
//
// Every duration is a timer on the injected clock: sleeps, grace periods,
// memory growth, busy loops. Each container process is a goroutine that
// runs only while whoever woke it (StartContainer, a clock timer, a
// signal, an exec) waits for it, and hands control back when it parks. On
// the virtual clock timers fire inside Advance with Now at their
// deadlines, so the same calls and clock steps give byte-identical logs
// and states. StartContainer returns once PID 1 first waits or exits: a
// container that only echoes has exited, and logged, by then.
//
// # Images
//
// Catalog lists the images (busybox, alpine, nginx, httpd, pause, agnhost,
// hello-app, polinux/stress, ubuntu, debian) with their tags. References
// are normalised as containerd does ("nginx" is
// "docker.io/library/nginx:latest"); image IDs are repo digests whose
// digest is the sha256 of the reference. An unknown tag or repository
// fails to pull with containerd's message, wrapping
// container.ErrImageNotFound; Fail makes pulls of one image fail as an
// unreachable registry would.
//
// # Processes and signals
//
// Command replaces the image's ENTRYPOINT and args its CMD, as Kubernetes
// does. A program that does not exist fails StartContainer the way runc
// does (exit 128, reason StartError). StopContainer sends the image's
// STOPSIGNAL (SIGQUIT for nginx, SIGWINCH for httpd, else SIGTERM), then
// kills after the timeout (exit 137, reason Error). As for a PID
// namespace's init, a signal PID 1 has no handler for is dropped: `sleep
// 3600` and `sh -c 'sleep 3600'` (ash execs its last command) outlive
// SIGTERM and are killed. A shell with `trap ... TERM` runs the handler
// after its foreground command finishes, or at once while in `wait` (the
// `sleep infinity & wait` idiom); a handler that does not exit leaves the
// shell running. nginx exits 0 on SIGQUIT/SIGTERM, pause on TERM/INT,
// agnhost netexec on TERM; serve-hostname logs and waits to be killed.
//
// # The interpreter
//
// Commands are interpreted in the busybox idiom. The shell (sh, ash, and
// bash/dash where the image has them) understands: words with '...',
// "...", \ escapes; $VAR, ${VAR}, ${VAR:-x}, ${VAR-x}, ${VAR:=x},
// ${VAR:+x}, ${VAR:?x}, ${#VAR}, ${VAR#x}, ${VAR%x}, $?, $#, $@, $*, $0-$9,
// $!, $$; $(...) and `...`; $((...)) arithmetic; assignments (also as a
// command prefix); ;, &, &&, ||, !, | (run one stage after another,
// buffered); if/elif/else/fi, while/until, for ... in, case/esac, { },
// ( ), name() { }; redirections >, >>, <, 2>, 2>&1, >&2, >/dev/null;
// builtins : true false echo printf test [ exit cd pwd export unset set
// shift trap wait break continue eval exec read kill. No globbing.
// Errors read as busybox's ("sh: foo: not found", exit 127; "sh: syntax
// error: ...", exit 2), or dash's ("sh: 1: foo: not found") in Debian
// images. `sh -c env` lists variables in ash's hash-table order.
//
// Programs (busybox applets): sleep (N, N.N, s/m/h/d suffixes, infinity),
// echo (-n, -e), printf, cat, ls (-l, -a), env, printenv, hostname, date
// (+FORMAT), head, tail (-n, -f), wc, seq, grep (fixed strings, -v -c -q),
// touch, mkdir (-p), rm, whoami, id, uname, test, true, false, dd, nc,
// httpd, wget (the container's own ports only, for now: the hook for a
// cluster network). cat of /dev/zero and yes produce nothing and run
// forever. Image programs: nginx and its /docker-entrypoint.sh, Apache's
// httpd-foreground, /pause, agnhost (pause, netexec, serve-hostname,
// liveness, test-webserver), hello-app, stress.
//
// Files: the kubelet's mounts are the real host paths (read-only mounts
// refuse writes), a few image files are generated (/etc/hostname,
// /etc/hosts, /etc/resolv.conf from the sandbox DNS config,
// /etc/os-release, the nginx and httpd index pages), and anything else
// written lives in the container's memory.
//
// Memory: `tail /dev/zero`, `dd if=/dev/zero bs=SIZE` and `stress --vm N
// --vm-bytes SIZE` hog memory. Under a memory limit smaller than what they
// want, the container is OOMKilled (exit 137) once the hog has grown to
// the limit at 1 GiB per second of clock time; without a limit, or with
// room, they hold it and run on.
//
// Loops: a loop that never waits is charged one second of clock time
// every 100 iterations, so `while true; do ...; done` advances with the
// clock instead of spinning at one instant.
//
// What listens (for httpGet and tcpSocket probes, see net.go): nginx and
// httpd on 80, busybox `httpd -f -p PORT`, `nc -l -p PORT` (TCP only; it
// exits after one connection unless -k), agnhost netexec (8080),
// serve-hostname (9376), liveness (8080, /healthz fails after 10 s),
// hello-app (8080). Probes come from the node's bridge address (the pod
// /24's .1) with User-Agent kube-probe/1.37 and appear in access logs.
// Nothing listening is "dial tcp IP:PORT: connect: connection refused".
package sim
