package checker

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// Structures lowers f and returns event structures that together hold
// every path of every thread and, up to maxCoverStructures structures,
// every pair of paths of two threads side by side: the first ones take the
// i-th path of each thread (or its last, when the thread has fewer), the
// others one missing pair each, the other threads on their first path. So
// there are about as many as pairs of paths, not one per combination of
// all threads. They are for analyses that read each thread's events, its
// po, rmw, addr, data and ctrl relations, and patterns between two
// threads; they carry no reads-from and no model cache. Event spans refer
// to f's source.
//
// A test the checker cannot lower gives its LowerError, as Check reports
// it in Result.Errors; any other error is the checker's own failure.
func Structures(f *syntax.File) ([]*Structure, *LowerError, error) {
	p, le, err := lowerTest(f)
	if p == nil {
		return nil, le, err
	}
	nt := len(p.threads)
	var combos [][]int
	seen := map[string]bool{}
	// together[t1][p1][t2][p2] records that a combo has both paths.
	type pair struct{ t1, p1, t2, p2 int }
	together := map[pair]bool{}
	add := func(c []int) {
		key := fmt.Sprint(c)
		if seen[key] {
			return
		}
		seen[key] = true
		combos = append(combos, c)
		for t1 := range nt {
			for t2 := t1 + 1; t2 < nt; t2++ {
				together[pair{t1, c[t1], t2, c[t2]}] = true
			}
		}
	}
	most := 1
	for _, ps := range p.threads {
		most = max(most, len(ps))
	}
	for i := range most {
		c := make([]int, nt)
		for t, ps := range p.threads {
			c[t] = min(i, max(len(ps)-1, 0))
		}
		add(c)
	}
	for t1 := range nt {
		for t2 := t1 + 1; t2 < nt; t2++ {
			for p1 := range p.threads[t1] {
				for p2 := range p.threads[t2] {
					if together[pair{t1, p1, t2, p2}] || len(combos) >= maxCoverStructures {
						continue
					}
					c := make([]int, nt)
					c[t1], c[t2] = p1, p2
					add(c)
				}
			}
		}
	}
	out := make([]*Structure, 0, len(combos))
	for _, c := range combos {
		paths := make([]*path, p.nthread)
		for t, ps := range p.threads {
			if len(ps) > 0 {
				paths[t] = ps[c[t]]
			}
		}
		out = append(out, p.buildStructure(paths).Structure)
	}
	return out, nil, nil
}

// maxCoverStructures bounds the structures Structures adds to put pairs
// of paths side by side.
const maxCoverStructures = 256
