package rewrite

import (
	"container/heap"
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file is fence synthesis: the cheapest set of rewrites from the
// vocabulary that makes a reachable bad outcome Never and the test free of
// data races, found by a best-first search over sets of rewrites ordered
// by cost and checked by the checker.

// SynthOptions tune [Synthesize].
type SynthOptions struct {
	// Archs are the target architectures; a set of changes costs what it
	// costs on the costliest of them. Empty means DefaultCostArchs.
	Archs []primitive.Arch
	// Budget bounds the whole search; 0 means 10 s. When it runs out,
	// Synthesize returns the fixes found so far with Cutoff set.
	Budget time.Duration
	// CheckBudget bounds each check; 0 means DefaultVerifyBudget.
	CheckBudget time.Duration
	// MaxChanges is the largest number of rewrites in a fix; 0 means 5.
	MaxChanges int
	// Fixes is the number of fixes wanted, cheapest first; 0 means 2.
	Fixes int
	// Cache, when set, remembers outcomes across calls.
	Cache *CheckCache
	// Base is the checker's result for f, or nil to check it here.
	Base *checker.Result
}

// A SynthFix is one set of rewrites that makes the test correct.
type SynthFix struct {
	Rewrites []Rewrite
	Edits    []analysis.Edit   // all the rewrites' edits, in source order
	Outcome  *analysis.Outcome // the edited test's
	Cost     Cost              // what the changes add on each architecture
	// Saved is what the fix saves on each architecture against putting
	// one smp_mb() in each thread it changes, the usual reflex.
	Saved Cost
	Title string // "Use smp_store_release on line 14, smp_load_acquire on line 22 (bad outcome becomes Never; +20 on powerpc64, +4 on arm64, free on x86-64; saves 60 on powerpc64 against smp_mb() in each thread)"
}

// A Synthesis is the result of a search.
type Synthesis struct {
	Base    *analysis.Outcome
	Fixes   []SynthFix // cheapest first; empty when none was found
	Checked int        // candidate sets checked
	// Cutoff says the search stopped on its budget with cheaper sets still
	// unchecked: the fixes are correct but maybe not the cheapest.
	Cutoff bool
	// Impossible says no combination of the vocabulary fixes the test:
	// even every access made as strong as it can be and smp_mb() between
	// all of them leaves it broken.
	Impossible bool
}

// candSet is a set of candidate indices, sorted.
type candSet struct {
	idx   []int
	cost  Cost
	key   [3]int // target cost, cost over all archs, size
	out   *analysis.Outcome
	err   error
	fresh bool // not yet checked
}

type candHeap []*candSet

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.key != b.key {
		for k := range a.key {
			if a.key[k] != b.key[k] {
				return a.key[k] < b.key[k]
			}
		}
	}
	for k := 0; k < len(a.idx) && k < len(b.idx); k++ {
		if a.idx[k] != b.idx[k] {
			return a.idx[k] < b.idx[k]
		}
	}
	return len(a.idx) < len(b.idx)
}
func (h candHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)   { *h = append(*h, x.(*candSet)) }
func (h *candHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Synthesize searches for the cheapest sets of strengthening rewrites of
// the C test f (parsed from src) that make its bad outcome Never and leave
// no data race. Candidates are tried in order of cost on the target
// architectures (sets whose cost ties by fewer changes first); supersets
// of a fix found are skipped. A first check with everything made as strong
// as possible tells when no fix exists; when one does, that strongest set
// is minimized greedily into a first fix whose cost bounds the search, and
// which is returned if the budget runs out before anything cheaper is
// found. A Go error means ctx ended or the test itself cannot be checked.
func Synthesize(ctx context.Context, f *syntax.File, src []byte, opts SynthOptions) (*Synthesis, error) {
	if f == nil || f.Dialect != syntax.DialectC || f.Cond == nil {
		return nil, fmt.Errorf("synthesis needs a C litmus test with a final condition")
	}
	budget := opts.Budget
	if budget <= 0 {
		budget = 10 * time.Second
	}
	maxChanges := opts.MaxChanges
	if maxChanges <= 0 {
		maxChanges = 5
	}
	want := opts.Fixes
	if want <= 0 {
		want = 2
	}
	archs := opts.Archs
	if len(archs) == 0 {
		archs = DefaultCostArchs
	}
	deadline := time.Now().Add(budget)
	sctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	v := newVerifier(f, opts.CheckBudget, opts.Cache)
	base, err := v.BaseOutcome(ctx, f, opts.Base)
	if err != nil {
		return nil, err
	}
	syn := &Synthesis{Base: base}
	if base.OK() || base.Cutoff {
		return syn, nil
	}
	l := ScanLayout(f, src)
	cands := l.strengthenings()
	deltas := make([]Cost, len(cands))
	for i := range cands {
		deltas[i] = cands[i].Delta()
	}

	// Everything as strong as it can be: if that does not fix the test,
	// nothing will.
	strongest, complete := strongestSet(cands)
	if len(strongest) == 0 {
		syn.Impossible = true
		return syn, nil
	}
	res := v.verifyAll(sctx, src, [][]analysis.Edit{setEdits(cands, strongest)})
	syn.Checked++
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res[0].err != nil {
		if sctx.Err() != nil {
			syn.Cutoff = true
			return syn, nil
		}
		return syn, nil // the strongest text does not check: give up quietly
	}
	if !res[0].outcome.OK() {
		syn.Impossible = complete && !res[0].outcome.Cutoff
		syn.Cutoff = res[0].outcome.Cutoff
		return syn, nil
	}

	mk := func(idx []int) *candSet {
		s := &candSet{idx: idx, fresh: true}
		for _, i := range idx {
			s.cost = s.cost.Add(deltas[i])
		}
		total := 0
		for _, c := range s.cost {
			total += c
		}
		s.key = [3]int{s.cost.Max(archs), total, len(idx)}
		return s
	}
	// A first fix, found fast: from the strongest set, drop what is not
	// needed and weaken what can be. Its cost bounds the search.
	greedy := minimize(sctx, v, src, cands, strongest, res[0].outcome, mk, syn)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bound := greedy.key[0]
	h := &candHeap{}
	for i := range cands {
		if s := mk([]int{i}); s.key[0] <= bound {
			heap.Push(h, s)
		}
	}
	var found []*candSet
	batch := 2 * runtime.GOMAXPROCS(0)
	for h.Len() > 0 && len(found) < want {
		if sctx.Err() != nil {
			syn.Cutoff = true
			break
		}
		var items []*candSet
		for h.Len() > 0 && len(items) < batch {
			s := heap.Pop(h).(*candSet)
			if supersetOfAny(s.idx, found) {
				continue
			}
			items = append(items, s)
		}
		var sets [][]analysis.Edit
		var fresh []*candSet
		for _, s := range items {
			if s.fresh {
				sets = append(sets, setEdits(cands, s.idx))
				fresh = append(fresh, s)
			}
		}
		for i, r := range v.verifyAll(sctx, src, sets) {
			fresh[i].out, fresh[i].err, fresh[i].fresh = r.outcome, r.err, false
			syn.Checked++
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, s := range items {
			if s.err != nil {
				if sctx.Err() != nil {
					syn.Cutoff = true
				}
				continue
			}
			if s.out.OK() {
				if h.Len() > 0 && candLess((*h)[0], s) {
					heap.Push(h, s) // a cheaper set is still unchecked
					continue
				}
				if !supersetOfAny(s.idx, found) {
					found = append(found, s)
					if len(found) == want {
						break
					}
				}
				continue
			}
			if len(s.idx) >= maxChanges {
				continue
			}
			for j := s.idx[len(s.idx)-1] + 1; j < len(cands); j++ {
				if conflictsWith(cands, s.idx, j) {
					continue
				}
				if c := mk(append(append([]int(nil), s.idx...), j)); c.key[0] <= bound {
					heap.Push(h, c)
				}
			}
		}
	}
	if len(found) < want && h.Len() > 0 && sctx.Err() != nil {
		syn.Cutoff = true
	}
	if len(found) < want && !supersetOfAny(greedy.idx, found) {
		found = append(found, greedy)
		sort.SliceStable(found, func(i, j int) bool { return candLess(found[i], found[j]) })
	}
	for _, s := range found {
		syn.Fixes = append(syn.Fixes, l.synthFix(cands, s, base, archs))
	}
	return syn, nil
}

func candLess(a, b *candSet) bool { return candHeap{a, b}.Less(0, 1) }

// minimize turns the fixing set strongest (whose outcome is out) into a
// fix no rewrite of which can be dropped or replaced by a cheaper one at
// its place: it tries dropping each rewrite, costliest first, then
// replacing each by the cheapest alternative that still fixes, checking
// every step. When ctx ends it returns what it has, which still fixes.
func minimize(ctx context.Context, v *Verifier, src []byte, cands []Rewrite, strongest []int, out *analysis.Outcome, mk func([]int) *candSet, syn *Synthesis) *candSet {
	cur := append([]int(nil), strongest...)
	try := func(idx []int) bool {
		if ctx.Err() != nil {
			return false
		}
		r := v.verifyAll(ctx, src, [][]analysis.Edit{setEdits(cands, idx)})[0]
		syn.Checked++
		if r.err == nil && r.outcome.OK() {
			cur, out = idx, r.outcome
			return true
		}
		return false
	}
	costOfIdx := func(i int) int { return mk([]int{i}).key[0] }
	order := append([]int(nil), cur...)
	sort.SliceStable(order, func(a, b int) bool { return costOfIdx(order[a]) > costOfIdx(order[b]) })
	for _, c := range order {
		var without []int
		for _, i := range cur {
			if i != c {
				without = append(without, i)
			}
		}
		try(without)
	}
	for k := 0; k < len(cur); k++ {
		c := cur[k]
		var alts []int
		for j := range cands {
			if j != c && cands[j].conflicts(&cands[c]) && costOfIdx(j) < costOfIdx(c) {
				alts = append(alts, j)
			}
		}
		sort.SliceStable(alts, func(a, b int) bool { return costOfIdx(alts[a]) < costOfIdx(alts[b]) })
		for _, j := range alts {
			idx := append([]int(nil), cur...)
			idx[k] = j
			sort.Ints(idx)
			if try(idx) {
				k = -1 // cur is re-sorted: start over; each step makes it cheaper
				break
			}
		}
	}
	s := mk(cur)
	s.out, s.fresh = out, false
	return s
}

// strongestSet picks, for every site, the strongest candidate (the last
// one listed for it), leaving out those whose edits overlap one already
// picked (nested accesses, as in "*x = *y"); complete says none was left
// out.
func strongestSet(cands []Rewrite) (idx []int, complete bool) {
	type site struct {
		thread int
		span   syntax.Span
	}
	last := map[site]int{}
	var order []site
	for i := range cands {
		k := site{cands[i].Thread, cands[i].Site}
		if _, ok := last[k]; !ok {
			order = append(order, k)
		}
		last[k] = i
	}
	var out []int
	complete = true
	for _, k := range order {
		if conflictsWith(cands, out, last[k]) {
			complete = false
			continue
		}
		out = append(out, last[k])
	}
	sort.Ints(out)
	return out, complete
}

func setEdits(cands []Rewrite, idx []int) []analysis.Edit {
	var edits []analysis.Edit
	for _, i := range idx {
		edits = append(edits, cands[i].Edits...)
	}
	analysis.SortEdits(edits)
	return edits
}

func conflictsWith(cands []Rewrite, idx []int, j int) bool {
	for _, i := range idx {
		if cands[i].conflicts(&cands[j]) {
			return true
		}
		// Two insertions at one offset would be ambiguous in order.
		for _, a := range cands[i].Edits {
			for _, b := range cands[j].Edits {
				if a.Span.Start < b.Span.End && b.Span.Start < a.Span.End || a.Span == b.Span {
					return true
				}
			}
		}
	}
	return false
}

// supersetOfAny reports whether idx contains every index of some set of
// found.
func supersetOfAny(idx []int, found []*candSet) bool {
	for _, s := range found {
		all := true
		for _, i := range s.idx {
			k := sort.SearchInts(idx, i)
			if k >= len(idx) || idx[k] != i {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// synthFix describes a found set.
func (l *Layout) synthFix(cands []Rewrite, s *candSet, base *analysis.Outcome, archs []primitive.Arch) SynthFix {
	fx := SynthFix{Edits: setEdits(cands, s.idx), Outcome: s.out, Cost: s.cost}
	threads := map[int]bool{}
	for _, i := range s.idx {
		fx.Rewrites = append(fx.Rewrites, cands[i])
		threads[cands[i].Thread] = true
	}
	full := costOf("smp_mb")
	for a := range fx.Saved {
		fx.Saved[a] = len(threads)*full[a] - fx.Cost[a]
	}
	fx.Title = fmt.Sprintf("%s (%s; %s", JoinTitles(fx.Rewrites), DescribeChange(base, s.out), fx.CostText(nil))
	// The saving against the reflex, on the target where it is largest.
	bestArch, best := primitive.Arch(-1), 0
	for _, a := range archs {
		if fx.Saved.On(a) > best {
			bestArch, best = a, fx.Saved.On(a)
		}
	}
	if bestArch >= 0 {
		each := "in the thread"
		if len(threads) > 1 {
			each = "in each thread"
		}
		fx.Title += fmt.Sprintf("; saves %d on %s against smp_mb() %s", best, bestArch, each)
	}
	fx.Title += ")"
	return fx
}

// CostText says what the fix costs on archs (every documented one when
// nil): "+10 on powerpc64, +2 on arm64, free on x86-64".
func (fx *SynthFix) CostText(archs []primitive.Arch) string {
	if archs == nil {
		archs = shownArchs
	}
	var parts []string
	for _, a := range archs {
		if c := fx.Cost.On(a); c == 0 {
			parts = append(parts, "free on "+a.String())
		} else {
			parts = append(parts, fmt.Sprintf("%+d on %s", c, a))
		}
	}
	return strings.Join(parts, ", ")
}

// SavedText says what the fix saves against one smp_mb() per changed
// thread: "saves 60 on powerpc64, 16 on arm64, 30 on x86-64 against
// smp_mb()"; "" when it saves nothing anywhere.
func (fx *SynthFix) SavedText(archs []primitive.Arch) string {
	if len(archs) == 0 {
		archs = shownArchs
	}
	if !slices.ContainsFunc(archs, func(a primitive.Arch) bool { return fx.Saved.On(a) > 0 }) {
		return ""
	}
	return "saves " + fx.Saved.Text(archs) + " against an smp_mb() in each thread it changes"
}
