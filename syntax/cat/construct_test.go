package cat

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// check parses src, compares the errors, formatted "line:col: message" one
// per line, with want, checks their spans as FuzzParse does, and returns
// the file.
func check(t *testing.T, src, want string) *File {
	t.Helper()
	f, errs := Parse("", []byte(src))
	require.NotNil(t, f)
	require.Equal(t, want, errs.Format(f.Lines))
	checkErrors(t, "Parse", []byte(src), errs)
	return f
}

// TestConstructs parses one file per construct and checks the printed
// form, which makes every grouping and every part visible, then the round
// trip.
func TestConstructs(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"title string", `"A model" let x = a`, "\"A model\"\n\nlet x = a\n"},
		{"arch and title", `BPF "BPF model" let x = a`, "BPF \"BPF model\"\n\nlet x = a\n"},
		{"lone name", "Cross\nlet x = a", "Cross\n\nlet x = a\n"},
		{"two names", "PPC ppc\nlet x = a", "PPC ppc\n\nlet x = a\n"},
		{"catdep", "\"m\" catdep\nlet x = a", "\"m\"\ncatdep\n\nlet x = a\n"},
		{"no title", "let x = a", "let x = a\n"},
		{"include", `include "cos.cat"`, "include \"cos.cat\"\n"},
		{"let and", "let x = a and (y, z) = b and _ = c", "let x = a\nand (y, z) = b\nand _ = c\n"},
		{"let in ignored", "let x = a in\nlet y = x", "let x = a\nlet y = x\n"},
		{"function bindings", "let f(x) = x let g x = x let h(x, _) = x let k() = 0",
			"let f(x) = x\nlet g x = x\nlet h(x, _) = x\nlet k() = 0\n"},
		{"let rec", "let rec a = b | a ; a and b = a", "let rec a = b | a ; a\nand b = a\n"},
		{"let rec when", "let rec a = a ; a when acyclic a as c", "let rec a = a ; a when acyclic a as c\n"},
		{"checks", "acyclic a as x irreflexive b empty c ~acyclic d flag ~empty e as f undefined_unless empty g assert ~irreflexive h as i",
			"acyclic a as x\nirreflexive b\nempty c\n~acyclic d\nflag ~empty e as f\nundefined_unless empty g\nassert ~irreflexive h as i\n"},
		{"show", "show co, fr show a | b as ab unshow x, y", "show co, fr\nshow a | b as ab\nunshow x, y\n"},
		{"procedure", "procedure p(a, b) =\n  empty (a \\ b)\nend\nprocedure rec q x = call q(x) as qq end\nprocedure u() = end",
			"procedure p(a, b) =\n  empty a \\ b\nend\nprocedure rec q x =\n  call q(x) as qq\nend\nprocedure u() =\nend\n"},
		{"call", "call total((E*E), rt) call f{} call g 0", "call total(E * E, rt)\ncall f {}\ncall g 0\n"},
		{"forall", "forall e in S do empty e end", "forall e in S do\n  empty e\nend\n"},
		{"with from", "with co from generate_cos(cobase)", "with co from generate_cos(cobase)\n"},
		{"debug", "debug a ; b", "debug a ; b\n"},
		{"if variant", "if \"v\" let x = a else let x = b end if not variant \"w\" end",
			"if \"v\"\n  let x = a\nelse\n  let x = b\nend\nif not variant \"w\"\nend\n"},
		{"match instruction", "match t with || 'a -> empty x || 'b -> || _ -> empty y end",
			"match t with\n|| 'a ->\n  empty x\n|| 'b ->\n|| _ ->\n  empty y\nend\n"},
		{"enum", "enum Accesses = 'ONCE (*READ_ONCE*) ||\n\t'RELEASE || 'rcu-lock", "enum Accesses = 'ONCE || 'RELEASE || 'rcu-lock\n"},
		{"enum leading alt", "enum S = || 'a || 'b", "enum S = 'a || 'b\n"},
		{"bell instructions", "instructions R[Accesses] instructions F[] default W['ONCE, x]",
			"instructions R[Accesses]\ninstructions F[]\ndefault W['ONCE, x]\n"},
		{"comments", "// SPDX\n(* a (* nested *) comment *)\n# hash\nlet x = a (* after *)", "let x = a\n"},
		{"match expression", "let m = match S with || {} -> {} || e ++ S -> f e end",
			"let m = match S with\n    || {} -> {}\n    || e ++ S -> f(e)\n  end\n"},
		{"try and if", `let RL = try RL with emptyset let v = if "x" then 0 else _`,
			"let RL = try RL with emptyset\nlet v = if \"x\" then 0 else _\n"},
		{"keyword form in a check", `flag ~empty (if "lkmmv2" then 0 else _) as f`, "flag ~empty (if \"lkmmv2\" then 0 else _) as f\n"},
		{"star before a negated check", "let x = (r*)\n~empty x", "let x = (r*)\n~empty x\n"},
		{"tuple", "let t = a, b let u = (a, b) let v = ()", "let t = (a, b)\nlet u = (a, b)\nlet v = ()\n"},
		{"crlf", "let x = a\r\nlet y = b\r\n", "let x = a\nlet y = b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, tt.src, "")
			require.Equal(t, tt.want, string(Print(f)))
			roundTrip(t, tt.name, f)
		})
	}
}

// TestSpans checks that nodes record their bytes.
func TestSpans(t *testing.T) {
	src := "\"m\"\nlet acq-po = [Acquire] ; po\nflag ~empty (x) as y\n"
	f := check(t, src, "")
	text := func(n Node) string { s := n.GetSpan(); return src[s.Start:s.End] }
	require.Equal(t, `"m"`, src[f.Header.Span.Start:f.Header.Span.End])
	let := f.Body[0].(*LetIns)
	require.Equal(t, "let acq-po = [Acquire] ; po", text(let))
	require.Equal(t, "acq-po = [Acquire] ; po", src[let.Bindings[0].Span.Start:let.Bindings[0].Span.End])
	seq := let.Bindings[0].Value.(*BinaryExpr)
	require.Equal(t, "[Acquire] ; po", text(seq))
	require.Equal(t, "[Acquire]", text(seq.Args[0]))
	require.Equal(t, "Acquire", text(seq.Args[0].(*UnaryExpr).X))
	flag := f.Body[1].(*Test)
	require.Equal(t, "flag ~empty (x) as y", text(flag))
	require.Equal(t, "x", text(flag.X))
	require.Equal(t, "y", text(flag.Name))
	require.Equal(t, Flagged, flag.Kind)
	require.True(t, flag.Neg)
	require.Equal(t, IsEmpty, flag.Op)
}

// TestParseErrors checks messages and positions on bad input, and that
// recovery goes on with the next instruction.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
		n               int // instructions in the tree
	}{
		{"unclosed comment", "let x = a\n(* never closed\nlet y = b\n", "2:1: comment not terminated\n", 1},
		{"unclosed nested comment", "(* a (* b *)\nlet y = b\n", "1:1: comment not terminated\n", 0},
		{"unclosed string", "include \"lock.cat\nlet x = a\n", "1:9: string not terminated\n", 1},
		{"missing in", "let x = let y = a y\nlet z = b\n", "2:1: expected 'in' after the bindings of let, found 'let'\n", 2},
		{"bad token", "let x = a $ b\nlet y = c\n", "1:11: unexpected character \"$\"\n", 2},
		{"bad token in a check", "acyclic a as $ b\nlet y = c\n", "1:14: unexpected character \"$\"\n", 2},
		{"missing equal", "let x a b\nacyclic x\n", "1:9: expected '=' in binding, found identifier b\n", 2},
		{"one error per instruction", "let x = ) ( ]\nlet y = b\n", "1:9: expected an expression, found ')'\n", 2},
		{"stray end", "end\nlet y = b\n", "1:1: expected an instruction, found 'end'\n", 2},
		{"missing end", "procedure p(x) =\n  empty x\n", "3:1: expected 'end' to close the procedure, found end of file\n", 1},
		{"error inside a procedure", "procedure p(x) =\n  empty ) x\n  acyclic x\nend\nlet y = b\n", "2:9: expected an expression, found ')'\n", 2},
		{"bad check", "flag as x\nlet y = b\n", "1:6: expected 'acyclic', 'irreflexive' or 'empty', found 'as'\n", 2},
		{"show without as", "show a | b\n", "2:1: expected 'as' after the shown expression, found end of file\n", 1},
		{"call with a name", "call f x\n", "1:8: expected the procedure's argument in parentheses, found identifier x\n", 1},
		{"enum without tags", "enum E = a\n", "1:10: expected a tag, found identifier a\n", 1},
		{"bad tag", "let x = ' a\n", "1:9: expected a tag name after '\n", 1},
		{"bad variant", "if x\n  let y = a\nend\nlet z = y\n", "1:4: expected a variant name in quotes, found identifier x\n", 2},
		{"keyword as name", "let in = a\nlet y = b\n", "1:5: expected a name to bind, found 'in'\n", 2},
		{"only in keyword", "let x = a\nin\n", "", 1},
		{"star then negated check", "let x = r*\n~empty x\n", "2:1: '~' cannot follow a postfix '*' without parentheses\n", 2},
		{"three errors", "let = a\nacyclic\nshow 0\n", "1:5: expected a name to bind, found '='\n3:1: expected an expression, found 'show'\n4:1: expected 'as' after the shown expression, found end of file\n", 3},
		{"enum in a block", "procedure p() =\n  enum E = 'a\nend\n", "2:3: 'enum' is only allowed at the top level of a file\n", 1},
		{"no progress loop", ")))\n", "1:1: expected an instruction, found ')'\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := check(t, tt.src, tt.want)
			require.Len(t, f.Body, tt.n)
		})
	}
}

// TestDepth checks that deep nesting is an error, not a crash.
func TestDepth(t *testing.T) {
	deep := "let x = "
	for range 5000 {
		deep += "("
	}
	f, errs := Parse("deep.cat", []byte(deep))
	require.NotNil(t, f)
	require.Len(t, errs, 1)
	require.Equal(t, "nesting too deep", errs[0].Msg)

	long := "let x = a"
	for range 5000 {
		long += " | a ; b"
	}
	f = check(t, long, "")
	require.Len(t, f.Body[0].(*LetIns).Bindings[0].Value.(*BinaryExpr).Args, 5001)
}

// TestErrorCap checks that input with an error on every line yields a
// bounded list.
func TestErrorCap(t *testing.T) {
	src := []byte(strings.Repeat("let = ) 1\n", 1000))
	_, errs := Parse("x.cat", src)
	require.Len(t, errs, maxErrors)
	m, merrs := ParseMacros("x.def", []byte(strings.Repeat("f(X) )\n", 1000)))
	require.NotNil(t, m)
	require.Len(t, merrs, maxErrors)
	c, cerrs := ParseConfig("x.cfg", []byte(strings.Repeat("=\n", 1000)))
	require.NotNil(t, c)
	require.Len(t, cerrs, maxErrors)
}
