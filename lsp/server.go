package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// DefaultDebounce is how long the server waits after an edit before it
// diagnoses the document, unless the client configures otherwise.
const DefaultDebounce = 200 * time.Millisecond

// Options configure a [Server]. The zero value is ready to use.
type Options struct {
	// Logger receives the server's log. Nil means text to os.Stderr; never
	// log to stdout, where the server may be speaking JSON-RPC.
	Logger *slog.Logger

	// Debounce is the wait after an edit before diagnosing; zero means
	// DefaultDebounce. Clients can change it (see [Server]).
	Debounce time.Duration

	// Diagnose computes a document's diagnostics; nil means the checker's
	// (syntax errors, the condition's outcome, flags, Result comments; see
	// package analysis), with results cached by normalized text. Code
	// actions offer the fixes of the checker's diagnostics only: with
	// another Diagnose, they offer none.
	Diagnose DiagnoseFunc

	// CheckBudget bounds each check; zero means DefaultCheckBudget.
	// Clients can change it (see [Server]).
	CheckBudget time.Duration

	// Check runs the checker; nil means [checker.Check].
	Check CheckFunc

	// NoLints turns off the second phase of diagnostics (lints, fence
	// synthesis, over-fencing hints): each version is then published
	// once. Tests of the first phase set it.
	NoLints bool

	// Version is reported to the client as the server's version.
	Version string

	// testHook, when a test sets it, is called with a stage ("lint",
	// "translate", "rewrites") and a document's URI where that background
	// work on the document starts: tests make it panic.
	testHook func(stage string, uri protocol.DocumentUri)
}

// A Server is the litmusls language server. It speaks LSP 3.16 over
// JSON-RPC (through glsp): it keeps the open documents in sync, diagnoses
// them in the background and answers document-symbol requests.
//
// Clients may set "debounce" and "checkBudget" (Go duration strings such
// as "200ms" and "10s") in initializationOptions, or in the settings of
// workspace/didChangeConfiguration (at the top level or under "litmusls").
//
// A Server holds only configuration: each connection served gets its own
// documents and background work.
type Server struct {
	opts Options
	log  *slog.Logger
}

// NewServer returns a server configured by opts.
func NewServer(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.CheckBudget <= 0 {
		opts.CheckBudget = DefaultCheckBudget
	}
	if opts.Version == "" {
		opts.Version = "devel"
	}
	return &Server{opts: opts, log: opts.Logger}
}

// codeServerNotInitialized is LSP's error code for a request sent before
// initialize.
const codeServerNotInitialized = -32002

// ErrExitWithoutShutdown is returned by [Server.Serve] when the client
// sent exit without shutdown first, or went away without either.
var ErrExitWithoutShutdown = errors.New("connection ended without a shutdown request")

// Serve speaks LSP over rwc until the client sends exit, the stream ends,
// or ctx is cancelled. It returns nil after an orderly shutdown and exit.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ss := newSession(ctx, s)
	conn := ss.connect(ctx, rwc)
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		rwc.Close()
		select {
		case <-conn.DisconnectNotify():
		case <-time.After(time.Second):
			conn.Close() // a read that closing did not interrupt (a terminal)
		}
	}
	cancel()
	ss.diag.wait()
	ss.checks.wait()
	ss.rewrites.wait()
	if !ss.wasShutdown() {
		return ErrExitWithoutShutdown
	}
	return nil
}

// ServeStdio serves one client on standard input and output.
func (s *Server) ServeStdio(ctx context.Context) error {
	return s.Serve(ctx, stdio{})
}

// ListenAndServe accepts TCP connections on addr and serves each client
// until ctx is cancelled. It returns the error that stopped it.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	s.log.Info("listening", "addr", l.Addr().String())
	return s.ServeListener(ctx, l)
}

// ServeListener serves each connection l accepts, until ctx is cancelled
// or Accept fails. It closes l.
func (s *Server) ServeListener(ctx context.Context, l net.Listener) error {
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			l.Close()
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			s.log.Info("client connected", "remote", c.RemoteAddr().String())
			if err := s.Serve(ctx, c); err != nil {
				s.log.Info("client disconnected", "remote", c.RemoteAddr().String(), "error", err)
			}
		}()
	}
}

// stdio is standard input and output as one stream.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error                { return errors.Join(os.Stdin.Close(), os.Stdout.Close()) }

// connect serves ss over rwc and returns the connection.
//
// The connection ends by closing rwc, never by conn.Close: jsonrpc2
// v0.2.0's Close closes the channels of pending calls but leaves them
// pending, and a response still in the read buffer (the answer to a
// window/showDocument sent just before exit, say) would then be sent on a
// closed channel and crash the server. With the stream closed, the reader
// delivers what it has read and then closes the connection itself.
func (ss *session) connect(ctx context.Context, rwc io.ReadWriteCloser) *jsonrpc2.Conn {
	ss.closeStream = func() { rwc.Close() }
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(rwc, jsonrpc2.VSCodeObjectCodec{}),
		jsonrpc2.HandlerWithError(ss.handle).SuppressErrClosed(),
		jsonrpc2.SetLogger(slog.NewLogLogger(ss.log.Handler(), slog.LevelWarn)))
	ss.conn.Store(conn)
	return conn
}

// A session is the server's state for one connection.
type session struct {
	srv      *Server
	log      *slog.Logger
	handler  protocol.Handler
	docs     *documents
	diag     *diagnoser
	checks   *checks
	rewrites *rewrites
	conn     *connHolder
	ctx      context.Context // ends with the connection

	mu       sync.Mutex
	shutdown bool // shutdown was requested

	features features // what the client asked of hover, completion and semantic tokens

	// cDeps records, for a C document and another whose scenarios include
	// it, the version of the other that last made it diagnosed again.
	cDeps map[[2]protocol.DocumentUri]int32
	// genDir is where generated tests are written for the editor to show.
	genDir string

	closeStream func() // ends the connection (see Serve)
}

func newSession(ctx context.Context, srv *Server) *session {
	ss := &session{srv: srv, log: srv.log, docs: newDocuments(), conn: newConnHolder(), ctx: ctx}
	ss.checks = newChecks(ctx, srv.opts.Check, srv.opts.CheckBudget, ss.notify, ss.call, srv.log)
	ss.rewrites = newRewrites(ctx, srv.log)
	ss.rewrites.hook = srv.opts.testHook
	ss.rewrites.onFail = func(uri protocol.DocumentUri, err error) { ss.diag.fail(uri, "verifying quick fixes", err) }
	ss.checks.onResult = ss.rewrites.warm
	diagnose := srv.opts.Diagnose
	if diagnose == nil {
		diagnose = ss.diagnose
	}
	ss.diag = newDiagnoser(ctx, diagnose, srv.opts.Debounce, ss.notify, srv.log)
	if srv.opts.Diagnose == nil && !srv.opts.NoLints {
		ss.diag.refine = ss.refine
	}
	ss.handler = protocol.Handler{
		Initialize:                      ss.initialize,
		Initialized:                     func(*glsp.Context, *protocol.InitializedParams) error { return nil },
		Shutdown:                        ss.shutdownRequest,
		Exit:                            func(*glsp.Context) error { return nil },
		SetTrace:                        func(*glsp.Context, *protocol.SetTraceParams) error { return nil },
		WorkspaceDidChangeConfiguration: ss.didChangeConfiguration,
		TextDocumentDidOpen:             ss.didOpen,
		TextDocumentDidChange:           ss.didChange,
		TextDocumentDidClose:            ss.didClose,
		TextDocumentDidSave:             func(*glsp.Context, *protocol.DidSaveTextDocumentParams) error { return nil },
		TextDocumentDocumentSymbol:      ss.documentSymbol,
		TextDocumentFormatting:          ss.formatting,
		TextDocumentCodeLens:            ss.codeLens,
		TextDocumentCodeAction:          ss.codeAction,
		WorkspaceExecuteCommand:         ss.executeCommand,
		TextDocumentHover:               ss.hover,
		TextDocumentCompletion:          ss.completion,
		TextDocumentDefinition:          ss.definition,
		TextDocumentSemanticTokensFull:  ss.semanticTokensFull,
	}
	return ss
}

// connHolder holds the connection, which exists only once the session
// that handles its messages has been made. Load waits for it.
type connHolder struct {
	once  sync.Once
	ready chan struct{} // closed by Store
	conn  *jsonrpc2.Conn
}

func newConnHolder() *connHolder { return &connHolder{ready: make(chan struct{})} }

// Store records c; only the first call counts.
func (h *connHolder) Store(c *jsonrpc2.Conn) {
	h.once.Do(func() {
		h.conn = c
		close(h.ready)
	})
}

// Load returns the connection once it is stored, or nil if ctx ends first.
func (h *connHolder) Load(ctx context.Context) *jsonrpc2.Conn {
	select {
	case <-h.ready:
		return h.conn
	case <-ctx.Done():
		return nil
	}
}

// notify sends a notification to the client. It may block until the
// client reads, so it is called only from background goroutines, never
// from a handler running in the read loop.
func (ss *session) notify(method string, params any) {
	conn := ss.conn.Load(ss.ctx)
	if conn == nil {
		return
	}
	if err := conn.Notify(context.Background(), method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		ss.log.Warn("notification failed", "method", method, "error", err)
	}
}

// hook calls Options.testHook, if set, for stage of uri.
func (ss *session) hook(stage string, uri protocol.DocumentUri) {
	if h := ss.srv.opts.testHook; h != nil {
		h(stage, uri)
	}
}

func (ss *session) wasShutdown() bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.shutdown
}

// handle runs one request or notification. glsp calls handlers one at a
// time in the read loop, so handlers only record and return; a panic is
// logged and answered as an internal error, and the server keeps serving.
func (ss *session) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			ss.log.Error("panic in handler", "method", req.Method, "panic", p, "stack", string(debug.Stack()))
			result, err = nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: fmt.Sprintf("internal error in %s: %v", req.Method, p)}
		}
	}()

	gctx := &glsp.Context{Method: req.Method, Notify: ss.notify, Call: ss.call}
	if req.Params != nil {
		gctx.Params = *req.Params
	}

	switch req.Method {
	case string(protocol.MethodExit):
		ss.closeStream()
		return nil, nil
	case string(protocol.MethodShutdown), string(protocol.MethodCancelRequest):
	default:
		if ss.wasShutdown() {
			return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: "the server is shutting down"}
		}
	}
	if req.Method == string(protocol.MethodCancelRequest) {
		return nil, nil // glsp runs requests one at a time: nothing to cancel
	}
	if req.Method != string(protocol.MethodInitialize) && !ss.handler.IsInitialized() {
		if req.Notif {
			return nil, nil // dropped, as the specification says
		}
		return nil, &jsonrpc2.Error{Code: codeServerNotInitialized, Message: "the server is not initialized"}
	}

	r, validMethod, validParams, err := ss.handler.Handle(gctx)
	switch {
	case !validMethod:
		if req.Notif {
			return nil, nil // unknown notifications are ignored
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams:
		msg := "invalid params"
		if err != nil {
			msg = err.Error()
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
	case err != nil:
		var rpcErr *jsonrpc2.Error
		if errors.As(err, &rpcErr) {
			return nil, rpcErr
		}
		if req.Notif {
			ss.log.Warn("notification failed", "method", req.Method, "error", err)
			return nil, nil
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
	}
	return r, nil
}

// call sends a request to the client and waits for the answer, or for the
// connection to end. Like notify, it must not be called
// from a handler: the response could never be read.
func (ss *session) call(method string, params, result any) {
	conn := ss.conn.Load(ss.ctx)
	if conn == nil {
		return
	}
	if err := conn.Call(ss.ctx, method, params, result); err != nil {
		ss.log.Warn("call failed", "method", method, "error", err)
	}
}

func (ss *session) initialize(_ *glsp.Context, params *protocol.InitializeParams) (any, error) {
	ss.checks.setClient(params.Capabilities)
	if err := ss.configure(params.InitializationOptions); err != nil {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "initializationOptions: " + err.Error()}
	}
	caps := ss.handler.CreateServerCapabilities()
	ss.features.initialize(params.Capabilities, &caps)
	change := protocol.TextDocumentSyncKindIncremental
	openClose := true
	caps.TextDocumentSync = &protocol.TextDocumentSyncOptions{OpenClose: &openClose, Change: &change}
	caps.ExecuteCommandProvider = &protocol.ExecuteCommandOptions{Commands: []string{CommandShowTranslation}}
	version := ss.srv.opts.Version
	return protocol.InitializeResult{
		Capabilities: caps,
		ServerInfo:   &protocol.InitializeResultServerInfo{Name: "litmusls", Version: &version},
	}, nil
}

func (ss *session) shutdownRequest(*glsp.Context) error {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.shutdown = true
	return nil
}

func (ss *session) didChangeConfiguration(_ *glsp.Context, params *protocol.DidChangeConfigurationParams) error {
	return ss.configure(params.Settings)
}

// ownSettings returns the "litmusls" object of settings when it has one
// (clients often send every extension's settings, keyed by section), and
// settings otherwise.
func ownSettings(settings any) any {
	if m, ok := settings.(map[string]any); ok {
		if sub, ok := m["litmusls"]; ok {
			return sub
		}
	}
	return settings
}

// isEmptyArray reports whether a decoded JSON value is [].
func isEmptyArray(v any) bool {
	a, ok := v.([]any)
	return ok && len(a) == 0
}

// settings are the options a client can set.
type settings struct {
	Debounce    *string  `json:"debounce"`    // a Go duration, such as "200ms"
	CheckBudget *string  `json:"checkBudget"` // a Go duration, such as "10s"
	HoverArchs  []string `json:"hoverArchs"`  // architectures hover shows, such as ["arm64", "x86-64"]; empty means all
}

// configure applies client settings: a JSON object; at the top level or
// under "litmusls", in initializationOptions and in
// workspace/didChangeConfiguration alike. null and an empty array mean no
// settings, at either level: clients differ (Neovim encodes an empty Lua
// table, such as init_options = {}, as []).
func (ss *session) configure(raw any) error {
	if isEmptyArray(raw) {
		return nil
	}
	raw = ownSettings(raw)
	if raw == nil || isEmptyArray(raw) {
		return nil
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	var set settings
	if err := json.Unmarshal(data, &set); err != nil {
		return fmt.Errorf("settings must be an object: %w", err)
	}
	// Check every setting before applying any.
	var debounce, budget time.Duration
	if set.Debounce != nil {
		d, err := time.ParseDuration(*set.Debounce)
		if err != nil || d < 0 {
			return fmt.Errorf("debounce %q is not a duration such as \"200ms\"", *set.Debounce)
		}
		debounce = d
	}
	if set.CheckBudget != nil {
		d, err := time.ParseDuration(*set.CheckBudget)
		if err != nil || d <= 0 {
			return fmt.Errorf("checkBudget %q is not a positive duration such as \"10s\"", *set.CheckBudget)
		}
		budget = d
	}
	archs, err := parseHoverArchs(set.HoverArchs)
	if err != nil {
		return err
	}
	if set.Debounce != nil {
		ss.diag.setDebounce(debounce)
	}
	if set.CheckBudget != nil {
		ss.checks.setBudget(budget)
	}
	if set.HoverArchs != nil {
		ss.features.setHoverArchs(archs)
	}
	return nil
}
