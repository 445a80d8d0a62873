package checker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// checkBPFCorpusFile checks one BPF corpus test and returns a description
// of the first difference from herd7, or "".
func checkBPFCorpusFile(corpus, rel string) (string, error) {
	src, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		return "", err
	}
	want, err := os.ReadFile(filepath.Join(corpus, rel+".expected"))
	if err != nil {
		return "", err
	}
	f, errs := syntax.Parse(rel, src)
	if len(errs) > 0 {
		return fmt.Sprintf("parse: %v", errs[0]), nil
	}
	res, err := Check(context.Background(), f, Options{Timeout: 60 * time.Second, Workers: 1})
	if err != nil {
		return "", err
	}
	if len(res.Errors) > 0 {
		return fmt.Sprintf("error: %s", res.Errors[0].Msg), nil
	}
	if res.Cutoff {
		return "cutoff", nil
	}
	var got strings.Builder
	if err := WriteHerd(&got, res, -1); err != nil {
		return "", err
	}
	g, w := herdSummary(got.String()), herdSummary(string(want))
	if g != w {
		return fmt.Sprintf("got\n%s\nwant\n%s", g, w), nil
	}
	return "", nil
}

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
	known := map[string]bool{}
	data, err := os.ReadFile(filepath.Join("testdata", "bpf-known-failures.txt"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			known[line] = true
		}
	}
	diffs := make([]string, len(tests))
	errs := make([]error, len(tests))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, rel := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			diffs[i], errs[i] = checkBPFCorpusFile(corpus, rel)
		}()
	}
	wg.Wait()
	pass := 0
	var failing []string
	for i, rel := range tests {
		require.NoError(t, errs[i], rel)
		if diffs[i] == "" {
			pass++
			if known[rel] {
				t.Errorf("%s passes now: remove it from testdata/bpf-known-failures.txt", rel)
			}
			continue
		}
		failing = append(failing, rel)
		if !known[rel] {
			t.Errorf("%s: %s", rel, diffs[i])
		}
	}
	for rel := range known {
		if !contains(tests, rel) {
			t.Errorf("%s is in bpf-known-failures.txt but not in the corpus", rel)
		}
	}
	t.Logf("BPF corpus: %d of %d tests agree with herd7", pass, len(tests))
	if os.Getenv("LITMUSLS_WRITE_FAILURES") != "" {
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "bpf-known-failures.txt"),
			[]byte("# BPF corpus tests whose result differs from herd7 (enforced both ways by TestBPFCorpus).\n"+strings.Join(failing, "\n")+"\n"), 0o644))
	}
}
