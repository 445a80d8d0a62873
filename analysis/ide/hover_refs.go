package ide

import (
	"bytes"
	"sort"
	"strconv"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/syntax"
)

// This file finds every name in a test and says what it names: a
// primitive, a shared variable, a thread's register, a thread, a BPF
// instruction or the final condition. Hover, go to definition, semantic
// tokens and completion all read this one index, so they always agree on
// what a name is.

// A RefKind says what a name in a test refers to.
type RefKind int

const (
	RefPrimitive RefKind = iota // a kernel primitive called in a C thread
	RefVariable                 // a shared variable
	RefRegister                 // a thread's register (a C local, or a BPF rN)
	RefThread                   // a thread's name, as in "P0"
	RefInstr                    // a BPF memory instruction (the whole cell)
	RefCond                     // the final condition (its whole span)
)

// A Ref is one occurrence of a name, or of an instruction or the condition.
type Ref struct {
	Span   syntax.Span
	Kind   RefKind
	Name   string // the name as written ("r0", "x", "READ_ONCE", "P1"); for RefInstr the mnemonic
	Thread int    // the thread a register belongs to, or the thread a variable is used in; -1 outside threads
	Decl   bool   // the occurrence declares the name (a local, a parameter, an init item, a thread)

	Call  *syntax.CallExpr // RefPrimitive: the call
	Instr *syntax.Instr    // RefInstr: the instruction
}

// An index lists the refs of one file, sorted by start offset.
type index struct {
	f    *syntax.File
	src  []byte // the source of f, or nil
	refs []Ref
}

// newIndex indexes f. src, when not nil, is the source of f: it locates
// the base registers of BPF memory operands, which the tree does not
// record; without it they are not indexed.
func newIndex(f *syntax.File, src []byte) *index {
	ix := &index{f: f, src: src}
	globals := map[string]bool{}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Loc.Thread < 0 {
				globals[it.Loc.Name] = true
			}
		}
	}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			ix.location(it.Loc, true)
			if it.Value != nil {
				ix.initValue(it.Value)
			}
		}
	}
	for _, th := range f.Threads {
		if th.NameSpan.End > th.NameSpan.Start {
			ix.add(Ref{Span: th.NameSpan, Kind: RefThread, Name: th.Name, Thread: th.Index, Decl: true})
		}
		if th.Body != nil {
			ix.cThread(th, globals)
		}
		for _, in := range th.Instrs {
			ix.bpfInstr(th, in)
		}
	}
	if f.Locations != nil {
		for _, l := range f.Locations.Locs {
			ix.location(l, false)
		}
	}
	if f.Filter != nil {
		ix.prop(f.Filter.Prop)
	}
	if f.Cond != nil {
		ix.add(Ref{Span: f.Cond.Span, Kind: RefCond, Name: f.Cond.Quant.String(), Thread: -1})
		ix.prop(f.Cond.Prop)
	}
	sort.SliceStable(ix.refs, func(i, j int) bool {
		a, b := ix.refs[i].Span, ix.refs[j].Span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End > b.End // enclosing first
	})
	return ix
}

func (ix *index) add(r Ref) { ix.refs = append(ix.refs, r) }

// location indexes a location of the init block or a final clause.
func (ix *index) location(l syntax.Location, decl bool) {
	if l.Name == "" || l.Span.End <= l.Span.Start {
		return
	}
	kind := RefVariable
	if l.Thread >= 0 {
		kind = RefRegister
	}
	ix.add(Ref{Span: ix.nameSpan(l), Kind: kind, Name: l.Name, Thread: l.Thread, Decl: decl})
}

// nameSpan returns the span of the name in a location written "1:r0",
// "[x]" or "*x".
func (ix *index) nameSpan(l syntax.Location) syntax.Span {
	if ix.src != nil && l.Span.Start >= 0 && l.Span.End <= len(ix.src) {
		if k := bytes.LastIndex(ix.src[l.Span.Start:l.Span.End], []byte(l.Name)); k >= 0 {
			start := l.Span.Start + k
			return syntax.Span{Start: start, End: start + len(l.Name)}
		}
	}
	end := l.Span.End
	if l.Deref && l.Span.Len() == len(l.Name)+2 {
		end-- // "[x]"
	}
	return syntax.Span{Start: max(l.Span.Start, end-len(l.Name)), End: end}
}

// initValue indexes the value of an init item: addresses of variables.
func (ix *index) initValue(e syntax.Expr) {
	switch e := e.(type) {
	case *syntax.Ident:
		ix.add(Ref{Span: e.Span, Kind: RefVariable, Name: e.Name, Thread: -1})
	case *syntax.UnaryExpr:
		ix.initValue(e.X)
	case *syntax.CallExpr:
		if e.Fun != nil {
			ix.add(Ref{Span: e.Fun.Span, Kind: RefPrimitive, Name: e.Fun.Name, Thread: -1, Call: e})
		}
		for _, a := range e.Args {
			ix.initValue(a)
		}
	}
}

// prop indexes the locations of a condition or filter.
func (ix *index) prop(p syntax.Prop) {
	syntax.InspectProp(p, func(q syntax.Prop) {
		a, ok := q.(*syntax.AtomProp)
		if !ok {
			return
		}
		ix.location(a.Loc, false)
		switch {
		case a.Value.Reg != nil:
			ix.location(*a.Value.Reg, false)
		case a.Value.Symbol != "":
			ix.add(Ref{Span: a.Value.Span, Kind: RefVariable, Name: a.Value.Symbol, Thread: -1})
		}
	})
}

// cThread indexes a C thread: its parameters (shared variables), its
// locals (registers) and the primitives it calls.
func (ix *index) cThread(th *syntax.Thread, globals map[string]bool) {
	params := map[string]bool{}
	for _, p := range th.Params {
		if p.Name != nil && p.Name.Name != "" {
			params[p.Name.Name] = true
			ix.add(Ref{Span: p.Name.Span, Kind: RefVariable, Name: p.Name.Name, Thread: th.Index, Decl: true})
		}
	}
	locals, assigned := syntax.ThreadRegisters(th)
	kindOf := func(name string) (RefKind, bool) {
		switch {
		case locals[name]:
			return RefRegister, true
		case params[name], globals[name]:
			return RefVariable, true
		case assigned[name]:
			return RefRegister, true
		}
		return 0, false
	}
	syntax.InspectStmt(th.Body, func(s syntax.Stmt) {
		if d, ok := s.(*syntax.DeclStmt); ok && d.Name != nil {
			ix.add(Ref{Span: d.Name.Span, Kind: RefRegister, Name: d.Name.Name, Thread: th.Index, Decl: true})
		}
	}, func(e syntax.Expr) {
		switch e := e.(type) {
		case *syntax.CallExpr:
			if e.Fun != nil {
				ix.add(Ref{Span: e.Fun.Span, Kind: RefPrimitive, Name: e.Fun.Name, Thread: th.Index, Call: e})
			}
		case *syntax.Ident:
			if k, ok := kindOf(e.Name); ok {
				ix.add(Ref{Span: e.Span, Kind: k, Name: e.Name, Thread: th.Index})
			}
		}
	})
}

// bpfInstr indexes a BPF instruction: the instruction itself when it
// touches memory, and its registers.
func (ix *index) bpfInstr(th *syntax.Thread, in *syntax.Instr) {
	if _, ok := primitive.BPFInstruction(in); ok {
		ix.add(Ref{Span: in.Span, Kind: RefInstr, Name: bpfMnemonic(in), Thread: th.Index, Instr: in})
	}
	reg := func(o *syntax.Operand) {
		if o != nil && o.IsReg && o.Span.End > o.Span.Start {
			ix.add(Ref{Span: o.Span, Kind: RefRegister, Name: "r" + strconv.Itoa(o.Reg), Thread: th.Index})
		}
	}
	reg(in.Dst)
	reg(in.Cmp)
	reg(in.Src)
	if in.Mem != nil && ix.src != nil {
		if sp, ok := baseRegSpan(ix.src, in.Mem); ok {
			ix.add(Ref{Span: sp, Kind: RefRegister, Name: "r" + strconv.Itoa(in.Mem.Base), Thread: th.Index})
		}
	}
}

// bpfMnemonic names an instruction as it is written.
func bpfMnemonic(in *syntax.Instr) string {
	switch in.Kind {
	case syntax.InstrLoad:
		return "load"
	case syntax.InstrStore:
		return "store"
	case syntax.InstrLoadAcquire:
		return "load_acquire"
	case syntax.InstrStoreRelease:
		return "store_release"
	case syntax.InstrAtomic:
		return "lock"
	}
	return in.Mnemon
}

// baseRegSpan finds the base register "rN" inside a memory operand such as
// "(u32 *)(r1 + 0)": the register after the last '('.
func baseRegSpan(src []byte, m *syntax.MemRef) (syntax.Span, bool) {
	if m.Span.Start < 0 || m.Span.End > len(src) || m.Span.Start >= m.Span.End {
		return syntax.Span{}, false
	}
	want := "r" + strconv.Itoa(m.Base)
	text := src[m.Span.Start:m.Span.End]
	open := -1
	for i, b := range text {
		if b == '(' {
			open = i
		}
	}
	i := open + 1
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i+len(want) > len(text) || string(text[i:i+len(want)]) != want {
		return syntax.Span{}, false
	}
	if j := i + len(want); j < len(text) && text[j] >= '0' && text[j] <= '9' {
		return syntax.Span{}, false
	}
	start := m.Span.Start + i
	return syntax.Span{Start: start, End: start + len(want)}, true
}

// at returns the innermost ref whose span contains off; failing that, one
// that ends at off (a cursor just after a name).
func (ix *index) at(off int) (*Ref, bool) {
	var best *Ref
	for i := range ix.refs {
		r := &ix.refs[i]
		if r.Span.Start > off {
			break
		}
		if r.Span.Start <= off && off < r.Span.End {
			if best == nil || r.Span.Len() <= best.Span.Len() {
				best = r
			}
		}
	}
	if best != nil {
		return best, true
	}
	for i := range ix.refs {
		r := &ix.refs[i]
		if r.Span.End == off && r.Span.Len() > 0 && r.Kind != RefCond && r.Kind != RefInstr {
			return r, true
		}
	}
	return nil, false
}

// Refs returns every name in f with what it refers to, sorted by offset
// (an enclosing ref, such as the condition, before those inside it). src
// is f's source, or nil (then BPF base registers are left out).
func Refs(f *syntax.File, src []byte) []Ref {
	return newIndex(f, src).refs
}
