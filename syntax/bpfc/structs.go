package bpfc

import (
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file models struct locals (one register per scalar field) and the
// copy of a whole struct: "struct pair snap = p;", "g = snap;",
// "*dst = *src;", field by field.

// leafPaths returns the paths of the scalar fields of a struct type
// (".a", ".b.c", ".buf[1]"), with their initial values from value (an
// initializer or nil); ok is false when a field cannot be modeled (a
// pointer, a union, a lock).
func (c *lowerer) leafPaths(typ, value *cnode) (paths []string, inits []int64, ok bool) {
	u := c.u
	collect := func(tmp *unit) ([]string, []int64, bool) {
		for _, g := range tmp.globals {
			if g.reason != "" || g.lock || g.path == "" {
				return nil, nil, false
			}
			paths = append(paths, g.path)
			inits = append(inits, g.init)
		}
		return paths, inits, len(paths) > 0
	}
	scratch := func(o *unit) *unit {
		return &unit{name: o.name, src: o.src, lines: o.lines, byName: map[string]*global{}, aggs: map[string]bool{},
			structs: o.structs, types: o.types, consts: o.consts, macros: o.macros, arrays: map[string]int{}}
	}
	tmp := scratch(u)
	tmp.object("", typ, value, Loc{}, 0)
	if p, i, ok := collect(tmp); ok {
		return p, i, ok
	}
	// The struct may be defined in another file of the scenario (a BPF
	// program's, which user space has from the skeleton); an
	// initializer is then taken as zeros.
	if typ == nil || typ.Type != "struct_specifier" || typ.child("name") == nil {
		return nil, nil, false
	}
	name := typ.child("name").text(u.src)
	for _, o := range c.a.units {
		if body := o.structs[name]; body != nil && o != u {
			paths, inits = nil, nil
			tmp := scratch(o)
			tmp.fields("", body, nil, Loc{}, 1)
			return collect(tmp)
		}
	}
	return nil, nil, false
}

// structLocal declares the struct local name of type typ (declarator d
// of declaration n): a register per scalar field, set from value, an
// initializer or a struct to copy.
func (c *lowerer) structLocal(name string, typ, value, d, n *cnode) []syntax.Stmt {
	var init *cnode
	if value != nil && value.Type == "initializer_list" {
		init = value
	}
	leaves, inits, ok := c.leafPaths(typ, init)
	if !ok {
		c.declare(name, &local{opaque: "a struct local whose fields are not all scalars"})
		if value != nil {
			c.notModeled(value, "the initial value of the struct local "+name)
		}
		return nil
	}
	l := &local{leaves: leaves, regs: map[string]string{}}
	var out []syntax.Stmt
	for i, f := range leaves {
		reg := c.newReg(name + strings.NewReplacer(".", "_", "[", "_", "]", "").Replace(f))
		l.regs[f] = reg
		if _, ok := c.condRegs[name+f]; !ok {
			c.condRegs[name+f] = reg // "THREAD:r.val" in a condition
		}
		var v syntax.Expr
		if init != nil {
			v = intExpr(inits[i])
		}
		out = append(out, at(c, &syntax.DeclStmt{Type: intType(), Name: at(c, &syntax.Ident{Name: reg}, d), Value: v}, n))
	}
	c.declare(name, l)
	if value != nil && init == nil {
		out = append(out, c.pre...)
		c.pre = nil
		if src := c.objectOf(value); src != nil {
			out = append(out, c.copyStruct(&obj{lst: l}, src, value, n)...)
		}
		out = append(out, c.pre...)
		c.pre = nil
	}
	return out
}

// structLeaves returns the field paths, relative to o, of the struct o
// denotes (a struct local or part of one, a struct global), or ok false.
func (c *lowerer) structLeaves(o *obj) (out []string, ok bool) {
	switch {
	case o.lst != nil:
		for _, f := range o.lst.leaves {
			if rest, found := strings.CutPrefix(f, o.sub); found && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[")) {
				out = append(out, rest)
			}
		}
	case o.dyn != nil:
		// An element at a computed index: element 0's fields.
		for _, g := range c.a.order {
			if rest, found := strings.CutPrefix(g.path, o.arr+"[0]"+o.sub); found && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[")) {
				out = append(out, rest)
			}
		}
	case o.agg != "" && o.g == nil:
		for _, g := range c.a.order {
			if rest, found := strings.CutPrefix(g.path, o.agg); found && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "[")) {
				out = append(out, rest)
			}
		}
	}
	return out, len(out) > 0
}

// leaf returns the field at path sfx of the struct o as an obj.
func (c *lowerer) leaf(o *obj, sfx string) *obj {
	if o.dyn != nil {
		return &obj{arr: o.arr, dyn: o.dyn, sub: o.sub + sfx, volatile: o.volatile}
	}
	if o.lst != nil {
		if reg, ok := o.lst.regs[o.sub+sfx]; ok {
			return &obj{reg: reg}
		}
		return nil
	}
	if g := c.a.global(o.agg + sfx); g != nil {
		return &obj{g: g, volatile: o.volatile || g.volatile}
	}
	return nil
}

// copyStruct copies the struct src to the struct dst, field by field
// (n is the copy in the C, srcN the source expression); nothing when
// their fields differ, with a note.
func (c *lowerer) copyStruct(dst, src *obj, srcN, n *cnode) []syntax.Stmt {
	dl, ok1 := c.structLeaves(dst)
	sl, ok2 := c.structLeaves(src)
	if !ok1 || !ok2 || strings.Join(dl, ",") != strings.Join(sl, ",") {
		c.notModeled(n, "struct copy "+c.short(n)+" (the structs' fields differ or are unknown)")
		return nil
	}
	var out []syntax.Stmt
	for _, f := range dl {
		s, d := c.leaf(src, f), c.leaf(dst, f)
		if s == nil || d == nil {
			c.notModeled(n, "struct copy "+c.short(n))
			return nil
		}
		v := c.load(s, srcN, false)
		if d.reg != "" {
			out = append(out, at(c, &syntax.ExprStmt{X: at(c, &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: d.reg}, Y: v}, n)}, n))
			continue
		}
		name := c.location(d, n, false)
		if name == "" {
			return nil
		}
		if d.volatile {
			out = append(out, at(c, &syntax.ExprStmt{X: c.writeOnce(name, "=", v, n, n)}, n))
		} else {
			out = append(out, at(c, &syntax.ExprStmt{X: at(c, &syntax.AssignExpr{Op: "=", X: c.deref(name, n), Y: v}, n)}, n))
		}
	}
	return out
}
