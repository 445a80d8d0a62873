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

// This file computes the Hash= line herd7 prints: the MD5 digest of the
// concatenation of the digests of the information keys herd7 digests
// (none in litmus tests of the kernel or BPF), of the initial state, of
// the code and of the observed locations. For a C test herd7 computes it
// "as litmus does" (lib/CGenParser_lib.ml, lib/CTestHash.ml), the code
// being each thread's text as written; for a BPF test (lib/testHash.ml)
// the code is the instructions as herd7 prints them.

// herd7Hash returns herd7's hash of the C or BPF test f (src its text), and
// false when the test holds something this computation does not follow
// exactly (then no Hash line is printed rather than a wrong one).
func herd7Hash(f *syntax.File, src []byte) (string, bool) {
	if f.Dialect != syntax.DialectC && f.Dialect != syntax.DialectBPF {
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
	code, ok := "", false
	if f.Dialect == syntax.DialectC {
		code, ok = hashCode(f, src)
	} else {
		code, ok = hashBPFCode(f)
	}
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

// hashBPFCode is the text of a BPF program herd7 digests
// (lib/testHash.ml): each thread's instructions as herd7 prints them
// (lib/BPFBase.ml), labels renamed L00, L01, ... in the order of their
// names, the threads side by side in columns padded to their widest cell
// (" I0 | I1 ;\n" per row).
func hashBPFCode(f *syntax.File) (string, bool) {
	names := map[string]bool{}
	for _, t := range f.Threads {
		for _, in := range t.Instrs {
			if in.Label != "" {
				names[in.Label] = true
			}
		}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	rename := map[string]string{}
	for i, n := range sorted {
		rename[n] = fmt.Sprintf("L%02d", i)
	}
	var cols [][]string
	for _, t := range f.Threads {
		var col []string
		for _, in := range t.Instrs {
			s, ok := herdBPFInstr(in, rename)
			if !ok {
				return "", false
			}
			col = append(col, s)
		}
		cols = append(cols, col)
	}
	widths := make([]int, len(cols))
	rows := 0
	for i, c := range cols {
		for _, s := range c {
			widths[i] = max(widths[i], len(s))
		}
		rows = max(rows, len(c))
	}
	var b strings.Builder
	for r := range rows {
		for i, c := range cols {
			if i > 0 {
				b.WriteString("|")
			}
			cell := ""
			if r < len(c) {
				cell = c[r]
			}
			fmt.Fprintf(&b, " %-*s ", widths[i], cell)
		}
		b.WriteString(";\n")
	}
	return b.String(), true
}

// herdBPFInstr prints one instruction as herd7's BPF printer does.
func herdBPFInstr(in *syntax.Instr, rename map[string]string) (string, bool) {
	reg := func(o *syntax.Operand) (string, bool) {
		if o == nil || !o.IsReg {
			return "", false
		}
		if o.Reg == 10 {
			return "fp", true
		}
		return "r" + strconv.Itoa(o.Reg), true
	}
	opnd := func(o *syntax.Operand) (string, bool) {
		if o == nil {
			return "", false
		}
		if o.IsReg {
			return reg(o)
		}
		return strconv.FormatInt(o.Imm, 10), true
	}
	mem := func(m *syntax.MemRef) (base, k string, ok bool) {
		if m == nil {
			return "", "", false
		}
		base, ok = reg(&syntax.Operand{IsReg: true, Reg: m.Base})
		if m.Off < 0 {
			k = "- " + strconv.FormatUint(uint64(-m.Off), 10)
		} else {
			k = "+ " + strconv.FormatInt(m.Off, 10)
		}
		return base, k, ok
	}
	width := func(m *syntax.MemRef) (string, bool) {
		switch m.Size {
		case 8, 16, 32, 64:
			return strconv.Itoa(m.Size), true
		}
		return "", false
	}
	switch in.Kind {
	case syntax.InstrLabel:
		return rename[in.Label] + ":", true
	case syntax.InstrGoto:
		return "goto " + rename[in.Label], true
	case syntax.InstrCondJump:
		a, ok1 := reg(in.Dst)
		b, ok2 := opnd(in.Src)
		return "if " + a + " " + in.Op + " " + b + " goto " + rename[in.Label], ok1 && ok2
	case syntax.InstrMov:
		a, ok1 := reg(in.Dst)
		b, ok2 := opnd(in.Src)
		return a + " = " + b, ok1 && ok2
	case syntax.InstrALU:
		a, ok1 := reg(in.Dst)
		b, ok2 := opnd(in.Src)
		return a + " " + in.Op + "= " + b, ok1 && ok2
	}
	if in.Mem == nil {
		return "", false
	}
	base, k, ok := mem(in.Mem)
	w, okw := width(in.Mem)
	if in.Kind == syntax.InstrXchg || in.Kind == syntax.InstrCmpxchg {
		// The width is in the mnemonic: xchg_64, xchg32_32, cmpxchg_64,
		// cmpxchg32_32.
		switch {
		case strings.HasSuffix(in.Mnemon, "32_32"):
			w, okw = "32", true
		case strings.HasSuffix(in.Mnemon, "_64"):
			w, okw = "64", true
		default:
			okw = false
		}
	}
	if !ok || !okw {
		return "", false
	}
	switch in.Kind {
	case syntax.InstrLoad:
		d, ok := reg(in.Dst)
		return fmt.Sprintf("%s = *(u%s *) (%s %s)", d, w, base, k), ok
	case syntax.InstrStore:
		v, ok := opnd(in.Src)
		return fmt.Sprintf("*(u%s *)(%s %s) = %s", w, base, k, v), ok
	case syntax.InstrLoadAcquire:
		d, ok := reg(in.Dst)
		return fmt.Sprintf("%s = load_acquire((u%s *) (%s %s))", d, w, base, k), ok
	case syntax.InstrStoreRelease:
		v, ok := reg(in.Src)
		return fmt.Sprintf("store_release ((u%s *)(%s %s), %s)", w, base, k, v), ok
	case syntax.InstrAtomic:
		v, ok := reg(in.Src)
		return fmt.Sprintf("lock *(u%s *)(%s %s) %s= %s", w, base, k, in.Op, v), ok
	case syntax.InstrAtomicFetch:
		v, ok := reg(in.Src)
		return fmt.Sprintf("%s = atomic_fetch_%s((u%s *)(%s %s), %s)", v, in.Op, w, base, k, v), ok
	case syntax.InstrXchg, syntax.InstrCmpxchg:
		v, ok := reg(in.Src)
		sz := ""
		switch w {
		case "32":
			sz = "32_32"
		case "64":
			sz = "_64"
		default:
			return "", false
		}
		if in.Kind == syntax.InstrXchg {
			return fmt.Sprintf("%s = xchg%s(%s %s, %s)", v, sz, base, k, v), ok
		}
		return fmt.Sprintf("r0 = cmpxchg%s(%s %s, r0, %s)", sz, base, k, v), ok
	}
	return "", false
}
