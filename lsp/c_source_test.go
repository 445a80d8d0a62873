package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/litmusls/litmusls/syntax/bpfc"
)

// openC opens the C file testdata/bpfc/rel of the repository under its
// real path, so that its "with" annotations resolve, and returns its URI
// and text.
func (s *checkSession) openC(rel string) (uri.URI, string) {
	s.t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "testdata", "bpfc", rel))
	require.NoError(s.t, err)
	src, err := os.ReadFile(path)
	require.NoError(s.t, err)
	u := uri.File(path)
	require.NoError(s.t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "c", Version: 1, Text: string(src)},
	}))
	return u, string(src)
}

// until reads published diagnostics until ok holds for the latest ones of
// each document.
func (s *checkSession) until(ok func(latest map[uri.URI][]lsp.Diagnostic) bool) map[uri.URI][]lsp.Diagnostic {
	s.t.Helper()
	latest := map[uri.URI][]lsp.Diagnostic{}
	for !ok(latest) {
		p := s.next()
		latest[p.params.URI] = p.params.Diagnostics
	}
	return latest
}

func withCode(diags []lsp.Diagnostic, c string) []lsp.Diagnostic {
	var out []lsp.Diagnostic
	for _, d := range diags {
		if code(d) == c {
			out = append(out, d)
		}
	}
	return out
}

func lineOf(t *testing.T, text, sub string) uint32 {
	t.Helper()
	return positionOf(t, text, sub).Line
}

// TestServerBPFC: annotated BPF C and its user-space side are checked in
// place. The selftest-shaped atomics pair with an acquire load of
// completion never sees the old value; with a plain load, the outcome is
// reachable and the user-space read races, reported on the user-space
// line.
func TestServerBPFC(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)

	prog, progText := s.openC("progs/atomics_xchg.c")
	user, userText := s.openC("prog_tests/atomics_xchg.c")
	latest := s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[prog], "never")) > 0 })
	never := withCode(latest[prog], "never")[0]
	assert.Equal(t, lineOf(t, progText, "litmus: exists"), never.Range.Start.Line, "on the exists annotation")
	assert.Empty(t, withCode(latest[prog], "data-race"))
	assert.Empty(t, withCode(latest[prog], "reachable"))

	// Hover on the builtin: the BPF instruction and its JIT lowering.
	h, err := s.server.Hover(s.ctx, &lsp.HoverParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: prog}, Position: positionOf(t, progText, "__sync_lock_test_and_set")}})
	require.NoError(t, err)
	require.NotNil(t, h)
	md := fmt.Sprint(h.Contents)
	for _, want := range []string{"XCHG", "xchg", "x86-64", "arm64", "powerpc64", "riscv64"} {
		assert.Contains(t, md, want)
	}
	h, err = s.server.Hover(s.ctx, &lsp.HoverParams{TextDocumentPositionParams: lsp.TextDocumentPositionParams{
		TextDocument: lsp.TextDocumentIdentifier{URI: user}, Position: positionOf(t, userText, "__atomic_load_n")}})
	require.NoError(t, err)
	require.NotNil(t, h)
	assert.Contains(t, fmt.Sprint(h.Contents), "acquire")

	prog, progText = s.openC("progs/atomics_xchg_plain.c")
	user, userText = s.openC("prog_tests/atomics_xchg_plain.c")
	latest = s.until(func(l map[uri.URI][]lsp.Diagnostic) bool {
		return len(withCode(l[prog], "reachable")) > 0 && len(withCode(l[user], "data-race")) > 0
	})
	reach := withCode(latest[prog], "reachable")[0]
	assert.Equal(t, lineOf(t, progText, "litmus: exists"), reach.Range.Start.Line)
	assert.Equal(t, lsp.DiagnosticSeverityWarning, reach.Severity)
	races := withCode(latest[user], "data-race")
	var lines []uint32
	for _, d := range races {
		lines = append(lines, d.Range.Start.Line)
		assert.True(t, strings.HasPrefix(message(d), "Data race on "), message(d))
	}
	assert.Contains(t, lines, lineOf(t, userText, "int done_seen = skel->bss->done;"), "the plain read of completion races: %v", races)

	// A quick fix on the user-space read of completion, verified by
	// translating the edited C and checking it, makes the outcome Never.
	at := positionOf(t, userText, "skel->bss->done;")
	var acquire *lsp.CodeAction
	for acquire == nil {
		for _, a := range s.codeActions(user, lsp.Range{Start: at, End: at}, lsp.CodeActionKindQuickFix) {
			if strings.Contains(a.Title, "becomes Never") {
				acquire = &a
				break
			}
		}
		if acquire == nil {
			select {
			case <-s.ctx.Done():
				t.Fatal("no verified fix on the user-space read")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	t.Logf("fix: %s", acquire.Title)
	fixedUser := applyEdits(t, userText, user, *acquire)
	require.NoError(t, s.server.DidChange(s.ctx, &lsp.DidChangeTextDocumentParams{
		TextDocument:   lsp.VersionedTextDocumentIdentifier{TextDocumentIdentifier: lsp.TextDocumentIdentifier{URI: user}, Version: 2},
		ContentChanges: []lsp.TextDocumentContentChangeEvent{&lsp.TextDocumentContentChangeWholeDocument{Text: fixedUser}},
	}))
	s.until(func(l map[uri.URI][]lsp.Diagnostic) bool {
		return len(withCode(l[prog], "never")) > 0 && len(withCode(l[user], "data-race")) == 0 && l[user] != nil
	})

	// The code lens sums up the scenario on its annotation; a source action
	// opens the generated test.
	lenses, err := s.server.CodeLens(s.ctx, &lsp.CodeLensParams{TextDocument: lsp.TextDocumentIdentifier{URI: prog}})
	require.NoError(t, err)
	require.Len(t, lenses, 1)
	assert.Regexp(t, `^atomics_xchg_plain: Never · \d+ states · `, lenses[0].Command.Title)
	assert.Equal(t, lineOf(t, progText, "litmus: test atomics_xchg_plain"), lenses[0].Range.Start.Line)

	actions := s.codeActions(prog, lsp.Range{}, lsp.CodeActionKindSource)
	require.Len(t, actions, 1)
	assert.Equal(t, "Open the litmus test generated for atomics_xchg_plain", actions[0].Title)
	require.NotNil(t, actions[0].Command)
	res, err := s.server.ExecuteCommand(s.ctx, &lsp.ExecuteCommandParams{Command: actions[0].Command.Command, Arguments: actions[0].Command.Arguments})
	require.NoError(t, err)
	var target string
	require.NoError(t, json.Unmarshal(res, &target), "result %s", res)
	generated, err := os.ReadFile(uriPath(glsp.DocumentUri(target)))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(generated), "C atomics_xchg_plain"), string(generated))

	// Other features stay out of C.
	edits, err := s.server.Formatting(s.ctx, &lsp.DocumentFormattingParams{TextDocument: lsp.TextDocumentIdentifier{URI: prog}})
	require.NoError(t, err)
	assert.Empty(t, edits)
	s.shutdown()
}

// TestTranslationReuse: a C document's translation is reused while it and
// the open files it read keep their versions, and made again when one
// changes or a file it read from disk is opened.
func TestTranslationReuse(t *testing.T) {
	ss := newSession(context.Background(), NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	open := func(rel string, version int32, text []byte) *Document {
		path, err := filepath.Abs(filepath.Join("..", "testdata", "bpfc", rel))
		require.NoError(t, err)
		if text == nil {
			text, err = os.ReadFile(path)
			require.NoError(t, err)
		}
		doc := NewDocument(glsp.DocumentUri(uri.File(path)), version, text)
		doc.Lang = LangC
		ss.docs.open(doc)
		return doc
	}
	prog := open("progs/atomics_xchg.c", 1, nil)
	first, err := ss.translate(prog)
	require.NoError(t, err)
	again, err := ss.translate(prog)
	require.NoError(t, err)
	assert.Same(t, first, again, "same versions: reused")

	user := open("prog_tests/atomics_xchg.c", 1, nil) // was read from disk
	opened, err := ss.translate(prog)
	require.NoError(t, err)
	assert.NotSame(t, first, opened, "a file read from disk is now open")
	again, err = ss.translate(prog)
	require.NoError(t, err)
	assert.Same(t, opened, again)

	open("prog_tests/atomics_xchg.c", 2, append(user.Text, '\n'))
	changed, err := ss.translate(prog)
	require.NoError(t, err)
	assert.NotSame(t, opened, changed, "the user-space side changed")
}

// TestShowTranslationHerdText: the generated test the source action opens
// is the one translate prints, which herd7 reads: spin_counter.c's plain
// "c->cnt += 1" is written as a load and a store, since herd7's C has no
// compound assignment.
func TestShowTranslationHerdText(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	u, text := s.openC("spin_counter.c")
	s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return l[u] != nil })
	actions := s.codeActions(u, lsp.Range{}, lsp.CodeActionKindSource)
	require.Len(t, actions, 1)
	res, err := s.server.ExecuteCommand(s.ctx, &lsp.ExecuteCommandParams{Command: actions[0].Command.Command, Arguments: actions[0].Command.Arguments})
	require.NoError(t, err)
	var target string
	require.NoError(t, json.Unmarshal(res, &target), "result %s", res)
	generated, err := os.ReadFile(uriPath(glsp.DocumentUri(target)))
	require.NoError(t, err)
	path, err := filepath.Abs(filepath.Join("..", "testdata", "bpfc", "spin_counter.c"))
	require.NoError(t, err)
	tr, err := bpfc.Translate(path, []byte(text), os.ReadFile)
	require.NoError(t, err)
	require.Len(t, tr.Scenarios, 1)
	assert.Contains(t, string(tr.Scenarios[0].Text), "+=", "the analysis text keeps the compound assignment")
	assert.Equal(t, string(tr.Scenarios[0].Herd), string(generated))
	assert.NotContains(t, string(generated), "+=")
	s.shutdown()
}

// TestOldClangCaveat: cpu_smp_mb.c is store buffering with bpf_atomic.h's
// smp_mb() written out, an unused __sync_fetch_and_add to a stack slot:
// Never as clang 20 builds it at -mcpu=v3 (a full barrier), Sometimes with
// -mcpu=v1/v2 or an older clang (no barrier; herd7 on the hand
// translations, as the file says). The editor warns at the first such
// call, as check's note does.
func TestOldClangCaveat(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	u, text := s.openC("cpu_smp_mb.c")
	latest := s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[u], "never")) > 0 })
	old := withCode(latest[u], "old-clang")
	require.Len(t, old, 1, "%v", latest[u])
	assert.Equal(t, lineOf(t, text, "__sync_fetch_and_add(&dummy, 0);"), old[0].Range.Start.Line)
	assert.Equal(t, lsp.DiagnosticSeverityWarning, old[0].Severity)
	assert.Contains(t, old[0].Message, "correct only with clang 20 or later")
	assert.Contains(t, old[0].Message, "the result is then Sometimes, not Never")
	s.shutdown()
}
