package cat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"

	"github.com/litmusls/litmusls/internal/testkit"
)

// corpusDirs are the LKMM directories of the shared herd7 corpus.
var corpusDirs = []string{"kernel", "herd-linux", "paulmck"}

// corpusTimeout bounds the check of one corpus test; a test that needs
// more counts as failing ("cutoff").
const corpusTimeout = 20 * time.Second

// sharedDir finds ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	return testkit.SharedDir(t)
}

// lkmm reads the kernel's model as herd7 ran the corpus with it: its
// tests lowered by linux-kernel.def's macros.
func lkmm(t testing.TB) *Model {
	t.Helper()
	m, err := NewFromConfig(filepath.Join(sharedDir(t), "model", "lkmm", "linux-kernel.cfg"), Options{})
	require.NoError(t, err)
	return m
}

// corpusTests lists the tests of dirs as paths relative to corpus.
func corpusTests(t testing.TB, corpus string, dirs []string) []string {
	t.Helper()
	return testkit.CorpusTests(t, corpus, dirs...)
}

// checkCorpusFile checks one corpus test with model m and returns a
// description of the first difference from herd7, or "".
func checkCorpusFile(m checker.Model, corpus, rel string) (diff string, err error) {
	src, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		return "", err
	}
	want, err := os.ReadFile(filepath.Join(corpus, rel+".expected"))
	if err != nil {
		return "", err
	}
	f, errs := syntax.Parse(rel, src)
	if len(errs) > 0 {
		return fmt.Sprintf("parse: %v", errs[0]), nil
	}
	res, err := checker.Check(context.Background(), f, checker.Options{Model: m, Timeout: corpusTimeout, Workers: 1})
	var ce *Error
	if errors.As(err, &ce) {
		return fmt.Sprintf("model error: %v", ce), nil
	}
	if err != nil {
		return "", err
	}
	if len(res.Errors) > 0 {
		return fmt.Sprintf("error: %s", res.Errors[0].Msg), nil
	}
	if res.Cutoff {
		return "cutoff", nil
	}
	var got strings.Builder
	if err := checker.WriteHerd(&got, res, -1); err != nil {
		return "", err
	}
	g, w := checker.HerdSummary(got.String()), checker.HerdSummary(string(want))
	if g != w {
		return fmt.Sprintf("got\n%s\nwant\n%s", g, w), nil
	}
	return "", nil
}

// TestCorpus runs the interpreted kernel model (linux-kernel.cat, as
// linux-kernel.cfg names it, the tests lowered by linux-kernel.def) on
// every LKMM corpus test and compares with herd7's output. Tests listed in testdata/known-failures.txt must fail
// and all others must pass, so the list only shrinks;
// LITMUSLS_WRITE_FAILURES=1 rewrites it from the run.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	runCorpus(t, lkmm(t), corpusDirs, "known-failures.txt", "LKMM")
}

// TestCorpusBuiltinLowering is TestCorpus with the tests lowered by the
// checker's built-in lowering of the kernel's primitives (no .def), as
// check --cat without --macros runs them.
func TestCorpusBuiltinLowering(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	m, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}})
	require.NoError(t, err)
	require.Nil(t, m.Macros())
	runCorpus(t, m, corpusDirs, "known-failures.txt", "LKMM")
}

// runCorpus checks every test of dirs in the shared corpus with model m
// against herd7's output. The tests listed in testdata/knownFile must
// fail and all others must pass; LITMUSLS_WRITE_FAILURES=1 rewrites the
// list from the run.
func runCorpus(t *testing.T, m checker.Model, dirs []string, knownFile, what string) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	testkit.KnownFailures(t, corpusTests(t, corpus, dirs), knownFile, what+" (interpreted)", 2, func(rel string) (string, error) {
		return checkCorpusFile(m, corpus, rel)
	})
}

// TestEditedModel edits a copy of the kernel's model so that smp_rmb()
// orders nothing, and checks that message passing with smp_wmb() and
// smp_rmb() becomes possible under it, as the edit implies, while the
// compiled model and the unedited files still forbid it.
func TestEditedModel(t *testing.T) {
	src := filepath.Join(sharedDir(t), "model", "lkmm")
	dir := t.TempDir()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		if e.Name() == "linux-kernel.cat" {
			const rmb = "let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]"
			require.Contains(t, string(data), rmb)
			data = []byte(strings.Replace(string(data), rmb, "let rmb = 0 (* edited: smp_rmb() orders nothing *)", 1))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	edited, err := NewFromConfig(filepath.Join(dir, "linux-kernel.cfg"), Options{})
	require.NoError(t, err)

	rel := "kernel/MP+fencewmbonceonce+fencermbonceonce.litmus"
	text, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", rel))
	require.NoError(t, err)
	f, _ := syntax.Parse(rel, text)
	for _, tt := range []struct {
		model   checker.Model
		verdict string
	}{{lkmm(t), "Never"}, {nil, "Never"}, {edited, "Sometimes"}} {
		res, err := checker.Check(context.Background(), f, checker.Options{Model: tt.model})
		require.NoError(t, err)
		require.Equal(t, tt.verdict, res.Verdict)
	}
}

// TestHerdCases compares with herd7 the other LKMM tests of the repository
// that have herd7's output: the slow tests of ../shared/bench (those
// herd7 finishes) and the hand-worked cases of checker/testdata/model.
func TestHerdCases(t *testing.T) {
	if testing.Short() {
		t.Skip("bench tests in -short mode")
	}
	m := lkmm(t)
	for _, dir := range []string{filepath.Join(sharedDir(t), "bench"), filepath.Join("..", "testdata", "model")} {
		matches, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
		require.NoError(t, err)
		require.NotEmpty(t, matches)
		for _, path := range matches {
			if _, err := os.Stat(path + ".expected"); err != nil {
				continue // herd7 does not finish it (see the bench README)
			}
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			if f, _ := syntax.Parse(path, src); f.Dialect != syntax.DialectC {
				continue
			}
			diff, err := checkCorpusFile(m, dir, filepath.Base(path))
			require.NoError(t, err)
			require.Empty(t, diff, path)
		}
	}
}
