package cat

import (
	"fmt"
	"unicode/utf8"

	"github.com/litmusls/litmusls/syntax"
)

// tokKind is the kind of a cat token. Keywords and operators have a kind
// each; names, tags and strings carry their text.
type tokKind int

const (
	tEOF tokKind = iota
	tName
	tTag    // 'name; Text has no quote
	tString // "..."; Text has no quotes

	// Punctuation and operators.
	tLPar       // (
	tRPar       // )
	tLAcc       // {
	tRAcc       // }
	tLBrac      // [
	tRBrac      // ]
	tUnderscore // _
	tEmpty      // 0
	tUnion      // |
	tAlt        // ||
	tInter      // &
	tLAnd       // &&
	tStar       // *
	tComp       // ~
	tPlus       // +
	tPlusPlus   // ++
	tHat        // ^
	tInv        // -1
	tDiff       // \
	tOpt        // ?
	tEqual      // =
	tSemi       // ;
	tComma      // ,
	tArrow      // ->

	// Keywords.
	tLet
	tRec
	tAnd
	tWhen
	tAcyclic
	tIrreflexive
	tShow
	tUnshow
	tTestEmpty // empty
	tSubset
	tAs
	tFun
	tIn
	tRequires // undefined_unless
	tFlag
	tAssert
	tInclude
	tVariant
	tBegin
	tEnd
	tProcedure
	tCall
	tEnum
	tDebug
	tMatch
	tWith
	tForall
	tFrom
	tDo
	tTry
	tIf
	tThen
	tElse
	tCatdep
	tInstructions
	tDefault
	tNot // not
)

// keywords maps each reserved word to its token kind, as herd7's model
// lexer does.
var keywords = map[string]tokKind{
	"let": tLet, "rec": tRec, "and": tAnd, "when": tWhen,
	"acyclic": tAcyclic, "irreflexive": tIrreflexive, "show": tShow,
	"unshow": tUnshow, "empty": tTestEmpty, "subset": tSubset, "as": tAs,
	"fun": tFun, "in": tIn, "undefined_unless": tRequires, "flag": tFlag,
	"assert": tAssert, "include": tInclude, "variant": tVariant,
	"begin": tBegin, "end": tEnd, "procedure": tProcedure, "call": tCall,
	"enum": tEnum, "debug": tDebug, "match": tMatch, "with": tWith,
	"forall": tForall, "from": tFrom, "do": tDo, "try": tTry, "if": tIf,
	"then": tThen, "else": tElse, "catdep": tCatdep,
	"instructions": tInstructions, "default": tDefault, "not": tNot,
}

// A token is one lexeme with its span.
type token struct {
	Kind tokKind
	Span Span
	Text string // the name, the tag without quote, the string without quotes, else the lexeme
	// First is true for the first token of its line (for recovery).
	First bool
}

// lexer turns cat source into tokens, collecting comments and reporting
// malformed input (an unclosed comment or string, a stray character) as
// errors; it skips what it cannot read.
type lexer struct {
	src      []byte
	off      int
	errs     *syntax.ErrorList
	comments []*Comment
	lineTok  bool // a token was already produced on the current line
	// stray0 and strayEnd delimit the run of stray characters not yet
	// reported; stray0 is -1 when there is none.
	stray0, strayEnd int
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// nameEnd returns the end of the name starting at i, or i when none
// starts there. A name is an optional underscore, a letter, then letters,
// digits, underscores, dots and dashes, and at most one final quote.
func nameEnd(src []byte, i int) int {
	j := i
	if j < len(src) && src[j] == '_' {
		j++
	}
	if j >= len(src) || !isAlpha(src[j]) {
		return i
	}
	for j < len(src) {
		c := src[j]
		if isAlpha(c) || isDigit(c) || c == '_' || c == '.' || c == '-' {
			j++
			continue
		}
		break
	}
	if j < len(src) && src[j] == '\'' {
		j++
	}
	return j
}

// next returns the next token.
func (l *lexer) next() token {
	for {
		l.skipSpace()
		if l.off >= len(l.src) {
			l.flushStray()
			return token{Kind: tEOF, Span: at(len(l.src))}
		}
		start := l.off
		first := !l.lineTok
		t, ok := l.scan()
		if !ok {
			continue // a comment or a stray character
		}
		l.flushStray()
		l.lineTok = true
		t.Span = Span{Start: start, End: l.off}
		t.First = first
		return t
	}
}

// skipSpace skips blanks, noting line ends.
func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		switch l.src[l.off] {
		case '\n':
			l.lineTok = false
		case ' ', '\t', '\r':
		default:
			return
		}
		l.off++
	}
}

// scan reads one lexeme at l.off; ok is false for comments and for
// characters it reported and skipped.
func (l *lexer) scan() (t token, ok bool) {
	src, start := l.src, l.off
	c := src[start]
	two := ""
	if start+1 < len(src) {
		two = string(src[start : start+2])
	}
	switch {
	case two == "(*":
		l.comment()
		return t, false
	case two == "//" || c == '#':
		for l.off < len(src) && src[l.off] != '\n' {
			l.off++
		}
		l.comments = append(l.comments, &Comment{Span: Span{Start: start, End: l.off}, Text: string(src[start:l.off])})
		return t, false
	case c == '"':
		end := start + 1
		for end < len(src) && src[end] != '"' {
			end++
		}
		if end >= len(src) {
			// The string runs to the end of the file: report it once,
			// and let the parser take it as a string.
			addError(l.errs, Span{Start: start, End: start + 1}, "string not terminated")
			l.off = len(src)
			return token{Kind: tString, Text: string(src[start+1:])}, true
		}
		l.off = end + 1
		return token{Kind: tString, Text: string(src[start+1 : end])}, true
	case c == '\'':
		end := nameEnd(src, start+1)
		if end == start+1 {
			addError(l.errs, Span{Start: start, End: start + 1}, "expected a tag name after '")
			l.off++
			return t, false
		}
		l.off = end
		return token{Kind: tTag, Text: string(src[start+1 : end])}, true
	}
	if end := nameEnd(src, start); end > start {
		l.off = end
		text := string(src[start:end])
		if k, isKw := keywords[text]; isKw {
			return token{Kind: k, Text: text}, true
		}
		return token{Kind: tName, Text: text}, true
	}
	kind := tEOF
	n := 2
	switch two {
	case "||":
		kind = tAlt
	case "&&":
		kind = tLAnd
	case "++":
		kind = tPlusPlus
	case "-1":
		kind = tInv
	case "->":
		kind = tArrow
	default:
		n = 1
		switch c {
		case '(':
			kind = tLPar
		case ')':
			kind = tRPar
		case '{':
			kind = tLAcc
		case '}':
			kind = tRAcc
		case '[':
			kind = tLBrac
		case ']':
			kind = tRBrac
		case '_':
			kind = tUnderscore
		case '0':
			kind = tEmpty
		case '|':
			kind = tUnion
		case '&':
			kind = tInter
		case '*':
			kind = tStar
		case '~':
			kind = tComp
		case '+':
			kind = tPlus
		case '^':
			kind = tHat
		case '\\':
			kind = tDiff
		case '?':
			kind = tOpt
		case '=':
			kind = tEqual
		case ';':
			kind = tSemi
		case ',':
			kind = tComma
		}
	}
	if kind == tEOF {
		l.stray()
		return t, false
	}
	l.off = start + n
	return token{Kind: kind, Text: string(src[start:l.off])}, true
}

// stray reports the character at l.off, which starts no lexeme, and skips
// it. A run of such characters makes one error, worded when the run ends
// (flushStray).
func (l *lexer) stray() {
	start := l.off
	_, size := utf8.DecodeRune(l.src[start:])
	l.off = start + size
	if l.stray0 >= 0 && l.strayEnd == start {
		l.strayEnd = l.off
		return
	}
	l.flushStray()
	l.stray0, l.strayEnd = start, l.off
}

// flushStray reports the pending run of stray characters, if any.
func (l *lexer) flushStray() {
	if l.stray0 < 0 {
		return
	}
	start, end := l.stray0, l.strayEnd
	l.stray0 = -1
	text := l.src[start:end]
	if utf8.RuneCount(text) == 1 {
		addError(l.errs, Span{Start: start, End: end}, "unexpected character %q", text)
		return
	}
	if len(text) > 16 {
		addError(l.errs, Span{Start: start, End: end}, "unexpected characters %q...", text[:16])
		return
	}
	addError(l.errs, Span{Start: start, End: end}, "unexpected characters %q", text)
}

// comment skips a (* *) comment, which may nest.
func (l *lexer) comment() {
	src, start := l.src, l.off
	depth := 0
	i := start
	for i < len(src) {
		if i+1 < len(src) && src[i] == '(' && src[i+1] == '*' {
			depth++
			i += 2
			continue
		}
		if i+1 < len(src) && src[i] == '*' && src[i+1] == ')' {
			depth--
			i += 2
			if depth == 0 {
				break
			}
			continue
		}
		i++
	}
	l.off = i
	l.comments = append(l.comments, &Comment{Span: Span{Start: start, End: i}, Text: string(src[start:i])})
	if depth > 0 {
		addError(l.errs, Span{Start: start, End: start + 2}, "comment not terminated")
	}
}

// String names a token kind for messages.
func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of file"
	case tName:
		return "identifier"
	case tTag:
		return "tag"
	case tString:
		return "string"
	}
	for text, kw := range keywords {
		if kw == k {
			return "'" + text + "'"
		}
	}
	if s, ok := punct[k]; ok {
		return "'" + s + "'"
	}
	return fmt.Sprintf("token(%d)", int(k))
}

var punct = map[tokKind]string{
	tLPar: "(", tRPar: ")", tLAcc: "{", tRAcc: "}", tLBrac: "[", tRBrac: "]",
	tUnderscore: "_", tEmpty: "0", tUnion: "|", tAlt: "||", tInter: "&",
	tLAnd: "&&", tStar: "*", tComp: "~", tPlus: "+", tPlusPlus: "++",
	tHat: "^", tInv: "-1", tDiff: "\\", tOpt: "?", tEqual: "=", tSemi: ";",
	tComma: ",", tArrow: "->",
}

// describe names a token for "found ..." in messages.
func describe(t token) string {
	switch t.Kind {
	case tEOF:
		return "end of file"
	case tName:
		return fmt.Sprintf("identifier %s", t.Text)
	case tTag:
		return fmt.Sprintf("tag '%s", t.Text)
	case tString:
		return fmt.Sprintf("string %q", t.Text)
	}
	return "'" + t.Text + "'"
}
