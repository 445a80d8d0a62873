package checker

import (
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBPFCorpus compares every BPF corpus test with herd7's output. Tests
// listed in testdata/bpf-known-failures.txt must fail, and all others must
// pass, so the list only shrinks.
func TestBPFCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	matches, err := filepath.Glob(filepath.Join(corpus, "bpf", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	var tests []string
	for _, m := range matches {
		tests = append(tests, "bpf/"+filepath.Base(m))
	}
	sort.Strings(tests)
	compareCorpus(t, corpus, tests, "bpf-known-failures.txt", "BPF")
}
