package litmusgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// bgen builds one BPF test.
type bgen struct {
	rng    *rand.Rand
	s      shape
	t      *Test
	labels int
}

// bthread is one BPF thread being built: the registers that hold the
// addresses of locations, and the next free value register.
type bthread struct {
	addr  map[string]string
	next  int // next of r1..r5
	r0    bool
	init  []string
	stmts []Stmt
	reads []Clause
}

// BPF generates the BPF-assembly test of seed.
func BPF(seed uint64) *Test {
	g := &bgen{rng: Seeded(seed)}
	g.s = pickShape(g.rng)
	g.t = &Test{BPF: true, Name: fmt.Sprintf("%s+bpfgen%d", g.s.name, seed), Quant: "exists"}
	for ti, th := range g.s.threads {
		bt := &bthread{addr: map[string]string{}, next: 1}
		g.thread(ti, th, bt)
		g.t.Threads = append(g.t.Threads, Thread{Init: bt.init, Stmts: bt.stmts})
		g.t.Clauses = append(g.t.Clauses, bt.reads...)
	}
	for _, f := range g.s.finals {
		g.t.Clauses = append(g.t.Clauses, Clause{Thread: -1, Reg: varNames[f.v], Val: strconv.Itoa(f.val)})
	}
	switch n := g.rng.IntN(100); {
	case n < 10:
		g.t.Quant = "~exists"
	case n < 18:
		g.t.Quant = "forall"
	}
	g.t.Or = g.chance(8)
	if g.chance(10) {
		for v := range 2 {
			g.t.Locations = append(g.t.Locations, Clause{Thread: -1, Reg: varNames[v]})
		}
	}
	return g.t
}

func (g *bgen) chance(n int) bool { return g.rng.IntN(100) < n }

// addrReg returns the register that holds location loc's address in bt
// (r6 to r9), or "" when none is left.
func (g *bgen) addrReg(bt *bthread, loc string) string {
	if r, ok := bt.addr[loc]; ok {
		return r
	}
	if len(bt.addr) == 4 {
		return ""
	}
	r := fmt.Sprintf("r%d", 6+len(bt.addr))
	bt.addr[loc] = r
	bt.init = append(bt.init, r+"="+loc)
	return r
}

// val returns a fresh value register (r1 to r5), or "" when none is
// left.
func (g *bgen) val(bt *bthread) string {
	if bt.next > 5 {
		return ""
	}
	r := fmt.Sprintf("r%d", bt.next)
	bt.next++
	return r
}

func (g *bgen) size() string {
	if g.chance(50) {
		return "u32"
	}
	return "u64"
}

var bpfFetchOps = []string{"add", "or", "xor", "and"}

func (g *bgen) thread(ti int, th []access, bt *bthread) {
	prev := "" // the register of the previous read
	var prevVal int
	for i, a := range th {
		var pre []Stmt
		link := linkNone
		if i > 0 {
			switch n := g.rng.IntN(100); {
			case n < 35:
			case n < 65:
				link = linkFence
			case n < 82:
				if prev != "" && a.write {
					link = linkData
				}
			default:
				if prev != "" {
					link = linkCtrl
				}
			}
		}
		if link == linkFence {
			rf := g.addrReg(bt, fmt.Sprintf("f%d", ti))
			rv := g.val(bt)
			if rf != "" && rv != "" {
				op := "atomic_fetch_add"
				if g.chance(30) {
					op = "atomic_fetch_or"
				}
				pre = append(pre, Stmt{Text: fmt.Sprintf("%s = %s((u64 *)(%s + 0), %s)", rv, op, rf, rv)})
			}
		}
		data := ""
		if link == linkData {
			data = prev
		}
		stmts, got := g.access(bt, a, data)
		if link == linkCtrl {
			l := fmt.Sprintf("L%d", g.labels)
			g.labels++
			cmp, v := "!=", prevVal
			if g.chance(30) {
				cmp = "=="
				v = 1 - v
			}
			stmts = []Stmt{{Text: fmt.Sprintf("if %s %s %d goto %s", prev, cmp, v, l), Body: stmts, Close: l + ":"}}
		}
		bt.stmts = append(bt.stmts, pre...)
		bt.stmts = append(bt.stmts, stmts...)
		prev = ""
		if got != "" {
			prev = got
			prevVal = a.val
			if !a.write {
				v := a.val
				if g.chance(8) {
					v = g.rng.IntN(3)
				}
				bt.reads = append(bt.reads, Clause{Thread: ti, Reg: got, Val: strconv.Itoa(v)})
			}
		}
	}
}

// access renders access a and returns the register that holds what it
// read, or "".
func (g *bgen) access(bt *bthread, a access, data string) ([]Stmt, string) {
	ra := g.addrReg(bt, varNames[a.v])
	var out []Stmt
	emit := func(f string, args ...any) { out = append(out, Stmt{Text: fmt.Sprintf(f, args...)}) }
	n := g.rng.IntN(100)
	if a.write {
		rv := g.val(bt)
		if rv == "" || (n < 20 && data == "") {
			emit("*(%s *)(%s + 0) = %d", g.size(), ra, a.val)
			return out, ""
		}
		if data != "" {
			emit("%s = %s", rv, data)
			if g.chance(60) {
				emit("%s &= 0", rv)
				emit("%s += %d", rv, a.val)
			}
		} else {
			emit("%s = %d", rv, a.val)
		}
		switch {
		case n < 40:
			emit("*(%s *)(%s + 0) = %s", g.size(), ra, rv)
			return out, ""
		case n < 60:
			emit("store_release((%s *)(%s + 0), %s)", g.size(), ra, rv)
			return out, ""
		case n < 70:
			emit("%s = xchg_64(%s + 0, %s)", rv, ra, rv)
			return out, rv
		case n < 80 && !bt.r0:
			bt.r0 = true
			out = append([]Stmt{{Text: fmt.Sprintf("r0 = %d", g.rng.IntN(3))}}, out...)
			emit("r0 = cmpxchg_64(%s + 0, r0, %s)", ra, rv)
			return out, "r0"
		case n < 88:
			op := []string{"+=", "|=", "^=", "&="}[g.rng.IntN(4)]
			emit("lock *(%s *)(%s + 0) %s %s", g.size(), ra, op, rv)
			return out, ""
		default:
			emit("%s = atomic_fetch_%s((%s *)(%s + 0), %s)", rv, bpfFetchOps[g.rng.IntN(4)], g.size(), ra, rv)
			return out, rv
		}
	}
	rk := g.val(bt)
	if rk == "" {
		if bt.r0 {
			return nil, ""
		}
		bt.r0 = true
		rk = "r0"
	}
	switch {
	case n < 50:
		emit("%s = *(%s *)(%s + 0)", rk, g.size(), ra)
	case n < 80:
		emit("%s = load_acquire((%s *)(%s + 0))", rk, g.size(), ra)
	case n < 90 || bt.r0:
		emit("%s = 0", rk)
		emit("%s = atomic_fetch_%s((%s *)(%s + 0), %s)", rk, []string{"add", "or", "xor"}[g.rng.IntN(3)], g.size(), ra, rk)
	default:
		bt.r0 = true
		emit("r0 = 5")
		emit("%s = 6", rk)
		emit("r0 = cmpxchg_64(%s + 0, r0, %s)", ra, rk)
		return out, "r0"
	}
	return out, rk
}
