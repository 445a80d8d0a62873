package checker

import (
	"math/bits"
	"sort"
	"sync"
)

// lkmmExec is one execution being judged: the structure and candidate parts
// plus everything that depends on the coherence order. Its relations live
// in an arena taken from a pool: what depends only on rf is computed once
// and kept below rfMark, what depends on co is recomputed above it.
type lkmmExec struct {
	st *lkmmStruct
	cd *lkmmCand
	x  *Execution

	co, rf, fr           Rel
	rfe, rfi, coe, fre   Rel
	poUnlockLockPo       Rel
	mb, strongFence      Rel
	nonrwFence, fence    Rel
	rmwSequence          Rel
	cumulFence, prop, hb Rel
	hbStar, pb, pbStar   Rel
	rcuFence, rb         Rel
	fenceR, strongFenceR Rel // fence and strong-fence after the cat adds rcu-fence
	rcuPost              Rel // row i: po? ; hb* ; pb* from the i-th rcu event (st.rcuEv), which rcuOrder leaves

	// coherent says the coherence orders were chosen to pass the
	// coherence and atomic checks (they are per location, see
	// coherentOrders), so judge need not evaluate them again.
	coherent bool
	// skipCoherence leaves out the coherence check alone, for a
	// wholeJudge's reads-from relation of several writes per read, which
	// is never coherent.
	skipCoherence bool

	ar *arena
	// Buffers of judgeRf, kept with the arena.
	perLoc [][][]int
	pick   []int
	key    []byte
	// coMark is where the per-co part of the arena starts while rf-only
	// relations are not computed yet; rfMark where it starts once they
	// are (rfReady).
	coMark, rfMark arenaMark

	// The rf phase: valid while rfReady.
	rfReady                 bool
	rfInv                   Rel // rf⁻¹, when rfInvOK (lock-free tests: rf does not change with co)
	rfInvOK                 bool
	cumulFenceStar, rfeOptM Rel
	cumulRfe                Rel // cumul-fence* ; ([Marked] ; rfe ; [Marked])?
	ppoRf                   Rel // ppo and rfe without the co-dependent (overwrite & int)
}

// execPool holds execution judges, with their arenas and buffers, between
// judgements.
var execPool sync.Pool

// newLkmmExec returns an execution judge for the candidate part cd; the
// caller must release it.
func newLkmmExec(st *lkmmStruct, cd *lkmmCand, x *Execution) *lkmmExec {
	e, ok := execPool.Get().(*lkmmExec)
	if !ok {
		e = &lkmmExec{}
	}
	*e = lkmmExec{st: st, cd: cd, x: x, ar: e.ar, perLoc: e.perLoc[:0], pick: e.pick[:0], key: e.key[:0]}
	e.arena()
	return e
}

// arena returns e's arena, making one on first use.
func (e *lkmmExec) arena() *arena {
	if e.ar == nil {
		e.ar = &arena{}
	}
	return e.ar
}

// release returns e, with its arena, to the pool; e must not be used
// afterwards.
func (e *lkmmExec) release() {
	e.ar.reset(arenaMark{})
	clear(e.perLoc)
	*e = lkmmExec{ar: e.ar, perLoc: e.perLoc[:0], pick: e.pick[:0], key: e.key[:0]}
	execPool.Put(e)
}

// begin prepares e for the coherence orders of one rf (of ordinary, LF and
// RU reads): everything allocated so far is kept.
func (e *lkmmExec) begin(rf Rel) {
	st := e.st
	if st.UL.Empty() && st.LKR.Empty() {
		e.rfInv, e.rfInvOK = e.arena().inverse(rf), true
	}
	e.coMark = e.arena().mark()
}

// setCo completes the execution from the generated coherence order co
// (over W without UL) and the rf of ordinary, LF and RU reads, as lock.cat
// does: it merges UL events into co and derives the rf of LKR events. It
// frees the relations of the previous coherence order.
func (e *lkmmExec) setCo(co, rf Rel) {
	st, ar := e.st, e.arena()
	if e.rfReady {
		ar.reset(e.rfMark)
	} else {
		ar.reset(e.coMark)
	}
	if e.rfInvOK {
		// No lock events: co is already the full, transitive order, and
		// rf does not change with co.
		e.co, e.rf = co, rf
		e.fr = ar.seq(e.rfInv, co)
		e.x.Co, e.x.Rf = e.co, e.rf
		return
	}
	crit := st.critical
	full := ar.union(co, crit, ar.seq(st.criticalInv, co))
	full.PlusInPlace()
	e.co = full
	single := ar.diff(e.co, ar.seq(e.co, e.co))
	single.RestrictWith(st.iwUL, nil)
	e.rf = ar.union(rf, ar.seq(single, st.lkRmwInv))
	e.fr = ar.seq(ar.inverse(e.rf), e.co)
	e.x.Co, e.x.Rf = e.co, e.rf
}

// judge evaluates the checks of linux-kernel.cat in order, then the flags.
func (e *lkmmExec) judge() Judgement {
	st, ar := e.st, e.arena()
	if !e.rfReady {
		e.rfe = ar.inter(e.rf, st.ext)
		e.rfi = ar.inter(e.rf, st.intl)
	}
	if !e.coherent {
		e.coe = ar.inter(e.co, st.ext)
		e.fre = ar.inter(e.fr, st.ext)
		if !e.skipCoherence && !e.coherence() {
			return Judgement{Failed: "coherence"}
		}
		if !e.atomic() {
			return Judgement{Failed: "atomic"}
		}
	}
	e.fences()
	if !e.happensBefore() {
		return Judgement{Failed: "happens-before"}
	}
	if !e.propagation() {
		return Judgement{Failed: "propagation"}
	}
	if !e.rcu() {
		return Judgement{Failed: "rcu"}
	}
	plainOK, race := e.plain()
	if !plainOK {
		return Judgement{Failed: "plain-coherence"}
	}
	return Judgement{Flags: e.cd.judgementFlags(st, race)}
}

// judgementFlags returns the sorted flags of an allowed execution: those of
// the structure and the candidate, and data-race when race. The slices are
// computed once per candidate and shared between judgements.
func (cd *lkmmCand) judgementFlags(st *lkmmStruct, race bool) []string {
	if !cd.flagsReady {
		var base []string
		base = append(base, st.flags...)
		base = append(base, cd.flags...)
		if st.mixed {
			base = append(base, "mixed-accesses")
		}
		withRace := append(append([]string(nil), base...), "data-race")
		sort.Strings(base)
		sort.Strings(withRace)
		cd.flagsNoRace, cd.flagsRace, cd.flagsReady = base, withRace, true
	}
	if race {
		return cd.flagsRace
	}
	return cd.flagsNoRace
}

// coherence is "acyclic po-loc | rf | co | fr".
func (e *lkmmExec) coherence() bool {
	return e.arena().union(e.st.poLoc, e.rf, e.co, e.fr).Acyclic()
}

// atomic is "empty rmw & (fre ; coe)".
func (e *lkmmExec) atomic() bool {
	if e.st.rmw.Empty() {
		return true
	}
	t := e.arena().seq(e.fre, e.coe)
	t.InterWith(e.st.rmw)
	return t.Empty()
}

// fences computes what depends on rf but not on co: po-unlock-lock-po, the
// fence relations, cumul-fence and the co-independent part of ppo. Without
// lock reads (whose rf comes from co) it runs once per rf choice, and takes
// from the structure what needs no rf (see lkmmStruct.fixed).
func (e *lkmmExec) fences() {
	st, cd, ar := e.st, e.cd, e.arena()
	if e.rfReady {
		return
	}
	fx := &st.fixed
	if fx.fences {
		e.poUnlockLockPo = st.none
		e.mb, e.strongFence, e.nonrwFence, e.fence = st.mbNoLock, fx.strongFence, fx.nonrwFence, fx.fence
	} else {
		e.poUnlockLockPo = ar.seq(st.poUL, ar.restrict(ar.union(st.po, e.rf), nil, st.LKR), st.po)
		e.mb = ar.union(st.mbNoLock, ar.seq(ar.restrict(e.poUnlockLockPo, st.M, nil), st.afterULLPo))
		e.strongFence = ar.union(e.mb, st.gp)
		e.nonrwFence = ar.union(e.strongFence, st.poRel, st.acqPo)
		e.fence = ar.union(e.nonrwFence, st.wmb, st.rmb)
	}
	if st.rmw.Empty() {
		e.rmwSequence = st.id
	} else {
		e.rmwSequence = ar.star(ar.seq(e.rf, st.rmw))
	}
	mk := st.Marked
	rfeM := ar.opt(ar.restrict(e.rfe, nil, mk))
	var aCumul Rel
	if fx.fences {
		aCumul = ar.seq(rfeM, fx.sfPoRel)
	} else {
		aCumul = ar.seq(rfeM, ar.union(e.strongFence, st.poRel))
	}
	cumul := ar.union(aCumul, st.wmb, e.poUnlockLockPo)
	cumul.RestrictWith(mk, mk)
	if st.rmw.Empty() {
		e.cumulFence = cumul // ; rmw-sequence, which is id
	} else {
		e.cumulFence = ar.seq(cumul, e.rmwSequence)
	}
	e.cumulFenceStar = ar.star(e.cumulFence)
	e.rfeOptM = ar.opt(e.rfe)
	e.rfeOptM.RestrictWith(mk, mk)
	e.cumulRfe = ar.seq(e.cumulFenceStar, e.rfeOptM)
	if fx.ppo {
		// ppo's parts that need rf: dep ; [Marked] ; rfi, and rfe.
		e.ppoRf = ar.union(fx.ppo0, e.rfe)
		if !fx.depM.Empty() {
			e.ppoRf.UnionWith(ar.seq(fx.depM, e.rfi))
		}
	} else {
		dep := ar.union(cd.addr, cd.data)
		rwdep := ar.union(dep, cd.ctrl)
		rwdep.RestrictWith(nil, st.wAll)
		toW := ar.union(rwdep, ar.seq(ar.restrict(cd.addr, nil, st.Plain), st.wmb))
		toR := ar.union(ar.restrict(cd.addr, nil, st.R), ar.seq(ar.restrict(dep, nil, mk), e.rfi))
		e.ppoRf = ar.union(toR, toW, ar.inter(e.fence, st.intl), ar.inter(e.poUnlockLockPo, st.intl), e.rfe)
	}
	if st.LKR.Empty() {
		e.rfReady = true
		e.rfMark = ar.mark()
	}
}

// happensBefore is "acyclic hb": ppo, rfe and internal prop between marked
// accesses.
func (e *lkmmExec) happensBefore() bool {
	st, ar := e.st, e.arena()
	mk := st.Marked
	over := ar.union(e.co, e.fr)
	// prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
	// The identity part of the first factor is a restriction of
	// cumul-fence* ; rfe? (cumulRfe, once per rf); the rest, few pairs, a
	// composition.
	t := ar.inter(over, st.ext)
	t.RestrictWith(mk, nil)
	e.prop = ar.seq(t, e.cumulRfe)
	e.prop.UnionWith(ar.restrict(e.cumulRfe, mk, nil))
	// hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
	hb := ar.clone(e.ppoRf)
	hb.UnionWith(ar.inter(over, st.intl))
	p := ar.diff(e.prop, st.id)
	p.InterWith(st.intl)
	hb.UnionWith(p)
	hb.RestrictWith(mk, mk)
	e.hb = hb
	// hb* along with the acyclicity check.
	e.hbStar = ar.clone(hb)
	ok := e.hbStar.closeIfAcyclic()
	e.hbStar.UnionWith(st.id)
	return ok
}

// propagation is "acyclic pb", pb = prop ; strong-fence ; hb* ; [Marked].
func (e *lkmmExec) propagation() bool {
	st, ar := e.st, e.arena()
	e.pb = ar.seq(e.prop, e.strongFence, e.hbStar)
	e.pb.RestrictWith(nil, st.Marked)
	e.pbStar = ar.clone(e.pb)
	ok := e.pbStar.closeIfAcyclic()
	e.pbStar.UnionWith(st.id)
	return ok
}

// rcu is "irreflexive rb": it computes the rcu-order fixpoint, rcu-fence and
// the redefined fence and strong-fence. Without plain accesses nothing
// after it needs those relations, so when rb is irreflexive it only
// checks that (see rbLoop) and leaves rcuFence, rb, fenceR and
// strongFenceR unset.
func (e *lkmmExec) rcu() bool {
	st, ar := e.st, e.arena()
	order := e.rcuOrder()
	if order.Empty() {
		e.rcuFence = ar.rel(st.n)
		e.rb = e.rcuFence
		e.fenceR, e.strongFenceR = e.fence, e.strongFence
		return true
	}
	if st.preRace.Empty() && !e.rbLoop(order) {
		return true
	}
	// rcu-fence = po ; rcu-order ; po?, with rcu-order over all events.
	full := ar.rel(st.n)
	order.Each(func(i, j int) { full.Add(st.rcuEv[i], st.rcuEv[j]) })
	e.rcuFence = ar.seq(st.po, full, st.poOpt)
	e.fenceR = ar.union(e.fence, e.rcuFence)
	e.strongFenceR = ar.union(e.strongFence, e.rcuFence)
	e.rb = ar.seq(e.prop, e.rcuFence, e.hbStar, e.pbStar)
	e.rb.RestrictWith(nil, st.Marked)
	return e.rb.Irreflexive()
}

// rbLoop reports whether rb = prop ; po ; rcu-order ; po? ; hb* ; pb* ;
// [Marked] relates some event to itself, without computing rb: a is on a
// loop when, for some (i, j) in rcu-order, a reaches by prop an event
// po-before rcu event i, and rcu event j reaches a by po? ; hb* ; pb*
// (e.rcuPost, which rcuOrder leaves) with a marked.
func (e *lkmmExec) rbLoop(order Rel) bool {
	st, ar := e.st, e.arena()
	k := len(st.rcuEv)
	// before.Row(j): the events po-before some rcu event i with (i, j)
	// in rcu-order (rows j < k ≤ n used).
	before := ar.rel(st.n)
	order.Each(func(i, j int) { orRow(before.Row(j), st.poInv.Row(st.rcuEv[i])) })
	// cand: the marked events the post row of such a j reaches.
	cand := ar.set(st.n)
	for j := range k {
		if before.Row(j).Empty() {
			continue
		}
		for w, x := range e.rcuPost.Row(j) {
			cand[w] |= x & st.Marked[w]
		}
	}
	loop := false
	cand.Each(func(a int) {
		if loop {
			return
		}
		prop := e.prop.Row(a)
		for j := range k {
			if !e.rcuPost.Has(j, a) {
				continue
			}
			for w, x := range before.Row(j) {
				if prop[w]&x != 0 {
					loop = true
					return
				}
			}
		}
	})
	return loop
}

// rcuOrder computes the recursive rcu-order relation (least fixpoint). Its
// pairs relate only grace periods and the lock and unlock events of
// read-side critical sections, so it is computed over those events alone
// (st.rcuEv), as a relation over their indices.
func (e *lkmmExec) rcuOrder() Rel {
	st, ar := e.st, e.arena()
	k := len(st.rcuEv)
	if st.SyncRcu.Empty() && st.SyncSrcu.Empty() {
		return ar.rel(k)
	}
	// link = po? ; hb* ; pb* ; prop ; po, between events of rcuEv.
	link := ar.rel(k)
	v, u := ar.set(st.n), ar.set(st.n)
	e.rcuPost = ar.rel(st.n)
	for i, a := range st.rcuEv {
		copy(v, st.poOpt.Row(a))
		seqRow(u, v, e.hbStar)
		seqRow(v, u, e.pbStar)
		copy(e.rcuPost.Row(i), v)
		seqRow(u, v, e.prop)
		seqRow(v, u, st.po)
		for w, x := range v {
			for x &= st.rcuSet[w]; x != 0; x &= x - 1 {
				link.Add(i, st.rcuIdx[w*64+bits.TrailingZeros64(x)])
			}
		}
	}
	gp, sgp, rscsi, loc := st.rcuGp, st.rcuSgp, st.rcuRscsi, st.rcuLoc
	rcu, srcu := !st.SyncRcu.Empty(), !st.SyncSrcu.Empty()
	srscsi := ar.rel(k)
	if srcu {
		e.cd.srcuRscs.Each(func(a, b int) { srscsi.Add(st.rcuIdx[b], st.rcuIdx[a]) })
	}
	// The terms "g ; link ; x ; link ; c" are (g ; link) ; x ; (link ; c):
	// the outer factors are fixed.
	var gpL, lRscsi, rscsiL, lGp, sgpL, lSrscsi, srscsiL, lSgp Rel
	if rcu {
		gpL, lRscsi = ar.seq(gp, link), ar.seq(link, rscsi)
		rscsiL, lGp = ar.seq(rscsi, link), ar.seq(link, gp)
	}
	if srcu {
		sgpL, lSrscsi = ar.seq(sgp, link), ar.seq(link, srscsi)
		srscsiL, lSgp = ar.seq(srscsi, link), ar.seq(link, sgp)
	}
	// step adds to dst the four "grace period ; link ; x ; link ; critical
	// section" terms (and their mirror images) for x.
	step := func(dst, x Rel) {
		if rcu {
			dst.UnionWith(ar.seq(gpL, x, lRscsi))
			dst.UnionWith(ar.seq(rscsiL, x, lGp))
		}
		if srcu {
			t := ar.seq(sgpL, x, lSrscsi)
			t.InterWith(loc)
			dst.UnionWith(t)
			t = ar.seq(srscsiL, x, lSgp)
			t.InterWith(loc)
			dst.UnionWith(t)
		}
	}
	// base: the grace periods, and the terms with a single link
	// ("g ; link ; c" is the step above with x = id).
	base := ar.union(gp, sgp)
	if rcu {
		base.UnionWith(ar.seq(gpL, rscsi))
		base.UnionWith(ar.seq(rscsiL, gp))
	}
	if srcu {
		t := ar.seq(sgpL, srscsi)
		t.InterWith(loc)
		base.UnionWith(t)
		t = ar.seq(srscsiL, sgp)
		t.InterWith(loc)
		base.UnionWith(t)
	}
	// The least fixpoint of X = base | step(X) | X ; link ; X, evaluated
	// semi-naively: each round derives only what uses a pair new in the
	// last round (delta), since every term is a union of compositions
	// and so distributes over union.
	order := ar.clone(base)
	delta := ar.clone(base)
	next := ar.rel(k)
	m := ar.mark()
	for !delta.Empty() {
		next.Clear()
		step(next, delta)
		next.UnionWith(ar.seq(order, link, delta))
		next.UnionWith(ar.seq(delta, link, order))
		next.DiffWith(order)
		order.UnionWith(next)
		delta.CopyFrom(next)
		ar.reset(m)
	}
	return order
}

// plain evaluates the plain-coherence check and the data-race flag.
func (e *lkmmExec) plain() (coherent, race bool) {
	if e.st.preRace.Empty() {
		return true, false // no plain access: nothing can race
	}
	v := e.plainOrder()
	wr, rw, ww := e.incoherent(v)
	if !wr.Empty() || !rw.Empty() || !ww.Empty() {
		return false, false
	}
	ww, wr, rw = e.races(v)
	return true, !ww.Empty() || !wr.Empty() || !rw.Empty()
}

// plainVis holds the orderings that plain-coherence and the data-race
// flag ask of pairs of accesses.
type plainVis struct {
	wwVis   Rel // ww-vis: a write is visible to a later write's thread before it executes
	wrVis   Rel // wr-vis: a write is visible to a read's thread before the read executes
	rwXb    Rel // rw-xbstar: a read executes before a write
	rwXbInv Rel // rw-xbstar⁻¹
}

// plainOrder computes ww-vis, wr-vis and rw-xbstar, once the checks up to
// rcu have filled hb, pb, rb and the fences.
func (e *lkmmExec) plainOrder() plainVis {
	st, ar := e.st, e.arena()
	mk := st.Marked
	idM := st.idMarked
	xbstar := ar.union(e.hb, e.pb, e.rb)
	xbstar.StarInPlace()
	sfM := ar.restrict(e.strongFenceR, nil, mk)
	vis := ar.seq(ar.star(e.cumulFence), ar.restrict(ar.opt(e.rfe), nil, mk),
		ar.union(ar.seq(sfM, xbstar), ar.inter(xbstar, st.intl)))
	addr := e.cd.addr
	wPre := ar.union(idM, ar.restrict(ar.union(addr, e.fenceR), mk, nil))
	rmbNR := ar.restrict(st.fencerelRmb, st.R4rmb, st.notNoreturn)
	rPre := ar.union(idM, ar.restrict(ar.union(addr, e.nonrwFence, rmbNR), mk, nil))
	wPost := ar.seq(ar.restrict(ar.opt(e.fenceR), nil, mk), e.rmwSequence)
	rmbRN := ar.restrict(st.fencerelRmb, st.notNoreturn, st.R4rmb)
	rPost := ar.restrict(ar.opt(ar.union(e.nonrwFence, rmbRN)), nil, mk)
	sfx := ar.seq(e.strongFenceR, xbstar)
	wPostVis := ar.seq(wPost, vis)
	v := plainVis{
		wwVis: ar.union(e.fenceR, ar.seq(sfx, wPre), ar.seq(wPostVis, wPre)),
		wrVis: ar.union(e.fenceR, ar.seq(sfx, rPre), ar.seq(wPostVis, rPre)),
		rwXb:  ar.union(e.fenceR, ar.seq(rPost, xbstar, wPre)),
	}
	v.rwXbInv = ar.inverse(v.rwXb)
	return v
}

// incoherent returns the pairs of potentially racing accesses that break
// plain-coherence: wr-incoh (a read sees a write it executes before),
// rw-incoh (a read misses a write visible to it) and ww-incoh (a write
// overwrites one visible to it only later in coherence order).
func (e *lkmmExec) incoherent(v plainVis) (wr, rw, ww Rel) {
	st, ar := e.st, e.arena()
	preRace := st.preRace
	wr = ar.inter(ar.inter(preRace, e.rf), v.rwXbInv)
	rw = ar.inter(ar.inter(preRace, e.fr), ar.inverse(v.wrVis))
	ww = ar.inter(ar.inter(preRace, e.co), ar.inverse(v.wwVis))
	return wr, rw, ww
}

// races returns the pairs of the data-race flag: ww-race, wr-race and
// rw-race.
func (e *lkmmExec) races(v plainVis) (ww, wr, rw Rel) {
	st, ar := e.st, e.arena()
	preRace := st.preRace
	wwNonrace := ar.inter(v.wwVis, ar.union(st.markedW, v.rwXb))
	wwNonrace.InterWith(ar.union(st.wMarked, v.wrVis))
	ww = ar.diff(ar.inter(preRace, e.co), wwNonrace)
	wr = ar.inter(preRace, ar.seq(ar.opt(e.co), e.rf))
	wr.DiffWith(v.wrVis)
	wr.DiffWith(v.rwXbInv)
	rw = ar.diff(ar.inter(preRace, e.fr), v.rwXb)
	return ww, wr, rw
}

// mixedAccesses is the mixed-accesses flag: a plain write and a marked
// access to the same location in one thread, with no barrier between. It
// depends on the structure only.
func (st *lkmmStruct) mixedAccesses() bool {
	if st.Plain.Empty() {
		return false
	}
	pw := st.Plain.Inter(st.wAll)
	pl := st.poLoc.Diff(st.barrier)
	return !pl.Restrict(pw, st.Marked).Empty() || !pl.Restrict(st.Marked, pw).Empty()
}
