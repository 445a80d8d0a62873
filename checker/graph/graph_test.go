package graph

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkCorpus checks one test of ../shared/corpus (path relative to it)
// with explanations on.
func checkCorpus(t *testing.T, path string) (*syntax.File, []byte, *checker.Result) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", path))
	require.NoError(t, err)
	f, errs := syntax.Parse(path, src)
	require.Empty(t, errs)
	r, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(t, err)
	require.Empty(t, r.Errors)
	return f, src, r
}

// dotGraph is a DOT text read back: its nodes' labels by name, and its
// visible edges as "eA -> eB" with their labels.
type dotGraph struct {
	nodes map[string]string
	edges map[string][]string
}

var (
	dotNode = regexp.MustCompile(`^\s*(e\d+) \[label="((?:[^"\\]|\\.)*)"`)
	dotEdge = regexp.MustCompile(`^\s*(e\d+) -> (e\d+) \[label="((?:[^"\\]|\\.)*)"`)
)

// readDOT reads back the statements DOT writes, one per line; edges
// without a label are the layout's invisible ones.
func readDOT(t *testing.T, dot []byte) dotGraph {
	t.Helper()
	g := dotGraph{nodes: map[string]string{}, edges: map[string][]string{}}
	text := string(dot)
	require.True(t, strings.HasPrefix(text, "digraph \"") && strings.HasSuffix(text, "}\n"), text)
	for _, l := range strings.Split(text, "\n") {
		if m := dotEdge.FindStringSubmatch(l); m != nil {
			k := m[1] + " -> " + m[2]
			g.edges[k] = append(g.edges[k], strings.TrimSpace(m[3]))
		} else if m := dotNode.FindStringSubmatch(l); m != nil {
			g.nodes[m[1]] = m[2]
		}
	}
	return g
}

// executionEdges lists the edges the picture of w must have, computed
// from w alone: po between successive events of a thread (events come in
// program order), w's rf and co, and fr from each read to the write right
// after the one it reads from.
func executionEdges(w *checker.Witness) []Edge {
	var out []Edge
	for i := range w.Events {
		if w.Events[i].Thread < 0 {
			continue
		}
		for j := i + 1; j < len(w.Events); j++ {
			if w.Events[j].Thread == w.Events[i].Thread {
				out = append(out, Edge{From: i, To: j, Kind: Po, Label: "po"})
				break
			}
		}
	}
	for _, e := range w.Rf {
		out = append(out, Edge{From: e.From, To: e.To, Kind: Rf, Label: "rf"})
	}
	for _, e := range w.Co {
		out = append(out, Edge{From: e.From, To: e.To, Kind: Co, Label: "co"})
	}
	for _, r := range w.Rf {
		for _, c := range w.Co {
			if c.From == r.From {
				out = append(out, Edge{From: r.To, To: c.To, Kind: Fr, Label: "fr"})
			}
		}
	}
	return out
}

// checkPicture checks that g and its DOT text have every event of w and
// every edge of want, and the DOT no visible edge beyond g's.
func checkPicture(t *testing.T, g *Graph, w *checker.Witness, src []byte, want []Edge) {
	t.Helper()
	require.Len(t, g.Nodes, len(w.Events))
	for i, ev := range w.Events {
		n := g.Nodes[i]
		assert.Equal(t, Node{Event: i, Thread: ev.Thread, Text: ev.Text, Source: n.Source, Line: n.Line, Racy: n.Racy, Span: ev.Span}, n)
		if ev.Thread >= 0 {
			assert.Equal(t, strings.Join(strings.Fields(string(src[ev.Span.Start:ev.Span.End])), " "), n.Source)
			assert.Positive(t, n.Line)
		}
	}
	assert.ElementsMatch(t, want, g.Edges)

	checkDOT(t, g, w, g.DOT())
	ranked := g.DOTRanked()
	checkDOT(t, g, w, ranked)
	assert.NotContains(t, string(ranked), "constraint=false")
}

// checkDOT checks that a DOT text of g has every event of w and every
// edge of g, and no visible edge beyond them.
func checkDOT(t *testing.T, g *Graph, w *checker.Witness, dot []byte) {
	t.Helper()
	d := readDOT(t, dot)
	require.Len(t, d.nodes, len(w.Events))
	for i, ev := range w.Events {
		label := d.nodes["e"+strconv.Itoa(i)]
		assert.Contains(t, label, Letter(i)+": "+ev.Text, "event %d", i)
		if g.Nodes[i].Source != "" {
			q := quote(g.Nodes[i].Source)
			assert.Contains(t, label, q[1:len(q)-1], "event %d", i)
		}
	}
	drawn := 0
	for _, e := range g.Edges {
		k := "e" + strconv.Itoa(e.From) + " -> e" + strconv.Itoa(e.To)
		found := false
		for _, l := range d.edges[k] {
			for _, part := range strings.Split(l, " / ") {
				found = found || part == e.Label
			}
		}
		assert.True(t, found, "edge %s %s not drawn: %v", k, e.Label, d.edges[k])
	}
	for _, ls := range d.edges {
		for _, l := range ls {
			drawn += len(strings.Split(l, " / "))
		}
	}
	assert.Equal(t, len(g.Edges), drawn, "the DOT draws edges the execution does not have")
}

// TestWitness draws the allowed execution of LB+poonceonces where both
// reads see the other thread's write (the outcome herd7 finds reachable:
// Sometimes in the corpus's .expected).
func TestWitness(t *testing.T) {
	f, src, r := checkCorpus(t, "kernel/LB+poonceonces.litmus")
	var w *checker.Witness
	for _, x := range r.Witnesses {
		if x != nil && x.Cond {
			w = x
		}
	}
	require.NotNil(t, w, "LB+poonceonces reaches its outcome")
	g := Witness(f, src, w)
	checkPicture(t, g, w, src, executionEdges(w))
	assert.Equal(t, []string{"P0", "P1"}, g.Threads)
	assert.Equal(t, "LB+poonceonces: an allowed execution", g.Title)
	assert.Contains(t, g.Caption, "final state: 0:r0=1; 1:r0=1;")
	assert.Contains(t, g.Caption, "the condition holds")
	// Both reads read 1, from the other thread's write: two rf edges
	// between threads, none from an initial write.
	rfe := 0
	for _, e := range g.Edges {
		if e.Kind == Rf {
			assert.GreaterOrEqual(t, g.Nodes[e.From].Thread, 0)
			assert.NotEqual(t, g.Nodes[e.From].Thread, g.Nodes[e.To].Thread)
			rfe++
		}
	}
	assert.Equal(t, 2, rfe)
}

// TestRejected draws the execution of MP+pooncerelease+poacquireonce that
// reaches its outcome (never reached: Never in the corpus's .expected)
// and the happens-before cycle the kernel's model rejects it by: the
// release and the acquire order both threads, and the read of buf sees
// the initial write.
func TestRejected(t *testing.T) {
	f, src, r := checkCorpus(t, "kernel/MP+pooncerelease+poacquireonce.litmus")
	require.NotNil(t, r.Reason)
	require.NotNil(t, r.Reason.Execution)
	w := r.Reason.Execution
	g := Rejected(f, src, r.Reason)
	want := executionEdges(w)
	require.NotEmpty(t, r.Reason.Cycle)
	for _, e := range r.Reason.Cycle {
		want = append(want, Edge{From: e.From, To: e.To, Kind: Cycle, Label: e.Rel})
	}
	checkPicture(t, g, w, src, want)
	assert.Contains(t, g.Caption, "it fails the check happens-before")
	assert.Contains(t, g.Caption, r.Reason.CycleString())
	// The cycle's edges are drawn on the execution's own edges: the DOT
	// shows "po / po-rel", "rf / rfe", "fr / fre", "po / acq-po".
	dot := string(g.DOT())
	for _, l := range []string{"po / po-rel", "rf / rfe", "fr / fre", "po / acq-po"} {
		assert.Contains(t, dot, `label=" `+l+` "`)
	}

	assert.Nil(t, Rejected(f, src, nil))
	assert.Nil(t, Rejected(f, src, &checker.Reason{Outcome: true}))
}

// TestRace draws an execution that raises data-race (herd7's .expected
// for this test has "Flag data-race"): the racing plain accesses are
// marked and joined.
func TestRace(t *testing.T) {
	f, src, r := checkCorpus(t, "paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus")
	var w *checker.Witness
	for _, x := range r.Witnesses {
		if x != nil && len(x.Races) > 0 {
			w = x
			break
		}
	}
	require.NotNil(t, w)
	g := Witness(f, src, w)
	want := executionEdges(w)
	for _, rc := range w.Races {
		want = append(want, Edge{From: rc.A, To: rc.B, Kind: Race, Label: rc.Kind})
		assert.True(t, g.Nodes[rc.A].Racy && g.Nodes[rc.B].Racy)
		assert.True(t, w.Events[rc.A].Plain() || w.Events[rc.B].Plain())
	}
	checkPicture(t, g, w, src, want)
	assert.Contains(t, g.Caption, "flags: data-race")
}

func TestLetter(t *testing.T) {
	for i, want := range map[int]string{0: "a", 1: "b", 25: "z", 26: "aa", 27: "ab", 51: "az", 52: "ba", 701: "zz", 702: "aaa"} {
		assert.Equal(t, want, Letter(i), i)
	}
}

func TestQuote(t *testing.T) {
	assert.Equal(t, `"a \"b\" c\\d"`, quote(`a "b" c\d`))
	assert.Equal(t, `"one\ltwo \\/ three\l"`, quoteLines([]string{"one", `two \/ three`}))
}

// BenchmarkDOT draws the rejected execution of IRIW+fencembonceonces
// (ten events, a propagation cycle) and writes its DOT text.
func BenchmarkDOT(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "kernel", "IRIW+fencembonceonces+OnceOnce.litmus"))
	require.NoError(b, err)
	f, _ := syntax.Parse("IRIW.litmus", src)
	r, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(b, err)
	require.NotNil(b, r.Reason.Execution)
	b.ReportAllocs()
	for b.Loop() {
		Rejected(f, src, r.Reason).DOT()
	}
}
