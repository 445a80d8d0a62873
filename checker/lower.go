package checker

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers a parsed C litmus test to per-thread paths: for each
// thread, every way through its code, with the events it performs, the
// symbolic values it writes and the constraints its branches put on the
// values it reads, as herd7's CSem.ml does for the LKMM (variant lkmmv2).

// addrBase is added to a location's index to make the value of its address.
const addrBase = int64(1) << 40

// A LowerError is a problem in the test that stops it from being checked:
// an unsupported construct, an unknown primitive, a bad argument.
type LowerError struct {
	Span syntax.Span
	Msg  string
}

func (e *LowerError) Error() string { return e.Msg }

// A sval is a symbolic value: a constant, the value read by an event of
// the same thread, or an operation on other values.
type sval struct {
	op   string // "k" constant, "r" read, "kd" constant that depends on event read, else a C operator ("+", "==", "!", "?:")
	k    int64
	read int // the index of the read event in the thread, for "r"
	a, b *sval
	c    *sval // the condition of "?:"
	size int   // nodes of v counted as a tree, at most maxValueSize+1; 0 for a leaf made without mk
}

// maxValueSize bounds the size of a pointer value counted as a tree, each
// shared part once per use: such a value is printed (sval.String) to key
// the locations it was resolved to, and code such as "r0 = r0 + r0;"
// written n times makes a value of 2^n nodes out of n.
const maxValueSize = 1 << 16

func konst(k int64) *sval { return &sval{op: "k", k: k} }

// konstFrom is the constant k as the result of event e of the thread (a
// spin_trylock's or spin_is_locked's lock event): herd7 makes the
// primitive's value the event's output, so what uses the value depends on
// the event (a branch on it is a control dependency), though the value is
// known.
func konstFrom(k int64, e int) *sval { return &sval{op: "kd", k: k, read: e} }

func (v *sval) isConst() bool { return v.op == "k" }

// treeSize returns the size of v counted as a tree (see maxValueSize).
func (v *sval) treeSize() int {
	if v == nil {
		return 0
	}
	return max(v.size, 1)
}

// sizeOf returns the tree size of a node over parts.
func sizeOf(parts ...*sval) int {
	n := 1
	for _, p := range parts {
		n += p.treeSize()
	}
	return min(n, maxValueSize+1)
}

// each calls f on every node of v: each distinct node once when v is
// large, so that a value shared many times costs its size once.
func (v *sval) each(f func(*sval)) {
	if v.treeSize() <= 64 {
		v.eachTree(f)
		return
	}
	seen := map[*sval]bool{}
	var walk func(x *sval)
	walk = func(x *sval) {
		if x == nil || seen[x] {
			return
		}
		seen[x] = true
		f(x)
		walk(x.a)
		walk(x.b)
		walk(x.c)
	}
	walk(v)
}

func (v *sval) eachTree(f func(*sval)) {
	if v == nil {
		return
	}
	f(v)
	v.a.eachTree(f)
	v.b.eachTree(f)
	v.c.eachTree(f)
}

// deps adds to set the reads v depends on.
func (v *sval) deps(set map[int]bool) {
	v.each(func(x *sval) {
		if x.op == "r" || x.op == "kd" {
			set[x.read] = true
		}
	})
}

// eval computes v given the values of the thread's reads. A large value
// is evaluated once per distinct node, so that one shared many times (as
// "r0 = r0 + r0;" written n times makes) costs its number of nodes.
func (v *sval) eval(reads func(int) int64) int64 {
	if v.size > 64 {
		return v.evalShared(reads, map[*sval]int64{})
	}
	switch v.op {
	case "k", "kd":
		return v.k
	case "r":
		return reads(v.read)
	case "?:":
		if v.c.eval(reads) != 0 {
			return v.a.eval(reads)
		}
		return v.b.eval(reads)
	}
	x := v.a.eval(reads)
	if v.b == nil {
		return unop(v.op, x)
	}
	return binop(v.op, x, v.b.eval(reads))
}

// evalShared is eval with the values of the nodes already computed.
func (v *sval) evalShared(reads func(int) int64, done map[*sval]int64) int64 {
	if x, ok := done[v]; ok {
		return x
	}
	var x int64
	switch v.op {
	case "k", "kd":
		x = v.k
	case "r":
		x = reads(v.read)
	case "?:":
		if v.c.evalShared(reads, done) != 0 {
			x = v.a.evalShared(reads, done)
		} else {
			x = v.b.evalShared(reads, done)
		}
	default:
		x = v.a.evalShared(reads, done)
		if v.b == nil {
			x = unop(v.op, x)
		} else {
			x = binop(v.op, x, v.b.evalShared(reads, done))
		}
	}
	done[v] = x
	return x
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func unop(op string, x int64) int64 {
	switch op {
	case "i32":
		return wrap32(x)
	case "-":
		return -x
	case "!":
		return b2i(x == 0)
	case "~":
		return ^x
	}
	return x
}

func binop(op string, x, y int64) int64 {
	switch op {
	case "+":
		return x + y
	case "-":
		return x - y
	case "*":
		return x * y
	case "/":
		if y == 0 {
			return 0
		}
		return x / y
	case "%":
		if y == 0 {
			return 0
		}
		return x % y
	case "&":
		return x & y
	case "|":
		return x | y
	case "^":
		return x ^ y
	case "&~":
		return x &^ y
	case "<<":
		return x << uint(y&63)
	case ">>":
		return x >> uint(y&63)
	case "==":
		return b2i(x == y)
	case "!=":
		return b2i(x != y)
	case "<":
		return b2i(x < y)
	case "<=":
		return b2i(x <= y)
	case ">":
		return b2i(x > y)
	case ">=":
		return b2i(x >= y)
	case "&&":
		return b2i(x != 0 && y != 0)
	case "||":
		return b2i(x != 0 || y != 0)
	}
	return 0
}

// wrap32 gives x as herd7 computes C values, in 32-bit integers that
// wrap around; an address (a location plus or minus a little pointer
// arithmetic) is left as it is.
func wrap32(x int64) int64 {
	if x > addrBase-1<<20 && x < addrBase+1<<20 {
		return x
	}
	return int64(int32(x))
}

// fits32 reports whether the constant k is one herd7 can read: C values
// are 32-bit integers, and a larger literal is an error there.
func fits32(k int64) bool { return k >= -1<<31 && k < 1<<31 }

// checkedInt returns the constant k written at e, or an error when herd7
// could not read it.
func checkedInt(e syntax.Expr, k int64) (int64, error) {
	if !fits32(k) {
		return 0, &LowerError{e.GetSpan(), fmt.Sprintf("%d does not fit in 32 bits: herd7 computes C values as 32-bit integers", k)}
	}
	return k, nil
}

// mkC is mk for C arithmetic, which wraps around at 32 bits as herd7's
// does: the operators that can leave the 32-bit range wrap their result.
func mkC(op string, a, b *sval) *sval {
	v := mk(op, a, b)
	switch op {
	case "+", "-", "*", "<<":
		return mk("i32", v, nil)
	}
	return v
}

func mk(op string, a, b *sval) *sval {
	if a.isConst() && (b == nil || b.isConst()) {
		if b == nil {
			return konst(unop(op, a.k))
		}
		return konst(binop(op, a.k, b.k))
	}
	return &sval{op: op, a: a, b: b, size: sizeOf(a, b)}
}

// A pevent is an event of a thread path, before it is placed in a
// structure.
type pevent struct {
	Event
	val     *sval // the value written (writes)
	addrDep map[int]bool
	dataDep map[int]bool
	ctrlDep map[int]bool
	rmwOf   int // for the write of an RMW, the index of its read; else -1
	// unordered says po does not order this event after the one before
	// it: herd7's BPF cmpxchg is a read and a write of one instruction,
	// which program order does not relate.
	unordered bool
}

// A constraint says a symbolic value must be nonzero (or zero).
type constraint struct {
	v    *sval
	want bool
	// unify marks the equality of a conditional RMW's outcome (a cmpxchg
	// that succeeds, an add_unless that fails), which herd7 states as an
	// assignment its solver meets by unification, so that it can fix a
	// value no constant determined; every other constraint is a
	// comparison, which such a value leaves unsolved (see valuer).
	unify bool
}

// equality returns a constraint that v's == (want) or != (!want) holds
// as herd7 states a conditional RMW's outcome: by unification when it
// says the two sides are equal.
func equality(v *sval, want bool) constraint {
	return constraint{v: v, want: want, unify: v.op == "==" && want || v.op == "!=" && !want}
}

// A path is one way through a thread's code.
type path struct {
	events []pevent
	cons   []constraint
	regs   map[string]*sval // final register values
	// bad is the statement where the path dereferences a value that is
	// the address of no location, or nil; the path ends there. herd7
	// stops with "Non symbolic address" when an execution gets there.
	bad *syntax.Span
}

// A program is a lowered test.
type program struct {
	locs    []Location
	locIdx  map[string]int
	init    []int64 // initial value of each location
	threads [][]*path
	nthread int
	// finalLocs are the observed locations, as Structure.FinalLocs.
	finalLocs []int
}

// symbol returns the name of a value that is the address of a location,
// or "".
func (p *program) symbol(v int64) string {
	i := v - addrBase
	if i >= 0 && i < int64(len(p.locs)) {
		return p.locs[i].Name
	}
	return ""
}

// valueString formats a value as herd7 prints it.
func (p *program) valueString(v int64) string {
	if s := p.symbol(v); s != "" {
		return s
	}
	if isFree(v) {
		// herd7 prints its solver's variable, S and a number of its
		// own; ours is the index of the first event of the cycle of
		// copies, so the same cycle prints the same in every execution.
		return fmt.Sprintf("S%d", freeBase-v)
	}
	return fmt.Sprint(v)
}

// maxPaths bounds the number of paths of one thread.
const maxPaths = 1 << 12

// lower turns a parsed C test into a program, its primitives lowered by
// the built-in lowering (lower_prim.go).
func lower(f *syntax.File) (*program, error) { return lowerWith(f, nil) }

// lowerWith is lower with the primitives lowered by macros, when not nil
// (lower_macro.go).
func lowerWith(f *syntax.File, macros *Macros) (*program, error) {
	p := &program{locIdx: map[string]int{}}
	addLoc := func(name string) int {
		if i, ok := p.locIdx[name]; ok {
			return i
		}
		p.locIdx[name] = len(p.locs)
		p.locs = append(p.locs, Location{Name: name})
		p.init = append(p.init, 0)
		return len(p.locs) - 1
	}
	// Locations: init block variables, thread parameters, names in the
	// condition, in a stable order (sorted by name, as herd7 prints memory).
	var names []string
	seen := map[string]bool{}
	note := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	regInit := map[string]syntax.Expr{}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Loc.Thread >= 0 {
				regInit[fmt.Sprintf("%d:%s", it.Loc.Thread, it.Loc.Name)] = it.Value
				if id, ok := it.Value.(*syntax.Ident); ok {
					note(id.Name)
				}
				continue
			}
			note(it.Loc.Name)
			if u, ok := it.Value.(*syntax.UnaryExpr); ok && u.Op == "&" {
				if id, ok := u.X.(*syntax.Ident); ok {
					note(id.Name)
				}
			}
			if id, ok := it.Value.(*syntax.Ident); ok {
				note(id.Name)
			}
		}
	}
	for _, t := range f.Threads {
		for _, prm := range t.Params {
			if prm.Name != nil {
				note(prm.Name.Name)
			}
		}
	}
	sort.Strings(names)
	for _, n := range names {
		addLoc(n)
	}
	// Initial values.
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Loc.Thread >= 0 || it.Value == nil {
				continue
			}
			v, err := p.constValue(it.Value)
			if err != nil {
				return nil, err
			}
			p.init[p.locIdx[it.Loc.Name]] = v
		}
	}
	for k, t := range f.Threads {
		// herd7 rejects anything else ("Processes must be P0, P1, ...");
		// a gap such as P50000000 would also make that many threads.
		if t.Index != k {
			return nil, &LowerError{t.NameSpan, fmt.Sprintf("%s should be P%d: herd7 wants the threads named P0, P1, ... in this order", t.Name, k)}
		}
		if t.Body == nil {
			return nil, &LowerError{t.Span, "thread has no body"}
		}
	}
	p.nthread = len(f.Threads)
	if macros != nil {
		if err := macros.checkCalls(f); err != nil {
			return nil, err
		}
	}
	// Pass 1 finds the locations whose addresses are stored in memory;
	// pass 2 lowers for real, a pointer read from memory ranging over them.
	stored := map[int]bool{}
	for _, v := range p.init {
		(&lowerer{p: p, seen: stored}).collect(konst(v))
	}
	if _, err := p.lowerThreads(f, regInit, &lowerer{p: p, seen: stored, macros: macros}); err != nil {
		return nil, err
	}
	addrs := []int{}
	for i := range p.locs {
		if stored[i] {
			addrs = append(addrs, i)
		}
	}
	threads, err := p.lowerThreads(f, regInit, &lowerer{p: p, addrs: addrs, macros: macros})
	if err != nil {
		return nil, err
	}
	p.threads = threads
	p.finalLocs = p.observedLocations(f)
	return p, nil
}

// observedLocations returns the shared variables whose final value f
// observes, as herd7 collects them: every location of an atom of the
// final condition or the filter (both sides of a comparison of two
// locations) and of the locations clause. Registers, and variables whose
// address is a compared value, are not memory locations observed.
func (p *program) observedLocations(f *syntax.File) []int {
	seen := map[int]bool{}
	add := func(l *syntax.Location) {
		if l == nil || l.Thread >= 0 {
			return
		}
		if i, ok := p.locIdx[l.Name]; ok {
			seen[i] = true
		}
	}
	walk := func(p syntax.Prop) {
		syntax.InspectProp(p, func(q syntax.Prop) {
			if q, ok := q.(*syntax.AtomProp); ok {
				add(&q.Loc)
				add(q.Value.Reg)
			}
		})
	}
	if f.Cond != nil {
		walk(f.Cond.Prop)
	}
	if f.Filter != nil {
		walk(f.Filter.Prop)
	}
	if f.Locations != nil {
		for i := range f.Locations.Locs {
			add(&f.Locations.Locs[i])
		}
	}
	locs := slices.Sorted(maps.Keys(seen))
	return locs
}

// lowerThreads lowers every thread with a copy of proto.
func (p *program) lowerThreads(f *syntax.File, regInit map[string]syntax.Expr, proto *lowerer) ([][]*path, error) {
	threads := make([][]*path, p.nthread)
	for _, t := range f.Threads {
		l := *proto
		l.thread = t.Index
		l.span = t.Span
		st := &lstate{env: map[string]*sval{}, ctrl: map[int]bool{}, resolved: map[string]int{}}
		for _, key := range slices.Sorted(maps.Keys(regInit)) {
			if e := regInit[key]; strings.HasPrefix(key, fmt.Sprint(t.Index)+":") {
				v, err := p.constValue(e)
				if err != nil {
					return nil, err
				}
				l.collect(konst(v))
				st.env[key[strings.Index(key, ":")+1:]] = konst(v)
			}
		}
		for _, prm := range t.Params {
			if prm.Name != nil {
				st.env[prm.Name.Name] = konst(addrBase + int64(p.locIdx[prm.Name.Name]))
			}
		}
		sts, err := l.stmt(t.Body, []*lstate{st})
		if err != nil {
			return nil, err
		}
		for _, s := range sts {
			threads[t.Index] = append(threads[t.Index], &path{events: s.events, cons: s.cons, regs: s.env, bad: s.bad})
		}
	}
	return threads, nil
}

// constValue evaluates an initial value. A location declared without one
// ("int 0:r2;", "int *1:r1;", "x;") starts at 0, as in herd7.
func (p *program) constValue(e syntax.Expr) (int64, error) {
	switch e := e.(type) {
	case nil:
		return 0, nil
	case *syntax.IntLit:
		return checkedInt(e, e.Value)
	case *syntax.Ident:
		if i, ok := p.locIdx[e.Name]; ok {
			return addrBase + int64(i), nil
		}
		if e.Name == "NULL" {
			return 0, nil
		}
	case *syntax.UnaryExpr:
		if e.Op == "&" {
			if id, ok := e.X.(*syntax.Ident); ok {
				if i, ok := p.locIdx[id.Name]; ok {
					return addrBase + int64(i), nil
				}
			}
		}
		if e.Op == "-" {
			if lit, ok := e.X.(*syntax.IntLit); ok {
				return checkedInt(e, -lit.Value) // -2147483648 fits
			}
			v, err := p.constValue(e.X)
			return -v, err
		}
	case *syntax.CallExpr:
		if e.Fun.Name == "ATOMIC_INIT" && len(e.Args) == 1 {
			return p.constValue(e.Args[0])
		}
	case *syntax.ParenExpr:
		return p.constValue(e.X)
	}
	return 0, &LowerError{e.GetSpan(), "unsupported initial value"}
}

type lowerer struct {
	p      *program
	thread int
	instr  int
	// addrs lists the locations a pointer read from memory may hold; nil
	// in the first pass, which only collects them into seen.
	addrs []int
	seen  map[int]bool
	span  syntax.Span // the thread being lowered
	// macros lower the primitives when the model comes with a .def
	// file; nil means the built-in lowering (lower_prim.go).
	macros *Macros
	// annots are the annotations of the core operation being lowered
	// by macros: add gives them to the events it adds.
	annots []string
}

// A forkNeeded stops the lowering of a statement that dereferences v, a
// pointer read from memory, so that it can be re-run for each location.
type forkNeeded struct {
	v    *sval
	span syntax.Span // the pointer expression
	st   *lstate     // the state where it is dereferenced
}

func (f *forkNeeded) Error() string { return "fork on " + f.v.String() }

// String prints v; equal values print the same.
func (v *sval) String() string {
	switch v.op {
	case "k":
		return fmt.Sprint(v.k)
	case "r":
		return fmt.Sprintf("r%d", v.read)
	case "kd":
		return fmt.Sprintf("%d@r%d", v.k, v.read)
	case "?:":
		return fmt.Sprintf("(%s?%s:%s)", v.c, v.a, v.b)
	}
	if v.b == nil {
		return fmt.Sprintf("(%s%s)", v.op, v.a)
	}
	return fmt.Sprintf("(%s%s%s)", v.a, v.op, v.b)
}

// collect notes the addresses of locations v may hold.
func (l *lowerer) collect(v *sval) {
	if l.seen == nil {
		return
	}
	v.each(func(x *sval) {
		if x.isConst() {
			if i := x.k - addrBase; i >= 0 && i < int64(len(l.p.locs)) {
				l.seen[int(i)] = true
			}
		}
	})
}

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
