package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// codeLens answers textDocument/codeLens with one lens on the final
// condition that sums up the check: "Never · 3 states · 0.4 ms"; a check
// cut off by its budget gives no verdict ("Cut off · no verdict · …"). It
// never checks: it takes the version's parse (see [snapshot]) and looks its normalized
// text up among the finished checks; while the check runs, the lens says
// "Checking…", and the server asks the client to refresh its lenses when
// the check is done (or has failed). Beside it, a test without syntax
// errors has the lens "Show execution" (see [CommandShowExecution]).
func (ss *session) codeLens(_ *glsp.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if ss.checks == nil {
		return []protocol.CodeLens{}, nil
	}
	if doc.Lang == LangC {
		return ss.cCodeLenses(doc)
	}
	return codeLenses(doc, ss.checks)
}

// codeLenses returns the lenses of doc; never nil.
func codeLenses(doc *Document, c *checks) ([]protocol.CodeLens, error) {
	lenses := []protocol.CodeLens{}
	p := doc.parsed()
	f, errs := p.f, p.errs
	if f.Cond == nil {
		return lenses, nil
	}
	title := "Not checked: fix the syntax errors first"
	if len(errs) == 0 {
		title = c.lensTitle(p)
	}
	// A lens should span one line: the quantifier's.
	r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, f.Cond.QuantSpan))
	if err != nil {
		return nil, fmt.Errorf("bug: code lens span of %s: %w", doc.URI, err)
	}
	lenses = append(lenses, protocol.CodeLens{Range: r, Command: &protocol.Command{Title: title}})
	if show, ok := executionLens(doc, p, r); ok {
		lenses = append(lenses, show)
	}
	return lenses, nil
}
