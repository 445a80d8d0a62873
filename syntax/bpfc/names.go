package bpfc

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// Names are the C's names for what a scenario's generated test names
// otherwise: its threads (P0, P1, ...) and its locations (record_a for
// the field record.a). Messages about annotated C use them; the generated
// litmus text keeps its own.
type Names struct {
	// Threads holds, by thread index, the thread's name as the C gives
	// it: the name its "thread" annotation gives (the annotated
	// function's name by default), the one conditions use
	// ("consumer:h=1"). "" when the thread has no C behind it.
	Threads []string
	// Locs maps a location of the generated test to its C path when they
	// differ: "record_a" → "record.a", "counts_3" → "counts[3]", "x_1" →
	// "x" (renamed out of the way of a name the test reserves).
	Locs map[string]string

	tr *Translation
	sc *Scenario
	// texts maps the text of a linked piece of the generated test (one
	// line, blanks collapsed) to the C it came from, when that is the
	// same C wherever the text occurs; else to "".
	texts map[string]string
}

// Thread returns the C name of thread i, or "P<i>" when it has none.
func (n *Names) Thread(i int) string {
	if n != nil && i >= 0 && i < len(n.Threads) && n.Threads[i] != "" {
		return n.Threads[i]
	}
	return "P" + strconv.Itoa(i)
}

// Loc returns the C path of the generated location name, or name itself.
func (n *Names) Loc(name string) string {
	if n != nil {
		if c, ok := n.Locs[name]; ok {
			return c
		}
	}
	return name
}

// Names returns the C names of sc, a scenario of t. It reads the C files
// of t again (one parse of each), so a caller that needs them more than
// once keeps them. A thread or location whose C it cannot find keeps its
// generated name.
func (t *Translation) Names(sc *Scenario) *Names {
	if t == nil || sc == nil || sc.File == nil || sc.Map == nil {
		return &Names{Locs: map[string]string{}}
	}
	return t.names(t.units(), sc)
}

// AllNames returns the Names of every scenario of t, in order, reading
// its C files once.
func (t *Translation) AllNames() []*Names {
	if t == nil {
		return nil
	}
	units := t.units()
	out := make([]*Names, len(t.Scenarios))
	for i, sc := range t.Scenarios {
		out[i] = t.names(units, sc)
	}
	return out
}

// units reads the C files of t again.
func (t *Translation) units() []*unit {
	var units []*unit
	for _, s := range t.Sources {
		var notes []Note
		u, err := readUnit(s.Name, s.Text, &notes)
		if err != nil {
			continue
		}
		units = append(units, u)
	}
	return units
}

func (t *Translation) names(units []*unit, sc *Scenario) *Names {
	n := &Names{Locs: map[string]string{}, tr: t, sc: sc, texts: map[string]string{}}
	if sc == nil || sc.File == nil || sc.Map == nil {
		return n
	}
	for _, l := range sc.Map.Links() {
		if l.Kind != LinkExpr && l.Kind != LinkStmt {
			continue
		}
		gen, c := oneLine(sc.Text, l.Gen), ""
		if s := t.Source(l.C.File); s != nil {
			c = oneLine(s.Text, l.C.Span)
		}
		if prev, seen := n.texts[gen]; seen && prev != c {
			c = ""
		}
		n.texts[gen] = c
	}
	byGen := map[[2]int]Link{} // generated span → its link, for threads and init items
	for _, l := range sc.Map.Links() {
		if l.Kind == LinkThread || l.Kind == LinkInit {
			byGen[[2]int{l.Gen.Start, l.Gen.End}] = l
		}
	}
	seen := map[Loc]int{} // threads of each function so far
	for _, th := range sc.File.Threads {
		name := ""
		if l, ok := byGen[[2]int{th.Span.Start, th.Span.End}]; ok && l.Kind == LinkThread {
			var cands []string // the threads made of this function, in annotation order
			for _, u := range units {
				for _, td := range u.threads {
					if u.name == l.C.File && td.fn != nil && td.fn.Start == l.C.Span.Start && td.fn.End == l.C.Span.End {
						cands = append(cands, td.name)
					}
				}
			}
			switch {
			case len(cands) == 1:
				name = cands[0]
			case len(cands) > 1:
				// One function, several threads: the comment the
				// translation puts above each names it; else take them
				// in order.
				if c := commentBefore(sc, th.Span.Start); c != "" && slices.Contains(cands, c) {
					name = c
				} else if k := seen[l.C]; k < len(cands) {
					name = cands[k]
				}
				seen[l.C]++
			}
		}
		n.Threads = append(n.Threads, name)
	}
	if sc.File.Init == nil {
		return n
	}
	for _, it := range sc.File.Init.Items {
		gen := it.Loc.Name
		l, ok := byGen[[2]int{it.Span.Start, it.Span.End}]
		if !ok || l.Kind != LinkInit || it.Loc.Thread >= 0 {
			continue
		}
		if path := cPath(units, l.C, gen); path != "" && path != gen {
			n.Locs[gen] = path
		}
	}
	return n
}

// commentBefore returns the last word of the line comment just above
// the generated text at off ("// prog.c:12-20 cpu1" gives "cpu1"), or "".
func commentBefore(sc *Scenario, off int) string {
	best := ""
	for _, c := range sc.File.Comments {
		if c.Span.End > off {
			break
		}
		between := strings.TrimSpace(string(sc.Text[c.Span.End:off]))
		if between != "" || !strings.HasPrefix(c.Text, "//") {
			continue
		}
		if f := strings.Fields(c.Text); len(f) > 0 {
			best = f[len(f)-1]
		}
	}
	return best
}

// renamed matches a location name the translation made unique by a
// numeric suffix ("x_1").
var renamed = regexp.MustCompile(`^(.*)_[0-9]+$`)

// cPath returns the C path of the global declared at decl that the
// translation names gen: the one whose name, made a litmus identifier,
// is gen, or gen without the suffix that made it unique; "" when none is.
func cPath(units []*unit, decl Loc, gen string) string {
	var cands []*global
	for _, u := range units {
		for _, g := range u.globals {
			if g.decl == decl {
				cands = append(cands, g)
			}
		}
	}
	for _, g := range cands {
		if locBase(g.path) == gen {
			return g.path
		}
	}
	if m := renamed.FindStringSubmatch(gen); m != nil {
		for _, g := range cands {
			if locBase(g.path) == m[1] {
				return g.path
			}
		}
	}
	return ""
}

// locBase is a C path made a litmus identifier, as the translation
// names a location before making it unique.
func locBase(path string) string {
	return strings.NewReplacer(".", "_", "[", "_", "]", "").Replace(path)
}

// oneLine is the text of sp in src on one line, blanks collapsed; "" when
// sp is not in src.
func oneLine(src []byte, sp syntax.Span) string {
	if sp.Start < 0 || sp.End > len(src) || sp.Start >= sp.End {
		return ""
	}
	return strings.Join(strings.Fields(string(src[sp.Start:sp.End])), " ")
}

var (
	threadWord = regexp.MustCompile(`\bP([0-9]+)\b`)
	stateReg   = regexp.MustCompile(`\b([0-9]+):([A-Za-z_][A-Za-z0-9_]*)`)
	lineWord   = regexp.MustCompile(`\b(lines?) ([0-9]+)\b`)
	identWord  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	backticked = regexp.MustCompile("`[^`\n]*`")
)

// Words rewrites a message about the generated test (a diagnostic's, a
// lint's, a fix's title) in the C's terms: threads ("P1", and "1:r" in a
// state or condition) by their C names, locations by their C paths,
// "line N" of the generated test as the line of the C it came from ("line
// 14 of user.c" in another file), and source quoted in backticks as the C
// has it, when the quoted text came from one piece of C.
func (n *Names) Words(msg string) string { return n.rewrite(msg, true) }

// WordsOutsideQuotes is Words leaving quoted text as it is: for a
// message that already quotes the C.
func (n *Names) WordsOutsideQuotes(msg string) string { return n.rewrite(msg, false) }

func (n *Names) rewrite(msg string, quotes bool) string {
	if n == nil || n.sc == nil || n.sc.File == nil {
		return msg
	}
	var b strings.Builder
	last := 0
	for _, m := range backticked.FindAllStringIndex(msg, -1) {
		b.WriteString(n.plainWords(msg[last:m[0]]))
		q := msg[m[0]+1 : m[1]-1]
		if c := n.texts[strings.Join(strings.Fields(q), " ")]; quotes && c != "" {
			q = c
		}
		b.WriteString("`" + q + "`")
		last = m[1]
	}
	b.WriteString(n.plainWords(msg[last:]))
	return b.String()
}

// plainWords is Words on text outside quotes.
func (n *Names) plainWords(s string) string {
	threads := len(n.sc.File.Threads)
	s = lineWord.ReplaceAllStringFunc(s, func(m string) string {
		sub := lineWord.FindStringSubmatch(m)
		k, _ := strconv.Atoi(sub[2])
		return sub[1] + " " + n.cLine(k)
	})
	s = stateReg.ReplaceAllStringFunc(s, func(m string) string {
		sub := stateReg.FindStringSubmatch(m)
		i, err := strconv.Atoi(sub[1])
		if err != nil || i >= threads {
			return m
		}
		return n.Thread(i) + ":" + sub[2]
	})
	s = threadWord.ReplaceAllStringFunc(s, func(m string) string {
		i, err := strconv.Atoi(m[1:])
		if err != nil || i >= threads {
			return m
		}
		return n.Thread(i)
	})
	if len(n.Locs) > 0 {
		s = identWord.ReplaceAllStringFunc(s, n.Loc)
	}
	return s
}

// cLine returns line k of the generated test as the C has it: the line
// of the C its first linked piece came from ("17", or "14 of user.c" in
// another file than the translated one), or k itself when nothing on it
// is linked.
func (n *Names) cLine(k int) string {
	lines, text := n.sc.File.Lines, n.sc.Text
	start, ok := lines.LineStart(k)
	if !ok {
		return strconv.Itoa(k)
	}
	end := len(text)
	if e, ok := lines.LineStart(k + 1); ok {
		end = e
	}
	for start < end && (text[start] == ' ' || text[start] == '\t') {
		start++
	}
	if start >= end {
		return strconv.Itoa(k)
	}
	lk, ok := n.sc.Map.ToC(syntax.Span{Start: start, End: start + 1})
	if !ok || lk.Kind == LinkTest || lk.Kind == LinkThread {
		return strconv.Itoa(k)
	}
	p := n.tr.Position(lk.C)
	if len(n.tr.Sources) > 0 && lk.C.File != n.tr.Sources[0].Name {
		return fmt.Sprintf("%d of %s", p.Line, lk.C.File)
	}
	return strconv.Itoa(p.Line)
}
