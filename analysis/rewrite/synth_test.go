package rewrite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// shape describes what a test's threads access, ignoring how: per thread,
// the sequence of loads, stores and RMWs with the location each names, and
// the condition. Two tests of one shape differ only in markings, fences
// and ordering variants: a fixed twin of a broken test.
func shape(f *syntax.File, src []byte) string {
	l := ScanLayout(f, src)
	var b strings.Builder
	for ti := range f.Threads {
		fmt.Fprintf(&b, "P%d:", ti)
		for _, a := range l.Accesses {
			if a.thread != ti {
				continue
			}
			kind := map[rwKind]string{rwLoad: "R", rwStore: "W", rwLoad | rwStore: "U", rwLock: "L"}[a.kind]
			fmt.Fprintf(&b, " %s%s", kind, l.location(&a))
		}
		b.WriteString(";")
	}
	if f.Cond != nil {
		b.WriteString(string(src[f.Cond.Span.Start:f.Cond.Span.End]))
	}
	// Calls that are neither accesses nor fences (locks, RCU) are part of
	// the shape too.
	otherCalls(f, func(name string) { b.WriteString(" " + name) })
	return b.String()
}

// location names the variable an access reaches: "x" for *x, x, &x.
func (l *Layout) location(a *Access) string {
	var x syntax.Expr
	switch {
	case a.Deref != nil:
		x = a.Deref.X
	case a.Call != nil && len(a.Call.Args) > 0:
		x = a.Call.Args[0]
	default:
		return "?"
	}
	return strings.TrimLeft(l.text(x), "*&()")
}

type corpusTest struct {
	path string
	name string
	f    *syntax.File
	src  []byte
	res  *checker.Result
}

func loadKernelCorpus(t testing.TB) []*corpusTest {
	t.Helper()
	dir := filepath.Join(testkit.SharedDir(t), "corpus", "kernel")
	paths, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	var out []*corpusTest
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		f, errs := syntax.Parse(filepath.Base(p), src)
		require.Empty(t, errs, p)
		res, err := checker.Check(context.Background(), f, checker.Options{})
		require.NoError(t, err)
		require.Empty(t, res.Errors, p)
		out = append(out, &corpusTest{path: p, name: strings.TrimSuffix(filepath.Base(p), ".litmus"), f: f, src: src, res: res})
	}
	return out
}

// twins returns, for each broken test (bad outcome reachable or racy),
// the tests of the corpus with the same family prefix (the name before the
// first "+") and the same shape whose outcome is Never and race-free.
func twins(tests []*corpusTest) map[*corpusTest][]*corpusTest {
	out := map[*corpusTest][]*corpusTest{}
	for _, b := range tests {
		if analysis.OutcomeOf(b.res).OK() {
			continue
		}
		fam := strings.SplitN(b.name, "+", 2)[0]
		sh := shape(b.f, b.src)
		for _, g := range tests {
			if g == b || !analysis.OutcomeOf(g.res).OK() || strings.SplitN(g.name, "+", 2)[0] != fam {
				continue
			}
			if shape(g.f, g.src) == sh {
				out[b] = append(out[b], g)
			}
		}
	}
	return out
}

// TestSynthesizeTwins: on every reachable-outcome test of the kernel
// corpus that has a fixed twin, synthesis finds a fix, verified by the
// checker, that is never costlier than the twin on the target
// architectures (and on each one alone).
func TestSynthesizeTwins(t *testing.T) {
	tests := loadKernelCorpus(t)
	tw := twins(tests)
	require.GreaterOrEqual(t, len(tw), 6, "twins found: %v", tw)
	var names []string
	for b := range tw {
		names = append(names, b.name)
	}
	sort.Strings(names)
	byName := map[string]*corpusTest{}
	for _, c := range tests {
		byName[c.name] = c
	}
	targets := [][]primitive.Arch{nil, {primitive.PowerPC64}, {primitive.ARM64}, {primitive.X86_64}}
	for _, name := range names {
		b := byName[name]
		for _, archs := range targets {
			syn, err := Synthesize(context.Background(), b.f, b.src, SynthOptions{Archs: archs, Fixes: 1, Base: b.res})
			require.NoError(t, err)
			if !assert.NotEmpty(t, syn.Fixes, "%s %v: no fix (checked %d, cutoff %v)", name, archs, syn.Checked, syn.Cutoff) {
				continue
			}
			fx := syn.Fixes[0]
			text, err := analysis.Apply(b.src, fx.Edits)
			require.NoError(t, err)
			g, errs := syntax.Parse(b.path, text)
			require.Empty(t, errs)
			res, err := checker.Check(context.Background(), g, checker.Options{})
			require.NoError(t, err)
			assert.True(t, analysis.OutcomeOf(res).OK(), "%s: %s", name, fx.Title)
			fixedCost := TestCost(g, text).Max(archs)
			assert.Equal(t, TestCost(b.f, b.src).Add(fx.Cost).Max(archs), fixedCost, "cost of the changes adds up")
			for _, twin := range tw[b] {
				twinCost := TestCost(twin.f, twin.src).Max(archs)
				assert.LessOrEqual(t, fixedCost, twinCost, "%s %v: %s costs more than twin %s", name, archs, fx.Title, twin.name)
				if archs == nil {
					t.Logf("%s: %s [cost %d; twin %s costs %d; %d sets checked]", name, fx.Title, fixedCost, twin.name, twinCost, syn.Checked)
				}
			}
		}
	}
}

// TestSynthesizeTwoFixes asks for two fixes of message passing: both
// verified, the second no cheaper than the first and not a superset of
// it.
func TestSynthesizeTwoFixes(t *testing.T) {
	f, src := readTest(t, filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+poonceonces.litmus"))
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{})
	require.NoError(t, err)
	require.Len(t, syn.Fixes, 2)
	assert.False(t, syn.Base.OK())
	a, b := syn.Fixes[0], syn.Fixes[1]
	assert.LessOrEqual(t, a.Cost.Max(nil), b.Cost.Max(nil))
	for _, fx := range syn.Fixes {
		assert.Equal(t, "Never", fx.Outcome.Verdict)
		assert.Contains(t, fx.Title, "(bad outcome becomes Never; ")
		assert.Len(t, fx.Rewrites, 2, fx.Title)
	}
	assert.NotEqual(t, a.Title, b.Title)
	assert.Contains(t, a.SavedText(nil), "saves ")
}

func TestSynthesizeImpossible(t *testing.T) {
	// The outcome is allowed by coherence alone: no ordering removes it.
	src := []byte(`C co

{}

P0(int *x)
{
	WRITE_ONCE(*x, 1);
}

P1(int *x)
{
	int r0;
	r0 = READ_ONCE(*x);
}

exists (1:r0=1)
`)
	f, errs := syntax.Parse("co.litmus", src)
	require.Empty(t, errs)
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{})
	require.NoError(t, err)
	assert.True(t, syn.Impossible)
	assert.Empty(t, syn.Fixes)
}

func TestSynthesizeRace(t *testing.T) {
	f, src := readTest(t, filepath.Join("testdata", "mp-plain.litmus"))
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{Fixes: 1})
	require.NoError(t, err)
	require.Len(t, syn.Fixes, 1)
	fx := syn.Fixes[0]
	assert.True(t, fx.Outcome.OK())
	text := mustApply(t, src, fx.Edits)
	assert.NotContains(t, string(text), "= *", "every plain access is marked:\n%s", text)
	assert.Contains(t, fx.Title, "data race gone; bad outcome becomes Never")
}

func TestSynthesizeCancelled(t *testing.T) {
	f, src := readTest(t, filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+poonceonces.litmus"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Synthesize(ctx, f, src, SynthOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	// A tiny budget ends the search early without an error.
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{Budget: time.Nanosecond})
	require.NoError(t, err)
	assert.True(t, syn.Cutoff || len(syn.Fixes) > 0)
}

// BenchmarkSynthesize reports the time to synthesize fixes for each
// reachable-outcome test of the kernel corpus.
func BenchmarkSynthesize(b *testing.B) {
	tests := loadKernelCorpus(b)
	for _, c := range tests {
		if analysis.OutcomeOf(c.res).OK() {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Synthesize(context.Background(), c.f, c.src, SynthOptions{Base: c.res}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestSynthesizeNestedAccesses(t *testing.T) {
	// "*y = *x" nests a plain load in a plain store: their rewrites
	// combine, and marking both is needed to end the race.
	src := []byte(`C nested

{}

P0(int *x, int *y)
{
	*y = *x;
}

P1(int *x, int *y)
{
	int r0;

	r0 = READ_ONCE(*y);
	WRITE_ONCE(*x, 1);
}

exists (1:r0=1)
`)
	f, errs := syntax.Parse("nested.litmus", src)
	require.Empty(t, errs)
	rws := Strengthenings(f, src)
	idx, complete := strongestSet(rws)
	assert.True(t, complete)
	text, err := analysis.Apply(src, setEdits(rws, idx))
	require.NoError(t, err)
	assert.Contains(t, string(text), "\tsmp_store_release(y, smp_load_acquire(x));\n")
	syn, err := Synthesize(context.Background(), f, src, SynthOptions{Fixes: 1})
	require.NoError(t, err)
	require.False(t, syn.Base.OK())
	require.NotEmpty(t, syn.Fixes)
	o, fixed := applyAndCheck(t, "nested.litmus", src, syn.Fixes[0].Edits)
	assert.True(t, o.OK(), syn.Fixes[0].Title)
	assert.NotContains(t, string(fixed), "= *", "both accesses marked:\n%s", fixed)
}
