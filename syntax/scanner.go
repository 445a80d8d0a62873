package syntax

// This file holds the scanner shared by the C dialect and the parts both
// dialects have in common (init block, final clauses).

// A tokKind classifies a token.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokIdent          // names and keywords
	tokInt            // decimal or hexadecimal integer
	tokString         // "..." (Text keeps the quotes)
	tokOp             // punctuation and operators; Text says which
	tokBad            // a byte that starts no token
)

// A token is one lexical unit with its span.
type token struct {
	Kind tokKind
	Text string
	Span Span
}

// A scanner splits source text into tokens, recording every comment.
// It never fails: bytes it does not understand become tokBad tokens,
// and an unterminated comment or string is reported and ends at EOF.
type scanner struct {
	src      []byte
	off      int
	errs     *ErrorList
	comments []*Comment
	seen     map[int]bool // start offsets of comments already recorded (the scanner may rescan)
	eofErr   bool         // an unterminated comment or string ran to EOF
	ml       bool         // whether "(* *)" starts a comment: true outside thread code, as in herd7
}

func newScanner(src []byte, errs *ErrorList) *scanner {
	return &scanner{src: src, errs: errs, seen: map[int]bool{}}
}

// ops lists the multi-byte operators, longest first within each prefix.
var ops = []string{
	"<<=", ">>=", "/\\", "\\/", "->", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "++", "--",
}

func isLetter(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipSpace skips white space and comments.
func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case s.ml && c == '(' && s.peekByte(1) == '*':
			s.mlComment()
		case c == '/' && s.peekByte(1) == '*':
			start := s.off
			end := len(s.src)
			for i := s.off + 2; i+1 < len(s.src); i++ {
				if s.src[i] == '*' && s.src[i+1] == '/' {
					end = i + 2
					break
				}
			}
			if end == len(s.src) && !(end >= start+4 && s.src[end-2] == '*' && s.src[end-1] == '/') {
				s.errorOnce(Span{start, start + 2}, "comment not terminated")
			}
			s.addComment(start, end)
			s.off = end
		case c == '/' && s.peekByte(1) == '/':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
			end := s.off
			if end > start && s.src[end-1] == '\r' {
				end--
			}
			s.addComment(start, end)
		default:
			return
		}
	}
}

// mlComment skips an OCaml-style comment "(* ... *)", which nests as in
// herd7's lexers.
func (s *scanner) mlComment() {
	start := s.off
	depth := 0
	i := s.off
	for i < len(s.src) {
		if s.src[i] == '(' && i+1 < len(s.src) && s.src[i+1] == '*' {
			depth++
			i += 2
			continue
		}
		if s.src[i] == '*' && i+1 < len(s.src) && s.src[i+1] == ')' {
			depth--
			i += 2
			if depth == 0 {
				break
			}
			continue
		}
		i++
	}
	if depth > 0 {
		s.errorOnce(Span{start, start + 2}, "comment not terminated")
		i = len(s.src)
	}
	s.addComment(start, i)
	s.off = i
}

func (s *scanner) errorOnce(span Span, msg string) {
	if s.seen[-1-span.Start] {
		return
	}
	s.seen[-1-span.Start] = true
	s.eofErr = true
	s.errs.Add(span, "%s", msg)
}

func (s *scanner) addComment(start, end int) {
	if s.seen[start] {
		return
	}
	s.seen[start] = true
	blank := start
	for blank > 0 && (s.src[blank-1] == ' ' || s.src[blank-1] == '\t') {
		blank--
	}
	space := ""
	if blank > 0 && s.src[blank-1] != '\n' && s.src[blank-1] != '\r' {
		space = string(s.src[blank:start])
	}
	s.comments = append(s.comments, &Comment{Span: Span{start, end}, Text: string(s.src[start:end]), Space: space})
}

func (s *scanner) peekByte(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// next returns the next token.
func (s *scanner) next() token {
	s.skipSpace()
	start := s.off
	if s.off >= len(s.src) {
		return token{Kind: tokEOF, Span: Span{start, start}}
	}
	c := s.src[s.off]
	switch {
	case isLetter(c):
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.off++
		}
		return s.tok(tokIdent, start)
	case isDigit(c):
		if c == '0' && (s.peekByte(1) == 'x' || s.peekByte(1) == 'X') {
			s.off += 2
		}
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.off++
		}
		return s.tok(tokInt, start)
	case c == '"':
		s.off++
		for s.off < len(s.src) && s.src[s.off] != '"' && s.src[s.off] != '\n' {
			s.off++
		}
		if s.off >= len(s.src) || s.src[s.off] != '"' {
			s.errorOnce(Span{start, start + 1}, "string not terminated")
			if s.off > start+1 && s.src[s.off-1] == '\r' {
				s.off-- // the '\r' of a CRLF line break is not part of the string
			}
			return s.tok(tokString, start)
		}
		s.off++
		return s.tok(tokString, start)
	}
	for _, op := range ops {
		if len(s.src)-s.off >= len(op) && string(s.src[s.off:s.off+len(op)]) == op {
			s.off += len(op)
			return s.tok(tokOp, start)
		}
	}
	switch c {
	case '(', ')', '{', '}', '[', ']', ';', ',', ':', '=', '+', '-', '*', '/', '%',
		'&', '|', '^', '!', '~', '<', '>', '?', '.':
		s.off++
		return s.tok(tokOp, start)
	}
	s.off++
	return s.tok(tokBad, start)
}

func (s *scanner) tok(k tokKind, start int) token {
	return token{Kind: k, Text: string(s.src[start:s.off]), Span: Span{start, s.off}}
}
