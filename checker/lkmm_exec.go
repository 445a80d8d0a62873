package checker

import (
	"encoding/binary"
	"math/bits"
)

// Judge implements [Model]: it enumerates the model's choices for c (the rf
// of LF and RU events, then the coherence orders) and judges each
// execution. It never fails.
func (m *LKMM) Judge(c *Candidate, yield func(x *Execution, j Judgement) bool) error {
	m.judge(c, yield)
	return nil
}

func (m *LKMM) judge(c *Candidate, yield func(x *Execution, j Judgement) bool) {
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
	plainRf := len(choices) == 0 && st.rfiLF.Empty()
	for {
		rf := c.Rf
		if !plainRf {
			rf = c.Rf.Clone()
			for i, options := range choices {
				e := options[pick[i]]
				rf.Add(e[0], e[1])
			}
			rf.UnionWith(st.rfiLF)
		}
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

	// The flags of allowed executions without and with data-race, once
	// flagsReady.
	flagsNoRace, flagsRace []string
	flagsReady             bool
}

func newLkmmCand(st *lkmmStruct, c *Candidate) *lkmmCand {
	cd := &lkmmCand{}
	s := c.Structure
	// SRCU matching, with the bell's original data and rf.
	if st.SrcuLock.Empty() && st.SrcuUnlock.Empty() {
		cd.srcuRscs = st.none
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
func obsCo(ar *arena, st *lkmmStruct, rf, rfInv Rel) Rel {
	ww := st.poLocWW
	rw := ar.seq(rf, st.poLocRW)
	wr := ar.seq(st.poLocWR, rfInv)
	wr.DiffWith(st.id)
	rr := ar.seq(rf, st.poLocRR, rfInv)
	rr.DiffWith(st.id)
	return ar.union(ww, rw, wr, rr, st.co0)
}

// judgeRf enumerates the coherence orders for one full choice of rf (of
// ordinary, LF and RU reads) and judges each. It returns false when yield
// asked to stop.
func (m *LKMM) judgeRf(st *lkmmStruct, cd *lkmmCand, x *Execution, rf Rel, yield func(*Execution, Judgement) bool) bool {
	ex := newLkmmExec(st, cd, x)
	defer ex.release()
	ar := ex.ar
	// The coherence orders of each location's writes. Observation orders
	// writes of one location only, so each location's orders depend on
	// the rf of its own reads alone.
	var closed Rel // cobase⁺, computed when a location needs it
	perLoc := ex.perLoc[:0]
	consCo, none := false, false
	for i := range st.writesByLoc {
		var lo *locOrders
		if !m.AllExecutions {
			lo = st.cachedOrders(i, rf, &ex.key)
		}
		if lo == nil {
			if closed.n == 0 {
				closed = obsCo(ar, st, rf, ar.inverse(rf))
				closed.PlusInPlace()
			}
			lo = st.locOrders(i, rf, closed, !m.AllExecutions)
			if !m.AllExecutions {
				st.storeOrders(i, ex.key, lo)
			}
		}
		consCo = consCo || lo.consCo
		none = none || len(lo.orders) == 0
		perLoc = append(perLoc, lo.orders)
	}
	ex.perLoc = perLoc
	if consCo {
		x.Co, x.Rf = NewRel(st.n), rf
		return yield(x, Judgement{Failed: "ConsCo"})
	}
	if none {
		return true
	}
	pick := ex.pick[:0]
	for range perLoc {
		pick = append(pick, 0)
	}
	ex.pick = pick
	co := ar.rel(st.n)
	ex.begin(rf)
	ex.coherent = !m.AllExecutions
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

// locOrders is what judgeRf needs about one location's writes for one rf
// of the location's reads.
type locOrders struct {
	consCo bool    // observation orders the writes cyclically (cobase is cyclic)
	orders [][]int // the coherence orders extending cobase; only those passing coherence and atomic when filtered
}

// locOrders computes the orders of the i-th location with writes, given
// rf and the closure of cobase.
func (st *lkmmStruct) locOrders(i int, rf, closed Rel, filter bool) *locOrders {
	ws := st.writesByLoc[i]
	for _, w := range ws {
		if closed.Has(w, w) {
			return &locOrders{consCo: true}
		}
	}
	lins := linearisations(ws, closed)
	if filter {
		lins = coherentOrders(st, rf, i, lins)
	}
	return &locOrders{orders: lins}
}

// ordersKey sets *key to the rf of the i-th location's reads: for each,
// its source event plus one (0 for none), as a varint.
func (st *lkmmStruct) ordersKey(i int, rf Rel, key *[]byte) {
	k := (*key)[:0]
	for _, r := range st.readsByLoc[i] {
		src := 0
		for _, w := range st.locEvents[i] {
			if rf.Has(w, r) {
				src = w + 1
				break
			}
		}
		k = binary.AppendUvarint(k, uint64(src))
	}
	*key = k
}

// cachedOrders returns the orders of the i-th location stored for the rf
// of its reads, or nil; it leaves the key in *key.
func (st *lkmmStruct) cachedOrders(i int, rf Rel, key *[]byte) *locOrders {
	st.ordersKey(i, rf, key)
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.orderCache[i][string(*key)]
}

// storeOrders stores lo as the orders of the i-th location for key.
func (st *lkmmStruct) storeOrders(i int, key []byte, lo *locOrders) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.orderCache[i] == nil {
		st.orderCache[i] = map[string]*locOrders{}
	}
	st.orderCache[i][string(key)] = lo
}

// linearisations returns every total order of ws that extends the strict
// order pco (restricted to ws).
func linearisations(ws []int, pco Rel) [][]int {
	k := len(ws)
	if k == 1 {
		return [][]int{ws}
	}
	var out [][]int
	// pred[i]: the indices that must come before i, as a bitset of any
	// size (a location may have more than 64 writes).
	words := (k + 63) / 64
	pred := make([][]uint64, k)
	for i, a := range ws {
		pred[i] = make([]uint64, words)
		for j, b := range ws {
			if pco.Has(b, a) {
				pred[i][j/64] |= 1 << (j % 64)
			}
		}
	}
	ready := func(i int, done []uint64) bool {
		if done[i/64]&(1<<(i%64)) != 0 {
			return false
		}
		for w, p := range pred[i] {
			if p&^done[w] != 0 {
				return false
			}
		}
		return true
	}
	order := make([]int, 0, k)
	done := make([]uint64, words)
	var rec func()
	rec = func() {
		if len(order) == k {
			out = append(out, append([]int(nil), order...))
			return
		}
		for i := 0; i < k; i++ {
			if ready(i, done) {
				order = append(order, ws[i])
				done[i/64] |= 1 << (i % 64)
				rec()
				done[i/64] &^= 1 << (i % 64)
				order = order[:len(order)-1]
			}
		}
	}
	rec()
	return out
}

// coherentOrders keeps the coherence orders of the i-th location with
// writes that pass the coherence and atomic checks restricted to that
// location. Every relation of those two checks relates events of one
// location only, so an execution passes them exactly when each location's
// order does.
func coherentOrders(st *lkmmStruct, rf Rel, i int, lins [][]int) [][]int {
	if lc := st.locChecks[i]; lc != nil {
		return lc.coherentOrders(rf, lins)
	}
	locEv := st.eventsByLoc[i]
	kept := lins[:0]
	e := newLkmmExec(st, nil, &Execution{})
	defer e.release()
	ar := e.ar
	poLoc := ar.restrict(st.poLoc, locEv, locEv)
	rfL := ar.restrict(rf, locEv, locEv)
	co := ar.rel(st.n)
	e.begin(rfL)
	for _, order := range lins {
		co.Clear()
		for a := 0; a < len(order); a++ {
			for b := a + 1; b < len(order); b++ {
				co.Add(order[a], order[b])
			}
		}
		e.setCo(co, rfL)
		e.coe = ar.inter(e.co, st.ext)
		e.fre = ar.inter(e.fr, st.ext)
		if ar.union(poLoc, e.rf, e.co, e.fr).Acyclic() && e.atomic() {
			kept = append(kept, order)
		}
	}
	return kept
}

// A locCheck checks the coherence orders of one location of a structure
// without lock events, over that location's events alone (at most 64):
// bit i of a row stands for the location's i-th event.
type locCheck struct {
	ev     []int    // the location's events
	idx    []int    // index in ev of each event of the structure, or -1
	poLoc  []uint64 // po-loc
	ext    []uint64 // pairs of events of different threads
	rmw    [][2]int // rmw pairs, as indices
	reads  []int    // the reads, as indices
	rf, co []uint64 // scratch: one goroutine judges a structure at a time
}

// newLocCheck prepares the check of the events locEv, or returns nil when
// it does not apply (lock events, or more than 64 events).
func newLocCheck(st *lkmmStruct, locEv Set) *locCheck {
	if !st.UL.Empty() || !st.LKR.Empty() || locEv.Len() > 64 {
		return nil
	}
	lc := &locCheck{idx: make([]int, st.n)}
	for i := range lc.idx {
		lc.idx[i] = -1
	}
	locEv.Each(func(e int) {
		lc.idx[e] = len(lc.ev)
		lc.ev = append(lc.ev, e)
	})
	k := len(lc.ev)
	lc.poLoc, lc.ext = make([]uint64, k), make([]uint64, k)
	lc.rf, lc.co = make([]uint64, k), make([]uint64, k)
	for i, a := range lc.ev {
		if st.R.Has(a) {
			lc.reads = append(lc.reads, i)
		}
		for j, b := range lc.ev {
			if st.poLoc.Has(a, b) {
				lc.poLoc[i] |= 1 << j
			}
			if st.ext.Has(a, b) {
				lc.ext[i] |= 1 << j
			}
			if st.rmw.Has(a, b) {
				lc.rmw = append(lc.rmw, [2]int{i, j})
			}
		}
	}
	return lc
}

// coherentOrders keeps the orders of lins (each a coherence order of the
// location's writes) that pass coherence and atomic with rf.
func (lc *locCheck) coherentOrders(rf Rel, lins [][]int) [][]int {
	k := len(lc.ev)
	rfOf := lc.rf // rfOf[r]: the index of the write read by read r, or k
	for _, r := range lc.reads {
		rfOf[r] = uint64(k)
	}
	for i, w := range lc.ev {
		rf.Row(w).Each(func(r int) {
			if j := lc.idx[r]; j >= 0 {
				rfOf[j] = uint64(i)
			}
		})
	}
	com := make([]uint64, k)
	kept := lins[:0]
	for _, order := range lins {
		co := lc.co
		clear(co)
		var later uint64
		for a := len(order) - 1; a >= 0; a-- {
			i := lc.idx[order[a]]
			co[i] = later
			later |= 1 << i
		}
		// com = po-loc | rf | co | fr
		for i := range com {
			com[i] = lc.poLoc[i] | co[i]
		}
		for _, r := range lc.reads {
			if w := rfOf[r]; w < uint64(k) {
				com[w] |= 1 << r
				com[r] |= co[w] // fr
			}
		}
		if !acyclic64(com) || !lc.atomic(co, rfOf) {
			continue
		}
		kept = append(kept, order)
	}
	return kept
}

// atomic is "empty rmw & (fre ; coe)" over the location's events.
func (lc *locCheck) atomic(co, rfOf []uint64) bool {
	for _, p := range lc.rmw {
		r, w := p[0], p[1]
		src := rfOf[r]
		if src >= uint64(len(lc.ev)) {
			continue
		}
		fre := co[src] & lc.ext[r]
		for m := fre; m != 0; m &= m - 1 {
			x := bits.TrailingZeros64(m)
			if co[x]&lc.ext[x]&(1<<w) != 0 {
				return false
			}
		}
	}
	return true
}

// acyclic64 reports whether the relation with rows g (over at most 64
// elements) has no cycle.
func acyclic64(g []uint64) bool {
	var left uint64
	if len(g) == 64 {
		left = ^uint64(0)
	} else {
		left = 1<<len(g) - 1
	}
	for left != 0 {
		removed := false
		for m := left; m != 0; m &= m - 1 {
			a := bits.TrailingZeros64(m)
			if g[a]&left == 0 {
				left &^= 1 << a
				removed = true
			}
		}
		if !removed {
			return false
		}
	}
	return true
}
