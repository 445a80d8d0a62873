package rewrite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// rewriteTitles returns the titles of rws.
func rewriteTitles(rws []Rewrite) []string {
	var out []string
	for i := range rws {
		out = append(out, rws[i].Title())
	}
	return out
}

func TestStrengthenings(t *testing.T) {
	f, src := readTest(t, filepath.Join("testdata", "mp-plain.litmus"))
	assert.Equal(t, []string{
		"Use WRITE_ONCE on line 13",
		"Use smp_store_release on line 13",
		"Use WRITE_ONCE on line 14",
		"Use smp_store_release on line 14",
		"Use READ_ONCE on line 22",
		"Use smp_load_acquire on line 22",
		"Use READ_ONCE on line 23",
		"Use smp_load_acquire on line 23",
		"Insert smp_wmb() before line 14",
		"Insert smp_mb() before line 14",
		"Insert smp_rmb() before line 23",
		"Insert smp_mb() before line 23",
	}, rewriteTitles(Strengthenings(f, src)))
}

func TestWeakenings(t *testing.T) {
	src := []byte(`C w

{}

P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	smp_mb();
	smp_store_release(y, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	r0 = smp_load_acquire(y);
	smp_rmb();
	r1 = xchg(x, 2);
}

exists (1:r0=1 /\ 1:r1=0)
`)
	f, errs := syntax.Parse("w.litmus", src)
	require.Empty(t, errs)
	rws := Weakenings(f, src)
	assert.Equal(t, []string{
		"Remove smp_mb() on line 8",
		"Use smp_wmb on line 8",
		"Remove smp_rmb() on line 18",
		"Use WRITE_ONCE on line 9",
		"Use READ_ONCE on line 17",
		"Use xchg_relaxed on line 19",
		"Use xchg_acquire on line 19",
		"Use xchg_release on line 19",
	}, rewriteTitles(rws))
	want := []string{
		"\tWRITE_ONCE(*x, 1);\n\tsmp_store_release(y, 1);\n",
		"\tWRITE_ONCE(*x, 1);\n\tsmp_wmb();\n",
		"\tr0 = smp_load_acquire(y);\n\tr1 = xchg(x, 2);\n",
		"\tWRITE_ONCE(*y, 1);\n}",
		"\tr0 = READ_ONCE(*y);\n",
		"\tr1 = xchg_relaxed(x, 2);\n",
	}
	for i, w := range want {
		text := mustApply(t, src, rws[i].Edits)
		assert.Contains(t, string(text), w, rws[i].Title())
	}
}

func TestRewriteAddressArguments(t *testing.T) {
	src := []byte(`C a

{ int z = 0; }

P0(int *x)
{
	int r0;
	r0 = READ_ONCE(z);
	WRITE_ONCE(*x, r0);
}

P1(int *x)
{
	int r1;
	r1 = smp_load_acquire(&z);
	smp_store_release(x, 1);
}

exists (0:r0=1)
`)
	f, errs := syntax.Parse("a.litmus", src)
	require.Empty(t, errs)
	var got []string
	for _, rw := range append(Strengthenings(f, src), Weakenings(f, src)...) {
		if rw.Kind == RewriteUpgrade || rw.Kind == RewriteWeaken {
			text := mustApply(t, src, rw.Edits)
			got = append(got, string(text[rw.Site.Start:rw.Site.End+len(text)-len(src)]))
		}
	}
	assert.Equal(t, []string{"smp_load_acquire(&z)", "smp_store_release(x, r0)", "READ_ONCE(z)", "WRITE_ONCE(*x, 1)"}, got)
}

// TestRewritesReparse applies every rewrite of the vocabulary, one at a
// time, to every C test of the corpus: the edited text parses without
// errors, has the same threads, and prints the new primitive where the
// rewrite says, keeping every other line as the user wrote it.
func TestRewritesReparse(t *testing.T) {
	root := filepath.Join(testkit.SharedDir(t), "corpus")
	var files []string
	for _, dir := range []string{"kernel", "herd-linux", "paulmck/*", "paulmck/*/*", "paulmck/*/*/*"} {
		m, err := filepath.Glob(filepath.Join(root, dir, "*.litmus"))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	n := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, errs := syntax.Parse(filepath.Base(path), src)
		if len(errs) > 0 || f.Dialect != syntax.DialectC {
			continue
		}
		rws := append(Strengthenings(f, src), Weakenings(f, src)...)
		for i := range rws {
			rw := &rws[i]
			text, err := analysis.Apply(src, rw.Edits)
			require.NoError(t, err)
			g, errs := syntax.Parse(filepath.Base(path), text)
			if !assert.Empty(t, errs, "%s: %s:\n%s", path, rw.Title(), text) {
				continue
			}
			assert.Equal(t, len(f.Threads), len(g.Threads))
			if rw.To != "" {
				assert.Contains(t, string(text), rw.To+"(", "%s: %s", path, rw.Title())
			}
			// Lines the edit does not touch are unchanged.
			srcLines := strings.Split(string(src), "\n")
			textLines := strings.Split(string(text), "\n")
			delta := len(textLines) - len(srcLines)
			assert.Contains(t, []int{-1, 0, 1}, delta)
			editLine := f.Lines.Position(rw.Edits[0].Span.Start).Line - 1
			for k := 0; k < editLine && k < len(srcLines); k++ {
				assert.Equal(t, srcLines[k], textLines[k])
			}
			if rw.Kind == RewriteInsert && delta == 1 {
				// The inserted line is indented as the next one.
				ins := textLines[editLine]
				next := textLines[editLine+1]
				assert.Equal(t, next[:len(next)-len(strings.TrimLeft(next, " \t"))], ins[:len(ins)-len(strings.TrimLeft(ins, " \t"))])
			}
			n++
		}
	}
	t.Logf("%d rewrites over %d tests", n, len(files))
	assert.Greater(t, n, 500)
}

func TestPrimitiveCost(t *testing.T) {
	for _, arch := range primitive.Archs {
		assert.LessOrEqual(t, PrimitiveCost("READ_ONCE", arch), PrimitiveCost("smp_load_acquire", arch), arch)
		assert.LessOrEqual(t, PrimitiveCost("smp_wmb", arch), PrimitiveCost("smp_mb", arch), arch)
		assert.LessOrEqual(t, PrimitiveCost("xchg_relaxed", arch), PrimitiveCost("xchg", arch), arch)
		assert.LessOrEqual(t, PrimitiveCost("xchg_acquire", arch), PrimitiveCost("xchg", arch), arch)
	}
	assert.Equal(t, 0, PrimitiveCost("smp_wmb", primitive.X86_64))
	assert.Greater(t, PrimitiveCost("smp_mb", primitive.X86_64), 0)
	assert.Greater(t, PrimitiveCost("smp_mb", primitive.PowerPC64), PrimitiveCost("smp_rmb", primitive.PowerPC64))
	// Every primitive the parser knows has a cost (unknown names cost 0;
	// every access and fence costs something somewhere).
	for name := range syntax.Primitives {
		if rwPrimKind(name) != 0 || name == "smp_mb" {
			assert.Greater(t, costOf(name).Max(primitive.Archs), 0, name)
		}
	}
	rw := Rewrite{From: "smp_mb", To: "smp_wmb"}
	assert.Equal(t, -30, rw.Delta().On(primitive.PowerPC64))
	assert.Equal(t, -15, rw.Delta().On(primitive.X86_64))
}

func TestRewriteCRLF(t *testing.T) {
	src := []byte(strings.ReplaceAll(`C crlf

{}

P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	smp_mb();
	WRITE_ONCE(*y, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*y);
	r1 = READ_ONCE(*x);
}

exists (1:r0=1 /\ 1:r1=0)
`, "\n", "\r\n"))
	f, errs := syntax.Parse("crlf.litmus", src)
	require.Empty(t, errs)
	for _, rw := range append(Strengthenings(f, src), Weakenings(f, src)...) {
		text := mustApply(t, src, rw.Edits)
		assert.NotRegexp(t, "[^\r]\n", string(text), rw.Title())
		_, errs := syntax.Parse("crlf.litmus", text)
		assert.Empty(t, errs)
	}
}

// FuzzRewrites: on any text, the rewrites of the vocabulary never panic
// and always apply; on a text that parses cleanly, every rewrite's result
// parses cleanly too.
func FuzzRewrites(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("C x\n{}\nP0(int *x, int *y) { *y = *x; r0 = READ_ONCE(*(x)); smp_store_release(&y, 1); }\nexists (0:r0=1)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := syntax.Parse("fuzz.litmus", src)
		for _, rw := range append(Strengthenings(file, src), Weakenings(file, src)...) {
			text, err := analysis.Apply(src, rw.Edits)
			if err != nil {
				t.Fatalf("%s: %v", rw.Title(), err)
			}
			if len(errs) == 0 {
				if _, errs2 := syntax.Parse("fuzz.litmus", text); len(errs2) > 0 {
					t.Fatalf("%s: the edited text does not parse: %v\n%s", rw.Title(), errs2, text)
				}
			}
		}
	})
}

// TestStrengtheningsElseIf: the blocks of an else-if chain have gaps too.
func TestStrengtheningsElseIf(t *testing.T) {
	src := []byte(`C elseif

{}

P0(int *x, int *y, int *z)
{
	int r0;

	r0 = READ_ONCE(*z);
	if (r0 == 1) {
		WRITE_ONCE(*z, 2);
	} else if (r0 == 2) {
		WRITE_ONCE(*x, 1);
		WRITE_ONCE(*y, 1);
	}
}

exists (x=1)
`)
	f, errs := syntax.Parse("elseif.litmus", src)
	require.Empty(t, errs)
	assert.Contains(t, rewriteTitles(Strengthenings(f, src)), "Insert smp_wmb() before line 14")
}

// TestCheckCacheTexts: a text checked once is known by its exact bytes,
// so asking again parses nothing; a text that differs only in layout is
// not known by its bytes but still by its printed tree, with the same
// outcome.
func TestCheckCacheTexts(t *testing.T) {
	f, src := readTest(t, filepath.Join("testdata", "mp-plain.litmus"))
	cache := NewCheckCache(0)
	v := newVerifier(f, 0, cache)
	_, known := cache.getText(src)
	require.False(t, known)
	o, err := v.check(context.Background(), src)
	require.NoError(t, err)
	got, known := cache.getText(src)
	require.True(t, known)
	assert.Same(t, o, got)
	again, err := v.check(context.Background(), src)
	require.NoError(t, err)
	assert.Same(t, o, again)

	relaid := append([]byte("\n"), src...)
	_, known = cache.getText(relaid)
	assert.False(t, known)
	o2, err := v.check(context.Background(), relaid)
	require.NoError(t, err)
	assert.Same(t, o, o2, "the printed tree's entry")

	_, err = v.check(context.Background(), []byte("C broken\n{\n"))
	var u *errUncheckable
	require.ErrorAs(t, err, &u)
	_, known = cache.getText([]byte("C broken\n{\n"))
	assert.False(t, known, "a text that does not parse is not remembered")
}
