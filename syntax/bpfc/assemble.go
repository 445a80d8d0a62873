package bpfc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file assembles one scenario: the threads it names lowered, the
// locations they share, its condition resolved against the C, and the
// litmus test laid out with comments that point back into the C.

// An assembler builds one scenario.
type assembler struct {
	name     string
	cpu      CPU   // never CPUDefault
	oldClang bool  // see Options.OldClang
	cpuLocs  []Loc // see Scenario.CPUSensitive
	units    []*unit
	notes    *[]Note
	globals  map[string]*global // by C path, first declaration wins
	aggs     map[string]bool
	maps     map[string]bool // BPF map definitions
	arrays   map[string]int  // global arrays by C path, with their length
	names    map[string]bool // location names in use
	used     map[*global]bool
	origin   map[any]Loc
	kind     map[any]LinkKind
	lead     map[syntax.Stmt][]string       // comments before a statement
	tail     map[*syntax.BlockStmt][]string // comments at the end of a block
	noteSet  map[Note]bool
	unknowns []*global        // the locations of unknownBool, in order
	params   map[string]int64 // "litmus: param" values: thread parameters, externs
	order    []*global        // the globals, in declaration order
	// unknownStores maps the locations stored a value the translation
	// cannot compute to the first such store.
	unknownStores map[string]Loc
	own           map[Note]bool // the notes on this scenario
	ownList       []Note
}

// readParams reads "litmus: param NAME=VALUE ..." annotations; a later
// one overrides an earlier one.
func readParams(as []*annot, file string, notes *[]Note) map[string]int64 {
	out := map[string]int64{}
	for _, a := range as {
		for _, f := range strings.Fields(a.Arg) {
			name, val, ok := strings.Cut(f, "=")
			k, okv := parseIntText(val)
			if !ok || !validName(name) || !okv {
				*notes = append(*notes, Note{Kind: NoteAnnotation, File: file, Span: a.Span, Msg: "litmus: param takes NAME=VALUE pairs, VALUE an integer: " + strconv.Quote(f)})
				continue
			}
			out[name] = k
		}
	}
	return out
}

func unknownNames(gs []*global) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.name)
	}
	return out
}

// position returns "file:line:col" of a C location of the scenario.
func (a *assembler) position(l Loc) string {
	for _, u := range a.units {
		if u.name == l.File {
			return u.lines.Position(l.Span.Start).String()
		}
	}
	return l.File
}

// newUnknown makes the location of an unknown truth value read at loc.
func (a *assembler) newUnknown(loc Loc) *global {
	base := fmt.Sprintf("unknown%d", len(a.unknowns))
	name := base
	for i := 1; a.taken(name); i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	a.names[name] = true
	g := &global{path: "(" + name + ")", name: name, decl: loc}
	a.unknowns = append(a.unknowns, g)
	return g
}

func (a *assembler) addNote(n Note) bool {
	if !a.own[n] {
		if a.own == nil {
			a.own = map[Note]bool{}
		}
		a.own[n] = true
		a.ownList = append(a.ownList, n)
	}
	if a.noteSet[n] {
		return false
	}
	a.noteSet[n] = true
	*a.notes = append(*a.notes, n)
	return true
}

func (a *assembler) global(path string) *global { return a.globals[path] }
func (a *assembler) isAgg(path string) bool     { return a.aggs[path] }

// reserved names cannot be locations or registers.
var reserved = map[string]bool{
	"exists": true, "forall": true, "filter": true, "locations": true, "true": true, "false": true,
	"int": true, "if": true, "else": true, "while": true, "return": true, "NULL": true, "char": true,
	"long": true, "short": true, "unsigned": true, "signed": true, "void": true, "struct": true,
	"const": true, "volatile": true, "for": true, "do": true, "break": true, "continue": true,
	"spinlock_t": true, "atomic_t": true, "intptr_t": true, "u32": true, "u64": true, "with": true,
	// The other names herd7's C lexer takes as keywords (lib/CLexer.mll).
	"_Atomic": true, "atomic": true, "int8_t": true, "uint8_t": true, "int16_t": true, "uint16_t": true,
	"int32_t": true, "uint32_t": true, "int64_t": true, "uint64_t": true, "__int128_t": true,
	"__uint128_t": true, "__int128": true, "__uint128": true, "uintptr_t": true, "mtx_t": true,
	"atomic_int": true, "srcu_struct": true, "lock": true, "mtx_lock": true, "unlock": true,
	"mtx_unlock": true, "WCAS": true, "SCAS": true, "memory_order_acquire": true,
	"memory_order_release": true, "memory_order_acq_rel": true, "memory_order_seq_cst": true,
	"memory_order_relaxed": true, "memory_order_consume": true, "__fence": true, "__load": true,
	"__store": true, "__srcu": true, "__xchg": true, "__cmpxchg": true, "__lock": true,
	"__trylock": true, "__islocked": true, "__unlock": true, "__atomic_op": true,
	"__atomic_op_return": true, "__atomic_fetch_op": true, "__atomic_add_unless": true,
	"final": true, "cases": true, "observed": true, "Observed": true,
}

// taken reports whether name is a location's or a reserved name.
func (a *assembler) taken(name string) bool {
	if reserved[name] || a.names[name] {
		return true
	}
	if _, ok := syntax.Primitives[name]; ok {
		return true
	}
	if len(name) > 1 && name[0] == 'P' {
		if _, err := strconv.Atoi(name[1:]); err == nil {
			return true
		}
	}
	return false
}

// use marks g as used by the test and returns its location name.
func (a *assembler) use(g *global) string {
	a.used[g] = true
	return g.name
}

func (a *assembler) scenario(decl, cond, filt, exp, thrs *annot) *Scenario {
	main := a.units[0]
	a.globals, a.aggs, a.names, a.maps = map[string]*global{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	a.arrays = map[string]int{}
	a.used, a.origin, a.kind = map[*global]bool{}, map[any]Loc{}, map[any]LinkKind{}
	a.lead, a.tail = map[syntax.Stmt][]string{}, map[*syntax.BlockStmt][]string{}
	a.noteSet = map[Note]bool{}
	for _, n := range *a.notes {
		a.noteSet[n] = true
	}
	var order []*global
	for _, u := range a.units {
		for p := range u.aggs {
			a.aggs[p] = true
		}
		for m := range u.maps {
			a.maps[m] = true
		}
		for p, n := range u.arrays {
			a.arrays[p] = n
		}
		for _, g := range u.globals {
			if prev, ok := a.globals[g.path]; ok {
				if prev.init != g.init {
					a.addNote(Note{Kind: NoteAnnotation, File: g.decl.File, Span: g.decl.Span,
						Msg: fmt.Sprintf("%s is also declared in %s with another initial value", g.path, prev.decl.File)})
				}
				continue
			}
			cp := *g
			a.globals[g.path] = &cp
			order = append(order, &cp)
			a.order = order
		}
	}
	for _, g := range order {
		base := strings.NewReplacer(".", "_", "[", "_", "]", "").Replace(g.path)
		name := base
		for i := 1; a.taken(name); i++ {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		g.name = name
		a.names[name] = true
	}

	f := &syntax.File{Dialect: syntax.DialectC, Name: a.name}
	declLoc := Loc{File: main.name}
	if decl != nil {
		declLoc.Span = decl.Span
	}
	a.origin[f] = declLoc
	a.kind[f] = LinkTest

	// Threads.
	type built struct {
		th *syntax.Thread
		l  *lowerer
	}
	var ths []built
	byName := map[string]int{}
	// "threads A B" keeps the threads named, in their order of appearance.
	var only map[string]bool
	if thrs != nil {
		only = map[string]bool{}
		for _, name := range strings.Fields(thrs.Arg) {
			only[name] = true
		}
		for name := range only {
			found := false
			for _, u := range a.units {
				for _, td := range u.threads {
					found = found || td.name == name
				}
			}
			if !found {
				a.addNote(Note{Kind: NoteAnnotation, File: main.name, Span: thrs.Span, Msg: "no thread named " + strconv.Quote(name)})
			}
		}
	}
	for _, u := range a.units {
		for _, td := range u.threads {
			if only != nil && !only[td.name] {
				continue
			}
			idx := len(ths)
			l := &lowerer{a: a, u: u, th: td}
			body := l.function()
			th := &syntax.Thread{Name: fmt.Sprintf("P%d", idx), Index: idx, Body: body}
			a.origin[th] = Loc{File: u.name, Span: syntax.Span{Start: td.fn.Start, End: td.fn.End}}
			if td.name != "" {
				if _, dup := byName[td.name]; dup {
					a.addNote(Note{Kind: NoteAnnotation, File: u.name, Span: td.ann.Span, Msg: "another thread is named " + strconv.Quote(td.name)})
				} else {
					byName[td.name] = idx
				}
			}
			ths = append(ths, built{th, l})
		}
	}
	for _, b := range ths {
		b.l.herdable(b.th.Body)
	}
	if len(a.unknowns) > 0 {
		// The writer of the unknown truth values: each is 1 in the
		// executions where the read sees this write, 0 in the others.
		idx := len(ths)
		l := &lowerer{a: a, u: main, th: &threadDef{u: main}}
		body := &syntax.BlockStmt{}
		for _, g := range a.unknowns {
			body.Stmts = append(body.Stmts, &syntax.ExprStmt{X: call("WRITE_ONCE", &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: l.use(g)}}, intExpr(1))})
		}
		th := &syntax.Thread{Name: fmt.Sprintf("P%d", idx), Index: idx, Body: body}
		ths = append(ths, built{th, l})
	}
	if len(ths) == 0 {
		a.addNote(Note{Kind: NoteAnnotation, File: main.name, Span: declLoc.Span, Msg: "scenario " + strconv.Quote(a.name) + " has no thread: annotate functions with // litmus: thread"})
		return nil
	}

	// The condition, the filter and the waits of spin loops.
	res := &resolver{a: a, threads: byName, regs: map[int]map[string]string{}, tainted: map[int]map[string]bool{}}
	for i, b := range ths {
		res.regs[i] = b.l.condRegs
		res.tainted[i] = b.l.tainted
	}
	if cond != nil {
		if p := res.prop(cond, main); p != nil {
			q := syntax.Exists
			switch cond.Kind {
			case "~exists":
				q = syntax.NotExists
			case "forall":
				q = syntax.Forall
			}
			f.Cond = &syntax.Cond{Quant: q, Prop: p}
			a.origin[f.Cond] = Loc{File: main.name, Span: cond.Span}
		}
	} else {
		a.addNote(Note{Kind: NoteAnnotation, File: main.name, Span: declLoc.Span, Msg: "scenario " + strconv.Quote(a.name) + " has no condition: add // litmus: exists (...)"})
	}
	var fprop syntax.Prop
	var floc Loc
	if filt != nil {
		fprop = res.prop(filt, main)
		floc = Loc{File: main.name, Span: filt.Span}
	}
	for i, b := range ths {
		for _, w := range b.l.waits {
			atom := &syntax.AtomProp{Loc: syntax.Location{Thread: i, Name: w.reg}, Op: "=", Value: syntax.Value{Int: 0}}
			a.origin[atom] = w.loc
			if fprop == nil {
				fprop, floc = atom, w.loc
			} else {
				fprop = &syntax.AndProp{X: fprop, Y: atom}
			}
		}
	}
	if fprop != nil {
		f.Filter = &syntax.Filter{Prop: fprop}
		a.origin[f.Filter] = floc
	}

	// Init and parameters: the locations the threads and clauses use, in
	// declaration order.
	f.Init = &syntax.Init{}
	var used []*global
	for _, g := range append(order, a.unknowns...) {
		if a.used[g] {
			used = append(used, g)
		}
	}
	for _, g := range used {
		if g.lock {
			// herd7 knows no size of spinlock_t in the init section: a
			// lock is only a thread's parameter.
			continue
		}
		it := &syntax.InitItem{Loc: syntax.Location{Thread: -1, Name: g.name}}
		it.Type = intType()
		v := g.init
		if v < herdMin || v > herdMax {
			v = int64(int32(v))
			a.addNote(Note{Kind: NoteTranslation, File: g.decl.File, Span: g.decl.Span,
				Msg: fmt.Sprintf("initial value %d of %s is out of herd7's 32-bit range: taken as %d, the same low 32 bits", g.init, g.path, v)})
		}
		it.Value = intExpr(v)
		a.origin[it] = g.decl
		f.Init.Items = append(f.Init.Items, it)
	}
	for _, b := range ths {
		for _, g := range used {
			if !b.l.uses(g) {
				continue
			}
			t := &syntax.Type{Name: "int", Stars: 1}
			if g.lock {
				t.Name = "spinlock_t"
			}
			b.th.Params = append(b.th.Params, &syntax.Param{Type: t, Name: &syntax.Ident{Name: g.name}})
		}
		f.Threads = append(f.Threads, b.th)
	}

	// Comments: the header, and the C lines each thread came from.
	var header []string
	srcNames := make([]string, len(a.units))
	for i, u := range a.units {
		srcNames[i] = strings.NewReplacer("*)", "* )", "\n", " ", "\r", " ").Replace(u.name)
	}
	// herd7 reads (* *) comments in the header.
	header = append(header, "(* Translated by litmusls from "+strings.Join(srcNames, " and ")+"; edit the C, not this test. *)",
		a.cpuHeader())
	var vols []string
	for _, g := range used {
		if g.volatile {
			vols = append(vols, g.name)
		}
	}
	if len(vols) > 0 {
		header = append(header, "(* Declared volatile in the C, so accessed with READ_ONCE/WRITE_ONCE: "+strings.Join(vols, ", ")+". *)")
	}
	if exp != nil {
		header = append(header, "(* Result: "+strings.ReplaceAll(strings.Join(strings.Fields(exp.Arg), " "), "*)", "* )")+" *)")
	}
	threadComments := map[*syntax.Thread][]string{}
	for i, b := range ths {
		td := b.l.th
		if td.fn == nil {
			threadComments[b.th] = []string{"// truth values the translation cannot compute (" + strings.Join(unknownNames(a.unknowns), ", ") + "): 0 or 1"}
			continue
		}
		p0, p1 := td.u.lines.Position(td.fn.Start), td.u.lines.Position(max(td.fn.Start, td.fn.End-1))
		name := strings.NewReplacer("\n", " ", "\r", " ").Replace(td.u.name)
		threadComments[b.th] = []string{fmt.Sprintf("// %s:%d-%d %s", name, p0.Line, p1.Line, ths[i].l.th.name)}
	}
	a.layout(f, header, threadComments)

	text := syntax.Print(f)
	f2, errs := syntax.Parse(a.name+".litmus", text)
	for _, e := range errs {
		a.addNote(Note{Kind: NoteInternal, File: main.name, Span: declLoc.Span,
			Msg: fmt.Sprintf("internal error: the generated test does not parse at %s: %s", f2.Lines.Position(e.Span.Start), e.Msg)})
	}
	p := &pairer{origin: a.origin, kind: a.kind}
	if exp != nil {
		f.Result = &syntax.Result{}
		a.origin[f.Result] = Loc{File: main.name, Span: exp.Span}
	}
	p.file(f, f2, len(text))
	herd := text
	if expandRMWs(f) {
		herd = syntax.Print(f)
	}
	var srcs []*Source
	for _, u := range a.units {
		srcs = append(srcs, &Source{Name: u.name})
	}
	return &Scenario{Name: a.name, Text: text, Herd: herd, File: f2, Map: newSourceMap(p.links), Decl: declLoc, CPU: a.cpu, CPUSensitive: a.cpuLocs,
		Notes: sortNotes(a.ownList, srcs)}
}

// layout gives the built tree increasing spans in printing order, and
// places the comments among them, so that syntax.Print puts each comment
// where it belongs. The spans mean nothing else: the test is parsed again
// after printing.
func (a *assembler) layout(f *syntax.File, header []string, thc map[*syntax.Thread][]string) {
	pos := 0
	next := func() int { pos += 2; return pos }
	comment := func(text string) {
		if f.Init.Span.Start > 0 { // among the threads
			text = herdComment(text)
		}
		s := next()
		f.Comments = append(f.Comments, &syntax.Comment{Span: syntax.Span{Start: s, End: s + 1}, Text: text})
	}
	for _, h := range header {
		comment(h)
	}
	f.Init.Span.Start = next()
	for _, it := range f.Init.Items {
		it.Span = syntax.Span{Start: next(), End: next()}
	}
	f.Init.Span.End = next()
	var stmt func(s syntax.Stmt)
	stmt = func(s syntax.Stmt) {
		if s == nil {
			return
		}
		for _, c := range a.lead[s] {
			comment(c)
		}
		start := next()
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, x := range s.Stmts {
				stmt(x)
			}
			for _, c := range a.tail[s] {
				comment(c)
			}
			s.Span = syntax.Span{Start: start, End: next()}
		case *syntax.IfStmt:
			stmt(s.Then)
			stmt(s.Else)
			s.Span = syntax.Span{Start: start, End: next()}
		case *syntax.DeclStmt:
			s.Span = syntax.Span{Start: start, End: next()}
		case *syntax.ExprStmt:
			s.Span = syntax.Span{Start: start, End: next()}
		}
	}
	for _, th := range f.Threads {
		for _, c := range thc[th] {
			comment(c)
		}
		th.Span.Start = next()
		th.NameSpan = syntax.Span{Start: next(), End: next()}
		stmt(th.Body)
		th.Span.End = next()
	}
	if f.Filter != nil {
		f.Filter.Span = syntax.Span{Start: next(), End: next()}
	}
	if f.Cond != nil {
		f.Cond.Span = syntax.Span{Start: next(), End: next()}
	}
}

// A resolver turns the propositions of annotations into the test's.
type resolver struct {
	a       *assembler
	threads map[string]int            // thread name → index
	regs    map[int]map[string]string // thread index → C local → register
	tainted map[int]map[string]bool   // thread index → registers holding a value the translation cannot compute
}

func (r *resolver) prop(an *annot, u *unit) syntax.Prop {
	pn, err := parseProp(an.Arg, an.ArgStart)
	if err != nil {
		r.a.addNote(Note{Kind: NoteAnnotation, File: u.name, Span: err.Span, Msg: err.Msg})
		return nil
	}
	ok := true
	p := r.conv(pn, u, &ok)
	if !ok {
		return nil
	}
	return p
}

// local resolves "THREAD:name" to a thread's register.
func (r *resolver) local(thread, name string, u *unit, span syntax.Span, ok *bool) (syntax.Location, bool) {
	idx, found := r.threads[thread]
	if !found {
		if k, err := strconv.Atoi(strings.TrimPrefix(thread, "P")); err == nil && k >= 0 && k < len(r.regs) {
			idx, found = k, true
		}
	}
	if !found {
		r.fail(u, span, "no thread named "+strconv.Quote(thread), ok)
		return syntax.Location{}, false
	}
	reg, found := r.regs[idx][name]
	if !found {
		r.fail(u, span, "thread "+thread+" has no local variable "+strconv.Quote(name), ok)
		return syntax.Location{}, false
	}
	if r.tainted[idx][reg] {
		// The condition would test a value taken as 0: no verdict.
		r.a.addNote(Note{Kind: NoteIncomplete, File: u.name, Span: span,
			Msg: thread + ":" + name + " holds a value the translation cannot compute (see the notes on its assignments): the scenario gets no verdict until that code is written with what the translation models"})
	}
	return syntax.Location{Thread: idx, Name: reg}, true
}

func (r *resolver) fail(u *unit, span syntax.Span, msg string, ok *bool) {
	r.a.addNote(Note{Kind: NoteAnnotation, File: u.name, Span: span, Msg: msg})
	*ok = false
}

func (r *resolver) conv(pn *pnode, u *unit, ok *bool) syntax.Prop {
	if pn == nil {
		return &syntax.BoolProp{Value: true}
	}
	var out syntax.Prop
	switch pn.Op {
	case "true", "false":
		out = &syntax.BoolProp{Value: pn.Op == "true"}
	case "~":
		out = &syntax.NotProp{X: r.conv(pn.X, u, ok)}
	case "()":
		out = &syntax.ParenProp{X: r.conv(pn.X, u, ok)}
	case `/\`:
		out = &syntax.AndProp{X: r.conv(pn.X, u, ok), Y: r.conv(pn.Y, u, ok)}
	case `\/`:
		out = &syntax.OrProp{X: r.conv(pn.X, u, ok), Y: r.conv(pn.Y, u, ok)}
	case "->":
		out = &syntax.ImpliesProp{X: r.conv(pn.X, u, ok), Y: r.conv(pn.Y, u, ok)}
	case "atom":
		atom := &syntax.AtomProp{Op: "="}
		if pn.Neq {
			atom.Op = "!="
		}
		if pn.Thread != "" {
			loc, found := r.local(pn.Thread, pn.Name, u, pn.LocSpan, ok)
			if !found {
				return atom
			}
			atom.Loc = loc
		} else {
			g := r.a.global(pn.Name)
			switch {
			case g == nil:
				r.fail(u, pn.LocSpan, "no global "+strconv.Quote(pn.Name)+" (write THREAD:local for a thread's local variable)", ok)
				return atom
			case g.reason != "":
				r.fail(u, pn.LocSpan, pn.Name+" cannot be a location: "+g.reason, ok)
				return atom
			case g.lock:
				r.fail(u, pn.LocSpan, pn.Name+" is a lock", ok)
				return atom
			}
			atom.Loc = syntax.Location{Thread: -1, Name: r.a.use(g)}
			if at, ok := r.a.unknownStores[g.name]; ok {
				r.a.addNote(Note{Kind: NoteIncomplete, File: u.name, Span: pn.LocSpan,
					Msg: pn.Name + " may hold a value the translation cannot compute (stored at " + r.a.position(at) + "): the scenario gets no verdict until that value is written with what the translation models"})
			}
		}
		if pn.ValueThread != "" {
			loc, found := r.local(pn.ValueThread, pn.ValueSym, u, pn.Span, ok)
			if !found {
				return atom
			}
			atom.Value = syntax.Value{Reg: &loc}
		} else if pn.ValueSym != "" {
			g := r.a.global(pn.ValueSym)
			if g == nil {
				r.fail(u, pn.Span, "no global "+strconv.Quote(pn.ValueSym)+" to take the address of", ok)
				return atom
			}
			atom.Value = syntax.Value{Symbol: r.a.use(g)}
		} else {
			atom.Value = syntax.Value{Int: pn.Value}
		}
		out = atom
	default:
		out = &syntax.BoolProp{Value: true}
	}
	r.a.origin[out] = Loc{File: u.name, Span: pn.Span}
	return out
}
