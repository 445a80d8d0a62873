package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFmtKernelUnchanged runs "fmt -w" on copies of the Linux kernel's
// tools/memory-model/litmus-tests: the kernel's own layout is fmt's, so
// no file is rewritten (same bytes, same modification time), and "fmt"
// prints each file as it is.
func TestFmtKernelUnchanged(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "shared", "corpus", "kernel", "*.litmus"))
	require.NoError(t, err)
	require.Len(t, paths, 35)
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	var copies []string
	srcs := map[string][]byte{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		c := filepath.Join(dir, filepath.Base(p))
		require.NoError(t, os.WriteFile(c, src, 0o644))
		require.NoError(t, os.Chtimes(c, old, old))
		copies = append(copies, c)
		srcs[c] = src
	}
	code, out, errs := run(append([]string{"fmt", "-w"}, copies...)...)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, out)
	assert.Empty(t, errs)
	for _, c := range copies {
		got, err := os.ReadFile(c)
		require.NoError(t, err)
		assert.Equal(t, string(srcs[c]), string(got), c)
		fi, err := os.Stat(c)
		require.NoError(t, err)
		assert.True(t, fi.ModTime().Equal(old), "%s was rewritten", c)

		code, out, errs := run("fmt", c)
		require.Equal(t, 0, code, errs)
		assert.Equal(t, string(srcs[c]), out, c)
	}
}
