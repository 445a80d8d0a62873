package bpfc

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// This file inlines calls to functions of the same file.

// An inlineFrame is a function of the file being inlined at a call.
type inlineFrame struct {
	name string
	ret  string // the register of its result, or "" when unused
}

// maxInline bounds the nesting of inlined calls.
const maxInline = 4

// inline lowers a call to a function defined in the thread's file: its
// parameters become registers (or aliases, for pointers), its body is
// lowered before the statement holding the call, and its returns set the
// result register, which is the call's value. It returns nil, false when
// name is not such a function or cannot be inlined.
func (c *lowerer) inline(n *cnode, name string, args []*cnode, used bool) (syntax.Expr, bool) {
	return c.inlineWith(n, name, args, nil, used)
}

// inlineWith is inline with the parameters at the indices of fixed bound
// to those constants instead of to args (which may be nil there).
func (c *lowerer) inlineWith(n *cnode, name string, args []*cnode, fixed map[int]int64, used bool) (syntax.Expr, bool) {
	fn := c.u.funcs[name]
	if fn == nil || fn.child("body") == nil {
		return nil, false
	}
	for _, f := range c.inlined {
		if f.name == name {
			c.notModeled(n, "recursive call to "+name)
			return nil, true
		}
	}
	if len(c.inlined) >= maxInline {
		c.notModeled(n, "call to "+name+" nested too deeply to inline")
		return nil, true
	}
	var params []*cnode
	if ps := funcDeclarator(fn).child("parameters"); ps != nil {
		for _, p := range ps.named() {
			if p.Type == "parameter_declaration" && declName(p.child("declarator"), c.u.src) != "" {
				params = append(params, p)
			}
		}
	}
	if len(params) != len(args) {
		c.notModeled(n, "call to "+name+" with "+fmt.Sprint(len(args))+" arguments for "+fmt.Sprint(len(params))+" parameters")
		return nil, true
	}
	// Arguments are evaluated in the caller's scope, then bound. What the
	// body could not compute reaches the caller only through the result.
	u0 := c.unknown
	saved := c.pre
	c.pre = nil
	var binds []syntax.Stmt
	scope := map[string]*local{}
	for i, p := range params {
		pd := p.child("declarator")
		pname := declName(pd, c.u.src)
		if k, ok := fixed[i]; ok {
			reg := c.newReg(pname)
			c.taint(reg, false)
			scope[pname] = &local{reg: reg, k: &k}
			binds = append(binds, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: reg}, Value: intExpr(k)}, n))
			continue
		}
		if pd.Type == "pointer_declarator" {
			scope[pname] = &local{isPtr: true, ptr: c.quietPointee(args[i])}
			continue
		}
		u0 := c.unknown
		x := c.expr(args[i])
		reg := c.newReg(pname)
		c.taint(reg, c.unknown > u0)
		l := &local{reg: reg}
		if !mutableNames(fn, c.u.src)[pname] {
			if k, ok := c.constValue(args[i]); ok {
				l.k = &k
			}
		}
		scope[pname] = l
		binds = append(binds, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: reg}, Value: x}, args[i]))
	}
	frame := inlineFrame{name: name}
	if used {
		frame.ret = c.fresh(name + "_ret")
		binds = append(binds, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: frame.ret}})
	}
	binds = append(c.pre, binds...)
	c.inlined = append(c.inlined, frame)
	outer, outerMut := c.scopes, c.mutable
	c.scopes, c.mutable = []map[string]*local{scope}, mutableNames(fn, c.u.src)
	body := c.block(fn.child("body"), nil)
	c.scopes, c.mutable = outer, outerMut
	c.inlined = c.inlined[:len(c.inlined)-1]
	c.pre = append(append(saved, binds...), body)
	c.unknown = u0
	if !used {
		return nil, true
	}
	if c.tainted[frame.ret] {
		c.unknown++
	}
	return at(c, &syntax.Ident{Name: frame.ret}, n), true
}
