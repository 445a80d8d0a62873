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
	for _, n := range []int{1, 5, 30, 64, 65, 100} {
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
