package lsp

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	protocol "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// A crash of litmusls on one document never kills the server and never
// leaves the document without a word: the document gets an error
// diagnostic with code "internal", the stack goes to the log.

// panicAt is an Options.testHook that panics at stage for documents whose
// URI contains "crash".
func panicAt(stage string) func(string, protocol.DocumentUri) {
	return func(s string, u protocol.DocumentUri) {
		if s == stage && strings.Contains(string(u), "crash") {
			panic("boom at " + s)
		}
	}
}

// internal returns the one internal-error diagnostic of diags, checking
// it says what failed, or nil when there is none.
func internal(t *testing.T, diags []lsp.Diagnostic, stage string) *lsp.Diagnostic {
	t.Helper()
	var found *lsp.Diagnostic
	for i, d := range diags {
		if code(d) != CodeInternal {
			continue
		}
		require.Nil(t, found, "one internal error: %v", diags)
		found = &diags[i]
		assert.Equal(t, lsp.DiagnosticSeverityError, d.Severity)
		assert.Equal(t, uint32(0), d.Range.Start.Line, "on the first line")
		assert.Contains(t, message(d), "Internal error of litmusls while "+stage+": boom")
	}
	return found
}

// assertLogged checks that the log has the panic of stage with a stack.
func assertLogged(t *testing.T, logs *syncBuffer, stage string) {
	t.Helper()
	assert.Contains(t, logs.String(), "panic while "+stage)
	assert.Contains(t, logs.String(), "goroutine ", "the stack is logged")
}

// TestServerCheckPanic: a checker that panics on one document gives it an
// internal error and a lens that says so; the other documents are checked
// as usual, and the server serves on.
func TestServerCheckPanic(t *testing.T) {
	var logs syncBuffer
	check := func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		if strings.Contains(f.Name, "crash") {
			panic("boom")
		}
		return checker.Check(ctx, f, opts)
	}
	s := startChecked(t, Options{Check: check, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, `{"debounce": "1ms"}`)
	const crash, fine = uri.URI("file:///work/crash.litmus"), uri.URI("file:///work/fine.litmus")
	fineText := kernelTest(t, "MP+poonceonces.litmus")
	text := strings.Replace(fineText, "C MP+poonceonces", "C MP+crash", 1)
	require.NotEqual(t, fineText, text)

	s.open(crash, text)
	p := s.next()
	assert.Equal(t, crash, p.params.URI)
	d := only(t, p, CodeInternal)
	internal(t, []lsp.Diagnostic{d}, "checking")
	assertLogged(t, &logs, "checking")
	title, _ := s.lens(crash)
	assert.Equal(t, "Not checked: internal error of litmusls (see the diagnostics)", title)

	s.open(fine, fineText)
	p = s.next()
	assert.Equal(t, fine, p.params.URI)
	only(t, p, "reachable")

	// A new version of the crashing document gets the error again.
	c, _ := replace(t, text, "Result: Sometimes", "Result: Sometimes.")
	s.change(crash, 2, c)
	p = s.next()
	assert.Equal(t, int32(2), version(t, p))
	only(t, p, CodeInternal)
	s.shutdown()
}

// TestServerLintPanic: a panic in the second phase (lints) keeps the
// first phase's diagnostics and adds the internal error.
func TestServerLintPanic(t *testing.T) {
	var logs syncBuffer
	s := startLinted(t, Options{testHook: panicAt("lint"), Logger: slog.New(slog.NewTextHandler(&logs, nil))}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/crash.litmus")
	s.open(u, kernelTest(t, "MP+poonceonces.litmus"))
	first := s.next()
	only(t, first, "reachable")
	second := s.next()
	assert.Equal(t, int32(1), version(t, second))
	require.Len(t, second.params.Diagnostics, 2)
	assert.Equal(t, "reachable", code(second.params.Diagnostics[0]))
	require.NotNil(t, internal(t, second.params.Diagnostics, "linting"))
	assertLogged(t, &logs, "linting")
	s.shutdown()
}

// TestServerRewritesPanic: a panic while verifying a document's quick
// fixes in the background is published with its diagnostics, and again
// for a version that needs the same verification.
func TestServerRewritesPanic(t *testing.T) {
	var logs syncBuffer
	s := startChecked(t, Options{testHook: panicAt("rewrites"), Logger: slog.New(slog.NewTextHandler(&logs, nil))}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/crash.litmus")
	text := kernelTest(t, "MP+poonceonces.litmus")
	s.open(u, text)
	for v := int32(1); v <= 2; v++ {
		for {
			p := s.next()
			require.Equal(t, v, version(t, p))
			assert.NotEmpty(t, withCode(p.params.Diagnostics, "reachable"), "the check's diagnostics stay")
			if internal(t, p.params.Diagnostics, "verifying quick fixes") != nil {
				break
			}
		}
		// A comment: the same test, whose verification failed already.
		c, next := replace(t, text, "Result: Sometimes", "Result: Sometimes (again)")
		text = next
		s.change(u, v+1, c)
	}
	assertLogged(t, &logs, "verifying quick fixes")
	s.shutdown()
}

// TestServerTranslatePanic: a panic while translating an annotated C
// document is its internal error; the lens request is answered.
func TestServerTranslatePanic(t *testing.T) {
	var logs syncBuffer
	s := startChecked(t, Options{testHook: panicAt("translate"), Logger: slog.New(slog.NewTextHandler(&logs, nil))}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/crash.c")
	text := "// litmus: exists (x=1)\nint x;\n// litmus: thread\nvoid f(void) { x = 1; }\n"
	require.NoError(t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "c", Version: 1, Text: text},
	}))
	p := s.next()
	only(t, p, CodeInternal)
	internal(t, p.params.Diagnostics, "translating")
	assertLogged(t, &logs, "translating")
	lenses, err := s.server.CodeLens(s.ctx, &lsp.CodeLensParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
	assert.Empty(t, lenses)
	s.shutdown()
}

// TestServerCutoffNoVerdict: a check cut off after it reached the bad
// outcome says so in the lens and the diagnostics, and names no verdict.
func TestServerCutoffNoVerdict(t *testing.T) {
	cutoff := func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		res, err := checker.Check(ctx, f, opts)
		if err == nil {
			res.Cutoff = true // as if the budget ran out after every execution was found
		}
		return res, err
	}
	s := startChecked(t, Options{Check: cutoff}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/MP.litmus")
	s.open(u, kernelTest(t, "MP+poonceonces.litmus"))
	p := s.next()
	var codes []string
	for _, d := range p.params.Diagnostics {
		codes = append(codes, code(d))
		assert.NotRegexp(t, `Never|Sometimes|Always`, message(d))
	}
	assert.Equal(t, []string{"reachable", "budget"}, codes)
	assert.Contains(t, message(p.params.Diagnostics[0]), "(check cut off: counts so far)")
	assert.Contains(t, message(p.params.Diagnostics[1]), "so it gives no verdict")
	title, _ := s.lens(u)
	assert.Regexp(t, `^Cut off · no verdict · 4 states so far · `, title)
	assert.NotRegexp(t, `Never|Sometimes|Always`, title)
	s.shutdown()
}
