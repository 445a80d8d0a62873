// Package analysis turns parse and check results into diagnostics, hovers
// and fixes for people: everything the editor and the CLI show beyond the
// raw verdict. Positions are byte offsets; LSP is not known here.
//
// The barrier-misuse lints are not here: package
// [github.com/litmusls/litmusls/analysis/lint] runs them over this
// package's base, the [Diagnostic] and its codes and edit.go (the [Edit]s,
// [Apply], the spans that insert or delete a statement on its own line,
// [AddrText], [OutcomeOf]). The rewrites, synthesis, over-fencing and
// quick fixes build on the same base in package
// [github.com/litmusls/litmusls/analysis/rewrite], and the C quick fixes
// in [github.com/litmusls/litmusls/analysis/cfix]. This package imports
// none of them.
//
// Hover, definition, completion and semantic tokens are in package
// [github.com/litmusls/litmusls/analysis/ide], which renders the
// documentation of package
// [github.com/litmusls/litmusls/analysis/primitive] (the kernel
// primitives, BPF instructions and BPF C atomics, and the architectures
// costs and hovers are given for).
package analysis
