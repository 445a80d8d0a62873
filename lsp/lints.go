package lsp

import (
	"context"
	"sync"
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
// newer version came meanwhile.

// lintBudget bounds the second phase of one document version.
const lintBudget = 10 * time.Second

// A refined is the second-phase diagnostics of one document version,
// kept for code actions: their fixes are edits of that version's text.
type refined struct {
	version int32
	diags   []analysis.Diagnostic
}

// refinements keeps the second-phase diagnostics of each document.
type refinements struct {
	mu   sync.Mutex
	docs map[protocol.DocumentUri]refined
}

func (r *refinements) set(uri protocol.DocumentUri, v refined) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.docs == nil {
		r.docs = map[protocol.DocumentUri]refined{}
	}
	r.docs[uri] = v
}

// get returns the second-phase diagnostics of version of uri, or nil.
func (r *refinements) get(uri protocol.DocumentUri, version int32) []analysis.Diagnostic {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.docs[uri]; ok && v.version == version {
		return v.diags
	}
	return nil
}

func (r *refinements) forget(uri protocol.DocumentUri) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.docs, uri)
}

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
	ss.refined.set(doc.URI, refined{version: doc.Version, diags: diags})
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
