package litmusgen

import (
	"fmt"
	"math/rand/v2"
)

// An access is one memory access of a shape: a write of val to variable
// v, or a read of v that the final condition expects to see val.
type access struct {
	write bool
	v     int
	val   int
}

// A final is a final value the condition expects of a variable.
type final struct{ v, val int }

// A shape is a classic litmus pattern: the accesses of each thread and
// the final values of its condition.
type shape struct {
	name    string
	threads [][]access
	finals  []final
}

func w(v, val int) access { return access{true, v, val} }
func r(v, val int) access { return access{false, v, val} }

// shapes are the named patterns; variables 0, 1, 2, 3 print as x, y, z,
// a.
var shapes = []shape{
	{"MP", [][]access{{w(0, 1), w(1, 1)}, {r(1, 1), r(0, 0)}}, nil},
	{"SB", [][]access{{w(0, 1), r(1, 0)}, {w(1, 1), r(0, 0)}}, nil},
	{"LB", [][]access{{r(0, 1), w(1, 1)}, {r(1, 1), w(0, 1)}}, nil},
	{"WRC", [][]access{{w(0, 1)}, {r(0, 1), w(1, 1)}, {r(1, 1), r(0, 0)}}, nil},
	{"IRIW", [][]access{{w(0, 1)}, {r(0, 1), r(1, 0)}, {w(1, 1)}, {r(1, 1), r(0, 0)}}, nil},
	{"ISA2", [][]access{{w(0, 1), w(1, 1)}, {r(1, 1), w(2, 1)}, {r(2, 1), r(0, 0)}}, nil},
	{"R", [][]access{{w(0, 1), w(1, 1)}, {w(1, 2), r(0, 0)}}, []final{{1, 2}}},
	{"S", [][]access{{w(0, 2), w(1, 1)}, {r(1, 1), w(0, 1)}}, []final{{0, 2}}},
	{"2+2W", [][]access{{w(0, 1), w(1, 2)}, {w(1, 1), w(0, 2)}}, []final{{0, 1}, {1, 1}}},
	{"RWC", [][]access{{w(0, 1)}, {r(0, 1), r(1, 0)}, {w(1, 1), r(0, 0)}}, nil},
	{"Z6.0", [][]access{{w(0, 1), w(1, 1)}, {r(1, 1), w(2, 1)}, {w(2, 2), r(0, 0)}}, []final{{2, 2}}},
	{"Z6.1", [][]access{{w(0, 2), w(1, 1)}, {r(1, 1), w(2, 1)}, {r(2, 1), w(0, 1)}}, []final{{0, 2}}},
	{"Z6.2", [][]access{{w(0, 1), w(1, 1)}, {r(1, 1), w(2, 1)}, {r(2, 1), w(0, 2)}}, []final{{0, 1}}},
	{"Z6.3", [][]access{{w(0, 1), w(1, 1)}, {w(1, 2), w(2, 1)}, {r(2, 1), r(0, 0)}}, []final{{1, 2}}},
	{"W+RWC", [][]access{{w(0, 1), w(1, 1)}, {r(1, 1), r(2, 0)}, {w(2, 1), r(0, 0)}}, nil},
	{"CoRR", [][]access{{w(0, 1)}, {r(0, 1), r(0, 0)}}, nil},
	{"CoWR", [][]access{{w(0, 1), r(0, 2)}, {w(0, 2)}}, []final{{0, 1}}},
}

// chain draws a ring of n threads: thread i accesses variable i and then
// variable i+1 (mod n), each access a read or a write, never a read
// followed by a read of the same variable across threads, so the
// accesses form a cycle of rf, fr and co edges.
func chain(rng *rand.Rand, n int) shape {
	first := make([]bool, n) // whether thread i's first access writes
	second := make([]bool, n)
	for i := range n {
		first[i] = rng.IntN(2) == 0
		second[i] = rng.IntN(2) == 0
	}
	for i := range n {
		prev := (i + n - 1) % n
		if !second[prev] && !first[i] {
			first[i] = true
		}
	}
	s := shape{threads: make([][]access, n)}
	name := ""
	for i := range n {
		prev := (i + n - 1) % n
		// The edge into thread i's first access comes from thread
		// prev's second access, on variable i.
		var a access
		switch {
		case second[prev] && first[i]: // co: prev writes 1, i writes 2
			a = w(i, 2)
			s.finals = append(s.finals, final{i, 2})
		case second[prev]: // rf
			a = r(i, 1)
		default: // fr: prev reads 0, i writes 1
			a = w(i, 1)
		}
		var b access
		next := (i + 1) % n
		switch {
		case second[i]:
			b = w(next, 1)
		default:
			b = r(next, 0)
		}
		s.threads[i] = []access{a, b}
		name += fmt.Sprintf("%c%c", "RW"[b2i(first[i])], "RW"[b2i(second[i])])
	}
	// With second[prev] a write and first[i] a read, i reads prev's 1;
	// with second[i] a read of next, next's first access must be a write
	// of 1 (fr), which the loop above gives.
	s.name = fmt.Sprintf("C%d-%s", n, name)
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pickShape draws a named shape or a chain of 2 to 4 threads.
func pickShape(rng *rand.Rand) shape {
	if rng.IntN(4) == 0 {
		return chain(rng, 2+rng.IntN(3))
	}
	return shapes[rng.IntN(len(shapes))]
}

var varNames = []string{"x", "y", "z", "a"}
