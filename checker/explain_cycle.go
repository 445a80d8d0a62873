package checker

// This file makes the cycles the model reports easier to read: it spells
// out each "prop" edge as the writes, fences and reads it goes through,
// and it finds a coherence cycle for an execution whose observed
// coherence constraints are cyclic (the model reports those without a
// coherence order, so without a cycle).

// expandProps replaces each edge of cycle labelled "prop" by a shortest
// path of x that has prop's shape in linux-kernel.cat: an optional
// overwrite by another thread (fre or coe), fences between marked
// accesses (po-rel, mb, gp, wmb, po-unlock-lock-po, each possibly after
// an rfe), and an optional final rfe. An edge with no such path is kept as it is.
//
// It also replaces each "hb*" edge by a shortest path of hb edges it can
// name: rfe, po-rel, acq-po, fences, dependencies to writes and address
// dependencies, and po-unlock-lock-po.
func expandProps(x *Execution, cycle []CycleEdge) []CycleEdge {
	var out []CycleEdge
	var g *propGraph
	for _, e := range cycle {
		if e.Rel != "prop" && e.Rel != "hb*" {
			out = append(out, e)
			continue
		}
		if g == nil {
			g = newPropGraph(x)
		}
		var path []CycleEdge
		if e.Rel == "prop" {
			path = g.path(e.From, e.To)
		} else {
			path = g.hbPath(e.From, e.To)
		}
		if path != nil {
			out = append(out, path...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// rmwPair reports whether r and w are the read and the write of one
// read-modify-write (an atomic RMW or a spin_lock).
func (g *propGraph) rmwPair(r, w int) bool {
	er, ew := &g.x.Events[r], &g.x.Events[w]
	return er.Kind == KindR && ew.Kind == KindW && er.Thread == ew.Thread && er.Span == ew.Span &&
		(g.x.Rmw.Has(r, w) || (er.Tags&TagLKR != 0 && ew.Tags&TagLKW != 0))
}

// hbStep names an hb edge from a to b that the graph can name, or "".
func (g *propGraph) hbStep(a, b int) string {
	x := g.x
	if !g.marked(a) || !g.marked(b) {
		return ""
	}
	if x.Rf.Has(a, b) && g.ext(a, b) {
		return "rfe"
	}
	if !x.Po.Has(a, b) {
		return ""
	}
	eb := &x.Events[b]
	switch {
	case x.Addr.Has(a, b):
		return "addr"
	case x.Data.Has(a, b) && eb.Kind == KindW:
		return "data"
	case x.Ctrl.Has(a, b) && eb.Kind == KindW:
		return "ctrl"
	case x.Events[a].Kind == KindR && x.Events[a].Tags&(TagAcquire|TagLKR) != 0:
		return "acq-po"
	}
	if f := g.fence(a, b); f != "" {
		return f
	}
	return ""
}

// hbPath returns a shortest path from a to c of edges hbStep names, or
// nil.
func (g *propGraph) hbPath(a, c int) []CycleEdge {
	n := g.x.N()
	prev := make([]int, n)
	rel := make([]string, n)
	for i := range prev {
		prev[i] = -1
	}
	queue := []int{a}
	prev[a] = a
	for h := 0; h < len(queue); h++ {
		u := queue[h]
		if u == c && u != a {
			break
		}
		for v := 0; v < n; v++ {
			if prev[v] >= 0 {
				continue
			}
			if r := g.hbStep(u, v); r != "" {
				prev[v], rel[v] = u, r
				queue = append(queue, v)
			}
		}
	}
	if a == c || prev[c] < 0 {
		return nil
	}
	var path []CycleEdge
	for v := c; v != a; v = prev[v] {
		path = append(path, CycleEdge{From: prev[v], To: v, Rel: rel[v]})
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// propGraph holds the edges prop paths may take.
type propGraph struct {
	x   *Execution
	fr  Rel
	mbF []int // smp_mb and synchronize_rcu fences
	wmb []int // smp_wmb fences
	ul  []int // spin_unlock writes
	lkr []int // spin_lock reads
}

func newPropGraph(x *Execution) *propGraph {
	g := &propGraph{x: x, fr: x.Rf.Inverse().Seq(x.Co)}
	for i := range x.Events {
		ev := &x.Events[i]
		if ev.Tags&TagUL != 0 {
			g.ul = append(g.ul, i)
		}
		if ev.Tags&TagLKR != 0 {
			g.lkr = append(g.lkr, i)
		}
		if ev.Kind != KindF {
			continue
		}
		if ev.Tags&(TagFenceMb|TagSyncRcu) != 0 {
			g.mbF = append(g.mbF, i)
		}
		if ev.Tags&TagWmb != 0 {
			g.wmb = append(g.wmb, i)
		}
	}
	return g
}

// marked reports whether e is a marked access (not a plain one).
func (g *propGraph) marked(e int) bool {
	ev := &g.x.Events[e]
	return (ev.Kind == KindR || ev.Kind == KindW) && ev.Tags != 0
}

func (g *propGraph) ext(a, b int) bool {
	ea, eb := &g.x.Events[a], &g.x.Events[b]
	return ea.Thread != eb.Thread || ea.Thread < 0
}

// fence names the fence ordering a before b in program order ("po-rel",
// "mb", "gp", "wmb"), or "".
func (g *propGraph) fence(a, b int) string {
	x := g.x
	if !x.Po.Has(a, b) {
		return g.unlockLock(a, b)
	}
	if x.Events[b].Kind == KindW && x.Events[b].Tags&(TagRelease|TagUL) != 0 {
		return "po-rel" // spin_unlock is a release
	}
	for _, f := range g.mbF {
		if x.Po.Has(a, f) && x.Po.Has(f, b) {
			if x.Events[f].Tags&TagSyncRcu != 0 {
				return "gp"
			}
			return "mb"
		}
	}
	if x.Events[a].Kind == KindW && x.Events[b].Kind == KindW {
		for _, f := range g.wmb {
			if x.Po.Has(a, f) && x.Po.Has(f, b) {
				return "wmb"
			}
		}
	}
	return g.unlockLock(a, b)
}

// unlockLock returns "po-unlock-lock-po" when a and b are related by
// po ; [UL] ; (po | rf) ; [LKR] ; po, or "".
func (g *propGraph) unlockLock(a, b int) string {
	x := g.x
	for _, ul := range g.ul {
		if !x.Po.Has(a, ul) {
			continue
		}
		for _, lkr := range g.lkr {
			if (x.Po.Has(ul, lkr) || x.Rf.Has(ul, lkr)) && x.Po.Has(lkr, b) {
				return "po-unlock-lock-po"
			}
		}
	}
	return ""
}

// Automaton states of a prop path.
const (
	propStart   = iota // nothing taken yet
	propFence          // after an overwrite or a fence
	propRfe            // after an rfe: a strong fence or po-rel, or the end
	propRmwRead        // at the read of an RMW, in an rmw-sequence: its write next
)

// path returns a shortest prop-shaped path from a to c, or nil.
func (g *propGraph) path(a, c int) []CycleEdge {
	n := g.x.N()
	type node struct{ e, s int }
	type step struct {
		prev node
		rel  string
	}
	seen := make(map[node]step)
	start := node{a, propStart}
	seen[start] = step{prev: node{-1, -1}}
	queue := []node{start}
	for h := 0; h < len(queue); h++ {
		cur := queue[h]
		if cur.e == c && cur.s != propStart && cur.s != propRmwRead {
			var path []CycleEdge
			for v := cur; v != start; {
				st := seen[v]
				path = append(path, CycleEdge{From: st.prev.e, To: v.e, Rel: st.rel})
				v = st.prev
			}
			for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
				path[i], path[j] = path[j], path[i]
			}
			return path
		}
		visit := func(e, s int, rel string) {
			nx := node{e, s}
			if _, ok := seen[nx]; !ok {
				seen[nx] = step{prev: cur, rel: rel}
				queue = append(queue, nx)
			}
		}
		for b := 0; b < n; b++ {
			if !g.marked(b) {
				continue
			}
			if cur.s == propRmwRead {
				if g.rmwPair(cur.e, b) {
					visit(b, propFence, "rmw")
				}
				continue
			}
			if cur.s == propFence && g.x.Rf.Has(cur.e, b) && g.x.Events[b].Tags&(TagRMW|TagLKR) != 0 {
				rel := "rfi"
				if g.ext(cur.e, b) {
					rel = "rfe"
				}
				visit(b, propRmwRead, rel)
			}
			if cur.s == propStart && g.ext(cur.e, b) {
				if g.fr.Has(cur.e, b) {
					visit(b, propFence, "fre")
				} else if g.x.Co.Has(cur.e, b) {
					visit(b, propFence, "coe")
				}
			}
			if f := g.fence(cur.e, b); f != "" && (cur.s != propRfe || f != "wmb") {
				visit(b, propFence, f)
			}
			if cur.s != propRfe && g.x.Rf.Has(cur.e, b) && g.ext(cur.e, b) {
				visit(b, propRfe, "rfe")
			}
		}
	}
	return nil
}

// eventOrderCo returns a coherence order for x: for each location, its
// initial write first, then its other writes in event order. For an
// execution whose observed coherence constraints are cyclic, every order
// fails coherence, and this one gives the model a cycle to show.
func eventOrderCo(x *Execution) Rel {
	n := x.N()
	co := NewRel(n)
	for a := range x.Events {
		ea := &x.Events[a]
		if ea.Kind != KindW {
			continue
		}
		for b := range x.Events {
			eb := &x.Events[b]
			if eb.Kind != KindW || eb.Loc != ea.Loc || a == b || eb.Thread < 0 {
				continue
			}
			if ea.Thread < 0 || a < b {
				co.Add(a, b)
			}
		}
	}
	return co
}
