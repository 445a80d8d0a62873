package cfix

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
)

// This file writes the candidates: the C text of each rewrite of an
// access (marking, acquire and release, a stronger or weaker memory
// order, an atomic read-modify-write), of a fence, and of the include a
// bpf_atomic.h macro needs.

// lvalueRx matches the C lvalues a rewrite can wrap: a name, a field path
// (skel->bss->x, g.cnt), or a dereferenced name.
var lvalueRx = regexp.MustCompile(`^(\*\s*)?[A-Za-z_]\w*(\s*(->|\.)\s*[A-Za-z_]\w*)*$`)

// volatileRx matches a volatile access to an lvalue, "*(volatile int *)&x",
// as bpf_atomic.h spells READ_ONCE and WRITE_ONCE.
var volatileRx = regexp.MustCompile(`^\*\s*\(\s*(?:const\s+)?volatile\b[^()]*\*\s*\)\s*&\s*(.+?)\s*$`)

// addressOf returns C text for the address of the lvalue lv.
func addressOf(lv string) string {
	if rest, ok := strings.CutPrefix(lv, "*"); ok {
		return strings.TrimSpace(rest)
	}
	return "&" + lv
}

// weakRewrites returns the C rewrites of the marked access p that order
// less: acquire and release to READ_ONCE and WRITE_ONCE, and a memory
// order of an __atomic or C11 call made weaker.
func weakRewrites(p *cAccess, text []byte, ln int, user bool) []cCandidate {
	c := string(text[p.c.Start:p.c.End])
	one := func(to, short, newText string, sp syntax.Span) cCandidate {
		return cCandidate{short: short, to: to, line: ln, site: p.c, edits: []analysis.Edit{{Span: sp, NewText: newText}}}
	}
	// smp_load_acquire and smp_store_release, written so: their pointer
	// and value are the C of the generated call's arguments.
	switch name := calleeName(c); {
	case name != p.a.Prim:
	case name == "smp_load_acquire" && len(p.args) == 1:
		if user {
			return nil
		}
		return []cCandidate{one("READ_ONCE", "Use READ_ONCE", "READ_ONCE("+derefOf(p.args[0])+")", p.c)}
	case name == "smp_store_release" && len(p.args) == 2:
		if user {
			return nil
		}
		return []cCandidate{one("WRITE_ONCE", "Use WRITE_ONCE", "WRITE_ONCE("+derefOf(p.args[0])+", "+p.args[1]+")", p.c)}
	}
	// A memory order is not in the tree (the translation folds it into
	// the primitive's name): read the arguments from the C text.
	name, args, ok := splitCall(c)
	if !ok {
		return nil
	}
	// __atomic_compare_exchange_n's failure order may not be stronger than
	// its success order: leave those calls alone.
	if !strings.HasPrefix(name, "__atomic_") && !strings.HasPrefix(name, "atomic_") || strings.Contains(name, "compare_exchange") {
		return nil
	}
	at, from := orderArg(args)
	if at < 0 {
		return nil
	}
	argSpan, ok := callArgSpan(text, p.c, at)
	if !ok {
		return nil
	}
	rmw := !strings.Contains(name, "load") && !strings.Contains(name, "store")
	var orders []string
	switch {
	case rmw && (from == "seq_cst" || from == "acq_rel"):
		orders = []string{"relaxed", "acquire", "release"}
	case rmw && (from == "acquire" || from == "release" || from == "consume"):
		orders = []string{"relaxed"}
	case !rmw && strings.Contains(name, "store") && from == "seq_cst":
		orders = []string{"relaxed", "release"}
	case !rmw && from != "relaxed":
		orders = []string{"relaxed"}
	}
	var out []cCandidate
	for _, o := range orders {
		word := orderWord(o, args[at])
		out = append(out, one("", "Use "+name+" with "+word, word, argSpan))
	}
	return out
}

// derefOf returns C text for the lvalue a pointer expression points to.
func derefOf(ptr string) string {
	if rest, ok := strings.CutPrefix(ptr, "&"); ok && lvalueRx.MatchString(strings.TrimSpace(rest)) {
		return strings.TrimSpace(rest)
	}
	if lvalueRx.MatchString(ptr) && !strings.HasPrefix(ptr, "*") {
		return "*" + ptr
	}
	return "*(" + ptr + ")"
}

// synthCandidates runs [rewrite.Synthesize] on the scenario sc, asking for want
// fixes (0 means Synthesize's default), and returns its fixes written in
// C, each as one candidate whose edits are in the file of s, and the
// synthesis itself (nil when it failed); scans gives the scans of the
// scenario over each C file, for the rewrites in other files, which go to
// the candidate's others. A fix with a rewrite C cannot say (C the source
// map does not tie to it, a primitive C has no spelling for) is left out.
func synthCandidates(ctx context.Context, s *cScan, scans []*cScan, opts rewrite.ActionOptions, want int) ([]cCandidate, *rewrite.Synthesis) {
	budget := opts.SynthBudget
	if budget <= 0 {
		budget = 5 * time.Second
	}
	syn, err := rewrite.Synthesize(ctx, s.sc.File, s.sc.Text, rewrite.SynthOptions{Archs: opts.Archs, Budget: budget, CheckBudget: opts.Budget, Cache: opts.Cache, Fixes: want})
	if err != nil {
		return nil, nil
	}
	type part struct {
		c    cCandidate
		scan *cScan
	}
	var out []cCandidate
fixes:
	for _, fx := range syn.Fixes {
		var parts []part
		for _, rw := range fx.Rewrites {
			found := false
			for _, sc := range scans {
				if c, ok := sc.candidateFor(&rw); ok {
					parts = append(parts, part{c, sc})
					found = true
					break
				}
			}
			if !found {
				continue fixes
			}
		}
		if len(parts) == 0 {
			continue
		}
		// The file asked about first, then the others in the order of the
		// translation; in each, in source order.
		rank := func(p part) int {
			if p.scan == s {
				return -1
			}
			return slices.Index(scans, p.scan)
		}
		sort.SliceStable(parts, func(i, j int) bool {
			a, b := parts[i], parts[j]
			if rank(a) != rank(b) {
				return rank(a) < rank(b)
			}
			return a.c.site.Start < b.c.site.Start
		})
		all := cCandidate{titled: true, site: parts[0].c.site, line: parts[0].c.line}
		var names []string
		for _, p := range parts {
			where := ""
			if p.scan != s {
				if all.others == nil {
					all.others = map[string][]analysis.Edit{}
				}
				all.others[p.scan.src.Name] = append(all.others[p.scan.src.Name], p.c.edits...)
				where = " of " + relName(s.src.Name, p.scan.src.Name)
			} else {
				all.edits = append(all.edits, p.c.edits...)
			}
			if p.c.fence {
				names = append(names, p.c.short+where)
			} else {
				names = append(names, fmt.Sprintf("%s on line %d%s", p.c.short, p.c.line, where))
			}
		}
		all.short = joinVerbs(names)
		out = append(out, all)
	}
	return out, syn
}

// relName names the file other for a reader of file: its path relative
// to file's directory.
func relName(file, other string) string {
	if r, err := filepath.Rel(filepath.Dir(file), other); err == nil {
		return filepath.ToSlash(r)
	}
	return other
}

// joinVerbs joins titles, not repeating a verb the one before starts
// with: "Use smp_store_release on line 17, smp_load_acquire on line 25".
func joinVerbs(names []string) string {
	names = append([]string(nil), names...)
	for i := len(names) - 1; i > 0; i-- {
		verb := names[i][:strings.IndexByte(names[i], ' ')+1]
		if strings.HasPrefix(names[i-1], verb) {
			names[i] = names[i][len(verb):]
		}
	}
	return strings.Join(names, ", ")
}

// accessRewrites returns the C rewrites of the access p (on line ln of
// text) that add ordering: a plain load becomes a marked or an acquire
// load, a plain store a marked or a release store, READ_ONCE and
// WRITE_ONCE become acquire and release, and a relaxed __atomic or C11
// atomic gets a stronger memory order.
func accessRewrites(p *cAccess, text []byte, ln int, user bool) []cCandidate {
	c := string(text[p.c.Start:p.c.End])
	one := func(to, short, newText string) cCandidate {
		return cCandidate{short: short, to: to, line: ln, site: p.c, edits: []analysis.Edit{{Span: p.c, NewText: newText}}}
	}
	load := func(lv string, relaxed bool) []cCandidate {
		var out []cCandidate
		if user {
			if relaxed {
				out = append(out, one("READ_ONCE", "Use __atomic_load_n with __ATOMIC_RELAXED", "__atomic_load_n("+addressOf(lv)+", __ATOMIC_RELAXED)"))
			}
			return append(out, one("smp_load_acquire", "Use __atomic_load_n with __ATOMIC_ACQUIRE", "__atomic_load_n("+addressOf(lv)+", __ATOMIC_ACQUIRE)"))
		}
		if relaxed {
			out = append(out, one("READ_ONCE", "Use READ_ONCE", "READ_ONCE("+lv+")"))
		}
		return append(out, one("smp_load_acquire", "Use smp_load_acquire", "smp_load_acquire("+addressOf(lv)+")"))
	}
	store := func(lv, v string, relaxed bool) []cCandidate {
		var out []cCandidate
		if user {
			if relaxed {
				out = append(out, one("WRITE_ONCE", "Use __atomic_store_n with __ATOMIC_RELAXED", "__atomic_store_n("+addressOf(lv)+", "+v+", __ATOMIC_RELAXED)"))
			}
			return append(out, one("smp_store_release", "Use __atomic_store_n with __ATOMIC_RELEASE", "__atomic_store_n("+addressOf(lv)+", "+v+", __ATOMIC_RELEASE)"))
		}
		if relaxed {
			out = append(out, one("WRITE_ONCE", "Use WRITE_ONCE", "WRITE_ONCE("+lv+", "+v+")"))
		}
		return append(out, one("smp_store_release", "Use smp_store_release", "smp_store_release("+addressOf(lv)+", "+v+")"))
	}

	switch p.a.Prim {
	case rewrite.PlainLoad:
		if !lvalueRx.MatchString(c) {
			return nil
		}
		return load(c, true)
	case rewrite.PlainStore:
		lv := string(text[p.lhs.Start:p.lhs.End])
		if !lvalueRx.MatchString(lv) {
			return nil
		}
		if p.rmw {
			return rmwRewrites(p, lv, ln, user)
		}
		if p.val == "" {
			return nil // no value the rewrite can keep: "y = x = 1", "x = y++"
		}
		return store(lv, p.val, true)
	}
	// READ_ONCE and WRITE_ONCE, as the kernel spells them or as a volatile
	// access (bpf_atomic.h's spelling): the lvalue and the value are the C
	// of the generated call's arguments.
	if len(p.args) > 0 && (p.a.Prim == "READ_ONCE" || p.a.Prim == "WRITE_ONCE") {
		lv := ""
		if m := volatileRx.FindStringSubmatch(p.args[0]); m != nil {
			lv = m[1]
		} else if calleeName(c) == p.a.Prim {
			lv = p.args[0]
		}
		switch {
		case !lvalueRx.MatchString(lv):
		case p.a.Prim == "READ_ONCE" && len(p.args) == 1:
			return load(lv, false)
		case p.a.Prim == "WRITE_ONCE" && len(p.args) == 2:
			return store(lv, p.args[1], false)
		}
	}
	name, args, ok := splitCall(c)
	if !ok {
		return nil
	}
	// A memory order made stronger, keeping the call: a relaxed one to
	// acquire, release or seq_cst (as the access allows), an acquire or
	// release read-modify-write to seq_cst.
	if !strings.HasPrefix(name, "__atomic_") && !strings.HasPrefix(name, "atomic_") {
		return nil
	}
	at, from := orderArg(args)
	if at < 0 {
		return nil
	}
	rmw := !strings.Contains(name, "load") && !strings.Contains(name, "store")
	var orders []string
	switch {
	case from == "relaxed" && !rmw && strings.Contains(name, "load"):
		orders = []string{"acquire"}
	case from == "relaxed" && !rmw:
		orders = []string{"release"}
	case from == "relaxed":
		orders = []string{"acquire", "release", "seq_cst"}
	case rmw && (from == "acquire" || from == "release"):
		orders = []string{"seq_cst"}
	}
	argSpan, ok := callArgSpan(text, p.c, at)
	if !ok {
		return nil
	}
	base, _, isAtomic := rewrite.AtomicBase(p.a.Prim)
	var out []cCandidate
	for _, o := range orders {
		word := orderWord(o, args[at])
		// The LKMM primitive it becomes, as the vocabulary of [rewrite.Synthesize]
		// names it.
		to := ""
		switch {
		case !rmw && o == "acquire":
			to = "smp_load_acquire"
		case !rmw && o == "release":
			to = "smp_store_release"
		case isAtomic && o == "seq_cst":
			to = base
		case isAtomic:
			to = base + "_" + o
		}
		out = append(out, cCandidate{short: "Use " + name + " with " + word, to: to, line: ln, site: p.c,
			edits: []analysis.Edit{{Span: argSpan, NewText: word}}})
	}
	return out
}

// rmwOps are the atomic operations of the compound assignments a plain
// read-modify-write can be made atomic with, by generated operator.
var rmwOps = map[string]string{"+=": "add", "-=": "sub", "|=": "or", "&=": "and", "^=": "xor"}

// rmwRewrites returns the atomic rewrite of the plain read-modify-write
// statement p on the lvalue lv ("x++", "--x", "x += v", "x |= v"): in a BPF
// program __sync_fetch_and_OP(&x, v), the atomic instruction clang emits,
// in user space __atomic_fetch_OP(&x, v, __ATOMIC_RELAXED). The operator
// and the value are the generated assignment's ("x++" is "x += 1").
func rmwRewrites(p *cAccess, lv string, ln int, user bool) []cCandidate {
	op, v := rmwOps[p.op], p.val
	if op == "" || v == "" {
		return nil
	}
	name := "__sync_fetch_and_" + op
	call := name + "(" + addressOf(lv) + ", " + v + ")"
	short := "Use " + name
	if user {
		name = "__atomic_fetch_" + op
		call = name + "(" + addressOf(lv) + ", " + v + ", __ATOMIC_RELAXED)"
		short = "Use " + name + " with __ATOMIC_RELAXED"
	}
	return []cCandidate{{short: short, to: "atomic_" + op, line: ln, site: p.c, edits: []analysis.Edit{{Span: p.c, NewText: call}}}}
}

// calleeName returns the name of the function the C call text c calls,
// or "" when c does not start with one.
func calleeName(c string) string {
	open := strings.IndexByte(c, '(')
	if open <= 0 {
		return ""
	}
	name := strings.TrimSpace(c[:open])
	if !lvalueRx.MatchString(name) || strings.ContainsAny(name, ".->*") {
		return ""
	}
	return name
}

// orderName returns the memory order the C text a names ("relaxed",
// "acquire", ...), or "".
func orderName(a string) string {
	a = strings.TrimSpace(a)
	if o, ok := strings.CutPrefix(a, "__ATOMIC_"); ok {
		return strings.ToLower(o)
	}
	if o, ok := strings.CutPrefix(a, "memory_order_"); ok {
		return o
	}
	return ""
}

// orderArg returns the index of the first memory-order argument of a
// call after its pointer, and the order it names, or -1.
func orderArg(args []string) (at int, order string) {
	for i, a := range args {
		if o := orderName(a); i > 0 && o != "" {
			return i, o
		}
	}
	return -1, ""
}

// orderWord spells the memory order o ("acquire") as the argument like
// spells orders: memory_order_acquire in C11, else __ATOMIC_ACQUIRE.
func orderWord(o, like string) string {
	if strings.HasPrefix(strings.ToLower(like), "memory_order") {
		return "memory_order_" + o
	}
	return "__ATOMIC_" + strings.ToUpper(o)
}

// splitCall splits the C call text c into the function's name and the
// trimmed texts of its arguments.
func splitCall(c string) (name string, args []string, ok bool) {
	open := strings.IndexByte(c, '(')
	if open <= 0 || strings.ContainsAny(c, `"'`) {
		return "", nil, false // no string literals in the calls rewritten
	}
	name = strings.TrimSpace(c[:open])
	if !lvalueRx.MatchString(name) || strings.ContainsAny(name, ".->*") {
		return "", nil, false
	}
	spans, close := analysis.SplitArgs([]byte(c), open)
	if close != len(c)-1 {
		return "", nil, false
	}
	for _, sp := range spans {
		args = append(args, strings.TrimSpace(c[sp.Start:sp.End]))
	}
	return name, args, true
}

// callArgSpan returns the byte span in text of argument i (trimmed) of
// the call at span call.
func callArgSpan(text []byte, call syntax.Span, i int) (syntax.Span, bool) {
	c := text[call.Start:call.End]
	open := bytes.IndexByte(c, '(')
	if open < 0 {
		return syntax.Span{}, false
	}
	args, close := analysis.SplitArgs(c, open)
	if close != len(c)-1 || i >= len(args) {
		return syntax.Span{}, false
	}
	return trimSpan(text, syntax.Span{Start: call.Start + args[i].Start, End: call.Start + args[i].End}), true
}

// trimSpan drops the blanks at both ends of sp.
func trimSpan(text []byte, sp syntax.Span) syntax.Span {
	for sp.Start < sp.End && isCSpace(text[sp.Start]) {
		sp.Start++
	}
	for sp.End > sp.Start && isCSpace(text[sp.End-1]) {
		sp.End--
	}
	return sp
}

// bpfAtomicMacros are the macros of the selftests' bpf_atomic.h the
// rewrites write in BPF programs.
var bpfAtomicMacros = []string{"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release", "smp_mb", "smp_rmb", "smp_wmb"}

var (
	includeRx = regexp.MustCompile(`(?m)^[ \t]*#[ \t]*include\b.*$`)
	defineRx  = map[string]*regexp.Regexp{}
)

func init() {
	for _, m := range bpfAtomicMacros {
		defineRx[m] = regexp.MustCompile(`(?m)^[ \t]*#[ \t]*define[ \t]+` + m + `\b`)
	}
}

// includeEdit returns the edit adding #include "bpf_atomic.h" after the
// last #include of a BPF program's text when edits write a macro of that
// header and the program neither includes it nor defines the macro.
func includeEdit(text []byte, edits []analysis.Edit) (analysis.Edit, bool) {
	if bytes.Contains(text, []byte("bpf_atomic.h")) {
		return analysis.Edit{}, false
	}
	uses := false
	for _, e := range edits {
		for _, m := range bpfAtomicMacros {
			if strings.Contains(e.NewText, m+"(") && !defineRx[m].Match(text) {
				uses = true
			}
		}
	}
	if !uses {
		return analysis.Edit{}, false
	}
	locs := includeRx.FindAllIndex(text, -1)
	if len(locs) == 0 {
		return analysis.Edit{}, false
	}
	end := locs[len(locs)-1][1]
	nl := "\n"
	if end > 0 && text[end-1] == '\r' {
		nl = "\r\n"
		end--
	}
	if end < len(text) && text[end] == '\r' {
		nl = "\r\n"
		end++
	}
	if end < len(text) && text[end] == '\n' {
		end++
	} else {
		return analysis.Edit{Span: syntax.Span{Start: end, End: end}, NewText: nl + `#include "bpf_atomic.h"`}, true
	}
	return analysis.Edit{Span: syntax.Span{Start: end, End: end}, NewText: `#include "bpf_atomic.h"` + nl}, true
}

// cFenceCall returns the C call written for the LKMM fence name, and
// whether C can say it.
func cFenceCall(name string, user bool) (string, bool) {
	if !user {
		switch name {
		case "smp_mb", "smp_rmb", "smp_wmb":
			return name + "()", true
		}
		return "", false
	}
	switch name {
	case "smp_mb":
		return "__atomic_thread_fence(__ATOMIC_SEQ_CST)", true
	case "smp_rmb":
		return "__atomic_thread_fence(__ATOMIC_ACQUIRE)", true
	case "smp_wmb":
		return "__atomic_thread_fence(__ATOMIC_RELEASE)", true
	}
	return "", false
}

func isCSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// fenceSite returns where a fence statement goes before the C statement
// starting at off: the start of its line, with the line's indentation. It
// fails when the statement does not start its line, or does not follow a
// statement, a declaration or a brace (the body of an if without braces,
// where a fence would become the body).
func fenceSite(text []byte, off int) (at int, indent string, ok bool) {
	ls := off
	for ls > 0 && text[ls-1] != '\n' {
		ls--
	}
	if strings.Trim(string(text[ls:off]), " \t") != "" {
		return 0, "", false
	}
	// The last character of code before the line, skipping blanks and
	// comments.
	k := ls
	for k > 0 {
		// Drop a line comment on the line ending at k.
		lineStart := k - 1
		for lineStart > 0 && text[lineStart-1] != '\n' {
			lineStart--
		}
		line := string(text[lineStart:k])
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimRight(line, " \t\r\n")
		if strings.HasSuffix(line, "*/") {
			j := bytes.LastIndex(text[:lineStart+len(line)-2], []byte("/*"))
			if j < 0 {
				return 0, "", false
			}
			k = j
			continue
		}
		if line == "" {
			k = lineStart
			continue
		}
		switch line[len(line)-1] {
		case ';', '{', '}':
			return ls, string(text[ls:off]), true
		}
		return 0, "", false
	}
	return 0, "", false
}
