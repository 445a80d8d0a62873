package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis/ide"
)

// definition answers textDocument/definition with where the variable or
// register under the cursor is declared (see ide.Definition), or
// null.
func (ss *session) definition(_ *glsp.Context, params *protocol.DefinitionParams) (any, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if doc.Lang == LangC {
		return nil, nil
	}
	off, err := doc.Mapper().PositionOffset(params.Position)
	if err != nil {
		return nil, nil
	}
	f := doc.parsed().f
	target, _, ok := ide.Definition(f, doc.Text, off)
	if !ok {
		return nil, nil
	}
	r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, target))
	if err != nil {
		return nil, fmt.Errorf("bug: definition span of %s: %w", doc.URI, err)
	}
	return protocol.Location{URI: doc.URI, Range: r}, nil
}
