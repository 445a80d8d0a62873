package cfix

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"

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
