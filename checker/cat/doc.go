// Package cat evaluates herd7's model language: it runs a cat model (with
// its bell file, its includes and herd7's stdlib.cat) on the checker's
// candidate executions, as herd7's interpreter does, and so judges them
// as [checker.Model]. It is an oracle independent of the models the
// checker has compiled into Go, and it runs models the checker has never
// seen.
//
// [New] (or [NewFromConfig], from a herd7 .cfg file) reads and compiles a
// model once: the files are parsed by package syntax/cat, includes are
// spliced in, conditions on variants decided and every name resolved, so
// a name nothing binds is an error then, with file:line:col, as are parse
// errors and files that cannot be read. [Model.Judge] then evaluates the
// compiled model on each candidate.
//
// # Macros
//
// A model read with a .def file ([Options].Macros, [ReadMacros], or the
// "macros" line of a .cfg) is a [checker.MacroModel]: checker.Check
// lowers its tests by the file's macros, as herd7's -macros does, and
// the events carry the names of their annotations, so an annotation
// set the bell declares ('foo, set Foo) holds the events whose macro
// wrote it, even for a primitive and an annotation the kernel does not
// have. Without a .def, tests are lowered by the checker's built-in
// lowering of the kernel's primitives, whose tag bits the annotation
// sets read. The LKMM corpus gives herd7's output both ways.
//
// # Semantics
//
// The evaluator follows herd7's lib/interpreter.ml case by case: lazy
// let bindings, the empty value and the universe, sequences that stop at
// their first empty operand, least fixpoints for "let rec", "with x from
// S" running the rest of the model once per element of S (the model's own
// choices: coherence orders, the reads-from of lock events), procedures,
// matches, "try" catching evaluation errors, checks that reject an
// execution at the first failure and flags raised by the executions that
// pass. The initial environment is herd7's for a C test
// (herd/machModelChecker.ml): event sets and relations of the candidate,
// the annotation sets the bell file declares, and the primitives. herd7's
// front end also chooses the final write of each observed location (the
// set FW); Judge does the same, so executions are counted as herd7
// counts them.
//
// # BPF
//
// A model whose cat file's header names the BPF architecture (herd7's
// bpf.cat: `BPF "BPF Memory model based on LKMM"`) gets herd7's
// environment for a BPF test instead (bpf.go): the annotation sets X
// (atomic accesses), SC (value-returning atomics, successful cmpxchg), AQ
// (load_acquire) and RL (store_release), and herd7's single-event
// atomics: the checker's lowering splits a "lock" instruction, an
// atomic_fetch_* or an xchg into a read and a write, which the
// environment merges back into one event that is in both R and W (the
// write half is in no set or relation, not even the universe; the
// reads-from out of it leaves the merged event, and the model's co and rf
// are mapped back when an execution is reported). A successful cmpxchg
// stays a read and a write of one instance, not related by po, that
// stdlib.cat's amo relates. herd7 itself picks the environment by the
// test's architecture; litmusls's event structures do not record it, so
// the model's header decides. The interpreted bpf.cat gives herd7's
// output on all 177 BPF corpus tests (TestBPFCorpus).
//
// # Speed
//
// A top-level binding is computed once for as long as what it mentions
// stays the same: per event structure, per candidate (rf), per choice of
// final writes, or per choice of each top-level "with". So the parts of
// a model that depend only on program order are computed once per event
// structure, not once per coherence order.
//
// # What is missing
//
// Values that litmusls's event structures do not carry (intra-instruction
// causality, speculation, scopes, class relations and the primitives over
// them) fail when a model uses them. An evaluation error that depends on
// the execution is Judge's error, an *Error, which checker.Check returns.
package cat
