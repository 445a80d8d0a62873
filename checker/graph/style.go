package graph

import "slices"

// A Style is what herd7's picture settings (its .cfg keys and the
// options of the same names) change in a picture litmusls draws. Keys
// about herd7's own layout (graph columns, squished, xscale...) have no
// counterpart here: the layout is Graphviz's dot's.
type Style struct {
	InitWrites bool // showinitwrites: draw the initial writes, and the co edges from them
	InitRf     bool // showinitrf: draw the rf edges from the initial writes
	Po         bool // showpo: draw po edges
	Legend     bool // showlegend: the title and caption
	// MemOnly draws memory accesses only, no fences (showevents mem).
	MemOnly bool
	// FontSize is the font size of the picture's texts, in points; 0
	// keeps DOT's.
	FontSize float64
	// EdgeAttrs are herd7's "edgeattr REL,NAME,VALUE" keys: the DOT
	// attribute NAME=VALUE on each edge drawn with the relation REL.
	EdgeAttrs []EdgeAttr
}

// An EdgeAttr is one DOT attribute of the edges of one relation.
type EdgeAttr struct {
	Rel, Name, Value string
}

// HerdStyle is herd7's default style (herd/opts.ml): initial writes
// shown, rf from them not, po shown, the legend shown, every event.
func HerdStyle() Style {
	return Style{InitWrites: true, Po: true, Legend: true}
}

// Restyle returns a copy of g drawn in style s: the nodes and edges s
// hides taken out (an edge goes with either of its events), s's font
// size and edge attributes set. The events are named in the order of
// herd7's event numbers, which its pictures name them by: a, b, ... for
// the threads' memory accesses in thread and program order (as herd7's
// do), then the initial writes, then the fences (herd7's numbers for
// these have gaps, its internal events', which litmusls has not).
func (g *Graph) Restyle(s Style) *Graph {
	out := *g
	out.Nodes, out.Edges = nil, nil
	names := map[int]string{}
	for class := range 3 {
		for _, n := range g.Nodes {
			if herdClass(n) == class {
				names[n.Event] = Letter(len(names))
			}
		}
	}
	hidden := map[int]bool{}
	for _, n := range g.Nodes {
		if (n.Thread < 0 && !s.InitWrites) || (s.MemOnly && isFence(n.Text)) {
			hidden[n.Event] = true
			continue
		}
		n.Name = names[n.Event]
		out.Nodes = append(out.Nodes, n)
	}
	init := map[int]bool{}
	for _, n := range g.Nodes {
		if n.Thread < 0 {
			init[n.Event] = true
		}
	}
	// po joins each drawn event to the next drawn event of its thread,
	// over the hidden fences.
	if s.Po {
		last := map[int]int{}
		for _, n := range out.Nodes {
			if n.Thread < 0 {
				continue
			}
			if p, ok := last[n.Thread]; ok {
				out.Edges = append(out.Edges, Edge{From: p, To: n.Event, Kind: Po, Label: "po"})
			}
			last[n.Thread] = n.Event
		}
	}
	for _, e := range g.Edges {
		switch {
		case e.Kind == Po:
		case hidden[e.From] || hidden[e.To]:
		case e.Kind == Rf && init[e.From] && !s.InitRf:
		default:
			out.Edges = append(out.Edges, e)
		}
	}
	if !s.Legend {
		out.Title, out.Caption = "", nil
	}
	out.FontSize = s.FontSize
	out.EdgeAttrs = slices.Clone(s.EdgeAttrs)
	return &out
}

// herdClass is the rank of n's class in herd7's event numbering: a
// thread's memory access 0, an initial write 1, a fence 2.
func herdClass(n Node) int {
	switch {
	case n.Thread < 0:
		return 1
	case isFence(n.Text):
		return 2
	}
	return 0
}

// isFence reports whether an event's text is a fence's ("F[mb]").
func isFence(text string) bool {
	return len(text) > 0 && text[0] == 'F'
}
