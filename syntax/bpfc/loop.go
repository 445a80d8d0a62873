package bpfc

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers loops: counted loops with constant bounds are
// unrolled, spin-wait and polling loops become their last iteration and a
// filter, other loops are not modeled.

// loopMacros are the open-coded iterator macros of bpf_experimental.h.
var loopMacros = map[string]bool{"bpf_for": true, "bpf_for_each": true, "bpf_repeat": true}

// loopMacro reports whether n is a statement calling one of loopMacros.
func loopMacro(n *cnode, src []byte) bool {
	if n.Type != "expression_statement" {
		return false
	}
	nm := n.named()
	return len(nm) == 1 && nm[0].Type == "call_expression" && loopMacros[nm[0].child("function").text(src)]
}

// loop lowers a loop. A spin-wait loop (a condition and a body without
// effects) becomes one evaluation of its condition into a register that
// the scenario's filter requires to be false: the executions where the
// loop ends. Other loops are not modeled.
func (c *lowerer) loop(n *cnode) []syntax.Stmt {
	if n.Type == "for_statement" && (n.child("initializer") != nil || n.child("update") != nil) {
		if out, ok := c.unroll(n); ok {
			return out
		}
		c.notModeled(n, "loop "+c.short(n))
		return nil
	}
	condN := n.child("condition")
	body := n.child("body")
	if n.Type == "do_statement" && condN != nil {
		// do { ... } while (0), as macros wrap statements: the body once.
		if k, ok := c.constValue(condN); ok && k == 0 && !hasBreak(body) {
			return []syntax.Stmt{c.block(body, nil)}
		}
	}
	var out []syntax.Stmt
	switch {
	case condN == nil:
		c.notModeled(n, "loop "+c.short(n))
		return nil
	case idle(body, c.u.src):
		c.note(n, NoteTranslation, "spin-wait loop modeled by its last iteration: only the executions where it ends are checked")
	case n.Type == "do_statement" && c.readOnly(body):
		// do { v = READ_ONCE(x); } while (!v): the last iteration runs the
		// body, then finds the condition false.
		c.note(n, NoteTranslation, "polling loop modeled by its last iteration: only the executions where it ends are checked")
		out = append(out, c.block(body, nil))
	default:
		c.notModeled(n, "loop "+c.short(n))
		return nil
	}
	reg := c.fresh("w")
	saved := c.pre
	c.pre = nil
	x := c.cond(condN)
	out = append(out, c.pre...) // after the body of a do-while
	c.pre = saved
	c.waits = append(c.waits, wait{reg: reg, loc: c.loc(n)})
	assign := at(c, &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: x}, condN)
	return append(out, at(c, &syntax.ExprStmt{X: assign}, n))
}

// maxUnroll bounds the iterations of a counted loop the translation
// unrolls.
const maxUnroll = 8

// unroll unrolls "for (i = K; i < N; i++) body" with constant bounds and at
// most maxUnroll iterations, when the body neither leaves the loop nor
// assigns i: i is a register set before each copy of the body.
func (c *lowerer) unroll(n *cnode) ([]syntax.Stmt, bool) {
	init, cond, upd, body := n.child("initializer"), n.child("condition"), n.child("update"), n.child("body")
	if init == nil || cond == nil || upd == nil || body == nil {
		return nil, false
	}
	var name string
	var start int64
	var ok, decl bool
	switch init.Type {
	case "declaration":
		ds := init.children("declarator")
		if len(ds) != 1 || ds[0].Type != "init_declarator" || ds[0].child("declarator").Type != "identifier" {
			return nil, false
		}
		name = c.text(ds[0].child("declarator"))
		start, ok = c.constValue(ds[0].child("value"))
		decl = true
	case "assignment_expression":
		if init.child("left").Type != "identifier" || init.child("operator").Type != "=" {
			return nil, false
		}
		name = c.text(init.child("left"))
		if l := c.lookup(name); l == nil || l.reg == "" {
			return nil, false
		}
		start, ok = c.constValue(init.child("right"))
	}
	if !ok || cond.Type != "binary_expression" || c.text(cond.child("left")) != name {
		return nil, false
	}
	end, ok := c.constValue(cond.child("right"))
	if !ok {
		return nil, false
	}
	count := end - start
	switch cond.child("operator").Type {
	case "<", "!=":
	case "<=":
		count++
	default:
		return nil, false
	}
	step := false
	switch upd.Type {
	case "update_expression":
		step = upd.child("operator").Type == "++" && c.text(upd.child("argument")) == name
	case "assignment_expression":
		k, ok := c.u.constValue(upd.child("right"), 0)
		step = ok && k == 1 && upd.child("operator").Type == "+=" && c.text(upd.child("left")) == name
	}
	if !step || count < 0 || count > maxUnroll || !c.plainBody(body, name) {
		return nil, false
	}
	c.note(n, NoteTranslation, fmt.Sprintf("loop unrolled: %d iterations", count))
	c.scopes = append(c.scopes, map[string]*local{})
	defer func() { c.scopes = c.scopes[:len(c.scopes)-1] }()
	var out []syntax.Stmt
	var reg string
	if decl {
		reg = c.newReg(name)
		c.declare(name, &local{reg: reg})
		out = append(out, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: reg}, Value: intExpr(start)}, init))
	} else {
		reg = c.lookup(name).reg
		c.taint(reg, false)
		out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start)}}, init))
	}
	l := c.lookup(name)
	for k := int64(0); k < count; k++ {
		if k > 0 {
			out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start + k)}}, upd))
		}
		v := start + k
		l.k = &v // the body does not assign it: a constant in this copy
		out = append(out, c.block(body, nil))
	}
	l.k = nil
	if !decl {
		out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start + count)}}, upd))
	}
	return out, true
}

// plainBody reports whether a loop body runs to its end (no break,
// continue, return or goto) and leaves the loop variable alone.
func (c *lowerer) plainBody(body *cnode, name string) bool {
	ok := true
	walk(body, func(k *cnode) bool {
		switch k.Type {
		case "break_statement", "continue_statement", "return_statement", "goto_statement", "ERROR":
			ok = false
		case "assignment_expression":
			ok = ok && c.text(k.child("left")) != name
		case "update_expression":
			ok = ok && c.text(k.child("argument")) != name
		}
		return ok
	})
	return ok
}

// readCalls are the calls a polling loop body may make besides idleCalls:
// loads.
var readCalls = map[string]bool{
	"READ_ONCE": true, "smp_load_acquire": true, "__atomic_load_n": true, "atomic_load_explicit": true,
	"atomic_load": true, "smp_rmb": true, "smp_mb": true, "smp_acquire__after_ctrl_dep": true,
}

// readOnly reports whether a loop body only reads shared memory and
// assigns locals: its earlier iterations leave nothing the last one does
// not redo.
func (c *lowerer) readOnly(body *cnode) bool {
	ok := true
	walk(body, func(k *cnode) bool {
		switch k.Type {
		case "assignment_expression", "update_expression":
			target := k.child("left")
			if target == nil {
				target = k.child("argument")
			}
			if target == nil || target.Type != "identifier" {
				ok = false
			} else if l := c.lookup(c.text(target)); l == nil || l.reg == "" {
				ok = false
			}
		case "call_expression":
			name := c.text(k.child("function"))
			ok = ok && (idleCalls[name] || readCalls[name])
		case "return_statement", "break_statement", "continue_statement", "goto_statement", "declaration", "ERROR":
			ok = false
		}
		return ok
	})
	return ok
}

// idleCalls are calls a spin-wait loop body may make: they touch no
// shared memory.
var idleCalls = map[string]bool{
	"cpu_relax": true, "barrier": true, "sched_yield": true, "usleep": true, "nanosleep": true,
	"sleep": true, "bpf_cpu_relax": true, "__builtin_ia32_pause": true,
	"cond_break": true, "cond_break_label": true,
}

// idle reports whether a loop body has no effect on memory.
func idle(n *cnode, src []byte) bool {
	if n == nil {
		return true
	}
	switch n.Type {
	case "expression_statement":
		nm := n.named()
		if len(nm) == 0 {
			return true
		}
		if len(nm) == 1 && nm[0].Type == "call_expression" {
			return idleCalls[nm[0].child("function").text(src)]
		}
		return false
	case "compound_statement":
		for _, k := range n.named() {
			if !idle(k, src) {
				return false
			}
		}
		return true
	}
	return false
}

// hasBreak reports whether a break or continue of the loop whose body is
// n lies in n (not in a loop or switch nested in it).
func hasBreak(n *cnode) bool {
	found := false
	walk(n, func(k *cnode) bool {
		switch k.Type {
		case "break_statement", "continue_statement":
			found = true
		case "for_statement", "while_statement", "do_statement", "switch_statement":
			return k == n
		}
		return !found
	})
	return found
}

// unrollMacro unrolls the open-coded iterators of bpf_experimental.h,
// "bpf_for(i, start, end) body" and "bpf_repeat(n) body" (parsed as a
// call, then the body), with constant bounds and at most maxUnroll
// iterations, when the body neither leaves the loop nor assigns i. It
// reports false when it cannot.
func (c *lowerer) unrollMacro(n, body *cnode) ([]syntax.Stmt, bool) {
	callN := n.named()[0]
	name := c.text(callN.child("function"))
	var args []*cnode
	if al := callN.child("arguments"); al != nil {
		args = al.named()
	}
	var iv string
	var start, end int64
	switch {
	case name == "bpf_for" && len(args) == 3 && args[0].Type == "identifier":
		iv = c.text(args[0])
		var ok1, ok2 bool
		start, ok1 = c.constValue(args[1])
		end, ok2 = c.constValue(args[2])
		if !ok1 || !ok2 {
			return nil, false
		}
	case name == "bpf_repeat" && len(args) == 1:
		var ok bool
		if end, ok = c.constValue(args[0]); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	count := end - start
	if count < 0 || count > maxUnroll || body == nil || mayReturn(body) || hasBreak(body) || iv != "" && !c.plainBody(body, iv) {
		return nil, false
	}
	var l *local
	if iv != "" {
		if l = c.lookup(iv); l == nil || l.reg == "" {
			return nil, false
		}
		c.taint(l.reg, false)
	}
	c.note(n, NoteTranslation, fmt.Sprintf("loop unrolled: %d iterations", count))
	var out []syntax.Stmt
	for k := int64(0); k < count; k++ {
		if l != nil {
			v := start + k
			out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: l.reg}, Y: intExpr(v)}}, callN))
			l.k = &v
		}
		out = append(out, c.block(body, nil))
	}
	if l != nil {
		l.k = nil
	}
	return out, true
}
