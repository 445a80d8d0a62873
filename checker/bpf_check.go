package checker

import (
	"context"
	"errors"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/syntax"
)

// CheckBPF decides a BPF litmus test under opts.Model (nil means the BPF
// model, bpf.cat), with the same Result as [Check]. A problem in the test
// is reported in Result.Errors; a Go error means the checker itself failed
// or ctx was cancelled.
func CheckBPF(ctx context.Context, f *syntax.File, opts Options) (*Result, error) {
	start := ctx
	res := &Result{Name: strings.TrimSuffix(f.Name, ".litmus")}
	if f.Cond != nil {
		res.Quant = f.Cond.Quant
		res.Condition = res.Quant.String() + " " + propString(f.Cond.Prop, true)
	}
	if f.Dialect != syntax.DialectBPF {
		res.Errors = append(res.Errors, &LowerError{f.ArchSpan, "not a BPF litmus test"})
		return res, nil
	}
	if f.Cond == nil {
		res.Errors = append(res.Errors, &LowerError{f.NameSpan, "the test has no final condition"})
		return res, nil
	}
	lowerErr := func(err error) (*Result, error) {
		var le *LowerError
		if errors.As(err, &le) {
			res.Errors = append(res.Errors, le)
			return res, nil
		}
		return nil, err
	}
	p, err := lowerBPF(f)
	if err != nil {
		return lowerErr(err)
	}
	shown, err := p.shownLocations(f)
	if err != nil {
		return lowerErr(err)
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	model := opts.Model
	if model == nil {
		model = &BPF{}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	tally := newTally()
	judge := func(b *built) {
		local := newTally()
		b.candidates(ctx, func(c *Candidate) bool {
			model.Judge(c, func(x *Execution, j Judgement) bool {
				if j.Failed != "" {
					return true
				}
				return local.add(p, f, b, x, j, shown)
			})
			return ctx.Err() == nil && local.err == nil
		})
		tally.merge(local)
	}
	work := make(chan *built)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				judge(b)
			}
		}()
	}
	p.pathCombos(ctx, func(paths []*path) bool {
		select {
		case work <- p.buildStructure(paths):
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(work)
	wg.Wait()

	if err := start.Err(); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		res.Cutoff = true
	}
	if tally.err != nil {
		return lowerErr(tally.err)
	}
	tally.fill(res)
	return res, nil
}

// A tally collects the allowed executions of a check: counts, states and
// flags.
type tally struct {
	mu       sync.Mutex
	pos, neg int
	states   map[string]State
	flags    map[string]bool
	err      error // a problem evaluating the filter or the condition
}

func newTally() *tally {
	return &tally{states: map[string]State{}, flags: map[string]bool{}}
}

// add counts one allowed execution; it returns false when the filter or
// condition cannot be evaluated.
func (t *tally) add(p *program, f *syntax.File, b *built, x *Execution, j Judgement, shown []shownLoc) bool {
	fin := p.final(b, x)
	if f.Filter != nil {
		ok, err := fin.holds(f.Filter.Prop)
		if err != nil {
			t.err = err
			return false
		}
		if !ok {
			return true
		}
	}
	ok, err := fin.holds(f.Cond.Prop)
	if err != nil {
		t.err = err
		return false
	}
	if ok {
		t.pos++
	} else {
		t.neg++
	}
	st := fin.state(shown)
	t.states[st.String()] = st
	for _, fl := range j.Flags {
		t.flags[fl] = true
	}
	return true
}

// merge adds a worker's tally to t.
func (t *tally) merge(o *tally) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pos += o.pos
	t.neg += o.neg
	for k, v := range o.states {
		t.states[k] = v
	}
	for k := range o.flags {
		t.flags[k] = true
	}
	if t.err == nil {
		t.err = o.err
	}
}

// fill sets res's counts, states, flags and verdict from t, as herd7
// reports them.
func (t *tally) fill(res *Result) {
	res.Positive, res.Negative = t.pos, t.neg
	for _, s := range t.states {
		res.States = append(res.States, s)
	}
	sort.Slice(res.States, func(i, j int) bool { return stateLess(res.States[i], res.States[j]) })
	for fl := range t.flags {
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
}
