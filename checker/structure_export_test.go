package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestStructuresCoverPaths: every path of every thread appears in one of
// the structures Structures returns, with its dependencies and spans.
func TestStructuresCoverPaths(t *testing.T) {
	src := `C S
{}
P0(int *x, int *y) { int r0; r0 = cmpxchg(x, 0, 1); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; int r1 = 0; r0 = READ_ONCE(*y); if (r0) { r1 = READ_ONCE(*x); } }
P2(int *x) { WRITE_ONCE(*x, 2); }
exists (1:r0=1 /\ 1:r1=0)
`
	f, errs := syntax.Parse("s.litmus", []byte(src))
	require.Empty(t, errs)
	ss, le, err := Structures(f)
	require.NoError(t, err)
	require.Nil(t, le)
	// P0 and P1 have two paths each, P2 one: the diagonal gives (0,0)
	// and (1,1), then (0,1) and (1,0) put the other pairs side by side.
	require.Len(t, ss, 4)
	counts := map[string][]int{}
	for _, s := range ss {
		per := map[int]int{}
		for _, e := range s.Events {
			if e.Thread >= 0 {
				per[e.Thread]++
				assert.NotEmpty(t, spanText(src, e.Span))
			}
		}
		counts["P0"] = append(counts["P0"], per[0])
		counts["P1"] = append(counts["P1"], per[1])
		counts["P2"] = append(counts["P2"], per[2])
	}
	assert.ElementsMatch(t, []int{3, 2, 3, 2}, counts["P0"], "cmpxchg succeeds (R, W) or fails (R), then the store")
	assert.ElementsMatch(t, []int{2, 1, 1, 2}, counts["P1"], "the if is taken or not")
	assert.Equal(t, []int{1, 1, 1, 1}, counts["P2"])
	pairs := map[[2]int]bool{}
	for i := range counts["P0"] {
		pairs[[2]int{counts["P0"][i], counts["P1"][i]}] = true
	}
	assert.Len(t, pairs, 4, "every path of P0 next to every path of P1")
	// The taken branch's read of x is control-dependent on the read of y.
	found := false
	for _, s := range ss {
		for a := range s.Events {
			for b := range s.Events {
				if s.Ctrl.Has(a, b) {
					assert.Equal(t, "READ_ONCE(*y)", spanText(src, s.Events[a].Span))
					assert.Equal(t, "READ_ONCE(*x)", spanText(src, s.Events[b].Span))
					found = true
				}
			}
		}
	}
	assert.True(t, found)
}

func TestStructuresLowerError(t *testing.T) {
	f, _ := syntax.Parse("s.litmus", []byte("C S\n{}\nP0(int *x) { frob(x); }\nexists (x=0)\n"))
	ss, le, err := Structures(f)
	require.NoError(t, err)
	assert.Nil(t, ss)
	require.NotNil(t, le)
	assert.Contains(t, le.Msg, "frob")
}

func spanText(src string, s syntax.Span) string { return src[s.Start:s.End] }
