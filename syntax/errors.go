package syntax

import (
	"fmt"
	"sort"
	"strings"
)

// An Error is one problem found in the source text: a span and a message
// phrased for the person who wrote the test ("expected ';' after
// statement", "unknown primitive smp_foo").
type Error struct {
	Span Span
	Msg  string
	// Primitive marks an error that is only that a call names no
	// kernel primitive of Primitives or gives one the wrong number of
	// arguments: the tree is whole, and a model's .def file, which
	// defines the primitives in its stead, may accept the call.
	Primitive bool
}

func (e *Error) Error() string { return e.Msg }

// An ErrorList is a list of errors, sorted by position once parsing ends.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(span Span, format string, args ...any) {
	*l = append(*l, &Error{Span: span, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by start offset, then end offset, then message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		if a.Span.End != b.Span.End {
			return a.Span.End < b.Span.End
		}
		return a.Msg < b.Msg
	})
}

// Err returns the list as an error, or nil if it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Msg
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Msg, len(l)-1)
}

// Format writes every error as "file:line:col: message", one per line, as
// the CLI prints them.
func (l ErrorList) Format(lines *Lines) string {
	var b strings.Builder
	for _, e := range l {
		fmt.Fprintf(&b, "%s: %s\n", lines.Position(e.Span.Start), e.Msg)
	}
	return b.String()
}
