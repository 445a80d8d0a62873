package cfix

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file fixes a whole annotated C file, for "litmusls fix": the
// cheapest fix of each broken scenario written in C, or the weakenings
// of a correct file, as edits of the C, every step verified as the quick
// fixes of cfix.go are.

// A CFileFix is what [FixCFile] found for an annotated C file.
type CFileFix struct {
	// Scenarios are the file's scenarios, in the translation's order,
	// and Base the outcome of each before any edit.
	Scenarios []string
	Base      []*analysis.Outcome
	// Steps are the changes made, in order: one per broken scenario
	// fixed, or one weakening after another. Empty when there is nothing
	// to change or Problem says why nothing can be.
	Steps []CFixStep
	// Edits holds the edits of all steps, by C file as Translation.Sources
	// names it, against the files' texts in the translation,
	// non-overlapping, in source order. Nil when Steps is empty.
	Edits map[string][]analysis.Edit
	// After is the outcome of each scenario once Edits are applied, as
	// verified; nil when Edits is.
	After []*analysis.Outcome
	// Relaxed says the steps weaken a correct file, every scenario
	// staying correct; Saved is then what they save on each
	// architecture.
	Relaxed bool
	Saved   rewrite.Cost
	// Problem says why the file cannot be fixed, "" when it can (or needs
	// nothing): "mp_plain: bad outcome reachable (Sometimes); no fix
	// exists in the vocabulary ...". Scenario names the scenario it is
	// about ("" when it is about the file); Cutoff says a check of the
	// unedited file ran out of its budget.
	Problem  string
	Scenario string
	Cutoff   bool
}

// A CFixStep is one verified change of [FixCFile].
type CFixStep struct {
	Scenario string            // the broken scenario the step fixes; "" for a weakening
	Base     *analysis.Outcome // that scenario's outcome before the step; nil for a weakening
	// Title names the change and its verified effect, as [CActions]
	// words it ("Use smp_store_release on line 14, smp_load_acquire on
	// line 20 (data race gone; bad outcome becomes Never)"). Its lines
	// are those of the text the step was found on: after the steps
	// before it.
	Title string
	Cost  rewrite.Cost // what the step adds to the scenarios' cost, the most on each architecture
}

// FixCFile fixes the annotated C file file (tr.Sources[0], tr its
// translation): while some scenario of tr has its bad outcome reachable
// or races, it takes the first, runs [rewrite.Synthesize] on its litmus test,
// writes the fixes found in C (as [CFixes] does on the condition
// annotation), verifies each by translating the edited C again and
// checking every scenario, and applies the cheapest that leaves that
// scenario correct and no scenario worse, preferring one that leaves all
// of them correct. A fix may edit other files of the translation (the
// user-space side a "with" names): those edits are in Edits under the
// other file's name, for the caller to write or refuse.
//
// When every scenario is correct, FixCFile weakens the file's own fences
// and markings as [rewrite.Relax] does a litmus test: the single weakenings of
// [CActions] that keep every scenario correct and save something, the
// biggest saving first, each kept when it still keeps every scenario
// correct together with those kept before, checked at every step.
//
// When some broken scenario has no C fix (none exists, none was found
// within opts.SynthBudget, or those found cannot be written in the C or
// do not verify), when a scenario cannot be checked, or when a check of
// the unedited file is cut off, FixCFile returns no edits and says why in
// Problem. A Go error means ctx ended.
//
// Cost: a synthesis (opts.SynthBudget at most, 5 s when 0) and a few
// verifications per broken scenario; for a correct file one verification
// per weakening and one per weakening kept.
func FixCFile(ctx context.Context, tr *bpfc.Translation, opts rewrite.ActionOptions) (*CFileFix, error) {
	if tr == nil || len(tr.Sources) == 0 {
		return nil, fmt.Errorf("no translation")
	}
	file := tr.Sources[0].Name
	orig := map[string][]byte{}
	for _, s := range tr.Sources {
		orig[s.Name] = s.Text
	}
	out := &CFileFix{}
	edits := map[string][]analysis.Edit{}
	cur := tr
	for round := 0; ; round++ {
		cv, scens, base, prob := cBaseOutcomes(ctx, cur, file, opts)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if round == 0 {
			for _, sc := range scens {
				out.Scenarios = append(out.Scenarios, sc.Name)
				out.Base = append(out.Base, base[sc.Name])
			}
		}
		if prob != nil {
			*out = CFileFix{Scenarios: out.Scenarios, Base: out.Base, Problem: prob.msg, Scenario: prob.scenario, Cutoff: prob.cutoff}
			if round > 0 {
				out.Problem = "after the fix of " + out.Steps[len(out.Steps)-1].Scenario + ": " + out.Problem
			}
			return out, nil
		}
		var broken *bpfc.Scenario
		for _, sc := range scens {
			if !base[sc.Name].OK() {
				broken = sc
				break
			}
		}
		if broken == nil {
			if round == 0 {
				return out, relaxCFile(ctx, cv, scens, base, out, opts)
			}
			out.Edits = edits
			for _, sc := range scens {
				out.After = append(out.After, base[sc.Name])
			}
			return out, nil
		}
		b := base[broken.Name]
		fail := func(why string) (*CFileFix, error) {
			return &CFileFix{Scenarios: out.Scenarios, Base: out.Base, Scenario: broken.Name,
				Problem: fmt.Sprintf("%s (%s); %s", b.Problem(), b.Verdict, why)}, nil
		}
		if round >= len(scens) {
			return fail("still broken after fixing the scenarios before it")
		}
		c, r, why := cheapestCFix(ctx, cv, cur, broken, base, opts)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if c == nil {
			return fail(why)
		}
		out.Steps = append(out.Steps, CFixStep{Scenario: broken.Name, Base: b,
			Title: fmt.Sprintf("%s (%s)", c.short, r.describe(base)), Cost: r.cost})
		edited := map[string][]byte{}
		for name, es := range c.allEdits(file) {
			if len(es) == 0 {
				continue
			}
			text, err := analysis.Apply(cur.Source(name).Text, es)
			if err != nil {
				return fail("its fix does not apply: " + err.Error())
			}
			edited[name] = text
			if edits[name], err = composeEdits(orig[name], edits[name], es); err != nil {
				return fail("its fix does not apply: " + err.Error())
			}
		}
		next, err := cv.translate(edited)
		if err != nil {
			return fail("its fix does not translate: " + err.Error())
		}
		cur = next
	}
}

// A cProblem is why a file cannot be fixed.
type cProblem struct {
	msg, scenario string
	cutoff        bool
}

// cBaseOutcomes checks the scenarios of tr that have a condition, and
// returns a verifier of edits of file, those scenarios and their
// outcomes by name, or the problem that keeps them from judging edits.
func cBaseOutcomes(ctx context.Context, tr *bpfc.Translation, file string, opts rewrite.ActionOptions) (*cVerifier, []*bpfc.Scenario, map[string]*analysis.Outcome, *cProblem) {
	cv := newCVerifier(tr, file, opts)
	var scens []*bpfc.Scenario
	for _, sc := range tr.Scenarios {
		if sc.File != nil && sc.File.Cond != nil {
			scens = append(scens, sc)
		}
	}
	if len(scens) == 0 {
		return cv, nil, nil, &cProblem{msg: "no litmus scenario with a condition"}
	}
	base := map[string]*analysis.Outcome{}
	for _, sc := range scens {
		o, err := cv.v.BaseOutcome(ctx, sc.File, nil)
		if ctx.Err() != nil {
			return cv, scens, base, &cProblem{msg: ctx.Err().Error()}
		}
		if err != nil {
			return cv, scens, base, &cProblem{msg: "cannot be checked: " + err.Error(), scenario: sc.Name}
		}
		base[sc.Name] = o
		if o.Cutoff {
			return cv, scens, base, &cProblem{msg: "the check ran out of time", scenario: sc.Name, cutoff: true}
		}
		cv.baseCost[sc.Name] = rewrite.TestCost(sc.File, sc.Text)
	}
	return cv, scens, base, nil
}

// cheapestCFix finds the C fixes of the broken scenario sc of tr and
// returns the cheapest verified one that leaves sc correct and no
// scenario worse, preferring one that leaves every scenario correct; or
// nil and why there is none.
func cheapestCFix(ctx context.Context, cv *cVerifier, tr *bpfc.Translation, sc *bpfc.Scenario, base map[string]*analysis.Outcome, opts rewrite.ActionOptions) (*cCandidate, *cVerified, string) {
	var scans []*cScan
	var own *cScan
	for _, t := range tr.Sources {
		cs := newCScan(sc, t, isUserSpace(t.Text))
		if t.Name == cv.file {
			own = cs
		}
		scans = append(scans, cs)
	}
	if own == nil {
		return nil, nil, "the file is not part of its translation"
	}
	cands, syn := synthCandidates(ctx, own, scans, opts, 3)
	switch {
	case syn == nil:
		return nil, nil, "its litmus test cannot be searched for a fix"
	case syn.Impossible:
		return nil, nil, "no fix exists in the vocabulary (marking, acquire/release, fences, fully ordered atomics): the outcome does not depend on ordering"
	case len(syn.Fixes) == 0 && syn.Cutoff:
		return nil, nil, "no fix found within the time limit"
	case len(syn.Fixes) == 0:
		return nil, nil, "no fix found"
	case len(cands) == 0:
		var titles []string
		for _, fx := range syn.Fixes {
			titles = append(titles, rewrite.JoinTitles(fx.Rewrites))
		}
		return nil, nil, fmt.Sprintf("the fixes found for its litmus test (%s, in the lines of the translation) cannot be written in the C", strings.Join(titles, "; "))
	}
	cands = dedupeCandidates(cands)
	addIncludes(tr, cv.tr.Source(cv.file), cands)
	results := cv.verifyAll(ctx, cands, base)
	best := -1
	key := func(i int) []int {
		w := 1
		if results[i].ok() {
			w = 0
		}
		sum := 0
		for _, c := range results[i].cost {
			sum += c
		}
		return []int{w, results[i].cost.Max(opts.Archs), sum, len(cands[i].edits) + len(cands[i].others)}
	}
	for i, r := range results {
		if r == nil || !r.fixes(base) {
			continue
		}
		if k := slices.Index(r.names, sc.Name); k < 0 || !r.outcomes[k].OK() {
			continue
		}
		if best < 0 || slices.Compare(key(i), key(best)) < 0 {
			best = i
		}
	}
	if best < 0 {
		var titles []string
		for _, c := range cands {
			titles = append(titles, c.short)
		}
		return nil, nil, fmt.Sprintf("no fix written in the C verifies (%s: the edited C does not translate as cleanly, or leaves a scenario broken or worse)", strings.Join(titles, "; "))
	}
	return &cands[best], results[best], ""
}

// relaxCFile weakens the correct file of cv greedily, as FixCFile says,
// and records the weakenings kept in out.
func relaxCFile(ctx context.Context, cv *cVerifier, scens []*bpfc.Scenario, base map[string]*analysis.Outcome, out *CFileFix, opts rewrite.ActionOptions) error {
	src := cv.tr.Source(cv.file)
	user := isUserSpace(src.Text)
	whole := syntax.Span{Start: 0, End: len(src.Text)}
	var weak []cCandidate
	for _, sc := range scens {
		weak = append(weak, newCScan(sc, src, user).weakeningsAt(whole)...)
	}
	if len(weak) == 0 {
		return nil
	}
	weak = dedupeCandidates(weak)
	for i := range weak {
		weak[i].weak = true
	}
	addIncludes(cv.tr, src, weak)
	results := cv.verifyAll(ctx, weak, base)
	if err := ctx.Err(); err != nil {
		return err
	}
	var order []int
	for i, r := range results {
		if r == nil || !r.ok() || !slices.ContainsFunc(primitive.Archs, func(a primitive.Arch) bool { return r.cost.On(a) < 0 }) {
			continue
		}
		order = append(order, i)
	}
	sort.SliceStable(order, func(i, j int) bool {
		return results[order[i]].cost.Max(opts.Archs) < results[order[j]].cost.Max(opts.Archs)
	})
	var kept []analysis.Edit
	var last *cVerified
	for _, i := range order {
		c := &weak[i]
		all := append(append([]analysis.Edit(nil), kept...), c.edits...)
		if _, err := analysis.Apply(src.Text, all); err != nil {
			continue // it changes a place already weakened
		}
		r := results[i]
		if last != nil {
			r = cv.verifyOne(ctx, &cCandidate{edits: all}, base)
			if err := ctx.Err(); err != nil {
				return err
			}
			if r == nil || !r.ok() {
				continue
			}
		}
		title := c.short
		if !c.fence && !c.titled {
			title = fmt.Sprintf("%s on line %d", c.short, c.line)
		}
		out.Steps = append(out.Steps, CFixStep{Title: title, Cost: results[i].cost})
		kept, last = all, r
	}
	if last == nil {
		return nil
	}
	analysis.SortEdits(kept)
	out.Relaxed = true
	out.Edits = map[string][]analysis.Edit{cv.file: kept}
	out.Saved = last.cost.Neg()
	byName := map[string]*analysis.Outcome{}
	for k, n := range last.names {
		byName[n] = last.outcomes[k]
	}
	for _, n := range out.Scenarios {
		out.After = append(out.After, byName[n])
	}
	return nil
}

// RelaxTitle names the weakenings of a relaxed file in one line, not
// repeating a verb: "Use READ_ONCE on line 12, Remove smp_mb() on line
// 20".
func (fx *CFileFix) RelaxTitle() string {
	var names []string
	for _, s := range fx.Steps {
		names = append(names, s.Title)
	}
	return joinVerbs(names)
}

// composeEdits returns edits of src that do what first does and then
// second does: second's spans are in the text first makes of src. Edits
// that touch or overlap become one edit spanning both; the result is in
// source order.
func composeEdits(src []byte, first, second []analysis.Edit) ([]analysis.Edit, error) {
	if len(second) == 0 {
		out := append([]analysis.Edit(nil), first...)
		analysis.SortEdits(out)
		return out, nil
	}
	mid, err := analysis.Apply(src, first)
	if err != nil {
		return nil, err
	}
	final, err := analysis.Apply(mid, second)
	if err != nil {
		return nil, err
	}
	f := append([]analysis.Edit(nil), first...)
	analysis.SortEdits(f)
	// toSrc maps an offset of mid to src: a place inside (or at either
	// end of) a first edit's new text maps to that edit's span, else it
	// is moved back by the length the edits before it added.
	toSrc := func(p int) (lo, hi int) {
		delta := 0
		for _, e := range f {
			ms := e.Span.Start + delta
			me := ms + len(e.NewText)
			switch {
			case p < ms:
				return p - delta, p - delta
			case p <= me:
				return e.Span.Start, e.Span.End
			}
			delta += len(e.NewText) - e.Span.Len()
		}
		return p - delta, p - delta
	}
	type region struct {
		start, end int // in src
		delta      int // the length the edits inside add
	}
	var rs []region
	for _, e := range f {
		rs = append(rs, region{e.Span.Start, e.Span.End, len(e.NewText) - e.Span.Len()})
	}
	for _, e := range second {
		lo, _ := toSrc(e.Span.Start)
		_, hi := toSrc(e.Span.End)
		rs = append(rs, region{lo, hi, len(e.NewText) - e.Span.Len()})
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].start < rs[j].start })
	var merged []region
	for _, r := range rs {
		if n := len(merged); n > 0 && r.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, r.end)
			merged[n-1].delta += r.delta
			continue
		}
		merged = append(merged, r)
	}
	out := make([]analysis.Edit, 0, len(merged))
	delta := 0
	for _, m := range merged {
		fs := m.start + delta
		fe := fs + (m.end - m.start) + m.delta
		if fs < 0 || fe < fs || fe > len(final) {
			return nil, fmt.Errorf("edits %d-%d cannot be composed", m.start, m.end)
		}
		out = append(out, analysis.Edit{Span: syntax.Span{Start: m.start, End: m.end}, NewText: string(final[fs:fe])})
		delta += m.delta
	}
	if check, err := analysis.Apply(src, out); err != nil || string(check) != string(final) {
		return nil, fmt.Errorf("edits cannot be composed")
	}
	return out, nil
}
