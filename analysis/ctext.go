package analysis

import (
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// SplitArgs splits the argument list whose '(' is at open into the spans of
// its top-level arguments, and returns the offset of the closing ')' (-1
// when the list is not closed; the arguments read so far are returned).
func SplitArgs(m []byte, open int) (args []syntax.Span, close int) {
	depth, from := 0, open+1
	for i := open; i < len(m); i++ {
		switch m[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				if strings.TrimSpace(string(m[from:i])) != "" || len(args) > 0 {
					args = append(args, syntax.Span{Start: from, End: i})
				}
				return args, i
			}
		case ',':
			if depth == 1 {
				args = append(args, syntax.Span{Start: from, End: i})
				from = i + 1
			}
		case ';':
			return args, -1 // a statement ended inside the list: not a call we can read
		}
	}
	return args, -1
}
