package analysis

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// diagnose parses and checks src and returns its diagnostics.
func diagnose(t *testing.T, name string, src []byte, opts checker.Options) (*syntax.File, []Diagnostic) {
	t.Helper()
	f, errs := syntax.Parse(name, src)
	var res *checker.Result
	if len(errs) == 0 {
		opts.Explain = true
		var err error
		res, err = checker.Check(context.Background(), f, opts)
		require.NoError(t, err, name)
	}
	return f, Diagnose(f, src, errs, res, Options{Budget: opts.Timeout})
}

// check diagnoses src and compares with wants: every want must match a
// diagnostic (or a related location), and every diagnostic must be wanted.
// Each fix offered must make its diagnostic go away.
func check(t *testing.T, name string, src []byte, wants []testkit.Want) {
	t.Helper()
	f, diags := diagnose(t, name, src, checker.Options{})
	line := func(off int) int { return f.Lines.Position(off).Line }
	matched := make([]bool, len(diags))
	for _, w := range wants {
		rx := regexp.MustCompile(w.Rx)
		found := false
		for i, d := range diags {
			if d.Code != w.Code {
				continue
			}
			if !w.Related {
				if line(d.Span.Start) == w.Line && rx.MatchString(d.Message) {
					matched[i], found = true, true
					break
				}
				continue
			}
			for _, r := range d.Related {
				if line(r.Span.Start) == w.Line && rx.MatchString(r.Message) {
					found = true
				}
			}
		}
		kind := "diagnostic"
		if w.Related {
			kind = "related location"
		}
		assert.True(t, found, "%s:%d: no %s %s matching %q; got:\n%s", name, w.Line, w.Code, kind, w.Rx, dump(f, diags))
	}
	for i, d := range diags {
		assert.True(t, matched[i], "%s:%d: unexpected %s diagnostic: %s", name, line(d.Span.Start), d.Code, d.Message)
		assert.Equal(t, "", checkSpan(d.Span, src), "%s: %s diagnostic", name, d.Code)
		for _, r := range d.Related {
			assert.Equal(t, "", checkSpan(r.Span, src), "%s: related location of %s", name, d.Code)
			assert.NotEmpty(t, r.Message)
		}
		for _, fix := range d.Fixes {
			fixed := applyEdits(t, src, fix.Edits)
			_, after := diagnose(t, name, fixed, checker.Options{})
			for _, a := range after {
				assert.NotEqual(t, d.Code, a.Code, "%s: after the fix %q: %s", name, fix.Title, a.Message)
			}
		}
	}
}

// checkSpan says what is wrong with span in src, or "".
func checkSpan(span syntax.Span, src []byte) string {
	if span.Start < 0 || span.End < span.Start || span.End > len(src) {
		return "span out of the text"
	}
	return ""
}

// applyEdits applies a fix's edits to src; they must not overlap.
func applyEdits(t *testing.T, src []byte, edits []Edit) []byte {
	t.Helper()
	out, err := Apply(src, edits)
	require.NoError(t, err)
	return out
}

func dump(f *syntax.File, diags []Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("  " + f.Lines.Position(d.Span.Start).String() + " " + d.Code + ": " + d.Message + "\n")
		for _, r := range d.Related {
			b.WriteString("    " + f.Lines.Position(r.Span.Start).String() + ": " + r.Message + "\n")
		}
	}
	return b.String()
}

// TestDiagnoseTestdata checks each testdata/*.litmus against the want and
// related comments it carries.
func TestDiagnoseTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, _ := syntax.Parse(path, src)
			wants := testkit.Wants(f)
			require.NotEmpty(t, wants, "a testdata file without wants tests nothing")
			check(t, path, src, wants)
		})
	}
}

// TestDiagnoseCorpus checks the diagnostics of tests from the corpus.
func TestDiagnoseCorpus(t *testing.T) {
	corpus := filepath.Join(testkit.SharedDir(t), "corpus")
	tests := []struct {
		path  string
		wants []testkit.Want
	}{
		{"kernel/MP+poonceonces.litmus", []testkit.Want{
			{Code: CodeReachable, Line: 27, Rx: `^Reachable: 1 of 4 allowed executions satisfy \(1:r0=1 /\\ 1:r1=0\) \(Sometimes\)\.\n` +
				`For example, the execution with final state 1:r0=1; 1:r1=0;:\n` +
				"  P1's `READ_ONCE\\(\\*flag\\)` reads flag=1, written by P0's `WRITE_ONCE\\(\\*flag, 1\\)`\n" +
				"  P1's `READ_ONCE\\(\\*buf\\)` reads buf=0, the initial value$"},
			{Code: CodeReachable, Line: 23, Related: true, Rx: "^reads flag=1, written by P0's `WRITE_ONCE\\(\\*flag, 1\\)`$"},
			{Code: CodeReachable, Line: 15, Related: true, Rx: "^writes flag=1, read by P1's `READ_ONCE\\(\\*flag\\)`$"},
			{Code: CodeReachable, Line: 24, Related: true, Rx: "^reads buf=0, the initial value$"},
		}},
		{"kernel/MP+pooncerelease+poacquireonce.litmus", []testkit.Want{
			{Code: CodeNever, Line: 28, Rx: `^Never: none of the 3 allowed executions satisfies \(1:r0=1 /\\ 1:r1=0\)\.\n` +
				`An execution that would reach it \(final state 1:r0=1; 1:r1=0;\) is forbidden by the happens-before check: .*\n` +
				`hb cycle: R flag ->acq-po R buf ->fre W buf ->po-rel W flag ->rfe R flag\n`},
			{Code: CodeNever, Line: 24, Related: true, Rx: "is an acquire, so it is ordered before the later P1's `READ_ONCE\\(\\*buf\\)` \\(acq-po\\)"},
			{Code: CodeNever, Line: 25, Related: true, Rx: `\(fre\)`},
			{Code: CodeNever, Line: 15, Related: true, Rx: `\(po-rel\)`},
			{Code: CodeNever, Line: 16, Related: true, Rx: `\(rfe\)`},
		}},
		{"kernel/CoWW+poonceonce.litmus", []testkit.Want{
			{Code: CodeNever, Line: 18, Rx: `(?s)^Never: not even the only allowed execution satisfies \(\[x\]=1\)\.\nNo candidate execution would reach it`},
		}},
		{"paulmck/manual/plain/C-S+o-mb-o+o-ctl-p.litmus", []testkit.Want{
			{Code: CodeResultMismatch, Line: 4, Rx: `^The Result comment says Never, but the checker finds Sometimes \(1 of 3 allowed executions satisfy`},
			{Code: CodeReachable, Line: 28, Rx: "the writes to z, in coherence order: the initial value 0, P1's `\\*z = 0` \\(z=0\\), P0's `WRITE_ONCE\\(\\*z, 1\\)` \\(z=1\\)"},
			{Code: CodeDataRace, Line: 25, Rx: "^Data race on z: this plain write races with P0's `WRITE_ONCE\\(\\*z, 1\\)` on another CPU\\.\n"},
			{Code: CodeDataRace, Line: 14, Related: true, Rx: `^the access to z it races with$`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(corpus, tt.path))
			require.NoError(t, err)
			check(t, tt.path, src, tt.wants)
		})
	}
}

// TestDiagnoseKernelResults: herd7 agrees with the Result comment of every
// kernel test, so none gets a result-mismatch, and each gets exactly one
// reachable or never diagnostic on its condition.
func TestDiagnoseKernelResults(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "*.litmus"))
	require.NoError(t, err)
	require.Len(t, files, 35)
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, diags := diagnose(t, path, src, checker.Options{})
		var codes []string
		for _, d := range diags {
			codes = append(codes, d.Code)
			if d.Code == CodeReachable || d.Code == CodeNever {
				assert.Equal(t, f.Cond.Span, d.Span, path)
				if d.Code == CodeReachable || strings.Contains(d.Message, " cycle: ") {
					assert.NotEmpty(t, d.Related, "%s: %s without related locations", path, d.Code)
				}
			}
		}
		switch f.Result.Verdict {
		case "Never":
			assert.Equal(t, []string{CodeNever}, codes, path)
		default:
			assert.Equal(t, []string{CodeReachable}, codes, path)
		}
	}
}

// TestDiagnoseBudget: a check cut off by its budget says so, and claims no
// verdict it has not established.
func TestDiagnoseBudget(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+pooncerelease+poacquireonce.litmus"))
	require.NoError(t, err)
	_, diags := diagnose(t, "mp.litmus", src, checker.Options{Timeout: time.Nanosecond})
	var codes []string
	for _, d := range diags {
		codes = append(codes, d.Code)
		if d.Code == CodeBudget {
			assert.Equal(t, SeverityWarning, d.Severity)
			assert.Contains(t, d.Message, "The check was cut off after 1ns")
		}
	}
	assert.Contains(t, codes, CodeBudget)
	assert.NotContains(t, codes, CodeNever, "a cut-off check cannot say never")
	assert.NotContains(t, codes, CodeResultMismatch, "a cut-off check cannot contradict the Result comment")
}

// TestDiagnoseCutoffNoVerdict: a cut-off check that did reach the outcome
// says so, but names no verdict: neither the outcome's diagnostic nor the
// budget's says Never, Sometimes or Always.
func TestDiagnoseCutoffNoVerdict(t *testing.T) {
	for _, name := range []string{"MP+poonceonces.litmus", "MP+pooncerelease+poacquireonce.litmus"} {
		src, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "corpus", "kernel", name))
		require.NoError(t, err)
		f, errs := syntax.Parse(name, src)
		require.Empty(t, errs)
		res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
		require.NoError(t, err)
		res.Cutoff = true // as if the budget ran out after every execution was found
		var codes []string
		for _, d := range Diagnose(f, src, nil, res, Options{Budget: time.Second}) {
			codes = append(codes, d.Code)
			for _, v := range []string{"Never", "Sometimes", "Always"} {
				assert.NotContains(t, d.Message, v, "%s: %s", name, d.Code)
			}
		}
		assert.Contains(t, codes, CodeBudget, name)
		assert.NotContains(t, codes, CodeNever, name)
	}
}

// TestResolveCorpus: herd7 checks every corpus test, so none uses an
// undeclared name.
func TestResolveCorpus(t *testing.T) {
	var n int
	err := filepath.WalkDir(filepath.Join(testkit.SharedDir(t), "corpus"), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".litmus") {
			return err
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, errs := syntax.Parse(path, src)
		require.Empty(t, errs, path)
		for _, d := range resolve(f) {
			t.Errorf("%s: %s", f.Lines.Position(d.Span.Start), d.Message)
		}
		n++
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 600)
}

// TestDiagnoseNoCondition: a test without a final condition (herd7 checks
// forall (true)) still gets its data-race warnings, and no outcome
// diagnostic.
func TestDiagnoseNoCondition(t *testing.T) {
	src := []byte("C racy-no-cond\n{}\nP0(int *x)\n{\n\t*x = 1;\n}\nP1(int *x)\n{\n\tint r0;\n\tr0 = *x;\n}\n")
	f, errs := syntax.Parse("racy.litmus", src)
	require.Empty(t, errs)
	res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(t, err)
	var codes []string
	for _, d := range Diagnose(f, src, nil, res, Options{}) {
		codes = append(codes, d.Code)
	}
	assert.Contains(t, codes, CodeDataRace)
	assert.NotContains(t, codes, CodeReachable)
	assert.NotContains(t, codes, CodeNever)
}
