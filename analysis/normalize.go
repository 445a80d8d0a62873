package analysis

import (
	"sort"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// A Normalized is a test's text reduced to what decides its check, so that
// editing a comment or the layout leaves it unchanged: two texts with the
// same Key have equal syntax trees (spans aside), hence the same check
// result, and the same bytes outside comments and white space, so the
// spans of one's result can be carried over to the other ([Remap]).
type Normalized struct {
	// Key is the canonical print of the tree without its comments,
	// followed by the bytes of the text outside comments and white space.
	Key string
	// offs[i] is the byte offset in the text of the i-th byte of the
	// second part of Key.
	offs []int
}

// Normalize computes the normalized form of src, which f was parsed from
// without syntax errors.
func Normalize(f *syntax.File, src []byte) *Normalized {
	bare := *f
	bare.Comments, bare.Result, bare.Lines = nil, nil, nil
	printed := syntax.Print(&bare)

	key := make([]byte, 0, len(printed)+1+len(src))
	key = append(key, printed...)
	key = append(key, 0)
	n := &Normalized{offs: make([]int, 0, len(src))}
	comments := f.Comments
	for i := 0; i < len(src); i++ {
		for len(comments) > 0 && comments[0].Span.End <= i {
			comments = comments[1:]
		}
		if len(comments) > 0 && comments[0].Span.Start <= i {
			i = comments[0].Span.End - 1
			continue
		}
		switch src[i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			continue
		}
		key = append(key, src[i])
		n.offs = append(n.offs, i)
	}
	n.Key = string(key)
	return n
}

// offset maps byte offset off of n's text to the text of to, which has the
// same key: an offset inside a kept byte maps to the same byte, and one in
// white space or a comment to the next kept byte (or the end).
func (n *Normalized) offset(off int, to *Normalized, textLen int) int {
	i := sort.SearchInts(n.offs, off)
	if i >= len(to.offs) {
		return textLen
	}
	return to.offs[i]
}

// span maps s from n's text to the text of to (of length textLen).
func (n *Normalized) span(s syntax.Span, to *Normalized, textLen int) syntax.Span {
	if s.End <= s.Start {
		off := n.offset(s.Start, to, textLen)
		return syntax.Span{Start: off, End: off}
	}
	start := n.offset(s.Start, to, textLen)
	// The end is just past the last kept byte before it.
	i := sort.SearchInts(n.offs, s.End) - 1
	end := start
	if i >= 0 && i < len(to.offs) && n.offs[i] >= s.Start {
		end = to.offs[i] + 1
	}
	return syntax.Span{Start: start, End: max(start, end)}
}

// Remap returns a copy of res, computed on a text normalized as from,
// with every span moved to the text normalized as to, of length textLen.
// The two must have the same Key. res itself is not changed, so a cached
// result can be shared.
func Remap(res *checker.Result, from, to *Normalized, textLen int) *checker.Result {
	if res == nil {
		return nil
	}
	mv := func(s syntax.Span) syntax.Span { return from.span(s, to, textLen) }
	out := *res
	if res.Errors != nil {
		out.Errors = make([]*checker.LowerError, len(res.Errors))
		for i, e := range res.Errors {
			out.Errors[i] = &checker.LowerError{Span: mv(e.Span), Msg: e.Msg}
		}
	}
	if res.Witnesses != nil {
		out.Witnesses = make([]*checker.Witness, len(res.Witnesses))
		for i, w := range res.Witnesses {
			out.Witnesses[i] = remapWitness(w, mv)
		}
	}
	if res.Reason != nil {
		r := *res.Reason
		r.Execution = remapWitness(r.Execution, mv)
		out.Reason = &r
	}
	return &out
}

func remapWitness(w *checker.Witness, mv func(syntax.Span) syntax.Span) *checker.Witness {
	if w == nil {
		return nil
	}
	out := *w
	out.Events = make([]checker.WitnessEvent, len(w.Events))
	for i, ev := range w.Events {
		if ev.Thread >= 0 {
			ev.Span = mv(ev.Span)
		}
		out.Events[i] = ev
	}
	return &out
}
