package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

const mpFixTest = `C MP
(* Result: Sometimes *)
{}

P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1); // the payload
	WRITE_ONCE(*flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*flag);
	r1 = READ_ONCE(*buf);
}

exists (1:r0=1 /\ 1:r1=0)
`

func TestFixCommandDryRun(t *testing.T) {
	path := writeFile(t, t.TempDir(), "MP.litmus", mpFixTest)
	code, out, errs := run("fix", "--dry-run", path)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, path+": bad outcome reachable (Sometimes); cheapest fix: Use smp_store_release on line 8, smp_load_acquire on line 16 (bad outcome becomes Never; +20 on powerpc64, +4 on arm64, free on x86-64; saves 60 on powerpc64 against smp_mb() in each thread)\n")
	assert.Contains(t, out, "--- "+path+"\n+++ "+path+" (fixed)\n")
	assert.Contains(t, out, "@@ "+path+":8:2 @@\n-\tWRITE_ONCE(*flag, 1);\n+\tsmp_store_release(flag, 1);\n")
	assert.Contains(t, out, "@@ "+path+":16:7 @@\n-\tr0 = READ_ONCE(*flag);\n+\tr0 = smp_load_acquire(flag);\n")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, mpFixTest, string(src), "--dry-run leaves the file alone")
}

func TestFixCommandWrites(t *testing.T) {
	path := writeFile(t, t.TempDir(), "MP.litmus", mpFixTest)
	code, _, errs := run("fix", "--arch", "arm64", path)
	require.Equal(t, 0, code, errs)
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	want := strings.Replace(mpFixTest, "\tWRITE_ONCE(*flag, 1);", "\tsmp_store_release(flag, 1);", 1)
	want = strings.Replace(want, "r0 = READ_ONCE(*flag);", "r0 = smp_load_acquire(flag);", 1)
	assert.Equal(t, want, string(src), "only the edits change the text; the comment stays")

	// Now correct: a second run has nothing to do.
	code, out, errs := run("fix", path)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "correct (Never), and nothing is stronger than it needs")
	f, errs2 := syntax.Parse(path, src)
	require.Empty(t, errs2)
	res, err := checker.Check(context.Background(), f, checker.Options{})
	require.NoError(t, err)
	assert.Equal(t, "Never", res.Verdict)
}

func TestFixCommandRelaxes(t *testing.T) {
	over := strings.Replace(mpFixTest, "\tWRITE_ONCE(*flag, 1);", "\tsmp_mb();\n\tWRITE_ONCE(*flag, 1);", 1)
	over = strings.Replace(over, "\tr1 = READ_ONCE(*buf);", "\tsmp_mb();\n\tr1 = READ_ONCE(*buf);", 1)
	path := writeFile(t, t.TempDir(), "MP.litmus", over)
	code, out, errs := run("fix", "--dry-run", path)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, path+": correct (Never) but over-fenced; Use smp_wmb on line 8, smp_rmb on line 18 (outcome stays Never; saves 60 on powerpc64, 10 on arm64, 30 on x86-64)\n")
	assert.Contains(t, out, "-\tsmp_mb();\n+\tsmp_wmb();\n")
}

func TestFixCommandNoFix(t *testing.T) {
	path := writeFile(t, t.TempDir(), "co.litmus", "C co\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n")
	code, out, _ := run("fix", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "no fix exists in the vocabulary")
}

func TestFixCommandUsage(t *testing.T) {
	code, _, _ := run("fix")
	assert.Equal(t, 2, code)
	code, _, errs := run("fix", "--arch", "vax", "x.litmus")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "unknown architecture")
}
