package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

func TestSelftestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("selftest reads ../shared/model")
	}
	for _, model := range []string{"lkmm", "bpf"} {
		code, out, errs := run("selftest", "--count", "20", "--seed", "7", "--model", model, "--out", t.TempDir())
		require.Equal(t, 0, code, errs)
		require.Equal(t, "20 tests, 0 disagreements\n", out)
	}

	// A model that allows everything and raises no flag disagrees with
	// the compiled one: each disagreement is written, minimized.
	dir := t.TempDir()
	std, err := os.ReadFile(filepath.Join("..", "shared", "model", "lkmm", "stdlib.cat"))
	require.NoError(t, err)
	writeFile(t, dir, "stdlib.cat", string(std))
	allow := writeFile(t, dir, "allow.cat", "\"allow everything\"\n")
	out := filepath.Join(dir, "out")
	code, stdout, errs := run("selftest", "--count", "2", "--seed", "10", "--cat", allow, "--out", out)
	require.Equal(t, 1, code, errs)
	require.Contains(t, stdout, "2 tests, 2 disagreements\n")
	for _, name := range []string{"lkmm-10.litmus", "lkmm-11.litmus"} {
		text, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		_, perrs := syntax.Parse(name, text)
		require.Empty(t, perrs)
		require.Contains(t, string(text), "the compiled and the interpreted model disagree")
	}

	code, _, _ = run("selftest", "--model", "arm")
	require.Equal(t, 2, code)
	code, _, _ = run("selftest", "--cat", filepath.Join(dir, "missing.cat"))
	require.Equal(t, 2, code)
}
