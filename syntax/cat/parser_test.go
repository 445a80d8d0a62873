package cat

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// sexp writes an expression with every grouping explicit, for tests.
func sexp(x Expr) string {
	switch x := x.(type) {
	case *Ident:
		return x.Name
	case *Tag:
		return "'" + x.Name
	case *Empty:
		return "0"
	case *Universe:
		return "_"
	case *ExplicitSet:
		return "{" + sexps(x.Elems) + "}"
	case *Tuple:
		return "(tuple" + prefixed(x.Elems) + ")"
	case *UnaryExpr:
		return "(" + [...]string{"comp", "star", "plus", "opt", "inv", "toid"}[x.Op] + " " + sexp(x.X) + ")"
	case *BinaryExpr:
		op := x.Op.String()
		if x.Op == Cartesian {
			op = "cart"
		}
		return "(" + op + prefixed(x.Args) + ")"
	case *App:
		return "(app " + sexp(x.Fun) + " " + sexp(x.Arg) + ")"
	case *LetExpr:
		s := "(let"
		if x.Rec {
			s = "(letrec"
		}
		for _, b := range x.Bindings {
			s += " " + sbinding(b)
		}
		return s + " in " + sexp(x.Body) + ")"
	case *Fun:
		return "(fun " + spattern(x.Param) + " " + sexp(x.Body) + ")"
	case *Try:
		return "(try " + sexp(x.X) + " " + sexp(x.Default) + ")"
	case *If:
		c := x.Cond
		cond := ""
		if c.Op == CondVariant {
			cond = svariant(c.Variant)
		} else {
			cond = "(" + [...]string{"", "=", "subset", "in"}[c.Op] + " " + sexp(c.X) + " " + sexp(c.Y) + ")"
		}
		return "(if " + cond + " " + sexp(x.Then) + " " + sexp(x.Else) + ")"
	case *Match:
		s := "(match " + sexp(x.X)
		for _, c := range x.Clauses {
			s += " ('" + c.Tag.Name + " " + sexp(c.Body) + ")"
		}
		if x.Default != nil {
			s += " (_ " + sexp(x.Default) + ")"
		}
		return s + ")"
	case *MatchSet:
		e := x.Elem
		pre := ""
		if e.Pre != nil {
			pre = name0(e.Pre) + " | "
		}
		return fmt.Sprintf("(matchset %s ({} %s) (%s%s ++ %s %s))", sexp(x.X), sexp(x.Empty), pre, name0(e.Elem), name0(e.Rest), sexp(e.Body))
	case *BadExpr:
		return "BAD"
	}
	return fmt.Sprintf("?%T", x)
}

func sexps(xs []Expr) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = sexp(x)
	}
	return strings.Join(s, " ")
}

func prefixed(xs []Expr) string {
	if len(xs) == 0 {
		return ""
	}
	return " " + sexps(xs)
}

func spattern(p *Pattern) string {
	if p.Tuple {
		return "(" + joinPattern(p) + ")"
	}
	return joinPattern(p)
}

func sbinding(b *Binding) string {
	if b.Param != nil {
		return "[" + spattern(b.Pat) + " " + spattern(b.Param) + " = " + sexp(b.Value) + "]"
	}
	return "[" + spattern(b.Pat) + " = " + sexp(b.Value) + "]"
}

func svariant(v Variant) string {
	switch v := v.(type) {
	case *VariantName:
		return `"` + v.Name + `"`
	case *VariantNot:
		return "(not " + svariant(v.X) + ")"
	case *VariantOp:
		op := "||"
		if v.And {
			op = "&&"
		}
		return "(" + op + " " + svariant(v.X) + " " + svariant(v.Y) + ")"
	}
	return "BAD"
}

// TestPrecedence checks how operators group, after the %left/%right
// declarations of herd7's modelParser.mly: | < ++ < ; < \ < & < (* + ? ~)
// < ^-1, application tightest; all right-associative but \ (left) and the
// star level (non-associative).
func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a | b ; c", "(| a (; b c))"},
		{"a ; b | c", "(| (; a b) c)"},
		{"a | b | c", "(| a b c)"},
		{"a | (b | c)", "(| a b c)"},
		{"(a ; b) ; c", "(; a b c)"},
		{"a ; (b | c) ; d", "(; a (| b c) d)"},
		{"a ++ b ++ c", "(++ a (++ b c))"},
		{"(a ++ b) ++ c", "(++ (++ a b) c)"},
		{"a ++ b | c", "(| (++ a b) c)"},
		{"a ; b ++ c", "(++ (; a b) c)"},
		{"f e ++ do_map S", "(++ (app f e) (app do_map S))"},
		{`a \ b \ c`, `(\ (\ a b) c)`},
		{`a \ (b \ c)`, `(\ a (\ b c))`},
		{`a \ b & c`, `(\ a (& b c))`},
		{`a & b \ c`, `(\ (& a b) c)`},
		{`a ; b \ c`, `(; a (\ b c))`},
		{`a \ b ; c`, `(; (\ a b) c)`},
		{"a & b & c", "(& a (& b c))"},
		{"a * b & c", "(& (cart a b) c)"},
		{"a & b * c", "(& a (cart b c))"},
		{"a*b", "(cart a b)"},
		{"a * _", "(cart a _)"},
		{"a* ; b", "(; (star a) b)"},
		{"a+ | b?", "(| (plus a) (opt b))"},
		{"a*?", "(opt (star a))"},
		{"a? * b", "(cart (opt a) b)"},
		{"a | b*", "(| a (star b))"},
		{"a * b^-1", "(cart a (inv b))"},
		{"a^-1^-1", "(inv (inv a))"},
		{"a^-1*", "(star (inv a))"},
		{"rf^-1 ; co", "(; (inv rf) co)"},
		{"~a | b", "(| (comp a) b)"},
		{"~a & b", "(& (comp a) b)"},
		{"~a^-1", "(comp (inv a))"},
		{"~~a", "(comp (comp a))"},
		{"~(a*)", "(comp (star a))"},
		{"(~a)*", "(star (comp a))"},
		{"[~ Srcu-unlock]", "(toid (comp Srcu-unlock))"},
		{"f x y", "(app (app f x) y)"},
		{"f x*", "(star (app f x))"},
		{"~f x", "(comp (app f x))"},
		{"f(x, y)", "(app f (tuple x y))"},
		{"f()", "(app f (tuple))"},
		{"f [x] 'a _ 0 {}", "(app (app (app (app (app f (toid x)) 'a) _) 0) {})"},
		{"map f (g e)", "(app (app map f) (app g e))"},
		{"f x | g y", "(| (app f x) (app g y))"},
		{"domain 0", "(app domain 0)"},
		{"a, b | c", "(tuple a (| b c))"},
		{"(a, b), c", "(tuple (tuple a b) c)"},
		{"{a, b} ++ c", "(++ {a b} c)"},
		{"begin a | b end ; c", "(; (| a b) c)"},
		{"po-loc & rf^-1", "(& po-loc (inv rf))"},
		{"_RMW | x.y | x' | R4rmb", "(| _RMW x.y x' R4rmb)"},
		{"let x = a and y = b in x | y", "(let [x = a] [y = b] in (| x y))"},
		{"let rec f x = f x in f", "(letrec [f x = (app f x)] in f)"},
		{"let (a, b) = p in a", "(let [(a, b) = p] in a)"},
		{"let a, _ = p in a", "(let [(a, _) = p] in a)"},
		{"let f(a, b) = a in f", "(let [f (a, b) = a] in f)"},
		{"let f(a) = a in f", "(let [f a = a] in f)"},
		{"fun x -> x | y", "(fun x (| x y))"},
		{"fun (x, y) -> x", "(fun (x, y) x)"},
		{"fun () -> 0", "(fun () 0)"},
		{"try a with b | c", "(try a (| b c))"},
		{`if "lkmmv2" then 0 else _`, `(if "lkmmv2" 0 _)`},
		{`if not "a" && "b" || variant "c" then 0 else _`, `(if (|| (&& (not "a") "b") "c") 0 _)`},
		{`if ("a" || "b") && "c" then 0 else _`, `(if (&& (|| "a" "b") "c") 0 _)`},
		{"if a = b then c else d", "(if (= a b) c d)"},
		{"if a subset b then c else d", "(if (subset a b) c d)"},
		{"if x in S then c else d", "(if (in x S) c d)"},
		{"match t with 'a -> x || 'b -> y || _ -> z end", "(match t ('a x) ('b y) (_ z))"},
		{"match t with || 'a -> x end", "(match t ('a x))"},
		{"match t with _ -> z end", "(match t (_ z))"},
		{"match S with || {} -> 0 || e ++ S -> f e end", "(matchset S ({} 0) (e ++ S (app f e)))"},
		{"match S with e ++ _ -> e || {} -> 0 end", "(matchset S ({} 0) (e ++ _ e))"},
		{"match S with {} -> 0 || p | e ++ r -> e end", "(matchset S ({} 0) (p | e ++ r e))"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			x, errs := ParseExpr("", []byte(tt.src))
			require.Empty(t, errs)
			require.Equal(t, tt.want, sexp(x))
			// The printed form reads back the same.
			y, errs := ParseExpr("", []byte(PrintExpr(x)))
			require.Empty(t, errs, "printed: %s", PrintExpr(x))
			require.Equal(t, tt.want, sexp(y), "printed: %s", PrintExpr(x))
		})
	}
}

// TestExprErrors checks inputs herd7's grammar rejects, non-associative
// operators among them.
func TestExprErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a * b * c", "1:7: '*' cannot follow that operand without parentheses: '*', '+', '?' and '~' do not associate"},
		{"a * b*", "1:6: '*' cannot follow that operand without parentheses: '*', '+', '?' and '~' do not associate"},
		{"~a*", "1:3: '*' cannot follow that operand without parentheses: '*', '+', '?' and '~' do not associate"},
		{"~a?", "1:3: '?' cannot follow that operand without parentheses: '*', '+', '?' and '~' do not associate"},
		{"a * ~b", "1:5: '~' cannot follow a postfix '*' without parentheses"},
		{"a^", "1:3: expected '-1' after '^', found end of file"},
		{"a^+", "1:3: expected '-1' after '^', found '+'"},
		{"a ~ b", "1:3: expected end of expression, found '~'"},
		{"(f) x", "1:5: expected end of expression, found identifier x"},
		{"a | ", "1:5: expected an expression, found end of file"},
		{"(a | b", "1:7: expected ')' to close the parenthesis, found end of file"},
		{"let x = a x", "1:12: expected 'in' after the bindings of let, found end of file"},
		{"1", `1:1: unexpected character "1"`},
		{"a - b", `1:3: unexpected character "-"`},
		{"a $$ b", `1:3: unexpected characters "$$"`},
		{"match x with 'a -> b", "1:21: expected 'end' to close the match, found end of file"},
		{"match x with {} -> b end", "1:22: expected '||' between the clauses of a set match, found 'end'"},
		{"if x then y else z", "1:6: expected '=', 'subset' or 'in' in the condition, found 'then'"},
		{`"a"`, `1:1: expected an expression, found string "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, errs := ParseExpr("", []byte(tt.src))
			require.NotEmpty(t, errs)
			pos := syntax.NewLines("", []byte(tt.src)).Position(errs[0].Span.Start)
			require.Equal(t, tt.want, fmt.Sprintf("%s: %s", pos, errs[0].Msg))
		})
	}
}
