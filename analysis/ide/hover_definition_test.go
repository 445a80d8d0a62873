package ide

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

func TestDefinition(t *testing.T) {
	src := mpTest
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	tests := []struct {
		at          string
		n, delta    int
		target      string // text at the target
		targetAt    string // the target is the n-th occurrence of this
		targetN     int
		targetDelta int
	}{
		// A register used in its thread, and in the condition, leads to its declaration in P1.
		{"r0 = smp", 0, 0, "r0", "int r0", 0, 4},
		{"1:r1", 0, 3, "r1", "int r1", 0, 4},
		// A register never declared leads to its first assignment.
		{"r2 = r1", 0, 1, "r2", "r2 = r1", 0, 0},
		// A variable in a thread leads to that thread's parameter.
		{"*buf);", 0, 1, "buf", "int *buf, int *flag)\n{\n\tint r0", 0, 5},
		// On a parameter: the init item.
		{"int *buf, int *flag)\n{\n\tWRITE", 0, 5, "buf", "int buf = 0", 0, 4},
		// flag is set in the init block too.
		{"int *flag)\n{\n\tWRITE", 0, 5, "flag", "flag = 0", 0, 0},
	}
	for _, tt := range tests {
		target, origin, ok := Definition(f, []byte(src), offsetOf(t, src, tt.at, tt.n, tt.delta))
		require.True(t, ok, "no definition at %q", tt.at)
		assert.Equal(t, tt.target, src[target.Start:target.End], "at %q", tt.at)
		assert.Equal(t, offsetOf(t, src, tt.targetAt, tt.targetN, tt.targetDelta), target.Start, "at %q", tt.at)
		assert.Equal(t, tt.target, src[origin.Start:origin.End], "origin at %q", tt.at)
	}
	// A primitive has no definition in the test.
	_, _, ok := Definition(f, []byte(src), offsetOf(t, src, "READ_ONCE", 0, 0))
	assert.False(t, ok)
}

func TestDefinitionBPFAndInit(t *testing.T) {
	src := "BPF t\n{\n0:r1=x; 0:r2=y;\n}\n P0 ;\n r3 = 1 ;\n *(u32 *)(r1 + 0) = r3 ;\n r3 = 2 ;\nexists (0:r3=2 /\\ [x]=1)\n"
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	b := []byte(src)
	// r3 is first set by "r3 = 1".
	target, _, ok := Definition(f, b, offsetOf(t, src, "0:r3", 0, 2))
	require.True(t, ok)
	assert.Equal(t, offsetOf(t, src, "r3 = 1", 0, 0), target.Start)
	// r1, the base of a memory operand, is set in the init block.
	target, _, ok = Definition(f, b, offsetOf(t, src, "r1 + 0", 0, 0))
	require.True(t, ok)
	assert.Equal(t, offsetOf(t, src, "0:r1=x", 0, 2), target.Start)
	// x has no init item of its own: its first mention in the init block.
	target, _, ok = Definition(f, b, offsetOf(t, src, "[x]", 0, 1))
	require.True(t, ok)
	assert.Equal(t, offsetOf(t, src, "0:r1=x", 0, 5), target.Start)
	// Nothing to go to from a number.
	_, _, ok = Definition(f, b, offsetOf(t, src, "r3 = 2", 0, 5))
	assert.False(t, ok)
}
