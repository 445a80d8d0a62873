package cat

import (
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
	case ast.Star, ast.Opt:
		switch v := v.(type) {
		case emptyValue:
			return r.sc.id
		case univValue:
			return v
		case checker.Rel:
			if n.op == ast.Star {
				return v.Star()
			}
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
