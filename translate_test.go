package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// The annotated C scenarios of testdata/bpfc: each translation is compared
// with the golden <scenario>.litmus next to its C file (go test -update
// rewrites them), and its verdict with the file's "litmus: expect".

const bpfcDir = "testdata/bpfc"

// translateTestdata translates the C file rel (a path under bpfcDir, which
// is also the name the translation uses).
func translateTestdata(t *testing.T, rel string) *bpfc.Translation {
	t.Helper()
	load := func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(bpfcDir, p)) }
	src, err := load(rel)
	require.NoError(t, err)
	tr, err := bpfc.Translate(rel, src, load)
	require.NoError(t, err)
	for _, n := range tr.Notes {
		assert.False(t, n.IsError(), "%s: %s", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), n.Msg)
	}
	return tr
}

// bpfcScenarios translates every C file of testdata/bpfc.
func bpfcScenarios(t *testing.T) map[string]*bpfc.Scenario {
	t.Helper()
	out := map[string]*bpfc.Scenario{}
	err := filepath.WalkDir(bpfcDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".c") {
			return err
		}
		rel, _ := filepath.Rel(bpfcDir, path)
		for _, sc := range translateTestdata(t, rel).Scenarios {
			key := filepath.Join(filepath.Dir(rel), sc.Name+".litmus")
			require.NotContains(t, out, key, "two scenarios named %s", sc.Name)
			out[key] = sc
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func TestTranslateGolden(t *testing.T) {
	scs := bpfcScenarios(t)
	assert.GreaterOrEqual(t, len(scs), 12)
	for key, sc := range scs {
		golden := filepath.Join(bpfcDir, key)
		if testkit.Updating() {
			require.NoError(t, os.WriteFile(golden, sc.Text, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test -update")
		assert.Equal(t, string(want), string(sc.Text), key)
	}
	// No golden file is left without its scenario.
	err := filepath.WalkDir(bpfcDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".litmus") {
			rel, _ := filepath.Rel(bpfcDir, path)
			assert.Contains(t, scs, rel, "stale golden file")
		}
		return err
	})
	require.NoError(t, err)
}

func TestTranslateVerdicts(t *testing.T) {
	for key, sc := range bpfcScenarios(t) {
		t.Run(key, func(t *testing.T) {
			want := sc.File.Result
			require.NotNil(t, want, "scenario without // litmus: expect")
			res, err := checker.Check(context.Background(), sc.File, checker.Options{})
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			assert.Equal(t, want.Verdict, res.Verdict)
			assert.Equal(t, slices.Contains(want.Flags, "DATARACE"), slices.Contains(res.Flags, "data-race"), "flags %v", res.Flags)
		})
	}
}

// checkScenario translates testdata/bpfc/rel and checks its one scenario
// with explanations.
func checkScenario(t *testing.T, rel string) (*bpfc.Translation, *bpfc.Scenario, *checker.Result) {
	tr := translateTestdata(t, rel)
	require.Len(t, tr.Scenarios, 1)
	sc := tr.Scenarios[0]
	res, err := checker.Check(context.Background(), sc.File, checker.Options{Explain: true})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	return tr, sc, res
}

// The kernel selftest atomics pair: the BPF program exchanges value and
// publishes completion with a release store; user space reads completion
// with an acquire load, then value. Seeing completion without the new
// value never happens, and nothing races.
func TestAtomicsPairNever(t *testing.T) {
	_, sc, res := checkScenario(t, "progs/atomics_xchg.c")
	assert.Contains(t, string(sc.Text), "*result = xchg(value, 2);")
	assert.Contains(t, string(sc.Text), "int done_seen = smp_load_acquire(done);")
	assert.Equal(t, "Never", res.Verdict)
	assert.NotContains(t, res.Flags, "data-race")
	assert.Empty(t, res.DataRaces())
}

// The same pair with the completion read plain: a data race, and the racy
// access maps back to the user-space line that reads completion.
func TestAtomicsPairPlainRace(t *testing.T) {
	tr, sc, res := checkScenario(t, "progs/atomics_xchg_plain.c")
	assert.Contains(t, res.Flags, "data-race")
	races := res.DataRaces()
	require.NotEmpty(t, races)
	const user = "prog_tests/atomics_xchg_plain.c"
	src := tr.Source(user)
	require.NotNil(t, src)
	wantLine := 1 + bytes.Count(src.Text[:bytes.Index(src.Text, []byte("int done_seen = skel->bss->done;"))], []byte("\n"))
	var lines []int
	var texts []string
	for _, r := range races {
		for _, ev := range []*checker.WitnessEvent{r.A, r.B} {
			l, ok := sc.Map.ToC(ev.Span)
			require.True(t, ok, "event %s has no C location", ev.Text)
			if l.C.File == user {
				lines = append(lines, tr.Position(l.C).Line)
				texts = append(texts, string(src.Text[l.C.Span.Start:l.C.Span.End]))
			}
		}
	}
	assert.Contains(t, texts, "skel->bss->done")
	assert.Contains(t, lines, wantLine)
}

func TestTranslateCommand(t *testing.T) {
	var out, errs bytes.Buffer
	code := dispatch([]string{"translate", filepath.Join(bpfcDir, "fetch_add.c#fetch_add_old")}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	want, err := os.ReadFile(filepath.Join(bpfcDir, "fetch_add_old.litmus"))
	require.NoError(t, err)
	// The command names the file by its path, the golden by its path under testdata/bpfc.
	assert.Equal(t, strings.ReplaceAll(string(want), "fetch_add.c", filepath.Join(bpfcDir, "fetch_add.c")), out.String())

	out.Reset()
	errs.Reset()
	code = dispatch([]string{"translate", filepath.Join(bpfcDir, "progs/ringbuf.c")}, &out, &errs)
	assert.Equal(t, 0, code, errs.String()) // what is not modeled is information, not an error
	assert.Contains(t, errs.String(), filepath.Join(bpfcDir, "progs/ringbuf.c")+":27:2: note: not modeled: helper call bpf_printk")
	assert.Contains(t, out.String(), "// not modeled: helper call bpf_printk")

	out.Reset()
	errs.Reset()
	code = dispatch([]string{"translate", filepath.Join(bpfcDir, "prog_tests/ringbuf.c")}, &out, &errs)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs.String(), "no litmus scenario")
}

func TestCheckAnnotatedC(t *testing.T) {
	var out, errs bytes.Buffer
	code := dispatch([]string{"check", bpfcDir}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	for _, name := range []string{"atomics_xchg", "fetch_add_total", "fetch_add_old", "mp_relacq", "spin_counter"} {
		assert.Contains(t, out.String(), "Test "+name+" ")
	}
	assert.NotContains(t, out.String(), "Test wait_ready_user") // a "with" file is not a scenario

	out.Reset()
	errs.Reset()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.c")
	require.NoError(t, os.WriteFile(bad, []byte("int x;\n// litmus: exists (t:r=1)\n// litmus: thread t\nvoid f(void) { x = 1; }\n"), 0o644))
	code = dispatch([]string{"check", bad}, &out, &errs)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs.String(), bad+":2:20: thread t has no local variable \"r\"")
}
