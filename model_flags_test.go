package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
)

// lkmmDir is the kernel's model as herd7 ran the corpus with it.
const lkmmDir = "../shared/model/lkmm"

// mpFences is the kernel test whose Never rests on smp_wmb() and
// smp_rmb().
const mpFences = "../shared/corpus/kernel/MP+fencewmbonceonce+fencermbonceonce.litmus"

// splitTests splits check's output into each test's text, by name.
func splitTests(out string) map[string]string {
	tests := map[string]string{}
	name := ""
	for _, line := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(line, "Test ") {
			name = strings.Fields(line)[1]
		}
		if name != "" {
			tests[name] += line
		}
	}
	return tests
}

// observation returns the verdict of the test named in check's output.
func observation(t *testing.T, out string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Observation \S+ (\w+) `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	return m[1]
}

// TestCheckConfCorpus runs "check --conf linux-kernel.cfg" (the
// interpreted kernel model) on the kernel tests of the corpus: each
// output is herd7's, Time and Hash aside, states as a set.
func TestCheckConfCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	dir := "../shared/corpus/kernel"
	code, out, errs := run("check", "--conf", filepath.Join(lkmmDir, "linux-kernel.cfg"), dir)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `^35 tests in [0-9.]+ s: 23 Never, 12 Sometimes; 0 errors, 0 cut off\n$`, errs, "the kernel's own .def lowers every primitive: no note, only the run's summary")
	got := splitTests(out)
	files, err := filepath.Glob(filepath.Join(dir, "*.litmus.expected"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		want, err := os.ReadFile(file)
		require.NoError(t, err)
		name := strings.Fields(string(want))[1]
		g, ok := got[name]
		if !assert.True(t, ok, "no output for %s", name) {
			continue
		}
		assert.Equal(t, checker.HerdSummary(string(want)), checker.HerdSummary(g), file)
	}
	assert.Len(t, got, len(files))
}

// copyModel copies the kernel's model files into a temporary directory
// and returns it.
func copyModel(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"linux-kernel.cat", "linux-kernel.bell", "linux-kernel.def", "linux-kernel.cfg",
		"lock.cat", "cos-opt.cat", "cross.cat", "stdlib.cat"} {
		b, err := os.ReadFile(filepath.Join(lkmmDir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	return dir
}

// editFile replaces old, which must occur once, with new in the file.
func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, 1, strings.Count(string(b), old), "%s in %s", old, path)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// TestCheckEditedCat edits a copy of linux-kernel.cat so that smp_rmb()
// (then smp_wmb()) orders nothing: the message-passing test that relies
// on both becomes Sometimes under --cat, while the compiled model (no
// flag) still says Never, and so does the unedited copy under --cat.
func TestCheckEditedCat(t *testing.T) {
	code, out, errs := run("check", mpFences)
	require.Equal(t, 0, code, errs)
	require.Equal(t, "Never", observation(t, out))

	for _, edit := range []struct{ old, new string }{
		{"let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]", "let rmb = 0"},
		{"let wmb = [W] ; fencerel(Wmb) ; [W]", "let wmb = 0"},
	} {
		dir := copyModel(t)
		catFile := filepath.Join(dir, "linux-kernel.cat")
		args := []string{"check", "--cat", catFile, "--bell", filepath.Join(dir, "linux-kernel.bell"), "--variant", "lkmmv2", mpFences}
		code, out, errs := run(args...)
		require.Equal(t, 0, code, errs)
		assert.Equal(t, "Never", observation(t, out), "unedited copy")

		editFile(t, catFile, edit.old, edit.new)
		code, out, errs = run(args...)
		require.Equal(t, 0, code, errs)
		assert.Equal(t, "Sometimes", observation(t, out), edit.new)
		assert.Contains(t, out, "1:r0=1; 1:r1=0;", edit.new)

		// The cfg names the edited copy as well.
		code, out, errs = run("check", "--conf", filepath.Join(dir, "linux-kernel.cfg"), mpFences)
		require.Equal(t, 0, code, errs)
		assert.Equal(t, "Sometimes", observation(t, out), edit.new)

		code, out, errs = run("check", mpFences)
		require.Equal(t, 0, code, errs)
		assert.Equal(t, "Never", observation(t, out), "the compiled model is untouched")
	}
}

// TestCheckConfOverride: an explicit --cat overrides the cfg's model, and
// -v says which model ran.
func TestCheckConfOverride(t *testing.T) {
	dir := copyModel(t)
	edited := filepath.Join(dir, "edited.cat")
	b, err := os.ReadFile(filepath.Join(dir, "linux-kernel.cat"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(edited, b, 0o644))
	editFile(t, edited, "let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]", "let rmb = 0")

	code, out, errs := run("check", "-v", "--conf", filepath.Join(dir, "linux-kernel.cfg"), mpFences)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "Never", observation(t, out))
	assert.Contains(t, errs, "model: interpreted "+filepath.Join(dir, "linux-kernel.cat"))
	assert.Contains(t, errs, "variant lkmmv2")

	// A key that changes what herd7 computes is named as ignored.
	cfg := filepath.Join(dir, "linux-kernel.cfg")
	require.NoError(t, os.WriteFile(cfg, append(mustRead(t, cfg), "skipchecks hb\n"...), 0o644))
	code, _, errs = run("check", "--conf", cfg, mpFences)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, regexp.QuoteMeta(cfg)+`:\d+:1: note: "skipchecks" is not supported by litmusls and is ignored`, errs)

	code, out, errs = run("check", "-v", "--conf", filepath.Join(dir, "linux-kernel.cfg"), "--cat", edited, mpFences)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "Sometimes", observation(t, out))
	assert.Contains(t, errs, "model: interpreted "+edited)

	code, _, errs = run("check", "-v", mpFences)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "model: compiled")
}

// TestCheckBrokenModel: errors in the model files are "file:line:col:
// message" with exit status 2, and no test is checked.
func TestCheckBrokenModel(t *testing.T) {
	dir := copyModel(t)
	catFile := filepath.Join(dir, "linux-kernel.cat")
	editFile(t, catFile, "let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]", "let rmb = [R4rmb] ; (fencerel(Rmb) ; [R4rmb]")
	code, out, errs := run("check", "--conf", filepath.Join(dir, "linux-kernel.cfg"), mpFences)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^`+regexp.QuoteMeta(catFile)+`:\d+:\d+: `, errs)
	assert.NotContains(t, errs, "internal error")
	assert.NotContains(t, errs, "panic")

	bad := writeFile(t, dir, "bad.cat", "let rmb = nosuchname\n")
	code, out, errs = run("check", "--cat", bad, mpFences)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, bad+":1:11: unbound var: nosuchname\n", errs)

	// An error met only while judging a test that has an smp_mb() (the
	// construction's dry run has none): that test gets the model's
	// error, exit status 2; the other test is checked.
	lazy := writeFile(t, dir, "lazy.cat", "let bad = match Mb with || {} -> 0 || e ++ es -> (rmw | Mb) end\nacyclic po | bad as x\n")
	sb := "../shared/corpus/kernel/SB+fencembonceonces.litmus"
	code, out, errs = run("check", "--cat", lazy, "--bell", filepath.Join(dir, "linux-kernel.bell"), mpFences, sb)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "Observation MP+fencewmbonceonce+fencermbonceonce ")
	assert.NotContains(t, out, "Test SB+fencembonceonces")
	assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(lazy)+`:2:\d+: .* \(while judging `+regexp.QuoteMeta(sb)+`\)$`, errs)
	assert.NotContains(t, errs, "internal error")

	cfg := writeFile(t, dir, "x.cfg", "model linux-kernel.cat\nnosuchkey 1\n")
	code, _, errs = run("check", "--conf", cfg, mpFences)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, cfg+":2:1: ")

	def := writeFile(t, dir, "bad.def", "READ_ONCE(X) __load{ONCE}(X\n")
	code, _, errs = run("check", "--cat", catFile, "--macros", def, mpFences)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `^`+regexp.QuoteMeta(def)+`:\d+:\d+: `, errs)

	cfg = writeFile(t, dir, "nomodel.cfg", "variant lkmmv2\n")
	code, _, errs = run("check", "--conf", cfg, mpFences)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "names no model")

	code, _, errs = run("check", "--bell", filepath.Join(dir, "linux-kernel.bell"), mpFences)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "need a model")
}

// TestCheckMacros: the .def given lowers the primitives. Layout and
// parameter names change nothing; smp_rmb() defined as a wmb fence no
// longer orders the reads of message passing (linux-kernel.cat's wmb
// relates writes only), so the test becomes Sometimes, 1 of 4 executions,
// as herd7 says with the same edit (run by hand); a .def without
// smp_rmb() makes the test's call an error in herd7's words, and the
// other flags' models are untouched.
func TestCheckMacros(t *testing.T) {
	dir := copyModel(t)
	def := filepath.Join(dir, "linux-kernel.def")
	cfg := filepath.Join(dir, "linux-kernel.cfg")
	editFile(t, def, "WRITE_ONCE(X,V) { __store{ONCE}(X,V); }", "WRITE_ONCE(A, B) {\n\t__store{ONCE}(A, B);\n}")
	code, out, errs := run("check", "--conf", cfg, mpFences)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, errs)
	assert.Equal(t, "Never", observation(t, out))

	editFile(t, def, "smp_rmb() { __fence{rmb}; }", "smp_rmb() { __fence{wmb}; }")
	code, out, errs = run("check", "-v", "--conf", cfg, mpFences)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Observation MP+fencewmbonceonce+fencermbonceonce Sometimes 1 3")
	assert.Contains(t, errs, "macros "+def+" (they lower the primitives)")

	editFile(t, def, "smp_rmb() { __fence{wmb}; }", "")
	code, out, errs = run("check", "--conf", cfg, mpFences)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, mpFences+":26:2: Unknown macro smp_rmb\n", errs)

	code, out, errs = run("check", mpFences)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "Never", observation(t, out), "the compiled model")
}

// TestCheckNewFence: a test calling smp_foo(), a fence the kernel does
// not have, is "Unknown macro smp_foo" under the kernel's files (the
// parser's "unknown primitive" is left to the .def) and Never once the
// .def, bell and cat define it as a full fence (as checker/cat's
// TestEditedDefNewFence explains; herd7 prints the same, run by hand).
func TestCheckNewFence(t *testing.T) {
	dir := copyModel(t)
	cfg := filepath.Join(dir, "linux-kernel.cfg")
	sb := writeTest(t, "SB+foo.litmus", strings.ReplaceAll(sbTest, "smp_mb", "smp_foo"))
	require.Contains(t, string(mustRead(t, sb)), "smp_foo();")
	code, out, errs := run("check", "--conf", cfg, sb)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^`+regexp.QuoteMeta(sb)+`:\d+:\d+: Unknown macro smp_foo\n$`, errs)

	editFile(t, filepath.Join(dir, "linux-kernel.def"), "smp_mb() { __fence{MB}; }", "smp_mb() { __fence{MB}; }\nsmp_foo() { __fence{foo}; }")
	editFile(t, filepath.Join(dir, "linux-kernel.bell"), "'MB (*smp_mb*) ||", "'MB (*smp_mb*) || 'foo ||")
	editFile(t, filepath.Join(dir, "linux-kernel.cat"), "fencerel(Mb) ; [M]) |", "fencerel(Mb | Foo) ; [M]) |")
	editFile(t, filepath.Join(dir, "linux-kernel.cat"), "Wmb | Mb |", "Wmb | Mb | Foo |")
	code, out, errs = run("check", "--conf", cfg, sb)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "Never", observation(t, out))

	code, _, errs = run("check", sb)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "unknown primitive smp_foo", "the compiled model knows the kernel's primitives only")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestCheckInterpretedJSONExplain: --json and --explain work under an
// interpreted model; --explain says once what it cannot do there.
func TestCheckInterpretedJSONExplain(t *testing.T) {
	cfg := filepath.Join(lkmmDir, "linux-kernel.cfg")
	code, out, errs := run("check", "--json", "--conf", cfg, mpFences)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, `"verdict":"Never"`)
	assert.Contains(t, out, `"witnesses":[`)

	sb := writeTest(t, "SB.litmus", sbTest)
	code, out, errs = run("check", "--explain", "--conf", cfg, mpFences, sb)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 2, strings.Count(out, "Explanation of "), out)
	assert.Equal(t, 1, strings.Count(errs, "--explain with an interpreted model"), errs)
}
