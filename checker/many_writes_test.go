package checker

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestManyWritesOneLocation: coherence orders of a location with more
// than 64 writes. P0 writes 0..n-1 to x in program order, so coherence
// has one order (the initial write first); P1's read may see the initial
// value or any of the n writes: n+1 executions, n states (0 comes from
// the initial write and from the first store), the outcome r0=0 in 2 of
// them. herd7 7.58+1 agrees for n=70 (Sometimes 2 69). The orders were
// once kept in 64-bit masks: past 64 writes their constraints were lost,
// and the answer was wrong and the search exploded.
func TestManyWritesOneLocation(t *testing.T) {
	for _, n := range []int{63, 64, 65, 70, 130} {
		var b strings.Builder
		fmt.Fprintf(&b, "C many%d\n{}\nP0(int *x)\n{\n", n)
		for i := range n {
			fmt.Fprintf(&b, "\tWRITE_ONCE(*x, %d);\n", i)
		}
		b.WriteString("}\nP1(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\nexists (1:r0=0)\n")
		f, errs := syntax.Parse("many.litmus", []byte(b.String()))
		require.Empty(t, errs)
		res, err := Check(context.Background(), f, Options{})
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		require.False(t, res.Cutoff)
		require.Len(t, res.States, n, "n=%d", n)
		require.Equal(t, 2, res.Positive, "n=%d", n)
		require.Equal(t, n-1, res.Negative, "n=%d", n)
		require.Equal(t, "Sometimes", res.Verdict, "n=%d", n)
	}
}
