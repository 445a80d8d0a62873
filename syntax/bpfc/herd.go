package bpfc

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file rewrites a lowered thread into the C that herd7's parser
// accepts (herdtools7 lib/CLexer.mll and lib/CParser.mly), which is much
// less than C: no !, &&, ||, %, <<, >>, ~, ?: or unary minus but on a
// literal, no compound assignment, no empty block (an if's branches and a
// thread's body included), comparisons that do not associate, a call of a
// primitive that returns a value only inside an expression, and constants
// of 32 bits. The rewrite keeps the events and values of the lowered
// code: a value used twice goes through a register first.

// herdInt bounds herd7's constants.
const (
	herdMin = math.MinInt32
	herdMax = math.MaxInt32
)

// herdable rewrites the body of a thread that l lowered.
func (c *lowerer) herdable(b *syntax.BlockStmt) {
	c.herdBlock(b)
	if len(b.Stmts) == 0 {
		// herd7 wants a statement in every thread.
		t := c.fresh("t")
		b.Stmts = []syntax.Stmt{&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: intExpr(0)}}
	}
}

// herdBlock rewrites the statements of b, dropping the ones that become
// empty; their comments move to the next statement, or to the end of b.
func (c *lowerer) herdBlock(b *syntax.BlockStmt) {
	var out []syntax.Stmt
	var carry []string
	for _, s := range b.Stmts {
		ss, gone := c.herdStmt(s)
		if len(ss) == 0 {
			carry = append(carry, gone...)
			continue
		}
		if len(carry) > 0 {
			c.a.lead[ss[0]] = append(carry, c.a.lead[ss[0]]...)
			carry = nil
		}
		out = append(out, ss...)
	}
	if len(carry) > 0 {
		c.a.tail[b] = append(carry, c.a.tail[b]...)
	}
	b.Stmts = out
}

// herdStmt rewrites s into the statements that replace it; when there are
// none, gone holds the comments s carried.
func (c *lowerer) herdStmt(s syntax.Stmt) (out []syntax.Stmt, gone []string) {
	var pre []syntax.Stmt
	keep := func(n syntax.Stmt) {
		if n != s {
			c.a.lead[n] = append(c.a.lead[n], c.a.lead[s]...)
			delete(c.a.lead, s)
			if o, ok := c.a.origin[s]; ok {
				if _, has := c.a.origin[n]; !has {
					c.a.origin[n] = o
				}
			}
		}
		out = append(pre, n)
	}
	comments := func() []string {
		cs := append(c.a.lead[s], nil...)
		if b, ok := s.(*syntax.BlockStmt); ok {
			cs = append(cs, c.a.tail[b]...)
		}
		return cs
	}
	switch s := s.(type) {
	case *syntax.BlockStmt:
		c.herdBlock(s)
		if len(s.Stmts) == 0 {
			return nil, comments()
		}
		keep(s)
	case *syntax.DeclStmt:
		if s.Value != nil {
			s.Value = c.herdExpr(s.Value, &pre)
		}
		keep(s)
	case *syntax.ExprStmt:
		switch x := s.X.(type) {
		case *syntax.AssignExpr:
			x.Y = c.herdExpr(x.Y, &pre)
			if _, reg := x.X.(*syntax.Ident); x.Op != "=" && reg {
				// herd7 has no compound assignment: "r = r OP (Y)".
				//
				// A plain read-modify-write of a location, "*x += v",
				// stays in Scenario.Text, where analysis (rwLayout.expr
				// in rewrite.go, and cfix after it) knows a plain
				// read-modify-write only in that form; expandRMWs writes
				// it out for Scenario.Herd.
				x.Y = &syntax.BinaryExpr{Op: x.Op[:len(x.Op)-1], X: copyLvalue(x.X), Y: paren(x.Y)}
				x.Op = "="
			}
			x.X = c.herdExpr(x.X, &pre)
			keep(s)
		case *syntax.CallExpr:
			x2 := c.herdExpr(x, &pre)
			if x.Fun != nil && syntax.Primitives[x.Fun.Name].Returns {
				// A call that returns a value is an expression to herd7.
				t := c.fresh("t")
				keep(at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x2}, nil))
				break
			}
			s.X = x2
			keep(s)
		default:
			x2 := c.herdExpr(s.X, &pre)
			if !hasEffects(x2) {
				// Nothing to do but what the rewrite needs first.
				if len(pre) == 0 {
					return nil, comments()
				}
				c.a.lead[pre[0]] = append(comments(), c.a.lead[pre[0]]...)
				return pre, nil
			}
			t := c.fresh("t")
			keep(&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x2})
		}
	case *syntax.IfStmt:
		s.Cond = c.herdExpr(s.Cond, &pre)
		var thenGone, elseGone []string
		if s.Then != nil {
			if ss, g := c.herdStmt(s.Then); len(ss) == 0 {
				s.Then, thenGone = nil, g
			} else {
				s.Then = asBlock(ss)
			}
		}
		if s.Else != nil {
			if ss, g := c.herdStmt(s.Else); len(ss) == 0 {
				s.Else, elseGone = nil, g
			} else if len(ss) == 1 {
				s.Else = ss[0]
			} else {
				s.Else = asBlock(ss)
			}
		}
		switch {
		case s.Then == nil && s.Else == nil:
			// Nothing to choose: only the condition's reads are left.
			cs := append(append(c.a.lead[s], thenGone...), elseGone...)
			if !hasEffects(s.Cond) {
				if len(pre) == 0 {
					return nil, cs
				}
				out = pre
				c.a.lead[out[0]] = append(cs, c.a.lead[out[0]]...)
				return out, nil
			}
			t := c.fresh("t")
			d := &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: s.Cond}
			c.a.lead[d] = cs
			c.a.origin[d] = c.a.origin[s]
			return append(pre, d), nil
		case s.Then == nil:
			// "if (c) {} else E" is "if (c == 0) E".
			nc := negate(s.Cond)
			if o, ok := c.a.origin[s.Cond]; ok {
				c.a.origin[nc] = o
			}
			s.Cond = nc
			s.Then, s.Else = s.Else, nil
			if _, ok := s.Then.(*syntax.BlockStmt); !ok {
				s.Then = asBlock([]syntax.Stmt{s.Then})
			}
			c.a.lead[s] = append(c.a.lead[s], thenGone...)
		}
		keep(s)
	default:
		keep(s)
	}
	return out, nil
}

// negate returns the condition that holds when x does not: "a != b" for
// "a == b" and the other way round, else "(x) == 0".
func negate(x syntax.Expr) syntax.Expr {
	if b, ok := x.(*syntax.BinaryExpr); ok && (b.Op == "==" || b.Op == "!=") {
		op := "!="
		if b.Op == "!=" {
			op = "=="
		}
		return &syntax.BinaryExpr{Op: op, X: b.X, Y: b.Y}
	}
	return &syntax.BinaryExpr{Op: "==", X: paren(x), Y: intExpr(0)}
}

// asBlock returns ss as one statement: ss[0] if it is a block, else a
// block of ss.
func asBlock(ss []syntax.Stmt) syntax.Stmt {
	if len(ss) == 1 {
		if b, ok := ss[0].(*syntax.BlockStmt); ok {
			return b
		}
	}
	return &syntax.BlockStmt{Stmts: ss}
}

func paren(x syntax.Expr) syntax.Expr {
	switch x.(type) {
	case *syntax.Ident, *syntax.IntLit, *syntax.ParenExpr, *syntax.CallExpr:
		return x
	}
	return &syntax.ParenExpr{X: x}
}

// copyLvalue copies a register or "*name".
func copyLvalue(x syntax.Expr) syntax.Expr {
	switch x := x.(type) {
	case *syntax.Ident:
		return &syntax.Ident{Name: x.Name}
	case *syntax.UnaryExpr:
		return &syntax.UnaryExpr{Op: x.Op, X: copyLvalue(x.X)}
	case *syntax.ParenExpr:
		return &syntax.ParenExpr{X: copyLvalue(x.X)}
	}
	return x
}

// isComparison reports whether x is a comparison, which herd7 does not
// let another comparison take as an operand without parentheses.
func isComparison(x syntax.Expr) bool {
	b, ok := x.(*syntax.BinaryExpr)
	if !ok {
		return false
	}
	switch b.Op {
	case "==", "!=", "<", ">", "<=", ">=":
		return true
	}
	return false
}

// once returns x, or a register that holds its value (declared in pre)
// when x has effects and is about to be used twice.
func (c *lowerer) once(x syntax.Expr, pre *[]syntax.Stmt) syntax.Expr {
	if !hasEffects(x) {
		return x
	}
	t := c.fresh("t")
	*pre = append(*pre, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: x})
	return &syntax.Ident{Name: t}
}

// herdExpr rewrites x into herd7's operators; the registers it needs
// first are declared in pre.
func (c *lowerer) herdExpr(x syntax.Expr, pre *[]syntax.Stmt) syntax.Expr {
	switch x := x.(type) {
	case *syntax.IntLit:
		if x.Value < herdMin || x.Value > herdMax {
			w := int64(int32(x.Value))
			c.herdNote(x, NoteTranslation, fmt.Sprintf("constant %d is out of herd7's 32-bit range: taken as %d, the same low 32 bits", x.Value, w))
			return intExpr(w)
		}
		return x
	case *syntax.ParenExpr:
		x.X = c.herdExpr(x.X, pre)
		return x
	case *syntax.CallExpr:
		for i, a := range x.Args {
			x.Args[i] = c.herdExpr(a, pre)
		}
		return x
	case *syntax.AssignExpr:
		// Only where the lowering left one inside an expression; herd7
		// rejects it, and the test's parse check reports it.
		x.X, x.Y = c.herdExpr(x.X, pre), c.herdExpr(x.Y, pre)
		return x
	case *syntax.UnaryExpr:
		switch x.Op {
		case "*":
			return x
		case "+":
			return c.herdExpr(x.X, pre)
		case "-":
			if lit, ok := x.X.(*syntax.IntLit); ok {
				return c.herdExpr(&syntax.IntLit{Value: -lit.Value, Text: fmt.Sprint(-lit.Value)}, pre)
			}
			return &syntax.BinaryExpr{Op: "-", X: intExpr(0), Y: paren(c.herdExpr(x.X, pre))}
		case "!":
			return &syntax.BinaryExpr{Op: "==", X: paren(c.herdExpr(x.X, pre)), Y: intExpr(0)}
		case "~":
			return &syntax.BinaryExpr{Op: "^", X: paren(c.herdExpr(x.X, pre)), Y: intExpr(-1)}
		}
		x.X = c.herdExpr(x.X, pre)
		return x
	case *syntax.BinaryExpr:
		l, r := c.herdExpr(x.X, pre), c.herdExpr(x.Y, pre)
		switch x.Op {
		case "&&", "||":
			// The lowering evaluates the right operand apart when it
			// has effects (see lazy), so both are values here.
			op := "&"
			if x.Op == "||" {
				op = "|"
			}
			return &syntax.BinaryExpr{Op: op, X: paren(&syntax.BinaryExpr{Op: "!=", X: paren(l), Y: intExpr(0)}), Y: paren(&syntax.BinaryExpr{Op: "!=", X: paren(r), Y: intExpr(0)})}
		case "%":
			l, r = c.once(l, pre), c.once(r, pre)
			return &syntax.BinaryExpr{Op: "-", X: l, Y: paren(&syntax.BinaryExpr{Op: "*", X: paren(&syntax.BinaryExpr{Op: "/", X: copyExpr(l), Y: r}), Y: copyExpr(r)})}
		case "<<", ">>":
			k, ok := r.(*syntax.IntLit)
			if !ok || k.Value < 0 || k.Value > 30 {
				c.herdNote(x, NoteIncomplete, "shift by "+exprWords(r)+": herd7's C has no shifts, and only a constant shift below 31 becomes a multiplication or division")
				x.X, x.Y = l, r
				return x
			}
			op := "*"
			if x.Op == ">>" {
				// Right shift as division: equal for values that are
				// not negative.
				op = "/"
			}
			return &syntax.BinaryExpr{Op: op, X: paren(l), Y: intExpr(1 << k.Value)}
		case "==", "!=", "<", ">", "<=", ">=":
			if isComparison(l) {
				l = paren(l)
			}
			if isComparison(r) {
				r = paren(r)
			}
		}
		x.X, x.Y = l, r
		return x
	case *syntax.CondExpr:
		// "c ? a : b" with a and b without effects (see choice) is
		// "(c != 0) * a + (c == 0) * b".
		cond := c.once(c.herdExpr(x.Cond, pre), pre)
		a, b := c.herdExpr(x.X, pre), c.herdExpr(x.Y, pre)
		return &syntax.BinaryExpr{Op: "+",
			X: &syntax.BinaryExpr{Op: "*", X: paren(&syntax.BinaryExpr{Op: "!=", X: paren(cond), Y: intExpr(0)}), Y: paren(a)},
			Y: &syntax.BinaryExpr{Op: "*", X: paren(&syntax.BinaryExpr{Op: "==", X: paren(copyExpr(cond)), Y: intExpr(0)}), Y: paren(b)}}
	}
	return x
}

// copyExpr copies an expression without effects (the values once
// returns), so that no node is printed twice.
func copyExpr(x syntax.Expr) syntax.Expr {
	switch x := x.(type) {
	case *syntax.Ident:
		return &syntax.Ident{Name: x.Name}
	case *syntax.IntLit:
		return &syntax.IntLit{Value: x.Value, Text: x.Text}
	case *syntax.ParenExpr:
		return &syntax.ParenExpr{X: copyExpr(x.X)}
	case *syntax.UnaryExpr:
		return &syntax.UnaryExpr{Op: x.Op, X: copyExpr(x.X)}
	case *syntax.BinaryExpr:
		return &syntax.BinaryExpr{Op: x.Op, X: copyExpr(x.X), Y: copyExpr(x.Y)}
	}
	return x
}

func exprWords(x syntax.Expr) string {
	if l, ok := x.(*syntax.IntLit); ok {
		return fmt.Sprint(l.Value)
	}
	return "a computed amount"
}

// herdNote notes what the rewrite changed or could not express, at the C
// location x came from (or the thread's function).
func (c *lowerer) herdNote(x syntax.Expr, kind NoteKind, msg string) {
	l, ok := c.a.origin[x]
	if !ok && c.th.fn != nil {
		l = c.loc(c.th.fn)
	}
	c.a.addNote(Note{Kind: kind, File: l.File, Span: l.Span, Msg: msg})
}

// splitWords are the words that end the program part of a test for
// herd7's splitter (lib/splitter.mll), even in a comment.
var splitWords = regexp.MustCompile(`(^|[^A-Za-z0-9_])(final|forall|exists|cases|observed|Observed|locations|filter)($|[^A-Za-z0-9_])`)

// herdComment rewrites a comment that goes among the threads so that
// herd7's splitter reads past it: the words that end the program part
// get an underscore (a longer name), and a double quote, which starts a
// string for the splitter, becomes a single one.
func herdComment(text string) string {
	for splitWords.MatchString(text) {
		text = splitWords.ReplaceAllString(text, "${1}${2}_${3}")
	}
	return strings.ReplaceAll(text, `"`, "'")
}

// expandRMWs rewrites the plain read-modify-writes of locations left in
// the built test f, "*x OP= v", as "*x = *x OP (v)", and reports whether
// there was one.
func expandRMWs(f *syntax.File) bool {
	found := false
	var stmt func(s syntax.Stmt)
	stmt = func(s syntax.Stmt) {
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, x := range s.Stmts {
				stmt(x)
			}
		case *syntax.IfStmt:
			stmt(s.Then)
			stmt(s.Else)
		case *syntax.ExprStmt:
			if x, ok := s.X.(*syntax.AssignExpr); ok && x.Op != "=" && len(x.Op) > 1 {
				x.Y = &syntax.BinaryExpr{Op: x.Op[:len(x.Op)-1], X: copyLvalue(x.X), Y: paren(x.Y)}
				x.Op = "="
				found = true
			}
		}
	}
	for _, th := range f.Threads {
		stmt(th.Body)
	}
	return found
}
