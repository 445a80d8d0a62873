package checker

// Judge implements [Model]: it enumerates the model's choices for c (the rf
// of LF and RU events, then the coherence orders) and judges each
// execution.
func (m *LKMM) Judge(c *Candidate, yield func(x *Execution, j Judgement) bool) {
	st := m.structure(c.Structure)
	x := &Execution{Candidate: c}
	if st.lockFailed != "" {
		x.Co, x.Rf = NewRel(st.n), c.Rf
		yield(x, Judgement{Failed: st.lockFailed})
		return
	}
	cd := newLkmmCand(st, c)
	choices := st.lockChoices
	for _, options := range choices {
		if len(options) == 0 {
			return // an LF or RU with nowhere to read from: no execution
		}
	}
	pick := make([]int, len(choices))
	for {
		rf := c.Rf.Clone()
		for i, options := range choices {
			e := options[pick[i]]
			rf.Add(e[0], e[1])
		}
		rf.UnionWith(st.rfiLF)
		if !m.judgeRf(st, cd, x, rf, yield) {
			return
		}
		// Next combination.
		i := 0
		for ; i < len(pick); i++ {
			pick[i]++
			if pick[i] < len(choices[i]) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			return
		}
	}
}

// lkmmCand holds what depends on the candidate's rf of ordinary reads.
type lkmmCand struct {
	addr, data, ctrl Rel // redefined through carry-dep
	srcuRscs         Rel
	flags            []string
}

func newLkmmCand(st *lkmmStruct, c *Candidate) *lkmmCand {
	cd := &lkmmCand{}
	s := c.Structure
	// SRCU matching, with the bell's original data and rf.
	if st.SrcuLock.Empty() && st.SrcuUnlock.Empty() {
		cd.srcuRscs = NewRel(st.n)
	} else {
		carrySrcu := s.Data.Restrict(nil, st.notSrcuUnlock).Seq(c.Rf).Star()
		cd.srcuRscs = carrySrcu.Restrict(st.SrcuLock, nil).Seq(s.Data).Restrict(nil, st.SrcuUnlock).Inter(st.loc)
		cd.srcuFlags(st, c)
	}
	// Dependencies carried through plain accesses.
	if s.Data.Empty() {
		cd.addr, cd.ctrl, cd.data = s.Addr, s.Ctrl, s.Data
		return cd
	}
	rfi := c.Rf.Inter(st.intl)
	carry := s.Data.Restrict(nil, st.notSrcuUnlock).Seq(rfi).Star()
	cd.addr = carry.Seq(s.Addr)
	cd.ctrl = carry.Seq(s.Ctrl)
	cd.data = carry.Seq(s.Data)
	return cd
}

// srcuFlags raises the bell's SRCU flags: unmatched-srcu-lock,
// unmatched-srcu-unlock, multiple-srcu-matches and srcu-bad-value-match.
func (cd *lkmmCand) srcuFlags(st *lkmmStruct, c *Candidate) {
	if !st.SrcuLock.Diff(cd.srcuRscs.Domain()).Empty() {
		cd.flags = append(cd.flags, "unmatched-srcu-lock")
	}
	if !st.SrcuUnlock.Diff(cd.srcuRscs.Range()).Empty() {
		cd.flags = append(cd.flags, "unmatched-srcu-unlock")
	}
	if !cd.srcuRscs.Inverse().Seq(cd.srcuRscs).Diff(st.id).Empty() {
		cd.flags = append(cd.flags, "multiple-srcu-matches")
	}
	bad := false
	cd.srcuRscs.Each(func(a, b int) {
		if c.Val[a] != c.Val[b] {
			bad = true
		}
	})
	if bad {
		cd.flags = append(cd.flags, "srcu-bad-value-match")
	}
}

// lockRfChoices returns, for each LF event outside a critical section and
// each RU event, the rf edges it may take (lock.cat's cross products).
func lockRfChoices(st *lkmmStruct) [][][2]int {
	var out [][][2]int
	crit := st.rfiLF.Range()
	st.LF.Diff(crit).Each(func(e int) {
		var opts [][2]int
		st.LKW.Each(func(w int) {
			if st.loc.Has(w, e) && st.ext.Has(w, e) {
				opts = append(opts, [2]int{w, e})
			}
		})
		out = append(out, opts)
	})
	laterUL := st.poLoc.Restrict(st.UL, st.UL).Seq(st.poLoc)
	st.RU.Each(func(e int) {
		var opts [][2]int
		for w := 0; w < st.n; w++ {
			switch {
			case st.UL.Has(w) && st.poLoc.Has(w, e) && !laterUL.Has(w, e):
				opts = append(opts, [2]int{w, e})
			case (st.UL.Has(w) || st.IW.Has(w)) && st.loc.Has(w, e) && st.ext.Has(w, e):
				opts = append(opts, [2]int{w, e})
			}
		}
		out = append(out, opts)
	})
	return out
}

// obsCo returns cos-opt.cat's cobase for the reads-from rf (ordinary and LF
// and RU reads): coherence order forced by observation, plus co0.
func obsCo(st *lkmmStruct, rf Rel) Rel {
	inv := rf.Inverse()
	id := Identity(st.n, st.all)
	ww := st.poLoc.Restrict(st.W, st.W)
	rw := rf.Seq(st.poLoc.Restrict(st.R, st.W))
	wr := st.poLoc.Restrict(st.W, st.R).Seq(inv).Diff(id)
	rr := rf.Seq(st.poLoc.Restrict(st.R, st.R)).Seq(inv).Diff(id)
	return unionAll(ww, rw, wr, rr, st.co0)
}

// judgeRf enumerates the coherence orders for one full choice of rf (of
// ordinary, LF and RU reads) and judges each. It returns false when yield
// asked to stop.
func (m *LKMM) judgeRf(st *lkmmStruct, cd *lkmmCand, x *Execution, rf Rel, yield func(*Execution, Judgement) bool) bool {
	cobase := obsCo(st, rf)
	if !cobase.Acyclic() {
		x.Co, x.Rf = NewRel(st.n), rf
		return yield(x, Judgement{Failed: "ConsCo"})
	}
	closed := cobase.Plus()
	// Linearisations of each location's writes.
	var perLoc [][][]int
	for i, ws := range st.writesByLoc {
		lins := linearisations(ws, closed)
		if !m.AllExecutions {
			lins = coherentOrders(st, rf, st.eventsByLoc[i], lins)
		}
		if len(lins) == 0 {
			return true
		}
		perLoc = append(perLoc, lins)
	}
	pick := make([]int, len(perLoc))
	ex := &lkmmExec{st: st, cd: cd, x: x}
	defer ex.release()
	co := NewRel(st.n)
	for {
		co.Clear()
		for i, lins := range perLoc {
			order := lins[pick[i]]
			for a := 0; a < len(order); a++ {
				for b := a + 1; b < len(order); b++ {
					co.Add(order[a], order[b])
				}
			}
		}
		ex.setCo(co, rf)
		if !yield(x, ex.judge()) {
			return false
		}
		i := 0
		for ; i < len(pick); i++ {
			pick[i]++
			if pick[i] < len(perLoc[i]) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			return true
		}
	}
}

// linearisations returns every total order of ws that extends the strict
// order pco (restricted to ws).
func linearisations(ws []int, pco Rel) [][]int {
	var out [][]int
	k := len(ws)
	pred := make([]uint64, k) // pred[i]: bitmask of indices that must come before i
	for i, a := range ws {
		for j, b := range ws {
			if pco.Has(b, a) {
				pred[i] |= 1 << j
			}
		}
	}
	order := make([]int, 0, k)
	var rec func(done uint64)
	rec = func(done uint64) {
		if len(order) == k {
			out = append(out, append([]int(nil), order...))
			return
		}
		for i := 0; i < k; i++ {
			if done&(1<<i) == 0 && pred[i]&^done == 0 {
				order = append(order, ws[i])
				rec(done | 1<<i)
				order = order[:len(order)-1]
			}
		}
	}
	rec(0)
	return out
}

// coherentOrders keeps the coherence orders of one location (given by the
// events of the location, locEv) that pass the coherence and atomic checks
// restricted to that location. Every relation of those two checks relates
// events of one location only, so an execution passes them exactly when
// each location's order does.
func coherentOrders(st *lkmmStruct, rf Rel, locEv Set, lins [][]int) [][]int {
	kept := lins[:0]
	e := &lkmmExec{st: st, x: &Execution{}}
	defer e.release()
	poLoc := st.poLoc.Restrict(locEv, locEv)
	rfL := rf.Restrict(locEv, locEv)
	co := NewRel(st.n)
	for _, order := range lins {
		co.Clear()
		for a := 0; a < len(order); a++ {
			for b := a + 1; b < len(order); b++ {
				co.Add(order[a], order[b])
			}
		}
		e.setCo(co, rfL)
		e.coe = e.co.Inter(st.ext)
		e.fre = e.fr.Inter(st.ext)
		if unionAll(poLoc, e.rf, e.co, e.fr).Acyclic() && e.atomic() {
			kept = append(kept, order)
		}
	}
	return kept
}
