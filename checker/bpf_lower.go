package checker

import (
	"fmt"
	"sort"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers a BPF litmus test to per-thread paths, as herd7's
// BPFSem.ml does for the BPF architecture: registers r0..r10 hold values
// (the init block gives them addresses or numbers), loads and stores
// address memory through (rB + off), and each path follows the jumps one
// way. Events carry the annotations bpf.cat reads, encoded in the shared
// Tag set:
//
//   - N (plain): no tag.
//   - AQ (load_acquire): TagAcquire. RL (store_release): TagRelease.
//   - SC (value-returning atomics, successful cmpxchg): TagMb.
//   - X (atomic without ordering, "lock *(...) op= rS"): TagNoreturn.
//
// herd7 makes a single event that is both a read and a write for every
// atomic operation but cmpxchg ("lock" ops, atomic_fetch_OP, xchg). The
// event structure contract has one kind per event, so such an event is
// lowered as an adjacent read and write of the same instruction, both
// tagged TagRMW and not related by Structure.Rmw; the BPF model merges
// them back into one event (see bpfNodes). A successful cmpxchg is two
// events, as in herd7, tagged TagRMW|TagMb and related by Structure.Rmw
// (bpf.cat's amo relation); a failed one is a lone plain read.

// bpfRegs is the number of BPF registers (r0..r10).
const bpfRegs = 11

// bpfState is one partial path through a thread's code.
type bpfState struct {
	pc     int
	regs   [bpfRegs]*sval
	events []pevent
	cons   []constraint
	ctrl   map[int]bool // reads that control every later event (herd7's asm ctrl is not bounded by joins)
	// forced is the location the address of the instruction at pc was
	// constrained to hold, or -1.
	forced int
}

func (s *bpfState) clone() *bpfState {
	n := &bpfState{pc: s.pc, regs: s.regs, ctrl: make(map[int]bool, len(s.ctrl)), forced: s.forced}
	n.events = append([]pevent(nil), s.events...)
	n.cons = append([]constraint(nil), s.cons...)
	for k := range s.ctrl {
		n.ctrl[k] = true
	}
	return n
}

// reg returns the value of register r (0 when never set, as in herd7).
func (s *bpfState) reg(r int) *sval {
	if r < 0 || r >= bpfRegs || s.regs[r] == nil {
		return konst(0)
	}
	return s.regs[r]
}

// bpfLowerer lowers one thread.
type bpfLowerer struct {
	p      *program
	thread int
	instrs []*syntax.Instr
	labels map[string]int // label name → index of its InstrLabel
	paths  []*path
	steps  int
}

// maxBPFSteps bounds the instructions run along all paths of one thread.
const maxBPFSteps = 1 << 16

// lowerBPF turns a parsed BPF test into a program.
func lowerBPF(f *syntax.File) (*program, error) {
	p := &program{locIdx: map[string]int{}}
	seen := map[string]bool{}
	var names []string
	note := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Loc.Thread < 0 {
				note(it.Loc.Name)
			}
			if id, ok := it.Value.(*syntax.Ident); ok && id.Name != "NULL" {
				note(id.Name)
			}
			if u, ok := it.Value.(*syntax.UnaryExpr); ok && u.Op == "&" {
				if id, ok := u.X.(*syntax.Ident); ok {
					note(id.Name)
				}
			}
		}
	}
	walk := func(p syntax.Prop) {
		syntax.InspectProp(p, func(q syntax.Prop) {
			if q, ok := q.(*syntax.AtomProp); ok {
				if q.Loc.Thread < 0 {
					note(q.Loc.Name)
				}
				if q.Value.Symbol != "" {
					note(q.Value.Symbol)
				}
			}
		})
	}
	if f.Locations != nil {
		for _, l := range f.Locations.Locs {
			if l.Thread < 0 {
				note(l.Name)
			}
		}
	}
	if f.Filter != nil {
		walk(f.Filter.Prop)
	}
	if f.Cond != nil {
		walk(f.Cond.Prop)
	}
	sort.Strings(names)
	for _, n := range names {
		p.locIdx[n] = len(p.locs)
		p.locs = append(p.locs, Location{Name: n})
		p.init = append(p.init, 0)
	}
	regInit := make(map[int]map[int]*sval)
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Value == nil {
				continue
			}
			v, err := p.constValue(it.Value)
			if err != nil {
				return nil, err
			}
			if it.Loc.Thread < 0 {
				p.init[p.locIdx[it.Loc.Name]] = v
				continue
			}
			r := bpfRegNumber(it.Loc.Name)
			if r < 0 {
				return nil, &LowerError{it.Loc.Span, fmt.Sprintf("unknown BPF register %s", it.Loc.Name)}
			}
			if regInit[it.Loc.Thread] == nil {
				regInit[it.Loc.Thread] = map[int]*sval{}
			}
			regInit[it.Loc.Thread][r] = konst(v)
		}
	}
	for _, t := range f.Threads {
		if t.Index >= p.nthread {
			p.nthread = t.Index + 1
		}
	}
	p.threads = make([][]*path, p.nthread)
	// herd7 keeps one set of labels for the whole test: a label may be
	// defined once, in one thread.
	defined := map[string]bool{}
	for _, t := range f.Threads {
		l := &bpfLowerer{p: p, thread: t.Index, instrs: t.Instrs, labels: map[string]int{}}
		for i, in := range t.Instrs {
			switch in.Kind {
			case syntax.InstrBad:
				return nil, &LowerError{in.Span, "instruction could not be parsed"}
			case syntax.InstrLabel:
				if defined[in.Label] {
					return nil, &LowerError{in.Span, fmt.Sprintf("label %s defined twice (labels are shared by all threads)", in.Label)}
				}
				defined[in.Label] = true
				l.labels[in.Label] = i
			}
		}
		st := &bpfState{ctrl: map[int]bool{}, forced: -1}
		for r, v := range regInit[t.Index] {
			st.regs[r] = v
		}
		if err := l.run(st); err != nil {
			return nil, err
		}
		p.threads[t.Index] = l.paths
	}
	return p, nil
}

// bpfRegNumber parses "r0".."r10" (and "fp" for r10), or returns -1.
func bpfRegNumber(name string) int {
	if name == "fp" || name == "FP" {
		return 10
	}
	var n int
	if len(name) < 2 || (name[0] != 'r' && name[0] != 'R') {
		return -1
	}
	for _, c := range name[1:] {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	if n >= bpfRegs {
		return -1
	}
	return n
}

// run executes st to the end of the thread, adding every path it reaches
// to l.paths.
func (l *bpfLowerer) run(st *bpfState) error {
	for st.pc < len(l.instrs) {
		l.steps++
		if l.steps > maxBPFSteps {
			return &LowerError{l.instrs[st.pc].Span, "too many instructions along the paths of this thread"}
		}
		in := l.instrs[st.pc]
		forks, err := l.step(st, in)
		if err != nil {
			return err
		}
		if forks != nil {
			if len(l.paths)+len(forks) > maxPaths {
				return &LowerError{in.Span, fmt.Sprintf("too many paths through the code (more than %d)", maxPaths)}
			}
			for _, f := range forks {
				if err := l.run(f); err != nil {
					return err
				}
			}
			return nil
		}
	}
	regs := map[string]*sval{}
	for r, v := range st.regs {
		if v != nil {
			regs[fmt.Sprintf("r%d", r)] = v
		}
	}
	l.paths = append(l.paths, &path{events: st.events, cons: st.cons, regs: regs})
	if len(l.paths) > maxPaths {
		return &LowerError{l.instrs[len(l.instrs)-1].Span, fmt.Sprintf("too many paths through the code (more than %d)", maxPaths)}
	}
	return nil
}

// operand returns the value of a register or immediate operand.
func (st *bpfState) operand(o *syntax.Operand) *sval {
	if o == nil {
		return konst(0)
	}
	if o.IsReg {
		return st.reg(o.Reg)
	}
	return konst(o.Imm)
}

func depsOf(v *sval) map[int]bool {
	m := map[int]bool{}
	v.deps(m)
	return m
}

// bpfALU maps a BPF ALU or atomic operator to the sval operator.
func bpfALU(op string) (string, bool) {
	switch op {
	case "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>":
		return op, true
	case "add":
		return "+", true
	case "and":
		return "&", true
	case "or":
		return "|", true
	case "xor":
		return "^", true
	}
	return "", false
}

// step executes one instruction. It either updates st and returns nil
// forks, or returns the states to continue with (a branch on an unknown
// value, or an address that is not known until values are).
func (l *bpfLowerer) step(st *bpfState, in *syntax.Instr) ([]*bpfState, error) {
	next := st.pc + 1
	switch in.Kind {
	case syntax.InstrLabel:
	case syntax.InstrMov:
		st.regs[in.Dst.Reg] = st.operand(in.Src)
	case syntax.InstrALU:
		op, ok := bpfALU(in.Op)
		if !ok {
			return nil, &LowerError{in.Span, fmt.Sprintf("BPF operation %s= is not implemented (herd7 rejects it too)", in.Op)}
		}
		st.regs[in.Dst.Reg] = mk(op, st.reg(in.Dst.Reg), st.operand(in.Src))
	case syntax.InstrGoto, syntax.InstrCondJump:
		target, ok := l.labels[in.Label]
		if !ok {
			return nil, &LowerError{in.Span, fmt.Sprintf("unknown label %s", in.Label)}
		}
		if target <= st.pc {
			return nil, &LowerError{in.Span, "unsupported: backward jumps (loops)"}
		}
		if in.Kind == syntax.InstrGoto {
			next = target
			break
		}
		cond := mk(in.Op, st.reg(in.Dst.Reg), st.operand(in.Src))
		if cond.isConst() {
			if cond.k != 0 {
				next = target
			}
			break
		}
		taken, not := st.clone(), st
		cond.deps(taken.ctrl)
		cond.deps(not.ctrl)
		taken.cons = append(taken.cons, constraint{v: cond, want: true})
		not.cons = append(not.cons, constraint{v: cond, want: false})
		taken.pc, not.pc = target, next
		return []*bpfState{taken, not}, nil
	case syntax.InstrLoad, syntax.InstrLoadAcquire, syntax.InstrStore, syntax.InstrStoreRelease,
		syntax.InstrAtomic, syntax.InstrAtomicFetch, syntax.InstrXchg, syntax.InstrCmpxchg:
		if in.Mem == nil {
			return nil, &LowerError{in.Span, "missing memory operand"}
		}
		addr := mk("+", st.reg(in.Mem.Base), konst(in.Mem.Off))
		loc := -1
		switch {
		case addr.isConst():
			loc = int(addr.k - addrBase)
			if addr.k < addrBase || loc >= len(l.p.locs) {
				return nil, &LowerError{in.Mem.Span, fmt.Sprintf("address %d is not a location of the test", addr.k)}
			}
		case st.forced >= 0:
			loc = st.forced
		default:
			// The address depends on values read: continue once per
			// location, under the constraint that the address is it.
			var forks []*bpfState
			for i := range l.p.locs {
				c := st.clone()
				c.cons = append(c.cons, constraint{v: mk("==", addr, konst(addrBase+int64(i))), want: true})
				c.forced = i
				forks = append(forks, c)
			}
			return forks, nil
		}
		st.forced = -1
		if forks := l.access(st, in, loc, depsOf(addr)); forks != nil {
			for _, f := range forks {
				f.pc = next
			}
			return forks, nil
		}
	default:
		return nil, &LowerError{in.Span, "unsupported instruction"}
	}
	st.pc = next
	return nil, nil
}

// event appends an event to st and returns its index in the thread.
func (l *bpfLowerer) event(st *bpfState, in *syntax.Instr, kind Kind, tags Tag, loc int, addr map[int]bool, val *sval, data map[int]bool, rmwOf int) int {
	ev := pevent{
		Event:   Event{Kind: kind, Tags: tags, Thread: l.thread, Loc: loc, Instr: st.pc, Span: in.Span},
		val:     val,
		addrDep: addr,
		dataDep: data,
		ctrlDep: make(map[int]bool, len(st.ctrl)),
		rmwOf:   rmwOf,
	}
	for r := range st.ctrl {
		ev.ctrlDep[r] = true
	}
	if val != nil && val.isConst() {
		ev.Val = val.k
	}
	st.events = append(st.events, ev)
	return len(st.events) - 1
}

// read appends a read event and returns its value.
func (l *bpfLowerer) read(st *bpfState, in *syntax.Instr, tags Tag, loc int, addr map[int]bool) *sval {
	i := l.event(st, in, KindR, tags, loc, addr, nil, nil, -1)
	return &sval{op: "r", read: i}
}

// access performs the memory accesses of in at location loc, whose address
// depends on the reads in addr. It returns the states to continue with
// when the instruction has several outcomes (cmpxchg), or nil.
func (l *bpfLowerer) access(st *bpfState, in *syntax.Instr, loc int, addr map[int]bool) []*bpfState {
	switch in.Kind {
	case syntax.InstrLoad, syntax.InstrLoadAcquire:
		var tags Tag
		if in.Kind == syntax.InstrLoadAcquire {
			tags = TagAcquire
		}
		st.regs[in.Dst.Reg] = l.read(st, in, tags, loc, addr)
	case syntax.InstrStore, syntax.InstrStoreRelease:
		var tags Tag
		if in.Kind == syntax.InstrStoreRelease {
			tags = TagRelease
		}
		v := st.operand(in.Src)
		l.event(st, in, KindW, tags, loc, addr, v, depsOf(v), -1)
	case syntax.InstrAtomic, syntax.InstrAtomicFetch, syntax.InstrXchg:
		// One event of herd7, lowered as an adjacent read and write (see
		// the top of this file).
		tags := TagRMW | TagMb
		if in.Kind == syntax.InstrAtomic {
			tags = TagRMW | TagNoreturn
		}
		src := st.operand(in.Src)
		old := l.read(st, in, tags, loc, addr)
		nv := src
		if in.Kind != syntax.InstrXchg {
			op, _ := bpfALU(in.Op)
			nv = mk(op, old, src)
		}
		l.event(st, in, KindW, tags, loc, addr, nv, depsOf(src), -1)
		if in.Kind != syntax.InstrAtomic && in.Src != nil && in.Src.IsReg {
			// herd7 writes the fetched value to the source register,
			// whatever register the instruction names on the left.
			st.regs[in.Src.Reg] = old
		}
	case syntax.InstrCmpxchg:
		// herd7 compares with r0 and writes the old value to r0,
		// whatever registers the instruction names.
		expect := st.reg(0)
		nv := st.operand(in.Src)
		ok, fail := st.clone(), st
		r := l.read(ok, in, TagRMW|TagMb, loc, addr)
		// herd7 links r0 to the write by intra-instruction control
		// causality only, which makes no addr, data or ctrl dependency;
		// and po does not order two events of one instruction, so the
		// read may read from a write coherence puts after its own.
		w := l.event(ok, in, KindW, TagRMW|TagMb, loc, addr, nv, depsOf(nv), r.read)
		ok.events[w].unordered = true
		ok.cons = append(ok.cons, equality(mk("==", r, expect), true))
		ok.regs[0] = r
		fr := l.read(fail, in, 0, loc, addr)
		fail.cons = append(fail.cons, constraint{v: mk("==", fr, expect), want: false})
		fail.regs[0] = fr
		return []*bpfState{ok, fail}
	}
	return nil
}
