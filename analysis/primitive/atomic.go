package primitive

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file completes the primitive table with the regular families of
// atomic read-modify-write operations: each operation comes void, or
// returning the old or the new value, with four orderings. The families
// are generated from small tables of operations and orderings rather than
// written out a hundred times.

// An ordering is the strength of a read-modify-write, from its suffix.
type ordering int

const (
	fullyOrdered ordering = iota // no suffix
	relaxed                      // _relaxed
	acquire                      // _acquire
	release                      // _release
)

var orderings = []struct {
	o      ordering
	suffix string
}{{fullyOrdered, ""}, {relaxed, "_relaxed"}, {acquire, "_acquire"}, {release, "_release"}}

// orderingText says in words what an ordering makes of an RMW, and gives
// its events.
func orderingText(o ordering) (meaning, events string) {
	switch o {
	case relaxed:
		return "It orders nothing: only the atomicity of the read and the write is promised.", "R[once] ->rmw W[once]"
	case acquire:
		return "Its read has acquire ordering: every later access of this thread is ordered after it; earlier ones are not ordered.", "R[acquire] ->rmw W[once]"
	case release:
		return "Its write has release ordering: every earlier access of this thread is visible before it; later ones are not ordered.", "R[once] ->rmw W[release]"
	}
	return "It is fully ordered: as if smp_mb() ran just before and just after it.", "R[mb] ->rmw W[mb]"
}

// x86Locked is the cost of any locked x86 instruction.
const x86Locked = "one locked RMW, fully ordered whatever the suffix: about 7 ns on an uncontended line, hundreds of ns when the line comes from another socket"

// rmw builds the lowering of a read-modify-write with ordering o.
//
//	x86:   the x86 code (the same for every ordering)
//	ppc:   the body of the powerpc reservation loop
//	lse:   the arm64 LSE instruction, without its ordering suffix
//	armOp: the arm64 operation inside an LL/SC loop ("" for none)
//	amo:   the riscv AMO, without .aqrl
//	pre:   an instruction both arm64 and riscv run first (neg, mvn), or ""
func rmw(o ordering, x86, x86Cost, ppc, lse, armOp, amo, pre string) [NumArchs]Lowering {
	var l [NumArchs]Lowering
	l[X86_64] = Lowering{x86, x86Cost}

	switch o {
	case fullyOrdered:
		l[PowerPC64] = Lowering{"sync ; " + ppc + " ; sync", "a reservation loop between two heavyweight syncs"}
	case acquire:
		l[PowerPC64] = Lowering{ppc + " ; lwsync", "a reservation loop and a lightweight fence (isync on old CPUs)"}
	case release:
		l[PowerPC64] = Lowering{"lwsync ; " + ppc, "a lightweight fence and a reservation loop"}
	default:
		l[PowerPC64] = Lowering{ppc, "a reservation loop, no fence"}
	}

	prefix := ""
	if pre != "" {
		prefix = pre + " ; "
	}
	op := ""
	if armOp != "" {
		op = armOp + " ; "
	}
	suffix := map[ordering]string{fullyOrdered: "al", acquire: "a", release: "l"}[o]
	ld, st, tail := "ldxr", "stxr", ""
	switch o {
	case fullyOrdered:
		st, tail = "stlxr", " ; dmb ish"
	case acquire:
		ld = "ldaxr"
	case release:
		st = "stlxr"
	}
	armCost := map[ordering]string{
		fullyOrdered: "one LSE atomic with acquire and release (LL/SC: a loop and a full barrier)",
		acquire:      "one acquiring atomic",
		release:      "one releasing atomic",
		relaxed:      "one atomic, no ordering",
	}[o]
	l[ARM64] = Lowering{fmt.Sprintf("%s%s%s -- (LL/SC: %s ; %s%s ; cbnz%s)", prefix, lse, suffix, ld, op, st, tail), armCost}

	switch o {
	case fullyOrdered:
		l[RISCV64] = Lowering{prefix + amo + ".aqrl", "one AMO with both ordering bits"}
	case acquire:
		l[RISCV64] = Lowering{prefix + amo + " ; fence r,rw", "an AMO and a one-sided fence"}
	case release:
		l[RISCV64] = Lowering{prefix + "fence rw,w ; " + amo, "a one-sided fence and an AMO"}
	default:
		l[RISCV64] = Lowering{prefix + amo, "one AMO, no ordering"}
	}
	return l
}

// An atomicOp is one arithmetic or bitwise operation of the atomic_t API.
type atomicOp struct {
	name   string
	verb   string // what it does to the counter, after "It"
	unary  bool   // inc, dec: no operand
	x86    string // the locked x86 instruction of the void form
	xadd   bool   // x86 has a fetching instruction (xadd); else a cmpxchg loop
	ppc    string // the powerpc operation inside the reservation loop
	lse    string // the arm64 LSE operation ("add" gives stadd, ldadd)
	armPre string // arm64 instruction before the LSE one
	amo    string // the riscv AMO
	rvPre  string // riscv instruction before the AMO
}

var atomicOps = []atomicOp{
	{"add", "adds i to the counter", false, "lock add", true, "add", "add", "", "amoadd.w", ""},
	{"sub", "subtracts i from the counter", false, "lock sub", true, "subf", "add", "neg", "amoadd.w", "neg"},
	{"inc", "adds 1 to the counter", true, "lock inc", true, "addic", "add", "", "amoadd.w", ""},
	{"dec", "subtracts 1 from the counter", true, "lock dec", true, "addic", "add", "", "amoadd.w", ""},
	{"and", "ANDs i into the counter", false, "lock and", false, "and", "clr", "mvn", "amoand.w", ""},
	{"or", "ORs i into the counter", false, "lock or", false, "or", "set", "", "amoor.w", ""},
	{"xor", "XORs i into the counter", false, "lock xor", false, "xor", "eor", "", "amoxor.w", ""},
	{"andnot", "clears in the counter the bits set in i", false, "not ; lock and", false, "andc", "clr", "", "amoand.w", "not"},
}

func (op atomicOp) params() []string {
	if op.unary {
		return []string{"v"}
	}
	return []string{"i", "v"}
}

// lowerValue lowers the value-returning form of op with ordering o; ret
// says whether it returns the new value (computed again in a register).
func (op atomicOp) lowerValue(o ordering, ret bool) [NumArchs]Lowering {
	x86, cost := "lock xadd", x86Locked
	if op.name == "sub" {
		x86 = "neg ; lock xadd"
	}
	if !op.xadd {
		x86 = "mov ; lock cmpxchg -- (retried until no other write came between)"
		cost = "a compare-and-swap loop, since x86 has no fetching " + op.name + ": locked RMWs retried under contention"
	}
	pre := op.armPre
	l := rmw(o, x86, cost, "lwarx ; "+op.ppc+" ; stwcx. ; bne-", "ld"+op.lse, op.lse, op.amo, "")
	if pre != "" {
		l[ARM64].Code = pre + " ; " + l[ARM64].Code
	}
	if op.rvPre != "" {
		l[RISCV64].Code = op.rvPre + " ; " + l[RISCV64].Code
	}
	if ret {
		for a := range l {
			l[a].Code += " ; (the new value is computed again in a register)"
		}
	}
	return l
}

// lowerVoid lowers the void form of op: atomic, unordered.
func (op atomicOp) lowerVoid() [NumArchs]Lowering {
	l := [NumArchs]Lowering{
		{op.x86, "one locked RMW: fully ordered on x86 though the model promises nothing"},
		{"lwarx ; " + op.ppc + " ; stwcx. ; bne-", "a reservation loop, no fence"},
		{"st" + op.lse + " -- (LL/SC: ldxr ; " + op.lse + " ; stxr ; cbnz)", "one atomic, no ordering; it may even be done far away in the memory system"},
		{op.amo + " zero", "one AMO, no ordering"},
	}
	if op.armPre != "" {
		l[ARM64].Code = op.armPre + " ; " + l[ARM64].Code
	}
	if op.rvPre != "" {
		l[RISCV64].Code = op.rvPre + " ; " + l[RISCV64].Code
	}
	return l
}

// lowerXchg lowers an exchange of width 'w' (atomic_t) or 'd' (a pointer or
// long).
func lowerXchg(o ordering, w string) [NumArchs]Lowering {
	ll, sc := "ldarx", "stdcx."
	if w == "w" {
		ll, sc = "lwarx", "stwcx."
	}
	return rmw(o, "xchg", "one exchange, implicitly locked: fully ordered whatever the suffix, at the cost of a locked RMW",
		ll+" ; "+sc+" ; bne-", "swp", "", "amoswap."+w, "")
}

// lowerCmpxchg lowers a compare-and-exchange of width w.
func lowerCmpxchg(o ordering, w string) [NumArchs]Lowering {
	ll, cmp, sc := "ldarx", "cmpd", "stdcx."
	if w == "w" {
		ll, cmp, sc = "lwarx", "cmpw", "stwcx."
	}
	l := rmw(o, "lock cmpxchg", x86Locked, ll+" ; "+cmp+" ; bne- ; "+sc+" ; bne-", "cas", "eor ; cbnz", "amocas."+w, "")
	switch o {
	case fullyOrdered:
		l[PowerPC64].Cost += "; a failure skips the second sync"
		l[ARM64].Cost += "; a failure skips the barrier"
		l[RISCV64].Code += " -- (without Zacas: lr." + w + " ; bne ; sc." + w + ".rl ; bnez ; fence rw,rw)"
	case acquire:
		l[PowerPC64].Cost += "; a failure skips the fence"
	}
	return l
}

// completeDocs adds to primitiveDocs, the primitives documented one by
// one, the regular families of atomic operations, and every primitive's
// name and summary.
func completeDocs(primitiveDocs map[string]*Doc) {
	add := func(name string, d *Doc) {
		if _, dup := primitiveDocs[name]; dup {
			panic("primitive: primitive " + name + " documented twice")
		}
		primitiveDocs[name] = d
	}

	// The generic exchanges were written out; give them their code.
	for _, o := range orderings {
		primitiveDocs["xchg"+o.suffix].Lower = lowerXchg(o.o, "d")
		primitiveDocs["cmpxchg"+o.suffix].Lower = lowerCmpxchg(o.o, "d")
	}
	primitiveDocs["srcu_down_read"].Lower = primitiveDocs["srcu_read_lock"].Lower
	primitiveDocs["srcu_up_read"].Lower = primitiveDocs["srcu_read_unlock"].Lower
	primitiveDocs["lock"].Lower = primitiveDocs["spin_lock"].Lower
	primitiveDocs["unlock"].Lower = primitiveDocs["spin_unlock"].Lower

	for _, o := range orderings {
		// atomic_xchg and atomic_cmpxchg: the generic ones on a counter.
		x := *primitiveDocs["xchg"+o.suffix]
		x.Params = []string{"v", "new"}
		x.Meaning = "On an atomic_t: " + lowerFirst(x.Meaning)
		x.Lower = lowerXchg(o.o, "w")
		add("atomic_xchg"+o.suffix, &x)
		c := *primitiveDocs["cmpxchg"+o.suffix]
		c.Params = []string{"v", "old", "new"}
		c.Meaning = "On an atomic_t: " + lowerFirst(c.Meaning)
		c.Lower = lowerCmpxchg(o.o, "w")
		add("atomic_cmpxchg"+o.suffix, &c)
	}

	for _, op := range atomicOps {
		add("atomic_"+op.name, &Doc{
			Params: op.params(),
			Meaning: fmt.Sprintf("It %s as one atomic step, and orders nothing: no other access of this thread is ordered against it, and smp_rmb() does not even order its read. "+
				"Surround it with smp_mb__before_atomic() or smp_mb__after_atomic() when ordering is needed.", op.verb),
			Events: "R[noreturn] ->rmw W[once]",
			Lower:  op.lowerVoid(),
		})
		for _, o := range orderings {
			meaning, events := orderingText(o.o)
			add("atomic_fetch_"+op.name+o.suffix, &Doc{
				Params:  op.params(),
				Result:  "the old value",
				Meaning: fmt.Sprintf("It %s as one atomic step. %s", op.verb, meaning),
				Events:  events,
				Lower:   op.lowerValue(o.o, false),
			})
			if op.name == "and" || op.name == "or" || op.name == "xor" || op.name == "andnot" {
				continue // the kernel has no _return form of the bitwise operations
			}
			add("atomic_"+op.name+"_return"+o.suffix, &Doc{
				Params:  op.params(),
				Result:  "the new value",
				Meaning: fmt.Sprintf("It %s as one atomic step. %s", op.verb, meaning),
				Events:  events,
				Lower:   op.lowerValue(o.o, true),
			})
		}
	}

	// Tests of the result: fully ordered; x86 reads the flags of the
	// locked instruction instead of fetching the value.
	for _, op := range atomicOps {
		if op.name != "sub" && op.name != "inc" && op.name != "dec" {
			continue
		}
		l := op.lowerValue(fullyOrdered, false)
		l[X86_64] = Lowering{op.x86 + " ; sete", x86Locked}
		for a := PowerPC64; a < NumArchs; a++ {
			l[a].Code += " ; (compare the new value with zero)"
		}
		meaning, events := orderingText(fullyOrdered)
		add("atomic_"+op.name+"_and_test", &Doc{
			Params:  op.params(),
			Result:  "true if the new value is zero",
			Meaning: fmt.Sprintf("It %s as one atomic step. %s", op.verb, meaning),
			Events:  events,
			Lower:   l,
		})
	}
	for _, o := range orderings {
		l := atomicOps[0].lowerValue(o.o, false)
		l[X86_64] = Lowering{"lock add ; sets", x86Locked}
		for a := PowerPC64; a < NumArchs; a++ {
			l[a].Code += " ; (test the sign of the new value)"
		}
		meaning, events := orderingText(o.o)
		add("atomic_add_negative"+o.suffix, &Doc{
			Params:  []string{"i", "v"},
			Result:  "true if the new value is negative",
			Meaning: "It adds i to the counter as one atomic step. " + meaning,
			Events:  events,
			Lower:   l,
		})
	}

	// Names and one-line summaries come from the parser's table.
	for name, d := range primitiveDocs {
		d.Name = name
		if p, ok := syntax.Primitives[name]; ok {
			d.Summary = p.Summary
		}
	}
}

// lowerFirst lowers the case of the first letter of s.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
