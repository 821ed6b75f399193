package sim

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kubelab/cluster/container"
)

// What listens in the sim, and so answers httpGet and tcpSocket probes:
//
//	nginx                      :80, files under /usr/share/nginx/html
//	httpd (Apache)             :80, files under /usr/local/apache2/htdocs
//	busybox httpd -f -p PORT   PORT (default 80), files under -h DIR (default .)
//	nc -l -p PORT [-k]         PORT, TCP only; without -k it exits after one connection
//	agnhost netexec            --http-port (8080)
//	agnhost serve-hostname     --port (9376)
//	agnhost liveness           :8080, /healthz fails 10 s after start
//	agnhost test-webserver     :80
//	hello-app                  $PORT or 8080

const (
	nginxRoot    = "/usr/share/nginx/html"
	httpdRoot    = "/usr/local/apache2/htdocs"
	probeAgent   = "kube-probe/1.37"
	nginxWelcome = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`
	httpdWelcome = "<html><body><h1>It works!</h1></body></html>\n"
)

// request is an HTTP request reaching a sim server.
type request struct {
	method, path, query, userAgent, remote, host string
}

type response struct {
	status int
	body   []byte
}

// listener is a port something in a sandbox listens on.
type listener struct {
	owner *ctr
	// serve answers HTTP; nil for a raw TCP listener that answers no HTTP.
	serve func(req request) response
	// connected is told of each TCP connection.
	connected func()
}

// listen opens port in the container's sandbox.
func (p *proc) listen(port int, serve func(request) response, connected func()) error {
	r := p.t.r
	r.mu.Lock()
	defer r.mu.Unlock()
	sb := p.t.c.sb
	if _, busy := sb.listeners[port]; busy {
		return errors.New("Address in use")
	}
	sb.listeners[port] = &listener{owner: p.t.c, serve: serve, connected: connected}
	return nil
}

func (p *proc) unlisten(port int) {
	r := p.t.r
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(p.t.c.sb.listeners, port)
}

func (r *Runtime) lookupListener(sandboxID string, port int) (*sandbox, *listener, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sb := r.sandboxes[sandboxID]
	if sb == nil {
		return nil, nil, fmt.Errorf("sandbox %s: %w", sandboxID, container.ErrNotFound)
	}
	l := sb.listeners[port]
	if l == nil || !sb.ready {
		return sb, nil, fmt.Errorf("dial tcp %s: connect: connection refused", hostPort(sb, port))
	}
	return sb, l, nil
}

func hostPort(sb *sandbox, port int) string {
	ip := sb.cfg.IP
	if ip == "" {
		ip = "127.0.0.1"
	}
	return ip + ":" + strconv.Itoa(port)
}

// gateway is where the kubelet's probes come from: the node's bridge
// address, the first of the pod's /24.
func gateway(sb *sandbox) string {
	ip := sb.cfg.IP
	if i := strings.LastIndexByte(ip, '.'); i > 0 {
		return ip[:i] + ".1"
	}
	return "127.0.0.1"
}

// ProbeHTTP performs GET path on the sandbox's port as the kubelet's prober
// does (User-Agent kube-probe/1.37). Nothing listening is the error the
// kubelet would see dialling the pod: "dial tcp IP:PORT: connect:
// connection refused".
func (r *Runtime) ProbeHTTP(ctx context.Context, sandboxID string, port int, path string) (int, error) {
	code, _, err := r.HTTPGet(ctx, sandboxID, port, path, probeAgent)
	return code, err
}

// HTTPGet performs GET path on the sandbox's port and returns the status
// and body; it is the hook for wget and curl between pods.
func (r *Runtime) HTTPGet(ctx context.Context, sandboxID string, port int, path, userAgent string) (int, []byte, error) {
	sb, l, err := r.lookupListener(sandboxID, port)
	if err != nil {
		return 0, nil, err
	}
	if l.connected != nil {
		l.connected()
	}
	if l.serve == nil {
		// A raw TCP listener reads the request and never answers.
		<-ctx.Done()
		return 0, nil, fmt.Errorf("net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)")
	}
	u, _ := url.Parse(path)
	req := request{method: "GET", path: path, userAgent: userAgent, remote: gateway(sb), host: hostPort(sb, port)}
	if u != nil {
		req.path, req.query = u.Path, u.RawQuery
	}
	if req.path == "" {
		req.path = "/"
	}
	resp := l.serve(req)
	return resp.status, resp.body, nil
}

// ProbeTCP reports whether something listens on the sandbox's port.
func (r *Runtime) ProbeTCP(ctx context.Context, sandboxID string, port int) error {
	_, l, err := r.lookupListener(sandboxID, port)
	if err != nil {
		return err
	}
	if l.connected != nil {
		l.connected()
	}
	return nil
}

// localFetch is wget of the container's own ports.
func localFetch(p *proc, rawURL string) int {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		u, err = url.Parse("http://" + rawURL)
		if err != nil {
			p.errorf("wget: bad address '%s'\n", rawURL)
			return 1
		}
	}
	port := 80
	if u.Port() != "" {
		port, _ = strconv.Atoi(u.Port())
	}
	path := u.RequestURI()
	code, body, err := p.t.r.HTTPGet(context.Background(), p.t.c.sb.id, port, path, "Wget")
	if err != nil {
		p.errorf("wget: can't connect to remote host (%s): Connection refused\n", u.Hostname())
		return 1
	}
	if code >= 400 {
		p.errorf("wget: server returned error: HTTP/1.1 %d %s\n", code, statusText(code))
		return 1
	}
	p.printf("%s", body)
	return 0
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 500:
		return "Internal Server Error"
	}
	return strconv.Itoa(code)
}

// serveFiles serves a directory of the container as a static web server.
func serveFiles(c *ctr, root, urlPath string) (response, string) {
	p := abs(root, "."+urlPath)
	if strings.HasSuffix(urlPath, "/") {
		p = abs(p, "index.html")
	}
	b, err := c.files.read(p)
	switch {
	case err == nil:
		return response{status: 200, body: b}, p
	case errors.Is(err, errIsDir):
		return response{status: 403}, p
	}
	return response{status: 404}, p
}

// nginxVersion is the nginx version an image tag carries.
func nginxVersion(ref string) string {
	tag := ref[strings.LastIndexByte(ref, ':')+1:]
	tag = strings.TrimSuffix(tag, "-alpine")
	switch tag {
	case "stable", "1.26", "stable-alpine":
		return "1.26.3"
	case "1.25":
		return "1.25.5"
	case "1.24":
		return "1.24.0"
	case "1.23":
		return "1.23.4"
	case "1.21":
		return "1.21.6"
	case "1.19":
		return "1.19.10"
	}
	if strings.Count(tag, ".") == 2 {
		return tag
	}
	return "1.27.5"
}

// nginxEntrypoint is the image's /docker-entrypoint.sh: it configures and
// execs its arguments, logging as it goes.
func nginxEntrypoint(p *proc) int {
	args := p.argv[1:]
	if len(args) > 0 && (args[0] == "nginx" || args[0] == "nginx-debug") {
		for _, l := range []string{
			"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
			"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
			"10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
			"10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
			"/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
			"/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
			"/docker-entrypoint.sh: Configuration complete; ready for start up",
		} {
			p.printf("%s\n", l)
		}
	}
	if len(args) == 0 {
		return 0
	}
	prog, ok := lookPath(p.t.c, args[0])
	if !ok {
		p.errorf("/docker-entrypoint.sh: exec: line 47: %s: not found\n", args[0])
		return 127
	}
	child := *p
	child.argv = args
	return prog(&child)
}

// nginxProgram is `nginx -g 'daemon off;'`: a master and two workers
// logging to stderr (error log) and stdout (access log), serving the
// document root on :80. SIGQUIT (the image's STOPSIGNAL) shuts it down
// gracefully, SIGTERM and SIGINT fast; both exit 0.
func nginxProgram(p *proc) int {
	c := p.t.c
	version := nginxVersion(c.img.ref)
	clk := p.t.r.clk
	master := "1#1"
	if !p.pid1 {
		master = fmt.Sprintf("%d#%d", p.t.pid+6, p.t.pid+6)
	}
	workers := []string{"29#29", "30#30"}
	notice := func(who, format string, args ...any) {
		p.errorf("%s [notice] %s: %s\n", clk.Now().UTC().Format("2006/01/02 15:04:05"), who, fmt.Sprintf(format, args...))
	}
	for _, a := range p.argv[1:] {
		if a == "-v" {
			p.errorf("nginx version: nginx/%s\n", version)
			return 0
		}
		if a == "-t" {
			p.errorf("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n")
			return 0
		}
	}
	conn := 0
	serve := func(req request) response {
		resp, file := serveFiles(c, nginxRoot, req.path)
		now := clk.Now().UTC()
		conn++
		if resp.status != 200 {
			why := "(2: No such file or directory)"
			if resp.status == 403 {
				why = "(13: Permission denied)"
			}
			p.stderr.Write([]byte(fmt.Sprintf("%s [error] 29#29: *%d open() \"%s\" failed %s, client: %s, server: localhost, request: \"%s %s HTTP/1.1\", host: \"%s\"\n",
				now.Format("2006/01/02 15:04:05"), conn, file, why, req.remote, req.method, req.path, req.host)))
			title := fmt.Sprintf("%d %s", resp.status, statusText(resp.status))
			resp.body = []byte(fmt.Sprintf("<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx/%s</center>\r\n</body>\r\n</html>\r\n", title, title, version))
		}
		p.stdout.Write([]byte(fmt.Sprintf("%s - - [%s] \"%s %s HTTP/1.1\" %d %d \"-\" \"%s\" \"-\"\n",
			req.remote, now.Format("02/Jan/2006:15:04:05 -0700"), req.method, req.path, resp.status, len(resp.body), req.userAgent)))
		return resp
	}
	if err := p.listen(80, serve, nil); err != nil {
		p.errorf("%s [emerg] %s: bind() to 0.0.0.0:80 failed (98: Address in use)\n", clk.Now().UTC().Format("2006/01/02 15:04:05"), master)
		return 1
	}
	notice(master, "using the \"epoll\" event method")
	notice(master, "nginx/%s", version)
	notice(master, "built by gcc 12.2.0 (Debian 12.2.0-14) ")
	notice(master, "OS: Linux 6.8.0-kubelab")
	notice(master, "getrlimit(RLIMIT_NOFILE): 1048576:1048576")
	notice(master, "start worker processes")
	for _, w := range workers {
		notice(master, "start worker process %s", strings.Split(w, "#")[0])
	}
	if p.pid1 {
		for _, s := range []string{"SIGTERM", "SIGQUIT", "SIGINT", "SIGHUP"} {
			p.t.handle(s, true)
		}
	}
	for {
		sigs := p.forever()
		switch sigs[0] {
		case "SIGHUP":
			notice(master, "signal 1 (SIGHUP) received, reconfiguring")
			continue
		case "SIGQUIT":
			notice(master, "signal 3 (SIGQUIT) received, shutting down")
			for _, w := range workers {
				notice(w, "gracefully shutting down")
			}
		default:
			num := map[string]int{"SIGTERM": 15, "SIGINT": 2}[sigs[0]]
			notice(master, "signal %d (%s) received, exiting", num, sigs[0])
		}
		p.unlisten(80)
		for _, w := range workers {
			notice(w, "exiting")
		}
		for _, w := range workers {
			notice(w, "exit")
		}
		for i := len(workers) - 1; i >= 0; i-- {
			pid := strings.Split(workers[i], "#")[0]
			notice(master, "signal 17 (SIGCHLD) received from %s", pid)
			notice(master, "worker process %s exited with code 0", pid)
		}
		notice(master, "exit")
		return 0
	}
}

// apacheProgram is the httpd image's httpd-foreground.
func apacheProgram(p *proc) int {
	c := p.t.c
	clk := p.t.r.clk
	stamp := func() string { return clk.Now().UTC().Format("Mon Jan 02 15:04:05.000000 2006") }
	ip := c.sb.cfg.IP
	if ip == "" {
		ip = "127.0.0.1"
	}
	for i := 0; i < 2; i++ {
		p.errorf("AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using %s. Set the 'ServerName' directive globally to suppress this message\n", ip)
	}
	serve := func(req request) response {
		resp, _ := serveFiles(c, httpdRoot, req.path)
		if resp.status == 404 {
			resp.body = []byte("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n")
		}
		p.stdout.Write([]byte(fmt.Sprintf("%s - - [%s] \"%s %s HTTP/1.1\" %d %d\n", req.remote, clk.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"), req.method, req.path, resp.status, len(resp.body))))
		return resp
	}
	if err := p.listen(80, serve, nil); err != nil {
		p.errorf("(98)Address in use: AH00072: make_sock: could not bind to address 0.0.0.0:80\n")
		return 1
	}
	p.errorf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix) configured -- resuming normal operations\n", stamp())
	p.errorf("[%s] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'\n", stamp())
	if p.pid1 {
		for _, s := range []string{"SIGTERM", "SIGWINCH", "SIGINT"} {
			p.t.handle(s, true)
		}
	}
	sig := p.forever()[0]
	p.unlisten(80)
	if sig == "SIGWINCH" {
		p.errorf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00492: caught SIGWINCH, shutting down gracefully\n", stamp())
	} else {
		p.errorf("[%s] [mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down\n", stamp())
	}
	return 0
}

// pauseProgram is the pause container: it waits, and exits 0 on TERM or
// INT after saying so.
func pauseProgram(p *proc) int {
	if !p.pid1 {
		p.errorf("Warning: pause should be the first process\n")
	} else {
		p.t.handle("SIGTERM", true)
		p.t.handle("SIGINT", true)
	}
	sig := p.forever()[0]
	name := map[string]string{"SIGTERM": "Terminated", "SIGINT": "Interrupt"}[sig]
	p.errorf("Shutting down, got signal: %s\n", name)
	return 0
}

// goLog writes a line as Go's log package does.
func goLog(p *proc, format string, args ...any) {
	p.stderr.Write([]byte(p.t.r.clk.Now().UTC().Format("2006/01/02 15:04:05") + " " + fmt.Sprintf(format, args...) + "\n"))
}

func flagValue(args []string, name, def string) string {
	for i, a := range args {
		if strings.HasPrefix(a, "--"+name+"=") {
			return strings.TrimPrefix(a, "--"+name+"=")
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return def
}

// agnhostProgram is the Kubernetes e2e test image's multi-tool.
func agnhostProgram(p *proc) int {
	args := p.argv[1:]
	if len(args) == 0 {
		p.printf("agnhost is a multi-purpose test image\n\nUsage:\n  agnhost [command]\n")
		return 0
	}
	c := p.t.c
	clk := p.t.r.clk
	started := clk.Now()
	host := c.sb.cfg.Hostname
	switch args[0] {
	case "pause":
		p.printf("Paused\n")
		if p.pid1 {
			p.t.handle("SIGTERM", true)
			p.t.handle("SIGINT", true)
		}
		p.forever()
		p.printf("Shutting down after receiving signal: terminated.\n")
		return 0
	case "netexec":
		port, _ := strconv.Atoi(flagValue(args, "http-port", "8080"))
		serve := func(req request) response {
			q, _ := url.ParseQuery(req.query)
			switch req.path {
			case "/hostname":
				return response{200, []byte(host)}
			case "/echo":
				goLog(p, "GET /echo?msg=%s&code=%s", q.Get("msg"), q.Get("code"))
				return response{200, []byte(q.Get("msg"))}
			case "/healthz", "/readyz":
				return response{200, nil}
			case "/clientip":
				goLog(p, "GET /clientip")
				return response{200, []byte(req.remote + ":45678")}
			case "/":
				goLog(p, "GET /")
				return response{200, []byte("NOW: " + clk.Now().String())}
			}
			return response{404, []byte("404 page not found\n")}
		}
		if err := p.listen(port, serve, nil); err != nil {
			return 1
		}
		if port != 8081 && p.listen(8081, nil, nil) == nil {
			goLog(p, "Started UDP server on port  8081")
		}
		goLog(p, "Started HTTP server on port %d", port)
		if p.pid1 {
			p.t.handle("SIGTERM", true)
		}
		p.forever()
		if d, _ := strconv.Atoi(flagValue(args, "delay-shutdown", "0")); d > 0 {
			goLog(p, "Sleeping %d seconds before terminating...", d)
			p.sleep(time.Duration(d) * time.Second)
		}
		return 0
	case "serve-hostname":
		port, _ := strconv.Atoi(flagValue(args, "port", "9376"))
		if err := p.listen(port, func(req request) response {
			goLog(p, "HTTP request from %s:45678", req.remote)
			return response{200, []byte(host)}
		}, nil); err != nil {
			return 1
		}
		goLog(p, "Serving on port %d.", port)
		if p.pid1 {
			p.t.handle("SIGTERM", true)
		}
		p.forever()
		goLog(p, "Shutting down after receiving signal: terminated.")
		goLog(p, "Awaiting pod deletion.")
		p.sleep(60 * time.Second)
		return 0
	case "liveness":
		return serveForever(p, 8080, func(req request) response {
			switch req.path {
			case "/healthz":
				d := clk.Since(started)
				if d.Seconds() > 10 {
					return response{500, []byte(fmt.Sprintf("error: %v", d.Seconds()))}
				}
				return response{200, []byte("ok")}
			case "/started":
				return response{200, []byte(clk.Since(started).String())}
			}
			return response{404, []byte("404 page not found\n")}
		})
	case "test-webserver":
		return serveForever(p, 80, func(req request) response { return response{200, []byte("Hello World")} })
	}
	p.errorf("Error: unknown command %q for \"agnhost\"\nRun 'agnhost --help' for usage.\n", args[0])
	return 1
}

// serveForever listens and serves until killed: a Go server without a
// signal handler ignores TERM as PID 1.
func serveForever(p *proc, port int, serve func(request) response) int {
	if err := p.listen(port, serve, nil); err != nil {
		return 1
	}
	for {
		p.t.park(-1, false)
	}
}

// helloAppProgram is Google's hello-app sample.
func helloAppProgram(p *proc) int {
	c := p.t.c
	port := lookup(p.env, "PORT")
	if port == "" {
		port = "8080"
	}
	n, _ := strconv.Atoi(port)
	version := "1.0.0"
	if strings.HasSuffix(c.img.ref, ":2.0") {
		version = "2.0.0"
	}
	goLog(p, "Server listening on port %s", port)
	return serveForever(p, n, func(req request) response {
		goLog(p, "Serving request: %s", req.path)
		return response{200, []byte(fmt.Sprintf("Hello, world!\nVersion: %s\nHostname: %s\n", version, c.sb.cfg.Hostname))}
	})
}

// busyboxHTTPDProgram is busybox httpd; it only serves in the foreground
// (-f), otherwise it daemonizes and the command returns at once.
func busyboxHTTPDProgram(p *proc) int {
	args := p.argv[1:]
	port, home, fg := 80, p.dir, false
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-f":
			fg = true
		case "-p":
			if i+1 < len(args) {
				port, _ = strconv.Atoi(args[i+1][strings.LastIndexByte(args[i+1], ':')+1:])
				i++
			}
		case "-h":
			if i+1 < len(args) {
				home = abs(p.dir, args[i+1])
				i++
			}
		}
	}
	c := p.t.c
	serve := func(req request) response {
		resp, _ := serveFiles(c, home, req.path)
		if resp.status == 404 {
			resp.body = []byte("<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n")
		}
		return resp
	}
	if err := p.listen(port, serve, nil); err != nil {
		p.errorf("httpd: bind: Address in use\n")
		return 1
	}
	if !fg {
		// The daemon keeps serving after the command returns.
		return 0
	}
	for {
		p.t.park(-1, false)
	}
}

// ncProgram is `nc -l -p PORT` (with -k to keep listening).
func ncProgram(p *proc) int {
	args := p.argv[1:]
	listen, keep, port := false, false, 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			listen = listen || strings.Contains(a, "l")
			keep = keep || strings.Contains(a, "k")
			if strings.HasSuffix(a, "p") && i+1 < len(args) {
				port, _ = strconv.Atoi(args[i+1])
				i++
			}
			continue
		}
		if listen && port == 0 {
			port, _ = strconv.Atoi(a)
		}
	}
	if !listen {
		p.errorf("nc: can't connect to remote host: Connection refused\n")
		return 1
	}
	t := p.t
	r := t.r
	connections := 0
	if err := p.listen(port, nil, func() {
		r.mu.Lock()
		connections++
		ep, parked := t.epoch, t.parked
		r.mu.Unlock()
		if !keep && parked {
			go r.wake(t, ep, wakeIO)
		}
	}); err != nil {
		p.errorf("nc: bind: Address in use\n")
		return 1
	}
	for {
		r.mu.Lock()
		done := !keep && connections > 0
		r.mu.Unlock()
		if done {
			p.unlisten(port)
			return 0
		}
		t.parkUnless(func() bool { return !keep && connections > 0 })
	}
}
