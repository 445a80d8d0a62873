package lsp

import (
	"fmt"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis/ide"
	"github.com/litmusls/litmusls/syntax"
)

// semanticTypes maps analysis token types to the legend's standard LSP
// token types: primitives are the kernel's macros, threads functions, and
// registers parameters (the one standard type editors colour apart from
// variables).
var semanticTypes = [ide.NumTokenTypes]string{
	ide.TokenPrimitive: "macro",
	ide.TokenVariable:  "variable",
	ide.TokenRegister:  "parameter",
	ide.TokenThread:    "function",
	ide.TokenKeyword:   "keyword",
	ide.TokenTypeName:  "type",
	ide.TokenNumber:    "number",
	ide.TokenComment:   "comment",
}

// The legend's modifiers, as bits.
const (
	modDeclaration    = 1 << 0
	modDefaultLibrary = 1 << 1
)

// semanticLegend returns the legend the server declares: token type i of
// the data is semanticTypes[i].
func semanticLegend() protocol.SemanticTokensLegend {
	return protocol.SemanticTokensLegend{
		TokenTypes:     append([]string(nil), semanticTypes[:]...),
		TokenModifiers: []string{"declaration", "defaultLibrary"},
	}
}

// semanticTokensFull answers textDocument/semanticTokens/full. Parsing one
// test is fast, so this runs in the handler.
func (ss *session) semanticTokensFull(_ *glsp.Context, params *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	if doc.Lang == LangC {
		return &protocol.SemanticTokens{Data: []protocol.UInteger{}}, nil
	}
	data, err := semanticTokens(doc)
	if err != nil {
		return nil, err
	}
	return &protocol.SemanticTokens{Data: data}, nil
}

// semanticTokens encodes the tokens of doc as LSP's relative integers:
// five per token (line delta, start delta, length, type, modifiers), in
// UTF-16 units. A token that spans lines (a block comment) is cut into one
// token per line, as clients without multiline support need.
func semanticTokens(doc *Document) ([]protocol.UInteger, error) {
	f := doc.parsed().f
	data := []protocol.UInteger{}
	var prevLine, prevChar protocol.UInteger
	emit := func(span syntax.Span, typ ide.TokenType, mods protocol.UInteger) error {
		start, err := doc.Mapper().OffsetPosition(span.Start)
		if err != nil {
			return err
		}
		end, err := doc.Mapper().OffsetPosition(span.End)
		if err != nil {
			return err
		}
		if end.Line != start.Line || end.Character <= start.Character {
			return fmt.Errorf("span %v is not one non-empty line", span)
		}
		deltaChar := start.Character
		if start.Line == prevLine {
			deltaChar -= prevChar
		}
		data = append(data, start.Line-prevLine, deltaChar, end.Character-start.Character, protocol.UInteger(typ), mods)
		prevLine, prevChar = start.Line, start.Character
		return nil
	}
	for _, tok := range ide.Tokens(f, doc.Text) {
		var mods protocol.UInteger
		if tok.Decl {
			mods |= modDeclaration
		}
		if tok.Type == ide.TokenPrimitive {
			mods |= modDefaultLibrary
		}
		span := fitSpan(doc.Text, tok.Span)
		for _, line := range splitLines(doc.Text, span) {
			if err := emit(line, tok.Type, mods); err != nil {
				return nil, fmt.Errorf("bug: semantic token of %s: %w", doc.URI, err)
			}
		}
	}
	return data, nil
}

// splitLines cuts span of text at line breaks ("\n", with a '\r' before
// it), leaving out the breaks (also a CRLF's '\r' at the span's end, as a
// line comment's) and empty pieces.
func splitLines(text []byte, span syntax.Span) []syntax.Span {
	var out []syntax.Span
	start := span.Start
	for i := span.Start; i <= span.End; i++ {
		if i < span.End && text[i] != '\n' {
			continue
		}
		end := i
		if end > start && end < len(text) && text[end] == '\n' && text[end-1] == '\r' {
			end--
		}
		if end > start {
			out = append(out, syntax.Span{Start: start, End: end})
		}
		start = i + 1
	}
	return out
}
