package checker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/syntax"
)

// This file keeps the executions herd7's -show option selects, for
// pictures of them (herd7's -show, -nshow, -o and -gv). It is a pass of
// its own, run by the caller after Check when pictures are asked for, so
// that Check and its options do not change.

// A ShowKind is which allowed executions herd7's -show option selects
// (herd/top_herd.ml, model_kont): "prop" those where the condition's
// proposition holds, "neg" those where it does not, "cond" those that
// satisfy the condition as its quantifier wants (the proposition for
// exists and forall, its negation for ~exists), "wit" the witnesses of the
// verdict (the proposition for exists and ~exists, its negation for
// forall), "all" every one, and -showflag's "flag" those raising a flag.
type ShowKind int

const (
	ShowNone ShowKind = iota
	ShowProp
	ShowNeg
	ShowCond
	ShowWit
	ShowAll
	ShowFlag
)

// ParseShowKind reads a -show tag as herd7 does (without regard to case);
// ok is false for a tag herd7 does not know.
func ParseShowKind(tag string) (k ShowKind, ok bool) {
	switch strings.ToLower(tag) {
	case "none":
		return ShowNone, true
	case "prop":
		return ShowProp, true
	case "neg":
		return ShowNeg, true
	case "cond":
		return ShowCond, true
	case "wit":
		return ShowWit, true
	case "all":
		return ShowAll, true
	}
	return ShowNone, false
}

// A ShowSelect says which executions [Shown] keeps.
type ShowSelect struct {
	Kind ShowKind
	Flag string // for ShowFlag: the flag's name, as "data-race"
	// Max bounds the executions kept (herd7's -nshow); 0 keeps every one.
	Max int
}

// selects reports whether an allowed execution whose proposition is ok
// and which raises flags is shown, under the condition's quantifier q.
func (s ShowSelect) selects(q syntax.Quantifier, ok bool, flags []string) bool {
	switch s.Kind {
	case ShowProp:
		return ok
	case ShowNeg:
		return !ok
	case ShowCond:
		return ok != (q == syntax.NotExists)
	case ShowWit:
		return ok != (q == syntax.Forall)
	case ShowAll:
		return true
	case ShowFlag:
		return slices.Contains(flags, s.Flag)
	}
	return false
}

// A ShownResult is what [Shown] found.
type ShownResult struct {
	// Executions are the shown executions, in the order of the
	// enumeration (structure by structure, then as the model judges
	// them), the first sel.Max of them when sel.Max > 0. Each is an
	// allowed execution; its Races are set when it raises data-race
	// under the compiled LKMM.
	Executions []*Witness
	// Total counts every execution sel selects, beyond sel.Max too.
	Total int
	// Cutoff is set when opts.Timeout stopped the search: Executions and
	// Total may miss some.
	Cutoff bool
}

// Shown returns the allowed executions of f that sel selects, under
// opts.Model (nil: the dialect's own, as for [Check]; opts.Explain and
// opts.VerdictOnly are ignored). It enumerates as Check does, so the
// executions are the ones Check counts; the order among them does not
// depend on the number of workers. A test Check reports errors for
// (Result.Errors) gives an empty result: Check says what is wrong. A Go
// error is the model's failure or ctx's.
func Shown(ctx context.Context, f *syntax.File, opts Options, sel ShowSelect) (*ShownResult, error) {
	out := &ShownResult{}
	if sel.Kind == ShowNone {
		return out, nil
	}
	f = withCond(f)
	var macros *Macros
	if mm, ok := opts.Model.(MacroModel); ok {
		macros = mm.Macros()
	}
	p, le, err := lowerTestWith(f, macros)
	if err != nil || le != nil {
		return out, err
	}
	model := opts.Model
	if model == nil {
		model = &LKMM{}
		if f.Dialect == syntax.DialectBPF {
			model = &BPF{}
		}
	}
	shown, err := p.shownLocations(f)
	if err != nil {
		var le *LowerError
		if errors.As(err, &le) {
			return out, nil
		}
		return nil, err
	}
	start := ctx
	ctx, stop, workers := opts.bounded(ctx)
	defer stop()

	var mu sync.Mutex
	var kept []*found // the first sel.Max found so far, in order
	var modelErr error
	keep := func(fd *found) {
		i, _ := slices.BinarySearchFunc(kept, fd, func(a, b *found) int {
			if a.before(b) {
				return -1
			}
			return 1
		})
		kept = slices.Insert(kept, i, fd)
		if sel.Max > 0 && len(kept) > sel.Max {
			kept = kept[:sel.Max]
		}
	}
	p.eachStructure(ctx, workers, func(b *built, seq int) {
		var local []*found
		total, k := 0, 0
		bad := b.badDeref()
		b.candidates(ctx, func(c *Candidate) bool {
			if bad != nil {
				return false // Check reports the dereference
			}
			err := model.Judge(c, func(x *Execution, j Judgement) bool {
				k++
				if j.Failed != "" {
					return true
				}
				fin := p.final(b, x)
				if f.Filter != nil {
					if ok, err := fin.holds(f.Filter.Prop); err != nil || !ok {
						return err == nil
					}
				}
				ok, err := fin.holds(f.Cond.Prop)
				if err != nil {
					return false // Check reports it
				}
				if !sel.selects(f.Cond.Quant, ok, j.Flags) {
					return true
				}
				total++
				if sel.Max == 0 || len(local) < sel.Max {
					local = append(local, &found{seq: seq, k: k, x: snapshot(x), b: b, st: fin.state(shown), cond: ok, flags: j.Flags})
				}
				return true
			})
			if err != nil {
				mu.Lock()
				if modelErr == nil {
					modelErr = err
				}
				mu.Unlock()
				stop()
				return false
			}
			return ctx.Err() == nil
		})
		mu.Lock()
		out.Total += total
		for _, fd := range local {
			keep(fd)
		}
		mu.Unlock()
	})
	if err := start.Err(); err != nil {
		return nil, err
	}
	if modelErr != nil {
		return nil, modelErr
	}
	out.Cutoff = ctx.Err() != nil
	for _, fd := range kept {
		w := p.witnessOf(fd.x)
		w.State, w.Cond, w.Flags = fd.st, fd.cond, fd.flags
		if m, ok := model.(*LKMM); ok && slices.Contains(fd.flags, "data-race") {
			w.Races = m.Races(fd.x)
		}
		out.Executions = append(out.Executions, w)
	}
	return out, nil
}
