package cat

import (
	"math/bits"

	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// This file evaluates matches on tags and on sets, "try" and "if".

func (n *cMatch) eval(r *run, env *frame) Value {
	v := n.x.eval(r, env)
	switch v := v.(type) {
	case *tagValue:
		if e, ok := n.clauses[v.name]; ok {
			return e.eval(r, env)
		}
		if n.def != nil {
			return n.def.eval(r, env)
		}
		fail(n.at, "pattern matching failed on value '%s'", v.name)
	case emptyValue:
		fail(n.x.pos(), "matching on empty")
	case univValue:
		fail(n.x.pos(), "matching on universe")
	}
	fail(n.x.pos(), "matching on non-tag value of type '%s'", typeOf(v))
	return nil
}

func (n *cMatchSet) eval(r *run, env *frame) Value {
	v := n.x.eval(r, env)
	var elem, pre, rest Value
	switch v := v.(type) {
	case emptyValue:
		return n.empty.eval(r, env)
	case univValue:
		fail(n.at, "Cannot set-match on universe")
	case checker.Set:
		if v.Empty() {
			return n.empty.eval(r, env)
		}
		if !n.split {
			e := firstElem(v)
			rs := v.Clone()
			rs.Remove(e)
			elem, rest = event(e), rs
			break
		}
		evs := setElems(v)
		k := n.pick(len(evs))
		elem = event(evs[k])
		before, after := checker.NewSet(r.sc.n), checker.NewSet(r.sc.n)
		for i, e := range evs {
			switch {
			case i < k:
				before.Add(e)
			case i > k:
				after.Add(e)
			}
		}
		pre, rest = before, after
	case checker.Rel:
		if v.Empty() {
			return n.empty.eval(r, env)
		}
		if !n.split {
			var p pair
			for a := 0; a < v.N(); a++ {
				if row := v.Row(a); !row.Empty() {
					p = pair{a, firstElem(row)}
					break
				}
			}
			rs := v.Clone()
			rs.Remove(p[0], p[1])
			elem, rest = p, rs
			break
		}
		var ps []pair
		v.Each(func(a, b int) { ps = append(ps, pair{a, b}) })
		k := n.pick(len(ps))
		elem = ps[k]
		before, after := checker.NewRel(r.sc.n), checker.NewRel(r.sc.n)
		for i, p := range ps {
			switch {
			case i < k:
				before.Add(p[0], p[1])
			case i > k:
				after.Add(p[0], p[1])
			}
		}
		pre, rest = before, after
	case *valSet:
		if len(v.elems) == 0 {
			return n.empty.eval(r, env)
		}
		k := n.pick(len(v.elems))
		elem = v.elems[k]
		pre = &valSet{elem: v.elem, elems: v.elems[:k:k]}
		rest = &valSet{elem: v.elem, elems: v.elems[k+1:]}
	default:
		fail(n.x.pos(), "set-matching on non-set value of type '%s'", typeOf(v))
	}
	if n.body == nil {
		fail(n.at, "pattern matching failed")
	}
	fr := &frame{parent: env, slots: make([]Value, n.size)}
	if n.pre >= 0 {
		fr.slots[n.pre] = pre
	}
	if n.elem >= 0 {
		fr.slots[n.elem] = elem
	}
	if n.rest >= 0 {
		fr.slots[n.rest] = rest
	}
	return n.body.eval(r, fr)
}

// pick chooses the element a set match takes: the least one for "x ++
// rest", a middle one for "pre | x ++ rest" (herd7's choose and split3).
func (n *cMatchSet) pick(k int) int {
	if n.split {
		return k / 2
	}
	return 0
}

// firstElem returns the least element of a non-empty set.
func firstElem(s checker.Set) int {
	for i, w := range s {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// setElems lists the events of s in increasing order.
func setElems(s checker.Set) []int {
	var out []int
	s.Each(func(e int) { out = append(out, e) })
	return out
}

func (n *cTry) eval(r *run, env *frame) Value {
	if v, ok := r.try(func() Value { return n.x.eval(r, env) }); ok {
		return v
	}
	return n.def.eval(r, env)
}

// try runs f and reports false if that raises an evaluation error.
func (r *run) try(f func() Value) (v Value, ok bool) {
	calls := r.calls
	defer func() {
		if e := recover(); e != nil {
			if _, isEval := e.(*evalError); !isEval {
				panic(e)
			}
			v, ok, r.calls = nil, false, calls
		}
	}()
	return f(), true
}

func (n *cIf) eval(r *run, env *frame) Value {
	if r.cond(n, env) {
		return n.then.eval(r, env)
	}
	return n.els.eval(r, env)
}

func (r *run) cond(n *cIf, env *frame) bool {
	switch n.op {
	case ast.CondIn:
		v := n.x.eval(r, env)
		switch v := v.(type) {
		case event:
			return r.asEvents(n.y.pos(), n.y.eval(r, env)).Has(int(v))
		case pair:
			return r.asRel(n.y.pos(), n.y.eval(r, env)).Has(v[0], v[1])
		case tuple:
			if len(v) == 2 {
				a, ok1 := v[0].(event)
				b, ok2 := v[1].(event)
				if ok1 && ok2 {
					return r.asRel(n.y.pos(), n.y.eval(r, env)).Has(int(a), int(b))
				}
			}
		}
		w := n.y.eval(r, env)
		if s, ok := w.(*valSet); ok {
			t := typeOf(v)
			if _, ok := eqType(t, s.elem); !ok {
				fail(n.x.pos(), "type %s expected, %s found", s.elem, t)
			}
			return located(n.at, func() Value { return s.has(v) }).(bool)
		}
		fail(n.y.pos(), "set expected, found %s", typeOf(w))
	case ast.CondEq:
		a, b := n.x.eval(r, env), n.y.eval(r, env)
		return located(n.at, func() Value { return compareValues(a, b) == 0 }).(bool)
	case ast.CondSubset:
		a, b := n.x.eval(r, env), n.y.eval(r, env)
		t, ok := eqType(typeOf(a), typeOf(b))
		if !ok {
			fail(n.y.pos(), "type %s expected, %s found", typeOf(a), typeOf(b))
		}
		switch t.k {
		case tRel:
			return relSubset(r.asRel(n.x.pos(), a), r.asRel(n.y.pos(), b))
		case tEvents:
			return setSubset(r.asEvents(n.x.pos(), a), r.asEvents(n.y.pos(), b))
		case tSet:
			as, _ := a.(*valSet)
			bs, _ := b.(*valSet)
			if as == nil {
				return true
			}
			if bs == nil {
				return len(as.elems) == 0
			}
			return located(n.at, func() Value { return as.subset(bs) }).(bool)
		}
		fail(n.at, "cannot perform subset on type '%s'", t)
	}
	panic("unreachable")
}

// relSubset reports whether a ⊆ b.
func relSubset(a, b checker.Rel) bool {
	for i := 0; i < a.N(); i++ {
		if !setSubset(a.Row(i), b.Row(i)) {
			return false
		}
	}
	return true
}

// setSubset reports whether a ⊆ b.
func setSubset(a, b checker.Set) bool {
	for i, w := range a {
		if w&^b[i] != 0 {
			return false
		}
	}
	return true
}
