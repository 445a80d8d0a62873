package checker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"

	"github.com/litmusls/litmusls/internal/testkit"
)

// corpusDirs are the LKMM directories of the shared herd7 corpus.
var corpusDirs = []string{"kernel", "herd-linux", "paulmck"}

// sharedDir finds ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	return testkit.SharedDir(t)
}

// corpusTests lists the LKMM corpus tests as paths relative to the corpus
// directory.
func corpusTests(t testing.TB, corpus string) []string {
	t.Helper()
	return testkit.CorpusTests(t, corpus, corpusDirs...)
}

// checkCorpusFile checks one corpus test and returns a description of the
// first difference from herd7, or "".
func checkCorpusFile(corpus, rel string) (string, error) {
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
	res, err := Check(context.Background(), f, Options{Timeout: 60 * time.Second, Workers: 1})
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
	if err := WriteHerd(&got, res, -1); err != nil {
		return "", err
	}
	g, w := HerdSummary(got.String()), HerdSummary(string(want))
	if g != w {
		return fmt.Sprintf("got\n%s\nwant\n%s", g, w), nil
	}
	return "", nil
}

// TestCorpus compares every LKMM corpus test with herd7's output. Tests
// listed in testdata/known-failures.txt must fail, and all others must
// pass, so the list only shrinks.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	compareCorpus(t, corpus, corpusTests(t, corpus), "known-failures.txt", "LKMM")
}

// compareCorpus checks each test (relative to corpus) against herd7's
// output, the tests listed in testdata/<list> excepted, both ways
// (testkit.KnownFailures).
func compareCorpus(t *testing.T, corpus string, tests []string, list, what string) {
	testkit.KnownFailures(t, tests, list, what, 8, func(rel string) (string, error) { return checkCorpusFile(corpus, rel) })
}

// TestBench checks the slow tests of ../shared/bench against herd7.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("bench corpus in -short mode")
	}
	shared := sharedDir(t)
	matches, err := filepath.Glob(filepath.Join(shared, "bench", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	checked := 0
	for _, path := range matches {
		name := filepath.Base(path)
		// The tests herd7 does not finish have no .expected file (see
		// the bench README); only herd7's answers are compared here.
		if _, err := os.Stat(path + ".expected"); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		checked++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			diff, err := checkCorpusFile(filepath.Join(shared, "bench"), name)
			require.NoError(t, err)
			require.Empty(t, diff)
		})
	}
	require.NotZero(t, checked, "no bench test has herd7's output")
}

// BenchmarkCorpus checks every LKMM corpus test once per iteration.
func BenchmarkCorpus(b *testing.B) {
	corpus := filepath.Join(sharedDir(b), "corpus")
	benchFiles(b, corpus, corpusTests(b, corpus))
}

func benchFiles(b *testing.B, dir string, rels []string) {
	files := make([]*syntax.File, len(rels))
	for i, rel := range rels {
		src, err := os.ReadFile(filepath.Join(dir, rel))
		require.NoError(b, err)
		f, _ := syntax.Parse(rel, src)
		files[i] = f
	}
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			_, err := Check(context.Background(), f, Options{})
			require.NoError(b, err)
		}
	}
}
