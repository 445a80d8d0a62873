package main

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file computes the Hash= line herd7 prints for a C test: the MD5
// digest herd7's C front end computes "as litmus does"
// (lib/CGenParser_lib.ml, lib/CTestHash.ml): the digest of the
// concatenation of the digests of the information keys (none for C
// tests), of the initial state, of the
// code (each thread's text as written) and of the observed locations.

// herd7CHash returns herd7's hash of the C test f (src its text), and
// false when the test holds something this computation does not follow
// exactly (then no Hash line is printed rather than a wrong one).
func herd7CHash(f *syntax.File, src []byte) (string, bool) {
	if f.Dialect != syntax.DialectC {
		return "", false
	}
	for _, m := range f.Meta {
		switch strings.ToLower(m.Key) {
		case "hash":
			// herd7 prints the test's own hash when it has one.
			return m.Value, m.Value != ""
		case "memorytype", "mt", "cachetype":
			return "", false // keys herd7 digests, which this does not follow
		}
	}
	init, ok := hashInit(f)
	if !ok {
		return "", false
	}
	code, ok := hashCode(f, src)
	if !ok {
		return "", false
	}
	obs := hashObserved(f)
	sum := func(s string) string {
		d := md5.Sum([]byte(s))
		return string(d[:])
	}
	all := md5.Sum([]byte(sum(init) + sum(code) + sum(obs)))
	return hex.EncodeToString(all[:]), true
}

// A hashLoc is a location as herd7 orders them: registers (by thread,
// then name) before shared variables (by name).
type hashLoc struct {
	thread int // -1 for a shared variable
	name   string
}

func (l hashLoc) less(m hashLoc) bool {
	if (l.thread < 0) != (m.thread < 0) {
		return l.thread >= 0
	}
	if l.thread != m.thread {
		return l.thread < m.thread
	}
	return l.name < m.name
}

func (l hashLoc) String() string {
	if l.thread >= 0 {
		return fmt.Sprintf("%d:%s", l.thread, l.name)
	}
	return l.name
}

// hashInit is the text of the initial state herd7 digests: the init
// block's entries (not the threads' parameters, which herd7 adds to the
// state after the digest), sorted by location, the first of each kept, as
// "[TYPE ]LOC=VALUE" joined by "; ".
func hashInit(f *syntax.File) (string, bool) {
	type entry struct {
		loc  hashLoc
		text string
	}
	var es []entry
	if f.Init != nil {
		for _, it := range f.Init.Items {
			l := hashLoc{it.Loc.Thread, it.Loc.Name}
			if it.Loc.Deref {
				return "", false
			}
			v, ok := hashValue(it.Value)
			if !ok {
				return "", false
			}
			text := l.String() + "=" + v
			if it.Type != nil {
				switch {
				case it.Type.Stars == 0:
					text = it.Type.Name + " " + text
				case it.Type.Stars == 1:
					text = it.Type.Name + " *" + text
				default:
					return "", false
				}
			}
			es = append(es, entry{l, text})
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].loc.less(es[j].loc) })
	var out []string
	for i, e := range es {
		if i > 0 && es[i-1].loc == e.loc {
			continue
		}
		out = append(out, e.text)
	}
	return strings.Join(out, "; "), true
}

// hashValue prints an initial value as herd7's ParsedConstant.pp_v does:
// an integer in decimal, an address as the variable's name,
// ATOMIC_INIT(v) as v.
func hashValue(e syntax.Expr) (string, bool) {
	switch e := syntax.Unparen(e).(type) {
	case nil:
		return "0", true
	case *syntax.IntLit:
		return strconv.FormatInt(e.Value, 10), true
	case *syntax.Ident:
		return e.Name, true
	case *syntax.CallExpr:
		// ATOMIC_INIT(v) initialises to v.
		if e.Fun != nil && e.Fun.Name == "ATOMIC_INIT" && len(e.Args) == 1 {
			return hashValue(e.Args[0])
		}
	case *syntax.UnaryExpr:
		if e.Op == "&" {
			if id, ok := syntax.Unparen(e.X).(*syntax.Ident); ok {
				return id.Name, true
			}
		}
		if e.Op == "-" {
			if n, ok := syntax.Unparen(e.X).(*syntax.IntLit); ok {
				return strconv.FormatInt(-n.Value, 10), true
			}
		}
	}
	return "", false
}

// hashCode is the text of the code herd7 digests: each thread as
// "P%i(TYPE* NAME, ...) {\nBODY\n}\n", BODY the text between the
// function's braces as written, the threads side by side as herd7 prints
// a program's columns (" T0 | T1 ;\n").
func hashCode(f *syntax.File, src []byte) (string, bool) {
	// A brace block between the threads is a "global" part of herd7's
	// program, which it digests too: not followed here.
	from := 0
	if f.Init != nil {
		from = f.Init.Span.End
	}
	for _, t := range f.Threads {
		if t.Span.Start < from || strings.Contains(string(src[from:t.Span.Start]), "{") {
			return "", false
		}
		from = t.Span.End
	}
	var cells []string
	for _, t := range f.Threads {
		if t.Body == nil {
			return "", false
		}
		var ps []string
		for _, p := range t.Params {
			if p.Type == nil || p.Type.Stars < 1 || p.Name == nil {
				return "", false // herd7: "parameter is not a pointer"
			}
			ps = append(ps, p.Type.Name+strings.Repeat("*", p.Type.Stars)+" "+p.Name.Name)
		}
		s, e := t.Body.Span.Start, t.Body.Span.End
		if s < 0 || e > len(src) || e-s < 2 || src[s] != '{' || src[e-1] != '}' {
			return "", false
		}
		body := string(src[s+1 : e-1])
		cells = append(cells, fmt.Sprintf(" P%d(%s) {\n%s\n}\n ", t.Index, strings.Join(ps, ", "), body))
	}
	return strings.Join(cells, "|") + ";\n", true
}

// hashObserved is the text of the observed locations herd7 digests: the
// locations clause's and the final condition's, sorted, joined by "; ".
func hashObserved(f *syntax.File) string {
	seen := map[hashLoc]bool{}
	add := func(l syntax.Location) {
		seen[hashLoc{l.Thread, l.Name}] = true
	}
	if f.Locations != nil {
		for _, l := range f.Locations.Locs {
			add(l)
		}
	}
	if f.Cond != nil {
		syntax.InspectProp(f.Cond.Prop, func(q syntax.Prop) {
			if a, ok := q.(*syntax.AtomProp); ok {
				add(a.Loc)
				if a.Value.Reg != nil {
					add(*a.Value.Reg)
				}
			}
		})
	}
	var locs []hashLoc
	for l := range seen {
		locs = append(locs, l)
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i].less(locs[j]) })
	var out []string
	for _, l := range locs {
		out = append(out, l.String())
	}
	return strings.Join(out, "; ")
}
