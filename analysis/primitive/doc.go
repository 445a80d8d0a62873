// Package primitive is the reference documentation of the memory
// operations a litmus test or an annotated BPF C program writes: what each
// one means in the Linux-kernel memory model, the events herd7 makes for
// it, and the code it becomes on each documented architecture ([Arch]:
// x86-64, powerpc64, arm64, riscv64) with what that code costs.
//
// It covers three vocabularies, each rendered the same way by
// [Doc.Markdown]:
//
//   - the kernel primitives of C litmus tests ([Lookup], [Names]): every
//     name syntax.Primitives parses, with its summary;
//   - the memory instructions of BPF litmus tests ([BPFInstruction]),
//     lowered as the JITs do;
//   - the atomic builtins, bpf_atomic.h macros and lock helpers of BPF C
//     ([BPFCBuiltin]), documented for one call site ([BPFCCall]: its
//     memory order, read with bpfc.ParseOrder, whether its value is used,
//     the -mcpu), with the BPF instruction clang emits, the LKMM primitive
//     the translation uses, and caveats.
//
// The package is data and pure functions, written from the project's
// notes in ../shared/facts. It imports only syntax and syntax/bpfc (for
// the memory-order enum), never the checker or the rest of analysis, and
// it neither reads source text nor finds anything at a cursor: hover and
// completion (package analysis/ide) decide what to document and call it.
package primitive
