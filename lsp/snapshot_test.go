package lsp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// parsesOf returns how many times the server has parsed name since
// counting started (see countParse), starting the count if need be.
func parsesOf(name string) int {
	parseCounts.mu.Lock()
	defer parseCounts.mu.Unlock()
	if parseCounts.byName == nil {
		parseCounts.byName = map[string]int{}
	}
	return parseCounts.byName[name]
}

// TestOneParsePerVersion: the diagnosis (check and lints), a hover, a
// code action and a code lens on one version of a document share one
// parse, and one normalized key, through the version's snapshot. A new
// version is parsed once more.
func TestOneParsePerVersion(t *testing.T) {
	const u = uri.URI("file:///work/parse-count.litmus")
	before := parsesOf(string(u))
	s := startLinted(t, Options{}, `{"debounce": "1ms"}`)
	text := kernelTest(t, "MP+poonceonces.litmus")
	s.open(u, text)
	only(t, s.next(), "reachable")
	s.next() // the second phase, with the lints

	off := strings.Index(text, "WRITE_ONCE")
	require.GreaterOrEqual(t, off, 0)
	line := strings.Count(text[:off], "\n")
	pos := lsp.Position{Line: uint32(line), Character: uint32(off - (strings.LastIndex(text[:off], "\n") + 1))}
	h, err := s.server.Hover(s.ctx, &lsp.HoverParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: u}, Position: pos}})
	require.NoError(t, err)
	require.NotNil(t, h, "a hover on WRITE_ONCE")
	s.codeActions(u, lsp.Range{Start: pos, End: pos})
	title, _ := s.lens(u)
	assert.NotEqual(t, "Checking…", title)

	assert.Equal(t, 1, parsesOf(string(u))-before, "parses of one version")

	c, _ := replace(t, text, "Result: Sometimes", "Result: Sometimes.")
	s.change(u, 2, c)
	s.next()
	s.lens(u)
	assert.Equal(t, 2, parsesOf(string(u))-before, "parses of two versions")
	s.shutdown()
}
