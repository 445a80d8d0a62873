package syntax

import (
	"bytes"
	"fmt"
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
