package checker

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestBPFLabelsSharedByThreads: herd7 rejects a BPF test that defines the
// same label in two threads ("Label L0 occurs more that once"), so the
// checker reports it at the second definition instead of answering.
func TestBPFLabelsSharedByThreads(t *testing.T) {
	src := `BPF two-L0
{
0:r6=x; 1:r6=x;
}
 P0                    | P1                    ;
 r1 = *(u32 *)(r6 + 0) | r1 = *(u32 *)(r6 + 0) ;
 if r1 == 0 goto L0    | if r1 == 0 goto L0    ;
 *(u32 *)(r6 + 0) = 1  | *(u32 *)(r6 + 0) = 2  ;
 L0:                   | L0:                   ;
exists (0:r1=1)
`
	f, errs := syntax.Parse("two-L0.litmus", []byte(src))
	require.Empty(t, errs)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	require.Contains(t, res.Errors[0].Msg, "label L0 defined twice")
	require.Equal(t, "9:26", f.Lines.Position(res.Errors[0].Span.Start).String()[len("two-L0.litmus:"):])
}
