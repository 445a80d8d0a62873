package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// The stress test sends a burst of edits as fast as the connection takes
// them, to a server running the real checker, and checks that only the
// last version's diagnostics are published, and that they are right.

// rapidEditCount is the number of edits in a burst: versions 2 to 101.
const rapidEditCount = 100

// rapidEditTest is the kernel corpus test the burst edits.
const rapidEditTest = "MP+poonceonces.litmus"

// rapidEdits prepares a burst of edits of the corpus test text: it returns
// the text to open, one incremental change for each of versions 2 to
// rapidEditCount+1, and the text after the last.
//
// The opened text's condition asks whether P1 reads flag=101. Odd versions
// make P0 write the version number to flag, a real change with a new
// outcome each time (never 101 before the last version, which is 101);
// even versions edit the comment after P0's name, which the check cache
// ignores. So every intermediate version's verdict is Never, the last one's
// is Sometimes, and the last text was never checked before: the checker
// must run for it.
func rapidEdits(text string) (open string, changes []lsp.TextDocumentContentChangeEvent, final string, err error) {
	replace := func(text, old, new string) (lsp.TextDocumentContentChangeEvent, string, error) {
		i := strings.Index(text, old)
		if i < 0 {
			return nil, "", fmt.Errorf("%q not found", old)
		}
		start, end := offsetPosition(text, i), offsetPosition(text, i+len(old))
		return partial(start.Line, start.Character, end.Line, end.Character, new), text[:i] + new + text[i+len(old):], nil
	}
	if _, text, err = replace(text, "exists (1:r0=1", "exists (1:r0=101"); err != nil {
		return "", nil, "", err
	}
	open = text
	flag, comment := "WRITE_ONCE(*flag, 1);", "// Producer"
	for v := 2; v <= rapidEditCount+1; v++ {
		var c lsp.TextDocumentContentChangeEvent
		if v%2 == 1 {
			next := fmt.Sprintf("WRITE_ONCE(*flag, %d);", v)
			c, text, err = replace(text, flag, next)
			flag = next
		} else {
			next := fmt.Sprintf("// Producer, edit %d", v)
			c, text, err = replace(text, comment, next)
			comment = next
		}
		if err != nil {
			return "", nil, "", err
		}
		changes = append(changes, c)
	}
	return open, changes, text, nil
}

// burst is what one burst of edits showed the client.
type burst struct {
	published []published // every publication after the edits began, in order
	sent      time.Time   // when the last edit was sent
	latency   time.Duration
	last      []lsp.Diagnostic // the first diagnostics published for the last version
}

// sendBurst opens the rapid-edit test in s as u, waits for its first
// diagnostics (the opened text is a correct test with no fence, for which
// the second phase finds nothing), sends the burst of edits as fast as the
// connection takes them, and waits for the first diagnostics of the last
// version; latency is the time from sending the last edit to them. It
// returns the final text too.
func sendBurst(tb testing.TB, s *checkSession, u uri.URI) (burst, string) {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join(corpusDir(tb), "kernel", rapidEditTest))
	require.NoError(tb, err)
	open, changes, final, err := rapidEdits(string(src))
	require.NoError(tb, err)

	require.NoError(tb, s.server.DidOpen(s.ctx, &lsp.DidOpenTextDocumentParams{
		TextDocument: lsp.TextDocumentItem{URI: u, LanguageID: "litmus", Version: 1, Text: open},
	}))
	select {
	case p := <-s.client.diags:
		v, _ := p.params.Version.Get()
		require.Equal(tb, int32(1), v)
	case <-s.ctx.Done():
		tb.Fatal("no diagnostics for the opened document")
	}

	last := int32(rapidEditCount + 1)
	var b burst
	for i, c := range changes {
		require.NoError(tb, s.server.DidChange(s.ctx, &lsp.DidChangeTextDocumentParams{
			TextDocument: lsp.VersionedTextDocumentIdentifier{
				TextDocumentIdentifier: lsp.TextDocumentIdentifier{URI: u}, Version: int32(i + 2)},
			ContentChanges: []lsp.TextDocumentContentChangeEvent{c},
		}))
		b.sent = time.Now()
	}
	for {
		select {
		case p := <-s.client.diags:
			b.published = append(b.published, p)
			if v, _ := p.params.Version.Get(); v == last {
				b.latency = time.Since(b.sent)
				b.last = p.params.Diagnostics
				return b, final
			}
		case <-s.ctx.Done():
			tb.Fatalf("no diagnostics for version %d; got %d publications", last, len(b.published))
		}
	}
}

// quiet is how long a client waits to be sure nothing more is published:
// well past the debounce.
const quiet = DefaultDebounce + 300*time.Millisecond

// TestRapidEdits sends 100 edits as fast as possible, with the default
// debounce and with none (where each version's check starts at once and is
// cancelled by the next), with the second phase of diagnostics (lints and
// fence synthesis, which publishes a version again) and without. It checks
// that the versions published never go back and end at the last, that
// nothing is published after the last version's diagnostics (its two
// phases: the final text is a broken test, for which the second phase
// finds the cheapest fix), and that those are the diagnostics of the final
// text opened afresh. It logs the time from the last edit to the last
// version's diagnostics; it asserts nothing on timing.
func TestRapidEdits(t *testing.T) {
	for _, tt := range []struct {
		name   string
		start  func(testing.TB, Options, string) *checkSession
		phases int
		init   string
	}{
		{"default debounce", startChecked, 1, ""},
		{"no debounce", startChecked, 1, `{"debounce": "0s"}`},
		{"lints, default debounce", startLinted, 2, ""},
		{"lints, no debounce", startLinted, 2, `{"debounce": "0s"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.start(t, Options{}, tt.init)
			const u = uri.URI("file:///work/rapid.litmus")
			b, final := sendBurst(t, s, u)
			// The last version's second phase.
			all := b.published
			for len(all) < len(b.published)+tt.phases-1 {
				all = append(all, s.next())
			}
			lastAt := time.Now()

			// Versions never go back; each is published once per phase.
			prev, count := int32(1), 0
			var versions []int32
			for _, p := range all {
				v := version(t, p)
				versions = append(versions, v)
				assert.GreaterOrEqual(t, v, prev, "diagnostics for version %d after version %d's", v, prev)
				if v == prev {
					count++
				} else {
					count = 1
				}
				assert.LessOrEqual(t, count, tt.phases, "version %d published more than once per phase", v)
				prev = v
			}
			assert.Equal(t, int32(rapidEditCount+1), prev)

			// Nothing more comes: a round trip, then well past the debounce.
			roundTrip(t, s, u)
			select {
			case p := <-s.client.diags:
				t.Errorf("diagnostics for version %d after the last version's", version(t, p))
			case <-time.After(quiet):
			}

			// The last version's first diagnostics are those of the final
			// text: the bad outcome, P1 reading 101 from flag, is reachable.
			require.NotEmpty(t, b.last)
			d := b.last[0]
			assert.Equal(t, "reachable", code(d))
			assert.Contains(t, message(d), "Reachable: 1 of 4 allowed executions satisfy (1:r0=101 /\\ 1:r1=0)")
			assert.Contains(t, message(d), "WRITE_ONCE(*flag, 101)")
			assert.GreaterOrEqual(t, s.checks.Load(), int32(2), "the checker ran for the final text")
			last := all[len(all)-1].params.Diagnostics
			if tt.phases == 1 {
				assert.Len(t, b.last, 1, "diagnostics: %v", b.last)
			} else {
				assert.Greater(t, len(last), len(b.last), "the second phase adds to the first")
				assert.Equal(t, b.last, last[:len(b.last)], "the second phase keeps the first")
			}

			// And its diagnostics are exactly what a new session finds for
			// the final text.
			fresh := tt.start(t, Options{}, "")
			fresh.open(u, final)
			var p published
			for range tt.phases {
				p = fresh.next()
			}
			assert.Equal(t, p.params.Diagnostics, last)

			t.Logf("%d edits: %d publications (versions %v), %d checks; the last version's diagnostics %v after the last edit, all of them after %v",
				rapidEditCount, len(all), versions, s.checks.Load(), b.latency.Round(time.Millisecond/10), lastAt.Sub(b.sent).Round(time.Millisecond/10))
			fresh.shutdown()
			s.shutdown()
		})
	}
}

// roundTrip makes a round trip to the server of s: once it returns, the
// server has handled everything sent before.
func roundTrip(t *testing.T, s *checkSession, u uri.URI) {
	t.Helper()
	_, err := s.server.DocumentSymbol(s.ctx, &lsp.DocumentSymbolParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(t, err)
}

// BenchmarkRapidEdits measures, with the server's defaults (debounce,
// second phase of diagnostics on), the time from the last of 100 edits sent
// as fast as possible to the first diagnostics of its version
// (ms-after-last-edit, the mean over the iterations) and to its second
// phase (ms-after-last-edit-lints); the distribution is logged. Each
// iteration is a new session, so the final text is always checked afresh.
func BenchmarkRapidEdits(b *testing.B) {
	var first, second []time.Duration
	for i := range b.N {
		b.StopTimer()
		s := startLinted(b, Options{}, "")
		b.StartTimer()
		burst, _ := sendBurst(b, s, uri.URI(fmt.Sprintf("file:///work/rapid%d.litmus", i)))
		select {
		case <-s.client.diags:
		case <-s.ctx.Done():
			b.Fatal("no second phase of diagnostics for the last version")
		}
		second = append(second, time.Since(burst.sent))
		b.StopTimer()
		first = append(first, burst.latency)
		require.NoError(b, s.server.Shutdown(s.ctx))
		require.NoError(b, s.server.Exit(s.ctx))
		<-s.served
		b.StartTimer()
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	mean := func(ds []time.Duration) time.Duration {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return sum / time.Duration(len(ds))
	}
	b.ReportMetric(ms(mean(first)), "ms-after-last-edit")
	b.ReportMetric(ms(mean(second)), "ms-after-last-edit-lints")
	for _, l := range []struct {
		what string
		ds   []time.Duration
	}{{"first diagnostics", first}, {"with lints", second}} {
		sort.Slice(l.ds, func(i, j int) bool { return l.ds[i] < l.ds[j] })
		b.Logf("%d bursts of %d edits, debounce %v: the last version's %s after the last edit: min %v, median %v, max %v",
			len(l.ds), rapidEditCount, DefaultDebounce, l.what, l.ds[0], l.ds[len(l.ds)/2], l.ds[len(l.ds)-1])
	}
}
