package lint

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/syntax"
)

// The helpers of the package's tests, as package analysis's tests have
// them (diagnose_test.go): the lints' tests moved here with them.

// checkSpan says what is wrong with span in src, or "".
func checkSpan(span syntax.Span, src []byte) string {
	if span.Start < 0 || span.End < span.Start || span.End > len(src) {
		return "span out of the text"
	}
	return ""
}

// applyEdits applies a fix's edits to src; they must not overlap.
func applyEdits(t *testing.T, src []byte, edits []analysis.Edit) []byte {
	t.Helper()
	out, err := analysis.Apply(src, edits)
	require.NoError(t, err)
	return out
}

func dump(f *syntax.File, diags []analysis.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("  " + f.Lines.Position(d.Span.Start).String() + " " + d.Code + ": " + d.Message + "\n")
		for _, r := range d.Related {
			b.WriteString("    " + f.Lines.Position(r.Span.Start).String() + ": " + r.Message + "\n")
		}
	}
	return b.String()
}
