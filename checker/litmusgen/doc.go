// Package litmusgen generates random litmus tests from a seed, for
// differential testing of the checker's compiled models against the
// interpreted ones (package checker/cat), and shrinks a test on which two
// models disagree.
//
// [LKMM] builds a C test for the Linux-kernel memory model and [BPF] a
// BPF-assembly test for bpf.cat, both from one seed with math/rand/v2's
// PCG, so a seed names a test for ever (as long as this package does not
// change). Each test is one of the classic shapes (MP, SB, LB, WRC, IRIW,
// ISA2, R, S, 2+2W, RWC, Z6.x, and 2- to 4-thread chains) whose accesses,
// the links between them (fences, address, data and control
// dependencies) and extras (spin locks, RCU and SRCU read-side sections
// and grace periods, conditional plain copies) are drawn at random, with
// a final condition over the reads and the final values. Only syntax
// herd7 accepts is produced.
//
// [Compare] runs one test under two models and describes how their herd7
// outputs differ (states as a set, Hash and Time ignored); [Minimize]
// removes threads, statements and clauses from a [Test] while a predicate
// still holds.
//
// The package does no I/O and never needs herd7.
package litmusgen
