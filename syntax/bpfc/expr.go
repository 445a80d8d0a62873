package bpfc

import (
	"fmt"
	"math"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers C expressions: values, loads and stores of shared
// locations (plain or marked), lvalues and pointers, and the lazy
// operators.

func (c *lowerer) lit(k int64, n *cnode) syntax.Expr { return at(c, intExpr(k), n) }

// intExpr writes k as litmus C: a literal, negated when negative.
func intExpr(k int64) syntax.Expr {
	switch {
	case k == math.MinInt64:
		return &syntax.BinaryExpr{Op: "-", X: intExpr(-math.MaxInt64), Y: &syntax.IntLit{Value: 1, Text: "1"}}
	case k < 0:
		return &syntax.UnaryExpr{Op: "-", X: &syntax.IntLit{Value: -k, Text: fmt.Sprint(-k)}}
	}
	return &syntax.IntLit{Value: k, Text: fmt.Sprint(k)}
}

// zero stands for a value the translation cannot compute, after a note.
func (c *lowerer) zero(n *cnode) syntax.Expr {
	c.unknown++
	return c.lit(0, n)
}

// expr lowers an expression whose value is used.
func (c *lowerer) expr(n *cnode) syntax.Expr {
	if n == nil {
		return &syntax.IntLit{Value: 0, Text: "0"}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxExprDepth || n.Truncated {
		c.notModeled(n, "expression nested too deeply")
		return c.zero(n)
	}
	switch n.Type {
	case "number_literal":
		k, ok := parseIntText(c.text(n))
		if !ok {
			c.notModeled(n, "number "+c.short(n)+" (taken as 0)")
		}
		return c.lit(k, n)
	case "char_literal":
		k, ok := charValue(c.text(n))
		if !ok {
			c.notModeled(n, "character "+c.short(n)+" (taken as 0)")
		}
		return c.lit(k, n)
	case "true":
		return c.lit(1, n)
	case "false", "null":
		return c.lit(0, n)
	case "identifier":
		return c.ident(n)
	case "parenthesized_expression":
		nm := n.named()
		if len(nm) != 1 {
			c.notModeled(n, "expression "+c.short(n))
			return c.zero(n)
		}
		return at(c, &syntax.ParenExpr{X: c.expr(nm[0])}, n)
	case "unary_expression":
		op := n.child("operator")
		if op == nil {
			return c.zero(n)
		}
		x := c.expr(n.child("argument"))
		if op.Type == "+" {
			return x
		}
		return at(c, &syntax.UnaryExpr{Op: op.Type, X: x}, n)
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "&" {
			o := c.objectOf(n.child("argument"))
			if o == nil {
				return c.zero(n)
			}
			if o.g == nil || o.g.reason != "" {
				c.notModeled(n, "address "+c.short(n)+" used as a value (taken as 0)")
				return c.zero(n)
			}
			return at(c, &syntax.Ident{Name: c.use(o.g)}, n)
		}
		return c.load(c.objectOf(n), n, false)
	case "field_expression", "subscript_expression":
		return c.load(c.objectOf(n), n, false)
	case "binary_expression":
		op := n.child("operator")
		if op == nil {
			return c.zero(n)
		}
		x := c.expr(n.child("left"))
		if op.Type == "&&" || op.Type == "||" {
			return c.lazy(n, op.Type, x)
		}
		y := c.expr(n.child("right"))
		return at(c, &syntax.BinaryExpr{Op: op.Type, X: x, Y: y}, n)
	case "conditional_expression":
		return c.choice(n)
	case "assignment_expression":
		if x := c.assign(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "update_expression":
		if x := c.update(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "call_expression":
		if x := c.call(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "cast_expression":
		if t := c.text(n.child("type")); strings.Contains(t, "*") {
			c.notModeled(n, "pointer cast "+c.short(n)+" used as a value (taken as 0)")
			return c.zero(n)
		}
		return c.expr(n.child("value"))
	case "comma_expression":
		if x := c.exprStmt(n.child("left")); x != nil {
			c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: x}, n.child("left")))
		}
		return c.expr(n.child("right"))
	}
	c.notModeled(n, "expression "+c.short(n)+" (taken as 0)")
	return c.zero(n)
}

// sub lowers the expression n apart: it returns its value and the
// statements it needs first, leaving c.pre as it was.
func (c *lowerer) sub(n *cnode) (syntax.Expr, []syntax.Stmt) {
	saved := c.pre
	c.pre = nil
	x := c.expr(n)
	pre := c.pre
	c.pre = saved
	return x, pre
}

// lazy lowers "x && y" and "x || y" (x already lowered). When y accesses
// memory, C evaluates it only if x does not decide: the value goes
// through a register set under an if.
func (c *lowerer) lazy(n *cnode, op string, x syntax.Expr) syntax.Expr {
	y, ypre := c.sub(n.child("right"))
	return c.lazyJoin(n, op, x, y, ypre)
}

// lazyJoin is lazy with the right operand lowered apart already: y and
// the statements it needs first.
func (c *lowerer) lazyJoin(n *cnode, op string, x, y syntax.Expr, ypre []syntax.Stmt) syntax.Expr {
	if !hasEffects(y) && len(ypre) == 0 {
		return at(c, &syntax.BinaryExpr{Op: op, X: x, Y: y}, n)
	}
	t := c.fresh("t")
	init, cond := int64(0), x
	if op == "||" {
		init, cond = 1, &syntax.UnaryExpr{Op: "!", X: &syntax.ParenExpr{X: x}}
	}
	body := append(ypre, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t},
		Y: &syntax.BinaryExpr{Op: "!=", X: y, Y: intExpr(0)}}}, n.child("right")))
	c.pre = append(c.pre,
		&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: intExpr(init)},
		at(c, &syntax.IfStmt{Cond: cond, Then: &syntax.BlockStmt{Stmts: body}}, n))
	return at(c, &syntax.Ident{Name: t}, n)
}

// choice lowers "c ? x : y"; when a branch accesses memory, only the
// branch C takes is evaluated, through a register set under an if.
func (c *lowerer) choice(n *cnode) syntax.Expr {
	cond := c.expr(n.child("condition"))
	x, xpre := c.sub(n.child("consequence"))
	y, ypre := c.sub(n.child("alternative"))
	if !hasEffects(x) && !hasEffects(y) && len(xpre) == 0 && len(ypre) == 0 {
		return at(c, &syntax.CondExpr{Cond: cond, X: x, Y: y}, n)
	}
	t := c.fresh("t")
	set := func(v syntax.Expr, pre []syntax.Stmt, vn *cnode) *syntax.BlockStmt {
		return &syntax.BlockStmt{Stmts: append(pre, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t}, Y: v}}, vn))}
	}
	c.pre = append(c.pre,
		&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}},
		at(c, &syntax.IfStmt{Cond: cond, Then: set(x, xpre, n.child("consequence")), Else: set(y, ypre, n.child("alternative"))}, n))
	return at(c, &syntax.Ident{Name: t}, n)
}

// ident lowers a name used as a value.
func (c *lowerer) ident(n *cnode) syntax.Expr {
	name := c.text(n)
	if l := c.lookup(name); l != nil {
		switch {
		case l.reg != "":
			if c.tainted[l.reg] {
				c.unknown++
			}
			return at(c, &syntax.Ident{Name: l.reg}, n)
		case l.isPtr && l.ptr != nil:
			return c.lit(1, n) // a pointer to a location is not NULL
		case l.isPtr:
			// The scenario follows the path where a helper's pointer
			// (a map lookup, a ring buffer reservation) is valid.
			c.notModeled(n, "pointer "+name+" whose target is unknown (taken as non-NULL)")
			return c.lit(1, n)
		}
		c.notModeled(n, "value of "+name+", "+l.opaque+" (taken as 0)")
		return c.zero(n)
	}
	if g := c.a.global(name); g != nil || c.a.isAgg(name) {
		return c.load(c.objectOf(n), n, false)
	}
	switch name {
	case "NULL":
		return c.lit(0, n)
	case "can_loop":
		return c.lit(1, n) // bpf_experimental.h: true until the verifier's bound
	}
	if k, ok := c.u.consts[name]; ok {
		return c.lit(k, n)
	}
	if k, ok := c.a.params[name]; ok {
		return c.lit(k, n) // "litmus: param name=K", as for a __kconfig extern
	}
	if c.u.externs[name] {
		c.notModeled(n, "extern "+name+" (give its value with // litmus: param "+name+"=VALUE; taken as 0)")
		return c.zero(n)
	}
	c.notModeled(n, "unknown name "+name+" (taken as 0)")
	return c.zero(n)
}

// location returns the name of the shared location o denotes, or "" after
// a note.
func (c *lowerer) location(o *obj, n *cnode, lock bool) string {
	switch {
	case o == nil:
		return ""
	case o.reg != "":
		c.notModeled(n, "atomic or marked access to the local "+c.short(n))
		return ""
	case o.dyn != nil:
		c.notModeled(n, "atomic access to an element of "+o.arr+" at a computed index")
		return ""
	case o.arr != "":
		c.notModeled(n, "access to the whole array "+o.arr)
		return ""
	case o.g == nil:
		c.notModeled(n, "access to a whole struct or skeleton section "+c.short(n))
		return ""
	case o.g.reason != "":
		c.notModeled(n, o.g.path+", "+o.g.reason)
		return ""
	case lock && !o.g.lock:
		o.g.lock = true
	case !lock && o.g.lock:
		c.notModeled(n, "a lock accessed as data: "+c.short(n))
		return ""
	}
	return c.use(o.g)
}

// load reads o: a register, a plain load "*x", or READ_ONCE(*x) when once
// or the access is volatile.
func (c *lowerer) load(o *obj, n *cnode, once bool) syntax.Expr {
	if o != nil && o.reg != "" {
		return at(c, &syntax.Ident{Name: o.reg}, n)
	}
	if o != nil && o.dyn != nil {
		return c.dynLoad(o, n, once || o.volatile)
	}
	name := c.location(o, n, false)
	if name == "" {
		return c.zero(n)
	}
	deref := c.deref(name, n)
	if once || o.volatile {
		return at(c, call("READ_ONCE", deref), n)
	}
	return deref
}

func call(name string, args ...syntax.Expr) *syntax.CallExpr {
	return &syntax.CallExpr{Fun: &syntax.Ident{Name: name}, Args: args}
}

// deref is "*name", the access to location name, from the C lvalue lv.
func (c *lowerer) deref(name string, lv *cnode) syntax.Expr {
	return at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, lv)
}

// writeOnce is the marked store of "lv op v" (C node n) to location name:
// WRITE_ONCE(*name, v), or for a compound op
// WRITE_ONCE(*name, READ_ONCE(*name) OP v).
func (c *lowerer) writeOnce(name, op string, v syntax.Expr, lv, n *cnode) syntax.Expr {
	if op != "=" {
		old := at(c, call("READ_ONCE", c.deref(name, lv)), lv)
		v = &syntax.BinaryExpr{Op: strings.TrimSuffix(op, "="), X: old, Y: v}
	}
	return at(c, call("WRITE_ONCE", c.deref(name, lv), v), n)
}

// assign lowers an assignment. It returns nil when nothing is to be
// emitted (a pointer local retargeted) or the target cannot be modeled.
func (c *lowerer) assign(n *cnode, used bool) syntax.Expr {
	left, right := n.child("left"), n.child("right")
	opN := n.child("operator")
	if left == nil || right == nil || opN == nil {
		c.notModeled(n, "assignment "+c.short(n))
		return nil
	}
	op := opN.Type
	if left.Type == "identifier" {
		if l := c.lookup(c.text(left)); l != nil && l.isPtr {
			if op == "=" {
				l.ptr = c.quietPointee(right)
			} else {
				c.notModeled(n, "pointer arithmetic "+c.short(n))
			}
			return nil
		}
	}
	o := c.objectOf(left)
	if o == nil {
		c.expr(right)
		return nil
	}
	if _, agg := c.structLeaves(o); agg && op == "=" {
		// A whole struct: field by field.
		if src := c.objectOf(right); src != nil {
			c.pre = append(c.pre, c.copyStruct(o, src, right, n)...)
		}
		if used {
			c.notModeled(n, "the value of a struct assignment")
		}
		return nil
	}
	u0 := c.unknown
	rhs := c.expr(right)
	if o.dyn != nil {
		if used {
			c.notModeled(n, "the value of a store to a computed element (taken as 0)")
		}
		c.dynStore(o, n, op, rhs, right, o.volatile)
		return nil
	}
	if o.reg != "" {
		c.taint(o.reg, c.unknown > u0 || op != "=" && c.tainted[o.reg])
		return at(c, &syntax.AssignExpr{Op: op, X: at(c, &syntax.Ident{Name: o.reg}, left), Y: rhs}, n)
	}
	name := c.location(o, left, false)
	if name == "" {
		return nil
	}
	c.storing(name, u0, n)
	if !o.volatile {
		return at(c, &syntax.AssignExpr{Op: op, X: c.deref(name, left), Y: rhs}, n)
	}
	if used {
		c.notModeled(n, "the value of a volatile store (taken as 0)")
	}
	return c.writeOnce(name, op, rhs, left, n)
}

// update lowers ++ and --.
func (c *lowerer) update(n *cnode, used bool) syntax.Expr {
	opN, arg := n.child("operator"), n.child("argument")
	if opN == nil || arg == nil {
		c.notModeled(n, "update "+c.short(n))
		return nil
	}
	op := "+="
	if opN.Type == "--" {
		op = "-="
	}
	prefix := opN.Start < arg.Start
	o := c.objectOf(arg)
	if o == nil {
		return nil
	}
	var target syntax.Expr
	if o.reg != "" {
		target = at(c, &syntax.Ident{Name: o.reg}, arg)
	} else {
		name := c.location(o, arg, false)
		if name == "" {
			return nil
		}
		if o.volatile {
			if used {
				c.notModeled(n, "the value of a volatile update (taken as 0)")
			}
			return c.writeOnce(name, op, c.lit(1, nil), arg, n)
		}
		target = c.deref(name, arg)
	}
	x := at(c, &syntax.AssignExpr{Op: op, X: target, Y: c.lit(1, nil)}, n)
	if used && !prefix {
		back := "-"
		if op == "-=" {
			back = "+"
		}
		return at(c, &syntax.BinaryExpr{Op: back, X: x, Y: c.lit(1, nil)}, n)
	}
	return x
}

// volatileArray reports whether the global array at path is of volatile
// elements.
func (a *assembler) volatileArray(path string) bool {
	g := a.global(path + "[0]")
	return g != nil && g.volatile
}

// test lowers the condition of an if. An operand of its !, && and ||
// whose value the translation cannot compute (a helper's result, a
// parameter) is not guessed: it becomes an unknown truth value, read from
// a location that is 0 or 1 in different executions (see unknownBool),
// so that the verdict covers both ways; its accesses are kept.
func (c *lowerer) test(n *cnode) syntax.Expr {
	if n == nil {
		return &syntax.IntLit{Value: 1, Text: "1"}
	}
	if n.Type == "parenthesized_expression" {
		if nm := n.named(); len(nm) == 1 {
			return at(c, &syntax.ParenExpr{X: c.test(nm[0])}, n)
		}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth < maxExprDepth && !n.Truncated {
		switch n.Type {
		case "binary_expression":
			if op := n.child("operator"); op != nil && (op.Type == "&&" || op.Type == "||") {
				x := c.test(n.child("left"))
				saved := c.pre
				c.pre = nil
				y := c.test(n.child("right"))
				ypre := c.pre
				c.pre = saved
				return c.lazyJoin(n, op.Type, x, y, ypre)
			}
		case "unary_expression":
			if op := n.child("operator"); op != nil && op.Type == "!" {
				return at(c, &syntax.UnaryExpr{Op: "!", X: c.test(n.child("argument"))}, n)
			}
		}
	}
	u0 := c.unknown
	x := c.expr(n)
	if c.unknown == u0 {
		return x
	}
	if hasEffects(x) {
		t := c.fresh("t")
		c.pre = append(c.pre, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x}, n))
	}
	c.approximated(n, c.short(n)+" depends on values the translation cannot compute: taken as unknown, true in some executions and false in others")
	return c.unknownBool(n)
}

// unknownBool returns a truth value the translation cannot compute: a
// marked read of a fresh location that only the scenario's last thread
// writes (1), so that it is 0 in some executions and 1 in others. The
// location is the read's alone, and its writer has nothing else: it
// orders nothing.
func (c *lowerer) unknownBool(n *cnode) syntax.Expr {
	g := c.a.newUnknown(c.loc(n))
	return at(c, call("READ_ONCE", c.deref(c.use(g), n)), n)
}

// storing records that the statement n stores to location name a value
// that, if the translation computed fewer values than at u0, it could not
// compute: a final condition on that location then gets no verdict.
func (c *lowerer) storing(name string, u0 int, n *cnode) {
	if c.unknown > u0 {
		if c.a.unknownStores == nil {
			c.a.unknownStores = map[string]Loc{}
		}
		if _, ok := c.a.unknownStores[name]; !ok {
			c.a.unknownStores[name] = c.loc(n)
		}
	}
}
