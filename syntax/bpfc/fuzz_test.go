package bpfc

import (
	"testing"

	"github.com/litmusls/litmusls/syntax"
)

// FuzzTranslate translates arbitrary C: it never panics, every scenario's
// text parses again without errors (or an internal note says it does
// not), and every link of the source map lies inside the generated text
// and its C file. Seeds are under testdata/fuzz/FuzzTranslate.
func FuzzTranslate(f *testing.F) {
	f.Add([]byte("int x;\n// litmus: exists (x=1)\n// litmus: thread\nvoid f(void) { x = 1; }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		// Every "with" file is the input itself: user space and BPF side alike.
		tr, err := Translate("fuzz.c", src, func(string) ([]byte, error) { return src, nil })
		if err != nil {
			t.Fatalf("Translate failed: %v", err)
		}
		internal := false
		for _, n := range tr.Notes {
			if tr.Source(n.File) == nil {
				t.Fatalf("note in unknown file %q", n.File)
			}
			if n.Span.Start < 0 || n.Span.End < n.Span.Start || n.Span.End > len(tr.Source(n.File).Text) {
				t.Fatalf("note span %v out of %s", n.Span, n.File)
			}
			internal = internal || n.Kind == NoteInternal
		}
		for _, sc := range tr.Scenarios {
			if _, errs := syntax.Parse(sc.Name, sc.Text); len(errs) > 0 && !internal && sc.File.Cond != nil {
				t.Fatalf("generated test does not parse (%v) and no note says so:\n%s", errs, sc.Text)
			}
			for _, l := range sc.Map.Links() {
				if l.Gen.Start < 0 || l.Gen.End < l.Gen.Start || l.Gen.End > len(sc.Text) {
					t.Fatalf("link %v outside the generated text", l)
				}
				s := tr.Source(l.C.File)
				if s == nil || l.C.Span.Start < 0 || l.C.Span.End < l.C.Span.Start || l.C.Span.End > len(s.Text) {
					t.Fatalf("link %v outside its C file", l)
				}
			}
		}
	})
}
