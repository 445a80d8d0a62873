package ide

import (
	"github.com/litmusls/litmusls/syntax"
)

// Definition finds where the name at byte offset off of f is declared:
//
//   - a shared variable: inside a thread, the parameter that brings it
//     in; elsewhere (and on a parameter), its init item, or else the first
//     thread parameter of that name, or else (BPF) its first mention in
//     the init block;
//   - a register: its declaration in its thread, or else its init item
//     ("0:r1=x;"), or else the first assignment to it; "1:r0" in a final
//     clause leads into P1.
//
// src is f's source, or nil. It returns the span of the declared name and
// the span of the name at off; ok is false when off is not on a variable
// or a register, or no declaration is found.
func Definition(f *syntax.File, src []byte, off int) (target, origin syntax.Span, ok bool) {
	if f == nil {
		return syntax.Span{}, syntax.Span{}, false
	}
	ix := newIndex(f, src)
	r, ok := ix.at(off)
	if !ok {
		return syntax.Span{}, syntax.Span{}, false
	}
	switch r.Kind {
	case RefRegister:
		d, ok := ix.registerDecl(r.Thread, r.Name)
		return d.span, r.Span, ok
	case RefVariable:
		t := r.Thread
		if r.Decl {
			t = -1
		}
		sp, ok := ix.variableDecl(r.Name, t)
		return sp, r.Span, ok
	}
	return syntax.Span{}, syntax.Span{}, false
}

// variableDecl finds the declaration of shared variable name as seen from
// thread t (-1: outside threads).
func (ix *index) variableDecl(name string, t int) (syntax.Span, bool) {
	for _, th := range ix.f.Threads {
		if th.Index != t {
			continue
		}
		for _, p := range th.Params {
			if p.Name != nil && p.Name.Name == name {
				return p.Name.Span, true
			}
		}
	}
	if ix.f.Init != nil {
		for _, it := range ix.f.Init.Items {
			if it.Loc.Thread < 0 && it.Loc.Name == name {
				return ix.nameSpan(it.Loc), true
			}
		}
	}
	var first *syntax.Param
	for _, th := range ix.f.Threads {
		for _, p := range th.Params {
			if first == nil && p.Name != nil && p.Name.Name == name {
				first = p
			}
		}
	}
	if first != nil {
		return first.Name.Span, true
	}
	// BPF tests name variables only as the values of register init items.
	if ix.f.Init != nil {
		for _, r := range ix.refs {
			if r.Kind == RefVariable && r.Name == name && ix.f.Init.Span.Contains(r.Span.Start) {
				return r.Span, true
			}
		}
	}
	return syntax.Span{}, false
}
