package cat

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHerdAST compares the trees of the model files with herd7's own, as
// its cat2lisp tool prints them, when LITMUSLS_HERD_BIN names a directory
// holding herdtools7's cat2lisp (built from the revision the models come
// from). Both trees are written in cat2lisp's notation, without the free
// variables of functions, which cat2lisp computes and the parser does not.
func TestHerdAST(t *testing.T) {
	bin := os.Getenv("LITMUSLS_HERD_BIN")
	if bin == "" {
		t.Skip("LITMUSLS_HERD_BIN is not set")
	}
	for _, path := range modelFiles(t) {
		name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(filepath.Join(bin, "cat2lisp"), filepath.Base(path))
			cmd.Dir = filepath.Dir(path)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			want := normLisp(t, string(out))

			var b strings.Builder
			b.WriteString("(")
			lispFile(t, &b, path, 0)
			b.WriteString(")")
			got := normLisp(t, b.String())
			if want != got {
				w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
				i := 0
				for i < len(w) && i < len(g) && w[i] == g[i] {
					i++
				}
				t.Fatalf("trees differ at line %d:\nherd7:  %s\nparser: %s", i+1, strings.Join(w[i:min(i+3, len(w))], " "), strings.Join(g[i:min(i+3, len(g))], " "))
			}
		})
	}
}

// lispFile writes the instructions of the file at path, with includes
// inlined from the same directory as cat2lisp does.
func lispFile(t *testing.T, b *strings.Builder, path string, depth int) {
	require.Less(t, depth, 10, "include loop at %s", path)
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, errs := Parse(path, src)
	require.Empty(t, errs)
	l := &lispWriter{b: b, include: func(p string) {
		lispFile(t, b, filepath.Join(filepath.Dir(path), p), depth+1)
	}}
	l.insList(f.Body, false)
}

type lispWriter struct {
	b       *strings.Builder
	include func(string)
}

func (l *lispWriter) w(format string, args ...any) { fmt.Fprintf(l.b, format, args...) }

func lispStr(s string) string { return strconv.Quote(s) }

func lispName(id *Ident) string {
	if id == nil || id.Name == "" {
		return "nil"
	}
	return lispStr(id.Name)
}

func (l *lispWriter) insList(list []Ins, paren bool) {
	if paren {
		if len(list) == 0 {
			l.w("nil")
			return
		}
		l.w("(")
	}
	for _, n := range list {
		l.ins(n)
		l.w(" ")
	}
	if paren {
		l.w(")")
	}
}

func (l *lispWriter) ins(n Ins) {
	switch n := n.(type) {
	case *Include:
		l.include(n.Path)
	case *LetIns:
		if n.Rec {
			l.w("(:i_rec nil ")
			l.bindings(n.Bindings)
			l.w(" ")
			if n.When != nil {
				l.appTest(n.When)
			} else {
				l.w("nil")
			}
			l.w(")")
			return
		}
		l.w("(:i_let nil ")
		l.bindings(n.Bindings)
		l.w(")")
	case *Test:
		l.w("(:i_test ")
		l.appTest(n)
		l.w(" %s)", [...]string{":check", ":undefinedunless", ":flagged", ":assert"}[n.Kind])
	case *Show:
		l.w("(:i_show nil (%s))", lispNames(n.Names))
	case *Unshow:
		l.w("(:i_unshow nil (%s))", lispNames(n.Names))
	case *ShowAs:
		l.w("(:i_showas nil ")
		l.exp(n.X)
		l.w(" %s)", lispName(n.Name))
	case *Procedure:
		l.w("(:i_procedure nil %s ", lispName(n.Name))
		l.pat(n.Param)
		l.w(" ")
		l.insList(n.Body, true)
		if n.Rec {
			l.w(" :isrec)")
		} else {
			l.w(" :isnotrec)")
		}
	case *Call:
		l.w("(:i_call nil %s ", lispName(n.Name))
		l.exp(n.Arg)
		l.w(" %s)", lispName(n.As))
	case *Debug:
		l.w("(:i_debug nil ")
		l.exp(n.X)
		l.w(")")
	case *Forall:
		l.w("(:i_forall nil %s ", lispName(n.Var))
		l.exp(n.Set)
		l.w(" ")
		l.insList(n.Body, true)
		l.w(")")
	case *WithFrom:
		l.w("(:i_withfrom nil %s ", lispName(n.Var))
		l.exp(n.Set)
		l.w(")")
	case *IfVariant:
		l.w("(:i_ifvariant nil ")
		l.variant(n.Cond)
		l.w(" ")
		l.insList(n.Then, true)
		l.w(" ")
		l.insList(n.Else, true)
		l.w(")")
	case *MatchIns:
		l.w("(:i_insmatch nil ")
		l.exp(n.X)
		l.w(" (")
		for _, c := range n.Clauses {
			l.w("((cat::tag . %s) (cat::body ", lispStr(c.Tag.Name))
			l.insList(c.Body, false)
			l.w(")) ")
		}
		l.w(") ")
		l.insList(n.Default, true)
		l.w(")")
	case *Enum:
		l.w("(:i_enum nil %s (%s))", lispName(n.Name), lispNames(n.Tags))
	case *Events:
		l.w("(:i_events nil %s ", lispName(n.Set))
		l.exps(n.Tags)
		if n.Default {
			l.w(" t)")
		} else {
			l.w(" nil)")
		}
	default:
		l.w("(:bad)")
	}
}

func lispNames(ids []*Ident) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = lispName(id)
	}
	return strings.Join(s, " ")
}

func (l *lispWriter) appTest(t *Test) {
	yes := ":t_yes"
	if t.Neg {
		yes = ":t_no"
	}
	l.w("((cat::loc) (cat::pos) (cat::test %s %s) (cat::exp . ", yes, [...]string{":acyclic", ":irreflexive", ":testempty"}[t.Op])
	l.exp(t.X)
	l.w(") ")
	if t.Name != nil {
		l.w("(cat::name . %s))", lispName(t.Name))
	} else {
		l.w("(cat::name))")
	}
}

func (l *lispWriter) bindings(bs []*Binding) {
	l.w("(")
	for _, b := range bs {
		l.w("((cat::loc) (cat::pat . ")
		l.pat(b.Pat)
		l.w(") (cat::exp . ")
		if b.Param != nil {
			l.w("(:e_fun nil ")
			l.pat(b.Param)
			l.w(" ")
			l.exp(b.Value)
			l.w(" %s fv))", lispName(b.Pat.Params[0]))
		} else {
			l.exp(b.Value)
			l.w(")")
		}
		l.w(") ")
	}
	l.w(")")
}

func (l *lispWriter) pat(p *Pattern) {
	if !p.Tuple {
		l.w("(:pvar %s)", lispName(p.Params[0]))
		return
	}
	if len(p.Params) == 0 {
		l.w("(:ptuple nil)")
		return
	}
	l.w("(:ptuple (%s))", lispNames(p.Params))
}

func (l *lispWriter) exps(xs []Expr) {
	if len(xs) == 0 {
		l.w("nil")
		return
	}
	l.w("(")
	for _, x := range xs {
		l.exp(x)
		l.w(" ")
	}
	l.w(")")
}

func (l *lispWriter) exp(x Expr) {
	switch x := x.(type) {
	case *Ident:
		l.w("(:e_var nil %s)", lispStr(x.Name))
	case *Tag:
		l.w("(:e_tag nil %s)", lispStr(x.Name))
	case *Empty:
		l.w("(:e_konst nil (:empty :rln))")
	case *Universe:
		l.w("(:e_konst nil (:universe :set))")
	case *ExplicitSet:
		l.w("(:e_explicitset nil ")
		l.exps(x.Elems)
		l.w(")")
	case *Tuple:
		l.w("(:e_op nil :tuple ")
		l.exps(x.Elems)
		l.w(")")
	case *UnaryExpr:
		l.w("(:e_op1 nil %s ", [...]string{":comp", ":star", ":plus", ":opt", ":inv", ":toid"}[x.Op])
		l.exp(x.X)
		l.w(")")
	case *BinaryExpr:
		l.w("(:e_op nil %s ", [...]string{":union", ":add", ":seq", ":diff", ":inter", ":cartesian"}[x.Op])
		l.exps(x.Args)
		l.w(")")
	case *App:
		l.w("(:e_app nil ")
		l.exp(x.Fun)
		l.w(" ")
		l.exp(x.Arg)
		l.w(")")
	case *LetExpr:
		if x.Rec {
			l.w("(:e_bindrec nil ")
		} else {
			l.w("(:e_bind nil ")
		}
		l.bindings(x.Bindings)
		l.w(" ")
		l.exp(x.Body)
		l.w(")")
	case *Fun:
		l.w("(:e_fun nil ")
		l.pat(x.Param)
		l.w(" ")
		l.exp(x.Body)
		l.w(` "*fun*" fv)`)
	case *Try:
		l.w("(:e_try nil ")
		l.exp(x.X)
		l.w(" ")
		l.exp(x.Default)
		l.w(")")
	case *If:
		l.w("(:e_if nil ")
		switch x.Cond.Op {
		case CondVariant:
			l.w("(:cond_variant ")
			l.variant(x.Cond.Variant)
			l.w(")")
		default:
			l.w("(%s ", [...]string{"", ":cond_eq", ":cond_subset", ":cond_in"}[x.Cond.Op])
			l.exp(x.Cond.X)
			l.w(" ")
			l.exp(x.Cond.Y)
			l.w(")")
		}
		l.w(" ")
		l.exp(x.Then)
		l.w(" ")
		l.exp(x.Else)
		l.w(")")
	case *Match:
		l.w("(:e_match nil ")
		l.exp(x.X)
		l.w(" (")
		for _, c := range x.Clauses {
			l.w("((cat::tag . %s) (cat::exp . ", lispStr(c.Tag.Name))
			l.exp(c.Body)
			l.w(")) ")
		}
		l.w(") ")
		if x.Default != nil {
			l.exp(x.Default)
		} else {
			l.w("nil")
		}
		l.w(")")
	case *MatchSet:
		l.w("(:e_matchset nil ")
		l.exp(x.X)
		l.w(" ")
		l.exp(x.Empty)
		e := x.Elem
		if e.Pre != nil {
			l.w(" (:preeltpost %s %s %s ", lispName(e.Pre), lispName(e.Elem), lispName(e.Rest))
		} else {
			l.w(" (:eltrem %s %s ", lispName(e.Elem), lispName(e.Rest))
		}
		l.exp(e.Body)
		l.w("))")
	default:
		l.w("(:bad)")
	}
}

func (l *lispWriter) variant(v Variant) {
	switch v := v.(type) {
	case *VariantName:
		l.w("(:variant %s)", lispStr(v.Name))
	case *VariantNot:
		l.w("(:var_opnot ")
		l.variant(v.X)
		l.w(")")
	case *VariantOp:
		if v.And {
			l.w("(:var_opand ")
		} else {
			l.w("(:var_opor ")
		}
		l.variant(v.X)
		l.w(" ")
		l.variant(v.Y)
		l.w(")")
	default:
		l.w("(:bad)")
	}
}

// normLisp reads s-expressions and writes them back in one canonical
// form: dotted pairs spliced into their list, the free variables of every
// :e_fun replaced by "fv", single spaces.
func normLisp(t *testing.T, s string) string {
	toks := lispTokens(s)
	i := 0
	var read func() any
	read = func() any {
		require.Less(t, i, len(toks), "unbalanced s-expression")
		tok := toks[i]
		i++
		if tok != "(" {
			return tok
		}
		var list []any
		for i < len(toks) && toks[i] != ")" {
			if toks[i] == "." {
				i++
				if v, ok := read().([]any); ok {
					list = append(list, v...)
				} else {
					list = append(list, toks[i-1])
				}
				continue
			}
			list = append(list, read())
		}
		i++
		if len(list) == 0 {
			return "nil"
		}
		for j := range list {
			// (:e_fun nil pat body name fv), alone or as the tail of a
			// (cat::exp :e_fun ...) list.
			if list[j] == ":e_fun" && j+5 < len(list) {
				list[j+5] = "fv"
			}
		}
		return list
	}
	x := read()
	var b strings.Builder
	var write func(any)
	write = func(x any) {
		switch x := x.(type) {
		case string:
			b.WriteString(x)
		case []any:
			b.WriteString("(")
			for j, y := range x {
				if j > 0 {
					b.WriteString(" ")
				}
				write(y)
			}
			b.WriteString(")\n")
		}
	}
	write(x)
	return b.String()
}

func lispTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			toks = append(toks, s[i:min(j+1, len(s))])
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \n\t\r()\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}
