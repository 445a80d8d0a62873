package syntax

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

var spanType = reflect.TypeOf(Span{})

// clearSpans zeroes every Span in the tree of f, and drops what the printer
// does not promise to keep (comments other than the Result, the line table),
// so that trees of the same test written differently compare equal.
func clearSpans(f *File) *File {
	f.Lines = nil
	f.Comments = nil
	clearValue(reflect.ValueOf(f))
	return f
}

func clearValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearValue(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == spanType {
			v.Set(reflect.Zero(spanType))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				clearValue(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearValue(v.Index(i))
		}
	}
}

// roundTrip checks that printing src and parsing the result gives the tree
// of src again, and that printing is idempotent.
func roundTrip(t *testing.T, name string, src []byte) {
	t.Helper()
	f, errs := Parse(name, src)
	require.Empty(t, errs.Format(f.Lines), name)
	out := Print(f)
	g, errs := Parse(name, out)
	require.Empty(t, errs.Format(g.Lines), "%s: printed text does not parse:\n%s", name, out)
	require.Equal(t, string(out), string(Print(g)), "%s: printing is not idempotent", name)
	require.Equal(t, commentTexts(f), commentTexts(g), "%s: comments lost or changed:\n%s", name, out)
	require.Equal(t, clearSpans(f), clearSpans(g), "%s: printed:\n%s", name, out)
}

// commentTexts returns the texts of f's comments, sorted.
func commentTexts(f *File) []string {
	var texts []string
	for _, c := range f.Comments {
		texts = append(texts, c.Text)
	}
	sort.Strings(texts)
	return texts
}

func TestRoundTripCorpus(t *testing.T) {
	n := 0
	for _, path := range corpusFiles(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		if f, _ := Parse(path, src); f.Dialect == DialectBPF && !bpfParserReady {
			continue
		}
		roundTrip(t, path, src)
		n++
	}
	require.GreaterOrEqual(t, n, 525)
}

func TestPrintCanonical(t *testing.T) {
	src := `C MP+test
"doc"
Cycle=Rfe Fre
(* Result: Never DATARACE *)
{ x=1; int *p=&x; 0:r1=x; atomic_t a = ATOMIC_INIT(0); spinlock_t l; }
P0(int *x, intptr_t *y) { int r0, r1; r0 = READ_ONCE(*x); if (r0 == 1 && !r1) { WRITE_ONCE(*y, (r0 + 1) * 2); } else smp_mb(); // trailing
	// own line
}
locations [0:r1; x]
filter 0:r1=1
exists (0:r0=1 /\ ~(x=1 \/ [y]=2) -> true)
`
	want := `C MP+test
"doc"
Cycle=Rfe Fre
(* Result: Never DATARACE *)

{
	x=1;
	int *p = &x;
	0:r1=x;
	atomic_t a = ATOMIC_INIT(0);
	spinlock_t l;
}

P0(int *x, intptr_t *y)
{
	int r0;
	int r1;
	r0 = READ_ONCE(*x);
	if (r0 == 1 && !r1) {
		WRITE_ONCE(*y, (r0 + 1) * 2);
	} else
		smp_mb(); // trailing
	// own line
}

locations [0:r1; x]
filter 0:r1=1
exists (0:r0=1 /\ ~(x=1 \/ [y]=2) -> true)
`
	f, errs := Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	require.Equal(t, want, string(Print(f)))
	require.Equal(t, &Result{Span: f.Result.Span, Verdict: "Never", Flags: []string{"DATARACE"}}, f.Result)
	roundTrip(t, "t.litmus", []byte(src))
}

func TestPrintAddsNeededParens(t *testing.T) {
	// A tree built by a program, not the parser: no ParenExpr/ParenProp.
	x := &BinaryExpr{Op: "*", X: &BinaryExpr{Op: "+", X: &Ident{Name: "a"}, Y: &Ident{Name: "b"}}, Y: &IntLit{Value: 2}}
	require.Equal(t, "(a + b) * 2", exprString(x, 0))
	cast := &CastExpr{Type: &Type{Name: "intptr_t", Stars: 2}, X: &Ident{Name: "x"}}
	require.Equal(t, "(intptr_t **)x", exprString(cast, 0))
	cast.Type.Stars = 0
	require.Equal(t, "(intptr_t)x", exprString(cast, 0))
	neg := &UnaryExpr{Op: "-", X: &UnaryExpr{Op: "-", X: &IntLit{Value: 1}}}
	require.Equal(t, "- -1", exprString(neg, 0))
	p := &AndProp{X: &OrProp{X: &BoolProp{Value: true}, Y: &BoolProp{}}, Y: &NotProp{X: &AndProp{X: &BoolProp{}, Y: &BoolProp{}}}}
	require.Equal(t, `(true \/ false) /\ ~(false /\ false)`, propString(p, 0))
}

// TestPrintKeepsTrailingComments checks that a comment at the end of a
// thread header, a statement, an init item or the condition stays on that
// line, after the spaces or tabs written before it (a tab when none were).
func TestPrintKeepsTrailingComments(t *testing.T) {
	src := "C T\n{\n\tx=1;  (* one *)\n}\nP0(int *x) // Producer\n{\n\tWRITE_ONCE(*x, 1);\t\t// store\n}\n\nP1(int *x)// Consumer\n{\n\tint r0;\n\n\tr0 = READ_ONCE(*x); /* a */\t/* b */\n}\n\nexists (1:r0=1) (* Bad. *)\n"
	f, errs := Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	out := string(Print(f))
	require.Contains(t, out, "\tx=1;  (* one *)\n")
	require.Contains(t, out, "P0(int *x) // Producer\n{\n")
	require.Contains(t, out, "\tWRITE_ONCE(*x, 1);\t\t// store\n")
	require.Contains(t, out, "P1(int *x)\t// Consumer\n{\n")
	require.Contains(t, out, "\tr0 = READ_ONCE(*x); /* a */\t/* b */\n")
	require.Contains(t, out, "exists (1:r0=1) (* Bad. *)\n")
	roundTrip(t, "t.litmus", []byte(src))
}

// TestPrintKeepsLayout checks what the printer keeps of the source's
// layout where litmus tests differ among themselves: empty lines among the
// header's lines and comments, and an init item at the start of its line.
func TestPrintKeepsLayout(t *testing.T) {
	src := "C T\n\n(* one *)\n(* two *)\n\n\n(* three *)\n{\np=y;\n   q=x;\n}\n\nP0(int **p)\n{\n\tWRITE_ONCE(*p, 1);\n}\n\nexists (0:r0=1)\n"
	want := "C T\n\n(* one *)\n(* two *)\n\n(* three *)\n\n{\np=y;\n\tq=x;\n}\n\nP0(int **p)\n{\n\tWRITE_ONCE(*p, 1);\n}\n\nexists (0:r0=1)\n"
	f, errs := Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	require.Equal(t, want, string(Print(f)))
	roundTrip(t, "t.litmus", []byte(src))

	// Without empty lines in the source, the header has none.
	f, errs = Parse("t.litmus", []byte("C T\n(* one *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\n"))
	require.Empty(t, errs)
	require.Equal(t, "C T\n(* one *)\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n\n", string(Print(f)))
}

// TestPrintKernelIdentity checks that the printer leaves every test of the
// Linux kernel's tools/memory-model/litmus-tests byte for byte as it is, so
// that "litmusls fmt -w" can run on the kernel's own tests.
func TestPrintKernelIdentity(t *testing.T) {
	root, err := findSharedDir()
	require.NoError(t, err)
	paths, err := filepath.Glob(filepath.Join(root, "corpus", "kernel", "*.litmus"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 35)
	for _, path := range paths {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, errs := Parse(path, src)
		require.Empty(t, errs.Format(f.Lines), path)
		require.Equal(t, string(src), string(Print(f)), path)
	}
}
