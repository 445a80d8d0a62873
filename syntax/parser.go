package syntax

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of statements, expressions and propositions,
// so that hostile input cannot exhaust the stack.
const maxDepth = 200

// Parse reads one litmus test. It always returns a non-nil File; problems
// are reported in the returned ErrorList, sorted by position.
func Parse(filename string, src []byte) (*File, ErrorList) {
	var errs ErrorList
	p := &parser{src: src, errs: &errs}
	p.s = newScanner(src, &errs)
	p.s.ml = true
	f := &File{Filename: filename, Lines: NewLines(filename, src)}
	p.file = f
	p.parseFile()
	f.Comments = p.s.comments
	sortComments(f.Comments)
	f.Result = findResult(src, f.Comments)
	errs.Sort()
	return f, errs
}

type parser struct {
	src   []byte
	s     *scanner
	errs  *ErrorList
	file  *File
	tok   token
	prev  token // the last consumed token
	bad   bool  // an error was reported in the current construct
	depth int
	deep  bool // nesting limit hit: the rest of the input is skipped

	lastErr  int  // start offset of the last error reported
	noHeader bool // line 1 is not a "C"/"BPF" header: errors for missing parts are not reported
}

func (p *parser) next() {
	p.prev = p.tok
	p.tok = p.s.next()
}

// rescan re-reads the lookahead token, after the comment mode changed.
func (p *parser) rescan() {
	p.s.off = p.tok.Span.Start
	p.tok = p.s.next()
}

// peek returns the token after the lookahead without consuming anything.
func (p *parser) peek() token {
	off := p.s.off
	t := p.s.next()
	p.s.off = off
	return t
}

// errorf reports an error unless one was already reported for the current
// construct.
func (p *parser) errorf(span Span, format string, args ...any) {
	if p.bad {
		return
	}
	p.bad = true
	p.add(span, format, args...)
}

// add reports an error, except after the nesting limit was hit, or at the
// offset of the previous error (a truncated file makes every open construct
// fail at EOF: only the first says so).
func (p *parser) add(span Span, format string, args ...any) {
	if p.deep || p.lastErr == span.Start+1 || p.s.eofErr && span.Start >= len(p.src) {
		return
	}
	p.lastErr = span.Start + 1
	p.errs.Add(span, format, args...)
}

func (p *parser) is(text string) bool {
	return (p.tok.Kind == tokOp || p.tok.Kind == tokIdent) && p.tok.Text == text
}

func (p *parser) got(text string) bool {
	if p.is(text) {
		p.next()
		return true
	}
	return false
}

// describe names a token for error messages.
func describe(t token) string {
	switch t.Kind {
	case tokEOF:
		return "end of file"
	case tokBad:
		return fmt.Sprintf("invalid character %q", t.Text)
	}
	return fmt.Sprintf("'%s'", t.Text)
}

// expect consumes the token text or reports "expected 'text' context".
func (p *parser) expect(text, context string) bool {
	if p.got(text) {
		return true
	}
	if context != "" {
		context = " " + context
	}
	p.errorf(p.tok.Span, "expected '%s'%s, found %s", text, context, describe(p.tok))
	return false
}

// enter and leave bound the nesting depth.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		if !p.deep {
			p.add(p.tok.Span, "nesting too deep")
			p.deep = true
		}
		p.s.off = len(p.src)
		p.tok = token{Kind: tokEOF, Span: Span{len(p.src), len(p.src)}}
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// ---------------------------------------------------------------------------
// File structure.

func (p *parser) parseFile() {
	f := p.file
	p.parseHeader()
	p.tok = p.s.next()
	p.parsePreamble()
	if p.is("{") {
		p.parseInit()
	} else if !p.noHeader {
		p.bad = false
		p.errorf(p.tok.Span, "expected '{' to start the init block, found %s", describe(p.tok))
	}
	if f.Dialect == DialectBPF {
		p.parseBPF()
	} else {
		p.parseThreads()
	}
	p.parseClauses()
}

// parseHeader reads line 1: the arch word and the test name.
func (p *parser) parseHeader() {
	f := p.file
	src := p.src
	i := 0
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n') {
		i++
	}
	end := i
	for end < len(src) && src[end] != '\n' {
		end++
	}
	line := src[i:end]
	w := 0
	for w < len(line) && line[w] != ' ' && line[w] != '\t' && line[w] != '\r' {
		w++
	}
	word := string(line[:w])
	f.ArchSpan = Span{i, i + w}
	switch word {
	case "C":
		f.Dialect = DialectC
	case "BPF":
		f.Dialect = DialectBPF
	default:
		span := f.ArchSpan
		if w == 0 {
			span = Span{i, i}
		}
		p.noHeader = true
		if len(bytes.TrimSpace(src)) == 0 {
			p.add(Span{0, 0}, "empty file: expected a test starting with 'C name' or 'BPF name'")
			p.s.off = len(src)
			return
		}
		p.add(span, "expected 'C' or 'BPF' at the start of the test, found %q", truncate(word))
		// Without a header, scan the whole text: the rest may still be
		// a test body.
		if w == 0 || !bytes.Contains(src, []byte("{")) {
			p.s.off = i
			return
		}
	}
	// As herd7's splitter, the name is the longest run of test-name
	// characters; the rest of the line (a "(texname)", a doc string, any
	// text) is scanned with the lines that follow it, up to the init block.
	rest := line[w:]
	lead := len(rest) - len(bytes.TrimLeft(rest, " \t\r"))
	n := 0
	for w+lead+n < len(line) && isTestNameByte(line[w+lead+n]) {
		n++
	}
	f.Name = string(line[w+lead : w+lead+n])
	f.NameSpan = Span{i + w + lead, i + w + lead + n}
	if n == 0 && !p.noHeader {
		if lead == len(rest) {
			p.add(Span{i + w, i + w}, "missing test name after %q", word)
		} else {
			p.add(Span{i + w + lead, i + w + lead + 1}, "expected test name after %q, found %q", word, rest[lead:lead+1])
		}
	}
	p.s.off = i + w + lead + n
}

// isTestNameByte reports whether c may appear in a test name, as herd7's
// splitter reads it: letters, digits and _ / . - + [ ] :.
func isTestNameByte(c byte) bool {
	switch c {
	case '_', '/', '.', '-', '+', '[', ']', ':':
		return true
	}
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

// parsePreamble reads what comes between the test name and the init
// block: the optional doc string, "Key=value" lines, and any other text,
// which herd7 reads as information and ignores ("C other", a second doc
// string). It stops at the '{' of the init block, or before a thread that
// starts where the init block should be.
func (p *parser) parsePreamble() {
	f := p.file
	for p.tok.Kind != tokEOF && !p.is("{") {
		switch {
		case p.tok.Kind == tokString && f.Doc == nil:
			t := p.tok.Text
			text := strings.TrimPrefix(t, `"`)
			text = strings.TrimSuffix(text, `"`)
			f.Doc = &DocString{Span: p.tok.Span, Text: text}
			p.next()
		case p.tok.Kind == tokIdent && p.peek().Text == "=" && !isTypeWord(p.tok.Text):
			start := p.tok.Span.Start
			key := p.tok.Text
			eq := bytes.IndexByte(p.src[start:], '=') + start
			end := eq
			for end < len(p.src) && p.src[end] != '\n' {
				end++
			}
			val := strings.TrimSpace(string(p.src[eq+1 : end]))
			lineEnd := end
			if lineEnd > start && p.src[lineEnd-1] == '\r' {
				lineEnd--
			}
			f.Meta = append(f.Meta, &MetaLine{Span: Span{start, lineEnd}, Key: key, Value: val})
			p.s.off = end
			p.next()
		case startsThread(p):
			return // no init block: parseFile says so
		default:
			p.parseInfoLine()
		}
	}
}

// parseInfoLine reads the tokens from the lookahead to the end of its line
// or to a '{', as one InfoLine.
func (p *parser) parseInfoLine() {
	start := p.tok.Span.Start
	line := p.lineOf(start)
	end := p.tok.Span.End
	for p.tok.Kind != tokEOF && !p.is("{") && p.lineOf(p.tok.Span.Start) == line {
		end = p.tok.Span.End
		p.next()
	}
	p.file.Info = append(p.file.Info, &InfoLine{Span: Span{start, end}, Text: string(p.src[start:end])})
}

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

// ---------------------------------------------------------------------------
// Expressions.

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

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ---------------------------------------------------------------------------
// BPF program section.

// parseBPF hands the program section, from the end of the init block to the
// first line starting a final clause, to the BPF column parser.
func (p *parser) parseBPF() {
	start := p.tok.Span.Start
	if p.file.Init != nil {
		start = p.file.Init.Span.End
	}
	if start > len(p.src) {
		start = len(p.src)
	}
	end := bpfProgramEnd(p.src, start)
	p.file.Program = Span{start, end}
	p.file.Threads = parseBPFProgram(p.src, Span{start, end}, p.errs)
	p.s.off = end
	p.tok = p.s.next()
}

// bpfProgramEnd returns the offset of the first line at or after start
// whose first word starts a final clause, or len(src).
func bpfProgramEnd(src []byte, start int) int {
	i := start
	for i < len(src) {
		j := i
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		if lineStartsClause(src[j:]) && (i > start || j == start || isLineStart(src, i)) {
			return j
		}
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	return len(src)
}

func isLineStart(src []byte, i int) bool { return i == 0 || src[i-1] == '\n' }

func lineStartsClause(b []byte) bool {
	b = bytes.TrimLeft(b, "~ \t")
	for w := range clauseWords {
		if bytes.HasPrefix(b, []byte(w)) && (len(b) == len(w) || !isLetter(b[len(w)]) && !isDigit(b[len(w)])) {
			return true
		}
	}
	return false
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
