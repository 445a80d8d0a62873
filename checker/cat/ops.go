package cat

import (
	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// This file evaluates the operators on sets and relations: union,
// sequence, intersection, difference, cartesian product and "++", with
// herd7's treatment of the empty value, the universe, tags and sets of
// values, and its type errors.

func (n *cUnion) eval(r *run, env *frame) Value {
	var buf [8]Value
	var ibuf [8]int
	vs, from := buf[:0], ibuf[:0] // the values kept, and their operands
	univ := false
	for i, a := range n.args {
		v := a.eval(r, env)
		switch v.(type) {
		case emptyValue:
			continue
		case univValue:
			univ = true
		}
		vs = append(vs, tagToSet(v))
		from = append(from, i)
	}
	if univ {
		return theUniv
	}
	switch len(vs) {
	case 0:
		return theEmpty
	case 1:
		if _, ok := vs[0].(checker.Rel); ok {
			return vs[0]
		}
	}
	t := typeOf(vs[0])
	for i := 1; i < len(vs); i++ {
		ti := typeOf(vs[i])
		u, ok := eqType(t, ti)
		if !ok {
			fail(n.args[from[i]].pos(), "type %s expected, %s found", t, ti)
		}
		t = u
	}
	switch t.k {
	case tRel:
		out := vs[0].(checker.Rel).Clone()
		for _, v := range vs[1:] {
			out.UnionWith(v.(checker.Rel))
		}
		return out
	case tEvents:
		out := vs[0].(checker.Set).Clone()
		for _, v := range vs[1:] {
			for i, w := range v.(checker.Set) {
				out[i] |= w
			}
		}
		return out
	case tSet:
		return located(n.at, func() Value {
			out := vs[0].(*valSet)
			for _, v := range vs[1:] {
				out = mergeSets(t.elems[0], out, v.(*valSet), func(a, b bool) bool { return a || b })
			}
			out.elem = t.elems[0]
			return out
		})
	}
	fail(n.at, "cannot perform union on type '%s'", t)
	return nil
}

// Sequences. An operand is the universe (which herd7 skips), the identity
// on a set (an operand "[e]"), or a relation; an empty operand makes the
// whole sequence empty at once, without evaluating what follows.

type seqKind uint8

const (
	seqUniv seqKind = iota
	seqID
	seqRel
)

type seqVal struct {
	k   seqKind
	s   checker.Set
	rel checker.Rel
}

// arg evaluates operand i; empty reports an empty operand.
func (n *cSeq) arg(r *run, env *frame, i int) (x seqVal, empty bool) {
	if e := n.toID[i]; e != nil {
		switch v := e.eval(r, env).(type) {
		case checker.Set:
			return seqVal{k: seqID, s: v}, false
		case emptyValue:
			return x, true
		case univValue:
			return seqVal{k: seqUniv}, false
		default:
			errorType(e.pos(), "events", v)
		}
	}
	switch v := n.args[i].eval(r, env).(type) {
	case checker.Rel:
		return seqVal{k: seqRel, rel: v}, false
	case pair:
		return seqVal{k: seqRel, rel: r.singleton(v)}, false
	case emptyValue:
		return x, true
	case univValue:
		return seqVal{k: seqUniv}, false
	default:
		errorType(n.args[i].pos(), "rel", v)
	}
	return x, true
}

func (n *cSeq) from(r *run, env *frame, i int) (seqVal, bool) {
	if i == len(n.args) {
		return seqVal{k: seqUniv}, false
	}
	x, empty := n.arg(r, env, i)
	if empty {
		return x, true
	}
	switch x.k {
	case seqUniv:
		return n.from(r, env, i+1)
	case seqID:
		return n.fromID(r, env, x.s, i+1)
	}
	return n.fromRel(r, env, x.rel, false, i+1)
}

func (n *cSeq) fromID(r *run, env *frame, s checker.Set, i int) (seqVal, bool) {
	for {
		if s.Empty() {
			return seqVal{}, true
		}
		if i == len(n.args) {
			return seqVal{k: seqID, s: s}, false
		}
		x, empty := n.arg(r, env, i)
		if empty {
			return x, true
		}
		i++
		switch x.k {
		case seqID:
			s = s.Inter(x.s)
		case seqRel:
			return n.fromRel(r, env, x.rel.Restrict(s, nil), true, i)
		}
	}
}

// fromRel continues a sequence from rel; owned says rel was made here and
// may be changed in place.
func (n *cSeq) fromRel(r *run, env *frame, rel checker.Rel, owned bool, i int) (seqVal, bool) {
	for {
		if rel.Empty() {
			return seqVal{}, true
		}
		if i == len(n.args) {
			return seqVal{k: seqRel, rel: rel}, false
		}
		x, empty := n.arg(r, env, i)
		if empty {
			return x, true
		}
		i++
		switch x.k {
		case seqID:
			y, empty := n.fromID(r, env, x.s, i)
			if empty {
				return y, true
			}
			switch y.k {
			case seqUniv:
				return seqVal{k: seqRel, rel: rel}, false
			case seqID:
				if owned {
					rel.RestrictWith(nil, y.s)
					return seqVal{k: seqRel, rel: rel}, false
				}
				return seqVal{k: seqRel, rel: rel.Restrict(nil, y.s)}, false
			}
			return seqVal{k: seqRel, rel: rel.Seq(y.rel)}, false
		case seqRel:
			rel, owned = rel.Seq(x.rel), true
		}
	}
}

func (n *cSeq) eval(r *run, env *frame) Value {
	x, empty := n.from(r, env, 0)
	switch {
	case empty:
		return theEmpty
	case x.k == seqUniv:
		return r.sc.unv
	case x.k == seqID:
		return checker.Identity(r.sc.n, x.s)
	}
	return x.rel
}

func (n *cBinary) eval(r *run, env *frame) Value {
	switch n.op {
	case ast.Cartesian:
		a := r.asEvents(n.a.pos(), n.a.eval(r, env))
		b := r.asEvents(n.b.pos(), n.b.eval(r, env))
		return checker.Cross(r.sc.n, a, b)
	case ast.Add:
		return r.add(n, n.a.eval(r, env), n.b.eval(r, env))
	}
	return r.inter(n, tagToSet(n.a.eval(r, env)), tagToSet(n.b.eval(r, env)))
}

// notSetLike reports the values that no set operation takes.
func notSetLike(v Value) bool {
	switch v.(type) {
	case event, pair, *closure, *prim, *proc, tuple:
		return true
	}
	return false
}

func (r *run) inter(n *cBinary, a, b Value) Value {
	switch a := a.(type) {
	case checker.Rel:
		if b, ok := b.(checker.Rel); ok {
			return a.Inter(b)
		}
	case checker.Set:
		if b, ok := b.(checker.Set); ok {
			return a.Inter(b)
		}
	case *valSet:
		if b, ok := b.(*valSet); ok {
			return located(n.at, func() Value {
				return mergeSets(a.elem, a, b, func(x, y bool) bool { return x && y })
			})
		}
	}
	switch {
	case isUniv(a):
		return b
	case isUniv(b):
		return a
	case isEmpty(a) || isEmpty(b):
		return theEmpty
	case notSetLike(a):
		fail(n.a.pos(), "intersection on %s", typeOf(a))
	case notSetLike(b):
		fail(n.b.pos(), "intersection on %s", typeOf(b))
	}
	_, aRel := a.(checker.Rel)
	_, bRel := b.(checker.Rel)
	if aRel != bRel {
		fail(n.at, "mixing sets and relations in intersection")
	}
	fail(n.at, "mixing event sets and sets in intersection")
	return nil
}

func isUniv(v Value) bool  { _, ok := v.(univValue); return ok }
func isEmpty(v Value) bool { _, ok := v.(emptyValue); return ok }

func (n *cDiff) eval(r *run, env *frame) Value {
	a := tagToSet(n.a.eval(r, env))
	b := tagToSet(n.b.eval(r, env))
	switch a := a.(type) {
	case checker.Rel:
		switch b := b.(type) {
		case checker.Rel:
			return a.Diff(b)
		case univValue:
			return theEmpty
		case emptyValue:
			return a
		}
	case checker.Set:
		switch b := b.(type) {
		case checker.Set:
			return a.Diff(b)
		case univValue:
			return theEmpty
		case emptyValue:
			return a
		}
	case *valSet:
		switch b := b.(type) {
		case *valSet:
			return located(n.at, func() Value {
				return mergeSets(a.elem, a, b, func(x, y bool) bool { return x && !y })
			})
		case univValue:
			return theEmpty
		case emptyValue:
			return a
		}
	case univValue:
		switch b := b.(type) {
		case checker.Rel:
			return r.sc.unv.Diff(b)
		case checker.Set:
			return r.sc.all.Diff(b)
		case *valSet:
			if b.elem.k == tTag {
				return mergeSets(b.elem, r.m.prog.tagUniverse(b.elem), b, func(x, y bool) bool { return x && !y })
			}
			fail(n.a.pos(), "cannot build universe for element type %s", b.elem)
		case emptyValue:
			return theUniv
		case univValue:
			return theEmpty
		}
	case emptyValue:
		switch b.(type) {
		case checker.Rel, checker.Set, emptyValue, *valSet, univValue:
			return theEmpty
		}
	}
	switch {
	case notSetLike(a):
		fail(n.a.pos(), "difference on %s", typeOf(a))
	case notSetLike(b):
		fail(n.b.pos(), "difference on %s", typeOf(b))
	}
	_, aRel := a.(checker.Rel)
	_, bRel := b.(checker.Rel)
	if aRel != bRel {
		fail(n.at, "mixing set and relation in difference")
	}
	fail(n.at, "mixing event set and set in difference")
	return nil
}

func (n *cRestrict) eval(r *run, env *frame) Value {
	rel := r.asRel(n.r.pos(), n.r.eval(r, env))
	dom := r.asEvents(n.dom.pos(), n.dom.eval(r, env))
	rng := r.asEvents(n.rng.pos(), n.rng.eval(r, env))
	return rel.Restrict(dom, rng)
}

// add is "++": an element added to a set.
func (r *run) add(n *cBinary, a, b Value) Value {
	if isUniv(a) {
		fail(n.at, "universe in set ++")
	}
	switch b := b.(type) {
	case univValue:
		return theUniv
	case emptyValue:
		switch a := a.(type) {
		case event:
			s := checker.NewSet(r.sc.n)
			s.Add(int(a))
			return s
		case pair:
			return r.singleton(a)
		}
		return newValSet(typeOf(a), a)
	case *valSet:
		if isEmpty(a) && b.elem.k == tSet {
			return located(n.at, func() Value { return b.add(b.elem, &valSet{elem: b.elem.elems[0]}) })
		}
		return located(n.at, func() Value { return b.add(typeOf(a), a) })
	case checker.Rel:
		switch a := a.(type) {
		case pair:
			t := b.Clone()
			t.Add(a[0], a[1])
			return t
		case tuple:
			if len(a) == 2 {
				x, ok1 := a[0].(event)
				y, ok2 := a[1].(event)
				if ok1 && ok2 {
					t := b.Clone()
					t.Add(int(x), int(y))
					return t
				}
			}
		}
		fail(n.a.pos(), "this expression of type '%s' should be a pair", typeOf(b))
	case checker.Set:
		if a, ok := a.(event); ok {
			t := b.Clone()
			t.Add(int(a))
			return t
		}
		fail(n.a.pos(), "this expression of type '%s' should be an event", typeOf(a))
	}
	fail(n.b.pos(), "this expression of type '%s' should be a set", typeOf(b))
	return nil
}
