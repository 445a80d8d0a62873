package ide

import (
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/syntax"
)

// This file is hover in annotated BPF C: it finds the atomic builtin or
// bpf_atomic.h macro under the cursor, reads its call site (the order
// argument, whether the value is used) from the text, and renders the
// documentation of that call. The C is scanned as text, with comments and
// literals blanked; [analysis.SplitArgs] is shared with the C quick fixes.

// BPFCHoverAt returns the hover documentation of the BPF C atomic named by
// the identifier at byte offset off of the C source src (off may also be
// just past the identifier), and the identifier's span. It reads the call
// around the identifier to find its memory-order argument and whether its
// value is used. It reports false for offsets in comments, string and
// character literals, and for identifiers that are not documented.
func BPFCHoverAt(src []byte, off int) (md string, span syntax.Span, ok bool) {
	if off < 0 || off > len(src) {
		return "", syntax.Span{}, false
	}
	mask := maskC(src)
	start, end := off, off
	for start > 0 && isIdentByte(mask[start-1]) {
		start--
	}
	for end < len(mask) && isIdentByte(mask[end]) {
		end++
	}
	if start == end || (mask[start] >= '0' && mask[start] <= '9') {
		return "", syntax.Span{}, false
	}
	if afterTypeKeyword(mask, start) {
		return "", syntax.Span{}, false // "struct bpf_spin_lock" names the type, not the helper
	}
	name := string(mask[start:end])
	call := readBPFCCall(src, mask, start, end, primitive.BPFCOrderArg(name))
	d, known := primitive.BPFCBuiltin(name, call)
	if !known {
		return "", syntax.Span{}, false
	}
	return d.Markdown(nil), syntax.Span{Start: start, End: end}, true
}

// afterTypeKeyword reports whether the identifier at start follows struct,
// union or enum.
func afterTypeKeyword(m []byte, start int) bool {
	i := start
	for i > 0 && (m[i-1] == ' ' || m[i-1] == '\t' || m[i-1] == '\n' || m[i-1] == '\r') {
		i--
	}
	j := i
	for j > 0 && isIdentByte(m[j-1]) {
		j--
	}
	switch string(m[j:i]) {
	case "struct", "union", "enum":
		return true
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// maskC returns a copy of src in which comments and the insides of string
// and character literals are blanked (newlines kept), so that scans of the
// copy see only code. Byte offsets are unchanged.
func maskC(src []byte) []byte {
	m := make([]byte, len(src))
	copy(m, src)
	blank := func(i int) {
		if m[i] != '\n' {
			m[i] = ' '
		}
	}
	for i := 0; i < len(m); i++ {
		switch {
		case m[i] == '/' && i+1 < len(m) && m[i+1] == '/':
			for ; i < len(m) && m[i] != '\n'; i++ {
				blank(i)
			}
		case m[i] == '/' && i+1 < len(m) && m[i+1] == '*':
			j := i + 2
			for j < len(m) && !(m[j] == '*' && j+1 < len(m) && m[j+1] == '/') {
				j++
			}
			if j < len(m) {
				j += 2
			}
			for ; i < j && i < len(m); i++ {
				blank(i)
			}
			i--
		case m[i] == '"' || m[i] == '\'':
			q := m[i]
			i++
			for ; i < len(m) && m[i] != q && m[i] != '\n'; i++ {
				if m[i] == '\\' && i+1 < len(m) && m[i+1] != '\n' {
					blank(i)
					i++
				}
				blank(i)
			}
		}
	}
	return m
}

// readBPFCCall works out, from the masked text, the order argument of the
// call whose name spans [start, end) and whether its value is used.
func readBPFCCall(src, mask []byte, start, end, orderArg int) primitive.BPFCCall {
	var call primitive.BPFCCall
	i := skipSpace(mask, end)
	if i >= len(mask) || mask[i] != '(' {
		return call // the name alone, as in a #define: nothing to read
	}
	args, close := analysis.SplitArgs(mask, i)
	if orderArg >= 0 && orderArg < len(args) {
		a := args[orderArg]
		call.Order = strings.TrimSpace(string(src[a.Start:a.End]))
	}
	if close < 0 {
		return call
	}
	call.Result = resultUse(mask, start, close+1)
	return call
}

func skipSpace(m []byte, i int) int {
	for i < len(m) && (m[i] == ' ' || m[i] == '\t' || m[i] == '\n' || m[i] == '\r') {
		i++
	}
	return i
}

// resultUse decides whether the value of the call spanning [start, end) is
// used: it is not when the call is a whole statement (possibly cast to
// void, or the body of an if, else, while, for or do); it is when anything
// else shares the expression (an assignment, a declaration, a return, a
// condition, an operator, an enclosing call).
func resultUse(m []byte, start, end int) primitive.ResultUse {
	after := skipSpace(m, end)
	if after < len(m) && m[after] != ';' && m[after] != '}' {
		return primitive.ResultUsed // an operator, a comma or a ')' follows
	}
	// The statement starts after the last ';', '{' or '}' before it, or
	// after a preprocessor line's end.
	s := start
	for s > 0 && m[s-1] != ';' && m[s-1] != '{' && m[s-1] != '}' {
		if m[s-1] == '\n' && lineIsDirective(m, s-1) {
			break
		}
		s--
	}
	prefix := strings.TrimSpace(string(m[s:start]))
	for {
		p := prefix
		p = strings.TrimSpace(strings.TrimSuffix(p, "(void)"))
		for _, kw := range []string{"else", "do"} {
			if p == kw || strings.HasSuffix(p, " "+kw) || strings.HasSuffix(p, "\n"+kw) || strings.HasSuffix(p, "\t"+kw) {
				p = strings.TrimSpace(p[:len(p)-len(kw)])
			}
		}
		p = trimControlHead(p)
		if strings.HasSuffix(p, ":") && !strings.Contains(p, "?") {
			p = "" // case and default labels, goto labels
		}
		if p == prefix {
			break
		}
		prefix = p
	}
	if prefix == "" {
		return primitive.ResultUnused
	}
	return primitive.ResultUsed
}

// lineIsDirective reports whether the line ending at the newline nl is a
// preprocessor line (its first non-blank byte is '#') that does not
// continue on the next line.
func lineIsDirective(m []byte, nl int) bool {
	if nl > 0 && m[nl-1] == '\\' {
		return false
	}
	i := nl - 1
	for i >= 0 && m[i] != '\n' {
		i--
	}
	j := skipSpace(m, i+1)
	return j < nl && m[j] == '#'
}

// trimControlHead removes a trailing "if (...)", "while (...)" or
// "for (...)" from p: what follows one is a statement of its own.
func trimControlHead(p string) string {
	if !strings.HasSuffix(p, ")") {
		return p
	}
	depth := 0
	for i := len(p) - 1; i >= 0; i-- {
		switch p[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				head := strings.TrimSpace(p[:i])
				for _, kw := range []string{"if", "while", "for"} {
					if head == kw || strings.HasSuffix(head, kw) && !isIdentByte(head[len(head)-len(kw)-1]) {
						return strings.TrimSpace(head[:len(head)-len(kw)])
					}
				}
				return p
			}
		}
	}
	return p
}
