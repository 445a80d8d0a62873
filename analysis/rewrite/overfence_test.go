package rewrite

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// TestRewriteDiagnosticsTestdata checks each testdata/rewrite/*.litmus
// that has want comments against RewriteDiagnostics: every want matches a
// diagnostic starting on its line, every diagnostic is wanted, and every
// fix offered keeps (or makes) the test correct.
func TestRewriteDiagnosticsTestdata(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	require.NoError(t, err)
	n := 0
	for _, path := range paths {
		f, src := readTest(t, path)
		wants := testkit.Wants(f)
		if len(wants) == 0 {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			diags, err := RewriteDiagnostics(context.Background(), f, src, nil, FenceOptions{})
			require.NoError(t, err)
			matched := make([]bool, len(diags))
			for _, w := range wants {
				rx := regexp.MustCompile(w.Rx)
				ok := false
				for i, d := range diags {
					if d.Code == w.Code && f.Lines.Position(d.Span.Start).Line == w.Line && rx.MatchString(d.Message) {
						matched[i], ok = true, true
					}
				}
				assert.True(t, ok, "line %d: no %s diagnostic matching %q in\n%s", w.Line, w.Code, w.Rx, diagList(f, diags))
			}
			for i, d := range diags {
				assert.True(t, matched[i], "unwanted diagnostic at line %d: %s %s", f.Lines.Position(d.Span.Start).Line, d.Code, d.Message)
				require.NotEmpty(t, d.Fixes, d.Message)
				for _, fx := range d.Fixes {
					o, _ := applyAndCheck(t, path, src, fx.Edits)
					assert.True(t, o.OK(), "%s leaves the test broken", fx.Title)
				}
			}
		})
	}
	assert.GreaterOrEqual(t, n, 4)
}

func diagList(f *syntax.File, diags []analysis.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(f.Lines.Position(d.Span.Start).String() + ": " + d.Code + ": " + d.Message + "\n")
	}
	return b.String()
}

// TestOverFencingCorpus runs OverFencing on every correct test of the
// kernel corpus: no hint on the tests whose every fence and marking is
// needed (the minimal twins), and every hint's fix keeps the test correct.
func TestOverFencingCorpus(t *testing.T) {
	tests := loadKernelCorpus(t)
	minimal := map[string]bool{
		"MP+pooncerelease+poacquireonce":          true,
		"MP+fencewmbonceonce+fencermbonceonce":    true,
		"SB+fencembonceonces":                     true,
		"LB+poacquireonce+pooncerelease":          true,
		"R+fencembonceonces":                      true,
		"S+fencewmbonceonce+poacquireonce":        true,
		"IRIW+fencembonceonces+OnceOnce":          true,
		"WRC+pooncerelease+fencermbonceonce+Once": true,
	}
	hinted := 0
	for _, c := range tests {
		if !analysis.OutcomeOf(c.res).OK() {
			assert.Empty(t, OverFencing(context.Background(), c.f, c.src, c.res, FenceOptions{}), c.name)
			continue
		}
		diags := OverFencing(context.Background(), c.f, c.src, c.res, FenceOptions{})
		if minimal[c.name] {
			assert.Empty(t, diags, "%s:\n%s", c.name, diagList(c.f, diags))
		}
		for _, d := range diags {
			hinted++
			assert.Equal(t, CodeOverFencing, d.Code)
			assert.Equal(t, analysis.SeverityHint, d.Severity)
			require.Len(t, d.Fixes, 1)
			o, _ := applyAndCheck(t, c.path, c.src, d.Fixes[0].Edits)
			assert.True(t, o.OK(), "%s: %s breaks the test", c.name, d.Fixes[0].Title)
			t.Logf("%s: %s", c.f.Lines.Position(d.Span.Start), strings.SplitN(d.Message, "\n", 2)[0])
		}
	}
	t.Logf("%d hints", hinted)
}

func TestRelax(t *testing.T) {
	f, src := readTest(t, filepath.Join("testdata", "mp-mb.litmus"))
	rel, err := Relax(context.Background(), f, src, nil, FenceOptions{})
	require.NoError(t, err)
	require.NotNil(t, rel)
	assert.Len(t, rel.Rewrites, 2)
	assert.Equal(t, 60, rel.Saved.On(primitive.PowerPC64))
	text := string(mustApply(t, src, rel.Edits))
	assert.Contains(t, text, "\tsmp_wmb(); // want")
	assert.Contains(t, text, "\tsmp_rmb(); // want")
	g, errs := syntax.Parse("mp-mb.litmus", []byte(text))
	require.Empty(t, errs)
	res, err := checker.Check(context.Background(), g, checker.Options{})
	require.NoError(t, err)
	assert.Equal(t, "Never", res.Verdict)

	// A broken test has nothing to relax.
	f, src = readTest(t, filepath.Join("testdata", "sb-release.litmus"))
	rel, err = Relax(context.Background(), f, src, nil, FenceOptions{})
	require.NoError(t, err)
	assert.Nil(t, rel)
}
