package rewrite

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParallelPanic: a panic in one call of parallel is raised again in
// the caller's goroutine, after the other calls have run, with the stack
// of the goroutine it came from.
func TestParallelPanic(t *testing.T) {
	var ran atomic.Int32
	var got any
	func() {
		defer func() { got = recover() }()
		Parallel(context.Background(), 8, func(i int) {
			ran.Add(1)
			if i == 3 {
				panic("boom")
			}
		}, nil)
	}()
	require.NotNil(t, got, "the panic reaches the caller")
	msg := fmt.Sprint(got)
	assert.True(t, strings.HasPrefix(msg, "boom [in a worker goroutine:\ngoroutine "), msg)
	assert.Contains(t, msg, "TestParallelPanic")
	assert.Equal(t, int32(8), ran.Load(), "the other calls ran")
}
