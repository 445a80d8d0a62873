package primitive

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// This file documents the atomics a BPF C program writes: the compiler
// builtins (__sync_*, __atomic_*), the macros of the selftests' header
// bpf_atomic.h, and the spin-lock helpers. For each call it says which BPF
// instruction clang emits, which LKMM primitive the translation of the
// program into a litmus test uses and why, and what each JIT makes of the
// instruction. What clang emits depends on the memory-order argument, on
// whether the program uses the value, and on -mcpu, so the documentation is
// made for one call site, described by a BPFCCall.

// A BPFCCall is what the text of one call site says about a BPF C atomic.
// The zero value says nothing; the documentation then covers every case
// the call could be in.
type BPFCCall struct {
	// Order is the memory-order argument as written ("__ATOMIC_RELAXED",
	// "memory_order_acquire", "0"), or "" when the name takes none or the
	// argument could not be read. Of __atomic_compare_exchange_n it is the
	// success order.
	Order string
	// Result says whether the program uses the value of the call.
	Result ResultUse
	// CPU is the -mcpu version the program is built for (1 to 4), or 0
	// when it is not known. clang 20 and later default to 3.
	CPU int
}

// A ResultUse says whether the value of a call is used.
type ResultUse int

// The uses of a call's value.
const (
	ResultUnknown ResultUse = iota // not known: the documentation covers both cases
	ResultUsed                     // assigned, returned, tested, or passed on
	ResultUnused                   // a statement of its own, or cast to void
)

// A BPFCDoc documents one call of a BPF C atomic. Its Doc renders
// it as hover shows every primitive: meaning, LKMM events, the JIT
// lowering per architecture, and caveats.
type BPFCDoc struct {
	Doc
	// Insn is the BPF instruction clang emits for the call, as
	// "BPF_ATOMIC | BPF_FETCH | BPF_ADD", or a short phrase when the call
	// is not one instruction.
	Insn string
	// LKMM is the name of the LKMM primitive the translation into a
	// litmus test uses for the call ("atomic_fetch_add_relaxed"), or ""
	// when it becomes nothing.
	LKMM string
}

// BPFCBuiltin returns the documentation of the BPF C atomic name as called
// at a site described by call, and whether name is one.
func BPFCBuiltin(name string, call BPFCCall) (*BPFCDoc, bool) {
	b, ok := bpfcBuiltins[name]
	if !ok {
		return nil, false
	}
	d := b.doc(call)
	d.Name = name
	d.Params = append([]string(nil), b.params...)
	if b.orderArg >= 0 && b.orderArg < len(d.Params) && bpfc.ParseOrder(call.Order) != bpfc.OrderUnknown {
		d.Params[b.orderArg] = strings.TrimSpace(call.Order)
	}
	d.Result = b.result
	if call.Result == ResultUnused {
		d.Result = "" // the signature then shows the call as written, without "r = "
	}
	d.Summary = d.Insn + "; modelled as " + orNothing(d.LKMM)
	return d, true
}

// BPFCOrderArg returns the index of name's memory-order argument (the
// success order of __atomic_compare_exchange_n), or -1 when it has none.
func BPFCOrderArg(name string) int {
	if b, ok := bpfcBuiltins[name]; ok {
		return b.orderArg
	}
	return -1
}

// bpfcDoc starts the documentation of a call.
func bpfcDoc(insn, lkmm, events string) *BPFCDoc {
	d := &BPFCDoc{Insn: insn, LKMM: lkmm}
	d.Events = events
	return d
}

func orNothing(lkmm string) string {
	if lkmm == "" {
		return "nothing"
	}
	return lkmm + "()"
}

// ---------------------------------------------------------------------------
// Memory orders.

// rmwOrdering is the strength of the LKMM read-modify-write that keeps
// the promise of order o; o.Suffix() is its name's suffix.
func rmwOrdering(o bpfc.Order) ordering {
	switch o {
	case bpfc.OrderRelaxed:
		return relaxed
	case bpfc.OrderConsume, bpfc.OrderAcquire:
		return acquire
	case bpfc.OrderRelease:
		return release
	}
	return fullyOrdered
}

// ---------------------------------------------------------------------------
// The documented names.

// A bpfcBuiltin is one documented name: its parameters, what it returns,
// where its order argument is, and how to document a call.
type bpfcBuiltin struct {
	params   []string
	result   string
	orderArg int // index of the memory-order argument, or -1
	doc      func(call BPFCCall) *BPFCDoc
}

var bpfcBuiltins = map[string]bpfcBuiltin{}

func init() {
	add := func(name string, b bpfcBuiltin) {
		if _, dup := bpfcBuiltins[name]; dup {
			panic("primitive: BPF C name " + name + " documented twice")
		}
		bpfcBuiltins[name] = b
	}
	for _, op := range []string{"add", "sub", "and", "or", "xor"} {
		r := bpfcRMW{op: op, sync: true}
		add("__sync_fetch_and_"+op, bpfcBuiltin{[]string{"p", "v"}, "the old value", -1, r.doc})
		r.newValue = true
		add("__sync_"+op+"_and_fetch", bpfcBuiltin{[]string{"p", "v"}, "the new value", -1, r.doc})
		r = bpfcRMW{op: op}
		add("__atomic_fetch_"+op, bpfcBuiltin{[]string{"p", "v", "order"}, "the old value", 2, r.doc})
		r.newValue = true
		add("__atomic_"+op+"_fetch", bpfcBuiltin{[]string{"p", "v", "order"}, "the new value", 2, r.doc})
	}

	add("__sync_lock_test_and_set", bpfcBuiltin{[]string{"p", "v"}, "the old value", -1, bpfcXchg{sync: true}.doc})
	add("__atomic_exchange_n", bpfcBuiltin{[]string{"p", "v", "order"}, "the old value", 2, bpfcXchg{}.doc})

	add("__sync_val_compare_and_swap", bpfcBuiltin{[]string{"p", "old", "new"}, "the value read (old when it swapped)", -1,
		bpfcCAS{fixed: bpfc.OrderSeqCst}.doc})
	add("__sync_bool_compare_and_swap", bpfcBuiltin{[]string{"p", "old", "new"}, "true when it swapped", -1,
		bpfcCAS{fixed: bpfc.OrderSeqCst, compare: true}.doc})
	add("__atomic_compare_exchange_n", bpfcBuiltin{[]string{"p", "expected", "desired", "weak", "success", "failure"},
		"true when it swapped (on failure, *expected gets the value read)", 4, bpfcCAS{compare: true, builtin: true}.doc})
	add("cmpxchg", bpfcBuiltin{[]string{"p", "old", "new"}, "the value read (old when it swapped)", -1,
		bpfcCAS{fixed: bpfc.OrderSeqCst, macro: "__sync_val_compare_and_swap"}.doc})
	add("try_cmpxchg", bpfcBuiltin{[]string{"p", "pold", "new"}, "true when it swapped (on failure, *pold gets the value read)", -1,
		bpfcCAS{fixed: bpfc.OrderSeqCst, compare: true, macro: "cmpxchg"}.doc})
	add("try_cmpxchg_relaxed", bpfcBuiltin{[]string{"p", "pold", "new"}, "true when it swapped (on failure, *pold gets the value read)", -1,
		bpfcCAS{fixed: bpfc.OrderRelaxed, compare: true, macro: "cmpxchg"}.doc})
	add("try_cmpxchg_acquire", bpfcBuiltin{[]string{"p", "pold", "new"}, "true when it swapped (on failure, *pold gets the value read)", -1,
		bpfcCAS{fixed: bpfc.OrderAcquire, compare: true, macro: "cmpxchg"}.doc})

	add("__atomic_load_n", bpfcBuiltin{[]string{"p", "order"}, "the value read", 1, atomicLoadDoc})
	add("__atomic_store_n", bpfcBuiltin{[]string{"p", "v", "order"}, "", 2, func(c BPFCCall) *BPFCDoc {
		return atomicStoreDoc(c, bpfc.ParseOrder(c.Order), false)
	}})
	add("__sync_lock_release", bpfcBuiltin{[]string{"p"}, "", -1, func(c BPFCCall) *BPFCDoc {
		return atomicStoreDoc(c, bpfc.OrderRelease, true)
	}})
	add("__atomic_thread_fence", bpfcBuiltin{[]string{"order"}, "", 0, func(c BPFCCall) *BPFCDoc {
		return fenceDoc(bpfc.ParseOrder(c.Order), false)
	}})
	add("__sync_synchronize", bpfcBuiltin{nil, "", -1, func(BPFCCall) *BPFCDoc { return fenceDoc(bpfc.OrderSeqCst, true) }})

	// bpf_atomic.h, the selftests' header of kernel-style macros.
	add("READ_ONCE", bpfcBuiltin{[]string{"x"}, "the value read", -1, func(BPFCCall) *BPFCDoc { return onceDoc(true) }})
	add("WRITE_ONCE", bpfcBuiltin{[]string{"x", "v"}, "", -1, func(BPFCCall) *BPFCDoc { return onceDoc(false) }})
	add("barrier", bpfcBuiltin{nil, "", -1, func(BPFCCall) *BPFCDoc { return barrierDoc() }})
	add("smp_mb", bpfcBuiltin{nil, "", -1, smpMbDoc})
	add("smp_rmb", bpfcBuiltin{nil, "", -1, func(c BPFCCall) *BPFCDoc { return smpHalfDoc(c, "smp_rmb", "loads before it against loads after it") }})
	add("smp_wmb", bpfcBuiltin{nil, "", -1, func(c BPFCCall) *BPFCDoc { return smpHalfDoc(c, "smp_wmb", "stores before it against stores after it") }})
	add("smp_acquire__after_ctrl_dep", bpfcBuiltin{nil, "", -1, func(c BPFCCall) *BPFCDoc {
		return smpHalfDoc(c, "smp_acquire__after_ctrl_dep", "the load a control dependency hangs on against later loads, making the pair an acquire")
	}})
	add("smp_load_acquire", bpfcBuiltin{[]string{"p"}, "the value read", -1, func(c BPFCCall) *BPFCDoc { return headerAcqRelDoc(c, true) }})
	add("smp_store_release", bpfcBuiltin{[]string{"p", "v"}, "", -1, func(c BPFCCall) *BPFCDoc { return headerAcqRelDoc(c, false) }})

	add("bpf_spin_lock", bpfcBuiltin{[]string{"lock"}, "", -1, func(BPFCCall) *BPFCDoc { return spinDoc(true) }})
	add("bpf_spin_unlock", bpfcBuiltin{[]string{"lock"}, "", -1, func(BPFCCall) *BPFCDoc { return spinDoc(false) }})
}

// ---------------------------------------------------------------------------
// Caveats shared by several names.

const (
	caveatV3         = "Needs -mcpu=v3 or later (the default of clang 20 and later): the older CPU versions have no fetching atomic, no exchange and no compare-and-exchange."
	caveatXADDError  = "With -mcpu=v1 or v2 clang has only the non-fetching add, and stops with \"Invalid usage of the XADD return value\" when the program uses the result."
	caveatOldJITFull = "On kernels older than the 2024 JIT fixes, powerpc and riscv ran this instruction with no ordering at all (riscv's compare-and-exchange until October 2024): there it is only as strong as the _relaxed primitive."
	caveatSeqCstLdSt = "What clang emits for a sequentially consistent load or store was not verified for this documentation: BPF has nothing stronger than load-acquire and store-release, so the translation takes the weakest reading, a marked access. Check the object code (llvm-objdump -d)."
)

// orderCaveat reports an order argument that could not be read, and the
// order the documentation assumed instead.
func orderCaveat(call BPFCCall, assumed bpfc.Order) string {
	if call.Order == "" {
		return fmt.Sprintf("The order argument was not found; this documentation assumes %s.", assumed)
	}
	return fmt.Sprintf("The order argument `%s` is not a memory order this documentation can read; it assumes %s.", strings.TrimSpace(call.Order), assumed)
}

// ---------------------------------------------------------------------------
// Arithmetic and bitwise read-modify-writes.

// rmwOrder returns the order of a read-modify-write call: sequentially
// consistent for a __sync builtin (sync), else the order argument; one
// that cannot be read is taken as sequentially consistent, with a caveat
// saying so.
func rmwOrder(call BPFCCall, sync bool) (bpfc.Order, []string) {
	if sync {
		return bpfc.OrderSeqCst, nil
	}
	if o := bpfc.ParseOrder(call.Order); o != bpfc.OrderUnknown {
		return o, nil
	}
	return bpfc.OrderSeqCst, []string{orderCaveat(call, bpfc.OrderSeqCst)}
}

// A bpfcRMW is __sync_fetch_and_<op>, __sync_<op>_and_fetch,
// __atomic_fetch_<op> or __atomic_<op>_fetch.
type bpfcRMW struct {
	op       string // add, sub, and, or, xor
	newValue bool   // yields the new value (the <op>_fetch spellings)
	sync     bool   // a __sync builtin: sequentially consistent, no order argument
}

func (r bpfcRMW) doc(call BPFCCall) *BPFCDoc {
	order, caveats := rmwOrder(call, r.sync)
	arith := r.op == "add" || r.op == "sub"

	// Whether clang emits the fetching instruction, and why not.
	fetch, because := true, ""
	switch {
	case order == bpfc.OrderRelaxed && call.Result == ResultUnused:
		fetch, because = false, "a relaxed read-modify-write whose value is unused becomes the non-fetching instruction, and the source asked for no ordering either"
	case arith && call.Result == ResultUnused && (call.CPU == 1 || call.CPU == 2):
		fetch = false
		because = fmt.Sprintf("with -mcpu=v%d an unused result gives the non-fetching instruction, which orders nothing", call.CPU)
	}

	d := &BPFCDoc{}
	base, _ := splitOp(r.op)
	insnOp := "BPF_" + strings.ToUpper(base)
	neg := ""
	if r.op == "sub" {
		neg = "BPF_NEG, then "
	}
	asmOp := map[string]string{"add": "+", "and": "&", "or": "|", "xor": "^"}[base]

	if !fetch {
		d.Insn = neg + "BPF_ATOMIC | " + insnOp
		d.LKMM = "atomic_" + r.op
		d.Events = "R[noreturn] ->rmw W[once]"
		d.Lower = lowerBPFNoFetch(r.op)
		when := ""
		d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `lock *(u64 *)(r1 + 0) %s= r2`)%s: an atomic %s that fetches nothing. "+
			"It is atomic but orders nothing: x86 happens to run it as a full barrier, arm64, powerpc and riscv do not.\n\n"+
			"**LKMM:** `%s()`, because %s. It orders no other access of the program.",
			d.Insn, asmOp, when, r.op, d.LKMM, because)
		if arith && order != bpfc.OrderRelaxed {
			caveats = append(caveats,
				"Built with -mcpu=v3 or later by clang 20 or later, the same call is `BPF_ATOMIC | BPF_FETCH | "+insnOp+"` instead, which every JIT runs fully ordered (x86-64 `lock xadd`, arm64 `ldaddal`, powerpc `sync` around the reservation loop, riscv `amoadd.d.aqrl`). "+
					"Do not count on an unused result for ordering unless the build pins -mcpu=v3 or later.")
		}
		d.Caveats = caveats
		return d
	}

	ord, suffix := rmwOrdering(order), order.Suffix()
	switch {
	case r.newValue && arith:
		d.LKMM = "atomic_" + r.op + "_return" + suffix
	default:
		d.LKMM = "atomic_fetch_" + r.op + suffix
	}
	meaning, events := orderingText(ord)
	d.Events = events
	d.Lower = lowerBPFFetch(r.op)
	then := ""
	if r.newValue {
		then = "; the new value is then computed again in a register"
	}
	d.Insn = neg + "BPF_ATOMIC | BPF_FETCH | " + insnOp
	d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `r2 = atomic_fetch_%s((u64 *)(r1 + 0), r2)`)%s. "+
		"The kernel defines the instruction as atomic_fetch_%s(), so every JIT runs it fully ordered.\n\n"+
		"**LKMM:** `%s()`, %s %s",
		d.Insn, base, then, base, d.LKMM, rmwWhy(r.sync, order), meaning)

	if arith {
		caveats = append(caveats, caveatXADDError)
		if call.Result != ResultUsed && order != bpfc.OrderRelaxed {
			caveats = append(caveats, "If the result is unused, -mcpu=v1 or v2 (or any clang before 20) gives the non-fetching `BPF_ATOMIC | "+insnOp+"` instead, which orders nothing on arm64, powerpc and riscv: the translation, which assumes clang 20 or later at its default -mcpu=v3 unless `// litmus: cpu` or `--bpf-cpu` say otherwise, is then `atomic_"+r.op+"()`.")
		}
	} else {
		caveats = append(caveats, caveatV3)
		if call.Result != ResultUsed && order != bpfc.OrderRelaxed {
			caveats = append(caveats, "clang before 20 emitted the non-fetching, unordered `BPF_ATOMIC | "+insnOp+"` when the result was unused.")
		}
	}
	if order == bpfc.OrderRelaxed {
		if call.Result == ResultUnknown {
			caveats = append(caveats, "If the result is unused, clang emits the non-fetching `BPF_ATOMIC | "+insnOp+"`, translated as `atomic_"+r.op+"()`.")
		}
		caveats = append(caveats, "clang 22 miscompiles a relaxed fetching atomic whose result is used: it emits the non-fetching instruction and yields the operand instead of the old value (LLVM issue 210280, open with fixes proposed).")
	}
	if base != "add" {
		caveats = append(caveats, "x86-64 has no fetching "+base+": its JIT loops on lock cmpxchg, and refuses the instruction on arena memory.")
	}
	caveats = append(caveats, caveatOldJITFull)
	d.Caveats = caveats
	return d
}

// rmwWhy says why the translation chose the LKMM ordering it did for a
// fetching read-modify-write of order o.
func rmwWhy(sync bool, o bpfc.Order) string {
	switch {
	case sync:
		return "because __sync builtins are sequentially consistent, which the kernel's fully ordered atomic keeps."
	case o == bpfc.OrderSeqCst || o == bpfc.OrderAcqRel:
		return fmt.Sprintf("because %s asks for full ordering, which the JITs give.", o)
	case o == bpfc.OrderConsume:
		return "because clang treats __ATOMIC_CONSUME as __ATOMIC_ACQUIRE. The JITs give more (a full barrier), but the program asked for no more and should not count on it."
	}
	return fmt.Sprintf("which keeps what %s promises. The JITs give more (a full barrier, since BPF has no weaker fetching atomic), but the program asked for no more and should not count on it.", o)
}

// ---------------------------------------------------------------------------
// Exchange and compare-and-exchange.

// A bpfcXchg is __sync_lock_test_and_set or __atomic_exchange_n.
type bpfcXchg struct{ sync bool }

func (x bpfcXchg) doc(call BPFCCall) *BPFCDoc {
	order, caveats := rmwOrder(call, x.sync)
	ord, suffix := rmwOrdering(order), order.Suffix()
	meaning, events := orderingText(ord)
	d := &BPFCDoc{Insn: "BPF_ATOMIC | BPF_XCHG", LKMM: "xchg" + suffix}
	d.Events = events
	d.Lower = lowerBPFXchg()
	why := rmwWhy(false, order)
	if x.sync {
		why = "because the kernel defines the instruction as atomic_xchg(), fully ordered, and the translation follows it."
		caveats = append(caveats, "GCC documents __sync_lock_test_and_set as an acquire barrier only; BPF makes it a full barrier. Code written for other targets may not mean to rely on the stronger ordering, and the same source is weaker elsewhere.")
	}
	d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `r2 = xchg_64(r1 + 0, r2)`): an atomic exchange, whatever the order argument or the use of the result. "+
		"The kernel defines it as atomic_xchg(), so every JIT runs it fully ordered.\n\n**LKMM:** `%s()`, %s %s", d.Insn, d.LKMM, why, meaning)
	d.Caveats = append(caveats, caveatV3, caveatOldJITFull)
	return d
}

// A bpfcCAS is a compare-and-exchange: the __sync builtins, the __atomic
// one, and bpf_atomic.h's cmpxchg and try_cmpxchg family.
type bpfcCAS struct {
	fixed   bpfc.Order // the order the name implies, or bpfc.OrderUnknown to read the argument
	compare bool       // yields whether it swapped, not the value read
	builtin bool       // __atomic_compare_exchange_n, with its expected pointer
	macro   string     // for bpf_atomic.h macros, what the header expands it to
}

func (c bpfcCAS) doc(call BPFCCall) *BPFCDoc {
	order, caveats := c.fixed, []string(nil)
	if order == bpfc.OrderUnknown {
		order, caveats = rmwOrder(call, false)
	}
	ord, suffix := rmwOrdering(order), order.Suffix()
	meaning, events := orderingText(ord)
	d := &BPFCDoc{Insn: "BPF_ATOMIC | BPF_CMPXCHG", LKMM: "cmpxchg" + suffix}
	d.Events = "success: " + events + "; failure: R[once]"
	d.Lower = lowerBPFCmpxchg()

	what := "compare-and-exchange against r0"
	switch {
	case c.builtin:
		what = "compare-and-exchange against *expected loaded into r0, a comparison of the value read, and on failure an ordinary store of it to *expected"
	case c.compare:
		what = "compare-and-exchange against r0, then a comparison of the value read with the old value"
	}
	why := rmwWhy(c.fixed == bpfc.OrderSeqCst && c.macro == "", order)
	if c.macro != "" {
		why = "because bpf_atomic.h expands it to " + c.macro + "(), down to __sync_val_compare_and_swap(), a fully ordered compare-and-exchange."
		if order != bpfc.OrderSeqCst {
			why = fmt.Sprintf("which keeps what the name promises. bpf_atomic.h expands it to the same fully ordered compare-and-exchange as try_cmpxchg(), so it gives more, but the program asked for no more than %s ordering.", strings.ToLower(strings.TrimPrefix(order.String(), "__ATOMIC_")))
		}
	}
	d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `r0 = cmpxchg_64(r1 + 0, r0, r2)`): a %s. "+
		"The kernel defines it as atomic_cmpxchg(): every JIT runs a successful one fully ordered, and a failed one is only a read.\n\n"+
		"**LKMM:** `%s()`, %s When it swaps: %s A failed attempt is a marked read that orders nothing.",
		d.Insn, what, d.LKMM, why, lowerFirst(meaning))
	if c.builtin {
		caveats = append(caveats, "The weak flag and the failure order change nothing: clang emits one compare-and-exchange, and a failure is unordered whatever the failure order says.")
	}
	d.Caveats = append(caveats, caveatV3, caveatOldJITFull)
	return d
}

// ---------------------------------------------------------------------------
// Loads, stores and fences.

func atomicLoadDoc(call BPFCCall) *BPFCDoc {
	var caveats []string
	order := bpfc.ParseOrder(call.Order)
	switch order {
	case bpfc.OrderUnknown:
		caveats = append(caveats, orderCaveat(call, bpfc.OrderAcquire)+" With __ATOMIC_RELAXED it is a plain load, translated as `READ_ONCE()`.")
		order = bpfc.OrderAcquire
	case bpfc.OrderRelease, bpfc.OrderAcqRel:
		caveats = append(caveats, fmt.Sprintf("%s is not a valid order for a load (clang warns); this documentation reads it as __ATOMIC_SEQ_CST.", order))
		order = bpfc.OrderSeqCst
	}
	d := &BPFCDoc{}
	switch {
	case order == bpfc.OrderRelaxed || order == bpfc.OrderSeqCst || call.CPU >= 1 && call.CPU <= 3:
		d.Insn, d.LKMM, d.Events = "BPF_LDX | BPF_MEM", "READ_ONCE", "R[once]"
		d.Lower = lowerBPFInstr(syntax.InstrLoad)
		why := "because a relaxed load is exactly a marked load: one access, no ordering"
		switch {
		case order == bpfc.OrderSeqCst:
			why = "the weakest reading of a sequentially consistent load (see the caveats)"
			caveats = append(caveats, caveatSeqCstLdSt)
		case order != bpfc.OrderRelaxed:
			why = fmt.Sprintf("because -mcpu=v%d has no load-acquire instruction, so the acquire ordering the source asks for is not there", call.CPU)
			caveats = append(caveats, "What clang emits for an acquire load below -mcpu=v4 was not verified for this documentation; at best it is a plain load. Build with -mcpu=v4 to get load-acquire, or use bpf_atomic.h's smp_load_acquire().")
		}
		d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `r0 = *(u64 *)(r1 + 0)`): a plain load, one access for up to 8 aligned bytes on a 64-bit JIT.\n\n"+
			"**LKMM:** `READ_ONCE()`, %s. It orders nothing by itself.", d.Insn, why)
	default: // consume or acquire, -mcpu=v4 or unknown
		d.Insn, d.LKMM, d.Events = "BPF_ATOMIC | BPF_LOAD_ACQ", "smp_load_acquire", "R[acquire]"
		d.Lower = lowerBPFInstr(syntax.InstrLoadAcquire)
		consume := ""
		if order == bpfc.OrderConsume {
			consume = " (clang treats __ATOMIC_CONSUME as __ATOMIC_ACQUIRE)"
		}
		d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `r0 = load_acquire((u64 *)(r1 + 0))`)%s, which the kernel defines as smp_load_acquire().\n\n"+
			"**LKMM:** `smp_load_acquire()`, the same primitive. Every later access of the program is ordered after the load; earlier ones are not ordered before it.", d.Insn, consume)
		caveats = append(caveats,
			"Needs -mcpu=v4 and a clang that knows the instruction (it then defines __BPF_FEATURE_LOAD_ACQ_STORE_REL), and a kernel of 6.15 or later; the powerpc and riscv JITs gained it later still. Below -mcpu=v4 there is no acquire instruction to emit.",
			"BPF's load-acquire is meant to be RCpc, like the kernel's smp_load_acquire(); arm64's ldar is stronger (RCsc), so arm64 may hide a bug the model reports.")
	}
	d.Caveats = caveats
	return d
}

// atomicStoreDoc documents __atomic_store_n with order o, or, when lock
// is set, __sync_lock_release (a release store of 0).
func atomicStoreDoc(call BPFCCall, o bpfc.Order, lock bool) *BPFCDoc {
	var caveats []string
	switch o {
	case bpfc.OrderUnknown:
		caveats = append(caveats, orderCaveat(call, bpfc.OrderRelease)+" With __ATOMIC_RELAXED it is a plain store, translated as `WRITE_ONCE()`.")
		o = bpfc.OrderRelease
	case bpfc.OrderConsume, bpfc.OrderAcquire, bpfc.OrderAcqRel:
		caveats = append(caveats, fmt.Sprintf("%s is not a valid order for a store (clang warns); this documentation reads it as __ATOMIC_SEQ_CST.", o))
		o = bpfc.OrderSeqCst
	}
	what := "a store"
	if lock {
		what = "a store of 0 with release ordering, as GCC documents __sync_lock_release; clang emits it as `__atomic_store_n(p, 0, __ATOMIC_RELEASE)` would be"
	}
	d := &BPFCDoc{}
	if o == bpfc.OrderRelaxed || o == bpfc.OrderSeqCst || call.CPU >= 1 && call.CPU <= 3 {
		d.Insn, d.LKMM, d.Events = "BPF_STX | BPF_MEM", "WRITE_ONCE", "W[once]"
		d.Lower = lowerBPFInstr(syntax.InstrStore)
		why := "because a relaxed store is exactly a marked store: one access, no ordering"
		switch {
		case o == bpfc.OrderSeqCst:
			why = "the weakest reading of a sequentially consistent store (see the caveats)"
			caveats = append(caveats, caveatSeqCstLdSt)
		case o != bpfc.OrderRelaxed:
			why = fmt.Sprintf("because -mcpu=v%d has no store-release instruction, so the release ordering the source asks for is not there", call.CPU)
			caveats = append(caveats, "What clang emits for a release store below -mcpu=v4 was not verified for this documentation; at best it is a plain store. Build with -mcpu=v4 to get store-release, or use bpf_atomic.h's smp_store_release().")
		}
		d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `*(u64 *)(r1 + 0) = r2`): %s, here a plain one.\n\n**LKMM:** `WRITE_ONCE()`, %s. It orders nothing by itself.", d.Insn, what, why)
	} else {
		d.Insn, d.LKMM, d.Events = "BPF_ATOMIC | BPF_STORE_REL", "smp_store_release", "W[release]"
		d.Lower = lowerBPFInstr(syntax.InstrStoreRelease)
		d.Meaning = fmt.Sprintf("**BPF:** `%s` (printed `store_release((u64 *)(r1 + 0), r2)`): %s, which the kernel defines as smp_store_release().\n\n"+
			"**LKMM:** `smp_store_release()`, the same primitive. Every earlier access of the program is visible before the store; later ones are not ordered after it.", d.Insn, what)
		caveats = append(caveats, "Needs -mcpu=v4 and a clang that knows the instruction (it then defines __BPF_FEATURE_LOAD_ACQ_STORE_REL), and a kernel of 6.15 or later; the powerpc and riscv JITs gained it later still. Below -mcpu=v4 there is no release instruction to emit.")
	}
	d.Caveats = caveats
	return d
}

// fenceDoc documents __atomic_thread_fence with order o, or
// __sync_synchronize when sync is set.
func fenceDoc(o bpfc.Order, sync bool) *BPFCDoc {
	d := bpfcDoc("no instruction: BPF has no fence", "barrier", "F[barrier]")
	d.Lower = all("", "nothing: there is no BPF instruction to JIT")
	var caveats []string
	if !sync && o == bpfc.OrderUnknown {
		caveats = append(caveats, "The order argument could not be read; whatever it is, BPF has no fence to emit.")
	}
	if o == bpfc.OrderRelaxed {
		d.LKMM, d.Events = "", ""
		d.Meaning = "**BPF:** no instruction: a relaxed fence does nothing, even to the compiler.\n\n**LKMM:** nothing."
	} else {
		d.Meaning = "**BPF:** no instruction. BPF has no fence instruction at all, so no CPU ever sees a barrier here, whatever the order argument.\n\n" +
			"**LKMM:** `barrier()`, the most it can be: the compiler keeps memory accesses on their side of it, but the CPU does not."
		caveats = append(caveats, "What clang does with the call (drop it or reject it) was not verified for this documentation; check the object code. For a real full barrier use bpf_atomic.h's smp_mb(), a fetching add on a stack slot.")
	}
	d.Caveats = caveats
	return d
}

// onceDoc documents bpf_atomic.h's READ_ONCE (load) or WRITE_ONCE.
func onceDoc(load bool) *BPFCDoc {
	d := bpfcDoc("BPF_LDX | BPF_MEM", "READ_ONCE", "R[once]")
	d.Lower = lowerBPFInstr(syntax.InstrLoad)
	access := "load"
	if !load {
		d.Insn, d.LKMM, d.Events = "BPF_STX | BPF_MEM", "WRITE_ONCE", "W[once]"
		d.Lower = lowerBPFInstr(syntax.InstrStore)
		access = "store"
	}
	d.Meaning = fmt.Sprintf("**BPF:** `%s`: bpf_atomic.h makes it a volatile access, so clang emits exactly one full-width plain %s that it may not merge, split, repeat or drop.\n\n"+
		"**LKMM:** `%s()`, the kernel macro it imitates: a marked %s, which never counts in a data race and orders nothing by itself.", d.Insn, access, d.LKMM, access)
	d.Caveats = []string{"An access of up to 8 aligned bytes is one access on a 64-bit JIT; 32-bit JITs split a 64-bit access in two."}
	return d
}

func barrierDoc() *BPFCDoc {
	d := bpfcDoc("no instruction", "barrier", "F[barrier]")
	d.Lower = lowerNone
	d.Meaning = "**BPF:** no instruction: libbpf's bpf_helpers.h makes it an empty asm that clobbers memory.\n\n" +
		"**LKMM:** `barrier()`: the compiler keeps memory accesses on their side of it, but the CPU does not, so it orders nothing between programs. In the model it only bounds plain accesses when deciding data races."
	return d
}

// mbWeak reports whether the build is known to lack the fetching add that
// bpf_atomic.h's smp_mb() relies on (-mcpu=v1 or v2).
func mbWeak(call BPFCCall) bool { return call.CPU == 1 || call.CPU == 2 }

const caveatMbV3 = "bpf_atomic.h's smp_mb() is a __sync_fetch_and_add() whose result is unused: it is a barrier only when built with -mcpu=v3 or later by clang 20 or later. With -mcpu=v1 or v2 it becomes the non-fetching add, which orders nothing on arm64, powerpc and riscv."

func smpMbDoc(call BPFCCall) *BPFCDoc {
	d := bpfcDoc("BPF_ATOMIC | BPF_FETCH | BPF_ADD on a stack slot", "smp_mb", "F[mb]")
	d.Lower = lowerStackBarrier()
	d.Meaning = "**BPF:** `BPF_ATOMIC | BPF_FETCH | BPF_ADD`: bpf_atomic.h adds 0 to a local variable with __sync_fetch_and_add() for the side effect, since BPF has no fence; every JIT runs a fetching atomic fully ordered.\n\n" +
		"**LKMM:** `smp_mb()`, the kernel barrier it stands for: every access before it is ordered before every access after it, a store before it against a load after it included."
	if mbWeak(call) {
		d.Insn, d.LKMM, d.Events = "BPF_ATOMIC | BPF_ADD on a stack slot", "barrier", "F[barrier]"
		d.Lower = lowerBPFNoFetch("add")
		d.Meaning = fmt.Sprintf("**BPF:** `BPF_ATOMIC | BPF_ADD`: bpf_atomic.h adds 0 to a local variable with __sync_fetch_and_add(), and with -mcpu=v%d an unused result gives the non-fetching add, which orders nothing.\n\n"+
			"**LKMM:** `barrier()`: the compiler keeps accesses on their side, but arm64, powerpc and riscv do not.", call.CPU)
	}
	d.Caveats = []string{caveatMbV3, "On kernels older than the May 2024 JIT fixes, powerpc and riscv ran the fetching add unordered: there it is no barrier at all."}
	return d
}

// smpHalfDoc documents bpf_atomic.h's smp_rmb, smp_wmb and
// smp_acquire__after_ctrl_dep: a compiler barrier on x86-64, smp_mb()
// elsewhere.
func smpHalfDoc(call BPFCCall, name, orders string) *BPFCDoc {
	lkmm := name
	if name == "smp_acquire__after_ctrl_dep" {
		lkmm = "smp_rmb" // the model has no such primitive; the header defines it as smp_rmb()
	}
	d := &BPFCDoc{Insn: "nothing on x86-64; elsewhere smp_mb()'s BPF_ATOMIC | BPF_FETCH | BPF_ADD on a stack slot", LKMM: lkmm}
	d.Events = map[string]string{"smp_rmb": "F[rmb]", "smp_wmb": "F[wmb]"}[lkmm]
	l := lowerStackBarrier()
	l[X86_64] = Lowering{"", "free: a compiler barrier, since x86 keeps loads and stores in order (the CONFIG_X86_64 test is a constant once the program is loaded)"}
	for _, a := range []Arch{PowerPC64, ARM64, RISCV64} {
		l[a].Cost = "a full barrier where a lighter one would do, " + l[a].Cost
	}
	d.Lower = l
	d.Meaning = fmt.Sprintf("**BPF:** bpf_atomic.h tests the kconfig value CONFIG_X86_64: on x86-64 it is barrier(), elsewhere smp_mb(), a fetching add on a stack slot (`BPF_ATOMIC | BPF_FETCH | BPF_ADD`).\n\n"+
		"**LKMM:** `%s()`, which orders %s; the full barrier the header uses elsewhere is stronger than that.", lkmm, orders)
	if mbWeak(call) {
		d.Insn, d.LKMM, d.Events = "nothing on x86-64; elsewhere a non-fetching BPF_ATOMIC | BPF_ADD on a stack slot", "barrier", "F[barrier]"
		d.Lower[PowerPC64], d.Lower[ARM64], d.Lower[RISCV64] = lowerBPFNoFetch("add")[PowerPC64], lowerBPFNoFetch("add")[ARM64], lowerBPFNoFetch("add")[RISCV64]
		d.Meaning = fmt.Sprintf("**BPF:** on x86-64 barrier(); elsewhere smp_mb(), which with -mcpu=v%d is a non-fetching add (`BPF_ATOMIC | BPF_ADD`) that orders nothing.\n\n**LKMM:** `barrier()`: nothing orders the CPU.", call.CPU)
	}
	d.Caveats = []string{caveatMbV3}
	return d
}

// headerAcqRelDoc documents bpf_atomic.h's smp_load_acquire (load) and
// smp_store_release: a plain access and, except on x86-64, smp_mb().
func headerAcqRelDoc(call BPFCCall, load bool) *BPFCDoc {
	weak := mbWeak(call)
	barrier, barrierInsn := "a fetching add of 0 to a stack slot", "BPF_ATOMIC | BPF_FETCH | BPF_ADD"
	mb := lowerStackBarrier()
	if weak {
		barrier, barrierInsn = fmt.Sprintf("with -mcpu=v%d a non-fetching add of 0 to a stack slot, which orders nothing", call.CPU), "BPF_ATOMIC | BPF_ADD"
		mb = lowerBPFNoFetch("add")
		for a := range mb {
			mb[a].Code, _, _ = strings.Cut(mb[a].Code, " -- ")
		}
	}
	access := [NumArchs]string{"mov", "ld", "ldr", "ld"}
	d := bpfcDoc("BPF_LDX | BPF_MEM, then (not on x86-64) smp_mb()'s "+barrierInsn, "smp_load_acquire", "R[acquire]")
	d.Lower[X86_64] = Lowering{"mov", "free: x86 keeps loads in order; only the compiler is held back"}
	cost := "a load and a full barrier, far more than an acquire needs"
	d.Meaning = fmt.Sprintf("**BPF:** a plain load (`BPF_LDX | BPF_MEM`, the header's READ_ONCE()), then, except on x86-64, smp_mb(): %s (`%s`).\n\n", barrier, barrierInsn) +
		"**LKMM:** `smp_load_acquire()`, the kernel macro it imitates: every later access of the program is ordered after the load. The header gives more on weakly ordered CPUs (a full barrier), but a program should count only on acquire."
	if !load {
		access = [NumArchs]string{"mov", "std", "str", "sd"}
		d = bpfcDoc("(not on x86-64) smp_mb()'s "+barrierInsn+", then BPF_STX | BPF_MEM", "smp_store_release", "W[release]")
		d.Lower[X86_64] = Lowering{"mov", "free: x86 keeps stores in order; only the compiler is held back"}
		cost = "a full barrier and a store, far more than a release needs"
		d.Meaning = fmt.Sprintf("**BPF:** except on x86-64, smp_mb(): %s (`%s`); then a plain store (`BPF_STX | BPF_MEM`, the header's WRITE_ONCE()).\n\n", barrier, barrierInsn) +
			"**LKMM:** `smp_store_release()`, the kernel macro it imitates: every earlier access of the program is visible before the store. The header gives more on weakly ordered CPUs (a full barrier), but a program should count only on release."
	}
	if weak {
		cost = "an unordered atomic beside the access: no ordering at all"
		if load {
			d.LKMM, d.Events = "READ_ONCE", "R[once]"
			d.Meaning = fmt.Sprintf("**BPF:** a plain load (`BPF_LDX | BPF_MEM`), then, except on x86-64, smp_mb(): %s (`%s`).\n\n", barrier, barrierInsn) +
				"**LKMM:** `READ_ONCE()`: built this way the macro is only a marked load on arm64, powerpc and riscv; the acquire it promises is not there."
		} else {
			d.LKMM, d.Events = "WRITE_ONCE", "W[once]"
			d.Meaning = fmt.Sprintf("**BPF:** except on x86-64, smp_mb(): %s (`%s`); then a plain store (`BPF_STX | BPF_MEM`).\n\n", barrier, barrierInsn) +
				"**LKMM:** `WRITE_ONCE()`: built this way the macro is only a marked store on arm64, powerpc and riscv; the release it promises is not there."
		}
	}
	for _, a := range []Arch{PowerPC64, ARM64, RISCV64} {
		code := joinCode(access[a], mb[a].Code)
		if !load {
			code = joinCode(mb[a].Code, access[a])
		}
		d.Lower[a] = Lowering{code, cost}
	}
	if !weak {
		d.Caveats = append(d.Caveats, caveatMbV3)
	}
	d.Caveats = append(d.Caveats,
		"The upstream header does not use BPF's load-acquire and store-release instructions; a 2026 copy (libarena's) switches to them when clang defines __BPF_FEATURE_LOAD_ACQ_STORE_REL, which needs -mcpu=v4 and Linux 6.15 or later.")
	return d
}

// spinDoc documents bpf_spin_lock (lock) and bpf_spin_unlock.
func spinDoc(lock bool) *BPFCDoc {
	if lock {
		d := bpfcDoc("call bpf_spin_lock (a helper call)", "spin_lock", "R[LKR] ->rmw W[LKW]")
		d.Lower = docs()["spin_lock"].Lower
		for a := range d.Lower {
			d.Lower[a].Code = joinCode("(helper call: interrupts and preemption off)", d.Lower[a].Code)
			d.Lower[a].Cost = "a helper call, then " + d.Lower[a].Cost
		}
		d.Meaning = "**BPF:** a call of the bpf_spin_lock() helper, which saves and disables interrupts, disables preemption and takes the lock as the kernel's spin_lock() does (the queued spinlock's fast path).\n\n" +
			"**LKMM:** `spin_lock()`: the accesses up to bpf_spin_unlock() are a critical section; all critical sections of one lock run one after another, and each sees what the previous one did."
		d.Caveats = []string{"Kernels built without queued spinlocks take the lock with a test-and-set loop instead: relaxed reads until it looks free, then atomic_xchg()."}
		return d
	}
	d := bpfcDoc("call bpf_spin_unlock (a helper call)", "spin_unlock", "W[UL]")
	d.Lower = docs()["spin_unlock"].Lower
	for a := range d.Lower {
		d.Lower[a].Code = joinCode(d.Lower[a].Code, "(interrupts restored, preemption on)")
		d.Lower[a].Cost = "a helper call around " + d.Lower[a].Cost
	}
	d.Meaning = "**BPF:** a call of the bpf_spin_unlock() helper, which releases the lock as the kernel's spin_unlock() does (a release store), then restores interrupts and preemption.\n\n" +
		"**LKMM:** `spin_unlock()`: everything the critical section did is visible to the next holder of the lock."
	d.Caveats = []string{"Kernels built without queued spinlocks release the lock with atomic_set_release(), a release store all the same."}
	return d
}
