package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// lintSrc parses, checks (with explanations) and lints src.
func lintSrc(t *testing.T, name string, src []byte, opts Options) (*syntax.File, *checker.Result, []analysis.Diagnostic) {
	t.Helper()
	f, errs := syntax.Parse(name, src)
	require.Empty(t, errs, name)
	res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(t, err, name)
	require.Empty(t, res.Errors, name)
	diags, err := Run(context.Background(), f, src, res, opts)
	require.NoError(t, err, name)
	return f, res, diags
}

var (
	// want "L01" on a line: a lint with that code starts on the line;
	// want line 12 "L15" (for BPF columns, which hold no comments): on
	// line 12.
	lintWantRx = regexp.MustCompile(`\bwant (?:line (\d+) )?"(L\d\d)"`)
	// (* never-after-fix L01 *): the first fix of every L01 lint makes the
	// test's outcome never reached, and leaves no L01 behind.
	neverAfterRx = regexp.MustCompile(`never-after-fix (L\d\d)`)
	// (* same-after-fix L06 *): the first fix of every L06 lint keeps the
	// verdict and leaves no L06 behind.
	sameAfterRx = regexp.MustCompile(`same-after-fix (L\d\d)`)
)

// TestLintTestdata checks each testdata/lint/*.litmus: every lint its
// want comments name, on their lines, and no other; then the fixes its
// directives name.
func TestLintTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lint", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			opts := Options{BPF: strings.Contains(string(src), "lint-bpf")}
			f, res, diags := lintSrc(t, path, src, opts)
			var want, got []string
			for _, c := range f.Comments {
				for _, m := range lintWantRx.FindAllStringSubmatch(c.Text, -1) {
					line := fmt.Sprint(f.Lines.Position(c.Span.Start).Line)
					if m[1] != "" {
						line = m[1]
					}
					want = append(want, line+" "+m[2])
				}
			}
			for _, d := range diags {
				got = append(got, fmt.Sprintf("%d %s", f.Lines.Position(d.Span.Start).Line, d.Code))
				assert.Equal(t, "", checkSpan(d.Span, src))
				assert.NotEmpty(t, d.Message)
				for _, r := range d.Related {
					assert.Equal(t, "", checkSpan(r.Span, src))
					assert.NotEmpty(t, r.Message)
				}
			}
			sort.Strings(want)
			sort.Strings(got)
			assert.Equal(t, want, got, "lints of %s:\n%s", path, dump(f, diags))

			for _, m := range neverAfterRx.FindAllStringSubmatch(string(src), -1) {
				assert.NotEqual(t, "Never", res.Verdict, "%s: the test should reach its outcome before the fix", path)
				fixed := applyFirstFixes(t, src, diags, m[1])
				_, after, afterDiags := lintSrc(t, path, fixed, opts)
				assert.Equal(t, "Never", after.Verdict, "%s: after the %s fix:\n%s", path, m[1], fixed)
				for _, d := range afterDiags {
					assert.NotEqual(t, m[1], d.Code, "%s: after the fix: %s", path, d.Message)
				}
			}
			for _, m := range sameAfterRx.FindAllStringSubmatch(string(src), -1) {
				fixed := applyFirstFixes(t, src, diags, m[1])
				_, after, afterDiags := lintSrc(t, path, fixed, opts)
				assert.Equal(t, res.Verdict, after.Verdict, "%s: after the %s fix:\n%s", path, m[1], fixed)
				for _, d := range afterDiags {
					assert.NotEqual(t, m[1], d.Code, "%s: after the fix: %s", path, d.Message)
				}
			}
		})
	}
}

// applyFirstFixes applies the first fix of every lint with the code;
// edits that several fixes share are applied once.
func applyFirstFixes(t *testing.T, src []byte, diags []analysis.Diagnostic, code string) []byte {
	t.Helper()
	seen := map[analysis.Edit]bool{}
	var edits []analysis.Edit
	for _, d := range diags {
		if d.Code != code {
			continue
		}
		require.NotEmpty(t, d.Fixes, "%s lint without a fix: %s", code, d.Message)
		for _, e := range d.Fixes[0].Edits {
			if !seen[e] {
				seen[e] = true
				edits = append(edits, e)
			}
		}
	}
	require.NotEmpty(t, edits, "no %s lint to fix", code)
	return applyEdits(t, src, edits)
}

// TestLintFixesCRLF: a fix that inserts or moves a statement keeps a CRLF
// file's line endings.
func TestLintFixesCRLF(t *testing.T) {
	for _, name := range []string{"L08-release-no-acquire.litmus", "L12-failed-cmpxchg.litmus", "L04-before-atomic-on-store.litmus"} {
		path := filepath.Join("testdata", "lint", name)
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		src = []byte(strings.ReplaceAll(string(src), "\n", "\r\n"))
		_, _, diags := lintSrc(t, path, src, Options{})
		n := 0
		for _, d := range diags {
			for _, fx := range d.Fixes {
				fixed := applyEdits(t, src, fx.Edits)
				assert.NotRegexp(t, "[^\r]\n", string(fixed), "%s: %s", name, fx.Title)
				n++
			}
		}
		assert.NotZero(t, n, name)
	}
}

// TestLintFenceOverLines: a fence statement written over two lines is
// removed whole, without a panic.
func TestLintFenceOverLines(t *testing.T) {
	src := []byte("C ml\n{}\nP0(int *x) { WRITE_ONCE(*x, 1);\n\tsmp_rmb(\n\t);\n}\nP1(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n")
	_, _, diags := lintSrc(t, "ml.litmus", src, Options{})
	require.Len(t, diags, 1)
	assert.Equal(t, CodeRmbNoLoad, diags[0].Code)
	require.NotEmpty(t, diags[0].Fixes)
	fixed := applyEdits(t, src, diags[0].Fixes[0].Edits)
	assert.Equal(t, "C ml\n{}\nP0(int *x) { WRITE_ONCE(*x, 1);\n}\nP1(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n", string(fixed))
}
