package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCheckVerdictOnly: check --verdict-only prints what herd7
// -speedcheck fast prints (herd7 7.58+1 run by hand on these two tests;
// Time and Hash lines dropped).
func TestCheckVerdictOnly(t *testing.T) {
	code, out, errs := run("check", "--verdict-only", "-j", "1",
		"../shared/corpus/kernel/MP+pooncerelease+poacquireonce.litmus",
		"../shared/corpus/herd-linux/C-WWC+o-cge-o+o-cge-o+o+dstb.litmus")
	require.Equal(t, 0, code, errs)
	require.Equal(t, `Test MP+pooncerelease+poacquireonce Allowed
States 0
No
Witnesses
Positive: 0 Negative: 0
Condition exists (1:r0=1 /\ 1:r1=0)
Observation MP+pooncerelease+poacquireonce Never 0 0

Test C-WWC+o-cge-o+o-cge-o+o+dstb Allowed
States 1
0:r1=2; 1:r2=1; [x]=2;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists (0:r1=2 /\ 1:r2=1 /\ [x]=2)
Observation C-WWC+o-cge-o+o-cge-o+o+dstb Sometimes 1 0

`, withoutTimeHash(out))
}

// TestCheckVerdictOnlyAlone: --explain, --lint and --graph read the whole
// result, which --verdict-only does not compute.
func TestCheckVerdictOnlyAlone(t *testing.T) {
	for _, flags := range [][]string{{"--explain"}, {"--lint"}, {"--graph", t.TempDir()}} {
		args := append(append([]string{"check", "--verdict-only"}, flags...), "../shared/corpus/kernel/SB+poonceonces.litmus")
		code, out, errs := run(args...)
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Contains(t, errs, "--verdict-only cannot be used with --explain, --lint or --graph")
	}
}
