package lsp

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// mpFeatureTest is message passing with release and acquire.
const mpFeatureTest = `C MP+rel+acq
{
	int buf = 0;
}

P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
}

exists (1:r0=1 /\ 1:r1=0)
`

// startFeatureSession starts a session with the server's own diagnosis (the
// checker), initializes it with caps and opens text as u. It waits for the
// first diagnostics, so the document's check has finished.
func startFeatureSession(t *testing.T, u uri.URI, text string, caps lsp.ClientCapabilities) *testSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	srv := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	serverEnd, clientEnd := socketPair(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, serverEnd) }()
	s := connect(t, ctx, clientEnd, newGate(), served)
	_, err := s.server.Initialize(ctx, &lsp.InitializeParams{Capabilities: caps})
	require.NoError(t, err)
	require.NoError(t, s.server.Initialized(ctx, &lsp.InitializedParams{}))
	require.NoError(t, s.server.DidOpen(ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: text},
	}))
	s.next()
	return s
}

// shutdownExit shuts the session down in order.
func (s *testSession) shutdownExit() {
	s.t.Helper()
	require.NoError(s.t, s.server.Shutdown(s.ctx))
	require.NoError(s.t, s.server.Exit(s.ctx))
	assert.NoError(s.t, <-s.served)
}

// posAt returns the position of the n-th occurrence of sub in the
// ASCII text, plus delta characters.
func posAt(t *testing.T, text, sub string, n, delta int) lsp.Position {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		k := strings.Index(text[off+1:], sub)
		require.GreaterOrEqual(t, k, 0, "%q occurs fewer than %d times", sub, n+1)
		off += 1 + k
	}
	off += delta
	line := strings.Count(text[:off], "\n")
	return lsp.Position{Line: uint32(line), Character: uint32(off - (strings.LastIndex(text[:off], "\n") + 1))}
}

func (s *testSession) hover(u uri.URI, pos lsp.Position) *lsp.Hover {
	s.t.Helper()
	h, err := s.server.Hover(s.ctx, &lsp.HoverParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: u}, Position: pos}})
	require.NoError(s.t, err)
	return h
}

// hoverMarkdown returns the markdown of a hover.
func hoverMarkdown(t *testing.T, h *lsp.Hover) string {
	t.Helper()
	require.NotNil(t, h)
	mc, ok := h.Contents.(*lsp.MarkupContent)
	require.True(t, ok, "hover contents are %T", h.Contents)
	assert.Equal(t, lsp.MarkupKindMarkdown, mc.Kind)
	return mc.Value
}

func TestServerHover(t *testing.T) {
	const u = uri.URI("file:///work/mp.litmus")
	s := startFeatureSession(t, u, mpFeatureTest, lsp.ClientCapabilities{})

	// A primitive: its meaning and its code on each architecture.
	h := s.hover(u, posAt(t, mpFeatureTest, "smp_load_acquire", 0, 4))
	md := hoverMarkdown(t, h)
	assert.Contains(t, md, "acquire ordering")
	assert.Contains(t, md, "| powerpc64 | `ld` ; `lwsync` |")
	assert.Contains(t, md, "| arm64 | `ldar` |")
	require.NotNil(t, h.Range)
	assert.Equal(t, posAt(t, mpFeatureTest, "smp_load_acquire", 0, 0), h.Range.Start)
	assert.Equal(t, posAt(t, mpFeatureTest, "smp_load_acquire", 0, len("smp_load_acquire")), h.Range.End)

	// A register in the condition: its values in the checked states.
	md = hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "1:r0", 0, 2)))
	assert.Contains(t, md, "Final values of `1:r0`: 0 in 2 states, 1 in 1 state")

	// The condition: verdict and state table.
	md = hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "exists", 0, 1)))
	assert.Contains(t, md, "**Never**")
	assert.Contains(t, md, "| 0 | 1 | ✗ |")

	// Nothing on blank space.
	assert.Nil(t, s.hover(u, posAt(t, mpFeatureTest, "\n\nP1", 0, 1)))

	// The client may ask for some architectures only.
	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"litmusls": {"hoverArchs": ["aarch64", "riscv"]}}`),
	}))
	md = hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "smp_store_release", 0, 0)))
	assert.Contains(t, md, "| arm64 | `stlr` |")
	assert.Contains(t, md, "| riscv64 |")
	assert.NotContains(t, md, "powerpc64")
	assert.NotContains(t, md, "x86-64")
	// An unknown architecture is refused (and logged: a notification has
	// no answer); the setting stays as it was.
	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"hoverArchs": ["vax"]}`),
	}))
	md = hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "smp_store_release", 0, 0)))
	assert.Contains(t, md, "| arm64 |")
	assert.NotContains(t, md, "x86-64")

	s.shutdownExit()
}

// TestServerHoverBeforeCheck hovers on a test whose check has not run:
// values are missing, the primitive's documentation is not.
func TestServerHoverBeforeCheck(t *testing.T) {
	const u = uri.URI("file:///work/mp.litmus")
	s := startSession(t)
	_, err := s.server.Initialize(s.ctx, &lsp.InitializeParams{})
	require.NoError(t, err)
	s.gate.hold()
	require.NoError(t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: mpFeatureTest},
	}))
	assert.Contains(t, hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "1:r0", 0, 2))), "No check result yet")
	assert.Contains(t, hoverMarkdown(t, s.hover(u, posAt(t, mpFeatureTest, "READ_ONCE", 0, 0))), "`ldr`")
	s.gate.release()
	s.shutdownExit()
}
