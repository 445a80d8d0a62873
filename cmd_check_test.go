package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTest(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

const sbTest = `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); smp_mb(); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); smp_mb(); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\ 1:r0=0)
`

func TestCheckCommand(t *testing.T) {
	path := writeTest(t, "SB.litmus", sbTest)
	var out, errb bytes.Buffer
	code := dispatch([]string{"check", "-j", "2", path}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	text := out.String()
	assert.Contains(t, text, "Test SB Allowed\nStates 3\n0:r0=0; 1:r0=1;\n0:r0=1; 1:r0=0;\n0:r0=1; 1:r0=1;\nNo\nWitnesses\nPositive: 0 Negative: 3\n")
	assert.Contains(t, text, "Condition exists (0:r0=0 /\\ 1:r0=0)\nObservation SB Never 0 3\n")
	assert.Contains(t, text, "Time SB ")
}

func TestCheckCommandJSON(t *testing.T) {
	path := writeTest(t, "SB.litmus", sbTest)
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", "--json", path}, &out, &errb), errb.String())
	var got checkJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, "SB", got.Name)
	require.NotNil(t, got.Verdict)
	assert.Equal(t, "Never", *got.Verdict)
	assert.Equal(t, "exists (0:r0=0 /\\ 1:r0=0)", got.Condition)
	require.NotNil(t, got.Ok)
	assert.False(t, *got.Ok)
	assert.Equal(t, 0, got.Positive)
	assert.Equal(t, 3, got.Negative)
	assert.Equal(t, []string{"0:r0=0; 1:r0=1;", "0:r0=1; 1:r0=0;", "0:r0=1; 1:r0=1;"}, got.States)
	require.Len(t, got.Witnesses, 3)
	for i, w := range got.Witnesses {
		assert.Equal(t, got.States[i], w.State)
		assert.False(t, w.Cond)
		assert.Len(t, w.Rf, 2, "one rf edge per read")
	}

	// The reason: the store-buffering outcome needs a pb cycle through
	// both fences, and the events carry their source.
	require.NotNil(t, got.Reason)
	assert.True(t, got.Reason.Outcome)
	assert.Equal(t, "propagation", got.Reason.Check)
	assert.Equal(t, "pb cycle: R y ->fre W y ->mb R x ->fre W x ->mb R y", got.Reason.Cycle)
	require.NotNil(t, got.Reason.Execution)
	assert.Equal(t, "0:r0=0; 1:r0=0;", got.Reason.Execution.State)
	for _, e := range got.Reason.Edges {
		ev := got.Reason.Execution.Events[e.From]
		assert.Contains(t, ev.Pos, "SB.litmus:")
		assert.Contains(t, ev.Source, "ONCE(")
	}
}

func TestCheckCommandExplain(t *testing.T) {
	path := writeTest(t, "SB.litmus", strings.ReplaceAll(sbTest, "smp_mb(); ", ""))
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", "--explain", path}, &out, &errb), errb.String())
	text := out.String()
	assert.Contains(t, text, "Observation SB Sometimes 1 3\n")
	assert.Contains(t, text, "Explanation of SB:\n  The condition (0:r0=0 /\\ 1:r0=0) is satisfied by this allowed execution:\n")
	assert.Contains(t, text, "SB.litmus:3:54: P0 `READ_ONCE(*y)` read y=0, the initial value of y\n")
	assert.Contains(t, text, "SB.litmus:4:54: P1 `READ_ONCE(*x)` read x=0, the initial value of x\n")

	// Without --explain the herd7 text is the same and nothing follows.
	var plain bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", path}, &plain, &errb), errb.String())
	assert.NotContains(t, plain.String(), "Explanation")
	assert.Equal(t, stripTime(plain.String()), stripTime(text[:strings.Index(text, "Explanation")]))
}

// stripTime drops herd7's Time line.
func stripTime(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "Time ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestCheckCommandCutoff(t *testing.T) {
	path := filepath.Join("..", "shared", "bench", "C-ManfredSpraul-L1G1xchg.litmus")
	var out, errb bytes.Buffer
	assert.Equal(t, 1, dispatch([]string{"check", "--timeout", "1ns", path}, &out, &errb))
	assert.Empty(t, out.String())
	assert.Equal(t, "Test C-ManfredSpraul-L1G1xchg cut off after 1ns: no result\n", errb.String())

	out.Reset()
	errb.Reset()
	assert.Equal(t, 1, dispatch([]string{"check", "--json", "--timeout", "1ns", path}, &out, &errb))
	var got checkJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.True(t, got.Cutoff)
}

func TestCheckCommandErrors(t *testing.T) {
	path := writeTest(t, "L.litmus", strings.Replace(sbTest, "smp_mb(); r0 = READ_ONCE(*y);", "while (1) { }", 1))
	var out, errb bytes.Buffer
	assert.Equal(t, 1, dispatch([]string{"check", path}, &out, &errb))
	assert.Contains(t, errb.String(), "L.litmus:3:")
	assert.Contains(t, errb.String(), "loop")
	assert.Empty(t, out.String())

	assert.Equal(t, 2, dispatch([]string{"check"}, &out, &errb))
	assert.Equal(t, 2, dispatch([]string{"check", "--bogus", path}, &out, &errb))
}
