package rewrite

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/syntax"
)

// This file is the vocabulary of rewrites of a C litmus test: marking a
// plain access, strengthening a marked one to acquire or release,
// inserting a fence between two accesses of a thread, using the fully
// ordered variant of an atomic, and the opposite moves that weaken or drop
// an ordering. Each rewrite is a list of byte-offset edits on the user's
// text that keep the rest of it (indentation, comments) as written.

// Pseudo-primitive names for unmarked accesses, used in [Rewrite.From] and
// [Rewrite.To] and by the cost model.
const (
	PlainLoad  = "plain load"
	PlainStore = "plain store"
)

// A RewriteKind says what a rewrite does.
type RewriteKind int

const (
	RewriteMark    RewriteKind = iota // plain access to READ_ONCE/WRITE_ONCE
	RewriteUpgrade                    // to a stronger primitive at the same place (acquire, release, fully ordered RMW)
	RewriteInsert                     // a fence inserted between two accesses
	RewriteWeaken                     // to a weaker primitive at the same place
	RewriteRemove                     // a fence dropped
)

// A Rewrite is one change from the vocabulary, ready to apply.
type Rewrite struct {
	Kind   RewriteKind
	Thread int             // index of the thread in File.Threads
	Site   syntax.Span     // the access or fence it changes, or the empty span where a fence goes
	From   string          // the primitive before ("" when a fence is inserted; PlainLoad or PlainStore)
	To     string          // the primitive after ("" when a fence is removed)
	Line   int             // 1-based line of Site, for titles
	Edits  []analysis.Edit // non-overlapping, in source order
}

// Title says what the rewrite does, starting with the verb and the
// primitive: "Use smp_load_acquire", "Insert smp_wmb() after line 14",
// "Remove smp_mb()".
func (r *Rewrite) Title() string {
	switch r.Kind {
	case RewriteInsert:
		return fmt.Sprintf("Insert %s() before line %d", r.To, r.Line)
	case RewriteRemove:
		return fmt.Sprintf("Remove %s() on line %d", r.From, r.Line)
	}
	return fmt.Sprintf("Use %s on line %d", r.To, r.Line)
}

// JoinTitles names several rewrites in one line, not repeating a verb:
// "Use READ_ONCE on line 3, smp_load_acquire on line 5, Insert smp_mb()
// before line 9".
func JoinTitles(rws []Rewrite) string {
	names := make([]string, len(rws))
	for i := range rws {
		names[i] = rws[i].Title()
	}
	for i := len(names) - 1; i > 0; i-- {
		verb := names[i][:strings.IndexByte(names[i], ' ')+1]
		if strings.HasPrefix(names[i-1], verb) {
			names[i] = names[i][len(verb):]
		}
	}
	return strings.Join(names, ", ")
}

// conflicts reports whether r and s change the same place, so they cannot
// both apply.
func (r *Rewrite) conflicts(s *Rewrite) bool {
	return r.Thread == s.Thread && r.Site == s.Site
}

// ---------------------------------------------------------------------------
// What a thread does, as written.

// rwKind is a bit set: a read-modify-write is both.
type rwKind uint8

const (
	rwLoad rwKind = 1 << iota
	rwStore
	rwLock // a lock operation: not a load or store of data, but a fence may go after it
)

// An Access is one memory access written in a thread.
type Access struct {
	thread int
	kind   rwKind
	Prim   string      // the primitive, or PlainLoad / PlainStore
	Span   syntax.Span // the call, the "*x" of a plain load, or the assignment of a plain store
	Call   *syntax.CallExpr
	Deref  *syntax.UnaryExpr  // the "*x" of a plain access
	Assign *syntax.AssignExpr // a plain store
}

// An Fence is a fence statement "smp_mb();".
type Fence struct {
	thread int
	Name   string
	Stmt   *syntax.ExprStmt
	call   *syntax.CallExpr
}

// An Gap is a place between two statements of one block where a fence can
// go, with at least one access of the thread before it and one after it.
type Gap struct {
	Thread     int
	Prev, Next syntax.Stmt
	before     rwKind // the kinds of the accesses before the gap in the thread
	after      rwKind // and after it
	prevFence  string // the fence statement right before the gap, or ""
	nextFence  string // right after it, or ""
	prevCall   string // the primitive the statement before the gap calls, or ""
	nextCall   string // and the one after it
}

// An Layout is what the threads of a C test do, found from the tree.
type Layout struct {
	F        *syntax.File
	src      []byte
	Accesses []Access
	Fences   []Fence
	Gaps     []Gap
}

// rwLoadPrims, rwStorePrims: the marked accesses that are only loads or only
// stores; other value-returning atomics are read-modify-writes.
var (
	rwLoadPrims  = map[string]bool{"READ_ONCE": true, "smp_load_acquire": true, "rcu_dereference": true, "atomic_read": true, "atomic_read_acquire": true}
	rwStorePrims = map[string]bool{"WRITE_ONCE": true, "smp_store_release": true, "rcu_assign_pointer": true, "atomic_set": true, "atomic_set_release": true, "smp_store_mb": true}
	rwNotAccess  = map[string]bool{"ATOMIC_INIT": true}
	rwLockPrims  = map[string]bool{"spin_lock": true, "spin_unlock": true, "spin_trylock": true, "spin_is_locked": true, "lock": true, "unlock": true}
)

// rwIsFence reports whether name is a fence primitive (smp_mb and friends,
// barrier).
func rwIsFence(name string) bool {
	p, ok := syntax.Primitives[name]
	return ok && p.Arity == 0 && (strings.HasPrefix(name, "smp_") || name == "barrier")
}

// rwPrimKind says whether a call of name accesses memory, and how.
func rwPrimKind(name string) rwKind {
	switch {
	case rwLoadPrims[name]:
		return rwLoad
	case rwStorePrims[name]:
		return rwStore
	case rwNotAccess[name]:
		return 0
	case rwLockPrims[name]:
		return rwLock
	case strings.HasPrefix(name, "atomic_"), strings.HasPrefix(name, "xchg"), strings.HasPrefix(name, "cmpxchg"):
		return rwLoad | rwStore
	}
	return 0
}

// ScanLayout finds the accesses, fences and gaps of f's C threads.
func ScanLayout(f *syntax.File, src []byte) *Layout {
	l := &Layout{F: f, src: src}
	if f.Dialect != syntax.DialectC {
		return l
	}
	for ti, t := range f.Threads {
		if t.Body == nil {
			continue
		}
		first := len(l.Accesses)
		syntax.InspectStmt(t.Body, func(s syntax.Stmt) { l.stmt(ti, s) }, func(syntax.Expr) {})
		l.findGaps(ti, t.Body, l.Accesses[first:])
	}
	return l
}

// stmt records the fence s is, or the accesses of its own expressions;
// syntax.InspectStmt visits the statements under it.
func (l *Layout) stmt(ti int, s syntax.Stmt) {
	switch s := s.(type) {
	case *syntax.DeclStmt:
		if s.Value != nil {
			l.expr(ti, s.Value, false)
		}
	case *syntax.ExprStmt:
		if c, ok := s.X.(*syntax.CallExpr); ok && c.Fun != nil && rwIsFence(c.Fun.Name) {
			l.Fences = append(l.Fences, Fence{thread: ti, Name: c.Fun.Name, Stmt: s, call: c})
			return
		}
		l.expr(ti, s.X, false)
	case *syntax.IfStmt:
		l.expr(ti, s.Cond, false)
	case *syntax.WhileStmt:
		l.expr(ti, s.Cond, false)
	}
}

// expr records the accesses of x; lhs says x is the target of an
// assignment (so a "*p" there is a store, recorded by the caller).
func (l *Layout) expr(ti int, x syntax.Expr, lhs bool) {
	switch x := x.(type) {
	case *syntax.AssignExpr:
		if d, ok := x.X.(*syntax.UnaryExpr); ok && d.Op == "*" {
			l.expr(ti, d.X, false)
			if x.Op == "=" {
				l.Accesses = append(l.Accesses, Access{thread: ti, kind: rwStore, Prim: PlainStore, Span: x.Span, Deref: d, Assign: x})
			} else {
				l.Accesses = append(l.Accesses, Access{thread: ti, kind: rwLoad | rwStore, Prim: PlainStore, Span: x.Span, Deref: d})
			}
		} else {
			l.expr(ti, x.X, true)
		}
		l.expr(ti, x.Y, false)
	case *syntax.UnaryExpr:
		if x.Op == "*" && !lhs {
			l.expr(ti, x.X, false)
			l.Accesses = append(l.Accesses, Access{thread: ti, kind: rwLoad, Prim: PlainLoad, Span: x.Span, Deref: x})
			return
		}
		if x.Op == "&" {
			return // an address, not an access
		}
		l.expr(ti, x.X, false)
	case *syntax.CallExpr:
		for _, a := range x.Args {
			// The pointer argument of a primitive is an address, not a
			// load: READ_ONCE(*x) reads x once, as the call.
			if d, ok := a.(*syntax.UnaryExpr); ok && d.Op == "*" {
				l.expr(ti, d.X, false)
				continue
			}
			l.expr(ti, a, false)
		}
		if x.Fun != nil {
			if k := rwPrimKind(x.Fun.Name); k != 0 {
				l.Accesses = append(l.Accesses, Access{thread: ti, kind: k, Prim: x.Fun.Name, Span: x.Span, Call: x})
			}
		}
	case *syntax.BinaryExpr:
		l.expr(ti, x.X, false)
		l.expr(ti, x.Y, false)
	case *syntax.CondExpr:
		l.expr(ti, x.Cond, false)
		l.expr(ti, x.X, false)
		l.expr(ti, x.Y, false)
	case *syntax.ParenExpr:
		l.expr(ti, x.X, lhs)
	case *syntax.CastExpr:
		l.expr(ti, x.X, lhs)
	case *syntax.IndexExpr:
		l.expr(ti, x.X, false)
		l.expr(ti, x.Index, false)
	}
}

// findGaps records the places between consecutive statements of the
// blocks of a thread body that have accesses on both sides, one per
// block and number of accesses before.
func (l *Layout) findGaps(ti int, body *syntax.BlockStmt, acc []Access) {
	syntax.InspectStmt(body, func(s syntax.Stmt) {
		if b, ok := s.(*syntax.BlockStmt); ok {
			l.blockGaps(ti, b, acc)
		}
	}, func(syntax.Expr) {})
}

// blockGaps records the gaps between the statements of block b.
func (l *Layout) blockGaps(ti int, b *syntax.BlockStmt, acc []Access) {
	seen := map[int]bool{}
	var stmts []syntax.Stmt
	for _, s := range b.Stmts {
		// Declarators of one declaration share a span.
		if len(stmts) > 0 && stmts[len(stmts)-1].GetSpan() == s.GetSpan() {
			continue
		}
		stmts = append(stmts, s)
	}
	for i := 0; i+1 < len(stmts); i++ {
		pos := stmts[i].GetSpan().End
		var before, after rwKind
		n := 0
		for _, a := range acc {
			if a.Span.End <= pos {
				before |= a.kind
				n++
			} else if a.Span.Start >= pos {
				after |= a.kind
			}
		}
		if before == 0 || after == 0 || seen[n] {
			continue
		}
		seen[n] = true
		g := Gap{Thread: ti, Prev: stmts[i], Next: stmts[i+1], before: before, after: after}
		// Put the fence right before the next access: skip declarations
		// without initializers and fences.
		for j := i + 1; j+1 < len(stmts) && !rwHasAccess(stmts[j], acc); j++ {
			if _, ok := stmts[j].(*syntax.DeclStmt); !ok {
				break
			}
			g.Prev, g.Next = stmts[j], stmts[j+1]
		}
		g.prevFence, g.nextFence = rwFenceName(g.Prev), rwFenceName(g.Next)
		g.prevCall, g.nextCall = stmtCall(g.Prev), stmtCall(g.Next)
		l.Gaps = append(l.Gaps, g)
	}
}

// rwHasAccess reports whether an access of acc lies in s.
func rwHasAccess(s syntax.Stmt, acc []Access) bool {
	sp := s.GetSpan()
	for _, a := range acc {
		if sp.Start <= a.Span.Start && a.Span.End <= sp.End {
			return true
		}
	}
	return false
}

// rwFenceName returns the fence s calls, or "".
func rwFenceName(s syntax.Stmt) string {
	if e, ok := s.(*syntax.ExprStmt); ok {
		if c, ok := e.X.(*syntax.CallExpr); ok && c.Fun != nil && rwIsFence(c.Fun.Name) {
			return c.Fun.Name
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// Building the rewrites.

func (l *Layout) text(n syntax.Node) string {
	sp := n.GetSpan()
	if sp.Start < 0 || sp.End > len(l.src) || sp.Start > sp.End {
		return ""
	}
	return string(l.src[sp.Start:sp.End])
}

func (l *Layout) line(off int) int {
	if l.F.Lines == nil {
		return 0
	}
	return l.F.Lines.Position(off).Line
}

// pointer returns the text of the address a marked access's argument
// names: "x" for "*x", "&y" for "y".
func (l *Layout) pointer(arg syntax.Expr) string {
	return analysis.AddrText(arg, func(e syntax.Expr) string { return l.text(e) })
}

// deref returns the text of the location an address names: "*x" for "x",
// "y" for "&y".
func (l *Layout) deref(arg syntax.Expr) string {
	if d, ok := arg.(*syntax.UnaryExpr); ok && d.Op == "&" {
		return l.text(d.X)
	}
	if _, ok := arg.(*syntax.Ident); ok {
		return "*" + l.text(arg)
	}
	return "*(" + l.text(arg) + ")"
}

// rewriteAccess returns the rewrite of a to primitive to, or false when
// the vocabulary has no such move.
func (l *Layout) rewriteAccess(a *Access, to string, kind RewriteKind) (Rewrite, bool) {
	r := Rewrite{Kind: kind, Thread: a.thread, Site: a.Span, From: a.Prim, To: to, Line: l.line(a.Span.Start)}
	// The edits leave the value of a store, and the arguments of a call
	// other than its address, alone, so that rewrites of the accesses
	// nested in them ("*y = *x") combine with this one.
	switch {
	case a.Prim == PlainLoad && a.Deref != nil:
		var text string
		switch to {
		case "READ_ONCE":
			text = "READ_ONCE(" + l.text(a.Deref) + ")"
		case "smp_load_acquire":
			text = "smp_load_acquire(" + l.text(a.Deref.X) + ")"
		default:
			return r, false
		}
		r.Edits = []analysis.Edit{{Span: a.Span, NewText: text}}
	case a.Prim == PlainStore && a.Assign != nil:
		var head string
		switch to {
		case "WRITE_ONCE":
			head = "WRITE_ONCE(" + l.text(a.Deref) + ", "
		case "smp_store_release":
			head = "smp_store_release(" + l.text(a.Deref.X) + ", "
		default:
			return r, false
		}
		y := a.Assign.Y.GetSpan()
		r.Edits = []analysis.Edit{
			{Span: syntax.Span{Start: a.Assign.Span.Start, End: y.Start}, NewText: head},
			{Span: syntax.Span{Start: a.Assign.Span.End, End: a.Assign.Span.End}, NewText: ")"},
		}
	case a.Call != nil && len(a.Call.Args) > 0 && a.Call.Fun != nil:
		args := a.Call.Args
		rename := analysis.Edit{Span: a.Call.Fun.Span, NewText: to}
		switch {
		case a.Prim == "READ_ONCE" && to == "smp_load_acquire",
			a.Prim == "WRITE_ONCE" && to == "smp_store_release" && len(args) == 2:
			r.Edits = []analysis.Edit{rename, {Span: args[0].GetSpan(), NewText: l.pointer(args[0])}}
		case a.Prim == "smp_load_acquire" && to == "READ_ONCE",
			a.Prim == "smp_store_release" && to == "WRITE_ONCE" && len(args) == 2:
			r.Edits = []analysis.Edit{rename, {Span: args[0].GetSpan(), NewText: l.deref(args[0])}}
		default:
			// Same arguments, another name: atomics and their orderings.
			if !sameFamily(a.Prim, to) {
				return r, false
			}
			r.Edits = []analysis.Edit{rename}
		}
	default:
		return r, false
	}
	return r, true
}

// orderSuffixes are the ordering variants of an atomic's name.
var orderSuffixes = []string{"_relaxed", "_acquire", "_release"}

// AtomicBase splits an atomic's name into the fully ordered name and its
// ordering suffix ("" when fully ordered); ok is false for names without
// ordering variants.
func AtomicBase(name string) (base, suffix string, ok bool) {
	for _, s := range orderSuffixes {
		if b, found := strings.CutSuffix(name, s); found {
			if _, exists := syntax.Primitives[b]; exists {
				return b, s, true
			}
		}
	}
	if _, exists := syntax.Primitives[name+"_relaxed"]; exists {
		return name, "", true
	}
	switch name {
	case "atomic_read", "atomic_read_acquire":
		return "atomic_read", strings.TrimPrefix(name, "atomic_read"), true
	case "atomic_set", "atomic_set_release":
		return "atomic_set", strings.TrimPrefix(name, "atomic_set"), true
	}
	return "", "", false
}

// sameFamily reports whether a and b are ordering variants of one atomic.
func sameFamily(a, b string) bool {
	ba, _, oka := AtomicBase(a)
	bb, _, okb := AtomicBase(b)
	if !oka || !okb || ba != bb {
		return false
	}
	_, ok := syntax.Primitives[b]
	return ok
}

// strongerAccess lists the primitives an access may be strengthened to,
// weakest first.
func strongerAccess(a *Access) []string {
	switch a.Prim {
	case PlainLoad:
		return []string{"READ_ONCE", "smp_load_acquire"}
	case PlainStore:
		if a.Assign == nil {
			return nil
		}
		return []string{"WRITE_ONCE", "smp_store_release"}
	case "READ_ONCE":
		return []string{"smp_load_acquire"}
	case "WRITE_ONCE":
		return []string{"smp_store_release"}
	case "atomic_read":
		return []string{"atomic_read_acquire"}
	case "atomic_set":
		return []string{"atomic_set_release"}
	}
	base, suffix, ok := AtomicBase(a.Prim)
	if !ok || base == "atomic_read" || base == "atomic_set" {
		return nil
	}
	switch suffix {
	case "_relaxed":
		var out []string
		for _, s := range []string{"_acquire", "_release", ""} {
			if _, ok := syntax.Primitives[base+s]; ok {
				out = append(out, base+s)
			}
		}
		return out
	case "_acquire", "_release":
		return []string{base}
	}
	return nil
}

// weakerAccess lists the primitives an access may be weakened to, weakest
// first. Marked accesses are never made plain (that would add races).
func weakerAccess(a *Access) []string {
	switch a.Prim {
	case "smp_load_acquire":
		return []string{"READ_ONCE"}
	case "smp_store_release":
		return []string{"WRITE_ONCE"}
	case "atomic_read_acquire":
		return []string{"atomic_read"}
	case "atomic_set_release":
		return []string{"atomic_set"}
	}
	base, suffix, ok := AtomicBase(a.Prim)
	if !ok || base == "atomic_read" || base == "atomic_set" {
		return nil
	}
	switch suffix {
	case "":
		var out []string
		for _, s := range []string{"_relaxed", "_acquire", "_release"} {
			if _, ok := syntax.Primitives[base+s]; ok {
				out = append(out, base+s)
			}
		}
		return out
	case "_acquire", "_release":
		return []string{base + "_relaxed"}
	}
	return nil
}

// stmtCall returns the primitive s calls as a statement ("spin_lock(l);",
// "r0 = xchg(x, 1);"), or "".
func stmtCall(s syntax.Stmt) string {
	var x syntax.Expr
	switch s := s.(type) {
	case *syntax.ExprStmt:
		x = s.X
	case *syntax.DeclStmt:
		x = s.Value
	}
	if a, ok := x.(*syntax.AssignExpr); ok {
		x = a.Y
	}
	if c, ok := x.(*syntax.CallExpr); ok && c.Fun != nil {
		return c.Fun.Name
	}
	return ""
}

// unorderedAtomic reports whether name is an atomic read-modify-write that
// orders nothing by itself (a void atomic or a _relaxed one), which
// smp_mb__before_atomic() and smp_mb__after_atomic() strengthen.
func unorderedAtomic(name string) bool {
	if rwPrimKind(name) != rwLoad|rwStore {
		return false
	}
	if strings.HasSuffix(name, "_relaxed") {
		return true
	}
	p := syntax.Primitives[name]
	return strings.HasPrefix(name, "atomic_") && !p.Returns
}

// GapFences lists the fences that apply at g, weakest first: smp_rmb()
// between two loads, smp_wmb() between two stores, smp_mb() always, and
// the special full fences where they apply: smp_mb__after_spinlock()
// right after taking a lock, smp_mb__before_atomic() right before an
// unordered atomic and smp_mb__after_atomic() right after one (free on
// x86). A fence already there (or a stronger one) is not inserted again.
func GapFences(g *Gap) []string {
	var out []string
	has := func(name string) bool { return g.prevFence == name || g.nextFence == name }
	if has("smp_mb") {
		return nil
	}
	if (g.prevCall == "spin_lock" || g.prevCall == "lock") && !has("smp_mb__after_spinlock") {
		out = append(out, "smp_mb__after_spinlock")
	}
	if unorderedAtomic(g.nextCall) && !has("smp_mb__before_atomic") {
		out = append(out, "smp_mb__before_atomic")
	}
	if unorderedAtomic(g.prevCall) && !has("smp_mb__after_atomic") {
		out = append(out, "smp_mb__after_atomic")
	}
	if g.before&rwLoad != 0 && g.after&rwLoad != 0 && !has("smp_rmb") {
		out = append(out, "smp_rmb")
	}
	if g.before&rwStore != 0 && g.after&rwStore != 0 && !has("smp_wmb") {
		out = append(out, "smp_wmb")
	}
	return append(out, "smp_mb")
}

// insertFence returns the rewrite inserting fence name at g: on its own
// line before the next statement, with that line's indentation, or inline
// after the previous statement when both share a line.
func (l *Layout) insertFence(g *Gap, name string) Rewrite {
	prev, next := g.Prev.GetSpan(), g.Next.GetSpan()
	r := Rewrite{Kind: RewriteInsert, Thread: g.Thread, Site: syntax.Span{Start: prev.End, End: prev.End}, To: name, Line: l.line(next.Start)}
	if e, ok := analysis.LineInsert(l.src, next.Start, name+"();"); ok && e.Span.Start > prev.End {
		r.Edits = []analysis.Edit{e}
	} else {
		r.Edits = []analysis.Edit{{Span: syntax.Span{Start: prev.End, End: prev.End}, NewText: " " + name + "();"}}
	}
	return r
}

// removeFence returns the rewrite dropping fence fc: its whole line when
// it stands alone on it, else the statement and the blanks after it.
func (l *Layout) removeFence(fc *Fence) Rewrite {
	sp := fc.Stmt.Span
	r := Rewrite{Kind: RewriteRemove, Thread: fc.thread, Site: sp, From: fc.Name, Line: l.line(sp.Start)}
	r.Edits = []analysis.Edit{{Span: analysis.DeletionSpan(l.src, sp)}}
	return r
}

// weakenFence returns the rewrite replacing fence fc by to.
func (l *Layout) weakenFence(fc *Fence, to string) Rewrite {
	sp := fc.Stmt.Span
	return Rewrite{Kind: RewriteWeaken, Thread: fc.thread, Site: sp, From: fc.Name, To: to, Line: l.line(sp.Start),
		Edits: []analysis.Edit{{Span: fc.call.Fun.Span, NewText: to}}}
}

// fenceKinds returns the kinds of accesses before and after fence fc in
// its thread.
func (l *Layout) fenceKinds(fc *Fence) (before, after rwKind) {
	sp := fc.Stmt.Span
	for i := range l.Accesses {
		a := &l.Accesses[i]
		if a.thread != fc.thread {
			continue
		}
		if a.Span.End <= sp.Start {
			before |= a.kind
		} else if a.Span.Start >= sp.End {
			after |= a.kind
		}
	}
	return before, after
}

// Strengthenings returns every rewrite of the vocabulary that adds
// ordering to f's C threads: marking plain accesses, acquire and release,
// fully ordered atomics, and fences between accesses. src is the text f
// was parsed from.
func Strengthenings(f *syntax.File, src []byte) []Rewrite {
	l := ScanLayout(f, src)
	return l.strengthenings()
}

func (l *Layout) strengthenings() []Rewrite {
	var out []Rewrite
	for i := range l.Accesses {
		out = l.appendStrengthenings(out, &l.Accesses[i])
	}
	for i := range l.Gaps {
		g := &l.Gaps[i]
		for _, name := range GapFences(g) {
			out = append(out, l.insertFence(g, name))
		}
	}
	return out
}

// appendStrengthenings appends the rewrites strengthening access a.
func (l *Layout) appendStrengthenings(out []Rewrite, a *Access) []Rewrite {
	for _, to := range strongerAccess(a) {
		kind := RewriteUpgrade
		if to == "READ_ONCE" || to == "WRITE_ONCE" {
			kind = RewriteMark
		}
		if r, ok := l.rewriteAccess(a, to, kind); ok {
			out = append(out, r)
		}
	}
	return out
}

// Weakenings returns every rewrite of the vocabulary that removes ordering
// from f's C threads: a full fence to a read or write fence, a fence
// dropped, acquire or release to a marked access, a fully ordered atomic
// to an ordering variant.
func Weakenings(f *syntax.File, src []byte) []Rewrite {
	l := ScanLayout(f, src)
	return l.weakenings()
}

func (l *Layout) weakenings() []Rewrite {
	var out []Rewrite
	for i := range l.Fences {
		fc := &l.Fences[i]
		if fc.Name == "barrier" {
			continue
		}
		out = append(out, l.removeFence(fc))
		if fc.Name == "smp_mb" {
			before, after := l.fenceKinds(fc)
			if before&rwLoad != 0 && after&rwLoad != 0 {
				out = append(out, l.weakenFence(fc, "smp_rmb"))
			}
			if before&rwStore != 0 && after&rwStore != 0 {
				out = append(out, l.weakenFence(fc, "smp_wmb"))
			}
		}
	}
	for i := range l.Accesses {
		a := &l.Accesses[i]
		for _, to := range weakerAccess(a) {
			if r, ok := l.rewriteAccess(a, to, RewriteWeaken); ok {
				out = append(out, r)
			}
		}
	}
	return out
}
