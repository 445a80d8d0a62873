package primitive

import (
	"github.com/litmusls/litmusls/syntax"
)

// This file documents the memory instructions of BPF litmus tests: what
// they mean in herd7's BPF model (which follows the kernel's own reading of
// each instruction) and what each JIT compiler emits for them.

// bpfAtomicOps are the instructions of the BPF atomic operations, per JIT:
// x86-64 void and fetching forms, the arm64 LSE operation, the powerpc
// operation in the reservation loop and the riscv AMO.
var bpfAtomicOps = map[string]struct{ x86, x86Fetch, lse, armPre, ppc, amo string }{
	"add": {"lock add", "lock xadd", "add", "", "add", "amoadd"},
	"and": {"lock and", "", "clr", "mvn", "and", "amoand"},
	"or":  {"lock or", "", "set", "", "or", "amoor"},
	"xor": {"lock xor", "", "eor", "", "xor", "amoxor"},
}

// bpfOpNames maps the operators of "lock *(u32 *)(r1 + 0) op= r2" to
// operation names.
var bpfOpNames = map[string]string{"+": "add", "&": "and", "|": "or", "^": "xor"}

// BPFInstruction returns the documentation of the memory instruction in,
// or false for instructions that touch no memory (moves, arithmetic,
// jumps) and for ones that could not be parsed.
func BPFInstruction(in *syntax.Instr) (*Doc, bool) {
	switch in.Kind {
	case syntax.InstrLoad:
		return &Doc{
			Name: "load", Params: []string{"*(uN *)(rB + off)"}, Result: "the value read",
			Summary: "plain BPF load (LDX)",
			Meaning: "A plain load: one read that orders nothing by itself (an aligned access of up to 8 bytes cannot tear). " +
				"Later accesses are ordered after it only through a dependency on its value or an ordering instruction.",
			Events: "R",
			Lower: [NumArchs]Lowering{
				{"mov", "an ordinary load"},
				{"ld ; (lwz, lhz, lbz for narrower widths)", "an ordinary load"},
				{"ldr", "an ordinary load"},
				{"ld ; (lw, lh, lb for narrower widths)", "an ordinary load"},
			},
		}, true
	case syntax.InstrStore:
		return &Doc{
			Name: "store", Params: []string{"*(uN *)(rB + off)", "src"},
			Summary: "plain BPF store (STX/ST)",
			Meaning: "A plain store: one write that orders nothing by itself.",
			Events:  "W",
			Lower: [NumArchs]Lowering{
				{"mov", "an ordinary store"},
				{"std ; (stw, sth, stb for narrower widths)", "an ordinary store"},
				{"str", "an ordinary store"},
				{"sd ; (sw, sh, sb for narrower widths)", "an ordinary store"},
			},
		}, true
	case syntax.InstrLoadAcquire:
		return &Doc{
			Name: "load_acquire", Params: []string{"(uN *)(rB + off)"}, Result: "the value read",
			Summary: "BPF load-acquire (Linux 6.15 and later)",
			Meaning: "A load with acquire ordering, the BPF counterpart of smp_load_acquire(): every later access of the program is ordered after it. " +
				"It needs Linux 6.15 or later; the powerpc and riscv JITs gained it in later releases.",
			Events: "R[acquire]",
			Lower: [NumArchs]Lowering{
				{"mov", "free: x86 keeps loads in order"},
				{"ld ; lwsync", "a load and a lightweight fence"},
				{"ldar", "one load-acquire instruction"},
				{"ld ; fence r,rw", "a load and a one-sided fence"},
			},
		}, true
	case syntax.InstrStoreRelease:
		return &Doc{
			Name: "store_release", Params: []string{"(uN *)(rB + off)", "src"},
			Summary: "BPF store-release (Linux 6.15 and later)",
			Meaning: "A store with release ordering, the BPF counterpart of smp_store_release(): every earlier access of the program is visible before it. " +
				"It needs Linux 6.15 or later; the powerpc and riscv JITs gained it in later releases.",
			Events: "W[release]",
			Lower: [NumArchs]Lowering{
				{"mov", "free: x86 keeps stores in order"},
				{"lwsync ; std", "a lightweight fence and a store"},
				{"stlr", "one store-release instruction"},
				{"fence rw,w ; sd", "a one-sided fence and a store"},
			},
		}, true
	case syntax.InstrAtomic:
		name := bpfOpNames[in.Op]
		op, ok := bpfAtomicOps[name]
		if !ok {
			return nil, false
		}
		arm := "st" + op.lse + " -- (LL/SC: ldxr ; " + op.lse + " ; stxr ; cbnz)"
		if op.armPre != "" {
			arm = op.armPre + " ; " + arm
		}
		return &Doc{
			Name: "lock", Params: []string{"*(uN *)(rB + off) " + in.Op + "=", "src"},
			Summary: "BPF atomic " + name + " without fetch: atomic, unordered",
			Meaning: "An atomic read-modify-write that returns nothing. It is atomic but orders nothing, like the kernel's atomic_" + name + "(): " +
				"a program that counts on it as a barrier is broken on arm64, powerpc and riscv, where it compiles to an unordered atomic.",
			Events: "R ->rmw W (no ordering)",
			Lower: [NumArchs]Lowering{
				{op.x86, "one locked RMW: fully ordered on x86 though BPF promises nothing"},
				{"lwarx ; " + op.ppc + " ; stwcx. ; bne-", "a reservation loop, no fence"},
				{arm, "one atomic, no ordering"},
				{op.amo + ".w zero", "one AMO, no ordering"},
			},
		}, true
	case syntax.InstrAtomicFetch:
		op, ok := bpfAtomicOps[in.Op]
		if !ok {
			return nil, false
		}
		x86, x86Cost := op.x86Fetch, x86Locked
		if x86 == "" {
			x86, x86Cost = "mov ; lock cmpxchg -- (retried)", "a compare-and-swap loop, since x86 has no fetching "+in.Op+"; not allowed on arena memory"
		}
		arm := "ld" + op.lse + "al -- (LL/SC: ldxr ; " + op.lse + " ; stlxr ; cbnz ; dmb ish)"
		if op.armPre != "" {
			arm = op.armPre + " ; " + arm
		}
		return &Doc{
			Name: in.Mnemon, Params: []string{"(uN *)(rB + off)", "src"}, Result: "the old value",
			Summary: "BPF fetching atomic " + in.Op + ": fully ordered",
			Meaning: "An atomic read-modify-write that returns the old value. The kernel runs every fetching atomic fully ordered, like atomic_fetch_" + in.Op + "(): as if a full barrier came just before and just after it. " +
				"JITs before the 2024 fixes emitted it unordered on powerpc and riscv.",
			Events: "R ->rmw W, fully ordered",
			Lower: [NumArchs]Lowering{
				{x86, x86Cost},
				{"sync ; lwarx ; " + op.ppc + " ; stwcx. ; bne- ; sync", "a reservation loop between two heavyweight syncs"},
				{arm, "one LSE atomic with acquire and release (LL/SC: a loop and a full barrier)"},
				{op.amo + ".w.aqrl", "one AMO with both ordering bits"},
			},
		}, true
	case syntax.InstrXchg:
		return &Doc{
			Name: in.Mnemon, Params: []string{"rB + off", "src"}, Result: "the old value",
			Summary: "BPF atomic exchange: fully ordered",
			Meaning: "An atomic exchange, run fully ordered as the kernel's atomic_xchg(): as if a full barrier came just before and just after it.",
			Events:  "R ->rmw W, fully ordered",
			Lower: [NumArchs]Lowering{
				{"xchg", "one exchange, implicitly locked"},
				{"sync ; lwarx ; stwcx. ; bne- ; sync", "a reservation loop between two heavyweight syncs"},
				{"swpal -- (LL/SC: ldxr ; stlxr ; cbnz ; dmb ish)", "one LSE swap with acquire and release"},
				{"amoswap.w.aqrl", "one AMO with both ordering bits"},
			},
		}, true
	case syntax.InstrCmpxchg:
		return &Doc{
			Name: in.Mnemon, Params: []string{"rB + off", "r0", "src"}, Result: "the value read (r0 when it succeeded)",
			Summary: "BPF compare-and-exchange: fully ordered when it succeeds",
			Meaning: "Compare-and-exchange against r0, run as the kernel's atomic_cmpxchg(): fully ordered when it writes, and only a read with no ordering when the comparison fails.",
			Events:  "success: R ->rmw W, fully ordered; failure: R",
			Lower: [NumArchs]Lowering{
				{"lock cmpxchg", x86Locked},
				{"sync ; lwarx ; cmpw ; bne- ; stwcx. ; bne- ; sync", "two heavyweight syncs; a failure skips the second"},
				{"casal -- (LL/SC: ldxr ; eor ; cbnz ; stlxr ; cbnz ; dmb ish)", "one LSE compare-and-swap; the LL/SC form skips the barrier on failure"},
				{"amocas.w.aqrl -- (without Zacas: lr.w ; bne ; sc.w.rl ; bnez ; fence rw,rw)", "one AMO with both ordering bits"},
			},
		}, true
	}
	return nil, false
}
