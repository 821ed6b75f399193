package sim

import (
	"fmt"
	"strings"
)

// The shell language the sim understands: a subset of POSIX sh as busybox
// ash parses it. Words keep their quotes until expansion.

type token struct {
	op   string // operator, or "" for a word
	word string
}

type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return "syntax error: " + e.msg }

func isMeta(b byte) bool {
	switch b {
	case ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>':
		return true
	}
	return false
}

// lex splits a script into words and operators.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			op := string(c)
			if i+1 < len(src) && (c == '&' || c == '|' || c == ';') && src[i+1] == c {
				op += string(c)
			}
			toks = append(toks, token{op: op})
			i += len(op)
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(src) && (src[i+1] == '>' || src[i+1] == '&') {
				op += string(src[i+1])
			}
			toks = append(toks, token{op: op})
			i += len(op)
		default:
			start := i
			for i < len(src) && !isMeta(src[i]) {
				n, err := skipQuoted(src, i)
				if err != nil {
					return nil, err
				}
				i = n
			}
			w := src[start:i]
			// "2>" and "2>&1": a word of digits right before a redirection is its fd.
			if i < len(src) && (src[i] == '<' || src[i] == '>') && isDigits(w) {
				op := string(src[i])
				i++
				if i < len(src) && (src[i] == '>' || src[i] == '&') {
					op += string(src[i])
					i++
				}
				toks = append(toks, token{op: w + op})
				continue
			}
			toks = append(toks, token{word: w})
		}
	}
	return toks, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// skipQuoted returns the index after the word element starting at i: a
// quoted string, an escape, a $(...), ${...}, `...`, or one byte.
func skipQuoted(src string, i int) (int, error) {
	unterminated := &syntaxError{"unterminated quoted string"}
	switch src[i] {
	case '\\':
		return min(i+2, len(src)), nil
	case '\'':
		j := strings.IndexByte(src[i+1:], '\'')
		if j < 0 {
			return 0, unterminated
		}
		return i + j + 2, nil
	case '"':
		j := i + 1
		for j < len(src) && src[j] != '"' {
			if src[j] == '\\' {
				j += 2
				continue
			}
			if src[j] == '$' || src[j] == '`' {
				n, err := skipQuoted(src, j)
				if err != nil {
					return 0, err
				}
				j = n
				continue
			}
			j++
		}
		if j >= len(src) {
			return 0, unterminated
		}
		return j + 1, nil
	case '`':
		j := strings.IndexByte(src[i+1:], '`')
		if j < 0 {
			return 0, &syntaxError{"unterminated quoted string"}
		}
		return i + j + 2, nil
	case '$':
		if i+1 < len(src) && (src[i+1] == '(' || src[i+1] == '{') {
			open, close := src[i+1], byte(')')
			if open == '{' {
				close = '}'
			}
			depth := 0
			j := i + 1
			for j < len(src) {
				switch src[j] {
				case open:
					depth++
				case close:
					depth--
					if depth == 0 {
						return j + 1, nil
					}
				case '\'', '"', '\\', '`':
					n, err := skipQuoted(src, j)
					if err != nil {
						return 0, err
					}
					j = n
					continue
				}
				j++
			}
			if open == '{' {
				return 0, &syntaxError{"missing '}'"}
			}
			return 0, &syntaxError{"unterminated quoted string"}
		}
	}
	return i + 1, nil
}

// AST.

type node interface{}

type listNode struct {
	items []*andOrNode
	bg    []bool
}

type andOrNode struct {
	pipes []*pipeNode
	ops   []string // "&&" or "||" between pipes
}

type pipeNode struct {
	neg  bool
	cmds []node
}

type redir struct {
	fd     int
	op     string // ">", ">>", "<", ">&", "<&"
	target string
}

type simpleNode struct {
	assigns []string
	words   []string
	redirs  []redir
}

type ifNode struct {
	conds, bodies []*listNode
	els           *listNode
}

type loopNode struct {
	until      bool
	cond, body *listNode
}

type forNode struct {
	name  string
	words []string
	hasIn bool
	body  *listNode
}

type groupNode struct {
	body   *listNode
	sub    bool
	redirs []redir
}

type funcNode struct {
	name string
	body node
}

type caseNode struct {
	word     string
	patterns [][]string
	bodies   []*listNode
}

type parser struct {
	toks []token
	i    int
}

func parse(src string) (*listNode, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	l, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, p.unexpected()
	}
	return l, nil
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{op: "EOF"}
}

func (p *parser) unexpected() error {
	t := p.peek()
	switch {
	case t.op == "EOF":
		return &syntaxError{"unexpected end of file"}
	case t.op == "\n":
		return &syntaxError{"unexpected newline"}
	case t.op != "":
		return &syntaxError{fmt.Sprintf("unexpected %q", t.op)}
	}
	return &syntaxError{fmt.Sprintf("unexpected %q", t.word)}
}

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.op == "" && t.word == w
}

func (p *parser) skipNewlines() {
	for p.peek().op == "\n" {
		p.i++
	}
}

var reserved = map[string]bool{"then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true, "esac": true, "}": true, "in": false}

// list parses and-or lists up to a reserved word, ")" or the end.
func (p *parser) list() (*listNode, error) {
	l := &listNode{}
	p.skipNewlines()
	for {
		t := p.peek()
		if t.op == "EOF" || t.op == ")" || t.op == ";;" || (t.op == "" && reserved[t.word]) {
			return l, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		bg := false
		switch p.peek().op {
		case "&":
			bg = true
			p.i++
		case ";", "\n":
			p.i++
		}
		l.items = append(l.items, ao)
		l.bg = append(l.bg, bg)
		p.skipNewlines()
	}
}

func (p *parser) andOr() (*andOrNode, error) {
	ao := &andOrNode{}
	for {
		pl, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.pipes = append(ao.pipes, pl)
		op := p.peek().op
		if op != "&&" && op != "||" {
			return ao, nil
		}
		p.i++
		p.skipNewlines()
		ao.ops = append(ao.ops, op)
	}
}

func (p *parser) pipeline() (*pipeNode, error) {
	pl := &pipeNode{}
	if p.isWord("!") {
		pl.neg = true
		p.i++
	}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		pl.cmds = append(pl.cmds, c)
		if p.peek().op != "|" {
			return pl, nil
		}
		p.i++
		p.skipNewlines()
	}
}

func (p *parser) expectWord(w string) error {
	if !p.isWord(w) {
		if p.peek().op == "EOF" {
			return &syntaxError{fmt.Sprintf("unexpected end of file (expecting %q)", w)}
		}
		return p.unexpected()
	}
	p.i++
	return nil
}

func (p *parser) command() (node, error) {
	t := p.peek()
	if t.op == "(" {
		p.i++
		body, err := p.list()
		if err != nil {
			return nil, err
		}
		if p.peek().op != ")" {
			if p.peek().op == "EOF" {
				return nil, &syntaxError{`unexpected end of file (expecting ")")`}
			}
			return nil, p.unexpected()
		}
		p.i++
		g := &groupNode{body: body, sub: true}
		return g, p.redirs(&g.redirs)
	}
	if t.op != "" && !isRedirOp(t.op) {
		return nil, p.unexpected()
	}
	switch t.word {
	case "if":
		p.i++
		n := &ifNode{}
		for {
			cond, err := p.list()
			if err != nil {
				return nil, err
			}
			if err := p.expectWord("then"); err != nil {
				return nil, err
			}
			body, err := p.list()
			if err != nil {
				return nil, err
			}
			n.conds = append(n.conds, cond)
			n.bodies = append(n.bodies, body)
			if p.isWord("elif") {
				p.i++
				continue
			}
			break
		}
		if p.isWord("else") {
			p.i++
			els, err := p.list()
			if err != nil {
				return nil, err
			}
			n.els = els
		}
		return n, p.expectWord("fi")
	case "while", "until":
		p.i++
		cond, err := p.list()
		if err != nil {
			return nil, err
		}
		body, err := p.doGroup()
		if err != nil {
			return nil, err
		}
		return &loopNode{until: t.word == "until", cond: cond, body: body}, nil
	case "for":
		p.i++
		name := p.peek()
		if name.op != "" {
			return nil, p.unexpected()
		}
		p.i++
		n := &forNode{name: name.word}
		p.skipNewlines()
		if p.isWord("in") {
			p.i++
			n.hasIn = true
			for p.peek().op == "" {
				n.words = append(n.words, p.peek().word)
				p.i++
			}
			if op := p.peek().op; op == ";" || op == "\n" {
				p.i++
			}
		} else if p.peek().op == ";" {
			p.i++
		}
		body, err := p.doGroup()
		if err != nil {
			return nil, err
		}
		n.body = body
		return n, nil
	case "case":
		return p.caseCmd()
	case "{":
		p.i++
		body, err := p.list()
		if err != nil {
			return nil, err
		}
		if err := p.expectWord("}"); err != nil {
			return nil, err
		}
		g := &groupNode{body: body}
		return g, p.redirs(&g.redirs)
	}
	// name() { ...; }
	if t.op == "" && p.i+2 < len(p.toks) && p.toks[p.i+1].op == "(" && p.toks[p.i+2].op == ")" {
		p.i += 3
		p.skipNewlines()
		body, err := p.command()
		if err != nil {
			return nil, err
		}
		return &funcNode{name: t.word, body: body}, nil
	}
	return p.simple()
}

func (p *parser) caseCmd() (node, error) {
	p.i++
	w := p.peek()
	if w.op != "" {
		return nil, p.unexpected()
	}
	p.i++
	n := &caseNode{word: w.word}
	p.skipNewlines()
	if err := p.expectWord("in"); err != nil {
		return nil, err
	}
	p.skipNewlines()
	for !p.isWord("esac") {
		if p.peek().op == "EOF" {
			return nil, &syntaxError{`unexpected end of file (expecting "esac")`}
		}
		if p.peek().op == "(" {
			p.i++
		}
		var pats []string
		for {
			t := p.peek()
			if t.op != "" {
				return nil, p.unexpected()
			}
			pats = append(pats, t.word)
			p.i++
			if p.peek().op == "|" {
				p.i++
				continue
			}
			break
		}
		if p.peek().op != ")" {
			return nil, p.unexpected()
		}
		p.i++
		body, err := p.list()
		if err != nil {
			return nil, err
		}
		n.patterns = append(n.patterns, pats)
		n.bodies = append(n.bodies, body)
		if p.peek().op == ";;" {
			p.i++
		}
		p.skipNewlines()
	}
	p.i++
	return n, nil
}

func (p *parser) doGroup() (*listNode, error) {
	p.skipNewlines()
	if err := p.expectWord("do"); err != nil {
		return nil, err
	}
	body, err := p.list()
	if err != nil {
		return nil, err
	}
	return body, p.expectWord("done")
}

func isRedirOp(op string) bool {
	return strings.HasSuffix(op, ">") || strings.HasSuffix(op, "<") || strings.HasSuffix(op, ">>") || strings.HasSuffix(op, ">&") || strings.HasSuffix(op, "<&")
}

func (p *parser) redirs(out *[]redir) error {
	for isRedirOp(p.peek().op) {
		if err := p.redir(out); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) redir(out *[]redir) error {
	op := p.peek().op
	p.i++
	fd := -1
	j := 0
	for j < len(op) && op[j] >= '0' && op[j] <= '9' {
		j++
	}
	if j > 0 {
		fmt.Sscan(op[:j], &fd)
	}
	op = op[j:]
	if fd < 0 {
		fd = 1
		if op[0] == '<' {
			fd = 0
		}
	}
	t := p.peek()
	if t.op != "" {
		return p.unexpected()
	}
	p.i++
	*out = append(*out, redir{fd: fd, op: op, target: t.word})
	return nil
}

func (p *parser) simple() (node, error) {
	n := &simpleNode{}
	for {
		t := p.peek()
		switch {
		case isRedirOp(t.op):
			if err := p.redir(&n.redirs); err != nil {
				return nil, err
			}
		case t.op == "":
			if len(n.words) == 0 && isAssignment(t.word) {
				n.assigns = append(n.assigns, t.word)
			} else {
				n.words = append(n.words, t.word)
			}
			p.i++
		default:
			if len(n.words) == 0 && len(n.assigns) == 0 && len(n.redirs) == 0 {
				return nil, p.unexpected()
			}
			return n, nil
		}
	}
}

func isAssignment(w string) bool {
	i := strings.IndexByte(w, '=')
	if i <= 0 {
		return false
	}
	return isName(w[:i])
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}
