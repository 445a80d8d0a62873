package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// This file holds what the lints (package lint) and the rewrites share:
// edits and their application, the spans that insert or delete a
// statement on a line of its own, the address an lvalue argument
// designates, and a check result reduced to what a fix changes.

// An Edit replaces the bytes of Span with NewText.
type Edit struct {
	Span    syntax.Span // byte offsets; empty to insert
	NewText string
}

// Apply returns src with edits applied. The edits must not overlap; they
// may come in any order.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	sorted := append([]Edit(nil), edits...)
	SortEdits(sorted)
	var b []byte
	last := 0
	for _, e := range sorted {
		if e.Span.Start < last || e.Span.End < e.Span.Start || e.Span.End > len(src) {
			return nil, fmt.Errorf("edit %d-%d overlaps another or lies outside the text", e.Span.Start, e.Span.End)
		}
		b = append(b, src[last:e.Span.Start]...)
		b = append(b, e.NewText...)
		last = e.Span.End
	}
	b = append(b, src[last:]...)
	return b, nil
}

// SortEdits puts edits in the order Apply applies them: by start, an
// insertion before a replacement at the same offset.
func SortEdits(edits []Edit) {
	sort.SliceStable(edits, func(i, j int) bool {
		a, b := edits[i].Span, edits[j].Span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End == a.Start && b.End != b.Start
	})
}

// DeletionSpan is the text to delete to remove the statement at sp: its
// whole lines when nothing else is on them, else the statement and the
// blanks after it.
func DeletionSpan(src []byte, sp syntax.Span) syntax.Span {
	start, end := sp.Start, sp.End
	for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	switch {
	case (start == 0 || src[start-1] == '\n') && end < len(src) && src[end] == '\n':
		end++ // the whole line
	case end < len(src) && src[end] == '\r' && end+1 < len(src) && src[end+1] == '\n' && (start == 0 || src[start-1] == '\n'):
		end += 2
	default:
		start = sp.Start // keep the blanks before it
	}
	return syntax.Span{Start: start, End: end}
}

// LineInsert inserts the statement text on a line of its own before the
// statement at off, with that statement's indentation and the file's
// line ending; false when something precedes the statement on its line.
func LineInsert(src []byte, off int, text string) (Edit, bool) {
	ls := off
	for ls > 0 && src[ls-1] != '\n' {
		ls--
	}
	indent := string(src[ls:off])
	if strings.Trim(indent, " \t") != "" {
		return Edit{}, false
	}
	return Edit{Span: syntax.Span{Start: ls, End: ls}, NewText: indent + text + LineEnding(src, ls)}, true
}

// LineEnding is the file's line ending as the line before the one that
// starts at ls ends: "\r\n" or "\n" (also on the first line).
func LineEnding(src []byte, ls int) string {
	if ls >= 2 && src[ls-2] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// AddrText is the address an lvalue argument designates: "x" for "*x",
// "&y" for a variable named directly, "&(e)" otherwise; text gives an
// expression's source.
func AddrText(arg syntax.Expr, text func(syntax.Expr) string) string {
	a := syntax.Unparen(arg)
	if u, ok := a.(*syntax.UnaryExpr); ok && u.Op == "*" {
		return text(u.X)
	}
	if _, ok := a.(*syntax.Ident); ok {
		return "&" + text(a)
	}
	return "&(" + text(arg) + ")"
}

// An Outcome is what the checker says of a (possibly edited) test, reduced
// to what a fix changes.
type Outcome struct {
	Verdict string // "Never", "Sometimes" or "Always"
	Bad     bool   // the outcome the condition is about happens: exists or ~exists satisfiable, forall violated
	Race    bool   // some allowed execution has a data race
	Cutoff  bool   // the check ran out of budget: Bad and Race may be wrong
	Quant   syntax.Quantifier
}

// OK reports whether the test is as its author wants it: the bad outcome
// never happens and nothing races.
func (o *Outcome) OK() bool { return !o.Bad && !o.Race && !o.Cutoff }

// Problem says in words what is wrong with a test that is not OK (and
// not cut off): its bad outcome is reachable, it races, or both.
func (o *Outcome) Problem() string {
	switch {
	case o.Bad && o.Race:
		return "bad outcome reachable and a data race"
	case o.Bad:
		return "bad outcome reachable"
	}
	return "data race"
}

// OutcomeOf reduces a checker result.
func OutcomeOf(res *checker.Result) *Outcome {
	o := &Outcome{Verdict: res.Verdict, Cutoff: res.Cutoff, Quant: res.Quant}
	if res.Quant == syntax.Forall {
		o.Bad = res.Negative > 0
	} else {
		o.Bad = res.Positive > 0
	}
	o.Race = flagIn(res.Flags, "data-race")
	return o
}
