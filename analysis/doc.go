// Package analysis turns parse and check results into what people read:
// the diagnostics of a test (Diagnose), its code-lens summary, the cache
// key that ignores comments and layout (Normalize, Remap), and the base
// its sub-packages build on: the [Diagnostic] with every stable code but
// the lints', the [Edit]s and [Apply], the spans that insert or delete a
// statement on its own line, [Outcome]/[OutcomeOf] (a check result reduced
// to what a fix changes), and [PlaceInC] (where a span of a translated
// scenario lands in the annotated C).
//
// # Sub-packages
//
//   - analysis/ide: hover, definition, completion, semantic tokens;
//   - analysis/lint: the barrier-misuse lints, L01–L17;
//   - analysis/rewrite: rewrites, their costs and verification, fence
//     synthesis, over-fencing, quick fixes at a cursor;
//   - analysis/cfix: the quick fixes of annotated BPF C;
//   - analysis/primitive: the documentation of memory operations.
//
// # Invariant
//
// Positions are byte offsets; LSP is not known here. Nothing in this
// package checks a test: it reads a result it is given.
//
// # API boundary
//
// Imports syntax (and syntax/bpfc) and checker, none of its sub-packages;
// the words for the model's checks, flags and relations are the checker's
// (checker.CheckWords, FlagWords, RelWords).
package analysis
