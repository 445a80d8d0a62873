package checker

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/litmusls/litmusls/syntax"
)

// This file decides only whether a test's condition holds, as herd7's
// -speedcheck does: the executions that matter are the targets, those
// satisfying the proposition for exists and ~exists, those violating it for
// forall. Every other execution is pruned as early as possible:
//
//   - a structure whose registers, as far as its paths fix them, already
//     decide that no execution of it can be a target is never enumerated;
//   - a read that the target needs to hold a value v (the register it
//     loads appears as "T:r=v" in a conjunction the target requires, or
//     "T:r!=v") may only read from writes that can hold that value: a
//     write of a different constant is never chosen;
//   - a candidate whose registers already decide the target false is not
//     given to the model, whose coherence and lock choices are the
//     costly part.
//
// The final memory values depend on the model's coherence order, so atoms
// on memory are left to the full evaluation after the model.

// A SpeedMode is herd7's -speedcheck value.
type SpeedMode int

const (
	// SpeedTrue counts every target execution, as -speedcheck true:
	// the states and the counts are those of the targets only.
	SpeedTrue SpeedMode = iota + 1
	// SpeedFast stops at the first target execution, as -speedcheck
	// fast. herd7 prints the one it met first; litmusls prints the first
	// in its own order (the first structure, in the order of
	// construction, that has one, and its first target there), which is
	// the same state whenever the condition fixes every shown location.
	SpeedFast
)

// Speedcheck decides f as herd7 -speedcheck does (see SpeedMode); Check
// with Options.VerdictOnly is Speedcheck with SpeedFast. The Result counts
// only target executions: Positive for exists and ~exists, Negative for
// forall (the other count is 0), with herd7's verdict for that mode:
// "Never" or "Sometimes" for exists and ~exists, "Always" or "Sometimes"
// for forall. Its Ok is the same as a full run's. Options.Explain is
// ignored: there are no witnesses nor reasons.
func Speedcheck(ctx context.Context, f *syntax.File, opts Options, mode SpeedMode) (*Result, error) {
	start := ctx
	res, f, p, model, shown, err := prepare(f, opts)
	if p == nil {
		return res, err
	}
	ctx, cancel, workers := opts.bounded(ctx)
	defer cancel()
	// The target: the proposition for exists and ~exists, its negation
	// for forall; with the filter, both must hold.
	want := true
	if res.Quant == syntax.Forall {
		want = false
	}
	tg := &target{cond: f.Cond.Prop, want: want}
	if f.Filter != nil {
		tg.filter = f.Filter.Prop
	}

	// produce stops building structures once a target is found in fast
	// mode; ctx still bounds the judging.
	produce, stop := context.WithCancel(ctx)
	defer stop()
	var mu sync.Mutex
	var best atomic.Int64 // fast mode: the lowest structure number with a target, or -1
	best.Store(-1)
	count := 0
	states := map[string]State{}
	flags := map[string]bool{}
	var firstErr error
	var derefErr error
	derefSeq := -1
	var firstState State
	var firstFlags []string
	done := func(seq int) bool { // fast mode: an earlier structure has a target
		b := best.Load()
		return b >= 0 && b < int64(seq)
	}
	judge := func(b *built, seq int) {
		if done(seq) {
			return
		}
		if bad := b.badDeref(); bad != nil {
			// As Check: an error once a candidate reaches the bad
			// dereference, whatever the target.
			reached := false
			b.candidates(ctx, func(*Candidate) bool {
				reached = true
				return false
			})
			if reached {
				mu.Lock()
				if derefSeq < 0 || seq < derefSeq {
					derefSeq = seq
					derefErr = &LowerError{*bad, "dereferences a value that is not the address of a shared variable (herd7: Non symbolic address)"}
				}
				mu.Unlock()
			}
			return
		}
		pre := &partialState{p: p, b: b}
		if pre.eval(tg) == no {
			return
		}
		allow := tg.allowed(p, b)
		var n int
		local := map[string]State{}
		localFlags := map[string]bool{}
		found := false
		b.candidatesWhere(ctx, allow, func(c *Candidate) bool {
			if done(seq) {
				return false
			}
			if (&partialState{p: p, b: b, c: c}).eval(tg) == no {
				return true
			}
			model.Judge(c, func(x *Execution, j Judgement) bool {
				if j.Failed != "" {
					return true
				}
				fin := p.final(b, x)
				ok, err := tg.holds(fin)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return false
				}
				if !ok {
					return true
				}
				n++
				st := fin.state(shown)
				local[st.String()] = st
				for _, fl := range j.Flags {
					localFlags[fl] = true
				}
				if mode == SpeedFast {
					found = true
					return false
				}
				return true
			})
			return !found && ctx.Err() == nil
		})
		mu.Lock()
		defer mu.Unlock()
		if mode == SpeedFast {
			if b := best.Load(); found && (b < 0 || int64(seq) < b) {
				best.Store(int64(seq))
				firstState = nil
				for _, st := range local {
					firstState = st
				}
				firstFlags = firstFlags[:0]
				for fl := range localFlags {
					firstFlags = append(firstFlags, fl)
				}
				stop()
			}
			return
		}
		count += n
		for k, v := range local {
			states[k] = v
		}
		for k := range localFlags {
			flags[k] = true
		}
	}
	p.eachStructure(produce, workers, judge)

	if err := start.Err(); err != nil {
		return nil, err
	}
	if b := best.Load(); derefErr != nil && (mode != SpeedFast || b < 0 || int64(derefSeq) < b) {
		// Fast mode stops at its first target: a bad dereference in a
		// later structure is never reached.
		firstErr = derefErr
	}
	if firstErr != nil {
		var le *LowerError
		if errors.As(firstErr, &le) {
			res.Errors = append(res.Errors, le)
			return res, nil
		}
		return nil, firstErr
	}
	if mode == SpeedFast {
		if best.Load() >= 0 {
			count = 1
			states = map[string]State{firstState.String(): firstState}
			for _, fl := range firstFlags {
				flags[fl] = true
			}
		} else if ctx.Err() != nil {
			res.Cutoff = true
		}
	} else if ctx.Err() != nil {
		res.Cutoff = true
	}
	for _, s := range states {
		res.States = append(res.States, s)
	}
	sort.Slice(res.States, func(i, j int) bool { return stateLess(res.States[i], res.States[j]) })
	for fl := range flags {
		res.Flags = append(res.Flags, fl)
	}
	sort.Strings(res.Flags)
	if want {
		res.Positive = count
	} else {
		res.Negative = count
	}
	switch res.Quant {
	case syntax.Exists:
		res.Ok = res.Positive > 0
	case syntax.NotExists:
		res.Ok = res.Positive == 0
	case syntax.Forall:
		res.Ok = res.Negative == 0
	}
	switch {
	case res.Quant == syntax.Forall && count == 0:
		res.Verdict = "Always"
	case count == 0:
		res.Verdict = "Never"
	default:
		res.Verdict = "Sometimes"
	}
	return res, nil
}

// A target is what an execution must satisfy to matter to a speedcheck:
// the filter, when there is one, and the condition's proposition with the
// value want.
type target struct {
	filter syntax.Prop // or nil
	cond   syntax.Prop
	want   bool
}

// holds reports whether the final state fin is a target.
func (tg *target) holds(fin *finalState) (bool, error) {
	if tg.filter != nil {
		ok, err := fin.holds(tg.filter)
		if err != nil || !ok {
			return false, err
		}
	}
	ok, err := fin.holds(tg.cond)
	return ok == tg.want, err
}

// A tri is a truth value that may be unknown yet.
type tri uint8

const (
	unknown tri = iota
	no
	yes
)

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

// A partialState knows the final registers of a structure's threads as
// far as they are fixed: by the paths alone when c is nil, else by the
// candidate's values. Memory is never known (the model's coherence order
// decides it).
type partialState struct {
	p *program
	b *built
	c *Candidate // or nil
}

// reg returns the final value of register name of thread t, and whether
// it is known.
func (ps *partialState) reg(t int, name string) (int64, bool) {
	b := ps.b
	if t >= len(b.paths) || b.paths[t] == nil {
		return 0, true
	}
	sv, ok := b.paths[t].regs[name]
	if !ok {
		return 0, true
	}
	off := b.offset[t]
	known := true
	v := sv.eval(func(i int) int64 {
		if ps.c == nil {
			known = false
			return 0
		}
		return ps.c.Val[off+i]
	})
	if ps.c != nil && isFree(v) {
		return 0, false
	}
	return v, known
}

// eval evaluates the target as far as the registers decide it.
func (ps *partialState) eval(tg *target) tri {
	t := yes
	if tg.filter != nil {
		t = ps.prop(tg.filter)
		if t == no {
			return no
		}
	}
	c := ps.prop(tg.cond)
	if !tg.want {
		c = c.not()
	}
	return and3(t, c)
}

func and3(a, b tri) tri {
	if a == no || b == no {
		return no
	}
	if a == yes && b == yes {
		return yes
	}
	return unknown
}

func (ps *partialState) prop(q syntax.Prop) tri {
	switch q := q.(type) {
	case *syntax.AtomProp:
		if q.Loc.Thread < 0 {
			return unknown
		}
		x, ok := ps.reg(q.Loc.Thread, q.Loc.Name)
		if !ok {
			return unknown
		}
		var y int64
		switch {
		case q.Value.Reg != nil:
			if q.Value.Reg.Thread < 0 {
				return unknown
			}
			y, ok = ps.reg(q.Value.Reg.Thread, q.Value.Reg.Name)
			if !ok {
				return unknown
			}
		case q.Value.Symbol != "":
			i, ok := ps.p.locIdx[q.Value.Symbol]
			if !ok {
				return unknown // the full evaluation reports it
			}
			y = addrBase + int64(i)
		default:
			y = q.Value.Int
		}
		if q.Op == "!=" {
			return triOf(x != y)
		}
		return triOf(x == y)
	case *syntax.NotProp:
		return ps.prop(q.X).not()
	case *syntax.AndProp:
		a := ps.prop(q.X)
		if a == no {
			return no
		}
		return and3(a, ps.prop(q.Y))
	case *syntax.OrProp:
		return ps.prop(&syntax.NotProp{X: &syntax.AndProp{X: &syntax.NotProp{X: q.X}, Y: &syntax.NotProp{X: q.Y}}})
	case *syntax.ImpliesProp:
		return ps.prop(&syntax.OrProp{X: &syntax.NotProp{X: q.X}, Y: q.Y})
	case *syntax.BoolProp:
		return triOf(q.Value)
	case *syntax.ParenProp:
		return ps.prop(q.X)
	}
	return unknown
}

// A need is what a target requires of one register: to equal (eq) or to
// differ from v.
type need struct {
	t    int
	name string
	v    int64
	eq   bool
}

// needs lists what every target requires of registers: the atoms
// "T:r=k" and "T:r!=k" that a conjunction at the top of the target holds
// (under negations, as De Morgan gives them).
func (tg *target) needs() []need {
	var out []need
	var walk func(q syntax.Prop, pos bool)
	walk = func(q syntax.Prop, pos bool) {
		switch q := q.(type) {
		case *syntax.ParenProp:
			walk(q.X, pos)
		case *syntax.NotProp:
			walk(q.X, !pos)
		case *syntax.AndProp:
			if pos {
				walk(q.X, true)
				walk(q.Y, true)
			}
		case *syntax.OrProp:
			if !pos {
				walk(q.X, false)
				walk(q.Y, false)
			}
		case *syntax.ImpliesProp:
			if !pos {
				walk(q.X, true)
				walk(q.Y, false)
			}
		case *syntax.AtomProp:
			if q.Loc.Thread < 0 || q.Value.Reg != nil || q.Value.Symbol != "" {
				return
			}
			eq := q.Op != "!="
			if !pos {
				eq = !eq
			}
			out = append(out, need{q.Loc.Thread, q.Loc.Name, q.Value.Int, eq})
		}
	}
	if tg.filter != nil {
		walk(tg.filter, true)
	}
	walk(tg.cond, tg.want)
	return out
}

// allowed returns, for the reads of b (by their index in b.reads), which
// writes a target may have them read from: a register the target needs
// equal to (or different from) k, whose final value is what one ordinary
// read loaded, rules out the writes of a known constant other than (or
// equal to) k. It returns nil when nothing is ruled out.
func (tg *target) allowed(p *program, b *built) func(k, w int) bool {
	needs := tg.needs()
	if len(needs) == 0 {
		return nil
	}
	readIdx := map[int]int{}
	for k, r := range b.reads {
		readIdx[r] = k
	}
	byRead := map[int][]need{}
	for _, nd := range needs {
		if nd.t >= len(b.paths) || b.paths[nd.t] == nil {
			continue
		}
		sv, ok := b.paths[nd.t].regs[nd.name]
		if !ok || sv.op != "r" {
			continue
		}
		k, ok := readIdx[b.offset[nd.t]+sv.read]
		if !ok {
			continue
		}
		byRead[k] = append(byRead[k], nd)
	}
	if len(byRead) == 0 {
		return nil
	}
	return func(k, w int) bool {
		nds := byRead[k]
		if len(nds) == 0 {
			return true
		}
		v, ok := b.constValue(w)
		if !ok {
			return true
		}
		for _, nd := range nds {
			if (v == nd.v) != nd.eq {
				return false
			}
		}
		return true
	}
}

// constValue returns the value write w writes when it is a constant,
// whatever is read.
func (b *built) constValue(w int) (int64, bool) {
	ev := &b.Events[w]
	if ev.Thread < 0 {
		return ev.Val, true
	}
	pe := &b.paths[ev.Thread].events[w-b.offset[ev.Thread]]
	if pe.val == nil {
		return 0, true
	}
	switch pe.val.op {
	case "k", "kd":
		return pe.val.k, true
	}
	return 0, false
}
