package lint

import (
	"fmt"
	"slices"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file holds the rules about single accesses: an acquire whose
// value nothing uses (L07), a plain access in a data race (L10), and a
// pointer from rcu_dereference() compared with an address before it is
// dereferenced (L14).

// regUsed reports whether register reg of thread t is read after offset
// off in the thread's code, or observed by the test's final clauses.
func (l *linter) regUsed(t int, reg string, off int) bool {
	if t < len(l.nodes.idents) {
		for _, id := range l.nodes.idents[t] {
			if id.Name == reg && id.Span.Start >= off {
				return true
			}
		}
	}
	used := false
	walk := func(p syntax.Prop) {
		syntax.InspectProp(p, func(q syntax.Prop) {
			if q, ok := q.(*syntax.AtomProp); ok {
				if q.Loc.Thread == t && q.Loc.Name == reg {
					used = true
				}
			}
		})
	}
	if l.f.Cond != nil {
		walk(l.f.Cond.Prop)
	}
	if l.f.Filter != nil {
		walk(l.f.Filter.Prop)
	}
	if l.f.Locations != nil {
		for _, loc := range l.f.Locations.Locs {
			if loc.Thread == t && loc.Name == reg {
				used = true
			}
		}
	}
	return used
}

// acquires runs L07 on every acquire load: one whose value no path uses.
func (l *linter) acquires() {
	for _, v := range l.views {
		for i := range v.s.Events {
			e := v.ev(i)
			if e.Kind != checker.KindR || e.Tags&checker.TagAcquire == 0 || isRMW(e) || !dataAccess(e) {
				continue
			}
			if !v.s.Addr.Row(i).Empty() || !v.s.Data.Row(i).Empty() || !v.s.Ctrl.Row(i).Empty() {
				l.voteGood(CodeAcquireUnused, e.Span)
				continue
			}
			reg := l.nodes.regOf[e.Span]
			if reg != "" && l.regUsed(e.Thread, reg, e.Span.End) {
				l.voteGood(CodeAcquireUnused, e.Span)
				continue
			}
			l.voteBad(l.unusedAcquireDiag(v, i, reg))
		}
	}
}

func (l *linter) unusedAcquireDiag(v *view, i int, reg string) analysis.Diagnostic {
	e := v.ev(i)
	msg := fmt.Sprintf("Nothing uses the value %s returns: no branch tests it, no access depends on it and the final condition does not look at it. An acquire only makes the writer's earlier stores visible when it reads the matching release, and %s cannot tell whether it did, so the loads after it may still see old values.",
		l.quote(e), thread(e.Thread))
	d := analysis.Diagnostic{Span: e.Span, Severity: l.uselessSeverity(), Code: CodeAcquireUnused, Message: msg}
	w := l.matchingStore(v, i)
	if w >= 0 {
		d.Related = append(d.Related, analysis.Related{Span: v.ev(w).Span, Message: "the store it presumably waits for"})
	}
	if fix, ok := l.observeFix(e, reg, w, v); ok {
		d.Fixes = append(d.Fixes, fix)
	}
	return d
}

// matchingStore returns a store of another thread to the location read
// by i, a release first, or -1.
func (l *linter) matchingStore(v *view, i int) int {
	e := v.ev(i)
	best := -1
	for j := range v.s.Events {
		w := v.ev(j)
		if !isWrite(w) || w.Thread == e.Thread || w.Loc != e.Loc || !dataAccess(w) {
			continue
		}
		if best < 0 || (w.Tags&checker.TagRelease != 0 && v.ev(best).Tags&checker.TagRelease == 0) {
			best = j
		}
	}
	return best
}

// observeFix adds "T:reg=V /\" to an exists or ~exists condition, where V
// is the value the matching store writes: the test then asks about the
// executions where the acquire did see it.
func (l *linter) observeFix(e *checker.Event, reg string, w int, v *view) (analysis.Fix, bool) {
	c := l.f.Cond
	if reg == "" || w < 0 || c == nil || c.Prop == nil || c.Quant == syntax.Forall {
		return analysis.Fix{}, false
	}
	init := int64(0)
	for _, x := range v.s.Events {
		if x.Tags&checker.TagInit != 0 && x.Loc == e.Loc {
			init = x.Val
		}
	}
	val := v.ev(w).Val
	if val == init {
		return analysis.Fix{}, false
	}
	atom := fmt.Sprintf("%d:%s=%d", e.Thread, reg, val)
	sp := c.Prop.GetSpan()
	var edits []analysis.Edit
	switch c.Prop.(type) {
	case *syntax.AtomProp, *syntax.ParenProp, *syntax.AndProp:
		edits = []analysis.Edit{{Span: syntax.Span{Start: sp.Start, End: sp.Start}, NewText: atom + ` /\ `}}
	default:
		edits = []analysis.Edit{{Span: syntax.Span{Start: sp.Start, End: sp.Start}, NewText: atom + ` /\ (`}, {Span: syntax.Span{Start: sp.End, End: sp.End}, NewText: ")"}}
	}
	return analysis.Fix{Title: fmt.Sprintf("Ask about the executions where it reads %d: add %s to the condition", val, atom), Edits: edits}, true
}

// races runs L10 on the racing pairs of the result's witnesses.
func (l *linter) races() {
	if l.res == nil {
		return
	}
	for _, dr := range l.res.DataRaces() {
		pair := []*checker.WitnessEvent{dr.A, dr.B}
		for k, a := range pair {
			if a.Thread < 0 || !a.Plain() {
				continue
			}
			b := pair[1-k]
			ea := &checker.Event{Kind: a.Kind, Span: a.Span, Thread: a.Thread}
			eb := &checker.Event{Kind: b.Kind, Span: b.Span, Thread: b.Thread}
			verb := "write"
			if a.Kind == checker.KindR {
				verb = "read"
			}
			marked := "a marked access"
			if b.Plain() {
				marked = "another plain access"
			}
			msg := fmt.Sprintf("This plain %s of %s races with %s's %s (%s) and nothing orders the two, so the kernel's model makes no prediction for the test (the data-race flag), and the compiler may tear, fuse, repeat or invent plain accesses. Mark racing accesses with READ_ONCE() and WRITE_ONCE(); keep plain accesses for data under a lock, data no other CPU touches at the time, or accesses ordered by barriers.",
				verb, a.Loc, thread(b.Thread), l.quote(eb), marked)
			d := analysis.Diagnostic{Span: a.Span, Severity: analysis.SeverityWarning, Code: CodePlainRace, Message: msg,
				Related: []analysis.Related{{Span: b.Span, Message: "the access it races with"}}}
			var edits []analysis.Edit
			for _, x := range []*checker.Event{ea, eb} {
				if x.Span == eb.Span && !b.Plain() {
					continue
				}
				e, ok := l.onceEdit(x)
				if ok && !slices.Contains(edits, e) {
					edits = append(edits, e)
				}
			}
			if len(edits) > 0 {
				d.Fixes = []analysis.Fix{{Title: "Mark the racing plain accesses with READ_ONCE/WRITE_ONCE", Edits: edits}}
			}
			l.add(d)
		}
	}
}

// rcuCompares runs L14: a pointer loaded with a marked read, compared for
// equality with a variable's address, then dereferenced under the test.
func (l *linter) rcuCompares() {
	for t, ifs := range l.nodes.ifs {
		for _, is := range ifs {
			syntax.InspectExpr(is.Cond, func(x syntax.Expr) {
				be, ok := x.(*syntax.BinaryExpr)
				if !ok || (be.Op != "==" && be.Op != "!=") {
					return
				}
				reg, addr := l.pointerComparison(be)
				if reg == "" {
					return
				}
				l.rcuCompare(t, is, be, reg, addr)
			})
		}
	}
}

// pointerComparison returns the register and the address expression of
// "reg == &x" (either way round, also with a location named directly),
// or "".
func (l *linter) pointerComparison(be *syntax.BinaryExpr) (string, string) {
	isAddr := func(e syntax.Expr) bool {
		e = syntax.Unparen(e)
		if u, ok := e.(*syntax.UnaryExpr); ok && u.Op == "&" {
			return true
		}
		if id, ok := e.(*syntax.Ident); ok {
			return l.isParam(id.Name)
		}
		return false
	}
	for _, p := range [][2]syntax.Expr{{be.X, be.Y}, {be.Y, be.X}} {
		if id, ok := syntax.Unparen(p[0]).(*syntax.Ident); ok && !l.isParam(id.Name) && isAddr(p[1]) {
			return id.Name, l.text(p[1].GetSpan())
		}
	}
	return "", ""
}

// isParam reports whether name is a shared variable (a thread parameter).
func (l *linter) isParam(name string) bool {
	for _, t := range l.f.Threads {
		for _, p := range t.Params {
			if p.Name != nil && p.Name.Name == name {
				return true
			}
		}
	}
	return false
}

func (l *linter) rcuCompare(t int, is *syntax.IfStmt, be *syntax.BinaryExpr, reg, addr string) {
	arms := []syntax.Stmt{is.Then, is.Else}
	inArm := func(sp syntax.Span) bool {
		for _, a := range arms {
			if a != nil && a.GetSpan().Start <= sp.Start && sp.End <= a.GetSpan().End {
				return true
			}
		}
		return false
	}
	for _, v := range l.views {
		if t >= len(v.threads) {
			continue
		}
		for _, a := range v.threads[t] {
			A := v.ev(a)
			if A.Kind != checker.KindR || A.Tags&checker.TagAcquire != 0 || l.nodes.regOf[A.Span] != reg || A.Span.End > be.Span.Start {
				continue
			}
			for _, b := range v.threads[t] {
				B := v.ev(b)
				if !v.s.Addr.Has(a, b) || !inArm(B.Span) {
					continue
				}
				msg := fmt.Sprintf("%s compares %s, loaded by %s, with %s and then dereferences it: inside the if the compiler may use %s in place of %s, turning the address dependency into a control dependency, and the CPU may then load through %s before %s. The kernel's model still counts the address dependency, so its verdict assumes code the compiler need not emit.",
					"`"+l.text(be.Span)+"`", reg, l.quote(A), addr, addr, reg, addr, l.quote(A))
				d := analysis.Diagnostic{Span: be.Span, Severity: analysis.SeverityWarning, Code: CodeRcuPointerCompared, Message: msg,
					Related: []analysis.Related{
						{Span: A.Span, Message: "where the pointer is loaded"},
						{Span: B.Span, Message: "the dereference that relies on the address dependency"},
					}}
				if e, ok := l.acquireEdit(A); ok {
					d.Fixes = []analysis.Fix{{Title: "Load the pointer with an acquire, which orders later loads whatever the compiler does: " + e.NewText, Edits: []analysis.Edit{e}}}
				}
				l.add(d)
				return
			}
		}
	}
}
