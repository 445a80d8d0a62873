package checker

import (
	"context"
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

// A valuer computes the values of b's events for the rf choice in rfOf.
// Its buffers are reused from one choice to the next.
type valuer struct {
	b       *built
	rfOf    []int               // write read by each ordinary read, or -1
	val     []int64             // the values being computed
	state   []uint8             // per event: 0 unknown, 1 computing, 2 known
	ok      bool                // no value depends on itself
	readers []func(i int) int64 // per thread: the value of its i-th event
}

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
	case 1:
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
// and reports false when the values contradict a branch choice or depend
// on themselves.
func (v *valuer) values() ([]int64, bool) {
	b := v.b
	v.val = make([]int64, b.N())
	clear(v.state)
	v.ok = true
	for e := range b.Events {
		v.get(e)
		if !v.ok {
			return nil, false
		}
	}
	for t, pt := range b.paths {
		if pt == nil {
			continue
		}
		for _, c := range pt.cons {
			if (c.v.eval(v.readers[t]) != 0) != c.want {
				return nil, false
			}
		}
	}
	return v.val, true
}
