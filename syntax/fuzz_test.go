package syntax

import (
	"os"
	"reflect"
	"testing"
)

// FuzzParseC checks that Parse never panics or hangs, returns a sorted
// error list with spans inside the input, and that any input it accepts
// without errors prints to text that parses back to the same tree.
func FuzzParseC(f *testing.F) {
	if files, err := findCorpusFiles(); err == nil {
		for _, path := range files[:min(len(files), 20)] {
			if src, err := os.ReadFile(path); err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := Parse("fuzz.litmus", src)
		if file == nil {
			t.Fatal("Parse returned a nil File")
		}
		for i, e := range errs {
			if e.Span.Start < 0 || e.Span.Start > len(src) || e.Span.End < e.Span.Start {
				t.Fatalf("error span %v outside input of %d bytes: %s", e.Span, len(src), e.Msg)
			}
			if i > 0 && errs[i-1].Span.Start > e.Span.Start {
				t.Fatalf("errors not sorted: %v", errs)
			}
		}
		if len(errs) > 0 || file.Dialect == DialectBPF {
			return
		}
		out := Print(file)
		again, errs := Parse("fuzz.litmus", out)
		if len(errs) > 0 {
			t.Fatalf("printed text does not parse: %v\n%s", errs.Format(again.Lines), out)
		}
		if got := Print(again); string(got) != string(out) {
			t.Fatalf("printing is not idempotent:\n%s\n---\n%s", out, got)
		}
		if a, b := clearSpans(file), clearSpans(again); !reflect.DeepEqual(a, b) {
			t.Fatalf("printed text parses to a different tree:\n%s", out)
		}
	})
}
