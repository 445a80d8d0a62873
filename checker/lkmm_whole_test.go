package checker

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// wholeCheck checks every candidate that candidatesWhole hands over as
// part of an allowed subtree against the LKMM run on it alone: the model
// must give exactly one execution, allowed, with the same flags and
// coherence order, when wholeJudge.execution finds it coherent, and none
// allowed when not. It returns how many candidates came in allowed
// subtrees.
func wholeCheck(t *testing.T, name string, src []byte) int {
	t.Helper()
	f, _ := syntax.Parse(name, src)
	_, _, p, model, _, err := prepare(f, Options{})
	require.NoError(t, err)
	if p == nil {
		return 0
	}
	lm, ok := model.(*LKMM)
	if !ok {
		return 0
	}
	whole := 0
	p.eachStructure(context.Background(), 1, func(b *built, _ int) {
		wj := lm.wholeJudge(b.Structure)
		if wj == nil {
			return
		}
		b.candidatesWhole(context.Background(), nil, nil, wj.allows, func(c *Candidate, inWhole bool) bool {
			if !inWhole {
				return true
			}
			whole++
			x, coherent := wj.execution(c)
			var allowed []Judgement
			var cos []Rel
			require.NoError(t, lm.Judge(c, func(mx *Execution, j Judgement) bool {
				if j.Failed == "" {
					allowed = append(allowed, j)
					cos = append(cos, mx.Co.Clone())
				}
				return true
			}))
			if !coherent {
				require.Empty(t, allowed, "%s: an incoherent candidate the model allows", name)
				return true
			}
			require.Len(t, allowed, 1, "%s: a candidate of an allowed subtree", name)
			require.True(t, slices.Equal(allowed[0].Flags, wj.flags), "%s: flags %v, model's %v", name, wj.flags, allowed[0].Flags)
			require.True(t, cos[0].Equal(x.Co), "%s: coherence order", name)
			return true
		})
	})
	return whole
}

// TestWholeSubtrees checks the subtrees judged whole against the model on
// each of their candidates, over the LKMM corpus and the 10-process RCU
// ring of the bench (1,024 candidates, one forbidden by the rcu check).
func TestWholeSubtrees(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	total := 0
	for _, rel := range corpusTests(t, corpus) {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(t, err)
		total += wholeCheck(t, rel, src)
	}
	require.NotZero(t, total, "no corpus test has a subtree judged whole")
	t.Logf("corpus: %d candidates in subtrees judged whole", total)
	ring := "C-RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R.litmus"
	src, err := os.ReadFile(filepath.Join(sharedDir(t), "bench", ring))
	require.NoError(t, err)
	// Only the prefixes that read every write so far are judged by the
	// model; the rest, all but a few candidates, come in whole subtrees.
	require.Greater(t, wholeCheck(t, ring, src), 1000)
}
