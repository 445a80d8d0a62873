package cfix

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file is the scan: what a scenario's generated test says about one
// C file, its accesses, fences and gaps, each found in the C through the
// translation's source map.

// A cScan is what one scenario says about the C file src: its threads'
// accesses and gaps, and the C they came from.
type cScan struct {
	sc   *bpfc.Scenario
	l    *rewrite.Layout
	src  *bpfc.Source
	user bool // src is user-space C
}

func newCScan(sc *bpfc.Scenario, src *bpfc.Source, user bool) *cScan {
	return &cScan{sc: sc, l: rewrite.ScanLayout(sc.File, sc.Text), src: src, user: user}
}

// cLink returns the C span, in src, of the link of exactly the generated
// span gen.
func (s *cScan) cLink(gen syntax.Span, kind bpfc.LinkKind) (syntax.Span, bool) {
	lk, ok := s.sc.Map.ToC(gen)
	if !ok || lk.Gen != gen || lk.Kind != kind || lk.C.File != s.src.Name || lk.C.Span.Start < 0 || lk.C.Span.End > len(s.src.Text) {
		return syntax.Span{}, false
	}
	return lk.C.Span, true
}

// access returns the C of the generated access a, when it is in src.
func (s *cScan) access(a *rewrite.Access) (cAccess, bool) {
	cs, ok := s.cLink(a.Span, bpfc.LinkExpr)
	if !ok {
		return cAccess{}, false
	}
	ca := cAccess{a: a, c: cs}
	if a.Prim == rewrite.PlainStore {
		if a.Deref == nil {
			return cAccess{}, false
		}
		lhs, ok := s.cLink(a.Deref.Span, bpfc.LinkExpr)
		if !ok || lhs.Start < cs.Start || lhs.End > cs.End {
			return cAccess{}, false
		}
		ca.lhs = lhs
		if a.Assign != nil {
			ca.val = s.value(a.Assign.Y, lhs, cs)
		}
		if a.Assign == nil {
			// A read-modify-write ("x++", "x += v"): rewritten only as
			// a statement of its own, whose value nobody uses.
			ca.rmw = true
			if ae := assignAt(s.l.F, a.Span); ae != nil {
				ca.op, ca.val = ae.Op, s.value(ae.Y, lhs, cs)
			}
			if !isExprStmt(s.l.F, a.Span) {
				return cAccess{}, false
			}
		} else if a.Assign.Op != "=" || lhs.Start != cs.Start {
			return cAccess{}, false
		}
	}
	if a.Call != nil {
		ca.args = s.args(a.Call, cs)
	}
	return ca, true
}

// value returns the C text of the value y a generated assignment stores
// into the lvalue at C span lhs of the C assignment at cs: the C the
// source map links y to, after lhs; for a value the translation made up
// (the 1 of "x++"), its generated text. It returns "" when y holds an
// assignment of its own ("y = x = 1", "x = y++"), which a rewrite
// cannot keep in place.
func (s *cScan) value(y syntax.Expr, lhs, cs syntax.Span) string {
	if y == nil || hasAssign(y) {
		return ""
	}
	if v, ok := s.cLink(y.GetSpan(), bpfc.LinkExpr); ok {
		if v.Start < lhs.End || v.End > cs.End {
			return ""
		}
		return strings.TrimSpace(string(s.src.Text[v.Start:v.End]))
	}
	if lit, ok := y.(*syntax.IntLit); ok {
		return strings.TrimSpace(string(s.sc.Text[lit.Span.Start:lit.Span.End]))
	}
	return ""
}

// args returns the C texts of the arguments of the generated call, as the
// source map links them into the C call at cs, or nil when one has no C
// there or holds an assignment.
func (s *cScan) args(call *syntax.CallExpr, cs syntax.Span) []string {
	var out []string
	for _, a := range call.Args {
		sp, ok := s.cLink(a.GetSpan(), bpfc.LinkExpr)
		if !ok || sp.Start < cs.Start || sp.End > cs.End || hasAssign(a) {
			return nil
		}
		out = append(out, strings.TrimSpace(string(s.src.Text[sp.Start:sp.End])))
	}
	return out
}

// hasAssign reports whether the generated expression x assigns anything.
func hasAssign(x syntax.Expr) bool {
	found := false
	syntax.InspectExpr(x, func(e syntax.Expr) {
		if _, ok := e.(*syntax.AssignExpr); ok {
			found = true
		}
	})
	return found
}

// assignAt returns the generated assignment of f's threads whose span is
// sp, or nil.
func assignAt(f *syntax.File, sp syntax.Span) *syntax.AssignExpr {
	var found *syntax.AssignExpr
	for _, t := range f.Threads {
		syntax.InspectStmt(t.Body, func(syntax.Stmt) {}, func(e syntax.Expr) {
			if a, ok := e.(*syntax.AssignExpr); ok && found == nil && a.Span == sp {
				found = a
			}
		})
	}
	return found
}

// isExprStmt reports whether some thread of f has a statement made of
// the expression at span alone.
func isExprStmt(f *syntax.File, span syntax.Span) bool {
	return findThreadStmt(f, func(s syntax.Stmt) bool {
		e, ok := s.(*syntax.ExprStmt)
		return ok && e.X != nil && e.X.GetSpan() == span
	}) != nil
}

// rewrites returns the C rewrites of the access p.
func (s *cScan) rewrites(p *cAccess) []cCandidate {
	return accessRewrites(p, s.src.Text, s.src.Lines.Position(p.c.Start).Line, s.user)
}

// fences returns the C rewrites inserting the fences names at g, and the C
// span from the statement before g to the one after it.
func (s *cScan) fences(g *rewrite.Gap, names []string) ([]cCandidate, syntax.Span, bool) {
	text := s.src.Text
	prev, ok1 := s.cLink(g.Prev.GetSpan(), bpfc.LinkStmt)
	next, ok2 := s.cLink(g.Next.GetSpan(), bpfc.LinkStmt)
	if !ok1 || !ok2 || prev.End > next.Start {
		return nil, syntax.Span{}, false
	}
	at, indent, ok := fenceSite(text, next.Start)
	if !ok {
		return nil, syntax.Span{}, false
	}
	nl := "\n"
	if at >= 2 && text[at-2] == '\r' {
		nl = "\r\n"
	}
	ln := s.src.Lines.Position(next.Start).Line
	var out []cCandidate
	for _, name := range names {
		call, ok := cFenceCall(name, s.user)
		if !ok {
			continue
		}
		out = append(out, cCandidate{
			short: fmt.Sprintf("Insert %s before line %d", call, ln),
			to:    name, line: ln, fence: true,
			site:  syntax.Span{Start: at, End: at},
			edits: []analysis.Edit{{Span: syntax.Span{Start: at, End: at}, NewText: indent + call + ";" + nl}},
		})
	}
	return out, syntax.Span{Start: prev.Start, End: next.End}, true
}

// candidatesAt finds the rewrites at span of src.
func (s *cScan) candidatesAt(span syntax.Span) []cCandidate {
	var accs []cAccess
	for i := range s.l.Accesses {
		if ca, ok := s.access(&s.l.Accesses[i]); ok {
			accs = append(accs, ca)
		}
	}
	var picked []*cAccess
	for i := range accs {
		if rewrite.SpanTouches(span, accs[i].c) {
			picked = append(picked, &accs[i])
		}
	}
	if len(picked) == 0 && span.Start == span.End {
		// The cursor on a statement but not on its access: the accesses
		// of the innermost statement there (of an if or a loop, those of
		// its condition).
		within := cStmtAt(s.sc, s.l, s.src.Name, span.Start)
		for i := range accs {
			g := accs[i].a.Span
			if within.Len() > 0 && within.Start <= g.Start && g.End <= within.End {
				picked = append(picked, &accs[i])
			}
		}
	}
	var out []cCandidate
	for _, p := range picked {
		if span.Start == span.End {
			// On "x = y" with the cursor on "y", the load, not the store.
			inner := false
			for _, q := range picked {
				if q != p && p.c.Start <= q.c.Start && q.c.End <= p.c.End && q.c != p.c {
					inner = true
				}
			}
			if inner {
				continue
			}
		}
		out = append(out, s.rewrites(p)...)
	}
	// The fences between two statements.
	for i := range s.l.Gaps {
		g := &s.l.Gaps[i]
		fs, region, ok := s.fences(g, rewrite.GapFences(g))
		if ok && rewrite.SpanTouches(span, region) {
			out = append(out, fs...)
		}
	}
	return out
}

// weakeningsAt returns the weakenings of the marked accesses and fences at
// span of src (or of the statement a cursor is on): acquire and release
// to READ_ONCE and WRITE_ONCE, a memory order of an __atomic or C11 call
// made weaker, smp_mb() to smp_rmb() or smp_wmb(), and a fence removed.
// Whether one keeps the test correct is for the check to say.
func (s *cScan) weakeningsAt(span syntax.Span) []cCandidate {
	var within syntax.Span
	if span.Start == span.End {
		within = cStmtAt(s.sc, s.l, s.src.Name, span.Start)
	}
	in := func(gen syntax.Span) bool {
		return within.Len() > 0 && within.Start <= gen.Start && gen.End <= within.End
	}
	var out []cCandidate
	for i := range s.l.Accesses {
		a := &s.l.Accesses[i]
		if a.Call == nil {
			continue
		}
		ca, ok := s.access(a)
		if !ok || !rewrite.SpanTouches(span, ca.c) && !in(a.Span) {
			continue
		}
		out = append(out, weakRewrites(&ca, s.src.Text, s.src.Lines.Position(ca.c.Start).Line, s.user)...)
	}
	for i := range s.l.Fences {
		fc := &s.l.Fences[i]
		cs, ok := s.cLink(fc.Stmt.Span, bpfc.LinkStmt)
		if !ok || !rewrite.SpanTouches(span, cs) && !in(fc.Stmt.Span) {
			continue
		}
		out = append(out, s.fenceWeakenings(fc, cs)...)
	}
	return out
}

// cFences are the C fence calls, by the LKMM fence the translation makes
// of them.
var cFences = map[string]string{
	"smp_mb": "smp_mb", "smp_rmb": "smp_rmb", "smp_wmb": "smp_wmb", "__sync_synchronize": "smp_mb",
	"smp_acquire__after_ctrl_dep": "smp_rmb",
}

// fenceWeakenings returns the C rewrites removing the fence statement at
// cs, and weakening smp_mb() to smp_rmb() or smp_wmb().
func (s *cScan) fenceWeakenings(fc *rewrite.Fence, cs syntax.Span) []cCandidate {
	text := s.src.Text
	stmt := strings.TrimSpace(string(text[cs.Start:cs.End]))
	call, ok := strings.CutSuffix(stmt, ";")
	if !ok {
		return nil
	}
	call = strings.TrimSpace(call)
	name, args, ok := splitCall(call)
	if !ok {
		return nil
	}
	lkmm := cFences[name]
	if (name == "__atomic_thread_fence" || name == "atomic_thread_fence") && len(args) == 1 {
		switch orderName(args[0]) {
		case "seq_cst", "acq_rel":
			lkmm = "smp_mb"
		case "acquire", "consume":
			lkmm = "smp_rmb"
		case "release":
			lkmm = "smp_wmb"
		}
	}
	if lkmm == "" || lkmm != fc.Name {
		return nil // not a fence statement of its own (the smp_mb() after a seq_cst store)
	}
	// The statement must stand where removing it leaves the code around
	// it as it was: after a statement or a brace, not as an if's body.
	if _, _, ok := fenceSite(text, cs.Start); !ok {
		return nil
	}
	ln := s.src.Lines.Position(cs.Start).Line
	var out []cCandidate
	// Remove the whole line when the statement stands alone on it.
	del := cs
	ls, le := cs.Start, cs.End
	for ls > 0 && (text[ls-1] == ' ' || text[ls-1] == '\t') {
		ls--
	}
	for le < len(text) && (text[le] == ' ' || text[le] == '\t' || text[le] == '\r') {
		le++
	}
	if (ls == 0 || text[ls-1] == '\n') && (le == len(text) || text[le] == '\n') {
		del = syntax.Span{Start: ls, End: min(le+1, len(text))}
	}
	out = append(out, cCandidate{short: fmt.Sprintf("Remove %s on line %d", call, ln), fence: true, line: ln, site: cs,
		edits: []analysis.Edit{{Span: del}}})
	if lkmm == "smp_mb" {
		callSpan := syntax.Span{Start: cs.Start, End: cs.Start + len(call)}
		for _, to := range []string{"smp_rmb", "smp_wmb"} {
			c, _ := cFenceCall(to, s.user)
			short := "Use " + to
			if s.user {
				short = "Use __atomic_thread_fence with " + strings.TrimSuffix(strings.TrimPrefix(c, "__atomic_thread_fence("), ")")
			}
			out = append(out, cCandidate{short: short, to: to, line: ln, site: cs,
				edits: []analysis.Edit{{Span: callSpan, NewText: c}}})
		}
	}
	return out
}

// candidateFor returns the C rewrite doing what the litmus rewrite rw does
// in the scenario of s.
func (s *cScan) candidateFor(rw *rewrite.Rewrite) (cCandidate, bool) {
	switch rw.Kind {
	case rewrite.RewriteInsert:
		for i := range s.l.Gaps {
			g := &s.l.Gaps[i]
			if g.Thread == rw.Thread && g.Prev.GetSpan().End == rw.Site.Start {
				fs, _, ok := s.fences(g, []string{rw.To})
				if ok && len(fs) == 1 {
					return fs[0], true
				}
			}
		}
	case rewrite.RewriteMark, rewrite.RewriteUpgrade:
		for i := range s.l.Accesses {
			a := &s.l.Accesses[i]
			if a.Span != rw.Site {
				continue
			}
			ca, ok := s.access(a)
			if !ok {
				return cCandidate{}, false
			}
			for _, c := range s.rewrites(&ca) {
				if c.to == rw.To {
					return c, true
				}
			}
		}
	}
	return cCandidate{}, false
}

// A cAccess is an access of a generated test and the C it came from.
type cAccess struct {
	a   *rewrite.Access
	c   syntax.Span // the C expression: the lvalue of a plain load, the assignment of a plain store, the call of a marked access
	lhs syntax.Span // the stored lvalue of a plain store
	rmw bool        // a plain read-modify-write: "x++", "x += v"

	// What the translation's tree says of the C, for the rewrites:
	op   string   // the operator of a plain read-modify-write, as generated: "+=" for "x++"
	val  string   // the C of the value a plain store or read-modify-write stores, or "" when a rewrite cannot keep it
	args []string // the C of the generated call's arguments (pointer, then value), or nil
}

// cStmtAt returns the generated span of the innermost statement of sc
// whose C in file holds off, or of its condition for an if or a loop; the
// empty span when there is none.
func cStmtAt(sc *bpfc.Scenario, l *rewrite.Layout, file string, off int) syntax.Span {
	for _, lk := range sc.Map.FromC(file, off) {
		if lk.Kind != bpfc.LinkStmt {
			continue
		}
		s := findStmt(l.F, lk.Gen)
		switch s := s.(type) {
		case nil, *syntax.BlockStmt:
			continue
		case *syntax.IfStmt:
			if s.Cond != nil {
				return s.Cond.GetSpan()
			}
		case *syntax.WhileStmt:
			if s.Cond != nil {
				return s.Cond.GetSpan()
			}
		}
		return lk.Gen
	}
	return syntax.Span{}
}

// findStmt returns the statement of f's threads whose span is sp, or nil.
func findStmt(f *syntax.File, sp syntax.Span) syntax.Stmt {
	return findThreadStmt(f, func(s syntax.Stmt) bool {
		_, block := s.(*syntax.BlockStmt)
		return !block && s.GetSpan() == sp
	})
}

// findThreadStmt returns the first statement of f's threads, an enclosing
// statement before those it holds, for which match holds, or nil.
func findThreadStmt(f *syntax.File, match func(syntax.Stmt) bool) syntax.Stmt {
	var found syntax.Stmt
	var visit func(s syntax.Stmt)
	visit = func(s syntax.Stmt) {
		if s == nil || found != nil {
			return
		}
		if match(s) {
			found = s
			return
		}
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, t := range s.Stmts {
				visit(t)
			}
		case *syntax.IfStmt:
			visit(s.Then)
			visit(s.Else)
		case *syntax.WhileStmt:
			visit(s.Body)
		}
	}
	for _, t := range f.Threads {
		if t.Body != nil {
			visit(t.Body)
		}
	}
	return found
}
