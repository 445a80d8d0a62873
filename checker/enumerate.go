package checker

import (
	"context"

	"github.com/litmusls/litmusls/syntax"
)

// This file enumerates candidate executions: one event structure per
// combination of thread paths, and for each a reads-from choice for the
// ordinary reads, with the values that flow from it. Candidates whose
// values contradict the branches their paths took are dropped, as herd7
// drops them when it solves its equations.

// A built structure is an event structure with what the enumerator needs
// to complete candidates: which path each thread took, and where each
// thread's events sit.
type built struct {
	*Structure
	paths  []*path // per thread, or nil for a thread with no code
	offset []int   // per thread: index of its first event
	reads  []int   // ordinary reads, in event order
	// sources[i] lists the writes reads[i] may read from.
	sources [][]int
}

// ordinary reports whether e gets its rf from the enumerator.
func ordinary(e *Event) bool {
	return e.Kind == KindR && e.Tags&(TagLKR|TagLF|TagRL|TagRU) == 0
}

// buildStructure places the chosen paths in one event structure.
func (p *program) buildStructure(paths []*path) *built {
	n := len(p.locs)
	for _, pt := range paths {
		if pt != nil {
			n += len(pt.events)
		}
	}
	s := &Structure{Locs: p.locs, FinalLocs: p.finalLocs, Po: NewRel(n), Rmw: NewRel(n), Addr: NewRel(n), Data: NewRel(n), Ctrl: NewRel(n)}
	b := &built{Structure: s, paths: paths, offset: make([]int, len(paths))}
	for i := range p.locs {
		s.Events = append(s.Events, Event{Kind: KindW, Tags: TagInit, Thread: -1, Loc: i, Instr: -1, Val: p.init[i]})
	}
	for t, pt := range paths {
		b.offset[t] = len(s.Events)
		if pt == nil {
			continue
		}
		off := b.offset[t]
		for i := range pt.events {
			s.Events = append(s.Events, pt.events[i].Event)
		}
		for i, ev := range pt.events {
			for j := i + 1; j < len(pt.events); j++ {
				if j == i+1 && pt.events[j].unordered {
					continue
				}
				s.Po.Add(off+i, off+j)
			}
			if ev.rmwOf >= 0 {
				s.Rmw.Add(off+ev.rmwOf, off+i)
			}
			for r := range ev.addrDep {
				s.Addr.Add(off+r, off+i)
			}
			for r := range ev.dataDep {
				s.Data.Add(off+r, off+i)
			}
			for r := range ev.ctrlDep {
				s.Ctrl.Add(off+r, off+i)
			}
		}
	}
	// Reads and where they may read from. A read may not read from a
	// po-later write of its own thread, nor from anything but the last
	// po-earlier write of its own thread when there is one: every such
	// candidate violates coherence, so no execution of it is counted.
	for r := range s.Events {
		er := &s.Events[r]
		if !ordinary(er) {
			continue
		}
		lastOwn := -1
		for w := b.offset[er.Thread]; w < r; w++ {
			if s.Events[w].Kind == KindW && s.Events[w].Loc == er.Loc {
				lastOwn = w
			}
		}
		var src []int
		for w := range s.Events {
			ew := &s.Events[w]
			if ew.Kind != KindW || ew.Loc != er.Loc {
				continue
			}
			if ew.Thread == er.Thread {
				if w != lastOwn {
					continue
				}
			} else if ew.Thread < 0 && lastOwn >= 0 {
				continue
			}
			src = append(src, w)
		}
		b.reads = append(b.reads, r)
		b.sources = append(b.sources, src)
	}
	return b
}

// badDeref returns the first bad dereference on b's paths (path.bad), or
// nil.
func (b *built) badDeref() *syntax.Span {
	for _, pt := range b.paths {
		if pt != nil && pt.bad != nil {
			return pt.bad
		}
	}
	return nil
}

// pathCombos calls f with every combination of thread paths.
func (p *program) pathCombos(ctx context.Context, f func([]*path) bool) {
	cur := make([]*path, p.nthread)
	var rec func(t int) bool
	rec = func(t int) bool {
		if t == p.nthread {
			return f(append([]*path(nil), cur...))
		}
		if len(p.threads[t]) == 0 {
			cur[t] = nil
			return rec(t + 1)
		}
		for _, pt := range p.threads[t] {
			if ctx.Err() != nil {
				return false
			}
			cur[t] = pt
			if !rec(t + 1) {
				return false
			}
		}
		return true
	}
	rec(0)
}

// candidates calls f with every candidate of b whose values agree with
// its paths' branch choices. It stops when f returns false, and reports
// whether it ran to the end.
func (b *built) candidates(ctx context.Context, f func(c *Candidate) bool) bool {
	return b.candidatesWhere(ctx, nil, f)
}

// candidatesWhere is candidates with the reads-from choices restricted:
// reads[k] reads from write w only when allow(k, w) holds (every choice
// when allow is nil). A speedcheck uses it to skip the writes a target
// cannot read from; the pruning happens before any deeper choice is made.
func (b *built) candidatesWhere(ctx context.Context, allow func(k, w int) bool, f func(c *Candidate) bool) bool {
	n := b.N()
	v := newValuer(b)
	rfOf := v.rfOf
	var rec func(k int) bool
	count := 0
	rec = func(k int) bool {
		if k == len(b.reads) {
			count++
			if count&1023 == 0 && ctx.Err() != nil {
				return false
			}
			val, ok := v.values()
			if !ok {
				return true
			}
			c := &Candidate{Structure: b.Structure, Rf: NewRel(n), Val: val}
			for _, r := range b.reads {
				c.Rf.Add(rfOf[r], r)
			}
			return f(c)
		}
		r := b.reads[k]
		for _, w := range b.sources[k] {
			if allow != nil && !allow(k, w) {
				continue
			}
			rfOf[r] = w
			if !rec(k + 1) {
				return false
			}
		}
		rfOf[r] = -1
		return true
	}
	return rec(0)
}

// minWhole is the fewest candidates a subtree must hold for
// candidatesWhole to ask whether it is allowed whole: asking costs about
// one judgement, so smaller subtrees are enumerated as they are, and
// asking never costs more than a fraction of the enumeration.
const minWhole = 16

// candidatesWhole is candidates with whole subtrees judged at once: before
// choosing the reads from reads[k] on, it asks allows with the rf of the
// reads chosen so far and every write each later read may read from
// (see wholeJudge). When allows reports true, every candidate of the
// subtree is passed to f with whole set (the Candidate then valid only
// during the call), and allows is not asked again
// inside it; otherwise f gets whole false. allows is asked only of
// subtrees of at least minWhole candidates, and never when it is nil.
// As in candidatesWhere, reads[k] reads from w only when allow(k, w)
// holds (every choice when allow is nil). With a prefix, reads[k] reads
// from prefix[k] for each k < len(prefix) (one of its allowed writes),
// and only the rest is enumerated.
func (b *built) candidatesWhole(ctx context.Context, prefix []int, allow func(k, w int) bool, allows func(rf Rel) bool, f func(c *Candidate, whole bool) bool) bool {
	n := b.N()
	v := newValuer(b)
	rfOf := v.rfOf
	// size[k]: the candidates below a choice of reads[:k], capped.
	sources := b.allowedSources(allow)
	size := make([]int, len(b.reads)+1)
	size[len(b.reads)] = 1
	for k := len(b.reads) - 1; k >= 0; k-- {
		size[k] = min(size[k+1]*len(sources[k]), 1<<30)
	}
	over := NewRel(n)
	// The candidates of allowed subtrees share one Candidate, its Rf and
	// its Val.
	var leaf Candidate
	leafRf := NewRel(n)
	whole := false
	count := 0
	var rec func(k int) bool
	rec = func(k int) bool {
		if k == len(b.reads) {
			count++
			if count&1023 == 0 && ctx.Err() != nil {
				return false
			}
			v.reuse = whole
			val, ok := v.values()
			if !ok {
				return true
			}
			var c *Candidate
			if whole {
				leafRf.Clear()
				leaf = Candidate{Structure: b.Structure, Rf: leafRf, Val: val}
				c = &leaf
			} else {
				c = &Candidate{Structure: b.Structure, Rf: NewRel(n), Val: val}
			}
			for _, r := range b.reads {
				c.Rf.Add(rfOf[r], r)
			}
			return f(c, whole)
		}
		if allows != nil && !whole && size[k] >= minWhole {
			over.Clear()
			for j, r := range b.reads {
				if j < k {
					over.Add(rfOf[r], r)
					continue
				}
				for _, w := range sources[j] {
					over.Add(w, r)
				}
			}
			if allows(over) {
				whole = true
				defer func() { whole = false }()
			}
		}
		r := b.reads[k]
		for _, w := range sources[k] {
			rfOf[r] = w
			if !rec(k + 1) {
				return false
			}
		}
		rfOf[r] = -1
		return true
	}
	for k, w := range prefix {
		rfOf[b.reads[k]] = w
	}
	return rec(len(prefix))
}

// allowedSources returns, for each of b's reads, the writes it may read
// from that allow (nil: every write) allows.
func (b *built) allowedSources(allow func(k, w int) bool) [][]int {
	if allow == nil {
		return b.sources
	}
	sources := make([][]int, len(b.reads))
	for k, src := range b.sources {
		for _, w := range src {
			if allow(k, w) {
				sources[k] = append(sources[k], w)
			}
		}
	}
	return sources
}

// A valuer computes the values of b's events for the rf choice in rfOf,
// as herd7's equation solver would. Its buffers are reused from one choice
// to the next.
//
// herd7 first merges the variables that are plain copies of each other (a
// read and the write it reads from; a write of exactly what its thread
// read), then propagates constants. A cycle of plain copies with no
// constant on it (two threads copying x to y and y to x, each reading the
// other's write) leaves its variable undetermined, and herd7 keeps the
// candidate: its value is "free". Any operation on a free value (an
// arithmetic, a comparison, a branch condition) leaves an equation herd7
// cannot solve, and the candidate is dropped; so is a cycle through an
// operation (x = y + 1 read back into y).
type valuer struct {
	b       *built
	rfOf    []int               // write read by each ordinary read, or -1
	val     []int64             // the values being computed
	state   []uint8             // per event: 0 unknown, 1 computing, 2 known, 3 free
	ok      bool                // no value depends on itself through an operation
	cycle   bool                // a value was found to depend on itself
	slow    bool                // in the pass that tells free values apart
	free    bool                // an operation used a free value
	readers []func(i int) int64 // per thread: the value of its i-th event
	copyOf  []int               // slow pass: the event each event copies, or -1
	reuse   bool                // values may return the previous call's slice, overwritten
}

// A free value is one no constant determines; each cycle of copies gets its
// own, freeBase minus the index of the cycle's first event. They are far
// from any value a test writes and from the addresses (addrBase up).
const freeBase = -(int64(1) << 50)

// isFree reports whether v is a free value: one that herd7 leaves
// undetermined because it comes from a cycle of copies (see valuer).
func isFree(v int64) bool { return v <= freeBase && v > freeBase-(1<<20) }

func newValuer(b *built) *valuer {
	n := b.N()
	v := &valuer{b: b, rfOf: make([]int, n), state: make([]uint8, n), readers: make([]func(int) int64, len(b.paths))}
	for i := range v.rfOf {
		v.rfOf[i] = -1
	}
	for t := range b.paths {
		off := b.offset[t]
		v.readers[t] = func(i int) int64 { return v.get(off + i) }
	}
	return v
}

// get returns the value of event e, computing it if needed.
func (v *valuer) get(e int) int64 {
	switch v.state[e] {
	case 2:
		return v.val[e]
	case 3:
		v.free = true
		return v.val[e]
	case 1:
		v.cycle = true
		v.ok = false
		return 0
	}
	v.state[e] = 1
	b := v.b
	ev := &b.Events[e]
	var x int64
	switch {
	case ev.Thread < 0:
		x = ev.Val
	case ev.Kind == KindW:
		pe := &b.paths[ev.Thread].events[e-b.offset[ev.Thread]]
		if pe.val != nil {
			x = pe.val.eval(v.readers[ev.Thread])
		}
	case ev.Kind == KindR && v.rfOf[e] >= 0:
		x = v.get(v.rfOf[e])
	}
	v.val[e] = x
	v.state[e] = 2
	return x
}

// values computes every event's value given the rf choice, as a new slice,
// and reports false when the values contradict a branch choice or herd7
// would leave an equation unsolved.
func (v *valuer) values() ([]int64, bool) {
	v.slow = false
	val, ok := v.pass()
	if !ok && v.cycle {
		v.slow = true
		val, ok = v.pass()
	}
	return val, ok
}

// pass computes the values once. The first pass treats every cycle as
// fatal; the slow pass, run only when the first found a cycle, first marks
// the free values.
func (v *valuer) pass() ([]int64, bool) {
	b := v.b
	if v.reuse && len(v.val) == b.N() {
		clear(v.val)
	} else {
		v.val = make([]int64, b.N())
	}
	clear(v.state)
	v.ok, v.cycle, v.free = true, false, false
	if v.slow {
		v.markFree()
		if !v.unify() {
			return nil, false
		}
	}
	for e := range b.Events {
		if v.state[e] == 3 {
			continue
		}
		v.get(e)
		if !v.ok || v.free {
			return nil, false
		}
	}
	for t, pt := range b.paths {
		if pt == nil {
			continue
		}
		for _, c := range pt.cons {
			if v.slow && c.unify && v.sameFree(t, c.v.a, c.v.b) {
				continue // unified: herd7 merged the two sides
			}
			if (c.v.eval(v.readers[t]) != 0) != c.want {
				return nil, false
			}
		}
		if v.slow {
			// Every register computation is an equation in herd7,
			// observed or not.
			for _, sv := range pt.regs {
				if sv.op != "r" {
					sv.eval(v.readers[t])
				}
			}
		}
		if v.free {
			return nil, false
		}
	}
	return v.val, true
}

// markFree finds the cycles of plain copies under the current rf choice
// and gives every event on one, or copying from one, its cycle's free
// value (state 3).
func (v *valuer) markFree() {
	b := v.b
	n := b.N()
	if cap(v.copyOf) < n {
		v.copyOf = make([]int, n)
	}
	cp := v.copyOf[:n]
	for e := range b.Events {
		cp[e] = -1
		ev := &b.Events[e]
		switch {
		case ev.Thread < 0:
		case ev.Kind == KindR:
			cp[e] = v.rfOf[e]
		case ev.Kind == KindW:
			pe := &b.paths[ev.Thread].events[e-b.offset[ev.Thread]]
			if pe.val != nil && pe.val.op == "r" {
				cp[e] = b.offset[ev.Thread] + pe.val.read
			}
		}
	}
	// Each event copies at most one other: walk each chain once, marking
	// the walk with its start (mark = e+1 while walking, then settled as
	// free or not).
	const settledNot, settledFree = -1, -2
	mark := make([]int, n)
	for e := range n {
		if mark[e] != 0 {
			continue
		}
		walk := e + 1
		x := e
		for x >= 0 && mark[x] == 0 {
			mark[x] = walk
			x = cp[x]
		}
		leadsFree := false
		if x >= 0 {
			switch mark[x] {
			case walk: // a new cycle, through x
				leadsFree = true
				// Name the cycle after its first event, so that the
				// same cycle has the same value in every candidate and
				// different cycles different values.
				first := x
				for y := cp[x]; y != x; y = cp[y] {
					first = min(first, y)
				}
				cls := freeBase - int64(first)
				for y := x; ; {
					v.val[y] = cls
					y = cp[y]
					if y == x {
						break
					}
				}
			case settledFree:
				leadsFree = true
			}
		}
		// Settle the walk's events: free ones copy the value they lead to.
		var chain []int
		for y := e; y >= 0 && mark[y] == walk; y = cp[y] {
			chain = append(chain, y)
			if leadsFree {
				mark[y] = settledFree
			} else {
				mark[y] = settledNot
			}
		}
		if leadsFree {
			for i := len(chain) - 1; i >= 0; i-- {
				y := chain[i]
				if v.val[y] == 0 || !isFree(v.val[y]) {
					v.val[y] = v.val[cp[y]]
				}
				v.state[y] = 3
			}
		}
	}
}

// freeRead returns the free value of a bare read of thread t, or 0 when
// sv is not one.
func (v *valuer) freeRead(t int, sv *sval) int64 {
	if sv.op != "r" {
		return 0
	}
	e := v.b.offset[t] + sv.read
	if v.state[e] != 3 {
		return 0
	}
	return v.val[e]
}

// sameFree reports whether a and b are bare reads of thread t holding the
// same free value.
func (v *valuer) sameFree(t int, a, b *sval) bool {
	fa := v.freeRead(t, a)
	return fa != 0 && fa == v.freeRead(t, b)
}

// setFree gives every event holding the free value from the value to
// (another free value, or a constant, which makes them known).
func (v *valuer) setFree(from, to int64) {
	for e, x := range v.val {
		if v.state[e] == 3 && x == from {
			v.val[e] = to
			if !isFree(to) {
				v.state[e] = 2
			}
		}
	}
}

// unify meets the equalities herd7 solves by unification (see
// constraint.unify) where a free value is on one side: a free value equal
// to another is merged with it, one equal to a known value takes it. It
// repeats until nothing changes, and reports false when a side is an
// operation on a free value, which herd7 cannot solve.
func (v *valuer) unify() bool {
	for changed := true; changed; {
		changed = false
		for t, pt := range v.b.paths {
			if pt == nil {
				continue
			}
			for _, c := range pt.cons {
				if !c.unify {
					continue
				}
				a, b := c.v.a, c.v.b
				fa, fb := v.freeRead(t, a), v.freeRead(t, b)
				switch {
				case fa == 0 && fb == 0:
					continue
				case fa != 0 && fb != 0:
					if fa != fb {
						// The merged value keeps the name of the
						// earlier first event (the larger value).
						v.setFree(min(fa, fb), max(fa, fb))
						changed = true
					}
					continue
				}
				other := b // the side that is not a free read
				if fa == 0 {
					fa, other = fb, a
				}
				k := other.eval(v.readers[t])
				if v.free || !v.ok {
					return false
				}
				v.setFree(fa, k)
				changed = true
			}
		}
	}
	return true
}
