package primitive

import (
	"fmt"
	"strings"
	"sync"
)

// This file is the reference documentation of the kernel primitives a
// litmus test may call: what each one means in the Linux-kernel memory
// model and how each of four 64-bit architectures implements it. It is
// data, written for this project from the kernel's headers as summarised
// in the project's notes; hover and completion read it.

// An Arch is a machine whose implementation of the primitives is
// documented.
type Arch int

// The documented architectures, in the order tables show them.
const (
	X86_64 Arch = iota
	PowerPC64
	ARM64
	RISCV64
)

// NumArchs is the number of documented architectures: the length of a
// table indexed by Arch, such as Doc.Lower.
const NumArchs = RISCV64 + 1

// Archs lists every documented architecture, in table order.
var Archs = []Arch{X86_64, PowerPC64, ARM64, RISCV64}

var archNames = [NumArchs]string{"x86-64", "powerpc64", "arm64", "riscv64"}

func (a Arch) String() string {
	if a < 0 || a >= NumArchs {
		return fmt.Sprintf("Arch(%d)", int(a))
	}
	return archNames[a]
}

// ParseArch returns the architecture named s. Besides the names String
// gives, it accepts the usual aliases: x86, x86_64, amd64; powerpc, ppc,
// ppc64, ppc64le; aarch64; riscv, rv64. Case is ignored.
func ParseArch(s string) (Arch, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "x86-64", "x86_64", "x86", "amd64", "x64":
		return X86_64, nil
	case "powerpc64", "powerpc", "ppc", "ppc64", "ppc64le", "power":
		return PowerPC64, nil
	case "arm64", "aarch64", "armv8":
		return ARM64, nil
	case "riscv64", "riscv", "rv64", "risc-v":
		return RISCV64, nil
	}
	return 0, fmt.Errorf("unknown architecture %q (want x86-64, powerpc64, arm64 or riscv64)", s)
}

// A Lowering is the code one architecture's kernel emits for a primitive.
type Lowering struct {
	Code string // instructions in the order they run, separated by " ; "
	Cost string // what the code costs, in a few words
}

// A Doc documents one kernel primitive (or, for BPF, one kind of
// instruction).
type Doc struct {
	Name    string
	Params  []string // argument placeholders, as tests write them ("*x", "v")
	Result  string   // what a call yields, or "" when it yields nothing
	Summary string   // one line, for completion lists
	Meaning string   // what it means in the memory model: its events and what they order
	Events  string   // the events herd7 makes for it, as "R[acquire]"
	Lower   [NumArchs]Lowering
	Caveats []string // warnings listed after the table, or nil (kernel primitives have none)
}

// Signature returns the call as tests write it, such as
// "smp_load_acquire(x)", preceded by "r = " when the call yields a value.
func (d *Doc) Signature() string {
	s := d.Name + "(" + strings.Join(d.Params, ", ") + ")"
	if d.Result != "" {
		s = "r = " + s
	}
	return s
}

// Snippet returns the call as an LSP snippet with a tab stop on each
// argument: "smp_store_release(${1:x}, ${2:v})".
func (d *Doc) Snippet() string {
	var b strings.Builder
	b.WriteString(d.Name)
	b.WriteByte('(')
	for i, p := range d.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "${%d:%s}", i+1, snippetEscape(p))
	}
	b.WriteByte(')')
	return b.String()
}

// snippetEscape escapes the characters that are special inside a snippet
// placeholder.
func snippetEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}

// Markdown renders the documentation: signature, meaning, events, a
// table of the lowering on each architecture in archs (all of them when
// archs is empty), and the caveats as a list when there are any.
func (d *Doc) Markdown(archs []Arch) string {
	if len(archs) == 0 {
		archs = Archs
	}
	var b strings.Builder
	fmt.Fprintf(&b, "```c\n%s\n```\n\n", d.Signature())
	b.WriteString(d.Meaning)
	if d.Result != "" {
		fmt.Fprintf(&b, " Returns %s.", d.Result)
	}
	b.WriteString("\n\n")
	if d.Events != "" {
		fmt.Fprintf(&b, "**Events:** `%s`\n\n", d.Events)
	}
	b.WriteString("| arch | code | cost |\n|---|---|---|\n")
	for _, a := range archs {
		if a < 0 || a >= NumArchs {
			continue
		}
		l := d.Lower[a]
		fmt.Fprintf(&b, "| %s | %s | %s |\n", a, codeCell(l.Code), tableEscape(l.Cost))
	}
	if len(d.Caveats) > 0 {
		b.WriteString("\n**Caveats:**\n\n")
		for _, c := range d.Caveats {
			fmt.Fprintf(&b, "- %s\n", c)
		}
	}
	return b.String()
}

// codeCell renders instructions for a table cell: each instruction in
// backquotes; prose (a step in parentheses, or a note after " -- ") as it
// is.
func codeCell(code string) string {
	if code == "" {
		return "(nothing)"
	}
	note := ""
	if k := strings.Index(code, " -- "); k >= 0 {
		code, note = code[:k], " "+tableEscape(code[k+4:])
	}
	parts := strings.Split(code, " ; ")
	for i, p := range parts {
		if strings.HasPrefix(p, "(") || p == "" {
			parts[i] = tableEscape(p)
			continue
		}
		parts[i] = "`" + strings.ReplaceAll(p, "|", `\|`) + "`"
	}
	return strings.Join(parts, " ; ") + note
}

// tableEscape keeps s from ending a markdown table cell.
func tableEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Lookup returns the documentation of the C primitive name, and whether
// there is any.
func Lookup(name string) (*Doc, bool) {
	d, ok := docs()[name]
	return d, ok
}

// Names returns the names of every documented C primitive.
func Names() []string {
	all := docs()
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	return names
}

// ---------------------------------------------------------------------------
// Code shared by several primitives.

var (
	lowerLoad = [NumArchs]Lowering{
		{"mov", "an ordinary load"},
		{"ld ; (lwz for 32 bits)", "an ordinary load"},
		{"ldr ; (ldar or ldapr when built with LTO)", "an ordinary load (an acquire load under LTO, to keep dependencies)"},
		{"ld ; (lw for 32 bits)", "an ordinary load"},
	}
	lowerStore = [NumArchs]Lowering{
		{"mov", "an ordinary store"},
		{"std ; (stw for 32 bits)", "an ordinary store"},
		{"str", "an ordinary store"},
		{"sd ; (sw for 32 bits)", "an ordinary store"},
	}
	lowerAcquire = [NumArchs]Lowering{
		{"mov", "free: x86 keeps loads in order anyway; only the compiler is held back"},
		{"ld ; lwsync", "a load and a lightweight fence"},
		{"ldar", "one load-acquire instruction (RCsc, stronger than the kernel asks)"},
		{"ld ; fence r,rw", "a load and a one-sided fence"},
	}
	lowerRelease = [NumArchs]Lowering{
		{"mov", "free: x86 keeps stores in order anyway; only the compiler is held back"},
		{"lwsync ; std", "a lightweight fence and a store"},
		{"stlr", "one store-release instruction"},
		{"fence rw,w ; sd", "a one-sided fence and a store"},
	}
	lowerFull = [NumArchs]Lowering{
		{"lock addl $0,-4(%rsp)", "a locked add to the stack: a full fence, cheaper than mfence"},
		{"sync", "heavyweight sync, the costliest powerpc fence"},
		{"dmb ish", "full barrier over the inner-shareable domain"},
		{"fence rw,rw", "full fence"},
	}
	lowerNone = [NumArchs]Lowering{
		{"", "free: no instruction, only the compiler is held back"},
		{"", "free: no instruction, only the compiler is held back"},
		{"", "free: no instruction, only the compiler is held back"},
		{"", "free: no instruction, only the compiler is held back"},
	}
	// lowerAtomicFence is smp_mb__before_atomic and smp_mb__after_atomic.
	lowerAtomicFence = [NumArchs]Lowering{
		{"", "free: every locked x86 RMW already orders fully"},
		{"sync", "same as smp_mb()"},
		{"dmb ish", "same as smp_mb()"},
		{"fence rw,rw", "same as smp_mb()"},
	}
)

// all gives every architecture the same lowering.
func all(code, cost string) [NumArchs]Lowering {
	var l [NumArchs]Lowering
	for i := range l {
		l[i] = Lowering{code, cost}
	}
	return l
}

// ---------------------------------------------------------------------------
// The table.

// docs returns the documentation of every primitive of syntax.Primitives,
// by name. It is built on first use, not when the program starts: a
// litmusls check never asks for it.
var docs = sync.OnceValue(func() map[string]*Doc {
	d := writtenDocs()
	completeDocs(d)
	return d
})

// writtenDocs returns the primitives documented one by one; completeDocs
// adds the regular families of atomic operations.
func writtenDocs() map[string]*Doc {
	return map[string]*Doc{
		"READ_ONCE": {
			Params: []string{"*x"}, Result: "the value read",
			Meaning: "A marked load: the compiler must make exactly one full-width read, so it never tears, merges or invents it, and a marked access never counts in a data race. " +
				"It orders nothing against other locations by itself; later accesses are ordered after it only through an address, data or control dependency on its value, or through a barrier.",
			Events: "R[once]", Lower: lowerLoad,
		},
		"WRITE_ONCE": {
			Params: []string{"*x", "v"},
			Meaning: "A marked store: exactly one full-width write that the compiler may not tear, repeat or drop. " +
				"It orders nothing by itself: earlier and later accesses to other locations may be seen on either side of it unless a barrier, a release or a dependency says otherwise.",
			Events: "W[once]", Lower: lowerStore,
		},
		"smp_load_acquire": {
			Params: []string{"x"}, Result: "the value read",
			Meaning: "A load with acquire ordering: every access that follows it in this thread is ordered after it, so whatever a release-writer published before the value read here is visible to the rest of the thread. " +
				"Accesses before it may still be seen after it. It pairs with smp_store_release() for message passing.",
			Events: "R[acquire]", Lower: lowerAcquire,
		},
		"smp_store_release": {
			Params: []string{"x", "v"},
			Meaning: "A store with release ordering: every access that precedes it in this thread (and every write this thread has seen from others, since release is cumulative) is visible to anyone who sees the store. " +
				"Later accesses may still be seen before it. It pairs with smp_load_acquire() or a dependency on the other side.",
			Events: "W[release]", Lower: lowerRelease,
		},
		"rcu_dereference": {
			Params: []string{"p"}, Result: "the pointer read",
			Meaning: "Loads a pointer that RCU protects, as a marked load. Accesses made through the returned pointer are ordered after the load by their address dependency, which is what lets a reader see the data the updater initialised before publishing; nothing else is ordered. " +
				"Use it inside an RCU read-side critical section.",
			Events: "R[once]", Lower: lowerLoad,
		},
		"rcu_assign_pointer": {
			Params: []string{"p", "v"},
			Meaning: "Publishes a pointer to RCU readers. The store has release ordering, so the initialisation of the pointed-to data is visible before the pointer is. " +
				"It pairs with rcu_dereference() on the reading side. (The kernel drops the ordering when the value is the constant NULL; the model does not.)",
			Events: "W[release]", Lower: lowerRelease,
		},
		"smp_store_mb": {
			Params:  []string{"*x", "v"},
			Meaning: "A marked store followed by a full barrier: the store is ordered before every later access of this thread, loads included. It is the usual way to write a flag and then check another one (store-buffering patterns).",
			Events:  "W[once] ; F[mb]",
			Lower: [NumArchs]Lowering{
				{"xchg", "one implicitly locked exchange does both the store and the fence"},
				{"std ; sync", "a store and a heavyweight sync"},
				{"str ; dmb ish", "a store and a full barrier"},
				{"sd ; fence rw,rw", "a store and a full fence"},
			},
		},
		"smp_mb": {
			Meaning: "A full memory barrier: every access before it in this thread is ordered before every access after it, including an earlier store against a later load, which no weaker barrier orders. " +
				"It is also strong (cumulative and part of the propagation ordering), so it restores sequential consistency between the threads that use it.",
			Events: "F[mb]", Lower: lowerFull,
		},
		"smp_rmb": {
			Meaning: "A read barrier: loads before it are ordered before loads after it. Stores are not ordered, and neither is a store against a load. " +
				"It does not order the read half of a non-value-returning atomic (atomic_inc() and friends).",
			Events: "F[rmb]",
			Lower: [NumArchs]Lowering{
				{"", "free: x86 never reorders loads with loads"},
				{"lwsync", "a lightweight fence"},
				{"dmb ishld", "a load-only barrier"},
				{"fence r,r", "a load-load fence"},
			},
		},
		"smp_wmb": {
			Meaning: "A write barrier: stores before it become visible before stores after it. Loads are not ordered at all. " +
				"It pairs with smp_rmb(), an acquire or a dependency on the reading side.",
			Events: "F[wmb]",
			Lower: [NumArchs]Lowering{
				{"", "free: x86 never reorders stores with stores"},
				{"lwsync", "a lightweight fence"},
				{"dmb ishst", "a store-only barrier"},
				{"fence w,w", "a store-store fence"},
			},
		},
		"smp_mb__before_atomic": {
			Meaning: "Makes the next atomic read-modify-write fully ordered against what came before: accesses before this barrier are ordered before the atomic and everything after it. " +
				"It is meant for atomics that order nothing on their own (void ones such as atomic_inc(), and _relaxed ones). Accesses between the barrier and the atomic are not covered.",
			Events: "F[before-atomic]", Lower: lowerAtomicFence,
		},
		"smp_mb__after_atomic": {
			Meaning: "The mirror of smp_mb__before_atomic(): the preceding atomic read-modify-write, and everything before it, are ordered before every access after this barrier. " +
				"Accesses between the atomic and the barrier are not covered.",
			Events: "F[after-atomic]", Lower: lowerAtomicFence,
		},
		"smp_mb__after_spinlock": {
			Meaning: "Placed right after taking a lock, it turns the lock acquisition into a full barrier: accesses before the spin_lock() are ordered against accesses after this barrier, even a store before against a load after.",
			Events:  "F[after-spinlock]",
			Lower: [NumArchs]Lowering{
				{"", "free: taking the lock was already a locked RMW"},
				{"sync", "same as smp_mb()"},
				{"dmb ish", "same as smp_mb()"},
				{"fence rw,rw", "same as smp_mb()"},
			},
		},
		"smp_mb__after_unlock_lock": {
			Meaning: "Placed after a lock acquisition that follows an unlock in this thread, it makes that unlock-lock pair a full barrier, which the pair alone is not (a store before the unlock may otherwise pass a load after the lock).",
			Events:  "F[after-unlock-lock]",
			Lower: [NumArchs]Lowering{
				{"", "free: unlock followed by lock already orders fully"},
				{"sync", "a heavyweight sync: powerpc is the one architecture that needs it"},
				{"", "free: release and acquire instructions already order fully here"},
				{"", "free: no instruction"},
			},
		},
		"smp_mb__after_srcu_read_unlock": {
			Meaning: "Placed after srcu_read_unlock(), it makes that unlock act as a full barrier for the accesses around it.",
			Events:  "F[after-srcu-read-unlock]",
			Lower:   all("", "free: srcu_read_unlock() already runs a full barrier"),
		},
		"barrier": {
			Meaning: "A compiler barrier: the compiler may not move memory accesses across it, but the CPU may, so it orders nothing between threads. " +
				"In the model it only bounds plain (unmarked) accesses when deciding data races.",
			Events: "F[barrier]", Lower: lowerNone,
		},
		"xchg": {
			Params: []string{"x", "v"}, Result: "the old value",
			Meaning: "Fully ordered atomic exchange: writes v and returns what was there, as one atomic step. It behaves as if smp_mb() ran just before and just after it, so it orders every earlier access against every later one.",
			Events:  "R[mb] ->rmw W[mb]",
		},
		"xchg_relaxed": {
			Params: []string{"x", "v"}, Result: "the old value",
			Meaning: "Atomic exchange without ordering: the read and the write are one atomic step, but other accesses of this thread may be seen on either side of it.",
			Events:  "R[once] ->rmw W[once]",
		},
		"xchg_acquire": {
			Params: []string{"x", "v"}, Result: "the old value",
			Meaning: "Atomic exchange whose read has acquire ordering: every later access of this thread is ordered after it. Earlier accesses are not ordered before it.",
			Events:  "R[acquire] ->rmw W[once]",
		},
		"xchg_release": {
			Params: []string{"x", "v"}, Result: "the old value",
			Meaning: "Atomic exchange whose write has release ordering: every earlier access of this thread is visible before the write. Later accesses are not ordered after it.",
			Events:  "R[once] ->rmw W[release]",
		},
		"cmpxchg": {
			Params: []string{"x", "old", "new"}, Result: "the value read (equal to old when it succeeded)",
			Meaning: "Compare-and-exchange: if the location holds old, writes new in the same atomic step. On success it is fully ordered, as if smp_mb() ran before and after it; on failure it is only a marked read with no ordering at all.",
			Events:  "success: R[mb] ->rmw W[mb]; failure: R[once]",
		},
		"cmpxchg_relaxed": {
			Params: []string{"x", "old", "new"}, Result: "the value read (equal to old when it succeeded)",
			Meaning: "Compare-and-exchange without ordering, whether it succeeds or fails.",
			Events:  "success: R[once] ->rmw W[once]; failure: R[once]",
		},
		"cmpxchg_acquire": {
			Params: []string{"x", "old", "new"}, Result: "the value read (equal to old when it succeeded)",
			Meaning: "Compare-and-exchange whose read has acquire ordering when it succeeds: later accesses are ordered after it. A failed attempt orders nothing.",
			Events:  "success: R[acquire] ->rmw W[once]; failure: R[once]",
		},
		"cmpxchg_release": {
			Params: []string{"x", "old", "new"}, Result: "the value read (equal to old when it succeeded)",
			Meaning: "Compare-and-exchange whose write has release ordering: when it succeeds, earlier accesses are visible before the write. A failed attempt orders nothing.",
			Events:  "success: R[once] ->rmw W[release]; failure: R[once]",
		},
		"spin_lock": {
			Params: []string{"l"},
			Meaning: "Takes the lock, waiting while another thread holds it. The model gives it a lock read and a lock write of the lock variable, atomic together; the acquisition has acquire ordering, so the critical section cannot start before the lock is held. " +
				"All critical sections of one lock run one after another, and each sees everything the previous one did. An unlock followed by a lock is not a full barrier (see smp_mb__after_unlock_lock()).",
			Events: "R[LKR] ->rmw W[LKW]",
			Lower: [NumArchs]Lowering{
				{"lock cmpxchg -- (queued spinlock fast path; spins when taken)", "one locked RMW, about 15 ns for an uncontended lock and unlock on one CPU; more when the lock's line moves"},
				{"lwarx ; cmpwi ; bne- ; stwcx. ; bne- ; lwsync", "a reservation loop and an acquire fence"},
				{"casa -- (LL/SC: ldaxr ; stxr ; cbnz)", "one acquiring compare-and-swap"},
				{"amocas.w ; fence r,rw -- (or lr.w/sc.w; ticket locks use amoadd.w.aqrl)", "one atomic and an acquire fence"},
			},
		},
		"spin_unlock": {
			Params:  []string{"l"},
			Meaning: "Releases the lock with release ordering: everything the critical section did is visible to the next thread that takes the lock.",
			Events:  "W[UL]",
			Lower: [NumArchs]Lowering{
				{"movb $0", "one ordinary byte store"},
				{"lwsync ; stb", "a lightweight fence and a store"},
				{"stlrb", "one store-release"},
				{"fence rw,w ; sb", "a one-sided fence and a store"},
			},
		},
		"spin_trylock": {
			Params: []string{"l"}, Result: "1 if it took the lock, 0 if the lock was held",
			Meaning: "Takes the lock if it is free, without waiting. On success it is exactly spin_lock() (lock read and lock write, acquire ordering); on failure it is a lone read of the lock that orders nothing. " +
				"The checker explores both outcomes.",
			Events: "success: R[LKR] ->rmw W[LKW]; failure: R[LF]",
			Lower: [NumArchs]Lowering{
				{"mov ; lock cmpxchg", "a load, then one locked RMW if the lock looked free"},
				{"lwarx ; cmpwi ; bne- ; stwcx. ; bne- ; lwsync", "one reservation attempt and an acquire fence"},
				{"casa", "one acquiring compare-and-swap"},
				{"amocas.w ; fence r,rw", "one atomic and an acquire fence"},
			},
		},
		"spin_is_locked": {
			Params: []string{"l"}, Result: "1 if the lock is held, 0 if it is free",
			Meaning: "Looks at the lock without taking it. The read orders nothing, so the answer may be stale by the time the thread acts on it.",
			Events:  "held: R[RL]; free: R[RU]",
			Lower:   lowerLoad,
		},
		"rcu_read_lock": {
			Meaning: "Starts an RCU read-side critical section. It orders nothing by itself; what it buys is RCU's guarantee: a critical section that starts before a grace period starts also ends before that grace period ends, " +
				"so synchronize_rcu() on another thread waits for it, and accesses inside it see either everything before the grace period or nothing after it.",
			Events: "F[rcu-lock]",
			Lower:  all("", "free in a non-preemptible kernel; with preemptible RCU, one increment of a per-task counter"),
		},
		"rcu_read_unlock": {
			Meaning: "Ends an RCU read-side critical section started by rcu_read_lock(). It orders nothing by itself.",
			Events:  "F[rcu-unlock]",
			Lower:   all("", "free in a non-preemptible kernel; with preemptible RCU, a counter decrement and a check for deferred work"),
		},
		"synchronize_rcu": {
			Meaning: "Waits for an RCU grace period: every read-side critical section that started before this call has ended when it returns. " +
				"For the accesses around it, it is at least as strong as smp_mb().",
			Events: "F[sync-rcu]",
			Lower:  all("(a call that sleeps until the grace period ends)", "milliseconds: a normal grace period is very slow; readers pay nearly nothing"),
		},
		"synchronize_rcu_expedited": {
			Meaning: "Like synchronize_rcu(), but forces the grace period to end quickly. The model treats the two alike.",
			Events:  "F[sync-rcu]",
			Lower:   all("(a call that sleeps; other CPUs are interrupted to hurry the grace period)", "far shorter wait than synchronize_rcu(), paid for by interrupting every CPU"),
		},
		"srcu_read_lock": {
			Params: []string{"s"}, Result: "an index to pass to srcu_read_unlock()",
			Meaning: "Starts a read-side critical section of the SRCU domain s (sleeping is allowed inside). Only synchronize_srcu() on the same domain waits for it. " +
				"The model makes it a read of s, and pairs it with the srcu_read_unlock() that gets its index.",
			Events: "R[srcu-lock]",
			Lower: [NumArchs]Lowering{
				{"(per-CPU counter increment) ; lock addl $0,-4(%rsp)", "a per-CPU increment and a full fence"},
				{"(per-CPU counter increment) ; sync", "a per-CPU increment and a heavyweight sync"},
				{"(per-CPU counter increment) ; dmb ish", "a per-CPU increment and a full barrier"},
				{"(per-CPU counter increment) ; fence rw,rw", "a per-CPU increment and a full fence"},
			},
		},
		"srcu_read_unlock": {
			Params:  []string{"s", "idx"},
			Meaning: "Ends the SRCU read-side critical section whose srcu_read_lock() returned idx. The model makes it a write of s that carries idx.",
			Events:  "W[srcu-unlock]",
			Lower: [NumArchs]Lowering{
				{"lock addl $0,-4(%rsp) ; (per-CPU counter increment)", "a full fence and a per-CPU increment"},
				{"sync ; (per-CPU counter increment)", "a heavyweight sync and a per-CPU increment"},
				{"dmb ish ; (per-CPU counter increment)", "a full barrier and a per-CPU increment"},
				{"fence rw,rw ; (per-CPU counter increment)", "a full fence and a per-CPU increment"},
			},
		},
		"srcu_down_read": {
			Params: []string{"s"}, Result: "an index to pass to srcu_up_read()",
			Meaning: "Like srcu_read_lock(), but the matching srcu_up_read() may run in another thread, as with a semaphore.",
			Events:  "R[srcu-lock]",
		},
		"srcu_up_read": {
			Params:  []string{"s", "idx"},
			Meaning: "Ends the SRCU reader that srcu_down_read() started and returned idx for, possibly in another thread.",
			Events:  "W[srcu-unlock]",
		},
		"synchronize_srcu": {
			Params: []string{"s"},
			Meaning: "Waits for an SRCU grace period of domain s: every read-side critical section of s that started before this call has ended when it returns. Readers of other domains are not waited for. " +
				"For the accesses around it, it is at least as strong as smp_mb().",
			Events: "Sync-srcu on s",
			Lower:  all("(a call that sleeps until the grace period ends)", "slow (a grace period), but readers pay only a per-CPU increment and fence"),
		},
		"synchronize_srcu_expedited": {
			Params:  []string{"s"},
			Meaning: "Like synchronize_srcu(), but hurries the grace period. The model treats the two alike.",
			Events:  "Sync-srcu on s",
			Lower:   all("(a call that sleeps, polling the readers' counters eagerly)", "shorter wait than synchronize_srcu(), more CPU spent"),
		},
		"atomic_read": {
			Params: []string{"v"}, Result: "the counter's value",
			Meaning: "Reads an atomic_t: the same as READ_ONCE() on its counter, with no ordering.",
			Events:  "R[once]", Lower: lowerLoad,
		},
		"atomic_set": {
			Params:  []string{"v", "i"},
			Meaning: "Sets an atomic_t: the same as WRITE_ONCE() on its counter, with no ordering. It is not a read-modify-write.",
			Events:  "W[once]", Lower: lowerStore,
		},
		"atomic_read_acquire": {
			Params: []string{"v"}, Result: "the counter's value",
			Meaning: "Reads an atomic_t with acquire ordering, as smp_load_acquire() does: later accesses of this thread are ordered after it.",
			Events:  "R[acquire]", Lower: lowerAcquire,
		},
		"atomic_set_release": {
			Params:  []string{"v", "i"},
			Meaning: "Sets an atomic_t with release ordering, as smp_store_release() does: earlier accesses of this thread are visible before it.",
			Events:  "W[release]", Lower: lowerRelease,
		},
		"atomic_add_unless": {
			Params: []string{"v", "a", "u"}, Result: "nonzero if it added, 0 if the counter held u",
			Meaning: "Adds a to the counter unless it holds u. When it adds, it is a fully ordered atomic read-modify-write, as if smp_mb() ran before and after it; when the counter holds u, it is only a marked read that orders nothing.",
			Events:  "added: R[mb] ->rmw W[mb]; not added: R[once]",
			Lower: [NumArchs]Lowering{
				{"mov ; lock cmpxchg -- (retried until it succeeds or sees u)", "a compare-and-swap loop: locked RMWs, retried under contention"},
				{"sync ; lwarx ; cmpw ; beq- ; add ; stwcx. ; bne- ; sync", "a reservation loop between two heavyweight syncs"},
				{"ldr ; casal -- (retried; LL/SC: ldxr ; stlxr ; dmb ish)", "a compare-and-swap loop"},
				{"lr.w ; beq ; add ; sc.w.rl ; bnez ; fence rw,rw", "a reservation loop and a full fence (skipped when it does not add)"},
			},
		},
		"ATOMIC_INIT": {
			Params: []string{"i"}, Result: "an atomic_t initialiser",
			Meaning: "Gives an atomic_t its initial value in the init block. It runs nothing: the value becomes the location's initial write.",
			Events:  "W[init] (the initial value)",
			Lower:   all("", "free: a static initialiser"),
		},
		"lock": {
			Params:  []string{"l"},
			Meaning: "herd7's own name for spin_lock(): takes the lock, with acquire ordering, and critical sections of one lock run one after another.",
			Events:  "R[LKR] ->rmw W[LKW]",
		},
		"unlock": {
			Params:  []string{"l"},
			Meaning: "herd7's own name for spin_unlock(): releases the lock with release ordering.",
			Events:  "W[UL]",
		},
	}
}
