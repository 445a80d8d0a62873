package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis/ide"
)

// completion answers textDocument/completion with ide.Complete's
// suggestions: primitives (as snippets with their arguments, when the
// client takes snippets), shared variables and registers.
func (ss *session) completion(_ *glsp.Context, params *protocol.CompletionParams) (any, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if doc.Lang == LangC {
		return nil, nil // C has its own language servers for that
	}
	list := protocol.CompletionList{Items: []protocol.CompletionItem{}}
	off, err := doc.Mapper().PositionOffset(params.Position)
	if err != nil {
		return list, nil
	}
	f := doc.parsed().f
	list.Items = completionItems(ide.Complete(f, doc.Text, off), ss.features.snippetSupport())
	return list, nil
}

// completionKinds maps the kinds of suggestions to LSP's.
var completionKinds = map[ide.CompletionKind]protocol.CompletionItemKind{
	ide.CompletePrimitive: protocol.CompletionItemKindFunction,
	ide.CompleteVariable:  protocol.CompletionItemKindVariable,
	ide.CompleteRegister:  protocol.CompletionItemKindField,
	ide.CompleteKeyword:   protocol.CompletionItemKindKeyword,
}

// completionItems converts suggestions to LSP items. Without snippet
// support a primitive inserts its bare name.
func completionItems(cs []ide.Completion, snippets bool) []protocol.CompletionItem {
	items := make([]protocol.CompletionItem, 0, len(cs))
	for _, c := range cs {
		kind := completionKinds[c.Kind]
		item := protocol.CompletionItem{Label: c.Label, Kind: &kind}
		if c.Detail != "" {
			detail := c.Detail
			item.Detail = &detail
		}
		if c.Doc != "" {
			item.Documentation = c.Doc
		}
		insert, format := c.Insert, protocol.InsertTextFormatPlainText
		if c.Snippet {
			if snippets {
				format = protocol.InsertTextFormatSnippet
			} else {
				insert = c.Label
			}
		}
		item.InsertText = &insert
		item.InsertTextFormat = &format
		items = append(items, item)
	}
	return items
}
