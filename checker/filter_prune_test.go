package checker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestXchgLocks compares the SB tests with 3 and 4 spin locks emulated by
// xchg with herd7's output (testdata/xchglocks/README.md): their filter
// keeps only the executions where every xchg reads an unlocked lock,
// which is what lets Check read the lock only from writes of 0.
func TestXchgLocks(t *testing.T) {
	dir := filepath.Join("testdata", "xchglocks")
	tests, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(t, err)
	require.Len(t, tests, 2)
	for _, path := range tests {
		diff, err := checkCorpusFile(dir, filepath.Base(path))
		require.NoError(t, err)
		require.Empty(t, diff, filepath.Base(path))
	}
}

// TestFilterPruning checks every LKMM corpus test with a filter, the
// xchg lock tests and the bench's cmpxchg lock test, with and without the pruning of reads-from choices by
// the filter (an explained check does not prune): the states, counts and
// flags must be the same.
func TestFilterPruning(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	var paths []string
	for _, rel := range corpusTests(t, corpus) {
		paths = append(paths, filepath.Join(corpus, rel))
	}
	more, err := filepath.Glob(filepath.Join("testdata", "xchglocks", "*.litmus"))
	require.NoError(t, err)
	paths = append(paths, more...)
	paths = append(paths, filepath.Join(sharedDir(t), "bench", "C-SB+l-o-o-u+l-o-o-u+l-o-o-u-C.litmus"))
	filtered := 0
	for _, path := range paths {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		if !strings.Contains(string(src), "filter") {
			continue
		}
		f, errs := syntax.Parse(filepath.Base(path), src)
		if len(errs) > 0 || f.Filter == nil {
			continue
		}
		filtered++
		pruned, err := Check(context.Background(), f, Options{Workers: 1})
		require.NoError(t, err)
		whole, err := Check(context.Background(), f, Options{Workers: 1, Explain: true})
		require.NoError(t, err)
		require.Equal(t, whole.Errors, pruned.Errors, path)
		require.Equal(t, whole.Positive, pruned.Positive, path)
		require.Equal(t, whole.Negative, pruned.Negative, path)
		require.Equal(t, whole.States, pruned.States, path)
		require.Equal(t, whole.Flags, pruned.Flags, path)
	}
	require.Greater(t, filtered, 3)
	t.Logf("%d tests with a filter", filtered)
}
