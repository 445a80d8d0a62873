package lsp

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// twoScenarioRace is annotated C with two scenarios that share the
// writer thread, whose plain write of data races with the plain read of
// data in either reader (no release orders it): the same race, at the
// same place, in both scenarios.
const twoScenarioRace = `int data, flag;

// litmus: test first
// litmus: threads writer reader_one
// litmus: exists (reader_one:f=1 /\ reader_one:d=0)

// litmus: test second
// litmus: threads writer reader_two
// litmus: exists (reader_two:f=1 /\ reader_two:d=0)

// litmus: thread
int writer(void *ctx)
{
	data = 1;
	WRITE_ONCE(flag, 1);
	return 0;
}

// litmus: thread
int reader_one(void *ctx)
{
	int f = READ_ONCE(flag);
	int d = data;
	return 0;
}

// litmus: thread
int reader_two(void *ctx)
{
	int f = smp_load_acquire(&flag);
	int d = -1;

	if (f)
		d = data;
	return 0;
}
`

// openCText writes text to name in a new directory and opens it.
func (s *checkSession) openCText(name, text string) uri.URI {
	s.t.Helper()
	path := filepath.Join(s.t.TempDir(), name)
	require.NoError(s.t, os.WriteFile(path, []byte(text), 0o644))
	u := uri.File(path)
	require.NoError(s.t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "c", Version: 1, Text: text},
	}))
	return u
}

// TestCScenariosMerged: a race that two scenarios of one file find at one
// place is one diagnostic, naming both scenarios; the races found by one
// scenario only name it; messages name threads as the C does.
func TestCScenariosMerged(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	u := s.openCText("race2.c", twoScenarioRace)
	latest := s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[u], "reachable")) == 2 })
	byLine := map[uint32][]string{}
	for _, d := range withCode(latest[u], "data-race") {
		byLine[d.Range.Start.Line] = append(byLine[d.Range.Start.Line], message(d))
	}
	// The writer's plain write races with each reader: one diagnostic,
	// each scenario's race on its own line.
	write := lineOf(t, twoScenarioRace, "data = 1;")
	require.Len(t, byLine[write], 1, "one diagnostic for the writer's race: %v", byLine)
	assert.Regexp(t, "^\\[first\\] Data race on data: this plain write races with reader_one's `data` (?s:.*)\n\\[second\\] Data race on data: this plain write races with reader_two's `data` ", byLine[write][0])
	readOne := lineOf(t, twoScenarioRace, "int d = data;")
	require.Len(t, byLine[readOne], 1, "%v", byLine)
	assert.Regexp(t, "^\\[first\\] Data race on data: this plain read races with writer's `data = 1` ", byLine[readOne][0])
	// Both scenarios' bad outcomes are on their own exists annotations.
	reach := withCode(latest[u], "reachable")
	require.Len(t, reach, 2)
	assert.Regexp(t, `^\[first\] `, message(reach[0]))
	assert.Regexp(t, `^\[second\] `, message(reach[1]))
	for _, d := range latest[u] {
		assert.NotRegexp(t, regexp.MustCompile(`\bP[0-9]\b|\b[0-9]:[a-z]`), message(d))
	}
}

// TestCWithFileAlone: the user-space file a "with" names, opened without
// the BPF file that names it, gets the diagnostics of that file's
// scenarios on its own lines: the plain read of completion races.
func TestCWithFileAlone(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"progs/atomics_xchg_plain.c", "prog_tests/atomics_xchg_plain.c"} {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "bpfc", rel))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, rel), src, 0o644))
	}
	userPath := filepath.Join(dir, "prog_tests", "atomics_xchg_plain.c")
	userText, err := os.ReadFile(userPath)
	require.NoError(t, err)
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	user := uri.File(userPath)
	require.NoError(t, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: user, LanguageID: "c", Version: 1, Text: string(userText)},
	}))
	latest := s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return len(withCode(l[user], "data-race")) > 0 })
	var lines []uint32
	for _, d := range withCode(latest[user], "data-race") {
		lines = append(lines, d.Range.Start.Line)
		assert.NotRegexp(t, `\bP[0-9]\b`, message(d))
	}
	assert.Contains(t, lines, lineOf(t, string(userText), "int done_seen = skel->bss->done;"))

	// Its quick fixes too, verified against the scenario on disk.
	at := positionOf(t, string(userText), "skel->bss->done;")
	for found := false; !found; {
		for _, a := range s.codeActions(user, lsp.Range{Start: at, End: at}, lsp.CodeActionKindQuickFix) {
			found = found || strings.Contains(a.Title, "becomes Never")
		}
		if !found {
			select {
			case <-s.ctx.Done():
				t.Fatal("no verified fix on the user-space read")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// TestMergeScenarios: one diagnostic per place, code and severity; the
// scenarios that say the same are listed together, those that differ get
// a line each; a file with one scenario gets no names; related locations
// are kept once each.
func TestMergeScenarios(t *testing.T) {
	at := func(line uint32, code, msg string, rel ...string) glsp.Diagnostic {
		sev := glsp.DiagnosticSeverityWarning
		d := glsp.Diagnostic{Range: glsp.Range{Start: glsp.Position{Line: line}, End: glsp.Position{Line: line, Character: 3}},
			Severity: &sev, Code: &glsp.IntegerOrString{Value: code}, Message: msg}
		for _, r := range rel {
			d.RelatedInformation = append(d.RelatedInformation, glsp.DiagnosticRelatedInformation{Message: r})
		}
		return d
	}
	msgs := func(ds []glsp.Diagnostic) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Message)
		}
		return out
	}
	got := mergeScenarios([]scenarioDiagnostic{
		{d: at(3, "data-race", "race with reader", "w"), scenario: "a", named: true},
		{d: at(3, "data-race", "race with reader", "w"), scenario: "b", named: true},
		{d: at(3, "data-race", "race with other", "o"), scenario: "c", named: true},
		{d: at(3, "reachable", "bad outcome"), scenario: "a", named: true},
		{d: at(5, "data-race", "race with reader"), scenario: "b", named: true},
	})
	assert.Equal(t, []string{"[a, b] race with reader\n[c] race with other", "[a] bad outcome", "[b] race with reader"}, msgs(got))
	require.Len(t, got[0].RelatedInformation, 2)
	assert.Equal(t, "w", got[0].RelatedInformation[0].Message)
	assert.Equal(t, "o", got[0].RelatedInformation[1].Message)

	got = mergeScenarios([]scenarioDiagnostic{
		{d: at(3, "data-race", "read races"), scenario: "only"},
		{d: at(3, "data-race", "write races"), scenario: "only"},
	})
	assert.Equal(t, []string{"read races\nwrite races"}, msgs(got))
}

// TestCWithFileAfterIncluderCloses: once the BPF file whose scenarios
// name the user-space file is closed, an edit of the user-space file
// still gets those scenarios' diagnostics: from the BPF file on disk.
func TestCWithFileAfterIncluderCloses(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	prog, _ := s.openC("progs/atomics_xchg_plain.c")
	user, userText := s.openC("prog_tests/atomics_xchg_plain.c")
	racy := lineOf(t, userText, "int done_seen = skel->bss->done;")
	hasRace := func(ds []lsp.Diagnostic) bool {
		for _, d := range withCode(ds, "data-race") {
			if d.Range.Start.Line == racy {
				return true
			}
		}
		return false
	}
	s.until(func(l map[uri.URI][]lsp.Diagnostic) bool { return hasRace(l[user]) })
	require.NoError(t, s.server.DidClose(s.ctx, &lsp.DidCloseTextDocumentParams{TextDocument: lsp.TextDocumentIdentifier{URI: prog}}))
	require.NoError(t, s.server.DidChange(s.ctx, &lsp.DidChangeTextDocumentParams{
		TextDocument:   lsp.VersionedTextDocumentIdentifier{TextDocumentIdentifier: lsp.TextDocumentIdentifier{URI: user}, Version: 2},
		ContentChanges: []lsp.TextDocumentContentChangeEvent{&lsp.TextDocumentContentChangeWholeDocument{Text: userText + "\n"}},
	}))
	for {
		p := s.next()
		if v, _ := p.params.Version.Get(); p.params.URI == user && v == 2 {
			assert.True(t, hasRace(p.params.Diagnostics), "%v", p.params.Diagnostics)
			return
		}
	}
}
