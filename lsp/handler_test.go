package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestHandlerPanicIsAnError(t *testing.T) {
	var logs syncBuffer
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	ss.handler.SetInitialized(true)
	ss.handler.TextDocumentHover = func(*glsp.Context, *protocol.HoverParams) (*protocol.Hover, error) {
		panic("boom")
	}
	params := json.RawMessage(`{"textDocument": {"uri": "file:///t.litmus"}, "position": {"line": 0, "character": 0}}`)
	_, err := ss.handle(context.Background(), nil, &jsonrpc2.Request{Method: "textDocument/hover", Params: &params})
	var rpcErr *jsonrpc2.Error
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, int64(jsonrpc2.CodeInternalError), rpcErr.Code)
	assert.Contains(t, logs.String(), "panic in handler")

	// The session goes on serving.
	params = json.RawMessage(`{"textDocument": {"uri": "file:///t.litmus"}}`)
	_, err = ss.handle(context.Background(), nil, &jsonrpc2.Request{Method: "textDocument/documentSymbol", Params: &params})
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, int64(jsonrpc2.CodeInvalidRequest), rpcErr.Code, "an unknown document is an ordinary error")
}

// TestDiagnosePanicIsPublished: a panic while diagnosing is logged with
// its stack and published as the document's internal error.
func TestDiagnosePanicIsPublished(t *testing.T) {
	var logs syncBuffer
	var published []any
	d := newDiagnoser(context.Background(),
		func(context.Context, *Document) ([]protocol.Diagnostic, error) { panic("boom") },
		0, func(_ string, params any) { published = append(published, params) },
		slog.New(slog.NewTextHandler(&logs, nil)))
	d.schedule(NewDocument("file:///t.litmus", 1, []byte("C t\n")))
	d.wait()
	assert.Contains(t, logs.String(), "panic while diagnosing")
	assert.Contains(t, logs.String(), "goroutine ")
	require.Len(t, published, 1)
	p := published[0].(protocol.PublishDiagnosticsParams)
	require.Len(t, p.Diagnostics, 1)
	assert.Equal(t, CodeInternal, p.Diagnostics[0].Code.Value)
	assert.Equal(t, "Internal error of litmusls while diagnosing: boom. What is shown for this document may be incomplete; the server's log has the details. Please report it.", p.Diagnostics[0].Message)
	assert.Equal(t, protocol.Range{End: protocol.Position{Character: 3}}, p.Diagnostics[0].Range, "on the first line")
}

func TestFitSpan(t *testing.T) {
	text := []byte("aµb") // µ is bytes 1 and 2
	tests := []struct{ in, want syntax.Span }{
		{syntax.Span{Start: 0, End: 1}, syntax.Span{Start: 0, End: 1}},
		{syntax.Span{Start: 1, End: 2}, syntax.Span{Start: 1, End: 3}},   // half of µ: all of it
		{syntax.Span{Start: 2, End: 2}, syntax.Span{Start: 1, End: 3}},   // inside µ
		{syntax.Span{Start: 3, End: 9}, syntax.Span{Start: 3, End: 4}},   // past EOF
		{syntax.Span{Start: -2, End: -1}, syntax.Span{Start: 0, End: 0}}, // before the start
		{syntax.Span{Start: 3, End: 1}, syntax.Span{Start: 3, End: 3}},   // reversed
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, fitSpan(text, tt.in), "fitSpan(%v)", tt.in)
	}
}

func TestRequestBeforeInitialize(t *testing.T) {
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil))}))
	params := json.RawMessage(`{"textDocument": {"uri": "file:///t.litmus"}}`)
	_, err := ss.handle(context.Background(), nil, &jsonrpc2.Request{Method: "textDocument/documentSymbol", Params: &params})
	var rpcErr *jsonrpc2.Error
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, int64(codeServerNotInitialized), rpcErr.Code)
}
