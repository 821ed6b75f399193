package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// shell is one sh process's state: its variables, traps and positional
// parameters. Subshells ("( )", "$( )", "&") run on copies.
type shell struct {
	p          *proc
	flavor     string // "ash", "dash" or "bash": how errors read
	argv0      string
	vars       []shVar
	positional []string
	status     int
	traps      map[string]string
	funcs      map[string]node
	lastBg     int
	dir        string
	// breaking and continuing count loop levels still to leave.
	breaking, continuing int
	loopDepth            int
}

type shVar struct {
	name, value string
	exported    bool
}

// exitShell unwinds a shell on `exit` or a fatal error.
type exitShell struct{ code int }

func newShell(p *proc, flavor string) *shell {
	s := &shell{p: p, flavor: flavor, argv0: "sh", traps: map[string]string{}, funcs: map[string]node{}, dir: p.dir}
	if flavor == "bash" {
		s.argv0 = "bash"
	}
	for _, kv := range p.env {
		if i := strings.IndexByte(kv, '='); i > 0 {
			s.set(kv[:i], kv[i+1:], true)
		}
	}
	s.set("PWD", s.dir, true)
	if flavor != "dash" {
		if n, err := strconv.Atoi(s.get("SHLVL")); err == nil {
			s.set("SHLVL", strconv.Itoa(n+1), true)
		} else {
			s.set("SHLVL", "1", true)
		}
	}
	return s
}

func (s *shell) clone(p *proc) *shell {
	n := *s
	n.p = p
	n.vars = append([]shVar(nil), s.vars...)
	n.traps = map[string]string{}
	n.funcs = s.funcs
	n.breaking, n.continuing, n.loopDepth = 0, 0, 0
	return &n
}

func (s *shell) get(name string) string {
	for _, v := range s.vars {
		if v.name == name {
			return v.value
		}
	}
	return ""
}

func (s *shell) isSet(name string) bool {
	for _, v := range s.vars {
		if v.name == name {
			return true
		}
	}
	return false
}

func (s *shell) set(name, value string, export bool) {
	for i := range s.vars {
		if s.vars[i].name == name {
			s.vars[i].value = value
			s.vars[i].exported = s.vars[i].exported || export
			return
		}
	}
	s.vars = append(s.vars, shVar{name: name, value: value, exported: export})
}

func (s *shell) unset(name string) {
	for i := range s.vars {
		if s.vars[i].name == name {
			s.vars = append(s.vars[:i:i], s.vars[i+1:]...)
			return
		}
	}
}

// environ is the environment a child gets, in ash's order: ash keeps its
// variables in a 39-bucket hash table and lists them bucket by bucket, so
// `sh -c env` shows HOSTNAME before HOME before PATH, not the order they
// came in.
func (s *shell) environ() []string {
	type ent struct {
		kv     string
		bucket int
		pos    int
	}
	var ents []ent
	for i, v := range s.vars {
		if !v.exported {
			continue
		}
		h := int(v.name[0]) << 4
		for j := 0; j < len(v.name); j++ {
			h += int(v.name[j])
		}
		pos := i + 1
		if v.name == "PATH" { // ash's own variables sit first in their bucket
			pos = 0
		}
		ents = append(ents, ent{v.name + "=" + v.value, h % 39, pos})
	}
	sort.SliceStable(ents, func(i, j int) bool {
		if ents[i].bucket != ents[j].bucket {
			return ents[i].bucket < ents[j].bucket
		}
		return ents[i].pos < ents[j].pos
	})
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.kv
	}
	return out
}

// errorf prints a shell diagnostic as the image's sh does.
func (s *shell) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	switch s.flavor {
	case "dash":
		fmt.Fprintf(s.p.stderr, "%s: 1: %s\n", s.argv0, msg)
	case "bash":
		fmt.Fprintf(s.p.stderr, "%s: line 1: %s\n", s.argv0, msg)
	default:
		fmt.Fprintf(s.p.stderr, "%s: %s\n", s.argv0, msg)
	}
}

// notFound is the shell's message for a command it cannot find.
func (s *shell) notFound(name string) {
	if s.flavor == "bash" {
		s.errorf("%s: command not found", name)
		return
	}
	s.errorf("%s: not found", name)
}

// runScript parses and runs src, returning the shell's exit status.
func (s *shell) runScript(src string) (code int) {
	l, err := parse(src)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) && s.flavor == "dash" {
			s.errorf("Syntax error: %s", strings.TrimPrefix(se.msg, "unexpected "))
		} else {
			s.errorf("%v", err)
		}
		return 2
	}
	defer func() {
		if p := recover(); p != nil {
			e, ok := p.(exitShell)
			if !ok {
				panic(p)
			}
			code = e.code
		}
	}()
	s.runList(l, true)
	s.runTraps()
	return s.status
}

// runTraps runs the handlers of signals that arrived. Like every sh, a trap
// runs between commands: a foreground `sleep 3600` finishes first.
func (s *shell) runTraps() {
	if !s.p.pid1 {
		return
	}
	for _, sig := range s.p.t.takeSignals() {
		if action, ok := s.traps[strings.TrimPrefix(sig, "SIG")]; ok && action != "" {
			status := s.status
			l, err := parse(action)
			if err == nil {
				s.runList(l, false)
			}
			s.status = status
		}
	}
}

func (s *shell) runList(l *listNode, top bool) {
	for i, ao := range l.items {
		if s.breaking > 0 || s.continuing > 0 {
			return
		}
		s.p.t.check()
		if l.bg[i] {
			s.background(ao)
			s.status = 0
			continue
		}
		// The last simple command of `sh -c` replaces the shell when no
		// trap is set, as ash, dash and bash do: it becomes PID 1 and
		// gets the stop signal itself.
		exec := top && i == len(l.items)-1 && len(s.traps) == 0
		s.runAndOr(ao, exec)
		s.runTraps()
	}
}

func (s *shell) runAndOr(ao *andOrNode, exec bool) {
	for i, pl := range ao.pipes {
		if i > 0 {
			op := ao.ops[i-1]
			if (op == "&&" && s.status != 0) || (op == "||" && s.status == 0) {
				continue
			}
		}
		s.runPipeline(pl, exec && i == len(ao.pipes)-1 && len(ao.pipes) == 1)
	}
}

// runPipeline runs the commands one after the other, each reading what the
// previous one wrote: enough for `echo x | grep x`, not for a producer that
// never ends.
func (s *shell) runPipeline(pl *pipeNode, exec bool) {
	if len(pl.cmds) == 1 {
		s.runCommand(pl.cmds[0], exec && !pl.neg)
	} else {
		in := s.p.stdin
		out := s.p.stdout
		for i, c := range pl.cmds {
			var buf bytes.Buffer
			sub := s.clone(s.p.with(in, &buf, s.p.stderr))
			if i == len(pl.cmds)-1 {
				sub.p = s.p.with(in, out, s.p.stderr)
			}
			sub.runCommand(c, false)
			s.status = sub.status
			in = newInput(bytes.NewReader(buf.Bytes()))
		}
	}
	if pl.neg {
		if s.status == 0 {
			s.status = 1
		} else {
			s.status = 0
		}
	}
}

func (s *shell) runCommand(n node, exec bool) {
	switch n := n.(type) {
	case *simpleNode:
		s.runSimple(n, exec)
	case *ifNode:
		for i, cond := range n.conds {
			s.runList(cond, false)
			if s.status == 0 {
				s.runList(n.bodies[i], false)
				return
			}
		}
		s.status = 0
		if n.els != nil {
			s.runList(n.els, false)
		}
	case *loopNode:
		s.loopDepth++
		defer func() { s.loopDepth-- }()
		status := 0
		for {
			s.runList(n.cond, false)
			if s.breaking > 0 {
				break
			}
			if (s.status == 0) == n.until {
				break
			}
			s.runList(n.body, false)
			status = s.status
			if s.leaveLoop() {
				break
			}
			s.p.t.yieldIfBusy()
		}
		s.status = status
	case *forNode:
		var items []string
		if n.hasIn {
			for _, w := range n.words {
				items = append(items, s.expand(w)...)
			}
		} else {
			items = s.positional
		}
		s.loopDepth++
		defer func() { s.loopDepth-- }()
		s.status = 0
		for _, it := range items {
			s.set(n.name, it, false)
			s.runList(n.body, false)
			if s.leaveLoop() {
				break
			}
			s.p.t.yieldIfBusy()
		}
	case *caseNode:
		w := s.expandOne(n.word)
		s.status = 0
		for i, pats := range n.patterns {
			for _, pat := range pats {
				if ok, _ := path.Match(s.expandOne(pat), w); ok {
					s.runList(n.bodies[i], false)
					return
				}
			}
		}
	case *groupNode:
		p, ok := s.redirect(n.redirs)
		if !ok {
			return
		}
		if n.sub {
			sub := s.clone(p)
			sub.status = s.status
			s.status = sub.subshell(func() { sub.runList(n.body, false) })
			return
		}
		saved := s.p
		s.p = p
		s.runList(n.body, false)
		s.p = saved
	case *funcNode:
		s.funcs[n.name] = n.body
		s.status = 0
	}
}

// leaveLoop consumes one level of break/continue and reports whether the
// loop ends.
func (s *shell) leaveLoop() bool {
	if s.breaking > 0 {
		s.breaking--
		return true
	}
	if s.continuing > 0 {
		s.continuing--
		return s.continuing > 0
	}
	return false
}

// subshell runs f, catching its exit.
func (s *shell) subshell(f func()) (code int) {
	defer func() {
		if p := recover(); p != nil {
			e, ok := p.(exitShell)
			if !ok {
				panic(p)
			}
			code = e.code
		}
	}()
	f()
	return s.status
}

// background starts an and-or list as a child process: `sleep 3600 &`.
func (s *shell) background(ao *andOrNode) {
	t := s.p.t
	r := t.r
	r.mu.Lock()
	child := r.newTaskLocked(t.c, false)
	t.children = append(t.children, child)
	r.mu.Unlock()
	s.lastBg = child.pid
	sub := s.clone(s.p.with(emptyInput(), s.p.stdout, s.p.stderr))
	r.spawn(child, func(ct *task) int {
		sub.p = sub.p.onTask(ct)
		return sub.subshell(func() { sub.runAndOr(ao, false) })
	}, func(int) {
		// A parent blocked in `wait` learns of its child.
		r.mu.Lock()
		ep, ok := t.epoch, t.parked && t.interrupt
		r.mu.Unlock()
		if ok {
			r.wake(t, ep, wakeChild)
		}
	})
}

func (s *shell) runSimple(n *simpleNode, exec bool) {
	var args []string
	for _, w := range n.words {
		args = append(args, s.expand(w)...)
	}
	if len(args) == 0 {
		for _, a := range n.assigns {
			i := strings.IndexByte(a, '=')
			s.set(a[:i], s.expandOne(a[i+1:]), false)
		}
		if len(n.redirs) > 0 {
			if _, ok := s.redirect(n.redirs); !ok {
				return
			}
		}
		s.status = 0
		return
	}
	p, ok := s.redirect(n.redirs)
	if !ok {
		return
	}
	if b, ok := builtins[args[0]]; ok {
		saved := s.p
		s.p = p
		s.status = b(s, args)
		s.p = saved
		return
	}
	if body, ok := s.funcs[args[0]]; ok {
		savedPos, savedP := s.positional, s.p
		s.positional, s.p = args[1:], p
		s.runCommand(body, false)
		s.positional, s.p = savedPos, savedP
		return
	}
	env := s.environ()
	for _, a := range n.assigns {
		i := strings.IndexByte(a, '=')
		env = setEnv(env, a[:i]+"="+s.expandOne(a[i+1:]))
	}
	s.status = s.runExternal(p, args, env, exec)
}

// runExternal runs a program as the shell's foreground child, or in its
// place when exec is set.
func (s *shell) runExternal(p *proc, args, env []string, exec bool) int {
	prog, ok := lookPath(s.p.t.c, args[0])
	if !ok {
		s.notFound(args[0])
		return 127
	}
	child := &proc{t: p.t, argv: args, env: env, dir: s.dir, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr,
		pid1: exec && s.p.pid1, interactive: p.interactive, tty: p.tty}
	return prog(child)
}

func setEnv(env []string, kv string) []string {
	k := kv[:strings.IndexByte(kv, '=')+1]
	for i, e := range env {
		if strings.HasPrefix(e, k) {
			env = append([]string(nil), env...)
			env[i] = kv
			return env
		}
	}
	return append(append([]string(nil), env...), kv)
}

// redirect returns the process context with the command's redirections
// applied, or false (having said why) when a file cannot be opened.
func (s *shell) redirect(rs []redir) (*proc, bool) {
	p := s.p
	for _, rd := range rs {
		target := s.expandOne(rd.target)
		switch rd.op {
		case ">&", "<&":
			var w io.Writer
			switch target {
			case "1":
				w = p.stdout
			case "2":
				w = p.stderr
			case "-":
				w = discard{}
			default:
				s.errorf("%s: bad file descriptor", target)
				s.status = 1
				return nil, false
			}
			p = p.setFD(rd.fd, w)
		case "<":
			data, err := s.p.t.c.files.read(abs(s.dir, target))
			if err != nil {
				s.errorf("can't open %s: %s", target, shortErr(err))
				s.status = 1
				return nil, false
			}
			p = p.with(newInput(bytes.NewReader(data)), p.stdout, p.stderr)
		default: // ">", ">>"
			name := abs(s.dir, target)
			var w io.Writer
			switch name {
			case "/dev/null":
				w = discard{}
			case "/dev/stdout":
				w = p.stdout
			case "/dev/stderr":
				w = p.stderr
			case "/proc/1/fd/1", "/proc/1/fd/2":
				// PID 1's own streams are the container's log: the
				// idiom that puts a hook's or an exec's output there.
				w = s.p.t.c.log.stream(map[string]string{"/proc/1/fd/1": "stdout", "/proc/1/fd/2": "stderr"}[name])
			default:
				if err := s.p.t.c.files.write(name, nil, rd.op == ">>"); err != nil {
					s.errorf("can't create %s: %s", target, createErr(err))
					s.status = 1
					return nil, false
				}
				w = &fileWriter{o: s.p.t.c.files, path: name}
			}
			p = p.setFD(rd.fd, w)
		}
	}
	return p, true
}

// fileWriter appends to a container file as output arrives.
type fileWriter struct {
	o    *overlay
	path string
}

func (f *fileWriter) Write(b []byte) (int, error) {
	return len(b), f.o.write(f.path, b, true)
}

func shortErr(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	return err.Error()
}

func createErr(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "nonexistent directory"
	}
	return err.Error()
}
