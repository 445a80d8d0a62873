package checker

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestWorkerPanicReachesCaller: a panic while judging one structure on a
// worker goroutine is raised again in the goroutine that called
// eachStructure (where the CLI and the server recover it), with the
// worker's stack, instead of killing the process.
func TestWorkerPanicReachesCaller(t *testing.T) {
	src := "C two-paths\n{}\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tif (r0)\n\t\tWRITE_ONCE(*x, 2);\n}\nP1(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (0:r0=1)\n"
	f, errs := syntax.Parse("two-paths.litmus", []byte(src))
	require.Empty(t, errs)
	p, err := lower(f)
	require.NoError(t, err)
	for _, workers := range []int{1, 4} {
		var got any
		func() {
			defer func() { got = recover() }()
			p.eachStructure(context.Background(), workers, func(b *built, seq int) {
				panic("boom")
			})
		}()
		wp, ok := got.(*workerPanic)
		require.True(t, ok, "workers=%d: recovered %#v", workers, got)
		require.Equal(t, "boom", wp.value)
		require.Contains(t, wp.String(), "check_panic_test.go")
	}
}
