package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/graph"
	"github.com/litmusls/litmusls/syntax"
)

// herd7GraphTests are corpus tests drawn below: reached and never
// reached outcomes, a fence, a lock, and a data race.
var herd7GraphTests = []string{
	"kernel/SB+poonceonces.litmus",
	"kernel/MP+pooncerelease+poacquireonce.litmus",
	"kernel/MP+fencewmbonceonce+fencermbonceonce.litmus",
	"kernel/ISA2+pooncelock+pooncelock+pombonce.litmus",
	"paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus",
	"kernel/WRC+poonceonces+Once.litmus",
	"kernel/Z6.0+pooncelock+pooncelock+pombonce.litmus",
}

var (
	dotGraphNode = regexp.MustCompile(`^\s*(e\d+) \[label="((?:[^"\\]|\\.)*)"`)
	dotGraphEdge = regexp.MustCompile(`^\s*(e\d+) -> (e\d+) \[label="((?:[^"\\]|\\.)*)"`)
	herdPosNeg   = regexp.MustCompile(`(?m)^Positive: (\d+) Negative: (\d+)$`)
)

// drawnGraph is one digraph of a DOT file read back: its nodes' labels by
// name, its labelled edges as "eA -> eB" with the relation names on them.
type drawnGraph struct {
	nodes map[string]string
	edges map[string][]string
}

// readDOTFile splits a DOT file into its digraphs and reads each back.
func readDOTFile(t *testing.T, text string) []drawnGraph {
	t.Helper()
	var out []drawnGraph
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "digraph "):
			out = append(out, drawnGraph{nodes: map[string]string{}, edges: map[string][]string{}})
		case len(out) == 0:
			require.Empty(t, strings.TrimSpace(l), "text before the first digraph")
		default:
			g := out[len(out)-1]
			if m := dotGraphEdge.FindStringSubmatch(l); m != nil {
				k := m[1] + " -> " + m[2]
				g.edges[k] = append(g.edges[k], strings.Split(strings.TrimSpace(m[3]), " / ")...)
			} else if m := dotGraphNode.FindStringSubmatch(l); m != nil {
				g.nodes[m[1]] = m[2]
			}
		}
	}
	return out
}

// posNegOf reads herd7's Positive and Negative counts in its output.
func posNegOf(t *testing.T, out string) (int, int) {
	m := herdPosNeg.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	p, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	return p, n
}

// shownOf is what checker.Shown gives for a corpus test.
func shownOf(t *testing.T, test string, sel checker.ShowSelect) (*syntax.File, []*checker.Witness) {
	src, err := os.ReadFile(test)
	require.NoError(t, err)
	f, errs := syntax.Parse(test, src)
	require.Empty(t, errs)
	r, err := checker.Shown(context.Background(), f, checker.Options{}, sel)
	require.NoError(t, err)
	return f, r.Executions
}

// checkDrawn checks that g draws every event of w (herd7's letter for it,
// as herd7 7.58+1's SB+poonceonces picture names them, and its text)
// and every edge of w: po between successive events of a thread, rf, co
// and fr; the initial writes and their rf only when asked.
func checkDrawn(t *testing.T, g drawnGraph, w *checker.Witness, initWrites, initRf bool) {
	t.Helper()
	has := func(from, to int, rel string) {
		t.Helper()
		k := "e" + strconv.Itoa(from) + " -> e" + strconv.Itoa(to)
		assert.Contains(t, g.edges[k], rel, "%s %s: %v", k, rel, g.edges[k])
	}
	// herd7's names: the threads' accesses from a, then the initial
	// writes, then the fences.
	names := map[int]string{}
	for class := range 3 {
		for i, ev := range w.Events {
			c := 0
			switch {
			case ev.Thread < 0:
				c = 1
			case ev.Kind == checker.KindF:
				c = 2
			}
			if c == class {
				names[i] = graph.Letter(len(names))
			}
		}
	}
	drawn := 0
	for i, ev := range w.Events {
		label, ok := g.nodes["e"+strconv.Itoa(i)]
		if ev.Thread < 0 && !initWrites {
			assert.False(t, ok, "initial write %d drawn", i)
			continue
		}
		drawn++
		require.True(t, ok, "event %d (%s) not drawn", i, ev.Text)
		assert.Contains(t, label, names[i]+": "+ev.Text)
		for j := i + 1; ev.Thread >= 0 && j < len(w.Events); j++ {
			if w.Events[j].Thread == ev.Thread {
				has(i, j, "po")
				break
			}
		}
	}
	assert.Len(t, g.nodes, drawn)
	visible := func(e int) bool { return initWrites || w.Events[e].Thread >= 0 }
	for _, e := range w.Rf {
		if w.Events[e.From].Thread >= 0 || (initWrites && initRf) {
			has(e.From, e.To, "rf")
		}
	}
	for _, e := range w.Co {
		if visible(e.From) {
			has(e.From, e.To, "co")
		}
	}
	for _, r := range w.Rf {
		for _, c := range w.Co {
			if c.From == r.From {
				has(r.To, c.To, "fr")
			}
		}
	}
	for _, r := range w.Races {
		has(r.A, r.B, r.Kind)
	}
}

// TestHerd7GraphFiles: "-show all -o DIR" writes DIR/BASE.dot for each
// test, herd7's name, with one digraph per allowed execution (herd7
// writes Positive+Negative of them: its model_kont shows every execution
// it counts), each with every event and edge of the execution; the
// printed text is herd7's. With the kernel's cfg the initial writes are
// not drawn (showinitwrites false); asked for, they are, with their rf.
func TestHerd7GraphFiles(t *testing.T) {
	modelDir(t)
	for _, test := range herd7GraphTests {
		path := corpusPath(test)
		want := expected(t, path)
		pos, neg := posNegOf(t, want)
		_, execs := shownOf(t, path, checker.ShowSelect{Kind: checker.ShowAll})
		require.Len(t, execs, pos+neg)
		for _, init := range []bool{false, true} {
			t.Run(test+" init="+strconv.FormatBool(init), func(t *testing.T) {
				dir := t.TempDir()
				args := []string{"-conf", "linux-kernel.cfg", "-show", "all", "-o", dir}
				if init {
					args = append(args, "-showinitwrites", "true", "-showinitrf", "true")
				}
				code, out, errs := runHerd7Args(t, append(args, path)...)
				require.Equal(t, 0, code, errs)
				require.Empty(t, errs)
				require.Equal(t, want, withoutTimeHash(out))
				text, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".litmus")+".dot"))
				require.NoError(t, err)
				gs := readDOTFile(t, string(text))
				require.Len(t, gs, pos+neg)
				for i, g := range gs {
					checkDrawn(t, g, execs[i], init, init)
				}
				// Graphviz, where installed, renders the file: 2.43
				// crashes on some files of several of DOT's pictures
				// (Z6.0's), and on WRC's rf between the first events of
				// two threads placed side by side.
				if dot, err := exec.LookPath("dot"); err == nil {
					_, err := graph.SVG(context.Background(), dot, text)
					require.NoError(t, err)
				}
			})
		}
	}
}

// TestHerd7GraphShow: -show prop draws herd7's Positive executions, an
// empty file when there are none (herd7 7.58+1 by hand: an empty
// MP+pooncerelease+poacquireonce.dot); the file is named after the test
// file, not the test, plus -suffix.
func TestHerd7GraphShow(t *testing.T) {
	dir := modelDir(t)
	out := t.TempDir()
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	mp := corpusPath("kernel/MP+pooncerelease+poacquireonce.litmus")
	renamed := filepath.Join(dir, "renamed.litmus")
	src, err := os.ReadFile(sb)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(renamed, src, 0o644))
	code, _, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "prop", "-o", out, sb, mp, renamed)
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	for name, want := range map[string]int{"SB+poonceonces.dot": 1, "MP+pooncerelease+poacquireonce.dot": 0, "renamed.dot": 1} {
		text, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err, name)
		assert.Len(t, readDOTFile(t, string(text)), want, name)
	}
	_, execs := shownOf(t, sb, checker.ShowSelect{Kind: checker.ShowProp})
	text, err := os.ReadFile(filepath.Join(out, "SB+poonceonces.dot"))
	require.NoError(t, err)
	checkDrawn(t, readDOTFile(t, string(text))[0], execs[0], false, false)

	code, _, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "neg", "-suffix", ".graph", "-o", out, sb)
	require.Equal(t, 0, code, errs)
	text, err = os.ReadFile(filepath.Join(out, "SB+poonceonces.graph.dot"))
	require.NoError(t, err)
	assert.Len(t, readDOTFile(t, string(text)), 3)

	// -show none (the default) with -o: herd7 writes an empty file.
	none := t.TempDir()
	code, _, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", "-o", none, sb)
	require.Equal(t, 0, code, errs)
	text, err = os.ReadFile(filepath.Join(none, "SB+poonceonces.dot"))
	require.NoError(t, err)
	assert.Empty(t, text)

	// A directory that is not there: herd7's warning, and the run goes on.
	code, stdout, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "prop", "-o", filepath.Join(out, "nonexist"), sb)
	require.Equal(t, 0, code)
	missing := filepath.Join(out, "nonexist", "SB+poonceonces.dot")
	assert.Equal(t, "Warning: Cannot create "+missing+": "+missing+": No such file or directory\n", errs)
	assert.Equal(t, expected(t, sb), withoutTimeHash(stdout))
}

// TestHerd7GraphStdout: "-o -" puts each test's drawings on stdout before
// its text, between herd7's DOTBEGIN and DOTEND lines.
func TestHerd7GraphStdout(t *testing.T) {
	modelDir(t)
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "all", "-o", "-", sb)
	require.Equal(t, 0, code, errs)
	require.True(t, strings.HasPrefix(out, "\nDOTBEGIN SB+poonceonces\nDOTCOM dot\ndigraph "), out)
	i := strings.Index(out, "\nDOTEND SB+poonceonces\n")
	require.Positive(t, i)
	dots := out[len("\nDOTBEGIN SB+poonceonces\nDOTCOM dot\n"):i]
	assert.Len(t, readDOTFile(t, dots), 4)
	assert.Equal(t, expected(t, sb), withoutTimeHash(out[i+len("\nDOTEND SB+poonceonces\n"):]))
}

// TestHerd7GraphNshow: -nshow N draws the first N executions; when the
// test has more, herd7 stops there and prints partial counts, which
// litmusls does not reproduce: it prints the full run and says so.
func TestHerd7GraphNshow(t *testing.T) {
	modelDir(t)
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	_, all := shownOf(t, sb, checker.ShowSelect{Kind: checker.ShowAll})
	for _, c := range []struct {
		args []string
		n    int
		note bool
	}{
		{[]string{"-nshow", "2"}, 2, true},
		{[]string{"-showone", "true"}, 1, true},
		{[]string{"-nshow", "4"}, 4, false},
		{[]string{"-nshow", "9"}, 4, false},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, out, errs := runHerd7Args(t, append([]string{"-conf", "linux-kernel.cfg", "-show", "all", "-o", dir}, append(c.args, sb)...)...)
			require.Equal(t, 0, code, errs)
			assert.Equal(t, expected(t, sb), withoutTimeHash(out))
			if c.note {
				assert.Contains(t, errs, "herd7 stops once it has shown")
				assert.Contains(t, errs, "of the 4 executions -show all selects")
			} else {
				assert.Empty(t, errs)
			}
			text, err := os.ReadFile(filepath.Join(dir, "SB+poonceonces.dot"))
			require.NoError(t, err)
			gs := readDOTFile(t, string(text))
			require.Len(t, gs, c.n)
			for i, g := range gs {
				checkDrawn(t, g, all[i], false, false)
			}
		})
	}
}

// TestHerd7GraphSpeedcheck: -speedcheck fast prints its text, draws
// every selected execution and says herd7 would draw fewer.
func TestHerd7GraphSpeedcheck(t *testing.T) {
	modelDir(t)
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	dir := t.TempDir()
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-speedcheck", "fast", "-show", "all", "-o", dir, sb)
	require.Equal(t, 0, code, errs)
	_, want, _ := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-speedcheck", "fast", sb)
	assert.Equal(t, withoutTimeHash(want), withoutTimeHash(out))
	assert.Contains(t, errs, "-speedcheck fast: herd7 stops at the first execution")
	text, err := os.ReadFile(filepath.Join(dir, "SB+poonceonces.dot"))
	require.NoError(t, err)
	assert.Len(t, readDOTFile(t, string(text)), 4)
}

// TestHerd7GraphView: -gv with no viewer (nor Graphviz) on the PATH keeps
// the drawings in a file and says where; with nothing shown it does
// nothing.
func TestHerd7GraphView(t *testing.T) {
	modelDir(t)
	t.Setenv("PATH", t.TempDir())
	t.Setenv("TMPDIR", t.TempDir())
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "prop", "-gv", sb)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, expected(t, sb), withoutTimeHash(out))
	m := regexp.MustCompile(`^herd7: \S+: execution graphs written to (\S+\.dot) \(Graphviz's dot is not installed`).FindStringSubmatch(errs)
	require.NotNil(t, m, errs)
	text, err := os.ReadFile(m[1])
	require.NoError(t, err)
	assert.Len(t, readDOTFile(t, string(text)), 1)

	code, _, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", "-gv", sb)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, errs, "-show none: nothing to show")
}

// TestHerd7GraphConfig: the display keys of a cfg that apply to the
// pictures change them; bad values are herd7's errors.
func TestHerd7GraphConfig(t *testing.T) {
	dir := modelDir(t)
	test := corpusPath(mpWmbRmb)
	cfg, err := os.ReadFile(filepath.Join(dir, "linux-kernel.cfg"))
	require.NoError(t, err)
	writeFile(t, dir, "pic.cfg", string(cfg)+"showevents mem\nshowlegend false\nshowpo false\nfontsize 13\nedgeattr fr,style,dotted\nshow prop\n")
	out := t.TempDir()
	code, stdout, errs := runHerd7Args(t, "-conf", "pic.cfg", "-show", "all", "-o", out, test)
	require.Equal(t, 0, code, errs)
	require.Equal(t, expected(t, test), withoutTimeHash(stdout))
	text, err := os.ReadFile(filepath.Join(out, "MP+fencewmbonceonce+fencermbonceonce.dot"))
	require.NoError(t, err)
	gs := readDOTFile(t, string(text))
	require.Len(t, gs, 3)
	s := string(text)
	assert.NotContains(t, s, "F[")
	assert.NotContains(t, s, `" po "`)
	assert.NotContains(t, s, "graph [label=")
	assert.Contains(t, s, "fontsize=13")
	assert.Regexp(t, `label=" fr ".*, style="dotted"\];`, s)

	for _, c := range []struct{ key, msg string }{
		{"showpo maybe", "bool parameter expected"},
		{"showevents some", "bad tags for showevents"},
		{"fontsize big", "integer parameter expected"},
		{"edgeattr co,color", "bad ->ument for key edgeattr: 'co,color'"},
		{"view firefox", "bad tags for view"},
	} {
		writeFile(t, dir, "bad.cfg", c.key+"\n")
		code, _, errs := runHerd7Args(t, "-conf", "bad.cfg", test)
		assert.Equal(t, 2, code, c.key)
		assert.Contains(t, errs, c.msg, c.key)
	}
}

// TestHerd7GraphViewer: with Graphviz's dot and gv on the PATH (stand-ins
// here that record how they are run), -gv renders the temporary DOT file
// to PostScript, runs gv on it, then removes both, as herd7 does; -view
// evince renders PDF; with -o the DOT file stays.
func TestHerd7GraphViewer(t *testing.T) {
	modelDir(t)
	bin, tmp := t.TempDir(), t.TempDir()
	log := filepath.Join(t.TempDir(), "log")
	// dot -TEXT -o OUT IN: OUT gets IN's text; a viewer logs its
	// argument and whether it exists.
	writeFile(t, bin, "dot", "#!/bin/sh\necho \"dot $*\" >> "+log+"\ncp \"$4\" \"$3\"\n")
	viewer := "#!/bin/sh\nif [ -f \"$1\" ]; then echo \"$(basename $0) $1 exists\" >> " + log + "; fi\n"
	writeFile(t, bin, "gv", viewer)
	writeFile(t, bin, "evince", viewer)
	for _, p := range []string{"dot", "gv", "evince"} {
		require.NoError(t, os.Chmod(filepath.Join(bin, p), 0o755))
	}
	// The stand-ins first; the system's for cp and basename.
	t.Setenv("PATH", bin+string(os.PathListSeparator)+"/usr/bin"+string(os.PathListSeparator)+"/bin")
	t.Setenv("TMPDIR", tmp)
	sb := corpusPath("kernel/SB+poonceonces.litmus")

	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "prop", "-gv", sb)
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	assert.Equal(t, expected(t, sb), withoutTimeHash(out))
	text, err := os.ReadFile(log)
	require.NoError(t, err)
	m := regexp.MustCompile(`^dot -Tps -o (\S+\.ps) (\S+\.dot)\ngv (\S+) exists\n$`).FindStringSubmatch(string(text))
	require.NotNil(t, m, string(text))
	assert.Equal(t, m[1], m[3])
	assert.Equal(t, tmp, filepath.Dir(m[2]))
	assert.NoFileExists(t, m[1])
	assert.NoFileExists(t, m[2])

	require.NoError(t, os.Remove(log))
	dir := t.TempDir()
	code, _, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", "-show", "prop", "-view", "evince", "-o", dir, sb)
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	text, err = os.ReadFile(log)
	require.NoError(t, err)
	file := filepath.Join(dir, "SB+poonceonces.dot")
	pdf := filepath.Join(dir, "SB+poonceonces.pdf")
	assert.Equal(t, "dot -Tpdf -o "+pdf+" "+file+"\nevince "+pdf+" exists\n", string(text))
	assert.FileExists(t, file)
	assert.NoFileExists(t, pdf)
}
