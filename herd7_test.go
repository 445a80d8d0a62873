package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// kernelModelFiles are the model files of the kernel's
// tools/memory-model: herd7 finds the others (stdlib.cat, cos-opt.cat,
// cross.cat) in its own library.
var kernelModelFiles = []string{"linux-kernel.cfg", "linux-kernel.cat", "linux-kernel.bell", "linux-kernel.def", "lock.cat"}

// copyModelFiles copies files of ../shared/model/lkmm (all of them when files
// is nil) into dir.
func copyModelFiles(t *testing.T, dir string, files []string) {
	t.Helper()
	if files == nil {
		ents, err := os.ReadDir(filepath.Join(origWD, lkmmDir))
		require.NoError(t, err)
		for _, e := range ents {
			files = append(files, e.Name())
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(origWD, lkmmDir, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
}

// withoutTimeHash drops the lines a comparison with herd7 ignores: Time
// (run time) and Hash (herd7's digest of the test, which litmusls does not
// print).
func withoutTimeHash(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(l, "Time ") || strings.HasPrefix(l, "Hash=") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "")
}

// withoutTime drops the Time line (run time) only.
func withoutTime(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "Time ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// corpusTests lists the tests of ../shared/corpus under the directories
// given.
func corpusTests(t *testing.T, dirs ...string) []string {
	var out []string
	for _, d := range dirs {
		err := filepath.Walk(filepath.Join(origWD, "../shared/corpus", d), func(p string, info os.FileInfo, err error) error {
			if err == nil && strings.HasSuffix(p, ".litmus") {
				out = append(out, p)
			}
			return err
		})
		require.NoError(t, err)
	}
	sort.Strings(out)
	return out
}

func expected(t *testing.T, test string) string {
	b, err := os.ReadFile(test + ".expected")
	require.NoError(t, err)
	return withoutTimeHash(string(b))
}

// buildHerd7 builds litmusls into a temporary directory and links it
// there as herd7, as a user would (ln -s $(command -v litmusls) herd7).
func buildHerd7(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "litmusls"), ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	link := filepath.Join(bin, "herd7")
	require.NoError(t, os.Symlink(filepath.Join(bin, "litmusls"), link))
	return link
}

var timeLine = regexp.MustCompile(`(?m)^Time (\S+) \d+\.\d\d$`)

// TestHerd7KernelScripts does what the kernel's
// tools/memory-model/scripts do (runlitmus.sh: "herd7 $LKMM_HERD_OPTIONS
// $litmus > $litmus.out 2>&1", with LKMM_HERD_OPTIONS at its default
// "-conf linux-kernel.cfg", from the directory holding the model): for
// every LKMM test of the corpus, through a symlink named herd7, from a
// directory holding the kernel's model files only. Output, stdout and
// stderr together, must be herd7's (.expected) byte for byte, Hash line
// included, but for the Time line, which must have herd7's shape.
func TestHerd7KernelScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it once per test")
	}
	herd7 := buildHerd7(t)
	dir := t.TempDir()
	copyModelFiles(t, dir, kernelModelFiles)
	tests := corpusTests(t, "kernel", "herd-linux", "paulmck")
	require.Greater(t, len(tests), 500)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, test := range tests {
		abs, err := filepath.Abs(test)
		require.NoError(t, err)
		b, err := os.ReadFile(test + ".expected")
		require.NoError(t, err)
		want := string(b)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cmd := exec.Command(herd7, "-conf", "linux-kernel.cfg", abs)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s: %v\n%s", test, err, out)
				return
			}
			if got := withoutTime(string(out)); got != want {
				t.Errorf("%s: got\n%s\nwant (herd7)\n%s", test, got, want)
			}
			if m := timeLine.FindSubmatch(out); m == nil || !strings.HasPrefix(string(out), "Test "+string(m[1])+" ") {
				t.Errorf("%s: no Time line for the test:\n%s", test, out)
			}
		}()
	}
	wg.Wait()
}

// TestHerd7BPFDefault: herd7 runs a BPF test under its default bpf.cat
// ("cd /tmp && herd7 FILE"), which litmusls compiles; the corpus's BPF
// tests, all in one run, print herd7's text in order, byte for byte but
// for the Time lines.
func TestHerd7BPFDefault(t *testing.T) {
	t.Chdir(t.TempDir())
	tests := corpusTests(t, "bpf")
	var abs []string
	want := ""
	for _, test := range tests {
		abs = append(abs, test)
		b, err := os.ReadFile(test + ".expected")
		require.NoError(t, err)
		want += string(b)
	}
	code, out, errs := runHerd7Args(t, abs...)
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	require.Equal(t, want, withoutTime(out))
}

// origWD is the package directory, where the tests start.
var origWD = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd
}()

// runHerd7Args runs "herd7 ARGS" in process, as the symlink would.
func runHerd7Args(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runHerd7("herd7", args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// modelDir makes a temporary directory holding a copy of every file of
// the kernel's model and makes it the current directory.
func modelDir(t *testing.T) string {
	dir := t.TempDir()
	copyModelFiles(t, dir, nil)
	t.Chdir(dir)
	return dir
}

func corpusPath(name string) string {
	return filepath.Join(origWD, "../shared/corpus", name)
}

const mpWmbRmb = "kernel/MP+fencewmbonceonce+fencermbonceonce.litmus"

// mpWmbRmbWeak is herd7's output for MP+fencewmbonceonce+fencermbonceonce
// when smp_wmb() orders nothing: herd7 7.58+1 run by hand with
// "-through all", "-through invalid", "-skipchecks happens-before", and
// on a copy of linux-kernel.cat whose wmb is fencerel(Mb) (Time and Hash
// lines dropped).
const mpWmbRmbWeak = `Test MP+fencewmbonceonce+fencermbonceonce Allowed
States 4
1:r0=0; 1:r1=0;
1:r0=0; 1:r1=1;
1:r0=1; 1:r1=0;
1:r0=1; 1:r1=1;
Ok
Witnesses
Positive: 1 Negative: 3
Condition exists (1:r0=1 /\ 1:r1=0)
Observation MP+fencewmbonceonce+fencermbonceonce Sometimes 1 3

`

// TestHerd7EditedModel: a copy of the model edited in comments and layout
// only still runs compiled; one edited in substance runs interpreted, and
// gives herd7's answer for the edited model. -v says which ran.
func TestHerd7EditedModel(t *testing.T) {
	dir := modelDir(t)
	cat := filepath.Join(dir, "linux-kernel.cat")
	src, err := os.ReadFile(cat)
	require.NoError(t, err)
	const wmb = "let wmb = [W] ; fencerel(Wmb) ; [W]"
	require.Contains(t, string(src), wmb)
	test := corpusPath(mpWmbRmb)

	// Comments and layout: the same model.
	cosmetic := strings.Replace(string(src), wmb, "(* edited *)\nlet   wmb =\n\t[W];fencerel(Wmb);[W]", 1)
	require.NoError(t, os.WriteFile(cat, []byte(cosmetic), 0o644))
	code, out, errs := runHerd7Args(t, "-v", "-conf", "linux-kernel.cfg", test)
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "model: compiled LKMM")
	require.Equal(t, expected(t, corpusPath(mpWmbRmb)), withoutTimeHash(out))

	// Substance: smp_wmb() no longer orders writes.
	edited := strings.Replace(string(src), wmb, "let wmb = [W] ; fencerel(Mb) ; [W]", 1)
	require.NoError(t, os.WriteFile(cat, []byte(edited), 0o644))
	code, out, errs = runHerd7Args(t, "-v", "-conf", "linux-kernel.cfg", test)
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "model: interpreted linux-kernel.cat")
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))

	// Without -v, nothing on stderr: the kernel's scripts keep it in the
	// .out file.
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", test)
	require.Equal(t, 0, code)
	require.Empty(t, errs)
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))
}

// TestHerd7EditedModelLibrary: an edited model whose directory lacks the
// files herd7 takes from its own library cannot be interpreted (litmusls
// ships no model text): an error says what to do, never the compiled
// model.
func TestHerd7EditedModelLibrary(t *testing.T) {
	dir := t.TempDir()
	copyModelFiles(t, dir, kernelModelFiles)
	t.Chdir(dir)
	cat := filepath.Join(dir, "linux-kernel.cat")
	src, err := os.ReadFile(cat)
	require.NoError(t, err)
	edited := strings.Replace(string(src), "fencerel(Wmb)", "fencerel(Mb)", 1)
	require.NoError(t, os.WriteFile(cat, []byte(edited), 0o644))
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Contains(t, errs, "herd7's library")
	require.Contains(t, errs, "-I")

	// The same with the library's files in a -set-libdir directory (as
	// the corpus README runs herd7).
	lib0 := t.TempDir()
	copyModelFiles(t, lib0, []string{"stdlib.cat", "cos-opt.cat", "cross.cat"})
	code, out, errs = runHerd7Args(t, "-set-libdir", lib0, "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 0, code, errs)
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))
	// An empty one has no stdlib.cat: herd7 cannot find it.
	code, _, errs = runHerd7Args(t, "-set-libdir", t.TempDir(), "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "Cannot find file stdlib.cat")

	// With the library's files in an -I directory, it runs.
	lib := t.TempDir()
	copyModelFiles(t, lib, []string{"stdlib.cat", "cos-opt.cat", "cross.cat"})
	code, out, errs = runHerd7Args(t, "-I", lib, "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 0, code, errs)
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))
}

// TestHerd7UnknownMacro: a primitive the model does not define gives
// herd7's line, which the kernel's judgelitmus.sh looks for, on stderr,
// and the run goes on (exit status 0, as herd7's).
func TestHerd7UnknownMacro(t *testing.T) {
	dir := modelDir(t)
	memb := writeFile(t, dir, "memb.litmus", "C memb\n{}\nP0(int *x) { smp_memb(); WRITE_ONCE(*x, 1); }\nexists (x=1)\n")
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", memb, corpusPath(mpWmbRmb))
	require.Equal(t, 0, code)
	// herd7 7.58+1 prints exactly this line for this test.
	require.Equal(t, "Warning: File \""+memb+"\": Unknown macro smp_memb (User error)\n", errs)
	require.Equal(t, expected(t, corpusPath(mpWmbRmb)), withoutTimeHash(out))

	// A .def without WRITE_ONCE: herd7 rejects a test that calls it.
	def := filepath.Join(dir, "linux-kernel.def")
	src, err := os.ReadFile(def)
	require.NoError(t, err)
	var kept []string
	for _, l := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(l, "WRITE_ONCE(") {
			kept = append(kept, l)
		}
	}
	require.NoError(t, os.WriteFile(def, []byte(strings.Join(kept, "\n")), 0o644))
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 0, code)
	require.Empty(t, out)
	require.Equal(t, "Warning: File \""+corpusPath(mpWmbRmb)+"\": Unknown macro WRITE_ONCE (User error)\n", errs)
}

// TestHerd7ChangedMacros: a .def of one's own beside the kernel's cat and
// bell lowers the tests, so the interpreter runs (the compiled LKMM's
// lowering is the kernel's .def): smp_mb() made a read-read fence no longer
// orders store buffering, and smp_memb(), which only the edited .def
// defines, lowers to a full fence. The expected texts are herd7 7.58+1's
// on the same edited files (run by hand; Time and Hash lines aside). A
// test the edit does not touch still gives herd7's corpus output.
func TestHerd7ChangedMacros(t *testing.T) {
	dir := modelDir(t)
	def := filepath.Join(dir, "linux-kernel.def")
	src, err := os.ReadFile(def)
	require.NoError(t, err)
	const mb = "smp_mb() { __fence{MB}; }"
	require.Contains(t, string(src), mb)
	edited := strings.Replace(string(src), mb, "smp_mb() { __fence{rmb}; }", 1) + "smp_memb() { __fence{MB}; }\n"
	require.NoError(t, os.WriteFile(def, []byte(edited), 0o644))
	sb := corpusPath("kernel/SB+fencembonceonces.litmus")
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-v", sb)
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "model: interpreted")
	require.Contains(t, errs, "(it differs from the kernel's linux-kernel.def)")
	require.Equal(t, `Test SB+fencembonceonces Allowed
States 4
0:r0=0; 1:r0=0;
0:r0=0; 1:r0=1;
0:r0=1; 1:r0=0;
0:r0=1; 1:r0=1;
Ok
Witnesses
Positive: 1 Negative: 3
Condition exists (0:r0=0 /\ 1:r0=0)
Observation SB+fencembonceonces Sometimes 1 3

`, withoutTimeHash(out))
	memb := writeFile(t, dir, "memb.litmus", "C memb\n{}\nP0(int *x) { smp_memb(); WRITE_ONCE(*x, 1); }\nexists (x=1)\n")
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", memb)
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	require.Equal(t, `Test memb Allowed
States 1
[x]=1;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists ([x]=1)
Observation memb Always 1 0

`, withoutTimeHash(out))
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", corpusPath(mpWmbRmb))
	require.Equal(t, 0, code, errs)
	require.Equal(t, expected(t, corpusPath(mpWmbRmb)), withoutTimeHash(out))
}

// TestHerd7KernelDefCompiled: the kernel's .def written with other
// comments and layout is still the kernel's: the compiled LKMM runs.
func TestHerd7KernelDefCompiled(t *testing.T) {
	dir := modelDir(t)
	def := filepath.Join(dir, "linux-kernel.def")
	src, err := os.ReadFile(def)
	require.NoError(t, err)
	relaid := "// relaid out\n" + strings.ReplaceAll(strings.ReplaceAll(string(src), "; }", ";\t}"), "(X,V)", "( X , V )")
	require.NotEqual(t, string(src), relaid)
	require.NoError(t, os.WriteFile(def, []byte(relaid), 0o644))
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-v", corpusPath(mpWmbRmb))
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "model: compiled LKMM")
	require.Equal(t, expected(t, corpusPath(mpWmbRmb)), withoutTimeHash(out))
}

// herd7Speed holds herd7 7.58+1's own output (run by hand, Time and Hash
// lines dropped) for -speedcheck on tests with several target executions
// and a forall test.
var herd7Speed = []struct {
	test, mode, want string
}{
	{"herd-linux/C-WWC+o-cge-o+o-cge-o+o+dstb.litmus", "true", `Test C-WWC+o-cge-o+o-cge-o+o+dstb Allowed
States 1
0:r1=2; 1:r2=1; [x]=2;
Ok
Witnesses
Positive: 6 Negative: 0
Condition exists (0:r1=2 /\ 1:r2=1 /\ [x]=2)
Observation C-WWC+o-cge-o+o-cge-o+o+dstb Sometimes 6 0

`},
	{"herd-linux/C-WWC+o-cge-o+o-cge-o+o+dstb.litmus", "fast", `Test C-WWC+o-cge-o+o-cge-o+o+dstb Allowed
States 1
0:r1=2; 1:r2=1; [x]=2;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists (0:r1=2 /\ 1:r2=1 /\ [x]=2)
Observation C-WWC+o-cge-o+o-cge-o+o+dstb Sometimes 1 0

`},
	{"kernel/MP+pooncerelease+poacquireonce.litmus", "true", `Test MP+pooncerelease+poacquireonce Allowed
States 0
No
Witnesses
Positive: 0 Negative: 0
Condition exists (1:r0=1 /\ 1:r1=0)
Observation MP+pooncerelease+poacquireonce Never 0 0

`},
	{"paulmck/manual/atomic/C-atomic-04.litmus", "fast", `Test C-atomic-04 Required
States 0
Ok
Witnesses
Positive: 0 Negative: 0
Condition forall (0:r0=0 /\ 1:r1=1 /\ 1:r2=1 /\ [x]=10 \/ 0:r0=1 /\ 1:r1=0 /\ 1:r2=0 /\ [x]=10 \/ 0:r0=1 /\ 1:r1=1 /\ 1:r2=1 /\ [x]=20)
Observation C-atomic-04 Always 0 0

`},
	{"paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus", "true", `Test auto/C-LB-Lww+R-A+R-Oc+R-OC Allowed
States 1
1:r1=1; 2:r1=1; 3:r1=1; [u0]=3;
Ok
Witnesses
Positive: 1 Negative: 0
Flag data-race
Condition exists ([u0]=3 /\ 1:r1=1 /\ 2:r1=1 /\ 3:r1=1)
Observation auto/C-LB-Lww+R-A+R-Oc+R-OC Sometimes 1 0

`},
}

// TestHerd7Options: each option of herd7's that litmusls accepts changes
// what herd7 says it changes (the outputs are herd7's, run by hand, or the
// corpus's), and every other option is an error naming it.
func TestHerd7Options(t *testing.T) {
	dir := modelDir(t)
	test := corpusPath(mpWmbRmb)
	plain := expected(t, test)
	cases := []struct {
		name string
		args []string
		want string // stdout without Time and Hash lines
	}{
		{"conf", []string{"-conf", "linux-kernel.cfg"}, plain},
		{"cat bell macros variant", []string{"-cat", "linux-kernel.cat", "-bell", "linux-kernel.bell", "-macros", "linux-kernel.def", "-variant", "lkmmv2"}, plain},
		{"model", []string{"-model", "linux-kernel.cat", "-bell", "linux-kernel.bell", "-macros", "linux-kernel.def", "-variant", "lkmmv2"}, plain},
		{"through all", []string{"-conf", "linux-kernel.cfg", "-through", "all"}, mpWmbRmbWeak},
		{"through invalid", []string{"-conf", "linux-kernel.cfg", "-through", "invalid"}, mpWmbRmbWeak},
		{"through none", []string{"-conf", "linux-kernel.cfg", "-through", "none"}, plain},
		{"skipchecks", []string{"-conf", "linux-kernel.cfg", "-skipchecks", "happens-before"}, mpWmbRmbWeak},
		{"skipchecks several", []string{"-conf", "linux-kernel.cfg", "-skipchecks", "happens-before,propagation"}, mpWmbRmbWeak},
		{"skipcheck", []string{"-conf", "linux-kernel.cfg", "-skipcheck", "happens-before"}, mpWmbRmbWeak},
		{"skipchecks other", []string{"-conf", "linux-kernel.cfg", "-skipchecks", "rcu"}, plain},
		{"show", []string{"-conf", "linux-kernel.cfg", "-show", "prop"}, plain},
		{"nshow", []string{"-conf", "linux-kernel.cfg", "-nshow", "1"}, plain},
		{"unroll", []string{"-conf", "linux-kernel.cfg", "-unroll", "3"}, plain},
		{"q", []string{"-conf", "linux-kernel.cfg", "-q"}, plain},
		{"timeout", []string{"-conf", "linux-kernel.cfg", "-timeout", "60"}, plain},
		{"speedcheck false", []string{"-conf", "linux-kernel.cfg", "-speedcheck", "false"}, plain},
		{"j", []string{"-conf", "linux-kernel.cfg", "-j", "1"}, plain},
		{"I", []string{"-I", dir, "-conf", "linux-kernel.cfg"}, plain},
		{"set-libdir", []string{"-set-libdir", dir, "-conf", "linux-kernel.cfg"}, plain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runHerd7Args(t, append(c.args, test)...)
			require.Equal(t, 0, code, errs)
			require.Empty(t, errs)
			require.Equal(t, c.want, withoutTimeHash(out))
			require.Regexp(t, timeLine, out)
		})
	}
	for _, c := range herd7Speed {
		t.Run("speedcheck "+c.mode+" "+c.test, func(t *testing.T) {
			code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-speedcheck", c.mode, corpusPath(c.test))
			require.Equal(t, 0, code, errs)
			require.Equal(t, c.want, withoutTimeHash(out))
		})
	}
	t.Run("v", func(t *testing.T) {
		code, out, errs := runHerd7Args(t, "-v", "-conf", "linux-kernel.cfg", test)
		require.Equal(t, 0, code)
		require.Equal(t, plain, withoutTimeHash(out))
		require.Contains(t, errs, "model: compiled LKMM")
	})
	t.Run("variant changes an interpreted model", func(t *testing.T) {
		// A model of our own whose only check depends on a variant: with
		// it, po must be acyclic with rf (no load buffering); without
		// it, everything is allowed.
		// herd7 7.58+1 gives the same two answers.
		writeFile(t, dir, "v.cat", "\"variant test\"\nif \"lkmmv2\" acyclic po | rf as lb end\n")
		lb := corpusPath("kernel/LB+poonceonces.litmus")
		_, weak, errs := runHerd7Args(t, "-cat", "v.cat", "-macros", "linux-kernel.def", lb)
		require.Empty(t, errs)
		_, strong, errs := runHerd7Args(t, "-cat", "v.cat", "-macros", "linux-kernel.def", "-variant", "lkmmv2", lb)
		require.Empty(t, errs)
		require.Contains(t, weak, "Observation LB+poonceonces Sometimes 1 3")
		require.Contains(t, strong, "Observation LB+poonceonces Never 0 3")
	})
	t.Run("timeout expires", func(t *testing.T) {
		// herd7 prints nothing for a test its timer stops, and exits 0.
		big := filepath.Join(origWD, "../shared/bench/C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G.litmus")
		code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "-timeout", "0.001", big)
		require.Equal(t, 0, code, errs)
		require.Empty(t, out)
	})
	t.Run("version", func(t *testing.T) {
		code, out, _ := runHerd7Args(t, "-version")
		require.Equal(t, 0, code)
		require.True(t, strings.HasPrefix(out, "7.58+1, Rev: 5feffe4e8f98d93b60144a3cda322eba92dd9723"), out)
	})
	t.Run("help", func(t *testing.T) {
		code, out, _ := runHerd7Args(t, "-help")
		require.Equal(t, 0, code)
		require.Contains(t, out, "Usage: herd7 [options] [test]*")
	})
	t.Run("stdin names the tests", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := runHerd7("herd7", []string{"-conf", "linux-kernel.cfg"}, strings.NewReader("# a comment\n\n"+test+"\n"), &out, &errb)
		require.Equal(t, 0, code, errb.String())
		require.Equal(t, plain, withoutTimeHash(out.String()))
	})
	t.Run("@file names the tests", func(t *testing.T) {
		list := writeFile(t, dir, "@tests", test+"\n"+test+"\n")
		code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", list)
		require.Equal(t, 0, code, errs)
		require.Equal(t, plain+plain, withoutTimeHash(out))
	})

	// Errors, with herd7's words where herd7 has them.
	errCases := []struct {
		name string
		args []string
		want string // on stderr
	}{
		{"unknown option", []string{"-foo"}, "Error: herd7: unknown option '-foo'.\n Usage: herd7 [options] [test]*"},
		{"unknown option 2", []string{"-conf", "linux-kernel.cfg", "-bogus", "x"}, "unknown option '-bogus'"},
		{"bad tag", []string{"-speedcheck", "foo"}, "Error: herd7: bad tag for -speedcheck, allowed tag are false,true,fast."},
		{"bad float", []string{"-timeout", "abc"}, "Error: herd7: wrong argument 'abc'; option '-timeout' expects a float."},
		{"bad int", []string{"-unroll", "x"}, "Error: herd7: wrong argument 'x'; option '-unroll' expects an integer."},
		{"bad show", []string{"-show", "foo"}, "bad tag for -show, allowed tag are prop,all,neg,cond,none,wit."},
		{"bad through", []string{"-through", "x"}, "bad tag for -through, allowed tag are all,invalid,none."},
		{"missing cfg", []string{"-conf", "nonexist.cfg"}, "herd7: Cannot find file nonexist.cfg"},
		{"missing cat", []string{"-cat", "nonexist.cat"}, "herd7: Cannot find file nonexist.cat"},
		{"missing bell", []string{"-conf", "linux-kernel.cfg", "-bell", "nonexist.bell"}, "herd7: Cannot find file nonexist.bell"},
		{"gv", []string{"-conf", "linux-kernel.cfg", "-gv"}, "-gv: graph output is not supported by litmusls yet"},
		{"o", []string{"-conf", "linux-kernel.cfg", "-o", dir}, "-o " + dir + ": graph output is not supported by litmusls yet"},
		{"nshow with show", []string{"-conf", "linux-kernel.cfg", "-show", "all", "-nshow", "1"}, "does not reproduce"},
		{"j", []string{"-j", "0"}, "option '-j' expects a positive integer"},
		{"bad variant", []string{"-variant", "strong"}, "Error: herd7: tag strong for -variant is wrong, allowed tags are success,"},
	}
	t.Run("error missing argument", func(t *testing.T) {
		code, out, errs := runHerd7Args(t, "-conf")
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Equal(t, "Error: herd7: option '-conf' needs an argument.\n Usage: herd7 [options] [test]*\n", errs)
	})
	for _, c := range errCases {
		t.Run("error "+c.name, func(t *testing.T) {
			code, out, errs := runHerd7Args(t, append(c.args, test)...)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			require.Contains(t, errs, c.want)
		})
	}
}

// TestHerd7Config: a .cfg is read as herd7 reads it: its keys are herd7's
// options, an unknown key is herd7's error, files are found from the
// current directory and the -I directories (not the cfg's own).
func TestHerd7Config(t *testing.T) {
	dir := modelDir(t)
	test := corpusPath(mpWmbRmb)
	writeFile(t, dir, "through.cfg", "# a comment\nconf linux-kernel.cfg\nthrough = all\n")
	code, out, errs := runHerd7Args(t, "-conf", "through.cfg", test)
	require.Equal(t, 0, code, errs)
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))

	writeFile(t, dir, "skip.cfg", "conf linux-kernel.cfg\nskipchecks happens-before\n")
	_, out, _ = runHerd7Args(t, "-conf", "skip.cfg", test)
	require.Equal(t, mpWmbRmbWeak, withoutTimeHash(out))

	// herd7 7.58+1: File "/tmp/h7x/bad.cfg", line 2, character 8: Unknown
	// key 'foo' in configuration file (exit 2).
	bad := writeFile(t, dir, "bad.cfg", "model linux-kernel.cat\nfoo bar\n")
	code, out, errs = runHerd7Args(t, "-conf", bad, test)
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Equal(t, "File \""+bad+"\", line 2, character 8: Unknown key 'foo' in configuration file\n", errs)

	// The cfg's directory is not searched: from elsewhere, herd7 needs
	// -I (herd7 7.58+1 says "Cannot find file linux-kernel.cat").
	t.Chdir(t.TempDir())
	code, _, errs = runHerd7Args(t, "-conf", filepath.Join(dir, "linux-kernel.cfg"), test)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "Cannot find file linux-kernel.cat")
	code, out, errs = runHerd7Args(t, "-I", dir, "-conf", filepath.Join(dir, "linux-kernel.cfg"), test)
	require.Equal(t, 0, code, errs)
	require.Equal(t, expected(t, test), withoutTimeHash(out))
}

// TestHerd7ArgvZero: the binary named herd7 is herd7; named litmusls it
// has the herd7 subcommand.
func TestHerd7ArgvZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	herd7 := buildHerd7(t)
	out, err := exec.Command(herd7, "-version").Output()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(out), "7.58+1, Rev: "), string(out))
	out, err = exec.Command(filepath.Join(filepath.Dir(herd7), "litmusls"), "herd7", "-version").Output()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(out), "7.58+1, Rev: "), string(out))
	cmd := exec.Command(herd7, "-foo")
	errb := &bytes.Buffer{}
	cmd.Stderr = errb
	err = cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 2, ee.ExitCode())
	require.Contains(t, errb.String(), "Error: "+herd7+": unknown option '-foo'.")
}

// TestHerd7TestProblems: what herd7 says of a test it cannot run, each
// run by hand with herd7 7.58+1: a warning on stderr and exit status 0;
// a test that deadlocks is "Never 0 0".
func TestHerd7TestProblems(t *testing.T) {
	dir := modelDir(t)
	code, out, errs := runHerd7Args(t, "-conf", "linux-kernel.cfg", "nonexist.litmus")
	require.Equal(t, 0, code)
	require.Empty(t, out)
	require.Equal(t, "Warning: File \"nonexist.litmus\": open_in failed: nonexist.litmus: No such file or directory\n", errs)

	// herd7's words differ ("unexpected '}' (in prog)"); the place and
	// the shape are the same.
	syn := writeFile(t, dir, "syn.litmus", "C bad\n{}\nP0(int *x) { WRITE_ONCE(*x, 1) }\nexists (x=1)\n")
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", syn)
	require.Equal(t, 0, code)
	require.Empty(t, out)
	require.Regexp(t, `^Warning: File ".*syn.litmus", line 3, characters 31-32: .* \(User error\)\n$`, errs)

	dl := writeFile(t, dir, "dl.litmus", "C selfdeadlock\n\n{}\n\nP0(spinlock_t *s, int *x)\n{\n\tspin_lock(s);\n\tspin_lock(s);\n\tWRITE_ONCE(*x, 1);\n}\n\nexists (x=1)\n")
	code, out, errs = runHerd7Args(t, "-conf", "linux-kernel.cfg", dl)
	require.Equal(t, 0, code, errs)
	require.Equal(t, `Test selfdeadlock Allowed
States 0
No
Witnesses
Positive: 0 Negative: 0
Condition exists ([x]=1)
Observation selfdeadlock Never 0 0

`, withoutTimeHash(out))
}

// TestHerd7Variants: the kernel's model without lkmmv2 is not the
// compiled model (its bell flags the run); tests without a
// read-modify-write run interpreted, with herd7's answer (herd7 7.58+1 run
// by hand: SB+poonceonces's output plus the flag); one with a
// read-modify-write is an error, herd7 lowering it as lkmmv1 does.
func TestHerd7Variants(t *testing.T) {
	modelDir(t)
	sb := corpusPath("kernel/SB+poonceonces.litmus")
	noV2 := []string{"-v", "-cat", "linux-kernel.cat", "-bell", "linux-kernel.bell", "-macros", "linux-kernel.def"}
	code, out, errs := runHerd7Args(t, append(noV2, sb)...)
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "model: interpreted linux-kernel.cat")
	want := strings.Replace(expected(t, sb), "Condition ", "Flag this-model-requires-variant-higher-than-lkmmv1\nCondition ", 1)
	require.Equal(t, want, withoutTimeHash(out))

	code, out, errs = runHerd7Args(t, append(noV2, corpusPath("herd-linux/C-cmpxchg.litmus"))...)
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errs, "cmpxchg: without -variant lkmmv2")

	code, _, errs = runHerd7Args(t, append(noV2, "-variant", "lkmmv2", sb)...)
	require.Equal(t, 0, code)
	require.Contains(t, errs, "model: compiled LKMM")
	code, _, errs = runHerd7Args(t, append(noV2, "-variant", "lkmmv2,normw", sb)...)
	require.Equal(t, 0, code)
	require.Contains(t, errs, "model: interpreted")
}
