package sim

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// expand turns a word into fields: parameter, command and arithmetic
// expansion, then field splitting of unquoted results, then quote removal.
// Pathname expansion (globs) is not done: a pattern stays as written, as
// ash leaves a pattern that matches nothing.
func (s *shell) expand(w string) []string {
	var f fields
	s.expandInto(&f, w, false)
	return f.done()
}

// expandOne expands a word without field splitting (assignments,
// redirection targets, case words).
func (s *shell) expandOne(w string) string {
	var f fields
	f.nosplit = true
	s.expandInto(&f, w, false)
	return strings.Join(f.done(), " ")
}

type fields struct {
	out     []string
	cur     strings.Builder
	started bool
	nosplit bool
}

func (f *fields) lit(str string) {
	f.cur.WriteString(str)
	f.started = true
}

// split adds an unquoted expansion result, breaking it on blanks.
func (f *fields) split(str string) {
	if f.nosplit {
		f.lit(str)
		return
	}
	for i := 0; i < len(str); i++ {
		c := str[i]
		if c == ' ' || c == '\t' || c == '\n' {
			f.end()
			continue
		}
		f.cur.WriteByte(c)
		f.started = true
	}
}

func (f *fields) end() {
	if f.started {
		f.out = append(f.out, f.cur.String())
		f.cur.Reset()
		f.started = false
	}
}

func (f *fields) done() []string {
	f.end()
	return f.out
}

func (s *shell) expandInto(f *fields, w string, quoted bool) {
	for i := 0; i < len(w); {
		c := w[i]
		switch {
		case c == '\'' && !quoted:
			j := strings.IndexByte(w[i+1:], '\'')
			f.lit(w[i+1 : i+1+j])
			i += j + 2
		case c == '"' && !quoted:
			end, _ := skipQuoted(w, i)
			inner := w[i+1 : end-1]
			f.started = true
			s.expandInto(f, inner, true)
			i = end
		case c == '\\':
			if i+1 >= len(w) {
				f.lit("\\")
				i++
				continue
			}
			n := w[i+1]
			if quoted && !strings.ContainsRune("$`\"\\\n", rune(n)) {
				f.lit("\\" + string(n))
			} else if n != '\n' {
				f.lit(string(n))
			}
			i += 2
		case c == '`':
			j := strings.IndexByte(w[i+1:], '`')
			out := s.commandSubst(w[i+1 : i+1+j])
			s.add(f, out, quoted)
			i += j + 2
		case c == '$':
			val, n, multi := s.dollar(w[i:], quoted)
			if n == 0 {
				f.lit("$")
				i++
				continue
			}
			if multi != nil {
				for k, m := range multi {
					if k > 0 {
						f.started = true
						f.end()
					}
					f.lit(m)
				}
			} else {
				s.add(f, val, quoted)
			}
			i += n
		default:
			f.lit(string(c))
			i++
		}
	}
}

func (s *shell) add(f *fields, val string, quoted bool) {
	if quoted {
		f.lit(val)
	} else {
		f.split(val)
	}
}

// dollar expands the $-expression at the start of w, returning its value
// and length; multi is set for a quoted "$@".
func (s *shell) dollar(w string, quoted bool) (val string, n int, multi []string) {
	if len(w) < 2 {
		return "", 0, nil
	}
	switch c := w[1]; {
	case c == '(' && len(w) > 2 && w[2] == '(':
		end := strings.Index(w, "))")
		if end < 0 {
			return "", 0, nil
		}
		expr := s.expandOne(w[3:end])
		v, err := s.arith(expr)
		if err != nil {
			s.errorf("arithmetic syntax error")
			s.status = 2
			panic(exitShell{2})
		}
		return strconv.FormatInt(v, 10), end + 2, nil
	case c == '(':
		end, _ := skipQuoted(w, 0)
		return s.commandSubst(w[2 : end-1]), end, nil
	case c == '{':
		end, _ := skipQuoted(w, 0)
		return s.braced(w[2 : end-1]), end, nil
	case c == '@' && quoted:
		return "", 2, append([]string{}, s.positional...)
	case strings.IndexByte("?$#!@*0123456789", c) >= 0:
		return s.special(c), 2, nil
	case isName(string(c)):
		j := 2
		for j < len(w) && isName(w[1:j+1]) {
			j++
		}
		return s.get(w[1:j]), j, nil
	}
	return "", 0, nil
}

func (s *shell) special(c byte) string {
	switch c {
	case '?':
		return strconv.Itoa(s.status)
	case '$':
		return "1"
	case '#':
		return strconv.Itoa(len(s.positional))
	case '!':
		if s.lastBg == 0 {
			return ""
		}
		return strconv.Itoa(s.lastBg)
	case '@', '*':
		return strings.Join(s.positional, " ")
	case '0':
		return s.argv0
	}
	i := int(c - '0')
	if i <= len(s.positional) {
		return s.positional[i-1]
	}
	return ""
}

// braced expands ${...}: ${X}, ${#X}, ${X:-w}, ${X-w}, ${X:=w}, ${X:+w},
// ${X:?w}, ${X#p}, ${X%p}.
func (s *shell) braced(e string) string {
	if strings.HasPrefix(e, "#") && len(e) > 1 {
		return strconv.Itoa(len(s.get(e[1:])))
	}
	j := 0
	for j < len(e) && (isName(e[:j+1]) || (j == 0 && strings.IndexByte("?$#!@*0123456789", e[0]) >= 0)) {
		j++
		if j == 1 && !isName(e[:1]) {
			break
		}
	}
	name, rest := e[:j], e[j:]
	var val string
	set := false
	if len(name) == 1 && !isName(name) {
		val, set = s.special(name[0]), true
	} else {
		val, set = s.get(name), s.isSet(name)
	}
	if rest == "" {
		return val
	}
	colon := strings.HasPrefix(rest, ":")
	op := strings.TrimPrefix(rest, ":")
	if op == "" {
		return val
	}
	word := s.expandOne(op[1:])
	empty := !set || (colon && val == "")
	switch op[0] {
	case '-':
		if empty {
			return word
		}
	case '=':
		if empty {
			s.set(name, word, false)
			return word
		}
	case '+':
		if empty {
			return ""
		}
		return word
	case '?':
		if empty {
			if word == "" {
				word = "parameter not set"
			}
			s.errorf("%s: %s", name, word)
			panic(exitShell{2})
		}
	case '#':
		return strings.TrimPrefix(val, strings.TrimSuffix(word, "*"))
	case '%':
		if strings.HasPrefix(word, "*") {
			if k := strings.LastIndex(val, word[1:]); k >= 0 {
				return val[:k]
			}
			return val
		}
		return strings.TrimSuffix(val, word)
	}
	return val
}

// commandSubst runs a script in a subshell and returns its output without
// trailing newlines.
func (s *shell) commandSubst(src string) string {
	var buf bytes.Buffer
	sub := s.clone(s.p.with(s.p.stdin, &buf, s.p.stderr))
	sub.p.pid1 = false
	l, err := parse(src)
	if err != nil {
		s.errorf("%v", err)
		return ""
	}
	s.status = sub.subshell(func() { sub.runList(l, false) })
	return strings.TrimRight(buf.String(), "\n")
}

// arith evaluates a shell arithmetic expression.
func (s *shell) arith(expr string) (int64, error) {
	a := &arithParser{s: s, src: expr}
	v, err := a.binary(0)
	if err != nil {
		return 0, err
	}
	a.space()
	if a.i < len(a.src) {
		return 0, fmt.Errorf("arithmetic syntax error")
	}
	return v, nil
}

type arithParser struct {
	s   *shell
	src string
	i   int
}

var arithOps = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
}

func (a *arithParser) space() {
	for a.i < len(a.src) && (a.src[a.i] == ' ' || a.src[a.i] == '\t' || a.src[a.i] == '\n') {
		a.i++
	}
}

func (a *arithParser) binary(level int) (int64, error) {
	if level == len(arithOps) {
		return a.unary()
	}
	l, err := a.binary(level + 1)
	if err != nil {
		return 0, err
	}
	for {
		a.space()
		op := ""
		for _, o := range arithOps[level] {
			if strings.HasPrefix(a.src[a.i:], o) && !(o == "|" && strings.HasPrefix(a.src[a.i:], "||")) && !(o == "&" && strings.HasPrefix(a.src[a.i:], "&&")) && !(o == "<" && strings.HasPrefix(a.src[a.i:], "<<")) && !(o == ">" && strings.HasPrefix(a.src[a.i:], ">>")) {
				op = o
				break
			}
		}
		if op == "" {
			return l, nil
		}
		a.i += len(op)
		r, err := a.binary(level + 1)
		if err != nil {
			return 0, err
		}
		b := func(x bool) int64 {
			if x {
				return 1
			}
			return 0
		}
		switch op {
		case "||":
			l = b(l != 0 || r != 0)
		case "&&":
			l = b(l != 0 && r != 0)
		case "|":
			l |= r
		case "^":
			l ^= r
		case "&":
			l &= r
		case "==":
			l = b(l == r)
		case "!=":
			l = b(l != r)
		case "<=":
			l = b(l <= r)
		case ">=":
			l = b(l >= r)
		case "<":
			l = b(l < r)
		case ">":
			l = b(l > r)
		case "<<":
			l <<= uint(r)
		case ">>":
			l >>= uint(r)
		case "+":
			l += r
		case "-":
			l -= r
		case "*":
			l *= r
		case "/", "%":
			if r == 0 {
				return 0, fmt.Errorf("divide by zero")
			}
			if op == "/" {
				l /= r
			} else {
				l %= r
			}
		}
	}
}

func (a *arithParser) unary() (int64, error) {
	a.space()
	if a.i >= len(a.src) {
		return 0, fmt.Errorf("arithmetic syntax error")
	}
	switch c := a.src[a.i]; {
	case c == '-' || c == '+' || c == '!' || c == '~':
		a.i++
		v, err := a.unary()
		switch c {
		case '-':
			v = -v
		case '!':
			if v == 0 {
				v = 1
			} else {
				v = 0
			}
		case '~':
			v = ^v
		}
		return v, err
	case c == '(':
		a.i++
		v, err := a.binary(0)
		a.space()
		if err != nil || a.i >= len(a.src) || a.src[a.i] != ')' {
			return 0, fmt.Errorf("arithmetic syntax error")
		}
		a.i++
		return v, nil
	case c >= '0' && c <= '9':
		j := a.i
		for j < len(a.src) && (a.src[j] >= '0' && a.src[j] <= '9' || a.src[j] == 'x' || a.src[j] >= 'a' && a.src[j] <= 'f') {
			j++
		}
		v, err := strconv.ParseInt(a.src[a.i:j], 0, 64)
		a.i = j
		return v, err
	case isName(string(c)):
		j := a.i
		for j < len(a.src) && isName(a.src[a.i:j+1]) {
			j++
		}
		name := a.src[a.i:j]
		a.i = j
		a.space()
		for _, op := range []string{"+=", "-=", "="} {
			if strings.HasPrefix(a.src[a.i:], op) && !strings.HasPrefix(a.src[a.i:], "==") {
				a.i += len(op)
				v, err := a.binary(0)
				if err != nil {
					return 0, err
				}
				cur, _ := strconv.ParseInt(a.s.get(name), 0, 64)
				switch op {
				case "+=":
					v = cur + v
				case "-=":
					v = cur - v
				}
				a.s.set(name, strconv.FormatInt(v, 10), false)
				return v, nil
			}
		}
		v, _ := strconv.ParseInt(strings.TrimSpace(a.s.get(name)), 0, 64)
		return v, nil
	}
	return 0, fmt.Errorf("arithmetic syntax error")
}
