package cat

// This file reads cat expressions: conditionals, matches, the binary
// operators with herd7's precedences and associativity (lib/modelParser.mly),
// applications and the simple forms.

// exp reads an expression: a keyword form (let, fun, try, if, match), or
// operators over simple expressions, or a bare tuple of those.
func (p *parser) exp() Expr {
	if p.errored {
		return &BadExpr{Span: at(p.tok.Span.Start)}
	}
	if !p.enter() {
		return &BadExpr{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span.Start
	switch p.tok.Kind {
	case tLet:
		p.next()
		n := &LetExpr{Rec: p.got(tRec)}
		n.Bindings = p.bindings()
		p.expect(tIn, "after the bindings of let")
		n.Body = p.exp()
		n.Span = p.span(start)
		return n
	case tFun:
		p.next()
		n := &Fun{Param: p.param()}
		p.expect(tArrow, "after the function's parameter")
		n.Body = p.exp()
		n.Span = p.span(start)
		return n
	case tTry:
		p.next()
		n := &Try{X: p.exp()}
		p.expect(tWith, "after the expression of try")
		n.Default = p.exp()
		n.Span = p.span(start)
		return n
	case tIf:
		p.next()
		n := &If{Cond: p.cond()}
		p.expect(tThen, "after the condition")
		n.Then = p.exp()
		p.expect(tElse, "after the then branch")
		n.Else = p.exp()
		n.Span = p.span(start)
		return n
	case tMatch:
		return p.matchExp()
	}
	x := p.base()
	if p.tok.Kind != tComma {
		return x
	}
	elems := []Expr{x}
	for p.got(tComma) {
		elems = append(elems, p.base())
	}
	return &Tuple{Span: p.span(start), Elems: elems}
}

// cond reads the condition of an if: a variant condition, or "e = e",
// "e subset e", "e in e".
func (p *parser) cond() *Cond {
	start := p.tok.Span.Start
	i := 0
	for p.peek(i).Kind == tLPar {
		i++
	}
	switch p.peek(i).Kind {
	case tString, tVariant, tNot:
		v := p.variant()
		return &Cond{Span: p.span(start), Op: CondVariant, Variant: v}
	}
	c := &Cond{X: p.exp()}
	switch p.tok.Kind {
	case tEqual:
		c.Op = CondEq
	case tSubset:
		c.Op = CondSubset
	case tIn:
		c.Op = CondIn
	default:
		p.errorf(p.tok.Span, "expected '=', 'subset' or 'in' in the condition, found %s", describe(p.tok))
		c.Op = CondEq
		c.Y = &BadExpr{Span: at(p.tok.Span.Start)}
		c.Span = p.span(start)
		return c
	}
	p.next()
	c.Y = p.exp()
	c.Span = p.span(start)
	return c
}

// variant reads a condition on variants: || of && of not of names.
func (p *parser) variant() Variant {
	if p.errored {
		return &BadVariant{Span: at(p.tok.Span.Start)}
	}
	if !p.enter() {
		return &BadVariant{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span.Start
	x := p.variantAnd()
	for p.got(tAlt) {
		y := p.variantAnd()
		x = &VariantOp{Span: p.span(start), X: x, Y: y}
	}
	return x
}

func (p *parser) variantAnd() Variant {
	start := p.tok.Span.Start
	x := p.variantNot()
	for p.got(tLAnd) {
		y := p.variantNot()
		x = &VariantOp{Span: p.span(start), And: true, X: x, Y: y}
	}
	return x
}

func (p *parser) variantNot() Variant {
	if !p.enter() {
		return &BadVariant{Span: p.tok.Span}
	}
	defer p.leave()
	t := p.tok
	switch t.Kind {
	case tNot:
		p.next()
		x := p.variantNot()
		return &VariantNot{Span: p.span(t.Span.Start), X: x}
	case tString:
		p.next()
		return &VariantName{Span: t.Span, Name: t.Text}
	case tVariant:
		p.next()
		if p.tok.Kind != tString {
			p.errorf(p.tok.Span, "expected a variant name in quotes, found %s", describe(p.tok))
			return &BadVariant{Span: p.span(t.Span.Start)}
		}
		name := p.tok.Text
		p.next()
		return &VariantName{Span: p.span(t.Span.Start), Name: name, Keyword: true}
	case tLPar:
		p.next()
		x := p.variant()
		p.expect(tRPar, "to close the condition")
		return x
	}
	p.errorf(t.Span, "expected a variant name in quotes, found %s", describe(t))
	return &BadVariant{Span: at(t.Span.Start)}
}

// matchExp reads the expression form of match, on tags or on sets.
func (p *parser) matchExp() Expr {
	start := p.tok.Span.Start
	p.next()
	x := p.exp()
	p.expect(tWith, "after the matched expression")
	p.got(tAlt)
	switch k := p.tok.Kind; {
	case k == tTag || k == tUnderscore && p.peek(1).Kind == tArrow:
		n := &Match{X: x}
		for {
			cstart := p.tok.Span.Start
			if p.tok.Kind == tUnderscore {
				p.next()
				p.expect(tArrow, "after '_'")
				n.Default = p.exp()
				break
			}
			if p.tok.Kind != tTag {
				p.errorf(p.tok.Span, "expected a tag or '_' in a match clause, found %s", describe(p.tok))
				break
			}
			c := &Clause{Tag: &Ident{Span: p.tok.Span, Name: p.tok.Text}}
			p.next()
			p.expect(tArrow, "after the clause's tag")
			c.Body = p.exp()
			c.Span = p.span(cstart)
			n.Clauses = append(n.Clauses, c)
			if !p.got(tAlt) {
				break
			}
		}
		p.expect(tEnd, "to close the match")
		n.Span = p.span(start)
		return n
	case k == tLAcc || k == tName || k == tUnderscore:
		n := &MatchSet{X: x, EmptyFirst: k == tLAcc}
		if n.EmptyFirst {
			n.Empty = p.emptyClause()
			p.expect(tAlt, "between the clauses of a set match")
			n.Elem = p.elemClause()
		} else {
			n.Elem = p.elemClause()
			p.expect(tAlt, "between the clauses of a set match")
			n.Empty = p.emptyClause()
		}
		p.expect(tEnd, "to close the match")
		n.Span = p.span(start)
		return n
	}
	p.errorf(p.tok.Span, "expected a match clause, found %s", describe(p.tok))
	return &BadExpr{Span: p.span(start)}
}

// emptyClause reads "{} -> e".
func (p *parser) emptyClause() Expr {
	if p.expect(tLAcc, "(the empty-set clause)") && p.expect(tRAcc, "in the empty-set clause") {
		p.expect(tArrow, "after '{}'")
	}
	return p.exp()
}

// elemClause reads "x ++ rest -> e" or "pre | x ++ rest -> e".
func (p *parser) elemClause() *ElemClause {
	start := p.tok.Span.Start
	c := &ElemClause{}
	first := p.pat0()
	if p.got(tUnion) {
		c.Pre = first
		c.Elem = p.pat0()
	} else {
		c.Elem = first
	}
	p.expect(tPlusPlus, "in a set match clause")
	c.Rest = p.pat0()
	p.expect(tArrow, "after the set pattern")
	c.Body = p.exp()
	c.Span = p.span(start)
	return c
}

// base reads operators over simple expressions (herd7's "base").
func (p *parser) base() Expr { return p.binary(0, leftAssoc) }

// binary reads an operator expression whose operators all bind tighter
// than minPrec (or as tightly, for an operand of a left-associative
// operator). At minPrec a non-associative context rejects another
// operator of its level, as herd7's parser does: "a * b*", "~a?".
// Right-associative chains are read in a loop, so long chains cost no
// depth.
func (p *parser) binary(minPrec int, ctx assoc) Expr {
	if p.errored {
		return &BadExpr{Span: at(p.tok.Span.Start)}
	}
	if !p.enter() {
		return &BadExpr{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span.Start
	var x Expr
	if p.tok.Kind == tComp {
		p.next()
		y := p.binary(precStar, nonAssoc)
		x = &UnaryExpr{Span: p.span(start), Op: Comp, X: y}
	} else {
		x = p.app()
	}
	for !p.errored {
		k := p.tok.Kind
		prec := opPrec(k)
		if prec == 0 || prec < minPrec {
			return x
		}
		if prec == minPrec {
			if ctx == nonAssoc {
				p.errorf(p.tok.Span, "'%s' cannot follow that operand without parentheses: '*', '+', '?' and '~' do not associate", p.tok.Text)
			}
			return x
		}
		switch k {
		case tUnion, tSemi, tPlusPlus, tInter:
			op := chainOps[k]
			args, starts := []Expr{x}, []int{start}
			for p.tok.Kind == k {
				p.next()
				starts = append(starts, p.tok.Span.Start)
				args = append(args, p.binary(prec, leftAssoc))
			}
			if op == Union || op == Seq {
				x = &BinaryExpr{Span: p.span(start), Op: op, Args: flatten(op, args)}
				continue
			}
			// Right-associative: a & b & c is a & (b & c).
			y := args[len(args)-1]
			for i := len(args) - 2; i >= 0; i-- {
				y = &BinaryExpr{Span: p.span(starts[i]), Op: op, Args: []Expr{args[i], y}}
			}
			x = y
		case tDiff:
			p.next()
			y := p.binary(precDiff, leftAssoc)
			x = &BinaryExpr{Span: p.span(start), Op: Diff, Args: []Expr{x, y}}
		case tStar:
			if startsOperand(p.peek(1).Kind) {
				p.next()
				y := p.binary(precStar, nonAssoc)
				x = &BinaryExpr{Span: p.span(start), Op: Cartesian, Args: []Expr{x, y}}
				continue
			}
			p.next()
			x = &UnaryExpr{Span: p.span(start), Op: Star, X: x}
			if p.tok.Kind == tComp {
				p.errorf(p.tok.Span, "'~' cannot follow a postfix '*' without parentheses")
				return x
			}
		case tPlus, tOpt:
			p.next()
			op := Plus
			if k == tOpt {
				op = Opt
			}
			x = &UnaryExpr{Span: p.span(start), Op: op, X: x}
		case tHat:
			p.next()
			if !p.expect(tInv, "after '^'") {
				return x
			}
			x = &UnaryExpr{Span: p.span(start), Op: Inv, X: x}
		}
	}
	return x
}

// chainOps maps the right-associative operator tokens to their operators.
var chainOps = map[tokKind]BinaryOp{tUnion: Union, tSemi: Seq, tPlusPlus: Add, tInter: Inter}

// flatten merges operands that are themselves op chains into one list,
// as herd7 does for '|' and ';'.
func flatten(op BinaryOp, args []Expr) []Expr {
	var out []Expr
	for _, a := range args {
		if b, ok := a.(*BinaryExpr); ok && b.Op == op {
			out = append(out, b.Args...)
			continue
		}
		out = append(out, a)
	}
	return out
}

// opPrec returns the precedence of an infix or postfix operator token, or
// 0 for any other token.
func opPrec(k tokKind) int {
	switch k {
	case tUnion:
		return precUnion
	case tPlusPlus:
		return precAdd
	case tSemi:
		return precSeq
	case tDiff:
		return precDiff
	case tInter:
		return precInter
	case tStar, tPlus, tOpt:
		return precStar
	case tHat:
		return precHat
	}
	return 0
}

// startsSimple reports whether a token starts a simple expression.
func startsSimple(k tokKind) bool {
	switch k {
	case tEmpty, tTag, tLAcc, tUnderscore, tLPar, tBegin, tLBrac:
		return true
	}
	return false
}

// startsOperand reports whether a token after '*' makes it the cartesian
// product rather than the postfix closure: a name or a simple expression.
func startsOperand(k tokKind) bool { return k == tName || startsSimple(k) }

// app reads a name applied to arguments ("f x y", "f(x, y)"), or a simple
// expression.
func (p *parser) app() Expr {
	start := p.tok.Span.Start
	if p.tok.Kind != tName {
		return p.simple()
	}
	var x Expr = &Ident{Span: p.tok.Span, Name: p.tok.Text}
	p.next()
	for startsOperand(p.tok.Kind) && !p.errored {
		var arg Expr
		if p.tok.Kind == tName {
			arg = &Ident{Span: p.tok.Span, Name: p.tok.Text}
			p.next()
		} else {
			arg = p.simple()
		}
		x = &App{Span: p.span(start), Fun: x, Arg: arg}
	}
	return x
}

// simple reads a constant, a set, a tag, "[e]" or a parenthesized
// expression.
func (p *parser) simple() Expr {
	t := p.tok
	start := t.Span.Start
	switch t.Kind {
	case tEmpty:
		p.next()
		return &Empty{Span: t.Span}
	case tUnderscore:
		p.next()
		return &Universe{Span: t.Span}
	case tTag:
		p.next()
		return &Tag{Span: t.Span, Name: t.Text}
	case tLAcc:
		p.next()
		elems := p.args(tRAcc)
		p.expect(tRAcc, "to close the set")
		return &ExplicitSet{Span: p.span(start), Elems: elems}
	case tLPar:
		p.next()
		if p.got(tRPar) {
			return &Tuple{Span: p.span(start)}
		}
		x := p.exp()
		p.expect(tRPar, "to close the parenthesis")
		return x
	case tBegin:
		p.next()
		x := p.exp()
		p.expect(tEnd, "to close 'begin'")
		return x
	case tLBrac:
		p.next()
		x := p.exp()
		p.expect(tRBrac, "to close '['")
		return &UnaryExpr{Span: p.span(start), Op: ToID, X: x}
	}
	p.errorf(t.Span, "expected an expression, found %s", describe(t))
	return &BadExpr{Span: at(start)}
}

// args reads a possibly empty comma-separated list of operator
// expressions, up to the closing token (not consumed).
func (p *parser) args(closer tokKind) []Expr {
	if p.tok.Kind == closer {
		return nil
	}
	list := []Expr{p.base()}
	for p.got(tComma) {
		list = append(list, p.base())
	}
	return list
}
