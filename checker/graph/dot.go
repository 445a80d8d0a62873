package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// The colours of the picture, by edge kind; po is black.
var edgeStyle = [...]string{
	Po:    `color=black, weight=100`,
	Rf:    `color="#d62728", fontcolor="#d62728", constraint=false`,
	Co:    `color="#1f77b4", fontcolor="#1f77b4", constraint=false`,
	Fr:    `color="#ff7f0e", fontcolor="#ff7f0e", constraint=false`,
	Cycle: `color="#2ca02c", fontcolor="#2ca02c", penwidth=2.5, constraint=false`,
	Race:  `color="#e377c2", fontcolor="#e377c2", style=dashed, dir=both, penwidth=2, constraint=false`,
}

// DOT returns the picture in Graphviz's DOT language: one cluster per
// thread, side by side in thread order, its events top to bottom in
// program order, under a cluster of the initial writes; each event a box
// "a: W[once] x=1" over its source text and line (or Node.Where). po is black, rf red, co
// blue, fr orange; the failing cycle's edges are thick green with their
// relation (an edge that is also a po, rf, co or fr edge is drawn once,
// both names on it, "rf / rfe"); racing pairs are dashed pink, their
// events filled pink. Node i is named "e<i>" after the execution's event i.
func (g *Graph) DOT() []byte { return g.dot(false) }

// DOTRanked is DOT with every edge taking part in the ranking of the
// layout, where DOT lets only po do so. Its pictures are less tidy, but
// Graphviz 2.43 lays out every one of them, while it fails on some of
// DOT's ("trouble in init_rank", a bug of its layout of clusters).
func (g *Graph) DOTRanked() []byte { return g.dot(true) }

func (g *Graph) dot(ranked bool) []byte {
	style := func(k EdgeKind) string {
		if ranked {
			return strings.Replace(edgeStyle[k], "constraint=false", "weight=0", 1)
		}
		return edgeStyle[k]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", quote(g.Title))
	size := func(def float64) string {
		if g.FontSize > 0 {
			return strconv.FormatFloat(g.FontSize, 'g', -1, 64)
		}
		return strconv.FormatFloat(def, 'g', -1, 64)
	}
	label := ""
	if g.Title != "" || len(g.Caption) > 0 {
		label = "label=" + quoteLines(append([]string{g.Title}, g.Caption...)) + ", labelloc=t, labeljust=l, "
	}
	fmt.Fprintf(&b, "\tgraph [%sfontname=Helvetica, fontsize=%s, nodesep=0.5, ranksep=0.45, newrank=true];\n", label, size(12))
	fmt.Fprintf(&b, "\tnode [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=%s];\n", size(11))
	fmt.Fprintf(&b, "\tedge [fontname=Helvetica, fontsize=%s, arrowsize=0.7];\n", size(10))
	byThread := map[int][]Node{}
	for _, n := range g.Nodes {
		byThread[n.Thread] = append(byThread[n.Thread], n)
	}
	cluster := func(name, label, extra string, nodes []Node) {
		if len(nodes) == 0 {
			return
		}
		fmt.Fprintf(&b, "\tsubgraph %s {\n\t\tlabel=%s; fontname=Helvetica; style=\"rounded%s\"; color=gray50;\n", name, quote(label), extra)
		for _, n := range nodes {
			fmt.Fprintf(&b, "\t\t%s [label=%s%s];\n", nodeID(n.Event), quoteLines(n.lines()), n.style())
		}
		b.WriteString("\t}\n")
	}
	inits := byThread[-1]
	cluster("cluster_init", "initial writes", ",dashed", inits)
	var firsts []string // the first event of each thread, left to right
	for t, name := range g.Threads {
		cluster(fmt.Sprintf("cluster_%d", t), name, "", byThread[t])
		if len(byThread[t]) > 0 {
			firsts = append(firsts, nodeID(byThread[t][0].Event))
		}
	}
	// Layout only: the threads under the first initial write (or an
	// invisible anchor), in order from left to right. No "rank=same"
	// rows: Graphviz 2.43 crashes on some of them (a row's invisible edge
	// on the pair of a drawn edge, and files of several pictures).
	var initIDs []string
	for _, n := range inits {
		initIDs = append(initIDs, nodeID(n.Event))
	}
	top := ""
	switch {
	case len(initIDs) > 0:
		top = initIDs[0]
	case len(firsts) > 1:
		// No initial writes drawn (Style): an invisible anchor.
		top = "top"
		b.WriteString("\ttop [style=invis, shape=point, width=0, height=0, label=\"\"];\n")
	}
	if top != "" {
		for _, f := range firsts {
			fmt.Fprintf(&b, "\t%s -> %s [style=invis];\n", top, f)
		}
	}
	// A cycle edge between the same events as an edge of the execution is
	// drawn as that edge.
	type pair struct{ from, to int }
	cycle := map[pair][]string{}
	for _, e := range g.Edges {
		if e.Kind == Cycle {
			cycle[pair{e.From, e.To}] = append(cycle[pair{e.From, e.To}], e.Label)
		}
	}
	merged := map[pair]bool{}
	for _, e := range g.Edges {
		k := pair{e.From, e.To}
		label, style := e.Label, style(e.Kind)
		switch {
		case e.Kind == Cycle && merged[k]:
			continue
		case e.Kind != Cycle && e.Kind != Race && len(cycle[k]) > 0 && !merged[k]:
			merged[k] = true
			label = e.Label + " / " + strings.Join(cycle[k], " / ")
			style = edgeStyle[Cycle]
			if e.Kind == Po {
				style = strings.Replace(style, "constraint=false", "weight=100", 1)
			} else if ranked {
				style = strings.Replace(style, "constraint=false", "weight=0", 1)
			}
		}
		fmt.Fprintf(&b, "\t%s -> %s [label=%s, %s%s];\n", nodeID(e.From), nodeID(e.To), quote(" "+label+" "), style, g.edgeAttrs(label))
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// edgeAttrs are the attributes g.EdgeAttrs gives an edge labelled
// label ("rf / rfe": rf's and rfe's), each written as ", name=value"; a
// later attribute of a name wins, as in DOT.
func (g *Graph) edgeAttrs(label string) string {
	var b strings.Builder
	for _, a := range g.EdgeAttrs {
		for _, part := range strings.Split(label, " / ") {
			if part == a.Rel {
				fmt.Fprintf(&b, ", %s=%s", dotID(a.Name), quote(a.Value))
				break
			}
		}
	}
	return b.String()
}

// dotID makes a name a DOT identifier: letters, digits and '_' as they
// are, anything else quoted.
func dotID(s string) string {
	for _, c := range s {
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// nodeID names event i's node.
func nodeID(i int) string { return fmt.Sprintf("e%d", i) }

// Letter names event i as herd7's pictures do: a, b, ..., z, aa, ab, ...
func Letter(i int) string {
	s := ""
	for i >= 0 {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
	}
	return s
}

// lines are the lines of n's label.
func (n Node) lines() []string {
	name := n.Name
	if name == "" {
		name = Letter(n.Event)
	}
	l := []string{name + ": " + n.Text}
	if n.Source != "" {
		src := n.Source
		switch {
		case n.Where != "":
			src += "  (" + n.Where + ")"
		case n.Line > 0:
			src += fmt.Sprintf("  (line %d)", n.Line)
		}
		l = append(l, src)
	}
	return l
}

func (n Node) style() string {
	switch {
	case n.Racy:
		return `, fillcolor="#fbd3ea", color="#e377c2", penwidth=2`
	case n.Thread < 0:
		return `, fillcolor=gray92`
	}
	return ""
}

// dotEscape escapes a DOT string's text.
var dotEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

// quote writes s as a DOT string.
func quote(s string) string {
	return `"` + dotEscape.Replace(s) + `"`
}

// quoteLines writes lines as one DOT string, each line left-justified.
func quoteLines(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		s := quote(l)
		q[i] = s[1 : len(s)-1]
	}
	return `"` + strings.Join(q, `\l`) + `\l"`
}
