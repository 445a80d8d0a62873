package rewrite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// readTest reads and parses a test, which must have no syntax errors.
func readTest(t testing.TB, path string) (*syntax.File, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, errs := syntax.Parse(filepath.Base(path), src)
	require.Empty(t, errs)
	return f, src
}

// cursorAt returns the empty span at the start of the n-th (0-based)
// occurrence of marker in src.
func cursorAt(t testing.TB, src []byte, marker string, n int) syntax.Span {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		j := bytes.Index(src[off:], []byte(marker))
		require.GreaterOrEqual(t, j, 0, "marker %q #%d not found", marker, n)
		if i == n {
			return syntax.Span{Start: off + j, End: off + j}
		}
		off += j + 1
	}
}

func titles(acts []Action) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.Title)
	}
	return out
}

// applyAndCheck applies an action and checks the result, which must parse
// cleanly.
func applyAndCheck(t *testing.T, name string, src []byte, edits []analysis.Edit) (*analysis.Outcome, []byte) {
	t.Helper()
	text, err := analysis.Apply(src, edits)
	require.NoError(t, err)
	f, errs := syntax.Parse(name, text)
	require.Empty(t, errs, "edited text:\n%s", text)
	res, err := checker.Check(context.Background(), f, checker.Options{})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	return analysis.OutcomeOf(res), text
}

func TestActionsPlainLoad(t *testing.T) {
	path := filepath.Join("testdata", "mp-plain.litmus")
	f, src := readTest(t, path)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "*flag;", 0), ActionOptions{})
	assert.Equal(t, []string{
		"Use READ_ONCE (bad outcome stays reachable)",
		"Use smp_load_acquire (bad outcome stays reachable)",
		"Insert smp_rmb() before line 23 (bad outcome stays reachable)",
		"Insert smp_mb() before line 23 (bad outcome stays reachable)",
	}, titles(acts))
	for _, a := range acts[:2] {
		assert.Equal(t, ActionKindQuickFix, a.Kind)
		assert.False(t, a.Fixes)
		o, text := applyAndCheck(t, path, src, a.Edits)
		assert.Equal(t, a.Verdict, o.Verdict)
		assert.Contains(t, string(text), "\tr0 = "+strings.Fields(a.Title)[1])
	}
	assert.Contains(t, string(mustApply(t, src, acts[1].Edits)), "r0 = smp_load_acquire(flag);")
}

func TestActionsPlainStore(t *testing.T) {
	path := filepath.Join("testdata", "mp-plain.litmus")
	f, src := readTest(t, path)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "*flag = 1", 0), ActionOptions{})
	require.Len(t, acts, 4, "%q", titles(acts))
	assert.Equal(t, "Use WRITE_ONCE (bad outcome stays reachable)", acts[0].Title)
	assert.Equal(t, "Use smp_store_release (bad outcome stays reachable)", acts[1].Title)
	assert.Contains(t, string(mustApply(t, src, acts[1].Edits)), "\tsmp_store_release(flag, 1);\n")
	// Between the two stores: smp_wmb() and smp_mb(), on their own line.
	assert.Equal(t, "Insert smp_wmb() before line 14 (bad outcome stays reachable)", acts[2].Title)
	assert.Equal(t, "Insert smp_mb() before line 14 (bad outcome stays reachable)", acts[3].Title)
	assert.Contains(t, string(mustApply(t, src, acts[2].Edits)), "\t*buf = 1;\n\tsmp_wmb();\n\t*flag = 1;\n")
}

func TestActionsMessagePassing(t *testing.T) {
	dir := filepath.Join(testkit.SharedDir(t), "corpus", "kernel")
	path := filepath.Join(dir, "MP+poonceonces.litmus")
	f, src := readTest(t, path)
	ctx := context.Background()

	// On the reader's flag load: acquire fixes nothing alone.
	acts := Actions(ctx, f, src, cursorAt(t, src, "READ_ONCE(*flag)", 0), ActionOptions{})
	require.NotEmpty(t, acts)
	assert.Equal(t, "Use smp_load_acquire (bad outcome stays reachable)", acts[0].Title)

	// Between the reader's loads: smp_rmb() and smp_mb(), neither enough
	// alone, and no smp_wmb().
	acts = Actions(ctx, f, src, cursorAt(t, src, "r1 = READ_ONCE", 0), ActionOptions{})
	var ts []string
	for _, a := range acts {
		ts = append(ts, a.Title)
	}
	assert.Contains(t, ts, "Insert smp_rmb() before line 24 (bad outcome stays reachable)")
	assert.NotContains(t, strings.Join(ts, "\n"), "smp_wmb")

	// With the release already there, the acquire fixes it.
	fixed := bytes.Replace(src, []byte("WRITE_ONCE(*flag, 1)"), []byte("smp_store_release(flag, 1)"), 1)
	f2, errs := syntax.Parse("mp.litmus", fixed)
	require.Empty(t, errs)
	acts = Actions(ctx, f2, fixed, cursorAt(t, fixed, "READ_ONCE(*flag)", 0), ActionOptions{Cache: NewCheckCache(0)})
	require.NotEmpty(t, acts)
	assert.Equal(t, "Use smp_load_acquire (bad outcome becomes Never)", acts[0].Title)
	assert.True(t, acts[0].Fixes)
	assert.True(t, acts[0].Preferred)
	assert.Equal(t, "Never", acts[0].Verdict)
	o, _ := applyAndCheck(t, path, fixed, acts[0].Edits)
	assert.False(t, o.Bad)
}

func TestActionsStoreBufferingOneLine(t *testing.T) {
	path := filepath.Join("testdata", "sb-oneline.litmus")
	f, src := readTest(t, path)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "WRITE_ONCE(*x, 1)", 0), ActionOptions{})
	var mb *Action
	for i := range acts {
		if strings.HasPrefix(acts[i].Title, "Insert smp_mb()") {
			mb = &acts[i]
		}
		assert.NotContains(t, acts[i].Title, "smp_rmb", "no load before the gap")
		assert.NotContains(t, acts[i].Title, "smp_wmb", "no store after the gap")
	}
	require.NotNil(t, mb, "%q", titles(acts))
	assert.Contains(t, mb.Title, "(bad outcome stays reachable)")
	text := mustApply(t, src, mb.Edits)
	assert.Contains(t, string(text), "WRITE_ONCE(*x, 1); smp_mb(); r0 = READ_ONCE(*y); }")
	// With the fence on the other side too, it is fixed.
	other := Actions(context.Background(), f, src, cursorAt(t, src, "WRITE_ONCE(*y, 1)", 0), ActionOptions{})
	var edits []analysis.Edit
	edits = append(edits, mb.Edits...)
	for _, a := range other {
		if strings.HasPrefix(a.Title, "Insert smp_mb()") {
			edits = append(edits, a.Edits...)
		}
	}
	o, _ := applyAndCheck(t, path, src, edits)
	assert.False(t, o.Bad)
}

func TestActionsCancelled(t *testing.T) {
	path := filepath.Join("testdata", "mp-plain.litmus")
	f, src := readTest(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Nil(t, Actions(ctx, f, src, cursorAt(t, src, "*flag;", 0), ActionOptions{}))
}

func mustApply(t *testing.T, src []byte, edits []analysis.Edit) []byte {
	t.Helper()
	text, err := analysis.Apply(src, edits)
	require.NoError(t, err)
	return text
}

func TestActionsOnCondition(t *testing.T) {
	f, src := readTest(t, filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+poonceonces.litmus"))
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "exists", 0), ActionOptions{})
	require.Len(t, acts, 2, "%q", titles(acts))
	assert.True(t, acts[0].Preferred)
	assert.False(t, acts[1].Preferred)
	for _, a := range acts {
		assert.True(t, a.Fixes)
		assert.Equal(t, "Never", a.Verdict)
		assert.Contains(t, a.Title, "(bad outcome becomes Never; ")
		o, _ := applyAndCheck(t, "MP.litmus", src, a.Edits)
		assert.True(t, o.OK())
	}
	assert.Equal(t, "Use smp_store_release on line 15, smp_load_acquire on line 23 (bad outcome becomes Never; +20 on powerpc64, +4 on arm64, free on x86-64; saves 60 on powerpc64 against smp_mb() in each thread)", acts[0].Title)

	// A correct test has nothing to offer there.
	f, src = readTest(t, filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+pooncerelease+poacquireonce.litmus"))
	assert.Empty(t, Actions(context.Background(), f, src, cursorAt(t, src, "exists", 0), ActionOptions{}))
}

func TestActionsDataRace(t *testing.T) {
	src := []byte(`C race

{}

P0(int *x)
{
	*x = 1;
}

P1(int *x)
{
	int r0;

	r0 = READ_ONCE(*x);
}

exists (1:r0=1)
`)
	f, errs := syntax.Parse("race.litmus", src)
	require.Empty(t, errs)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "*x = 1", 0), ActionOptions{})
	assert.Equal(t, []string{
		"Use WRITE_ONCE (data race gone; outcome still Sometimes)",
		"Use smp_store_release (data race gone; outcome still Sometimes)",
	}, titles(acts))
	require.Len(t, acts, 2)
	assert.True(t, acts[0].Fixes)
	assert.True(t, acts[0].Preferred, "the cheaper of the two")
	assert.False(t, acts[1].Preferred)
}

// TestActionsEveryOffset asks for the rewrites at every byte of some
// corpus tests and of a broken text: nothing panics, and every rewrite
// offered at a cursor touches it or a gap next to it.
func TestActionsEveryOffset(t *testing.T) {
	dir := filepath.Join(testkit.SharedDir(t), "corpus", "kernel")
	var srcs [][]byte
	for _, name := range []string{"MP+poonceonces", "dep+plain", "Z6.0+pooncelock+poonceLock+pombonce", "ISA2+pooncelock+pooncelock+pombonce"} {
		_, src := readTest(t, filepath.Join(dir, name+".litmus"))
		srcs = append(srcs, src)
	}
	srcs = append(srcs, []byte("C broken\n{}\nP0(int *x) { *x = ; r0 = READ_ONCE(*x) smp_mb(); }\nexists (0:r0=1"))
	for _, src := range srcs {
		f, _ := syntax.Parse("t.litmus", src)
		l := ScanLayout(f, src)
		offered := 0
		for off := 0; off <= len(src); off++ {
			for _, rw := range l.rewritesAt(syntax.Span{Start: off, End: off}) {
				offered++
				_, err := analysis.Apply(src, rw.Edits)
				assert.NoError(t, err)
			}
		}
		assert.Greater(t, offered, 0, "%s", src[:20])
	}
	// The broken text cannot be checked: no actions, and no panic.
	broken := srcs[len(srcs)-1]
	f, errs := syntax.Parse("broken.litmus", broken)
	require.NotEmpty(t, errs)
	for off := 0; off <= len(broken); off += 7 {
		assert.Empty(t, Actions(context.Background(), f, broken, syntax.Span{Start: off, End: off}, ActionOptions{}))
	}
}

func TestActionsAtomics(t *testing.T) {
	src := []byte(`C sb-xchg

{}

P0(int *x, int *y)
{
	int r0;
	int r1;

	r0 = xchg_relaxed(x, 1);
	r1 = READ_ONCE(*y);
}

P1(atomic_t *y, int *x)
{
	int r0;
	int r1;

	r0 = atomic_fetch_add_relaxed(1, y);
	r1 = READ_ONCE(*x);
}

exists (0:r1=0 /\ 1:r1=0)
`)
	f, errs := syntax.Parse("sb-xchg.litmus", src)
	require.Empty(t, errs)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "xchg_relaxed", 0), ActionOptions{})
	assert.Equal(t, []string{
		"Use xchg_acquire (bad outcome stays reachable)",
		"Use xchg_release (bad outcome stays reachable)",
		"Use xchg (bad outcome stays reachable)",
		"Insert smp_mb__after_atomic() before line 11 (bad outcome stays reachable)",
		"Insert smp_rmb() before line 11 (bad outcome stays reachable)",
		"Insert smp_mb() before line 11 (bad outcome stays reachable)",
	}, titles(acts))
	require.Len(t, acts, 6)
	assert.Contains(t, string(mustApply(t, src, acts[2].Edits)), "\tr0 = xchg(x, 1);\n")

	// With the other side fully ordered, the full exchange fixes it, and
	// so do the full fences after it; smp_mb__after_atomic() is the
	// cheapest (free on x86, where the exchange is already locked).
	src2 := bytes.Replace(src, []byte("atomic_fetch_add_relaxed"), []byte("atomic_fetch_add"), 1)
	f2, errs := syntax.Parse("sb-xchg.litmus", src2)
	require.Empty(t, errs)
	acts = Actions(context.Background(), f2, src2, cursorAt(t, src2, "xchg_relaxed", 0), ActionOptions{})
	byTitle := map[string]Action{}
	for _, a := range acts {
		byTitle[a.Title] = a
	}
	require.Contains(t, byTitle, "Use xchg (bad outcome becomes Never)", "%q", titles(acts))
	require.Contains(t, byTitle, "Insert smp_mb() before line 11 (bad outcome becomes Never)")
	require.Contains(t, byTitle, "Insert smp_mb__after_atomic() before line 11 (bad outcome becomes Never)")
	require.Contains(t, byTitle, "Insert smp_rmb() before line 11 (bad outcome stays reachable)")
	assert.True(t, byTitle["Insert smp_mb__after_atomic() before line 11 (bad outcome becomes Never)"].Preferred)
	assert.False(t, byTitle["Use xchg (bad outcome becomes Never)"].Preferred)

	// On the relaxed fetch-add: its fully ordered variant.
	acts = Actions(context.Background(), f, src, cursorAt(t, src, "atomic_fetch_add_relaxed", 0), ActionOptions{})
	require.NotEmpty(t, acts)
	assert.Contains(t, titles(acts), "Use atomic_fetch_add (bad outcome stays reachable)")
}

func TestSynthesizeForall(t *testing.T) {
	src := []byte(`C mp-forall

{}

P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	WRITE_ONCE(*flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*flag);
	r1 = READ_ONCE(*buf);
}

forall (1:r0=0 \/ 1:r1=1)
`)
	f, errs := syntax.Parse("mp-forall.litmus", src)
	require.Empty(t, errs)
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{Fixes: 1})
	require.NoError(t, err)
	require.Len(t, syn.Fixes, 1)
	assert.Equal(t, "Always", syn.Fixes[0].Outcome.Verdict)
	assert.Contains(t, syn.Fixes[0].Title, "(forall now always holds; +20 on powerpc64")
}

func TestActionsWeaken(t *testing.T) {
	path := filepath.Join("testdata", "mp-mb.litmus")
	f, src := readTest(t, path)
	acts := Actions(context.Background(), f, src, cursorAt(t, src, "smp_mb();", 0), ActionOptions{})
	assert.Equal(t, []string{"Use smp_wmb (outcome stays Never; saves 30 on powerpc64, 5 on arm64, 15 on x86-64)"}, titles(acts))
	require.Len(t, acts, 1)
	assert.Equal(t, ActionKindRewrite, acts[0].Kind)
	assert.False(t, acts[0].Fixes)
	assert.False(t, acts[0].Preferred)
	o, _ := applyAndCheck(t, path, src, acts[0].Edits)
	assert.True(t, o.OK())

	// A needed release is not offered for weakening.
	f, src = readTest(t, filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+pooncerelease+poacquireonce.litmus"))
	assert.Empty(t, Actions(context.Background(), f, src, cursorAt(t, src, "smp_store_release", 0), ActionOptions{}))
	// In a broken test, nothing is weakened.
	f, src = readTest(t, filepath.Join("testdata", "sb-release.litmus"))
	for _, a := range Actions(context.Background(), f, src, cursorAt(t, src, "smp_store_release(x", 0), ActionOptions{}) {
		assert.Equal(t, ActionKindQuickFix, a.Kind, a.Title)
	}
}
