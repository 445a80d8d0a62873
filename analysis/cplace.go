package analysis

import (
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// A CPlace is where something at a span of a translated scenario's test
// (a diagnostic, an event, a related location) is shown in the C.
type CPlace struct {
	// C is the place in the C: the span's own C when Linked, else the
	// scenario's annotation, which stands in for it.
	C bpfc.Loc
	// Linked reports whether C is the C the source map links the span to.
	Linked bool
	// Own is, when not Linked, the span's own C in another file than the
	// one asked for, or nil (the span has no C behind it).
	Own *bpfc.Loc
}

// PlaceInC returns where the span sp of the test scenario sc generates
// lands in the C file named file (as the translation's Sources name it;
// "" accepts every file): the C the source map links sp to, when it is in
// file; else the scenario's annotation, when that is in file, with the
// span's own C as Own. It reports false when neither is in file: the
// scenario is declared in another file, where its diagnostics go.
//
// The language server places a scenario's diagnostics in the document
// with it; the CLI, with file "", takes a Linked place and otherwise
// keeps the position in the generated test.
func PlaceInC(sc *bpfc.Scenario, sp syntax.Span, file string) (CPlace, bool) {
	lk, ok := sc.Map.ToC(sp)
	if ok && (file == "" || lk.C.File == file) {
		return CPlace{C: lk.C, Linked: true}, true
	}
	if file != "" && sc.Decl.File != file {
		return CPlace{}, false
	}
	p := CPlace{C: sc.Decl}
	if ok {
		own := lk.C
		p.Own = &own
	}
	return p, true
}
