package lsp

import (
	"bytes"
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

// formatting answers textDocument/formatting with syntax.Print's canonical
// text, as one edit replacing the whole document.
func (ss *session) formatting(_ *glsp.Context, params *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if doc.Lang == LangC {
		return []protocol.TextEdit{}, nil // never reformat C
	}
	return formatEdits(doc)
}

// formatEdits returns the edits that format doc; never nil. A test with
// syntax errors is left alone: printing it would replace what could not be
// parsed. So is one whose printed form would lose comments.
func formatEdits(doc *Document) ([]protocol.TextEdit, error) {
	p := doc.parsed()
	f, errs := p.f, p.errs
	if len(errs) > 0 {
		return []protocol.TextEdit{}, nil // the errors are shown as diagnostics
	}
	out := syntax.Print(f)
	if bytes.Equal(out, doc.Text) {
		return []protocol.TextEdit{}, nil
	}
	g, errs := syntax.Parse(string(doc.URI), out)
	if len(errs) > 0 {
		return nil, fmt.Errorf("bug: formatted text does not parse: %v", errs)
	}
	if len(g.Comments) != len(f.Comments) {
		return nil, fmt.Errorf("cannot format %s: formatting would drop %d of its comments",
			doc.URI, len(f.Comments)-len(g.Comments))
	}
	r, err := doc.Mapper().SpanRange(syntax.Span{Start: 0, End: len(doc.Text)})
	if err != nil {
		return nil, fmt.Errorf("bug: %w", err)
	}
	return []protocol.TextEdit{{Range: r, NewText: string(out)}}, nil
}
