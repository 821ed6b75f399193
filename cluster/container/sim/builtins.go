package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// builtin is a command the shell runs itself.
type builtin func(s *shell, args []string) int

var builtins map[string]builtin

func init() {
	// Assigned in init because some builtins re-enter the shell.
	builtins = map[string]builtin{
		":":        func(*shell, []string) int { return 0 },
		"true":     func(*shell, []string) int { return 0 },
		"false":    func(*shell, []string) int { return 1 },
		"echo":     func(s *shell, a []string) int { return echo(s.p, a) },
		"printf":   func(s *shell, a []string) int { return printfCmd(s.p, a) },
		"test":     func(s *shell, a []string) int { return testCmd(s.p, a) },
		"[":        func(s *shell, a []string) int { return testCmd(s.p, a) },
		"exit":     exitBuiltin,
		"cd":       cdBuiltin,
		"pwd":      func(s *shell, _ []string) int { fmt.Fprintln(s.p.stdout, s.dir); return 0 },
		"export":   exportBuiltin,
		"unset":    func(s *shell, a []string) int { unsetAll(s, a[1:]); return 0 },
		"set":      setBuiltin,
		"shift":    shiftBuiltin,
		"trap":     trapBuiltin,
		"wait":     waitBuiltin,
		"break":    func(s *shell, a []string) int { return loopCtl(s, a, &s.breaking) },
		"continue": func(s *shell, a []string) int { return loopCtl(s, a, &s.continuing) },
		"eval":     evalBuiltin,
		"exec":     execBuiltin,
		"read":     readBuiltin,
		"kill":     killBuiltin,
	}
}

func exitBuiltin(s *shell, a []string) int {
	code := s.status
	if len(a) > 1 {
		n, err := strconv.Atoi(a[1])
		if err != nil {
			s.errorf("exit: Illegal number: %s", a[1])
			code = 2
		} else {
			code = n & 0xff
		}
	}
	s.status = code
	s.runTraps()
	panic(exitShell{code})
}

func cdBuiltin(s *shell, a []string) int {
	dir := s.get("HOME")
	if len(a) > 1 {
		dir = a[1]
	}
	p := abs(s.dir, dir)
	if ok, isDir := s.p.t.c.files.stat(p); !ok || !isDir {
		why := "No such file or directory"
		if ok {
			why = "Not a directory"
		}
		s.errorf("cd: line 0: can't cd to %s: %s", dir, why)
		return 2
	}
	s.dir = p
	s.set("PWD", p, true)
	return 0
}

func exportBuiltin(s *shell, a []string) int {
	for _, kv := range a[1:] {
		if i := strings.IndexByte(kv, '='); i > 0 {
			s.set(kv[:i], kv[i+1:], true)
		} else {
			s.set(kv, s.get(kv), true)
		}
	}
	return 0
}

func unsetAll(s *shell, names []string) {
	for _, n := range names {
		s.unset(n)
	}
}

func setBuiltin(s *shell, a []string) int {
	if len(a) == 1 {
		for _, v := range s.vars {
			fmt.Fprintf(s.p.stdout, "%s='%s'\n", v.name, v.value)
		}
		return 0
	}
	args := a[1:]
	if args[0] == "--" {
		s.positional = append([]string(nil), args[1:]...)
		return 0
	}
	// Options (-e, -x, ...) are accepted and ignored.
	if !strings.HasPrefix(args[0], "-") && !strings.HasPrefix(args[0], "+") {
		s.positional = append([]string(nil), args...)
	}
	return 0
}

func shiftBuiltin(s *shell, a []string) int {
	n := 1
	if len(a) > 1 {
		n, _ = strconv.Atoi(a[1])
	}
	if n > len(s.positional) {
		s.errorf("shift: can't shift that many")
		return 2
	}
	s.positional = s.positional[n:]
	return 0
}

var signalNumbers = map[string]int{"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15, "CHLD": 17, "WINCH": 28}

func sigName(s string) string {
	s = strings.ToUpper(strings.TrimPrefix(strings.ToUpper(s), "SIG"))
	if n, err := strconv.Atoi(s); err == nil {
		for name, num := range signalNumbers {
			if num == n {
				return name
			}
		}
		if n == 0 {
			return "EXIT"
		}
	}
	return s
}

// trapBuiltin sets handlers. A shell that is PID 1 with a TERM trap is what
// makes a container stop gracefully on SIGTERM.
func trapBuiltin(s *shell, a []string) int {
	if len(a) == 1 {
		for _, sig := range sortedKeys(s.traps) {
			fmt.Fprintf(s.p.stdout, "trap -- '%s' %s\n", s.traps[sig], sig)
		}
		return 0
	}
	action := a[1]
	sigs := a[2:]
	if len(a) == 2 || isDigits(action) {
		action, sigs = "-", a[1:]
	}
	for _, sg := range sigs {
		name := sigName(sg)
		if _, ok := signalNumbers[name]; !ok && name != "EXIT" {
			s.errorf("trap: %s: bad trap", sg)
			return 1
		}
		if action == "-" {
			delete(s.traps, name)
			if s.p.pid1 {
				s.p.t.handle("SIG"+name, false)
			}
			continue
		}
		s.traps[name] = action
		if s.p.pid1 && name != "EXIT" {
			// An empty action ignores the signal; either way PID 1 now has
			// a disposition other than default for it.
			s.p.t.handle("SIG"+name, action != "")
		}
	}
	return 0
}

// waitBuiltin waits for background jobs. Unlike a foreground command, it is
// cut short by a trapped signal: `sleep infinity & wait` is the idiom that
// lets a TERM trap run at once.
func waitBuiltin(s *shell, a []string) int {
	t := s.p.t
	for {
		r := t.r
		r.mu.Lock()
		running := 0
		last := 0
		for _, ch := range t.children {
			if !ch.finished {
				running++
			} else {
				last = ch.code
			}
		}
		r.mu.Unlock()
		if running == 0 {
			return last
		}
		if w := t.park(-1, s.p.pid1); w == wakeSignal {
			r.mu.Lock()
			sigs := append([]string(nil), t.pending...)
			r.mu.Unlock()
			if len(sigs) > 0 {
				return 128 + signalNumbers[strings.TrimPrefix(sigs[0], "SIG")]
			}
		}
	}
}

func loopCtl(s *shell, a []string, counter *int) int {
	n := 1
	if len(a) > 1 {
		n, _ = strconv.Atoi(a[1])
	}
	if s.loopDepth == 0 {
		return 0
	}
	*counter = min(n, s.loopDepth)
	return 0
}

func evalBuiltin(s *shell, a []string) int {
	l, err := parse(strings.Join(a[1:], " "))
	if err != nil {
		s.errorf("%v", err)
		return 2
	}
	s.runList(l, false)
	return s.status
}

// execBuiltin replaces the shell with a program: the program is then PID 1.
func execBuiltin(s *shell, a []string) int {
	if len(a) == 1 {
		return 0
	}
	code := s.runExternal(s.p, a[1:], s.environ(), true)
	panic(exitShell{code})
}

func readBuiltin(s *shell, a []string) int {
	line, ok := s.p.readLine()
	names := a[1:]
	for len(names) > 0 && strings.HasPrefix(names[0], "-") {
		names = names[1:]
	}
	if len(names) == 0 {
		names = []string{"REPLY"}
	}
	fields := strings.Fields(line)
	for i, n := range names {
		v := ""
		switch {
		case i == len(names)-1 && i < len(fields):
			v = strings.Join(fields[i:], " ")
		case i < len(fields):
			v = fields[i]
		}
		s.set(n, v, false)
	}
	if !ok {
		return 1
	}
	return 0
}

func killBuiltin(s *shell, a []string) int {
	// Signals between processes of one container are not modelled beyond
	// ending background jobs.
	t := s.p.t
	for _, arg := range a[1:] {
		if strings.HasPrefix(arg, "-") {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimPrefix(arg, "%"))
		if err != nil {
			continue
		}
		t.r.mu.Lock()
		var target *task
		for _, ch := range t.children {
			if ch.pid == pid || (strings.HasPrefix(arg, "%") && len(t.children) >= pid && t.children[pid-1] == ch) {
				target = ch
			}
		}
		t.r.mu.Unlock()
		if target == nil {
			s.errorf("kill: can't kill pid %s: No such process", arg)
			return 1
		}
		t.r.wake(target, 0, wakeKill)
	}
	return 0
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}
