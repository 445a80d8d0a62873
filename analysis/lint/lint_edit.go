package lint

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file finds the syntax behind events (by span) and builds the edits
// of the lints' fixes: rewriting one access, inserting or deleting a
// statement.

// A stmtInfo is the statement that holds an expression, and the block
// that holds the statement directly (nil when it is the arm of an if).
type stmtInfo struct {
	stmt   syntax.Stmt
	block  *syntax.BlockStmt
	thread int
}

// A nodeIndex maps spans of a C test's thread code to their syntax.
type nodeIndex struct {
	exprs  map[syntax.Span]syntax.Expr // outermost expression with each span
	stmts  map[syntax.Span]stmtInfo    // innermost statement holding each expression span
	regOf  map[syntax.Span]string      // call or access span → the register assigned its value
	ifs    [][]*syntax.IfStmt          // per thread index
	idents [][]*syntax.Ident           // per thread index: every name used, in source order
	instrs map[syntax.Span]*syntax.Instr
	// lvalue maps the target of an assignment (its span) to the
	// assignment: a compound one reads it too.
	lvalue map[syntax.Span]*syntax.AssignExpr
}

func indexNodes(f *syntax.File) *nodeIndex {
	ix := &nodeIndex{exprs: map[syntax.Span]syntax.Expr{}, stmts: map[syntax.Span]stmtInfo{}, regOf: map[syntax.Span]string{}, lvalue: map[syntax.Span]*syntax.AssignExpr{}, instrs: map[syntax.Span]*syntax.Instr{}}
	for _, t := range f.Threads {
		for len(ix.ifs) <= t.Index {
			ix.ifs = append(ix.ifs, nil)
			ix.idents = append(ix.idents, nil)
		}
		for _, in := range t.Instrs {
			ix.instrs[in.Span] = in
			if in.Dst != nil && in.Dst.IsReg && in.Kind != syntax.InstrCondJump {
				ix.regOf[in.Span] = fmt.Sprintf("r%d", in.Dst.Reg)
			}
		}
		if t.Body != nil {
			ix.stmt(t.Index, t.Body, nil)
		}
	}
	return ix
}

func (ix *nodeIndex) stmt(t int, s syntax.Stmt, block *syntax.BlockStmt) {
	info := stmtInfo{stmt: s, block: block, thread: t}
	switch s := s.(type) {
	case *syntax.BlockStmt:
		for _, x := range s.Stmts {
			ix.stmt(t, x, s)
		}
	case *syntax.DeclStmt:
		ix.expr(t, s.Value, info)
		if v := syntax.Unparen(s.Value); v != nil && s.Name != nil {
			ix.regOf[v.GetSpan()] = s.Name.Name
		}
	case *syntax.ExprStmt:
		ix.expr(t, s.X, info)
		if a, ok := s.X.(*syntax.AssignExpr); ok && a.Op == "=" {
			if id, ok := a.X.(*syntax.Ident); ok {
				if v := syntax.Unparen(a.Y); v != nil {
					ix.regOf[v.GetSpan()] = id.Name
				}
			}
		}
	case *syntax.IfStmt:
		ix.ifs[t] = append(ix.ifs[t], s)
		ix.expr(t, s.Cond, info)
		if s.Then != nil {
			ix.stmt(t, s.Then, nil)
		}
		if s.Else != nil {
			ix.stmt(t, s.Else, nil)
		}
	case *syntax.WhileStmt:
		ix.expr(t, s.Cond, info)
		if s.Body != nil {
			ix.stmt(t, s.Body, nil)
		}
	}
}

func (ix *nodeIndex) expr(t int, e syntax.Expr, info stmtInfo) {
	syntax.InspectExpr(e, func(x syntax.Expr) {
		sp := x.GetSpan()
		if _, ok := ix.exprs[sp]; !ok {
			ix.exprs[sp] = x
		}
		ix.stmts[sp] = info
		if id, ok := x.(*syntax.Ident); ok {
			ix.idents[t] = append(ix.idents[t], id)
		}
		if a, ok := x.(*syntax.AssignExpr); ok {
			ix.lvalue[syntax.Unparen(a.X).GetSpan()] = a
		}
	})
}

// call returns the primitive call an event comes from, or nil.
func (l *linter) call(e *checker.Event) *syntax.CallExpr {
	c, _ := l.nodes.exprs[e.Span].(*syntax.CallExpr)
	return c
}

// pointerText is the pointer a primitive's lvalue argument designates:
// "x" for "*x", "&y" for a variable named directly.
func (l *linter) pointerText(arg syntax.Expr) string {
	return analysis.AddrText(arg, func(e syntax.Expr) string { return l.text(e.GetSpan()) })
}

// acquireEdit rewrites the read e as an acquire load.
func (l *linter) acquireEdit(e *checker.Event) (analysis.Edit, bool) {
	if e.Kind != checker.KindR || e.Tags&(checker.TagRMW|checker.TagAcquire) != 0 || !dataAccess(e) {
		return analysis.Edit{}, false
	}
	switch x := l.nodes.exprs[e.Span].(type) {
	case *syntax.CallExpr:
		if len(x.Args) == 0 {
			return analysis.Edit{}, false
		}
		switch x.Fun.Name {
		case "READ_ONCE", "rcu_dereference":
			return analysis.Edit{Span: e.Span, NewText: "smp_load_acquire(" + l.pointerText(x.Args[0]) + ")"}, true
		case "atomic_read":
			return analysis.Edit{Span: e.Span, NewText: "atomic_read_acquire(" + l.text(x.Args[0].GetSpan()) + ")"}, true
		}
	case *syntax.UnaryExpr:
		if x.Op == "*" {
			return analysis.Edit{Span: e.Span, NewText: "smp_load_acquire(" + l.text(x.X.GetSpan()) + ")"}, true
		}
	}
	return l.bpfAcquireEdit(e)
}

// releaseEdit rewrites the write e as a release store.
func (l *linter) releaseEdit(e *checker.Event) (analysis.Edit, bool) {
	if e.Kind != checker.KindW || e.Tags&(checker.TagRMW|checker.TagRelease) != 0 || !dataAccess(e) {
		return analysis.Edit{}, false
	}
	switch x := l.nodes.exprs[e.Span].(type) {
	case *syntax.CallExpr:
		if len(x.Args) != 2 {
			return analysis.Edit{}, false
		}
		switch x.Fun.Name {
		case "WRITE_ONCE":
			return analysis.Edit{Span: e.Span, NewText: "smp_store_release(" + l.pointerText(x.Args[0]) + ", " + l.text(x.Args[1].GetSpan()) + ")"}, true
		case "atomic_set":
			return analysis.Edit{Span: e.Span, NewText: "atomic_set_release(" + l.text(x.Args[0].GetSpan()) + ", " + l.text(x.Args[1].GetSpan()) + ")"}, true
		}
	case *syntax.AssignExpr:
		if u, ok := syntax.Unparen(x.X).(*syntax.UnaryExpr); ok && u.Op == "*" && x.Op == "=" {
			return analysis.Edit{Span: e.Span, NewText: "smp_store_release(" + l.text(u.X.GetSpan()) + ", " + l.text(x.Y.GetSpan()) + ")"}, true
		}
	}
	return l.bpfReleaseEdit(e)
}

// onceEdit marks the plain access e with READ_ONCE or WRITE_ONCE. Both
// accesses of a compound assignment "*p += v" become
// "WRITE_ONCE(*p, READ_ONCE(*p) + v)".
func (l *linter) onceEdit(e *checker.Event) (analysis.Edit, bool) {
	switch x := l.nodes.exprs[e.Span].(type) {
	case *syntax.UnaryExpr:
		if a := l.nodes.lvalue[x.Span]; a != nil {
			if a.Op == "=" {
				return analysis.Edit{}, false
			}
			return l.compoundOnce(a)
		}
		if x.Op == "*" && e.Kind == checker.KindR {
			return analysis.Edit{Span: e.Span, NewText: "READ_ONCE(" + l.text(x.Span) + ")"}, true
		}
	case *syntax.AssignExpr:
		if x.Op != "=" {
			return l.compoundOnce(x)
		}
		if u, ok := syntax.Unparen(x.X).(*syntax.UnaryExpr); ok && u.Op == "*" && e.Kind == checker.KindW {
			return analysis.Edit{Span: e.Span, NewText: "WRITE_ONCE(" + l.text(u.Span) + ", " + l.text(x.Y.GetSpan()) + ")"}, true
		}
	}
	return analysis.Edit{}, false
}

// compoundOnce marks both accesses of "*p op= v".
func (l *linter) compoundOnce(a *syntax.AssignExpr) (analysis.Edit, bool) {
	u, ok := syntax.Unparen(a.X).(*syntax.UnaryExpr)
	if !ok || u.Op != "*" {
		return analysis.Edit{}, false
	}
	lhs := l.text(u.Span)
	op := strings.TrimSuffix(a.Op, "=")
	return analysis.Edit{Span: a.Span, NewText: fmt.Sprintf("WRITE_ONCE(%s, READ_ONCE(%s) %s (%s))", lhs, lhs, op, l.text(a.Y.GetSpan()))}, true
}

// stmtOf returns the statement holding the event's source.
func (l *linter) stmtOf(e *checker.Event) (stmtInfo, bool) {
	info, ok := l.nodes.stmts[e.Span]
	return info, ok && info.stmt != nil
}

// lineBounds returns the start of the line holding off and the end of
// the line (the offset of its '\n', or the end of the source).
func (l *linter) lineBounds(off int) (int, int) {
	start := off
	for start > 0 && l.src[start-1] != '\n' {
		start--
	}
	end := off
	for end < len(l.src) && l.src[end] != '\n' {
		end++
	}
	return start, end
}

func blank(b []byte) bool { return strings.TrimSpace(string(b)) == "" }

// insertBefore inserts the statement text before the statement of info,
// on its own line when the statement starts its line.
func (l *linter) insertBefore(info stmtInfo, text string) (analysis.Edit, bool) {
	if info.block == nil {
		return analysis.Edit{}, false
	}
	sp := info.stmt.GetSpan()
	if e, ok := analysis.LineInsert(l.src, sp.Start, text); ok {
		return e, true
	}
	return analysis.Edit{Span: syntax.Span{Start: sp.Start, End: sp.Start}, NewText: text + " "}, true
}

// insertAfter inserts the statement text after the statement of info.
func (l *linter) insertAfter(info stmtInfo, text string) (analysis.Edit, bool) {
	if info.block == nil {
		return analysis.Edit{}, false
	}
	sp := info.stmt.GetSpan()
	ls, le := l.lineBounds(sp.End)
	if sp.End <= len(l.src) && blank(l.src[sp.End:le]) {
		i := ls
		for i < len(l.src) && (l.src[i] == ' ' || l.src[i] == '\t') {
			i++
		}
		return analysis.Edit{Span: syntax.Span{Start: sp.End, End: sp.End}, NewText: analysis.LineEnding(l.src, ls) + string(l.src[ls:i]) + text}, true
	}
	return analysis.Edit{Span: syntax.Span{Start: sp.End, End: sp.End}, NewText: " " + text}, true
}

// deleteStmt removes the statement of info, with its line when nothing
// else is on it.
func (l *linter) deleteStmt(info stmtInfo) (analysis.Edit, bool) {
	if info.block == nil {
		return analysis.Edit{}, false
	}
	return analysis.Edit{Span: analysis.DeletionSpan(l.src, info.stmt.GetSpan())}, true
}

// replaceCall replaces a call's whole text (a fence such as "smp_rmb()").
func replaceCall(e *checker.Event, text string) analysis.Edit {
	return analysis.Edit{Span: e.Span, NewText: text}
}
