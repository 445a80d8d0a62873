// Package rewrite changes the ordering of a C litmus test and proves each
// change by checking again: the vocabulary of edits that strengthen or
// weaken ordering (rewrite.go), their per-architecture cost
// (rewrite_cost.go), verification by re-checking the edited text through a
// [CheckCache] (rewrite_verify.go), fence synthesis (synth.go, the cheapest
// verified set of changes that makes a test correct), over-fencing
// (overfence.go, weakenings that keep it correct) and the quick fixes at a
// cursor (actions.go).
//
// Invariant: every fix offered was verified by a check of the edited
// text, or says it was not; edits are byte-offset [analysis.Edit]s that
// keep the rest of the user's text as written.
//
// API boundary: imports analysis's base (diagnostics, edits, outcomes),
// analysis/primitive (costs), checker and syntax; never analysis/lint
// (the lints propose, this package verifies) and nothing above analysis.
// The layout of a test's accesses, fences and gaps ([ScanLayout]) is
// exported for analysis/cfix, which carries rewrites back to C.
package rewrite
