package syntax

import (
	"sort"
	"strings"
)

func sortComments(cs []*Comment) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Span.Start < cs[j].Span.Start })
}

// findResult looks for "Result:" in the comments and reads the verdict and
// the capitalised flags after it, up to the end of the line.
func findResult(src []byte, cs []*Comment) *Result {
	for _, c := range cs {
		i := strings.Index(c.Text, "Result:")
		if i < 0 {
			continue
		}
		start := c.Span.Start + i + len("Result:")
		end := start
		for end < c.Span.End && src[end] != '\n' {
			end++
		}
		// Stop before a closing comment delimiter on the same line.
		line := string(src[start:end])
		for _, d := range []string{"*)", "*/"} {
			if k := strings.Index(line, d); k >= 0 {
				line = line[:k]
			}
		}
		lead := len(line) - len(strings.TrimLeft(line, " \t"))
		text := strings.TrimSpace(line)
		if text == "" {
			continue
		}
		r := &Result{Span: Span{start + lead, start + lead + len(text)}}
		for k, w := range strings.Fields(text) {
			if k == 0 {
				r.Verdict = strings.TrimRight(w, ".,;")
				continue
			}
			if w != strings.ToUpper(w) || strings.ToLower(w) == w {
				break
			}
			r.Flags = append(r.Flags, strings.TrimRight(w, ".,;"))
		}
		return r
	}
	return nil
}
