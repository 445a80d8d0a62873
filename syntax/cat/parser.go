package cat

import (
	"github.com/litmusls/litmusls/syntax"
)

// This file reads cat and bell files: the header, the instructions,
// bindings and patterns, with error recovery at instruction boundaries;
// parser_expr.go reads the expressions.

// maxDepth bounds the nesting of expressions, variants and instruction
// blocks, so that no input can exhaust the stack.
const maxDepth = 200

// Parse reads a cat or bell file. It never fails and never panics: it
// returns a File (with Bad nodes where needed) and the errors sorted by
// position, at most one per instruction plus the lexer's. Format them with
// the File's Lines to get "file:line:col: message".
func Parse(filename string, src []byte) (*File, syntax.ErrorList) {
	p := newParser(filename, src)
	f := &File{Filename: filename, Lines: syntax.NewLines(filename, src)}
	f.Header = p.header()
	if p.tok.Kind == tCatdep {
		f.Catdep = true
		p.next()
	}
	f.Body = p.insList()
	f.Comments = p.lx.comments
	return f, p.finish()
}

// ParseExpr reads a single expression (as the right-hand side of a let),
// with the same guarantees as Parse. It serves tests and tools that
// evaluate one expression.
func ParseExpr(filename string, src []byte) (Expr, syntax.ErrorList) {
	p := newParser(filename, src)
	x := p.exp()
	if p.tok.Kind != tEOF {
		p.errorf(p.tok.Span, "expected end of expression, found %s", describe(p.tok))
	}
	return x, p.finish()
}

// maxErrors bounds the errors of one file: past it, input that is not cat
// at all (a binary file, say) costs no more memory.
const maxErrors = 100

// addError appends an error unless the list is full.
func addError(list *syntax.ErrorList, span Span, format string, args ...any) {
	if len(*list) < maxErrors {
		list.Add(span, format, args...)
	}
}

// assoc is how an operator groups with its own level.
type assoc int

const (
	leftAssoc assoc = iota
	nonAssoc
)

// Precedence levels of the expression operators, lowest first, as
// modelParser.mly declares them.
const (
	precUnion = 1 + iota // |, right
	precAdd              // ++, right
	precSeq              // ;, right
	precDiff             // \, left
	precInter            // &, right
	precStar             // binary and postfix *, postfix + and ?, prefix ~: non-associative
	precHat              // ^-1
)

type parser struct {
	lx      lexer
	tok     token   // the current token
	ahead   []token // tokens read past tok, for peek
	prevEnd int     // end offset of the last consumed token
	errs    syntax.ErrorList
	depth   int
	deep    bool // "nesting too deep" was reported
	errored bool // the current instruction has an error: report no more until recovery
}

func newParser(filename string, src []byte) *parser {
	p := &parser{}
	p.lx = lexer{src: src, errs: &p.errs, stray0: -1}
	p.tok = p.lx.next()
	return p
}

// finish sorts the errors and drops duplicates at one offset.
func (p *parser) finish() syntax.ErrorList {
	p.errs.Sort()
	out := p.errs[:0]
	for i, e := range p.errs {
		if i > 0 && e.Span.Start == out[len(out)-1].Span.Start {
			continue
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// next consumes the current token.
func (p *parser) next() {
	p.prevEnd = p.tok.Span.End
	if len(p.ahead) > 0 {
		p.tok = p.ahead[0]
		p.ahead = p.ahead[1:]
		return
	}
	p.tok = p.lx.next()
}

// peek returns the token n places after the current one (peek(0) is the
// current token).
func (p *parser) peek(n int) token {
	if n == 0 {
		return p.tok
	}
	for len(p.ahead) < n {
		p.ahead = append(p.ahead, p.lx.next())
	}
	return p.ahead[n-1]
}

// errorf reports an error unless the current instruction already has one.
func (p *parser) errorf(span Span, format string, args ...any) {
	if p.errored {
		return
	}
	p.errored = true
	addError(&p.errs, span, format, args...)
}

// got consumes the current token if it has kind k.
func (p *parser) got(k tokKind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

// expect consumes a token of kind k, or reports "expected k context,
// found ...".
func (p *parser) expect(k tokKind, context string) bool {
	if p.got(k) {
		return true
	}
	if context != "" {
		context = " " + context
	}
	p.errorf(p.tok.Span, "expected %s%s, found %s", k, context, describe(p.tok))
	return false
}

// name consumes an identifier, or reports an error and returns an Ident
// with an empty name at the current position.
func (p *parser) name(context string) *Ident {
	if p.tok.Kind == tName {
		id := &Ident{Span: p.tok.Span, Name: p.tok.Text}
		p.next()
		return id
	}
	if context != "" {
		context = " " + context
	}
	p.errorf(p.tok.Span, "expected a name%s, found %s", context, describe(p.tok))
	return &Ident{Span: at(p.tok.Span.Start)}
}

// enter and leave bound the nesting depth. Past the bound, enter reports
// the error once and skips the rest of the input.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if !p.deep {
			p.deep = true
			p.errored = false
			p.errorf(p.tok.Span, "nesting too deep")
		}
		p.ahead = nil
		p.lx.off = len(p.lx.src)
		p.tok = token{Kind: tEOF, Span: at(len(p.lx.src))}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// span returns the span from start to the end of the last consumed token.
func (p *parser) span(start int) Span {
	return Span{Start: start, End: max(start, p.prevEnd)}
}

// at returns the empty span at offset off.
func at(off int) Span { return Span{Start: off, End: off} }

// ---------------------------------------------------------------------------
// File level and instructions.

// header reads the optional architecture and title.
func (p *parser) header() *Header {
	t := p.tok
	switch t.Kind {
	case tString:
		p.next()
		return &Header{Span: t.Span, Title: t.Text, Quoted: true}
	case tName:
		p.next()
		switch p.tok.Kind {
		case tName, tString:
			u := p.tok
			p.next()
			return &Header{Span: t.Span.Join(u.Span), Arch: &Ident{Span: t.Span, Name: t.Text}, Title: u.Text, Quoted: u.Kind == tString}
		}
		return &Header{Span: t.Span, Title: t.Text}
	}
	return nil
}

// insList reads instructions up to the end of the file or, inside a block,
// up to one of the tokens that close it (left for the caller).
func (p *parser) insList(closers ...tokKind) []Ins {
	var list []Ins
	for {
		k := p.tok.Kind
		if k == tEOF {
			return list
		}
		for _, c := range closers {
			if k == c {
				return list
			}
		}
		start := p.tok.Span.Start
		if k == tEnum && len(closers) > 0 {
			p.errorf(p.tok.Span, "'enum' is only allowed at the top level of a file")
		}
		list = append(list, p.ins())
		if p.errored {
			p.recover(start, len(closers) > 0)
		}
	}
}

// recover skips to a token where an instruction can start (or, inside a
// block, one that closes it), always moving past the token the failed
// instruction started at, and re-arms error reporting.
func (p *parser) recover(start int, inBlock bool) {
	if p.tok.Span.Start == start && p.tok.Kind != tEOF {
		p.next()
	}
	for p.tok.Kind != tEOF && !p.syncPoint(inBlock) {
		p.next()
	}
	p.errored = false
}

// syncPoint reports whether recovery can resume at the current token:
// keywords that only start instructions, anywhere; words that also occur
// inside expressions, and the words closing a block, only at the start of
// a line.
func (p *parser) syncPoint(inBlock bool) bool {
	switch p.tok.Kind {
	case tAcyclic, tIrreflexive, tTestEmpty, tRequires, tFlag, tAssert,
		tShow, tUnshow, tInclude, tProcedure, tCall, tDebug, tForall,
		tEnum, tInstructions, tDefault:
		return true
	case tLet, tWith, tMatch, tIf, tComp:
		return p.tok.First
	case tEnd, tElse, tAlt:
		return inBlock && p.tok.First
	}
	return false
}

// ins reads one instruction. Like every part of the parser, it reads
// nothing once the current instruction has an error: recovery takes over.
func (p *parser) ins() Ins {
	if p.errored {
		return &BadIns{Span: at(p.tok.Span.Start)}
	}
	if !p.enter() {
		return &BadIns{Span: p.tok.Span}
	}
	defer p.leave()
	start := p.tok.Span.Start
	switch p.tok.Kind {
	case tLet:
		p.next()
		n := &LetIns{Rec: p.got(tRec)}
		n.Bindings = p.bindings()
		if n.Rec && p.tok.Kind == tWhen {
			p.next()
			n.When = p.test(Check)
		}
		p.got(tIn) // herd7 accepts and ignores "in" after a top-level let
		n.Span = p.span(start)
		return n
	case tRequires, tFlag, tAssert, tComp, tAcyclic, tIrreflexive, tTestEmpty:
		kind := Check
		switch p.tok.Kind {
		case tRequires:
			kind = UndefinedUnless
		case tFlag:
			kind = Flagged
		case tAssert:
			kind = Assert
		}
		if kind != Check {
			p.next()
		}
		t := p.test(kind)
		t.Span = p.span(start)
		return t
	case tShow:
		p.next()
		x := p.base()
		if p.got(tAs) {
			return &ShowAs{X: x, Name: p.name("after 'as'"), Span: p.span(start)}
		}
		id, ok := x.(*Ident)
		if !ok {
			p.errorf(p.tok.Span, "expected 'as' after the shown expression, found %s", describe(p.tok))
			return &BadIns{Span: p.span(start)}
		}
		return &Show{Names: p.moreNames(id), Span: p.span(start)}
	case tUnshow:
		p.next()
		id := p.name("after 'unshow'")
		return &Unshow{Names: p.moreNames(id), Span: p.span(start)}
	case tInclude:
		p.next()
		n := &Include{PathSpan: p.tok.Span}
		if p.tok.Kind == tString {
			n.Path = p.tok.Text
			p.next()
		} else {
			p.errorf(p.tok.Span, "expected a file name in quotes after 'include', found %s", describe(p.tok))
		}
		n.Span = p.span(start)
		return n
	case tProcedure:
		p.next()
		n := &Procedure{Rec: p.got(tRec)}
		n.Name = p.name("after 'procedure'")
		n.Param = p.param()
		p.expect(tEqual, "after the procedure's parameters")
		n.Body = p.insList(tEnd)
		p.expect(tEnd, "to close the procedure")
		n.Span = p.span(start)
		return n
	case tCall:
		p.next()
		n := &Call{Name: p.name("after 'call'")}
		if startsSimple(p.tok.Kind) {
			n.Arg = p.simple()
		} else {
			p.errorf(p.tok.Span, "expected the procedure's argument in parentheses, found %s", describe(p.tok))
			n.Arg = &BadExpr{Span: at(p.tok.Span.Start)}
		}
		if p.got(tAs) {
			n.As = p.name("after 'as'")
		}
		n.Span = p.span(start)
		return n
	case tDebug:
		p.next()
		return &Debug{X: p.exp(), Span: p.span(start)}
	case tForall:
		p.next()
		n := &Forall{Var: p.name("after 'forall'")}
		p.expect(tIn, "after the forall variable")
		n.Set = p.exp()
		p.expect(tDo, "after the forall set")
		n.Body = p.insList(tEnd)
		p.expect(tEnd, "to close the forall")
		n.Span = p.span(start)
		return n
	case tWith:
		p.next()
		n := &WithFrom{Var: p.name("after 'with'")}
		p.expect(tFrom, "after the with variable")
		n.Set = p.exp()
		n.Span = p.span(start)
		return n
	case tIf:
		p.next()
		n := &IfVariant{Cond: p.variant()}
		n.Then = p.insList(tElse, tEnd)
		if p.got(tElse) {
			n.HasElse = true
			n.Else = p.insList(tEnd)
		}
		p.expect(tEnd, "to close the if")
		n.Span = p.span(start)
		return n
	case tMatch:
		return p.matchIns()
	case tEnum:
		p.next()
		n := &Enum{Name: p.name("after 'enum'")}
		p.expect(tEqual, "after the enum's name")
		p.got(tAlt)
		for {
			if p.tok.Kind != tTag {
				p.errorf(p.tok.Span, "expected a tag, found %s", describe(p.tok))
				break
			}
			n.Tags = append(n.Tags, &Ident{Span: p.tok.Span, Name: p.tok.Text})
			p.next()
			if !p.got(tAlt) {
				break
			}
		}
		n.Span = p.span(start)
		return n
	case tInstructions, tDefault:
		n := &Events{Default: p.tok.Kind == tDefault}
		p.next()
		n.Set = p.name("of an event set")
		if p.expect(tLBrac, "after the event set") {
			n.Tags = p.args(tRBrac)
			p.expect(tRBrac, "to close the tag list")
		}
		n.Span = p.span(start)
		return n
	}
	p.errorf(p.tok.Span, "expected an instruction, found %s", describe(p.tok))
	return &BadIns{Span: p.tok.Span}
}

// moreNames reads ", name" repetitions after the first name of a show list.
func (p *parser) moreNames(first *Ident) []*Ident {
	names := []*Ident{first}
	for p.got(tComma) {
		names = append(names, p.name("after ','"))
	}
	return names
}

// test reads "[~] acyclic|irreflexive|empty e [as name]", after the kind.
func (p *parser) test(kind TestKind) *Test {
	start := p.tok.Span.Start
	t := &Test{Kind: kind, Neg: p.got(tComp)}
	switch p.tok.Kind {
	case tAcyclic:
		t.Op = Acyclic
	case tIrreflexive:
		t.Op = Irreflexive
	case tTestEmpty:
		t.Op = IsEmpty
	default:
		p.errorf(p.tok.Span, "expected 'acyclic', 'irreflexive' or 'empty', found %s", describe(p.tok))
		t.X = &BadExpr{Span: at(p.tok.Span.Start)}
		t.Span = p.span(start)
		return t
	}
	p.next()
	t.X = p.exp()
	if p.got(tAs) {
		t.Name = p.name("after 'as'")
	}
	t.Span = p.span(start)
	return t
}

// matchIns reads the instruction form of match.
func (p *parser) matchIns() *MatchIns {
	start := p.tok.Span.Start
	p.next()
	n := &MatchIns{X: p.exp()}
	p.expect(tWith, "after the matched expression")
	p.got(tAlt)
	for {
		cstart := p.tok.Span.Start
		switch p.tok.Kind {
		case tTag:
			c := &InsClause{Tag: &Ident{Span: p.tok.Span, Name: p.tok.Text}}
			p.next()
			p.expect(tArrow, "after the clause's tag")
			c.Body = p.insList(tAlt, tEnd)
			c.Span = p.span(cstart)
			n.Clauses = append(n.Clauses, c)
			if p.got(tAlt) {
				continue
			}
		case tUnderscore:
			p.next()
			p.expect(tArrow, "after '_'")
			n.HasDefault = true
			n.Default = p.insList(tEnd)
		default:
			p.errorf(p.tok.Span, "expected a tag or '_' in a match clause, found %s", describe(p.tok))
		}
		break
	}
	p.expect(tEnd, "to close the match")
	n.Span = p.span(start)
	return n
}

// ---------------------------------------------------------------------------
// Bindings and patterns.

// bindings reads "binding and binding ...".
func (p *parser) bindings() []*Binding {
	list := []*Binding{p.binding()}
	for p.got(tAnd) {
		list = append(list, p.binding())
	}
	return list
}

// binding reads "pat = e", "f x = e" or "f(x, y) = e".
func (p *parser) binding() *Binding {
	start := p.tok.Span.Start
	b := &Binding{}
	switch p.tok.Kind {
	case tLPar:
		b.Pat = p.parenPattern()
	case tName, tUnderscore:
		first := p.pat0()
		switch {
		case first.Name != "" && p.tok.Kind == tLPar:
			b.Pat = &Pattern{Span: first.Span, Params: []*Ident{first}}
			b.Param = p.parenPattern()
		case first.Name != "" && (p.tok.Kind == tName || p.tok.Kind == tUnderscore):
			b.Pat = &Pattern{Span: first.Span, Params: []*Ident{first}}
			x := p.pat0()
			b.Param = &Pattern{Span: x.Span, Params: []*Ident{x}}
		default:
			params := []*Ident{first}
			for p.got(tComma) {
				params = append(params, p.pat0())
			}
			b.Pat = &Pattern{Span: p.span(start), Tuple: len(params) > 1, Params: params}
		}
	default:
		p.errorf(p.tok.Span, "expected a name to bind, found %s", describe(p.tok))
		b.Pat = &Pattern{Span: at(start), Tuple: true}
		b.Value = &BadExpr{Span: at(start)}
		b.Span = b.Pat.Span
		return b
	}
	p.expect(tEqual, "in binding")
	b.Value = p.exp()
	b.Span = p.span(start)
	return b
}

// pat0 reads a name or "_" (an Ident with an empty name).
func (p *parser) pat0() *Ident {
	switch p.tok.Kind {
	case tName:
		id := &Ident{Span: p.tok.Span, Name: p.tok.Text}
		p.next()
		return id
	case tUnderscore:
		id := &Ident{Span: p.tok.Span}
		p.next()
		return id
	}
	p.errorf(p.tok.Span, "expected a name or '_', found %s", describe(p.tok))
	return &Ident{Span: at(p.tok.Span.Start)}
}

// param reads the parameter of a function or procedure: "(formals)" or a
// single name or "_".
func (p *parser) param() *Pattern {
	if p.tok.Kind == tLPar {
		return p.parenPattern()
	}
	x := p.pat0()
	return &Pattern{Span: x.Span, Params: []*Ident{x}}
}

// parenPattern reads "(x, y, ...)"; one name in parentheses is that name.
func (p *parser) parenPattern() *Pattern {
	start := p.tok.Span.Start
	p.expect(tLPar, "")
	var params []*Ident
	if p.tok.Kind != tRPar {
		params = append(params, p.pat0())
		for p.got(tComma) {
			params = append(params, p.pat0())
		}
	}
	p.expect(tRPar, "to close the parameters")
	return &Pattern{Span: p.span(start), Tuple: len(params) != 1, Params: params, Parens: true}
}
