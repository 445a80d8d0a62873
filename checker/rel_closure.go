package checker

import "math/bits"

// This file closes relations (r⁺, r*, r?) and decides acyclicity and
// irreflexivity: along a depth-first search (up to maxDFS events), with
// Warshall's algorithm where the search meets a longer cycle or past
// maxDFS.

// Plus returns the transitive closure r⁺.
func (r Rel) Plus() Rel {
	t := r.Clone()
	t.PlusInPlace()
	return t
}

// PlusInPlace makes r its transitive closure.
func (r Rel) PlusInPlace() { r.closeInPlace() }

// closeInPlace makes r its transitive closure and reports whether r is
// acyclic. Over at most maxDFS events it closes r along a depth-first
// search, in time proportional to the pairs of r (times the words of a row
// past 64 events), and falls back to Warshall's algorithm only when it
// meets a cycle longer than a self-loop, or past maxDFS events.
func (r Rel) closeInPlace() (acyclic bool) {
	if r.w == 1 {
		acyclic, complete := closeRows64(r.bits, false)
		if complete {
			return acyclic
		}
		for k := range r.bits {
			bit := uint64(1) << k
			rowK := r.bits[k]
			for a, row := range r.bits {
				if row&bit != 0 {
					r.bits[a] = row | rowK
				}
			}
		}
		return false
	}
	if r.n <= maxDFS {
		acyclic, complete := closeRows(r, true, false)
		if complete {
			return acyclic
		}
	}
	for k := 0; k < r.n; k++ {
		rowK := r.bits[k*r.w : (k+1)*r.w]
		for a := 0; a < r.n; a++ {
			if r.Has(a, k) {
				row := r.bits[a*r.w : (a+1)*r.w]
				for i := range row {
					row[i] |= rowK[i]
				}
			}
		}
	}
	return r.Irreflexive()
}

// maxDFS bounds the events closeRows handles: its stacks have a fixed
// size, so that it allocates nothing.
const maxDFS = 256

// closeRows is closeRows64 for relations of any number of words per row
// (at most maxDFS events): a depth-first search that, when close is set,
// ORs into each event's row the rows of its successors once they are
// closed, in time proportional to the pairs of r times the words of a
// row. Without close it only looks for a cycle (a self-loop counts) and
// leaves r unchanged. It reports whether r is acyclic, and whether the
// rows are now r's closure: they are unless a cycle other than a
// self-loop was met, or stop is set and any cycle was.
func closeRows(r Rel, close, stop bool) (acyclic, complete bool) {
	n, w := r.n, r.w
	var done, onStack [maxDFS / 64]uint64
	var node, word [maxDFS]int32 // the events on the stack, and the word of each one's row being scanned
	var rest [maxDFS]uint64      // the successors left in that word
	acyclic, complete = true, true
	for s := 0; s < n; s++ {
		if done[s>>6]&(1<<(s&63)) != 0 {
			continue
		}
		sp := 0
		node[0], word[0], rest[0] = int32(s), 0, r.bits[s*w]
		onStack[s>>6] |= 1 << (s & 63)
		for sp >= 0 {
			a := int(node[sp])
			m := rest[sp]
			if m == 0 {
				if k := int(word[sp]) + 1; k < w {
					word[sp], rest[sp] = int32(k), r.bits[a*w+k]
					continue
				}
				onStack[a>>6] &^= 1 << (a & 63)
				done[a>>6] |= 1 << (a & 63)
				sp--
				if sp >= 0 && close {
					p := int(node[sp])
					orRow(r.bits[p*w:(p+1)*w], r.bits[a*w:(a+1)*w])
				}
				continue
			}
			b := int(word[sp])*64 + bits.TrailingZeros64(m)
			rest[sp] = m & (m - 1)
			switch {
			case done[b>>6]&(1<<(b&63)) != 0:
				if close {
					orRow(r.bits[a*w:(a+1)*w], r.bits[b*w:(b+1)*w])
				}
			case onStack[b>>6]&(1<<(b&63)) != 0:
				acyclic = false
				if b != a {
					complete = false
				}
				if stop {
					return false, false
				}
			default:
				sp++
				node[sp], word[sp], rest[sp] = int32(b), 0, r.bits[b*w]
				onStack[b>>6] |= 1 << (b & 63)
			}
		}
	}
	return acyclic, complete
}

// orRow sets dst to dst | src.
func orRow(dst, src []uint64) {
	for i := range dst {
		dst[i] |= src[i]
	}
}

// closeIfAcyclic makes r its transitive closure and returns true when r is
// acyclic; otherwise it returns false and leaves r somewhere between r and
// its closure.
func (r Rel) closeIfAcyclic() bool {
	if r.w == 1 {
		acyclic, _ := closeRows64(r.bits, true)
		return acyclic
	}
	if r.n <= maxDFS {
		acyclic, _ := closeRows(r, true, true)
		return acyclic
	}
	return r.closeInPlace()
}

// closeRows64 closes the relation with rows rows (at most 64 of them, one
// word each) along a depth-first search. It reports whether the relation
// is acyclic, and whether the rows are now its closure: they are unless a
// cycle other than a self-loop was met, or stop is set and any cycle was.
// Otherwise the rows lie between the relation and its closure.
func closeRows64(rows []uint64, stop bool) (acyclic, complete bool) {
	var done, onStack uint64
	acyclic, complete = true, true
	var node [64]int
	var rest [64]uint64
	for s := range rows {
		if done&(1<<s) != 0 {
			continue
		}
		sp := 0
		node[0], rest[0] = s, rows[s]
		onStack |= 1 << s
		for sp >= 0 {
			a := node[sp]
			if m := rest[sp]; m != 0 {
				b := bits.TrailingZeros64(m)
				rest[sp] = m & (m - 1)
				switch {
				case done&(1<<b) != 0:
					rows[a] |= rows[b]
				case onStack&(1<<b) != 0:
					// A self-loop leaves the closure of a's row intact;
					// a longer cycle reaches a row not closed yet.
					acyclic = false
					if b != a {
						complete = false
					}
					if stop {
						return false, false
					}
				default:
					sp++
					node[sp], rest[sp] = b, rows[b]
					onStack |= 1 << b
				}
				continue
			}
			onStack &^= 1 << a
			done |= 1 << a
			sp--
			if sp >= 0 {
				rows[node[sp]] |= rows[a]
			}
		}
	}
	return acyclic, complete
}

// Star returns the reflexive-transitive closure r* (over all n events).
func (r Rel) Star() Rel {
	t := r.Plus()
	for a := 0; a < t.n; a++ {
		t.Add(a, a)
	}
	return t
}

// Opt returns r? = r ∪ id.
func (r Rel) Opt() Rel {
	t := r.Clone()
	for a := 0; a < t.n; a++ {
		t.Add(a, a)
	}
	return t
}

// Irreflexive reports whether no (a, a) is in r.
func (r Rel) Irreflexive() bool {
	for a := 0; a < r.n; a++ {
		if r.Has(a, a) {
			return false
		}
	}
	return true
}

// Acyclic reports whether r has no cycle.
func (r Rel) Acyclic() bool {
	if r.w != 1 {
		if r.n <= maxDFS {
			acyclic, _ := closeRows(r, false, true)
			return acyclic
		}
		return r.Plus().Irreflexive()
	}
	// Repeatedly remove events with no successor left; a cycle remains
	// exactly when none can be removed.
	var left uint64
	if r.n == 64 {
		left = ^uint64(0)
	} else {
		left = 1<<r.n - 1
	}
	for left != 0 {
		removed := false
		for m := left; m != 0; m &= m - 1 {
			a := bits.TrailingZeros64(m)
			if r.bits[a]&left == 0 {
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
