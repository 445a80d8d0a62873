package checker

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
)

// randomRel returns a random relation over n events with about density·n²
// pairs.
func randomRel(rng *rand.Rand, n int, density float64) Rel {
	r := NewRel(n)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			if rng.Float64() < density {
				r.Add(a, b)
			}
		}
	}
	return r
}

// naiveAcyclic checks acyclicity by depth-first search.
func naiveAcyclic(r Rel) bool {
	n := r.N()
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	var visit func(a int) bool
	visit = func(a int) bool {
		state[a] = 1
		for b := 0; b < n; b++ {
			if !r.Has(a, b) {
				continue
			}
			if state[b] == 1 || (state[b] == 0 && !visit(b)) {
				return false
			}
		}
		state[a] = 2
		return true
	}
	for a := 0; a < n; a++ {
		if state[a] == 0 && !visit(a) {
			return false
		}
	}
	return true
}

func TestRelAcyclicAndPlus(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{1, 5, 30, 64, 65, 100, 129, 256, 257, 300} {
		for i := 0; i < 50; i++ {
			r := randomRel(rng, n, 1.5/float64(n))
			assert.Equal(t, naiveAcyclic(r), r.Acyclic(), "n=%d", n)
			// Plus is transitive and contains r.
			p := r.Plus()
			assert.True(t, p.Seq(p).Diff(p).Empty())
			assert.True(t, r.Diff(p).Empty())
			assert.Equal(t, naiveAcyclic(r), p.Irreflexive())
		}
	}
}

func TestRelSeqRestrict(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{3, 64, 70} {
		r, s := randomRel(rng, n, 0.1), randomRel(rng, n, 0.1)
		q := r.Seq(s)
		for a := 0; a < n; a++ {
			for c := 0; c < n; c++ {
				want := false
				for b := 0; b < n; b++ {
					want = want || (r.Has(a, b) && s.Has(b, c))
				}
				assert.Equal(t, want, q.Has(a, c))
			}
		}
		dom, rng2 := NewSet(n), NewSet(n)
		dom.Add(0)
		dom.Add(n - 1)
		rng2.Add(1)
		x := r.Restrict(dom, rng2)
		x.Each(func(a, b int) {
			assert.True(t, dom.Has(a) && b == 1 && r.Has(a, b))
		})
		assert.Equal(t, r.Has(0, 1), x.Has(0, 1))
		assert.True(t, r.Equal(r.Clone()))
		assert.Equal(t, r.Len()+s.Diff(r).Len(), r.Union(s).Len())
	}
}

func TestRelInPlace(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{7, 64, 90} {
		r, s := randomRel(rng, n, 0.05), randomRel(rng, n, 0.05)
		dst := NewRel(n)
		SeqInto(dst, r, s)
		assert.True(t, dst.Equal(r.Seq(s)), "SeqInto n=%d", n)

		st := r.Clone()
		st.StarInPlace()
		assert.True(t, st.Equal(r.Star()), "StarInPlace n=%d", n)

		dom, rg := NewSet(n), NewSet(n)
		for i := 0; i < n; i += 3 {
			dom.Add(i)
			rg.Add(n - 1 - i)
		}
		rw := r.Clone()
		rw.RestrictWith(dom, rg)
		assert.True(t, rw.Equal(r.Restrict(dom, rg)), "RestrictWith n=%d", n)

		x := r.Clone()
		x.InterWith(s)
		assert.True(t, x.Equal(r.Inter(s)))
		x.CopyFrom(r)
		x.DiffWith(s)
		assert.True(t, x.Equal(r.Diff(s)))
	}
}

// naivePlus returns r⁺ by searching from each event.
func naivePlus(r Rel) Rel {
	n := r.N()
	t := NewRel(n)
	for s := 0; s < n; s++ {
		stack := []int{s}
		for len(stack) > 0 {
			a := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			r.Row(a).Each(func(b int) {
				if !t.Has(s, b) {
					t.Add(s, b)
					stack = append(stack, b)
				}
			})
		}
	}
	return t
}

func TestRelCloseInPlace(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{1, 2, 17, 63, 64, 65, 130, 200, 256, 257} {
		for i := 0; i < 60; i++ {
			// Sparse relations are mostly acyclic, dense ones cyclic;
			// keep only forward pairs half of the time to get large DAGs.
			r := randomRel(rng, n, float64(1+i%4)/float64(n))
			if i%2 == 0 {
				for a := 0; a < n; a++ {
					for b := 0; b <= a; b++ {
						r.Remove(a, b)
					}
				}
			}
			if i%3 == 0 {
				for a := 0; a < n; a += 5 {
					r.Add(a, a) // self-loops
				}
			}
			before := r.Clone()
			assert.Equal(t, naiveAcyclic(r), r.Acyclic(), "n=%d i=%d", n, i)
			assert.True(t, before.Equal(r), "Acyclic changed r: n=%d i=%d", n, i)
			c := r.Clone()
			acyclic := c.closeInPlace()
			assert.Equal(t, naiveAcyclic(r), acyclic, "n=%d i=%d", n, i)
			assert.True(t, naivePlus(r).Equal(c), "n=%d i=%d", n, i)
			c = r.Clone()
			if c.closeIfAcyclic() {
				assert.True(t, naiveAcyclic(r), "n=%d i=%d", n, i)
				assert.True(t, naivePlus(r).Equal(c), "n=%d i=%d", n, i)
			} else {
				assert.False(t, naiveAcyclic(r), "n=%d i=%d", n, i)
			}
			s := r.Clone()
			s.StarInPlace()
			assert.True(t, naivePlus(r).Union(Identity(n, complement(n, NewSet(n)))).Equal(s), "n=%d i=%d", n, i)
		}
	}
}

func TestArena(t *testing.T) {
	var a arena
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{5, 64, 70} {
		r := randomRel(rng, n, 0.1)
		s := randomRel(rng, n, 0.1)
		m := a.mark()
		assert.True(t, a.union(r, s).Equal(r.Union(s)))
		assert.True(t, a.inter(r, s).Equal(r.Inter(s)))
		assert.True(t, a.diff(r, s).Equal(r.Diff(s)))
		assert.True(t, a.seq(r, s, r).Equal(r.Seq(s).Seq(r)))
		assert.True(t, a.seq(r).Equal(r))
		assert.True(t, a.inverse(r).Equal(r.Inverse()))
		assert.True(t, a.star(r).Equal(r.Star()))
		assert.True(t, a.plus(r).Equal(r.Plus()))
		assert.True(t, a.opt(r).Equal(r.Opt()))
		dom, rng2 := r.Domain(), s.Range()
		assert.True(t, a.restrict(r, dom, rng2).Equal(r.Restrict(dom, rng2)))
		assert.True(t, a.cross(n, dom, rng2).Equal(Cross(n, dom, rng2)))
		assert.True(t, a.identity(n, dom).Equal(Identity(n, dom)))
		// After a reset, new relations are empty and reuse the storage.
		for i := 0; i < 3; i++ {
			a.reset(m)
			x := a.rel(n)
			assert.True(t, x.Empty())
			x.UnionWith(r)
		}
		// Many relations spill into new blocks without disturbing earlier ones.
		first := a.clone(r)
		for i := 0; i < 200; i++ {
			a.clone(s)
		}
		assert.True(t, first.Equal(r))
		v, w := a.set(n), a.set(n)
		copy(v, dom)
		seqRow(w, v, s)
		assert.Equal(t, []uint64(Identity(n, dom).Seq(s).Range()), []uint64(w))
	}
}
