package checker

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litmusls/litmusls/syntax"
)

// Options control a check.
type Options struct {
	// Model judges candidates; nil means the LKMM.
	Model Model
	// Timeout bounds the run; 0 means no bound. When it expires, Check
	// returns what it found so far with Result.Cutoff set.
	Timeout time.Duration
	// Workers is the number of goroutines judging event structures; 0
	// means one per CPU.
	Workers int
	// Explain asks for Result.Witnesses and Result.Reason. It costs
	// nothing when off; when on, Check keeps one execution per final state
	// and one rejected execution per unreached outcome, and may enumerate
	// a second time to find a candidate for an unreached outcome.
	Explain bool
	// VerdictOnly decides only whether the condition holds, as herd7
	// -speedcheck fast: Check stops at the first execution that settles
	// it and prunes the candidates that cannot (see [Speedcheck] and
	// SpeedFast for what the Result then holds).
	VerdictOnly bool
}

// A Binding is one location's final value in a state, as herd7 prints it.
type Binding struct {
	Loc   string // "0:r1" for a register, "[x]" for memory
	Value string // "1", or a variable name for an address
	num   int64
}

// A State is one final state: the values of the locations herd7 shows.
type State []Binding

// String formats s as a herd7 state line: "0:r0=1; [x]=2;".
func (s State) String() string {
	n := 0
	for _, v := range s {
		n += len(v.Loc) + len(v.Value) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for i, v := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Loc)
		b.WriteByte('=')
		b.WriteString(v.Value)
		b.WriteByte(';')
	}
	return b.String()
}

// A Result is the outcome of checking one test, with what herd7 reports.
type Result struct {
	Name      string            // test name
	Quant     syntax.Quantifier // the condition's quantifier
	States    []State           // the final states of allowed executions, sorted as herd7 prints them
	Ok        bool              // whether the condition holds as the quantifier wants
	Positive  int               // allowed executions satisfying the condition
	Negative  int               // allowed executions not satisfying it
	Flags     []string          // flags raised by allowed executions, sorted
	Condition string            // the condition as herd7 re-prints it
	Verdict   string            // "Never", "Sometimes" or "Always"
	Cutoff    bool              // the run stopped early (timeout): counts are partial
	// Witnesses holds, when Options.Explain asks, one execution reaching
	// each state of States (same index); nil otherwise.
	Witnesses []*Witness
	// Reason explains, when Options.Explain asks, why an outcome of the
	// condition is never reached (see [Reason]); nil when every outcome
	// the quantifier cares about is reached or Explain is off.
	Reason *Reason
	// Errors lists problems in the test that stopped it from being
	// checked (unsupported constructs); the rest of the Result is then
	// empty.
	Errors []*LowerError
}

// lowerTest lowers f with the lowering of its dialect. A problem in the
// test is its LowerError; the error is the checker's own failure.
func lowerTest(f *syntax.File) (*program, *LowerError, error) { return lowerTestWith(f, nil) }

// lowerTestWith is lowerTest with a C test's primitives lowered by
// macros, when not nil.
func lowerTestWith(f *syntax.File, macros *Macros) (*program, *LowerError, error) {
	lowerFile := lower
	switch f.Dialect {
	case syntax.DialectC:
		if macros != nil {
			lowerFile = func(f *syntax.File) (*program, error) { return lowerWith(f, macros) }
		}
	case syntax.DialectBPF:
		lowerFile = lowerBPF
	default:
		return nil, &LowerError{f.ArchSpan, fmt.Sprintf("%s litmus tests cannot be checked", f.Dialect)}, nil
	}
	p, err := lowerFile(f)
	if err != nil {
		var le *LowerError
		if errors.As(err, &le) {
			return nil, le, nil
		}
		return nil, nil, err
	}
	return p, nil, nil
}

// bounded returns ctx bounded by opts.Timeout, a function that cancels it
// (to stop an enumeration early; call it when done), and the number of
// workers opts asks for (one per CPU when zero).
func (opts Options) bounded(ctx context.Context) (context.Context, context.CancelFunc, int) {
	var cancel context.CancelFunc
	if opts.Timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return ctx, cancel, workers
}

// prepare is where Check and Speedcheck start: the result with the test's
// name and condition, f with its condition (withCond), the lowered
// program (by the model's macros, for a [MacroModel]), the model that
// judges it and the locations its states show. A nil program means res
// (with the test's errors) or err is the answer.
func prepare(f *syntax.File, opts Options) (res *Result, _ *syntax.File, p *program, model Model, shown []shownLoc, err error) {
	// herd7 drops a ".litmus" suffix from the name on the first line.
	res = &Result{Name: strings.TrimSuffix(f.Name, ".litmus")}
	f = withCond(f)
	res.Quant = f.Cond.Quant
	res.Condition = res.Quant.String() + " " + propString(f.Cond.Prop, true)
	var macros *Macros
	if mm, ok := opts.Model.(MacroModel); ok {
		macros = mm.Macros()
	}
	p, le, err := lowerTestWith(f, macros)
	if err != nil {
		return nil, f, nil, nil, nil, err
	}
	if le != nil {
		res.Errors = append(res.Errors, le)
		return res, f, nil, nil, nil, nil
	}
	model = opts.Model
	if model == nil {
		model = &LKMM{}
		if f.Dialect == syntax.DialectBPF {
			model = &BPF{}
		}
	}
	shown, err = p.shownLocations(f)
	if err != nil {
		if errors.As(err, &le) {
			res.Errors = append(res.Errors, le)
			return res, f, nil, nil, nil, nil
		}
		return nil, f, nil, nil, nil, err
	}
	return res, f, p, model, shown, nil
}

// Check decides f under opts.Model; a nil Model means the dialect's own:
// the LKMM for C tests, bpf.cat's model for BPF tests. A [MacroModel]'s
// macros lower a C test's primitives. A problem in the
// test is reported in Result.Errors; a Go error means the checker itself
// failed, the model failed (Model.Judge's error, returned as it is) or
// ctx was cancelled.
func Check(ctx context.Context, f *syntax.File, opts Options) (*Result, error) {
	if opts.VerdictOnly {
		return Speedcheck(ctx, f, opts, SpeedFast)
	}
	start := ctx
	res, f, p, model, shown, err := prepare(f, opts)
	if p == nil {
		return res, err
	}
	ctx, stop, workers := opts.bounded(ctx)
	defer stop()

	var mu sync.Mutex
	states := map[string]State{}
	flags := map[string]bool{}
	var filterErr, condErr, derefErr, modelErr error
	var ex *explainer
	if opts.Explain {
		ex = newExplainer(res.Quant)
	}

	// onExec returns the function that counts the model's executions of
	// b into sk (and into lx, when explaining).
	onExec := func(b *built, sk *execSink, lx *localExplain) func(x *Execution, j Judgement) bool {
		return func(x *Execution, j Judgement) bool {
			sk.k++
			if j.Failed != "" {
				if lx != nil && lx.wantsReject() {
					lx.rejectedFinal(sk.k, x, j.Failed, p, b, f, shown)
				}
				return true
			}
			fin := p.final(b, x)
			if f.Filter != nil {
				ok, err := fin.holds(f.Filter.Prop)
				if err != nil {
					mu.Lock()
					filterErr = err
					mu.Unlock()
					return false
				}
				if !ok {
					return true
				}
			}
			ok, err := fin.holds(f.Cond.Prop)
			if err != nil {
				mu.Lock()
				condErr = err
				mu.Unlock()
				return false
			}
			if ok {
				sk.pos++
			} else {
				sk.neg++
			}
			st := fin.state(shown)
			key := st.String()
			sk.local[key] = st
			for _, fl := range j.Flags {
				sk.flags[fl] = true
			}
			if lx != nil {
				lx.allowed(sk.k, x, key, st, ok, j.Flags)
			}
			return true
		}
	}
	// visit returns the function that judges each candidate of b, the
	// model's executions going to exec; wj, when not nil, gives the one
	// execution of the candidates of allowed subtrees.
	visit := func(b *built, wj *wholeJudge, exec func(x *Execution, j Judgement) bool) func(c *Candidate, whole bool) bool {
		bad := b.badDeref()
		return func(c *Candidate, whole bool) bool {
			if bad != nil {
				// An execution reaches a dereference of a value that is
				// no location's address: herd7 stops there, and so do we.
				mu.Lock()
				derefErr = &LowerError{*bad, "dereferences a value that is not the address of a shared variable (herd7: Non symbolic address)"}
				mu.Unlock()
				return false
			}
			if whole {
				x, ok := wj.execution(c)
				if !ok {
					return true // incoherent: no execution
				}
				return exec(x, Judgement{Flags: wj.flags}) && ctx.Err() == nil
			}
			err := model.Judge(c, exec)
			if err != nil {
				mu.Lock()
				if modelErr == nil {
					modelErr = err
				}
				mu.Unlock()
				stop() // the other structures' judging too
				return false
			}
			return ctx.Err() == nil
		}
	}

	judge := func(b *built, seq int) {
		var lx *localExplain
		if ex != nil {
			lx = ex.local(seq)
		}
		sk := newExecSink()
		// Without explanations, which want every rejected execution, an
		// LKMM structure that qualifies has whole subtrees of candidates
		// allowed at once (see wholeJudge).
		lm, _ := model.(*LKMM)
		var wj *wholeJudge
		if lm != nil && lx == nil {
			wj = lm.wholeJudge(b.Structure)
		}
		// Executions the filter rules out are neither counted nor
		// shown, and give no flags: without explanations, a structure
		// whose registers already fail the filter is skipped, and a
		// read the filter needs equal to a constant reads only from
		// writes that may hold it (as a speedcheck's target prunes).
		var allow func(k, w int) bool
		if f.Filter != nil && lx == nil && b.badDeref() == nil {
			ft := &target{cond: f.Filter.Prop, want: true}
			if (&partialState{p: p, b: b}).eval(ft) == no {
				return
			}
			allow = ft.allowed(p, b)
		}
		// One big structure is split across the workers.
		var sinks []*execSink
		if wj != nil && workers > 1 {
			sinks = splitWhole(ctx, b, lm, allow, workers, func(b *built, wj *wholeJudge) (*execSink, func(*Candidate, bool) bool) {
				sk := newExecSink()
				return sk, visit(b, wj, onExec(b, sk, nil))
			})
		}
		if sinks == nil {
			var allows func(Rel) bool
			if wj != nil {
				allows = wj.allows
			}
			b.candidatesWhole(ctx, nil, allow, allows, visit(b, wj, onExec(b, sk, lx)))
			sinks = []*execSink{sk}
		}
		if lx != nil {
			lx.merge()
		}
		mu.Lock()
		for _, sk := range sinks {
			res.Positive += sk.pos
			res.Negative += sk.neg
			for k, v := range sk.local {
				states[k] = v
			}
			for k := range sk.flags {
				flags[k] = true
			}
		}
		mu.Unlock()
	}
	p.eachStructure(ctx, workers, judge)

	if err := start.Err(); err != nil {
		return nil, err
	}
	if modelErr != nil {
		return nil, modelErr
	}
	if ctx.Err() != nil {
		res.Cutoff = true
	}
	for _, e := range []error{derefErr, filterErr, condErr} {
		var le *LowerError
		if errors.As(e, &le) {
			res.Errors = append(res.Errors, le)
			return res, nil
		}
	}
	for _, s := range states {
		res.States = append(res.States, s)
	}
	sort.Slice(res.States, func(i, j int) bool { return stateLess(res.States[i], res.States[j]) })
	for fl := range flags {
		res.Flags = append(res.Flags, fl)
	}
	sort.Strings(res.Flags)
	switch res.Quant {
	case syntax.Exists:
		res.Ok = res.Positive > 0
	case syntax.NotExists:
		res.Ok = res.Positive == 0
	case syntax.Forall:
		res.Ok = res.Negative == 0
	}
	switch {
	case res.Positive == 0:
		res.Verdict = "Never"
	case res.Negative == 0:
		res.Verdict = "Always"
	default:
		res.Verdict = "Sometimes"
	}
	if ex != nil {
		// The counts are complete by now: a time-out during this extra
		// search only cuts the reason short (Reason.Cutoff), not the result.
		ex.search(ctx, p, f, shown, model, workers, res)
		if err := start.Err(); err != nil {
			return nil, err
		}
		ex.finish(p, shown, model, res)
	}
	return res, nil
}

// withCond returns f, or, when f has no final condition, a copy of f with
// the condition herd7 gives such a test: "forall (true)" (StateParser's
// empty constr is ConstrGen.constr_true), at an empty span after the last
// clause or thread.
func withCond(f *syntax.File) *syntax.File {
	if f.Cond != nil {
		return f
	}
	end := f.NameSpan.End
	if f.Init != nil {
		end = max(end, f.Init.Span.End)
	}
	for _, t := range f.Threads {
		end = max(end, t.Span.End)
	}
	if f.Locations != nil {
		end = max(end, f.Locations.Span.End)
	}
	if f.Filter != nil {
		end = max(end, f.Filter.Span.End)
	}
	at := syntax.Span{Start: end, End: end}
	g := *f
	g.Cond = &syntax.Cond{Span: at, Quant: syntax.Forall, QuantSpan: at, Prop: &syntax.BoolProp{Span: at, Value: true}}
	return &g
}

// eachStructure builds every event structure of p and calls judge with
// each and its number, in order of construction, on workers goroutines.
// It returns when every call has returned; ctx stops the construction.
func (p *program) eachStructure(ctx context.Context, workers int, judge func(b *built, seq int)) {
	type job struct {
		b   *built
		seq int
	}
	work := make(chan job)
	var wg sync.WaitGroup
	// A panic in a worker is raised again in the caller's goroutine, where
	// whoever checks the test can recover it: one test's crash must not
	// take the process down.
	var crash atomic.Pointer[workerPanic]
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					crash.CompareAndSwap(nil, &workerPanic{value: v, stack: debug.Stack()})
					for range work { // let the producer finish
					}
				}
			}()
			for j := range work {
				judge(j.b, j.seq)
			}
		}()
	}
	seq := 0
	p.pathCombos(ctx, func(paths []*path) bool {
		if crash.Load() != nil {
			return false
		}
		select {
		case work <- job{p.buildStructure(paths), seq}:
			seq++
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(work)
	wg.Wait()
	if c := crash.Load(); c != nil {
		panic(c)
	}
}

// A workerPanic is a panic of a checking goroutine, raised again in the
// goroutine that started it, with the stack where it happened.
type workerPanic struct {
	value any
	stack []byte
}

func (w *workerPanic) String() string {
	return fmt.Sprintf("%v\n\n[in a checking goroutine]\n%s", w.value, w.stack)
}

// stateLess orders states as herd7 prints them: by their values, location
// by location.
func stateLess(a, b State) bool {
	for i := range a {
		if i >= len(b) {
			return false
		}
		if a[i].num != b[i].num {
			return a[i].num < b[i].num
		}
	}
	return len(a) < len(b)
}

// A shownLoc is a location herd7 shows in states.
type shownLoc struct {
	thread int    // -1 for memory
	name   string // register or variable
	label  string // as herd7 prints it, "0:r1" or "[x]"; set by shownLocations
}

// labelOf returns l's location as herd7 prints it in a state.
func labelOf(l shownLoc) string {
	if l.thread >= 0 {
		return strconv.Itoa(l.thread) + ":" + l.name
	}
	return "[" + l.name + "]"
}

// shownLocations lists the locations of the condition and the locations
// clause: registers by thread and name, then memory by name.
func (p *program) shownLocations(f *syntax.File) ([]shownLoc, error) {
	seen := map[shownLoc]bool{}
	var locs []shownLoc
	var bad error
	add := func(l syntax.Location) {
		s := shownLoc{thread: l.Thread, name: l.Name}
		s.label = labelOf(s)
		if l.Thread < 0 {
			if _, ok := p.locIdx[l.Name]; !ok && bad == nil {
				bad = &LowerError{l.Span, fmt.Sprintf("unknown location %s", l.Name)}
			}
		}
		if !seen[s] {
			seen[s] = true
			locs = append(locs, s)
		}
	}
	walk := func(p syntax.Prop) {
		syntax.InspectProp(p, func(q syntax.Prop) {
			if q, ok := q.(*syntax.AtomProp); ok {
				add(q.Loc)
				if q.Value.Reg != nil {
					add(*q.Value.Reg)
				}
			}
		})
	}
	if f.Locations != nil {
		for _, l := range f.Locations.Locs {
			add(l)
		}
	}
	walk(f.Cond.Prop)
	sort.Slice(locs, func(i, j int) bool {
		a, b := locs[i], locs[j]
		if (a.thread < 0) != (b.thread < 0) {
			return a.thread >= 0
		}
		if a.thread != b.thread {
			return a.thread < b.thread
		}
		return a.name < b.name
	})
	return locs, bad
}

// A finalState gives the final values of an execution.
type finalState struct {
	p   *program
	b   *built
	x   *Execution
	mem []int64
}

// final computes the final memory and registers of x.
func (p *program) final(b *built, x *Execution) *finalState {
	fs := &finalState{p: p, b: b, x: x, mem: make([]int64, len(p.locs))}
	n := x.N()
	for w := 0; w < n; w++ {
		ev := &x.Events[w]
		if ev.Kind != KindW || ev.Tags&notMemStore != 0 {
			continue
		}
		if row := x.Co.Row(w); row.Empty() || !hasMemStore(x, row) {
			fs.mem[ev.Loc] = x.Val[w]
		}
	}
	return fs
}

// notMemStore tags the writes that herd7 does not count as stores to
// memory when it computes final values: lock and SRCU events. A spinlock or
// srcu_struct therefore keeps its initial value in final states.
const notMemStore = TagLKW | TagUL | TagSrcuUnlock

// hasMemStore reports whether the set of writes s holds a memory store.
func hasMemStore(x *Execution, s Set) bool {
	found := false
	s.Each(func(e int) {
		if x.Events[e].Tags&notMemStore == 0 {
			found = true
		}
	})
	return found
}

func (fs *finalState) reg(t int, name string) int64 {
	if t >= len(fs.b.paths) || fs.b.paths[t] == nil {
		return 0
	}
	if sv, ok := fs.b.paths[t].regs[name]; ok {
		off := fs.b.offset[t]
		return sv.eval(func(i int) int64 { return fs.x.Val[off+i] })
	}
	return 0
}

func (fs *finalState) value(l shownLoc) int64 {
	if l.thread >= 0 {
		return fs.reg(l.thread, l.name)
	}
	return fs.mem[fs.p.locIdx[l.name]]
}

func (fs *finalState) state(locs []shownLoc) State {
	st := make(State, len(locs))
	for i, l := range locs {
		v := fs.value(l)
		name := l.label
		if name == "" {
			name = labelOf(l)
		}
		st[i] = Binding{Loc: name, Value: fs.p.valueString(v), num: v}
	}
	return st
}

// holds evaluates a proposition on the final state.
func (fs *finalState) holds(q syntax.Prop) (bool, error) {
	switch q := q.(type) {
	case *syntax.AtomProp:
		x := fs.value(shownLoc{thread: q.Loc.Thread, name: q.Loc.Name})
		var y int64
		switch {
		case q.Value.Reg != nil:
			y = fs.value(shownLoc{thread: q.Value.Reg.Thread, name: q.Value.Reg.Name})
		case q.Value.Symbol != "":
			i, ok := fs.p.locIdx[q.Value.Symbol]
			if !ok {
				return false, &LowerError{q.Value.Span, fmt.Sprintf("unknown location %s", q.Value.Symbol)}
			}
			y = addrBase + int64(i)
		default:
			y = q.Value.Int
		}
		if q.Op == "!=" {
			return x != y, nil
		}
		return x == y, nil
	case *syntax.NotProp:
		v, err := fs.holds(q.X)
		return !v, err
	case *syntax.AndProp:
		a, err := fs.holds(q.X)
		if err != nil || !a {
			return false, err
		}
		return fs.holds(q.Y)
	case *syntax.OrProp:
		a, err := fs.holds(q.X)
		if err != nil || a {
			return a, err
		}
		return fs.holds(q.Y)
	case *syntax.ImpliesProp:
		a, err := fs.holds(q.X)
		if err != nil || !a {
			return true, err
		}
		return fs.holds(q.Y)
	case *syntax.BoolProp:
		return q.Value, nil
	case *syntax.ParenProp:
		return fs.holds(q.X)
	}
	return false, &LowerError{q.GetSpan(), "bad condition"}
}
