package testkit

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// KnownFailures runs differ on each test (paths relative to a corpus,
// sorted; at most jobs at a time) and enforces the list of known failures
// in testdata/list both ways: a listed test must differ and every other
// one must agree, so the list only shrinks. differ returns "" when the
// test agrees with herd7, else a description of the first difference.
// The list holds one test per line, "#" starting a comment; with
// LITMUSLS_WRITE_FAILURES=1 the run writes it again, each failing test
// with the first line of its difference. what names the corpus in the
// log and the list's header.
func KnownFailures(t *testing.T, tests []string, list, what string, jobs int, differ func(rel string) (string, error)) {
	t.Helper()
	path := filepath.Join("testdata", list)
	known := map[string]bool{}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			known[line] = true
		}
	}
	diffs := make([]string, len(tests))
	errs := make([]error, len(tests))
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i, rel := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			diffs[i], errs[i] = differ(rel)
		}()
	}
	wg.Wait()
	pass, total := map[string]int{}, map[string]int{}
	var dirs, failing []string
	for i, rel := range tests {
		require.NoError(t, errs[i], rel)
		dir, _, _ := strings.Cut(rel, "/")
		if total[dir] == 0 {
			dirs = append(dirs, dir)
		}
		total[dir]++
		if diffs[i] == "" {
			pass[dir]++
			if known[rel] {
				t.Errorf("%s passes now: remove it from %s", rel, path)
			}
			continue
		}
		first, _, _ := strings.Cut(diffs[i], "\n")
		failing = append(failing, rel+" # "+first)
		if !known[rel] {
			t.Errorf("%s: %s", rel, diffs[i])
		}
	}
	for rel := range known {
		if i := sort.SearchStrings(tests, rel); i == len(tests) || tests[i] != rel {
			t.Errorf("%s is in %s but not in the corpus", rel, path)
		}
	}
	for _, d := range dirs {
		t.Logf("%s %s: %d of %d tests agree with herd7", what, d, pass[d], total[d])
	}
	if os.Getenv("LITMUSLS_WRITE_FAILURES") != "" {
		text := "# " + what + " corpus tests whose result differs from herd7 (enforced both ways by " + t.Name() + "),\n" +
			"# with the first line of the difference.\n" + strings.Join(failing, "\n") + "\n"
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
}
