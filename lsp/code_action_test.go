package lsp

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// codeActions asks for the code actions of u at r.
func (s *checkSession) codeActions(u uri.URI, r lsp.Range, only ...lsp.CodeActionKind) []lsp.CodeAction {
	s.t.Helper()
	actions, err := s.server.CodeAction(s.ctx, &lsp.CodeActionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: u},
		Range:        r,
		Context:      lsp.CodeActionContext{Only: only},
	})
	require.NoError(s.t, err)
	out := make([]lsp.CodeAction, 0, len(actions))
	for _, a := range actions {
		ca, ok := a.(*lsp.CodeAction)
		require.True(s.t, ok, "a command instead of a code action: %#v", a)
		out = append(out, *ca)
	}
	return out
}

// applyEdits applies the edits of a code action for u to text, the way an
// editor does: each range refers to the text before any edit.
func applyEdits(t *testing.T, text string, u uri.URI, a lsp.CodeAction) string {
	t.Helper()
	require.NotNil(t, a.Edit, "action %q has no edit", a.Title)
	edits := a.Edit.Changes[u]
	require.NotEmpty(t, edits, "action %q edits nothing in %s", a.Title, u)
	doc := NewDocument("file:///x", 1, []byte(text))
	var changes []any
	// Apply from the last edit backwards so earlier ranges stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		r := glsp.Range{
			Start: glsp.Position{Line: e.Range.Start.Line, Character: e.Range.Start.Character},
			End:   glsp.Position{Line: e.Range.End.Line, Character: e.Range.End.Character},
		}
		changes = append(changes, glsp.TextDocumentContentChangeEvent{Range: &r, Text: e.NewText})
	}
	next, err := doc.Apply(2, changes)
	require.NoError(t, err)
	return string(next.Text)
}

// TestServerResultCommentFix: the result-mismatch error offers the
// corrected comment, and applying it clears the error.
func TestServerResultCommentFix(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/fixed.litmus")
	text := kernelTest(t, "MP+poonceonces.litmus")
	_, text = replace(t, text, "WRITE_ONCE(*flag, 1);", "smp_store_release(flag, 1);")
	_, text = replace(t, text, "READ_ONCE(*flag);", "smp_load_acquire(flag);")
	s.open(u, text)
	p := s.next()
	mismatch := p.params.Diagnostics[0]
	require.Equal(t, "result-mismatch", code(mismatch))

	assert.Empty(t, s.codeActions(u, mismatch.Range, lsp.CodeActionKindRefactor), "only refactorings asked for")
	actions := s.codeActions(u, lsp.Range{Start: mismatch.Range.Start, End: mismatch.Range.Start})
	require.Len(t, actions, 1)
	a := actions[0]
	assert.Equal(t, `Change the Result comment to "Never"`, a.Title)
	require.NotNil(t, a.Kind)
	assert.Equal(t, lsp.CodeActionKindQuickFix, *a.Kind)
	require.NotNil(t, a.IsPreferred)
	assert.True(t, *a.IsPreferred)
	require.Len(t, a.Diagnostics, 1)
	assert.Equal(t, "result-mismatch", code(a.Diagnostics[0]))

	fixed := applyEdits(t, text, u, a)
	assert.Contains(t, fixed, "Result: Never")
	s.change(u, 2, &lsp.TextDocumentContentChangeWholeDocument{Text: fixed})
	p = s.next()
	only(t, p, "never")
	assert.Empty(t, s.codeActions(u, lsp.Range{End: lsp.Position{Line: 100}}), "nothing left to fix")
	s.shutdown()
}

// TestServerRewriteActions: once a test is checked, the server verifies
// its rewrites in the background; the code actions on a load then offer
// READ_ONCE's acquire with its verified effect, and applying it makes the
// bad outcome Never.
func TestServerRewriteActions(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/mp.litmus")
	text := kernelTest(t, "MP+poonceonces.litmus")
	_, text = replace(t, text, "WRITE_ONCE(*flag, 1);", "smp_store_release(flag, 1);")
	_, text = replace(t, text, "Result: Sometimes", "Result: Sometimes (a release alone is not enough)")
	s.open(u, text)
	only(t, s.next(), "reachable")

	at := positionOf(t, text, "READ_ONCE(*flag)")
	cursor := lsp.Range{Start: at, End: at}
	var actions []lsp.CodeAction
	for len(actions) == 0 {
		actions = s.codeActions(u, cursor)
		if len(actions) == 0 {
			select {
			case <-s.ctx.Done():
				t.Fatal("the rewrites were never verified")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	titles := map[string]lsp.CodeAction{}
	for _, a := range actions {
		titles[a.Title] = a
	}
	t.Logf("actions: %q", keys(titles))
	acquire, ok := titles["Use smp_load_acquire (bad outcome becomes Never)"]
	require.True(t, ok, "titles: %v", keys(titles))
	require.NotNil(t, acquire.IsPreferred)
	assert.True(t, *acquire.IsPreferred, "the cheapest fix is preferred")
	for title, a := range titles {
		if title != acquire.Title {
			assert.False(t, a.IsPreferred != nil && *a.IsPreferred, "%q is not preferred", title)
		}
	}

	fixed := applyEdits(t, text, u, acquire)
	assert.Contains(t, fixed, "smp_load_acquire(flag)")
	s.change(u, 2, &lsp.TextDocumentContentChangeWholeDocument{Text: fixed})
	p := s.next()
	var codes []string
	for _, d := range p.params.Diagnostics {
		codes = append(codes, code(d))
	}
	assert.Equal(t, []string{"result-mismatch", "never"}, codes)
	s.shutdown()
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestServerLints: after the check's diagnostics, a second publication of
// the same version adds the lints and the cheapest fix fence synthesis
// found; its fix is a code action that makes the bad outcome Never. On a
// correct but over-fenced test, the hints say what a weaker barrier
// saves.
func TestServerLints(t *testing.T) {
	s := startLinted(t, Options{}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/mp-lint.litmus")
	text := kernelTest(t, "MP+poonceonces.litmus")
	s.open(u, text)
	first := s.next()
	assert.Equal(t, int32(1), version(t, first))
	only(t, first, "reachable")
	second := s.next()
	assert.Equal(t, int32(1), version(t, second), "the second phase republishes the same version")
	fixes := withCode(second.params.Diagnostics, "cheapest-fix")
	require.Len(t, fixes, 1, "diagnostics: %v", second.params.Diagnostics)
	assert.Equal(t, positionOf(t, text, "exists").Line, fixes[0].Range.Start.Line)
	assert.Contains(t, message(fixes[0]), "bad outcome becomes Never")
	assert.NotEmpty(t, withCode(second.params.Diagnostics, "reachable"), "the first phase's diagnostics stay")

	actions := s.codeActions(u, fixes[0].Range)
	var fix *lsp.CodeAction
	for i, a := range actions {
		if len(a.Diagnostics) == 1 && code(a.Diagnostics[0]) == "cheapest-fix" {
			fix = &actions[i]
			break
		}
	}
	require.NotNil(t, fix, "no code action for the cheapest fix among %d", len(actions))
	fixed := applyEdits(t, text, u, *fix)
	s.change(u, 2, &lsp.TextDocumentContentChangeWholeDocument{Text: fixed})
	p := s.next()
	assert.Equal(t, int32(2), version(t, p))
	assert.NotEmpty(t, withCode(p.params.Diagnostics, "never"), "the fix makes the outcome Never: %v", p.params.Diagnostics)

	const v = uri.URI("file:///work/mp-mb.litmus")
	over := kernelTest(t, "MP+fencewmbonceonce+fencermbonceonce.litmus")
	over = strings.Replace(over, "smp_wmb();", "smp_mb();", 1)
	s.open(v, over)
	var hints []lsp.Diagnostic
	for len(hints) == 0 {
		p := s.next()
		if p.params.URI == v {
			hints = withCode(p.params.Diagnostics, "over-fencing")
		}
	}
	assert.Equal(t, positionOf(t, over, "smp_mb();").Line, hints[0].Range.Start.Line)
	assert.Equal(t, lsp.DiagnosticSeverityHint, hints[0].Severity)
	t.Logf("hint: %s", message(hints[0]))

	// On the correct test, the actions at the barrier weaken it (once,
	// though both the hint and the rewrites offer it); none strengthens it
	// to no effect.
	at := positionOf(t, over, "smp_mb();")
	var rewrites []lsp.CodeAction
	for len(rewrites) == 0 {
		for _, a := range s.codeActions(v, lsp.Range{Start: at, End: at}) {
			require.NotNil(t, a.Kind)
			if strings.Contains(a.Title, "stays Never") {
				assert.Contains(t, a.Title, "saves", "a strengthening of a correct test: %q", a.Title)
			}
			if strings.HasPrefix(a.Title, "Use smp_wmb (") {
				rewrites = append(rewrites, a)
			}
		}
		if len(rewrites) == 0 {
			select {
			case <-s.ctx.Done():
				t.Fatal("no weakening offered on smp_mb()")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	assert.Len(t, rewrites, 1, "offered once: %v", titlesOf(rewrites))
	s.shutdown()
}

func titlesOf(actions []lsp.CodeAction) []string {
	var out []string
	for _, a := range actions {
		out = append(out, a.Title)
	}
	return out
}

// BenchmarkCodeAction measures one textDocument/codeAction round trip on
// the condition of a checked kernel test whose fixes are verified: the
// request the editor sends at every cursor move.
func BenchmarkCodeAction(b *testing.B) {
	s := startChecked(b, Options{}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/bench-actions.litmus")
	src, err := os.ReadFile(filepath.Join(corpusDir(b), "kernel", "MP+poonceonces.litmus"))
	require.NoError(b, err)
	text := strings.Replace(string(src), "Result: Sometimes", "Result: Never", 1)
	require.NoError(b, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: text},
	}))
	nextPublished(b, s.ctx, s.client.diags)
	line := uint32(strings.Count(text[:strings.Index(text, "exists")], "\n"))
	params := &lsp.CodeActionParams{TextDocument: lsp.TextDocumentIdentifier{URI: u},
		Range: lsp.Range{Start: lsp.Position{Line: line}, End: lsp.Position{Line: line}}}
	// Wait for the verified rewrites, so every request answers in full.
	deadline := time.Now().Add(30 * time.Second)
	for n := 0; n < 2 && time.Now().Before(deadline); {
		actions, err := s.server.CodeAction(s.ctx, params)
		require.NoError(b, err)
		if n = len(actions); n < 2 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	// An answer may come without the rewrites when their verification
	// outran the handler's budget (on a loaded machine): counted, since
	// such an answer is cheaper.
	requests, empty := 0, 0
	for b.Loop() {
		actions, err := s.server.CodeAction(s.ctx, params)
		require.NoError(b, err)
		requests++
		if len(actions) == 0 {
			empty++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(empty)/float64(requests), "empty/op")
	require.NoError(b, s.server.Shutdown(s.ctx))
	require.NoError(b, s.server.Exit(s.ctx))
	<-s.served
}
