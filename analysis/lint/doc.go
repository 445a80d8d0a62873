// Package lint runs the barrier-misuse lints, rules L01–L17: fences,
// marked accesses and dependencies that do not order what their place in
// the code suggests they should. Each rule reads the checker's event
// structures ([checker.Structures]: events with their tags, po, rmw, addr,
// data and ctrl), so the same rules apply to litmus tests and to code
// translated into them; the syntax tree gives only spans and text for
// messages and fixes.
//
// The rules are spread over lint_fence.go (fences that order nothing),
// lint_shape.go (message passing and store buffering with one side
// unordered), lint_access.go (acquire results, plain accesses, pointer
// comparisons) and lint_bpf.go (BPF code); lint_edit.go finds the syntax
// behind events and builds the fixes' edits.
//
// # Invariant
//
// A lint is a diagnostic with a stable code (the Code constants), byte
// offsets and fixes made of [analysis.Edit]s, sorted by position. Linting
// checks nothing again except what a rule needs to confirm itself (L17
// checks a BPF test once more with x86's ordering, bounded by
// [Options].Timeout); it never verifies its fixes.
//
// # API boundary
//
// [Run], [Options] and the Code constants. The package imports syntax,
// checker and the base of package analysis (diagnostics, edits and
// [analysis.OutcomeOf], in analysis/edit.go), never package rewrite (the
// rewrites, fence synthesis and quick fixes): those verify edits by
// checking again, lints only propose them. It knows no LSP; the language server and the
// check command's --lint call [Run] directly.
package lint
