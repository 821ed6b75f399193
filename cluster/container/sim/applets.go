package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// coreutils are the busybox applets every image with a shell has. The
// table is filled in init because the shell, one of them, looks it up.
var coreutils map[string]program

func init() {
	coreutils = map[string]program{
		"sh": shProgram, "ash": shProgram,
		"sleep": sleepProgram, "echo": func(p *proc) int { return echo(p, p.argv) },
		"printf": func(p *proc) int { return printfCmd(p, p.argv) },
		"test":   func(p *proc) int { return testCmd(p, p.argv) },
		"[":      func(p *proc) int { return testCmd(p, p.argv) },
		"true":   func(*proc) int { return 0 }, "false": func(*proc) int { return 1 },
		"cat": catProgram, "ls": lsProgram, "env": envProgram, "printenv": printenvProgram,
		"hostname": hostnameProgram, "date": dateProgram, "head": headProgram, "tail": tailProgram,
		"wc": wcProgram, "seq": seqProgram, "touch": touchProgram, "mkdir": mkdirProgram, "rm": rmProgram,
		"whoami": whoamiProgram, "id": idProgram, "uname": unameProgram, "dd": ddProgram,
		"grep": grepProgram, "nc": ncProgram, "httpd": busyboxHTTPDProgram, "wget": wgetProgram,
		"yes": yesProgram,
	}
}

// lookPath finds a program of the container's image, by base name as
// $PATH lookup would.
func lookPath(c *ctr, name string) (program, bool) {
	base := path.Base(name)
	repo := shortName(c.img.spec.Repo)
	switch {
	case repo == "nginx" && base == "nginx":
		return nginxProgram, true
	case repo == "nginx" && base == "docker-entrypoint.sh":
		return nginxEntrypoint, true
	case repo == "httpd" && base == "httpd-foreground":
		return apacheProgram, true
	case repo == "pause" && base == "pause":
		return pauseProgram, true
	case repo == "agnhost" && base == "agnhost":
		return agnhostProgram, true
	case repo == "hello-app" && base == "hello-app":
		return helloAppProgram, true
	case repo == "stress" && base == "stress":
		return stressProgram, true
	case base == "bash" && (repo == "ubuntu" || repo == "debian" || repo == "agnhost"):
		return shProgram, true
	case base == "dash" && c.img.spec.Shell == "dash":
		return shProgram, true
	}
	if c.img.spec.Shell == "" {
		return nil, false
	}
	if base == "httpd" && repo != "busybox" {
		return nil, false
	}
	p, ok := coreutils[base]
	return p, ok
}

// shProgram is sh: `sh -c SCRIPT [NAME ARGS...]`, `sh FILE`, or an
// interactive shell reading stdin.
func shProgram(p *proc) int {
	flavor := p.t.c.img.spec.Shell
	if p.name() == "bash" {
		flavor = "bash"
	}
	s := newShell(p, flavor)
	args := p.argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-c" {
		args = args[1:] // -e, -x, -i, -l ...
	}
	if len(args) > 0 && args[0] == "-c" {
		if len(args) < 2 {
			s.errorf("-c requires an argument")
			return 2
		}
		if len(args) > 2 {
			s.argv0 = args[2]
			s.positional = args[3:]
		}
		if p.pid1 {
			p.t.handle("SIGTERM", false)
		}
		return s.runScript(args[1])
	}
	if len(args) > 0 {
		data, err := p.t.c.files.read(abs(p.dir, args[0]))
		if err != nil {
			s.errorf("can't open '%s': No such file or directory", args[0])
			return 2
		}
		s.positional = args[1:]
		return s.runScript(string(data))
	}
	// No script: read commands from stdin. PID 1's stdin is not attached,
	// so a busybox pod with no command reads EOF and completes at once
	// unless it was created with stdin: true.
	if !p.interactive {
		if _, ok := p.stdin.(blockingReader); ok {
			return 0
		}
	}
	status := 0
	for {
		if p.tty {
			fmt.Fprint(p.stdout, prompt(s))
		}
		line, ok := p.readLine()
		if !ok {
			if p.tty {
				fmt.Fprint(p.stdout, "\n")
			}
			return status
		}
		if p.tty {
			fmt.Fprint(p.stdout, line+"\n")
		}
		status = s.runScript(line)
		s.status = status
	}
}

func prompt(s *shell) string {
	if s.flavor == "ash" {
		return s.dir + " # "
	}
	return "# "
}

// parseDuration reads sleep's operand: N, N.N, with an s/m/h/d suffix, or
// inf/infinity.
func parseDuration(arg string) (time.Duration, bool) {
	if arg == "inf" || arg == "infinity" {
		return math.MaxInt64, true
	}
	mult := time.Second
	switch {
	case strings.HasSuffix(arg, "s"):
		arg = arg[:len(arg)-1]
	case strings.HasSuffix(arg, "m"):
		mult, arg = time.Minute, arg[:len(arg)-1]
	case strings.HasSuffix(arg, "h"):
		mult, arg = time.Hour, arg[:len(arg)-1]
	case strings.HasSuffix(arg, "d"):
		mult, arg = 24*time.Hour, arg[:len(arg)-1]
	}
	f, err := strconv.ParseFloat(arg, 64)
	if err != nil || f < 0 || strings.ContainsAny(arg, "eEnN+-") {
		return 0, false
	}
	return time.Duration(f * float64(mult)), true
}

func sleepProgram(p *proc) int {
	if len(p.argv) < 2 {
		p.errorf("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n")
		return 1
	}
	var total time.Duration
	for _, a := range p.argv[1:] {
		d, ok := parseDuration(a)
		if !ok {
			p.errorf("sleep: invalid number '%s'\n", a)
			return 1
		}
		if d == math.MaxInt64 || total+d < total {
			total = -1
			break
		}
		total += d
	}
	if total < 0 {
		for {
			p.t.park(-1, false)
		}
	}
	p.sleep(total)
	return 0
}

// echo is busybox's echo: -n, -e and -E; no escapes without -e.
func echo(p *proc, argv []string) int {
	args := argv[1:]
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && strings.Trim(args[0], "-neE") == "" && args[0][0] == '-' {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	out := strings.Join(args, " ")
	if escapes {
		var stop bool
		out, stop = unescape(out)
		if stop {
			newline = false
		}
	}
	if newline {
		out += "\n"
	}
	p.printf("%s", out)
	return 0
}

// unescape interprets backslash escapes; \c stops output.
func unescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'e':
			b.WriteByte(27)
		case 'c':
			return b.String(), true
		case '0':
			n, j := 0, i+1
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

// printfCmd is printf(1): the format is reused until the arguments run out.
func printfCmd(p *proc, argv []string) int {
	if len(argv) < 2 {
		p.errorf("printf: usage: printf FORMAT [ARGUMENT]...\n")
		return 1
	}
	format, args := argv[1], argv[2:]
	status := 0
	var out strings.Builder
	for {
		used := 0
		for i := 0; i < len(format); i++ {
			c := format[i]
			if c == '\\' {
				j := i + 1
				for j < len(format) && j < i+2 {
					j++
				}
				s, _ := unescape(format[i:j])
				out.WriteString(s)
				i = j - 1
				continue
			}
			if c != '%' {
				out.WriteByte(c)
				continue
			}
			j := i + 1
			for j < len(format) && strings.IndexByte("-+ #0123456789.", format[j]) >= 0 {
				j++
			}
			if j >= len(format) {
				out.WriteString(format[i:])
				break
			}
			verb, flags := format[j], format[i+1:j]
			i = j
			if verb == '%' {
				out.WriteByte('%')
				continue
			}
			arg := ""
			if used < len(args) {
				arg = args[used]
			}
			used++
			switch verb {
			case 's':
				fmt.Fprintf(&out, "%"+flags+"s", arg)
			case 'b':
				s, _ := unescape(arg)
				fmt.Fprintf(&out, "%"+flags+"s", s)
			case 'c':
				if arg != "" {
					out.WriteByte(arg[0])
				}
			case 'd', 'i', 'x', 'X', 'o', 'u':
				n, err := strconv.ParseInt(strings.TrimSpace(arg), 0, 64)
				if err != nil && arg != "" {
					p.errorf("printf: invalid number '%s'\n", arg)
					status = 1
				}
				v := verb
				if v == 'i' || v == 'u' {
					v = 'd'
				}
				fmt.Fprintf(&out, "%"+flags+string(v), n)
			case 'f', 'e', 'g':
				f, _ := strconv.ParseFloat(arg, 64)
				fmt.Fprintf(&out, "%"+flags+string(verb), f)
			default:
				out.WriteByte('%')
				out.WriteString(flags)
				out.WriteByte(verb)
			}
		}
		if used == 0 || used >= len(args) {
			break
		}
		args = args[used:]
	}
	p.printf("%s", out.String())
	return status
}

// testCmd is test(1) and [.
func testCmd(p *proc, argv []string) int {
	args := argv[1:]
	if path.Base(argv[0]) == "[" {
		if len(args) == 0 || args[len(args)-1] != "]" {
			p.errorf("[: missing ]\n")
			return 2
		}
		args = args[:len(args)-1]
	}
	v, err := testExpr(p, args)
	if err != nil {
		p.errorf("%s: %v\n", path.Base(argv[0]), err)
		return 2
	}
	if v {
		return 0
	}
	return 1
}

func testExpr(p *proc, a []string) (bool, error) {
	for i, w := range a {
		if w == "-o" && i > 0 {
			l, err := testExpr(p, a[:i])
			if err != nil {
				return false, err
			}
			r, err := testExpr(p, a[i+1:])
			return l || r, err
		}
	}
	for i, w := range a {
		if w == "-a" && i > 0 {
			l, err := testExpr(p, a[:i])
			if err != nil {
				return false, err
			}
			r, err := testExpr(p, a[i+1:])
			return l && r, err
		}
	}
	switch len(a) {
	case 0:
		return false, nil
	case 1:
		return a[0] != "", nil
	case 2:
		if a[0] == "!" {
			v, err := testExpr(p, a[1:])
			return !v, err
		}
		files := p.t.c.files
		name := abs(p.dir, a[1])
		exists, dir := files.stat(name)
		switch a[0] {
		case "-z":
			return a[1] == "", nil
		case "-n":
			return a[1] != "", nil
		case "-e", "-r", "-w", "-x":
			return exists, nil
		case "-f":
			return exists && !dir, nil
		case "-d":
			return dir, nil
		case "-s":
			b, err := files.read(name)
			return err == nil && len(b) > 0, nil
		}
		return false, fmt.Errorf("%s: unknown operand", a[0])
	case 3:
		if a[0] == "!" {
			v, err := testExpr(p, a[1:])
			return !v, err
		}
		x, op, y := a[0], a[1], a[2]
		switch op {
		case "=", "==":
			return x == y, nil
		case "!=":
			return x != y, nil
		case "<":
			return x < y, nil
		case ">":
			return x > y, nil
		}
		xi, err1 := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		yi, err2 := strconv.ParseInt(strings.TrimSpace(y), 10, 64)
		if err1 != nil {
			return false, fmt.Errorf("invalid number '%s'", x)
		}
		if err2 != nil {
			return false, fmt.Errorf("invalid number '%s'", y)
		}
		switch op {
		case "-eq":
			return xi == yi, nil
		case "-ne":
			return xi != yi, nil
		case "-lt":
			return xi < yi, nil
		case "-le":
			return xi <= yi, nil
		case "-gt":
			return xi > yi, nil
		case "-ge":
			return xi >= yi, nil
		}
		return false, fmt.Errorf("%s: unknown operand", op)
	}
	if a[0] == "!" {
		v, err := testExpr(p, a[1:])
		return !v, err
	}
	return false, errors.New("syntax error")
}

// readArg reads a file operand ("-" is stdin).
func readArg(p *proc, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(readerOf(p))
	}
	return p.t.c.files.read(abs(p.dir, name))
}

func readerOf(p *proc) io.Reader {
	if _, ok := p.stdin.(blockingReader); ok {
		p.forever()
	}
	return p.stdin
}

func fileErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, errIsDir):
		return "Is a directory"
	}
	return err.Error()
}

func catProgram(p *proc) int {
	args := p.argv[1:]
	if len(args) == 0 {
		args = []string{"-"}
	}
	status := 0
	for _, a := range args {
		if a == "/dev/zero" || a == "/dev/urandom" {
			// Endless output; the sim does not produce it.
			p.forever()
		}
		b, err := readArg(p, a)
		switch {
		case errors.Is(err, errIsDir):
			p.errorf("cat: read error: Is a directory\n")
			status = 1
		case err != nil:
			p.errorf("cat: can't open '%s': %s\n", a, fileErr(err))
			status = 1
		default:
			p.printf("%s", b)
		}
	}
	return status
}

func lsProgram(p *proc) int {
	var args []string
	long, all := false, false
	for _, a := range p.argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			long = long || strings.Contains(a, "l")
			all = all || strings.Contains(a, "a")
			continue
		}
		args = append(args, a)
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	status := 0
	files := p.t.c.files
	for i, a := range args {
		name := abs(p.dir, a)
		exists, dir := files.stat(name)
		if !exists {
			p.errorf("ls: %s: No such file or directory\n", a)
			status = 1
			continue
		}
		if !dir {
			p.printf("%s\n", a)
			continue
		}
		if len(args) > 1 {
			if i > 0 {
				p.printf("\n")
			}
			p.printf("%s:\n", a)
		}
		names, _ := files.list(name)
		if all {
			names = append([]string{".", ".."}, names...)
		}
		for _, n := range names {
			if !all && strings.HasPrefix(n, ".") {
				continue
			}
			if long {
				_, isDir := files.stat(path.Join(name, n))
				mode := "-rw-r--r--"
				if isDir {
					mode = "drwxr-xr-x"
				}
				p.printf("%s    1 root     root             0 %s %s\n", mode, p.t.r.clk.Now().UTC().Format("Jan  2 15:04"), n)
				continue
			}
			p.printf("%s\n", n)
		}
	}
	return status
}

func envProgram(p *proc) int {
	args := p.argv[1:]
	env := p.env
	for len(args) > 0 && strings.Contains(args[0], "=") {
		env = setEnv(env, args[0])
		args = args[1:]
	}
	if len(args) > 0 {
		prog, ok := lookPath(p.t.c, args[0])
		if !ok {
			p.errorf("env: can't execute '%s': No such file or directory\n", args[0])
			return 127
		}
		child := *p
		child.argv, child.env = args, env
		return prog(&child)
	}
	for _, kv := range env {
		p.printf("%s\n", kv)
	}
	return 0
}

func printenvProgram(p *proc) int {
	if len(p.argv) == 1 {
		return envProgram(p)
	}
	status := 0
	for _, k := range p.argv[1:] {
		found := false
		for _, kv := range p.env {
			if strings.HasPrefix(kv, k+"=") {
				p.printf("%s\n", kv[len(k)+1:])
				found = true
			}
		}
		if !found {
			status = 1
		}
	}
	return status
}

func hostnameProgram(p *proc) int {
	h := p.t.c.sb.cfg.Hostname
	if len(p.argv) > 1 && p.argv[1] == "-i" {
		h = p.t.c.sb.cfg.IP
	}
	p.printf("%s\n", h)
	return 0
}

func dateProgram(p *proc) int {
	now := p.t.r.clk.Now().UTC()
	for _, a := range p.argv[1:] {
		if strings.HasPrefix(a, "+") {
			p.printf("%s\n", strftime(a[1:], now))
			return 0
		}
	}
	p.printf("%s\n", now.Format("Mon Jan _2 15:04:05 UTC 2006"))
	return 0
}

func strftime(f string, t time.Time) string {
	repl := map[byte]string{
		'Y': "2006", 'm': "01", 'd': "02", 'H': "15", 'M': "04", 'S': "05", 'y': "06",
		'b': "Jan", 'a': "Mon", 'A': "Monday", 'B': "January", 'Z': "UTC", 'e': "_2", 'z': "-0700",
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch c := f[i]; c {
		case 's':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'T':
			b.WriteString(t.Format("15:04:05"))
		case 'F':
			b.WriteString(t.Format("2006-01-02"))
		case 'N':
			fmt.Fprintf(&b, "%09d", t.Nanosecond())
		case '%':
			b.WriteByte('%')
		case 'n':
			b.WriteByte('\n')
		default:
			if l, ok := repl[c]; ok {
				b.WriteString(t.Format(l))
			} else {
				b.WriteByte('%')
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// lineCount parses -n N and -N.
func lineCount(args []string, def int) (int, []string, bool) {
	n := def
	var rest []string
	follow := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" && i+1 < len(args):
			n, _ = strconv.Atoi(strings.TrimPrefix(args[i+1], "+"))
			i++
		case strings.HasPrefix(a, "-n"):
			n, _ = strconv.Atoi(a[2:])
		case a == "-f" || a == "-F":
			follow = true
		case len(a) > 1 && a[0] == '-' && isDigits(a[1:]):
			n, _ = strconv.Atoi(a[1:])
		default:
			rest = append(rest, a)
		}
	}
	return n, rest, follow
}

func headProgram(p *proc) int {
	n, files, _ := lineCount(p.argv[1:], 10)
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		b, err := readArg(p, f)
		if err != nil {
			p.errorf("head: %s: %s\n", f, fileErr(err))
			return 1
		}
		lines := strings.SplitAfter(string(b), "\n")
		if len(lines) > n {
			lines = lines[:n]
		}
		p.printf("%s", strings.Join(lines, ""))
	}
	return 0
}

// tailProgram is tail; `tail -f FILE` follows forever (the classic way to
// keep a container running), and `tail /dev/zero` is the memory hog: it
// keeps every byte looking for a last line that never comes.
func tailProgram(p *proc) int {
	n, files, follow := lineCount(p.argv[1:], 10)
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		if f == "/dev/zero" {
			return hog(p, math.MaxInt64)
		}
		b, err := readArg(p, f)
		if err != nil {
			p.errorf("tail: can't open '%s': %s\n", f, fileErr(err))
			if !follow {
				p.errorf("tail: no files\n")
				return 1
			}
			continue
		}
		lines := strings.SplitAfter(string(b), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if len(lines) > n {
			lines = lines[len(lines)-n:]
		}
		p.printf("%s", strings.Join(lines, ""))
	}
	if follow {
		for {
			p.t.park(-1, false)
		}
	}
	return 0
}

func wcProgram(p *proc) int {
	var flags string
	var files []string
	for _, a := range p.argv[1:] {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags += a[1:]
		} else {
			files = append(files, a)
		}
	}
	stdin := len(files) == 0
	if stdin {
		files = []string{"-"}
	}
	for _, f := range files {
		b, err := readArg(p, f)
		if err != nil {
			p.errorf("wc: %s: %s\n", f, fileErr(err))
			return 1
		}
		l, w, c := bytes.Count(b, []byte("\n")), len(strings.Fields(string(b))), len(b)
		var cols []string
		if flags == "" || strings.Contains(flags, "l") {
			cols = append(cols, strconv.Itoa(l))
		}
		if flags == "" || strings.Contains(flags, "w") {
			cols = append(cols, strconv.Itoa(w))
		}
		if flags == "" || strings.Contains(flags, "c") {
			cols = append(cols, strconv.Itoa(c))
		}
		width := 7
		if len(cols) == 1 {
			width = 0
		}
		var b2 strings.Builder
		for i, col := range cols {
			if i > 0 || width > 0 {
				b2.WriteString(strings.Repeat(" ", max(0, width+1-len(col)-boolInt(i == 0))))
			}
			b2.WriteString(col)
		}
		if !stdin {
			b2.WriteString(" " + f)
		}
		p.printf("%s\n", b2.String())
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func seqProgram(p *proc) int {
	nums := make([]int64, 0, 3)
	for _, a := range p.argv[1:] {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			p.errorf("seq: invalid number '%s'\n", a)
			return 1
		}
		nums = append(nums, n)
	}
	first, step, last := int64(1), int64(1), int64(0)
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, step, last = nums[0], nums[1], nums[2]
	default:
		p.errorf("Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n")
		return 1
	}
	var b strings.Builder
	for i := first; (step > 0 && i <= last) || (step < 0 && i >= last); i += step {
		fmt.Fprintf(&b, "%d\n", i)
		if step == 0 {
			break
		}
	}
	p.printf("%s", b.String())
	return 0
}

func touchProgram(p *proc) int {
	for _, a := range p.argv[1:] {
		name := abs(p.dir, a)
		if ok, _ := p.t.c.files.stat(name); ok {
			continue
		}
		if err := p.t.c.files.write(name, nil, true); err != nil {
			p.errorf("touch: %s: %s\n", a, fileErr(err))
			return 1
		}
	}
	return 0
}

func mkdirProgram(p *proc) int {
	parents := false
	for _, a := range p.argv[1:] {
		if a == "-p" {
			parents = true
			continue
		}
		if err := p.t.c.files.mkdir(abs(p.dir, a), parents); err != nil {
			why := fileErr(err)
			if errors.Is(err, fs.ErrExist) {
				why = "File exists"
			}
			p.errorf("mkdir: can't create directory '%s': %s\n", a, why)
			return 1
		}
	}
	return 0
}

func rmProgram(p *proc) int {
	force := false
	status := 0
	for _, a := range p.argv[1:] {
		if strings.HasPrefix(a, "-") {
			force = force || strings.Contains(a, "f")
			continue
		}
		if err := p.t.c.files.remove(abs(p.dir, a)); err != nil && !force {
			p.errorf("rm: can't remove '%s': %s\n", a, fileErr(err))
			status = 1
		}
	}
	return status
}

func uid(p *proc) int64 {
	if u := p.t.c.cfg.RunAsUser; u != nil {
		return *u
	}
	return 0
}

func whoamiProgram(p *proc) int {
	if u := uid(p); u != 0 {
		p.errorf("whoami: unknown uid %d\n", u)
		return 1
	}
	p.printf("root\n")
	return 0
}

func idProgram(p *proc) int {
	if u := uid(p); u != 0 {
		p.printf("uid=%d gid=0(root) groups=0(root)\n", u)
		return 0
	}
	p.printf("uid=0(root) gid=0(root) groups=0(root),10(wheel)\n")
	return 0
}

func unameProgram(p *proc) int {
	a := ""
	if len(p.argv) > 1 {
		a = p.argv[1]
	}
	switch a {
	case "-a":
		p.printf("Linux %s 6.8.0-kubelab #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n", p.t.c.sb.cfg.Hostname)
	case "-r":
		p.printf("6.8.0-kubelab\n")
	case "-n":
		p.printf("%s\n", p.t.c.sb.cfg.Hostname)
	case "-m":
		p.printf("x86_64\n")
	default:
		p.printf("Linux\n")
	}
	return 0
}

func grepProgram(p *proc) int {
	args := p.argv[1:]
	invert, count, quiet := false, false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		invert = invert || strings.Contains(args[0], "v")
		count = count || strings.Contains(args[0], "c")
		quiet = quiet || strings.Contains(args[0], "q")
		args = args[1:]
	}
	if len(args) == 0 {
		p.errorf("Usage: grep [-v] PATTERN [FILE]...\n")
		return 2
	}
	pat, files := args[0], args[1:]
	if len(files) == 0 {
		files = []string{"-"}
	}
	matched := 0
	for _, f := range files {
		b, err := readArg(p, f)
		if err != nil {
			p.errorf("grep: %s: %s\n", f, fileErr(err))
			return 2
		}
		for _, line := range strings.SplitAfter(string(b), "\n") {
			if line == "" {
				continue
			}
			if strings.Contains(line, pat) != invert {
				matched++
				if !count && !quiet {
					p.printf("%s", strings.TrimSuffix(line, "\n")+"\n")
				}
			}
		}
	}
	if count {
		p.printf("%d\n", matched)
	}
	if matched == 0 {
		return 1
	}
	return 0
}

func yesProgram(p *proc) int {
	// Endless output; the sim does not produce it.
	p.forever()
	return 0
}

// memRate is how fast a memory hog grows: it reaches its limit after
// limit/memRate of clock time.
const memRate = 1 << 30 // bytes per second

// hog holds want bytes: when the container's memory limit is below it, the
// kernel's OOM killer ends the container (exit 137, OOMKilled) once the
// limit is reached; otherwise the program keeps the memory and runs until
// stopped.
func hog(p *proc, want int64) int {
	limit := p.t.c.cfg.Resources.MemoryLimitBytes
	if limit > 0 && want > limit {
		p.sleep(time.Duration(float64(limit) / memRate * float64(time.Second)))
		p.t.r.kill(p.t.c, 137, "OOMKilled")
		p.t.check()
		return 137
	}
	p.t.r.mu.Lock()
	p.t.c.memory += min(want, 1<<40)
	p.t.r.mu.Unlock()
	for {
		p.t.park(-1, false)
	}
}

// parseSize reads 100M, 250Mi, 1G, 512k, 1024.
func parseSize(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "i")
	mult := int64(1)
	if s == "" {
		return 0, false
	}
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err == nil
}

// ddProgram: `dd if=/dev/zero of=/dev/null bs=500M` allocates a block of
// bs bytes, the usual way to hit a memory limit; with count=N it copies N
// blocks and exits.
func ddProgram(p *proc) int {
	opts := map[string]string{}
	for _, a := range p.argv[1:] {
		if k, v, ok := strings.Cut(a, "="); ok {
			opts[k] = v
		}
	}
	bs, ok := parseSize(opts["bs"])
	if opts["bs"] == "" {
		bs, ok = 512, true
	}
	if !ok {
		p.errorf("dd: invalid number '%s'\n", opts["bs"])
		return 1
	}
	limit := p.t.c.cfg.Resources.MemoryLimitBytes
	if limit > 0 && bs > limit {
		return hog(p, bs)
	}
	count, err := strconv.ParseInt(opts["count"], 10, 64)
	if err != nil {
		p.forever()
	}
	p.errorf("%d+0 records in\n%d+0 records out\n", count, count)
	return 0
}

// stressProgram is polinux/stress's stress, as the Kubernetes memory
// limits tutorial runs it: `stress --vm 1 --vm-bytes 250M --vm-hang 1`.
func stressProgram(p *proc) int {
	var vm int64
	bytes := int64(256 << 20)
	args := p.argv[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := ""
		if i+1 < len(args) {
			next = args[i+1]
		}
		switch a {
		case "--vm", "-m":
			vm, _ = strconv.ParseInt(next, 10, 64)
			i++
		case "--vm-bytes":
			if n, ok := parseSize(next); ok {
				bytes = n
			}
			i++
		case "--help", "-?":
			p.printf("`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n")
			return 0
		default:
			if strings.HasPrefix(a, "--") && next != "" && !strings.HasPrefix(next, "-") {
				i++
			}
		}
	}
	p.printf("stress: info: [1] dispatching hogs: 0 cpu, 0 io, %d vm, 0 hdd\n", vm)
	if vm == 0 {
		return 0
	}
	return hog(p, vm*bytes)
}

// wgetProgram is the hook for wget: fetching from other pods needs the
// cluster network model, which the sim has not yet.
func wgetProgram(p *proc) int {
	url := ""
	for _, a := range p.argv[1:] {
		if !strings.HasPrefix(a, "-") {
			url = a
		}
	}
	host := strings.TrimPrefix(strings.TrimPrefix(url, "http://"), "https://")
	if i := strings.IndexAny(host, "/:"); i >= 0 {
		host = host[:i]
	}
	if host == "localhost" || host == "127.0.0.1" || host == p.t.c.sb.cfg.IP {
		return localFetch(p, url)
	}
	p.errorf("wget: bad address '%s'\n", host)
	return 1
}
