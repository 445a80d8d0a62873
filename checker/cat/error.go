package cat

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// A pos is a place in a model file, for messages.
type pos struct {
	lines *syntax.Lines // nil when unknown
	off   int           // byte offset
}

func (p pos) String() string {
	if p.lines == nil {
		return ""
	}
	return p.lines.Position(p.off).String()
}

// An Error is a problem in a model: a cat, bell or included file that
// cannot be read, parsed or evaluated. Its text is "file:line:col:
// message".
type Error struct {
	Pos string // file:line:col, or "" when the place is unknown
	Msg string
}

func (e *Error) Error() string {
	if e.Pos == "" {
		return e.Msg
	}
	return e.Pos + ": " + e.Msg
}

// An evalError is an error met while evaluating: herd7 raises the same
// failure, which "try" catches. It travels as a panic inside the
// evaluator and never leaves the package as one.
type evalError struct {
	at  pos
	msg string
}

func errorf(at pos, format string, args ...any) *evalError {
	return &evalError{at: at, msg: fmt.Sprintf(format, args...)}
}

// located gives e a place if it has none yet.
func (e *evalError) located(at pos) *evalError {
	if e.at.lines == nil {
		return &evalError{at: at, msg: e.msg}
	}
	return e
}

func (e *evalError) asError() *Error { return &Error{Pos: e.at.String(), Msg: e.msg} }

// fail raises an evaluation error at p.
func fail(at pos, format string, args ...any) {
	panic(errorf(at, format, args...))
}
