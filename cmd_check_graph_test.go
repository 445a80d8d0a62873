package main

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graphInputs are the tests TestCheckGraph runs: a test whose outcome is
// never reached and one where it is (herd7: Never and Sometimes), the
// second again under another file name, and one whose outcome no
// candidate reaches (no write of 5).
func graphInputs(t *testing.T) (paths []string, want string) {
	kernel := filepath.Join("..", "shared", "corpus", "kernel")
	mp := filepath.Join(kernel, "MP+pooncerelease+poacquireonce.litmus")
	lb := filepath.Join(kernel, "LB+poonceonces.litmus")
	src, err := os.ReadFile(lb)
	require.NoError(t, err)
	again := writeTest(t, "again.litmus", string(src))
	none := writeTest(t, "none.litmus", "C odd-name\n{}\nP0(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (0:r0=5)\n")
	for _, p := range []string{mp, lb, lb} {
		b, err := os.ReadFile(p + ".expected")
		require.NoError(t, err)
		want += stripHash(string(b))
	}
	// herd7's output for none.litmus (herd7 run by hand, Time and Hash
	// lines dropped).
	want += "Test odd-name Allowed\nStates 1\n0:r0=0;\nNo\nWitnesses\nPositive: 0 Negative: 1\nCondition exists (0:r0=5)\nObservation odd-name Never 0 1\n\n"
	return []string{mp, lb, again, none}, want
}

// TestCheckGraph runs "check --graph DIR" without Graphviz (PATH holds no
// dot): DOT files only, named after the tests, the note saying what to
// install, a note for the test with nothing to draw, and stdout herd7's
// text alone.
func TestCheckGraph(t *testing.T) {
	paths, want := graphInputs(t)
	dir := filepath.Join(t.TempDir(), "pictures")
	t.Setenv("PATH", t.TempDir())
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch(append([]string{"check", "--graph", dir}, paths...), &out, &errb), errb.String())
	assert.Equal(t, want, stripTime(out.String()))
	assert.Contains(t, errb.String(), noDotNote+"\n")
	assert.Contains(t, errb.String(), paths[3]+": --graph: no execution to draw: no candidate execution reaches the condition's outcome\n")
	assert.Equal(t, []string{"LB+poonceonces-2.dot", "LB+poonceonces.dot", "MP+pooncerelease+poacquireonce.dot"}, dirNames(t, dir))

	mp, err := os.ReadFile(filepath.Join(dir, "MP+pooncerelease+poacquireonce.dot"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(mp), `digraph "MP+pooncerelease+poacquireonce: an execution reaching the outcome, rejected" {`))
	assert.Contains(t, string(mp), "hb cycle: ")
	lb, err := os.ReadFile(filepath.Join(dir, "LB+poonceonces.dot"))
	require.NoError(t, err)
	assert.Contains(t, string(lb), `digraph "LB+poonceonces: an allowed execution" {`)
	assert.Contains(t, string(lb), `final state: 0:r0=1; 1:r0=1;`)
}

// TestCheckGraphSVG runs "check --graph DIR" with Graphviz: an SVG
// beside each DOT file. Graphviz's dot must be installed (test.sh
// installs it); LITMUSLS_NO_GRAPHVIZ=1 skips this test where it cannot be.
func TestCheckGraphSVG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("LITMUSLS_NO_GRAPHVIZ") == "1" {
			t.Skip("LITMUSLS_NO_GRAPHVIZ=1: Graphviz's dot is not installed")
		}
		t.Fatal("Graphviz's dot is not installed (apt-get install graphviz, as test.sh does; or set LITMUSLS_NO_GRAPHVIZ=1)")
	}
	paths, want := graphInputs(t)
	// Graphviz 2.43 fails to lay out the first picture of Z6.0 ("trouble
	// in init_rank"); the second, ranked by every edge, it lays out.
	z6 := filepath.Join("..", "shared", "corpus", "kernel", "Z6.0+pooncelock+pooncelock+pombonce.litmus")
	b, err := os.ReadFile(z6 + ".expected")
	require.NoError(t, err)
	want += stripHash(string(b))
	dir := t.TempDir()
	var out, errb bytes.Buffer
	require.Equal(t, 0, dispatch(append(append([]string{"check", "--graph", dir}, paths...), z6), &out, &errb), errb.String())
	assert.Equal(t, want, stripTime(out.String()))
	assert.NotContains(t, errb.String(), noDotNote)
	assert.Equal(t, []string{"LB+poonceonces-2.dot", "LB+poonceonces-2.svg", "LB+poonceonces.dot", "LB+poonceonces.svg",
		"MP+pooncerelease+poacquireonce.dot", "MP+pooncerelease+poacquireonce.svg",
		"Z6.0+pooncelock+pooncelock+pombonce.dot", "Z6.0+pooncelock+pooncelock+pombonce.svg"}, dirNames(t, dir))
	z6svg, err := os.ReadFile(filepath.Join(dir, "Z6.0+pooncelock+pooncelock+pombonce.svg"))
	require.NoError(t, err)
	assert.Contains(t, html.UnescapeString(string(z6svg)), "spin_lock(mylock)")
	svg, err := os.ReadFile(filepath.Join(dir, "MP+pooncerelease+poacquireonce.svg"))
	require.NoError(t, err)
	s := html.UnescapeString(string(svg))
	assert.Contains(t, s, "<svg")
	// The events' words and source text are in the picture.
	for _, text := range []string{"W[release] flag=1", "smp_store_release(flag, 1)", "R[acquire] flag=1", "R[once] buf=0", "po / po-rel"} {
		assert.Contains(t, s, text)
	}
}

func TestFileName(t *testing.T) {
	for name, want := range map[string]string{
		"MP+pooncerelease+poacquireonce": "MP+pooncerelease+poacquireonce",
		"auto/C-LB-Lww+R-A":              "auto_C-LB-Lww+R-A",
		"a b*c":                          "a_b_c",
		".hidden":                        "_.hidden",
		"":                               "_",
	} {
		assert.Equal(t, want, fileName(name), name)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestCheckGraphC draws an annotated BPF C file's execution: its events
// say where they are in the C (the writer's "data = 42;" is on line 16,
// the reader's "int f = flag;" reads flag at line 25, column 10), and the
// racing plain accesses are marked.
func TestCheckGraphC(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", t.TempDir())
	code, _, errs := run("check", "--graph", dir, filepath.Join("testdata", "bpfc", "mp_plain_flag.c"))
	require.Equal(t, 0, code, errs)
	dot, err := os.ReadFile(filepath.Join(dir, "mp_plain_flag.dot"))
	require.NoError(t, err)
	for _, s := range []string{"(mp_plain_flag.c:16:2)", "(mp_plain_flag.c:25:10)", "flags: data-race", `label=" wr-race "`} {
		assert.Contains(t, string(dot), s)
	}
	assert.NotContains(t, string(dot), "(line ")
}

// TestCheckGraphDotFails: when Graphviz fails (here a dot that always
// does), the test's text is still printed, the failure is that test's
// error on stderr, and the exit status is 1.
func TestCheckGraphDotFails(t *testing.T) {
	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "dot"), []byte("#!/bin/sh\necho 'Error: broken' >&2\nexit 1\n"), 0o755))
	t.Setenv("PATH", bin)
	paths, _ := graphInputs(t)
	want := ""
	for _, p := range paths[:2] {
		b, err := os.ReadFile(p + ".expected")
		require.NoError(t, err)
		want += stripHash(string(b))
	}
	dir := t.TempDir()
	code, out, errs := run(append([]string{"check", "--graph", dir}, paths[:2]...)...)
	assert.Equal(t, 1, code)
	assert.Equal(t, want, stripTime(out))
	assert.Contains(t, errs, paths[0]+": graphviz dot: exit status 1: Error: broken\n")
	assert.Contains(t, errs, paths[1]+": graphviz dot: exit status 1: Error: broken\n")
	assert.Empty(t, dirNames(t, dir))
}
