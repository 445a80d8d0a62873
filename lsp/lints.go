package lsp

import (
	"context"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/lint"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// Diagnostics come in two phases. The first (the check's verdict, races,
// flags) is published as soon as the check is done; the second adds what
// takes more checks to know: the barrier-misuse lints, and either the
// cheapest fix found by fence synthesis (when the bad outcome is
// reachable or a race is flagged) or the over-fencing hints (when the
// test is correct). It is published again for the same version, unless a
// newer version came meanwhile; the version's snapshot keeps them for
// code actions, whose fixes are edits of that version's text.

// lintBudget bounds the second phase of one document version.
const lintBudget = 10 * time.Second

// refine computes the second-phase diagnostics of a litmus document whose
// check is done; it returns nil for C documents and for tests that do not
// parse or check.
func (ss *session) refine(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	if doc.Lang != LangLitmus {
		return nil, nil
	}
	ss.hook("lint", doc.URI)
	p := doc.parsed()
	f, errs := p.f, p.errs
	if len(errs) > 0 {
		return nil, nil
	}
	r, ok := ss.checks.finished(p)
	if !ok || len(r.res.Errors) > 0 || r.res.Cutoff {
		return nil, nil
	}
	res := r.res
	ctx, cancel := context.WithTimeout(ctx, lintBudget)
	defer cancel()
	diags, err := lintDiagnostics(ctx, f, doc.Text, res, ss.rewrites.cache)
	if err != nil {
		return nil, err
	}
	doc.snapshot().setRefined(diags)
	// L10 (a plain access in a data race) says again what the first
	// phase's data-race warning on the same access says: it is kept only
	// for its fixes, which code actions offer there.
	shown := make([]analysis.Diagnostic, 0, len(diags))
	for _, d := range diags {
		if d.Code != lint.CodePlainRace {
			shown = append(shown, d)
		}
	}
	return protocolDiagnostics(doc, shown)
}

// lintDiagnostics are the lints of f and what fence synthesis or the
// over-fencing search says about it.
func lintDiagnostics(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, cache *rewrite.CheckCache) ([]analysis.Diagnostic, error) {
	lints, err := lint.Run(ctx, f, src, res, lint.Options{})
	if err != nil {
		return nil, err
	}
	more, err := rewrite.RewriteDiagnostics(ctx, f, src, res, rewrite.FenceOptions{Cache: cache})
	if err != nil {
		return nil, err
	}
	return append(lints, more...), nil
}
