package checker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/litmusls/litmusls/syntax"

	"github.com/litmusls/litmusls/internal/testkit"
)

// TestRobust runs the parser and the checker on every litmus text at hand
// (the shared corpus and benchmarks, the repository's testdata, litmus
// files inside txtar archives, the fuzz seed corpora) and on variants
// generated from a fixed sample of corpus tests: a line dropped, a thread
// duplicated, a kernel primitive swapped for another, the text truncated.
// It asserts that nothing panics, that every error has a span inside the
// file, and that every test gets a result or an error. A check cut off by
// its budget is fine: this test is about robustness, not verdicts.
func TestRobust(t *testing.T) {
	root := moduleRoot(t)
	shared := sharedDir(t)
	var inputs []robustInput
	for _, dir := range []string{filepath.Join(shared, "corpus"), filepath.Join(shared, "bench")} {
		inputs = append(inputs, litmusFiles(t, dir, root)...)
	}
	inputs = append(inputs, repoTestdata(t, root)...)
	originals := len(inputs)

	rng := rand.New(rand.NewPCG(1, 2)) // fixed: the variants are the same on every run
	var sample []robustInput
	for _, in := range inputs[:originals] {
		if strings.Contains(in.name, "corpus/") && len(in.src) < 2500 {
			sample = append(sample, in)
		}
	}
	rng.Shuffle(len(sample), func(i, j int) { sample[i], sample[j] = sample[j], sample[i] })
	sample = sample[:min(len(sample), robustSampleSize)]
	for _, in := range sample {
		inputs = append(inputs, variants(in, rng)...)
	}
	t.Logf("%d files, %d variants of %d of them", originals, len(inputs)-originals, len(sample))

	var (
		mu       sync.Mutex
		problems []string
		cutoffs  int
	)
	work := make(chan robustInput)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range work {
				problem, cut := robustOne(in)
				mu.Lock()
				if problem != "" {
					problems = append(problems, problem)
				}
				if cut {
					cutoffs++
				}
				mu.Unlock()
			}
		}()
	}
	for _, in := range inputs {
		work <- in
	}
	close(work)
	wg.Wait()
	t.Logf("%d checks cut off by their budget", cutoffs)
	slices.Sort(problems)
	for i, p := range problems {
		if i == 20 {
			t.Errorf("... and %d more", len(problems)-i)
			break
		}
		t.Error(p)
	}
}

const (
	robustSampleSize = 100                    // corpus tests that get variants
	robustBudget     = time.Second            // per file
	variantBudget    = 250 * time.Millisecond // per variant
)

// A robustInput is one text to parse and check.
type robustInput struct {
	name    string // file name, and the variant ("file [drop line 3]")
	src     []byte
	variant bool
}

// robustOne parses and checks in. It returns a description of what went
// wrong (with the text, for a variant), or "", and whether the check was
// cut off.
func robustOne(in robustInput) (problem string, cutoff bool) {
	defer func() {
		if r := recover(); r != nil {
			problem = in.describe(fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	budget := robustBudget
	if in.variant {
		budget = variantBudget
	}
	f, errs := syntax.Parse(in.name, in.src)
	if f == nil {
		return in.describe("Parse returned a nil File"), false
	}
	for _, e := range errs {
		if !spanInside(e.Span, len(in.src)) {
			return in.describe(fmt.Sprintf("syntax error %q has span %v outside the %d bytes of the file", e.Msg, e.Span, len(in.src))), false
		}
	}
	if _, le, err := Structures(f); err != nil {
		return in.describe("Structures failed: " + err.Error()), false
	} else if le != nil && !spanInside(le.Span, len(in.src)) {
		return in.describe(fmt.Sprintf("Structures: error %q has span %v outside the %d bytes of the file", le.Msg, le.Span, len(in.src))), false
	}
	// The language server asks for explanations; the CLI for herd7's text.
	start := time.Now()
	res, err := Check(context.Background(), f, Options{Timeout: budget, Workers: 1, Explain: true})
	if took := time.Since(start); took > 3*budget+5*time.Second {
		// A check may overrun its budget a little (the explanation's
		// search); the margin is for a loaded machine. More is a hang.
		return in.describe(fmt.Sprintf("the check took %v for a budget of %v", took.Round(time.Millisecond), budget)), false
	}
	if err != nil {
		return in.describe("Check failed: " + err.Error()), false
	}
	if res == nil {
		return in.describe("Check returned neither a result nor an error"), false
	}
	for _, e := range res.Errors {
		if !spanInside(e.Span, len(in.src)) {
			return in.describe(fmt.Sprintf("checker error %q has span %v outside the %d bytes of the file", e.Msg, e.Span, len(in.src))), false
		}
	}
	if len(res.Errors) == 0 && res.Verdict == "" {
		return in.describe("the test has neither a result nor an error"), false
	}
	if err := WriteHerd(io.Discard, res, -1); err != nil {
		return in.describe("WriteHerd failed: " + err.Error()), false
	}
	if len(res.Errors) == 0 {
		if err := WriteExplain(io.Discard, res, f, in.src); err != nil {
			return in.describe("WriteExplain failed: " + err.Error()), false
		}
	}
	return "", res.Cutoff
}

func spanInside(s syntax.Span, n int) bool {
	return 0 <= s.Start && s.Start <= s.End && s.End <= n
}

// describe names in with a problem; a variant's text is included, since
// it exists nowhere else.
func (in robustInput) describe(problem string) string {
	if !in.variant {
		return in.name + ": " + problem
	}
	return fmt.Sprintf("%s: %s\n--- text of the variant:\n%s\n---", in.name, problem, in.src)
}

// moduleRoot finds the directory holding go.mod.
func moduleRoot(t testing.TB) string {
	t.Helper()
	return testkit.RepoRoot(t)
}

// litmusFiles reads every .litmus file under dir, named relative to root.
func litmusFiles(t testing.TB, dir, root string) []robustInput {
	t.Helper()
	var out []robustInput
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() && de.Name() == ".git" {
			return filepath.SkipDir
		}
		if de.IsDir() || !strings.HasSuffix(path, ".litmus") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, robustInput{name: relName(root, path), src: src})
		return nil
	})
	require.NoError(t, err)
	return out
}

func relName(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return path
}

// repoTestdata reads the litmus texts of the repository's testdata
// directories: .litmus files, .litmus members of txtar archives, and the
// values of the fuzz seed corpora (testdata/fuzz/*/*).
func repoTestdata(t testing.TB, root string) []robustInput {
	t.Helper()
	var out []robustInput
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			if de.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		slash := filepath.ToSlash(path)
		if !strings.Contains(slash, "/testdata/") {
			return nil
		}
		name := relName(root, path)
		switch {
		case strings.Contains(slash, "/testdata/fuzz/"):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, v := range fuzzValues(data) {
				out = append(out, robustInput{name: fmt.Sprintf("%s#%d", name, i), src: v})
			}
		case strings.HasSuffix(path, ".litmus"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out = append(out, robustInput{name: name, src: src})
		case strings.HasSuffix(path, ".txt"):
			ar, err := txtar.ParseFile(path)
			if err != nil {
				return err
			}
			for _, m := range ar.Files {
				if strings.HasSuffix(m.Name, ".litmus") {
					out = append(out, robustInput{name: name + ":" + m.Name, src: m.Data})
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

// fuzzValue matches one string or []byte value of a Go fuzz seed file.
var fuzzValue = regexp.MustCompile(`^(?:\[\]byte\((".*")\)|string\((".*")\))$`)

// fuzzValues returns the string and []byte values of a "go test fuzz v1"
// file.
func fuzzValues(data []byte) [][]byte {
	var out [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		m := fuzzValue.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		q := m[1] + m[2]
		if s, err := strconv.Unquote(q); err == nil {
			out = append(out, []byte(s))
		}
	}
	return out
}

// variants makes the mutated copies of one test.
func variants(in robustInput, rng *rand.Rand) []robustInput {
	var out []robustInput
	add := func(what string, src []byte) {
		out = append(out, robustInput{name: fmt.Sprintf("%s [%s]", in.name, what), src: src, variant: true})
	}
	src := in.src
	lines := bytes.SplitAfter(src, []byte("\n"))
	for _, i := range pick(rng, len(lines), 8) {
		v := slices.Concat(slices.Clone(lines[:i]), lines[i+1:])
		add(fmt.Sprintf("drop line %d", i+1), bytes.Join(v, nil))
	}
	for _, n := range pick(rng, len(src), 6) {
		add(fmt.Sprintf("truncate to %d bytes", n), slices.Clone(src[:n]))
	}
	f, _ := syntax.Parse(in.name, src)
	if f.Init != nil && spanInside(f.Init.Span, len(src)) && len(f.Threads) > 0 {
		// A register declared with a type and no value, as herd7 allows.
		at := f.Init.Span.Start + 1
		decl := fmt.Sprintf("\nint %d:r9;\nint *0:r8;\n", len(f.Threads)-1)
		add("declare registers without a value", slices.Concat(src[:at], []byte(decl), src[at:]))
	}
	if f.Cond != nil && spanInside(f.Cond.Span, len(src)) {
		add("drop the final condition", slices.Concat(src[:f.Cond.Span.Start], src[f.Cond.Span.End:]))
	}
	if f.Dialect == syntax.DialectC && len(f.Threads) > 0 {
		last := f.Threads[len(f.Threads)-1].Span.End
		for _, k := range pick(rng, len(f.Threads), 2) {
			th := f.Threads[k]
			if !spanInside(th.Span, len(src)) || last > len(src) {
				continue
			}
			text := src[th.Span.Start:th.Span.End]
			renamed := bytes.Replace(text, []byte(th.Name), []byte(fmt.Sprintf("P%d", len(f.Threads))), 1)
			if k == len(f.Threads)-1 && spanInside(th.NameSpan, len(src)) {
				add("renumber "+th.Name+" as P99999999", slices.Concat(src[:th.NameSpan.Start], []byte("P99999999"), src[th.NameSpan.End:]))
			}
			for _, dup := range []struct {
				what string
				text []byte
			}{{"duplicate " + th.Name + " as a new thread", renamed}, {"duplicate " + th.Name, text}} {
				v := slices.Concat(src[:last], []byte("\n\n"), dup.text, src[last:])
				add(dup.what, v)
			}
		}
	}
	calls := primitiveCall.FindAllSubmatchIndex(src, -1)
	var sites [][]int
	for _, c := range calls {
		if _, ok := syntax.Primitives[string(src[c[2]:c[3]])]; ok {
			sites = append(sites, c)
		}
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range syntax.Primitives {
			if !yield(n) {
				return
			}
		}
	})
	for j, i := range pick(rng, len(sites), 8) {
		c := sites[i]
		old := string(src[c[2]:c[3]])
		cands := names
		if j%4 != 3 { // mostly a primitive of the same arity, so the variant parses
			cands = nil
			for _, n := range names {
				if syntax.Primitives[n].Arity == syntax.Primitives[old].Arity && n != old {
					cands = append(cands, n)
				}
			}
		}
		if len(cands) == 0 {
			continue
		}
		repl := cands[rng.IntN(len(cands))]
		v := slices.Concat(src[:c[2]], []byte(repl), src[c[3]:])
		add(fmt.Sprintf("%s at byte %d becomes %s", old, c[2], repl), v)
	}
	return out
}

var primitiveCall = regexp.MustCompile(`\b([A-Za-z_][A-Za-z_0-9]*)\s*\(`)

// pick returns up to k distinct numbers in [0, n), in increasing order.
func pick(rng *rand.Rand, n, k int) []int {
	if n <= 0 {
		return nil
	}
	p := rng.Perm(n)
	p = p[:min(k, n)]
	slices.Sort(p)
	return p
}
