package checker

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers a thread's statements and expressions: the paths
// through its code (an if forks them, a pointer read from memory forks
// them once per location it may hold), the events each performs and the
// dependencies between them.

// An lstate is the state of one path being lowered.
type lstate struct {
	env      map[string]*sval
	resolved map[string]int // location of each pointer read from memory this path dereferenced
	events   []pevent
	cons     []constraint
	ctrl     map[int]bool // reads that control the current point
	bad      *syntax.Span // see path.bad
}

func (s *lstate) clone() *lstate {
	n := &lstate{env: make(map[string]*sval, len(s.env)), ctrl: make(map[int]bool, len(s.ctrl)), resolved: make(map[string]int, len(s.resolved))}
	for k, v := range s.resolved {
		n.resolved[k] = v
	}
	for k, v := range s.env {
		n.env[k] = v
	}
	for k := range s.ctrl {
		n.ctrl[k] = true
	}
	n.events = append([]pevent(nil), s.events...)
	n.cons = append([]constraint(nil), s.cons...)
	n.bad = s.bad
	return n
}

func (l *lowerer) stmt(s syntax.Stmt, sts []*lstate) ([]*lstate, error) {
	switch s := s.(type) {
	case *syntax.BlockStmt:
		var err error
		for _, x := range s.Stmts {
			if sts, err = l.stmt(x, sts); err != nil {
				return nil, err
			}
		}
		return sts, nil
	case *syntax.EmptyStmt:
		return sts, nil
	case *syntax.DeclStmt:
		if s.Value == nil {
			for _, st := range sts {
				if _, ok := st.env[s.Name.Name]; !ok {
					st.env[s.Name.Name] = konst(0)
				}
			}
			return sts, nil
		}
		return l.forEach(sts, func(st *lstate) ([]*lstate, error) {
			if _, ok := st.env[s.Name.Name]; !ok {
				st.env[s.Name.Name] = konst(0) // C: the name is in scope in its own initializer
			}
			outs, err := l.expr(s.Value, st)
			for _, o := range outs {
				o.st.env[s.Name.Name] = o.v
			}
			return states(outs), err
		})
	case *syntax.ExprStmt:
		return l.forEach(sts, func(st *lstate) ([]*lstate, error) {
			if c, ok := s.X.(*syntax.CallExpr); ok && l.macros != nil {
				outs, err := l.macroCall(c, true, st)
				return states(outs), err
			}
			outs, err := l.expr(s.X, st)
			return states(outs), err
		})
	case *syntax.IfStmt:
		return l.forEach(sts, func(st *lstate) ([]*lstate, error) {
			outs, err := l.expr(s.Cond, st)
			if err != nil {
				return nil, err
			}
			return l.branches(outs, func(then bool, br *lstate) ([]*lstate, bool, error) {
				arm := s.Then
				if !then {
					arm = s.Else
				}
				if arm == nil {
					return nil, false, nil
				}
				got, err := l.stmt(arm, []*lstate{br})
				return got, true, err
			})
		})
	case *syntax.WhileStmt:
		return nil, &LowerError{s.Span, "unsupported: loops (herd7 bounds them; litmusls does not yet)"}
	}
	return nil, &LowerError{s.GetSpan(), "unsupported statement"}
}

// branches lowers an if on each outcome of its condition: arm(then, br)
// lowers the then or else arm in br, a copy of the outcome's state under
// the condition's constraint, and reports false when there is no such
// arm. As in herd7, a control dependency reaches the events of the arms
// only, not those after the if.
func (l *lowerer) branches(outs []out, arm func(then bool, br *lstate) ([]*lstate, bool, error)) ([]*lstate, error) {
	var res []*lstate
	for _, o := range outs {
		d := map[int]bool{}
		o.v.deps(d)
		for _, want := range []bool{true, false} {
			if o.v.isConst() && (o.v.k != 0) != want {
				continue
			}
			br := o.st.clone()
			if !o.v.isConst() {
				br.cons = append(br.cons, constraint{v: o.v, want: want})
			}
			for r := range d {
				br.ctrl[r] = true
			}
			got, ok, err := arm(want, br)
			if err != nil {
				return nil, err
			}
			if !ok {
				br.ctrl = maps.Clone(o.st.ctrl)
				res = append(res, br)
				continue
			}
			for _, g := range got {
				g.ctrl = maps.Clone(o.st.ctrl)
			}
			res = append(res, got...)
		}
	}
	return res, nil
}

func states(outs []out) []*lstate {
	r := make([]*lstate, len(outs))
	for i, o := range outs {
		r[i] = o.st
	}
	return r
}

func (l *lowerer) forEach(sts []*lstate, f func(*lstate) ([]*lstate, error)) ([]*lstate, error) {
	var res []*lstate
	var run func(st *lstate) error
	run = func(st *lstate) error {
		if st.bad != nil {
			res = append(res, st) // the path ended at a bad dereference
			return nil
		}
		got, err := f(st.clone())
		var fk *forkNeeded
		if errors.As(err, &fk) {
			// The statement dereferences a pointer read from memory: run it
			// once for each location the pointer may hold, under the
			// constraint that it holds it.
			key := fk.v.String()
			if l.addrs == nil {
				c := st.clone()
				c.resolved[key] = 0
				return run(c)
			}
			// Candidates: the stored addresses and those in the pointer
			// expression itself (as in x + (r & 8)).
			own := map[int]bool{}
			(&lowerer{p: l.p, seen: own}).collect(fk.v)
			locs := append([]int(nil), l.addrs...)
			for loc := range own {
				if !slices.Contains(locs, loc) {
					locs = append(locs, loc)
				}
			}
			slices.Sort(locs)
			for _, loc := range locs {
				c := st.clone()
				c.resolved[key] = loc
				c.cons = append(c.cons, constraint{v: mk("==", fk.v, konst(addrBase+int64(loc))), want: true})
				if err := run(c); err != nil {
					return err
				}
			}
			// And the pointer may hold no location's address at all, as
			// when an integer was stored where a pointer was expected.
			bad := fk.st // with the events of the statement before the dereference
			for _, loc := range locs {
				bad.cons = append(bad.cons, constraint{v: mk("==", fk.v, konst(addrBase+int64(loc))), want: false})
			}
			bad.bad = &fk.span
			res = append(res, bad)
			return nil
		}
		if err != nil {
			return err
		}
		res = append(res, got...)
		if len(res) > maxPaths {
			return &LowerError{Span: l.span, Msg: fmt.Sprintf("too many paths through the code (more than %d)", maxPaths)}
		}
		return nil
	}
	for _, st := range sts {
		if err := run(st); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// An out is one outcome of evaluating an expression.
type out struct {
	st *lstate
	v  *sval
}

func one(st *lstate, v *sval) []out { return []out{{st, v}} }

// expr evaluates e in st; primitives with alternatives (cmpxchg,
// spin_trylock, ...) give several outcomes.
func (l *lowerer) expr(e syntax.Expr, st *lstate) ([]out, error) {
	switch e := e.(type) {
	case *syntax.IntLit:
		k, err := checkedInt(e, e.Value)
		if err != nil {
			return nil, err
		}
		return one(st, konst(k)), nil
	case *syntax.ParenExpr:
		return l.expr(e.X, st)
	case *syntax.CastExpr:
		return l.expr(e.X, st)
	case *syntax.Ident:
		if v, ok := st.env[e.Name]; ok {
			return one(st, v), nil
		}
		if e.Name == "NULL" {
			return one(st, konst(0)), nil
		}
		if i, ok := l.p.locIdx[e.Name]; ok {
			return one(st, konst(addrBase+int64(i))), nil
		}
		return nil, &LowerError{e.Span, fmt.Sprintf("undefined: %s", e.Name)}
	case *syntax.UnaryExpr:
		switch e.Op {
		case "*":
			loc, addr, err := l.address(e.X, st)
			if err != nil {
				return nil, err
			}
			return one(st, l.read(st, e.Span, loc, addr, 0)), nil
		case "&":
			if id, ok := e.X.(*syntax.Ident); ok {
				if i, ok := l.p.locIdx[id.Name]; ok {
					return one(st, konst(addrBase+int64(i))), nil
				}
			}
			if u, ok := e.X.(*syntax.UnaryExpr); ok && u.Op == "*" {
				return l.expr(u.X, st)
			}
			return nil, &LowerError{e.Span, "unsupported address-of"}
		}
		if lit, ok := e.X.(*syntax.IntLit); ok && e.Op == "-" {
			k, err := checkedInt(e, -lit.Value) // -2147483648 fits
			if err != nil {
				return nil, err
			}
			return one(st, konst(k)), nil
		}
		outs, err := l.expr(e.X, st)
		for i := range outs {
			outs[i].v = mkC(e.Op, outs[i].v, nil)
		}
		return outs, err
	case *syntax.BinaryExpr:
		xs, err := l.expr(e.X, st)
		if err != nil {
			return nil, err
		}
		var res []out
		for _, x := range xs {
			ys, err := l.expr(e.Y, x.st)
			if err != nil {
				return nil, err
			}
			for _, y := range ys {
				res = append(res, out{y.st, mkC(e.Op, x.v, y.v)})
			}
		}
		return res, nil
	case *syntax.CondExpr:
		cs, err := l.expr(e.Cond, st)
		if err != nil {
			return nil, err
		}
		var res []out
		for _, c := range cs {
			xs, err := l.expr(e.X, c.st)
			if err != nil {
				return nil, err
			}
			for _, x := range xs {
				ys, err := l.expr(e.Y, x.st)
				if err != nil {
					return nil, err
				}
				for _, y := range ys {
					v := &sval{op: "?:", c: c.v, a: x.v, b: y.v, size: sizeOf(c.v, x.v, y.v)}
					if c.v.isConst() {
						v = y.v
						if c.v.k != 0 {
							v = x.v
						}
					}
					res = append(res, out{y.st, v})
				}
			}
		}
		return res, nil
	case *syntax.AssignExpr:
		ys, err := l.expr(e.Y, st)
		if err != nil {
			return nil, err
		}
		for i, y := range ys {
			v := y.v
			if e.Op != "=" {
				old, err := l.expr(e.X, y.st)
				if err != nil || len(old) != 1 {
					return nil, &LowerError{e.Span, "unsupported compound assignment"}
				}
				v = mkC(strings.TrimSuffix(e.Op, "="), old[0].v, v)
			}
			switch x := e.X.(type) {
			case *syntax.Ident:
				if _, ok := y.st.env[x.Name]; !ok {
					if _, shared := l.p.locIdx[x.Name]; shared {
						return nil, &LowerError{x.Span, "unsupported: assignment to a shared variable by name"}
					}
				}
				y.st.env[x.Name] = v
			case *syntax.UnaryExpr:
				if x.Op != "*" {
					return nil, &LowerError{x.Span, "unsupported assignment target"}
				}
				loc, addr, err := l.address(x.X, y.st)
				if err != nil {
					return nil, err
				}
				l.write(y.st, e.Span, loc, addr, v, 0, -1)
			default:
				return nil, &LowerError{e.X.GetSpan(), "unsupported assignment target"}
			}
			ys[i].v = v
		}
		return ys, nil
	case *syntax.CallExpr:
		if l.macros != nil {
			return l.macroCall(e, false, st)
		}
		return l.call(e, st)
	}
	return nil, &LowerError{e.GetSpan(), "unsupported expression"}
}

// address evaluates a pointer expression to a location; the address must
// not depend on a value read (litmusls does not yet support that).
func (l *lowerer) address(e syntax.Expr, st *lstate) (int, map[int]bool, error) {
	outs, err := l.expr(e, st)
	if err != nil {
		return 0, nil, err
	}
	if len(outs) != 1 || outs[0].st != st {
		return 0, nil, &LowerError{e.GetSpan(), "unsupported: address with side effects"}
	}
	return l.locOf(outs[0].v, e.GetSpan(), st)
}

// locOf resolves the pointer value v, written at span, to a location.
func (l *lowerer) locOf(v *sval, span syntax.Span, st *lstate) (int, map[int]bool, error) {
	if v.treeSize() > maxValueSize {
		return 0, nil, &LowerError{span, fmt.Sprintf("unsupported: a pointer computed with more than %d operations", maxValueSize)}
	}
	if !v.isConst() {
		loc, ok := st.resolved[v.String()]
		if !ok {
			return 0, nil, &forkNeeded{v, span, st.clone()}
		}
		d := map[int]bool{}
		v.deps(d)
		return loc, d, nil
	}
	i := v.k - addrBase
	if i < 0 || i >= int64(len(l.p.locs)) {
		return 0, nil, &LowerError{span, "not the address of a shared variable"}
	}
	return int(i), nil, nil
}

// lvalueAddress returns the location of an lvalue argument such as "*x".
func (l *lowerer) lvalueAddress(e syntax.Expr, st *lstate) (int, map[int]bool, error) {
	for {
		p, ok := e.(*syntax.ParenExpr)
		if !ok {
			break
		}
		e = p.X
	}
	if u, ok := e.(*syntax.UnaryExpr); ok && u.Op == "*" {
		return l.address(u.X, st)
	}
	if id, ok := e.(*syntax.Ident); ok {
		if _, local := st.env[id.Name]; !local {
			if i, ok := l.p.locIdx[id.Name]; ok {
				return i, nil, nil
			}
		}
	}
	return 0, nil, &LowerError{e.GetSpan(), "unsupported: expected *pointer"}
}

func (l *lowerer) add(st *lstate, ev pevent) int {
	ev.Thread = l.thread
	if ev.Annots == nil {
		ev.Annots = l.annots
	}
	ev.ctrlDep = make(map[int]bool, len(st.ctrl))
	for r := range st.ctrl {
		ev.ctrlDep[r] = true
	}
	st.events = append(st.events, ev)
	return len(st.events) - 1
}

func (l *lowerer) read(st *lstate, span syntax.Span, loc int, addr map[int]bool, tags Tag) *sval {
	i := l.add(st, pevent{Event: Event{Kind: KindR, Tags: tags, Loc: loc, Instr: l.next(), Span: span}, addrDep: addr, rmwOf: -1})
	return &sval{op: "r", read: i}
}

func (l *lowerer) next() int { l.instr++; return l.instr - 1 }

func (l *lowerer) write(st *lstate, span syntax.Span, loc int, addr map[int]bool, v *sval, tags Tag, rmwOf int) {
	d := map[int]bool{}
	v.deps(d)
	if rmwOf >= 0 {
		delete(d, rmwOf)
	}
	instr := l.instr
	if rmwOf < 0 {
		instr = l.next()
	} else {
		instr = st.events[rmwOf].Instr
	}
	l.collect(v)
	ev := pevent{Event: Event{Kind: KindW, Tags: tags, Loc: loc, Instr: instr, Span: span}, val: v, addrDep: addr, dataDep: d, rmwOf: rmwOf}
	if v.isConst() {
		ev.Val = v.k
	}
	l.add(st, ev)
}

func (l *lowerer) fence(st *lstate, span syntax.Span, tags Tag) {
	l.add(st, pevent{Event: Event{Kind: KindF, Tags: tags, Loc: -1, Instr: l.next(), Span: span}, rmwOf: -1})
}
