package bpfc

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file resolves C lvalues to shared locations: globals, fields,
// array elements (a computed index becomes a choice among the elements),
// map values, skeleton sections and what pointers point to.

// objectOf resolves an lvalue, or returns nil after a note.
func (c *lowerer) objectOf(n *cnode) *obj {
	if n == nil {
		return nil
	}
	switch n.Type {
	case "identifier":
		name := c.text(n)
		if l := c.lookup(name); l != nil {
			if l.reg != "" {
				return &obj{reg: l.reg}
			}
			if l.regs != nil {
				return &obj{lst: l}
			}
			c.notModeled(n, name+", "+func() string {
				if l.isPtr {
					return "a pointer local"
				}
				return l.opaque
			}())
			return nil
		}
		if g := c.a.global(name); g != nil {
			return &obj{g: g, volatile: g.volatile}
		}
		if c.a.isAgg(name) {
			return &obj{agg: name}
		}
		if c.a.arrays[name] > 0 {
			return &obj{arr: name, volatile: c.a.volatileArray(name)}
		}
		c.notModeled(n, "unknown variable "+name)
		return nil
	case "parenthesized_expression":
		if nm := n.named(); len(nm) == 1 {
			return c.objectOf(nm[0])
		}
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "*" {
			return c.pointee(n.child("argument"))
		}
	case "field_expression":
		arg, field := n.child("argument"), c.text(n.child("field"))
		var base *obj
		if isSkelSection(arg, c.u.src) {
			base = &obj{skel: true}
		} else if n.hasKid("->") {
			base = c.pointee(arg)
		} else {
			base = c.objectOf(arg)
		}
		if base == nil {
			return nil
		}
		path := field
		if base.lst != nil {
			sub := base.sub + "." + field
			if reg, ok := base.lst.regs[sub]; ok {
				return &obj{reg: reg}
			}
			o := &obj{lst: base.lst, sub: sub}
			if _, ok := c.structLeaves(o); ok {
				return o
			}
			c.notModeled(n, "field "+c.short(n))
			return nil
		}
		if base.dyn != nil {
			// A field of an element at a computed index.
			return &obj{arr: base.arr, dyn: base.dyn, sub: base.sub + "." + field, volatile: base.volatile}
		}
		if !base.skel {
			if base.agg == "" {
				c.notModeled(n, "field access "+c.short(n))
				return nil
			}
			path = base.agg + "." + field
		}
		if g := c.a.global(path); g != nil {
			return &obj{g: g, volatile: base.volatile || g.volatile}
		}
		if c.a.isAgg(path) {
			return &obj{agg: path, volatile: base.volatile}
		}
		if c.a.arrays[path] > 0 {
			return &obj{arr: path, volatile: base.volatile || c.a.volatileArray(path)}
		}
		c.notModeled(n, "unknown global "+path)
		return nil
	case "subscript_expression":
		base := c.objectOf(n.child("argument"))
		if base == nil {
			return nil
		}
		if base.arr == "" || base.dyn != nil {
			c.notModeled(n, "element of "+c.short(n.child("argument"))+", which is not a global array")
			return nil
		}
		idx := n.child("index")
		if k, ok := c.constValue(idx); ok {
			p := fmt.Sprintf("%s[%d]", base.arr, k)
			if c.a.isAgg(p) {
				return &obj{agg: p, volatile: base.volatile}
			}
			g := c.a.global(p)
			if g == nil {
				c.notModeled(n, fmt.Sprintf("element %d of %s, out of its bounds", k, base.arr))
				return nil
			}
			return &obj{g: g, volatile: base.volatile || g.volatile}
		}
		return &obj{arr: base.arr, dyn: idx, volatile: base.volatile}
	}
	c.notModeled(n, "lvalue "+c.short(n))
	return nil
}

// isSkelSection reports whether n is a libbpf skeleton section, as in
// skel->bss, skel->data, skel->rodata, skel->data_foo.
func isSkelSection(n *cnode, src []byte) bool {
	if n == nil || n.Type != "field_expression" {
		return false
	}
	f := n.child("field").text(src)
	for _, s := range []string{"bss", "data", "rodata"} {
		if f == s || strings.HasPrefix(f, s+"_") {
			return true
		}
	}
	return false
}

// pointee resolves a pointer expression to what it points to, or returns
// nil after a note.
func (c *lowerer) pointee(n *cnode) *obj {
	if n == nil {
		return nil
	}
	switch n.Type {
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "&" {
			return c.objectOf(n.child("argument"))
		}
	case "identifier":
		if l := c.lookup(c.text(n)); l != nil && l.isPtr {
			if l.ptr == nil {
				c.notModeled(n, "pointer "+c.text(n)+" whose target is unknown")
				return nil
			}
			cp := *l.ptr
			cp.volatile = cp.volatile || l.vol
			return &cp
		}
	case "parenthesized_expression":
		if nm := n.named(); len(nm) == 1 {
			return c.pointee(nm[0])
		}
	case "cast_expression":
		o := c.pointee(n.child("value"))
		if o != nil && strings.Contains(c.text(n.child("type")), "volatile") {
			cp := *o
			cp.volatile = true
			return &cp
		}
		return o
	case "field_expression":
		// A skeleton section as a pointer: "bss = skel->bss".
		if isSkelSection(n, c.u.src) {
			return &obj{skel: true}
		}
	case "call_expression":
		if o := c.mapLookup(n); o != nil {
			return o
		}
		c.notModeled(n, "pointer returned by "+c.short(n.child("function")))
		return nil
	}
	c.notModeled(n, "pointer "+c.short(n))
	return nil
}

// elements returns the locations of the elements of array o.arr, after a
// note on the computed index.
func (c *lowerer) elements(o *obj, n *cnode) []string {
	c.note(n, NoteTranslation, "computed index into "+o.arr+": one branch per element")
	var out []string
	for k := 0; k < c.a.arrays[o.arr]; k++ {
		g := c.a.global(fmt.Sprintf("%s[%d]%s", o.arr, k, o.sub))
		if g == nil || g.reason != "" || g.lock {
			c.notModeled(n, fmt.Sprintf("element %d of %s%s", k, o.arr, o.sub))
			return nil
		}
		out = append(out, c.use(g))
	}
	return out
}

// index lowers the index n of an element computed at run time into a
// value usable twice, or nil when the translation cannot compute it.
func (c *lowerer) index(n *cnode) syntax.Expr {
	u0 := c.unknown
	x := c.pure(c.expr(n), n)
	if c.unknown > u0 {
		c.approximated(n, "index "+c.short(n)+" depends on values the translation cannot compute: any element, in different executions")
		return nil
	}
	return x
}

// chain builds "if (idx == 0) body(0) else if (idx == 1) body(1) ...";
// with idx nil (an index the translation cannot compute) each test is an
// unknown truth value and the last element the remaining case.
func (c *lowerer) chain(idx syntax.Expr, locs []string, n *cnode, body func(loc string) syntax.Stmt) syntax.Stmt {
	var s syntax.Stmt
	for k := len(locs) - 1; k >= 0; k-- {
		if idx == nil {
			then := at(c, &syntax.BlockStmt{Stmts: []syntax.Stmt{body(locs[k])}}, n)
			if s == nil {
				s = then
				continue
			}
			s = at(c, &syntax.IfStmt{Cond: c.unknownBool(n), Then: then, Else: s}, n)
			continue
		}
		cond := &syntax.BinaryExpr{Op: "==", X: idx, Y: intExpr(int64(k))}
		then := at(c, &syntax.BlockStmt{Stmts: []syntax.Stmt{body(locs[k])}}, n)
		s = at(c, &syntax.IfStmt{Cond: cond, Then: then, Else: s}, n)
	}
	return s
}

// dynLoad reads the element of an array at an index computed at run time,
// into a fresh register through a chain of ifs.
func (c *lowerer) dynLoad(o *obj, n *cnode, once bool) syntax.Expr {
	idx := c.index(o.dyn)
	locs := c.elements(o, n)
	if locs == nil {
		return c.zero(n)
	}
	t := c.fresh("t")
	c.pre = append(c.pre, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}})
	c.pre = append(c.pre, c.chain(idx, locs, n, func(loc string) syntax.Stmt {
		rd := c.deref(loc, n)
		if once {
			rd = at(c, call("READ_ONCE", rd), n)
		}
		return at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t}, Y: rd}}, n)
	}))
	return &syntax.Ident{Name: t}
}

// dynStore writes v (lowered from vn) to the element of an array at an
// index computed at run time, through a chain of ifs.
func (c *lowerer) dynStore(o *obj, n *cnode, op string, v syntax.Expr, vn *cnode, once bool) {
	v = c.pure(v, vn)
	idx := c.index(o.dyn)
	locs := c.elements(o, n)
	if locs == nil {
		return
	}
	c.pre = append(c.pre, c.chain(idx, locs, n, func(loc string) syntax.Stmt {
		if once {
			return at(c, &syntax.ExprStmt{X: c.writeOnce(loc, op, v, n, n)}, n)
		}
		return at(c, &syntax.ExprStmt{X: at(c, &syntax.AssignExpr{Op: op, X: c.deref(loc, n), Y: v}, n)}, n)
	}))
}

// quietPointee resolves the value a pointer local is given. A pointer
// that cannot be resolved (a skeleton, a helper's result) is noted only
// where it is dereferenced.
func (c *lowerer) quietPointee(n *cnode) *obj {
	c.quiet++
	o := c.pointee(n)
	c.quiet--
	return o
}

// lookupHelpers return a pointer to the value of their map (first
// argument) for a key or an object: bpf_map_lookup_elem and the local
// storage getters (a task's, a cgroup's, ...; every object names the one
// element, as every key does).
var lookupHelpers = map[string]bool{
	"bpf_map_lookup_elem": true, "bpf_task_storage_get": true, "bpf_cgrp_storage_get": true,
	"bpf_inode_storage_get": true, "bpf_sk_storage_get": true,
}

// mapLookup resolves bpf_map_lookup_elem(&map, key) (or a lookupHelpers
// call) to the element of a map defined in the scenario's files, or
// returns nil. Keys are not modeled: the map has one element, which every
// key names.
func (c *lowerer) mapLookup(n *cnode) *obj {
	fn := n.child("function")
	if fn == nil || !lookupHelpers[c.text(fn)] {
		return nil
	}
	var args []*cnode
	if al := n.child("arguments"); al != nil {
		args = al.named()
	}
	if len(args) < 2 || args[0].Type != "pointer_expression" {
		return nil
	}
	name := c.text(args[0].child("argument"))
	if !c.a.maps[name] {
		return nil
	}
	g := c.a.global(name)
	if g == nil || g.reason == "" {
		quiet := c.quiet
		c.quiet = 0
		c.note(n, NoteTranslation, "every key of map "+name+" names one element: accesses through different keys are taken to conflict")
		c.quiet = quiet
	}
	if g != nil {
		return &obj{g: g}
	}
	return &obj{agg: name}
}
