package primitive

import (
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file says what the JITs emit for the BPF instructions clang makes of
// the atomics of BPF C (bpfc.go). The code is for 64-bit values; notes give
// the 32-bit spelling where it differs.

// bpfcLLSCOp is the arm64 ALU instruction inside an LL/SC loop.
var bpfcLLSCOp = map[string]string{"add": "add", "and": "and", "or": "orr", "xor": "eor"}

const (
	x86LockedRMW = "one locked RMW, a full barrier: about 7 ns on an uncontended line, hundreds of ns when the line comes from another socket"
	ppcOldJIT    = "kernels before the May 2024 powerpc JIT fix left out both syncs"
	rvOldJIT     = "kernels before the May 2024 riscv JIT fix left out both bits"
)

// splitOp turns sub into a negation and an add, as clang does: BPF has no
// atomic subtract.
func splitOp(op string) (base, pre string) {
	if op == "sub" {
		return "add", "neg ; "
	}
	return op, ""
}

// lowerBPFFetch is BPF_ATOMIC | BPF_FETCH | op, which every JIT runs fully
// ordered.
func lowerBPFFetch(op string) [NumArchs]Lowering {
	base, pre := splitOp(op)
	o := bpfAtomicOps[base]
	x86, x86Cost := pre+o.x86Fetch, x86LockedRMW
	if o.x86Fetch == "" {
		x86 = "mov ; lock cmpxchg -- (retried until no other write came between)"
		x86Cost = "a compare-and-swap loop, since x86 has no fetching " + base + ": locked RMWs retried under contention; the JIT refuses it on arena memory"
	}
	arm := pre
	if o.armPre != "" {
		arm += o.armPre + " ; "
	}
	return [NumArchs]Lowering{
		{x86, x86Cost},
		{pre + "sync ; ldarx ; " + o.ppc + " ; stdcx. ; bne- ; sync -- (lwarx and stwcx. for 32-bit values)",
			"a reservation loop between two heavyweight syncs; " + ppcOldJIT},
		{arm + "ld" + o.lse + "al -- (LL/SC, without LSE: ldxr ; " + bpfcLLSCOp[base] + " ; stlxr ; cbnz ; dmb ish)",
			"one LSE atomic with acquire and release (LL/SC: a loop and a full barrier)"},
		{pre + o.amo + ".d.aqrl -- (." + "w for 32-bit values)", "one AMO with both ordering bits; " + rvOldJIT},
	}
}

// lowerBPFNoFetch is BPF_ATOMIC | op without BPF_FETCH: atomic, unordered.
func lowerBPFNoFetch(op string) [NumArchs]Lowering {
	base, pre := splitOp(op)
	o := bpfAtomicOps[base]
	arm := pre
	if o.armPre != "" {
		arm += o.armPre + " ; "
	}
	return [NumArchs]Lowering{
		{pre + o.x86, "one locked RMW: a full barrier on x86, though BPF promises no ordering"},
		{pre + "ldarx ; " + o.ppc + " ; stdcx. ; bne- -- (lwarx and stwcx. for 32-bit values)", "a reservation loop, no fence"},
		{arm + "st" + o.lse + " -- (LL/SC, without LSE: ldxr ; " + bpfcLLSCOp[base] + " ; stxr ; cbnz)",
			"one atomic, no ordering; it may even be done far away in the memory system"},
		{pre + o.amo + ".d zero -- (." + "w for 32-bit values)", "one AMO, no ordering"},
	}
}

// lowerBPFXchg is BPF_ATOMIC | BPF_XCHG.
func lowerBPFXchg() [NumArchs]Lowering {
	return [NumArchs]Lowering{
		{"xchg", "one exchange, implicitly locked: a full barrier at the price of a locked RMW"},
		{"sync ; ldarx ; stdcx. ; bne- ; sync -- (lwarx and stwcx. for 32-bit values)", "a reservation loop between two heavyweight syncs; " + ppcOldJIT},
		{"swpal -- (LL/SC, without LSE: ldxr ; stlxr ; cbnz ; dmb ish)", "one LSE swap with acquire and release"},
		{"amoswap.d.aqrl -- (.w for 32-bit values)", "one AMO with both ordering bits; " + rvOldJIT},
	}
}

// lowerBPFCmpxchg is BPF_ATOMIC | BPF_CMPXCHG.
func lowerBPFCmpxchg() [NumArchs]Lowering {
	return [NumArchs]Lowering{
		{"lock cmpxchg -- (r0 lives in rax)", x86LockedRMW},
		{"sync ; ldarx ; cmpd ; bne- ; stdcx. ; bne- ; sync -- (lwarx, cmpw and stwcx. for 32-bit values)",
			"two heavyweight syncs, and a failed comparison skips the second; " + ppcOldJIT},
		{"casal -- (LL/SC, without LSE: ldxr ; eor ; cbnz ; stlxr ; cbnz ; dmb ish, where a failure skips the dmb)",
			"one LSE compare-and-swap with acquire and release"},
		{"amocas.d.aqrl -- (without Zacas: lr.d ; bne ; sc.d.rl ; bnez ; fence rw,rw, where a failure skips the fence)",
			"one AMO with both ordering bits; kernels before the October 2024 riscv JIT fix wrote sc without .rl in the LR/SC form"},
	}
}

// lowerBPFInstr borrows the lowering of a plain or acquire/release access
// from the BPF-assembly documentation, so both kinds of hover agree.
func lowerBPFInstr(kind syntax.InstrKind) [NumArchs]Lowering {
	d, _ := BPFInstruction(&syntax.Instr{Kind: kind})
	l := d.Lower
	if kind == syntax.InstrLoadAcquire || kind == syntax.InstrStoreRelease {
		l[PowerPC64].Cost += "; the powerpc JIT gained the instruction in a 2025 series, after 6.15"
		l[RISCV64].Cost += "; the riscv JIT gained the instruction in a 2025 series, after 6.15"
	}
	return l
}

// joinCode runs pieces of code one after another; their notes (after
// " -- ") move to the end, so that the table cell stays code then prose.
func joinCode(pieces ...string) string {
	var code, notes []string
	for _, p := range pieces {
		if p == "" {
			continue
		}
		if k := strings.Index(p, " -- "); k >= 0 {
			code = append(code, p[:k])
			notes = append(notes, p[k+4:])
			continue
		}
		code = append(code, p)
	}
	s := strings.Join(code, " ; ")
	if len(notes) > 0 {
		s += " -- " + strings.Join(notes, " ")
	}
	return s
}

// lowerStackBarrier is bpf_atomic.h's smp_mb(): a fetching add of 0 to a
// stack slot, for the side effect of its barrier.
func lowerStackBarrier() [NumArchs]Lowering {
	l := lowerBPFFetch("add")
	l[X86_64].Cost = "one locked RMW on a line that stays in this CPU's cache: about 7 ns, the price of a full barrier"
	for _, a := range []Arch{PowerPC64, RISCV64} {
		// The slot is an unsigned long: the 32-bit spellings do not apply.
		l[a].Code, _, _ = strings.Cut(l[a].Code, " -- ")
	}
	return l
}
