package rewrite

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/syntax"
)

// This file is a numeric cost model of the kernel primitives, used to rank
// fixes: the relative cost of each primitive's code on each architecture,
// in rough cycles of an uncontended run on a warm cache. The numbers rank
// code; they do not predict run time. Where they come from (the table and
// notes of the project's facts file lowering.md, "Cost figures with
// provenance"):
//
//   - x86-64: a locked read-modify-write costs 14.6 clocks for a same-CPU
//     compare-and-swap on a Xeon Platinum 8176 (perfbook's table of
//     synchronization costs), so a locked RMW is 15. smp_mb() is a locked
//     add to the stack, chosen because it beat mfence; it is also 15.
//     x86 is TSO: acquire, release, smp_rmb() and smp_wmb() are compiler
//     barriers only, cost 0, and every RMW is locked and fully ordered, so
//     ordering variants of atomics all cost the same.
//   - powerpc64: perfbook gives no nanoseconds; it calls sync costly next
//     to lwsync. We take lwsync = 10 and sync = 40. Acquire is ld;lwsync
//     (the isync patched to lwsync at boot), release lwsync;std, smp_rmb()
//     and smp_wmb() are lwsync; fully ordered RMWs are bracketed by two
//     syncs.
//   - arm64 and riscv64: no published numbers; lowering.md ranks plain <
//     acquire/release instruction < one-sided fence < full fence, and we
//     follow that ranking: ldar/stlr 2 over a plain access, dmb ishld/ishst
//     and riscv's one-sided fences 5, dmb ish and fence rw,rw 10. riscv's
//     acquire/release are a plain access plus a one-sided fence (5).
//   - Every load or store itself costs 1 on every machine; an LL/SC loop or
//     an AMO without ordering costs 15 like x86's locked RMW (an inference:
//     the line must be owned exclusively either way).
//   - RCU grace periods take milliseconds (perfbook): synchronize_rcu()
//     costs 1e6 everywhere, read-side markers 0.

// archCost is the cost of each kind of code on one architecture.
type archCost struct {
	access  int // one load or store
	acquire int // what an acquire load adds to a plain load
	release int // what a release store adds to a plain store
	rmb     int
	wmb     int
	full    int // smp_mb()
	rmw     int // an unordered atomic read-modify-write
	rmwAcq  int // what _acquire adds to it
	rmwRel  int // what _release adds
	rmwFull int // what the fully ordered variant adds
	atomicF int // smp_mb__before_atomic() and smp_mb__after_atomic()
	ulF     int // smp_mb__after_unlock_lock()
}

var archCosts = [primitive.NumArchs]archCost{
	primitive.X86_64:    {access: 1, acquire: 0, release: 0, rmb: 0, wmb: 0, full: 15, rmw: 15, rmwAcq: 0, rmwRel: 0, rmwFull: 0, atomicF: 0, ulF: 0},
	primitive.PowerPC64: {access: 1, acquire: 10, release: 10, rmb: 10, wmb: 10, full: 40, rmw: 15, rmwAcq: 10, rmwRel: 10, rmwFull: 80, atomicF: 40, ulF: 40},
	primitive.ARM64:     {access: 1, acquire: 2, release: 2, rmb: 5, wmb: 5, full: 10, rmw: 15, rmwAcq: 2, rmwRel: 2, rmwFull: 10, atomicF: 10, ulF: 0},
	primitive.RISCV64:   {access: 1, acquire: 5, release: 5, rmb: 5, wmb: 5, full: 10, rmw: 15, rmwAcq: 5, rmwRel: 5, rmwFull: 10, atomicF: 10, ulF: 0},
}

// DefaultCostArchs are the architectures a cost is taken over when none
// are chosen: the costliest of them counts.
var DefaultCostArchs = []primitive.Arch{primitive.X86_64, primitive.ARM64, primitive.PowerPC64}

// shownArchs are the architectures costs are shown on when none are
// chosen, costliest first.
var shownArchs = []primitive.Arch{primitive.PowerPC64, primitive.ARM64, primitive.X86_64}

// PrimitiveCost returns the relative cost of one call of the primitive
// name (or PlainLoad, PlainStore) on arch; unknown names cost 0.
func PrimitiveCost(name string, arch primitive.Arch) int {
	if arch < 0 || arch >= primitive.NumArchs {
		return 0
	}
	c := &archCosts[arch]
	switch name {
	case "", "barrier", "rcu_read_lock", "rcu_read_unlock", "smp_mb__after_srcu_read_unlock", "ATOMIC_INIT":
		return 0
	case PlainLoad, PlainStore, "READ_ONCE", "WRITE_ONCE", "rcu_dereference", "atomic_read", "atomic_set":
		return c.access
	case "smp_load_acquire", "atomic_read_acquire":
		return c.access + c.acquire
	case "smp_store_release", "rcu_assign_pointer", "atomic_set_release":
		return c.access + c.release
	case "smp_store_mb":
		if arch == primitive.X86_64 {
			return c.rmw
		}
		return c.access + c.full
	case "smp_mb":
		return c.full
	case "smp_rmb":
		return c.rmb
	case "smp_wmb":
		return c.wmb
	case "smp_mb__before_atomic", "smp_mb__after_atomic", "smp_mb__after_spinlock":
		return c.atomicF
	case "smp_mb__after_unlock_lock":
		return c.ulF
	case "spin_lock", "lock", "spin_trylock":
		return c.rmw + c.rmwAcq
	case "spin_unlock", "unlock":
		return c.access + c.release
	case "spin_is_locked":
		return c.access
	case "synchronize_rcu", "synchronize_rcu_expedited", "synchronize_srcu", "synchronize_srcu_expedited":
		return 1_000_000
	case "srcu_read_lock", "srcu_read_unlock", "srcu_down_read", "srcu_up_read":
		return c.full // SRCU readers use a full barrier on each side
	}
	if _, ok := syntax.Primitives[name]; !ok {
		return 0
	}
	if rwPrimKind(name) == rwLoad|rwStore {
		base, suffix, ok := AtomicBase(name)
		switch {
		case !ok && strings.HasPrefix(name, "atomic_") && !syntax.Primitives[name].Returns:
			return c.rmw // void atomics are unordered
		case !ok:
			// Value-returning atomics without variants are fully ordered
			// (atomic_dec_and_test, atomic_add_unless, ...).
			return c.rmw + c.rmwFull
		case suffix == "_relaxed":
			return c.rmw
		case suffix == "_acquire":
			return c.rmw + c.rmwAcq
		case suffix == "_release":
			return c.rmw + c.rmwRel
		case syntax.Primitives[base].Returns:
			return c.rmw + c.rmwFull
		}
		return c.rmw
	}
	return 0
}

// A Cost is the cost of some code on each architecture.
type Cost [primitive.NumArchs]int

// On returns the cost on arch.
func (c Cost) On(arch primitive.Arch) int {
	if arch < 0 || arch >= primitive.NumArchs {
		return 0
	}
	return c[arch]
}

// Max returns the largest cost over archs (DefaultCostArchs when empty).
func (c Cost) Max(archs []primitive.Arch) int {
	if len(archs) == 0 {
		archs = DefaultCostArchs
	}
	m := c.On(archs[0])
	for _, a := range archs[1:] {
		m = max(m, c.On(a))
	}
	return m
}

// Text says c on each of archs (PowerPC64, ARM64 and X86_64 when empty):
// "60 on powerpc64, 16 on arm64, 0 on x86-64".
func (c Cost) Text(archs []primitive.Arch) string {
	if len(archs) == 0 {
		archs = shownArchs
	}
	parts := make([]string, len(archs))
	for i, a := range archs {
		parts[i] = fmt.Sprintf("%d on %s", c.On(a), a)
	}
	return strings.Join(parts, ", ")
}

func (c Cost) Add(d Cost) Cost {
	for i := range c {
		c[i] += d[i]
	}
	return c
}

// costOf returns the cost of one primitive on every architecture.
func costOf(name string) Cost {
	var c Cost
	for a := primitive.Arch(0); a < primitive.NumArchs; a++ {
		c[a] = PrimitiveCost(name, a)
	}
	return c
}

// Delta returns what the rewrite adds to the cost of the test on each
// architecture (negative when it saves).
func (r *Rewrite) Delta() Cost {
	to, from := costOf(r.To), costOf(r.From)
	var d Cost
	for i := range d {
		d[i] = to[i] - from[i]
	}
	return d
}

// TestCost returns the cost of the primitives f's threads call, and of
// their plain accesses, on each architecture. src is the text f was parsed
// from.
func TestCost(f *syntax.File, src []byte) Cost {
	l := ScanLayout(f, src)
	var c Cost
	for _, a := range l.Accesses {
		c = c.Add(costOf(a.Prim))
	}
	for _, fc := range l.Fences {
		c = c.Add(costOf(fc.Name))
	}
	otherCalls(f, func(name string) { c = c.Add(costOf(name)) })
	return c
}

// otherCalls calls fn with the name of every call f's threads make that
// is neither an access nor a fence (locks, RCU), in source order.
func otherCalls(f *syntax.File, fn func(name string)) {
	for _, t := range f.Threads {
		if t.Body == nil {
			continue
		}
		syntax.InspectStmt(t.Body, func(syntax.Stmt) {}, func(x syntax.Expr) {
			if c, ok := x.(*syntax.CallExpr); ok && c.Fun != nil && rwPrimKind(c.Fun.Name) == 0 && !rwIsFence(c.Fun.Name) {
				fn(c.Fun.Name)
			}
		})
	}
}
