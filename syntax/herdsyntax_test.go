package syntax

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Syntax herd7 accepts beyond the corpus; the checker's herdsyntax_test.go
// compares the outputs with herd7's.

func TestInitRegisterWithoutValue(t *testing.T) {
	check(t, "C t\n{\nint 0:r2;\nint *1:r1;\n0:r3;\n}\nP0(int *x) {\n\tsmp_mb();\n}\nexists (0:r2=0)\n", "", func(t *testing.T, f *File) {
		require.Len(t, f.Init.Items, 3)
		want := []struct {
			typ    string
			stars  int
			thread int
			name   string
		}{{"int", 0, 0, "r2"}, {"int", 1, 1, "r1"}, {"", 0, 0, "r3"}}
		for i, w := range want {
			it := f.Init.Items[i]
			if w.typ == "" {
				assert.Nil(t, it.Type)
			} else {
				require.NotNil(t, it.Type)
				assert.Equal(t, w.typ, it.Type.Name)
				assert.Equal(t, w.stars, it.Type.Stars)
			}
			assert.Equal(t, w.thread, it.Loc.Thread)
			assert.Equal(t, w.name, it.Loc.Name)
			assert.Nil(t, it.Value)
		}
	})
}

func TestNoCondition(t *testing.T) {
	for _, src := range []string{
		"C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\n",
		"C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\nlocations [x]\n",
		"C t\n{}\nP0(int *x) {\n\tsmp_mb();\n}\nlocations [x]\nfilter (x=0)\n",
	} {
		check(t, src, "", func(t *testing.T, f *File) {
			assert.Nil(t, f.Cond)
			assert.Len(t, f.Threads, 1)
		})
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name, src   string
		errs        string
		testName    string
		doc         string
		meta        []string // "key=value"
		info        []string
		initItems   int
		nameSpanEnd int
	}{
		{"plain", "C MP+o-o\n{ x=1; }\nP0(int *x) { smp_mb(); }\nexists (x=1)\n", "", "MP+o-o", "", nil, nil, 1, 8},
		{"words after the name", "C t extra words, here\n{}\nP0(int *x) { smp_mb(); }\nexists (x=1)\n", "", "t", "", nil, []string{"extra words, here"}, 0, 3},
		{"doc on the name line", "C t \"the doc\"\n{}\nP0(int *x) { smp_mb(); }\nexists (x=1)\n", "", "t", "the doc", nil, nil, 0, 3},
		{"init block on the name line", "C t { x=2; }\nP0(int *x) { smp_mb(); }\nexists (x=1)\n", "", "t", "", nil, nil, 1, 3},
		{"lines before the init block",
			"C t (texname)\n\"doc\"\nC other name\n\"second doc\"\nKey=some value\n(* a comment *)\nfoo (* inside *) bar, baz; qux\n{ x=2; }\nP0(int *x) { smp_mb(); }\nexists (x=1)\n",
			"", "t", "doc", []string{"Key=some value"},
			[]string{"(texname)", "C other name", `"second doc"`, "foo (* inside *) bar, baz; qux"}, 1, 3},
		{"text up to a brace", "C t\ntext { x=3; }\nP0(int *x) { smp_mb(); }\nexists (x=1)\n", "", "t", "", nil, []string{"text"}, 1, 3},
		{"missing init block", "C t\nC other\nP0(int *x) { smp_mb(); }\nexists (x=1)\n",
			"3:1: expected '{' to start the init block, found 'P0'\n", "t", "", nil, []string{"C other"}, -1, 3},
		{"bad name", "C ,t\n{}\nP0(int *x) { smp_mb(); }\nexists (x=1)\n",
			"1:3: expected test name after \"C\", found \",\"\n", "", "", nil, []string{",t"}, 0, 2},
		{"missing name", "C\n{}\nP0(int *x) { smp_mb(); }\nexists (x=1)\n",
			"1:2: missing test name after \"C\"\n", "", "", nil, nil, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, tt.src, tt.errs, func(t *testing.T, f *File) {
				assert.Equal(t, tt.testName, f.Name)
				assert.Equal(t, tt.nameSpanEnd, f.NameSpan.End)
				if tt.doc == "" {
					assert.Nil(t, f.Doc)
				} else if assert.NotNil(t, f.Doc) {
					assert.Equal(t, tt.doc, f.Doc.Text)
				}
				var meta, info []string
				for _, m := range f.Meta {
					meta = append(meta, m.Key+"="+m.Value)
				}
				for _, in := range f.Info {
					info = append(info, in.Text)
					assert.Equal(t, in.Text, tt.src[in.Span.Start:in.Span.End])
				}
				assert.Equal(t, tt.meta, meta)
				assert.Equal(t, tt.info, info)
				if tt.initItems < 0 {
					assert.Nil(t, f.Init)
				} else if assert.NotNil(t, f.Init) {
					assert.Len(t, f.Init.Items, tt.initItems)
				}
				assert.Len(t, f.Threads, 1)
				if tt.errs != "" {
					return
				}
				// Printing keeps the information lines, and parses back
				// to the same tree.
				out := Print(f)
				again, errs := Parse("", out)
				require.Empty(t, errs.Format(again.Lines), "%s", out)
				assert.True(t, reflect.DeepEqual(clearSpans(f), clearSpans(again)), "%s", out)
			})
		})
	}
}
