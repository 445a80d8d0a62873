package lint

import (
	"fmt"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file holds the rules about two threads that pass a message or
// buffer stores, where one side's ordering is missing or is not the kind
// the pattern needs:
//
//   - message passing: a writer stores d then f, a reader loads f then d.
//     Writer ordered, reader not: L08, or L11 when the reader relies on a
//     control dependency. Reader ordered, writer not: L09. Neither, the
//     writer's stores in one critical section and the reader lockless:
//     L13. A side ordered only by a fully ordered cmpxchg that may fail:
//     L12.
//   - store buffering: each thread stores one variable, then loads the
//     other. Anything weaker than a full barrier between a thread's store
//     and load: L03 (L12 for a failing cmpxchg).
//
// These rules say an ordering is broken, so they stay silent when the
// test's outcome is never reached, and, when the result has witness
// executions, they speak only of reorderings that a witness reaching the
// outcome shows.

func (l *linter) shapes() {
	if l.never() {
		return
	}
	l.fullSpans = map[syntax.Span]bool{}
	for _, v := range l.views {
		for i := range v.s.Events {
			if full(v.ev(i)) {
				l.fullSpans[v.ev(i).Span] = true
			}
		}
	}
	for _, v := range l.views {
		for a := range v.threads {
			for b := range v.threads {
				if a != b {
					l.messagePassing(v, a, b)
					l.storeBuffering(v, a, b)
				}
			}
		}
	}
}

// failedCmpxchg returns an event between a and b that is the lone read of
// a fully ordered conditional RMW that failed, or -1.
func (l *linter) failedCmpxchg(v *view, a, b int) int {
	for _, m := range v.between(a, b) {
		e := v.ev(m)
		// The failed read carries TagRMW in C tests and no tag in BPF
		// ones; its instruction is fully ordered on the success path.
		if access(e) && e.Kind == checker.KindR && !full(e) && l.fullSpans[e.Span] && v.s.Rmw.Row(m).Empty() {
			return m
		}
	}
	return -1
}

// shapePair is two accesses of one thread to different locations.
type shapePair struct{ a, b int }

// pairs returns the pairs (a, b) of data accesses of thread t, a before
// b, to different locations, a of kind ka and b of kind kb.
func (v *view) pairs(t int, ka, kb checker.Kind) []shapePair {
	var out []shapePair
	evs := v.threads[t]
	for i, a := range evs {
		A := v.ev(a)
		if !dataAccess(A) || A.Kind != ka {
			continue
		}
		for _, b := range evs[i+1:] {
			B := v.ev(b)
			if dataAccess(B) && B.Kind == kb && B.Loc != A.Loc {
				out = append(out, shapePair{a, b})
			}
		}
	}
	return out
}

// messagePassing looks for writer thread wt storing d then f and reader
// thread rt loading f then d.
func (l *linter) messagePassing(v *view, wt, rt int) {
	for _, w := range v.pairs(wt, checker.KindW, checker.KindW) {
		wd, wf := w.a, w.b
		if isRMW(v.ev(wf)) {
			continue
		}
		for _, r := range v.pairs(rt, checker.KindR, checker.KindR) {
			rf, rd := r.a, r.b
			if v.ev(rf).Loc != v.ev(wf).Loc || v.ev(rd).Loc != v.ev(wd).Loc || isRMW(v.ev(rf)) {
				continue
			}
			l.mpCase(v, wd, wf, rf, rd)
		}
	}
}

func (l *linter) mpCase(v *view, wd, wf, rf, rd int) {
	wOrd, rOrd := v.ordered(wd, wf), v.ordered(rf, rd)
	if wOrd && rOrd {
		return
	}
	wFail, rFail := -1, -1
	if !wOrd {
		wFail = l.failedCmpxchg(v, wd, wf)
	}
	if !rOrd {
		rFail = l.failedCmpxchg(v, rf, rd)
	}
	// One side unordered only because a cmpxchg failed, the other side
	// ordered or in the same situation.
	if (wFail >= 0 || rFail >= 0) && (wOrd || wFail >= 0) && (rOrd || rFail >= 0) {
		wit := l.confirmMP(v, wd, wf, rf, rd)
		if wit == nil {
			return
		}
		for _, c := range []int{wFail, rFail} {
			if c >= 0 {
				a, b := wd, wf
				if c == rFail {
					a, b = rf, rd
				}
				l.failedCmpxchgDiag(v, c, a, b, wit)
			}
		}
		return
	}
	// A fence between the pair that another rule already says orders
	// nothing is the problem to fix there.
	if l.uselessFenceBetween(v, wd, wf) || l.uselessFenceBetween(v, rf, rd) {
		return
	}
	switch {
	case wOrd && !rOrd:
		wit := l.confirmMP(v, wd, wf, rf, rd)
		if wit == nil {
			return
		}
		if v.s.Ctrl.Has(rf, rd) {
			l.ctrlDepDiag(v, wd, wf, rf, rd, wit)
		} else {
			l.releaseUnpairedDiag(v, wd, wf, rf, rd, wit)
		}
	case !wOrd && rOrd:
		wit := l.confirmMP(v, wd, wf, rf, rd)
		if wit == nil {
			return
		}
		l.acquireUnpairedDiag(v, wd, wf, rf, rd, wit)
	default:
		lock := v.criticalSection(wd, wf)
		if lock < 0 || v.holds(rf, v.ev(lock).Loc) {
			return
		}
		wit := l.confirmMP(v, wd, wf, rf, rd)
		if wit == nil {
			return
		}
		l.lockOnlyWriterDiag(v, lock, wd, wf, rf, rd, wit)
	}
}

// uselessFenceBetween reports whether a fence between a and b is one the
// fence rules (L01, L02, L04, L05, L15) report as ordering nothing.
func (l *linter) uselessFenceBetween(v *view, a, b int) bool {
	for _, m := range v.between(a, b) {
		e := v.ev(m)
		for _, code := range []string{CodeRmbNoLoad, CodeWmbOnLoads, CodeBeforeAtomicNoRMW, CodeAfterAtomicNoRMW, CodeBPFUnusedAtomic} {
			if vt := l.votes[diagKey(code, e.Span)]; vt != nil && vt.reported() {
				return true
			}
		}
	}
	return false
}

// criticalSection returns the lock write (spin_lock) of a critical
// section holding both a and b, or -1.
func (v *view) criticalSection(a, b int) int {
	t := v.ev(a).Thread
	for _, k := range v.threads[t] {
		K := v.ev(k)
		if k >= a || K.Tags&checker.TagLKW == 0 {
			continue
		}
		released := false
		for _, u := range v.threads[t] {
			if u > k && u < b && v.ev(u).Tags&checker.TagUL != 0 && v.ev(u).Loc == K.Loc {
				released = true
			}
		}
		if !released {
			return k
		}
	}
	return -1
}

// holds reports whether the thread of event e holds lock loc at e.
func (v *view) holds(e, loc int) bool {
	held := false
	for _, i := range v.threads[v.ev(e).Thread] {
		if i >= e {
			break
		}
		x := v.ev(i)
		if x.Loc != loc {
			continue
		}
		if x.Tags&checker.TagLKW != 0 {
			held = true
		}
		if x.Tags&checker.TagUL != 0 {
			held = false
		}
	}
	return held
}

// storeBuffering looks for thread at storing x then loading y while
// thread bt stores y then loads x, with something short of a full
// barrier between at's store and load.
func (l *linter) storeBuffering(v *view, at, bt int) {
	for _, p := range v.pairs(at, checker.KindW, checker.KindR) {
		if v.ordered(p.a, p.b) {
			continue
		}
		attempt, what := l.weakAttempt(v, p.a, p.b)
		if attempt < 0 {
			continue
		}
		for _, q := range v.pairs(bt, checker.KindW, checker.KindR) {
			if v.ev(q.a).Loc != v.ev(p.b).Loc || v.ev(q.b).Loc != v.ev(p.a).Loc {
				continue
			}
			wit := l.confirmSB(v, p, q)
			if wit == nil {
				continue
			}
			if c := l.failedCmpxchg(v, p.a, p.b); c >= 0 {
				l.failedCmpxchgDiag(v, c, p.a, p.b, wit)
				continue
			}
			l.storeLoadDiag(v, attempt, what, p, q, wit)
		}
	}
}

// weakAttempt returns the event that tries, and fails, to order store w
// before the later load r (a weaker fence between them, a release store,
// an acquire load, a cmpxchg that may fail), with words for it; or -1
// when nothing tries.
func (l *linter) weakAttempt(v *view, w, r int) (int, string) {
	for _, m := range v.between(w, r) {
		e := v.ev(m)
		if e.Kind == checker.KindF && e.Tags&(checker.TagRcuLock|checker.TagRcuUnlock) == 0 {
			return m, l.quote(e) + ", which does not order a store before a later load"
		}
	}
	if c := l.failedCmpxchg(v, w, r); c >= 0 {
		return c, l.quote(v.ev(c)) + ", which orders nothing when it fails"
	}
	if v.ev(w).Tags&checker.TagRelease != 0 {
		if v.ev(r).Tags&checker.TagAcquire != 0 {
			return w, "a release store and an acquire load, which may still be reordered with each other"
		}
		return w, "a release store, which orders only earlier accesses before itself"
	}
	if v.ev(r).Tags&checker.TagAcquire != 0 {
		return r, "an acquire load, which orders only later accesses after itself"
	}
	return -1, ""
}

// --- Witnesses.

// witnessEvent returns the index in w of the event of thread t with the
// given kind and span, or -1.
func witnessEvent(w *checker.Witness, e *checker.Event) int {
	for i, x := range w.Events {
		if x.Thread == e.Thread && x.Kind == e.Kind && x.Span == e.Span {
			return i
		}
	}
	return -1
}

// stale reports whether read r of w reads a value older than write wd:
// from a write coherence-before it.
func stale(w *checker.Witness, r, wd int) bool {
	src := w.ReadFrom(r)
	if src < 0 || src == wd {
		return false
	}
	next := map[int]int{}
	for _, e := range w.Co {
		next[e.From] = e.To
	}
	for x, n := src, 0; n <= len(w.Events); n++ {
		y, ok := next[x]
		if !ok {
			return false
		}
		if y == wd {
			return true
		}
		x = y
	}
	return false
}

// witnesses reports whether the result carries witness executions.
func (l *linter) witnesses() bool { return l.res != nil && len(l.res.Witnesses) > 0 }

// reaching returns the witnesses that reach the outcome the test asks
// about: the condition holding, for exists and ~exists; failing, for
// forall.
func (l *linter) reaching() []*checker.Witness {
	var out []*checker.Witness
	for _, w := range l.res.Witnesses {
		if w != nil && w.Cond == (l.res.Quant != syntax.Forall) {
			out = append(out, w)
		}
	}
	return out
}

// noWitness stands for "no witness to show, the shape alone decides".
var noWitness = &checker.Witness{}

// confirmMP returns an allowed execution that reaches the test's outcome
// with the reader seeing the writer's f and then a d older than the
// writer's; noWitness when the result has no witnesses, or nil when no
// witness shows it.
func (l *linter) confirmMP(v *view, wd, wf, rf, rd int) *checker.Witness {
	if !l.witnesses() {
		return noWitness
	}
	for _, w := range l.reaching() {
		iwd, iwf, irf, ird := witnessEvent(w, v.ev(wd)), witnessEvent(w, v.ev(wf)), witnessEvent(w, v.ev(rf)), witnessEvent(w, v.ev(rd))
		if iwd < 0 || iwf < 0 || irf < 0 || ird < 0 {
			continue
		}
		if w.ReadFrom(irf) == iwf && stale(w, ird, iwd) {
			return w
		}
	}
	return nil
}

// confirmSB returns an allowed execution that reaches the test's outcome
// with both loads of a store buffering pair missing the other thread's
// store.
func (l *linter) confirmSB(v *view, p, q shapePair) *checker.Witness {
	if !l.witnesses() {
		return noWitness
	}
	for _, w := range l.reaching() {
		ia, ib, ja, jb := witnessEvent(w, v.ev(p.a)), witnessEvent(w, v.ev(p.b)), witnessEvent(w, v.ev(q.a)), witnessEvent(w, v.ev(q.b))
		if ia < 0 || ib < 0 || ja < 0 || jb < 0 {
			continue
		}
		if stale(w, ib, ja) && stale(w, jb, ia) {
			return w
		}
	}
	return nil
}

// example is the sentence naming the witness, or "".
func example(w *checker.Witness) string {
	if w == nil || w == noWitness {
		return ""
	}
	return fmt.Sprintf(" An allowed execution shows it: the one with final state %s", w.State)
}

// --- Diagnostics.

// orderWords says what orders a before b in their thread.
func (l *linter) orderWords(v *view, a, b int) string {
	A, B := v.ev(a), v.ev(b)
	switch {
	case B.Kind == checker.KindW && B.Tags&checker.TagRelease != 0:
		return "the release store " + l.quote(B)
	case A.Kind == checker.KindR && A.Tags&checker.TagAcquire != 0:
		return "the acquire load " + l.quote(A)
	case full(A) || full(B):
		return "a fully ordered read-modify-write"
	case A.Kind == checker.KindR && v.s.Addr.Has(a, b):
		return "an address dependency"
	case A.Kind == checker.KindR && B.Kind == checker.KindW && v.s.Data.Has(a, b):
		return "a data dependency"
	case A.Kind == checker.KindR && B.Kind == checker.KindW && v.s.Ctrl.Has(a, b):
		return "a control dependency"
	}
	for _, m := range v.between(a, b) {
		e := v.ev(m)
		switch {
		case strongFence(e), full(e),
			e.Kind == checker.KindF && e.Tags&checker.TagRmb != 0 && isRead(A) && isRead(B),
			e.Kind == checker.KindF && e.Tags&checker.TagWmb != 0 && isWrite(A) && isWrite(B):
			return l.quote(e)
		}
	}
	for _, m := range v.between(a, b) {
		if e := v.ev(m); e.Kind == checker.KindF && e.Tags&(checker.TagRmb|checker.TagWmb|checker.TagBarrier|checker.TagRcuLock|checker.TagRcuUnlock) == 0 {
			return l.quote(e)
		}
	}
	return "a chain of orderings through the accesses between them"
}

func (l *linter) related(e *checker.Event, msg string) analysis.Related {
	return analysis.Related{Span: e.Span, Message: msg}
}

func (l *linter) releaseUnpairedDiag(v *view, wd, wf, rf, rd int, wit *checker.Witness) {
	W, R := v.ev(wf), v.ev(rf)
	msg := fmt.Sprintf("%s reads %s, which %s publishes after %s (ordered by %s), but nothing in %s orders this load before the later %s: a release or write barrier only helps a reader that pairs it with an acquire load, a read barrier or an address dependency, so %s can see the new %s and still the old %s.",
		l.quote(R), locName(v.s, R), thread(W.Thread), l.quote(v.ev(wd)), l.orderWords(v, wd, wf), thread(R.Thread), l.quote(v.ev(rd)), thread(R.Thread), locName(v.s, R), locName(v.s, v.ev(rd)))
	msg += example(wit)
	d := analysis.Diagnostic{Span: R.Span, Severity: analysis.SeverityWarning, Code: CodeReleaseUnpaired, Message: msg,
		Related: []analysis.Related{
			l.related(W, "the store the reader pairs with nothing"),
			l.related(v.ev(rd), "the later load, left unordered"),
		}}
	if e, ok := l.acquireEdit(R); ok {
		d.Fixes = append(d.Fixes, analysis.Fix{Title: "Make it an acquire load: " + e.NewText, Edits: []analysis.Edit{e}})
	}
	if info, ok := l.stmtOf(v.ev(rd)); ok && isRead(v.ev(rd)) {
		if ri, ok := l.stmtOf(R); ok && ri.stmt != info.stmt {
			if e, ok := l.insertBefore(info, "smp_rmb();"); ok {
				d.Fixes = append(d.Fixes, analysis.Fix{Title: "Insert smp_rmb() before " + l.quote(v.ev(rd)), Edits: []analysis.Edit{e}})
			}
		}
	}
	l.add(d)
}

func (l *linter) ctrlDepDiag(v *view, wd, wf, rf, rd int, wit *checker.Witness) {
	R, D := v.ev(rf), v.ev(rd)
	msg := fmt.Sprintf("%s depends on %s only through a control dependency (a branch on its value), which orders later stores but not later loads: the CPU may load %s before it knows which way the branch goes, so %s can see the new %s and still the old %s, although %s orders its stores (by %s).",
		l.quote(D), l.quote(R), locName(v.s, D), thread(D.Thread), locName(v.s, R), locName(v.s, D), thread(v.ev(wf).Thread), l.orderWords(v, wd, wf))
	msg += example(wit)
	d := analysis.Diagnostic{Span: D.Span, Severity: analysis.SeverityWarning, Code: CodeCtrlDepLoad, Message: msg,
		Related: []analysis.Related{
			l.related(R, "the load the if tests"),
			l.related(v.ev(wf), "the store it reads"),
		}}
	if e, ok := l.acquireEdit(R); ok {
		d.Fixes = append(d.Fixes, analysis.Fix{Title: "Make the tested load an acquire: " + e.NewText, Edits: []analysis.Edit{e}})
	}
	l.add(d)
}

func (l *linter) acquireUnpairedDiag(v *view, wd, wf, rf, rd int, wit *checker.Witness) {
	W, R := v.ev(wf), v.ev(rf)
	msg := fmt.Sprintf("%s publishes %s after %s with nothing ordering the two stores, so %s's %s (ordered by %s) pairs with nothing: it can see the new %s and still the old %s. A store that publishes must be a release, or follow a write barrier.",
		l.quote(W), locName(v.s, W), l.quote(v.ev(wd)), thread(R.Thread), l.quote(R), l.orderWords(v, rf, rd), locName(v.s, W), locName(v.s, v.ev(wd)))
	msg += example(wit)
	d := analysis.Diagnostic{Span: W.Span, Severity: analysis.SeverityWarning, Code: CodeAcquireUnpaired, Message: msg,
		Related: []analysis.Related{
			l.related(v.ev(wd), "the earlier store, left unordered"),
			l.related(R, "the load that expects a release"),
		}}
	if e, ok := l.releaseEdit(W); ok {
		d.Fixes = append(d.Fixes, analysis.Fix{Title: "Make it a release store: " + e.NewText, Edits: []analysis.Edit{e}})
	}
	if info, ok := l.stmtOf(W); ok {
		if di, ok := l.stmtOf(v.ev(wd)); ok && di.stmt != info.stmt {
			if e, ok := l.insertBefore(info, "smp_wmb();"); ok {
				d.Fixes = append(d.Fixes, analysis.Fix{Title: "Insert smp_wmb() before " + l.quote(W), Edits: []analysis.Edit{e}})
			}
		}
	}
	l.add(d)
}

func (l *linter) lockOnlyWriterDiag(v *view, lock, wd, wf, rf, rd int, wit *checker.Witness) {
	W, R := v.ev(wf), v.ev(rf)
	msg := fmt.Sprintf("%s reads %s without taking the lock %s, but %s stores %s and %s inside one critical section of that lock, which orders them against other holders of the lock, not against each other or against lockless readers: %s can see the new %s and still the old %s.",
		l.quote(R), locName(v.s, R), locName(v.s, v.ev(lock)), thread(W.Thread), locName(v.s, v.ev(wd)), locName(v.s, W), thread(R.Thread), locName(v.s, R), locName(v.s, v.ev(rd)))
	msg += example(wit)
	d := analysis.Diagnostic{Span: R.Span, Severity: analysis.SeverityWarning, Code: CodeLockOnlyWriter, Message: msg,
		Related: []analysis.Related{
			l.related(v.ev(lock), "the critical section of the writer"),
			l.related(W, "the store the fast path reads"),
			l.related(v.ev(rd), "the later load, left unordered"),
		}}
	e1, ok1 := l.releaseEdit(W)
	e2, ok2 := l.acquireEdit(R)
	if ok1 && ok2 {
		d.Fixes = append(d.Fixes, analysis.Fix{Title: "Publish with a release store and read with an acquire load", Edits: []analysis.Edit{e1, e2}})
	}
	l.add(d)
}

func (l *linter) failedCmpxchgDiag(v *view, c, a, b int, wit *checker.Witness) {
	C := v.ev(c)
	msg := fmt.Sprintf("%s is fully ordered only when it succeeds; when it fails it orders nothing, and then %s's %s and %s are not ordered, which the other thread relies on.",
		l.quote(C), thread(C.Thread), l.quote(v.ev(a)), l.quote(v.ev(b)))
	msg += example(wit)
	d := analysis.Diagnostic{Span: C.Span, Severity: analysis.SeverityWarning, Code: CodeFailedCmpxchg, Message: msg,
		Related: []analysis.Related{
			l.related(v.ev(a), "ordered only when the cmpxchg succeeds"),
			l.related(v.ev(b), "ordered only when the cmpxchg succeeds"),
		}}
	if info, ok := l.stmtOf(C); ok {
		if e, ok := l.insertAfter(info, "smp_mb__after_atomic();"); ok {
			d.Fixes = append(d.Fixes, analysis.Fix{Title: "Insert smp_mb__after_atomic() after it, which orders the failure case too", Edits: []analysis.Edit{e}})
		}
	}
	l.add(d)
}

func (l *linter) storeLoadDiag(v *view, attempt int, what string, p, q shapePair, wit *checker.Witness) {
	A := v.ev(attempt)
	t := v.ev(p.a).Thread
	msg := fmt.Sprintf("%s must order its store %s before its later load %s (and %s does the mirror image: store buffering), but only a full barrier orders a store before a later load: smp_mb(), a fully ordered read-modify-write or a grace period. Here there is only %s, so both loads can miss the other thread's store.",
		thread(t), l.quote(v.ev(p.a)), l.quote(v.ev(p.b)), thread(v.ev(q.a).Thread), what)
	msg += example(wit)
	d := analysis.Diagnostic{Span: A.Span, Severity: analysis.SeverityWarning, Code: CodeStoreLoadWeak, Message: msg,
		Related: []analysis.Related{
			l.related(v.ev(p.a), "the store"),
			l.related(v.ev(p.b), "the later load, not ordered after it"),
			l.related(v.ev(q.a), "the other thread's store"),
			l.related(v.ev(q.b), "the other thread's load"),
		}}
	var edits []analysis.Edit
	ok := true
	for _, pr := range []shapePair{p, q} {
		if v.ordered(pr.a, pr.b) {
			continue
		}
		e, good := l.fullBarrierEdit(v, pr)
		if !good {
			ok = false
			break
		}
		edits = append(edits, e)
	}
	if ok && len(edits) > 0 {
		d.Fixes = append(d.Fixes, analysis.Fix{Title: "Put smp_mb() between the store and the load of each thread", Edits: edits})
	}
	l.add(d)
}

// fullBarrierEdit puts smp_mb() between store p.a and load p.b: in place
// of a weaker fence between them, or as a new statement before the load.
func (l *linter) fullBarrierEdit(v *view, p shapePair) (analysis.Edit, bool) {
	for _, m := range v.between(p.a, p.b) {
		e := v.ev(m)
		if e.Kind == checker.KindF && e.Tags&(checker.TagRmb|checker.TagWmb|checker.TagBarrier) != 0 {
			return replaceCall(e, "smp_mb()"), true
		}
	}
	li, ok := l.stmtOf(v.ev(p.b))
	if !ok {
		return analysis.Edit{}, false
	}
	if si, ok := l.stmtOf(v.ev(p.a)); !ok || si.stmt == li.stmt {
		return analysis.Edit{}, false
	}
	return l.insertBefore(li, "smp_mb();")
}
