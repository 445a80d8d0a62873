package syntax

import (
	"strconv"
	"strings"
)

// Types, threads and statements of the C dialect.

// ---------------------------------------------------------------------------
// Types.

var typeWords = map[string]bool{
	"int": true, "char": true, "long": true, "short": true, "unsigned": true, "signed": true,
	"volatile": true, "const": true, "_Atomic": true, "struct": true, "void": true,
	"intptr_t": true, "uintptr_t": true, "atomic_t": true, "spinlock_t": true, "mtx_t": true,
	"atomic_int": true, "bool": true, "_Bool": true, "size_t": true,
	"int8_t": true, "uint8_t": true, "int16_t": true, "uint16_t": true,
	"int32_t": true, "uint32_t": true, "int64_t": true, "uint64_t": true,
	"__int128_t": true, "__uint128_t": true,
	"u8": true, "u16": true, "u32": true, "u64": true, "s8": true, "s16": true, "s32": true, "s64": true,
}

func isTypeWord(s string) bool { return typeWords[s] }

// isTypeStart reports whether the lookahead starts a type: a type word, or
// a name followed by another name ("foo_t x").
func (p *parser) isTypeStart() bool {
	if p.tok.Kind != tokIdent {
		return false
	}
	if isTypeWord(p.tok.Text) {
		return true
	}
	nt := p.peek()
	return nt.Kind == tokIdent || nt.Kind == tokOp && nt.Text == "*" && false
}

// parseType reads qualifiers, a base name ("struct s" kept whole) and stars.
func (p *parser) parseType() *Type {
	t := &Type{Span: p.tok.Span}
	var words []string
	for p.tok.Kind == tokIdent {
		w := p.tok.Text
		if w == "struct" {
			p.next()
			if p.tok.Kind != tokIdent {
				p.errorf(p.tok.Span, "expected struct name, found %s", describe(p.tok))
				break
			}
			words = append(words, "struct "+p.tok.Text)
			p.next()
			continue
		}
		if len(words) > 0 && !isTypeWord(w) {
			break
		}
		if len(words) > 0 && !isQualifier(words[len(words)-1]) && !isQualifier(w) {
			break
		}
		words = append(words, w)
		p.next()
	}
	t.Name = strings.Join(words, " ")
	for p.is("*") {
		t.Stars++
		p.next()
	}
	t.Span.End = p.prev.Span.End
	return t
}

func isQualifier(w string) bool {
	switch w {
	case "volatile", "const", "unsigned", "signed", "_Atomic", "long", "short":
		return true
	}
	return false
}

// ---------------------------------------------------------------------------
// Threads of the C dialect.

var clauseWords = map[string]bool{"exists": true, "forall": true, "filter": true, "locations": true}

// atClause reports whether the lookahead starts a final clause.
func (p *parser) atClause() bool {
	if p.tok.Kind == tokIdent && clauseWords[p.tok.Text] {
		return true
	}
	if p.is("~") {
		nt := p.peek()
		return nt.Kind == tokIdent && nt.Text == "exists"
	}
	return false
}

// threadIndex returns n for a name "Pn", or -1.
func threadIndex(name string) int {
	if len(name) < 2 || name[0] != 'P' {
		return -1
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n < 0 || name[1] == '+' || name[1] == '-' {
		return -1
	}
	return n
}

// startsThread reports whether the lookahead is "Pn" followed by '('.
func startsThread(p *parser) bool {
	return p.tok.Kind == tokIdent && threadIndex(p.tok.Text) >= 0 && p.peek().Text == "("
}

func (p *parser) parseThreads() {
	p.s.ml = false
	p.rescan()
	defer func() {
		p.s.ml = true
		p.rescan()
	}()
	for p.tok.Kind != tokEOF && !p.atClause() {
		p.bad = false
		if p.tok.Kind == tokIdent && threadIndex(p.tok.Text) >= 0 {
			p.parseThread()
			continue
		}
		p.errorf(p.tok.Span, "expected thread P%d or final condition, found %s", len(p.file.Threads), describe(p.tok))
		p.syncThread()
	}
}

// syncThread skips to the next thread or final clause.
func (p *parser) syncThread() {
	depth := 0
	for p.tok.Kind != tokEOF {
		if depth <= 0 && (startsThread(p) || p.atClause()) {
			return
		}
		if p.is("{") {
			depth++
		} else if p.is("}") {
			depth--
		}
		p.next()
	}
}

func (p *parser) parseThread() {
	th := &Thread{Span: p.tok.Span, Name: p.tok.Text, NameSpan: p.tok.Span, Index: threadIndex(p.tok.Text)}
	p.file.Threads = append(p.file.Threads, th)
	p.next()
	if !p.expect("(", "after thread name") {
		p.syncThread()
		th.Span.End = p.prev.Span.End
		return
	}
	for !p.is(")") && p.tok.Kind != tokEOF {
		if p.is("void") && p.peek().Text == ")" {
			p.next()
			break
		}
		prm := &Param{Span: p.tok.Span}
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected parameter type, found %s", describe(p.tok))
			break
		}
		prm.Type = p.parseType()
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected parameter name, found %s", describe(p.tok))
			break
		}
		prm.Name = &Ident{Span: p.tok.Span, Name: p.tok.Text}
		p.next()
		prm.Span.End = p.prev.Span.End
		th.Params = append(th.Params, prm)
		if !p.got(",") {
			break
		}
	}
	if p.bad || !p.expect(")", "after parameters") {
		// Skip to the body, if there is one on the way.
		for p.tok.Kind != tokEOF && !p.is("{") && !startsThread(p) && !p.atClause() {
			p.next()
		}
		if !p.is("{") {
			th.Span.End = p.prev.Span.End
			return
		}
	}
	if !p.is("{") {
		p.errorf(p.tok.Span, "expected '{' to start the body of %s, found %s", th.Name, describe(p.tok))
		p.syncThread()
		th.Span.End = p.prev.Span.End
		return
	}
	p.bad = false
	th.Body = p.parseBlock(th.Name)
	th.Span.End = th.Body.Span.End
}

// ---------------------------------------------------------------------------
// Statements.

// parseBlock reads "{ stmts }". owner names the thread for messages.
func (p *parser) parseBlock(owner string) *BlockStmt {
	b := &BlockStmt{Span: p.tok.Span}
	p.next()
	for !p.is("}") {
		if p.tok.Kind == tokEOF || startsThread(p) || p.atClause() {
			p.bad = false
			p.errorf(p.tok.Span, "expected '}' to end the body of %s, found %s", owner, describe(p.tok))
			b.Span.End = p.prev.Span.End
			return b
		}
		start := p.tok.Span.Start
		b.Stmts = append(b.Stmts, p.parseStmt(owner)...)
		if p.tok.Span.Start == start && !p.is("}") {
			p.next() // guarantee progress
		}
	}
	b.Span.End = p.tok.Span.End
	p.next()
	return b
}

// parseStmt reads one statement; declarations with several declarators
// give several DeclStmts.
func (p *parser) parseStmt(owner string) []Stmt {
	if !p.enter() {
		return []Stmt{&BadStmt{Span: p.tok.Span}}
	}
	defer p.leave()
	p.bad = false
	start := p.tok.Span
	switch {
	case p.is("{"):
		return []Stmt{p.parseBlock(owner)}
	case p.is(";"):
		p.next()
		return []Stmt{&EmptyStmt{Span: start}}
	case p.is("if"):
		p.next()
		s := &IfStmt{Span: start}
		s.Cond = p.parseParenCond("if")
		if p.bad && !p.is("{") {
			p.syncStmt()
			s.Span.End = p.prev.Span.End
			return []Stmt{s}
		}
		s.Then = p.parseOne(owner)
		if p.is("else") {
			p.next()
			s.Else = p.parseOne(owner)
		}
		s.Span.End = p.prev.Span.End
		return []Stmt{s}
	case p.is("while"):
		p.next()
		s := &WhileStmt{Span: start}
		s.Cond = p.parseParenCond("while")
		if p.bad && !p.is("{") {
			p.syncStmt()
			s.Span.End = p.prev.Span.End
			return []Stmt{s}
		}
		s.Body = p.parseOne(owner)
		s.Span.End = p.prev.Span.End
		return []Stmt{s}
	case p.isTypeStart():
		return p.parseDecl()
	}
	x := p.parseExpr()
	s := &ExprStmt{Span: start, X: x}
	p.endStmt()
	s.Span.End = p.prev.Span.End
	if _, ok := x.(*BadExpr); ok {
		return []Stmt{&BadStmt{Span: s.Span}}
	}
	return []Stmt{s}
}

// parseOne reads a statement used as the body of if/while, wrapping a
// multi-declaration in a block.
func (p *parser) parseOne(owner string) Stmt {
	if p.is("}") || p.tok.Kind == tokEOF {
		p.errorf(p.tok.Span, "expected statement, found %s", describe(p.tok))
		return &BadStmt{Span: Span{p.tok.Span.Start, p.tok.Span.Start}}
	}
	ss := p.parseStmt(owner)
	if len(ss) == 1 {
		return ss[0]
	}
	return &BlockStmt{Span: ss[0].GetSpan(), Stmts: ss}
}

func (p *parser) parseParenCond(kw string) Expr {
	if !p.expect("(", "after "+kw) {
		return &BadExpr{Span: p.tok.Span}
	}
	x := p.parseExpr()
	p.expect(")", "after "+kw+" condition")
	return x
}

// endStmt consumes the ';' ending a statement, or reports its absence and
// recovers: a statement that simply lacks its ';' at the end of a line is
// taken as ended; otherwise the rest of the statement is skipped.
func (p *parser) endStmt() {
	if p.bad {
		p.syncStmt()
		return
	}
	if p.got(";") {
		return
	}
	p.errorf(p.tok.Span, "expected ';' after statement, found %s", describe(p.tok))
	if p.is("}") || p.lineOf(p.tok.Span.Start) > p.lineOf(p.prev.Span.End) {
		return
	}
	p.syncStmt()
}

func (p *parser) lineOf(off int) int { return p.file.Lines.Position(off).Line }

// syncStmt skips to the end of the current statement: past a ';', or to
// a '}' closing the enclosing block; blocks on the way are skipped whole.
func (p *parser) syncStmt() {
	depth := 0
	for p.tok.Kind != tokEOF && !startsThread(p) && !p.atClause() {
		switch {
		case p.is("{"):
			depth++
		case p.is("}"):
			if depth == 0 {
				return
			}
			depth--
			if depth == 0 {
				p.next()
				return
			}
		case p.is(";") && depth == 0:
			p.next()
			return
		}
		p.next()
	}
}

func (p *parser) parseDecl() []Stmt {
	start := p.tok.Span
	base := p.parseType()
	var out []*DeclStmt
	for {
		t := &Type{Span: base.Span, Name: base.Name, Stars: base.Stars}
		if len(out) > 0 {
			t.Stars = 0
			t.Span = p.tok.Span
			for p.is("*") {
				t.Stars++
				p.next()
			}
		}
		if p.tok.Kind != tokIdent {
			p.errorf(p.tok.Span, "expected name in declaration, found %s", describe(p.tok))
			break
		}
		d := &DeclStmt{Type: t, Name: &Ident{Span: p.tok.Span, Name: p.tok.Text}}
		p.next()
		if p.got("=") {
			d.Value = p.parseExpr()
		}
		out = append(out, d)
		if !p.got(",") || p.bad {
			break
		}
	}
	p.endStmt()
	span := Span{start.Start, p.prev.Span.End}
	if len(out) == 0 {
		return []Stmt{&BadStmt{Span: span}}
	}
	ss := make([]Stmt, len(out))
	for i, d := range out {
		d.Span = span
		ss[i] = d
	}
	return ss
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
