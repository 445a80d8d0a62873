package checker

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestModelCases compares the hand-worked tests of testdata/model (see its
// README: outputs reasoned from the cat files, then confirmed with herd7)
// with our output, as the corpus test compares the shared corpus.
func TestModelCases(t *testing.T) {
	dir := filepath.Join("testdata", "model")
	matches, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	for _, path := range matches {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			diff, err := checkCorpusFile(dir, name)
			require.NoError(t, err)
			require.Empty(t, diff)
		})
	}
}
