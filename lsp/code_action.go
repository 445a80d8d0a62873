package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
)

// codeAction answers textDocument/codeAction with the quick fixes at the
// requested range: the fixes the diagnostics there carry (such as the
// corrected Result comment), then the rewrites of the accesses and fences
// there (mark an access, use acquire or release, insert a barrier), each
// already verified by running the checker on the edited text.
//
// The handler never runs the checker, nor analysis on its result: glsp
// answers one message at a time, so a slow handler would stall the
// session. The diagnostics and their fixes are those the diagnosis runs
// kept in the version's snapshot, and the verified rewrites come from the
// background work the check started (see [rewrites]); until those are
// done, they are simply not offered yet.
func (ss *session) codeAction(_ *glsp.Context, params *protocol.CodeActionParams) (any, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	span, err := doc.Mapper().RangeSpan(params.Range)
	if err != nil {
		return []protocol.CodeAction{}, nil // a range outside the text has nothing to fix
	}
	only := kindFilter(params.Context.Only)
	actions := []protocol.CodeAction{}
	if doc.Lang == LangC {
		return ss.cCodeActions(doc, span, only)
	}
	snap := doc.snapshot()
	d := snap.diagnosed()
	if d == nil {
		return actions, nil // not diagnosed yet: nothing known to fix
	}
	if only(protocol.CodeActionKindQuickFix) {
		for _, diag := range append(d.diags[:len(d.diags):len(d.diags)], snap.refinedDiags()...) {
			if !overlaps(diag.Span, span) || len(diag.Fixes) == 0 {
				continue
			}
			pd, err := protocolDiagnostics(doc, []analysis.Diagnostic{diag})
			if err != nil {
				return nil, err
			}
			for i, fix := range diag.Fixes {
				a, err := fixAction(doc, fix)
				if err != nil {
					return nil, err
				}
				a.Diagnostics = pd
				a.IsPreferred = boolPtr(i == 0)
				actions = append(actions, a)
			}
		}
	}
	if d.res != nil && ss.rewrites != nil {
		correct := analysis.OutcomeOf(d.res).OK()
		for _, rw := range ss.rewrites.actions(doc.parsed().f, doc.Text, d.key, span, d.res) {
			if !only(rw.Kind) || (correct && rw.Kind == rewrite.ActionKindQuickFix && !rw.Fixes) {
				continue // strengthening a correct test only costs: offer the weakenings
			}
			a, err := rewriteAction(doc, rw)
			if err != nil {
				return nil, err
			}
			actions = append(actions, a)
		}
	}
	return dedupe(actions), nil
}

// dedupe drops the actions whose title an earlier one has: the cheapest
// fix can come both from its diagnostic and from the rewrites at the
// condition.
func dedupe(actions []protocol.CodeAction) []protocol.CodeAction {
	seen := map[string]bool{}
	out := actions[:0]
	for _, a := range actions {
		if !seen[a.Title] {
			seen[a.Title] = true
			out = append(out, a)
		}
	}
	return out
}

// fixAction turns an analysis fix into a quick fix editing doc.
func fixAction(doc *Document, fix analysis.Fix) (protocol.CodeAction, error) {
	edits := make([]protocol.TextEdit, 0, len(fix.Edits))
	for _, e := range fix.Edits {
		r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, e.Span))
		if err != nil {
			return protocol.CodeAction{}, fmt.Errorf("bug: fix span %v of %s: %w", e.Span, doc.URI, err)
		}
		edits = append(edits, protocol.TextEdit{Range: r, NewText: e.NewText})
	}
	kind := protocol.CodeActionKindQuickFix
	return protocol.CodeAction{
		Title: fix.Title,
		Kind:  &kind,
		Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentUri][]protocol.TextEdit{
			doc.URI: edits,
		}},
	}, nil
}

// rewriteAction turns a verified rewrite of doc into a code action of
// its kind.
func rewriteAction(doc *Document, rw rewrite.Action) (protocol.CodeAction, error) {
	a, err := fixAction(doc, analysis.Fix{Title: rw.Title, Edits: rw.Edits})
	if err != nil {
		return protocol.CodeAction{}, err
	}
	a.Kind = &rw.Kind
	a.IsPreferred = boolPtr(rw.Preferred)
	return a, nil
}

// kindFilter returns whether a code action kind passes the client's
// "only" list: a kind passes when it is one of the list or under one
// ("quickfix" passes "quickfix" and "").
func kindFilter(only []protocol.CodeActionKind) func(protocol.CodeActionKind) bool {
	return func(kind protocol.CodeActionKind) bool {
		if len(only) == 0 {
			return true
		}
		for _, o := range only {
			if o == "" || kind == o || (len(kind) > len(o) && kind[:len(o)] == o && kind[len(o)] == '.') {
				return true
			}
		}
		return false
	}
}

// overlaps reports whether spans a and b share a byte, or touch when one
// is empty (a cursor).
func overlaps(a, b syntax.Span) bool {
	return a.Start <= b.End && b.Start <= a.End
}

func boolPtr(b bool) *bool { return &b }
