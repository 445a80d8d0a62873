package cfix

import (
	"context"
	"io/fs"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file verifies candidates: each edited C file is translated again
// and the scenarios it takes part in are checked, through the rewrites'
// verifier and its cache.

// A cVerifier checks edited C through its translation.
type cVerifier struct {
	tr               *bpfc.Translation
	file             string
	v                *rewrite.Verifier
	errs, notModeled int                     // the counts of noteCounts(tr)
	baseCost         map[string]rewrite.Cost // the cost of each unedited scenario that judges edits, by name
}

func newCVerifier(tr *bpfc.Translation, file string, opts rewrite.ActionOptions) *cVerifier {
	budget := opts.Budget
	if budget <= 0 {
		budget = rewrite.DefaultVerifyBudget
	}
	cv := &cVerifier{tr: tr, file: file, v: &rewrite.Verifier{Filename: file, Budget: budget, Cache: opts.Cache}, baseCost: map[string]rewrite.Cost{}}
	cv.errs, cv.notModeled = noteCounts(tr)
	return cv
}

// cVerified is the outcome of one candidate in each scenario it was
// checked in, in the order of the translation.
type cVerified struct {
	names    []string
	outcomes []*analysis.Outcome
	cost     rewrite.Cost // what the edit adds to the cost of the scenarios, the most on each architecture
}

// ok reports whether every scenario is as its author wants it after the
// edit.
func (r *cVerified) ok() bool {
	for _, o := range r.outcomes {
		if !o.OK() {
			return false
		}
	}
	return true
}

func (r *cVerified) describe(base map[string]*analysis.Outcome) string {
	if len(r.names) == 1 {
		return rewrite.DescribeChange(base[r.names[0]], r.outcomes[0])
	}
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		parts[i] = n + ": " + rewrite.DescribeChange(base[n], r.outcomes[i])
	}
	return rewrite.JoinSemi(parts)
}

// stays says the outcome of a weakening that keeps every scenario
// correct: "outcome stays Never".
func (r *cVerified) stays() string {
	v := r.outcomes[0].Verdict
	for _, o := range r.outcomes[1:] {
		if o.Verdict != v {
			return "outcomes stay " + r.verdict()
		}
	}
	return "outcome stays " + v
}

func (r *cVerified) verdict() string {
	if len(r.names) == 1 {
		return r.outcomes[0].Verdict
	}
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		parts[i] = n + " " + r.outcomes[i].Verdict
	}
	return strings.Join(parts, ", ")
}

// fixes reports whether the edit fixes some scenario and makes none
// worse.
func (r *cVerified) fixes(base map[string]*analysis.Outcome) bool {
	some := false
	for i, n := range r.names {
		b, a := base[n], r.outcomes[i]
		if rewrite.Worse(b, a) {
			return false
		}
		if rewrite.Fixes(b, a) {
			some = true
		}
	}
	return some
}

// noteCounts counts the error notes and the unmodeled constructs of a
// translation.
func noteCounts(tr *bpfc.Translation) (errs, notModeled int) {
	for _, n := range tr.Notes {
		switch {
		case n.IsError():
			errs++
		case n.Kind == bpfc.NoteNotModeled:
			notModeled++
		}
	}
	return errs, notModeled
}

// translate translates the C again, the files of edited (by name) with
// their edited text.
func (cv *cVerifier) translate(edited map[string][]byte) (*bpfc.Translation, error) {
	text := func(path string) ([]byte, bool) {
		if t, ok := edited[path]; ok {
			return t, true
		}
		if s := cv.tr.Source(path); s != nil {
			return s.Text, true
		}
		return nil, false
	}
	main, _ := text(cv.tr.Sources[0].Name)
	load := func(path string) ([]byte, error) {
		if t, ok := text(path); ok {
			return t, nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return bpfc.Translate(cv.tr.Sources[0].Name, main, load)
}

// verifyOne applies c, translates and checks the scenarios of base. It
// returns nil when the edit does not translate cleanly or a scenario
// cannot be checked.
func (cv *cVerifier) verifyOne(ctx context.Context, c *cCandidate, base map[string]*analysis.Outcome) *cVerified {
	edited := map[string][]byte{}
	for name, edits := range c.allEdits(cv.file) {
		src := cv.tr.Source(name)
		if src == nil {
			return nil
		}
		t, err := analysis.Apply(src.Text, edits)
		if err != nil {
			return nil
		}
		edited[name] = t
	}
	ntr, err := cv.translate(edited)
	if err != nil {
		return nil
	}
	if e, m := noteCounts(ntr); e > cv.errs || m > cv.notModeled {
		return nil
	}
	r := &cVerified{}
	for _, sc := range cv.tr.Scenarios {
		if base[sc.Name] == nil {
			continue
		}
		var nsc *bpfc.Scenario
		for _, s := range ntr.Scenarios {
			if s.Name == sc.Name {
				nsc = s
			}
		}
		if nsc == nil || nsc.File == nil {
			return nil
		}
		o, err := cv.v.CheckFile(ctx, nsc.File)
		if err != nil {
			return nil
		}
		d := rewrite.TestCost(nsc.File, nsc.Text).Add(cv.baseCost[sc.Name].Neg())
		for a := range d {
			if len(r.names) == 0 || d[a] > r.cost[a] {
				r.cost[a] = d[a]
			}
		}
		r.names = append(r.names, sc.Name)
		r.outcomes = append(r.outcomes, o)
	}
	if len(r.names) == 0 {
		return nil
	}
	return r
}

// verifyAll verifies the candidates in parallel on all CPUs; a candidate
// that fails verification, or is not reached before ctx ends, gets nil.
func (cv *cVerifier) verifyAll(ctx context.Context, cands []cCandidate, base map[string]*analysis.Outcome) []*cVerified {
	out := make([]*cVerified, len(cands))
	rewrite.Parallel(ctx, len(cands), func(i int) {
		if ctx.Err() == nil {
			out[i] = cv.verifyOne(ctx, &cands[i], base)
		}
	}, nil)
	return out
}
