package lsp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/litmusls/litmusls/syntax"
)

// decodeTokens turns LSP's relative token data back into "line:col text
// type[+modifiers]" lines, reading the text as ASCII.
func decodeTokens(t *testing.T, text string, data []uint32, legend lsp.SemanticTokensLegend) []string {
	t.Helper()
	require.Zero(t, len(data)%5)
	lines := strings.Split(text, "\n")
	var out []string
	var line, col uint32
	for i := 0; i < len(data); i += 5 {
		if data[i] > 0 {
			col = 0
		}
		line += data[i]
		col += data[i+1]
		n, typ, mods := data[i+2], data[i+3], data[i+4]
		require.Less(t, int(typ), len(legend.TokenTypes))
		name := legend.TokenTypes[typ]
		for b, m := range legend.TokenModifiers {
			if mods&(1<<b) != 0 {
				name += "+" + m
			}
		}
		out = append(out, fmt.Sprintf("%d:%d %s %s", line, col, strings.TrimRight(lines[line], "\r")[col:col+n], name))
	}
	return out
}

func TestServerSemanticTokens(t *testing.T) {
	const u = uri.URI("file:///work/t.litmus")
	// CRLF line ends and a comment over two lines.
	text := strings.ReplaceAll("C t\n(* two\nlines *)\n{ x=1; }\nP0(int *x) { // P0\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\nexists (0:r0=1)\n", "\n", "\r\n")
	s := startFeatureSession(t, u, text, lsp.ClientCapabilities{})
	init, err := s.server.Initialize(s.ctx, &lsp.InitializeParams{})
	require.NoError(t, err)
	opts, ok := init.Capabilities.SemanticTokensProvider.(*lsp.SemanticTokensOptions)
	require.True(t, ok, "semanticTokensProvider is %T", init.Capabilities.SemanticTokensProvider)
	legend := opts.Legend

	res, err := s.server.SemanticTokensFull(s.ctx, &lsp.SemanticTokensParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"0:0 C keyword",
		"1:0 (* two comment",
		"2:0 lines *) comment",
		"3:2 x variable+declaration",
		"3:4 1 number",
		"4:0 P0 function+declaration",
		"4:3 int type",
		"4:8 x variable+declaration",
		"4:13 // P0 comment",
		"5:1 int type",
		"5:5 r0 parameter+declaration",
		"6:1 r0 parameter",
		"6:6 READ_ONCE macro+defaultLibrary",
		"6:17 x variable",
		"8:0 exists keyword",
		"8:10 r0 parameter",
		"8:13 1 number",
	}, decodeTokens(t, strings.ReplaceAll(text, "\r\n", "\n"), res.Data, legend))
	s.shutdownExit()
}

func TestSplitLines(t *testing.T) {
	text := []byte("ab\r\ncd\n\nef")
	assert.Equal(t, "[{0 2} {4 6} {8 10}]", fmt.Sprint(splitLines(text, syntaxSpan(0, len(text)))))
	assert.Equal(t, "[{1 2}]", fmt.Sprint(splitLines(text, syntaxSpan(1, 3))))
}

func syntaxSpan(start, end int) syntax.Span { return syntax.Span{Start: start, End: end} }
