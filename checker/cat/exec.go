package cat

import (
	"slices"

	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// This file runs instructions, as herd7's exec does: in order, each with a
// continuation for the rest, so that "with x from S" can run the rest of
// the model once for each element of S, and a failed check can drop the
// rest of this execution.

// A cins is a compiled instruction: one of the types below.
type cins any

type (
	// iLet is a let instruction; top marks the top level, whose bindings
	// are cached by level.
	iLet struct {
		top   bool
		binds []*cBind
	}

	// iLetRec is "let rec", a least fixpoint for the values and closures
	// for the functions.
	iLetRec struct {
		at    pos
		top   bool
		binds []*cBind
		vars  []int  // the slots of all the binds' patterns
		when  *iTest // "when" check, or nil
		level int
	}

	// iTest is a check or a flag.
	iTest struct {
		at             pos
		op             ast.TestOp
		neg            bool
		kind           ast.TestKind
		x              cexpr
		name           string
		coSlot, rfSlot int // the top-level co and rf visible here, or -1
	}

	iProc struct {
		slot int
		def  *cProcedure
	}

	iCall struct {
		at          pos
		name        string
		arg         cexpr
		depth, slot int
	}

	iForall struct {
		at   pos
		set  cexpr
		slot int
		body []cins
		size *int
	}

	iWith struct {
		at    pos
		set   cexpr
		slot  int
		level int // the level of a top-level with, or -1
	}

	iMatch struct {
		at      pos
		x       cexpr
		clauses map[string]*iBlock
		def     *iBlock // or nil
	}

	iConst struct {
		slot int
		v    Value
	}
)

// A cBind is one binding of a let: a pattern's slots and an expression.
type cBind struct {
	at    pos
	x     cexpr
	tuple bool
	vars  []int // slots, -1 for "_"
	level int   // at the top level: the level of the value
	fun   bool  // a function (in let rec)
}

// A cProcedure is a compiled procedure.
type cProcedure struct {
	at     pos
	name   string
	params []int
	tuple  bool
	body   []cins
	size   *int
}

// An iBlock is a block of instructions with its own frame.
type iBlock struct {
	code []cins
	size *int
}

// runCode runs code in env, then k; it returns false when the caller's
// yield asked to stop.
func (r *run) runCode(code []cins, env *frame, k func(env *frame) bool) bool {
	for i, in := range code {
		switch in := in.(type) {
		case *iLet:
			r.execLet(in, env)
		case *iLetRec:
			if !r.execLetRec(in, env) {
				return r.reject(in.when, env)
			}
		case *iConst:
			env.slots[in.slot] = in.v
		case *iTest:
			ok := r.test(in, env)
			switch in.kind {
			case ast.Check:
				if !ok {
					return r.reject(in, env)
				}
			case ast.Flagged:
				if ok {
					r.flags = append(r.flags, in.name)
				}
			case ast.UndefinedUnless:
				if !ok {
					r.flags = append(r.flags, "*undef*") // herd7's Flag.Undef
				}
			case ast.Assert:
				if !ok {
					fail(in.at, "%s assertion failed, check input test", in.name)
				}
			}
		case *iProc:
			env.slots[in.slot] = &proc{def: in.def, env: env}
		case *iCall:
			return r.call(in, env, func() bool { return r.runCode(code[i+1:], env, k) })
		case *iForall:
			return r.forall(in, env, func() bool { return r.runCode(code[i+1:], env, k) })
		case *iWith:
			return r.with(in, env, code[i+1:], k)
		case *iMatch:
			return r.matchIns(in, env, func() bool { return r.runCode(code[i+1:], env, k) })
		default:
			panic("cat: unknown instruction")
		}
	}
	return k(env)
}

// execLet binds a let's names; at the top level a value is taken from the
// cache when what it depends on has not changed.
func (r *run) execLet(in *iLet, env *frame) {
	for _, b := range in.binds {
		if in.top && r.sc.cached(b.vars, b.level, env) {
			continue
		}
		r.bind(b, env, env)
		if in.top {
			r.sc.store(b.vars, b.level, env)
		}
	}
}

func (r *run) execLetRec(in *iLetRec, env *frame) bool {
	if in.top && in.when == nil {
		if r.sc.cached(in.vars, in.level, env) {
			return true
		}
		ok := r.letRec(in, env)
		r.sc.store(in.vars, in.level, env)
		return ok
	}
	return r.letRec(in, env)
}

// letRec computes a let rec in fr: closures for the functions, then the
// least fixpoint of the other bindings, from the empty value, until a
// round adds nothing. It returns false when the "when" check fails.
func (r *run) letRec(in *iLetRec, fr *frame) bool {
	var vals []*cBind
	for _, b := range in.binds {
		if b.fun {
			fr.slots[b.vars[0]] = b.x.eval(r, fr)
			continue
		}
		vals = append(vals, b)
		for _, s := range b.vars {
			if s >= 0 {
				fr.slots[s] = theEmpty
			}
		}
	}
	if len(vals) == 0 {
		return true
	}
	old := make([]Value, len(vals))
	for i, b := range vals {
		old[i] = theEmpty
		if b.tuple {
			es := make(tuple, len(b.vars))
			for j := range es {
				es[j] = theEmpty
			}
			old[i] = es
		}
	}
	cur := make([]Value, len(vals))
	for round := 0; ; round++ {
		if round == maxRounds {
			fail(in.at, "no fixpoint after %d rounds", maxRounds)
		}
		for i, b := range vals {
			v := b.x.eval(r, fr)
			cur[i] = v
			setPattern(b, doneThunk(v), fr)
		}
		if in.when != nil && !r.test(in.when, fr) {
			return false
		}
		stable := true
		for i, b := range vals {
			if !r.stabilised(b.at, old[i], cur[i]) {
				stable = false
			}
		}
		if stable {
			return true
		}
		old, cur = cur, old
	}
}

// maxRounds bounds the rounds of a fixpoint: a monotone definition over n
// events needs at most about n² of them, and one that is not monotone may
// never stop.
const maxRounds = 10000

// stabilised reports whether new adds nothing to old (herd7's stabilised).
func (r *run) stabilised(at pos, old, new Value) bool {
	switch n := new.(type) {
	case emptyValue:
		return true
	case checker.Rel:
		switch o := old.(type) {
		case univValue:
			return true
		case emptyValue:
			return n.Empty()
		case checker.Rel:
			return relSubset(n, o)
		}
	case checker.Set:
		switch o := old.(type) {
		case univValue:
			return true
		case emptyValue:
			return n.Empty()
		case checker.Set:
			return setSubset(n, o)
		}
	case *valSet:
		switch o := old.(type) {
		case univValue:
			return true
		case emptyValue:
			return len(n.elems) == 0
		case *valSet:
			return located(at, func() Value { return n.subset(o) }).(bool)
		}
	case univValue:
		switch o := old.(type) {
		case univValue:
			return true
		case checker.Rel:
			return relSubset(r.sc.unv, o)
		case checker.Set:
			return setSubset(r.sc.all, o)
		case *valSet:
			if o.elem.k == tTag {
				return r.m.prog.tagUniverse(o.elem).subset(o)
			}
		}
	}
	if isUniv(old) {
		return true
	}
	fail(at, "illegal recursion on type '%s'", typeOf(new))
	return false
}

// test evaluates a check's property, negation included.
func (r *run) test(t *iTest, env *frame) bool {
	v := t.x.eval(r, env)
	var ok bool
	switch v := v.(type) {
	case checker.Rel:
		switch t.op {
		case ast.Acyclic:
			ok = v.Acyclic()
		case ast.Irreflexive:
			ok = v.Irreflexive()
		default:
			ok = v.Empty()
		}
	case pair:
		ok = t.op != ast.IsEmpty && v[0] != v[1]
	case emptyValue:
		ok = true
	case univValue:
		ok = r.sc.n == 0
	case checker.Set, event:
		if t.op != ast.IsEmpty {
			fail(t.x.pos(), "relation expected")
		}
		s, isSet := v.(checker.Set)
		ok = isSet && s.Empty()
	default:
		fail(t.x.pos(), "relation or set expected")
	}
	return ok != t.neg
}

// reject reports the execution as failing check t.
func (r *run) reject(t *iTest, env *frame) bool {
	top := env
	for top.parent != nil {
		top = top.parent
	}
	name := "when"
	co, rf := -1, r.m.prog.rfSlot
	if t != nil {
		name = t.name
		co, rf = t.coSlot, t.rfSlot
	}
	return r.report(top, co, rf, checker.Judgement{Failed: name})
}

// report gives the caller's yield the execution, with the model's co and
// rf taken from the top-level slots co and rf; it returns false when
// yield asked to stop.
func (r *run) report(top *frame, co, rf int, j checker.Judgement) bool {
	r.x.Co = r.sc.eventCo(r.relOr(top, co, r.sc.emptyRel))
	r.x.Rf = r.sc.eventRf(r.relOr(top, rf, r.c.Rf))
	return r.yield(&r.x, j)
}

// relOr returns the relation in a top-level slot, or def when there is
// none or it is not a relation.
func (r *run) relOr(top *frame, slot int, def checker.Rel) (rel checker.Rel) {
	if slot < 0 {
		return def
	}
	v, ok := r.try(func() Value { return r.value(top.slots[slot]) })
	if !ok {
		return def
	}
	switch v := v.(type) {
	case checker.Rel:
		return v
	case emptyValue:
		return r.sc.emptyRel
	}
	return def
}

// accept reports an execution that passed every check.
func (r *run) accept(env *frame) bool {
	var flags []string
	if len(r.flags) > 0 {
		flags = slices.Clone(r.flags)
		slices.Sort(flags)
		flags = slices.Compact(flags)
	}
	return r.report(env, r.m.prog.coSlot, r.m.prog.rfSlot, checker.Judgement{Flags: flags})
}

func (r *run) call(in *iCall, env *frame, k func() bool) (ok bool) {
	f := env
	for d := in.depth; d > 0; d-- {
		f = f.parent
	}
	p, isProc := r.value(f.slots[in.slot]).(*proc)
	if !isProc {
		fail(in.at, "procedure expected")
	}
	arg := in.arg.eval(r, env)
	fr := &frame{parent: p.env, slots: make([]Value, *p.def.size)}
	bindParams(in.at, p.def.params, arg, fr)
	if r.calls++; r.calls > maxCalls {
		fail(in.at, "calls nested too deeply (a recursion that does not end?)")
	}
	ok = r.runCode(p.def.body, fr, func(*frame) bool { r.calls--; ok := k(); r.calls++; return ok })
	r.calls--
	return ok
}

func (r *run) forall(in *iForall, env *frame, k func() bool) bool {
	v := tagToSet(in.set.eval(r, env))
	switch v := v.(type) {
	case emptyValue:
		return k()
	case *valSet:
		var loop func(i int) bool
		loop = func(i int) bool {
			if i == len(v.elems) {
				return k()
			}
			fr := &frame{parent: env, slots: make([]Value, *in.size)}
			fr.slots[in.slot] = v.elems[i]
			return r.runCode(in.body, fr, func(*frame) bool { return loop(i + 1) })
		}
		return loop(0)
	}
	fail(in.set.pos(), "forall instruction applied to non-set value")
	return false
}

// with runs the rest once for each element of the set, bound to the
// name: the model's own choices. An empty set leaves no execution.
//
// Every run of the rest writes the same slots of env, those after the
// with, so the runs share env rather than each copying it: what one run
// left there and a later run can still reach is a binding cached at a
// lower level, which only mentions slots that the later run fills from
// the same cache entries.
func (r *run) with(in *iWith, env *frame, rest []cins, k func(*frame) bool) bool {
	v := in.set.eval(r, env)
	switch v := v.(type) {
	case emptyValue:
		return true
	case *valSet:
		nflags := len(r.flags)
		for _, e := range v.elems {
			env.slots[in.slot] = e
			if in.level >= 0 {
				r.sc.newChoice(in.level)
			}
			if !r.runCode(rest, env, k) {
				return false
			}
			r.flags = r.flags[:nflags]
		}
		return true
	}
	fail(in.set.pos(), "set expected")
	return false
}

func (r *run) matchIns(in *iMatch, env *frame, k func() bool) bool {
	v := in.x.eval(r, env)
	switch v := v.(type) {
	case *tagValue:
		b, ok := in.clauses[v.name]
		if !ok {
			b = in.def
		}
		if b == nil {
			fail(in.at, "pattern matching failed on value '%s'", v.name)
		}
		fr := &frame{parent: env, slots: make([]Value, *b.size)}
		return r.runCode(b.code, fr, func(*frame) bool { return k() })
	case emptyValue:
		fail(in.x.pos(), "matching on empty")
	case univValue:
		fail(in.x.pos(), "matching on universe")
	}
	fail(in.x.pos(), "matching on non-tag value of type '%s'", typeOf(v))
	return false
}
