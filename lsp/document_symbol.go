package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

// documentSymbol answers textDocument/documentSymbol with the outline of a
// litmus test: the init block, each thread and the final condition.
// Parsing one test is fast, so this runs in the handler.
func (ss *session) documentSymbol(_ *glsp.Context, params *protocol.DocumentSymbolParams) (any, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if doc.Lang == LangC {
		return []protocol.DocumentSymbol{}, nil
	}
	return documentSymbols(doc)
}

// documentSymbols returns the outline of doc; never nil.
func documentSymbols(doc *Document) ([]protocol.DocumentSymbol, error) {
	f := doc.parsed().f
	syms := []protocol.DocumentSymbol{}
	add := func(name, detail string, kind protocol.SymbolKind, span, nameSpan syntax.Span) error {
		span = fitSpan(doc.Text, span)
		r, err := doc.Mapper().SpanRange(span)
		if err != nil {
			return fmt.Errorf("bug: symbol %s: %w", name, err)
		}
		sel := r
		nameSpan = fitSpan(doc.Text, nameSpan)
		if nameSpan.Start >= span.Start && nameSpan.End <= span.End && nameSpan.End > nameSpan.Start {
			if sel, err = doc.Mapper().SpanRange(nameSpan); err != nil {
				return fmt.Errorf("bug: symbol %s: %w", name, err)
			}
		}
		sym := protocol.DocumentSymbol{Name: name, Kind: kind, Range: r, SelectionRange: sel}
		if detail != "" {
			sym.Detail = &detail
		}
		syms = append(syms, sym)
		return nil
	}
	if f.Init != nil {
		if err := add("init", fmt.Sprintf("%d items", len(f.Init.Items)), protocol.SymbolKindStruct, f.Init.Span, syntax.Span{}); err != nil {
			return nil, err
		}
	}
	for _, th := range f.Threads {
		name := th.Name
		if name == "" {
			name = fmt.Sprintf("P%d", th.Index)
		}
		if err := add(name, "thread", protocol.SymbolKindFunction, th.Span, th.NameSpan); err != nil {
			return nil, err
		}
	}
	if f.Cond != nil {
		if err := add(f.Cond.Quant.String(), "final condition", protocol.SymbolKindBoolean, f.Cond.Span, f.Cond.QuantSpan); err != nil {
			return nil, err
		}
	}
	return syms, nil
}
