package bpfc

import "strings"

// A CPU is the BPF instruction-set version clang compiles for (-mcpu=vN).
// It decides what the atomic builtins become: see
// ../shared/facts/bpf-lowering.md, section 3.
//
//   - v1 and v2 have one atomic instruction, the non-fetching add
//     (BPF_ATOMIC | BPF_ADD, "lock *(u64 *)(r1 + 0) += r2"), which orders
//     nothing. An unused __sync_fetch_and_add (or _sub) becomes it; clang
//     cannot compile a used result ("Invalid usage of the XADD return
//     value"), nor and/or/xor, exchange or compare-and-exchange.
//   - v3 adds the fetching read-modify-writes, exchange and
//     compare-and-exchange, which every JIT runs fully ordered. Since
//     clang 20 (LLVM pull request 107008) it is clang's default, and an
//     unused __sync_fetch_and_OP keeps the fetching, fully ordered
//     instruction (LLVM pull request 106494); clang before 20 emitted the
//     non-fetching one, as for v1/v2. CPUv3 means clang 20 or later.
//   - v4 adds load-acquire and store-release (kernel 6.15 and later).
//     Below v4, a BPF program's acquire load or release store
//     (__atomic_load_n, __atomic_store_n) is taken as READ_ONCE or
//     WRITE_ONCE, with a note; user-space code keeps its ordering.
type CPU int

// The CPU versions. CPUDefault is no choice: the annotation "litmus: cpu"
// or else DefaultCPU.
const (
	CPUDefault CPU = iota
	CPUv1
	CPUv2
	CPUv3
	CPUv4
)

// DefaultCPU is the CPU assumed when neither the caller nor the file
// chooses one: clang's default since clang 20.
const DefaultCPU = CPUv3

// ParseCPU reads a CPU version: "v1" to "v4" (also "1" to "4"). It
// returns CPUDefault for anything else.
func ParseCPU(s string) CPU {
	switch strings.TrimPrefix(strings.TrimSpace(s), "v") {
	case "1":
		return CPUv1
	case "2":
		return CPUv2
	case "3":
		return CPUv3
	case "4":
		return CPUv4
	}
	return CPUDefault
}

// String returns "v1" to "v4", or "" for CPUDefault.
func (c CPU) String() string {
	if c < CPUv1 || c > CPUv4 {
		return ""
	}
	return "v" + string(rune('0'+int(c)))
}

// fetching reports whether the CPU has the fetching atomics, exchange and
// compare-and-exchange (v3 and later).
func (c CPU) fetching() bool { return c >= CPUv3 }

// Options are the choices of a translation.
type Options struct {
	// CPU is the -mcpu the BPF C is built for. CPUDefault leaves the
	// choice to each scenario's "litmus: cpu" annotation, else
	// DefaultCPU; any other value overrides the annotations.
	CPU CPU
	// OldClang takes clang before 20: an unused read-modify-write that
	// the source does not ask to be relaxed is the non-fetching,
	// unordered instruction at every CPU, as it is at v1/v2. With CPUv2
	// it is the weakest build of the atomics both compile.
	OldClang bool
}

// weakRMW reports whether an unused read-modify-write is the
// non-fetching instruction even when the source asks for ordering.
func (a *assembler) weakRMW() bool { return !a.cpu.fetching() || a.oldClang }

// cpuHeader is the header comment of a generated test saying which build
// the translation assumed.
func (a *assembler) cpuHeader() string {
	if a.oldClang {
		return "(* BPF built with clang before 20, -mcpu=" + a.cpu.String() + " (an unused __sync_fetch_and_OP is unordered). *)"
	}
	return "(* BPF built with clang -mcpu=" + a.cpu.String() + cpuWords[a.cpu] + ". *)"
}

// cpuWords qualify the CPU in the header of a generated test.
var cpuWords = map[CPU]string{
	CPUv1: " (an unused __sync_fetch_and_add is the unordered atomic_add)",
	CPUv2: " (an unused __sync_fetch_and_add is the unordered atomic_add)",
	CPUv3: " (clang 20 and later; an unused __sync_fetch_and_OP is fully ordered)",
	CPUv4: " (clang 20 and later; an unused __sync_fetch_and_OP is fully ordered)",
}
