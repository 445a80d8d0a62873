package cat

import (
	"strings"
)

// Print writes a file back as cat text: one instruction per line, nested
// blocks indented by two spaces, parentheses only where precedence needs
// them. Comments are not kept. For a file parsed without errors, parsing
// the output gives the same tree, spans aside.
func Print(f *File) []byte {
	pr := &printer{}
	if h := f.Header; h != nil {
		if h.Arch != nil {
			pr.str(h.Arch.Name + " ")
		}
		if h.Quoted {
			pr.str(`"` + h.Title + `"`)
		} else {
			pr.str(h.Title)
		}
		pr.str("\n")
	}
	if f.Catdep {
		pr.str("catdep\n")
	}
	if f.Header != nil || f.Catdep {
		pr.str("\n")
	}
	pr.insList(f.Body)
	if len(f.Body) > 0 {
		pr.str("\n")
	}
	return []byte(pr.b.String())
}

// PrintExpr returns an expression as cat text, on one line unless it holds
// a match.
func PrintExpr(x Expr) string {
	pr := &printer{}
	pr.exp(x)
	return pr.b.String()
}

type printer struct {
	b      strings.Builder
	indent int
	// measuring is set while top prints a union only to measure it: no
	// nested measuring then, so printing stays linear in the depth.
	measuring bool
}

func (pr *printer) str(s string) { pr.b.WriteString(s) }

// nl starts a new line at the current indentation.
func (pr *printer) nl() {
	pr.b.WriteByte('\n')
	for range pr.indent {
		pr.b.WriteString("  ")
	}
}

// sub prints with f into a fresh printer at the same indentation and
// returns the text.
func (pr *printer) sub(f func(*printer)) string {
	q := &printer{indent: pr.indent, measuring: pr.measuring}
	f(q)
	return q.b.String()
}

// insList prints instructions, each on its own line, ending with a newline
// at the current indentation.
func (pr *printer) insList(list []Ins) {
	for i, n := range list {
		// "r*" followed by "~empty" would read as a product with "~..."
		// in herd7's grammar: the instruction before a negated check
		// must not end with a postfix '*'.
		guard := false
		if i+1 < len(list) {
			if t, ok := list[i+1].(*Test); ok && t.Kind == Check && t.Neg {
				guard = true
			}
		}
		pr.ins(n, guard)
		if i+1 < len(list) {
			pr.nl()
		}
	}
}

// block prints the instructions of a block, indented, each on its own
// line, then goes back to the block's line.
func (pr *printer) block(list []Ins) {
	pr.clauseBody(list)
	pr.nl()
}

// clauseBody prints the instructions of a match clause, indented, each on
// its own line.
func (pr *printer) clauseBody(list []Ins) {
	pr.indent++
	if len(list) > 0 {
		pr.nl()
		pr.insList(list)
	}
	pr.indent--
}

// tail prints an expression that ends an instruction; with guard, one
// ending in a postfix '*' is put in parentheses.
func (pr *printer) tail(x Expr, guard bool) {
	s := pr.sub(func(q *printer) { q.top(x) })
	if guard && strings.HasSuffix(s, "*") {
		s = "(" + s + ")"
	}
	pr.str(s)
}

func (pr *printer) ins(n Ins, guard bool) {
	switch n := n.(type) {
	case *LetIns:
		pr.str("let ")
		if n.Rec {
			pr.str("rec ")
		}
		pr.bindings(n.Bindings, guard && n.When == nil)
		if n.When != nil {
			pr.str(" when ")
			pr.test(n.When, guard)
		}
	case *Test:
		if k := n.Kind.String(); k != "" {
			pr.str(k + " ")
		}
		pr.test(n, guard)
	case *Show:
		pr.str("show " + joinNames(n.Names))
	case *Unshow:
		pr.str("unshow " + joinNames(n.Names))
	case *ShowAs:
		pr.str("show ")
		pr.base(n.X, 1)
		pr.str(" as " + n.Name.Name)
	case *Include:
		pr.str(`include "` + n.Path + `"`)
	case *Procedure:
		pr.str("procedure ")
		if n.Rec {
			pr.str("rec ")
		}
		pr.str(n.Name.Name)
		pr.funParam(n.Param)
		pr.str(" =")
		pr.block(n.Body)
		pr.str("end")
	case *Call:
		pr.str("call " + n.Name.Name)
		s := pr.sub(func(q *printer) { q.simple(n.Arg) })
		if !strings.HasPrefix(s, "(") {
			pr.str(" ")
		}
		pr.str(s)
		if n.As != nil {
			pr.str(" as " + n.As.Name)
		}
	case *Debug:
		pr.str("debug ")
		pr.tail(n.X, guard)
	case *Forall:
		pr.str("forall " + n.Var.Name + " in ")
		pr.exp(n.Set)
		pr.str(" do")
		pr.block(n.Body)
		pr.str("end")
	case *WithFrom:
		pr.str("with " + n.Var.Name + " from ")
		pr.tail(n.Set, guard)
	case *IfVariant:
		pr.str("if ")
		pr.variant(n.Cond, 0)
		pr.block(n.Then)
		if n.HasElse {
			pr.str("else")
			pr.block(n.Else)
		}
		pr.str("end")
	case *MatchIns:
		pr.str("match ")
		pr.exp(n.X)
		pr.str(" with")
		for _, c := range n.Clauses {
			pr.nl()
			pr.str("|| '" + c.Tag.Name + " ->")
			pr.clauseBody(c.Body)
		}
		if n.HasDefault {
			pr.nl()
			pr.str("|| _ ->")
			pr.clauseBody(n.Default)
		}
		pr.nl()
		pr.str("end")
	case *Enum:
		pr.str("enum " + n.Name.Name + " =")
		for i, t := range n.Tags {
			if i > 0 {
				pr.str(" ||")
			}
			pr.str(" '" + t.Name)
		}
	case *Events:
		if n.Default {
			pr.str("default ")
		} else {
			pr.str("instructions ")
		}
		pr.str(n.Set.Name + "[")
		pr.list(n.Tags)
		pr.str("]")
	case *BadIns:
		pr.str("(* bad instruction *)")
	}
}

func (pr *printer) test(t *Test, guard bool) {
	if t.Neg {
		pr.str("~")
	}
	pr.str(t.Op.String() + " ")
	if prec(t.X) == 0 {
		// flag ~empty (if "v" then 0 else _) as name
		pr.base(t.X, 1)
		if t.Name != nil {
			pr.str(" as " + t.Name.Name)
		}
		return
	}
	if t.Name != nil {
		pr.top(t.X)
		pr.str(" as " + t.Name.Name)
		return
	}
	pr.tail(t.X, guard)
}

func joinNames(ids []*Ident) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	return strings.Join(names, ", ")
}

// bindings prints "b1 and b2 ...", one binding per line after the first.
func (pr *printer) bindings(list []*Binding, guard bool) {
	for i, b := range list {
		if i > 0 {
			pr.nl()
			pr.str("and ")
		}
		if b.Param != nil {
			pr.str(patName(b.Pat))
			pr.funParam(b.Param)
		} else {
			pr.pattern(b.Pat)
		}
		pr.str(" = ")
		pr.indent++
		if i == len(list)-1 {
			pr.tail(b.Value, guard)
		} else {
			pr.top(b.Value)
		}
		pr.indent--
	}
}

// patName returns the name a function binding defines.
func patName(p *Pattern) string {
	if len(p.Params) == 0 {
		return "()"
	}
	return name0(p.Params[0])
}

// name0 prints a pattern name, "_" for the empty one.
func name0(id *Ident) string {
	if id.Name == "" {
		return "_"
	}
	return id.Name
}

// funParam prints the parameter of a function binding, fun or procedure
// right after its name: "(x, y)", "(x)" or " x".
func (pr *printer) funParam(p *Pattern) {
	if p.Tuple || p.Parens {
		pr.str("(" + joinPattern(p) + ")")
		return
	}
	pr.str(" " + joinPattern(p))
}

// pattern prints the left-hand side of a binding.
func (pr *printer) pattern(p *Pattern) {
	s := joinPattern(p)
	if p.Parens || p.Tuple && len(p.Params) < 2 {
		s = "(" + s + ")"
	}
	pr.str(s)
}

func joinPattern(p *Pattern) string {
	names := make([]string, len(p.Params))
	for i, id := range p.Params {
		names[i] = name0(id)
	}
	return strings.Join(names, ", ")
}

// ---------------------------------------------------------------------------
// Expressions.

// prec returns the precedence level of an expression as printed: 0 for the
// keyword forms, which need parentheses inside any operator, up to
// precAtom for what never needs them.
func prec(x Expr) int {
	switch x := x.(type) {
	case *LetExpr, *Fun, *Try, *If, *Match, *MatchSet:
		return 0
	case *BinaryExpr:
		switch x.Op {
		case Union:
			return precUnion
		case Add:
			return precAdd
		case Seq:
			return precSeq
		case Diff:
			return precDiff
		case Inter:
			return precInter
		}
		return precStar
	case *UnaryExpr:
		switch x.Op {
		case Inv:
			return precHat
		case ToID:
			return precAtom
		}
		return precStar
	case *App:
		return precApp
	}
	return precAtom
}

const (
	precApp  = precHat + 1
	precAtom = precHat + 2
)

// lineWidth is the length past which the printer breaks a long union over
// several lines.
const lineWidth = 80

// top prints the expression of a binding or a check, a long union one
// operand per line.
func (pr *printer) top(x Expr) {
	if u, ok := x.(*BinaryExpr); ok && u.Op == Union && !pr.measuring {
		s := pr.sub(func(q *printer) { q.measuring = true; q.exp(x) })
		if len(s) > lineWidth && !strings.Contains(s, "\n") {
			for i, a := range u.Args {
				if i > 0 {
					pr.nl()
					pr.str("| ")
				}
				pr.operand(a, precUnion, true)
			}
			return
		}
	}
	pr.exp(x)
}

// exp prints an expression where herd7's grammar takes any expression.
func (pr *printer) exp(x Expr) {
	switch x := x.(type) {
	case *LetExpr:
		pr.str("let ")
		if x.Rec {
			pr.str("rec ")
		}
		pr.bindings(x.Bindings, false)
		pr.str(" in")
		pr.nl()
		pr.exp(x.Body)
	case *Fun:
		pr.str("fun")
		if x.Param.Tuple || x.Param.Parens {
			pr.str(" ")
		}
		pr.funParam(x.Param)
		pr.str(" -> ")
		pr.exp(x.Body)
	case *Try:
		pr.str("try ")
		pr.exp(x.X)
		pr.str(" with ")
		pr.exp(x.Default)
	case *If:
		pr.str("if ")
		pr.cond(x.Cond)
		pr.str(" then ")
		pr.exp(x.Then)
		pr.str(" else ")
		pr.exp(x.Else)
	case *Match:
		pr.str("match ")
		pr.exp(x.X)
		pr.str(" with")
		pr.indent++
		for _, c := range x.Clauses {
			pr.nl()
			pr.str("|| '" + c.Tag.Name + " -> ")
			pr.exp(c.Body)
		}
		if x.Default != nil {
			pr.nl()
			pr.str("|| _ -> ")
			pr.exp(x.Default)
		}
		pr.indent--
		pr.nl()
		pr.str("end")
	case *MatchSet:
		pr.str("match ")
		pr.exp(x.X)
		pr.str(" with")
		pr.indent++
		if x.EmptyFirst {
			pr.emptyClause(x.Empty)
			pr.elemClause(x.Elem)
		} else {
			pr.elemClause(x.Elem)
			pr.emptyClause(x.Empty)
		}
		pr.indent--
		pr.nl()
		pr.str("end")
	default:
		pr.bare(x)
	}
}

func (pr *printer) emptyClause(x Expr) {
	pr.nl()
	pr.str("|| {} -> ")
	pr.exp(x)
}

func (pr *printer) elemClause(c *ElemClause) {
	pr.nl()
	pr.str("|| ")
	if c.Pre != nil {
		pr.str(name0(c.Pre) + " | ")
	}
	pr.str(name0(c.Elem) + " ++ " + name0(c.Rest) + " -> ")
	pr.exp(c.Body)
}

// cond prints the condition of an if; keyword forms get parentheses so
// that the comparison stays outside them.
func (pr *printer) cond(c *Cond) {
	if c.Op == CondVariant {
		pr.variant(c.Variant, 0)
		return
	}
	pr.base(c.X, 1)
	pr.str([...]string{"", " = ", " subset ", " in "}[c.Op])
	pr.base(c.Y, 1)
}

// variant prints a variant condition; ctx is 0 under ||, 1 under &&, 2
// under not.
func (pr *printer) variant(v Variant, ctx int) {
	switch v := v.(type) {
	case *VariantName:
		if v.Keyword {
			pr.str("variant ")
		}
		pr.str(`"` + v.Name + `"`)
	case *VariantNot:
		pr.str("not ")
		pr.variant(v.X, 2)
	case *VariantOp:
		level, op := 0, " || "
		if v.And {
			level, op = 1, " && "
		}
		if ctx > level {
			pr.str("(")
		}
		// Both operators are left-associative.
		pr.variant(v.X, level)
		pr.str(op)
		pr.variant(v.Y, level+1)
		if ctx > level {
			pr.str(")")
		}
	case *BadVariant:
		pr.str(`"?"`)
	}
}

// base prints x where it must bind at least as tightly as level min, in
// parentheses otherwise. (A tuple always prints its own.)
func (pr *printer) base(x Expr, min int) {
	if prec(x) < min {
		pr.str("(")
		pr.exp(x)
		pr.str(")")
		return
	}
	pr.bare(x)
}

// operand prints x as an operand of an operator at level, in parentheses
// when x binds less tightly than level (or equally, with strict).
func (pr *printer) operand(x Expr, level int, strict bool) {
	if strict {
		level++
	}
	pr.base(x, level)
}

// bare prints an operator expression or a simple one, without outer
// parentheses.
func (pr *printer) bare(x Expr) {
	switch x := x.(type) {
	case *Ident:
		pr.str(x.Name)
	case *Tag:
		pr.str("'" + x.Name)
	case *Empty:
		pr.str("0")
	case *Universe:
		pr.str("_")
	case *ExplicitSet:
		pr.str("{")
		pr.list(x.Elems)
		pr.str("}")
	case *Tuple:
		pr.str("(")
		pr.list(x.Elems)
		pr.str(")")
	case *UnaryExpr:
		switch x.Op {
		case ToID:
			pr.str("[")
			pr.exp(x.X)
			pr.str("]")
		case Comp:
			pr.str("~")
			pr.operand(x.X, precHat, false)
		case Inv:
			pr.operand(x.X, precHat, false)
			pr.str("^-1")
		default:
			// "a*?" reads as (a*)?, but "(~a)*" and "(a * b)*" need
			// their parentheses.
			if y, ok := x.X.(*UnaryExpr); ok && (y.Op == Star || y.Op == Plus || y.Op == Opt) {
				pr.bare(y)
			} else {
				pr.operand(x.X, precHat, false)
			}
			pr.str([...]string{Star: "*", Plus: "+", Opt: "?"}[x.Op])
		}
	case *BinaryExpr:
		level := prec(x)
		op := " " + x.Op.String() + " "
		switch x.Op {
		case Union, Seq, Add, Inter:
			// Right-associative: only the last operand may be a
			// chain of the same operator without parentheses.
			for i, a := range x.Args {
				if i > 0 {
					pr.str(op)
				}
				last := i == len(x.Args)-1 && (x.Op == Add || x.Op == Inter)
				pr.operand(a, level, !last)
			}
		case Diff:
			for i, a := range x.Args {
				if i > 0 {
					pr.str(op)
				}
				pr.operand(a, level, i > 0)
			}
		default: // Cartesian: non-associative
			for i, a := range x.Args {
				if i > 0 {
					pr.str(op)
				}
				pr.operand(a, level, true)
			}
		}
	case *App:
		if f, ok := x.Fun.(*Ident); ok {
			// A single application reads best as f(x).
			pr.str(f.Name)
			if _, tuple := x.Arg.(*Tuple); tuple {
				pr.bare(x.Arg)
				return
			}
			pr.str("(")
			pr.exp(x.Arg)
			pr.str(")")
			return
		}
		pr.curried(x)
	case *BadExpr:
		pr.str("(* bad expression *)")
	default:
		pr.str("(")
		pr.exp(x)
		pr.str(")")
	}
}

// curried prints a chain of applications as "f x y".
func (pr *printer) curried(x Expr) {
	switch x := x.(type) {
	case *Ident:
		pr.str(x.Name)
	case *App:
		pr.curried(x.Fun)
		pr.str(" ")
		pr.arg(x.Arg)
	default:
		pr.str("(")
		pr.exp(x)
		pr.str(")")
	}
}

// arg prints the argument of an application: a name or a simple
// expression.
func (pr *printer) arg(x Expr) {
	if _, ok := x.(*Ident); ok {
		pr.bare(x)
		return
	}
	pr.simple(x)
}

// simple prints x as herd7's "simple" expression: a constant, set, tag,
// tuple or [e] as it is, anything else in parentheses.
func (pr *printer) simple(x Expr) {
	switch x := x.(type) {
	case *Empty, *Universe, *Tag, *ExplicitSet, *Tuple:
		pr.bare(x)
		return
	case *UnaryExpr:
		if x.Op == ToID {
			pr.bare(x)
			return
		}
	}
	pr.str("(")
	pr.exp(x)
	pr.str(")")
}

// list prints comma-separated operator expressions.
func (pr *printer) list(xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			pr.str(", ")
		}
		pr.base(x, 1)
	}
}
