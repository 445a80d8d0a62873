package analysis

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file offers the quick fixes of [Actions] on annotated BPF C and
// its user-space side: the rewrites are found in the litmus tests the
// translation generates, carried back to the C through the source map,
// written as C edits, and verified by translating the edited C again and
// checking the scenarios it takes part in.

// CActions returns the quick fixes that apply at span (a cursor, or a
// selection; byte offsets) of the C file file, one of tr.Sources: on a
// plain read of a shared global (or of a skeleton field skel->bss->x in
// user space) READ_ONCE and smp_load_acquire, on a plain store WRITE_ONCE
// and smp_store_release, and between two accesses of a thread function the
// fences smp_rmb() (between loads), smp_wmb() (between stores) and
// smp_mb(). In user-space C, which has no kernel macros, the same
// orderings are written with the compiler's builtins the translation
// reads: __atomic_load_n(&x, __ATOMIC_RELAXED or __ATOMIC_ACQUIRE),
// __atomic_store_n(&x, v, __ATOMIC_RELAXED or __ATOMIC_RELEASE) and
// __atomic_thread_fence(__ATOMIC_ACQUIRE, __ATOMIC_RELEASE or
// __ATOMIC_SEQ_CST), which it models as smp_rmb(), smp_wmb() and smp_mb().
//
// Each candidate is verified: its edits are applied to file's text, the
// C is translated again (the other files as tr.Sources holds them), and
// every scenario with code from file is checked and compared with the
// unedited scenario. A candidate whose edited C translates with more
// errors or unmodeled constructs than before, or whose scenarios cannot be
// checked, is left out. The title names the change and its verified
// effect, worded as [Actions] words it ("Use smp_load_acquire (bad
// outcome becomes Never)"); when several scenarios take part, the effect
// on each is named. The cheapest action that fixes is Preferred.
//
// Cost: one translation of the C per candidate (milliseconds) and one
// check per candidate and scenario, each within opts.Budget, run in
// parallel on all CPUs; the unedited scenarios are checked first unless
// opts.Cache already holds them (opts.Base is used only when tr has a
// single scenario). With opts.Cache set, asking again at the same place
// costs only the translations. A cursor on nothing fixable costs one scan
// of each scenario's threads and no check. When ctx ends, CActions
// returns nil.
func CActions(ctx context.Context, tr *bpfc.Translation, file string, span syntax.Span, opts ActionOptions) []Action {
	if tr == nil {
		return nil
	}
	src := tr.Source(file)
	if src == nil {
		return nil
	}
	var scens []*bpfc.Scenario
	for _, sc := range tr.Scenarios {
		if sc.File != nil && sc.File.Cond != nil && scenarioUses(sc, file) {
			scens = append(scens, sc)
		}
	}
	if len(scens) == 0 {
		return nil
	}
	user := isUserSpace(src.Text)
	var cands []cCandidate
	for _, sc := range scens {
		cands = append(cands, cCandidatesIn(sc, src, span, user)...)
	}
	cands = dedupeCandidates(cands)
	if len(cands) == 0 {
		return nil
	}

	cv := &cVerifier{tr: tr, file: file, v: &verifier{filename: file, budget: opts.Budget, cache: opts.Cache}}
	if cv.v.budget <= 0 {
		cv.v.budget = DefaultVerifyBudget
	}
	base := map[string]*Outcome{}
	for _, sc := range scens {
		var o *Outcome
		var err error
		if opts.Base != nil && len(tr.Scenarios) == 1 {
			o, err = cv.v.baseOutcome(ctx, sc.File, opts.Base)
		} else {
			o, err = cv.v.checkFile(ctx, sc.File)
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || o.Cutoff {
			continue // this scenario cannot judge an edit
		}
		base[sc.Name] = o
	}
	if len(base) == 0 {
		return nil
	}
	results := cv.verifyAll(ctx, cands, base)
	if ctx.Err() != nil {
		return nil
	}
	var out []Action
	for i, r := range results {
		if r == nil {
			continue
		}
		c := &cands[i]
		out = append(out, Action{
			Title:   fmt.Sprintf("%s (%s)", candidateTitle(c, cands), r.describe(base)),
			Kind:    ActionKindQuickFix,
			Edits:   c.edits,
			Verdict: r.verdict(),
			Fixes:   r.fixes(base),
			Cost:    costOf(c.to).add(costOf(c.from).neg()),
		})
	}
	markPreferred(out, opts.Archs)
	return out
}

// scenarioUses reports whether some thread of sc has code from file.
func scenarioUses(sc *bpfc.Scenario, file string) bool {
	for _, l := range sc.Map.Links() {
		if l.Kind == bpfc.LinkThread && l.C.File == file {
			return true
		}
	}
	return false
}

// isUserSpace reports whether the C text is user-space code rather than a
// BPF program: it has no SEC() annotation and includes no BPF helper
// header.
func isUserSpace(src []byte) bool {
	return !bytes.Contains(src, []byte("SEC(")) && !bytes.Contains(src, []byte("bpf_helpers.h"))
}

// A cCandidate is one C rewrite before it is verified.
type cCandidate struct {
	short    string // the title without its effect: "Use smp_load_acquire"
	line     int    // 1-based line of the change in the C file
	from, to string // the LKMM primitives before and after (PlainLoad, "" for a fence inserted), for the cost
	fence    bool   // the rewrite inserts a fence
	site     syntax.Span
	edits    []Edit
}

// candidateTitle is c's title without its effect, with its line when
// another candidate would read the same.
func candidateTitle(c *cCandidate, all []cCandidate) string {
	if c.fence {
		return c.short
	}
	n := 0
	for i := range all {
		if all[i].short == c.short {
			n++
		}
	}
	if n > 1 {
		return fmt.Sprintf("%s on line %d", c.short, c.line)
	}
	return c.short
}

func dedupeCandidates(cs []cCandidate) []cCandidate {
	seen := map[string]bool{}
	var out []cCandidate
	for _, c := range cs {
		key := fmt.Sprint(c.edits)
		if !seen[key] {
			seen[key] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].site.Start < out[j].site.Start })
	return out
}

// lvalueRx matches the C lvalues a rewrite can wrap: a name, a field path
// (skel->bss->x, g.cnt), or a dereferenced name.
var lvalueRx = regexp.MustCompile(`^(\*\s*)?[A-Za-z_]\w*(\s*(->|\.)\s*[A-Za-z_]\w*)*$`)

// addressOf returns C text for the address of the lvalue lv.
func addressOf(lv string) string {
	if rest, ok := strings.CutPrefix(lv, "*"); ok {
		return strings.TrimSpace(rest)
	}
	return "&" + lv
}

// cCandidatesIn finds the rewrites at span of src in scenario sc.
func cCandidatesIn(sc *bpfc.Scenario, src *bpfc.Source, span syntax.Span, user bool) []cCandidate {
	l := scanRwLayout(sc.File, sc.Text)
	text := src.Text
	file := src.Name
	// cLink returns the link of exactly the generated span gen, in file.
	cLink := func(gen syntax.Span, kind bpfc.LinkKind) (syntax.Span, bool) {
		lk, ok := sc.Map.ToC(gen)
		if !ok || lk.Gen != gen || lk.Kind != kind || lk.C.File != file || lk.C.Span.End > len(text) || lk.C.Span.Start < 0 {
			return syntax.Span{}, false
		}
		return lk.C.Span, true
	}
	line := func(off int) int { return src.Lines.Position(off).Line }

	// The plain accesses, with their C spans.
	type cAccess struct {
		a    *rwAccess
		c    syntax.Span // the lvalue of a load, the assignment of a store
		lhs  syntax.Span // the stored lvalue
		rhs  syntax.Span // the stored value
		done bool
	}
	var accs []cAccess
	for i := range l.accesses {
		a := &l.accesses[i]
		switch a.prim {
		case PlainLoad:
			cs, ok := cLink(a.span, bpfc.LinkExpr)
			if !ok || !lvalueRx.MatchString(string(text[cs.Start:cs.End])) {
				continue
			}
			accs = append(accs, cAccess{a: a, c: cs})
		case PlainStore:
			if a.assign == nil || a.assign.Op != "=" {
				continue
			}
			cs, ok := cLink(a.span, bpfc.LinkExpr)
			if !ok {
				continue
			}
			lhs, ok := cLink(a.assign.X.GetSpan(), bpfc.LinkExpr)
			if !ok || lhs.Start != cs.Start || !lvalueRx.MatchString(string(text[lhs.Start:lhs.End])) {
				continue
			}
			// "lhs = rhs": the value is the text after a lone '='.
			k := lhs.End
			for k < cs.End && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k+1 >= cs.End || text[k] != '=' || text[k+1] == '=' {
				continue
			}
			rs, re := k+1, cs.End
			for rs < re && isCSpace(text[rs]) {
				rs++
			}
			if rs == re {
				continue
			}
			accs = append(accs, cAccess{a: a, c: cs, lhs: lhs, rhs: syntax.Span{Start: rs, End: re}})
		}
	}
	var picked []*cAccess
	for i := range accs {
		if spanTouches(span, accs[i].c) {
			picked = append(picked, &accs[i])
		}
	}
	if len(picked) == 0 && span.Start == span.End {
		// The cursor on a statement but not on its access: the accesses
		// of the innermost statement there.
		var stmt syntax.Span
		for _, lk := range sc.Map.FromC(file, span.Start) {
			if lk.Kind == bpfc.LinkStmt && lk.C.Span.Start < len(text) && text[lk.C.Span.Start] != '{' {
				stmt = lk.C.Span
				break
			}
		}
		for i := range accs {
			if stmt.Len() > 0 && stmt.Start <= accs[i].c.Start && accs[i].c.End <= stmt.End {
				picked = append(picked, &accs[i])
			}
		}
	}
	var out []cCandidate
	for _, p := range picked {
		if span.Start == span.End {
			// On "x = y" with the cursor on "y", the load, not the store.
			inner := false
			for _, q := range picked {
				if q != p && p.c.Start <= q.c.Start && q.c.End <= p.c.End && q.c != p.c {
					inner = true
				}
			}
			if inner {
				continue
			}
		}
		ln := line(p.c.Start)
		if p.a.prim == PlainLoad {
			lv := string(text[p.c.Start:p.c.End])
			forms := [][2]string{{"READ_ONCE", "READ_ONCE(" + lv + ")"}, {"smp_load_acquire", "smp_load_acquire(" + addressOf(lv) + ")"}}
			titles := []string{"Use READ_ONCE", "Use smp_load_acquire"}
			if user {
				forms = [][2]string{
					{"READ_ONCE", "__atomic_load_n(" + addressOf(lv) + ", __ATOMIC_RELAXED)"},
					{"smp_load_acquire", "__atomic_load_n(" + addressOf(lv) + ", __ATOMIC_ACQUIRE)"},
				}
				titles = []string{"Use __atomic_load_n with __ATOMIC_RELAXED", "Use __atomic_load_n with __ATOMIC_ACQUIRE"}
			}
			for i, f := range forms {
				out = append(out, cCandidate{short: titles[i], line: ln, from: PlainLoad, to: f[0], site: p.c,
					edits: []Edit{{Span: p.c, NewText: f[1]}}})
			}
			continue
		}
		lv := string(text[p.lhs.Start:p.lhs.End])
		v := string(text[p.rhs.Start:p.rhs.End])
		forms := [][2]string{{"WRITE_ONCE", "WRITE_ONCE(" + lv + ", " + v + ")"}, {"smp_store_release", "smp_store_release(" + addressOf(lv) + ", " + v + ")"}}
		titles := []string{"Use WRITE_ONCE", "Use smp_store_release"}
		if user {
			forms = [][2]string{
				{"WRITE_ONCE", "__atomic_store_n(" + addressOf(lv) + ", " + v + ", __ATOMIC_RELAXED)"},
				{"smp_store_release", "__atomic_store_n(" + addressOf(lv) + ", " + v + ", __ATOMIC_RELEASE)"},
			}
			titles = []string{"Use __atomic_store_n with __ATOMIC_RELAXED", "Use __atomic_store_n with __ATOMIC_RELEASE"}
		}
		for i, f := range forms {
			out = append(out, cCandidate{short: titles[i], line: ln, from: PlainStore, to: f[0], site: p.c,
				edits: []Edit{{Span: p.c, NewText: f[1]}}})
		}
	}

	// The fences between two statements.
	for i := range l.gaps {
		g := &l.gaps[i]
		prev, ok1 := cLink(g.prev.GetSpan(), bpfc.LinkStmt)
		next, ok2 := cLink(g.next.GetSpan(), bpfc.LinkStmt)
		if !ok1 || !ok2 || prev.End > next.Start {
			continue
		}
		if !spanTouches(span, syntax.Span{Start: prev.Start, End: next.End}) {
			continue
		}
		at, indent, ok := fenceSite(text, next.Start)
		if !ok {
			continue
		}
		nl := "\n"
		if at >= 2 && text[at-2] == '\r' {
			nl = "\r\n"
		}
		ln := line(next.Start)
		for _, name := range gapFences(g) {
			call, ok := cFenceCall(name, user)
			if !ok {
				continue
			}
			out = append(out, cCandidate{
				short: fmt.Sprintf("Insert %s before line %d", call, ln),
				line:  ln, to: name, fence: true,
				site:  syntax.Span{Start: at, End: at},
				edits: []Edit{{Span: syntax.Span{Start: at, End: at}, NewText: indent + call + ";" + nl}},
			})
		}
	}
	return out
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

// A cVerifier checks edited C through its translation.
type cVerifier struct {
	tr   *bpfc.Translation
	file string
	v    *verifier
}

// cVerified is the outcome of one candidate in each scenario it was
// checked in, in the order of the translation.
type cVerified struct {
	names    []string
	outcomes []*Outcome
}

func (r *cVerified) describe(base map[string]*Outcome) string {
	if len(r.names) == 1 {
		return describeChange(base[r.names[0]], r.outcomes[0])
	}
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		parts[i] = n + ": " + describeChange(base[n], r.outcomes[i])
	}
	return joinSemi(parts)
}

func (r *cVerified) verdict() string {
	if len(r.names) == 1 {
		return r.outcomes[0].Verdict
	}
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		parts[i] = n + " " + r.outcomes[i].Verdict
	}
	return strings.Join(parts, ", ")
}

// fixes reports whether the edit fixes some scenario and makes none
// worse.
func (r *cVerified) fixes(base map[string]*Outcome) bool {
	some := false
	for i, n := range r.names {
		b, a := base[n], r.outcomes[i]
		if a.Cutoff || a.Bad && !b.Bad || a.Race && !b.Race {
			return false
		}
		if fixes(b, a) {
			some = true
		}
	}
	return some
}

// noteCounts counts the error notes and the unmodeled constructs of a
// translation.
func noteCounts(tr *bpfc.Translation) (errs, notModeled int) {
	for _, n := range tr.Notes {
		switch {
		case n.IsError():
			errs++
		case n.Kind == bpfc.NoteNotModeled:
			notModeled++
		}
	}
	return errs, notModeled
}

// translate translates the C again with file's text replaced by edited.
func (cv *cVerifier) translate(edited []byte) (*bpfc.Translation, error) {
	main := cv.tr.Sources[0]
	text := main.Text
	if main.Name == cv.file {
		text = edited
	}
	load := func(path string) ([]byte, error) {
		if path == cv.file {
			return edited, nil
		}
		if s := cv.tr.Source(path); s != nil {
			return s.Text, nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return bpfc.Translate(main.Name, text, load)
}

// verifyOne applies c, translates and checks the scenarios of base. It
// returns nil when the edit does not translate cleanly or a scenario
// cannot be checked.
func (cv *cVerifier) verifyOne(ctx context.Context, c *cCandidate, base map[string]*Outcome) *cVerified {
	edited, err := Apply(cv.tr.Source(cv.file).Text, c.edits)
	if err != nil {
		return nil
	}
	ntr, err := cv.translate(edited)
	if err != nil {
		return nil
	}
	e0, m0 := noteCounts(cv.tr)
	e1, m1 := noteCounts(ntr)
	if e1 > e0 || m1 > m0 {
		return nil
	}
	r := &cVerified{}
	for _, sc := range cv.tr.Scenarios {
		if base[sc.Name] == nil {
			continue
		}
		var nsc *bpfc.Scenario
		for _, s := range ntr.Scenarios {
			if s.Name == sc.Name {
				nsc = s
			}
		}
		if nsc == nil || nsc.File == nil {
			return nil
		}
		o, err := cv.v.checkFile(ctx, nsc.File)
		if err != nil {
			return nil
		}
		r.names = append(r.names, sc.Name)
		r.outcomes = append(r.outcomes, o)
	}
	if len(r.names) == 0 {
		return nil
	}
	return r
}

// verifyAll verifies the candidates in parallel on all CPUs; a candidate
// that fails verification, or is not reached before ctx ends, gets nil.
func (cv *cVerifier) verifyAll(ctx context.Context, cands []cCandidate, base map[string]*Outcome) []*cVerified {
	out := make([]*cVerified, len(cands))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range cands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			out[i] = cv.verifyOne(ctx, &cands[i], base)
		}()
	}
	wg.Wait()
	return out
}
