// Package ide answers an editor's questions about one position of a test:
// hover (hover.go), definition and references (hover_definition.go),
// completion (hover_completion.go) and semantic tokens (hover_tokens.go),
// all over one reference index of the test's names (hover_refs.go), and
// hover on the atomics of annotated BPF C (hover_c.go: the call under the
// cursor read from the C text, its order argument and whether its value
// is used).
//
// Invariant: pure functions of (parse, source text, cached result, byte
// offset); nothing here checks a test or reads a file, so a handler may
// call them in its critical path. Positions are byte offsets.
//
// API boundary: imports syntax, checker, analysis's base and
// analysis/primitive, whose documentation it renders; it decides what to
// document (the name at a cursor, the call site of a BPF C atomic) and
// asks primitive for it. No LSP types.
package ide
