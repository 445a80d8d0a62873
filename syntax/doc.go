// Package syntax reads litmus tests: herd7's C dialect as the Linux-kernel
// memory model uses it, and the BPF-assembly dialect.
//
// [Parse] never fails: it always returns a [File], with parts it could not
// read marked as Bad nodes or left nil, together with a sorted [ErrorList].
// Every node carries a [Span] of byte offsets into the source; [Lines] turns
// offsets into file:line:col for people.
//
// The package knows the names and arities of the kernel primitives, so it
// can report "unknown primitive smp_foo", but not what they mean: events and
// ordering belong to package checker. It knows nothing of LSP or UTF-16.
package syntax
