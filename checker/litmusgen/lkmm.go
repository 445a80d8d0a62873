package litmusgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Seeded returns the generator's random source for seed: PCG, with the
// seed and a fixed stream.
func Seeded(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x6c69746d75736c73))
}

// link kinds between two consecutive accesses of a thread.
const (
	linkNone = iota
	linkFence
	linkAddr
	linkData
	linkCtrl
)

// cgen builds one C test.
type cgen struct {
	rng    *rand.Rand
	s      shape
	nvars  int
	atomic []bool
	ptr    []int  // the variable a pointer variable points to, or -1
	target []bool // whether a pointer variable points to the variable
	links  [][]int
	t      *Test
	th     []*cthread
	// rcu and srcu say whether the test uses RCU or SRCU: readers get
	// read-side sections, other threads grace periods.
	rcu, srcu, lock bool
	copyVar         bool
}

type cthread struct {
	regs   int
	params []string
	decls  []string
	stmts  []Stmt
	// reads are the registers of the shape's reads, in order, with the
	// expected values.
	reads []Clause
	// intRegs are registers holding ints, for conditional copies.
	intRegs []string
}

// LKMM generates the C test of seed.
func LKMM(seed uint64) *Test {
	g := &cgen{rng: Seeded(seed)}
	g.s = pickShape(g.rng)
	return g.build(fmt.Sprintf("%s+gen%d", g.s.name, seed))
}

func (g *cgen) chance(n int) bool { return g.rng.IntN(100) < n }

func (g *cgen) build(name string) *Test {
	rng := g.rng
	for _, th := range g.s.threads {
		for _, a := range th {
			g.nvars = max(g.nvars, a.v+1)
		}
	}
	g.atomic = make([]bool, g.nvars)
	g.ptr = make([]int, g.nvars)
	g.target = make([]bool, g.nvars)
	for v := range g.nvars {
		g.atomic[v] = g.chance(20)
		g.ptr[v] = -1
	}
	g.rcu = g.chance(15)
	g.srcu = g.chance(10)
	g.lock = g.chance(15)
	g.copyVar = g.chance(15)
	g.links = make([][]int, len(g.s.threads))
	for t, th := range g.s.threads {
		g.links[t] = make([]int, len(th))
		for i := 1; i < len(th); i++ {
			g.links[t][i] = g.pickLink(th[i-1], th[i])
		}
	}
	g.t = &Test{Name: name, Quant: "exists"}
	for v := range g.nvars {
		if g.ptr[v] >= 0 {
			g.t.Init = append(g.t.Init, fmt.Sprintf("%s=n%s", varNames[v], varNames[v]))
		}
	}
	for t, th := range g.s.threads {
		ct := &cthread{}
		g.th = append(g.th, ct)
		g.thread(t, th, ct)
	}
	g.extras()
	for _, ct := range g.th {
		g.t.Threads = append(g.t.Threads, Thread{Params: ct.params, Decls: ct.decls, Stmts: ct.stmts})
		g.t.Clauses = append(g.t.Clauses, ct.reads...)
	}
	for _, f := range g.s.finals {
		g.t.Clauses = append(g.t.Clauses, Clause{Thread: -1, Reg: varNames[f.v], Val: strconv.Itoa(f.val)})
	}
	g.condition()
	_ = rng
	return g.t
}

// pickLink draws the link between accesses a and b of one thread.
func (g *cgen) pickLink(a, b access) int {
	n := g.rng.IntN(100)
	switch {
	case n < 30:
		return linkNone
	case n < 62:
		return linkFence
	case n < 74:
		if !a.write && g.canPoint(a.v, b.v) {
			g.ptr[a.v] = b.v
			g.target[b.v] = true
			return linkAddr
		}
	case n < 87:
		if !a.write && g.ptr[a.v] < 0 && b.write {
			return linkData
		}
	default:
		if !a.write && g.ptr[a.v] < 0 {
			return linkCtrl
		}
	}
	return linkNone
}

// canPoint reports whether variable p may become a pointer to variable
// v: p is an int variable written only with 1, has no final value, and
// points nowhere else; v is an int variable that points nowhere.
func (g *cgen) canPoint(p, v int) bool {
	if p == v || g.atomic[p] || g.atomic[v] || g.target[p] || g.ptr[v] >= 0 {
		return false
	}
	if g.ptr[p] >= 0 {
		return g.ptr[p] == v
	}
	for _, th := range g.s.threads {
		for _, a := range th {
			if a.v == p && (a.write && a.val != 1) {
				return false
			}
			if a.v == p && !a.write && a.val != 0 && a.val != 1 {
				return false
			}
		}
	}
	for _, f := range g.s.finals {
		if f.v == p {
			return false
		}
	}
	return true
}

func (g *cgen) reg(ct *cthread, ptr bool) string {
	r := fmt.Sprintf("r%d", ct.regs)
	ct.regs++
	if ptr {
		ct.decls = append(ct.decls, "int *"+r+";")
	} else {
		ct.decls = append(ct.decls, "int "+r+";")
		ct.intRegs = append(ct.intRegs, r)
	}
	return r
}

func (g *cgen) param(ct *cthread, p string) {
	if !slices.Contains(ct.params, p) {
		ct.params = append(ct.params, p)
	}
}

func (g *cgen) useVar(ct *cthread, v int) {
	name := varNames[v]
	switch {
	case g.atomic[v]:
		g.param(ct, "atomic_t *"+name)
	case g.ptr[v] >= 0:
		g.param(ct, "int **"+name)
		g.param(ct, "int *"+varNames[g.ptr[v]])
	default:
		g.param(ct, "int *"+name)
	}
}

var (
	cFences    = []string{"smp_mb();", "smp_rmb();", "smp_wmb();", "barrier();", "smp_mb__before_atomic();", "smp_mb__after_atomic();", "synchronize_rcu();", "smp_mb();", "smp_rmb();", "smp_wmb();"}
	orders     = []string{"", "_relaxed", "_acquire", "_release"}
	rmwFetchOp = []string{"add", "sub", "or", "xor", "and", "inc", "dec"}
)

// thread renders thread t of the shape into ct.
func (g *cgen) thread(t int, th []access, ct *cthread) {
	var prevReg string // the register the previous access read
	for i, a := range th {
		link := g.links[t][i]
		ref := varNames[a.v]
		via := "" // the pointer register of an address dependency
		var pre []Stmt
		switch link {
		case linkFence:
			f := cFences[g.rng.IntN(len(cFences))]
			if f == "synchronize_rcu();" && g.chance(30) {
				f = "synchronize_rcu_expedited();"
			}
			pre = append(pre, Stmt{Text: f})
		case linkAddr:
			via = prevReg
			ref = prevReg
		}
		data := ""
		if link == linkData {
			data = prevReg
		}
		if via == "" {
			g.useVar(ct, a.v)
		} else {
			g.param(ct, "int *"+varNames[a.v])
		}
		stmts, got := g.access(ct, a, ref, data)
		if link == linkCtrl {
			cond := fmt.Sprintf("if (%s == %d) {", prevReg, g.ctrlValue(th[i-1]))
			stmts = []Stmt{{Text: cond, Body: stmts, Close: "}"}}
		}
		ct.stmts = append(ct.stmts, pre...)
		ct.stmts = append(ct.stmts, stmts...)
		if !a.write {
			val := strconv.Itoa(a.val)
			if g.ptr[a.v] >= 0 {
				val = "n" + varNames[a.v]
				if a.val == 1 {
					val = varNames[g.ptr[a.v]]
				}
			} else if g.chance(8) {
				val = strconv.Itoa(g.rng.IntN(3))
			}
			ct.reads = append(ct.reads, Clause{Thread: t, Reg: got, Val: val})
		}
		prevReg = got
	}
}

func (g *cgen) ctrlValue(a access) int {
	if g.chance(25) {
		return 1 - a.val
	}
	return a.val
}

// access renders one access to ref (a variable name, or a pointer
// register for an address dependency) and returns the register that
// holds what it read ("" for a plain write). data, if not "", is a
// register the written value depends on.
func (g *cgen) access(ct *cthread, a access, ref, data string) ([]Stmt, string) {
	lv := "*" + ref
	val := strconv.Itoa(a.val)
	if g.ptr[a.v] >= 0 {
		val = varNames[g.ptr[a.v]]
	}
	if data != "" && g.ptr[a.v] < 0 {
		// (A pointer variable keeps its address: herd7 stops on a
		// dereference of an integer, "Non symbolic address".)
		if g.chance(50) {
			val = data
		} else {
			val = fmt.Sprintf("%s - %s + %s", data, data, val)
		}
	}
	one := func(s string) []Stmt { return []Stmt{{Text: s}} }
	n := g.rng.IntN(100)
	if g.ptr[a.v] >= 0 {
		if a.write {
			switch {
			case n < 40:
				return one(fmt.Sprintf("WRITE_ONCE(%s, %s);", lv, val)), ""
			case n < 55:
				return one(fmt.Sprintf("%s = %s;", lv, val)), ""
			case n < 75:
				return one(fmt.Sprintf("smp_store_release(%s, %s);", ref, val)), ""
			default:
				return one(fmt.Sprintf("rcu_assign_pointer(%s, %s);", lv, val)), ""
			}
		}
		r := g.reg(ct, true)
		switch {
		case n < 40:
			return one(fmt.Sprintf("%s = READ_ONCE(%s);", r, lv)), r
		case n < 55:
			return one(fmt.Sprintf("%s = %s;", r, lv)), r
		case n < 75:
			return one(fmt.Sprintf("%s = smp_load_acquire(%s);", r, ref)), r
		default:
			return one(fmt.Sprintf("%s = rcu_dereference(%s);", r, lv)), r
		}
	}
	ord := orders[g.rng.IntN(len(orders))]
	if g.atomic[a.v] {
		if a.write {
			switch {
			case n < 20:
				return one(fmt.Sprintf("atomic_set(%s, %s);", ref, val)), ""
			case n < 35:
				return one(fmt.Sprintf("atomic_set_release(%s, %s);", ref, val)), ""
			case n < 45:
				return one(fmt.Sprintf("atomic_add(%s, %s);", val, ref)), ""
			case n < 50:
				return one(fmt.Sprintf("atomic_inc(%s);", ref)), ""
			case n < 65:
				r := g.reg(ct, false)
				return one(fmt.Sprintf("%s = atomic_xchg%s(%s, %s);", r, ord, ref, val)), r
			case n < 78:
				r := g.reg(ct, false)
				return one(fmt.Sprintf("%s = atomic_cmpxchg%s(%s, %d, %s);", r, ord, ref, g.rng.IntN(3), val)), r
			case n < 88:
				r := g.reg(ct, false)
				return one(fmt.Sprintf("%s = atomic_add_return%s(%s, %s);", r, ord, val, ref)), r
			default:
				r := g.reg(ct, false)
				op := rmwFetchOp[g.rng.IntN(len(rmwFetchOp))]
				if op == "inc" || op == "dec" {
					return one(fmt.Sprintf("%s = atomic_fetch_%s%s(%s);", r, op, ord, ref)), r
				}
				return one(fmt.Sprintf("%s = atomic_fetch_%s%s(%s, %s);", r, op, ord, val, ref)), r
			}
		}
		r := g.reg(ct, false)
		switch {
		case n < 40:
			return one(fmt.Sprintf("%s = atomic_read(%s);", r, ref)), r
		case n < 65:
			return one(fmt.Sprintf("%s = atomic_read_acquire(%s);", r, ref)), r
		case n < 75:
			return one(fmt.Sprintf("%s = atomic_cmpxchg%s(%s, 5, 6);", r, ord, ref)), r
		case n < 85:
			return one(fmt.Sprintf("%s = atomic_fetch_or%s(0, %s);", r, ord, ref)), r
		default:
			return one(fmt.Sprintf("%s = atomic_add_return%s(0, %s);", r, ord, ref)), r
		}
	}
	if a.write {
		switch {
		case n < 30:
			return one(fmt.Sprintf("WRITE_ONCE(%s, %s);", lv, val)), ""
		case n < 42:
			return one(fmt.Sprintf("%s = %s;", lv, val)), ""
		case n < 60:
			return one(fmt.Sprintf("smp_store_release(%s, %s);", ref, val)), ""
		case n < 65:
			return one(fmt.Sprintf("smp_store_mb(%s, %s);", lv, val)), ""
		case n < 68:
			return one(fmt.Sprintf("rcu_assign_pointer(%s, %s);", lv, val)), ""
		case n < 84:
			r := g.reg(ct, false)
			return one(fmt.Sprintf("%s = xchg%s(%s, %s);", r, ord, ref, val)), r
		default:
			r := g.reg(ct, false)
			return one(fmt.Sprintf("%s = cmpxchg%s(%s, %d, %s);", r, ord, ref, g.rng.IntN(3), val)), r
		}
	}
	r := g.reg(ct, false)
	switch {
	case n < 40:
		return one(fmt.Sprintf("%s = READ_ONCE(%s);", r, lv)), r
	case n < 55:
		return one(fmt.Sprintf("%s = %s;", r, lv)), r
	case n < 77:
		return one(fmt.Sprintf("%s = smp_load_acquire(%s);", r, ref)), r
	case n < 82:
		return one(fmt.Sprintf("%s = rcu_dereference(%s);", r, lv)), r
	case n < 91:
		return one(fmt.Sprintf("%s = cmpxchg%s(%s, 5, 6);", r, ord, ref)), r
	default:
		return one(fmt.Sprintf("%s = cmpxchg%s(%s, %d, 3);", r, ord, ref, a.val)), r
	}
}

// extras adds spin locks, RCU and SRCU, conditional plain copies and
// lock queries to the threads.
func (g *cgen) extras() {
	n := len(g.th)
	if g.lock {
		// Wrap the bodies of two or more threads in one lock's critical
		// section; sometimes with a trylock or a barrier after the lock.
		k := 2 + g.rng.IntN(n-1)
		for _, t := range g.rng.Perm(n)[:min(k, n)] {
			ct := g.th[t]
			g.param(ct, "spinlock_t *l")
			switch {
			case g.chance(15):
				r := g.reg(ct, false)
				body := append(cloneStmts(ct.stmts), Stmt{Text: "spin_unlock(l);"})
				ct.stmts = []Stmt{{Text: fmt.Sprintf("%s = spin_trylock(l);", r)}, {Text: fmt.Sprintf("if (%s == 1) {", r), Body: body, Close: "}"}}
			default:
				lock := []Stmt{{Text: "spin_lock(l);"}}
				if g.chance(15) {
					lock = append(lock, Stmt{Text: "smp_mb__after_spinlock();"})
				}
				cut := g.rng.IntN(len(ct.stmts) + 1)
				body := append(lock, ct.stmts[:cut]...)
				body = append(body, Stmt{Text: "spin_unlock(l);"})
				if g.chance(15) {
					body = append(body, Stmt{Text: "smp_mb__after_unlock_lock();"})
				}
				ct.stmts = append(body, ct.stmts[cut:]...)
			}
		}
		if g.chance(20) {
			ct := g.th[g.rng.IntN(n)]
			g.param(ct, "spinlock_t *l")
			r := g.reg(ct, false)
			ct.stmts = append(ct.stmts, Stmt{Text: fmt.Sprintf("%s = spin_is_locked(l);", r)})
		}
	}
	if g.rcu || g.srcu {
		// Readers get a read-side section around their body; the others
		// a grace period between their first statement and the rest.
		readers := 0
		for _, t := range g.rng.Perm(n) {
			ct := g.th[t]
			srcu := g.srcu && (!g.rcu || g.chance(50))
			if readers == 0 || (readers < n-1 && g.chance(40)) {
				readers++
				if srcu {
					g.param(ct, "struct srcu_struct *s")
					r := g.reg(ct, false)
					unlock := fmt.Sprintf("srcu_read_unlock(s, %s);", r)
					if g.chance(10) {
						unlock += " smp_mb__after_srcu_read_unlock();"
					}
					ct.stmts = append(append([]Stmt{{Text: fmt.Sprintf("%s = srcu_read_lock(s);", r)}}, ct.stmts...), Stmt{Text: unlock})
				} else {
					ct.stmts = append(append([]Stmt{{Text: "rcu_read_lock();"}}, ct.stmts...), Stmt{Text: "rcu_read_unlock();"})
				}
				continue
			}
			gp := "synchronize_rcu();"
			if srcu {
				g.param(ct, "struct srcu_struct *s")
				gp = "synchronize_srcu(s);"
			}
			cut := 1 + g.rng.IntN(max(1, len(ct.stmts)-1))
			cut = min(cut, len(ct.stmts))
			ct.stmts = slices.Insert(ct.stmts, cut, Stmt{Text: gp})
		}
	}
	if g.copyVar {
		// if (r == 1) *u = *v; with v an int variable of the shape, and
		// sometimes a plain copy back from u elsewhere.
		var ints []int
		for v := range g.nvars {
			if !g.atomic[v] && g.ptr[v] < 0 && !g.target[v] {
				ints = append(ints, v)
			}
		}
		if len(ints) > 0 {
			v := ints[g.rng.IntN(len(ints))]
			t := g.rng.IntN(n)
			ct := g.th[t]
			g.param(ct, "int *u")
			g.param(ct, "int *"+varNames[v])
			cp := fmt.Sprintf("*u = *%s;", varNames[v])
			if len(ct.intRegs) > 0 && g.chance(80) {
				r := ct.intRegs[g.rng.IntN(len(ct.intRegs))]
				ct.stmts = append(ct.stmts, Stmt{Text: fmt.Sprintf("if (%s == 1) %s", r, cp)})
			} else {
				ct.stmts = append(ct.stmts, Stmt{Text: cp})
			}
			if g.chance(40) {
				v2 := ints[g.rng.IntN(len(ints))]
				ct2 := g.th[g.rng.IntN(n)]
				g.param(ct2, "int *u")
				g.param(ct2, "int *"+varNames[v2])
				ct2.stmts = append(ct2.stmts, Stmt{Text: fmt.Sprintf("*%s = *u;", varNames[v2])})
			}
			if g.chance(50) {
				g.t.Clauses = append(g.t.Clauses, Clause{Thread: -1, Reg: "u", Val: strconv.Itoa(g.rng.IntN(2))})
			}
		}
	}
}

// condition draws the quantifier, the connective and the locations.
func (g *cgen) condition() {
	switch n := g.rng.IntN(100); {
	case n < 10:
		g.t.Quant = "~exists"
	case n < 18:
		g.t.Quant = "forall"
	}
	g.t.Or = g.chance(8)
	if g.chance(10) {
		for v := range g.nvars {
			if g.rng.IntN(2) == 0 {
				g.t.Locations = append(g.t.Locations, Clause{Thread: -1, Reg: varNames[v]})
			}
		}
		if len(g.t.Threads) > 0 && len(g.th[0].intRegs) > 0 {
			g.t.Locations = append(g.t.Locations, Clause{Thread: 0, Reg: g.th[0].intRegs[0]})
		}
	}
}
