package graph

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
)

// TestRestyle: herd7's display settings take out what they hide, and
// nothing else; the DOT text read back has exactly the drawn events and
// edges.
func TestRestyle(t *testing.T) {
	f, src, r := checkCorpus(t, "kernel/MP+fencewmbonceonce+fencermbonceonce.litmus")
	var w *checker.Witness
	for _, x := range r.Witnesses {
		if x != nil {
			w = x
			break
		}
	}
	require.NotNil(t, w)
	full := Witness(f, src, w)
	checkPicture(t, full, w, src, executionEdges(w))

	// Everything shown: the same picture.
	all := full.Restyle(Style{InitWrites: true, InitRf: true, Po: true, Legend: true})
	require.Len(t, all.Nodes, len(full.Nodes))
	for i, n := range all.Nodes {
		assert.NotEmpty(t, n.Name)
		n.Name = ""
		assert.Equal(t, full.Nodes[i], n)
	}
	// herd7's names: the threads' accesses from a, then the initial
	// writes, then the fences (herd7 7.58+1's picture of this test names
	// its accesses a to d, in this order).
	next := 0
	for class := range 3 {
		for i, ev := range w.Events {
			if herdClassOf(ev) == class {
				assert.Equal(t, Letter(next), all.Nodes[i].Name, "event %d", i)
				next++
			}
		}
	}
	assert.ElementsMatch(t, full.Edges, all.Edges)

	// The kernel's cfg: no initial writes (nor their rf and co edges).
	k := full.Restyle(Style{Po: true, Legend: true})
	init, fences := 0, 0
	for _, ev := range w.Events {
		if ev.Thread < 0 {
			init++
		}
		if ev.Kind == checker.KindF {
			fences++
		}
	}
	require.Positive(t, init)
	require.Positive(t, fences, "the test has smp_wmb and smp_rmb")
	assert.Len(t, k.Nodes, len(w.Events)-init)
	var want []Edge
	for _, e := range full.Edges {
		if w.Events[e.From].Thread >= 0 && w.Events[e.To].Thread >= 0 {
			want = append(want, e)
		}
	}
	assert.ElementsMatch(t, want, k.Edges)
	checkDrawn(t, k)

	// Memory events only, no po, no legend: fences gone, and with po,
	// po joins the accesses over them.
	m := full.Restyle(Style{InitWrites: true, MemOnly: true})
	assert.Len(t, m.Nodes, len(w.Events)-fences)
	for _, e := range m.Edges {
		assert.NotEqual(t, Po, e.Kind)
		assert.NotEqual(t, checker.KindF, w.Events[e.From].Kind)
		assert.NotEqual(t, checker.KindF, w.Events[e.To].Kind)
	}
	assert.NotContains(t, string(m.DOT()), "label=\"MP")
	checkDrawn(t, m)
	mp := full.Restyle(Style{InitWrites: true, MemOnly: true, Po: true})
	po := 0
	for _, e := range mp.Edges {
		if e.Kind == Po {
			po++
			assert.Equal(t, w.Events[e.From].Thread, w.Events[e.To].Thread)
		}
	}
	// Two accesses per thread: one po edge each.
	assert.Equal(t, 2, po)

	// Font size and edge attributes.
	s := full.Restyle(Style{InitWrites: true, Po: true, Legend: true, FontSize: 8, EdgeAttrs: []EdgeAttr{{"co", "color", "blue"}, {"rf", "penwidth", "3"}}})
	dot := string(s.DOT())
	assert.Contains(t, dot, "fontsize=8")
	assert.NotContains(t, dot, "fontsize=11")
	for _, l := range strings.Split(dot, "\n") {
		switch m := dotEdge.FindStringSubmatch(l); {
		case m == nil:
		case strings.TrimSpace(m[3]) == "co":
			assert.True(t, strings.HasSuffix(l, `, color="blue"];`), l)
		case strings.TrimSpace(m[3]) == "rf":
			assert.True(t, strings.HasSuffix(l, `, penwidth="3"];`), l)
		default:
			assert.NotContains(t, l, `"blue"`)
		}
	}
	checkDrawn(t, s)
}

// checkDrawn checks that g's DOT text has g's nodes and edges, no more.
func checkDrawn(t *testing.T, g *Graph) {
	t.Helper()
	d := readDOT(t, g.DOT())
	assert.Len(t, d.nodes, len(g.Nodes))
	for _, n := range g.Nodes {
		assert.Contains(t, d.nodes["e"+strconv.Itoa(n.Event)], n.Name+": "+n.Text)
	}
	drawn := 0
	for _, ls := range d.edges {
		for _, l := range ls {
			drawn += len(strings.Split(l, " / "))
		}
	}
	assert.Equal(t, len(g.Edges), drawn)
	for _, e := range g.Edges {
		k := "e" + strconv.Itoa(e.From) + " -> e" + strconv.Itoa(e.To)
		assert.NotEmpty(t, d.edges[k], "edge %s %s", k, e.Label)
	}
}

// herdClassOf is an event's class in herd7's numbering: a thread's
// access 0, an initial write 1, a fence 2.
func herdClassOf(ev checker.WitnessEvent) int {
	switch {
	case ev.Thread < 0:
		return 1
	case ev.Kind == checker.KindF:
		return 2
	}
	return 0
}
