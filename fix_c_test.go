package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// "litmusls fix" on annotated C edits the C, at C positions, or refuses
// and leaves it alone: it never loses a byte of the user's text.

// annotatedExamples returns every annotated C file under testdata, by
// path relative to testdata, in lexical order.
func annotatedExamples(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isC(path) {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(src, []byte("litmus:")) {
			rel, _ := filepath.Rel("testdata", path)
			out = append(out, rel)
		}
		return nil
	})
	require.NoError(t, err)
	sort.Strings(out)
	require.NotEmpty(t, out)
	return out
}

// copyTestdata copies testdata to a new temporary directory and returns
// it.
func copyTestdata(t *testing.T) string { return copyTestdataEOL(t, false) }

// copyTestdataEOL copies testdata to a new temporary directory, with CRLF
// line endings when crlf is set, and returns it.
func copyTestdataEOL(t *testing.T, crlf bool) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata", path)
		to := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if crlf {
			src = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
		}
		return os.WriteFile(to, src, 0o644)
	})
	require.NoError(t, err)
	return dir
}

// A treeFile is a file of a snapshot: its bytes and mode.
type treeFile struct {
	text string
	mode fs.FileMode
}

// snapshot reads every file below dir, by path.
func snapshot(t *testing.T, dir string) map[string]treeFile {
	t.Helper()
	out := map[string]treeFile{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = treeFile{string(src), info.Mode()}
		return nil
	})
	require.NoError(t, err)
	return out
}

// changedFiles returns the paths whose bytes or mode differ between two
// snapshots, files added or removed included.
func changedFiles(before, after map[string]treeFile) []string {
	var out []string
	for p, a := range after {
		if b, ok := before[p]; !ok || a != b {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// A diffHunk is one hunk of fix's diff: the 1-based line of the file it
// starts at and its lines, each with its ' ', '-' or '+' mark.
type diffHunk struct {
	line int
	body []string
}

var hunkRx = regexp.MustCompile(`^@@ (.*):(\d+):(\d+) @@$`)

// parseDiff returns the hunks fix printed for the file name; nil when it
// printed none.
func parseDiff(t *testing.T, out, name string) []diffHunk {
	t.Helper()
	lines := strings.Split(out, "\n")
	var hunks []diffHunk
	in := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "--- ") && i+1 < len(lines) && lines[i+1] == "+++ "+l[4:]+" (fixed)" {
			in = l[4:] == name
			i++
			continue
		}
		if !in {
			continue
		}
		if m := hunkRx.FindStringSubmatch(l); m != nil {
			require.Equal(t, name, m[1], "a hunk names its file")
			n, _ := strconv.Atoi(m[2])
			hunks = append(hunks, diffHunk{line: n})
			continue
		}
		if l == "" || !strings.ContainsRune(" -+", rune(l[0])) || len(hunks) == 0 {
			in = false
			continue
		}
		hunks[len(hunks)-1].body = append(hunks[len(hunks)-1].body, l)
	}
	return hunks
}

// applyHunks applies the hunks to src and returns the text they make. The
// context and removed lines of each hunk must be those of src at the
// line the hunk names: the diff is in the file's own lines.
func applyHunks(t *testing.T, src string, hunks []diffHunk) string {
	t.Helper()
	lines := strings.SplitAfter(src, "\n")
	var out strings.Builder
	next := 0 // index of the first line of src not yet copied
	for _, h := range hunks {
		at := h.line - 1
		require.GreaterOrEqual(t, at, next, "hunks in order, not overlapping")
		for ; next < at; next++ {
			out.WriteString(lines[next])
		}
		for _, l := range h.body {
			switch l[0] {
			case ' ', '-':
				require.Less(t, next, len(lines), "hunk at line %d runs past the end", h.line)
				require.Equal(t, strings.TrimSuffix(lines[next], "\n"), l[1:], "hunk at line %d: the diff's line is the file's", h.line)
				if l[0] == ' ' {
					out.WriteString(lines[next])
				}
				next++
			case '+':
				out.WriteString(l[1:] + "\n")
			}
		}
	}
	for ; next < len(lines); next++ {
		out.WriteString(lines[next])
	}
	return out.String()
}

// litmusLineRx matches a line that starts like litmus test syntax: a
// thread, a condition, a locations clause, a test header.
var litmusLineRx = regexp.MustCompile(`(?m)^[ \t]*(P[0-9]+[ \t]*\(|exists[ \t]*\(|~[ \t]*exists|forall[ \t]*\(|filter[ \t]*\(|locations[ \t]*\[|C [A-Za-z0-9_+.-]+[ \t]*\r?$)`)

// translateClean translates the C file path with text, reading other
// files from disk, and returns its scenarios' count and its error notes'.
func translateClean(t *testing.T, path, text string) (tr *bpfc.Translation, errs int) {
	t.Helper()
	tr, err := bpfc.Translate(path, []byte(text), os.ReadFile)
	require.NoError(t, err, "%s translates", path)
	return tr, errorNotes(tr)
}

// assertFixedC checks a C file fix wrote: it differs from before only
// in the hunks fix printed for it, in its own lines; it holds no litmus
// syntax it did not hold; it still translates as cleanly, with the same
// scenarios.
func assertFixedC(t *testing.T, path, before, after, out string) {
	t.Helper()
	hunks := parseDiff(t, out, path)
	require.NotEmpty(t, hunks, "fix changed %s and printed no diff for it:\n%s", path, out)
	assert.Equal(t, after, applyHunks(t, before, hunks), "%s: only the reported hunks changed", path)
	assert.Len(t, litmusLineRx.FindAllString(after, -1), len(litmusLineRx.FindAllString(before, -1)), "%s: litmus syntax written into C:\n%s", path, after)
	if !isC(path) {
		return
	}
	trB, errsB := translateClean(t, path, before)
	trA, errsA := translateClean(t, path, after)
	assert.LessOrEqual(t, errsA, errsB, "%s: the fixed C translates with more errors", path)
	assert.Len(t, trA.Scenarios, len(trB.Scenarios), "%s: the same scenarios", path)
}

// assertAllCorrect checks every scenario of the C file path (translated
// from disk) is as its author wants it: the bad outcome Never, no race.
func assertAllCorrect(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	tr, err := bpfc.Translate(path, src, os.ReadFile)
	require.NoError(t, err)
	for _, sc := range tr.Scenarios {
		res, err := checker.Check(context.Background(), sc.File, checker.Options{Timeout: 20 * time.Second})
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		o := analysis.OutcomeOf(res)
		assert.True(t, o.OK(), "%s#%s after fix: %s, race %v", path, sc.Name, o.Verdict, o.Race)
	}
}

// TestFixEveryAnnotatedExample runs fix, with --dry-run and without, on
// each annotated C file of testdata, alone, in a copy of testdata; then
// again on a copy with CRLF line endings.
func TestFixEveryAnnotatedExample(t *testing.T) {
	examples := annotatedExamples(t)
	kinds := fixEveryExample(t, examples, false)
	assert.Equal(t, kinds, fixEveryExample(t, examples, true), "CRLF changes nothing")
	t.Logf("%d annotated examples: %d fixed in C (%v), %d relaxed in C (%v), %d correct (%v), %d refused (%v)",
		len(examples), len(kinds["fixed"]), kinds["fixed"], len(kinds["relaxed"]), kinds["relaxed"],
		len(kinds["correct"]), kinds["correct"], len(kinds["refused"]), kinds["refused"])
	if t.Failed() || len(kinds["fixed"])+len(kinds["relaxed"])+len(kinds["correct"])+len(kinds["refused"]) != len(examples) {
		return // some were not run (-run), or failed already
	}
	// The broken examples whose fix lies in their own file are fixed in
	// it; the one whose outcome no ordering changes is refused.
	for _, rel := range []string{"bpfc/mp_plain_flag.c", "bpfc/mp_variants.c", "bpfc/sb_once.c"} {
		assert.Contains(t, kinds["fixed"], rel)
	}
	assert.Contains(t, kinds["refused"], "bpfc/spin_counter_racy.c")
	assert.Contains(t, kinds["refused"], "bpfc/progs/atomics_xchg_plain.c", "its fix is in the user-space file, not named")
}

// fixEveryExample runs fix on each example as TestFixEveryAnnotatedExample
// says, and returns them by what fix did: "fixed", "relaxed", "correct"
// or "refused".
func fixEveryExample(t *testing.T, examples []string, crlf bool) map[string][]string {
	kinds := map[string][]string{}
	for _, rel := range examples {
		name := rel
		if crlf {
			name += "/crlf"
		}
		t.Run(name, func(t *testing.T) {
			dir := copyTestdataEOL(t, crlf)
			path := filepath.Join(dir, rel)
			before := snapshot(t, dir)

			code, out, errs := run("fix", "--relax", "--dry-run", path)
			assert.Empty(t, changedFiles(before, snapshot(t, dir)), "--dry-run writes nothing")
			assert.NotContains(t, errs, "internal error")

			code2, out2, errs2 := run("fix", "--relax", path)
			after := snapshot(t, dir)
			assert.Equal(t, code, code2, "the same verdict with and without --dry-run")
			assert.Equal(t, out, out2, "the same report and diff with and without --dry-run")
			assert.Equal(t, errs, errs2)
			changed := changedFiles(before, after)
			for _, p := range changed {
				assert.Equal(t, path, p, "fix of %s wrote another file", rel)
			}

			switch {
			case code != 0:
				assert.Empty(t, changed, "a refusal leaves the file alone")
				assert.Contains(t, out, path+": cannot fix", "a refusal says so: %s", out+errs)
				kinds["refused"] = append(kinds["refused"], rel)
			case len(changed) == 0:
				assert.NotContains(t, out, "--- "+path)
				assertAllCorrect(t, path)
				kinds["correct"] = append(kinds["correct"], rel)
			default:
				assertFixedC(t, path, before[path].text, after[path].text, out)
				assert.Equal(t, before[path].mode, after[path].mode)
				assertAllCorrect(t, path)
				if strings.Contains(out, "over-fenced") {
					kinds["relaxed"] = append(kinds["relaxed"], rel)
				} else {
					kinds["fixed"] = append(kinds["fixed"], rel)
				}
				// Fixed, it has nothing more to fix (a fix may leave
				// something to relax, as in a litmus test).
				code, out, _ := run("fix", "--relax", "--dry-run", path)
				assert.Equal(t, 0, code, out)
				assert.NotContains(t, out, "cheapest fix", "fixed once is enough")
			}
		})
	}
	return kinds
}

// TestFixCDiffInCLines: the diff of a C file is the C's, at C lines, and
// names the C file.
func TestFixCDiffInCLines(t *testing.T) {
	dir := copyTestdata(t)
	path := filepath.Join(dir, "bpfc", "mp_plain_flag.c")
	code, out, errs := run("fix", "--dry-run", path)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, path+": bad outcome reachable and a data race (Sometimes); cheapest fix: Use smp_store_release on line 17, smp_load_acquire on line 25 (data race gone; bad outcome becomes Never; +20 on powerpc64, +4 on arm64, free on x86-64)\n")
	assert.Contains(t, out, "--- "+path+"\n+++ "+path+" (fixed)\n")
	assert.Contains(t, out, "@@ "+path+":17:2 @@\n-\tflag = 1;\n+\tsmp_store_release(&flag, 1);\n")
	assert.Contains(t, out, "@@ "+path+":25:10 @@\n-\tint f = flag;\n+\tint f = smp_load_acquire(&flag);\n")
	assert.NotContains(t, out, ".litmus")
}

// TestFixCOtherFile: a fix that edits the user-space file a "with" names
// is refused unless that file is to be fixed too; then both are right.
func TestFixCOtherFile(t *testing.T) {
	dir := copyTestdata(t)
	prog := filepath.Join(dir, "bpfc", "progs", "atomics_xchg_plain.c")
	user := filepath.Join(dir, "bpfc", "prog_tests", "atomics_xchg_plain.c")
	before := snapshot(t, dir)

	code, out, _ := run("fix", prog)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, prog+": cannot fix: the fix also edits "+user+", which is not among the files to fix; name both: litmusls fix "+prog+" "+user+"\n")
	assert.Empty(t, changedFiles(before, snapshot(t, dir)))

	code, out, errs := run("fix", prog, user)
	require.Equal(t, 0, code, out+errs)
	after := snapshot(t, dir)
	assert.Equal(t, []string{user}, changedFiles(before, after))
	assertFixedC(t, user, before[user].text, after[user].text, out)
	assert.Contains(t, after[user].text, "__atomic_load_n(&skel->bss->done, __ATOMIC_ACQUIRE)")
	assert.Contains(t, out, user+": no scenario of its own; its threads take part in those of "+prog+"\n")
	assertAllCorrect(t, prog)
}

// TestFixCDirectory: fix on a directory takes its annotated C files (and
// the user-space files they name are among its files), and every file it
// writes differs from before only in the hunks it printed.
func TestFixCDirectory(t *testing.T) {
	dir := copyTestdata(t)
	before := snapshot(t, dir)
	code, out, errs := run("fix", dir)
	assert.Equal(t, 1, code, "spin_counter_racy has no fix")
	assert.NotContains(t, errs, "internal error")
	assert.Contains(t, out, filepath.Join(dir, "bpfc", "spin_counter_racy.c")+": cannot fix: ")
	after := snapshot(t, dir)
	changed := changedFiles(before, after)
	assert.Contains(t, changed, filepath.Join(dir, "bpfc", "prog_tests", "atomics_xchg_plain.c"))
	assert.Contains(t, changed, filepath.Join(dir, "bpfc", "mp_plain_flag.c"))
	for _, p := range changed {
		require.Contains(t, before, p, "fix created %s", p)
		assertFixedC(t, p, before[p].text, after[p].text, out)
	}
	assert.NotContains(t, changed, filepath.Join(dir, "bpfc", "spin_counter_racy.c"))
	// The generated tests next to the C are litmus files: those fix too.
	assert.Contains(t, out, filepath.Join(dir, "bpfc", "sb_once.litmus")+": bad outcome reachable")
}

// TestFixCRefusals: a C file that does not translate, or has no
// scenario, is refused and left alone.
func TestFixCRefusals(t *testing.T) {
	dir := t.TempDir()
	noScen := writeFile(t, dir, "plain.c", "int x;\nint f(void) { return x; }\n")
	code, out, _ := run("fix", noScen)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, noScen+": cannot fix: no litmus scenario")
	src, err := os.ReadFile(noScen)
	require.NoError(t, err)
	assert.Equal(t, "int x;\nint f(void) { return x; }\n", string(src))

	bad := writeFile(t, dir, "bad.c", "// litmus: with missing.c\n// litmus: exists (x=1)\nint x;\n")
	code, out, _ = run("fix", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, bad+": cannot fix")
	src, err = os.ReadFile(bad)
	require.NoError(t, err)
	assert.Equal(t, "// litmus: with missing.c\n// litmus: exists (x=1)\nint x;\n", string(src))
}

// TestFixContainsPanic: a panic while fixing one file is that file's
// error; the file is left alone, the others are fixed, the status is 1.
func TestFixContainsPanic(t *testing.T) {
	dir := copyTestdata(t)
	a := filepath.Join(dir, "bpfc", "mp_plain_flag.c")
	b := filepath.Join(dir, "bpfc", "sb_once.c")
	c := writeFile(t, dir, "MP.litmus", mpFixTest)
	before := snapshot(t, dir)
	var out, errs bytes.Buffer
	inputHook = func(name string) {
		if name == b {
			panic("boom in " + filepath.Base(name))
		}
	}
	t.Cleanup(func() { inputHook = nil })
	code := runFix([]string{a, b, c}, &out, &errs)
	assert.Equal(t, 1, code)
	line := b + ": internal error: boom in sb_once.c\n"
	i := strings.Index(errs.String(), line)
	require.GreaterOrEqual(t, i, 0, errs.String())
	assert.True(t, strings.HasPrefix(errs.String()[i+len(line):], "goroutine "), "the stack follows")
	after := snapshot(t, dir)
	assert.Equal(t, []string{c, a}, changedFiles(before, after), "the others are fixed")
	assert.Equal(t, before[b], after[b], "the file that panicked is left alone")
}

// TestFixCNoRelaxByDefault: without --relax, fix leaves a correct but
// over-fenced C file as it is and says how to weaken it; the scenarios
// speak only for the code they annotate.
func TestFixCNoRelaxByDefault(t *testing.T) {
	dir := copyTestdataEOL(t, false)
	path := filepath.Join(dir, "bpfc", "progs", "ring_slots.c")
	before := snapshot(t, dir)
	code, out, errs := run("fix", path)
	assert.Equal(t, 0, code, out+errs)
	assert.Contains(t, out, "over-fenced")
	assert.Contains(t, out, "run fix --relax to apply it")
	assert.NotContains(t, out, "--- "+path)
	assert.Empty(t, changedFiles(before, snapshot(t, dir)))
}

// twoScenarios is annotated C with two scenarios, both broken, on
// separate threads and locations: a message passing whose flag store is
// plain, and a store buffering with no fence.
const twoScenarios = `int data, flag, x, y;

// litmus: test mp
// litmus: threads writer reader
// litmus: exists (reader:f=1 /\ reader:d=0)

// litmus: test sb
// litmus: threads left right
// litmus: exists (left:r=0 /\ right:s=0)

// litmus: thread writer
int writer(void *ctx)
{
	WRITE_ONCE(data, 1);
	flag = 1;
	return 0;
}

// litmus: thread reader
int reader(void *ctx)
{
	int f = smp_load_acquire(&flag);
	int d = -1;

	if (f)
		d = READ_ONCE(data);
	return 0;
}

// litmus: thread left
int left(void *ctx)
{
	WRITE_ONCE(x, 1);
	int r = READ_ONCE(y);
	return 0;
}

// litmus: thread right
int right(void *ctx)
{
	WRITE_ONCE(y, 1);
	int s = READ_ONCE(x);
	return 0;
}
`

// TestFixCScenarioArg: "fix file.c#SCENARIO" fixes that scenario alone
// (the other broken one is left as it is), and an unknown scenario is
// refused with the file left alone.
func TestFixCScenarioArg(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "two.c", twoScenarios)
	code, out, errs := run("fix", "--dry-run", path+"#sb")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, path+"#sb: bad outcome reachable (Sometimes); cheapest fix: ")
	assert.Contains(t, out, "mp: bad outcome stays reachable")
	assert.Contains(t, out, "@@ "+path+":34:1 @@\n+\t__atomic_thread_fence(__ATOMIC_SEQ_CST);\n")
	assert.NotContains(t, out, "flag = 1", "the mp scenario's threads are not edited")

	code, out, _ = run("fix", path+"#mp")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "@@ "+path+":15:2 @@\n-\tflag = 1;\n")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(src), "\tflag = 1;")
	assert.NotContains(t, string(src), "__atomic_thread_fence", "sb is left broken")

	code, out, _ = run("fix", path+"#nope")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, path+`: cannot fix: no scenario "nope"`)
}
