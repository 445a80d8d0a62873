package lsp

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// parsesOf returns how many times the server has parsed name since
// counting started, starting the count if need be.
func parsesOf(name string) int { return parseCounts.of(name) }

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

// diagnosesOf returns how many times the server has run analysis's
// Diagnose on a version of the litmus document name since counting
// started, starting the count if need be.
func diagnosesOf(name string) int { return diagnoseCounts.of(name) }

// TestCodeActionsFromSnapshot: code actions answer from what the
// diagnosis run kept in the version's snapshot: asking three times runs
// no check, remap or Diagnose beyond the diagnosis run's one.
func TestCodeActionsFromSnapshot(t *testing.T) {
	const u = uri.URI("file:///work/actions-from-snapshot.litmus")
	before := diagnosesOf(string(u))
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	text := kernelTest(t, "MP+poonceonces.litmus")
	_, text = replace(t, text, "WRITE_ONCE(*flag, 1);", "smp_store_release(flag, 1);")
	_, text = replace(t, text, "READ_ONCE(*flag);", "smp_load_acquire(flag);")
	s.open(u, text)
	mismatch := s.next().params.Diagnostics[0]
	require.Equal(t, "result-mismatch", code(mismatch))
	checks := s.checks.Load()
	for range 3 {
		actions := s.codeActions(u, lsp.Range{Start: mismatch.Range.Start, End: mismatch.Range.Start}, lsp.CodeActionKindQuickFix)
		require.NotEmpty(t, actions)
		assert.Equal(t, `Change the Result comment to "Never"`, actions[0].Title)
	}
	assert.Equal(t, 1, diagnosesOf(string(u))-before, "Diagnose runs on one version")
	assert.Equal(t, checks, s.checks.Load(), "checks run by code actions")
	s.shutdown()
}

// translations counts the translations the server makes, by document.
type translations struct {
	mu sync.Mutex
	n  map[string]int
}

func (tc *translations) hook(stage string, u glsp.DocumentUri) {
	if stage == "translate" {
		tc.mu.Lock()
		tc.n[string(u)]++
		tc.mu.Unlock()
	}
}

func (tc *translations) of(u uri.URI) int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.n[string(u)]
}

// TestTranslationHeldPerVersion: lenses and code actions on an annotated
// C file answer from the translation its version's snapshot holds; when
// the file its "with" names changes, the translation is made again in the
// background, not by the next request.
func TestTranslationHeldPerVersion(t *testing.T) {
	tc := &translations{n: map[string]int{}}
	s := startChecked(t, Options{testHook: tc.hook}, `{"debounce": "1ms"}`)
	prog, progText := s.openC("progs/atomics_xchg.c")
	user, userText := s.openC("prog_tests/atomics_xchg.c")
	s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[prog], "never")) > 0 })
	s.lens(prog) // the held translation, or the first one of a version no run translated yet
	n := tc.of(prog)
	require.Positive(t, n)
	for range 3 {
		s.lens(prog)
		s.codeActions(prog, lsp.Range{Start: positionOf(t, progText, "__sync_lock_test_and_set")})
	}
	assert.Equal(t, n, tc.of(prog), "requests translated again")

	// With diagnosis held back, a request after the change answers from
	// the translation held, stale as it is, and does not translate.
	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"litmusls": {"debounce": "1h"}}`),
	}))
	s.change(user, 2, &lsp.TextDocumentContentChangeWholeDocument{Text: userText + "\n// edited\n"})
	s.lens(prog)
	s.codeActions(prog, lsp.Range{Start: positionOf(t, progText, "__sync_lock_test_and_set")})
	assert.Equal(t, n, tc.of(prog), "a request translated again")

	// Diagnosis, in the background, translates the program again.
	require.NoError(t, s.server.DidChangeConfiguration(s.ctx, &lsp.DidChangeConfigurationParams{
		Settings: lsp.LSPAny(`{"litmusls": {"debounce": "1ms"}}`),
	}))
	s.change(user, 3, &lsp.TextDocumentContentChangeWholeDocument{Text: userText + "\n// edited again\n"})
	for tc.of(prog) == n {
		select {
		case <-s.ctx.Done():
			t.Fatal("the program was not translated again after its user-space side changed")
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[prog], "never")) > 0 })
	n = tc.of(prog)
	s.lens(prog)
	s.codeActions(prog, lsp.Range{Start: positionOf(t, progText, "__sync_lock_test_and_set")})
	assert.Equal(t, n, tc.of(prog), "requests translated again")
	s.shutdown()
}
