package checker

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// testBuilder builds event structures and candidates by hand.
type testBuilder struct {
	s    *Structure
	locs map[string]int
	ev   []Event
	val  []int64
	rf   [][2]int
	po   [][2]int
	rmw  [][2]int
	addr [][2]int
	data [][2]int
	ctrl [][2]int
	by   map[int][]int // events of each thread, in program order
}

func newBuilder() *testBuilder {
	return &testBuilder{s: &Structure{}, locs: map[string]int{}, by: map[int][]int{}}
}

func (b *testBuilder) loc(name string) int {
	if l, ok := b.locs[name]; ok {
		return l
	}
	l := len(b.s.Locs)
	b.s.Locs = append(b.s.Locs, Location{Name: name})
	b.locs[name] = l
	// Every location gets its initial write (value 0).
	b.add(Event{Kind: KindW, Tags: TagInit, Thread: -1, Loc: l, Instr: -1}, 0)
	return l
}

func (b *testBuilder) add(e Event, v int64) int {
	i := len(b.ev)
	b.ev = append(b.ev, e)
	b.val = append(b.val, v)
	if e.Thread >= 0 {
		for _, p := range b.by[e.Thread] {
			b.po = append(b.po, [2]int{p, i})
		}
		b.by[e.Thread] = append(b.by[e.Thread], i)
	}
	return i
}

// w adds a write of v to x by thread t.
func (b *testBuilder) w(t int, x string, v int64, tags Tag) int {
	l := b.loc(x)
	return b.add(Event{Kind: KindW, Tags: tags, Thread: t, Loc: l, Instr: len(b.by[t]), Val: v}, v)
}

// r adds a read of x by thread t that reads from write src.
func (b *testBuilder) r(t int, x string, src int, tags Tag) int {
	l := b.loc(x)
	i := b.add(Event{Kind: KindR, Tags: tags, Thread: t, Loc: l, Instr: len(b.by[t])}, 0)
	if src >= 0 {
		b.val[i] = b.val[src]
		b.rf = append(b.rf, [2]int{src, i})
	}
	return i
}

// lr adds a lock-model read (LKR, LF, RU, ...) of x: its rf is the model's.
func (b *testBuilder) lr(t int, x string, tags Tag) int {
	l := b.loc(x)
	return b.add(Event{Kind: KindR, Tags: tags, Thread: t, Loc: l, Instr: len(b.by[t])}, 0)
}

// f adds a fence.
func (b *testBuilder) f(t int, tags Tag) int {
	return b.add(Event{Kind: KindF, Tags: tags, Thread: t, Loc: -1, Instr: len(b.by[t])}, 0)
}

// init returns the initial write of x.
func (b *testBuilder) init(x string) int {
	l := b.loc(x)
	for i, e := range b.ev {
		if e.Tags&TagInit != 0 && e.Loc == l {
			return i
		}
	}
	panic("no init")
}

func (b *testBuilder) candidate() *Candidate {
	n := len(b.ev)
	s := b.s
	s.Events = b.ev
	mk := func(ps [][2]int) Rel {
		r := NewRel(n)
		for _, p := range ps {
			r.Add(p[0], p[1])
		}
		return r
	}
	s.Po, s.Rmw, s.Addr, s.Data, s.Ctrl = mk(b.po), mk(b.rmw), mk(b.addr), mk(b.data), mk(b.ctrl)
	return &Candidate{Structure: s, Rf: mk(b.rf), Val: b.val}
}

// judgements returns every judgement the model gives for c.
func judgements(c *Candidate) []Judgement {
	var out []Judgement
	m := &LKMM{AllExecutions: true}
	m.Judge(c, func(x *Execution, j Judgement) bool {
		out = append(out, j)
		return true
	})
	return out
}

// check asserts the model's verdicts on c: the checks failed, in execution
// order ("" for allowed), and the flags of the allowed executions.
func check(t *testing.T, c *Candidate, wantFailed []string, wantFlags []string) {
	t.Helper()
	js := judgements(c)
	var failed []string
	var flags []string
	for _, j := range js {
		failed = append(failed, j.Failed)
		if j.Failed == "" {
			flags = append(flags, j.Flags...)
		}
	}
	assert.ElementsMatch(t, wantFailed, failed, "failed checks")
	assert.ElementsMatch(t, wantFlags, flags, "flags")
}

// mp builds MP: P0 writes x then y, P1 reads y (=1) then x (=0).
func mp(wmb, rmb bool) *Candidate {
	b := newBuilder()
	ix := b.init("x")
	b.w(0, "x", 1, TagOnce)
	if wmb {
		b.f(0, TagWmb)
	}
	wy := b.w(0, "y", 1, TagOnce)
	b.r(1, "y", wy, TagOnce)
	if rmb {
		b.f(1, TagRmb)
	}
	b.r(1, "x", ix, TagOnce)
	return b.candidate()
}

func TestLKMMMessagePassing(t *testing.T) {
	check(t, mp(false, false), []string{""}, nil)
	check(t, mp(true, false), []string{""}, nil)
	// MP+fencewmbonceonce+fencermbonceonce is Never: internal prop from
	// the x read to the y read against rmb gives an hb cycle.
	check(t, mp(true, true), []string{"happens-before"}, nil)
}

func TestLKMMMessagePassingReleaseAcquire(t *testing.T) {
	b := newBuilder()
	ix := b.init("x")
	b.w(0, "x", 1, TagOnce)
	wy := b.w(0, "y", 1, TagRelease)
	b.r(1, "y", wy, TagAcquire)
	b.r(1, "x", ix, TagOnce)
	check(t, b.candidate(), []string{"happens-before"}, nil)
}

// sb builds SB with both reads reading the initial writes.
func sb(mb bool) *Candidate {
	b := newBuilder()
	ix, iy := b.init("x"), b.init("y")
	b.w(0, "x", 1, TagOnce)
	if mb {
		b.f(0, TagFenceMb)
	}
	b.r(0, "y", iy, TagOnce)
	b.w(1, "y", 1, TagOnce)
	if mb {
		b.f(1, TagFenceMb)
	}
	b.r(1, "x", ix, TagOnce)
	return b.candidate()
}

func TestLKMMStoreBuffering(t *testing.T) {
	check(t, sb(false), []string{""}, nil)
	// SB+fencembonceonces is Never: fre ; mb twice is a pb cycle, and hb
	// has no cycle (both prop edges are external).
	check(t, sb(true), []string{"propagation"}, nil)
}

func TestLKMMLoadBuffering(t *testing.T) {
	build := func(dep bool) *Candidate {
		b := newBuilder()
		b.loc("x")
		b.loc("y")
		r0 := b.lr(0, "x", TagOnce)
		w0 := b.w(0, "y", 1, TagOnce)
		r1 := b.lr(1, "y", TagOnce)
		w1 := b.w(1, "x", 1, TagOnce)
		b.rf = append(b.rf, [2]int{w1, r0}, [2]int{w0, r1})
		b.val[r0], b.val[r1] = 1, 1
		if dep {
			b.data = append(b.data, [2]int{r0, w0}, [2]int{r1, w1})
		}
		return b.candidate()
	}
	check(t, build(false), []string{""}, nil)
	check(t, build(true), []string{"happens-before"}, nil)
}

func TestLKMMTwoPlusTwoWrites(t *testing.T) {
	for _, wmb := range []bool{false, true} {
		b := newBuilder()
		b.w(0, "x", 1, TagOnce)
		if wmb {
			b.f(0, TagWmb)
		}
		b.w(0, "y", 2, TagOnce)
		b.w(1, "y", 1, TagOnce)
		if wmb {
			b.f(1, TagWmb)
		}
		b.w(1, "x", 2, TagOnce)
		// Two orders per location: four executions, all allowed (herd7:
		// C-2+2W+o-wmb-o+o-wmb-o has four states, Sometimes).
		check(t, b.candidate(), []string{"", "", "", ""}, nil)
	}
}

func TestLKMMCoherenceOrderCount(t *testing.T) {
	b := newBuilder()
	b.w(0, "x", 1, TagOnce)
	b.w(1, "x", 2, TagOnce)
	assert.Len(t, judgements(b.candidate()), 2)

	// CoWW: two writes in program order have one order.
	b = newBuilder()
	b.w(0, "x", 1, TagOnce)
	b.w(0, "x", 2, TagOnce)
	check(t, b.candidate(), []string{""}, nil)
}

func TestLKMMCoherenceReadRead(t *testing.T) {
	// CoRR: reading the new value then the old one violates coherence; the
	// observation makes cobase cyclic already (ConsCo).
	b := newBuilder()
	ix := b.init("x")
	w := b.w(0, "x", 1, TagOnce)
	b.r(1, "x", w, TagOnce)
	b.r(1, "x", ix, TagOnce)
	check(t, b.candidate(), []string{"ConsCo"}, nil)
}

func TestLKMMAtomic(t *testing.T) {
	// An xchg in P0 reading the initial value while P1's write goes
	// between its read and write in co.
	b := newBuilder()
	ix := b.init("x")
	r := b.r(0, "x", ix, TagRMW|TagMb)
	w := b.w(0, "x", 2, TagRMW|TagMb)
	b.rmw = append(b.rmw, [2]int{r, w})
	b.w(1, "x", 1, TagOnce)
	// co: init, P1, P0 is allowed; init, P0, P1 too (fr to P1's write is
	// then after the rmw's write). The order init, P1, P0 with the read of
	// init puts P1's write between: atomic fails.
	c := b.candidate()
	check(t, c, []string{"", "atomic"}, nil)

	// By default the order failing atomic is pruned while generating co.
	var got []Judgement
	(&LKMM{}).Judge(c, func(_ *Execution, j Judgement) bool {
		got = append(got, j)
		return true
	})
	assert.Equal(t, []Judgement{{}}, got)
}

func TestLKMMDataRace(t *testing.T) {
	b := newBuilder()
	ix := b.init("x")
	b.w(0, "x", 1, 0)
	b.r(1, "x", ix, 0)
	check(t, b.candidate(), []string{""}, []string{"data-race"})

	b = newBuilder()
	ix = b.init("x")
	b.w(0, "x", 1, TagOnce)
	b.r(1, "x", ix, TagOnce)
	check(t, b.candidate(), []string{""}, nil)
}

func TestLKMMLockPair(t *testing.T) {
	// MP+polocks with P1 seeing flag=1 and buf=0; P0 takes the lock first.
	build := func(r1 bool) *Candidate {
		b := newBuilder()
		ibuf := b.init("buf")
		b.loc("flag")
		b.loc("l")
		wbuf := b.w(0, "buf", 1, TagOnce)
		lkr0 := b.lr(0, "l", TagLKR)
		lkw0 := b.w(0, "l", 1, TagLKW)
		wflag := b.w(0, "flag", 1, TagOnce)
		b.w(0, "l", 0, TagUL)
		lkr1 := b.lr(1, "l", TagLKR)
		lkw1 := b.w(1, "l", 1, TagLKW)
		b.r(1, "flag", wflag, TagOnce)
		b.w(1, "l", 0, TagUL)
		if r1 {
			b.r(1, "buf", wbuf, TagOnce)
		} else {
			b.r(1, "buf", ibuf, TagOnce)
		}
		_, _, _, _ = lkr0, lkw0, lkr1, lkw1
		return b.candidate()
	}
	// Lock order P1 then P0 contradicts P1 reading P0's flag write inside
	// P0's critical section; P0 then P1 is allowed only with buf=1.
	bad := judgements(build(false))
	require.Len(t, bad, 2)
	for _, j := range bad {
		assert.NotEqual(t, "", j.Failed)
	}
	good := judgements(build(true))
	require.Len(t, good, 2)
	allowed := 0
	for _, j := range good {
		if j.Failed == "" {
			allowed++
			assert.Empty(t, j.Flags)
		}
	}
	assert.Equal(t, 1, allowed)
}

func TestLKMMLockNest(t *testing.T) {
	b := newBuilder()
	b.loc("l")
	b.lr(0, "l", TagLKR)
	b.w(0, "l", 1, TagLKW)
	b.lr(0, "l", TagLKR)
	b.w(0, "l", 1, TagLKW)
	check(t, b.candidate(), []string{"lock-nest"}, nil)
}

func TestLKMMRcu(t *testing.T) {
	// RCU grace period vs read-side critical section
	// (C-RCU-... "rcu-gp-mp"): P0: rcu_read_lock; r x; r y; rcu_read_unlock.
	// P1: w y; synchronize_rcu; w x. P0 sees x=1 but y=0: forbidden.
	build := func(sync bool) *Candidate {
		b := newBuilder()
		iy := b.init("y")
		b.loc("x")
		b.f(0, TagRcuLock)
		rx := b.lr(0, "x", TagOnce)
		b.r(0, "y", iy, TagOnce)
		b.f(0, TagRcuUnlock)
		b.w(1, "y", 1, TagOnce)
		if sync {
			b.f(1, TagSyncRcu)
		}
		wx := b.w(1, "x", 1, TagOnce)
		b.rf = append(b.rf, [2]int{wx, rx})
		b.val[rx] = 1
		return b.candidate()
	}
	check(t, build(false), []string{""}, nil)
	check(t, build(true), []string{"rcu"}, nil)
}

func TestLKMMUnmatchedRcu(t *testing.T) {
	b := newBuilder()
	b.f(0, TagRcuLock)
	b.w(0, "x", 1, TagOnce)
	check(t, b.candidate(), []string{""}, []string{"unmatched-rcu-lock"})
}

// iriw builds IRIW with full fences and the forbidden reads.
func iriw() *Candidate {
	b := newBuilder()
	ix, iy := b.init("x"), b.init("y")
	wx := b.w(0, "x", 1, TagOnce)
	wy := b.w(1, "y", 1, TagOnce)
	b.r(2, "x", wx, TagOnce)
	b.f(2, TagFenceMb)
	b.r(2, "y", iy, TagOnce)
	b.r(3, "y", wy, TagOnce)
	b.f(3, TagFenceMb)
	b.r(3, "x", ix, TagOnce)
	return b.candidate()
}

func TestLKMMIRIW(t *testing.T) {
	check(t, iriw(), []string{"propagation"}, nil)
}

func benchmarkJudge(b *testing.B, c *Candidate) {
	m := &LKMM{}
	b.ReportAllocs()
	for b.Loop() {
		m.Judge(c, func(*Execution, Judgement) bool { return true })
	}
}

func BenchmarkLKMMStoreBuffering(b *testing.B) { benchmarkJudge(b, sb(true)) }
func BenchmarkLKMMIRIW(b *testing.B)           { benchmarkJudge(b, iriw()) }

func BenchmarkLKMMTwoPlusTwoWrites(b *testing.B) {
	t := newBuilder()
	for i := 0; i < 3; i++ {
		t.w(0, "x", int64(i+1), TagOnce)
		t.w(1, "x", int64(i+10), TagOnce)
		t.w(2, "y", int64(i+1), TagOnce)
		t.w(3, "y", int64(i+10), TagOnce)
	}
	benchmarkJudge(b, t.candidate())
}

// cycleOf returns the check and labelled cycle of c's first execution.
func cycleOf(t *testing.T, c *Candidate) (string, []CycleEdge) {
	t.Helper()
	m := &LKMM{}
	var check string
	var cyc []CycleEdge
	m.Judge(c, func(x *Execution, j Judgement) bool {
		check, cyc = m.Cycle(x)
		assert.Equal(t, j.Failed, check)
		return false
	})
	return check, cyc
}

func TestLKMMCycle(t *testing.T) {
	check, cyc := cycleOf(t, sb(true))
	assert.Equal(t, "propagation", check)
	var names []string
	for _, e := range cyc {
		names = append(names, e.Rel)
	}
	assert.ElementsMatch(t, []string{"fre", "mb", "fre", "mb"}, names)

	check, cyc = cycleOf(t, mp(true, true))
	assert.Equal(t, "happens-before", check)
	names = nil
	for _, e := range cyc {
		names = append(names, e.Rel)
	}
	assert.ElementsMatch(t, []string{"prop", "rmb"}, names)
	for i, e := range cyc {
		assert.Equal(t, e.To, cyc[(i+1)%len(cyc)].From, "edges chain")
	}

	check, cyc = cycleOf(t, sb(false))
	assert.Equal(t, "", check)
	assert.Nil(t, cyc)
}

// isLockedSelf builds spinlock-is-locked-self: spin_is_locked, spin_lock,
// spin_is_locked, spin_unlock, spin_is_locked, with the given tags for the
// three spin_is_locked reads (TagRU for false, TagRL for true).
func isLockedSelf(t1, t2, t3 Tag) *Candidate {
	b := newBuilder()
	b.loc("lo")
	b.lr(0, "lo", t1)
	lkr := b.lr(0, "lo", TagLKR)
	b.w(0, "lo", 1, TagLKW)
	b.lr(0, "lo", t2)
	b.w(0, "lo", 0, TagUL)
	b.lr(0, "lo", t3)
	_ = lkr
	return b.candidate()
}

func TestLKMMSpinIsLocked(t *testing.T) {
	// The last read may read the unlock (allowed) or the initial write:
	// the lock write po-before it must then precede the initial write in
	// cobase, against co0 (ConsCo).
	check(t, isLockedSelf(TagRU, TagRL, TagRU), []string{"", "ConsCo"}, nil)
	// Returning false inside the critical section is ruled out first.
	check(t, isLockedSelf(TagRU, TagRU, TagRU), []string{"nested-is-locked"}, nil)
	// Returning true outside any critical section, with no other thread
	// to hold the lock, has no rf at all: no execution.
	check(t, isLockedSelf(TagRL, TagRL, TagRU), nil, nil)
}

func TestLKMMTrylockFails(t *testing.T) {
	// P0 holds the lock; P1's failed trylock reads P0's lock write.
	b := newBuilder()
	b.loc("lo")
	b.lr(0, "lo", TagLKR)
	b.w(0, "lo", 1, TagLKW)
	b.w(0, "lo", 0, TagUL)
	b.lr(1, "lo", TagLF)
	check(t, b.candidate(), []string{""}, nil)
}

// srcuGP builds an SRCU read-side critical section on s (P0 reads x = 1
// then y = 0) against P1 writing y, waiting for an SRCU grace period on
// gpLoc and writing x.
func srcuGP(gpLoc string) *Candidate {
	b := newBuilder()
	is, iy := b.init("s"), b.init("y")
	b.loc("x")
	if gpLoc != "s" {
		b.loc(gpLoc)
	}
	lk := b.r(0, "s", is, TagSrcuLock)
	rx := b.lr(0, "x", TagOnce)
	b.r(0, "y", iy, TagOnce)
	ul := b.w(0, "s", 0, TagSrcuUnlock)
	b.data = append(b.data, [2]int{lk, ul})
	b.w(1, "y", 1, TagOnce)
	b.add(Event{Kind: KindSrcu, Tags: TagSyncSrcu, Thread: 1, Loc: b.loc(gpLoc), Instr: len(b.by[1])}, 0)
	wx := b.w(1, "x", 1, TagOnce)
	b.rf = append(b.rf, [2]int{wx, rx})
	b.val[rx] = 1
	return b.candidate()
}

func TestLKMMSrcu(t *testing.T) {
	// Same srcu_struct: the grace period orders the critical section.
	check(t, srcuGP("s"), []string{"rcu"}, nil)
	// A grace period on another srcu_struct does not (the "& loc" parts).
	check(t, srcuGP("s2"), []string{""}, nil)
}

func TestLKMMMixedAccesses(t *testing.T) {
	b := newBuilder()
	b.w(0, "x", 1, 0)
	b.w(0, "x", 2, TagOnce)
	check(t, b.candidate(), []string{""}, []string{"mixed-accesses"})
}

// TestLKMMLockFinal checks lock.cat's lock-final flag, "[FW] ; loc ;
// [ALL-LOCKS]": herd7's FW holds the final write of each observed
// location, so the flag is raised exactly when the test observes the final
// value of a spinlock or srcu_struct, through its condition, its filter or
// its locations clause.
func TestLKMMLockFinal(t *testing.T) {
	const threads = `
P0(spinlock_t *s, int *x)
{
	spin_lock(s);
	WRITE_ONCE(*x, 1);
}

P1(spinlock_t *s, int *x)
{
	int r0;

	r0 = READ_ONCE(*x);
}
`
	for _, tc := range []struct {
		name, clauses string
		flagged       bool
	}{
		{"condition", "exists (1:r0=1 /\\ s=0)", true},
		{"locations", "locations [s;]\nexists (1:r0=1)", true},
		{"filter", "filter (s=0 \\/ s=1)\nexists (1:r0=1)", true},
		{"unobserved", "exists (1:r0=1 /\\ x=1)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := parseTest(t, "C LF\n{}\n"+threads+tc.clauses+"\n")
			res, err := Check(context.Background(), f, Options{})
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			// Two executions: P1 reads x before or after P0's write.
			assert.Equal(t, 2, res.Positive+res.Negative)
			if tc.flagged {
				assert.Equal(t, []string{"lock-final"}, res.Flags)
			} else {
				assert.Empty(t, res.Flags)
			}
		})
	}

	// SRCU events are lock events too.
	f := parseTest(t, `C LF-srcu
{}
P0(struct srcu_struct *ss, int *x)
{
	int r0;

	r0 = srcu_read_lock(ss);
	WRITE_ONCE(*x, 1);
	srcu_read_unlock(ss, r0);
}

P1(struct srcu_struct *ss, int *x)
{
	int r1;

	synchronize_srcu(ss);
	r1 = READ_ONCE(*x);
}

locations [ss;]
exists (1:r1=0)
`)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	assert.Equal(t, 2, res.Positive+res.Negative)
	assert.Equal(t, []string{"lock-final"}, res.Flags)

	// At the model level: the same structure raises the flag only when
	// FinalLocs names the lock's location.
	for _, observed := range []bool{false, true} {
		b := newBuilder()
		b.lr(0, "s", TagLKR)
		b.w(0, "s", 1, TagLKW)
		b.w(0, "s", 0, TagUL)
		c := b.candidate()
		if observed {
			c.FinalLocs = []int{b.loc("s")}
		}
		var flags []string
		m := &LKMM{}
		m.Judge(c, func(x *Execution, j Judgement) bool {
			if j.Failed == "" {
				flags = append(flags, j.Flags...)
			}
			return true
		})
		if observed {
			assert.Equal(t, []string{"lock-final"}, flags)
		} else {
			assert.Empty(t, flags)
		}
	}
}

func parseTest(t *testing.T, src string) *syntax.File {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	return f
}

// TestLKMMLocCheckAgrees compares the compact per-location coherence
// filter (locCheck) with the general one on every candidate of the
// lock-free tests of the corpus.
func TestLKMMLocCheckAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	checked := 0
	for _, rel := range corpusTests(t, corpus) {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(t, err)
		f, errs := syntax.Parse(rel, src)
		require.Empty(t, errs)
		p, err := lower(f)
		if err != nil {
			continue
		}
		p.pathCombos(context.Background(), func(paths []*path) bool {
			b := p.buildStructure(paths)
			st := newLkmmStruct(b.Structure)
			b.candidates(context.Background(), func(c *Candidate) bool {
				closed := obsCo(&arena{}, st, c.Rf, c.Rf.Inverse()).Plus()
				for i, lc := range st.locChecks {
					if lc == nil {
						continue
					}
					lins := linearisations(st.writesByLoc[i], closed)
					fast := lc.coherentOrders(c.Rf, append([][]int(nil), lins...))
					st.locChecks[i] = nil
					slow := coherentOrders(st, c.Rf, i, append([][]int(nil), lins...))
					st.locChecks[i] = lc
					assert.Equal(t, slow, fast, "%s location %d", rel, i)
					checked++
				}
				return true
			})
			return true
		})
	}
	t.Logf("%d location orders compared", checked)
	assert.Greater(t, checked, 10000)
}
