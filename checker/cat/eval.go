package cat

import (
	"math/bits"
	"sync/atomic"

	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// This file evaluates expressions, following herd7's interpreter
// (lib/interpreter.ml, function eval) case by case: what each operator does
// with the empty value and the universe, which operands it evaluates and
// in which order, where it stops early (a sequence stops at its first
// empty operand, so the operands after it are never evaluated), and which
// type errors it raises.

// A frame holds the bindings of one scope at run time. A slot holds a
// value, or a *thunk for a binding not evaluated yet.
type frame struct {
	parent *frame
	slots  []Value
}

// A thunk is a lazy binding: herd7 evaluates a let's right-hand side when
// the name is first used, so a binding nothing uses is never computed and
// its errors never raised.
type thunk struct {
	x   cexpr  // the expression, evaluated in env
	env *frame //
	sub *thunk // or: component idx of sub's value (a tuple pattern)
	idx int

	state uint8
	v     Value
	err   *evalError
}

const (
	thunkNew uint8 = iota
	thunkBusy
	thunkDone
	thunkFailed
)

func doneThunk(v Value) *thunk { return &thunk{state: thunkDone, v: v} }

// force evaluates t once; a failure is kept and raised again, as OCaml's
// lazy values do.
func (t *thunk) force(r *run) Value {
	switch t.state {
	case thunkDone:
		return t.v
	case thunkFailed:
		panic(t.err)
	case thunkBusy:
		fail(t.pos(), "value defined in terms of itself")
	}
	t.state = thunkBusy
	defer func() {
		if t.state == thunkBusy {
			t.state = thunkNew
			if e, ok := recover().(*evalError); ok {
				t.err, t.state = e, thunkFailed
				panic(e)
			} else if e != nil {
				panic(e)
			}
		}
	}()
	var v Value
	if t.sub != nil {
		vs := asList(t.sub.force(r))
		if t.idx >= len(vs) {
			fail(t.pos(), "binding mismatch")
		}
		v = vs[t.idx]
	} else {
		v = t.x.eval(r, t.env)
	}
	t.v, t.state = v, thunkDone
	t.env = nil
	return v
}

func (t *thunk) pos() pos {
	for t.sub != nil {
		t = t.sub
	}
	if t.x == nil {
		return pos{}
	}
	return t.x.pos()
}

// value returns the value of a slot, forcing it if needed.
func (r *run) value(v Value) Value {
	if t, ok := v.(*thunk); ok {
		return t.force(r)
	}
	return v
}

// asList splits a value into the components a tuple pattern binds
// (herd7's v_as_vs).
func asList(v Value) []Value {
	switch v := v.(type) {
	case tuple:
		return v
	case pair:
		return []Value{event(v[0]), event(v[1])}
	}
	return []Value{v}
}

// A cexpr is a compiled expression.
type cexpr interface {
	eval(r *run, env *frame) Value
	pos() pos
}

type (
	cConst struct {
		at pos
		v  Value
	}
	cEmptyRel struct{ at pos }
	cFail     struct {
		at  pos
		msg string
	}
	cVar struct {
		at          pos
		name        string
		depth, slot int
	}
	cExplicitSet struct {
		at    pos
		elems []cexpr
	}
	cTuple struct {
		at    pos
		elems []cexpr
	}
	cUnary struct {
		at pos
		op ast.UnaryOp
		x  cexpr
	}
	cUnion struct {
		at   pos
		args []cexpr
	}
	cSeq struct {
		at   pos
		args []cexpr
		toID []cexpr // for an operand "[e]", e; otherwise nil
	}
	cBinary struct { // &, *, ++
		at   pos
		op   ast.BinaryOp
		a, b cexpr
	}
	cDiff struct {
		at   pos
		a, b cexpr
	}
	cRestrict struct { // r & (dom * rng)
		at          pos
		r, dom, rng cexpr
	}
	cApp struct {
		at     pos
		f, arg cexpr
	}
	cLet struct {
		at    pos
		binds []*cBind
		body  cexpr
		size  *int
	}
	cLetRec struct {
		at   pos
		rec  *iLetRec
		body cexpr
		size *int
	}
	cFun struct {
		at     pos
		name   string
		params []int // slots, -1 for "_"
		body   cexpr
		size   int
	}
	cMatch struct {
		at      pos
		x       cexpr
		clauses map[string]cexpr
		def     cexpr // or nil
	}
	cMatchSet struct {
		at              pos
		x, empty        cexpr
		body            cexpr // nil when there is no element clause
		pre, elem, rest int   // slots
		split           bool  // "pre | x ++ rest"
		size            int
	}
	cTry struct {
		at     pos
		x, def cexpr
	}
	cIf struct {
		at              pos
		op              ast.CondOp
		x, y, then, els cexpr
	}
)

func (n *cConst) pos() pos       { return n.at }
func (n *cEmptyRel) pos() pos    { return n.at }
func (n *cFail) pos() pos        { return n.at }
func (n *cVar) pos() pos         { return n.at }
func (n *cExplicitSet) pos() pos { return n.at }
func (n *cTuple) pos() pos       { return n.at }
func (n *cUnary) pos() pos       { return n.at }
func (n *cUnion) pos() pos       { return n.at }
func (n *cSeq) pos() pos         { return n.at }
func (n *cBinary) pos() pos      { return n.at }
func (n *cDiff) pos() pos        { return n.at }
func (n *cRestrict) pos() pos    { return n.at }
func (n *cApp) pos() pos         { return n.at }
func (n *cLet) pos() pos         { return n.at }
func (n *cLetRec) pos() pos      { return n.at }
func (n *cFun) pos() pos         { return n.at }
func (n *cMatch) pos() pos       { return n.at }
func (n *cMatchSet) pos() pos    { return n.at }
func (n *cTry) pos() pos         { return n.at }
func (n *cIf) pos() pos          { return n.at }

func (n *cConst) eval(*run, *frame) Value        { return n.v }
func (n *cEmptyRel) eval(r *run, _ *frame) Value { return r.sc.emptyRel }
func (n *cFail) eval(*run, *frame) Value         { panic(errorf(n.at, "%s", n.msg)) }

func (n *cVar) eval(r *run, env *frame) Value {
	f := env
	for d := n.depth; d > 0; d-- {
		f = f.parent
	}
	v := f.slots[n.slot]
	if t, ok := v.(*thunk); ok {
		return t.force(r)
	}
	return v
}

// ---------------------------------------------------------------------------
// Conversions.

func errorType(at pos, want string, v Value) {
	fail(at, "type %s expected, %s found", want, typeOf(v))
}

// asRel is herd7's eval_rel: a relation, a pair, the empty value or the
// universe, as a relation.
func (r *run) asRel(at pos, v Value) checker.Rel {
	switch v := v.(type) {
	case checker.Rel:
		return v
	case pair:
		return r.singleton(v)
	case emptyValue:
		return r.sc.emptyRel
	case univValue:
		return r.sc.unv
	}
	errorType(at, "rel", v)
	return checker.Rel{}
}

// asEvents is herd7's eval_events: a set of events, one event, the empty
// value or the universe, as a set.
func (r *run) asEvents(at pos, v Value) checker.Set {
	switch v := v.(type) {
	case checker.Set:
		return v
	case event:
		s := checker.NewSet(r.sc.n)
		s.Add(int(v))
		return s
	case emptyValue:
		return r.sc.emptySet
	case univValue:
		return r.sc.all
	}
	errorType(at, "events", v)
	return nil
}

func (r *run) singleton(p pair) checker.Rel {
	t := checker.NewRel(r.sc.n)
	t.Add(p[0], p[1])
	return t
}

// tagToSet lifts a tag to the set holding it (herd7's tag2set).
func tagToSet(v Value) Value {
	if t, ok := v.(*tagValue); ok {
		return newValSet(typ{k: tTag, tag: t.enum}, t)
	}
	return v
}

// located runs f and gives a place to any evaluation error it raises
// without one (errors of comparisons inside sets of values).
func located(at pos, f func() Value) (v Value) {
	defer func() {
		if e := recover(); e != nil {
			if ee, ok := e.(*evalError); ok {
				panic(ee.located(at))
			}
			panic(e)
		}
	}()
	return f()
}

// ---------------------------------------------------------------------------
// Expressions.

func (n *cExplicitSet) eval(r *run, env *frame) Value {
	if len(n.elems) == 0 {
		return theEmpty
	}
	vs := make([]Value, len(n.elems))
	for i, e := range n.elems {
		vs[i] = e.eval(r, env)
		if _, ok := vs[i].(univValue); ok {
			fail(e.pos(), "universe in explicit set")
		}
	}
	t := typeOf(vs[0])
	for i := 1; i < len(vs); i++ {
		ti := typeOf(vs[i])
		u, ok := eqType(t, ti)
		if !ok {
			fail(n.elems[i].pos(), "type %s expected, %s found", t, ti)
		}
		t = u
	}
	switch t.k {
	case tEvent:
		s := checker.NewSet(r.sc.n)
		for _, v := range vs {
			s.Add(int(v.(event)))
		}
		return s
	case tPair:
		rel := checker.NewRel(r.sc.n)
		for _, v := range vs {
			p := v.(pair)
			rel.Add(p[0], p[1])
		}
		return rel
	}
	return located(n.at, func() Value { return newValSet(t, vs...) })
}

func (n *cTuple) eval(r *run, env *frame) Value {
	vs := make(tuple, len(n.elems))
	for i, e := range n.elems {
		vs[i] = e.eval(r, env)
	}
	return vs
}

func (n *cUnary) eval(r *run, env *frame) Value {
	v := n.x.eval(r, env)
	at := n.x.pos()
	switch n.op {
	case ast.Plus:
		switch v := v.(type) {
		case emptyValue, univValue:
			return v
		case checker.Rel:
			return v.Plus()
		}
		errorType(at, "rel", v)
	case ast.Star:
		switch v := v.(type) {
		case emptyValue:
			return r.sc.id
		case univValue:
			return v
		case checker.Rel:
			return v.Star()
		}
		errorType(at, "rel", v)
	case ast.Opt:
		switch v := v.(type) {
		case emptyValue:
			return r.sc.id
		case univValue:
			return v
		case checker.Rel:
			return v.Opt()
		}
		errorType(at, "rel", v)
	case ast.Comp:
		switch v := v.(type) {
		case emptyValue:
			return theUniv
		case univValue:
			return theEmpty
		case checker.Set:
			return r.sc.all.Diff(v)
		case checker.Rel:
			return r.sc.unv.Diff(v)
		case *valSet:
			if v.elem.k == tTag {
				return mergeSets(v.elem, r.m.prog.tagUniverse(v.elem), v, func(a, b bool) bool { return a && !b })
			}
		}
		fail(at, "set or relation expected, %s found", typeOf(v))
	case ast.Inv:
		switch v := v.(type) {
		case emptyValue, univValue:
			return v
		case checker.Rel:
			return v.Inverse()
		case pair:
			return pair{v[1], v[0]}
		}
		errorType(at, "rel", v)
	case ast.ToID:
		switch v := v.(type) {
		case emptyValue:
			return v
		case univValue:
			return r.sc.id
		case checker.Set:
			return checker.Identity(r.sc.n, v)
		}
		errorType(at, "events", v)
	}
	panic("unreachable")
}

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
	switch b := b.(type) {
	case univValue:
		if isUniv(a) {
			fail(n.at, "universe in set ++")
		}
		return theUniv
	case emptyValue:
		switch a := a.(type) {
		case univValue:
			fail(n.at, "universe in set ++")
		case event:
			s := checker.NewSet(r.sc.n)
			s.Add(int(a))
			return s
		case pair:
			return r.singleton(a)
		}
		return newValSet(typeOf(a), a)
	case *valSet:
		switch a.(type) {
		case univValue:
			fail(n.at, "universe in set ++")
		case emptyValue:
			if b.elem.k == tSet {
				return located(n.at, func() Value { return b.add(b.elem, &valSet{elem: b.elem.elems[0]}) })
			}
		}
		return located(n.at, func() Value { return b.add(typeOf(a), a) })
	case checker.Rel:
		switch a := a.(type) {
		case univValue:
			fail(n.at, "universe in set ++")
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
		switch a := a.(type) {
		case univValue:
			fail(n.at, "universe in set ++")
		case event:
			t := b.Clone()
			t.Add(int(a))
			return t
		}
		fail(n.a.pos(), "this expression of type '%s' should be an event", typeOf(a))
	}
	if isUniv(a) {
		fail(n.at, "universe in set ++")
	}
	fail(n.b.pos(), "this expression of type '%s' should be a set", typeOf(b))
	return nil
}

// ---------------------------------------------------------------------------
// Functions.

var closureIDs atomic.Int64

func (n *cFun) eval(r *run, env *frame) Value {
	return &closure{fn: n, env: env, id: int(closureIDs.Add(1))}
}

func (n *cApp) eval(r *run, env *frame) Value {
	f := n.f.eval(r, env)
	arg := n.arg.eval(r, env)
	return r.apply(n.at, f, arg)
}

// maxCalls bounds the nesting of calls of functions and procedures: a
// model that recurses for ever is an error rather than a stack overflow,
// which no one could recover from.
const maxCalls = 10000

// apply calls a closure or a primitive.
func (r *run) apply(at pos, f, arg Value) Value {
	switch f := f.(type) {
	case *closure:
		fr := &frame{parent: f.env, slots: make([]Value, f.fn.size)}
		bindParams(at, f.fn.params, arg, fr)
		if r.calls++; r.calls > maxCalls {
			fail(at, "calls nested too deeply (a recursion that does not end?)")
		}
		v := f.fn.body.eval(r, fr)
		r.calls--
		return v
	case *prim:
		return r.callPrim(at, f, arg)
	}
	fail(at, "closure or primitive expected")
	return nil
}

// bindParams binds the parameters of a function or procedure (herd7's
// add_args): one parameter takes the whole argument, several take the
// components of a tuple.
func bindParams(at pos, params []int, arg Value, fr *frame) {
	if len(params) == 1 {
		if params[0] >= 0 {
			fr.slots[params[0]] = arg
		}
		return
	}
	vs := asList(arg)
	if len(vs) != len(params) {
		fail(at, "argument_mismatch")
	}
	for i, s := range params {
		if s >= 0 {
			fr.slots[s] = vs[i]
		}
	}
}

func (r *run) callPrim(at pos, p *prim, arg Value) (v Value) {
	defer func() {
		if e := recover(); e != nil {
			if ee, ok := e.(*evalError); ok && ee.at.lines == nil {
				panic(errorf(at, "primitive %s: %s", p.name, ee.msg))
			}
			panic(e)
		}
	}()
	return p.fn(r, arg)
}

// ---------------------------------------------------------------------------
// Bindings.

// bind adds the bindings of a let to fr, lazily; the right-hand sides are
// evaluated in env.
func (r *run) bind(b *cBind, env, fr *frame) {
	t := &thunk{x: b.x, env: env}
	setPattern(b, t, fr)
}

// setPattern binds the names of b's pattern to the value of t.
func setPattern(b *cBind, t *thunk, fr *frame) {
	if !b.tuple {
		if b.vars[0] >= 0 {
			fr.slots[b.vars[0]] = t
		}
		return
	}
	for i, s := range b.vars {
		if s >= 0 {
			fr.slots[s] = &thunk{sub: t, idx: i}
		}
	}
}

func (n *cLet) eval(r *run, env *frame) Value {
	fr := &frame{parent: env, slots: make([]Value, *n.size)}
	for _, b := range n.binds {
		r.bind(b, env, fr)
	}
	return n.body.eval(r, fr)
}

func (n *cLetRec) eval(r *run, env *frame) Value {
	fr := &frame{parent: env, slots: make([]Value, *n.size)}
	if !r.letRec(n.rec, fr) {
		fail(n.at, "check failed in a recursive binding")
	}
	return n.body.eval(r, fr)
}

// ---------------------------------------------------------------------------
// Control.

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
	if v, ok := tryEval(r, env, n.x); ok {
		return v
	}
	return n.def.eval(r, env)
}

// tryEval evaluates x and reports false if that raises an evaluation
// error.
func tryEval(r *run, env *frame, x cexpr) (v Value, ok bool) {
	calls := r.calls
	defer func() {
		if e := recover(); e != nil {
			if _, isEval := e.(*evalError); !isEval {
				panic(e)
			}
			v, ok, r.calls = nil, false, calls
		}
	}()
	return x.eval(r, env), true
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
