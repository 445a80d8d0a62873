package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// timeout bounds every wait of the integration tests. It is generous: the
// tests never assert on timing, they only refuse to hang.
const timeout = 30 * time.Second

// codec encodes LSP payloads with go.lsp.dev/protocol's union-aware JSON,
// as protocol.NewClient does; the tests build the connection themselves so
// that the client handles messages one at a time, in order.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if m, ok := v.(jsonrpc2.RawMessage); ok {
		return m, nil
	}
	return lsp.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	// go.lsp.dev/protocol's decoder makes strings that share data's
	// bytes, and jsonrpc2 reuses its read buffer: without a copy, a string
	// of a result changes when the next message arrives.
	return lsp.Unmarshal(bytes.Clone(data), v)
}

// A published is one textDocument/publishDiagnostics the client received.
type published struct {
	params *lsp.PublishDiagnosticsParams
	raw    json.RawMessage // the params as sent
}

// testClient is the editor side: it records what the server publishes.
type testClient struct {
	lsp.UnimplementedClient
	diags chan published
}

// gate holds the background diagnosis while a test lines up edits.
type gate struct {
	mu sync.Mutex
	ch chan struct{} // closed when open
}

func newGate() *gate {
	ch := make(chan struct{})
	close(ch)
	return &gate{ch: ch}
}

func (g *gate) hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ch = make(chan struct{})
}

func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.ch)
}

func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	ch := g.ch
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// session connects a go.lsp.dev/protocol client to a Server over a socket pair.
type testSession struct {
	t      *testing.T
	ctx    context.Context
	server lsp.Server // dispatches to the server under test
	client *testClient
	conn   jsonrpc2.Conn
	gate   *gate
	served chan error // Serve's result
}

func startSession(t *testing.T) *testSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	g := newGate()
	srv := newTestServer(ctx, g)
	serverEnd, clientEnd := socketPair(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, serverEnd) }()
	return connect(t, ctx, clientEnd, g, served)
}

// newTestServer returns a server whose diagnoses wait at g.
func newTestServer(ctx context.Context, g *gate) *Server {
	return NewServer(Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// Like a checker that notices cancellation late, this finishes
		// stale work too; the server must drop its results.
		Diagnose: func(_ context.Context, doc *Document) ([]glsp.Diagnostic, error) {
			if err := g.wait(ctx); err != nil {
				return nil, err
			}
			return SyntaxDiagnostics(context.Background(), doc)
		},
	})
}

// connect makes a client on c, which leads to a server whose Serve result
// arrives on served.
func connect(t *testing.T, ctx context.Context, c net.Conn, g *gate, served chan error) *testSession {
	t.Helper()
	client := &testClient{diags: make(chan published, 1000)}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(c), jsonrpc2.WithCodec(codec{}))
	handler := lsp.ClientHandler(client, jsonrpc2.MethodNotFoundHandler)
	conn.Go(ctx, func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() == lsp.MethodTextDocumentPublishDiagnostics {
			var p lsp.PublishDiagnosticsParams
			if err := lsp.Unmarshal(bytes.Clone(req.Params()), &p); err != nil {
				return nil, err
			}
			client.diags <- published{&p, append(json.RawMessage(nil), req.Params()...)}
			return nil, nil
		}
		return handler(ctx, req)
	})
	t.Cleanup(func() { conn.Close() })
	return &testSession{t: t, ctx: ctx, server: lsp.ServerDispatcher(conn), client: client, conn: conn, gate: g, served: served}
}

// next returns the next diagnostics the server publishes.
func (s *testSession) next() published { return nextPublished(s.t, s.ctx, s.client.diags) }

// nextPublished returns the next diagnostics received on diags, failing t
// when ctx ends first.
func nextPublished(t testing.TB, ctx context.Context, diags <-chan published) published {
	t.Helper()
	select {
	case p := <-diags:
		return p
	case <-ctx.Done():
		t.Fatal("no diagnostics published")
		return published{}
	}
}

// sync makes a round trip to the server. The server handles messages in
// order, so once it returns, everything sent before has been handled (and
// the client has handled everything the server sent before its answer).
func (s *testSession) sync(u uri.URI) {
	s.t.Helper()
	_, err := s.server.DocumentSymbol(s.ctx, &lsp.DocumentSymbolParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(s.t, err)
}

func (s *testSession) change(u uri.URI, version int32, changes ...lsp.TextDocumentContentChangeEvent) {
	s.t.Helper()
	require.NoError(s.t, s.server.DidChange(s.ctx, &lsp.DidChangeTextDocumentParams{
		TextDocument:   lsp.VersionedTextDocumentIdentifier{TextDocumentIdentifier: lsp.TextDocumentIdentifier{URI: u}, Version: version},
		ContentChanges: changes,
	}))
}

func partial(sl, sc, el, ec uint32, text string) *lsp.TextDocumentContentChangePartial {
	return &lsp.TextDocumentContentChangePartial{
		Range: lsp.Range{Start: lsp.Position{Line: sl, Character: sc}, End: lsp.Position{Line: el, Character: ec}},
		Text:  text,
	}
}

func version(t *testing.T, p published) int32 {
	t.Helper()
	v, ok := p.params.Version.Get()
	require.True(t, ok, "diagnostics without a version")
	return v
}

// brokenTest misses the ';' after its only statement (line 8, 0-based 7);
// the parser reports it at the '}' that follows, line 9 (0-based 8).
const brokenTest = "C t\n{\n\tx=0;\n}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\n\nexists (x=1)\n"

func TestServer(t *testing.T) {
	s := startSession(t)
	const u = uri.URI("file:///work/t.litmus")

	res, err := s.server.Initialize(s.ctx, &lsp.InitializeParams{
		InitializationOptions: lsp.LSPAny(`{"debounce": "5ms"}`),
	})
	require.NoError(t, err)
	sync, ok := res.Capabilities.TextDocumentSync.(*lsp.TextDocumentSyncOptions)
	require.True(t, ok, "textDocumentSync is %T", res.Capabilities.TextDocumentSync)
	require.NotNil(t, sync.Change)
	assert.Equal(t, lsp.TextDocumentSyncKindIncremental, *sync.Change)
	assert.Equal(t, "litmusls", res.ServerInfo.Name)
	require.NoError(t, s.server.Initialized(s.ctx, &lsp.InitializedParams{}))

	// A syntax error is published with the document's version and range.
	require.NoError(t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: brokenTest},
	}))
	p := s.next()
	assert.Equal(t, u, p.params.URI)
	assert.Equal(t, int32(1), version(t, p))
	require.Len(t, p.params.Diagnostics, 1)
	d := p.params.Diagnostics[0]
	assert.Equal(t, lsp.Range{Start: lsp.Position{Line: 8, Character: 0}, End: lsp.Position{Line: 8, Character: 1}}, d.Range)
	assert.Equal(t, lsp.DiagnosticSeverityError, d.Severity)
	source, _ := d.Source.Get()
	assert.Equal(t, "litmusls", source)
	assert.Equal(t, lsp.String("syntax"), d.Code)
	assert.Contains(t, string(d.Message.(lsp.String)), "expected ';'")

	// An incremental edit fixes it: the diagnostics are an empty list, not
	// null.
	s.change(u, 2, partial(7, 18, 7, 18, ";"))
	p = s.next()
	assert.Equal(t, int32(2), version(t, p))
	assert.Empty(t, p.params.Diagnostics)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(p.raw, &raw))
	assert.JSONEq(t, "[]", string(raw["diagnostics"]))

	// Rapid edits: only the last version is published. Without a debounce,
	// every version's diagnosis starts at once; the gate keeps them all
	// waiting until all edits have reached the server, then lets the stale
	// ones finish too.
	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"litmusls": {"debounce": "0s"}}`),
	}))
	s.gate.hold()
	for v := int32(3); v <= 10; v++ {
		// Break and fix the statement in turn; version 10 ends broken.
		if v%2 == 1 {
			s.change(u, v, partial(7, 18, 7, 19, ""))
		} else {
			s.change(u, v, partial(7, 18, 7, 18, ";"))
		}
	}
	s.change(u, 11, partial(7, 18, 7, 19, ""))
	s.sync(u)
	s.gate.release()
	p = s.next()
	assert.Equal(t, int32(11), version(t, p), "only the last version is published")
	assert.Len(t, p.params.Diagnostics, 1)
	s.sync(u)
	select {
	case extra := <-s.client.diags:
		t.Errorf("unexpected extra diagnostics for version %d", version(t, extra))
	default:
	}

	// Document symbols: the init block, the thread and the condition.
	s.change(u, 12, partial(7, 18, 7, 18, ";"))
	p = s.next()
	assert.Equal(t, int32(12), version(t, p))
	symRes, err := s.server.DocumentSymbol(s.ctx, &lsp.DocumentSymbolParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
	syms, ok := symRes.(lsp.DocumentSymbolSlice)
	require.True(t, ok, "documentSymbol result is %T", symRes)
	var names []string
	for _, sym := range syms {
		names = append(names, sym.Name)
	}
	assert.Equal(t, []string{"init", "P0", "exists"}, names)

	// Closing clears the diagnostics.
	require.NoError(t, s.server.DidClose(s.ctx, &lsp.DidCloseTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}}))
	p = s.next()
	assert.Empty(t, p.params.Diagnostics)
	assert.NotNil(t, p.params.Diagnostics)

	// Shutdown and exit end the session cleanly.
	require.NoError(t, s.server.Shutdown(s.ctx))
	require.NoError(t, s.server.Exit(s.ctx))
	select {
	case err := <-s.served:
		assert.NoError(t, err)
	case <-s.ctx.Done():
		t.Fatal("server did not stop after exit")
	}
}

func TestServerFormatting(t *testing.T) {
	s := startSession(t)
	const u = uri.URI("file:///work/f.litmus")
	_, err := s.server.Initialize(s.ctx, &lsp.InitializeParams{})
	require.NoError(t, err)
	require.NoError(t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1,
			Text: "C t\n{ x=0; }\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n"},
	}))
	edits, err := s.server.Formatting(s.ctx, &lsp.DocumentFormattingParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
	require.Len(t, edits, 1)
	assert.Equal(t, lsp.Range{End: lsp.Position{Line: 4}}, edits[0].Range)
	assert.Contains(t, edits[0].NewText, "\tWRITE_ONCE(*x, 1);\n")

	// A test with syntax errors is left alone.
	s.change(u, 2, partial(2, 30, 2, 31, ""))
	edits, err = s.server.Formatting(s.ctx, &lsp.DocumentFormattingParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
	assert.Empty(t, edits)

	require.NoError(t, s.server.Shutdown(s.ctx))
	require.NoError(t, s.server.Exit(s.ctx))
	assert.NoError(t, <-s.served)
}

func TestServerExitWithoutShutdown(t *testing.T) {
	s := startSession(t)
	_, err := s.server.Initialize(s.ctx, &lsp.InitializeParams{})
	require.NoError(t, err)
	require.NoError(t, s.server.Exit(s.ctx))
	select {
	case err := <-s.served:
		assert.ErrorIs(t, err, ErrExitWithoutShutdown)
	case <-s.ctx.Done():
		t.Fatal("server did not stop after exit")
	}
}

func TestConfigure(t *testing.T) {
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	assert.Equal(t, DefaultDebounce, ss.diag.debounce)
	require.NoError(t, ss.configure(map[string]any{"debounce": "50ms"}))
	assert.Equal(t, 50*time.Millisecond, ss.diag.debounce)
	require.NoError(t, ss.didChangeConfiguration(nil, &glsp.DidChangeConfigurationParams{
		Settings: map[string]any{"litmusls": map[string]any{"debounce": "1s"}},
	}))
	assert.Equal(t, time.Second, ss.diag.debounce)
	require.NoError(t, ss.configure(map[string]any{"litmusls": map[string]any{"debounce": "2s"}}), "initializationOptions may nest too")
	assert.Equal(t, 2*time.Second, ss.diag.debounce)
	assert.Error(t, ss.configure(map[string]any{"debounce": "soon"}))
	assert.Error(t, ss.configure("not an object"))
	assert.Equal(t, 2*time.Second, ss.diag.debounce, "a wrong setting changes nothing")
}

func TestServerTCP(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	g := newGate()
	srv := newTestServer(ctx, g)
	listening := make(chan error, 1)
	go func() { listening <- srv.ServeListener(ctx, l) }()

	// Two clients in turn, each with its own documents.
	for i := range 2 {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		s := connect(t, ctx, c, g, nil)
		_, err = s.server.Initialize(ctx, &lsp.InitializeParams{})
		require.NoError(t, err, "client %d", i)
		require.NoError(t, s.server.DidOpen(ctx, &lsp.DidOpenTextDocumentParams{
			TextDocument: lsp.TextDocumentItem{URI: "file:///work/t.litmus", LanguageID: "litmus", Version: 1, Text: brokenTest},
		}))
		p := s.next()
		assert.Equal(t, int32(1), version(t, p))
		assert.Len(t, p.params.Diagnostics, 1)
		require.NoError(t, s.server.Shutdown(ctx))
		require.NoError(t, s.server.Exit(ctx))
		select {
		case <-s.conn.Done():
		case <-ctx.Done():
			t.Fatal("server did not close the connection after exit")
		}
	}
	cancel()
	assert.ErrorIs(t, <-listening, context.Canceled)
}

// socketPair returns the two ends of a connected Unix socket pair. Unlike
// net.Pipe, its writes are buffered by the kernel, as an editor's pipes
// are: with net.Pipe, a server answering a request while the client
// answers one of the server's would block both writers forever.
func socketPair(t testing.TB) (net.Conn, net.Conn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	require.NoError(t, err)
	conns := make([]net.Conn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), fmt.Sprintf("socketpair-%d", i))
		c, err := net.FileConn(f)
		require.NoError(t, err)
		require.NoError(t, f.Close()) // FileConn duplicated it
		conns[i] = c
	}
	t.Cleanup(func() {
		conns[0].Close()
		conns[1].Close()
	})
	return conns[0], conns[1]
}

// TestServerExitWithResponseBuffered: a response to the server's own
// request that arrives together with exit, after it in the same read, is
// delivered or dropped, never sent on a closed channel (which crashed the
// server while exit closed the connection with conn.Close).
func TestServerExitWithResponseBuffered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	srv := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NoLints: true})
	serverEnd, clientEnd := socketPair(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, serverEnd) }()

	frame := func(msg string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(msg), msg) }
	write := func(s string) {
		_, err := clientEnd.Write([]byte(s))
		require.NoError(t, err)
	}
	r := bufio.NewReader(clientEnd)
	// read returns the next message the server sends.
	read := func() map[string]any {
		length := 0
		for {
			line, err := r.ReadString('\n')
			require.NoError(t, err)
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				length, err = strconv.Atoi(v)
				require.NoError(t, err)
			}
		}
		body := make([]byte, length)
		_, err := io.ReadFull(r, body)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		return m
	}
	write(frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"workspace":{"codeLens":{"refreshSupport":true}}}}}`))
	require.Equal(t, float64(1), read()["id"])
	write(frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`))
	test, err := json.Marshal(kernelTest(t, "SB+poonceonces.litmus"))
	require.NoError(t, err)
	write(frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///sb.litmus","languageId":"litmus","version":1,"text":` + string(test) + `}}}`))
	write(frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`))
	// Wait for the server's codeLens/refresh request, then answer it in
	// the same write as exit, after it.
	for {
		m := read()
		if m["method"] == "workspace/codeLens/refresh" {
			id, err := json.Marshal(m["id"])
			require.NoError(t, err)
			write(frame(`{"jsonrpc":"2.0","method":"exit"}`) + frame(`{"jsonrpc":"2.0","id":`+string(id)+`,"result":null}`))
			break
		}
	}
	select {
	case err := <-served:
		assert.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("the server did not stop")
	}
}
