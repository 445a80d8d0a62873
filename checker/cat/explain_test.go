package cat

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// TestExplain checks the kernel/ tests with explanations on and two
// workers: the interpreted model serves the witness search (which judges
// again, and reads Execution.Co and Rf), and the verdicts stay herd7's.
func TestExplain(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	m := lkmm(t)
	for _, rel := range corpusTests(t, corpus, []string{"kernel"}) {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(t, err)
		f, _ := syntax.Parse(rel, src)
		res, err := checker.Check(context.Background(), f, checker.Options{Model: m, Workers: 2, Explain: true})
		require.NoError(t, err, rel)
		want, err := checker.Check(context.Background(), f, checker.Options{Workers: 2, Explain: true})
		require.NoError(t, err, rel)
		require.Equal(t, want.Verdict, res.Verdict, rel)
		require.Len(t, res.Witnesses, len(res.States), rel)
		// Both find a rejected execution for an unreached outcome; the
		// check they name may differ, as herd7's first failing check can
		// be cos-opt.cat's ConsCo where the compiled model says
		// coherence.
		require.Equal(t, want.Reason == nil, res.Reason == nil, rel)
		if res.Reason != nil && res.Reason.Execution != nil {
			require.NotEmpty(t, res.Reason.Check, rel)
		}
	}
}
