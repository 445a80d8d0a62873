package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestHerd7Hash: for every C and BPF test of the corpus, the hash litmusls
// computes is herd7's (the Hash= line of the .expected file), or none.
func TestHerd7Hash(t *testing.T) {
	tests := corpusTests(t, "kernel", "herd-linux", "paulmck", "bpf")
	same, none := 0, 0
	for _, test := range tests {
		src, err := os.ReadFile(test)
		require.NoError(t, err)
		want := ""
		for _, l := range strings.Split(expected0(t, test), "\n") {
			if h, ok := strings.CutPrefix(l, "Hash="); ok {
				want = h
			}
		}
		f, errs := syntax.Parse(filepath.Base(test), src)
		require.Empty(t, errs)
		got, ok := herd7Hash(f, src)
		if !ok {
			t.Logf("%s: no hash", test)
			none++
			continue
		}
		if got != want {
			t.Errorf("%s: hash %s, herd7 %s", test, got, want)
			continue
		}
		same++
	}
	t.Logf("%d the same, %d without a hash", same, none)
	require.Zero(t, none, "every corpus test has herd7's hash")
}

func expected0(t *testing.T, test string) string {
	b, err := os.ReadFile(test + ".expected")
	require.NoError(t, err)
	return string(b)
}
