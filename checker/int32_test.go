package checker

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestInt32 pins herd7's C arithmetic: values are 32-bit integers that
// wrap around, and a literal outside that range is an error (herd7 7.58+1
// stops with "Int32.of_string"). The states are herd7's.
func TestInt32(t *testing.T) {
	for _, tc := range []struct{ body, init, state, err string }{
		{body: "r0 = 2147483647;\n\tr0 = r0 + 1;\n\tWRITE_ONCE(*x, r0 * 2);", state: "0:r0=-2147483648; [x]=0;"},
		{body: "r0 = -2147483648;\n\tr0 = r0 - 1;", init: "x = -2147483648;", state: "0:r0=2147483647; [x]=-2147483648;"},
		{body: "r0 = 65536;\n\tr0 = r0 * 65536;\n\tWRITE_ONCE(*x, r0 + 1);", state: "0:r0=0; [x]=1;"},
		{body: "r0 = -2147483647;\n\tr0 = r0 - 2;", state: "0:r0=2147483647; [x]=0;"},
		{body: "r0 = 2147483648;", err: "2147483648 does not fit in 32 bits"},
		{body: "r0 = 0;", init: "x = 4294967295;", err: "4294967295 does not fit in 32 bits"},
	} {
		src := "C int32\n{ " + tc.init + " }\nP0(int *x)\n{\n\tint r0;\n\t" + tc.body + "\n}\nlocations [x]\nexists (0:r0=0)\n"
		f, errs := syntax.Parse("int32.litmus", []byte(src))
		require.Empty(t, errs, src)
		res, err := Check(context.Background(), f, Options{})
		require.NoError(t, err)
		if tc.err != "" {
			require.Len(t, res.Errors, 1, src)
			require.Contains(t, res.Errors[0].Msg, tc.err)
			continue
		}
		require.Empty(t, res.Errors, src)
		require.Len(t, res.States, 1, src)
		require.Equal(t, tc.state, strings.TrimSpace(res.States[0].String()), src)
	}
}
