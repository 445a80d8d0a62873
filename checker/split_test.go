package checker

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// splitRings are the bench's RCU rings small enough for a test: one
// structure of 1,024 and 65,536 candidates.
var splitRings = []string{
	"C-RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R",
	"C-RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R",
}

// TestSplitWhole checks the rings, whose one structure is split across
// workers (splitWhole), and the LKMM corpus on 1, 2 and 3 workers: the
// same counts, states and flags whatever the workers.
func TestSplitWhole(t *testing.T) {
	var paths []string
	for _, name := range splitRings {
		paths = append(paths, filepath.Join(sharedDir(t), "bench", name+".litmus"))
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	for _, rel := range corpusTests(t, corpus) {
		paths = append(paths, filepath.Join(corpus, rel))
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, errs := syntax.Parse(filepath.Base(path), src)
		if len(errs) > 0 {
			continue
		}
		one, err := Check(context.Background(), f, Options{Workers: 1})
		require.NoError(t, err)
		for _, workers := range []int{2, 3} {
			got, err := Check(context.Background(), f, Options{Workers: workers})
			require.NoError(t, err)
			require.Equal(t, one.Errors, got.Errors, path)
			require.Equal(t, one.Positive, got.Positive, path)
			require.Equal(t, one.Negative, got.Negative, path)
			require.Equal(t, one.States, got.States, path)
			require.Equal(t, one.Flags, got.Flags, path)
		}
	}
}

// BenchmarkSplitRing checks the 16-process RCU ring on one worker and on
// two, whose one structure is then split (splitWhole).
func BenchmarkSplitRing(b *testing.B) {
	name := splitRings[1]
	src, err := os.ReadFile(filepath.Join(sharedDir(b), "bench", name+".litmus"))
	require.NoError(b, err)
	f, _ := syntax.Parse(name+".litmus", src)
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			for b.Loop() {
				res, err := Check(context.Background(), f, Options{Workers: workers})
				require.NoError(b, err)
				require.Equal(b, 65535, res.Positive+res.Negative)
			}
		})
	}
}
