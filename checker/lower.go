package checker

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers a parsed C litmus test to per-thread paths: for each
// thread, every way through its code, with the events it performs, the
// symbolic values it writes and the constraints its branches put on the
// values it reads, as herd7's CSem.ml does for the LKMM (variant lkmmv2).
// Here are the program, its locations and initial values, and the
// lowerer; lower_code.go lowers the threads' statements and expressions,
// lower_value.go holds the symbolic values, and lower_prim.go (the
// built-in lowering) or lower_macro.go (a .def's macros) the primitives.

// addrBase is added to a location's index to make the value of its address.
const addrBase = int64(1) << 40

// A LowerError is a problem in the test that stops it from being checked:
// an unsupported construct, an unknown primitive, a bad argument.
type LowerError struct {
	Span syntax.Span
	Msg  string
}

func (e *LowerError) Error() string { return e.Msg }

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
	return strconv.FormatInt(v, 10) // as fmt.Sprint, without allocating for small values
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
