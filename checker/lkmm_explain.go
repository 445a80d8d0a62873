package checker

import (
	"cmp"
	"slices"
)

// A CycleEdge is one edge of a cycle that an acyclicity check found: From
// and To are event numbers, Rel names the relation the edge belongs to, as
// the model names it ("po-loc", "rfe", "fre", "coe", "po-rel", "mb", ...).
type CycleEdge struct {
	From, To int
	Rel      string
}

// Cycle re-judges the execution x (its full Co and Rf, as Judge passed
// them) and, if it fails an acyclicity or irreflexivity check (coherence,
// happens-before, propagation, rcu), returns the check's name
// and a shortest cycle of the failing relation, each edge labelled. It
// returns "" and nil for an execution that fails no such check.
func (m *LKMM) Cycle(x *Execution) (string, []CycleEdge) {
	e := m.rejudge(x)
	if !e.coherence() {
		return "coherence", e.labelled(shortestCycle(unionAll(e.st.poLoc, e.rf, e.co, e.fr)), e.comLabels())
	}
	if !e.atomic() {
		return "", nil
	}
	e.fences()
	if !e.happensBefore() {
		return "happens-before", e.labelled(shortestCycle(e.hb), e.hbLabels())
	}
	if !e.propagation() {
		return "propagation", e.expandPb(shortestCycle(e.pb))
	}
	if !e.rcu() {
		return "rcu", e.labelled(shortestCycle(e.rb), []namedRel{{"rb", e.rb}})
	}
	return "", nil
}

// rejudge prepares the judgement of the execution x (its full Co and Rf,
// as Judge passed them) outside the enumeration: the relations of rf and
// co, ready for the checks. Its relations are not pooled.
func (m *LKMM) rejudge(x *Execution) *lkmmExec {
	st := m.structure(x.Structure)
	cd := newLkmmCand(st, x.Candidate)
	e := &lkmmExec{st: st, cd: cd, x: &Execution{Candidate: x.Candidate}}
	e.co, e.rf = x.Co, x.Rf
	e.fr = e.rf.Inverse().Seq(e.co)
	e.rfe = e.rf.Inter(st.ext)
	e.rfi = e.rf.Inter(st.intl)
	e.coe = e.co.Inter(st.ext)
	e.fre = e.fr.Inter(st.ext)
	return e
}

// A Race is a pair of accesses to one location, from different threads
// and at least one of them plain, that the model's plain-access rules
// single out. A and B number events as the execution (and its [Witness])
// does.
type Race struct {
	A, B int
	// Kind names the relation of linux-kernel.cat the pair belongs to.
	// For an allowed execution, whose pairs raise the data-race flag:
	//   - "ww-race": A and B are writes, A before B in coherence order,
	//     and neither is ordered before the other's thread sees it;
	//   - "wr-race": A is a write and read B sees A or a write after it in
	//     coherence order, yet A is not visible to B's thread before B
	//     executes and B does not execute before A;
	//   - "rw-race": read A sees a write that B overwrites (fr), yet A does
	//     not execute before B.
	// For an execution rejected by plain-coherence:
	//   - "wr-incoh": read B reads from write A but executes before it;
	//   - "rw-incoh": read A misses write B (fr) although B is visible to
	//     A's thread before A executes;
	//   - "ww-incoh": write B overwrites write A although B is visible to
	//     A's thread before A executes.
	Kind string
}

// Races re-judges the execution x (its full Co and Rf, as Judge passed
// them). For an allowed execution it returns the pairs that raise the
// data-race flag (ww-race, wr-race, rw-race); for one that fails
// plain-coherence, the pairs that break it (wr-incoh, rw-incoh,
// ww-incoh). It returns nil otherwise: no plain access, no race, or an
// earlier check fails. Pairs come sorted by A, then B, then kind. It is
// meant for explanations, not for the enumeration's hot path.
func (m *LKMM) Races(x *Execution) []Race {
	st := m.structure(x.Structure)
	if st.lockFailed != "" || st.preRace.Empty() {
		return nil
	}
	e := m.rejudge(x)
	if !e.coherence() || !e.atomic() {
		return nil
	}
	e.fences()
	if !e.happensBefore() || !e.propagation() || !e.rcu() {
		return nil
	}
	v := e.plainOrder()
	var out []Race
	add := func(kind string, r Rel) {
		r.Each(func(a, b int) { out = append(out, Race{A: a, B: b, Kind: kind}) })
	}
	wr, rw, ww := e.incoherent(v)
	if !wr.Empty() || !rw.Empty() || !ww.Empty() {
		add("wr-incoh", wr)
		add("rw-incoh", rw)
		add("ww-incoh", ww)
	} else {
		ww, wr, rw = e.races(v)
		add("ww-race", ww)
		add("wr-race", wr)
		add("rw-race", rw)
	}
	slices.SortFunc(out, func(p, q Race) int {
		return cmp.Or(cmp.Compare(p.A, q.A), cmp.Compare(p.B, q.B), cmp.Compare(p.Kind, q.Kind))
	})
	return out
}

// namedRel is a relation with the name used to label its edges.
type namedRel struct {
	name string
	r    Rel
}

// comLabels names the parts of po-loc | rf | co | fr.
func (e *lkmmExec) comLabels() []namedRel {
	st := e.st
	return []namedRel{
		{"po-loc", e.st.poLoc},
		{"rfe", e.rfe}, {"rfi", e.rfi},
		{"coe", e.coe}, {"coi", e.co.Inter(st.intl)},
		{"fre", e.fre}, {"fri", e.fr.Inter(st.intl)},
	}
}

// hbLabels names the parts of hb, most specific first.
func (e *lkmmExec) hbLabels() []namedRel {
	st, cd := e.st, e.cd
	id := Identity(st.n, st.all)
	return []namedRel{
		{"rfe", e.rfe},
		{"addr", cd.addr}, {"data", cd.data}, {"ctrl", cd.ctrl},
		{"po-rel", st.poRel}, {"acq-po", st.acqPo},
		{"mb", e.mb}, {"gp", st.gp}, {"wmb", st.wmb}, {"rmb", st.rmb},
		{"po-unlock-lock-po", e.poUnlockLockPo},
		{"coi", e.co.Inter(st.intl)}, {"fri", e.fr.Inter(st.intl)},
		{"rfi", e.rfi},
		{"prop", e.prop.Diff(id)},
		{"ppo", e.hb},
	}
}

// labelled turns a cycle of events into edges named by the first relation
// of labels that holds each pair.
func (e *lkmmExec) labelled(cycle []int, labels []namedRel) []CycleEdge {
	var out []CycleEdge
	for i, a := range cycle {
		b := cycle[(i+1)%len(cycle)]
		name := "?"
		for _, l := range labels {
			if l.r.Has(a, b) {
				name = l.name
				break
			}
		}
		out = append(out, CycleEdge{From: a, To: b, Rel: name})
	}
	return out
}

// expandPb expands each pb edge of a cycle into prop ; strong-fence ; hb*.
func (e *lkmmExec) expandPb(cycle []int) []CycleEdge {
	var out []CycleEdge
	hbStar := e.hb.Star()
	for i, a := range cycle {
		b := cycle[(i+1)%len(cycle)]
		done := false
		for c := 0; c < e.st.n && !done; c++ {
			if !e.prop.Has(a, c) {
				continue
			}
			for d := 0; d < e.st.n; d++ {
				if e.strongFence.Has(c, d) && hbStar.Has(d, b) {
					if a != c {
						out = append(out, CycleEdge{From: a, To: c, Rel: e.propName(a, c)})
					}
					out = append(out, CycleEdge{From: c, To: d, Rel: e.fenceName(c, d)})
					if d != b {
						out = append(out, CycleEdge{From: d, To: b, Rel: "hb*"})
					}
					done = true
					break
				}
			}
		}
		if !done {
			out = append(out, CycleEdge{From: a, To: b, Rel: "pb"})
		}
	}
	return out
}

// propName names a prop edge by its single component when it has one.
func (e *lkmmExec) propName(a, c int) string {
	switch {
	case e.fre.Has(a, c):
		return "fre"
	case e.coe.Has(a, c):
		return "coe"
	case e.rfe.Has(a, c):
		return "rfe"
	}
	return "prop"
}

// fenceName names the strong fence between c and d.
func (e *lkmmExec) fenceName(c, d int) string {
	if e.st.gp.Has(c, d) {
		return "gp"
	}
	return "mb"
}

// shortestCycle returns the events of a shortest cycle of r, in order, or
// nil when r is acyclic.
func shortestCycle(r Rel) []int {
	n := r.N()
	var best []int
	prev := make([]int, n)
	queue := make([]int, 0, n)
	for s := 0; s < n; s++ {
		for i := range prev {
			prev[i] = -1
		}
		queue = append(queue[:0], s)
		found := false
		for h := 0; h < len(queue) && !found; h++ {
			a := queue[h]
			r.Row(a).Each(func(b int) {
				if found {
					return
				}
				if b == s {
					// Rebuild the path s → … → a, then close it.
					var path []int
					for v := a; v != s; v = prev[v] {
						path = append(path, v)
					}
					path = append(path, s)
					for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
						path[i], path[j] = path[j], path[i]
					}
					if best == nil || len(path) < len(best) {
						best = path
					}
					found = true
					return
				}
				if prev[b] == -1 && b != s {
					prev[b] = a
					queue = append(queue, b)
				}
			})
		}
	}
	return best
}
