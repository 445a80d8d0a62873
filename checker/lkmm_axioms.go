package checker

import (
	"sort"
	"sync"
)

// lkmmExec is one execution being judged: the structure and candidate parts
// plus everything that depends on the coherence order.
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
	pb, rcuFence, rb     Rel
	fenceR, strongFenceR Rel // fence and strong-fence after the cat adds rcu-fence

	sc *lkmmScratch

	// The rf phase: valid while rfReady.
	rfReady                 bool
	rfInv                   Rel // rf⁻¹, when rfInvOK (lock-free tests: rf does not change with co)
	rfInvOK                 bool
	cumulFenceStar, rfeOptM Rel
	ppoRf                   Rel // ppo and rfe without the co-dependent (overwrite & int)
}

// setCo completes the execution from the generated coherence order co
// (over W without UL) and the rf of ordinary, LF and RU reads, as lock.cat
// does: it merges UL events into co and derives the rf of LKR events.
func (e *lkmmExec) setCo(co, rf Rel) {
	st := e.st
	sc := e.scratch()
	if st.UL.Empty() && st.LKR.Empty() {
		// No lock events: co is already the full, transitive order, and
		// rf does not change with co.
		if !e.rfInvOK {
			e.rfInv, e.rfInvOK = rf.Inverse(), true
		}
		e.co, e.rf = co, rf
		SeqInto(sc.fr, e.rfInv, co)
		e.fr = sc.fr
		e.x.Co, e.x.Rf = e.co, e.rf
		return
	}
	crit := st.critical
	full := co.Union(crit)
	full.UnionWith(crit.Inverse().Seq(co))
	e.co = full.Plus()
	single := e.co.Diff(e.co.Seq(e.co))
	e.rf = rf.Union(single.Restrict(st.IW.Union(st.UL), nil).Seq(st.lkRmw.Inverse()))
	e.fr = e.rf.Inverse().Seq(e.co)
	e.x.Co, e.x.Rf = e.co, e.rf
}

// judge evaluates the checks of linux-kernel.cat in order, then the flags.
func (e *lkmmExec) judge() Judgement {
	st := e.st
	sc := e.scratch()
	if !e.rfReady {
		e.rfe = e.rf.Inter(st.ext)
		e.rfi = e.rf.Inter(st.intl)
	}
	sc.coe.CopyFrom(e.co)
	sc.coe.InterWith(st.ext)
	e.coe = sc.coe
	sc.fre.CopyFrom(e.fr)
	sc.fre.InterWith(st.ext)
	e.fre = sc.fre
	if !e.coherence() {
		return Judgement{Failed: "coherence"}
	}
	if !e.atomic() {
		return Judgement{Failed: "atomic"}
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
	var flags []string
	flags = append(flags, st.flags...)
	flags = append(flags, e.cd.flags...)
	if e.mixedAccesses() {
		flags = append(flags, "mixed-accesses")
	}
	if race {
		flags = append(flags, "data-race")
	}
	sort.Strings(flags)
	return Judgement{Flags: flags}
}

// coherence is "acyclic po-loc | rf | co | fr".
func (e *lkmmExec) coherence() bool {
	t := e.scratch().t1
	t.CopyFrom(e.st.poLoc)
	t.UnionWith(e.rf)
	t.UnionWith(e.co)
	t.UnionWith(e.fr)
	return t.Acyclic()
}

// atomic is "empty rmw & (fre ; coe)".
func (e *lkmmExec) atomic() bool {
	t := e.scratch().t1
	SeqInto(t, e.fre, e.coe)
	t.InterWith(e.st.rmw)
	return t.Empty()
}

// fences computes what depends on rf but not on co: po-unlock-lock-po, the
// fence relations, cumul-fence and the co-independent part of ppo. Without
// lock reads (whose rf comes from co) it runs once per rf choice.
func (e *lkmmExec) fences() {
	st, cd := e.st, e.cd
	if e.rfReady {
		return
	}
	e.rfReady = st.LKR.Empty()
	e.poUnlockLockPo = st.poUL.Seq(st.po.Union(e.rf).Restrict(nil, st.LKR)).Seq(st.po)
	e.mb = st.mbNoLock.Union(e.poUnlockLockPo.Restrict(st.M, nil).Seq(st.afterULLPo))
	e.strongFence = e.mb.Union(st.gp)
	e.nonrwFence = unionAll(e.strongFence, st.poRel, st.acqPo)
	e.fence = unionAll(e.nonrwFence, st.wmb, st.rmb)
	e.rmwSequence = e.rf.Seq(st.rmw).Star()
	mk := st.Marked
	aCumul := e.rfe.Restrict(nil, mk).Opt().Seq(e.strongFence.Union(st.poRel))
	e.cumulFence = unionAll(aCumul, st.wmb, e.poUnlockLockPo).Restrict(mk, mk).Seq(e.rmwSequence)
	e.cumulFenceStar = e.cumulFence.Star()
	e.rfeOptM = e.rfe.Opt().Restrict(mk, mk)
	dep := cd.addr.Union(cd.data)
	rwdep := dep.Union(cd.ctrl).Restrict(nil, st.W.Union(st.UL))
	toW := rwdep.Union(cd.addr.Restrict(nil, st.Plain).Seq(st.wmb))
	toR := cd.addr.Restrict(nil, st.R).Union(dep.Restrict(nil, mk).Seq(e.rfi))
	e.ppoRf = unionAll(toR, toW, e.fence.Inter(st.intl), e.poUnlockLockPo.Inter(st.intl), e.rfe)
}

// happensBefore is "acyclic hb": ppo, rfe and internal prop between marked
// accesses.
func (e *lkmmExec) happensBefore() bool {
	st, sc := e.st, e.scratch()
	mk := st.Marked
	sc.over.CopyFrom(e.co)
	sc.over.UnionWith(e.fr)
	// prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
	sc.t1.CopyFrom(sc.over)
	sc.t1.InterWith(st.ext)
	sc.t1.RestrictWith(mk, nil)
	sc.t1.UnionWith(st.idMarked)
	SeqInto(sc.t2, sc.t1, e.cumulFenceStar)
	SeqInto(sc.prop, sc.t2, e.rfeOptM)
	e.prop = sc.prop
	// hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
	sc.hb.CopyFrom(e.ppoRf)
	sc.t1.CopyFrom(sc.over)
	sc.t1.InterWith(st.intl)
	sc.hb.UnionWith(sc.t1)
	sc.t1.CopyFrom(sc.prop)
	sc.t1.DiffWith(st.id)
	sc.t1.InterWith(st.intl)
	sc.hb.UnionWith(sc.t1)
	sc.hb.RestrictWith(mk, mk)
	e.hb = sc.hb
	return e.hb.Acyclic()
}

// propagation is "acyclic pb", pb = prop ; strong-fence ; hb* ; [Marked].
func (e *lkmmExec) propagation() bool {
	sc := e.scratch()
	sc.hbStar.CopyFrom(e.hb)
	sc.hbStar.StarInPlace()
	SeqInto(sc.t1, e.prop, e.strongFence)
	SeqInto(sc.pb, sc.t1, sc.hbStar)
	sc.pb.RestrictWith(nil, e.st.Marked)
	e.pb = sc.pb
	return e.pb.Acyclic()
}

// lkmmScratch holds relations reused from one coherence order to the next.
type lkmmScratch struct {
	fr, coe, fre, over, t1, t2, prop, hb, hbStar, pb Rel
}

// scratch returns e's scratch relations, taking them from the pool on
// first use; release gives them back.
func (e *lkmmExec) scratch() *lkmmScratch {
	if e.sc == nil {
		n := e.st.n
		if v, ok := scratchPool.Get().(*lkmmScratch); ok && v.fr.N() == n {
			e.sc = v
		} else {
			e.sc = &lkmmScratch{
				fr: NewRel(n), coe: NewRel(n), fre: NewRel(n), over: NewRel(n), t1: NewRel(n), t2: NewRel(n),
				prop: NewRel(n), hb: NewRel(n), hbStar: NewRel(n), pb: NewRel(n),
			}
		}
	}
	return e.sc
}

// release returns e's scratch relations to the pool; e must not be used
// afterwards.
func (e *lkmmExec) release() {
	if e.sc != nil {
		scratchPool.Put(e.sc)
		e.sc = nil
	}
}

// scratchPool holds scratch relations between judgements.
var scratchPool sync.Pool

// rcu is "irreflexive rb": it computes the rcu-order fixpoint, rcu-fence and
// the redefined fence and strong-fence.
func (e *lkmmExec) rcu() bool {
	st := e.st
	e.rcuFence = e.rcuOrder()
	if e.rcuFence.Empty() {
		e.rb = NewRel(st.n)
		e.fenceR, e.strongFenceR = e.fence, e.strongFence
		return true
	}
	e.rcuFence = st.po.Seq(e.rcuFence).Seq(st.poOpt)
	e.fenceR = e.fence.Union(e.rcuFence)
	e.strongFenceR = e.strongFence.Union(e.rcuFence)
	e.rb = seqAll(e.prop, e.rcuFence, e.sc.hbStar, e.pb.Star()).Restrict(nil, st.Marked)
	return e.rb.Irreflexive()
}

// rcuOrder computes the recursive rcu-order relation (least fixpoint).
func (e *lkmmExec) rcuOrder() Rel {
	st := e.st
	n := st.n
	if st.SyncRcu.Empty() && st.SyncSrcu.Empty() {
		return NewRel(n)
	}
	gp := Identity(n, st.SyncRcu)
	sgp := Identity(n, st.SyncSrcu)
	rscsi := st.rcuRscs.Inverse()
	srscsi := e.cd.srcuRscs.Inverse()
	link := seqAll(st.poOpt, e.sc.hbStar, e.pb.Star(), e.prop, st.po)
	loc := st.loc
	base := unionAll(gp, sgp,
		seqAll(gp, link, rscsi),
		seqAll(sgp, link, srscsi).Inter(loc),
		seqAll(rscsi, link, gp),
		seqAll(srscsi, link, sgp).Inter(loc))
	order := base.Clone()
	for {
		lo := link.Seq(order).Seq(link)
		next := unionAll(base,
			seqAll(gp, lo, rscsi),
			seqAll(sgp, lo, srscsi).Inter(loc),
			seqAll(rscsi, lo, gp),
			seqAll(srscsi, lo, sgp).Inter(loc),
			seqAll(order, link, order))
		if next.Equal(order) {
			return order
		}
		order = next
	}
}

// plain evaluates the plain-coherence check and the data-race flag.
func (e *lkmmExec) plain() (coherent, race bool) {
	st := e.st
	if st.preRace.Empty() {
		return true, false // no plain access: nothing can race
	}
	n := st.n
	mk := st.Marked
	idM := Identity(n, mk)
	xbstar := unionAll(e.hb, e.pb, e.rb).Star()
	vis := seqAll(e.cumulFence.Star(), e.rfe.Opt().Restrict(nil, mk),
		e.strongFenceR.Restrict(nil, mk).Seq(xbstar).Union(xbstar.Inter(st.intl)))
	addr := e.cd.addr
	wPre := idM.Union(addr.Union(e.fenceR).Restrict(mk, nil))
	rmbNR := st.fencerelRmb.Restrict(st.R4rmb, st.notNoreturn)
	rPre := idM.Union(unionAll(addr, e.nonrwFence, rmbNR).Restrict(mk, nil))
	wPost := e.fenceR.Opt().Restrict(nil, mk).Seq(e.rmwSequence)
	rmbRN := st.fencerelRmb.Restrict(st.notNoreturn, st.R4rmb)
	rPost := e.nonrwFence.Union(rmbRN).Opt().Restrict(nil, mk)
	sfx := e.strongFenceR.Seq(xbstar)
	wPostVis := wPost.Seq(vis)
	wwVis := unionAll(e.fenceR, sfx.Seq(wPre), wPostVis.Seq(wPre))
	wrVis := unionAll(e.fenceR, sfx.Seq(rPre), wPostVis.Seq(rPre))
	rwXb := e.fenceR.Union(seqAll(rPost, xbstar, wPre))

	preRace := st.preRace
	rwXbInv := rwXb.Inverse()
	wrIncoh := preRace.Inter(e.rf).Inter(rwXbInv)
	rwIncoh := preRace.Inter(e.fr).Inter(wrVis.Inverse())
	wwIncoh := preRace.Inter(e.co).Inter(wwVis.Inverse())
	if !wrIncoh.Empty() || !rwIncoh.Empty() || !wwIncoh.Empty() {
		return false, false
	}
	W := st.W.Union(st.UL)
	wwNonrace := wwVis.Inter(Cross(n, mk, W).Union(rwXb)).Inter(Cross(n, W, mk).Union(wrVis))
	wwRace := preRace.Inter(e.co).Diff(wwNonrace)
	wrRace := preRace.Inter(e.co.Opt().Seq(e.rf)).Diff(wrVis).Diff(rwXbInv)
	rwRace := preRace.Inter(e.fr).Diff(rwXb)
	return true, !wwRace.Empty() || !wrRace.Empty() || !rwRace.Empty()
}

// mixedAccesses is the mixed-accesses flag: a plain write and a marked
// access to the same location in one thread, with no barrier between.
func (e *lkmmExec) mixedAccesses() bool {
	st := e.st
	if st.Plain.Empty() {
		return false
	}
	pw := st.Plain.Inter(st.W.Union(st.UL))
	pl := st.poLoc.Diff(st.barrier)
	return !pl.Restrict(pw, st.Marked).Empty() || !pl.Restrict(st.Marked, pw).Empty()
}
