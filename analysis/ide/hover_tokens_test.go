package ide

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// tokenText renders tokens as "text:type" (with "+decl" on declarations),
// one per line.
func tokenText(src string, toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		decl := ""
		if t.Decl {
			decl = "+decl"
		}
		fmt.Fprintf(&b, "%s:%s%s\n", src[t.Span.Start:t.Span.End], t.Type, decl)
	}
	return b.String()
}

func TestTokens(t *testing.T) {
	src := "C t\n(* doc *)\n{\n\tint x = 1;\n}\n\nP0(int *x) // writer\n{\n\tint r0;\n\tif (READ_ONCE(*x) == 2) r0 = 3; else smp_mb();\n\twhile (r0) r0 = 0;\n}\n\nlocations [x]\nfilter (0:r0=0)\nexists (0:r0=3 /\\ x=1 \\/ true)\n"
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	want := `C:keyword
(* doc *):comment
int:type
x:variable+decl
1:number
P0:thread+decl
int:type
x:variable+decl
// writer:comment
int:type
r0:register+decl
if:keyword
READ_ONCE:primitive
x:variable
2:number
r0:register
3:number
else:keyword
smp_mb:primitive
while:keyword
r0:register
r0:register
0:number
locations:keyword
x:variable
filter:keyword
r0:register
0:number
exists:keyword
r0:register
3:number
x:variable
1:number
true:keyword
`
	assert.Equal(t, want, tokenText(src, Tokens(f, []byte(src))))
}

func TestTokensBPF(t *testing.T) {
	src := "BPF t\n{\n0:r1=x;\n}\n P0 ;\n r0 = atomic_fetch_add((u32 *)(r1 + 0), r2) ;\n if r0 != 0 goto L0 ;\n lock *(u32 *)(r1 + 0) += r2 ;\n L0: ;\nexists (0:r0=1)\n"
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	want := `BPF:keyword
r1:register+decl
x:variable
P0:thread+decl
r0:register
atomic_fetch_add:primitive
r1:register
r2:register
if:keyword
r0:register
0:number
goto:keyword
lock:primitive
r1:register
r2:register
exists:keyword
r0:register
1:number
`
	assert.Equal(t, want, tokenText(src, Tokens(f, []byte(src))))
}

// TestTokensCorpus checks on every corpus test that tokens are sorted,
// disjoint, inside the text, and that every primitive call is one.
func TestTokensCorpus(t *testing.T) {
	files := corpusFiles(t)
	for _, path := range files {
		src := readFile(t, path)
		f, _ := syntax.Parse(path, src)
		toks := Tokens(f, src)
		end := 0
		for _, tok := range toks {
			require.GreaterOrEqual(t, tok.Span.Start, end, path)
			require.Greater(t, tok.Span.End, tok.Span.Start, path)
			require.LessOrEqual(t, tok.Span.End, len(src), path)
			end = tok.Span.End
			if tok.Type == TokenPrimitive && f.Dialect == syntax.DialectC {
				_, ok := syntax.Primitives[string(src[tok.Span.Start:tok.Span.End])]
				assert.True(t, ok, "%s: %q is not a primitive", path, src[tok.Span.Start:tok.Span.End])
			}
		}
		// Every comment is a token.
		var comments int
		for _, tok := range toks {
			if tok.Type == TokenComment {
				comments++
			}
		}
		assert.Equal(t, len(f.Comments), comments, path)
	}
}
