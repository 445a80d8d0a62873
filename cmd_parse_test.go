package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = dispatch(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

const goodTest = "C good\n{ x=1; }\nP0(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (0:r0=1)\n"
const badTest = "C bad\n{}\nP0(int *x) {\n\tsmp_foo();\n}\nexists (x=1)\n"

func TestParseCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "a/good.litmus", goodTest)
	bad := writeFile(t, dir, "b/bad.litmus", badTest)
	writeFile(t, dir, "b/notes.txt", "not a test")

	code, out, errs := run("parse", good)
	require.Equal(t, 0, code)
	require.Empty(t, out)
	require.Empty(t, errs)

	code, out, _ = run("parse", dir)
	require.Equal(t, 1, code)
	require.Equal(t, bad+":4:2: unknown primitive smp_foo\n", out)

	code, _, errs = run("parse")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "usage")

	missing := filepath.Join(dir, "missing.litmus")
	code, out, errs = run("parse", missing, good)
	require.Equal(t, 1, code, "a missing file is that file's error")
	require.Empty(t, out)
	require.Equal(t, missing+": no such file or directory\n", errs)
}

// TestParseCommandC: an annotated C file is translated, not parsed as a
// litmus test; its annotation problems are reported in C coordinates.
func TestParseCommandC(t *testing.T) {
	code, out, errs := run("parse", filepath.Join("testdata", "bpfc", "mp_relacq.c"))
	require.Equal(t, 0, code, out+errs)
	require.Empty(t, out)

	bad := writeFile(t, t.TempDir(), "bad.c", "// litmus: exists (a:x=1)\nint x;\n")
	code, out, _ = run("parse", bad)
	require.Equal(t, 1, code)
	require.Contains(t, out, bad+":1:4: ")
}

func TestParseCommandCorpus(t *testing.T) {
	root, err := os.Getwd()
	require.NoError(t, err)
	corpus := filepath.Join(root, "..", "shared", "corpus", "kernel")
	code, out, errs := run("parse", corpus)
	require.Equal(t, 0, code, out+errs)
}

func TestFmtCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.litmus", goodTest)
	bad := writeFile(t, dir, "bad.litmus", badTest)
	want := "C good\n\n{\n\tx=1;\n}\n\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n\nexists (0:r0=1)\n"

	code, out, errs := run("fmt", good)
	require.Equal(t, 0, code, errs)
	require.Equal(t, want, out)

	code, out, errs = run("fmt", "-w", good, bad)
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errs, bad+":4:2: unknown primitive smp_foo\n")
	require.Contains(t, errs, "not rewritten")
	text, err := os.ReadFile(good)
	require.NoError(t, err)
	require.Equal(t, want, string(text))
	text, err = os.ReadFile(bad)
	require.NoError(t, err)
	require.Equal(t, badTest, string(text), "a file with errors must be left alone")

	code, _, errs = run("fmt")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "usage")

	code, _, _ = run("fmt", "-bogus", good)
	require.Equal(t, 2, code)
}

// TestParseScenario: parse takes check's inputs: one scenario of an
// annotated C file by name, each scenario of a file that has several, and
// an error naming a scenario that is not there.
func TestParseScenario(t *testing.T) {
	c := filepath.Join("testdata", "bpfc", "mp_variants.c")
	code, out, errs := run("parse", c+"#mp_release")
	assert.Equal(t, 0, code, "%s%s", out, errs)
	assert.Empty(t, out)
	code, out, errs = run("parse", c)
	assert.Equal(t, 0, code, "%s%s", out, errs)
	assert.Empty(t, out)
	code, out, _ = run("parse", c+"#nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `no scenario "nope"`)
}
