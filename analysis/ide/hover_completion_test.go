package ide

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// labels returns the labels of the completions of kind k.
func labels(cs []Completion, k CompletionKind) []string {
	var out []string
	for _, c := range cs {
		if c.Kind == k {
			out = append(out, c.Label)
		}
	}
	return out
}

func find(cs []Completion, label string) (Completion, bool) {
	for _, c := range cs {
		if c.Label == label {
			return c, true
		}
	}
	return Completion{}, false
}

func TestCompleteInThread(t *testing.T) {
	// The user is typing a new statement in P1; the test does not parse
	// cleanly, as while editing.
	src := "C t\n{\n\tx = 0;\n}\n\nP0(int *x, int *y)\n{\n\tint r5;\n\tr5 = READ_ONCE(*y);\n}\n\nP1(int *x, int *y)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n\tREAD\n}\n\nexists (1:r0=1)\n"
	f, _ := syntax.Parse("t.litmus", []byte(src))
	off := offsetOf(t, src, "\tREAD\n", 0, 5)
	cs := Complete(f, []byte(src), off)

	c, ok := find(cs, "READ_ONCE")
	require.True(t, ok)
	assert.Equal(t, CompletePrimitive, c.Kind)
	assert.Equal(t, "READ_ONCE(${1:*x})", c.Insert)
	assert.True(t, c.Snippet)
	assert.Equal(t, "r = READ_ONCE(*x)", c.Detail)
	assert.Equal(t, "marked load of *X", c.Doc)
	c, ok = find(cs, "smp_store_release")
	require.True(t, ok)
	assert.Equal(t, "smp_store_release(${1:x}, ${2:v})", c.Insert)
	_, ok = find(cs, "ATOMIC_INIT")
	assert.False(t, ok, "ATOMIC_INIT belongs in the init block")

	assert.Equal(t, []string{"x", "y"}, labels(cs, CompleteVariable))
	assert.Equal(t, []string{"r0"}, labels(cs, CompleteRegister), "P1's registers only")
	c, _ = find(cs, "r0")
	assert.Equal(t, "int", c.Detail)
}

func TestCompleteInCondition(t *testing.T) {
	src := "C t\n{}\n\nP0(int *x, int *y)\n{\n\tint r5;\n\tr5 = READ_ONCE(*y);\n}\n\nP1(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\tr0 = READ_ONCE(*x);\n}\n\nexists (1:r0=1 /\\ 1:)\n"
	f, _ := syntax.Parse("t.litmus", []byte(src))
	b := []byte(src)

	// After "1:", P1's registers, bare.
	cs := Complete(f, b, offsetOf(t, src, "1:)", 0, 2))
	assert.Equal(t, []string{"r0", "r1"}, labels(cs, CompleteRegister))
	assert.Empty(t, labels(cs, CompleteVariable))

	// Elsewhere in the condition: every register with its thread, and
	// the variables.
	cs = Complete(f, b, offsetOf(t, src, "1:r0=1", 0, 0))
	assert.Equal(t, []string{"0:r5", "1:r0", "1:r1"}, labels(cs, CompleteRegister))
	assert.Equal(t, []string{"x", "y"}, labels(cs, CompleteVariable))
	assert.Empty(t, labels(cs, CompletePrimitive))

	// Between the threads and the condition: the clause keywords.
	cs = Complete(f, b, offsetOf(t, src, "\nexists", 0, 0))
	assert.Equal(t, []string{"exists", "~exists", "forall", "locations", "filter"}, labels(cs, CompleteKeyword))

	// Nothing in the init block.
	assert.Empty(t, Complete(f, b, offsetOf(t, src, "{}", 0, 1)))
}
