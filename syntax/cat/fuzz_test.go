package cat

import (
	"reflect"
	"testing"

	"github.com/litmusls/litmusls/syntax"
)

// FuzzParse checks that no parser of the package panics or hangs, that
// every error lies inside the input and errors come sorted, and that a cat
// input parsed without errors prints to text that parses back to the same
// tree. The seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := Parse("fuzz.cat", src)
		if file == nil {
			t.Fatal("Parse returned a nil File")
		}
		checkErrors(t, "Parse", src, errs)

		_, xerrs := ParseExpr("fuzz.cat", src)
		checkErrors(t, "ParseExpr", src, xerrs)
		macros, merrs := ParseMacros("fuzz.def", src)
		if macros == nil {
			t.Fatal("ParseMacros returned nil")
		}
		checkErrors(t, "ParseMacros", src, merrs)
		cfg, cerrs := ParseConfig("fuzz.cfg", src)
		if cfg == nil {
			t.Fatal("ParseConfig returned nil")
		}
		checkErrors(t, "ParseConfig", src, cerrs)

		if len(errs) > 0 {
			return
		}
		out := Print(file)
		again, errs := Parse("fuzz.cat", out)
		if len(errs) > 0 {
			t.Fatalf("printed text does not parse: %s\n%s", errs.Format(again.Lines), out)
		}
		if got := Print(again); string(got) != string(out) {
			t.Fatalf("printing is not idempotent:\n%s\n---\n%s", out, got)
		}
		if a, b := clearSpans(file), clearSpans(again); !reflect.DeepEqual(a, b) {
			t.Fatalf("printed text parses to a different tree:\n%s", out)
		}
	})
}

func checkErrors(t *testing.T, what string, src []byte, errs syntax.ErrorList) {
	t.Helper()
	for i, e := range errs {
		if e.Span.Start < 0 || e.Span.End < e.Span.Start || e.Span.End > len(src) {
			t.Fatalf("%s: error span %v outside input of %d bytes: %s", what, e.Span, len(src), e.Msg)
		}
		if i > 0 && errs[i-1].Span.Start > e.Span.Start {
			t.Fatalf("%s: errors not sorted: %v", what, errs)
		}
	}
}
