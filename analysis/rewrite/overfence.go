package rewrite

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// Codes of the diagnostics of this file and synth.go. They are stable.
const (
	// CodeOverFencing is a hint on a fence, acquire, release or fully
	// ordered atomic that a weaker one (or none) could replace with the
	// test still correct.
	CodeOverFencing = "over-fencing"
	// CodeCheapestFix is information on the condition of a broken test:
	// the cheapest set of changes found that makes it correct.
	CodeCheapestFix = "cheapest-fix"
)

// FenceOptions tune [OverFencing], [Relax] and [RewriteDiagnostics].
type FenceOptions struct {
	// Archs are the architectures savings and costs are shown for and
	// ranked by (the costliest counts); empty means DefaultCostArchs.
	Archs []primitive.Arch
	// CheckBudget bounds each check; 0 means DefaultVerifyBudget.
	CheckBudget time.Duration
	// Budget bounds a synthesis search (RewriteDiagnostics); 0 means 10 s.
	Budget time.Duration
	// Cache, when set, remembers outcomes across calls.
	Cache *CheckCache
}

// A weakening is one checked weakening rewrite.
type weakening struct {
	rw      Rewrite
	outcome *analysis.Outcome
}

// OverFencing returns, for a C test whose bad outcome is Never and which
// has no data race (res is its check, or nil to check it here), a hint on
// each fence, acquire, release or fully ordered atomic that can be
// weakened or dropped with the test still correct, each verified by the
// checker: the weakest such change per place, with what it saves on each
// architecture and a fix. Each hint holds on its own; applying two of them
// together may not (see [Relax]). The hints are sorted by position.
func OverFencing(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, opts FenceOptions) []analysis.Diagnostic {
	ws, err := weakenings(ctx, f, src, res, opts)
	if err != nil {
		return nil
	}
	var out []analysis.Diagnostic
	for _, w := range ws {
		d := w.diagnostic(f, src, opts.Archs)
		if len(ws) > 1 {
			d.Message += "\nThis was checked as the only change; with other hints applied as well, the test may break (\"litmusls fix\" weakens only as far as the changes hold together)."
		}
		out = append(out, d)
	}
	return out
}

// weakenings returns the best weakening of each place of f that keeps it
// correct, in source order.
func weakenings(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, opts FenceOptions) ([]weakening, error) {
	if f == nil || f.Dialect != syntax.DialectC || f.Cond == nil {
		return nil, fmt.Errorf("not a C test with a condition")
	}
	v := newVerifier(f, opts.CheckBudget, opts.Cache)
	base, err := v.BaseOutcome(ctx, f, res)
	if err != nil {
		return nil, err
	}
	if !base.OK() {
		return nil, nil
	}
	l := ScanLayout(f, src)
	rws := l.weakenings()
	// Only those that save something somewhere.
	var kept []Rewrite
	for _, rw := range rws {
		d := rw.Delta()
		saves := false
		for _, a := range primitive.Archs {
			if d.On(a) < 0 {
				saves = true
			}
		}
		if saves {
			kept = append(kept, rw)
		}
	}
	sets := make([][]analysis.Edit, len(kept))
	for i := range kept {
		sets[i] = kept[i].Edits
	}
	results := v.verifyAll(ctx, src, sets)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	best := map[syntax.Span]int{}
	var order []syntax.Span
	for i, r := range results {
		if r.err != nil || !r.outcome.OK() {
			continue
		}
		site := kept[i].Site
		j, ok := best[site]
		if !ok {
			order = append(order, site)
			best[site] = i
			continue
		}
		if kept[i].Delta().Max(opts.Archs) < kept[j].Delta().Max(opts.Archs) {
			best[site] = i
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Start < order[j].Start })
	var out []weakening
	for _, site := range order {
		i := best[site]
		out = append(out, weakening{rw: kept[i], outcome: results[i].outcome})
	}
	return out, nil
}

// loweringCode returns the code name lowers to on arch, "nothing" when it
// emits no instruction.
func loweringCode(name string, arch primitive.Arch) string {
	if name == "" {
		return "nothing"
	}
	d, ok := primitive.Lookup(name)
	if !ok || arch < 0 || arch >= primitive.NumArchs {
		return "?"
	}
	code := d.Lower[arch].Code
	if i := strings.Index(code, " ; ("); i >= 0 {
		code = code[:i] // drop the notes on other widths and configurations
	}
	if code == "" {
		return "nothing"
	}
	return code
}

// savingText says what going from rw.From to rw.To saves on each of archs:
// "powerpc64: sync → lwsync (saves 30); arm64: dmb ish → dmb ishst (saves
// 5); x86-64: lock addl $0,-4(%rsp) → nothing (saves 15)".
func savingText(rw *Rewrite, archs []primitive.Arch) string {
	if len(archs) == 0 {
		archs = shownArchs
	}
	d := rw.Delta()
	var parts []string
	for _, a := range archs {
		from, to := loweringCode(rw.From, a), loweringCode(rw.To, a)
		if s := -d.On(a); s > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s → %s (saves %d)", a, from, to, s))
		} else {
			parts = append(parts, fmt.Sprintf("%s: no saving", a))
		}
	}
	return strings.Join(parts, "; ")
}

func (w *weakening) diagnostic(f *syntax.File, src []byte, archs []primitive.Arch) analysis.Diagnostic {
	rw := &w.rw
	var what, instead string
	switch rw.Kind {
	case RewriteRemove:
		what = rw.From + "()"
		instead = "without it"
	default:
		what = rw.From
		if rwIsFence(rw.From) {
			what += "()"
		}
		to := rw.To
		if rwIsFence(to) {
			to += "()"
		}
		instead = "with " + to + " instead"
	}
	verdict := "the bad outcome stays Never"
	if w.outcome.Quant == syntax.Forall {
		verdict = "the forall condition still always holds"
	}
	msg := fmt.Sprintf("%s is stronger than this test needs: %s, %s and nothing races.\nSaving per architecture (relative cost units): %s.",
		what, instead, verdict, savingText(rw, archs))
	title := rw.Title()
	if i := strings.Index(title, " on line "); i >= 0 {
		title = title[:i]
	}
	return analysis.Diagnostic{
		Span: rw.Site, Severity: analysis.SeverityHint, Code: CodeOverFencing, Message: msg,
		Fixes: []analysis.Fix{{Title: fmt.Sprintf("%s (outcome stays %s; %s)", title, w.outcome.Verdict, SavedShort(rw.Delta(), archs)), Edits: rw.Edits}},
	}
}

// SavedShort says "saves 30 on powerpc64, 5 on arm64, 15 on x86-64".
func SavedShort(d Cost, archs []primitive.Arch) string {
	return "saves " + d.Neg().Text(archs)
}

// A Relaxation is a set of weakenings that together keep a test correct.
type Relaxation struct {
	Rewrites []Rewrite
	Edits    []analysis.Edit   // in source order
	Outcome  *analysis.Outcome // of the relaxed test
	Saved    Cost              // on each architecture
}

// Relax weakens the correct C test f as far as the vocabulary allows,
// greedily: it takes the single weakenings that keep the test correct,
// biggest saving first, and keeps each one that still keeps it correct
// together with those kept before, checking every step. It returns nil
// when nothing can be weakened.
func Relax(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, opts FenceOptions) (*Relaxation, error) {
	ws, err := weakenings(ctx, f, src, res, opts)
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	sort.SliceStable(ws, func(i, j int) bool {
		return ws[i].rw.Delta().Max(opts.Archs) < ws[j].rw.Delta().Max(opts.Archs)
	})
	v := newVerifier(f, opts.CheckBudget, opts.Cache)
	rel := &Relaxation{}
	for i, w := range ws {
		edits := append(append([]analysis.Edit(nil), rel.Edits...), w.rw.Edits...)
		var o *analysis.Outcome
		if i == 0 {
			o = w.outcome
		} else {
			r := v.verifyAll(ctx, src, [][]analysis.Edit{edits})[0]
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if r.err != nil || !r.outcome.OK() {
				continue
			}
			o = r.outcome
		}
		rel.Rewrites = append(rel.Rewrites, w.rw)
		rel.Edits = edits
		rel.Outcome = o
		rel.Saved = rel.Saved.Add(w.rw.Delta().Neg())
	}
	sort.SliceStable(rel.Edits, func(i, j int) bool { return rel.Edits[i].Span.Start < rel.Edits[j].Span.Start })
	return rel, nil
}

func (c Cost) Neg() Cost {
	for i := range c {
		c[i] = -c[i]
	}
	return c
}

// RewriteDiagnostics returns what the rewrite machinery has to say about
// the C test f (res is its check with or without explanations, or nil to
// check it here), for "check --lint" and the editor: when the bad outcome
// is reachable or a data race is flagged, one CodeCheapestFix diagnostic
// on the condition naming the cheapest fixes found by [Synthesize] (as
// its Fixes); when the test is correct, the [OverFencing] hints. A Go
// error means ctx ended.
func RewriteDiagnostics(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, opts FenceOptions) ([]analysis.Diagnostic, error) {
	if f == nil || f.Dialect != syntax.DialectC || f.Cond == nil {
		return nil, nil
	}
	if res != nil && (len(res.Errors) > 0 || res.Cutoff) {
		return nil, nil
	}
	v := newVerifier(f, opts.CheckBudget, opts.Cache)
	base, err := v.BaseOutcome(ctx, f, res)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	if base.Cutoff {
		return nil, nil
	}
	if base.OK() {
		return OverFencing(ctx, f, src, res, opts), ctx.Err()
	}
	syn, err := Synthesize(ctx, f, src, SynthOptions{Archs: opts.Archs, Budget: opts.Budget, CheckBudget: opts.CheckBudget, Cache: opts.Cache, Base: res})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	span := f.Cond.Span
	switch {
	case len(syn.Fixes) > 0:
		d := analysis.Diagnostic{Span: span, Severity: analysis.SeverityInformation, Code: CodeCheapestFix}
		var lines []string
		for i, fx := range syn.Fixes {
			head := "Cheapest fix found"
			if i > 0 {
				head = "Next cheapest"
			}
			line := fmt.Sprintf("%s: %s", head, fx.Title)
			if s := fx.SavedText(opts.Archs); s != "" {
				line += "; " + s
			}
			lines = append(lines, line+".")
			d.Fixes = append(d.Fixes, analysis.Fix{Title: fx.Title, Edits: fx.Edits})
		}
		d.Message = strings.Join(lines, "\n")
		for _, fx := range syn.Fixes[:1] {
			for _, rw := range fx.Rewrites {
				d.Related = append(d.Related, analysis.Related{Span: rw.Site, Message: rw.Title()})
			}
		}
		return []analysis.Diagnostic{d}, nil
	case syn.Impossible:
		return []analysis.Diagnostic{{Span: span, Severity: analysis.SeverityInformation, Code: CodeCheapestFix,
			Message: "No fix from marking accesses, acquire/release, fences or fully ordered atomics: even with all of them the outcome stays reachable or racy. The outcome does not depend on ordering (or needs locking, RCU or dependencies)."}}, nil
	}
	return nil, nil
}
