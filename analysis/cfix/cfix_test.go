package cfix

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// cfixFile returns the path of testdata/bpfc/rel under the repository
// root (the directory holding go.mod).
func cfixFile(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(testkit.RepoRoot(t), "testdata", "bpfc", filepath.FromSlash(rel))
}

// cfixTranslate translates the C file at path, reading "with" files
// from disk.
func cfixTranslate(t *testing.T, path string, src []byte, load func(string) ([]byte, error)) *bpfc.Translation {
	t.Helper()
	if src == nil {
		var err error
		src, err = os.ReadFile(path)
		require.NoError(t, err)
	}
	if load == nil {
		load = os.ReadFile
	}
	tr, err := bpfc.Translate(path, src, load)
	require.NoError(t, err)
	for _, n := range tr.Notes {
		require.False(t, n.IsError(), "%s: %s", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), n.Msg)
	}
	require.NotEmpty(t, tr.Scenarios)
	return tr
}

// cfixOutcomes checks every scenario of tr.
func cfixOutcomes(t *testing.T, tr *bpfc.Translation) []*analysis.Outcome {
	t.Helper()
	var out []*analysis.Outcome
	for _, sc := range tr.Scenarios {
		res, err := checker.Check(context.Background(), sc.File, checker.Options{Timeout: 20 * time.Second})
		require.NoError(t, err)
		require.Empty(t, res.Errors, "scenario %s", sc.Name)
		out = append(out, analysis.OutcomeOf(res))
	}
	return out
}

// at returns the cursor span on the n-th (0-based) occurrence of needle in
// src, plus skip bytes.
func cfixAt(t *testing.T, src []byte, needle string, n, skip int) syntax.Span {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		k := bytes.Index(src[off+1:], []byte(needle))
		require.GreaterOrEqual(t, k, 0, "%q occurrence %d not found", needle, i)
		off += 1 + k
	}
	return syntax.Span{Start: off + skip, End: off + skip}
}

func findAction(acts []rewrite.Action, prefix string) *rewrite.Action {
	for i := range acts {
		if strings.HasPrefix(acts[i].Title, prefix) {
			return &acts[i]
		}
	}
	return nil
}

func actionTitles(acts []rewrite.Action) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.Title)
	}
	return out
}

func TestCActionsMessagePassing(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	src := tr.Source(path).Text
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	ctx := context.Background()

	base := cfixOutcomes(t, tr)
	require.True(t, base[0].Bad && base[0].Race, "the plain test races and reaches the bad outcome")

	// The reader's read of the flag: "int f = flag;".
	rd := CActions(ctx, tr, path, cfixAt(t, src, "int f = flag", 0, len("int f = ")+1), opts)
	acq := findAction(rd, "Use smp_load_acquire (")
	require.NotNil(t, acq, "titles: %q", actionTitles(rd))
	require.NotNil(t, findAction(rd, "Use READ_ONCE ("), "titles: %q", actionTitles(rd))
	assert.Equal(t, rewrite.ActionKindQuickFix, acq.Kind)
	// The program does not include bpf_atomic.h, where the macro is: the
	// fix adds it after the last #include.
	require.Len(t, acq.Edits, 2)
	inc := bytes.Index(src, []byte("#include <bpf/bpf_helpers.h>\n")) + len("#include <bpf/bpf_helpers.h>\n")
	assert.Equal(t, analysis.Edit{Span: syntax.Span{Start: inc, End: inc}, NewText: "#include \"bpf_atomic.h\"\n"}, acq.Edits[0])
	assert.Equal(t, "smp_load_acquire(&flag)", acq.Edits[1].NewText)
	assert.Equal(t, "flag", string(src[acq.Edits[1].Span.Start:acq.Edits[1].Span.End]))
	// Alone, the acquire does not order the writer's plain stores: the
	// title says what the checker found for the edited C.
	assert.Equal(t, "Use smp_load_acquire (bad outcome stays reachable)", acq.Title)
	assert.False(t, acq.Fixes)

	// The writer's store to the flag: "flag = 1;".
	wr := CActions(ctx, tr, path, cfixAt(t, src, "flag = 1", 0, 0), opts)
	rel := findAction(wr, "Use smp_store_release (")
	require.NotNil(t, rel, "titles: %q", actionTitles(wr))
	require.NotNil(t, findAction(wr, "Use WRITE_ONCE ("), "titles: %q", actionTitles(wr))
	require.Len(t, rel.Edits, 2)
	assert.Equal(t, acq.Edits[0], rel.Edits[0], "the same #include")
	assert.Equal(t, "smp_store_release(&flag, 1)", rel.Edits[1].NewText)
	assert.Equal(t, "flag = 1", string(src[rel.Edits[1].Span.Start:rel.Edits[1].Span.End]))
	assert.Contains(t, rel.Title, "bad outcome stays reachable")

	// Both together fix the test: translate and check the edited C.
	fixed, err := analysis.Apply(src, append(append([]analysis.Edit(nil), rel.Edits...), acq.Edits[1:]...))
	require.NoError(t, err)
	ftr := cfixTranslate(t, path, fixed, nil)
	after := cfixOutcomes(t, ftr)
	assert.Equal(t, "Never", after[0].Verdict)
	assert.False(t, after[0].Bad)
	assert.False(t, after[0].Race, "the flag accesses are marked; data is ordered by them")
}

func TestCActionsFences(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	src := tr.Source(path).Text
	opts := rewrite.ActionOptions{Budget: 10 * time.Second}

	// Between the writer's two stores: smp_wmb() and smp_mb(), each on
	// its own line with the next statement's indentation; not smp_rmb().
	at := bytes.Index(src, []byte("\n\tflag = 1;"))
	require.Greater(t, at, 0)
	acts := CActions(context.Background(), tr, path, syntax.Span{Start: at, End: at}, opts)
	wmb := findAction(acts, "Insert smp_wmb() before line 17 (")
	require.NotNil(t, wmb, "titles: %q", actionTitles(acts))
	assert.NotNil(t, findAction(acts, "Insert smp_mb() before line 17 ("), "titles: %q", actionTitles(acts))
	assert.Nil(t, findAction(acts, "Insert smp_rmb()"), "titles: %q", actionTitles(acts))
	require.Len(t, wmb.Edits, 2)
	assert.Equal(t, "#include \"bpf_atomic.h\"\n", wmb.Edits[0].NewText)
	assert.Equal(t, syntax.Span{Start: at + 1, End: at + 1}, wmb.Edits[1].Span)
	assert.Equal(t, "\tsmp_wmb();\n", wmb.Edits[1].NewText)
	// The reader still reads the flag plainly: the fence alone leaves the
	// race and the bad outcome.
	assert.False(t, wmb.Fixes)
	assert.Contains(t, wmb.Title, "stays reachable")

	// Between the reader's read of the flag and the if: smp_rmb() goes
	// before the if, not inside its unbraced body.
	at = bytes.Index(src, []byte("\tif (f)"))
	require.Greater(t, at, 0)
	acts = CActions(context.Background(), tr, path, syntax.Span{Start: at, End: at}, opts)
	rmb := findAction(acts, "Insert smp_rmb() before line 28")
	require.NotNil(t, rmb, "titles: %q", actionTitles(acts))
	assert.Equal(t, syntax.Span{Start: at, End: at}, rmb.Edits[len(rmb.Edits)-1].Span)
	for _, a := range acts {
		for _, e := range a.Edits {
			assert.NotEqual(t, bytes.Index(src, []byte("\t\td = data;")), e.Span.Start, "%s: a fence in the unbraced body", a.Title)
		}
	}
}

func TestCActionsUserSpace(t *testing.T) {
	prog := cfixFile(t, "progs/atomics_xchg_plain.c")
	user := cfixFile(t, "prog_tests/atomics_xchg_plain.c")
	tr := cfixTranslate(t, prog, nil, nil)
	us := tr.Source(user)
	require.NotNil(t, us, "the translation reads the user-space file through its with annotation")
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}

	base := cfixOutcomes(t, tr)
	require.True(t, base[0].Bad && base[0].Race)

	acts := CActions(context.Background(), tr, user, cfixAt(t, us.Text, "skel->bss->done", 0, 3), opts)
	acq := findAction(acts, "Use __atomic_load_n with __ATOMIC_ACQUIRE (")
	require.NotNil(t, acq, "titles: %q", actionTitles(acts))
	assert.Equal(t, "Use __atomic_load_n with __ATOMIC_ACQUIRE (data race gone; bad outcome becomes Never)", acq.Title)
	assert.True(t, acq.Fixes)
	assert.True(t, acq.Preferred, "titles: %q", actionTitles(acts))
	assert.Equal(t, "Never", acq.Verdict)
	require.Len(t, acq.Edits, 1)
	assert.Equal(t, "__atomic_load_n(&skel->bss->done, __ATOMIC_ACQUIRE)", acq.Edits[0].NewText)
	// The relaxed load removes the race but not the bad outcome.
	rlx := findAction(acts, "Use __atomic_load_n with __ATOMIC_RELAXED (")
	require.NotNil(t, rlx, "titles: %q", actionTitles(acts))
	assert.False(t, rlx.Preferred)
	assert.Less(t, rlx.Cost.Max(nil), acq.Cost.Max(nil))
	// No kernel macro is offered in user space.
	for _, a := range acts {
		assert.NotContains(t, a.Title, "smp_load_acquire")
		assert.NotContains(t, a.Title, "READ_ONCE")
	}

	// Check the edited C the way a user would: translate again and check.
	edited, err := analysis.Apply(us.Text, acq.Edits)
	require.NoError(t, err)
	ftr := cfixTranslate(t, prog, nil, func(p string) ([]byte, error) {
		if p == user {
			return edited, nil
		}
		return os.ReadFile(p)
	})
	after := cfixOutcomes(t, ftr)
	assert.Equal(t, "Never", after[0].Verdict)
	assert.False(t, after[0].Race)

	// Between the read of done and the if: the C11 fences the translation
	// reads, not the kernel's.
	at := bytes.Index(us.Text, []byte("\tif (!done_seen)"))
	require.Greater(t, at, 0)
	acts = CActions(context.Background(), tr, user, syntax.Span{Start: at, End: at}, opts)
	fence := findAction(acts, "Insert __atomic_thread_fence(__ATOMIC_ACQUIRE) before line 10 (")
	require.NotNil(t, fence, "titles: %q", actionTitles(acts))
	assert.Equal(t, "\t__atomic_thread_fence(__ATOMIC_ACQUIRE);\n", fence.Edits[0].NewText)
	for _, a := range acts {
		assert.NotContains(t, a.Title, "smp_")
	}
}

func TestCActionsNothingThere(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	src := tr.Source(path).Text
	// On the include line, and on the expect annotation, nothing applies.
	assert.Empty(t, CActions(context.Background(), tr, path, cfixAt(t, src, "#include", 0, 2), rewrite.ActionOptions{}))
	assert.Empty(t, CActions(context.Background(), tr, path, cfixAt(t, src, "litmus: expect", 0, 2), rewrite.ActionOptions{}))
	// A file that is not one of the sources.
	assert.Empty(t, CActions(context.Background(), tr, "other.c", syntax.Span{}, rewrite.ActionOptions{}))
	assert.Empty(t, CActions(context.Background(), nil, path, syntax.Span{}, rewrite.ActionOptions{}))
}

func TestCActionsCancelled(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	src := tr.Source(path).Text
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Nil(t, CActions(ctx, tr, path, cfixAt(t, src, "flag = 1", 0, 0), rewrite.ActionOptions{}))
}

func TestFenceSite(t *testing.T) {
	for _, tc := range []struct {
		src  string // "|" marks the statement
		want bool
	}{
		{"\ta = 1;\n\t|b = 2;\n", true},
		{"{\n\t|b = 2;\n", true},
		{"\t}\n\n\t|b = 2;\n", true},
		{"\ta = 1; // done\n\t/* next */\n\t|b = 2;\n", true},
		{"\tif (f)\n\t\t|d = data;\n", false},
		{"\telse\n\t\t|d = data;\n", false},
		{"\ta = 1; |b = 2;\n", false},
	} {
		off := strings.Index(tc.src, "|")
		text := []byte(tc.src[:off] + tc.src[off+1:])
		at, indent, ok := fenceSite(text, off)
		assert.Equal(t, tc.want, ok, "%q", tc.src)
		if ok {
			ls := strings.LastIndex(string(text[:off]), "\n") + 1
			assert.Equal(t, ls, at, "%q", tc.src)
			assert.Equal(t, string(text[ls:off]), indent, "%q", tc.src)
		}
	}
}

// cfixPrograms returns the annotated C files of testdata/bpfc that start
// translations: the top-level examples and the BPF programs (whose with
// annotations name their user-space sides).
func cfixPrograms(t *testing.T) []string {
	t.Helper()
	top, err := filepath.Glob(cfixFile(t, "*.c"))
	require.NoError(t, err)
	progs, err := filepath.Glob(cfixFile(t, "progs/*.c"))
	require.NoError(t, err)
	all := append(top, progs...)
	require.NotEmpty(t, all)
	return all
}

// TestCActionsVerified asks for actions at both ends of every line of
// every example (BPF and user space) and checks each offered action
// independently: its edits apply to the file, the edited C translates
// with no new error, and the outcome its verdict and Fixes claim is the
// checker's for the edited scenarios.
func TestCActionsVerified(t *testing.T) {
	ctx := context.Background()
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	offered, fixing, weakenings, elsewhere := 0, 0, 0, 0
	for _, prog := range cfixPrograms(t) {
		data, err := os.ReadFile(prog)
		require.NoError(t, err)
		tr, err := bpfc.Translate(prog, data, os.ReadFile)
		require.NoError(t, err)
		if len(tr.Scenarios) == 0 || slices.ContainsFunc(tr.Notes, bpfc.Note.IsError) {
			t.Logf("%s: not a clean translation, skipped", prog)
			continue // an example of what the translation reports
		}
		base := cfixOutcomes(t, tr)
		for _, src := range tr.Sources {
			seen := map[string]bool{}
			for ln := 1; ln <= src.Lines.Count(); ln++ {
				start, ok := src.Lines.LineStart(ln)
				require.True(t, ok)
				for start < len(src.Text) && (src.Text[start] == ' ' || src.Text[start] == '\t') {
					start++
				}
				end := start
				for end < len(src.Text) && src.Text[end] != '\n' {
					end++
				}
				// The first and the last character of the line (an
				// annotation's condition, a statement's ";").
				acts := CFixes(ctx, tr, src.Name, syntax.Span{Start: start, End: start}, opts)
				acts = append(acts, CFixes(ctx, tr, src.Name, syntax.Span{Start: max(start, end-1), End: max(start, end-1)}, opts)...)
				for _, a := range acts {
					key := a.Title + fmt.Sprint(a.Edits, a.Others)
					if seen[key] {
						continue
					}
					seen[key] = true
					offered++
					if a.Kind == rewrite.ActionKindRewrite {
						weakenings++
						assert.True(t, strings.HasPrefix(a.Title, "Use ") || strings.HasPrefix(a.Title, "Remove "), a.Title)
						assert.Regexp(t, `\(outcomes? stays? .*; saves -?\d+ on `, a.Title)
					} else {
						assert.True(t, strings.HasPrefix(a.Title, "Use ") || strings.HasPrefix(a.Title, "Insert "), a.Title)
						assert.Equal(t, rewrite.ActionKindQuickFix, a.Kind)
					}
					if len(a.Others) > 0 {
						elsewhere++
					}
					edited := map[string][]byte{}
					for name, es := range a.Others {
						require.NotNil(t, tr.Source(name), a.Title)
						edited[name], err = analysis.Apply(tr.Source(name).Text, es)
						require.NoError(t, err, a.Title)
					}
					edited[src.Name], err = analysis.Apply(src.Text, a.Edits)
					require.NoError(t, err, a.Title)
					read := func(p string) ([]byte, error) {
						if t, ok := edited[p]; ok {
							return t, nil
						}
						return os.ReadFile(p)
					}
					main, err := read(tr.Sources[0].Name)
					require.NoError(t, err)
					etr, err := bpfc.Translate(tr.Sources[0].Name, main, read)
					require.NoError(t, err)
					for _, n := range etr.Notes {
						assert.False(t, n.IsError(), "%s: %s: %s", a.Title, etr.Position(bpfc.Loc{File: n.File, Span: n.Span}), n.Msg)
					}
					require.Len(t, etr.Scenarios, len(tr.Scenarios), a.Title)
					after := cfixOutcomes(t, etr)
					var verdicts []string
					better, worse := false, false
					for i, sc := range etr.Scenarios {
						verdicts = append(verdicts, sc.Name+" "+after[i].Verdict)
						if rewrite.Fixes(base[i], after[i]) {
							better = true
						}
						if after[i].Bad && !base[i].Bad || after[i].Race && !base[i].Race {
							worse = true
						}
					}
					if len(etr.Scenarios) == 1 {
						assert.Equal(t, after[0].Verdict, a.Verdict, a.Title)
					} else {
						assert.Equal(t, strings.Join(verdicts, ", "), a.Verdict, a.Title)
					}
					assert.Equal(t, better && !worse, a.Fixes, a.Title)
					if a.Kind == rewrite.ActionKindRewrite {
						for i := range after {
							assert.True(t, base[i].OK() && after[i].OK(), "%s: a weakening keeps a correct test correct", a.Title)
						}
						assert.Less(t, a.Cost.Max(nil)+a.Cost.On(primitive.X86_64)+a.Cost.On(primitive.ARM64)+a.Cost.On(primitive.PowerPC64), 0, "%s saves", a.Title)
					}
					if a.Fixes {
						fixing++
					}
				}
			}
		}
	}
	t.Logf("%d actions offered, %d fixing, %d weakenings, %d with edits in another file, all verified again", offered, fixing, weakenings, elsewhere)
	assert.Greater(t, offered, 50)
	assert.Greater(t, fixing, 1)
	assert.Greater(t, weakenings, 1)
	assert.Greater(t, elsewhere, 0)
}

// TestCActionsOddSpans asks at places no cursor should be: before the
// start, past the end, a selection of the whole file.
func TestCActionsOddSpans(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	n := len(tr.Source(path).Text)
	opts := rewrite.ActionOptions{Budget: 5 * time.Second}
	assert.Empty(t, CActions(context.Background(), tr, path, syntax.Span{Start: -5, End: -5}, opts))
	assert.Empty(t, CActions(context.Background(), tr, path, syntax.Span{Start: n + 10, End: n + 10}, opts))
	// A selection of the whole file offers every rewrite of every access
	// and gap, each once, the same titles telling their lines apart.
	all := CActions(context.Background(), tr, path, syntax.Span{Start: 0, End: n}, opts)
	titles := map[string]bool{}
	for _, a := range all {
		assert.False(t, titles[a.Title], "twice: %s", a.Title)
		titles[a.Title] = true
	}
	assert.True(t, titles["Use smp_load_acquire on line 25 (bad outcome stays reachable)"], "titles: %q", actionTitles(all))
	assert.True(t, titles["Use smp_store_release on line 17 (bad outcome stays reachable)"], "titles: %q", actionTitles(all))
}

// TestCActionsCondition: on the condition annotation of a broken test,
// the cheapest fixes fence synthesis finds, written in C, each verified.
func TestCActionsCondition(t *testing.T) {
	path := cfixFile(t, "mp_plain_flag.c")
	tr := cfixTranslate(t, path, nil, nil)
	src := tr.Source(path).Text
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, SynthBudget: 20 * time.Second, Cache: rewrite.NewCheckCache(0)}
	acts := CActions(context.Background(), tr, path, cfixAt(t, src, "litmus: exists", 0, 10), opts)
	require.NotEmpty(t, acts)
	var preferred *rewrite.Action
	for i := range acts {
		a := &acts[i]
		assert.True(t, a.Fixes, a.Title)
		assert.True(t, strings.HasSuffix(a.Title, "(data race gone; bad outcome becomes Never)"), a.Title)
		if a.Preferred {
			require.Nil(t, preferred, "one preferred action")
			preferred = a
		}
	}
	require.NotNil(t, preferred, "titles: %q", actionTitles(acts))
	// Release and acquire on the flag: free on x86, one lwsync each on
	// powerpc, the cheapest fix there is.
	assert.Equal(t, "Use smp_store_release on line 17, smp_load_acquire on line 25 (data race gone; bad outcome becomes Never)", preferred.Title)
	fixed, err := analysis.Apply(src, preferred.Edits)
	require.NoError(t, err)
	after := cfixOutcomes(t, cfixTranslate(t, path, fixed, nil))
	assert.True(t, after[0].OK(), "verdict %s", after[0].Verdict)

	// A correct test offers nothing on its condition.
	ok := cfixFile(t, "mp_relacq.c")
	otr := cfixTranslate(t, ok, nil, nil)
	assert.Empty(t, CActions(context.Background(), otr, ok, cfixAt(t, otr.Source(ok).Text, "litmus: exists", 0, 10), opts))
}

// FuzzCActions asks for actions in arbitrary C (seeded with the examples)
// at an arbitrary place: CActions never panics, and every action it
// offers has edits that apply to the file.
func FuzzCActions(f *testing.F) {
	dir := cfixFile(f, "")
	for _, pattern := range []string{"*.c", "progs/*.c", "prog_tests/*.c"} {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		require.NoError(f, err)
		for i, p := range files {
			data, err := os.ReadFile(p)
			require.NoError(f, err)
			f.Add(data, uint(i*97))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, at uint) {
		// Every "with" file is the input itself: user space and BPF side alike.
		tr, err := bpfc.Translate("fuzz.c", src, func(string) ([]byte, error) { return src, nil })
		if err != nil {
			t.Skip()
		}
		opts := rewrite.ActionOptions{Budget: 200 * time.Millisecond, SynthBudget: 500 * time.Millisecond}
		for _, s := range tr.Sources {
			off := 0
			if len(s.Text) > 0 {
				off = int(at % uint(len(s.Text)))
			}
			for _, span := range []syntax.Span{{Start: off, End: off}, {Start: 0, End: len(s.Text)}} {
				for _, a := range CActions(context.Background(), tr, s.Name, span, opts) {
					if a.Title == "" || len(a.Edits) == 0 {
						t.Fatalf("action %+v has no title or no edits", a)
					}
					if _, err := analysis.Apply(s.Text, a.Edits); err != nil {
						t.Fatalf("%s: %v", a.Title, err)
					}
				}
			}
		}
	})
}

func TestIncludeEdit(t *testing.T) {
	acq := []analysis.Edit{{Span: syntax.Span{Start: 0, End: 0}, NewText: "smp_load_acquire(&x)"}}
	for _, tc := range []struct {
		src   string
		edits []analysis.Edit
		want  string // the text with the edit applied, or "" for no edit
	}{
		{"#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\nint x;\n", acq,
			"#include \"vmlinux.h\"\n#include <bpf/bpf_helpers.h>\n#include \"bpf_atomic.h\"\nint x;\n"},
		{"#include \"vmlinux.h\"\r\nint x;\r\n", acq, "#include \"vmlinux.h\"\r\n#include \"bpf_atomic.h\"\r\nint x;\r\n"},
		{"#include \"vmlinux.h\"", acq, "#include \"vmlinux.h\"\n#include \"bpf_atomic.h\""},
		{"#include \"bpf_atomic.h\"\nint x;\n", acq, ""},
		{"#include \"vmlinux.h\"\n#define smp_load_acquire(p) (*(p))\nint x;\n", acq, ""},
		{"int x;\n", acq, ""},
		{"#include \"vmlinux.h\"\n", []analysis.Edit{{NewText: "__atomic_load_n(&x, __ATOMIC_ACQUIRE)"}}, ""},
	} {
		e, ok := includeEdit([]byte(tc.src), tc.edits)
		if tc.want == "" {
			assert.False(t, ok, "%q", tc.src)
			continue
		}
		require.True(t, ok, "%q", tc.src)
		got, err := analysis.Apply([]byte(tc.src), []analysis.Edit{e})
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(got))
	}
}

// TestCActionsForms: C the rewrites leave alone (chained assignments,
// increments whose value is used) and C they rewrite (increments and
// compound assignments, struct fields, pointers to globals), on programs
// of the test's own.
func TestCActionsForms(t *testing.T) {
	src := []byte(`#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// litmus: exists (b:r=1 /\ b:s=0)

int cnt SEC(".bss");
int x SEC(".bss");
int y SEC(".bss");
struct { int a; int b; } g SEC(".bss");

// litmus: thread a
SEC("tp/a")
int a(void *ctx)
{
	int *p = &x;

	cnt++;
	cnt += 2;
	g.a = 1;
	*p = 1;
	y = x = 1;
	return 0;
}

// litmus: thread b
SEC("tp/b")
int b(void *ctx)
{
	int r = 0, s = 0;

	if (y)
		r = 1;
	s = g.a + x;
	return cnt;
}
`)
	tr := cfixTranslate(t, "forms.c", src, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	at := func(needle string, skip int) []rewrite.Action {
		return CActions(context.Background(), tr, "forms.c", cfixAt(t, src, needle, 0, skip), opts)
	}
	edits := func(acts []rewrite.Action) []string {
		var out []string
		for _, a := range acts {
			for _, e := range a.Edits {
				if !strings.HasPrefix(e.NewText, "#include") && e.Span.Len() > 0 {
					out = append(out, e.NewText)
				}
			}
		}
		return out
	}
	// An increment, a compound assignment: the atomic instruction.
	assert.Equal(t, []string{"__sync_fetch_and_add(&cnt, 1)"}, edits(at("cnt++", 1)))
	assert.Equal(t, []string{"__sync_fetch_and_add(&cnt, 2)"}, edits(at("cnt += 2", 1)))
	assert.Equal(t, []string{"WRITE_ONCE(g.a, 1)", "smp_store_release(&g.a, 1)"}, edits(at("g.a = 1", 0)))
	assert.Equal(t, []string{"WRITE_ONCE(*p, 1)", "smp_store_release(p, 1)"}, edits(at("*p = 1", 1)))
	// On "y = x = 1", only the inner store: the outer one's value has an
	// assignment in it.
	assert.Equal(t, []string{"WRITE_ONCE(x, 1)", "smp_store_release(&x, 1)"}, edits(at("x = 1;", 0)))
	for _, e := range edits(at("y = x", 0)) {
		assert.NotContains(t, e, "(y,", "the outer store of a chained assignment")
		assert.NotContains(t, e, "(&y,", "the outer store of a chained assignment")
	}
	assert.Equal(t, []string{"READ_ONCE(y)", "smp_load_acquire(&y)"}, edits(at("if (y)", 4)))
	assert.Equal(t, []string{"READ_ONCE(cnt)", "smp_load_acquire(&cnt)"}, edits(at("return cnt", 8)))
	// The store to x is what the reader's condition depends on.
	acts := at("x = 1;", 0)
	rel := findAction(acts, "Use smp_store_release (")
	require.NotNil(t, rel, "titles: %q", actionTitles(acts))
	assert.Equal(t, "Use smp_store_release (bad outcome becomes Never)", rel.Title)
}

func TestCActionsIncrements(t *testing.T) {
	src := []byte(`// litmus: exists (cnt=1 /\ b:old=0)

int cnt;

// litmus: thread a
void a(void)
{
	--cnt;
	cnt ^= 3;
}

// litmus: thread b
void b(void)
{
	int old = cnt++;
}
`)
	tr := cfixTranslate(t, "inc.c", src, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	at := func(needle string) []string {
		var out []string
		for _, a := range CActions(context.Background(), tr, "inc.c", cfixAt(t, src, needle, 0, 1), opts) {
			if a.Edits[0].Span.Len() > 0 {
				out = append(out, a.Edits[0].NewText)
			}
		}
		return out
	}
	// No SEC() and no BPF header: user space, the __atomic builtins.
	assert.Equal(t, []string{"__atomic_fetch_sub(&cnt, 1, __ATOMIC_RELAXED)"}, at("--cnt"))
	assert.Equal(t, []string{"__atomic_fetch_xor(&cnt, 3, __ATOMIC_RELAXED)"}, at("cnt ^= 3"))
	// The value of cnt++ is used: left alone.
	assert.Empty(t, at("cnt++"))
}

// TestCFixesOtherFile: the condition of atomics_xchg_plain is in the BPF
// program, its fix in the user-space side. CActions cannot offer it (its
// edits are in the program's file only); CFixes does, with the edit of
// the other file, and applying both files' edits fixes the test.
func TestCFixesOtherFile(t *testing.T) {
	prog := cfixFile(t, "progs/atomics_xchg_plain.c")
	user := cfixFile(t, "prog_tests/atomics_xchg_plain.c")
	tr := cfixTranslate(t, prog, nil, nil)
	src := tr.Source(prog).Text
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, SynthBudget: 20 * time.Second, Cache: rewrite.NewCheckCache(0)}
	cursor := cfixAt(t, src, "litmus: exists", 0, 10)

	for _, a := range CActions(context.Background(), tr, prog, cursor, opts) {
		assert.NotContains(t, a.Title, "__atomic_load_n", "a fix of the other file among the actions")
	}
	fixes := CFixes(context.Background(), tr, prog, cursor, opts)
	var pref *CFix
	for i := range fixes {
		if fixes[i].Preferred {
			pref = &fixes[i]
		}
	}
	require.NotNil(t, pref, "%+v", fixes)
	assert.True(t, pref.Fixes)
	assert.Equal(t, "Use __atomic_load_n with __ATOMIC_ACQUIRE on line 8 of ../prog_tests/atomics_xchg_plain.c (data race gone; bad outcome becomes Never)", pref.Title)
	assert.Empty(t, pref.Edits)
	require.Len(t, pref.Others[user], 1)
	assert.Equal(t, "__atomic_load_n(&skel->bss->done, __ATOMIC_ACQUIRE)", pref.Others[user][0].NewText)

	us := tr.Source(user).Text
	edited, err := analysis.Apply(us, pref.Others[user])
	require.NoError(t, err)
	ftr := cfixTranslate(t, prog, nil, func(p string) ([]byte, error) {
		if p == user {
			return edited, nil
		}
		return os.ReadFile(p)
	})
	after := cfixOutcomes(t, ftr)
	assert.True(t, after[0].OK(), "verdict %s", after[0].Verdict)
}

func TestCActionsVolatile(t *testing.T) {
	src := []byte(`#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

// litmus: exists (b:f=1 /\ b:d=0)

int data SEC(".bss");
int flag SEC(".bss");

// litmus: thread a
SEC("tp/a")
int a(void *ctx)
{
	data = 1;
	*(volatile int *)&flag = 1;
	return 0;
}

// litmus: thread b
SEC("tp/b")
int b(void *ctx)
{
	int f = *(volatile int *)&flag;
	int d = 0;

	if (f)
		d = data;
	return 0;
}
`)
	tr := cfixTranslate(t, "vol.c", src, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	rel := findAction(CActions(context.Background(), tr, "vol.c", cfixAt(t, src, "*(volatile int *)&flag = 1", 0, 3), opts), "Use smp_store_release (")
	require.NotNil(t, rel)
	require.Len(t, rel.Edits, 1, "bpf_atomic.h is included already")
	assert.Equal(t, "smp_store_release(&flag, 1)", rel.Edits[0].NewText)
	acq := findAction(CActions(context.Background(), tr, "vol.c", cfixAt(t, src, "*(volatile int *)&flag;", 0, 3), opts), "Use smp_load_acquire (")
	require.NotNil(t, acq)
	assert.Equal(t, "smp_load_acquire(&flag)", acq.Edits[0].NewText)
	assert.Equal(t, "*(volatile int *)&flag", string(src[acq.Edits[0].Span.Start:acq.Edits[0].Span.End]))
	// Both: the flag orders the data.
	fixed, err := analysis.Apply(src, []analysis.Edit{rel.Edits[0], acq.Edits[0]})
	require.NoError(t, err)
	after := cfixOutcomes(t, cfixTranslate(t, "vol.c", fixed, func(string) ([]byte, error) { return nil, os.ErrNotExist }))
	assert.True(t, after[0].OK(), "verdict %s", after[0].Verdict)
}

// TestCActionsWeakenings: in a correct test, the fence it does not need
// can go, the whole line with it; the release it needs cannot.
func TestCActionsWeakenings(t *testing.T) {
	src := []byte(`#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf_atomic.h"

// litmus: exists (b:f=1 /\ b:d=0)

int data SEC(".bss");
int flag SEC(".bss");

// litmus: thread a
SEC("tp/a")
int a(void *ctx)
{
	WRITE_ONCE(data, 1);
	smp_store_release(&flag, 1);
	return 0;
}

// litmus: thread b
SEC("tp/b")
int b(void *ctx)
{
	int f = smp_load_acquire(&flag);
	int d = 0;

	smp_mb();
	if (f)
		d = READ_ONCE(data);
	return 0;
}
`)
	tr := cfixTranslate(t, "weak.c", src, func(string) ([]byte, error) { return nil, os.ErrNotExist })
	opts := rewrite.ActionOptions{Budget: 10 * time.Second, Cache: rewrite.NewCheckCache(0)}
	acts := CActions(context.Background(), tr, "weak.c", cfixAt(t, src, "smp_mb();", 0, 2), opts)
	var weak []rewrite.Action
	for _, a := range acts {
		if a.Kind == rewrite.ActionKindRewrite {
			weak = append(weak, a)
		}
	}
	// The acquire orders the reads: smp_mb() can go, with its line.
	rm := findAction(weak, "Remove smp_mb() on line 26 (outcome stays Never; saves 40 on powerpc64, 10 on arm64, 15 on x86-64)")
	require.NotNil(t, rm, "titles: %q", actionTitles(weak))
	require.Len(t, rm.Edits, 1)
	line := bytes.Index(src, []byte("\tsmp_mb();\n"))
	assert.Equal(t, analysis.Edit{Span: syntax.Span{Start: line, End: line + len("\tsmp_mb();\n")}}, rm.Edits[0])
	assert.False(t, rm.Fixes)
	assert.False(t, rm.Preferred)

	// The release orders the data before the flag: weakening it breaks
	// the test, so it is not offered.
	acts = CActions(context.Background(), tr, "weak.c", cfixAt(t, src, "smp_store_release(&flag", 0, 2), opts)
	for _, a := range acts {
		assert.NotEqual(t, rewrite.ActionKindRewrite, a.Kind, a.Title)
	}
}

func TestSplitCall(t *testing.T) {
	for _, tc := range []struct {
		c    string
		name string
		args []string
		ok   bool
	}{
		{"f()", "f", nil, true},
		{"__atomic_load_n(&x, __ATOMIC_RELAXED)", "__atomic_load_n", []string{"&x", "__ATOMIC_RELAXED"}, true},
		{"g( a[1, 2] , h(b, c), )", "g", []string{"a[1, 2]", "h(b, c)", ""}, true},
		{"f(a))", "", nil, false},
		{"f(a)(b)", "", nil, false},
		{"f(a", "", nil, false},
		{`f("x")`, "", nil, false},
		{"s->f(a)", "", nil, false},
		{"(f)(a)", "", nil, false},
	} {
		name, args, ok := splitCall(tc.c)
		assert.Equal(t, tc.ok, ok, tc.c)
		assert.Equal(t, tc.name, name, tc.c)
		assert.Equal(t, tc.args, args, tc.c)
	}
	text := []byte("y = __atomic_fetch_add(&x, f(1, 2),  __ATOMIC_RELAXED );")
	call := syntax.Span{Start: 4, End: len(text) - 1}
	for i, want := range []string{"&x", "f(1, 2)", "__ATOMIC_RELAXED"} {
		sp, ok := callArgSpan(text, call, i)
		require.True(t, ok, i)
		assert.Equal(t, want, string(text[sp.Start:sp.End]))
	}
	_, ok := callArgSpan(text, call, 3)
	assert.False(t, ok)
}
