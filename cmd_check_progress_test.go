package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTimeout(t *testing.T) {
	good := map[string]time.Duration{
		"5":      5 * time.Second,
		"2.5":    2500 * time.Millisecond,
		"0":      0,
		"1e1":    10 * time.Second,
		"5s":     5 * time.Second,
		"1m30s":  90 * time.Second,
		"500ms":  500 * time.Millisecond,
		"1ns":    time.Nanosecond,
		"0.0001": 100 * time.Microsecond,
	}
	for s, want := range good {
		got, err := parseTimeout(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, want, got, s)
		}
	}
	for _, s := range []string{"", "5x", "-1", "-2s", "inf", "NaN", "0x10", "1_000", "1e300", "s"} {
		_, err := parseTimeout(s)
		assert.Error(t, err, s)
	}
}

// kernelTests returns n tests of ../shared/corpus/kernel and herd7's
// output for them, one after the other (the corpus's .expected files),
// without the Hash lines, which litmusls does not print.
func kernelTests(t *testing.T, n int) ([]string, string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "shared", "corpus", "kernel", "*.litmus"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), n)
	var want strings.Builder
	for _, p := range paths[:n] {
		b, err := os.ReadFile(p + ".expected")
		require.NoError(t, err)
		want.WriteString(stripHash(string(b)))
	}
	return paths[:n], want.String()
}

// stripHash drops herd7's Hash= lines.
func stripHash(s string) string {
	return regexp.MustCompile(`(?m)^Hash=.*\n`).ReplaceAllString(s, "")
}

// TestCheckSummary checks a run over several tests on a stderr that is
// not a terminal: stdout is herd7's text alone, stderr has no progress
// line but the summary.
func TestCheckSummary(t *testing.T) {
	paths, want := kernelTests(t, 4)
	bad := writeTest(t, "bad.litmus", "C bad\n{}\nP0(int *x) { WRITE_ONCE(*x, ; }\nexists (x=1)\n")
	var out, errb bytes.Buffer
	args := append([]string{"check", "--timeout", "30"}, paths...)
	require.Equal(t, 1, dispatch(append(args, bad), &out, &errb), errb.String())
	assert.Equal(t, want, stripTime(out.String()))
	assert.NotContains(t, errb.String(), "\r")
	assert.NotContains(t, errb.String(), "\x1b")
	lines := strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	assert.Contains(t, lines[0], "bad.litmus:3:")
	// The four kernel tests: CoRR, CoRW, CoWR, CoWW, all Never (their
	// Result: comments, and herd7's .expected).
	assert.Regexp(t, `^5 tests in \d+\.\d s: 4 Never; 1 error, 0 cut off$`, lines[len(lines)-1])

	// One test: no summary.
	out.Reset()
	errb.Reset()
	require.Equal(t, 0, dispatch([]string{"check", paths[0]}, &out, &errb))
	assert.Empty(t, errb.String())
}

// fakeTerminal stands for a terminal on stderr: it says it is one, and is
// safe for the progress ticker and the command writing at once.
type fakeTerminal struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *fakeTerminal) IsTerminal() bool { return true }

func (s *fakeTerminal) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *fakeTerminal) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCheckProgress checks a run that lasts over a second with a terminal
// on stderr: the progress line is drawn and redrawn in place, erased
// before each message, and stdout is herd7's text alone. The run lasts
// 1.5 s: a bench test that takes much longer is cut off then.
func TestCheckProgress(t *testing.T) {
	paths, want := kernelTests(t, 6)
	// The 19-process RCU ring: 524,288 candidates, several seconds.
	slow := filepath.Join("..", "shared", "bench", "C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G.litmus")
	bad := writeTest(t, "bad.litmus", "C bad\n{}\nP0(int *x) { WRITE_ONCE(*x, ; }\nexists (x=1)\n")
	var out bytes.Buffer
	var errb fakeTerminal
	args := append([]string{"check", "--timeout", "1.5"}, paths...)
	require.Equal(t, 1, dispatch(append(args, slow, bad), &out, &errb))
	assert.Equal(t, want, stripTime(out.String()))

	e := errb.String()
	assert.Regexp(t, `\r\[\d/8\] \d+ s\x1b\[K`, e)
	// Every message starts on a clean line: the progress line, when
	// drawn, was erased just before it.
	for _, msg := range []string{"Test auto/C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G cut off after 1.5s: no result\n", bad + ":3:", "8 tests in "} {
		i := strings.Index(e, msg)
		require.GreaterOrEqual(t, i, 0, "%q not in %q", msg, e)
		if before := e[:i]; strings.Contains(before, "\r[") {
			assert.True(t, strings.HasSuffix(before, "\r\x1b[K") || strings.HasSuffix(before, "\n"), "%q is not on a clean line: %q", msg, before)
		}
	}
	// The run ends on the summary; the verdicts are herd7's (the corpus's
	// .expected files).
	assert.Regexp(t, `(\r\x1b\[K|\n)8 tests in \d+\.\d s: 5 Never, 1 Sometimes; 1 error, 1 cut off\n$`, e)
}

// TestProgressErase: a write on stderr or stdout while the progress line
// shows erases it first (stdout may be the same terminal); otherwise it
// goes as it is.
func TestProgressErase(t *testing.T) {
	var term fakeTerminal
	p := &progress{w: &term, live: true, verdicts: map[string]int{}}
	out := p.stdout(&term)
	p.shown = true
	_, err := out.Write([]byte("Test A Allowed\n"))
	require.NoError(t, err)
	_, err = out.Write([]byte("States 1\n"))
	require.NoError(t, err)
	p.shown = true
	_, err = p.Write([]byte("a message\n"))
	require.NoError(t, err)
	assert.Equal(t, "\r\x1b[KTest A Allowed\nStates 1\n\r\x1b[Ka message\n", term.String())

	// Not a terminal: stdout is left alone.
	q := &progress{w: &bytes.Buffer{}, verdicts: map[string]int{}}
	var plain bytes.Buffer
	assert.Same(t, &plain, q.stdout(&plain))
}

// TestProgressLine checks the words of the progress line and of the
// summary, cut-offs included.
func TestProgressLine(t *testing.T) {
	p := &progress{total: 5388, start: time.Unix(100, 0), verdicts: map[string]int{}}
	p.done = 1234
	assert.Equal(t, "[1234/5388] 41 s", p.line(time.Unix(141, 500)))
	p.cutoffs = 2
	assert.Equal(t, "[1234/5388] 41 s, 2 cut off", p.line(time.Unix(141, 500)))
	p.verdicts["Always"], p.verdicts["Never"] = 3, 1229
	assert.Equal(t, "1234 tests in 41.5 s: 1229 Never, 3 Always; 0 errors, 2 cut off", p.summary(41500*time.Millisecond))
	p.verdicts = map[string]int{}
	p.errors = 1
	assert.Equal(t, "1234 tests in 0.2 s: no verdict; 1 error, 2 cut off", p.summary(200*time.Millisecond))
}

// FuzzParseTimeout: --timeout's reader never panics, and what it accepts
// is a limit of zero or more, the seconds it was given when they are a
// plain number.
func FuzzParseTimeout(f *testing.F) {
	for _, s := range []string{"5", "2.5", "1m30s", "500ms", "-1", "inf", "1e300", "0x1p3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTimeout(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseTimeout(%q) = %v, negative", s, d)
		}
		if secs, perr := strconv.ParseFloat(s, 64); perr == nil && secs < 1e6 {
			if got := d.Seconds(); got < secs-1e-6 || got > secs+1e-6 {
				t.Fatalf("parseTimeout(%q) = %v, not %g seconds", s, d, secs)
			}
		}
	})
}

// TestTimeoutFlagsAgree: every time limit on the command line reads
// seconds as check's --timeout does, and refuses what it refuses.
func TestTimeoutFlagsAgree(t *testing.T) {
	sb := filepath.Join("..", "shared", "corpus", "kernel", "SB+poonceonces.litmus")
	for _, args := range [][]string{
		{"check", "--timeout", "5", sb},
		{"check", "--lint", "--lint-budget", "2.5", sb},
		{"fix", "--dry-run", "--timeout", "5", sb},
		{"selftest", "--count", "1", "--seed", "3", "--timeout", "2.5", "--out", t.TempDir()},
	} {
		code, _, errs := run(args...)
		assert.NotEqual(t, 2, code, "%v: %s", args, errs)
		assert.NotContains(t, errs, "invalid value", "%v", args)
	}
	for _, args := range [][]string{
		{"check", "--lint-budget", "-1", sb},
		{"fix", "--timeout", "5x", sb},
		{"selftest", "--timeout", "inf"},
	} {
		code, _, errs := run(args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errs, "invalid value", "%v", args)
	}
}
