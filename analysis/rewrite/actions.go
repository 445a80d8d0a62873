package rewrite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// ActionOptions tune [Actions].
type ActionOptions struct {
	// Budget bounds each check of an edited text; 0 means
	// DefaultVerifyBudget.
	Budget time.Duration
	// Archs are the architectures costs are taken over (the costliest
	// counts); empty means DefaultCostArchs.
	Archs []primitive.Arch
	// Cache, when set, remembers outcomes across calls.
	Cache *CheckCache
	// Base is the checker's result for the unedited text, or nil to check
	// it here.
	Base *checker.Result
	// SynthBudget bounds the fence synthesis run when span touches the
	// condition of a broken test; 0 means 5 s.
	SynthBudget time.Duration
}

// The kinds of actions, as LSP names them.
const (
	// ActionKindQuickFix is a change that adds ordering or marks an access.
	ActionKindQuickFix = "quickfix"
	// ActionKindRewrite is a weakening that keeps a correct test correct
	// and makes it cheaper.
	ActionKindRewrite = "refactor.rewrite"
)

// An Action is a rewrite the editor can offer, already checked.
type Action struct {
	Title     string // the verb and the primitive, then the verified effect: "Use smp_load_acquire (bad outcome becomes Never)"
	Kind      string // ActionKindQuickFix, or ActionKindRewrite for a weakening
	Edits     []analysis.Edit
	Verdict   string // the verdict of the edited test
	Fixes     bool   // it makes the bad outcome Never or removes a data race, adding no problem
	Preferred bool   // the cheapest of the actions that fix
	Cost      Cost   // what the change adds to the test's cost on each architecture
}

// Actions returns the rewrites that apply at span (a cursor, or a
// selection) of the C test f parsed from src, each checked on the edited
// text with its effect in the title: on a plain load READ_ONCE and
// smp_load_acquire, on a plain store WRITE_ONCE and smp_store_release, on
// READ_ONCE or WRITE_ONCE the acquire or release, on an atomic its fully
// ordered variant, and on or between two accesses of a thread the fences
// that apply there (smp_rmb() only between loads, smp_wmb() only between
// stores). In a correct test, on a fence, acquire, release or fully
// ordered atomic, the weakenings that keep it correct, with what they save
// (kind ActionKindRewrite). On the condition of a test whose bad outcome is reachable (or
// which races), the one or two cheapest fixes [Synthesize] finds. Edits
// whose text does not check are left out. The checks run in parallel,
// each within opts.Budget; when ctx ends, Actions returns nil. The
// cheapest action that fixes the test is marked Preferred.
func Actions(ctx context.Context, f *syntax.File, src []byte, span syntax.Span, opts ActionOptions) []Action {
	if f == nil || f.Dialect != syntax.DialectC || f.Cond == nil {
		return nil
	}
	l := ScanLayout(f, src)
	rws := l.rewritesAt(span)
	weak := l.weakeningsAt(span)
	onCond := SpanTouches(span, f.Cond.Span)
	if len(rws) == 0 && len(weak) == 0 && !onCond {
		return nil
	}
	v := newVerifier(f, opts.Budget, opts.Cache)
	base, err := v.BaseOutcome(ctx, f, opts.Base)
	if err != nil || base.Cutoff {
		return nil
	}
	var out []Action
	if onCond && !base.OK() {
		budget := opts.SynthBudget
		if budget <= 0 {
			budget = 5 * time.Second
		}
		syn, err := Synthesize(ctx, f, src, SynthOptions{Archs: opts.Archs, Budget: budget, CheckBudget: opts.Budget, Cache: opts.Cache, Base: opts.Base})
		if err != nil {
			return nil
		}
		for _, fx := range syn.Fixes {
			out = append(out, Action{Title: fx.Title, Kind: ActionKindQuickFix, Edits: fx.Edits, Verdict: fx.Outcome.Verdict, Fixes: true, Cost: fx.Cost})
		}
	}
	nStrong := len(rws)
	if base.OK() {
		rws = append(rws, weak...)
	}
	sets := make([][]analysis.Edit, len(rws))
	for i := range rws {
		sets[i] = rws[i].Edits
	}
	results := v.verifyAll(ctx, src, sets)
	if ctx.Err() != nil {
		return nil
	}
	for i, r := range results {
		if r.err != nil {
			continue
		}
		rw := &rws[i]
		if i >= nStrong {
			if !r.outcome.OK() {
				continue // the weakening breaks the test
			}
			out = append(out, Action{
				Title:   fmt.Sprintf("%s (outcome stays %s; %s)", actionTitle(rw, rws), r.outcome.Verdict, SavedShort(rw.Delta(), opts.Archs)),
				Kind:    ActionKindRewrite,
				Edits:   rw.Edits,
				Verdict: r.outcome.Verdict,
				Cost:    rw.Delta(),
			})
			continue
		}
		out = append(out, Action{
			Title:   fmt.Sprintf("%s (%s)", actionTitle(rw, rws), DescribeChange(base, r.outcome)),
			Kind:    ActionKindQuickFix,
			Edits:   rw.Edits,
			Verdict: r.outcome.Verdict,
			Fixes:   Fixes(base, r.outcome),
			Cost:    rw.Delta(),
		})
	}
	markPreferred(out, opts.Archs)
	return out
}

// BaseOutcome returns the outcome of the unedited test: res's, or a fresh
// check's.
func (v *Verifier) BaseOutcome(ctx context.Context, f *syntax.File, res *checker.Result) (*analysis.Outcome, error) {
	if res != nil {
		if len(res.Errors) > 0 {
			return nil, errors.New("the test cannot be checked")
		}
		return analysis.OutcomeOf(res), nil
	}
	return v.CheckFile(ctx, f)
}

// markPreferred marks the cheapest fixing action (the first on ties).
func markPreferred(out []Action, archs []primitive.Arch) {
	best := -1
	for i := range out {
		if out[i].Fixes && (best < 0 || out[i].Cost.Max(archs) < out[best].Cost.Max(archs)) {
			best = i
		}
	}
	if best >= 0 {
		out[best].Preferred = true
	}
}

// actionTitle names rw without its effect: "Use smp_load_acquire", or,
// when another rewrite of the list would read the same, with its line and
// location.
func actionTitle(rw *Rewrite, all []Rewrite) string {
	short := shortTitle(rw)
	n := 0
	for i := range all {
		if shortTitle(&all[i]) == short {
			n++
		}
	}
	if n <= 1 || rw.Kind == RewriteInsert || rw.Kind == RewriteRemove {
		return short
	}
	return rw.Title()
}

func shortTitle(rw *Rewrite) string {
	switch rw.Kind {
	case RewriteInsert, RewriteRemove:
		return rw.Title()
	}
	return "Use " + rw.To
}

// rewritesAt returns the strengthening rewrites that apply at span.
func (l *Layout) rewritesAt(span syntax.Span) []Rewrite {
	touches := func(s syntax.Span) bool { return SpanTouches(span, s) }
	var acc []*Access
	for i := range l.Accesses {
		if touches(l.Accesses[i].Span) {
			acc = append(acc, &l.Accesses[i])
		}
	}
	if len(acc) == 0 && span.Start == span.End {
		// The cursor on a statement but not on its access (on "r0 = ",
		// or the ";"): the accesses of the innermost such statement.
		if s := l.stmtAt(span.Start); s != nil {
			sp := s.GetSpan()
			for i := range l.Accesses {
				if a := &l.Accesses[i]; sp.Start <= a.Span.Start && a.Span.End <= sp.End {
					acc = append(acc, a)
				}
			}
		}
	}
	// At a cursor, keep only the innermost accesses: on "*x = *y" with
	// the cursor on "*y", the load, not the store.
	var out []Rewrite
	for _, a := range acc {
		holds := func(b *Access) bool {
			return b.Span != a.Span && a.Span.Start <= b.Span.Start && b.Span.End <= a.Span.End
		}
		if span.Start == span.End && slices.ContainsFunc(acc, holds) {
			continue
		}
		out = l.appendStrengthenings(out, a)
	}
	for i := range l.Gaps {
		g := &l.Gaps[i]
		region := syntax.Span{Start: g.Prev.GetSpan().Start, End: g.Next.GetSpan().End}
		if !touches(region) {
			continue
		}
		for _, name := range GapFences(g) {
			out = append(out, l.insertFence(g, name))
		}
	}
	return out
}

// weakeningsAt returns the weakening rewrites of the fences and accesses
// at span (or in the statement a cursor is on).
func (l *Layout) weakeningsAt(span syntax.Span) []Rewrite {
	var stmt syntax.Span
	if span.Start == span.End {
		if s := l.stmtAt(span.Start); s != nil {
			stmt = s.GetSpan()
		}
	}
	var out []Rewrite
	for _, rw := range l.weakenings() {
		in := stmt.End > stmt.Start && stmt.Start <= rw.Site.Start && rw.Site.End <= stmt.End
		if SpanTouches(span, rw.Site) || in {
			out = append(out, rw)
		}
	}
	return out
}

// SpanTouches reports whether the cursor or selection span touches s: a
// cursor inside s or at either end, a selection overlapping it.
func SpanTouches(span, s syntax.Span) bool {
	if span.Start == span.End {
		return s.Start <= span.Start && span.Start <= s.End
	}
	return s.Start < span.End && span.Start < s.End
}

// stmtAt returns the innermost simple statement of a thread containing
// off, or nil.
func (l *Layout) stmtAt(off int) syntax.Stmt {
	var best syntax.Stmt
	for _, t := range l.F.Threads {
		if t.Body == nil {
			continue
		}
		syntax.InspectStmt(t.Body, func(s syntax.Stmt) {
			if _, ok := s.(*syntax.BlockStmt); ok {
				return
			}
			sp := s.GetSpan()
			if sp.Start <= off && off <= sp.End && (best == nil || sp.Len() < best.GetSpan().Len()) {
				best = s
			}
		}, func(syntax.Expr) {})
	}
	return best
}
