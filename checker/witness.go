package checker

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/litmusls/litmusls/syntax"
)

// This file collects, when Options.Explain asks, one witness execution per
// final state and one rejected candidate for an outcome of the condition
// that no allowed execution reaches. When Explain is off, Check never
// calls into it, so the per-execution cost is one nil test.

// A WitnessEvent is one event of a witness execution.
type WitnessEvent struct {
	Thread int         // thread index, or -1 for an initial write
	Span   syntax.Span // the source the event comes from (empty for initial writes)
	Kind   Kind
	Tags   Tag
	Loc    string // location name, or "" for a fence
	Value  string // the value read or written ("1", or a location name for an address); "" for a fence
	// Text describes the event as herd7 would, in words: "W[once] x=1",
	// "R[acquire] y=0", "F[mb]", "W[init] x=0".
	Text string
}

// A Witness is one execution, with its events and the rf and co edges
// between them: enough to say which write each read saw.
type Witness struct {
	State  State          // the final state the execution reaches
	Cond   bool           // whether the condition holds in State
	Flags  []string       // flags the execution raises (allowed executions only)
	Events []WitnessEvent // every event, numbered as the edges number them
	Rf     []CycleEdge    // write → read, one per read (Rel "rf")
	Co     []CycleEdge    // each write → its immediate coherence successor (Rel "co")
	// Races lists, when Flags has data-race, the pairs of accesses that
	// race (kinds "ww-race", "wr-race", "rw-race"; see [Race]), numbered
	// as Events; nil otherwise.
	Races []Race
}

// A DataRace is a pair of accesses that race in some allowed execution of
// a test, with the execution that shows it.
type DataRace struct {
	A, B    *WitnessEvent // the two accesses, at least one plain, as Witness.Events has them
	Kind    string        // "ww-race", "wr-race" or "rw-race" (see [Race])
	Witness *Witness      // an allowed execution where they race
}

// DataRaces returns the distinct pairs of accesses that race in r's
// witnesses, in the order of the witnesses, then of their races. Two
// pairs are the same when their accesses come from the same source
// spans, in either order; the first is kept. It is nil when Explain was
// off or no witness races.
func (r *Result) DataRaces() []DataRace {
	type key struct{ a, b syntax.Span }
	seen := map[key]bool{}
	var out []DataRace
	for _, w := range r.Witnesses {
		if w == nil {
			continue
		}
		for _, p := range w.Races {
			a, b := &w.Events[p.A], &w.Events[p.B]
			k := key{a.Span, b.Span}
			if seen[k] || seen[key{b.Span, a.Span}] {
				continue
			}
			seen[k] = true
			out = append(out, DataRace{A: a, B: b, Kind: p.Kind, Witness: w})
		}
	}
	return out
}

// ReadFrom returns the write event that read event r read from, or -1.
func (w *Witness) ReadFrom(r int) int {
	for _, e := range w.Rf {
		if e.To == r {
			return e.From
		}
	}
	return -1
}

// A Reason explains why an outcome of the condition is never reached.
type Reason struct {
	// Outcome is the value of the condition that no allowed execution
	// gives: true when the condition is never satisfied (exists or ~exists
	// with no positive execution), false when it is never violated (a
	// forall that holds).
	Outcome bool
	// Execution is a candidate execution that reaches the outcome but the
	// model rejects, or nil when no candidate reaches it at all (the
	// values the outcome needs are never written, or contradict the
	// branches of the code) or the run was cut off before one was found.
	Execution *Witness
	// Check is the first check Execution fails ("happens-before",
	// "propagation", "coherence", "rcu", "atomic", ...), or "".
	Check string
	// Cycle is a shortest cycle of the failing relation, numbered as
	// Execution.Events, or nil when the check is not an acyclicity check
	// or the model gives no cycle.
	Cycle []CycleEdge
	// Incoherent lists, when Check is "plain-coherence", the pairs of
	// accesses of Execution that break it (kinds "wr-incoh", "rw-incoh",
	// "ww-incoh"; see [Race]), numbered as Execution.Events.
	Incoherent []Race
	// Cutoff is set when the search for Execution was cut off (the
	// counts of the Result may still be complete): one may exist.
	Cutoff bool
}

// cycleNames names the relation whose cycle each check reports.
var cycleNames = map[string]string{
	"coherence":      "coherence",
	"happens-before": "hb",
	"propagation":    "pb",
	"rcu":            "rb",
}

// CycleString renders the cycle in one line, as
// "hb cycle: W x ->po-rel W y ->rfe R y ->acq-po R x ->fre W x", or ""
// when there is none.
func (r *Reason) CycleString() string {
	if len(r.Cycle) == 0 || r.Execution == nil {
		return ""
	}
	name := cycleNames[r.Check]
	if name == "" {
		name = r.Check
	}
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(" cycle: ")
	b.WriteString(r.Execution.Events[r.Cycle[0].From].short())
	for _, e := range r.Cycle {
		b.WriteString(" ->")
		b.WriteString(e.Rel)
		b.WriteByte(' ')
		b.WriteString(r.Execution.Events[e.To].short())
	}
	return b.String()
}

// markedTags are the annotations that make an access marked, as the
// bell's Marked set has them (initial writes are marked too).
const markedTags = TagOnce | TagRelease | TagAcquire | TagMb | TagRMW | TagLKR | TagLKW | TagUL |
	TagLF | TagRL | TagRU | TagSrcuLock | TagSrcuUnlock | TagInit

// Plain reports whether the event is a plain access: a read or a write
// with no annotation (neither READ_ONCE, WRITE_ONCE, an acquire, a
// release, an atomic, a lock operation nor an initial write).
func (e *WitnessEvent) Plain() bool {
	return (e.Kind == KindR || e.Kind == KindW) && e.Tags&markedTags == 0
}

// short is the event's kind and location: "W x", "R y", "F mb".
func (e *WitnessEvent) short() string {
	if e.Loc == "" {
		return strings.Replace(strings.TrimSuffix(e.Text, "]"), "[", " ", 1)
	}
	return e.Text[:1] + " " + e.Loc
}

// tagWords names the tags in event descriptions, in this order.
var tagWords = []struct {
	t    Tag
	word string
}{
	{TagInit, "init"},
	{TagOnce, "once"}, {TagAcquire, "acquire"}, {TagRelease, "release"}, {TagMb, "mb"},
	{TagNoreturn, "noreturn"}, {TagRMW, "rmw"},
	{TagFenceMb, "mb"}, {TagRmb, "rmb"}, {TagWmb, "wmb"}, {TagBarrier, "barrier"},
	{TagRcuLock, "rcu-lock"}, {TagRcuUnlock, "rcu-unlock"}, {TagSyncRcu, "sync-rcu"},
	{TagBeforeAtomic, "before-atomic"}, {TagAfterAtomic, "after-atomic"},
	{TagAfterSpinlock, "after-spinlock"}, {TagAfterUnlockLock, "after-unlock-lock"},
	{TagAfterSrcuReadUnlock, "after-srcu-read-unlock"},
	{TagSrcuLock, "srcu-lock"}, {TagSrcuUnlock, "srcu-unlock"}, {TagSyncSrcu, "sync-srcu"},
	{TagLKR, "lock"}, {TagLKW, "lock"}, {TagUL, "unlock"}, {TagLF, "trylock-failed"},
	{TagRL, "is-locked"}, {TagRU, "is-unlocked"},
}

// eventText describes an event: "W[once] x=1".
func eventText(ev *Event, loc, val string) string {
	var b strings.Builder
	switch ev.Kind {
	case KindR:
		b.WriteByte('R')
	case KindW:
		b.WriteByte('W')
	case KindF:
		b.WriteByte('F')
	case KindSrcu:
		b.WriteByte('S')
	}
	var words []string
	for _, tw := range tagWords {
		if ev.Tags&tw.t != 0 {
			words = append(words, tw.word)
		}
	}
	if len(words) > 0 {
		b.WriteString("[" + strings.Join(words, ",") + "]")
	}
	if loc != "" {
		b.WriteString(" " + loc)
		if val != "" {
			b.WriteString("=" + val)
		}
	}
	return b.String()
}

// witnessOf describes the execution x.
func (p *program) witnessOf(x *Execution) *Witness {
	n := x.N()
	w := &Witness{Events: make([]WitnessEvent, n)}
	for i := range x.Events {
		ev := &x.Events[i]
		we := WitnessEvent{Thread: ev.Thread, Span: ev.Span, Kind: ev.Kind, Tags: ev.Tags}
		if ev.Loc >= 0 {
			we.Loc = x.Locs[ev.Loc].Name
		}
		if ev.Kind == KindR || ev.Kind == KindW {
			we.Value = p.valueString(x.Val[i])
		}
		we.Text = eventText(ev, we.Loc, we.Value)
		w.Events[i] = we
	}
	x.Rf.Each(func(a, b int) { w.Rf = append(w.Rf, CycleEdge{From: a, To: b, Rel: "rf"}) })
	for a := range n {
		if b := immediateSuccessor(x.Co, a); b >= 0 {
			w.Co = append(w.Co, CycleEdge{From: a, To: b, Rel: "co"})
		}
	}
	return w
}

// immediateSuccessor returns the write that comes right after a in the
// coherence order co (total on each location's writes), or -1.
func immediateSuccessor(co Rel, a int) int {
	row := co.Row(a)
	want := row.Len() - 1
	next := -1
	row.Each(func(b int) {
		if next < 0 && co.Row(b).Len() == want {
			next = b
		}
	})
	return next
}

// A found execution is a copy of an execution the explainer keeps, with
// its place in the enumeration, which makes the choice among several
// deterministic whatever the number of workers.
type found struct {
	rank   int // rejected executions: 0 when the failed check gives a cycle; allowed ones: 0 when they raise data-race
	seq, k int // structure number, and execution number within it
	x      *Execution
	b      *built // the structure x belongs to
	st     State
	cond   bool
	failed string
	flags  []string
}

func (a *found) before(b *found) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.seq != b.seq {
		return a.seq < b.seq
	}
	return a.k < b.k
}

// snapshot copies what x's producer may reuse after yield returns.
func snapshot(x *Execution) *Execution {
	return &Execution{Candidate: x.Candidate, Co: x.Co.Clone(), Rf: x.Rf.Clone()}
}

// rejectRank ranks a failed check: checks whose cycle the model can show
// come first.
func rejectRank(failed string) int {
	if cycleNames[failed] != "" {
		return 0
	}
	return 1
}

// An explainer gathers witnesses and rejected executions for one Check.
type explainer struct {
	want [2]bool // which outcomes (index 1: the condition holds) may need a reason
	mu   sync.Mutex
	wits map[string]*found
	rej  [2]*found
	// reached[o] is set once an allowed execution reaches outcome o: no
	// reason is needed for it.
	reached [2]atomic.Bool
	// bestRej[o] is the lowest structure number with a rank-0 rejected
	// execution of outcome o: later structures need not look.
	bestRej [2]atomic.Int64
	// searchCut is set when the second enumeration was cut off.
	searchCut bool
}

func newExplainer(q syntax.Quantifier) *explainer {
	ex := &explainer{wits: map[string]*found{}}
	ex.want[1] = true
	ex.want[0] = q == syntax.Forall
	for o := range ex.bestRej {
		ex.bestRej[o].Store(math.MaxInt64)
	}
	return ex
}

func b2o(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A localExplain is what one worker gathers from one structure, merged
// into the explainer when the structure is done.
type localExplain struct {
	ex   *explainer
	seq  int
	wits map[string]*found
	rej  [2]*found
}

func (ex *explainer) local(seq int) *localExplain {
	return &localExplain{ex: ex, seq: seq, wits: map[string]*found{}}
}

// allowed records an allowed execution that reaches state st. The
// witness of a state is its first execution, in enumeration order, that
// raises data-race if any does (so that a racy test shows its races), or
// else its first execution.
func (l *localExplain) allowed(k int, x *Execution, key string, st State, cond bool, flags []string) {
	l.ex.reached[b2o(cond)].Store(true)
	fd := &found{rank: allowedRank(flags), seq: l.seq, k: k}
	cur, ok := l.wits[key]
	if !ok {
		// What an earlier structure found may win the merge: keep its
		// place, without the execution, so as not to copy a loser.
		l.ex.mu.Lock()
		g := l.ex.wits[key]
		l.ex.mu.Unlock()
		if g != nil && g.before(fd) {
			l.wits[key] = &found{rank: g.rank, seq: g.seq, k: g.k}
			return
		}
	} else if cur.before(fd) {
		return
	}
	fd.x, fd.st, fd.cond, fd.flags = snapshot(x), st, cond, flags
	l.wits[key] = fd
}

// allowedRank ranks an allowed execution: those raising data-race first.
func allowedRank(flags []string) int {
	if slices.Contains(flags, "data-race") {
		return 0
	}
	return 1
}

// wantsReject reports whether a rejected execution could still improve
// on what has been found.
func (l *localExplain) wantsReject() bool {
	for o := range 2 {
		if l.wantsOutcome(o) && (l.rej[o] == nil || l.rej[o].rank > 0) {
			return true
		}
	}
	return false
}

func (l *localExplain) wantsOutcome(o int) bool {
	ex := l.ex
	return ex.want[o] && !ex.reached[o].Load() && int64(l.seq) <= ex.bestRej[o].Load()
}

// rejected records a rejected execution reaching state st.
func (l *localExplain) rejected(k int, x *Execution, b *built, failed string, st State, cond bool) {
	o := b2o(cond)
	if !l.wantsOutcome(o) {
		return
	}
	fd := &found{rank: rejectRank(failed), seq: l.seq, k: k, b: b, st: st, cond: cond, failed: failed}
	if l.rej[o] != nil && !fd.before(l.rej[o]) {
		return
	}
	fd.x = snapshot(x)
	l.rej[o] = fd
	if fd.rank == 0 {
		for {
			cur := l.ex.bestRej[o].Load()
			if int64(l.seq) >= cur || l.ex.bestRej[o].CompareAndSwap(cur, int64(l.seq)) {
				break
			}
		}
	}
}

// merge adds what l found to the explainer.
func (l *localExplain) merge() {
	ex := l.ex
	ex.mu.Lock()
	defer ex.mu.Unlock()
	for key, fd := range l.wits {
		if fd.x == nil {
			continue
		}
		if cur, ok := ex.wits[key]; !ok || fd.before(cur) {
			ex.wits[key] = fd
		}
	}
	for o, fd := range l.rej {
		if fd != nil && (ex.rej[o] == nil || fd.before(ex.rej[o])) {
			ex.rej[o] = fd
		}
	}
}

// needReason returns the outcome that res shows no allowed execution
// reaches and that deserves a reason, if any.
func needReason(res *Result) (outcome, ok bool) {
	switch {
	case res.Positive == 0:
		return true, true
	case res.Quant == syntax.Forall && res.Negative == 0:
		return false, true
	}
	return false, false
}

// finish fills res.Witnesses and res.Reason.
func (ex *explainer) finish(p *program, shown []shownLoc, model Model, res *Result) {
	res.Witnesses = make([]*Witness, len(res.States))
	for i, s := range res.States {
		fd := ex.wits[s.String()]
		if fd == nil {
			continue
		}
		w := p.witnessOf(fd.x)
		w.State, w.Cond, w.Flags = fd.st, fd.cond, fd.flags
		if m, ok := model.(*LKMM); ok && slices.Contains(fd.flags, "data-race") {
			w.Races = m.Races(fd.x)
		}
		res.Witnesses[i] = w
	}
	outcome, ok := needReason(res)
	if !ok {
		return
	}
	r := &Reason{Outcome: outcome, Cutoff: res.Cutoff || ex.searchCut}
	res.Reason = r
	fd := ex.rej[b2o(outcome)]
	if fd == nil {
		return
	}
	x := fd.x
	r.Check = fd.failed
	if m, ok := model.(*LKMM); ok {
		if fd.failed == "ConsCo" {
			// The model rejected x before choosing a coherence order:
			// any order fails coherence; show one that reaches the same
			// state, with its cycle.
			x2 := &Execution{Candidate: x.Candidate, Co: eventOrderCo(x), Rf: x.Rf}
			if p.final(fd.b, x2).state(shown).String() == fd.st.String() {
				if check, _ := m.Cycle(x2); check == "coherence" {
					x = x2
				}
			}
		}
		if check, cycle := m.Cycle(x); check != "" {
			r.Check, r.Cycle = check, expandProps(x, cycle)
		}
		if r.Check == "plain-coherence" {
			r.Incoherent = m.Races(x)
		}
	}
	r.Execution = p.witnessOf(x)
	r.Execution.State, r.Execution.Cond = fd.st, fd.cond
}

// rejectedFinal records the rejected execution x of structure b if its
// final state reaches an outcome still wanting a reason. A filter or
// condition that cannot be evaluated is left for the allowed executions
// to report.
func (l *localExplain) rejectedFinal(k int, x *Execution, failed string, p *program, b *built, f *syntax.File, shown []shownLoc) {
	fin := p.final(b, x)
	if f.Filter != nil {
		if ok, err := fin.holds(f.Filter.Prop); err != nil || !ok {
			return
		}
	}
	cond, err := fin.holds(f.Cond.Prop)
	if err != nil {
		return
	}
	l.rejected(k, x, b, failed, fin.state(shown), cond)
}

// search runs after the counting pass when an outcome needs a reason and
// no rejected execution with a cycle was found for it: the LKMM drops
// executions that fail coherence or atomicity before judging them, so it
// enumerates again with every execution judged, stopping at the first
// structure that gives one.
func (ex *explainer) search(ctx context.Context, p *program, f *syntax.File, shown []shownLoc, model Model, workers int, res *Result) {
	outcome, ok := needReason(res)
	if !ok || ctx.Err() != nil {
		return
	}
	if fd := ex.rej[b2o(outcome)]; fd != nil && fd.rank == 0 {
		return
	}
	m, ok := model.(*LKMM)
	if !ok || m.AllExecutions {
		return
	}
	all := *m
	all.AllExecutions = true
	p.eachStructure(ctx, workers, func(b *built, seq int) {
		lx := ex.local(seq)
		k := 0
		b.candidates(ctx, func(c *Candidate) bool {
			all.Judge(c, func(x *Execution, j Judgement) bool {
				k++
				if j.Failed != "" {
					lx.rejectedFinal(k, x, j.Failed, p, b, f, shown)
				}
				return lx.wantsReject()
			})
			return ctx.Err() == nil && lx.wantsReject()
		})
		lx.merge()
	})
	ex.searchCut = ctx.Err() != nil
}
