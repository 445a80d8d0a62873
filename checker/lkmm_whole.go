package checker

// This file judges whole subtrees of the reads-from choices at once. Every
// check of linux-kernel.cat but coherence is monotone in rf, fr and co
// when there is no plain access, no lock read and no SRCU: it fails only
// when some relation built from unions, compositions and closures of them
// has a cycle (or a pair it must not have), and more edges only add pairs.
// So when the reads chosen so far, with every write each read not chosen
// yet may read from (each such read then has every rf and fr edge any
// choice gives it), pass those checks, every completion passes them
// too, and only its coherence is left to check. A structure whose
// coherence order is fixed (no location has two writes besides its
// initial one) then has exactly one execution per completion that is
// coherent, allowed, with the structure's flags: the enumerator hands
// these to Check without running the model. This is what makes a ring of
// 19 RCU processes (524,288 candidates, of which one is forbidden)
// cheap: after the first read from the initial value, the whole subtree
// is allowed.

// A wholeJudge judges subtrees of one structure's reads-from choices.
type wholeJudge struct {
	st   *lkmmStruct
	s    *Structure
	co   Rel       // the one coherence order: each location's initial write before its other write
	lins [][][]int // per location of st.writesByLoc: its one order, as coherentOrders takes it
	x    Execution // what execution returns, reused
	// check lists the locations whose coherence a completion may break:
	// those with two events in program order (po-loc). rf, co and fr
	// alone never make a cycle (each leads co-later or to a read,
	// which only fr leaves, to a write co-after the one it read).
	check []int
	flags []string // the flags of every allowed execution
}

// wholeJudge returns the subtree judge of s, or nil when s does not
// qualify: it has a lock read, SRCU, a plain access, a location with two
// writes besides its initial one, or m passes every execution on.
func (m *LKMM) wholeJudge(s *Structure) *wholeJudge {
	if m.AllExecutions {
		return nil
	}
	st := m.structure(s)
	if st.lockFailed != "" || len(st.lockChoices) != 0 || !st.rfiLF.Empty() ||
		!st.UL.Empty() || !st.LKR.Empty() ||
		!st.SrcuLock.Empty() || !st.SrcuUnlock.Empty() || !st.preRace.Empty() {
		return nil
	}
	co := NewRel(st.n)
	lins := make([][][]int, len(st.writesByLoc))
	for i, ws := range st.writesByLoc {
		var iw, other []int
		for _, w := range ws {
			if st.IW.Has(w) {
				iw = append(iw, w)
			} else {
				other = append(other, w)
			}
		}
		if len(other) > 1 || len(iw) > 1 {
			return nil
		}
		order := append(iw, other...)
		if len(order) == 2 {
			co.Add(order[0], order[1])
		}
		lins[i] = [][]int{order}
	}
	var check []int
	for i, ev := range st.eventsByLoc {
		if !st.poLoc.Restrict(ev, ev).Empty() {
			check = append(check, i)
		}
	}
	return &wholeJudge{st: st, s: s, co: co, lins: lins, check: check}
}

// allows reports whether every execution whose rf is within rf (a
// reads-from relation that may give a read several writes) passes every
// check but coherence. On the first allowed subtree it records the flags.
func (w *wholeJudge) allows(rf Rel) bool {
	c := &Candidate{Structure: w.s, Rf: rf}
	cd := newLkmmCand(w.st, c)
	x := &Execution{Candidate: c}
	ex := newLkmmExec(w.st, cd, x)
	defer ex.release()
	ex.begin(rf)
	ex.skipCoherence = true
	ex.setCo(w.co, rf)
	j := ex.judge()
	if j.Failed != "" {
		return false
	}
	if w.flags == nil {
		w.flags = append([]string{}, j.Flags...)
	}
	return true
}

// execution returns c's one execution, under the fixed coherence order
// (valid until the next call), and whether it is coherent ("acyclic po-loc | rf | co | fr", checked
// per location as judgeRf checks it); c must be a completion of an rf
// that allows accepted.
func (w *wholeJudge) execution(c *Candidate) (*Execution, bool) {
	for _, i := range w.check {
		if len(coherentOrders(w.st, c.Rf, i, w.lins[i])) == 0 {
			return nil, false
		}
	}
	w.x = Execution{Candidate: c, Co: w.co, Rf: c.Rf}
	return &w.x, true
}
