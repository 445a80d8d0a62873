package checker

// This file enumerates the BPF model's coherence orders (cos-opt.cat) for
// a candidate and judges each execution against bpf.cat's axioms.

// structure returns the per-structure part of the model, computing it on
// first use.
func (m *BPF) structure(s *Structure) *bpfStruct {
	if st, ok := s.Cache.(*bpfStruct); ok {
		return st
	}
	st := newBPFStruct(s)
	s.Cache = st
	return st
}

// Judge implements [Model]. It never fails.
func (m *BPF) Judge(c *Candidate, yield func(x *Execution, j Judgement) bool) error {
	m.judge(c, yield)
	return nil
}

func (m *BPF) judge(c *Candidate, yield func(x *Execution, j Judgement) bool) {
	st := m.structure(c.Structure)
	rf := st.quotient(c.Rf)
	x := &Execution{Candidate: c, Rf: c.Rf}
	cobase := st.coBase(rf)
	if !cobase.Acyclic() {
		x.Co = NewRel(st.n)
		yield(x, Judgement{Failed: "ConsCo"})
		return
	}
	closed := cobase.Plus()
	var perLoc [][][]int
	for _, ws := range st.writesByLoc {
		lins := linearisations(ws, closed)
		if len(lins) == 0 {
			return
		}
		perLoc = append(perLoc, lins)
	}
	pick := make([]int, len(perLoc))
	for {
		co := NewRel(st.n)
		for i, lins := range perLoc {
			order := lins[pick[i]]
			for a := 0; a < len(order); a++ {
				for b := a + 1; b < len(order); b++ {
					co.Add(order[a], order[b])
				}
			}
		}
		x.Co = st.eventCo(co)
		if !yield(x, st.judge(rf, co)) {
			return
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
			return
		}
	}
}

// eventCo maps a coherence order over nodes back to events: a
// single-event atomic's place in co is its write half's.
func (st *bpfStruct) eventCo(co Rel) Rel {
	ev := NewRel(st.n)
	writer := make([]int, st.n)
	for e := range writer {
		writer[e] = e
	}
	for e, nd := range st.node {
		if nd != e {
			writer[nd] = e
		}
	}
	co.Each(func(a, b int) { ev.Add(writer[a], writer[b]) })
	return ev
}

// coBase is cos-opt.cat's cobase for rf: the coherence order that the
// test's observations force (write-write, read-write, write-read and
// read-read pairs in po-loc), the order forced by the atomicity of
// single-event atomics (rmwco), and co0 (initial writes first).
func (st *bpfStruct) coBase(rf Rel) Rel {
	inv := rf.Inverse()
	id := Identity(st.n, st.live)
	ww := st.poLoc.Restrict(st.W, st.W)
	rw := rf.Seq(st.poLoc.Restrict(st.R, st.W))
	wr := st.poLoc.Restrict(st.W, st.R).Seq(inv).Diff(id)
	rr := rf.Seq(st.poLoc.Restrict(st.R, st.R)).Seq(inv).Diff(id)
	rmwco := rf.Restrict(st.W, st.RW)
	co0 := st.loc.Restrict(st.IW, st.W.Diff(st.IW))
	return unionAll(ww, rw, wr, rr, rmwco, co0)
}

// bpfExec holds the relations of one execution.
type bpfExec struct {
	st                           *bpfStruct
	rf, co, fr                   Rel
	rfe, rfi, coe, coi, fre, fri Rel
}

// judge checks one execution against bpf.cat's axioms, in the order the
// model states them.
func (st *bpfStruct) judge(rf, co Rel) Judgement {
	e := &bpfExec{st: st, rf: rf, co: co}
	id := Identity(st.n, st.live)
	e.fr = rf.Inverse().Seq(co).Diff(id)
	e.rfe, e.rfi = rf.Inter(st.ext), rf.Inter(st.intl)
	e.coe, e.coi = co.Inter(st.ext), co.Inter(st.intl)
	e.fre, e.fri = e.fr.Inter(st.ext), e.fr.Inter(st.intl)
	if !e.coherence() {
		return Judgement{Failed: "Coherence"}
	}
	hb := e.hb()
	if !hb.Acyclic() {
		return Judgement{Failed: "Happens-before"}
	}
	if !e.propagation(hb) {
		return Judgement{Failed: "Propagation"}
	}
	if !e.atomic() {
		return Judgement{Failed: "Atomic"}
	}
	return Judgement{}
}

// coherence is bpf.cat's "acyclic com | po-loc": SC per location.
func (e *bpfExec) coherence() bool {
	return unionAll(e.co, e.rf, e.fr, e.st.poLoc).Acyclic()
}

// ppo is bpf.cat's preserved program order: the structure's part, the
// pipeline dependencies through an internal reads-from, and the
// overlapping-address orders coi and fri.
func (e *bpfExec) ppo() Rel {
	st := e.st
	pipe := st.addr.Union(st.data).Restrict(st.M, st.W).Seq(e.rfi.Restrict(nil, st.R))
	return unionAll(st.ppoStatic, pipe, e.coi, e.fri)
}

// prop is bpf.cat's propagation order: an optional external coherence or
// from-read step, then any number of A-cumulative steps (an optional
// external rf, then a full-barrier atomic or a release store) each
// followed by a sequence of reads-from into atomics, then an optional
// external rf. Like the cat relation, it contains the identity.
func (e *bpfExec) prop() Rel {
	st := e.st
	id := Identity(st.n, st.live)
	aCumul := e.rfe.Opt().Seq(st.poAmoFetch.Union(st.storeRel))
	// amo-sequence = (rf ; ([R & W] | amo))*
	amoSeq := e.rf.Seq(Identity(st.n, st.RW).Union(st.rmw)).Star()
	step := aCumul.Seq(amoSeq).Star()
	return e.coe.Union(e.fre).Union(id).Seq(step).Seq(e.rfe.Union(id))
}

// hb is bpf.cat's happens-before: ppo, external reads-from, and internal
// propagation between distinct events.
func (e *bpfExec) hb() Rel {
	st := e.st
	id := Identity(st.n, st.live)
	return unionAll(e.ppo(), e.rfe, e.prop().Diff(id).Inter(st.intl))
}

// propagation is bpf.cat's "acyclic pb" with pb = prop ; po_amo_fetch ;
// hb*.
func (e *bpfExec) propagation(hb Rel) bool {
	return e.prop().Seq(e.st.poAmoFetch).Seq(hb.Star()).Acyclic()
}

// atomic is bpf.cat's "empty rmw & (fre;coe)": no write of another thread
// comes between the read and the write of a successful cmpxchg.
func (e *bpfExec) atomic() bool {
	return e.st.rmw.Inter(e.fre.Seq(e.coe)).Empty()
}
