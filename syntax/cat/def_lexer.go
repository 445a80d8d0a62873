package cat

import "github.com/litmusls/litmusls/syntax"

// This file splits a .def file into C tokens, as herd7's C lexer
// (lib/CLexer.mll) does.

// C tokens.
type cKind int

const (
	cEOF cKind = iota
	cName
	cInt
	cPunct // Text holds the operator or delimiter
)

type ctoken struct {
	Kind  cKind
	Span  Span
	Text  string
	First bool // first token of its line
}

// cLexer splits C text as herd7's C lexer does: names, integers with an
// optional leading '-', operators, "//" and "/* */" comments.
type cLexer struct {
	src      []byte
	off      int
	errs     *syntax.ErrorList
	comments []*Comment
	lineTok  bool
}

func (l *cLexer) next() ctoken {
	for {
		for l.off < len(l.src) {
			c := l.src[l.off]
			if c == '\n' {
				l.lineTok = false
			} else if c != ' ' && c != '\t' && c != '\r' {
				break
			}
			l.off++
		}
		if l.off >= len(l.src) {
			return ctoken{Kind: cEOF, Span: at(len(l.src))}
		}
		src, start := l.src, l.off
		first := !l.lineTok
		c := src[start]
		two := ""
		if start+1 < len(src) {
			two = string(src[start : start+2])
		}
		tok := ctoken{Kind: cPunct, First: first}
		switch {
		case two == "//":
			for l.off < len(src) && src[l.off] != '\n' {
				l.off++
			}
			l.comments = append(l.comments, &Comment{Span: Span{Start: start, End: l.off}, Text: string(src[start:l.off])})
			continue
		case two == "/*":
			end := start + 2
			for end < len(src) && !(src[end] == '*' && end+1 < len(src) && src[end+1] == '/') {
				end++
			}
			if end >= len(src) {
				addError(l.errs, Span{Start: start, End: start + 2}, "comment not terminated")
				l.off = len(src)
			} else {
				l.off = end + 2
			}
			l.comments = append(l.comments, &Comment{Span: Span{Start: start, End: l.off}, Text: string(src[start:l.off])})
			continue
		case isAlpha(c) || c == '_':
			end := start + 1
			for end < len(src) && (isAlpha(src[end]) || isDigit(src[end]) || src[end] == '_') {
				end++
			}
			tok.Kind = cName
			l.off = end
		case isDigit(c) || c == '-' && start+1 < len(src) && isDigit(src[start+1]):
			end := start + 1
			for end < len(src) && isDigit(src[end]) {
				end++
			}
			tok.Kind = cInt
			l.off = end
		case two == "==" || two == "!=" || two == "<=" || two == ">=":
			l.off = start + 2
		case isCPunct(c):
			l.off = start + 1
		default:
			addError(l.errs, Span{Start: start, End: start + 1}, "unexpected character %q", src[start:start+1])
			l.off++
			continue
		}
		l.lineTok = true
		tok.Span = Span{Start: start, End: l.off}
		tok.Text = string(src[start:l.off])
		return tok
	}
}

func isCPunct(c byte) bool {
	switch c {
	case '(', ')', '{', '}', ',', ';', '*', '/', '+', '-', '^', '&', '|', '~', '=', '<', '>':
		return true
	}
	return false
}
