package main

import (
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/checker/graph"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// A cView shows what check finds in a translated scenario of annotated C
// as the C has it: positions in the C files (file:line:col), the threads
// by the names the C gives them (the thread function's, or its
// annotation's), locations by their C paths (record.a), source text as
// the C spells it. The generated names stay inside the generated test.
type cView struct {
	tr *bpfc.Translation
	sc *bpfc.Scenario
	// names are the C's names, read on first use (a plain check, with
	// no error, needs none): see [cView.names].
	namesOnce sync.Once
	cNames    *bpfc.Names
}

// names returns the C's names of the scenario's threads and locations.
func (v *cView) names() *bpfc.Names {
	v.namesOnce.Do(func() { v.cNames = v.tr.Names(v.sc) })
	return v.cNames
}

func newCView(tr *bpfc.Translation, sc *bpfc.Scenario) *cView {
	return &cView{tr: tr, sc: sc}
}

// oneLine is the text of sp in src on one line, blanks collapsed; "" when
// sp is not in src.
func oneLine(src []byte, sp syntax.Span) string {
	if sp.Start < 0 || sp.End > len(src) || sp.Start >= sp.End {
		return ""
	}
	return strings.Join(strings.Fields(string(src[sp.Start:sp.End])), " ")
}

// place returns the file:line:col of the span sp of the generated test
// and its text: the C's when the source map links sp to C, else the
// generated test's.
func (v *cView) place(sp syntax.Span) (pos, text string) {
	if p, ok := analysis.PlaceInC(v.sc, sp, ""); ok && p.Linked {
		if s := v.tr.Source(p.C.File); s != nil {
			return v.tr.Position(p.C).String(), oneLine(s.Text, p.C.Span)
		}
	}
	return v.sc.File.Lines.Position(sp.Start).String(), oneLine(v.sc.Text, sp)
}

func (v *cView) pos(sp syntax.Span) string {
	p, _ := v.place(sp)
	return p
}

// marker is the file name of the stand-in text explain is written
// against; no real path has a NUL byte.
const marker = "\x00c"

var markerPos = regexp.MustCompile("\x00c:([0-9]+):1")

// writeExplain writes checker.WriteExplain's explanation of r in the C's
// terms. Each event of r's executions is moved onto a line of a stand-in
// text holding its C, so the checker quotes the C; the stand-in
// positions are then replaced by the C's, and the rest of the words by
// bpfc.Names.
func (v *cView) writeExplain(w io.Writer, r *checker.Result) error {
	var src strings.Builder
	var positions []string
	line := map[syntax.Span]syntax.Span{} // generated span → stand-in span
	moved := func(wt *checker.Witness) *checker.Witness {
		if wt == nil {
			return nil
		}
		c := *wt
		c.Events = append([]checker.WitnessEvent(nil), wt.Events...)
		for i := range c.Events {
			ev := &c.Events[i]
			if ev.Thread < 0 {
				continue
			}
			at, ok := line[ev.Span]
			if !ok {
				pos, text := v.place(ev.Span)
				if text == "" {
					text = ev.Text
				}
				at = syntax.Span{Start: src.Len(), End: src.Len() + len(text)}
				src.WriteString(text + "\n")
				positions = append(positions, pos)
				line[ev.Span] = at
			}
			ev.Span = at
		}
		return &c
	}
	rc := *r
	rc.Witnesses = make([]*checker.Witness, len(r.Witnesses))
	for i, wt := range r.Witnesses {
		rc.Witnesses[i] = moved(wt)
	}
	if r.Reason != nil {
		rs := *r.Reason
		rs.Execution = moved(r.Reason.Execution)
		rc.Reason = &rs
	}
	text := []byte(src.String())
	f := &syntax.File{Filename: marker, Lines: syntax.NewLines(marker, text)}
	var b strings.Builder
	if err := checker.WriteExplain(&b, &rc, f, text); err != nil {
		return err
	}
	out := v.names().WordsOutsideQuotes(b.String())
	out = markerPos.ReplaceAllStringFunc(out, func(m string) string {
		n, _ := strconv.Atoi(markerPos.FindStringSubmatch(m)[1])
		if n < 1 || n > len(positions) {
			return m
		}
		return positions[n-1]
	})
	_, err := io.WriteString(w, out)
	return err
}

// relabel puts the picture g of an execution of the scenario in the C's
// terms: threads by their C names, locations by their C paths in the
// events and the caption, each event's source as the C has it.
func (v *cView) relabel(g *graph.Graph) {
	for i := range g.Threads {
		g.Threads[i] = v.names().Thread(i)
	}
	for i, c := range g.Caption {
		g.Caption[i] = v.names().Words(c)
	}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		n.Text = v.names().Words(n.Text)
		if n.Thread >= 0 {
			if _, text := v.place(n.Span); text != "" {
				n.Source = text
			}
		}
	}
}

// loadForCheck is loadTestFor for check: with the view of the C for a
// translated C input (nil for a litmus test).
func loadForCheck(name string, src []byte, m *cat.Model, bpf bpfc.Options, c *cLoad) (*syntax.File, []byte, []string, func(syntax.Span) string, *cView) {
	if isC(inputFile(name)) {
		f, text, problems, view := loadView(name, src, bpf, c)
		if view != nil {
			return f, text, problems, view.pos, view
		}
		return f, text, problems, func(sp syntax.Span) string { return f.Lines.Position(sp.Start).String() }, nil
	}
	f, text, problems, pos := loadTestFor(name, src, m, bpf, c)
	return f, text, problems, pos, nil
}

// message is a message of o's test as the user reads it: in the C's
// terms for annotated C (see cView.words).
func (o *checkOutput) message(s string) string {
	if o.c == nil {
		return s
	}
	return o.c.names().Words(s)
}

// writeExplain writes the explanation of o's result: checker's, or in the
// C's terms for annotated C.
func (o *checkOutput) writeExplain(w io.Writer) error {
	if o.c == nil {
		return checker.WriteExplain(w, o.Result, o.f, o.src)
	}
	return o.c.writeExplain(w, o.Result)
}
