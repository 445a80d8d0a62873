package lint

import (
	"sort"
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

func applyEdits(t *testing.T, src []byte, edits []analysis.Edit) []byte {
	t.Helper()
	sorted := append([]analysis.Edit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Span.Start > sorted[j].Span.Start })
	out := append([]byte(nil), src...)
	for _, e := range sorted {
		require.True(t, e.Span.Start >= 0 && e.Span.Start <= e.Span.End && e.Span.End <= len(out), "edit %v", e.Span)
		out = append(out[:e.Span.Start:e.Span.Start], append([]byte(e.NewText), out[e.Span.End:]...)...)
	}
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
