package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// checkClient is the editor side of a checked session: it records the
// diagnostics, progress and lens refreshes the server sends, and answers
// the server's requests.
type checkClient struct {
	diags    chan published
	progress chan map[string]any // the value of each $/progress
	created  chan string         // tokens of window/workDoneProgress/create
	refresh  atomic.Int32        // workspace/codeLens/refresh requests
}

// checkSession is a client connected over a socket pair to a server that runs
// the checker, counting its checks.
type checkSession struct {
	t      *testing.T
	ctx    context.Context
	server lsp.Server
	client *checkClient
	checks *atomic.Int32 // checker runs
	served chan error
}

// countingCheck wraps check (nil: checker.Check) to count its runs in n.
func countingCheck(n *atomic.Int32, check CheckFunc) CheckFunc {
	if check == nil {
		check = checker.Check
	}
	return func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		n.Add(1)
		return check(ctx, f, opts)
	}
}

// startChecked serves opts (with Check counted) to a new client, and
// initializes it with initOptions and the capabilities for progress and
// lens refreshes.
//
// The second phase of diagnostics (lints and fence synthesis), which
// publishes a version again, is off: tests of it use startLinted.
func startChecked(t testing.TB, opts Options, initOptions string) *checkSession {
	opts.NoLints = true
	return startCheckedWith(t, opts, initOptions)
}

// startLinted is startChecked with the second phase of diagnostics on.
func startLinted(t testing.TB, opts Options, initOptions string) *checkSession {
	opts.NoLints = false
	return startCheckedWith(t, opts, initOptions)
}

func startCheckedWith(t testing.TB, opts Options, initOptions string) *checkSession {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	tt, _ := t.(*testing.T)
	s := &checkSession{t: tt, ctx: ctx, checks: &atomic.Int32{}, served: make(chan error, 1),
		client: &checkClient{diags: make(chan published, 1000), progress: make(chan map[string]any, 1000), created: make(chan string, 100)}}
	opts.Check = countingCheck(s.checks, opts.Check)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv := NewServer(opts)
	serverEnd, clientEnd := socketPair(t)
	go func() { s.served <- srv.Serve(ctx, serverEnd) }()
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(clientEnd), jsonrpc2.WithCodec(codec{}))
	c := s.client
	conn.Go(ctx, func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		switch req.Method() {
		case lsp.MethodTextDocumentPublishDiagnostics:
			var p lsp.PublishDiagnosticsParams
			if err := lsp.Unmarshal(bytes.Clone(req.Params()), &p); err != nil {
				return nil, err
			}
			c.diags <- published{&p, append(json.RawMessage(nil), req.Params()...)}
		case lsp.MethodWindowWorkDoneProgressCreate:
			var p struct{ Token string }
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				return nil, err
			}
			c.created <- p.Token
		case lsp.MethodProgress:
			var p struct {
				Token string
				Value map[string]any
			}
			if err := json.Unmarshal(req.Params(), &p); err != nil {
				return nil, err
			}
			p.Value["token"] = p.Token
			c.progress <- p.Value
		case lsp.MethodWorkspaceCodeLensRefresh:
			c.refresh.Add(1)
		default:
			return nil, fmt.Errorf("unexpected %s", req.Method())
		}
		return nil, nil
	})
	t.Cleanup(func() {
		conn.Close()
		cancel()
	})
	s.server = lsp.ServerDispatcher(conn)
	var init lsp.InitializeParams
	require.NoError(t, json.Unmarshal([]byte(`{"capabilities": {"window": {"workDoneProgress": true}, "workspace": {"codeLens": {"refreshSupport": true}}}}`), &init))
	if initOptions != "" {
		init.InitializationOptions = lsp.LSPAny(initOptions)
	}
	res, err := s.server.Initialize(ctx, &init)
	require.NoError(t, err)
	require.NotNil(t, res.Capabilities.CodeLensProvider, "code lenses are offered")
	require.NoError(t, s.server.Initialized(ctx, &lsp.InitializedParams{}))
	return s
}

// next returns the next diagnostics the server publishes.
func (s *checkSession) next() published { return nextPublished(s.t, s.ctx, s.client.diags) }

func (s *checkSession) open(u uri.URI, text string) {
	s.t.Helper()
	require.NoError(s.t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: text},
	}))
}

func (s *checkSession) change(u uri.URI, version int32, changes ...lsp.TextDocumentContentChangeEvent) {
	s.t.Helper()
	require.NoError(s.t, s.server.DidChange(s.ctx, &lsp.DidChangeTextDocumentParams{
		TextDocument:   lsp.VersionedTextDocumentIdentifier{TextDocumentIdentifier: lsp.TextDocumentIdentifier{URI: u}, Version: version},
		ContentChanges: changes,
	}))
}

// lens returns the title of the one code lens of u, and its line.
func (s *checkSession) lens(u uri.URI) (string, uint32) {
	s.t.Helper()
	lenses, err := s.server.CodeLens(s.ctx, &lsp.CodeLensParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(s.t, err)
	require.Len(s.t, lenses, 1)
	require.NotNil(s.t, lenses[0].Command)
	return lenses[0].Command.Title, lenses[0].Range.Start.Line
}

func (s *checkSession) shutdown() {
	s.t.Helper()
	require.NoError(s.t, s.server.Shutdown(s.ctx))
	require.NoError(s.t, s.server.Exit(s.ctx))
	select {
	case err := <-s.served:
		assert.NoError(s.t, err)
	case <-s.ctx.Done():
		s.t.Fatal("server did not stop after exit")
	}
}

// kernelTest reads a test of ../shared/corpus/kernel.
func kernelTest(t testing.TB, name string) string {
	t.Helper()
	tt, _ := t.(*testing.T)
	src, err := os.ReadFile(filepath.Join(corpusDir(tt), "kernel", name))
	require.NoError(t, err)
	return string(src)
}

// positionOf returns the position of the first occurrence of sub in text,
// which is ASCII.
func positionOf(t *testing.T, text, sub string) lsp.Position {
	t.Helper()
	i := strings.Index(text, sub)
	require.GreaterOrEqual(t, i, 0, "%q not found", sub)
	return offsetPosition(text, i)
}

// offsetPosition is the position of byte offset i of the ASCII text.
func offsetPosition(text string, i int) lsp.Position {
	line := strings.Count(text[:i], "\n")
	return lsp.Position{Line: uint32(line), Character: uint32(i - strings.LastIndex(text[:i], "\n") - 1)}
}

// replace is the incremental change that replaces the first old in text
// with new, and the text after it.
func replace(t *testing.T, text, old, new string) (lsp.TextDocumentContentChangeEvent, string) {
	t.Helper()
	i := strings.Index(text, old)
	require.GreaterOrEqual(t, i, 0, "%q not found", old)
	start, end := offsetPosition(text, i), offsetPosition(text, i+len(old))
	return partial(start.Line, start.Character, end.Line, end.Character, new), strings.Replace(text, old, new, 1)
}

func code(d lsp.Diagnostic) string {
	c, _ := d.Code.(lsp.String)
	return string(c)
}

func message(d lsp.Diagnostic) string {
	m, _ := d.Message.(lsp.String)
	return string(m)
}

// only returns the one diagnostic of p, checking it has that code.
func only(t *testing.T, p published, wantCode string) lsp.Diagnostic {
	t.Helper()
	require.Len(t, p.params.Diagnostics, 1, "diagnostics: %v", p.params.Diagnostics)
	d := p.params.Diagnostics[0]
	require.Equal(t, wantCode, code(d), message(d))
	source, _ := d.Source.Get()
	assert.Equal(t, "litmusls", source)
	return d
}

// TestServerChecks drives the checker through the server: a reachable bad
// outcome is a warning with the witness, fixing the test turns it into a
// never information, and an edit of comments and layout reuses the check
// (with every range moved), as the code lens shows.
func TestServerChecks(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "5ms"}`)
	const u = uri.URI("file:///work/MP.litmus")
	text := kernelTest(t, "MP+poonceonces.litmus")
	existsLine := positionOf(t, text, "exists").Line

	s.open(u, text)
	p := s.next()
	assert.Equal(t, int32(1), version(t, p))
	d := only(t, p, "reachable")
	assert.Equal(t, lsp.DiagnosticSeverityWarning, d.Severity)
	assert.Equal(t, existsLine, d.Range.Start.Line)
	assert.Contains(t, message(d), "Reachable: 1 of 4 allowed executions satisfy (1:r0=1 /\\ 1:r1=0) (Sometimes).")
	assert.Contains(t, message(d), "P1's `READ_ONCE(*flag)` reads flag=1, written by P0's `WRITE_ONCE(*flag, 1)`")
	rel := d.RelatedInformation
	require.Len(t, rel, 3)
	for _, r := range rel {
		assert.Equal(t, u, r.Location.URI)
	}
	assert.Equal(t, positionOf(t, text, "READ_ONCE(*flag)"), rel[0].Location.Range.Start)
	assert.Equal(t, "reads flag=1, written by P0's `WRITE_ONCE(*flag, 1)`", rel[0].Message)
	title, line := s.lens(u)
	assert.Regexp(t, `^Sometimes · 4 states · [0-9.<]+ m?s$`, title)
	assert.Equal(t, existsLine, line)
	assert.Equal(t, int32(1), s.checks.Load())

	// Release and acquire forbid the outcome, which the Result comment
	// still calls Sometimes: an error on the comment.
	c1, text := replace(t, text, "WRITE_ONCE(*flag, 1);", "smp_store_release(flag, 1);")
	c2, text := replace(t, text, "READ_ONCE(*flag);", "smp_load_acquire(flag);")
	s.change(u, 2, c1, c2)
	p = s.next()
	assert.Equal(t, int32(2), version(t, p))
	require.Len(t, p.params.Diagnostics, 2)
	mismatch := p.params.Diagnostics[0]
	assert.Equal(t, "result-mismatch", code(mismatch))
	assert.Equal(t, lsp.DiagnosticSeverityError, mismatch.Severity)
	assert.Equal(t, positionOf(t, text, "Sometimes"), mismatch.Range.Start)
	assert.Equal(t, "The Result comment says Sometimes, but the checker finds Never (0 of 3 allowed executions satisfy (1:r0=1 /\\ 1:r1=0)).", message(mismatch))
	d = p.params.Diagnostics[1]
	assert.Equal(t, "never", code(d))
	assert.Equal(t, lsp.DiagnosticSeverityInformation, d.Severity)
	assert.Equal(t, existsLine, d.Range.Start.Line)
	assert.Contains(t, message(d), "hb cycle: R flag ->acq-po R buf ->fre W buf ->po-rel W flag ->rfe R flag")
	neverRel := d.RelatedInformation
	require.Len(t, neverRel, 4)
	assert.Equal(t, positionOf(t, text, "smp_load_acquire(flag)"), neverRel[0].Location.Range.Start)
	assert.Equal(t, int32(2), s.checks.Load())
	title, _ = s.lens(u)
	assert.Regexp(t, `^Never · 3 states · `, title)

	// Fixing the comment, adding two lines of comment before the init
	// block and a trailing comment: no check runs, and every range moves
	// down two lines.
	c1, text = replace(t, text, "Result: Sometimes", "Result: Never")
	c2, text = replace(t, text, "\n{}", "\n(* A comment\n   on two lines. *)\n{}")
	c3, text := replace(t, text, "int r1;", "int r1; // r1 is buf")
	s.change(u, 3, c1, c2, c3)
	p = s.next()
	assert.Equal(t, int32(3), version(t, p))
	moved := only(t, p, "never")
	assert.Equal(t, existsLine+2, moved.Range.Start.Line)
	assert.Equal(t, message(d), message(moved))
	movedRel := moved.RelatedInformation
	require.Len(t, movedRel, len(neverRel))
	for i := range neverRel {
		want := neverRel[i].Location.Range
		want.Start.Line += 2
		want.End.Line += 2
		assert.Equal(t, want, movedRel[i].Location.Range, "related %d", i)
		assert.Equal(t, neverRel[i].Message, movedRel[i].Message)
	}
	assert.Equal(t, positionOf(t, text, "smp_load_acquire(flag)"), movedRel[0].Location.Range.Start)
	assert.Equal(t, int32(2), s.checks.Load(), "an edit of comments and layout runs no check")
	title, line = s.lens(u)
	assert.Regexp(t, `^Never · 3 states · `, title)
	assert.Equal(t, existsLine+2, line)

	assert.Positive(t, s.client.refresh.Load(), "lenses are refreshed after a check")
	s.shutdown()
}

// slowCheck makes each check take at least d (or until ctx ends).
func slowCheck(d time.Duration) CheckFunc {
	return func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return checker.Check(ctx, f, opts)
	}
}

// TestServerCheckProgress: a check that runs longer than a second reports
// its progress, from a token the server creates, begin to end.
func TestServerCheckProgress(t *testing.T) {
	s := startChecked(t, Options{Check: slowCheck(2200 * time.Millisecond)}, "")
	const u = uri.URI("file:///work/slow.litmus")
	s.open(u, kernelTest(t, "SB+poonceonces.litmus"))
	p := s.next()
	only(t, p, "reachable")

	var token string
	select {
	case token = <-s.client.created:
	default:
		t.Fatal("no window/workDoneProgress/create before the diagnostics")
	}
	var kinds []string
	for len(kinds) == 0 || kinds[len(kinds)-1] != "end" {
		select {
		case v := <-s.client.progress:
			assert.Equal(t, token, v["token"])
			kinds = append(kinds, v["kind"].(string))
			switch v["kind"] {
			case "begin":
				assert.Equal(t, "Checking", v["title"])
				assert.Contains(t, v["message"], "SB+poonceonces, ")
				assert.Contains(t, v["message"], " of 10s")
			case "end":
				assert.Regexp(t, `^Sometimes · 4 states · 2\.\d s$`, v["message"])
			}
		case <-s.ctx.Done():
			t.Fatalf("progress did not end: %v", kinds)
		}
	}
	assert.Equal(t, "begin", kinds[0])
	assert.Contains(t, kinds, "report", "a report each second")
	s.shutdown()
}

// TestServerCheckBudget: a check cut off by its budget says so; a larger
// budget checks again, even for an edit of comments only.
func TestServerCheckBudget(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms", "checkBudget": "1ns"}`)
	const u = uri.URI("file:///work/budget.litmus")
	text := kernelTest(t, "MP+pooncerelease+poacquireonce.litmus")
	s.open(u, text)
	p := s.next()
	var budget *lsp.Diagnostic
	for i, d := range p.params.Diagnostics {
		assert.NotEqual(t, "never", code(d), "a cut-off check claims no verdict")
		if code(d) == "budget" {
			budget = &p.params.Diagnostics[i]
		}
	}
	require.NotNil(t, budget, "diagnostics: %v", p.params.Diagnostics)
	assert.Equal(t, lsp.DiagnosticSeverityWarning, budget.Severity)
	assert.Contains(t, message(*budget), "The check was cut off after 1ns")
	title, _ := s.lens(u)
	assert.Regexp(t, `^Cut off · no verdict · `, title)
	assert.NotRegexp(t, `Never|Sometimes|Always`, title, "a cut-off check claims no verdict")

	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"litmusls": {"checkBudget": "30s"}}`),
	}))
	c, _ := replace(t, text, "Result: Never", "Result:  Never")
	s.change(u, 2, c)
	p = s.next()
	only(t, p, "never")
	assert.Equal(t, int32(2), s.checks.Load())
	s.shutdown()
}

// TestServerSharesCheck: versions that differ in comments only share one
// check under way, and only the last version is published.
func TestServerSharesCheck(t *testing.T) {
	release := make(chan struct{})
	gated := func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return checker.Check(ctx, f, opts)
	}
	s := startChecked(t, Options{Check: gated}, `{"debounce": "0s"}`)
	const u = uri.URI("file:///work/shared.litmus")
	text := kernelTest(t, "LB+poonceonces.litmus")
	s.open(u, text)
	for v := int32(2); v <= 5; v++ {
		c, next := replace(t, text, "Result: Sometimes", fmt.Sprintf("Result: Sometimes (edit %d)", v))
		s.change(u, v, c)
		_ = next
	}
	// Let the runs of versions 2 to 5 start and join the check; then let
	// the check finish.
	time.Sleep(50 * time.Millisecond)
	close(release)
	p := s.next()
	assert.Equal(t, int32(5), version(t, p), "only the last version is published")
	only(t, p, "reachable")
	assert.Equal(t, int32(1), s.checks.Load(), "one check for all versions")
	select {
	case extra := <-s.client.diags:
		t.Errorf("unexpected diagnostics for version %d", version(t, extra))
	case <-time.After(100 * time.Millisecond):
	}
	s.shutdown()
}

func TestConfigureCheckBudget(t *testing.T) {
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	assert.Equal(t, DefaultCheckBudget, ss.checks.budget)
	require.NoError(t, ss.configure(map[string]any{"checkBudget": "2s", "debounce": "7ms"}))
	assert.Equal(t, 2*time.Second, ss.checks.budget)
	assert.Equal(t, 7*time.Millisecond, ss.diag.debounce)
	assert.Error(t, ss.configure(map[string]any{"checkBudget": "0s"}), "a budget must be positive")
	assert.Error(t, ss.configure(map[string]any{"checkBudget": "later", "debounce": "1ms"}))
	assert.Equal(t, 2*time.Second, ss.checks.budget)
	assert.Equal(t, 7*time.Millisecond, ss.diag.debounce, "no setting applies when one is wrong")
}

// TestCheckCacheBound: the cache keeps at most checkCacheSize results.
func TestCheckCacheBound(t *testing.T) {
	c := newChecks(context.Background(), nil, time.Second, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i := range checkCacheSize + 10 {
		c.storeLocked(fmt.Sprint(i), &checkEntry{res: &checker.Result{}})
	}
	assert.Len(t, c.entries, checkCacheSize)
	assert.Len(t, c.order, checkCacheSize)
	assert.Nil(t, c.entries["0"], "the oldest result is forgotten")
	assert.NotNil(t, c.entries[fmt.Sprint(checkCacheSize+9)])
}

// BenchmarkKernelDidOpen measures, for every test of
// ../shared/corpus/kernel, the time from didOpen to its diagnostics, each
// in a new session (so no check is cached), and reports the distribution.
func BenchmarkKernelDidOpen(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(corpusDir(b), "kernel", "*.litmus"))
	require.NoError(b, err)
	require.NotEmpty(b, files)
	texts := make([]string, len(files))
	for i, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(b, err)
		texts[i] = string(src)
	}
	var times []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		for i, text := range texts {
			b.StopTimer()
			s := startChecked(b, Options{}, "")
			u := uri.File(files[i])
			b.StartTimer()
			start := time.Now()
			require.NoError(b, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
				TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: text},
			}))
			select {
			case <-s.client.diags:
			case <-s.ctx.Done():
				b.Fatal("no diagnostics")
			}
			elapsed := time.Since(start)
			b.StopTimer()
			mu.Lock()
			times = append(times, elapsed)
			mu.Unlock()
			require.NoError(b, s.server.Shutdown(s.ctx))
			require.NoError(b, s.server.Exit(s.ctx))
			<-s.served
			b.StartTimer()
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	pct := func(p float64) time.Duration { return times[min(len(times)-1, int(p*float64(len(times))))] }
	b.ReportMetric(float64(pct(0.5))/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(pct(0.9))/float64(time.Millisecond), "p90-ms")
	b.ReportMetric(float64(times[len(times)-1])/float64(time.Millisecond), "max-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d didOpen → diagnostics over %d kernel tests: p50 %v, p90 %v, max %v", len(times), len(files), pct(0.5), pct(0.9), times[len(times)-1])
}
