// Package graph draws an execution of a litmus test as a picture, the
// way herd7's "-show prop -gv" does: the witness of a reached outcome, or
// the candidate execution a model rejects for an outcome never reached,
// with the cycle that rejects it. A [Graph] holds the picture's parts
// (events grouped per thread in program order, labelled with the source
// text; the po, rf, co and fr edges; the failing cycle's edges; the
// racing pairs), and [Graph.DOT] writes it in Graphviz's DOT language.
//
// It does no I/O and runs no program: turning DOT into SVG (Graphviz's
// dot) is the caller's business.
package graph

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// An EdgeKind says what an edge of the picture shows.
type EdgeKind int

const (
	Po    EdgeKind = iota // program order: each event to the next of its thread
	Rf                    // reads-from: a write to a read that sees it
	Co                    // coherence: a write to the next write of its location
	Fr                    // from-reads: a read to the write right after the one it saw
	Cycle                 // an edge of the cycle that makes the model reject the execution
	Race                  // a pair of accesses that race, or that break plain coherence
)

var kindNames = [...]string{Po: "po", Rf: "rf", Co: "co", Fr: "fr", Cycle: "cycle", Race: "race"}

func (k EdgeKind) String() string { return kindNames[k] }

// A Node is one event.
type Node struct {
	Event  int    // index in the execution's events
	Thread int    // thread index, or -1 for an initial write
	Text   string // the event in words: "W[once] x=1"
	Source string // the source text it comes from ("WRITE_ONCE(*x, 1)"), or ""
	Line   int    // 1-based line of Source in the test, or 0
	Racy   bool   // the event is one of a racing (or incoherent) pair
	// Span is the event's source, byte offsets into the test's text
	// (empty for an initial write).
	Span syntax.Span
	// Name, when not "", is the event's name in the picture instead of
	// Letter(Event) (see [Graph.Restyle]).
	Name string
	// Where, when not "", says where the event is instead of Line: the
	// caller's "file:line:col", such as the place in an annotated C
	// file that a generated test's event comes from.
	Where string
}

// An Edge joins two events, numbered as the execution's events.
type Edge struct {
	From, To int
	Kind     EdgeKind
	// Label is the relation's name as drawn: "po", "rf", "co", "fr", a
	// cycle edge's relation ("po-rel", "rfe", "prop"...), or the kind of
	// a racing pair ("ww-race", "wr-incoh"...).
	Label string
}

// A Graph is the picture of one execution.
type Graph struct {
	Title   string   // the first line of the caption
	Caption []string // further lines: the state, the failing check and its cycle
	Threads []string // the threads' names ("P0"), indexed by Node.Thread
	Nodes   []Node   // every event of the execution, in event order
	Edges   []Edge   // po, rf, co, fr, then the cycle's and the racing pairs'
	// FontSize is the font size of every text, in points; 0 for the
	// picture's own sizes.
	FontSize float64
	// EdgeAttrs are DOT attributes of the edges of a relation, added to
	// each edge whose label names it (see [Style]).
	EdgeAttrs []EdgeAttr
}

// Witness returns the picture of w, an execution the model allows, from
// the test f with source text src (the text the events' spans point
// into). Its racing pairs, if any, are marked.
func Witness(f *syntax.File, src []byte, w *checker.Witness) *Graph {
	g := build(f, src, w)
	g.Title = fmt.Sprintf("%s: an allowed execution", f.Name)
	g.Caption = append(g.Caption, "final state: "+strings.TrimSpace(w.State.String()))
	if w.Cond {
		g.Caption = append(g.Caption, "the condition holds")
	} else {
		g.Caption = append(g.Caption, "the condition does not hold")
	}
	if len(w.Flags) > 0 {
		g.Caption = append(g.Caption, "flags: "+strings.Join(w.Flags, ", "))
	}
	g.races(w.Races)
	return g
}

// Rejected returns the picture of the execution of rs, one that reaches
// the outcome never reached but that the model rejects, with the edges
// of the cycle that makes it fail its check and the pairs that break
// plain coherence; nil when rs has no such execution.
func Rejected(f *syntax.File, src []byte, rs *checker.Reason) *Graph {
	if rs == nil || rs.Execution == nil {
		return nil
	}
	g := build(f, src, rs.Execution)
	g.Title = fmt.Sprintf("%s: an execution reaching the outcome, rejected", f.Name)
	g.Caption = append(g.Caption, "final state: "+strings.TrimSpace(rs.Execution.State.String()))
	if rs.Check != "" {
		g.Caption = append(g.Caption, "it fails the check "+rs.Check)
	}
	if c := rs.CycleString(); c != "" {
		g.Caption = append(g.Caption, c)
	}
	for _, e := range rs.Cycle {
		g.Edges = append(g.Edges, Edge{From: e.From, To: e.To, Kind: Cycle, Label: e.Rel})
	}
	g.races(rs.Incoherent)
	return g
}

// build makes the nodes and the po, rf, co and fr edges of w.
func build(f *syntax.File, src []byte, w *checker.Witness) *Graph {
	g := &Graph{}
	for _, th := range f.Threads {
		g.Threads = append(g.Threads, th.Name)
	}
	last := map[int]int{} // thread → its last event so far
	for i, ev := range w.Events {
		n := Node{Event: i, Thread: ev.Thread, Text: ev.Text, Span: ev.Span}
		if ev.Thread >= 0 && 0 <= ev.Span.Start && ev.Span.Start < ev.Span.End && ev.Span.End <= len(src) {
			n.Source = oneLine(string(src[ev.Span.Start:ev.Span.End]))
			if f.Lines != nil {
				n.Line = f.Lines.Position(ev.Span.Start).Line
			}
		}
		g.Nodes = append(g.Nodes, n)
		for len(g.Threads) <= ev.Thread {
			g.Threads = append(g.Threads, fmt.Sprintf("P%d", len(g.Threads)))
		}
		if ev.Thread < 0 {
			continue
		}
		// A thread's events come in program order.
		if p, ok := last[ev.Thread]; ok {
			g.Edges = append(g.Edges, Edge{From: p, To: i, Kind: Po, Label: "po"})
		}
		last[ev.Thread] = i
	}
	next := map[int]int{} // write → the next write in coherence order
	for _, e := range w.Co {
		next[e.From] = e.To
	}
	for _, e := range w.Rf {
		g.Edges = append(g.Edges, Edge{From: e.From, To: e.To, Kind: Rf, Label: "rf"})
	}
	for _, e := range w.Co {
		g.Edges = append(g.Edges, Edge{From: e.From, To: e.To, Kind: Co, Label: "co"})
	}
	for _, e := range w.Rf {
		if n, ok := next[e.From]; ok {
			g.Edges = append(g.Edges, Edge{From: e.To, To: n, Kind: Fr, Label: "fr"})
		}
	}
	return g
}

// races marks the pairs and their events.
func (g *Graph) races(rs []checker.Race) {
	for _, r := range rs {
		if r.A < 0 || r.A >= len(g.Nodes) || r.B < 0 || r.B >= len(g.Nodes) {
			continue // not an event of this execution: nothing to mark
		}
		g.Edges = append(g.Edges, Edge{From: r.A, To: r.B, Kind: Race, Label: r.Kind})
		g.Nodes[r.A].Racy = true
		g.Nodes[r.B].Racy = true
	}
}

// oneLine folds a source text that spans lines into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
