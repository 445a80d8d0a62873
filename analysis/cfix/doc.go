// Package cfix offers the quick fixes of annotated BPF C and its
// user-space side: the rewrites package rewrite finds in the litmus tests
// syntax/bpfc translates the C into, carried back to the C through the
// translation's source map, written as C edits, and verified by
// translating the edited C again and checking the scenarios it takes part
// in. [CActions] answers at a cursor; [FixCFile] fixes a whole file for
// the fix command, or says why it cannot.
//
// Invariant: a C fix is offered only once the edited C translates and its
// scenarios check as the fix says; the generated litmus text is never
// written into a C file.
//
// API boundary: imports syntax/bpfc for the translation, analysis/rewrite
// for the vocabulary and verification, analysis's base for edits; no LSP.
package cfix
