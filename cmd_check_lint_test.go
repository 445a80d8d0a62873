package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mpRmbTest passes a message with smp_rmb() where the writer needs a
// write barrier: lint L01 on line 3.
const mpRmbTest = `C MP-rmb
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_rmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*y); smp_rmb(); r1 = READ_ONCE(*x); }
exists (1:r0=1 /\ 1:r1=0)
`

func TestCheckCommandLint(t *testing.T) {
	path := writeTest(t, "MP-rmb.litmus", mpRmbTest)
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", "--lint", path}, &out, &errb), errb.String())
	text := out.String()
	herdEnd := strings.Index(text, "Time MP-rmb ")
	require.GreaterOrEqual(t, herdEnd, 0, text)
	lint := strings.Index(text, path+":3:41: warning: L01 `smp_rmb()` orders nothing here")
	require.GreaterOrEqual(t, lint, 0, text)
	assert.Greater(t, lint, herdEnd, "lints follow herd7's text")
	assert.Contains(t, text, "\n  fix: Replace with smp_wmb()")
	// The rewrite machinery's cheapest fix follows the lints.
	assert.Contains(t, text, path+":5:1: information: cheapest-fix ")

	// --lint=error: the warning makes the exit status 1; a correct test
	// with no warning keeps 0.
	out.Reset()
	assert.Equal(t, 1, dispatch([]string{"check", "--lint=error", path}, &out, &errb))
	ok := writeTest(t, "SB.litmus", sbTest)
	out.Reset()
	assert.Equal(t, 0, dispatch([]string{"check", "--lint=error", ok}, &out, &errb), out.String())
	assert.NotContains(t, out.String(), ": warning: ")

	// Without --lint, no lints.
	out.Reset()
	require.Equal(t, 0, dispatch([]string{"check", path}, &out, &errb))
	assert.NotContains(t, out.String(), "L01")

	// A bad mode is a usage error.
	assert.Equal(t, 2, dispatch([]string{"check", "--lint=loud", path}, &out, &errb))
}

func TestCheckCommandLintJSON(t *testing.T) {
	path := writeTest(t, "MP-rmb.litmus", mpRmbTest)
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", "--json", "--lint", path}, &out, &errb), errb.String())
	var got checkJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	require.NotEmpty(t, got.Lints)
	l := got.Lints[0]
	assert.Equal(t, "L01", l.Code)
	assert.Equal(t, "warning", l.Severity)
	assert.Equal(t, path+":3:41", l.Pos)
	assert.Equal(t, "smp_rmb()", mpRmbTest[l.Start:l.End])
	require.NotEmpty(t, l.Fixes)
	require.Len(t, l.Fixes[0].Edits, 1)
	e := l.Fixes[0].Edits[0]
	assert.Equal(t, "smp_wmb()", e.NewText)
	assert.Equal(t, "smp_rmb()", mpRmbTest[e.Start:e.End])
	assert.Len(t, l.Related, 2)
}

// relaxedFetchC is annotated BPF C whose relaxed fetch's old value is
// observed: lint L16, placed on the C line of the call.
const relaxedFetchC = `long hits = 0;

// litmus: exists (p0:old=1)

// litmus: thread
int p0(void *ctx)
{
	long old = __atomic_fetch_add(&hits, 1, __ATOMIC_RELAXED);
	return 0;
}

// litmus: thread
int p1(void *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
`

func TestCheckCommandLintC(t *testing.T) {
	path := writeTest(t, "relaxed.c", relaxedFetchC)
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch([]string{"check", "--lint", path}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), path+":8:13: warning: L16 ", "the lint is on the C line of the relaxed fetch:\n%s", out.String())
}
