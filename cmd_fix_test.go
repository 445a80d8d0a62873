package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestFixCommandWritesSafely: fix replaces a file through a temporary
// file renamed over it, keeping its mode, leaving no temporary file, and
// following a symbolic link to the file it names.
func TestFixCommandWritesSafely(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "MP.litmus", mpFixTest)
	require.NoError(t, os.Chmod(path, 0o640))
	link := filepath.Join(dir, "link.litmus")
	require.NoError(t, os.Symlink("MP.litmus", link))
	code, _, errs := run("fix", link)
	require.Equal(t, 0, code, errs)

	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, fs.ModeSymlink, info.Mode().Type(), "the link stays a link")
	info, err = os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), info.Mode(), "the mode is kept")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(src), "smp_store_release(flag, 1);")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"MP.litmus", "link.litmus"}, names, "no temporary file left")
}

// TestFixCommandNoWriteWhenUnchanged: a test with nothing to change is not
// written at all (the same inode, the same modification time).
func TestFixCommandNoWriteWhenUnchanged(t *testing.T) {
	dir := t.TempDir()
	fixed := strings.Replace(mpFixTest, "\tWRITE_ONCE(*flag, 1);", "\tsmp_store_release(flag, 1);", 1)
	fixed = strings.Replace(fixed, "r0 = READ_ONCE(*flag);", "r0 = smp_load_acquire(flag);", 1)
	path := writeFile(t, dir, "MP.litmus", fixed)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(path, old, old))
	before, err := os.Stat(path)
	require.NoError(t, err)
	code, out, errs := run("fix", path)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "nothing is stronger than it needs")
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "not replaced")
	assert.Equal(t, old, after.ModTime(), "not written")
}

// TestReplaceFiles: a file changed since it was read is not written, nor
// are the others of the same fix; nothing is left behind.
func TestReplaceFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.c", "int a;\n")
	b := writeFile(t, dir, "b.c", "int b; // edited meanwhile\n")
	err := replaceFiles([]stagedFile{
		{name: a, old: []byte("int a;\n"), new: []byte("int a2;\n")},
		{name: b, old: []byte("int b;\n"), new: []byte("int b2;\n")},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), b+": changed since litmusls read it; not written")
	for name, want := range map[string]string{a: "int a;\n", b: "int b; // edited meanwhile\n"} {
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Equal(t, want, string(src))
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file left")

	// Both as read: both written.
	require.NoError(t, replaceFiles([]stagedFile{
		{name: a, old: []byte("int a;\n"), new: []byte("int a2;\n")},
		{name: b, old: []byte("int b; // edited meanwhile\n"), new: []byte("int b2;\n")},
	}))
	src, err := os.ReadFile(a)
	require.NoError(t, err)
	assert.Equal(t, "int a2;\n", string(src))
	src, err = os.ReadFile(b)
	require.NoError(t, err)
	assert.Equal(t, "int b2;\n", string(src))
}

// TestFixCommandLitmusDirectory: fix on a directory still fixes its
// litmus tests as before, and writes nothing else.
func TestFixCommandLitmusDirectory(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "sub/MP.litmus", mpFixTest)
	other := writeFile(t, dir, "notes.txt", "P0(int *x) {}\n")
	code, out, errs := run("fix", "--arch", "arm64", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, path+": bad outcome reachable (Sometimes); cheapest fix: ")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(src), "smp_store_release(flag, 1);")
	src, err = os.ReadFile(other)
	require.NoError(t, err)
	assert.Equal(t, "P0(int *x) {}\n", string(src))
}
