package lsp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func (s *testSession) complete(u uri.URI, pos lsp.Position) []lsp.CompletionItem {
	s.t.Helper()
	res, err := s.server.Completion(s.ctx, &lsp.CompletionParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: u}, Position: pos}})
	require.NoError(s.t, err)
	list, ok := res.(*lsp.CompletionList)
	require.True(s.t, ok, "completion result is %T", res)
	return list.Items
}

func completionItem(items []lsp.CompletionItem, label string) (lsp.CompletionItem, bool) {
	for _, it := range items {
		if it.Label == label {
			return it, true
		}
	}
	return lsp.CompletionItem{}, false
}

func TestServerCompletion(t *testing.T) {
	const u = uri.URI("file:///work/mp.litmus")
	snippets := true
	caps := lsp.ClientCapabilities{TextDocument: &lsp.TextDocumentClientCapabilities{
		Completion: &lsp.CompletionClientCapabilities{CompletionItem: &lsp.ClientCompletionItemOptions{SnippetSupport: &snippets}},
	}}
	s := startFeatureSession(t, u, mpFeatureTest, caps)

	// In P1's body: primitives as snippets, P1's variables and registers.
	items := s.complete(u, posAt(t, mpFeatureTest, "\tr1 = READ_ONCE", 0, 1))
	it, ok := completionItem(items, "READ_ONCE")
	require.True(t, ok)
	assert.Equal(t, lsp.CompletionItemKindFunction, it.Kind)
	assert.Equal(t, lsp.InsertTextFormatSnippet, it.InsertTextFormat)
	insert, _ := it.InsertText.Get()
	assert.Equal(t, "READ_ONCE(${1:*x})", insert)
	detail, _ := it.Detail.Get()
	assert.Equal(t, "r = READ_ONCE(*x)", detail)
	it, ok = completionItem(items, "buf")
	require.True(t, ok)
	assert.Equal(t, lsp.CompletionItemKindVariable, it.Kind)
	_, ok = completionItem(items, "r0")
	assert.True(t, ok, "r0 is declared above the cursor")

	// In the condition, after "1:": P1's registers.
	items = s.complete(u, posAt(t, mpFeatureTest, "1:r1=0", 0, 2))
	var labels []string
	for _, it := range items {
		labels = append(labels, it.Label)
	}
	assert.Equal(t, []string{"r0", "r1"}, labels)
	s.shutdownExit()
}

func TestServerCompletionWithoutSnippets(t *testing.T) {
	const u = uri.URI("file:///work/mp.litmus")
	s := startFeatureSession(t, u, mpFeatureTest, lsp.ClientCapabilities{})
	items := s.complete(u, posAt(t, mpFeatureTest, "\tr1 = READ_ONCE", 0, 1))
	it, ok := completionItem(items, "smp_store_release")
	require.True(t, ok)
	insert, _ := it.InsertText.Get()
	assert.Equal(t, "smp_store_release", insert, "a client without snippets gets the bare name")
	assert.NotEqual(t, lsp.InsertTextFormatSnippet, it.InsertTextFormat)
	s.shutdownExit()
}

func TestParseHoverArchs(t *testing.T) {
	archs, err := parseHoverArchs(nil)
	require.NoError(t, err)
	assert.Nil(t, archs)
	archs, err = parseHoverArchs([]string{"ppc64le", "x86_64"})
	require.NoError(t, err)
	assert.Len(t, archs, 2)
	_, err = parseHoverArchs([]string{"mips"})
	assert.ErrorContains(t, err, "hoverArchs")
}
