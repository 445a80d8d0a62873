package syntax

import (
	"strconv"
)

// Expressions of the C dialect.

var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8,
	"+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

var assignOps = map[string]bool{
	"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true,
	"&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true,
}

func (p *parser) parseExpr() Expr {
	if !p.enter() {
		return &BadExpr{Span: p.tok.Span}
	}
	defer p.leave()
	x := p.parseCondExpr()
	if p.tok.Kind == tokOp && assignOps[p.tok.Text] {
		op := p.tok.Text
		p.next()
		y := p.parseExpr()
		return &AssignExpr{Span: x.GetSpan().Join(y.GetSpan()), Op: op, X: x, Y: y}
	}
	return x
}

func (p *parser) parseCondExpr() Expr {
	x := p.parseBinary(1)
	if !p.is("?") {
		return x
	}
	p.next()
	a := p.parseExpr()
	p.expect(":", "in conditional expression")
	if !p.enter() {
		return &BadExpr{Span: p.tok.Span}
	}
	b := p.parseCondExpr()
	p.leave()
	return &CondExpr{Span: x.GetSpan().Join(b.GetSpan()), Cond: x, X: a, Y: b}
}

func (p *parser) parseBinary(prec int) Expr {
	x := p.parseUnary()
	for {
		if p.tok.Kind != tokOp {
			return x
		}
		op := p.tok.Text
		q, ok := binaryPrec[op]
		if !ok || q < prec {
			return x
		}
		p.next()
		y := p.parseBinary(q + 1)
		x = &BinaryExpr{Span: x.GetSpan().Join(y.GetSpan()), Op: op, X: x, Y: y}
	}
}

func (p *parser) parseUnary() Expr {
	if !p.enter() {
		return &BadExpr{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span
	if p.tok.Kind == tokOp {
		switch p.tok.Text {
		case "*", "&", "-", "!", "~", "+":
			op := p.tok.Text
			p.next()
			x := p.parseUnary()
			return &UnaryExpr{Span: start.Join(x.GetSpan()), Op: op, X: x}
		case "(":
			if nt := p.peek(); nt.Kind == tokIdent && isTypeWord(nt.Text) {
				p.next()
				t := p.parseType()
				p.expect(")", "after type in cast")
				x := p.parseUnary()
				return &CastExpr{Span: start.Join(x.GetSpan()), Type: t, X: x}
			}
		}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	x := p.parsePrimary()
	for p.is("[") && !p.bad {
		p.next()
		i := p.parseExpr()
		end := p.tok.Span
		p.expect("]", "after index")
		x = &IndexExpr{Span: x.GetSpan().Join(end), X: x, Index: i}
	}
	return x
}

func (p *parser) parsePrimary() Expr {
	t := p.tok
	switch t.Kind {
	case tokIdent:
		p.next()
		id := &Ident{Span: t.Span, Name: t.Text}
		if p.is("(") {
			return p.parseCall(id)
		}
		return id
	case tokInt:
		p.next()
		v, err := strconv.ParseInt(t.Text, 0, 64)
		if err != nil {
			p.errorf(t.Span, "bad integer constant %s", t.Text)
		}
		return &IntLit{Span: t.Span, Value: v, Text: t.Text}
	case tokOp:
		if t.Text == "(" {
			p.next()
			x := p.parseExpr()
			end := p.tok.Span
			p.expect(")", "to close '('")
			return &ParenExpr{Span: t.Span.Join(end), X: x}
		}
	}
	p.errorf(t.Span, "expected expression, found %s", describe(t))
	return &BadExpr{Span: t.Span}
}

func (p *parser) parseCall(fun *Ident) Expr {
	call := &CallExpr{Span: fun.Span, Fun: fun}
	p.next() // (
	for !p.is(")") && p.tok.Kind != tokEOF && !p.bad {
		call.Args = append(call.Args, p.parseExpr())
		if !p.got(",") {
			break
		}
	}
	call.Span.End = p.tok.Span.End
	if !p.expect(")", "after arguments") {
		call.Span.End = p.prev.Span.End
		return call
	}
	n := len(*p.errs)
	if prim, ok := Primitives[fun.Name]; !ok {
		p.add(fun.Span, "unknown primitive %s", fun.Name)
	} else if prim.Arity != len(call.Args) {
		p.add(call.Span, "%s takes %d argument%s, found %d", fun.Name, prim.Arity, plural(prim.Arity), len(call.Args))
	}
	if len(*p.errs) > n {
		(*p.errs)[n].Primitive = true
	}
	return call
}
