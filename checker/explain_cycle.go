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
func expandProps(x *Execution, cycle []CycleEdge) []CycleEdge {
	var out []CycleEdge
	var g *propGraph
	for _, e := range cycle {
		if e.Rel != "prop" {
			out = append(out, e)
			continue
		}
		if g == nil {
			g = newPropGraph(x)
		}
		if path := g.path(e.From, e.To); path != nil {
			out = append(out, path...)
		} else {
			out = append(out, e)
		}
	}
	return out
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
		return ""
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
	// po ; [UL] ; (po | rf) ; [LKR] ; po
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
	propStart = iota // nothing taken yet
	propFence        // after an overwrite or a fence
	propRfe          // after an rfe: a strong fence or po-rel, or the end
	propStates
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
		if cur.e == c && cur.s != propStart {
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
