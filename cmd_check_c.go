package main

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// A cView shows what check finds in a translated scenario of annotated C
// as the C has it: positions in the C files (file:line:col), the threads
// by the names the C gives them (the thread function's, or its
// annotation's), locations by their C paths (record.a), source text as
// the C spells it. The generated names stay inside the generated test.
type cView struct {
	tr    *bpfc.Translation
	sc    *bpfc.Scenario
	names *bpfc.Names
	// texts maps the text of a linked piece of the generated test (one
	// line, blanks collapsed) to the C it came from, when that is the
	// same C wherever the text occurs; else to "".
	texts map[string]string
}

func newCView(tr *bpfc.Translation, sc *bpfc.Scenario) *cView {
	v := &cView{tr: tr, sc: sc, names: tr.Names(sc), texts: map[string]string{}}
	for _, l := range sc.Map.Links() {
		if l.Kind != bpfc.LinkExpr && l.Kind != bpfc.LinkStmt {
			continue
		}
		gen, c := oneLine(sc.Text, l.Gen), ""
		if s := tr.Source(l.C.File); s != nil {
			c = oneLine(s.Text, l.C.Span)
		}
		if prev, seen := v.texts[gen]; seen && prev != c {
			c = ""
		}
		v.texts[gen] = c
	}
	return v
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

var (
	threadWord = regexp.MustCompile(`\bP([0-9]+)\b`)
	stateReg   = regexp.MustCompile(`\b([0-9]+):([A-Za-z_][A-Za-z0-9_]*)`)
	lineWord   = regexp.MustCompile(`\b(lines?) ([0-9]+)\b`)
	identWord  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	backticked = regexp.MustCompile("`[^`\n]*`")
)

// words rewrites a message about the generated test in the C's terms:
// threads ("P1", "1:r" in a state) by their C names, locations by their
// C paths, "line N" of the generated test as the line of the C it came
// from, and source quoted in backticks as the C has it (when the quote is
// of one piece of C).
func (v *cView) words(msg string) string { return v.rewrite(msg, true) }

// rewrite is words; quotes says whether quoted source is generated text
// to put in C (else it is left as it is: explain quotes the C itself).
func (v *cView) rewrite(msg string, quotes bool) string {
	var b strings.Builder
	last := 0
	for _, m := range backticked.FindAllStringIndex(msg, -1) {
		b.WriteString(v.plainWords(msg[last:m[0]]))
		q := msg[m[0]+1 : m[1]-1]
		if c := v.texts[strings.Join(strings.Fields(q), " ")]; quotes && c != "" {
			q = c
		}
		b.WriteString("`" + q + "`")
		last = m[1]
	}
	b.WriteString(v.plainWords(msg[last:]))
	return b.String()
}

// plainWords is words on text outside quotes.
func (v *cView) plainWords(s string) string {
	s = lineWord.ReplaceAllStringFunc(s, func(m string) string {
		sub := lineWord.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		return sub[1] + " " + v.cLine(n)
	})
	s = stateReg.ReplaceAllStringFunc(s, func(m string) string {
		sub := stateReg.FindStringSubmatch(m)
		i, err := strconv.Atoi(sub[1])
		if err != nil || i >= len(v.sc.File.Threads) {
			return m
		}
		return v.names.Thread(i) + ":" + sub[2]
	})
	s = threadWord.ReplaceAllStringFunc(s, func(m string) string {
		i, err := strconv.Atoi(m[1:])
		if err != nil || i >= len(v.sc.File.Threads) {
			return m
		}
		return v.names.Thread(i)
	})
	if len(v.names.Locs) > 0 {
		s = identWord.ReplaceAllStringFunc(s, v.names.Loc)
	}
	return s
}

// cLine returns line n of the generated test as the C has it: the line
// of the C its first linked piece came from ("17", or "14 of user.c" in
// another file), or n itself when nothing on it is linked.
func (v *cView) cLine(n int) string {
	start, ok := v.sc.File.Lines.LineStart(n)
	if !ok {
		return strconv.Itoa(n)
	}
	end := len(v.sc.Text)
	if e, ok := v.sc.File.Lines.LineStart(n + 1); ok {
		end = e
	}
	for start < end && (v.sc.Text[start] == ' ' || v.sc.Text[start] == '\t') {
		start++
	}
	if start >= end {
		return strconv.Itoa(n)
	}
	lk, ok := v.sc.Map.ToC(syntax.Span{Start: start, End: start + 1})
	if !ok || lk.Kind == bpfc.LinkTest || lk.Kind == bpfc.LinkThread {
		return strconv.Itoa(n)
	}
	p := v.tr.Position(lk.C)
	if len(v.tr.Sources) > 0 && lk.C.File != v.tr.Sources[0].Name {
		return fmt.Sprintf("%d of %s", p.Line, lk.C.File)
	}
	return strconv.Itoa(p.Line)
}

// marker is the file name of the stand-in text explain is written
// against; no real path has a NUL byte.
const marker = "\x00c"

var markerPos = regexp.MustCompile("\x00c:([0-9]+):1")

// writeExplain writes checker.WriteExplain's explanation of r in the C's
// terms. Each event of r's executions is moved onto a line of a stand-in
// text holding its C, so the checker quotes the C; the stand-in
// positions are then replaced by the C's, and the rest of the words by
// words.
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
	out := v.rewrite(b.String(), false)
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

// loadForCheck is loadTestFor for check: with the view of the C for a
// translated C input (nil for a litmus test).
func loadForCheck(name string, src []byte, m *cat.Model) (*syntax.File, []byte, []string, func(syntax.Span) string, *cView) {
	if isC(inputFile(name)) {
		f, text, problems, view := loadView(name, src)
		if view != nil {
			return f, text, problems, view.pos, view
		}
		return f, text, problems, func(sp syntax.Span) string { return f.Lines.Position(sp.Start).String() }, nil
	}
	f, text, problems, pos := loadTestFor(name, src, m)
	return f, text, problems, pos, nil
}

// message is a message of o's test as the user reads it: in the C's
// terms for annotated C (see cView.words).
func (o *checkOutput) message(s string) string {
	if o.c == nil {
		return s
	}
	return o.c.words(s)
}

// writeExplain writes the explanation of o's result: checker's, or in the
// C's terms for annotated C.
func (o *checkOutput) writeExplain(w io.Writer) error {
	if o.c == nil {
		return checker.WriteExplain(w, o.Result, o.f, o.src)
	}
	return o.c.writeExplain(w, o.Result)
}
