package bpfc

import (
	"regexp"
	"strconv"
	"strings"
)

// This file evaluates the integer constant expressions of a C file: the
// bodies of object-like macros, enumerators, and the constant operands
// and indices the translation folds (C's arithmetic, as clang folds it).

// macroValue evaluates the body of an object-like macro as an integer
// constant expression: literals, other such macros, enumerators, and
// + - * / % & | ^ << >> ~ ! with parentheses.
func (u *unit) macroValue(body string, depth int) (int64, bool) {
	if depth > 20 {
		return 0, false
	}
	p := &macroParser{u: u, s: body, depth: depth}
	k, ok := p.expr(0)
	p.space()
	return k, ok && p.pos == len(p.s)
}

type macroParser struct {
	u     *unit
	s     string
	pos   int
	depth int
}

func (p *macroParser) space() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

var macroPrec = map[string]int{"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}

// expr parses a binary expression whose operators bind tighter than min.
func (p *macroParser) expr(min int) (int64, bool) {
	x, ok := p.unary()
	for ok {
		p.space()
		op := ""
		for _, o := range []string{"<<", ">>", "|", "^", "&", "+", "-", "*", "/", "%"} {
			if strings.HasPrefix(p.s[p.pos:], o) {
				op = o
				break
			}
		}
		if op == "" || macroPrec[op] <= min {
			return x, true
		}
		p.pos += len(op)
		y, ok2 := p.expr(macroPrec[op])
		if !ok2 {
			return 0, false
		}
		x, ok = binop(op, x, y)
	}
	return 0, false
}

func (p *macroParser) unary() (int64, bool) {
	p.space()
	if p.pos >= len(p.s) || p.depth > 50 {
		return 0, false
	}
	switch c := p.s[p.pos]; {
	case c == '(':
		p.pos++
		p.depth++
		x, ok := p.expr(0)
		p.depth--
		p.space()
		if !ok || p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return 0, false
		}
		p.pos++
		return x, true
	case c == '-' || c == '~' || c == '!' || c == '+':
		p.pos++
		p.depth++
		x, ok := p.unary()
		p.depth--
		return unop(string(c), x), ok
	case '0' <= c && c <= '9':
		start := p.pos
		for p.pos < len(p.s) && (isIdentByte(p.s[p.pos])) {
			p.pos++
		}
		return parseIntText(p.s[start:p.pos])
	case isIdentByte(c):
		start := p.pos
		for p.pos < len(p.s) && isIdentByte(p.s[p.pos]) {
			p.pos++
		}
		name := p.s[start:p.pos]
		if k, ok := p.u.consts[name]; ok {
			return k, true
		}
		if body, ok := p.u.macros[name]; ok {
			return p.u.macroValue(body, p.depth+1)
		}
	}
	return 0, false
}

// constValue evaluates a constant C expression: numbers, characters,
// constants, enumerators, and the arithmetic of those.
func (u *unit) constValue(n *cnode, depth int) (int64, bool) {
	return u.constEval(n, depth, nil)
}

// constEval is constValue where local, when not nil, first resolves a
// name: local reports whether the name is a local variable, and then its
// constant value, if it has one.
func (u *unit) constEval(n *cnode, depth int, local func(name string) (k int64, isLocal, ok bool)) (int64, bool) {
	if n == nil || depth > 50 {
		return 0, false
	}
	switch n.Type {
	case "number_literal":
		return parseIntText(n.text(u.src))
	case "char_literal":
		return charValue(n.text(u.src))
	case "true":
		return 1, true
	case "false", "null":
		return 0, true
	case "identifier":
		if local != nil {
			if k, isLocal, ok := local(n.text(u.src)); isLocal {
				return k, ok
			}
		}
		if n.text(u.src) == "NULL" {
			return 0, true
		}
		k, ok := u.consts[n.text(u.src)]
		return k, ok
	case "parenthesized_expression", "cast_expression":
		nm := n.named()
		if len(nm) == 0 {
			return 0, false
		}
		return u.constEval(nm[len(nm)-1], depth+1, local)
	case "initializer_list":
		nm := n.named()
		if len(nm) == 0 {
			return 0, true
		}
		return u.constEval(nm[0], depth+1, local)
	case "unary_expression":
		x, ok := u.constEval(n.child("argument"), depth+1, local)
		op := n.child("operator")
		if !ok || op == nil {
			return 0, false
		}
		return unop(op.Type, x), true
	case "binary_expression":
		x, ok1 := u.constEval(n.child("left"), depth+1, local)
		y, ok2 := u.constEval(n.child("right"), depth+1, local)
		op := n.child("operator")
		if !ok1 || !ok2 || op == nil {
			return 0, false
		}
		return binop(op.Type, x, y)
	}
	return 0, false
}

func unop(op string, x int64) int64 {
	switch op {
	case "-":
		return -x
	case "!":
		if x == 0 {
			return 1
		}
		return 0
	case "~":
		return ^x
	}
	return x
}

func binop(op string, x, y int64) (int64, bool) {
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/", "%":
		if y == 0 {
			return 0, false
		}
		if op == "/" {
			return x / y, true
		}
		return x % y, true
	case "&":
		return x & y, true
	case "|":
		return x | y, true
	case "^":
		return x ^ y, true
	case "<<", ">>":
		if y < 0 || y > 63 {
			return 0, false
		}
		if op == "<<" {
			return x << y, true
		}
		return x >> y, true
	case "==":
		return b(x == y), true
	case "!=":
		return b(x != y), true
	case "<":
		return b(x < y), true
	case "<=":
		return b(x <= y), true
	case ">":
		return b(x > y), true
	case ">=":
		return b(x >= y), true
	case "&&":
		return b(x != 0 && y != 0), true
	case "||":
		return b(x != 0 || y != 0), true
	}
	return 0, false
}

var intSuffix = regexp.MustCompile(`[uUlL]+$`)

// parseIntText parses a C integer literal ("42", "0x10UL", "-1", "0b101").
func parseIntText(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	s = intSuffix.ReplaceAllString(s, "")
	if s == "" {
		return 0, false
	}
	if len(s) > 1 && s[0] == '0' && '0' <= s[1] && s[1] <= '7' {
		s = "0o" + s[1:]
	}
	k, err := strconv.ParseInt(strings.ReplaceAll(s, "'", ""), 0, 64)
	if err != nil {
		u, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, false
		}
		k = int64(u)
	}
	if neg {
		k = -k
	}
	return k, true
}

// charValue evaluates a character literal.
func charValue(s string) (int64, bool) {
	v, err := strconv.Unquote(s)
	if err != nil || len(v) == 0 {
		return 0, false
	}
	return int64(v[0]), true
}
