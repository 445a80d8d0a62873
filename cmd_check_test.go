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
	var got struct {
		Result struct {
			Verdict  string
			Negative int
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, "Never", got.Result.Verdict)
	assert.Equal(t, 3, got.Result.Negative)
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
