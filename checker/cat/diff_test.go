package cat

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// TestDifferential checks the tests of testdata/diff, which exercise what
// the corpus does not (the flags of lock.cat and of the bell, lock and
// SRCU corner cases), with the interpreted and the compiled model: both
// must print the same herd7 output. They have no herd7 output of their
// own; where the two disagree, one of them is wrong.
func TestDifferential(t *testing.T) {
	m := lkmm(t)
	matches, err := filepath.Glob(filepath.Join("testdata", "diff", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	for _, path := range matches {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, errs := syntax.Parse(path, src)
			require.Empty(t, errs)
			out := make([]string, 2)
			for i, model := range []checker.Model{m, nil} {
				res, err := checker.Check(context.Background(), f, checker.Options{Model: model})
				require.NoError(t, err)
				require.Empty(t, res.Errors)
				var b strings.Builder
				require.NoError(t, checker.WriteHerd(&b, res, -1))
				out[i] = checker.HerdSummary(b.String())
			}
			require.Equal(t, out[1], out[0], "interpreted (actual) against compiled (expected)")
		})
	}
}
