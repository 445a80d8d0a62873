package cat

import (
	"fmt"
	"strconv"

	"github.com/litmusls/litmusls/syntax"
)

// This file reads herd7's .def macro files (linux-kernel.def), which herd7
// parses with its C parser (lib/CParser.mly, entry "macros"). Each line
// defines a primitive in terms of others or of herd7's core operations:
//
//	READ_ONCE(X) __load{ONCE}(X)
//	smp_store_release(X,V) { __store{RELEASE}(*X,V); }
//	atomic_fetch_andnot(V,X) __atomic_fetch_op{MB}(X,&~,V)
//
// A macro whose body is an expression defines an expression; one whose body
// is a braced block defines a statement. herd7 keeps the two kinds apart
// and a later definition replaces an earlier one of the same kind.

// A MacroFile is a parsed .def file.
type MacroFile struct {
	Filename string
	Lines    *syntax.Lines
	Macros   []*Macro   // in source order
	Comments []*Comment // "//" and "/* */" comments
}

// A Macro is one definition: "name(params) expr" or "name(params) { ... }".
type Macro struct {
	Span   Span
	Name   *Ident
	Params []*Ident
	Expr   CExpr   // the body of an expression macro, or nil
	Body   *CBlock // the body of a statement macro, or nil
}

// ExprMacro returns the expression macro called name (the last one
// defined, as herd7 uses), or nil.
func (f *MacroFile) ExprMacro(name string) *Macro { return f.lookup(name, false) }

// StmtMacro returns the statement macro called name (the last one
// defined), or nil.
func (f *MacroFile) StmtMacro(name string) *Macro { return f.lookup(name, true) }

func (f *MacroFile) lookup(name string, stmt bool) *Macro {
	for i := len(f.Macros) - 1; i >= 0; i-- {
		if m := f.Macros[i]; m.Name.Name == name && (m.Body != nil) == stmt {
			return m
		}
	}
	return nil
}

// Calls returns the calls in a macro's body in source order, outer calls
// before the calls in their arguments: for READ_ONCE, the one call
// __load{ONCE}(X).
func (m *Macro) Calls() []*CCall {
	var calls []*CCall
	var expr func(CExpr)
	var stmt func(CStmt)
	expr = func(x CExpr) {
		switch x := x.(type) {
		case *CCall:
			calls = append(calls, x)
			for _, a := range x.Args {
				expr(a)
			}
		case *CDeref:
			expr(x.X)
		case *CBinary:
			expr(x.X)
			expr(x.Y)
		}
	}
	stmt = func(s CStmt) {
		switch s := s.(type) {
		case *CExprStmt:
			expr(s.X)
		case *CAssign:
			expr(s.LHS)
			expr(s.RHS)
		case *CIf:
			expr(s.Cond)
			stmt(s.Then)
			if s.Else != nil {
				stmt(s.Else)
			}
		case *CBlock:
			for _, t := range s.Stmts {
				stmt(t)
			}
		}
	}
	if m.Expr != nil {
		expr(m.Expr)
	}
	if m.Body != nil {
		stmt(m.Body)
	}
	return calls
}

// A CExpr is an expression in a macro body.
type CExpr interface {
	Node
	cexprNode()
}

// A CStmt is a statement in a macro body.
type CStmt interface {
	Node
	cstmtNode()
}

type (
	// A CName is a parameter, a constant name such as
	// memory_order_relaxed, or a location.
	CName struct {
		Span Span
		Name string
	}

	// A CInt is an integer constant.
	CInt struct {
		Span  Span
		Value int64
	}

	// A CDeref is "*e".
	CDeref struct {
		Span Span
		X    CExpr
	}

	// A CCall is a call of a core operation or of another macro:
	// "__load{ONCE}(X)", "__fence{MB}" (no arguments), "READ_ONCE(*X)".
	CCall struct {
		Span   Span
		Name   *Ident
		Tags   []string // the annotations in braces, as written ("ONCE", "after-unlock-lock")
		Braced bool     // the call has a {...} tag list
		Args   []CExpr
		Parens bool // the call has an argument list (even an empty one)
	}

	// A COp is the operator argument of an atomic operation, as in
	// __atomic_op{MB}(X,+,V): one of + - & | ^ &~.
	COp struct {
		Span Span
		Op   string
	}

	// A CBinary is a binary operation: + - * / & | ^ == != < <= > >=.
	CBinary struct {
		Span Span
		Op   string
		X, Y CExpr
	}

	// A CBadExpr stands for an expression that could not be parsed.
	CBadExpr struct {
		Span Span
	}
)

type (
	// A CExprStmt is "e;", usually a call.
	CExprStmt struct {
		Span Span
		X    CExpr
	}

	// A CAssign is "lhs = rhs;".
	CAssign struct {
		Span     Span
		LHS, RHS CExpr
	}

	// A CIf is "if (cond) then [else else]".
	CIf struct {
		Span Span
		Cond CExpr
		Then CStmt
		Else CStmt // or nil
	}

	// A CBlock is "{ stmts }".
	CBlock struct {
		Span  Span
		Stmts []CStmt
	}

	// A CBadStmt stands for a statement that could not be parsed.
	CBadStmt struct {
		Span Span
	}
)

func (n *CName) GetSpan() Span     { return n.Span }
func (n *CInt) GetSpan() Span      { return n.Span }
func (n *CDeref) GetSpan() Span    { return n.Span }
func (n *CCall) GetSpan() Span     { return n.Span }
func (n *COp) GetSpan() Span       { return n.Span }
func (n *CBinary) GetSpan() Span   { return n.Span }
func (n *CBadExpr) GetSpan() Span  { return n.Span }
func (n *CExprStmt) GetSpan() Span { return n.Span }
func (n *CAssign) GetSpan() Span   { return n.Span }
func (n *CIf) GetSpan() Span       { return n.Span }
func (n *CBlock) GetSpan() Span    { return n.Span }
func (n *CBadStmt) GetSpan() Span  { return n.Span }

func (*CName) cexprNode()    {}
func (*CInt) cexprNode()     {}
func (*CDeref) cexprNode()   {}
func (*CCall) cexprNode()    {}
func (*COp) cexprNode()      {}
func (*CBinary) cexprNode()  {}
func (*CBadExpr) cexprNode() {}

func (*CExprStmt) cstmtNode() {}
func (*CAssign) cstmtNode()   {}
func (*CIf) cstmtNode()       {}
func (*CBlock) cstmtNode()    {}
func (*CBadStmt) cstmtNode()  {}

// A coreOp describes the shape herd7's C grammar gives one of its core
// operations.
type coreOp struct {
	tags  int  // 1: a {tag list} is required, 0: optional, -1: not allowed
	args  int  // number of arguments; -1: no argument list at all
	args2 int  // another allowed number of arguments, or 0
	op    bool // the second argument is an operator (+, -, &, |, ^, &~)
	stmt  bool // only a statement, not an expression
}

// coreOps lists herd7's core operations for the Linux kernel, after the
// productions of lib/CParser.mly that name them.
var coreOps = map[string]coreOp{
	"__load":              {tags: 1, args: 1},
	"__store":             {tags: 1, args: 2, stmt: true},
	"__srcu":              {tags: 1, args: 1, args2: 2},
	"__xchg":              {tags: 1, args: 2},
	"__cmpxchg":           {tags: 1, args: 3},
	"__lock":              {tags: -1, args: 1, stmt: true},
	"__unlock":            {tags: -1, args: 1, stmt: true},
	"__trylock":           {tags: -1, args: 1},
	"__islocked":          {tags: -1, args: 1},
	"__fence":             {tags: 1, args: -1, stmt: true},
	"__atomic_op":         {tags: 0, args: 3, op: true, stmt: true},
	"__atomic_op_return":  {tags: 1, args: 3, op: true},
	"__atomic_fetch_op":   {tags: 1, args: 3, op: true},
	"__atomic_add_unless": {tags: 1, args: 3},
}

// Core reports whether the call is one of herd7's core operations
// (__load, __store, __fence, __xchg, __cmpxchg, __atomic_op, ...) rather
// than a call of another macro.
func (c *CCall) Core() bool {
	_, ok := coreOps[c.Name.Name]
	return ok
}

// ParseMacros reads a .def file. Like Parse, it never fails and never
// panics; errors come sorted, one per macro at most.
func ParseMacros(filename string, src []byte) (*MacroFile, syntax.ErrorList) {
	p := &defParser{lx: cLexer{src: src}}
	p.lx.errs = &p.errs
	p.tok = p.lx.next()
	f := &MacroFile{Filename: filename, Lines: syntax.NewLines(filename, src)}
	for p.tok.Kind != cEOF {
		start := p.tok.Span.Start
		if m := p.macro(); m.Name.Name != "" {
			f.Macros = append(f.Macros, m)
		}
		if p.errored {
			if p.tok.Span.Start == start {
				p.next()
			}
			// Resume at the next line that starts with "name(".
			for p.tok.Kind != cEOF && !(p.tok.First && p.tok.Kind == cName && p.peekParen()) {
				p.next()
			}
			p.errored = false
		}
	}
	f.Comments = p.lx.comments
	p.errs.Sort()
	if len(p.errs) == 0 {
		return f, nil
	}
	return f, p.errs
}

type defParser struct {
	lx      cLexer
	tok     ctoken
	ahead   []ctoken
	prevEnd int
	errs    syntax.ErrorList
	errored bool
	depth   int
	deep    bool
}

func (p *defParser) next() {
	p.prevEnd = p.tok.Span.End
	if len(p.ahead) > 0 {
		p.tok, p.ahead = p.ahead[0], p.ahead[1:]
		return
	}
	p.tok = p.lx.next()
}

// peekParen reports whether the token after the current one is "(".
func (p *defParser) peekParen() bool {
	if len(p.ahead) == 0 {
		p.ahead = append(p.ahead, p.lx.next())
	}
	return p.ahead[0].Kind == cPunct && p.ahead[0].Text == "("
}

func (p *defParser) errorf(span Span, format string, args ...any) {
	if p.errored {
		return
	}
	p.errored = true
	addError(&p.errs, span, format, args...)
}

func (p *defParser) is(text string) bool { return p.tok.Kind == cPunct && p.tok.Text == text }

func (p *defParser) got(text string) bool {
	if p.is(text) {
		p.next()
		return true
	}
	return false
}

func (p *defParser) expect(text, context string) bool {
	if p.got(text) {
		return true
	}
	p.errorf(p.tok.Span, "expected '%s' %s, found %s", text, context, describeC(p.tok))
	return false
}

func describeC(t ctoken) string {
	switch t.Kind {
	case cEOF:
		return "end of file"
	case cName:
		return "name " + t.Text
	}
	return "'" + t.Text + "'"
}

func (p *defParser) span(start int) Span { return Span{Start: start, End: max(start, p.prevEnd)} }

func (p *defParser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if !p.deep {
			p.deep = true
			p.errored = false
			p.errorf(p.tok.Span, "nesting too deep")
		}
		p.ahead = nil
		p.lx.off = len(p.lx.src)
		p.tok = ctoken{Kind: cEOF, Span: at(len(p.lx.src))}
		return false
	}
	return true
}

func (p *defParser) leave() { p.depth-- }

// macro reads "name(params) expr" or "name(params) { stmts }".
func (p *defParser) macro() *Macro {
	start := p.tok.Span.Start
	m := &Macro{}
	if p.tok.Kind != cName {
		p.errorf(p.tok.Span, "expected a macro name, found %s", describeC(p.tok))
		m.Name = &Ident{Span: at(start)}
		m.Span = m.Name.Span
		return m
	}
	m.Name = &Ident{Span: p.tok.Span, Name: p.tok.Text}
	p.next()
	if p.expect("(", "after the macro name") {
		if !p.is(")") {
			for {
				if p.tok.Kind != cName {
					p.errorf(p.tok.Span, "expected a parameter name, found %s", describeC(p.tok))
					break
				}
				m.Params = append(m.Params, &Ident{Span: p.tok.Span, Name: p.tok.Text})
				p.next()
				if !p.got(",") {
					break
				}
			}
		}
		p.expect(")", "to close the parameters")
	}
	if p.errored {
		m.Span = p.span(start)
		return m
	}
	if p.is("{") {
		m.Body = p.block()
	} else {
		m.Expr = p.expr(0)
	}
	m.Span = p.span(start)
	return m
}

// block reads "{ stmts }".
func (p *defParser) block() *CBlock {
	start := p.tok.Span.Start
	b := &CBlock{}
	p.expect("{", "to open a block")
	for !p.errored && !p.is("}") && p.tok.Kind != cEOF {
		b.Stmts = append(b.Stmts, p.stmt())
	}
	p.expect("}", "to close the block")
	b.Span = p.span(start)
	return b
}

// stmt reads a statement: a block, an if, an assignment or an expression
// statement.
func (p *defParser) stmt() CStmt {
	start := p.tok.Span.Start
	if p.errored || !p.enter() {
		return &CBadStmt{Span: at(start)}
	}
	defer p.leave()
	if p.is("{") {
		return p.block()
	}
	if p.tok.Kind == cName && p.tok.Text == "if" {
		p.next()
		s := &CIf{}
		p.expect("(", "after 'if'")
		s.Cond = p.expr(0)
		p.expect(")", "after the condition")
		s.Then = p.stmt()
		if p.tok.Kind == cName && p.tok.Text == "else" {
			p.next()
			s.Else = p.stmt()
		}
		s.Span = p.span(start)
		return s
	}
	x := p.exprIn(0, true)
	if p.got("=") {
		rhs := p.expr(0)
		p.expect(";", "after the assignment")
		return &CAssign{Span: p.span(start), LHS: x, RHS: rhs}
	}
	p.expect(";", "after the statement")
	return &CExprStmt{Span: p.span(start), X: x}
}

// cPrec gives the binary operators' precedences, as herd7's C grammar
// declares them: | < ^ < & < comparisons < + - < * /.
var cPrec = map[string]int{
	"|": 1, "^": 2, "&": 3,
	"==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
	"+": 5, "-": 5, "*": 6, "/": 6,
}

func (p *defParser) expr(minPrec int) CExpr { return p.exprIn(minPrec, false) }

// exprIn reads a binary expression whose operators bind tighter than
// minPrec; stmt says the expression is a whole statement, where the core
// operations that are statements may appear.
func (p *defParser) exprIn(minPrec int, stmt bool) CExpr {
	start := p.tok.Span.Start
	if p.errored || !p.enter() {
		return &CBadExpr{Span: at(start)}
	}
	defer p.leave()
	x := p.unary(stmt)
	for !p.errored && p.tok.Kind == cPunct {
		prec, ok := cPrec[p.tok.Text]
		if !ok || prec <= minPrec {
			break
		}
		op := p.tok.Text
		p.next()
		y := p.expr(prec)
		x = &CBinary{Span: p.span(start), Op: op, X: x, Y: y}
	}
	return x
}

// unary reads a name, a call, a constant, "*e" or "(e)".
func (p *defParser) unary(stmt bool) CExpr {
	t := p.tok
	start := t.Span.Start
	switch {
	case t.Kind == cInt:
		p.next()
		v, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil {
			p.errorf(t.Span, "integer %s out of range", t.Text)
		}
		return &CInt{Span: t.Span, Value: v}
	case t.Kind == cName:
		p.next()
		if p.is("{") || p.is("(") {
			return p.call(&Ident{Span: t.Span, Name: t.Text}, stmt)
		}
		if _, core := coreOps[t.Text]; core {
			return p.call(&Ident{Span: t.Span, Name: t.Text}, stmt)
		}
		return &CName{Span: t.Span, Name: t.Text}
	case p.is("*"):
		p.next()
		if !p.enter() {
			return &CBadExpr{Span: p.span(start)}
		}
		x := p.unary(false)
		p.leave()
		return &CDeref{Span: p.span(start), X: x}
	case p.is("("):
		p.next()
		x := p.expr(0)
		p.expect(")", "to close the parenthesis")
		return x
	}
	p.errorf(t.Span, "expected an expression, found %s", describeC(t))
	return &CBadExpr{Span: at(start)}
}

// call reads the tags and arguments after a called name, and checks a
// core operation's shape against herd7's grammar.
func (p *defParser) call(name *Ident, stmt bool) CExpr {
	start := name.Span.Start
	c := &CCall{Name: name}
	if p.got("{") {
		c.Braced = true
		for !p.errored {
			c.Tags = append(c.Tags, p.tag())
			if !p.got(",") {
				break
			}
		}
		p.expect("}", "to close the tags")
	}
	if p.is("(") {
		p.next()
		c.Parens = true
		if !p.is(")") {
			for !p.errored {
				c.Args = append(c.Args, p.arg())
				if !p.got(",") {
					break
				}
			}
		}
		p.expect(")", "to close the arguments")
	}
	c.Span = p.span(start)
	if !p.errored {
		p.checkCall(c, stmt)
	}
	return c
}

// tag reads one annotation: names joined by '-' ("after-unlock-lock").
func (p *defParser) tag() string {
	s := ""
	for {
		if p.tok.Kind != cName {
			p.errorf(p.tok.Span, "expected a tag, found %s", describeC(p.tok))
			return s
		}
		s += p.tok.Text
		p.next()
		if !p.is("-") {
			return s
		}
		p.next()
		s += "-"
	}
}

// arg reads a call argument: an expression, or an atomic operation's
// operator (+ - & | ^ &~) standing alone.
func (p *defParser) arg() CExpr {
	t := p.tok
	if t.Kind == cPunct {
		switch t.Text {
		case "+", "-", "&", "|", "^":
			n := 1
			if t.Text == "&" && p.peekText("~") {
				n = 2
			}
			if p.peekTextAt(n, ",") || p.peekTextAt(n, ")") {
				op := t.Text
				p.next()
				if n == 2 {
					p.next()
					op = "&~"
				}
				return &COp{Span: p.span(t.Span.Start), Op: op}
			}
		}
	}
	return p.expr(0)
}

func (p *defParser) peekText(text string) bool { return p.peekTextAt(1, text) }

// peekTextAt reports whether the token n places ahead is the punctuation
// text.
func (p *defParser) peekTextAt(n int, text string) bool {
	for len(p.ahead) < n {
		p.ahead = append(p.ahead, p.lx.next())
	}
	t := p.ahead[n-1]
	return t.Kind == cPunct && t.Text == text
}

// checkCall reports a core operation used with the wrong shape, an
// operator argument anywhere else, and tags on a macro call.
func (p *defParser) checkCall(c *CCall, stmt bool) {
	op, core := coreOps[c.Name.Name]
	for i, a := range c.Args {
		if _, isOp := a.(*COp); isOp && !(core && op.op && i == 1) {
			p.errorf(a.GetSpan(), "an operator is only the second argument of an atomic operation")
			return
		}
	}
	if !core {
		if c.Braced {
			p.errorf(c.Name.Span, "%s is not one of herd7's core operations and takes no {tags}", c.Name.Name)
		} else if !c.Parens {
			p.errorf(c.Span, "expected '(' after %s", c.Name.Name)
		}
		return
	}
	name := c.Name.Name
	switch {
	case op.tags == 1 && !c.Braced:
		p.errorf(c.Span, "%s needs {tags}", name)
	case op.tags == -1 && c.Braced:
		p.errorf(c.Span, "%s takes no {tags}", name)
	case op.args == -1 && c.Parens:
		p.errorf(c.Span, "%s takes no arguments", name)
	case op.args >= 0 && !c.Parens:
		p.errorf(c.Span, "expected '(' after %s", name)
	case op.args >= 0 && len(c.Args) != op.args && len(c.Args) != op.args2:
		want := strconv.Itoa(op.args)
		if op.args2 != 0 {
			want += " or " + strconv.Itoa(op.args2)
		}
		p.errorf(c.Span, "%s takes %s arguments, found %d", name, want, len(c.Args))
	case op.op && !isCOp(c.Args[1]):
		p.errorf(c.Args[1].GetSpan(), "the second argument of %s is an operator (+, -, &, |, ^ or &~)", name)
	case op.stmt && !stmt:
		p.errorf(c.Span, "%s is a statement, not an expression", name)
	}
}

func isCOp(x CExpr) bool {
	_, ok := x.(*COp)
	return ok
}

// String returns a call as written, for messages and tests:
// "__load{ONCE}(*X)".
func (c *CCall) String() string { return cString(c) }

func cString(x CExpr) string {
	switch x := x.(type) {
	case *CName:
		return x.Name
	case *CInt:
		return strconv.FormatInt(x.Value, 10)
	case *CDeref:
		return "*" + cString(x.X)
	case *COp:
		return x.Op
	case *CBinary:
		return fmt.Sprintf("(%s %s %s)", cString(x.X), x.Op, cString(x.Y))
	case *CCall:
		s := x.Name.Name
		if x.Braced {
			s += "{"
			for i, t := range x.Tags {
				if i > 0 {
					s += ","
				}
				s += t
			}
			s += "}"
		}
		if x.Parens {
			s += "("
			for i, a := range x.Args {
				if i > 0 {
					s += ","
				}
				s += cString(a)
			}
			s += ")"
		}
		return s
	}
	return "?"
}
