package checker

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers the kernel primitives of linux-kernel.def to events.

// orderTags gives the read and write tags of an RMW with ordering suffix.
func orderTags(name string) (string, Tag, Tag) {
	switch {
	case strings.HasSuffix(name, "_relaxed"):
		return strings.TrimSuffix(name, "_relaxed"), TagOnce, TagOnce
	case strings.HasSuffix(name, "_acquire"):
		return strings.TrimSuffix(name, "_acquire"), TagAcquire, TagOnce
	case strings.HasSuffix(name, "_release"):
		return strings.TrimSuffix(name, "_release"), TagOnce, TagRelease
	}
	return name, TagMb, TagMb
}

var fences = map[string]Tag{
	"smp_mb":                         TagFenceMb,
	"smp_rmb":                        TagRmb,
	"smp_wmb":                        TagWmb,
	"smp_mb__before_atomic":          TagBeforeAtomic,
	"smp_mb__after_atomic":           TagAfterAtomic,
	"smp_mb__after_spinlock":         TagAfterSpinlock,
	"smp_mb__after_unlock_lock":      TagAfterUnlockLock,
	"smp_mb__after_srcu_read_unlock": TagAfterSrcuReadUnlock,
	"barrier":                        TagBarrier,
	"rcu_read_lock":                  TagRcuLock,
	"rcu_read_unlock":                TagRcuUnlock,
	"synchronize_rcu":                TagSyncRcu,
	"synchronize_rcu_expedited":      TagSyncRcu,
}

var atomicOps = map[string]string{"add": "+", "sub": "-", "and": "&", "or": "|", "xor": "^", "andnot": "&~", "inc": "+", "dec": "-"}

// call lowers a kernel primitive.
func (l *lowerer) call(e *syntax.CallExpr, st *lstate) ([]out, error) {
	name := e.Fun.Name
	if tag, ok := fences[name]; ok {
		l.fence(st, e.Span, tag)
		return one(st, konst(0)), nil
	}
	// Evaluate value arguments (those that are not addresses) first.
	val := func(i int) (*sval, error) {
		if i >= len(e.Args) {
			return nil, &LowerError{e.Span, "missing argument"}
		}
		outs, err := l.expr(e.Args[i], st)
		if err != nil {
			return nil, err
		}
		if len(outs) != 1 || outs[0].st != st {
			return nil, &LowerError{e.Args[i].GetSpan(), "unsupported: argument with side effects"}
		}
		return outs[0].v, nil
	}
	ptr := func(i int) (int, map[int]bool, error) {
		if i >= len(e.Args) {
			return 0, nil, &LowerError{e.Span, "missing argument"}
		}
		return l.address(e.Args[i], st)
	}
	lval := func(i int) (int, map[int]bool, error) {
		if i >= len(e.Args) {
			return 0, nil, &LowerError{e.Span, "missing argument"}
		}
		return l.lvalueAddress(e.Args[i], st)
	}
	switch name {
	case "READ_ONCE", "rcu_dereference":
		loc, a, err := lval(0)
		if err != nil {
			return nil, err
		}
		return one(st, l.read(st, e.Span, loc, a, TagOnce)), nil
	case "WRITE_ONCE", "rcu_assign_pointer", "smp_store_mb":
		loc, a, err := lval(0)
		if err != nil {
			return nil, err
		}
		v, err := val(1)
		if err != nil {
			return nil, err
		}
		tag := TagOnce
		if name == "rcu_assign_pointer" {
			tag = TagRelease
		}
		l.write(st, e.Span, loc, a, v, tag, -1)
		if name == "smp_store_mb" {
			l.fence(st, e.Span, TagFenceMb)
		}
		return one(st, konst(0)), nil
	case "smp_load_acquire", "atomic_read", "atomic_read_acquire", "srcu_read_lock", "srcu_down_read":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		tag := map[string]Tag{"smp_load_acquire": TagAcquire, "atomic_read": TagOnce, "atomic_read_acquire": TagAcquire}[name]
		if tag == 0 {
			tag = TagSrcuLock
		}
		return one(st, l.read(st, e.Span, loc, a, tag)), nil
	case "smp_store_release", "atomic_set", "atomic_set_release", "srcu_read_unlock", "srcu_up_read":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		v, err := val(1)
		if err != nil {
			return nil, err
		}
		tag := map[string]Tag{"smp_store_release": TagRelease, "atomic_set": TagOnce, "atomic_set_release": TagRelease}[name]
		if tag == 0 {
			tag = TagSrcuUnlock
		}
		l.write(st, e.Span, loc, a, v, tag, -1)
		return one(st, konst(0)), nil
	case "synchronize_srcu", "synchronize_srcu_expedited":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		l.add(st, pevent{Event: Event{Kind: KindSrcu, Tags: TagSyncSrcu, Loc: loc, Instr: l.next(), Span: e.Span}, addrDep: a, rmwOf: -1})
		return one(st, konst(0)), nil
	case "spin_lock", "lock":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		l.lock(st, e.Span, loc, a)
		return one(st, konst(0)), nil
	case "spin_unlock", "unlock":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		l.unlock(st, e.Span, loc, a)
		return one(st, konst(0)), nil
	case "spin_trylock":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		return l.trylock(st, e.Span, loc, a), nil
	case "spin_is_locked":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		return l.islocked(st, e.Span, loc, a), nil
	}
	base, rt, wt := orderTags(name)
	base = strings.TrimPrefix(base, "atomic_")
	switch {
	case base == "xchg":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		v, err := val(1)
		if err != nil {
			return nil, err
		}
		r := l.read(st, e.Span, loc, a, rt|TagRMW)
		l.write(st, e.Span, loc, a, v, wt|TagRMW, r.read)
		return one(st, r), nil
	case base == "cmpxchg":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		old, err := val(1)
		if err != nil {
			return nil, err
		}
		nv, err := val(2)
		if err != nil {
			return nil, err
		}
		return l.conditional(st, e.Span, loc, a, rt, wt, failTags(rt), func(r *sval) (*sval, *sval, *sval) {
			return mk("==", r, old), nv, r
		}), nil
	case base == "add_unless":
		loc, a, err := ptr(0)
		if err != nil {
			return nil, err
		}
		v, err := val(1)
		if err != nil {
			return nil, err
		}
		u, err := val(2)
		if err != nil {
			return nil, err
		}
		outs := l.conditional(st, e.Span, loc, a, rt, wt, failTags(rt), func(r *sval) (*sval, *sval, *sval) {
			return mk("!=", r, u), mkC("+", r, v), nil
		})
		return outs, nil
	}
	// Families: OP (void), OP_return, fetch_OP, OP_and_test, add_negative.
	kind := ""
	op := ""
	switch {
	case strings.HasPrefix(base, "fetch_"):
		kind, op = "fetch", strings.TrimPrefix(base, "fetch_")
	case strings.HasSuffix(base, "_return"):
		kind, op = "return", strings.TrimSuffix(base, "_return")
	case strings.HasSuffix(base, "_and_test"):
		kind, op = "test", strings.TrimSuffix(base, "_and_test")
	case base == "add_negative":
		kind, op = "negative", "add"
	case strings.HasPrefix(name, "atomic_") && base == strings.TrimPrefix(name, "atomic_"):
		kind, op = "void", base
	}
	sym, known := atomicOps[op]
	if kind == "" || !known {
		return nil, &LowerError{e.Fun.Span, fmt.Sprintf("unknown primitive %s", name)}
	}
	var loc int
	var a map[int]bool
	var v *sval
	var err error
	if op == "inc" || op == "dec" {
		loc, a, err = ptr(0)
		v = konst(1)
	} else {
		if v, err = val(0); err == nil {
			loc, a, err = ptr(1)
		}
	}
	if err != nil {
		return nil, err
	}
	if kind == "void" {
		rt, wt = TagNoreturn, TagOnce
	}
	r := l.read(st, e.Span, loc, a, rt|TagRMW)
	nv := mkC(sym, r, v)
	l.write(st, e.Span, loc, a, nv, wt|TagRMW, r.read)
	switch kind {
	case "fetch":
		return one(st, r), nil
	case "test":
		return one(st, mk("==", nv, konst(0))), nil
	case "negative":
		return one(st, mk("<", nv, konst(0))), nil
	case "void":
		return one(st, konst(0)), nil
	}
	return one(st, nv), nil
}

// failTags gives the read tags of a failing conditional RMW of the
// built-in lowering: a fully ordered one fails as a ONCE read.
func failTags(rt Tag) Tag {
	if rt == TagMb {
		return TagOnce
	}
	return rt
}

// conditional lowers a conditional RMW (cmpxchg, add_unless): on success
// a read and a write linked by rmw, on failure a lone read tagged RMW.
// rt and wt tag the read and write of the success, ft the read of the
// failure. f gives the success condition, the value written and the
// result on success (nil: 1 on success, 0 on failure).
func (l *lowerer) conditional(st *lstate, span syntax.Span, loc int, a map[int]bool, rt, wt, ft Tag, f func(r *sval) (cond, nv, res *sval)) []out {
	fail := st.clone()
	r := l.read(st, span, loc, a, rt|TagRMW)
	cond, nv, res := f(r)
	st.cons = append(st.cons, equality(cond, true))
	l.write(st, span, loc, a, nv, wt|TagRMW, r.read)
	l.instr-- // the failing alternative shares the instruction number
	fr := l.read(fail, span, loc, a, ft|TagRMW)
	fcond, _, fres := f(fr)
	fail.cons = append(fail.cons, equality(fcond, false))
	if res == nil {
		res, fres = konst(1), konst(0)
	}
	return []out{{st, res}, {fail, fres}}
}

// lock lowers spin_lock: herd7's lock read and lock write of one
// instruction.
func (l *lowerer) lock(st *lstate, span syntax.Span, loc int, a map[int]bool) {
	in := l.next()
	l.add(st, pevent{Event: Event{Kind: KindR, Tags: TagLKR, Loc: loc, Instr: in, Span: span}, addrDep: a, rmwOf: -1})
	l.add(st, pevent{Event: Event{Kind: KindW, Tags: TagLKW, Loc: loc, Instr: in, Span: span, Val: 1}, val: konst(1), addrDep: a, rmwOf: -1})
}

// unlock lowers spin_unlock.
func (l *lowerer) unlock(st *lstate, span syntax.Span, loc int, a map[int]bool) {
	l.add(st, pevent{Event: Event{Kind: KindW, Tags: TagUL, Loc: loc, Instr: l.next(), Span: span}, val: konst(0), addrDep: a, rmwOf: -1})
}

// trylock lowers spin_trylock: the lock taken, with value 1, or a failed
// attempt (LF), with value 0.
func (l *lowerer) trylock(st *lstate, span syntax.Span, loc int, a map[int]bool) []out {
	in := l.next()
	ok := st.clone()
	l.add(ok, pevent{Event: Event{Kind: KindR, Tags: TagLKR, Loc: loc, Instr: in, Span: span}, addrDep: a, rmwOf: -1})
	l.add(ok, pevent{Event: Event{Kind: KindW, Tags: TagLKW, Loc: loc, Instr: in, Span: span, Val: 1}, val: konst(1), addrDep: a, rmwOf: -1})
	lf := l.add(st, pevent{Event: Event{Kind: KindR, Tags: TagLF, Loc: loc, Instr: in, Span: span}, addrDep: a, rmwOf: -1})
	// herd7's success value comes out of the lock's write, which
	// heads no dependency; the failure's out of the LF read, which does.
	return []out{{ok, konst(1)}, {st, konstFrom(0, lf)}}
}

// islocked lowers spin_is_locked: a read of the lock held (RL, value 1)
// or free (RU, value 0).
func (l *lowerer) islocked(st *lstate, span syntax.Span, loc int, a map[int]bool) []out {
	in := l.next()
	yes := st.clone()
	rl := l.add(yes, pevent{Event: Event{Kind: KindR, Tags: TagRL, Loc: loc, Instr: in, Span: span}, addrDep: a, rmwOf: -1})
	ru := l.add(st, pevent{Event: Event{Kind: KindR, Tags: TagRU, Loc: loc, Instr: in, Span: span}, addrDep: a, rmwOf: -1})
	return []out{{yes, konstFrom(1, rl)}, {st, konstFrom(0, ru)}}
}
