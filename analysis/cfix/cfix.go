package cfix

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file offers the quick fixes of [rewrite.Actions] on annotated BPF C and
// its user-space side: the rewrites are found in the litmus tests the
// translation generates, carried back to the C through the source map,
// written as C edits, and verified by translating the edited C again and
// checking the scenarios it takes part in.

// CActions returns the actions [rewrite.Actions] offers on litmus tests, for the
// C file file (named as tr.Sources names it: a "with" file by its path
// joined to the directory of the file naming it) at span (a cursor, or a
// selection; byte offsets of file), as edits of file:
//
//   - on a plain read of a shared global (or of a skeleton field
//     skel->bss->x in user space), READ_ONCE and smp_load_acquire; on a
//     plain store, WRITE_ONCE and smp_store_release; on a plain increment
//     or compound assignment statement, the atomic read-modify-write; on
//     READ_ONCE and WRITE_ONCE (or a volatile access, "*(volatile int
//     *)&x"), acquire and release; on an __atomic or C11 call with a
//     relaxed order, acquire or release (a read-modify-write also
//     seq_cst), and seq_cst for a read-modify-write with acquire or
//     release;
//   - between two accesses of a thread function, on its own line with the
//     indentation of the statement after it, smp_rmb() (between loads),
//     smp_wmb() (between stores) and smp_mb();
//   - on the condition annotation of a broken scenario, the cheapest fixes
//     [rewrite.Synthesize] finds for its litmus test, written in C (a fix that
//     needs edits in another file is left out: [CFixes] has it);
//   - when every scenario is correct, the weakenings that keep it so, of
//     kind ActionKindRewrite, with what they save: acquire and release to
//     READ_ONCE and WRITE_ONCE, a weaker __atomic or C11 order, smp_mb()
//     to smp_rmb() or smp_wmb(), a fence removed.
//
// User-space C has no kernel macros: there the same orderings are written
// with the compiler builtins the translation reads, __atomic_load_n(&x,
// __ATOMIC_RELAXED or __ATOMIC_ACQUIRE), __atomic_store_n(&x, v,
// __ATOMIC_RELAXED or __ATOMIC_RELEASE), and __atomic_thread_fence with
// __ATOMIC_ACQUIRE, __ATOMIC_RELEASE or __ATOMIC_SEQ_CST, which it models
// as smp_rmb(), smp_wmb() and smp_mb(). A file is user space when it has
// no SEC() and does not include bpf_helpers.h. In a BPF program that does
// not include bpf_atomic.h (where the selftests define READ_ONCE and the
// smp_* macros), a fix writing one of them also adds #include
// "bpf_atomic.h" after the last #include.
//
// Each candidate is verified: its edits are applied to file's text, the
// C is translated again (the other files as tr.Sources holds them), and
// every scenario with a thread from file is checked and compared with the
// unedited scenario. A candidate whose edited C translates with more
// errors or unmodeled constructs than before, or whose scenarios cannot be
// checked, is left out. The title names the change and its verified
// effect, worded as [rewrite.Actions] words it ("Use smp_load_acquire (bad
// outcome becomes Never)"); when several scenarios take part, the effect
// on each is named ("mp_release: outcome stays Never; mp_plain_writer:
// bad outcome becomes Never"), and Verdict lists each ("mp_release Never,
// mp_plain_writer Never"). Preferred marks the cheapest of the fixes that
// leave every scenario correct, or when none does the cheapest fix.
//
// Cost: one translation of the C per candidate (a millisecond or two for
// the examples) and one check per candidate and scenario, each within
// opts.Budget, run in parallel on all CPUs; the unedited scenarios are
// checked first unless opts.Cache already holds them (opts.Base is used
// only when tr has a single scenario). On a condition, the synthesis adds
// up to opts.SynthBudget (5 s when 0). With opts.Cache set, asking again
// at the same place costs only the translations. A cursor on nothing
// that applies costs one scan of each scenario's threads and no check.
// On the examples of testdata/bpfc a cursor on an access takes 1 to 3 ms
// and one on a condition about 25 ms (6 ms with a warm cache).
// When ctx ends, CActions returns nil. It only reads tr, so a handler may
// call it on the translation it keeps for the open document, from any
// goroutine.
func CActions(ctx context.Context, tr *bpfc.Translation, file string, span syntax.Span, opts rewrite.ActionOptions) []rewrite.Action {
	var own []CFix
	for _, fx := range CFixes(ctx, tr, file, span, opts) {
		if len(fx.Others) == 0 {
			fx.Preferred = false
			own = append(own, fx)
		}
	}
	markPreferredC(own, opts.Archs)
	var out []rewrite.Action
	for _, fx := range own {
		out = append(out, fx.Action)
	}
	return out
}

// A CFix is an action of [CFixes]: an [rewrite.Action] whose Edits are those of
// the file asked about, and the edits it needs in other files of the
// translation.
type CFix struct {
	rewrite.Action
	// Others holds the edits of other C files, by name as
	// Translation.Sources names them; nil when the fix is in the file
	// asked about alone.
	Others map[string][]analysis.Edit
	whole  bool // the fix leaves every scenario as its author wants it
}

// CFixes returns what [CActions] returns, and also the fixes fence
// synthesis finds on a condition annotation of file that need edits in
// other files of the translation (the user-space side of a BPF program,
// say), with those edits in Others. Preferred is marked over them all.
// Its cost is CActions'.
func CFixes(ctx context.Context, tr *bpfc.Translation, file string, span syntax.Span, opts rewrite.ActionOptions) []CFix {
	if tr == nil {
		return nil
	}
	src := tr.Source(file)
	if src == nil {
		return nil
	}
	var scens []*bpfc.Scenario
	for _, sc := range tr.Scenarios {
		if sc.File != nil && sc.File.Cond != nil && (scenarioUses(sc, file) || condIn(sc, file)) {
			scens = append(scens, sc)
		}
	}
	if len(scens) == 0 {
		return nil
	}
	user := isUserSpace(src.Text)
	var cands, weak []cCandidate
	var onCond []*bpfc.Scenario // the scenarios whose condition span touches
	for _, sc := range scens {
		cs := newCScan(sc, src, user)
		cands = append(cands, cs.candidatesAt(span)...)
		weak = append(weak, cs.weakeningsAt(span)...)
		for _, lk := range sc.Map.Links() {
			if lk.Kind == bpfc.LinkCond && lk.C.File == file && rewrite.SpanTouches(span, lk.C.Span) {
				onCond = append(onCond, sc)
				break
			}
		}
	}
	if len(cands) == 0 && len(weak) == 0 && len(onCond) == 0 {
		return nil
	}

	cv := newCVerifier(tr, file, opts)
	res := opts.Base
	if len(tr.Scenarios) != 1 {
		res = nil // opts.Base is the result of one test
	}
	base := map[string]*analysis.Outcome{}
	for _, sc := range scens {
		o, err := cv.v.BaseOutcome(ctx, sc.File, res)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || o.Cutoff {
			continue // this scenario cannot judge an edit
		}
		base[sc.Name] = o
		cv.baseCost[sc.Name] = rewrite.TestCost(sc.File, sc.Text)
	}
	if len(base) == 0 {
		return nil
	}
	for _, sc := range onCond {
		if b := base[sc.Name]; b == nil || b.OK() {
			continue
		}
		var scans []*cScan
		var own *cScan
		for _, t := range tr.Sources {
			cs := newCScan(sc, t, isUserSpace(t.Text))
			if t == src {
				own = cs
			}
			scans = append(scans, cs)
		}
		more, _ := synthCandidates(ctx, own, scans, opts, 0)
		cands = append(cands, more...)
		if ctx.Err() != nil {
			return nil
		}
	}
	allOK := true
	for _, b := range base {
		allOK = allOK && b.OK()
	}
	if allOK {
		for i := range weak {
			weak[i].weak = true
		}
		cands = append(cands, weak...)
	}
	cands = dedupeCandidates(cands)
	addIncludes(tr, src, cands)
	results := cv.verifyAll(ctx, cands, base)
	if ctx.Err() != nil {
		return nil
	}
	var out []CFix
	for i, r := range results {
		if r == nil {
			continue
		}
		c := &cands[i]
		if c.weak {
			if !r.ok() {
				continue // the weakening breaks a scenario
			}
			out = append(out, CFix{Action: rewrite.Action{
				Title:   fmt.Sprintf("%s (%s; %s)", candidateTitle(c, cands), r.stays(), rewrite.SavedShort(r.cost, opts.Archs)),
				Kind:    rewrite.ActionKindRewrite,
				Edits:   c.edits,
				Verdict: r.verdict(),
				Cost:    r.cost,
			}, whole: true})
			continue
		}
		out = append(out, CFix{Action: rewrite.Action{
			Title:   fmt.Sprintf("%s (%s)", candidateTitle(c, cands), r.describe(base)),
			Kind:    rewrite.ActionKindQuickFix,
			Edits:   c.edits,
			Verdict: r.verdict(),
			Fixes:   r.fixes(base),
			Cost:    r.cost,
		}, Others: c.others, whole: r.ok()})
	}
	markPreferredC(out, opts.Archs)
	return out
}

// addIncludes adds to each candidate the #include "bpf_atomic.h" its
// edits need in each BPF program it changes (src, its own file, and the
// files of others).
func addIncludes(tr *bpfc.Translation, src *bpfc.Source, cands []cCandidate) {
	user := isUserSpace(src.Text)
	for i := range cands {
		c := &cands[i]
		if e, ok := includeEdit(src.Text, c.edits); ok && !user {
			c.edits = append([]analysis.Edit{e}, c.edits...)
		}
		for name, es := range c.others {
			if t := tr.Source(name); t != nil && !isUserSpace(t.Text) {
				if e, ok := includeEdit(t.Text, es); ok {
					c.others[name] = append([]analysis.Edit{e}, es...)
				}
			}
		}
	}
}

// condIn reports whether the condition of sc is written in file.
func condIn(sc *bpfc.Scenario, file string) bool {
	for _, lk := range sc.Map.Links() {
		if lk.Kind == bpfc.LinkCond && lk.C.File == file {
			return true
		}
	}
	return false
}

// markPreferredC marks the cheapest of the fixing actions that leave every
// scenario correct, or, when none does, the cheapest fixing action: the
// cost on the costliest of archs, then over all architectures, then the
// fewest edits, then the first.
func markPreferredC(out []CFix, archs []primitive.Arch) {
	key := func(i int) []int {
		w := 1
		if out[i].whole {
			w = 0
		}
		sum := 0
		for _, c := range out[i].Cost {
			sum += c
		}
		return []int{w, out[i].Cost.Max(archs), sum, len(out[i].Edits)}
	}
	best := -1
	for i := range out {
		if out[i].Fixes && (best < 0 || slices.Compare(key(i), key(best)) < 0) {
			best = i
		}
	}
	if best >= 0 {
		out[best].Preferred = true
	}
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
	short  string      // the title without its effect: "Use smp_load_acquire"
	to     string      // the LKMM primitive the change makes, as Rewrite.To names it ("" when none is)
	line   int         // 1-based line of the change in the C file
	fence  bool        // the rewrite inserts or removes a fence: short says where
	titled bool        // short is the whole title, lines included (a set of rewrites)
	weak   bool        // a weakening, offered only when it keeps every scenario correct
	site   syntax.Span // the C it changes, or where the fence goes
	edits  []analysis.Edit
	others map[string][]analysis.Edit // edits of other files of the translation, by name (a synthesized fix)
}

// allEdits returns c's edits by file, those of file included.
func (c *cCandidate) allEdits(file string) map[string][]analysis.Edit {
	m := map[string][]analysis.Edit{file: c.edits}
	for f, es := range c.others {
		m[f] = es
	}
	return m
}

// candidateTitle is c's title without its effect, with its line when
// another candidate would read the same.
func candidateTitle(c *cCandidate, all []cCandidate) string {
	if c.fence || c.titled {
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
		key := fmt.Sprint(c.edits, c.others)
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

// volatileLoadRx and volatileStoreRx match a volatile access to an
// lvalue, "*(volatile int *)&x" and "*(volatile int *)&x = v".
var (
	volatileLoadRx  = regexp.MustCompile(`^\*\s*\(\s*(?:const\s+)?volatile\b[^()]*\*\s*\)\s*&\s*([^=]+?)\s*$`)
	volatileStoreRx = regexp.MustCompile(`^\*\s*\(\s*volatile\b[^()]*\*\s*\)\s*&\s*([^=]+?)\s*=([^=].*)$`)
)

// assignRx matches C text holding an assignment.
var assignRx = regexp.MustCompile(`(^|[^=!<>+\-*/%&|^])=($|[^=])|\+\+|--|[+\-*/%&|^]=|<<=|>>=`)

// addressOf returns C text for the address of the lvalue lv.
func addressOf(lv string) string {
	if rest, ok := strings.CutPrefix(lv, "*"); ok {
		return strings.TrimSpace(rest)
	}
	return "&" + lv
}

// A cScan is what one scenario says about the C file src: its threads'
// accesses and gaps, and the C they came from.
type cScan struct {
	sc   *bpfc.Scenario
	l    *rewrite.RwLayout
	src  *bpfc.Source
	user bool // src is user-space C
}

func newCScan(sc *bpfc.Scenario, src *bpfc.Source, user bool) *cScan {
	return &cScan{sc: sc, l: rewrite.ScanRwLayout(sc.File, sc.Text), src: src, user: user}
}

// cLink returns the C span, in src, of the link of exactly the generated
// span gen.
func (s *cScan) cLink(gen syntax.Span, kind bpfc.LinkKind) (syntax.Span, bool) {
	lk, ok := s.sc.Map.ToC(gen)
	if !ok || lk.Gen != gen || lk.Kind != kind || lk.C.File != s.src.Name || lk.C.Span.Start < 0 || lk.C.Span.End > len(s.src.Text) {
		return syntax.Span{}, false
	}
	return lk.C.Span, true
}

// access returns the C of the generated access a, when it is in src.
func (s *cScan) access(a *rewrite.RwAccess) (cAccess, bool) {
	cs, ok := s.cLink(a.Span, bpfc.LinkExpr)
	if !ok {
		return cAccess{}, false
	}
	ca := cAccess{a: a, c: cs}
	if a.Prim == rewrite.PlainStore {
		if a.Deref == nil {
			return cAccess{}, false
		}
		lhs, ok := s.cLink(a.Deref.Span, bpfc.LinkExpr)
		if !ok || lhs.Start < cs.Start || lhs.End > cs.End {
			return cAccess{}, false
		}
		ca.lhs = lhs
		if a.Assign == nil {
			// A read-modify-write ("x++", "x += v"): rewritten only as
			// a statement of its own, whose value nobody uses.
			ca.rmw = true
			if !isExprStmt(s.l.F, a.Span) {
				return cAccess{}, false
			}
		} else if a.Assign.Op != "=" || lhs.Start != cs.Start {
			return cAccess{}, false
		}
	}
	return ca, true
}

// isExprStmt reports whether some thread of f has a statement made of
// the expression at span alone.
func isExprStmt(f *syntax.File, span syntax.Span) bool {
	return findThreadStmt(f, func(s syntax.Stmt) bool {
		e, ok := s.(*syntax.ExprStmt)
		return ok && e.X != nil && e.X.GetSpan() == span
	}) != nil
}

// rewrites returns the C rewrites of the access p.
func (s *cScan) rewrites(p *cAccess) []cCandidate {
	return accessRewrites(p, s.src.Text, s.src.Lines.Position(p.c.Start).Line, s.user)
}

// fences returns the C rewrites inserting the fences names at g, and the C
// span from the statement before g to the one after it.
func (s *cScan) fences(g *rewrite.RwGap, names []string) ([]cCandidate, syntax.Span, bool) {
	text := s.src.Text
	prev, ok1 := s.cLink(g.Prev.GetSpan(), bpfc.LinkStmt)
	next, ok2 := s.cLink(g.Next.GetSpan(), bpfc.LinkStmt)
	if !ok1 || !ok2 || prev.End > next.Start {
		return nil, syntax.Span{}, false
	}
	at, indent, ok := fenceSite(text, next.Start)
	if !ok {
		return nil, syntax.Span{}, false
	}
	nl := "\n"
	if at >= 2 && text[at-2] == '\r' {
		nl = "\r\n"
	}
	ln := s.src.Lines.Position(next.Start).Line
	var out []cCandidate
	for _, name := range names {
		call, ok := cFenceCall(name, s.user)
		if !ok {
			continue
		}
		out = append(out, cCandidate{
			short: fmt.Sprintf("Insert %s before line %d", call, ln),
			to:    name, line: ln, fence: true,
			site:  syntax.Span{Start: at, End: at},
			edits: []analysis.Edit{{Span: syntax.Span{Start: at, End: at}, NewText: indent + call + ";" + nl}},
		})
	}
	return out, syntax.Span{Start: prev.Start, End: next.End}, true
}

// candidatesAt finds the rewrites at span of src.
func (s *cScan) candidatesAt(span syntax.Span) []cCandidate {
	var accs []cAccess
	for i := range s.l.Accesses {
		if ca, ok := s.access(&s.l.Accesses[i]); ok {
			accs = append(accs, ca)
		}
	}
	var picked []*cAccess
	for i := range accs {
		if rewrite.SpanTouches(span, accs[i].c) {
			picked = append(picked, &accs[i])
		}
	}
	if len(picked) == 0 && span.Start == span.End {
		// The cursor on a statement but not on its access: the accesses
		// of the innermost statement there (of an if or a loop, those of
		// its condition).
		within := cStmtAt(s.sc, s.l, s.src.Name, span.Start)
		for i := range accs {
			g := accs[i].a.Span
			if within.Len() > 0 && within.Start <= g.Start && g.End <= within.End {
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
		out = append(out, s.rewrites(p)...)
	}
	// The fences between two statements.
	for i := range s.l.Gaps {
		g := &s.l.Gaps[i]
		fs, region, ok := s.fences(g, rewrite.GapFences(g))
		if ok && rewrite.SpanTouches(span, region) {
			out = append(out, fs...)
		}
	}
	return out
}

// weakeningsAt returns the weakenings of the marked accesses and fences at
// span of src (or of the statement a cursor is on): acquire and release
// to READ_ONCE and WRITE_ONCE, a memory order of an __atomic or C11 call
// made weaker, smp_mb() to smp_rmb() or smp_wmb(), and a fence removed.
// Whether one keeps the test correct is for the check to say.
func (s *cScan) weakeningsAt(span syntax.Span) []cCandidate {
	var within syntax.Span
	if span.Start == span.End {
		within = cStmtAt(s.sc, s.l, s.src.Name, span.Start)
	}
	in := func(gen syntax.Span) bool {
		return within.Len() > 0 && within.Start <= gen.Start && gen.End <= within.End
	}
	var out []cCandidate
	for i := range s.l.Accesses {
		a := &s.l.Accesses[i]
		if a.Call == nil {
			continue
		}
		ca, ok := s.access(a)
		if !ok || !rewrite.SpanTouches(span, ca.c) && !in(a.Span) {
			continue
		}
		out = append(out, weakRewrites(&ca, s.src.Text, s.src.Lines.Position(ca.c.Start).Line, s.user)...)
	}
	for i := range s.l.Fences {
		fc := &s.l.Fences[i]
		cs, ok := s.cLink(fc.Stmt.Span, bpfc.LinkStmt)
		if !ok || !rewrite.SpanTouches(span, cs) && !in(fc.Stmt.Span) {
			continue
		}
		out = append(out, s.fenceWeakenings(fc, cs)...)
	}
	return out
}

// cFences are the C fence calls, by the LKMM fence the translation makes
// of them.
var cFences = map[string]string{
	"smp_mb": "smp_mb", "smp_rmb": "smp_rmb", "smp_wmb": "smp_wmb", "__sync_synchronize": "smp_mb",
	"smp_acquire__after_ctrl_dep": "smp_rmb",
}

// fenceWeakenings returns the C rewrites removing the fence statement at
// cs, and weakening smp_mb() to smp_rmb() or smp_wmb().
func (s *cScan) fenceWeakenings(fc *rewrite.RwFence, cs syntax.Span) []cCandidate {
	text := s.src.Text
	stmt := strings.TrimSpace(string(text[cs.Start:cs.End]))
	call, ok := strings.CutSuffix(stmt, ";")
	if !ok {
		return nil
	}
	call = strings.TrimSpace(call)
	name, args, ok := splitCall(call)
	if !ok {
		return nil
	}
	lkmm := cFences[name]
	if (name == "__atomic_thread_fence" || name == "atomic_thread_fence") && len(args) == 1 {
		switch orderName(args[0]) {
		case "seq_cst", "acq_rel":
			lkmm = "smp_mb"
		case "acquire", "consume":
			lkmm = "smp_rmb"
		case "release":
			lkmm = "smp_wmb"
		}
	}
	if lkmm == "" || lkmm != fc.Name {
		return nil // not a fence statement of its own (the smp_mb() after a seq_cst store)
	}
	// The statement must stand where removing it leaves the code around
	// it as it was: after a statement or a brace, not as an if's body.
	if _, _, ok := fenceSite(text, cs.Start); !ok {
		return nil
	}
	ln := s.src.Lines.Position(cs.Start).Line
	var out []cCandidate
	// Remove the whole line when the statement stands alone on it.
	del := cs
	ls, le := cs.Start, cs.End
	for ls > 0 && (text[ls-1] == ' ' || text[ls-1] == '\t') {
		ls--
	}
	for le < len(text) && (text[le] == ' ' || text[le] == '\t' || text[le] == '\r') {
		le++
	}
	if (ls == 0 || text[ls-1] == '\n') && (le == len(text) || text[le] == '\n') {
		del = syntax.Span{Start: ls, End: min(le+1, len(text))}
	}
	out = append(out, cCandidate{short: fmt.Sprintf("Remove %s on line %d", call, ln), fence: true, line: ln, site: cs,
		edits: []analysis.Edit{{Span: del}}})
	if lkmm == "smp_mb" {
		callSpan := syntax.Span{Start: cs.Start, End: cs.Start + len(call)}
		for _, to := range []string{"smp_rmb", "smp_wmb"} {
			c, _ := cFenceCall(to, s.user)
			short := "Use " + to
			if s.user {
				short = "Use __atomic_thread_fence with " + strings.TrimSuffix(strings.TrimPrefix(c, "__atomic_thread_fence("), ")")
			}
			out = append(out, cCandidate{short: short, to: to, line: ln, site: cs,
				edits: []analysis.Edit{{Span: callSpan, NewText: c}}})
		}
	}
	return out
}

// weakRewrites returns the C rewrites of the marked access p that order
// less: acquire and release to READ_ONCE and WRITE_ONCE, and a memory
// order of an __atomic or C11 call made weaker.
func weakRewrites(p *cAccess, text []byte, ln int, user bool) []cCandidate {
	c := string(text[p.c.Start:p.c.End])
	name, args, ok := splitCall(c)
	if !ok {
		return nil
	}
	one := func(to, short, newText string, sp syntax.Span) cCandidate {
		return cCandidate{short: short, to: to, line: ln, site: p.c, edits: []analysis.Edit{{Span: sp, NewText: newText}}}
	}
	switch {
	case name == "smp_load_acquire" && len(args) == 1:
		if user {
			return nil
		}
		return []cCandidate{one("READ_ONCE", "Use READ_ONCE", "READ_ONCE("+derefOf(args[0])+")", p.c)}
	case name == "smp_store_release" && len(args) == 2:
		if user {
			return nil
		}
		return []cCandidate{one("WRITE_ONCE", "Use WRITE_ONCE", "WRITE_ONCE("+derefOf(args[0])+", "+args[1]+")", p.c)}
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

// candidateFor returns the C rewrite doing what the litmus rewrite rw does
// in the scenario of s.
func (s *cScan) candidateFor(rw *rewrite.Rewrite) (cCandidate, bool) {
	switch rw.Kind {
	case rewrite.RewriteInsert:
		for i := range s.l.Gaps {
			g := &s.l.Gaps[i]
			if g.Thread == rw.Thread && g.Prev.GetSpan().End == rw.Site.Start {
				fs, _, ok := s.fences(g, []string{rw.To})
				if ok && len(fs) == 1 {
					return fs[0], true
				}
			}
		}
	case rewrite.RewriteMark, rewrite.RewriteUpgrade:
		for i := range s.l.Accesses {
			a := &s.l.Accesses[i]
			if a.Span != rw.Site {
				continue
			}
			ca, ok := s.access(a)
			if !ok {
				return cCandidate{}, false
			}
			for _, c := range s.rewrites(&ca) {
				if c.to == rw.To {
					return c, true
				}
			}
		}
	}
	return cCandidate{}, false
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

// A cAccess is an access of a generated test and the C it came from.
type cAccess struct {
	a   *rewrite.RwAccess
	c   syntax.Span // the C expression: the lvalue of a plain load, the assignment of a plain store, the call of a marked access
	lhs syntax.Span // the stored lvalue of a plain store
	rmw bool        // a plain read-modify-write: "x++", "x += v"
}

// cStmtAt returns the generated span of the innermost statement of sc
// whose C in file holds off, or of its condition for an if or a loop; the
// empty span when there is none.
func cStmtAt(sc *bpfc.Scenario, l *rewrite.RwLayout, file string, off int) syntax.Span {
	for _, lk := range sc.Map.FromC(file, off) {
		if lk.Kind != bpfc.LinkStmt {
			continue
		}
		s := findStmt(l.F, lk.Gen)
		switch s := s.(type) {
		case nil, *syntax.BlockStmt:
			continue
		case *syntax.IfStmt:
			if s.Cond != nil {
				return s.Cond.GetSpan()
			}
		case *syntax.WhileStmt:
			if s.Cond != nil {
				return s.Cond.GetSpan()
			}
		}
		return lk.Gen
	}
	return syntax.Span{}
}

// findStmt returns the statement of f's threads whose span is sp, or nil.
func findStmt(f *syntax.File, sp syntax.Span) syntax.Stmt {
	return findThreadStmt(f, func(s syntax.Stmt) bool {
		_, block := s.(*syntax.BlockStmt)
		return !block && s.GetSpan() == sp
	})
}

// findThreadStmt returns the first statement of f's threads, an enclosing
// statement before those it holds, for which match holds, or nil.
func findThreadStmt(f *syntax.File, match func(syntax.Stmt) bool) syntax.Stmt {
	var found syntax.Stmt
	var visit func(s syntax.Stmt)
	visit = func(s syntax.Stmt) {
		if s == nil || found != nil {
			return
		}
		if match(s) {
			found = s
			return
		}
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, t := range s.Stmts {
				visit(t)
			}
		case *syntax.IfStmt:
			visit(s.Then)
			visit(s.Else)
		case *syntax.WhileStmt:
			visit(s.Body)
		}
	}
	for _, t := range f.Threads {
		if t.Body != nil {
			visit(t.Body)
		}
	}
	return found
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
			return rmwRewrites(p, text, lv, ln, user)
		}
		// "lhs = rhs": the value is the text after a lone '='.
		k := p.lhs.End
		for k < p.c.End && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k+1 >= p.c.End || text[k] != '=' || text[k+1] == '=' {
			return nil
		}
		v := strings.TrimSpace(string(text[k+1 : p.c.End]))
		if v == "" || assignRx.MatchString(v) {
			return nil // nothing, or a chained assignment "y = x = 1"
		}
		return store(lv, v, true)
	}
	// A volatile access, READ_ONCE and WRITE_ONCE as bpf_atomic.h spells
	// them.
	if p.a.Prim == "READ_ONCE" {
		if m := volatileLoadRx.FindStringSubmatch(c); m != nil && lvalueRx.MatchString(m[1]) {
			return load(m[1], false)
		}
	}
	if p.a.Prim == "WRITE_ONCE" {
		if m := volatileStoreRx.FindStringSubmatch(c); m != nil && lvalueRx.MatchString(m[1]) && !assignRx.MatchString(m[2]) {
			return store(m[1], strings.TrimSpace(m[2]), false)
		}
	}
	name, args, ok := splitCall(c)
	if !ok {
		return nil
	}
	switch {
	case name == "READ_ONCE" && len(args) == 1 && lvalueRx.MatchString(args[0]):
		return load(args[0], false)
	case name == "WRITE_ONCE" && len(args) == 2 && lvalueRx.MatchString(args[0]):
		return store(args[0], args[1], false)
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

// rmwOpRx matches what follows the lvalue of a compound assignment.
var rmwOpRx = regexp.MustCompile(`^([+\-|&^])=\s*(.+)$`)

// rmwRewrites returns the atomic rewrite of the plain read-modify-write
// statement p on the lvalue lv ("x++", "--x", "x += v", "x |= v"): in a BPF
// program __sync_fetch_and_OP(&x, v), the atomic instruction clang emits,
// in user space __atomic_fetch_OP(&x, v, __ATOMIC_RELAXED).
func rmwRewrites(p *cAccess, text []byte, lv string, ln int, user bool) []cCandidate {
	pre := strings.TrimSpace(string(text[p.c.Start:p.lhs.Start]))
	post := strings.TrimSpace(string(text[p.lhs.End:p.c.End]))
	var op, v string
	switch {
	case pre == "++" && post == "", pre == "" && post == "++":
		op, v = "add", "1"
	case pre == "--" && post == "", pre == "" && post == "--":
		op, v = "sub", "1"
	case pre == "":
		m := rmwOpRx.FindStringSubmatch(post)
		if m == nil || assignRx.MatchString(m[2]) {
			return nil
		}
		op = map[string]string{"+": "add", "-": "sub", "|": "or", "&": "and", "^": "xor"}[m[1]]
		v = strings.TrimSpace(m[2])
	default:
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

// A cVerifier checks edited C through its translation.
type cVerifier struct {
	tr               *bpfc.Translation
	file             string
	v                *rewrite.Verifier
	errs, notModeled int                     // the counts of noteCounts(tr)
	baseCost         map[string]rewrite.Cost // the cost of each unedited scenario that judges edits, by name
}

func newCVerifier(tr *bpfc.Translation, file string, opts rewrite.ActionOptions) *cVerifier {
	budget := opts.Budget
	if budget <= 0 {
		budget = rewrite.DefaultVerifyBudget
	}
	cv := &cVerifier{tr: tr, file: file, v: &rewrite.Verifier{Filename: file, Budget: budget, Cache: opts.Cache}, baseCost: map[string]rewrite.Cost{}}
	cv.errs, cv.notModeled = noteCounts(tr)
	return cv
}

// cVerified is the outcome of one candidate in each scenario it was
// checked in, in the order of the translation.
type cVerified struct {
	names    []string
	outcomes []*analysis.Outcome
	cost     rewrite.Cost // what the edit adds to the cost of the scenarios, the most on each architecture
}

// ok reports whether every scenario is as its author wants it after the
// edit.
func (r *cVerified) ok() bool {
	for _, o := range r.outcomes {
		if !o.OK() {
			return false
		}
	}
	return true
}

func (r *cVerified) describe(base map[string]*analysis.Outcome) string {
	if len(r.names) == 1 {
		return rewrite.DescribeChange(base[r.names[0]], r.outcomes[0])
	}
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		parts[i] = n + ": " + rewrite.DescribeChange(base[n], r.outcomes[i])
	}
	return rewrite.JoinSemi(parts)
}

// stays says the outcome of a weakening that keeps every scenario
// correct: "outcome stays Never".
func (r *cVerified) stays() string {
	v := r.outcomes[0].Verdict
	for _, o := range r.outcomes[1:] {
		if o.Verdict != v {
			return "outcomes stay " + r.verdict()
		}
	}
	return "outcome stays " + v
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
func (r *cVerified) fixes(base map[string]*analysis.Outcome) bool {
	some := false
	for i, n := range r.names {
		b, a := base[n], r.outcomes[i]
		if rewrite.Worse(b, a) {
			return false
		}
		if rewrite.Fixes(b, a) {
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

// translate translates the C again, the files of edited (by name) with
// their edited text.
func (cv *cVerifier) translate(edited map[string][]byte) (*bpfc.Translation, error) {
	text := func(path string) ([]byte, bool) {
		if t, ok := edited[path]; ok {
			return t, true
		}
		if s := cv.tr.Source(path); s != nil {
			return s.Text, true
		}
		return nil, false
	}
	main, _ := text(cv.tr.Sources[0].Name)
	load := func(path string) ([]byte, error) {
		if t, ok := text(path); ok {
			return t, nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return bpfc.Translate(cv.tr.Sources[0].Name, main, load)
}

// verifyOne applies c, translates and checks the scenarios of base. It
// returns nil when the edit does not translate cleanly or a scenario
// cannot be checked.
func (cv *cVerifier) verifyOne(ctx context.Context, c *cCandidate, base map[string]*analysis.Outcome) *cVerified {
	edited := map[string][]byte{}
	for name, edits := range c.allEdits(cv.file) {
		src := cv.tr.Source(name)
		if src == nil {
			return nil
		}
		t, err := analysis.Apply(src.Text, edits)
		if err != nil {
			return nil
		}
		edited[name] = t
	}
	ntr, err := cv.translate(edited)
	if err != nil {
		return nil
	}
	if e, m := noteCounts(ntr); e > cv.errs || m > cv.notModeled {
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
		o, err := cv.v.CheckFile(ctx, nsc.File)
		if err != nil {
			return nil
		}
		d := rewrite.TestCost(nsc.File, nsc.Text).Add(cv.baseCost[sc.Name].Neg())
		for a := range d {
			if len(r.names) == 0 || d[a] > r.cost[a] {
				r.cost[a] = d[a]
			}
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
func (cv *cVerifier) verifyAll(ctx context.Context, cands []cCandidate, base map[string]*analysis.Outcome) []*cVerified {
	out := make([]*cVerified, len(cands))
	rewrite.Parallel(ctx, len(cands), func(i int) {
		if ctx.Err() == nil {
			out[i] = cv.verifyOne(ctx, &cands[i], base)
		}
	}, nil)
	return out
}
