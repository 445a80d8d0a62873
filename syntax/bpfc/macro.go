package bpfc

import (
	"regexp"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file expands the function-like macros a C file defines
// ("#define CREDIT(ns) ((ns) >> 3)"), as the preprocessor does: the
// arguments' text replaces the parameters in the body, and the result is
// parsed and lowered in the scope of the use. What it becomes is placed
// at the macro's use.

// An fmacro is a function-like macro.
type fmacro struct {
	params []string // "..." for a variadic one
	body   string
}

// A macroUse is the outermost macro use being expanded.
type macroUse struct {
	at    Loc           // the use, in the file
	lines *syntax.Lines // that file's lines
}

// maxMacroDepth bounds the nesting of macro expansions.
const maxMacroDepth = 8

// expandMacro lowers the use n of macro m with arguments args; used says
// its value is needed. It returns the value, or nil.
func (c *lowerer) expandMacro(n *cnode, name string, m *fmacro, args []*cnode, used bool) syntax.Expr {
	if c.macros >= maxMacroDepth {
		c.notModeled(n, "macro "+name+" nested too deeply")
		return nil
	}
	variadic := len(m.params) > 0 && m.params[len(m.params)-1] == "..."
	if len(args) != len(m.params) && !(variadic && len(args) >= len(m.params)-1) {
		c.notModeled(n, "macro "+name+" with another number of arguments than it takes")
		return nil
	}
	text := m.body
	for i, p := range m.params {
		var arg string
		switch {
		case p == "...":
			var rest []string
			for _, a := range args[i:] {
				rest = append(rest, c.text(a))
			}
			p, arg = "__VA_ARGS__", strings.Join(rest, ", ")
		default:
			arg = "(" + c.text(args[i]) + ")"
		}
		text = regexp.MustCompile(`\b`+regexp.QuoteMeta(p)+`\b`).ReplaceAllLiteralString(text, arg)
	}
	text = strings.ReplaceAll(text, "\\\n", " \n")
	src := []byte("void __litmus_macro(void)\n{\n" + text + ";\n}\n")
	root, err := parseC(src)
	if err != nil {
		c.notModeled(n, "macro "+name+" (its expansion cannot be parsed)")
		return nil
	}
	var fn *cnode
	walk(root, func(k *cnode) bool {
		if k.Type == "function_definition" && fn == nil {
			fn = k
		}
		return fn == nil
	})
	var stmts []*cnode
	if fn != nil && fn.child("body") != nil {
		stmts = fn.child("body").named()
	}
	if fn == nil || len(stmts) == 0 || root.hasKid("ERROR") {
		c.notModeled(n, "macro "+name+" (its expansion is not a C expression or statement)")
		return nil
	}
	// Lower in the scope of the use, reading the expansion's text.
	mu := *c.u
	mu.src, mu.root = src, root
	saved := c.u
	if c.macro == nil {
		c.macro = &macroUse{at: c.loc(n), lines: c.u.lines}
		defer func() { c.macro = nil }()
	}
	c.u = &mu
	c.macros++
	defer func() { c.u = saved; c.macros-- }()
	if len(stmts) == 1 && stmts[0].Type == "expression_statement" {
		if nm := stmts[0].named(); len(nm) == 1 {
			if used {
				return c.expr(nm[0])
			}
			return c.exprStmt(nm[0])
		}
	}
	if used {
		c.notModeled(n, "the value of macro "+name+", which is not an expression (taken as 0)")
		return c.zero(n)
	}
	c.pre = append(c.pre, c.block(fn.child("body"), nil))
	return nil
}
