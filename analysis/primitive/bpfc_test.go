package primitive

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// bpfcRequired are the names issue 5 asks hover to document.
var bpfcRequired = []string{
	"__sync_fetch_and_add", "__sync_fetch_and_sub", "__sync_fetch_and_and", "__sync_fetch_and_or", "__sync_fetch_and_xor",
	"__sync_add_and_fetch", "__sync_sub_and_fetch", "__sync_and_and_fetch", "__sync_or_and_fetch", "__sync_xor_and_fetch",
	"__sync_val_compare_and_swap", "__sync_bool_compare_and_swap", "__sync_lock_test_and_set", "__sync_lock_release",
	"__sync_synchronize",
	"__atomic_load_n", "__atomic_store_n", "__atomic_exchange_n", "__atomic_compare_exchange_n", "__atomic_thread_fence",
	"__atomic_fetch_add", "__atomic_fetch_sub", "__atomic_fetch_and", "__atomic_fetch_or", "__atomic_fetch_xor",
	"__atomic_add_fetch", "__atomic_sub_fetch", "__atomic_and_fetch", "__atomic_or_fetch", "__atomic_xor_fetch",
	"smp_load_acquire", "smp_store_release", "smp_mb", "smp_rmb", "smp_wmb", "smp_acquire__after_ctrl_dep",
	"READ_ONCE", "WRITE_ONCE", "barrier", "cmpxchg", "try_cmpxchg",
	"bpf_spin_lock", "bpf_spin_unlock",
}

// bpfcCalls returns call sites worth documenting for name: no knowledge,
// each result use, each -mcpu, and every memory order it can take.
func bpfcCalls(name string) []BPFCCall {
	calls := []BPFCCall{{}, {Result: ResultUsed}, {Result: ResultUnused}, {CPU: 2, Result: ResultUnused}, {CPU: 4, Result: ResultUnused}}
	if BPFCOrderArg(name) >= 0 {
		for o := bpfc.OrderRelaxed; o <= bpfc.OrderSeqCst; o++ {
			for _, r := range []ResultUse{ResultUnknown, ResultUsed, ResultUnused} {
				calls = append(calls, BPFCCall{Order: o.String(), Result: r}, BPFCCall{Order: o.String(), Result: r, CPU: 2})
			}
		}
		calls = append(calls, BPFCCall{Order: "MY_ORDER"})
	}
	return calls
}

// bpfcNames returns, sorted, every name BPFCBuiltin documents.
func bpfcNames() []string {
	names := make([]string, 0, len(bpfcBuiltins))
	for n := range bpfcBuiltins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestBPFCDocumentsEveryName checks that every required name is
// documented for every kind of call site, with its BPF instruction, an
// LKMM primitive the checker knows, and a row for each architecture.
func TestBPFCDocumentsEveryName(t *testing.T) {
	names := bpfcNames()
	for _, name := range bpfcRequired {
		assert.Contains(t, names, name)
	}
	for _, name := range names {
		for _, call := range bpfcCalls(name) {
			d, ok := BPFCBuiltin(name, call)
			if !assert.True(t, ok, name) {
				continue
			}
			where := name + " " + call.Order
			assert.Equal(t, name, d.Name, where)
			assert.NotEmpty(t, d.Insn, where)
			assert.True(t, strings.Contains(d.Insn, "BPF_") || strings.Contains(d.Insn, "no instruction") || strings.HasPrefix(d.Insn, "call "), "%s: instruction %q", where, d.Insn)
			if d.LKMM != "" {
				_, known := syntax.Primitives[d.LKMM]
				assert.True(t, known, "%s: LKMM primitive %q is not one the checker parses", where, d.LKMM)
				_, documented := Lookup(d.LKMM)
				assert.True(t, documented, where)
			}
			md := d.Markdown(nil)
			assert.Contains(t, md, "**BPF:**", where)
			assert.Contains(t, md, "**LKMM:**", where)
			key := name
			for _, f := range strings.Fields(d.Insn) {
				if strings.HasPrefix(f, "BPF_") {
					key = strings.Trim(f, ",'s")
					break
				}
			}
			assert.Contains(t, md, key, "%s: the instruction is named", where)
			for _, a := range Archs {
				assert.Contains(t, md, "| "+a.String()+" |", where)
				assert.NotEmpty(t, d.Lower[a].Cost, "%s on %s", where, a)
			}
			assert.Contains(t, d.Summary, "modelled as", where)
		}
	}
	_, ok := BPFCBuiltin("bpf_map_lookup_elem", BPFCCall{})
	assert.False(t, ok)
	// bpf_atomic.h has no smp_mb__before_atomic: it is not documented as BPF C.
	_, ok = BPFCBuiltin("smp_mb__before_atomic", BPFCCall{})
	assert.False(t, ok)
}

// TestBPFCMcpuCaveat checks the instruction and translation of
// __sync_fetch_and_add as -mcpu and the use of its result change them.
func TestBPFCMcpuCaveat(t *testing.T) {
	d, _ := BPFCBuiltin("__sync_fetch_and_add", BPFCCall{Result: ResultUnused, CPU: 2})
	assert.Equal(t, "BPF_ATOMIC | BPF_ADD", d.Insn)
	assert.Equal(t, "atomic_add", d.LKMM)
	assert.Equal(t, "R[noreturn] ->rmw W[once]", d.Events)
	assert.Equal(t, "__sync_fetch_and_add(p, v)", d.Signature(), "an unused result is not shown as assigned")
	md := d.Markdown(nil)
	assert.Contains(t, md, "-mcpu=v3")
	assert.Contains(t, md, "with -mcpu=v2 an unused result")
	assert.Contains(t, md, "**Caveats:**")
	assert.Contains(t, md, "| arm64 | `stadd`")

	d, _ = BPFCBuiltin("__sync_fetch_and_add", BPFCCall{Result: ResultUnused, CPU: 3})
	assert.Equal(t, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", d.Insn)
	assert.Equal(t, "atomic_fetch_add", d.LKMM)

	// An unknown -mcpu is clang 20's default, v3, as in the translation;
	// the caveats say what v1/v2 and older clangs do.
	d, _ = BPFCBuiltin("__sync_fetch_and_add", BPFCCall{Result: ResultUnused})
	assert.Equal(t, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", d.Insn)
	assert.Equal(t, "atomic_fetch_add", d.LKMM)
	assert.Contains(t, strings.Join(d.Caveats, "\n"), "If the result is unused, -mcpu=v1 or v2 (or any clang before 20)")

	d, _ = BPFCBuiltin("__sync_fetch_and_add", BPFCCall{Result: ResultUsed})
	assert.Equal(t, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", d.Insn)
	assert.Equal(t, "r = __sync_fetch_and_add(p, v)", d.Signature())
	assert.Contains(t, d.Markdown(nil), "Invalid usage of the XADD return value")

	// Not knowing the use, the documentation shows the fetch and warns
	// about the other case.
	d, _ = BPFCBuiltin("__sync_fetch_and_add", BPFCCall{})
	assert.Equal(t, "atomic_fetch_add", d.LKMM)
	assert.Contains(t, strings.Join(d.Caveats, "\n"), "If the result is unused, -mcpu=v1 or v2")

	// and/or/xor keep the fetch with clang 20, whatever the use.
	d, _ = BPFCBuiltin("__sync_fetch_and_or", BPFCCall{Result: ResultUnused})
	assert.Equal(t, "BPF_ATOMIC | BPF_FETCH | BPF_OR", d.Insn)
	assert.Equal(t, "atomic_fetch_or", d.LKMM)
	assert.Contains(t, strings.Join(d.Caveats, "\n"), "clang before 20")

	// bpf_atomic.h's smp_mb() is the same fetch-add, and stops being a
	// barrier with -mcpu=v2.
	d, _ = BPFCBuiltin("smp_mb", BPFCCall{})
	assert.Equal(t, "smp_mb", d.LKMM)
	assert.Contains(t, d.Markdown(nil), "-mcpu=v1 or v2")
	d, _ = BPFCBuiltin("smp_mb", BPFCCall{CPU: 2})
	assert.Equal(t, "barrier", d.LKMM)
	assert.Equal(t, "stadd", strings.Fields(d.Lower[ARM64].Code)[0])
}

// TestBPFCOrders checks the instruction and the LKMM primitive chosen for
// each memory order and use of the result.
func TestBPFCOrders(t *testing.T) {
	tests := []struct {
		name string
		call BPFCCall
		insn string
		lkmm string
	}{
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUnused}, "BPF_ATOMIC | BPF_ADD", "atomic_add"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add_relaxed"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_ACQUIRE", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add_acquire"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_CONSUME", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add_acquire"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_RELEASE", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add_release"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_ACQ_REL", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add"},
		{"__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_SEQ_CST", Result: ResultUnused, CPU: 4}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_add"},
		{"__atomic_fetch_sub", BPFCCall{Order: "__ATOMIC_SEQ_CST", Result: ResultUsed}, "BPF_NEG, then BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_fetch_sub"},
		{"__atomic_sub_fetch", BPFCCall{Order: "__ATOMIC_RELEASE", Result: ResultUsed}, "BPF_NEG, then BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_sub_return_release"},
		{"__atomic_and_fetch", BPFCCall{Order: "__ATOMIC_SEQ_CST", Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_AND", "atomic_fetch_and"},
		{"__atomic_fetch_xor", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUnused}, "BPF_ATOMIC | BPF_XOR", "atomic_xor"},
		{"__sync_add_and_fetch", BPFCCall{Result: ResultUsed}, "BPF_ATOMIC | BPF_FETCH | BPF_ADD", "atomic_add_return"},
		{"__sync_sub_and_fetch", BPFCCall{Result: ResultUnused, CPU: 2}, "BPF_NEG, then BPF_ATOMIC | BPF_ADD", "atomic_sub"},
		{"__atomic_exchange_n", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUnused}, "BPF_ATOMIC | BPF_XCHG", "xchg_relaxed"},
		{"__atomic_exchange_n", BPFCCall{Order: "__ATOMIC_ACQUIRE"}, "BPF_ATOMIC | BPF_XCHG", "xchg_acquire"},
		{"__sync_lock_test_and_set", BPFCCall{Result: ResultUsed}, "BPF_ATOMIC | BPF_XCHG", "xchg"},
		{"__sync_val_compare_and_swap", BPFCCall{}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg"},
		{"__sync_bool_compare_and_swap", BPFCCall{Result: ResultUsed}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg"},
		{"__atomic_compare_exchange_n", BPFCCall{Order: "__ATOMIC_RELEASE"}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg_release"},
		{"__atomic_compare_exchange_n", BPFCCall{Order: "4"}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg"},
		{"try_cmpxchg_relaxed", BPFCCall{}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg_relaxed"},
		{"try_cmpxchg", BPFCCall{}, "BPF_ATOMIC | BPF_CMPXCHG", "cmpxchg"},
		{"__atomic_load_n", BPFCCall{Order: "__ATOMIC_RELAXED"}, "BPF_LDX | BPF_MEM", "READ_ONCE"},
		{"__atomic_load_n", BPFCCall{Order: "__ATOMIC_ACQUIRE"}, "BPF_ATOMIC | BPF_LOAD_ACQ", "smp_load_acquire"},
		{"__atomic_load_n", BPFCCall{Order: "__ATOMIC_CONSUME", CPU: 4}, "BPF_ATOMIC | BPF_LOAD_ACQ", "smp_load_acquire"},
		{"__atomic_load_n", BPFCCall{Order: "__ATOMIC_ACQUIRE", CPU: 3}, "BPF_LDX | BPF_MEM", "READ_ONCE"},
		{"__atomic_load_n", BPFCCall{Order: "__ATOMIC_SEQ_CST"}, "BPF_LDX | BPF_MEM", "READ_ONCE"},
		{"__atomic_store_n", BPFCCall{Order: "__ATOMIC_RELEASE"}, "BPF_ATOMIC | BPF_STORE_REL", "smp_store_release"},
		{"__atomic_store_n", BPFCCall{Order: "__ATOMIC_RELAXED"}, "BPF_STX | BPF_MEM", "WRITE_ONCE"},
		{"__sync_lock_release", BPFCCall{}, "BPF_ATOMIC | BPF_STORE_REL", "smp_store_release"},
		{"__atomic_thread_fence", BPFCCall{Order: "__ATOMIC_SEQ_CST"}, "no instruction: BPF has no fence", "barrier"},
		{"__atomic_thread_fence", BPFCCall{Order: "__ATOMIC_RELAXED"}, "no instruction: BPF has no fence", ""},
		{"__sync_synchronize", BPFCCall{}, "no instruction: BPF has no fence", "barrier"},
		{"READ_ONCE", BPFCCall{}, "BPF_LDX | BPF_MEM", "READ_ONCE"},
		{"WRITE_ONCE", BPFCCall{}, "BPF_STX | BPF_MEM", "WRITE_ONCE"},
		{"smp_acquire__after_ctrl_dep", BPFCCall{}, "nothing on x86-64; elsewhere smp_mb()'s BPF_ATOMIC | BPF_FETCH | BPF_ADD on a stack slot", "smp_rmb"},
		{"bpf_spin_lock", BPFCCall{}, "call bpf_spin_lock (a helper call)", "spin_lock"},
		{"bpf_spin_unlock", BPFCCall{}, "call bpf_spin_unlock (a helper call)", "spin_unlock"},
	}
	for _, tt := range tests {
		d, ok := BPFCBuiltin(tt.name, tt.call)
		require.True(t, ok, tt.name)
		assert.Equal(t, tt.insn, d.Insn, "%s %+v", tt.name, tt.call)
		assert.Equal(t, tt.lkmm, d.LKMM, "%s %+v", tt.name, tt.call)
	}
}

// TestBPFCCaveats checks the warnings a reader must see.
func TestBPFCCaveats(t *testing.T) {
	caveats := func(name string, call BPFCCall) string {
		d, ok := BPFCBuiltin(name, call)
		require.True(t, ok)
		return strings.Join(d.Caveats, "\n")
	}
	assert.Contains(t, caveats("__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUsed}), "clang 22")
	assert.NotContains(t, caveats("__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_SEQ_CST", Result: ResultUsed}), "clang 22")
	assert.Contains(t, caveats("__sync_lock_test_and_set", BPFCCall{}), "GCC documents __sync_lock_test_and_set as an acquire barrier only")
	assert.Contains(t, caveats("__sync_val_compare_and_swap", BPFCCall{}), "October 2024")
	assert.Contains(t, caveats("__sync_fetch_and_xor", BPFCCall{Result: ResultUsed}), "2024 JIT fixes")
	assert.Contains(t, caveats("__sync_fetch_and_and", BPFCCall{Result: ResultUsed}), "arena")
	assert.Contains(t, caveats("__atomic_load_n", BPFCCall{Order: "__ATOMIC_ACQUIRE"}), "6.15")
	assert.Contains(t, caveats("__atomic_load_n", BPFCCall{Order: "__ATOMIC_SEQ_CST"}), "not verified")
	assert.Contains(t, caveats("__atomic_load_n", BPFCCall{Order: "__ATOMIC_RELEASE"}), "not a valid order for a load")
	assert.Contains(t, caveats("__atomic_fetch_or", BPFCCall{Order: "ORD"}), "`ORD` is not a memory order")
	assert.Contains(t, caveats("__atomic_store_n", BPFCCall{}), "order argument was not found")
	assert.Contains(t, caveats("smp_load_acquire", BPFCCall{}), "-mcpu=v3")
	d, _ := BPFCBuiltin("smp_store_release", BPFCCall{CPU: 1})
	assert.Equal(t, "WRITE_ONCE", d.LKMM)
	assert.Contains(t, d.Meaning, "the release it promises is not there")
	assert.Equal(t, "stadd ; str", d.Lower[ARM64].Code)
	assert.Contains(t, caveats("__sync_synchronize", BPFCCall{}), "smp_mb()")
}

// TestBPFCLowering spot-checks the tables against the JITs as the
// project's notes describe them.
func TestBPFCLowering(t *testing.T) {
	code := func(name string, call BPFCCall, a Arch) string {
		d, ok := BPFCBuiltin(name, call)
		require.True(t, ok, name)
		return d.Lower[a].Code
	}
	used := BPFCCall{Result: ResultUsed}
	unused := BPFCCall{Result: ResultUnused, CPU: 2}

	// The fetching add: lock xadd, ldaddal (LL/SC with a trailing dmb),
	// two syncs around the reservation loop, amoadd with both bits.
	assert.Equal(t, "lock xadd", code("__sync_fetch_and_add", used, X86_64))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_add", used, ARM64), "ldaddal -- (LL/SC, without LSE: ldxr ; add ; stlxr ; cbnz ; dmb ish)"))
	ppc := code("__sync_fetch_and_add", used, PowerPC64)
	assert.True(t, strings.HasPrefix(ppc, "sync ; ldarx ; add ; stdcx. ; bne- ; sync"), ppc)
	assert.Contains(t, ppc, "lwarx")
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_add", used, RISCV64), "amoadd.d.aqrl"))

	// The non-fetching add orders nothing anywhere but x86.
	assert.Equal(t, "lock add", code("__sync_fetch_and_add", unused, X86_64))
	assert.NotContains(t, code("__sync_fetch_and_add", unused, PowerPC64), "sync")
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_add", unused, ARM64), "stadd"))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_add", unused, RISCV64), "amoadd.d zero"))
	assert.NotContains(t, code("__sync_fetch_and_add", unused, RISCV64), "aqrl")

	// Subtraction is a negation and an add; and, or, xor have their own
	// LSE and AMO forms, and x86 loops on cmpxchg for them.
	assert.Equal(t, "neg ; lock xadd", code("__sync_fetch_and_sub", used, X86_64))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_sub", used, ARM64), "neg ; ldaddal"))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_and", used, ARM64), "mvn ; ldclral"))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_or", used, ARM64), "ldsetal"))
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_xor", used, ARM64), "ldeoral"))
	assert.Contains(t, code("__sync_fetch_and_and", used, X86_64), "lock cmpxchg")
	assert.True(t, strings.HasPrefix(code("__sync_fetch_and_xor", used, RISCV64), "amoxor.d.aqrl"))
	assert.True(t, strings.HasPrefix(code("__atomic_fetch_and", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUnused}, ARM64), "mvn ; stclr"))

	// Exchange and compare-and-exchange.
	assert.Equal(t, "xchg", code("__sync_lock_test_and_set", used, X86_64))
	assert.True(t, strings.HasPrefix(code("__sync_lock_test_and_set", used, ARM64), "swpal"))
	assert.True(t, strings.HasPrefix(code("__atomic_exchange_n", BPFCCall{Order: "__ATOMIC_RELAXED"}, RISCV64), "amoswap.d.aqrl"),
		"the JIT runs every exchange fully ordered, whatever the order argument")
	assert.True(t, strings.HasPrefix(code("__sync_val_compare_and_swap", used, X86_64), "lock cmpxchg"))
	assert.True(t, strings.HasPrefix(code("__sync_val_compare_and_swap", used, ARM64), "casal"))
	rv := code("__sync_bool_compare_and_swap", used, RISCV64)
	assert.True(t, strings.HasPrefix(rv, "amocas.d.aqrl"))
	assert.Contains(t, rv, "sc.d.rl")
	assert.Contains(t, rv, "fence rw,rw")
	assert.True(t, strings.HasPrefix(code("cmpxchg", used, PowerPC64), "sync ; ldarx ; cmpd ; bne- ; stdcx. ; bne- ; sync"))

	// Load-acquire and store-release.
	acq := BPFCCall{Order: "__ATOMIC_ACQUIRE"}
	rel := BPFCCall{Order: "__ATOMIC_RELEASE"}
	assert.Equal(t, "mov", code("__atomic_load_n", acq, X86_64))
	assert.Equal(t, "ld ; lwsync", code("__atomic_load_n", acq, PowerPC64))
	assert.Equal(t, "ldar", code("__atomic_load_n", acq, ARM64))
	assert.Equal(t, "ld ; fence r,rw", code("__atomic_load_n", acq, RISCV64))
	assert.Equal(t, "lwsync ; std", code("__atomic_store_n", rel, PowerPC64))
	assert.Equal(t, "stlr", code("__atomic_store_n", rel, ARM64))
	assert.Equal(t, "fence rw,w ; sd", code("__atomic_store_n", rel, RISCV64))

	// bpf_atomic.h: barriers are the stack fetch-add except where x86's
	// ordering makes them free.
	assert.Equal(t, "lock xadd", code("smp_mb", BPFCCall{}, X86_64))
	assert.Equal(t, "sync ; ldarx ; add ; stdcx. ; bne- ; sync", code("smp_mb", BPFCCall{}, PowerPC64))
	assert.Equal(t, "", code("smp_rmb", BPFCCall{}, X86_64))
	assert.Equal(t, "", code("smp_wmb", BPFCCall{}, X86_64))
	assert.True(t, strings.HasPrefix(code("smp_wmb", BPFCCall{}, ARM64), "ldaddal"))
	assert.Equal(t, "mov", code("smp_load_acquire", BPFCCall{}, X86_64))
	assert.True(t, strings.HasPrefix(code("smp_load_acquire", BPFCCall{}, ARM64), "ldr ; ldaddal -- "))
	assert.Equal(t, "amoadd.d.aqrl ; sd", code("smp_store_release", BPFCCall{}, RISCV64))
	assert.Equal(t, "", code("barrier", BPFCCall{}, ARM64))
	assert.Equal(t, "", code("__sync_synchronize", BPFCCall{}, PowerPC64))

	// The spin lock is the kernel's, behind a helper call.
	assert.Contains(t, code("bpf_spin_lock", BPFCCall{}, X86_64), "lock cmpxchg")
	assert.Contains(t, code("bpf_spin_unlock", BPFCCall{}, ARM64), "stlrb")
}

// TestBPFCMarkdown checks that the BPF C documentation renders like every
// primitive's, with caveats after the table.
func TestBPFCMarkdown(t *testing.T) {
	d, _ := BPFCBuiltin("__atomic_fetch_add", BPFCCall{Order: "__ATOMIC_RELAXED", Result: ResultUsed})
	md := d.Markdown(nil)
	assert.True(t, strings.HasPrefix(md, "```c\nr = __atomic_fetch_add(p, v, __ATOMIC_RELAXED)\n```\n\n"), md)
	assert.Contains(t, md, "**Events:** `R[once] ->rmw W[once]`")
	assert.Contains(t, md, "| x86-64 | `lock xadd` |")
	assert.Contains(t, md, "| arm64 | `ldaddal` (LL/SC, without LSE: ldxr ; add ; stlxr ; cbnz ; dmb ish) |")
	table := strings.Index(md, "| riscv64 |")
	cav := strings.Index(md, "\n**Caveats:**\n\n- ")
	require.Positive(t, table)
	assert.Greater(t, cav, table, "caveats come after the table")
	assert.Equal(t, len(d.Caveats), strings.Count(md[cav:], "\n- "))

	md = d.Markdown([]Arch{ARM64})
	assert.NotContains(t, md, "| x86-64 |")
	assert.Contains(t, md, "**Caveats:**")

	// Kernel primitives have no caveats, and their rendering has none.
	p, _ := Lookup("smp_mb")
	assert.NotContains(t, p.Markdown(nil), "Caveats")
}
