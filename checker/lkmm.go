package checker

import "sync"

// LKMM is the Linux-kernel memory model (linux-kernel.cat with
// linux-kernel.bell, lock.cat and cos-opt.cat, variant lkmmv2), written as
// Go code over bitset relations. It implements [Model].
//
// Judge first fixes what depends only on the event structure (cached in
// Structure.Cache), then what depends on the candidate's rf, then, for each
// of the model's own choices (the rf of failed trylocks and of
// spin_is_locked reads, and the coherence order), the rest.
//
// herd7's FW set holds the write giving the final value of each location
// the test observes (Structure.FinalLocs): herd7 enumerates that choice,
// and co0's "(W \ FW) × FW" puts the chosen write co-last. Enumerating
// coherence orders directly gives the same executions (each order has
// exactly one co-last write), so co0 leaves FW out. Only the lock-final
// flag needs FW, and only its locations: every observed location has an
// initial write, so FW meets each of them.
type LKMM struct {
	// AllExecutions makes Judge pass every execution to yield. By default
	// it drops, while generating coherence orders, the executions that
	// fail coherence or atomic (both are checks per location), which
	// herd7 would reject and never report.
	AllExecutions bool
}

// lkmmStruct holds the sets and relations of one event structure that do
// not depend on rf or co.
type lkmmStruct struct {
	n    int
	all  Set
	R, W Set // R: every read; W: every write except UL (W as co generation sees it)
	wAll Set // W ∪ UL
	iwUL Set // IW ∪ UL
	M    Set // R ∪ W ∪ UL
	IW   Set
	UL   Set
	LKR  Set
	LKW  Set
	LF   Set // LF ∪ RL
	RU   Set

	Acquire, Release, Mb, Noreturn, R4rmb Set
	Marked, Plain                         Set
	SrcuLock, SrcuUnlock, SyncSrcu        Set
	SyncRcu                               Set
	rcuLock, rcuUnlock                    Set
	notNoreturn, notSrcuUnlock            Set

	po, poOpt, loc, intl, ext, poLoc   Rel
	poInv                              Rel // po⁻¹
	rmw                                Rel // structure rmw ∪ lk-rmw
	lkRmw                              Rel
	critical, criticalInv              Rel // LKW → its matching UL, and its inverse
	lkRmwInv                           Rel
	markedW, wMarked                   Rel // Marked × (W ∪ UL), (W ∪ UL) × Marked
	rcuRscs                            Rel
	id, idMarked                       Rel
	none                               Rel         // the empty relation (shared: never modified)
	preRace                            Rel         // ext & ((Plain × M) | ((M \ IW) × Plain))
	rfiLF                              Rel         // rf of LF events inside their own critical section
	co0                                Rel         // coherence fixed before observation (initial writes first, unmatched LKW last)
	writesByLoc                        [][]int     // W events (UL excepted) of each location with any
	eventsByLoc                        []Set       // all events of the same locations, aligned with writesByLoc
	locChecks                          []*locCheck // aligned with writesByLoc; nil where the general check applies
	poLocWW, poLocRW, poLocWR, poLocRR Rel         // po-loc between writes (W) and reads
	locEvents, readsByLoc              [][]int     // events and R events of each location, aligned with writesByLoc

	// orderCache holds, for each location with writes, its coherence
	// orders for each rf of its reads seen so far (keyed by ordersKey).
	// It is guarded by mu; but the locChecks keep scratch rows, so one
	// structure's candidates are judged by one goroutine at a time (a
	// structure split across workers is copied for each: see
	// splitWhole).
	mu         sync.Mutex
	orderCache []map[string]*locOrders

	// Fence relations that need neither rf nor co.
	acqPo, poRel, rmb, wmb, mbNoLock, gp, barrier Rel
	fencerelRmb                                   Rel
	poUL                                          Rel // po ; [UL]
	lkrPo                                         Rel // [LKR] ; po
	afterULLPo                                    Rel // [After-unlock-lock] ; po ; [M]

	// RCU: the events rcu-order can relate (grace periods, and the lock
	// and unlock events of read-side critical sections), their index in
	// rcuEv (or -1), and relations over those indices.
	rcuEv                           []int
	rcuSet                          Set // the events of rcuEv
	rcuIdx                          []int
	rcuGp, rcuSgp, rcuRscsi, rcuLoc Rel

	// What fences and ppo need of neither rf nor co, when it needs
	// neither (see fixedRels).
	fixed fixedRels

	// Structure-level check failures and flags.
	mixed       bool       // the mixed-accesses flag
	lockChoices [][][2]int // rf options of each LF and RU event
	lockFailed  string
	flags       []string
}

func setOf(s *Structure, keep func(e *Event) bool) Set {
	r := NewSet(s.N())
	for i := range s.Events {
		if keep(&s.Events[i]) {
			r.Add(i)
		}
	}
	return r
}

func hasTag(t Tag) func(e *Event) bool { return func(e *Event) bool { return e.Tags&t != 0 } }

// fencerel returns (po & (_ × b)) ; po: pairs separated by an event of b.
func fencerel(po Rel, b Set) Rel { return po.Restrict(nil, b).Seq(po) }

func unionAll(rs ...Rel) Rel {
	t := rs[0].Clone()
	for _, r := range rs[1:] {
		t.UnionWith(r)
	}
	return t
}

func seqAll(rs ...Rel) Rel {
	t := rs[0]
	for _, r := range rs[1:] {
		t = t.Seq(r)
	}
	return t
}

func complement(n int, s Set) Set {
	r := NewSet(n)
	for i := 0; i < n; i++ {
		if !s.Has(i) {
			r.Add(i)
		}
	}
	return r
}

func setUnion(ss ...Set) Set {
	r := ss[0].Clone()
	for _, s := range ss[1:] {
		for i := range r {
			r[i] |= s[i]
		}
	}
	return r
}

// structure returns the cached per-structure part of the model.
func (m *LKMM) structure(s *Structure) *lkmmStruct {
	if st, ok := s.Cache.(*lkmmStruct); ok {
		return st
	}
	st := newLkmmStruct(s)
	s.Cache = st
	return st
}

func newLkmmStruct(s *Structure) *lkmmStruct {
	n := s.N()
	st := &lkmmStruct{n: n}
	st.all = setOf(s, func(*Event) bool { return true })
	rawR := setOf(s, func(e *Event) bool { return e.Kind == KindR })
	rawW := setOf(s, func(e *Event) bool { return e.Kind == KindW })
	st.UL = setOf(s, hasTag(TagUL))
	st.R = rawR
	st.W = rawW.Diff(st.UL)
	st.M = rawR.Union(rawW)
	st.wAll = st.W.Union(st.UL)
	st.IW = setOf(s, hasTag(TagInit))
	st.iwUL = st.IW.Union(st.UL)
	st.LKR = setOf(s, hasTag(TagLKR))
	st.LKW = setOf(s, hasTag(TagLKW))
	st.LF = setOf(s, hasTag(TagLF|TagRL))
	st.RU = setOf(s, hasTag(TagRU))
	st.SrcuLock = setOf(s, hasTag(TagSrcuLock))
	st.SrcuUnlock = setOf(s, hasTag(TagSrcuUnlock))
	st.SyncSrcu = setOf(s, hasTag(TagSyncSrcu))
	st.SyncRcu = setOf(s, hasTag(TagSyncRcu))
	st.rcuLock = setOf(s, hasTag(TagRcuLock))
	st.rcuUnlock = setOf(s, hasTag(TagRcuUnlock))

	// The bell's filtering of annotations.
	rmwEv := setOf(s, hasTag(TagRMW))
	failedRMW := rmwEv.Diff(s.Rmw.Domain().Union(s.Rmw.Range()))
	st.Acquire = setOf(s, hasTag(TagAcquire)).Diff(rawW).Diff(failedRMW).Union(st.LKR)
	st.Release = setOf(s, hasTag(TagRelease)).Diff(rawR).Diff(failedRMW).Union(st.UL)
	st.Mb = setOf(s, hasTag(TagMb|TagFenceMb)).Diff(failedRMW)
	st.Noreturn = setOf(s, hasTag(TagNoreturn)).Diff(rawW)
	st.R4rmb = st.R.Diff(st.Noreturn)
	st.notNoreturn = complement(n, st.Noreturn)
	st.notSrcuUnlock = complement(n, st.SrcuUnlock)
	st.Marked = setUnion(complement(n, st.M), st.IW,
		setOf(s, hasTag(TagOnce|TagRelease|TagAcquire|TagMb|TagRMW|TagLKR|TagLKW|TagUL|TagLF|TagRL|TagRU|TagSrcuLock|TagSrcuUnlock)))
	st.Plain = st.M.Diff(st.Marked)

	st.po = s.Po
	st.poOpt = s.Po.Opt()
	st.poInv = s.Po.Inverse()
	st.loc = NewRel(n)
	st.intl = NewRel(n)
	st.ext = NewRel(n)
	for a := range s.Events {
		for b := range s.Events {
			ea, eb := &s.Events[a], &s.Events[b]
			if ea.Loc >= 0 && ea.Loc == eb.Loc {
				st.loc.Add(a, b)
			}
			// As herd7: int relates events of one thread (initial writes
			// are in none), ext events of different threads (initial
			// writes count as one thread of their own).
			switch {
			case ea.Thread != eb.Thread:
				st.ext.Add(a, b)
			case ea.Thread >= 0:
				st.intl.Add(a, b)
			}
		}
	}
	st.poLoc = st.po.Inter(st.loc)
	st.id = Identity(n, st.all)
	st.none = NewRel(n)
	st.idMarked = Identity(n, st.Marked)
	st.preRace = Cross(n, st.Plain, st.M).Union(Cross(n, st.M.Diff(st.IW), st.Plain)).Inter(st.ext)

	// lock.cat: pair lock reads with lock writes, match critical sections.
	st.lkRmw = st.poLoc.Restrict(st.LKR, st.LKW).Diff(st.po.Seq(st.po))
	st.rmw = s.Rmw.Union(st.lkRmw)
	lkwUL := st.LKW.Union(st.UL)
	st.critical = st.poLoc.Restrict(st.LKW, st.UL).Diff(st.poLoc.Restrict(nil, lkwUL).Seq(st.poLoc))
	st.rcuRscs = rcuRscs(st)
	st.criticalInv = st.critical.Inverse()
	st.lkRmwInv = st.lkRmw.Inverse()
	st.markedW = Cross(n, st.Marked, st.wAll)
	st.wMarked = Cross(n, st.wAll, st.Marked)
	st.rcuEvents()

	// Fence relations.
	po := st.po
	st.acqPo = po.Restrict(st.Acquire, st.M)
	st.poRel = po.Restrict(st.M, st.Release)
	st.fencerelRmb = fencerel(po, setOf(s, hasTag(TagRmb)))
	st.rmb = st.fencerelRmb.Restrict(st.R4rmb, st.R4rmb)
	wAll := st.W.Union(st.UL)
	st.wmb = fencerel(po, setOf(s, hasTag(TagWmb))).Restrict(wAll, wAll)
	mbR := st.Mb.Inter(st.R)
	mbW := st.Mb.Inter(wAll)
	rmwSet := rmwEv
	st.mbNoLock = unionAll(
		fencerel(po, st.Mb).Restrict(st.M, st.M),
		po.Restrict(st.M, mbR),
		po.Restrict(mbW, st.M),
		fencerel(po, setOf(s, hasTag(TagBeforeAtomic))).Restrict(st.M, rmwSet).Seq(st.poOpt).Restrict(nil, st.M),
		st.poOpt.Restrict(st.M, rmwSet).Seq(fencerel(po, setOf(s, hasTag(TagAfterAtomic)))).Restrict(nil, st.M),
		st.poOpt.Restrict(st.M, st.LKW).Seq(fencerel(po, setOf(s, hasTag(TagAfterSpinlock)))).Restrict(nil, st.M),
		st.poOpt.Restrict(st.M, st.SrcuUnlock).Seq(fencerel(po, setOf(s, hasTag(TagAfterSrcuReadUnlock)))).Restrict(nil, st.M),
	)
	st.gp = po.Restrict(nil, st.SyncRcu.Union(st.SyncSrcu)).Seq(st.poOpt)
	st.poUL = po.Restrict(nil, st.UL)
	st.lkrPo = po.Restrict(st.LKR, nil)
	st.afterULLPo = po.Restrict(setOf(s, hasTag(TagAfterUnlockLock)), st.M)
	barrierSet := setUnion(setOf(s, hasTag(TagBarrier|TagRmb|TagWmb|TagSyncRcu|TagSyncSrcu|
		TagBeforeAtomic|TagAfterAtomic|TagRcuLock|TagRcuUnlock|TagSrcuLock|TagSrcuUnlock)),
		st.Mb, st.Acquire, st.Release)
	st.barrier = unionAll(fencerel(po, barrierSet), po.Restrict(nil, st.Release), po.Restrict(st.Acquire, nil))

	st.fixedRels(s)

	st.poLocWW = st.poLoc.Restrict(st.W, st.W)
	st.poLocRW = st.poLoc.Restrict(st.R, st.W)
	st.poLocWR = st.poLoc.Restrict(st.W, st.R)
	st.poLocRR = st.poLoc.Restrict(st.R, st.R)
	st.rfiLF = st.poLoc.Restrict(st.LKW, st.LF).Diff(st.poLoc.Restrict(st.LKW, st.UL).Seq(st.poLoc))
	um := st.unmatchedLKW()
	st.co0 = unionAll(
		Cross(n, st.IW, st.W.Diff(st.IW)).Inter(st.loc),
		Cross(n, st.LKW, um).Inter(st.loc).Diff(Identity(n, um)),
	)
	byLoc := make([][]int, len(s.Locs))
	st.W.Each(func(e int) {
		if l := s.Events[e].Loc; l >= 0 {
			byLoc[l] = append(byLoc[l], e)
		}
	})
	for l, ws := range byLoc {
		if len(ws) > 0 {
			st.writesByLoc = append(st.writesByLoc, ws)
			locEv := setOf(s, func(e *Event) bool { return e.Loc == l })
			st.eventsByLoc = append(st.eventsByLoc, locEv)
			st.locChecks = append(st.locChecks, newLocCheck(st, locEv))
			var evs, reads []int
			locEv.Each(func(e int) {
				evs = append(evs, e)
				if st.R.Has(e) {
					reads = append(reads, e)
				}
			})
			st.locEvents = append(st.locEvents, evs)
			st.readsByLoc = append(st.readsByLoc, reads)
		}
	}

	st.orderCache = make([]map[string]*locOrders, len(st.writesByLoc))
	st.lockChecks(s)
	st.lockChoices = lockRfChoices(st)
	st.rcuFlags()
	st.mixed = st.mixedAccesses()
	return st
}

// fixedRels holds the parts of the fence relations and of ppo that depend
// on the structure alone, for the structures where they do.
type fixedRels struct {
	// fences: no lock read, so po-unlock-lock-po is empty and the fence
	// relations are those of po and the annotations alone.
	fences                         bool
	strongFence, nonrwFence, fence Rel
	sfPoRel                        Rel // strong-fence | po-rel: A-cumul's right factor
	// ppo: fences, and no data dependency, so that carry-dep adds nothing
	// to the structure's addr, data and ctrl.
	ppo  bool
	depM Rel // (addr | data) ; [Marked]: to-r's factor before rfi
	ppo0 Rel // to-r's addr part, to-w, and fence & int
}

// fixedRels computes st.fixed, once the fence relations of po are known.
func (st *lkmmStruct) fixedRels(s *Structure) {
	fx := &st.fixed
	if !st.LKR.Empty() {
		return
	}
	fx.fences = true
	fx.strongFence = st.mbNoLock.Union(st.gp)
	fx.nonrwFence = unionAll(fx.strongFence, st.poRel, st.acqPo)
	fx.fence = unionAll(fx.nonrwFence, st.wmb, st.rmb)
	fx.sfPoRel = fx.strongFence.Union(st.poRel)
	if !s.Data.Empty() {
		return
	}
	fx.ppo = true
	dep := s.Addr.Union(s.Data)
	rwdep := dep.Union(s.Ctrl).Restrict(nil, st.wAll)
	toW := rwdep.Union(s.Addr.Restrict(nil, st.Plain).Seq(st.wmb))
	fx.depM = dep.Restrict(nil, st.Marked)
	fx.ppo0 = unionAll(s.Addr.Restrict(nil, st.R), toW, fx.fence.Inter(st.intl))
}

// rcuRscs matches rcu_read_lock with rcu_read_unlock events, innermost
// first, as the bell's recursive rcu-rscs does.
func rcuRscs(st *lkmmStruct) Rel {
	matched := NewRel(st.n)
	locks, unlocks := st.rcuLock, st.rcuUnlock
	for {
		ul := locks.Diff(matched.Domain())
		uu := unlocks.Diff(matched.Range())
		un := ul.Union(uu)
		unPo := st.po.Restrict(un, un)
		next := matched.Union(st.po.Restrict(ul, uu).Diff(unPo.Seq(unPo)))
		if next.Equal(matched) {
			return matched
		}
		matched = next
	}
}

// rcuEvents lists the events rcu-order can relate and builds the
// relations over them that do not depend on rf.
func (st *lkmmStruct) rcuEvents() {
	evs := setUnion(st.SyncRcu, st.SyncSrcu, st.rcuLock, st.rcuUnlock, st.SrcuLock, st.SrcuUnlock)
	st.rcuSet = evs
	st.rcuIdx = make([]int, st.n)
	for i := range st.rcuIdx {
		st.rcuIdx[i] = -1
	}
	evs.Each(func(e int) {
		st.rcuIdx[e] = len(st.rcuEv)
		st.rcuEv = append(st.rcuEv, e)
	})
	k := len(st.rcuEv)
	st.rcuGp, st.rcuSgp, st.rcuRscsi, st.rcuLoc = NewRel(k), NewRel(k), NewRel(k), NewRel(k)
	for i, a := range st.rcuEv {
		if st.SyncRcu.Has(a) {
			st.rcuGp.Add(i, i)
		}
		if st.SyncSrcu.Has(a) {
			st.rcuSgp.Add(i, i)
		}
		for j, b := range st.rcuEv {
			if st.loc.Has(a, b) {
				st.rcuLoc.Add(i, j)
			}
		}
	}
	st.rcuRscs.Each(func(a, b int) { st.rcuRscsi.Add(st.rcuIdx[b], st.rcuIdx[a]) })
}

// lockChecks evaluates lock.cat's checks and flags that depend only on the
// structure: lock-nest, nested-is-locked and unmatched-locks, and the flags
// mixed-lock-accesses, unpaired-LKW, unpaired-LKR, unmatched-unlock and
// lock-final.
func (st *lkmmStruct) lockChecks(s *Structure) {
	allLocks := setUnion(st.LKR, st.LKW, st.UL, st.LF, st.RU, st.SrcuLock, st.SrcuUnlock, st.SyncSrcu)
	if !st.loc.Restrict(st.M.Diff(st.IW).Diff(allLocks), allLocks).Empty() {
		st.flags = append(st.flags, "mixed-lock-accesses")
	}
	if !st.LKW.Diff(st.lkRmw.Range()).Empty() {
		st.flags = append(st.flags, "unpaired-LKW")
	}
	if !st.LKR.Diff(st.lkRmw.Domain()).Empty() {
		st.flags = append(st.flags, "unpaired-LKR")
	}
	ulBetween := st.poLoc.Restrict(nil, st.UL).Seq(st.poLoc)
	switch {
	case !st.poLoc.Restrict(st.LKW, st.LKR).Diff(ulBetween).Empty():
		st.lockFailed = "lock-nest"
	case !st.poLoc.Restrict(st.LKW, st.RU).Diff(ulBetween).Empty():
		st.lockFailed = "nested-is-locked"
	default:
		um := st.unmatchedLKW()
		if !st.loc.Restrict(um, um).Diff(Identity(st.n, um)).Empty() {
			st.lockFailed = "unmatched-locks"
		}
	}
	if !st.UL.Diff(st.critical.Range()).Empty() {
		st.flags = append(st.flags, "unmatched-unlock")
	}
	// lock-final: "[FW] ; loc ; [ALL-LOCKS]" is not empty exactly when
	// the test observes the final value of a location with lock (or
	// SRCU) events.
	for _, l := range s.FinalLocs {
		if !setOf(s, func(e *Event) bool { return e.Loc == l }).Inter(allLocks).Empty() {
			st.flags = append(st.flags, "lock-final")
			break
		}
	}
}

// unmatchedLKW returns the lock writes without a matching unlock.
func (st *lkmmStruct) unmatchedLKW() Set { return st.LKW.Diff(st.critical.Domain()) }

// rcuFlags raises the flags about RCU read-side critical sections, which
// depend on program order only: unmatched-rcu-lock, unmatched-rcu-unlock
// and invalid-sleep.
func (st *lkmmStruct) rcuFlags() {
	if !st.rcuLock.Diff(st.rcuRscs.Domain()).Empty() {
		st.flags = append(st.flags, "unmatched-rcu-lock")
	}
	if !st.rcuUnlock.Diff(st.rcuRscs.Range()).Empty() {
		st.flags = append(st.flags, "unmatched-rcu-unlock")
	}
	if !st.rcuRscs.Inter(st.po.Restrict(nil, st.SyncSrcu).Seq(st.po)).Empty() {
		st.flags = append(st.flags, "invalid-sleep")
	}
}
