package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A crash must cost one test, never the others, and a cut-off result
// never carries a verdict.

// panicOn makes every command panic when it starts on an input whose name
// ends with suffix, until the test ends.
func panicOn(t *testing.T, suffix string) {
	t.Helper()
	inputHook = func(name string) {
		if strings.HasSuffix(name, suffix) {
			panic("boom in " + filepath.Base(name))
		}
	}
	t.Cleanup(func() { inputHook = nil })
}

// assertInternal checks that stderr reports the crash of the input named
// name with its stack.
func assertInternal(t *testing.T, stderr, name string) {
	t.Helper()
	line := name + ": internal error: boom in " + filepath.Base(name) + "\n"
	i := strings.Index(stderr, line)
	require.GreaterOrEqual(t, i, 0, stderr)
	assert.True(t, strings.HasPrefix(stderr[i+len(line):], "goroutine "), "the stack follows: %s", stderr[i+len(line):])
	assert.Contains(t, stderr, "callInputHook", "the stack is the panicking goroutine's")
}

// checkDir writes three tests to a directory: a.litmus (Never),
// b.litmus and c.litmus (Sometimes).
func checkDir(t *testing.T) (dir, a, b, c string) {
	dir = t.TempDir()
	sometimes := strings.ReplaceAll(sbTest, "smp_mb(); ", "")
	a = writeFile(t, dir, "a.litmus", sbTest)
	b = writeFile(t, dir, "b.litmus", strings.Replace(sometimes, "C SB", "C SB-b", 1))
	c = writeFile(t, dir, "sub/c.litmus", strings.Replace(sometimes, "C SB", "C SB-c", 1))
	return dir, a, b, c
}

// TestCheckContainsPanic: a panic while checking one test of a parallel
// directory run is that test's error; every other test's output is
// printed, in order, and the exit status is 1.
func TestCheckContainsPanic(t *testing.T) {
	dir, a, b, c := checkDir(t)
	panicOn(t, "b.litmus")
	code, out, errs := run("check", "-j", "3", dir)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, b)
	assert.Equal(t, []string{"SB", "SB-c"}, observed(out), "the others, in order")
	assert.Contains(t, out, "Observation SB Never 0 3\n")
	assert.Contains(t, out, "Observation SB-c Sometimes 1 3\n")
	assert.NotContains(t, out, "SB-b")

	// --json: one object for each test that did not crash.
	code, out, errs = run("check", "-j", "3", "--json", dir)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, b)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2, out)
	for i, want := range []string{a, c} {
		var got checkJSON
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &got))
		assert.Equal(t, want, got.File)
	}

	// Linting runs in the same goroutine: a crash there is contained too.
	code, out, errs = run("check", "-j", "3", "--lint", dir)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, b)
	assert.Contains(t, out, "Observation SB-c Sometimes 1 3\n")
}

// TestCheckMissingPath: a path that cannot be read is that path's error,
// in its place; every other path is checked, and the exit status is 1.
func TestCheckMissingPath(t *testing.T) {
	dir, _, _, c := checkDir(t)
	missing := filepath.Join(dir, "missing.litmus")
	code, out, errs := run("check", missing, dir, c)
	assert.Equal(t, 1, code, "a missing path is an error, not a usage error")
	assert.Regexp(t, "^"+regexp.QuoteMeta(missing+": no such file or directory\n")+`5 tests in [0-9.]+ s: 1 Never, 3 Sometimes; 1 error, 0 cut off\n$`, errs)
	assert.Equal(t, []string{"SB", "SB-b", "SB-c", "SB-c"}, observed(out), "the directory's tests, then c.litmus again")

	// An unreadable file met in a directory walk is that file's error.
	if os.Getuid() != 0 {
		locked := writeFile(t, dir, "locked.litmus", sbTest)
		require.NoError(t, os.Chmod(locked, 0))
		code, out, errs = run("check", dir)
		assert.Equal(t, 1, code)
		assert.Equal(t, locked+": permission denied\n", errs)
		assert.Equal(t, []string{"SB", "SB-b", "SB-c"}, observed(out))
	}
}

// observed returns the names of the tests whose Observation line out
// holds, in order.
func observed(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "Observation" {
			names = append(names, f[1])
		}
	}
	return names
}

// TestParseFmtTranslateContainPanic: parse, fmt and translate report a
// crash on one file and a missing file as those files' errors, go on with
// the others, and exit 1.
func TestParseFmtTranslateContainPanic(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "a/good.litmus", goodTest)
	bad := writeFile(t, dir, "b/crash.litmus", goodTest)
	later := writeFile(t, dir, "c/syntax.litmus", badTest)
	missing := filepath.Join(dir, "missing.litmus")
	panicOn(t, "crash.litmus")

	code, out, errs := run("parse", dir, missing)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, bad)
	assert.True(t, strings.HasSuffix(errs, missing+": no such file or directory\n"), errs)
	assert.Equal(t, later+":4:2: unknown primitive smp_foo\n", out, "the files after the crash are parsed")

	code, out, errs = run("fmt", good, bad, missing, good)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, bad)
	assert.Contains(t, errs, missing+": no such file or directory\n")
	assert.Equal(t, 2, strings.Count(out, "C good\n"), "the good file is printed before and after:\n%s", out)

	src, err := os.ReadFile(filepath.Join(bpfcDir, "mp_relacq.c"))
	require.NoError(t, err)
	cgood := writeFile(t, dir, "mp.c", string(src))
	ccrash := writeFile(t, dir, "crash.c", string(src))
	panicOn(t, "crash.c")
	code, out, errs = run("translate", ccrash, filepath.Join(dir, "missing.c"), cgood)
	assert.Equal(t, 1, code)
	assertInternal(t, errs, ccrash)
	assert.Contains(t, errs, filepath.Join(dir, "missing.c")+": no such file or directory\n")
	assert.True(t, strings.HasPrefix(out, "C "), "the good file is translated, with no blank line first:\n%s", out)
}

// TestCheckCutoffNoVerdict: a reachable test cut off by --timeout carries
// no verdict: null in JSON, with the reason, and no herd7 text (so no
// Observation line) in text, only the cut-off line.
func TestCheckCutoffNoVerdict(t *testing.T) {
	path := filepath.Join("..", "shared", "corpus", "kernel", "MP+poonceonces.litmus")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(src), "Result: Sometimes", "a reachable test")

	code, out, errs := run("check", "--json", "--timeout", "1ns", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, errs)
	var raw map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Contains(t, raw, "verdict")
	assert.Nil(t, raw["verdict"], "a cut-off test has no verdict")
	assert.Nil(t, raw["ok"], "nor herd7's Ok/No")
	assert.NotContains(t, raw, "reason", "nor a reason the outcome is never reached")
	assert.Equal(t, true, raw["cutoff"])
	assert.Equal(t, "cut off after 1ns: no result", raw["cutoffReason"])
	for _, v := range []string{"Never", "Sometimes", "Always"} {
		assert.NotContains(t, out, v)
	}

	for _, args := range [][]string{
		{"check", "--timeout", "1ns", path},
		{"check", "--timeout", "1ns", "--explain", "--lint", path},
	} {
		code, out, errs = run(args...)
		assert.Equal(t, 1, code, args)
		assert.Empty(t, out, args)
		assert.Equal(t, "Test MP+poonceonces cut off after 1ns: no result\n", errs, args)
	}

	// Given the time, the same test has its verdict.
	code, out, _ = run("check", "--json", path)
	assert.Equal(t, 0, code)
	var got checkJSON
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.NotNil(t, got.Verdict)
	assert.Equal(t, "Sometimes", *got.Verdict)
	assert.False(t, got.Cutoff)
	assert.Empty(t, got.CutoffReason)
}
