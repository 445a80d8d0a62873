package checker

// This file is the BPF memory model of herd7's bpf.cat (with cos-opt.cat
// for coherence orders), as Go code over relations.
//
// The model works on "nodes": the events of the structure, except that the
// read and write halves of one single-event atomic (see bpf_lower.go) are
// one node, named by the read half, as herd7 makes them one event that is
// both a read and a write. The write half then belongs to no set and no
// relation of the model.

// BPF is the BPF memory model (bpf.cat). Its zero value is ready to use.
type BPF struct{}

// bpfStruct is the per-structure part of the model.
type bpfStruct struct {
	n    int
	node []int // node of each event: itself, or the read half for the write half of a single-event atomic
	live Set   // events that are nodes

	R, W, M, IW Set
	RMW         Set // single-event atomics annotated SC (bpf.cat's RMW)
	RW          Set // every single-event atomic (bpf.cat's R & W)
	AQ, RL      Set
	sc          Set // annotated SC

	po, poLoc, loc, intl, ext Rel
	rmw                       Rel // successful cmpxchg: read → write (bpf.cat's amo and rmw)
	addr, data, ctrl          Rel

	poAmoFetch Rel // po_amo_fetch
	rcpc       Rel // load_acquire | store_release
	storeRel   Rel // store_release
	ppoStatic  Rel // the parts of ppo that do not depend on rf or co

	writesByLoc [][]int // nodes writing each location
}

// newBPFStruct computes what depends only on the structure s.
func newBPFStruct(s *Structure) *bpfStruct {
	n := s.N()
	st := &bpfStruct{n: n, node: make([]int, n), live: NewSet(n)}
	for e := range s.Events {
		st.node[e] = e
		ev := &s.Events[e]
		if e > 0 && ev.Kind == KindW && ev.Tags&TagRMW != 0 {
			pr := &s.Events[e-1]
			if pr.Kind == KindR && pr.Tags&TagRMW != 0 && pr.Thread == ev.Thread && pr.Instr == ev.Instr && s.Rmw.Row(e-1).Empty() {
				st.node[e] = e - 1
				continue
			}
		}
		st.live.Add(e)
	}
	st.R, st.W, st.IW, st.RMW, st.RW, st.AQ, st.RL, st.sc = NewSet(n), NewSet(n), NewSet(n), NewSet(n), NewSet(n), NewSet(n), NewSet(n), NewSet(n)
	for e := range s.Events {
		ev := &s.Events[e]
		nd := st.node[e]
		switch ev.Kind {
		case KindR:
			st.R.Add(nd)
		case KindW:
			st.W.Add(nd)
		}
		if ev.Tags&TagInit != 0 {
			st.IW.Add(nd)
		}
		if ev.Tags&TagAcquire != 0 {
			st.AQ.Add(nd)
		}
		if ev.Tags&TagRelease != 0 {
			st.RL.Add(nd)
		}
		if ev.Tags&TagMb != 0 {
			st.sc.Add(nd)
		}
		if nd != e {
			st.RW.Add(nd)
			if ev.Tags&TagMb != 0 {
				st.RMW.Add(nd)
			}
		}
	}
	st.M = st.R.Union(st.W)

	// Relations, mapped onto nodes without self pairs.
	st.po = st.quotient(s.Po)
	st.addr = st.quotient(s.Addr)
	st.data = st.quotient(s.Data)
	st.ctrl = st.quotient(s.Ctrl)
	st.rmw = NewRel(n)
	s.Rmw.Each(func(a, b int) {
		// bpf.cat's amo holds the atomic (X or SC) halves of one instance.
		if s.Events[a].Tags&(TagMb|TagNoreturn) != 0 && s.Events[b].Tags&(TagMb|TagNoreturn) != 0 {
			st.rmw.Add(a, b)
		}
	})
	st.loc, st.intl, st.ext = NewRel(n), NewRel(n), NewRel(n)
	st.live.Each(func(a int) {
		st.live.Each(func(b int) {
			ea, eb := &s.Events[a], &s.Events[b]
			if ea.Loc >= 0 && ea.Loc == eb.Loc {
				st.loc.Add(a, b)
			}
			if ea.Thread >= 0 && ea.Thread == eb.Thread {
				st.intl.Add(a, b)
			} else {
				st.ext.Add(a, b)
			}
		})
	})
	st.poLoc = st.po.Inter(st.loc).Restrict(st.M, st.M)
	st.writesByLoc = make([][]int, len(s.Locs))
	st.W.Each(func(w int) {
		st.writesByLoc[s.Events[w].Loc] = append(st.writesByLoc[s.Events[w].Loc], w)
	})

	st.poAmoFetch = st.amoFetchOrder()
	st.storeRel = st.po.Restrict(st.M, st.RL)
	st.rcpc = st.po.Restrict(st.AQ, st.M).Union(st.storeRel)
	st.ppoStatic = st.staticPpo()
	return st
}

// quotient maps a relation over events onto nodes, dropping self pairs
// (the two halves of one single-event atomic are one event in herd7).
func (st *bpfStruct) quotient(r Rel) Rel {
	q := NewRel(st.n)
	r.Each(func(a, b int) {
		na, nb := st.node[a], st.node[b]
		if na != nb {
			q.Add(na, nb)
		}
	})
	return q
}

// amoFetchOrder is bpf.cat's po_amo_fetch: value-returning atomics (SC
// single events, and both halves of a successful cmpxchg) order every
// access before them with every access after them.
func (st *bpfStruct) amoFetchOrder() Rel {
	srmw := NewRel(st.n)
	st.rmw.Each(func(a, b int) {
		if st.isSC(a) && st.isSC(b) {
			srmw.Add(a, b)
		}
	})
	return unionAll(
		st.po.Restrict(st.M, st.RMW),
		st.po.Restrict(st.RMW, st.M),
		st.po.Restrict(st.M, srmw.Domain()),
		st.po.Restrict(srmw.Range(), st.M),
	)
}

// isSC reports whether node e is annotated SC. Only successful cmpxchg
// halves and value-returning single-event atomics are.
func (st *bpfStruct) isSC(e int) bool { return st.sc.Has(e) }

// staticPpo is the part of bpf.cat's ppo fixed by the structure: atomic
// and acquire/release ordering and the syntactic dependencies.
func (st *bpfStruct) staticPpo() Rel {
	addrDep := st.addr.Restrict(st.R, st.M)
	dataDep := st.data.Restrict(st.R, st.W)
	ctrlDep := st.ctrl.Restrict(st.R, st.W)
	addrPo := st.addr.Restrict(st.M, st.M).Seq(st.po.Restrict(st.M, st.W))
	return unionAll(st.poAmoFetch, st.rcpc, addrDep, dataDep, ctrlDep, addrPo)
}
