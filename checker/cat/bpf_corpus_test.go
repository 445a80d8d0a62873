package cat

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// bpfModelFile reads herd7's BPF model (bpf.cat, with cos-opt.cat and
// stdlib.cat beside it), as herd7 runs BPF tests with it.
func bpfModelFile(t testing.TB) *Model {
	t.Helper()
	m, err := New(filepath.Join(sharedDir(t), "model", "bpf", "bpf.cat"), Options{})
	require.NoError(t, err)
	return m
}

// TestBPFCorpus runs the interpreted bpf.cat on every BPF corpus test and
// compares with herd7's output. Tests listed in
// testdata/bpf-known-failures.txt must fail and all others must pass;
// LITMUSLS_WRITE_FAILURES=1 rewrites the list from the run.
func TestBPFCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	runCorpus(t, bpfModelFile(t), []string{"bpf"}, "bpf-known-failures.txt", "BPF")
}

// TestBPFEvents runs testdata/bpf/bpf-events.cat, whose flags show how
// herd7 presents BPF atomics to a model (one event in R and W for lock,
// atomic_fetch_* and xchg; amo between the two events of a successful
// cmpxchg; the annotation sets), on the tests beside it, and compares with
// the outputs herd7 gave with the same file.
func TestBPFEvents(t *testing.T) {
	dir := filepath.Join("testdata", "bpf")
	m, err := New(filepath.Join(dir, "bpf-events.cat"), Options{Include: []string{filepath.Join(sharedDir(t), "model", "bpf")}})
	require.NoError(t, err)
	tests, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, tests)
	for _, path := range tests {
		diff, err := checkCorpusFile(m, dir, filepath.Base(path))
		require.NoError(t, err)
		require.Empty(t, diff, path)
	}
}
