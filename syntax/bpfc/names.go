package bpfc

import (
	"regexp"
	"strconv"
	"strings"
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
	n := &Names{Locs: map[string]string{}}
	if t == nil || sc == nil || sc.File == nil || sc.Map == nil {
		return n
	}
	var units []*unit
	for _, s := range t.Sources {
		var notes []Note
		u, err := readUnit(s.Name, s.Text, &notes)
		if err != nil {
			continue
		}
		units = append(units, u)
	}
	byGen := map[[2]int]Link{} // generated span → its link, for threads and init items
	for _, l := range sc.Map.Links() {
		if l.Kind == LinkThread || l.Kind == LinkInit {
			byGen[[2]int{l.Gen.Start, l.Gen.End}] = l
		}
	}
	for _, th := range sc.File.Threads {
		name := ""
		if l, ok := byGen[[2]int{th.Span.Start, th.Span.End}]; ok && l.Kind == LinkThread {
			for _, u := range units {
				for _, td := range u.threads {
					if u.name == l.C.File && td.fn != nil && td.fn.Start == l.C.Span.Start && td.fn.End == l.C.Span.End {
						name = td.name
					}
				}
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
