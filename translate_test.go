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
		// The golden is the test as translate prints it, for herd7.
		if testkit.Updating() {
			require.NoError(t, os.WriteFile(golden, sc.Herd, 0o644))
			continue
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "run go test -update")
		assert.Equal(t, string(want), string(sc.Herd), key)
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

// bpf_atomic.h's smp_mb() written out (cpu_smp_mb.c): Never at clang 20's
// default -mcpu=v3, and check says on stderr that with -mcpu=v1/v2 or an
// older clang the outcome is reachable (SB without barriers, Sometimes:
// herd7 on the hand translation). --bpf-cpu v2 translates for that build.
func TestCheckCPU(t *testing.T) {
	path := filepath.Join(bpfcDir, "cpu_smp_mb.c")
	var out, errs bytes.Buffer
	code := dispatch([]string{"check", path}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	assert.Contains(t, out.String(), "Observation cpu_smp_mb Never 0 3")
	assert.Contains(t, errs.String(), path+":25:2: note: a fully ordered read-modify-write of a local variable is a full barrier: smp_mb()\n")
	assert.Contains(t, errs.String(), path+":25:2: note: correct only with clang 20 or later at -mcpu=v3 or later (clang's default since 20): this call's result is unused, and with -mcpu=v1/v2 or a clang before 20 it orders nothing; the result is then Sometimes, not Never\n")

	out.Reset()
	errs.Reset()
	code = dispatch([]string{"check", "--bpf-cpu", "v2", path}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	assert.Contains(t, out.String(), "Observation cpu_smp_mb Sometimes 1 3")
	assert.NotContains(t, errs.String(), "correct only")

	out.Reset()
	errs.Reset()
	code = dispatch([]string{"translate", "--bpf-cpu=v1", path}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	assert.Contains(t, out.String(), "(* BPF built with clang -mcpu=v1 (an unused __sync_fetch_and_add is the unordered atomic_add). *)")
	assert.Equal(t, 2, dispatch([]string{"translate", "--bpf-cpu", "v7", path}, &out, &errs))
	assert.Equal(t, 2, dispatch([]string{"check", "--bpf-cpu", "x", path}, &out, &errs))
}

// check prints the notes of a translated C file on stderr as
// "file:line:col: note: ...", and gives no verdict to a scenario that
// depends on code the translation leaves out: an error at that code.
func TestCheckNotesAndIncomplete(t *testing.T) {
	var out, errs bytes.Buffer
	path := filepath.Join(bpfcDir, "progs/ringbuf.c")
	code := dispatch([]string{"check", path}, &out, &errs)
	assert.Equal(t, 0, code, errs.String())
	assert.Contains(t, errs.String(), path+":27:2: note: not modeled: helper call bpf_printk\n")
	assert.Contains(t, out.String(), "Observation ringbuf Never")

	dir := t.TempDir()
	bad := filepath.Join(dir, "loop.c")
	require.NoError(t, os.WriteFile(bad, []byte(`int x, y;
struct pair { int a, b; } p;
// litmus: exists (f:r=1)
// litmus: thread
int f(void *ctx)
{
	int i, r = READ_ONCE(y);
	while (i < 3) {
		x = i;
		i = READ_ONCE(y);
	}
	return 0;
}
// litmus: thread
int g(void *ctx)
{
	struct pair snap;
	bpf_probe_read_kernel(&snap, sizeof(snap), &p);
	WRITE_ONCE(y, 1);
	return 0;
}
`), 0o644))
	out.Reset()
	errs.Reset()
	code = dispatch([]string{"check", bad}, &out, &errs)
	assert.Equal(t, 1, code)
	assert.Empty(t, out.String(), "no verdict")
	assert.Contains(t, errs.String(), bad+":8:2: not modeled: loop while (i < 3) { x = i; i = READ_ONCE(..., which accesses the shared x: the scenario gets no verdict")
	assert.Contains(t, errs.String(), bad+":18:2: not modeled: helper call bpf_probe_read_kernel, which accesses the shared p: the scenario gets no verdict")
}

// BenchmarkCheckCPUNote checks cpu_smp_mb.c as check does: the scenario,
// then (for the note on -mcpu) its translation for the weakest build and
// that check too.
func BenchmarkCheckCPUNote(b *testing.B) {
	path := filepath.Join(bpfcDir, "cpu_smp_mb.c")
	for i := 0; i < b.N; i++ {
		o := checkFile(path, checker.Options{}, nil, bpfc.Options{})
		if o.Result == nil || len(o.Notes) == 0 {
			b.Fatal("no result or no note")
		}
	}
}

// BenchmarkCheckNoCPUNote is BenchmarkCheckCPUNote at -mcpu=v2, where
// there is no other build to compare with.
func BenchmarkCheckNoCPUNote(b *testing.B) {
	path := filepath.Join(bpfcDir, "cpu_smp_mb.c")
	for i := 0; i < b.N; i++ {
		if o := checkFile(path, checker.Options{}, nil, bpfc.Options{CPU: bpfc.CPUv2}); o.Result == nil {
			b.Fatal("no result")
		}
	}
}
