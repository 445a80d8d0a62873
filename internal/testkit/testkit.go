// Package testkit holds what the tests of several packages share: where
// the shared reference data is, the corpus's tests, and the want comments
// of testdata files.
// Only tests import it.
package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// RepoRoot returns the repository root: the directory holding go.mod,
// found from the working directory up.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "go.mod not found")
		dir = parent
	}
}

// SharedDir returns ../shared relative to the repository root, where the
// corpus and the reference notes are; the tests need it and fail without
// it, rather than skip what they are about.
func SharedDir(t testing.TB) string {
	t.Helper()
	shared := filepath.Join(RepoRoot(t), "..", "shared")
	_, err := os.Stat(shared)
	require.NoError(t, err, "the tests read ../shared")
	return shared
}

// CorpusTests lists the litmus tests under the directories dirs of
// corpus (a ../shared/corpus), recursively, as slash-separated paths
// relative to corpus, sorted.
func CorpusTests(t testing.TB, corpus string, dirs ...string) []string {
	t.Helper()
	var tests []string
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(corpus, d), func(path string, de os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasSuffix(path, ".litmus") {
				rel, err := filepath.Rel(corpus, path)
				if err != nil {
					return err
				}
				tests = append(tests, filepath.ToSlash(rel))
			}
			return nil
		})
		require.NoError(t, err)
	}
	sort.Strings(tests)
	return tests
}

// A Want is one `want CODE "rx"` (or `related CODE "rx"`) comment of a
// testdata file: a diagnostic (or a related location of one) with the
// code, on the comment's line, whose message matches Rx.
type Want struct {
	Code    string
	Line    int // 1-based line of the comment
	Rx      string
	Related bool
}

// wantRx finds, in comments, `want CODE "rx"` and `related CODE "rx"`.
var wantRx = regexp.MustCompile(`\b(want|related) ([a-z-]+) "((?:[^"\\]|\\.)*)"`)

// Wants reads the wants of a parsed testdata file from its comments.
func Wants(f *syntax.File) []Want {
	var wants []Want
	for _, c := range f.Comments {
		for _, m := range wantRx.FindAllStringSubmatch(c.Text, -1) {
			rx := strings.ReplaceAll(m[3], `\"`, `"`)
			rx = strings.ReplaceAll(rx, `\n`, "\n")
			wants = append(wants, Want{Code: m[2], Line: f.Lines.Position(c.Span.Start).Line, Rx: rx, Related: m[1] == "related"})
		}
	}
	return wants
}

// The -update flag rewrites golden files instead of comparing with them.
// A test file of the package importing testkit may define it first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

// Updating reports whether the tests run with -update.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}
