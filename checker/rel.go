package checker

import "math/bits"

// Events of one candidate execution are numbered 0..n-1. A Set is a set of
// event numbers and a Rel a binary relation over them, both as bitsets: a Rel
// is n rows of ⌈n/64⌉ words, row i holding the successors of event i. All
// operands of one operation must have the same n.

// A Set is a set of events, one bit per event.
type Set []uint64

// NewSet returns an empty set over n events.
func NewSet(n int) Set { return make(Set, words(n)) }

func words(n int) int { return (n + 63) / 64 }

// Has reports whether e is in s.
func (s Set) Has(e int) bool { return s[e>>6]&(1<<(e&63)) != 0 }

// Add puts e in s.
func (s Set) Add(e int) { s[e>>6] |= 1 << (e & 63) }

// Remove takes e out of s.
func (s Set) Remove(e int) { s[e>>6] &^= 1 << (e & 63) }

// Empty reports whether s has no element.
func (s Set) Empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// Len returns the number of elements.
func (s Set) Len() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Clone returns a copy of s.
func (s Set) Clone() Set { return append(Set(nil), s...) }

// Union returns s ∪ t as a new set.
func (s Set) Union(t Set) Set {
	r := s.Clone()
	for i := range r {
		r[i] |= t[i]
	}
	return r
}

// Inter returns s ∩ t as a new set.
func (s Set) Inter(t Set) Set {
	r := s.Clone()
	for i := range r {
		r[i] &= t[i]
	}
	return r
}

// Diff returns s \ t as a new set.
func (s Set) Diff(t Set) Set {
	r := s.Clone()
	for i := range r {
		r[i] &^= t[i]
	}
	return r
}

// Each calls f for each element of s in increasing order.
func (s Set) Each(f func(e int)) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(i*64 + b)
			w &= w - 1
		}
	}
}

// A Rel is a binary relation over n events.
type Rel struct {
	n, w int      // number of events; words per row
	bits []uint64 // row i is bits[i*w : (i+1)*w]
}

// NewRel returns the empty relation over n events.
func NewRel(n int) Rel {
	w := words(n)
	return Rel{n: n, w: w, bits: make([]uint64, n*w)}
}

// N returns the number of events the relation is over.
func (r Rel) N() int { return r.n }

// Row returns the successors of a as a Set sharing r's storage.
func (r Rel) Row(a int) Set { return Set(r.bits[a*r.w : (a+1)*r.w]) }

// Has reports whether (a, b) ∈ r.
func (r Rel) Has(a, b int) bool { return r.bits[a*r.w+b>>6]&(1<<(b&63)) != 0 }

// Add puts (a, b) in r.
func (r Rel) Add(a, b int) { r.bits[a*r.w+b>>6] |= 1 << (b & 63) }

// Remove takes (a, b) out of r.
func (r Rel) Remove(a, b int) { r.bits[a*r.w+b>>6] &^= 1 << (b & 63) }

// Clone returns a copy of r.
func (r Rel) Clone() Rel {
	return Rel{n: r.n, w: r.w, bits: append([]uint64(nil), r.bits...)}
}

// Empty reports whether r has no pair.
func (r Rel) Empty() bool {
	for _, w := range r.bits {
		if w != 0 {
			return false
		}
	}
	return true
}

// Union returns r ∪ s.
func (r Rel) Union(s Rel) Rel {
	t := r.Clone()
	for i := range t.bits {
		t.bits[i] |= s.bits[i]
	}
	return t
}

// Inter returns r ∩ s.
func (r Rel) Inter(s Rel) Rel {
	t := r.Clone()
	for i := range t.bits {
		t.bits[i] &= s.bits[i]
	}
	return t
}

// Diff returns r \ s.
func (r Rel) Diff(s Rel) Rel {
	t := r.Clone()
	for i := range t.bits {
		t.bits[i] &^= s.bits[i]
	}
	return t
}

// Seq returns the composition r ; s: pairs (a, c) with (a, b) ∈ r and
// (b, c) ∈ s for some b.
func (r Rel) Seq(s Rel) Rel {
	t := NewRel(r.n)
	if r.w == 1 {
		for a, word := range r.bits {
			var acc uint64
			for word != 0 {
				acc |= s.bits[bits.TrailingZeros64(word)]
				word &= word - 1
			}
			t.bits[a] = acc
		}
		return t
	}
	for a := 0; a < r.n; a++ {
		dst := t.bits[a*r.w : (a+1)*r.w]
		for i, word := range r.bits[a*r.w : (a+1)*r.w] {
			for word != 0 {
				b := i*64 + bits.TrailingZeros64(word)
				word &= word - 1
				src := s.bits[b*s.w : (b+1)*s.w]
				for k := range dst {
					dst[k] |= src[k]
				}
			}
		}
	}
	return t
}

// Inverse returns r⁻¹.
func (r Rel) Inverse() Rel {
	t := NewRel(r.n)
	r.Each(func(a, b int) { t.Add(b, a) })
	return t
}

// Restrict returns [dom] ; r ; [rng]: the pairs of r whose source is in dom
// and whose target is in rng. A nil set means "all events".
func (r Rel) Restrict(dom, rng Set) Rel {
	t := NewRel(r.n)
	if r.w == 1 {
		d, m := ^uint64(0), ^uint64(0)
		if dom != nil {
			d = dom[0]
		}
		if rng != nil {
			m = rng[0]
		}
		for a, row := range r.bits {
			if d&(1<<a) != 0 {
				t.bits[a] = row & m
			}
		}
		return t
	}
	for a := 0; a < r.n; a++ {
		if dom != nil && !dom.Has(a) {
			continue
		}
		src := r.bits[a*r.w : (a+1)*r.w]
		dst := t.bits[a*r.w : (a+1)*r.w]
		for k := range dst {
			if rng != nil {
				dst[k] = src[k] & rng[k]
			} else {
				dst[k] = src[k]
			}
		}
	}
	return t
}

// Domain returns the set of sources of r.
func (r Rel) Domain() Set {
	s := NewSet(r.n)
	for a := 0; a < r.n; a++ {
		for _, w := range r.bits[a*r.w : (a+1)*r.w] {
			if w != 0 {
				s.Add(a)
				break
			}
		}
	}
	return s
}

// Range returns the set of targets of r.
func (r Rel) Range() Set {
	s := NewSet(r.n)
	for a := 0; a < r.n; a++ {
		for i, w := range r.bits[a*r.w : (a+1)*r.w] {
			s[i] |= w
		}
	}
	return s
}

// Each calls f for each pair of r, in row-major order.
func (r Rel) Each(f func(a, b int)) {
	for a := 0; a < r.n; a++ {
		Set(r.bits[a*r.w : (a+1)*r.w]).Each(func(b int) { f(a, b) })
	}
}

// Identity returns [s]: the pairs (e, e) for e in s.
func Identity(n int, s Set) Rel {
	t := NewRel(n)
	s.Each(func(e int) { t.Add(e, e) })
	return t
}

// Cross returns s × t.
func Cross(n int, s, t Set) Rel {
	r := NewRel(n)
	s.Each(func(a int) { copy(r.bits[a*r.w:(a+1)*r.w], t) })
	return r
}

// Equal reports whether r and s hold the same pairs.
func (r Rel) Equal(s Rel) bool {
	if r.n != s.n {
		return false
	}
	for i, w := range r.bits {
		if s.bits[i] != w {
			return false
		}
	}
	return true
}

// UnionWith adds every pair of s to r, in place.
func (r Rel) UnionWith(s Rel) {
	for i, w := range s.bits {
		r.bits[i] |= w
	}
}

// Len returns the number of pairs.
func (r Rel) Len() int {
	n := 0
	for _, w := range r.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// CopyFrom makes r a copy of s, in place; r and s must have the same n.
func (r Rel) CopyFrom(s Rel) { copy(r.bits, s.bits) }

// InterWith removes from r every pair not in s, in place.
func (r Rel) InterWith(s Rel) {
	for i, w := range s.bits {
		r.bits[i] &= w
	}
}

// DiffWith removes from r every pair of s, in place.
func (r Rel) DiffWith(s Rel) {
	for i, w := range s.bits {
		r.bits[i] &^= w
	}
}

// SeqInto sets dst to r ; s. dst must be distinct from r and s.
func SeqInto(dst, r, s Rel) {
	if r.w == 1 {
		for a, word := range r.bits {
			var acc uint64
			for word != 0 {
				acc |= s.bits[bits.TrailingZeros64(word)]
				word &= word - 1
			}
			dst.bits[a] = acc
		}
		return
	}
	if r.w == 2 {
		// 65 to 128 events (rings of 15 to 19 processes): two words a
		// row, kept in registers.
		rb, sb, db := r.bits, s.bits, dst.bits
		for a := 0; a+1 < len(rb); a += 2 {
			var d0, d1 uint64
			for i, word := range rb[a : a+2] {
				for word != 0 {
					b := 2 * (i*64 + bits.TrailingZeros64(word))
					word &= word - 1
					d0 |= sb[b]
					d1 |= sb[b+1]
				}
			}
			db[a], db[a+1] = d0, d1
		}
		return
	}
	clear(dst.bits)
	for a := 0; a < r.n; a++ {
		d := dst.bits[a*r.w : (a+1)*r.w]
		for i, word := range r.bits[a*r.w : (a+1)*r.w] {
			for word != 0 {
				b := i*64 + bits.TrailingZeros64(word)
				word &= word - 1
				src := s.bits[b*s.w : (b+1)*s.w]
				for k := range d {
					d[k] |= src[k]
				}
			}
		}
	}
}

// RestrictWith keeps the pairs of r whose source is in dom and target in
// rng, in place. A nil set means "all events".
func (r Rel) RestrictWith(dom, rng Set) {
	for a := 0; a < r.n; a++ {
		row := r.bits[a*r.w : (a+1)*r.w]
		if dom != nil && !dom.Has(a) {
			clear(row)
			continue
		}
		if rng != nil {
			for k := range row {
				row[k] &= rng[k]
			}
		}
	}
}

// StarInPlace makes r its reflexive-transitive closure.
func (r Rel) StarInPlace() {
	r.PlusInPlace()
	for k := 0; k < r.n; k++ {
		r.Add(k, k)
	}
}

// Clear removes every pair of r, in place.
func (r Rel) Clear() { clear(r.bits) }

// An arena hands out relations from large blocks, so that code computing
// many short-lived relations allocates almost nothing. A mark records how
// much of the arena is in use; reset gives back everything handed out
// after a mark, and the relations handed out since then must not be used
// any more. The zero arena is ready to use.
type arena struct {
	blocks [][]uint64 // blocks[:cur+1] are in use
	cur    int        // the block being filled
	off    int        // words used in blocks[cur]
}

// An arenaMark is a position in an arena.
type arenaMark struct{ block, off int }

// arenaBlock is the smallest block size, in words.
const arenaBlock = 1 << 12

// mark returns the arena's current position.
func (a *arena) mark() arenaMark { return arenaMark{a.cur, a.off} }

// reset frees every relation handed out after m.
func (a *arena) reset(m arenaMark) { a.cur, a.off = m.block, m.off }

// words returns k zeroed words.
func (a *arena) words(k int) []uint64 {
	for a.cur < len(a.blocks) {
		b := a.blocks[a.cur]
		if a.off+k <= len(b) {
			s := b[a.off : a.off+k : a.off+k]
			a.off += k
			clear(s)
			return s
		}
		a.cur++
		a.off = 0
	}
	a.blocks = append(a.blocks, make([]uint64, max(arenaBlock, k)))
	a.cur = len(a.blocks) - 1
	a.off = k
	return a.blocks[a.cur][:k:k]
}

// rel returns the empty relation over n events.
func (a *arena) rel(n int) Rel {
	w := words(n)
	return Rel{n: n, w: w, bits: a.words(n * w)}
}

// set returns the empty set over n events.
func (a *arena) set(n int) Set { return Set(a.words(words(n))) }

// clone returns a copy of r.
func (a *arena) clone(r Rel) Rel {
	t := a.rel(r.n)
	copy(t.bits, r.bits)
	return t
}

// union returns the union of rs (at least one).
func (a *arena) union(rs ...Rel) Rel {
	t := a.clone(rs[0])
	for _, r := range rs[1:] {
		t.UnionWith(r)
	}
	return t
}

// inter returns r ∩ s.
func (a *arena) inter(r, s Rel) Rel {
	t := a.clone(r)
	t.InterWith(s)
	return t
}

// diff returns r \ s.
func (a *arena) diff(r, s Rel) Rel {
	t := a.clone(r)
	t.DiffWith(s)
	return t
}

// seq returns the composition rs[0] ; rs[1] ; … (at least one).
func (a *arena) seq(rs ...Rel) Rel {
	t := rs[0]
	for _, r := range rs[1:] {
		u := a.rel(t.n)
		SeqInto(u, t, r)
		t = u
	}
	if len(rs) == 1 {
		t = a.clone(t)
	}
	return t
}

// restrict returns [dom] ; r ; [rng]; a nil set means all events.
func (a *arena) restrict(r Rel, dom, rng Set) Rel {
	t := a.clone(r)
	t.RestrictWith(dom, rng)
	return t
}

// inverse returns r⁻¹.
func (a *arena) inverse(r Rel) Rel {
	t := a.rel(r.n)
	r.Each(func(x, y int) { t.Add(y, x) })
	return t
}

// star returns r*.
func (a *arena) star(r Rel) Rel {
	t := a.clone(r)
	t.StarInPlace()
	return t
}

// plus returns r⁺.
func (a *arena) plus(r Rel) Rel {
	t := a.clone(r)
	t.PlusInPlace()
	return t
}

// opt returns r? = r ∪ id.
func (a *arena) opt(r Rel) Rel {
	t := a.clone(r)
	for x := 0; x < t.n; x++ {
		t.Add(x, x)
	}
	return t
}

// identity returns [s] over n events.
func (a *arena) identity(n int, s Set) Rel {
	t := a.rel(n)
	s.Each(func(e int) { t.Add(e, e) })
	return t
}

// cross returns s × t over n events.
func (a *arena) cross(n int, s, t Set) Rel {
	r := a.rel(n)
	s.Each(func(x int) { copy(r.bits[x*r.w:(x+1)*r.w], t) })
	return r
}

// seqRow sets dst to v ; r: the successors in r of the elements of v. dst
// must be distinct from v.
func seqRow(dst, v Set, r Rel) {
	clear(dst)
	for i, word := range v {
		for word != 0 {
			b := i*64 + bits.TrailingZeros64(word)
			word &= word - 1
			for k, x := range r.bits[b*r.w : (b+1)*r.w] {
				dst[k] |= x
			}
		}
	}
}
