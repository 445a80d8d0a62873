package lint

import (
	"fmt"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file holds the rules about fences that order nothing where they
// stand (L01, L02, L04, L05) and fences that add nothing to the RMW next
// to them (L06). Each must hold on every path through the code that
// holds the fence: a fence that orders something on one path is left
// alone.

func (l *linter) fences() {
	for _, v := range l.views {
		for t, evs := range v.threads {
			for _, m := range evs {
				e := v.ev(m)
				if e.Kind != checker.KindF {
					continue
				}
				switch {
				case e.Tags&checker.TagRmb != 0:
					l.sidedFence(v, t, m, CodeRmbNoLoad, isRead, "load", "loads")
				case e.Tags&checker.TagWmb != 0:
					l.sidedFence(v, t, m, CodeWmbOnLoads, isWrite, "store", "stores")
				case e.Tags&checker.TagBeforeAtomic != 0:
					l.atomicFence(v, t, m, true)
				case e.Tags&checker.TagAfterAtomic != 0:
					l.atomicFence(v, t, m, false)
				}
			}
		}
	}
}

// neighbours returns the nearest data access before and after event m in
// its thread, or -1.
func (v *view) neighbours(t, m int) (int, int) {
	p, q := -1, -1
	for _, i := range v.threads[t] {
		if !dataAccess(v.ev(i)) || v.ev(i).Span == v.ev(m).Span {
			continue
		}
		if i < m {
			p = i
		} else if i > m && q < 0 {
			q = i
		}
	}
	return p, q
}

// fenceFor names the cheapest fence that orders access p before access q.
func fenceFor(p, q *checker.Event) string {
	switch {
	case isWrite(p) && isWrite(q):
		return "smp_wmb()"
	case isRead(p) && isRead(q):
		return "smp_rmb()"
	}
	return "smp_mb()"
}

// kindWord is "load" or "store".
func kindWord(e *checker.Event) string {
	if e.Kind == checker.KindR {
		return "load"
	}
	return "store"
}

// replacementFix replaces the fence at m, which orders nothing, with the
// fence its nearest neighbours p and q need, or deletes it when they are
// already ordered or one side has none.
func (l *linter) replacementFix(v *view, m, p, q int) []analysis.Fix {
	fe := v.ev(m)
	if p >= 0 && q >= 0 && !v.ordered(p, q) {
		name := fenceFor(v.ev(p), v.ev(q))
		return []analysis.Fix{{
			Title: fmt.Sprintf("Replace with %s, which orders the %s %s before the %s %s", name, kindWord(v.ev(p)), l.quote(v.ev(p)), kindWord(v.ev(q)), l.quote(v.ev(q))),
			Edits: []analysis.Edit{replaceCall(fe, name)},
		}}
	}
	info, ok := l.stmtOf(fe)
	if !ok {
		return nil
	}
	del, ok := l.deleteStmt(info)
	if !ok {
		return nil
	}
	return []analysis.Fix{{Title: "Remove " + l.quote(fe) + ", which orders nothing here", Edits: []analysis.Edit{del}}}
}

// uselessFenceDiag is the diagnostic of rule code on the fence at m of
// thread t, which orders nothing: msg, then whether the nearest accesses
// around it are left unordered or ordered by something else, with those
// accesses as related spans and a fix that replaces or removes the fence.
// It is a warning when the accesses are left unordered and the test's
// outcome may be reached; information when something else orders them,
// one side has none, or the outcome is never reached.
func (l *linter) uselessFenceDiag(v *view, t, m int, code, msg string) analysis.Diagnostic {
	p, q := v.neighbours(t, m)
	sev := analysis.SeverityInformation
	if p >= 0 && q >= 0 {
		P, Q := v.ev(p), v.ev(q)
		if v.ordered(p, q) {
			msg += fmt.Sprintf(" The %s %s and the %s %s around it are ordered anyway, by %s.", kindWord(P), l.quote(P), kindWord(Q), l.quote(Q), l.orderWords(v, p, q))
		} else {
			msg += fmt.Sprintf(" The %s %s and the %s %s around it stay unordered.", kindWord(P), l.quote(P), kindWord(Q), l.quote(Q))
			sev = l.uselessSeverity()
		}
	}
	return analysis.Diagnostic{Span: v.ev(m).Span, Severity: sev, Code: code, Message: msg,
		Related: l.neighbourRelated(v, p, q), Fixes: l.replacementFix(v, m, p, q)}
}

// neighbourRelated lists p and q, the nearest accesses around a fence
// or atomic (-1 for none).
func (l *linter) neighbourRelated(v *view, p, q int) []analysis.Related {
	var rel []analysis.Related
	if p >= 0 {
		rel = append(rel, analysis.Related{Span: v.ev(p).Span, Message: fmt.Sprintf("the nearest access before it, a %s", kindWord(v.ev(p)))})
	}
	if q >= 0 {
		rel = append(rel, analysis.Related{Span: v.ev(q).Span, Message: fmt.Sprintf("the nearest access after it, a %s", kindWord(v.ev(q)))})
	}
	return rel
}

// sidedFence checks a fence that orders accesses of one kind (loads for
// smp_rmb, stores for smp_wmb) before accesses of the same kind: with none
// on one side it orders nothing.
func (l *linter) sidedFence(v *view, t, m int, code string, kind func(*checker.Event) bool, one, many string) {
	fe := v.ev(m)
	before, after := false, false
	for _, i := range v.threads[t] {
		if kind(v.ev(i)) {
			if i < m {
				before = true
			} else if i > m {
				after = true
			}
		}
	}
	if before && after {
		l.voteGood(code, fe.Span)
		return
	}
	var where string
	switch {
	case !before && !after:
		where = fmt.Sprintf("%s has no %s on either side of it", thread(t), one)
	case !before:
		where = fmt.Sprintf("%s has no %s before it", thread(t), one)
	default:
		where = fmt.Sprintf("%s has no %s after it", thread(t), one)
	}
	msg := fmt.Sprintf("%s orders nothing here: it only keeps earlier %s ahead of later %s, and %s.", l.quote(fe), many, many, where)
	l.voteBad(l.uselessFenceDiag(v, t, m, code, msg))
}

// atomicFence checks smp_mb__before_atomic (before) or
// smp_mb__after_atomic: each orders only through the atomic RMW right
// next to it (L04, L05), and adds nothing to a fully ordered one (L06).
func (l *linter) atomicFence(v *view, t, m int, before bool) {
	fe := v.ev(m)
	// The access right next to the fence, on the RMW's side.
	next := -1
	evs := v.threads[t]
	if before {
		for _, i := range evs {
			if i > m && dataAccess(v.ev(i)) {
				next = i
				break
			}
		}
	} else {
		for _, i := range evs {
			if i < m && dataAccess(v.ev(i)) {
				next = i
			}
		}
	}
	code := CodeAfterAtomicNoRMW
	side, verb := "before", "preceded"
	if before {
		code = CodeBeforeAtomicNoRMW
		side, verb = "after", "followed"
	}
	if next >= 0 && isRMW(v.ev(next)) {
		l.voteGood(code, fe.Span)
		n := v.ev(next)
		if full(n) {
			l.voteBad(l.redundantAtomicFence(fe, n, before))
		} else {
			l.voteGood(CodeRedundantAtomicMb, fe.Span)
		}
		return
	}
	l.voteGood(CodeRedundantAtomicMb, fe.Span)
	var what string
	if next < 0 {
		what = fmt.Sprintf("%s has no access %s it at all", thread(t), side)
	} else {
		what = fmt.Sprintf("the access right %s it is %s, which is not an atomic read-modify-write", side, l.quote(v.ev(next)))
	}
	msg := fmt.Sprintf("%s only orders through an atomic read-modify-write immediately %s by it, and %s; so it orders nothing here (x86 emits no instruction for it).", l.quote(fe), verb, what)
	d := l.uselessFenceDiag(v, t, m, code, msg)
	if mv, ok := l.moveToRMW(v, t, m, before); ok {
		d.Fixes = append(d.Fixes, mv)
	}
	l.voteBad(d)
}

// moveToRMW moves the fence at m next to the nearest atomic RMW on its
// side, when there is one.
func (l *linter) moveToRMW(v *view, t, m int, before bool) (analysis.Fix, bool) {
	fe := v.ev(m)
	r := -1
	for _, i := range v.threads[t] {
		if !isRMW(v.ev(i)) {
			continue
		}
		if before && i > m && r < 0 {
			r = i
		}
		if !before && i < m {
			r = i
		}
	}
	if r < 0 {
		return analysis.Fix{}, false
	}
	fi, ok1 := l.stmtOf(fe)
	ri, ok2 := l.stmtOf(v.ev(r))
	if !ok1 || !ok2 {
		return analysis.Fix{}, false
	}
	del, ok1 := l.deleteStmt(fi)
	var ins analysis.Edit
	if before {
		ins, ok2 = l.insertBefore(ri, l.text(fe.Span)+";")
	} else {
		ins, ok2 = l.insertAfter(ri, l.text(fe.Span)+";")
	}
	if !ok1 || !ok2 || overlaps(del.Span, ins.Span) {
		return analysis.Fix{}, false
	}
	return analysis.Fix{Title: "Move it next to " + l.quote(v.ev(r)), Edits: []analysis.Edit{del, ins}}, true
}

func overlaps(a, b syntax.Span) bool { return a.Start < b.End && b.Start < a.End || a.Start == b.Start }

// redundantAtomicFence is the L06 hint for a fence next to a fully
// ordered RMW.
func (l *linter) redundantAtomicFence(fe, rmw *checker.Event, before bool) analysis.Diagnostic {
	d := analysis.Diagnostic{Span: fe.Span, Severity: analysis.SeverityHint, Code: CodeRedundantAtomicMb,
		Message: fmt.Sprintf("%s adds nothing: %s returns a value without a _relaxed, _acquire or _release suffix, so it is fully ordered already; the extra barrier costs a full fence (sync on powerpc, dmb ish on arm64, fence rw,rw on riscv).", l.quote(fe), l.quote(rmw)),
		Related: []analysis.Related{{Span: rmw.Span, Message: "the fully ordered read-modify-write"}},
	}
	if info, ok := l.stmtOf(fe); ok {
		if del, ok := l.deleteStmt(info); ok {
			d.Fixes = []analysis.Fix{{Title: "Remove " + l.quote(fe), Edits: []analysis.Edit{del}}}
		}
	}
	return d
}
