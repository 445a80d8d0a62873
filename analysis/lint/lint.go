package lint

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// Lint codes. They are stable: each names one rule of the barrier-misuse
// catalogue, whatever the wording of its message.
const (
	CodeRmbNoLoad          = "L01" // smp_rmb() with no load on one side
	CodeWmbOnLoads         = "L02" // smp_wmb() with no store on one side
	CodeStoreLoadWeak      = "L03" // store→load order attempted with less than a full barrier
	CodeBeforeAtomicNoRMW  = "L04" // smp_mb__before_atomic() not followed by an atomic RMW
	CodeAfterAtomicNoRMW   = "L05" // smp_mb__after_atomic() not preceded by an atomic RMW
	CodeRedundantAtomicMb  = "L06" // smp_mb__{before,after}_atomic() next to a fully ordered RMW
	CodeAcquireUnused      = "L07" // smp_load_acquire() whose value nothing uses
	CodeReleaseUnpaired    = "L08" // writer ordered, reader not
	CodeAcquireUnpaired    = "L09" // reader ordered, writer not
	CodePlainRace          = "L10" // plain access in a data race
	CodeCtrlDepLoad        = "L11" // control dependency relied on to order a load
	CodeFailedCmpxchg      = "L12" // a possibly failing cmpxchg relied on as a barrier
	CodeLockOnlyWriter     = "L13" // writer orders under a lock, lockless reader
	CodeRcuPointerCompared = "L14" // rcu_dereference() result compared with an address, then dereferenced
	CodeBPFUnusedAtomic    = "L15" // BPF atomic without fetch used as a fence
	CodeBPFRelaxedFetch    = "L16" // BPF relaxed fetch whose result is used
	CodeBPFJITStrength     = "L17" // BPF outcome hidden by x86's strong JIT
)

// Options control Run.
type Options struct {
	// BPF says the test stands for BPF code translated into the kernel's
	// C dialect, so the BPF rules (L15, L16, L17) apply to it as they do
	// to BPF litmus tests.
	BPF bool
	// Timeout bounds each extra check a rule runs (L17 checks a BPF test
	// again with x86's ordering); 0 means two seconds.
	Timeout time.Duration
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 2 * time.Second
}

// Run runs the barrier-misuse rules over f, whose source is src, and
// returns their diagnostics sorted by position. res is the checker's
// result for f, or nil when unknown; it should come from a check with
// [checker.Options].Explain, whose witness executions let the rules about
// message passing and store buffering confirm that the reordering they
// describe happens (without witnesses they rely on the code's shape
// alone).
//
// A rule that says an ordering is broken stays silent when res shows the
// outcome the test asks about is never reached; a rule that says a
// barrier orders nothing becomes information rather than a warning then.
// Tests the checker cannot lower get no lints ([analysis.Diagnose]
// reports why). The error is the checker's own failure, or ctx's.
func Run(ctx context.Context, f *syntax.File, src []byte, res *checker.Result, opts Options) ([]analysis.Diagnostic, error) {
	if f == nil || (res != nil && len(res.Errors) > 0) {
		return nil, nil
	}
	ss, le, err := checker.Structures(f)
	if err != nil {
		return nil, err
	}
	if le != nil {
		return nil, nil
	}
	l := &linter{f: f, src: src, res: res, opts: opts, diags: map[string]*analysis.Diagnostic{}, votes: map[string]*vote{}}
	l.nodes = indexNodes(f)
	for _, s := range ss {
		l.views = append(l.views, newView(s))
	}
	l.fences()
	bpf := f.Dialect == syntax.DialectBPF || opts.BPF
	if bpf {
		l.unusedAtomics()
	}
	l.shapes()
	l.acquires()
	l.races()
	l.rcuCompares()
	if bpf {
		if err := l.bpf(ctx); err != nil {
			return nil, err
		}
	}
	l.settleVotes()
	out := make([]analysis.Diagnostic, 0, len(l.diags))
	for _, k := range l.order {
		out = append(out, *l.diags[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Span, out[j].Span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

type linter struct {
	f     *syntax.File
	src   []byte
	res   *checker.Result
	opts  Options
	views []*view
	nodes *nodeIndex
	diags map[string]*analysis.Diagnostic // by code and span
	order []string
	votes map[string]*vote
	// fullSpans holds the spans of fully ordered RMWs (on some path).
	fullSpans map[syntax.Span]bool
}

// A vote gathers, for a rule that must hold on every path through the
// code, whether each path that holds the event breaks the rule.
type vote struct {
	good bool
	diag *analysis.Diagnostic // from the first path that breaks it
}

// add records d unless a diagnostic with its code and span exists.
func (l *linter) add(d analysis.Diagnostic) {
	k := diagKey(d.Code, d.Span)
	if _, ok := l.diags[k]; ok {
		return
	}
	l.diags[k] = &d
	l.order = append(l.order, k)
}

// voteBad records that one path breaks rule code at span, with d as its
// diagnostic; voteGood that one path keeps it. Only spans no path keeps
// are reported.
// reported says no path keeps the rule and one breaks it.
func (v *vote) reported() bool { return !v.good && v.diag != nil }

func (l *linter) voteBad(d analysis.Diagnostic) {
	if v := l.vote(d.Code, d.Span); v.diag == nil {
		v.diag = &d
	}
}

func (l *linter) voteGood(code string, span syntax.Span) {
	l.vote(code, span).good = true
}

// vote returns the vote on rule code at span, made on first use.
func (l *linter) vote(code string, span syntax.Span) *vote {
	k := diagKey(code, span)
	v := l.votes[k]
	if v == nil {
		v = &vote{}
		l.votes[k] = v
	}
	return v
}

// diagKey keys diagnostics and votes by rule and span.
func diagKey(code string, span syntax.Span) string {
	return fmt.Sprintf("%s@%d-%d", code, span.Start, span.End)
}

func (l *linter) settleVotes() {
	keys := make([]string, 0, len(l.votes))
	for k := range l.votes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := l.votes[k]; v.reported() {
			l.add(*v.diag)
		}
	}
}

// outcome reports whether res settles if the outcome the test asks about
// (the proposition of exists and ~exists, the violation of forall) is
// reached, and whether it is.
func (l *linter) outcome() (known, reached bool) {
	r := l.res
	if r == nil || r.Cutoff || len(r.Errors) > 0 {
		return false, false
	}
	return true, analysis.OutcomeOf(r).Bad
}

// never reports whether res shows the outcome is never reached.
func (l *linter) never() bool {
	known, reached := l.outcome()
	return known && !reached
}

// uselessSeverity is the severity of "this barrier orders nothing": a
// warning, or information when the test's outcome is never reached anyway.
func (l *linter) uselessSeverity() analysis.Severity {
	if l.never() {
		return analysis.SeverityInformation
	}
	return analysis.SeverityWarning
}

// text returns the source of span on one line.
func (l *linter) text(span syntax.Span) string {
	if span.Start < 0 || span.End > len(l.src) || span.Start >= span.End {
		return ""
	}
	return strings.Join(strings.Fields(string(l.src[span.Start:span.End])), " ")
}

// quote names an event's source for a message: "`WRITE_ONCE(*x, 1)`".
func (l *linter) quote(e *checker.Event) string {
	if t := l.text(e.Span); t != "" {
		return "`" + t + "`"
	}
	return "an access"
}

// thread names a thread: "P0".
func thread(t int) string { return fmt.Sprintf("P%d", t) }

// locName is the name of an event's location.
func locName(s *checker.Structure, e *checker.Event) string {
	if e.Loc < 0 || e.Loc >= len(s.Locs) {
		return "?"
	}
	return s.Locs[e.Loc].Name
}

// A view is one event structure with what the rules ask of it often.
type view struct {
	s       *checker.Structure
	threads [][]int     // per thread, its events in program order
	ord     checker.Rel // pairs of one thread's accesses that something orders (see direct), transitively
}

func newView(s *checker.Structure) *view {
	v := &view{s: s}
	for i, e := range s.Events {
		if e.Thread < 0 {
			continue
		}
		for len(v.threads) <= e.Thread {
			v.threads = append(v.threads, nil)
		}
		v.threads[e.Thread] = append(v.threads[e.Thread], i)
	}
	v.ord = checker.NewRel(s.N())
	for _, evs := range v.threads {
		for i, a := range evs {
			for _, b := range evs[i+1:] {
				if v.direct(a, b) {
					v.ord.Add(a, b)
				}
			}
		}
	}
	v.ord = v.ord.Plus()
	return v
}

func (v *view) ev(i int) *checker.Event { return &v.s.Events[i] }

// access reports whether e reads or writes memory in a thread.
func access(e *checker.Event) bool {
	return (e.Kind == checker.KindR || e.Kind == checker.KindW) && e.Thread >= 0 && e.Tags&checker.TagInit == 0
}

// dataAccess reports whether e is an access to ordinary memory: not a lock
// or SRCU operation.
func dataAccess(e *checker.Event) bool {
	return access(e) && e.Tags&(analysis.LockTags|checker.TagSrcuLock|checker.TagSrcuUnlock) == 0
}

// isRead and isWrite: a read that fences for reads see (the read of a
// non-value-returning RMW does not count, as in the LKMM), and any write.
func isRead(e *checker.Event) bool {
	return access(e) && e.Kind == checker.KindR && e.Tags&checker.TagNoreturn == 0
}

func isWrite(e *checker.Event) bool { return access(e) && e.Kind == checker.KindW }

func isRMW(e *checker.Event) bool { return access(e) && e.Tags&checker.TagRMW != 0 }

// full reports whether e belongs to a fully ordered RMW.
func full(e *checker.Event) bool {
	return isRMW(e) && e.Tags&checker.TagMb != 0
}

// strongFence reports whether a fence event orders everything before it
// against everything after it.
func strongFence(e *checker.Event) bool {
	return (e.Kind == checker.KindF && e.Tags&(checker.TagFenceMb|checker.TagSyncRcu) != 0) ||
		(e.Kind == checker.KindSrcu && e.Tags&checker.TagSyncSrcu != 0)
}

// direct reports whether something in the code orders access a before
// access b of the same thread (a po-before b): an acquire a or release b,
// a fully ordered RMW, a dependency, or a fence between them that covers
// the pair, as the kernel's model lets each of them order.
func (v *view) direct(a, b int) bool {
	s := v.s
	A, B := v.ev(a), v.ev(b)
	if !access(A) || !access(B) || a >= b {
		return false
	}
	if (A.Kind == checker.KindR && A.Tags&checker.TagAcquire != 0) || (B.Kind == checker.KindW && B.Tags&checker.TagRelease != 0) {
		return true
	}
	if full(A) || full(B) || s.Rmw.Has(a, b) {
		return true
	}
	if A.Kind == checker.KindR && (s.Addr.Has(a, b) || (B.Kind == checker.KindW && (s.Data.Has(a, b) || s.Ctrl.Has(a, b)))) {
		return true
	}
	for m := a + 1; m < b; m++ {
		M := v.ev(m)
		if M.Thread != A.Thread {
			continue
		}
		if strongFence(M) || full(M) {
			return true
		}
		if M.Kind != checker.KindF {
			continue
		}
		switch {
		case M.Tags&checker.TagRmb != 0:
			if isRead(A) && isRead(B) {
				return true
			}
		case M.Tags&checker.TagWmb != 0:
			if isWrite(A) && isWrite(B) {
				return true
			}
		case M.Tags&checker.TagBeforeAtomic != 0:
			for r := m + 1; r <= b; r++ {
				if isRMW(v.ev(r)) {
					return true
				}
			}
		case M.Tags&checker.TagAfterAtomic != 0:
			for r := a; r < m; r++ {
				if isRMW(v.ev(r)) {
					return true
				}
			}
		case M.Tags&(checker.TagAfterSpinlock|checker.TagAfterUnlockLock) != 0:
			for k := a + 1; k < m; k++ {
				if v.ev(k).Tags&checker.TagLKW != 0 {
					return true
				}
			}
		case M.Tags&checker.TagAfterSrcuReadUnlock != 0:
			for k := a + 1; k < m; k++ {
				if v.ev(k).Tags&checker.TagSrcuUnlock != 0 {
					return true
				}
			}
		}
	}
	return false
}

// ordered reports whether a is ordered before b in its thread.
func (v *view) ordered(a, b int) bool { return v.ord.Has(a, b) }

// between returns the events of a's thread strictly between a and b.
func (v *view) between(a, b int) []int {
	var out []int
	for m := a + 1; m < b; m++ {
		if v.ev(m).Thread == v.ev(a).Thread {
			out = append(out, m)
		}
	}
	return out
}
