// Package analysis turns parse and check results into diagnostics, hovers,
// lints and fixes for people: everything the editor and the CLI show beyond
// the raw verdict. Positions are byte offsets; LSP is not known here.
//
// What each primitive means and how each architecture implements it is not
// here: package [github.com/litmusls/litmusls/analysis/primitive] documents
// the kernel primitives, BPF instructions and BPF C atomics, and defines
// the architectures (primitive.Arch) that costs and hovers are given for.
// This package decides what to document (the name at a cursor, the call
// site of a BPF C atomic, read from the C text) and asks primitive for it.
package analysis
