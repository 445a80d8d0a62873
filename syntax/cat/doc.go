// Package cat reads herd7's model language: cat and bell files (the
// memory model), the .def macro files that map kernel primitives to
// herd7's core operations, and .cfg configuration files. It is the front
// end of a cat interpreter; evaluating a model belongs elsewhere.
//
// [Parse] reads a cat or bell file into a [File]: instructions ([Ins]) over
// expressions ([Expr]), with the grammar, precedences and associativity of
// herd7's lib/modelParser.mly. [Print] writes a tree back as text, and
// parsing that text gives the same tree. [ParseMacros] reads a .def file
// into [Macro] definitions whose bodies are small C trees naming herd7's
// core operations (__load{once}(x), __fence{mb}, ...); [ParseConfig] reads
// a .cfg file into key and value lines.
//
// # Invariants
//
// No parser ever fails or panics, on any input (fuzzed): each returns a
// tree, with Bad nodes or missing parts where the input is wrong, and a
// sorted [syntax.ErrorList]; recovery resumes at the next instruction, so
// one mistake makes one error, and a list holds at most 100. Nesting depth
// is capped. Every node carries
// a [syntax.Span] of byte offsets into the source; the Lines of a file turn
// offsets into file:line:col.
//
// # API boundary
//
// The package imports only the standard library and package syntax (for
// Span, Lines and ErrorList). It does no I/O: an include or a macros line
// names a file for the caller to read. It knows no variant, no primitive
// event set and no meaning of a check.
package cat
