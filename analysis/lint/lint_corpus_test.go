package lint

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

const lintGolden = "testdata/lint-corpus.golden"

// lintCorpus lints every test of the corpus, checked with explanations,
// and returns one line per lint or over-fencing hint,
// "file:line:col severity CODE: message", sorted, with file relative to
// the corpus; and the results and lints by file.
// The corpus is linted once for all the tests that need it.
var lintCorpusOnce struct {
	sync.Mutex
	done    bool
	lines   []string
	results map[string]*checker.Result
	diags   map[string][]analysis.Diagnostic
}

func lintCorpus(t *testing.T) ([]string, map[string]*checker.Result, map[string][]analysis.Diagnostic) {
	c := &lintCorpusOnce
	c.Lock()
	defer c.Unlock()
	if !c.done {
		c.lines, c.results, c.diags = lintCorpusRun(t)
		c.done = !t.Failed()
	}
	return c.lines, c.results, c.diags
}

func lintCorpusRun(t *testing.T) ([]string, map[string]*checker.Result, map[string][]analysis.Diagnostic) {
	corpus := filepath.Join(testkit.SharedDir(t), "corpus")
	var files []string
	require.NoError(t, filepath.WalkDir(corpus, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".litmus") {
			files = append(files, p)
		}
		return err
	}))
	require.NotEmpty(t, files)
	type out struct {
		rel   string
		lines []string
		res   *checker.Result
		diags []analysis.Diagnostic
	}
	outs := make([]out, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, path := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rel, _ := filepath.Rel(corpus, path)
			rel = filepath.ToSlash(rel)
			outs[i].rel = rel
			src, err := os.ReadFile(path)
			if !assert.NoError(t, err) {
				return
			}
			f, errs := syntax.Parse(rel, src)
			if len(errs) > 0 {
				return
			}
			res, err := checker.Check(context.Background(), f, checker.Options{Explain: true, Workers: 1, Timeout: 60 * time.Second})
			if !assert.NoError(t, err, rel) || len(res.Errors) > 0 || res.Cutoff {
				return
			}
			diags, err := Run(context.Background(), f, src, res, Options{Timeout: 60 * time.Second})
			if !assert.NoError(t, err, rel) {
				return
			}
			outs[i].res, outs[i].diags = res, diags
			hints := rewrite.OverFencing(context.Background(), f, src, res, rewrite.FenceOptions{CheckBudget: 60 * time.Second})
			for _, d := range append(append([]analysis.Diagnostic(nil), diags...), hints...) {
				msg := strings.SplitN(d.Message, "\n", 2)[0]
				outs[i].lines = append(outs[i].lines, fmt.Sprintf("%s %s %s: %s", f.Lines.Position(d.Span.Start), d.Severity, d.Code, msg))
			}
		}()
	}
	wg.Wait()
	var lines []string
	results := map[string]*checker.Result{}
	diags := map[string][]analysis.Diagnostic{}
	for _, o := range outs {
		lines = append(lines, o.lines...)
		if o.res != nil {
			results[o.rel], diags[o.rel] = o.res, o.diags
		}
	}
	sort.Strings(lines)
	return lines, results, diags
}

// TestLintCorpus compares the lints of the whole corpus with the golden
// file (go test ./analysis -run Corpus -update rewrites it), and holds
// every lint to its promise: no warning that an ordering is broken on a
// test whose outcome is never reached, unless the rule is about what a
// compiler may do that the model does not see (L14, L16) or about the
// data-race flag (L10), which the model raises whatever the verdict.
func TestLintCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus lints in -short mode")
	}
	lines, results, diags := lintCorpus(t)
	for rel, ds := range diags {
		res := results[rel]
		reached := res.Positive > 0
		if res.Quant == syntax.Forall {
			reached = res.Negative > 0
		}
		for _, d := range ds {
			if !reached && d.Severity <= analysis.SeverityWarning {
				assert.Contains(t, []string{CodeRcuPointerCompared, CodePlainRace, CodeBPFRelaxedFetch}, d.Code, "%s: warning on a test whose outcome is never reached: %s", rel, d.Message)
			}
			if d.Code == CodePlainRace {
				assert.Contains(t, res.Flags, "data-race", rel)
			}
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	if testkit.Updating() {
		require.NoError(t, os.WriteFile(lintGolden, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(lintGolden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "run go test ./analysis -run Corpus -update and read the diff")
}

// TestLintCorpusFixes applies the first fix of every lint over the corpus:
// the fixed text must parse and check, and have fewer lints of that code.
// It logs how many fixes make the outcome never reached.
func TestLintCorpusFixes(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus lints in -short mode")
	}
	corpus := filepath.Join(testkit.SharedDir(t), "corpus")
	_, results, diags := lintCorpus(t)
	var rels []string
	for rel := range diags {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	fixed, never := 0, 0
	for _, rel := range rels {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(t, err)
		for _, d := range diags[rel] {
			if len(d.Fixes) == 0 || !strings.HasPrefix(d.Code, "L") {
				continue
			}
			count := func(ds []analysis.Diagnostic) int {
				n := 0
				for _, x := range ds {
					if x.Code == d.Code {
						n++
					}
				}
				return n
			}
			text := applyEdits(t, src, d.Fixes[0].Edits)
			f, errs := syntax.Parse(rel, text)
			if !assert.Empty(t, errs, "%s: %s fix %q breaks the syntax:\n%s", rel, d.Code, d.Fixes[0].Title, text) {
				continue
			}
			res, err := checker.Check(context.Background(), f, checker.Options{Explain: true, Workers: 1, Timeout: 60 * time.Second})
			require.NoError(t, err)
			if !assert.Empty(t, res.Errors, "%s: %s fix %q", rel, d.Code, d.Fixes[0].Title) {
				continue
			}
			after, err := Run(context.Background(), f, text, res, Options{})
			require.NoError(t, err)
			assert.Less(t, count(after), count(diags[rel]), "%s: the %s fix %q leaves as many %s lints", rel, d.Code, d.Fixes[0].Title, d.Code)
			fixed++
			if res.Verdict == "Never" && results[rel].Verdict != "Never" {
				never++
			}
		}
	}
	t.Logf("%d fixes applied over the corpus; %d of them make a reachable outcome Never", fixed, never)
}
