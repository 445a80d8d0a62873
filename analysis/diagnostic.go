package analysis

import "github.com/litmusls/litmusls/syntax"

// Severity says how serious a diagnostic is. The values follow LSP's
// order (1 is the most serious) so the server can pass them through.
type Severity int

const (
	SeverityError       Severity = 1 // the test is broken or contradicts itself
	SeverityWarning     Severity = 2 // a bad outcome can happen, or the model raised a flag
	SeverityInformation Severity = 3 // a fact about the test worth seeing, such as "never reached"
	SeverityHint        Severity = 4
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInformation:
		return "information"
	case SeverityHint:
		return "hint"
	}
	return "unknown"
}

// Diagnostic codes. They are stable: editors and users may key on them.
const (
	// CodeSyntax is a syntax error.
	CodeSyntax = "syntax"
	// CodeUnsupported is a construct the checker cannot check (an unknown
	// primitive, an undeclared variable, a test without a condition...).
	CodeUnsupported = "unsupported"
	// CodeReachable marks a condition whose outcome some allowed execution
	// reaches: an exists or ~exists proposition that can be satisfied, or a
	// forall proposition that can be violated.
	CodeReachable = "reachable"
	// CodeNever marks a condition whose outcome no allowed execution
	// reaches, with the reason.
	CodeNever = "never"
	// CodeResultMismatch marks a "Result:" comment that disagrees with
	// the checker.
	CodeResultMismatch = "result-mismatch"
	// CodeFlag is a flag of the model other than data-race (unbalanced RCU
	// or SRCU locking, lock misuse, mixed-size accesses).
	CodeFlag = "flag"
	// CodeDataRace is the data-race flag of the LKMM.
	CodeDataRace = "data-race"
	// CodeBudget marks a check cut off by its time budget.
	CodeBudget = "budget"
	// CodeNotModeled marks annotated C that the translation to a litmus
	// test leaves out or approximates.
	CodeNotModeled = "not-modeled"
	// CodeAnnotation marks a malformed litmus annotation in C.
	CodeAnnotation = "annotation"
)

// Source names litmusls as the origin of every diagnostic.
const Source = "litmusls"

// A Diagnostic is one problem or fact about a litmus test, located by byte
// offsets in the test's source.
type Diagnostic struct {
	Span     syntax.Span // where it applies; byte offsets
	Severity Severity
	Code     string // one of the Code constants
	Message  string // for people; the first line stands alone, further lines give details
	Related  []Related
	Fixes    []Fix // edits that resolve the diagnostic, or nil
}

// A Related is another location that matters to a diagnostic, such as an
// access of a witness execution or an event of a forbidding cycle.
type Related struct {
	Span    syntax.Span // byte offsets
	Message string
}

// A Fix is a set of edits that resolves a diagnostic.
type Fix struct {
	Title string
	Edits []Edit
}
