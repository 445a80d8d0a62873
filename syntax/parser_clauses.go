package syntax

import (
	"strconv"
)

// The init block and the final clauses (locations, filter, the
// condition), with the locations and values they share.

// parseInit reads "{ item; item; ... }".
func (p *parser) parseInit() {
	init := &Init{Span: p.tok.Span}
	p.file.Init = init
	p.next()
	for !p.is("}") && p.tok.Kind != tokEOF {
		if startsThread(p) {
			break
		}
		p.bad = false
		start := p.tok.Span.Start
		item := p.parseInitItem()
		if item != nil {
			init.Items = append(init.Items, item)
		}
		if p.bad {
			p.syncInit()
		} else if !p.got(";") && !p.is("}") {
			p.errorf(p.tok.Span, "expected ';' after initialisation, found %s", describe(p.tok))
			p.syncInit()
		}
		if p.tok.Span.Start == start && !p.is("}") {
			p.next() // guarantee progress
		}
	}
	if p.is("}") {
		init.Span.End = p.tok.Span.End
		p.next()
	} else {
		p.bad = false
		p.errorf(p.tok.Span, "expected '}' to end the init block, found %s", describe(p.tok))
		init.Span.End = p.prev.Span.End
	}
}

func (p *parser) syncInit() {
	for p.tok.Kind != tokEOF && !p.is("}") {
		if p.got(";") {
			return
		}
		if startsThread(p) {
			return
		}
		p.next()
	}
}

func (p *parser) parseInitItem() *InitItem {
	item := &InitItem{Span: p.tok.Span}
	if p.isTypeStart() {
		item.Type = p.parseType()
	}
	loc, ok := p.parseLocation(false)
	if !ok {
		return nil
	}
	item.Loc = loc
	if p.got("=") {
		item.Value = p.parseExpr()
	}
	item.Span.End = p.prev.Span.End
	return item
}

// parseLocation reads "0:r1", "x", "[x]" or "*x".
func (p *parser) parseLocation(allowDeref bool) (Location, bool) {
	loc := Location{Span: p.tok.Span, Thread: -1}
	switch {
	case p.tok.Kind == tokInt:
		n, err := strconv.Atoi(p.tok.Text)
		if err != nil || n < 0 {
			p.errorf(p.tok.Span, "bad thread number %s", p.tok.Text)
			return loc, false
		}
		p.next()
		if !p.expect(":", "after thread number") {
			return loc, false
		}
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected register name, found %s", describe(p.tok))
			return loc, false
		}
		loc.Thread = n
		loc.Name = p.tok.Text
	case allowDeref && p.is("["):
		p.next()
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected variable name, found %s", describe(p.tok))
			return loc, false
		}
		loc.Name = p.tok.Text
		loc.Deref = true
		p.next()
		if !p.is("]") {
			p.errorf(p.tok.Span, "expected ']', found %s", describe(p.tok))
			return loc, false
		}
	case allowDeref && p.is("*"):
		p.next()
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected variable name, found %s", describe(p.tok))
			return loc, false
		}
		loc.Name = p.tok.Text
		loc.Deref = true
	case p.tok.Kind == tokIdent:
		loc.Name = p.tok.Text
	default:
		p.errorf(p.tok.Span, "expected location, found %s", describe(p.tok))
		return loc, false
	}
	loc.Span.End = p.tok.Span.End
	p.next()
	return loc, true
}

// ---------------------------------------------------------------------------
// Final clauses.

func (p *parser) parseClauses() {
	f := p.file
	for p.tok.Kind != tokEOF {
		p.bad = false
		start := p.tok.Span
		switch {
		case p.is("locations"):
			p.next()
			l := &Locations{Span: start}
			if p.expect("[", "after locations") {
				for !p.is("]") && p.tok.Kind != tokEOF {
					loc, ok := p.parseLocation(true)
					if !ok {
						break
					}
					l.Locs = append(l.Locs, loc)
					if !p.got(";") {
						break
					}
				}
				p.expect("]", "to end locations")
			}
			l.Span.End = p.prev.Span.End
			if f.Locations != nil {
				p.add(start, "duplicate locations clause")
			} else {
				f.Locations = l
			}
		case p.is("filter"):
			p.next()
			fl := &Filter{Span: start, Prop: p.parseProp()}
			fl.Span.End = p.prev.Span.End
			if f.Filter != nil {
				p.add(start, "duplicate filter clause")
			} else {
				f.Filter = fl
			}
		case p.atClause():
			c := &Cond{Span: start, QuantSpan: start}
			switch p.tok.Text {
			case "~":
				p.next()
				c.Quant = NotExists
			case "forall":
				c.Quant = Forall
			}
			c.QuantSpan.End = p.tok.Span.End
			p.next()
			c.Prop = p.parseProp()
			c.Span.End = p.prev.Span.End
			if f.Cond != nil {
				p.add(start, "more than one final condition")
			} else {
				f.Cond = c
			}
		default:
			p.errorf(p.tok.Span, "expected final condition, found %s", describe(p.tok))
		}
		if !p.bad {
			p.got(";") // herd7 accepts a ';' after a clause
		}
		if p.bad {
			// Skip to the next clause.
			p.next()
			for p.tok.Kind != tokEOF && !p.atClause() {
				p.next()
			}
		}
	}
	// A test without a final condition is valid: herd7 reads it as
	// "forall (true)" (File.Cond stays nil).
}

// parseProp reads a proposition: "->" binds loosest (to the right), then
// "\/", then "/\", then "~".
func (p *parser) parseProp() Prop {
	if !p.enter() {
		return &BadProp{Span: p.tok.Span}
	}
	defer p.leave()
	x := p.parseOr()
	if p.is("->") {
		p.next()
		y := p.parseProp()
		return &ImpliesProp{Span: x.GetSpan().Join(y.GetSpan()), X: x, Y: y}
	}
	return x
}

func (p *parser) parseOr() Prop {
	x := p.parseAnd()
	for p.is("\\/") {
		p.next()
		y := p.parseAnd()
		x = &OrProp{Span: x.GetSpan().Join(y.GetSpan()), X: x, Y: y}
	}
	return x
}

func (p *parser) parseAnd() Prop {
	x := p.parseNot()
	for p.is("/\\") {
		p.next()
		y := p.parseNot()
		x = &AndProp{Span: x.GetSpan().Join(y.GetSpan()), X: x, Y: y}
	}
	return x
}

func (p *parser) parseNot() Prop {
	if !p.enter() {
		return &BadProp{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span
	switch {
	case p.is("~") || p.is("not"):
		p.next()
		x := p.parseNot()
		return &NotProp{Span: start.Join(x.GetSpan()), X: x}
	case p.is("("):
		p.next()
		x := p.parseProp()
		end := p.tok.Span
		if !p.expect(")", "to close '('") {
			return &ParenProp{Span: start.Join(x.GetSpan()), X: x}
		}
		return &ParenProp{Span: start.Join(end), X: x}
	case p.is("true") || p.is("false"):
		p.next()
		return &BoolProp{Span: start, Value: start.Len() == 4}
	}
	loc, ok := p.parseLocation(true)
	if !ok {
		return &BadProp{Span: start}
	}
	a := &AtomProp{Span: start, Loc: loc, Op: "="}
	switch {
	case p.is("=") || p.is("=="):
	case p.is("!="):
		a.Op = "!="
	default:
		p.errorf(p.tok.Span, "expected '=' after %s, found %s", p.src[loc.Span.Start:loc.Span.End], describe(p.tok))
		return &BadProp{Span: start}
	}
	p.next()
	v, ok := p.parseValue()
	if !ok {
		return &BadProp{Span: start.Join(p.prev.Span)}
	}
	a.Value = v
	a.Span.End = v.Span.End
	return a
}

// parseValue reads an integer (possibly negative) or a symbol.
func (p *parser) parseValue() (Value, bool) {
	v := Value{Span: p.tok.Span}
	neg := false
	if p.is("-") {
		neg = true
		p.next()
	} else if p.is("&") {
		p.next()
	}
	switch p.tok.Kind {
	case tokInt:
		if !neg && p.peek().Text == ":" {
			loc, ok := p.parseLocation(false)
			if !ok {
				return v, false
			}
			v.Reg = &loc
			v.Span = loc.Span
			return v, true
		}
		n, err := strconv.ParseInt(p.tok.Text, 0, 64)
		if err != nil {
			p.errorf(p.tok.Span, "bad integer constant %s", p.tok.Text)
			return v, false
		}
		if neg {
			n = -n
		}
		v.Int = n
	case tokIdent:
		if neg {
			p.errorf(p.tok.Span, "expected integer after '-', found %s", describe(p.tok))
			return v, false
		}
		v.Symbol = p.tok.Text
	default:
		p.errorf(p.tok.Span, "expected value, found %s", describe(p.tok))
		return v, false
	}
	v.Span.End = p.tok.Span.End
	p.next()
	return v, true
}
