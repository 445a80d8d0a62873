// Package checker decides litmus tests under the Linux-kernel memory model
// (and, for BPF-assembly tests, the BPF model): it lowers a parsed test to
// events, enumerates candidate executions, evaluates the model's axioms and
// reports the verdict, the final states, the execution counts and the flags,
// exactly as herd7 does, plus witnesses and reasons.
//
// The checker does no I/O and imports only package syntax.
package checker
