package cat

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// ringTest writes an RCU ring in the form of the kernel collection's
// auto/C-RW-* tests: process i reads x_i and writes x_{i+1} (mod n), with
// synchronize_rcu() between them for a 'G' of kinds and inside a
// read-side critical section for an 'R'; the condition is that every read
// sees the write.
func ringTest(kinds string) string {
	n := len(kinds)
	var b strings.Builder
	names := make([]string, n)
	for i, k := range kinds {
		names[i] = "RW-" + string(k)
	}
	fmt.Fprintf(&b, "C C-%s\n\n{\n}\n\n", strings.Join(names, "+"))
	var cond []string
	for i, k := range kinds {
		a, c := i, (i+1)%n
		fmt.Fprintf(&b, "P%d(intptr_t *x%d, intptr_t *x%d)\n{\n", i, a, c)
		if k == 'R' {
			fmt.Fprintf(&b, "\trcu_read_lock();\n\tintptr_t r1 = READ_ONCE(*x%d);\n\tWRITE_ONCE(*x%d, 1);\n\trcu_read_unlock();\n}\n\n", a, c)
		} else {
			fmt.Fprintf(&b, "\tintptr_t r1 = READ_ONCE(*x%d);\n\tsynchronize_rcu();\n\tWRITE_ONCE(*x%d, 1);\n}\n\n", a, c)
		}
		cond = append(cond, fmt.Sprintf("%d:r1=1", i))
	}
	fmt.Fprintf(&b, "exists\n(%s)\n", strings.Join(cond, " /\\ "))
	return b.String()
}

// TestWholeSubtreesRings checks RCU rings with the compiled LKMM, which
// judges whole subtrees of reads-from choices at once (the rings qualify:
// no plain access, one write per location), against the interpreted
// linux-kernel.cat, which judges every candidate: the same counts, states
// and flags. The rings mix grace periods and critical sections in ways
// that forbid the condition (at least as many G as R) and that allow it.
func TestWholeSubtreesRings(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	interp, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}})
	require.NoError(t, err)
	for _, kinds := range []string{"GG", "GR", "GGRR", "GRRR", "RGRGR", "GGGGRR", "RRGRRG", "GRGRGRG", "RRRGGGR", "RRGGGGRRRR", "GRGRGRGRGRGR", "GGRRRRGGGGRRR"} {
		t.Run(kinds, func(t *testing.T) {
			if testing.Short() && len(kinds) > 10 {
				t.Skip("the interpreter on thousands of candidates in -short mode")
			}
			f, errs := syntax.Parse(kinds+".litmus", []byte(ringTest(kinds)))
			require.Empty(t, errs)
			want, err := checker.Check(context.Background(), f, checker.Options{Model: interp, Workers: 1})
			require.NoError(t, err)
			require.Empty(t, want.Errors)
			got, err := checker.Check(context.Background(), f, checker.Options{Workers: 1})
			require.NoError(t, err)
			require.Empty(t, got.Errors)
			require.Equal(t, want.Positive, got.Positive, "Positive: interpreted (expected), compiled (actual)")
			require.Equal(t, want.Negative, got.Negative, "Negative")
			require.Equal(t, want.States, got.States, "States")
			require.Equal(t, want.Flags, got.Flags, "Flags")
			// The condition's cycle is forbidden exactly when there are
			// at least as many grace periods as critical sections.
			n, g := len(kinds), strings.Count(kinds, "G")
			require.Equal(t, 1<<n, got.Positive+got.Negative+btoi(g >= n-g))
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
