// Package bpfc translates annotated BPF C (and the user-space C that
// shares memory with it) into LKMM C litmus tests, with a source map back
// to the C.
//
// The C is parsed with the tree-sitter C grammar, which recovers from
// anything it cannot read: macros, attributes, unknown types. Before
// parsing, the declaration macros of BPF C that tree-sitter cannot place
// (SEC("..."), __attribute__((...)), __hidden, private(X), __uint(...),
// ...) are replaced by spaces, so every byte offset stays that of the
// file.
//
// # Annotations
//
// Annotations are comments that start with "litmus:":
//
//	// litmus: test NAME        starts a scenario; the annotations after it belong to it
//	// litmus: with PATH        adds the threads (and globals) of another C file, relative to this one
//	// litmus: thread [NAME]    makes the next function a thread (named after the function by default;
//	                            for BPF_PROG(name, ...) the program's name)
//	// litmus: threads A B ...  the scenario uses only these threads (all of them by default)
//	// litmus: exists PROP      the final condition; also ~exists and forall
//	// litmus: filter PROP      keeps only the executions satisfying PROP
//	// litmus: expect VERDICT   the expected result, as herd7 prints it ("Never", "Sometimes DATARACE")
//	// litmus: cpu vN           the clang -mcpu the BPF C is built for: v1, v2, v3 (the default) or v4
//	// litmus: param N=V ...    the values of thread parameters and externs (__kconfig)
//
// PROP is herd7's syntax (/\, \/, ~, ->, parentheses), C's spellings
// (&&, ||, !, ==, !=) accepted too, over atoms THREAD:local=VALUE (a
// thread's local variable at the end, THREAD a thread name or number) and
// global=VALUE (a global, g.f for a field of a struct global, buf[2] for an
// element of a global array); VALUE is an integer, or THREAD:local to
// compare two values. Two thread annotations before one function make two
// threads that run it (one program on two CPUs). Annotations
// before the first "test" apply to every scenario of the file; a file with
// a condition and no "test" is one scenario named after the file. A block
// comment may hold several annotations, one per line, and continue a
// condition over several lines.
//
// # Translation
//
// Globals are the shared locations, with their initializers; struct
// globals are flattened to one location per field (g.cnt becomes g_cnt).
// In user space the libbpf skeleton forms skel->bss->x, skel->data->x,
// skel->rodata->x and skel->data_NAME->x name the global x. The element of
// a BPF map defined with __type(value, T) is a location (a struct value is
// flattened like a struct global) that bpf_map_lookup_elem(&map, key)
// (or a local-storage getter such as bpf_task_storage_get(&map, task, ...))
// points to, whatever the key: every key names the one element, so
// accesses through different keys are taken to conflict; per-CPU maps are
// not modeled (each CPU has its own element: leaving them out is a note). A global array of scalars with a constant length (up to 16)
// is one location per element (buf[2] becomes buf_2); an index computed at
// run time becomes a chain of ifs, one branch per element (for the
// atomics too); a local set once to a constant, and an unrolled loop's
// variable, index as constants. Globals of a typedef'd struct type are
// flattened as struct globals, and so are arrays of structs (slots[1].seq
// becomes slots_1_seq) and array fields. A struct local is a register per
// field; a whole struct is copied field by field. A skeleton section held
// in a pointer (bss = skel->bss) names the globals as skel->bss does. Object-like macros and enumerators with
// constant values are constants; function-like macros are expanded as
// the preprocessor does. Local scalars become registers; local pointers
// to globals are followed. Calls to functions of the same file are
// inlined. A switch whose cases end in break or return becomes a chain of
// ifs. "litmus: param NAME=VALUE ..." gives a thread function's scalar
// parameter, or an extern (a __kconfig one), its value.
//
// Accesses follow ../shared/facts/bpf-to-lkmm.md: volatile casts and
// READ_ONCE/WRITE_ONCE are marked accesses, and so are the accesses to an
// object declared volatile (a global, a field, an array's elements) and
// through a pointer to volatile, as the header of the generated test
// says; plain accesses stay plain; the
// __sync builtins are fully ordered read-modify-writes; the __atomic builtins and C11's atomic_*_explicit keep
// their memory order (relaxed, acquire, release; seq_cst as fully ordered,
// a seq_cst store as a release store followed by smp_mb()); the smp_*
// macros of bpf_atomic.h map to the kernel's; bpf_spin_lock/unlock (and
// pthread mutexes) are spin_lock/spin_unlock; bpf_res_spin_lock is a
// spin_trylock that may fail. What clang emits for the atomic builtins
// depends on -mcpu ([CPU]): "litmus: cpu v1|v2|v3|v4" (or the caller's
// [Options]) chooses it, by default v3, clang's default since clang 20,
// where an unused __sync_fetch_and_OP is the fetching, fully ordered
// instruction; at v1/v2 an unused __sync_fetch_and_add is the unordered
// atomic_add, and the other fetching atomics, exchange and
// compare-and-exchange do not compile (a [NoteCompile] error). A fully
// ordered read-modify-write of a local variable (bpf_atomic.h's smp_mb())
// is smp_mb(); with bpf_atomic.h included, its smp_mb() is barrier() at
// v1/v2. The generated test's header says which -mcpu was assumed, and
// Scenario.CPUSensitive lists the calls that v1/v2 would weaken.
// if/else is kept; an early return takes the
// code after its if into the other branch. A counted loop with constant
// bounds (at most 8 iterations) is unrolled, and so are bpf_for,
// bpf_repeat, and bpf_loop with a callback of the file that returns 0. bpf_atomic.h's try_cmpxchg_acquire family keeps the order
// its name promises; smp_cond_load_acquire(_label) is a spin-wait on an
// acquire load. A spin-wait loop (a condition
// and a body without effects), or a do-while loop whose body only reads,
// is modeled by its last iteration: its condition is read once into a
// register that the scenario's filter requires to be false.
//
// What the model cannot express (helper calls, other loops, pointers the
// translation cannot resolve, unions, arrays of unknown length) is
// left out with a [Note] at its C location, repeated as a comment in the
// generated test; nothing is dropped silently. When what is left out
// accesses a shared location of the scenario, the note is a
// [NoteIncomplete] error: the scenario depends on it and gets no verdict.
// A value the translation cannot compute (a helper's result) is taken as
// 0, and a final condition that reads one (in a register, or in a
// location it was stored to) is an error too. A condition
// of an if is not guessed: each operand of its !, && and || that depends
// on such a value becomes an unknown truth value, a marked read of a
// location "unknownN" that an extra last thread sets to 1, so that both
// ways are checked. A pointer from a helper (a map lookup, a ring buffer
// reservation) is taken as non-NULL, and an array index the translation
// cannot compute is any element (unknown truth values choose it).
// likely/unlikely/__builtin_expect are their argument; cond_break and
// cond_break_label (a loop's exit when it runs too long) are dropped,
// with a note.
//
// # Using the source map
//
// A checker event's span (an access of a data race, a witness event) is
// a span of Scenario.Text: Scenario.Map.ToC gives the innermost C
// expression or statement it came from. The final condition's span maps
// to its annotation (LinkCond), the "Result:" comment to the "expect"
// annotation, a thread to its function. FromC goes the other way, from a
// C offset to what it became.
//
// # Output
//
// [Translate] returns a [Translation]: one [Scenario] per test, each with
// the test printed by syntax.Print, the tree parsed back from that text
// (so every span refers to the text), and a [SourceMap] from generated
// spans to C locations and back. Each thread carries a comment naming the
// C lines it came from.
//
// The test is written in the C that herd7's parser accepts, which lacks
// much of C: !, && and || become comparisons with 0 joined by & and |, %
// a division, a constant shift a multiplication or division, ?: an
// arithmetic choice, unary minus a subtraction from 0, a compound
// assignment to a register "r = r OP (v)"; a primitive whose value is unused is
// assigned to a fresh register; empty blocks are dropped (an if with an
// empty branch is inverted); constants are wrapped to 32 bits, with a
// note; locks are parameters only; and comments among the threads avoid
// the words (exists, filter, ...) and the double quote that end herd7's
// reading of the program. One construct herd7 rejects stays in
// Scenario.Text: a plain read-modify-write of a location ("*x += v", from
// x++ or x += v), the form in which analysis recognizes one;
// Scenario.Herd, what translate prints, writes it "*x = *x + (v)".
//
// The package imports only syntax: it knows nothing of the checker.
package bpfc
