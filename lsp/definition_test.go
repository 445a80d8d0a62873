package lsp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func (s *testSession) definition(u uri.URI, pos lsp.Position) lsp.DefinitionResult {
	s.t.Helper()
	res, err := s.server.Definition(s.ctx, &lsp.DefinitionParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: u}, Position: pos}})
	require.NoError(s.t, err)
	return res
}

func TestServerDefinition(t *testing.T) {
	const u = uri.URI("file:///work/mp.litmus")
	s := startFeatureSession(t, u, mpFeatureTest, lsp.ClientCapabilities{})

	// "1:r0" in the condition leads to "int r0;" in P1.
	res := s.definition(u, posAt(t, mpFeatureTest, "1:r0", 0, 3))
	loc, ok := res.(*lsp.Location)
	require.True(t, ok, "definition result is %T", res)
	assert.Equal(t, u, loc.URI)
	assert.Equal(t, lsp.Range{Start: posAt(t, mpFeatureTest, "int r0", 0, 4), End: posAt(t, mpFeatureTest, "int r0", 0, 6)}, loc.Range)

	// A register in its thread leads there too.
	res = s.definition(u, posAt(t, mpFeatureTest, "r1 = READ_ONCE", 0, 0))
	loc, ok = res.(*lsp.Location)
	require.True(t, ok, "definition result is %T", res)
	assert.Equal(t, posAt(t, mpFeatureTest, "int r1", 0, 4), loc.Range.Start)

	// A shared variable in a thread leads to the thread's parameter.
	res = s.definition(u, posAt(t, mpFeatureTest, "(flag)", 0, 1))
	loc, ok = res.(*lsp.Location)
	require.True(t, ok, "definition result is %T", res)
	assert.Equal(t, posAt(t, mpFeatureTest, "int *flag)", 1, 5), loc.Range.Start)

	// Nothing for a primitive.
	assert.Nil(t, s.definition(u, posAt(t, mpFeatureTest, "READ_ONCE", 0, 0)))
	s.shutdownExit()
}
