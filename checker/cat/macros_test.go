package cat

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// An edit replaces old, which must occur once in the file, with new.
type edit struct{ file, old, new string }

// editedModel copies linux-kernel.cat, .bell, .def, .cfg and lock.cat
// from ../shared/model/lkmm into a temporary directory, makes the edits
// and reads the model as linux-kernel.cfg names it, .def included. The
// files the copy does not hold (stdlib.cat, the cat's other includes) come
// from ../shared/model/lkmm, as herd7 finds them in its library.
func editedModel(t *testing.T, edits ...edit) *Model {
	t.Helper()
	src := filepath.Join(sharedDir(t), "model", "lkmm")
	dir := t.TempDir()
	for _, name := range []string{"linux-kernel.cat", "linux-kernel.bell", "linux-kernel.def", "linux-kernel.cfg", "lock.cat"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		text := string(data)
		for _, e := range edits {
			if e.file == name {
				require.Equal(t, 1, strings.Count(text, e.old), "%q in %s", e.old, name)
				text = strings.Replace(text, e.old, e.new, 1)
			}
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	m, err := NewFromConfig(filepath.Join(dir, "linux-kernel.cfg"), Options{Include: []string{src}})
	require.NoError(t, err)
	require.NotNil(t, m.Macros(), "linux-kernel.cfg names the .def")
	return m
}

// observe checks src under m (nil: the compiled LKMM) and returns herd7's
// Observation line, or the test's first error as "file:line:col: message".
// Under a model with macros, the parser's errors about calls of no kernel
// primitive are not the test's: the .def says which calls there are.
func observe(t *testing.T, m checker.Model, name, src string) string {
	t.Helper()
	f, errs := syntax.Parse(name, []byte(src))
	lines := syntax.NewLines(name, []byte(src))
	for _, e := range errs {
		if mm, ok := m.(checker.MacroModel); ok && mm.Macros() != nil && e.Primitive {
			continue
		}
		return lines.Position(e.Span.Start).String() + ": " + e.Msg
	}
	res, err := checker.Check(context.Background(), f, checker.Options{Model: m})
	require.NoError(t, err)
	if len(res.Errors) > 0 {
		return lines.Position(res.Errors[0].Span.Start).String() + ": " + res.Errors[0].Msg
	}
	var b strings.Builder
	require.NoError(t, checker.WriteHerd(&b, res, -1))
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "Observation ") {
			return line
		}
	}
	t.Fatalf("no Observation line in\n%s", b.String())
	return ""
}

// TestEditedDefDropsRmb (a): the .def lowers smp_rmb() to a compiler
// barrier, __fence{barrier}, instead of __fence{rmb}. linux-kernel.cat's
// rmb relation is fencerel(Rmb) and no event is 'rmb any more, so the
// consumer's two reads of message passing with smp_wmb() and smp_rmb()
// are unordered and the bad outcome is reached: 1 of the 4 executions
// (the four choices of what the two reads see) satisfies the condition,
// and none is forbidden. The same test is Never under the unedited files
// and under the compiled model. herd7 says the same of the edited files
// (run by hand: "Sometimes 1 3").
func TestEditedDefDropsRmb(t *testing.T) {
	rel := "kernel/MP+fencewmbonceonce+fencermbonceonce.litmus"
	text, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", rel))
	require.NoError(t, err)
	edited := editedModel(t, edit{"linux-kernel.def", "smp_rmb() { __fence{rmb}; }", "smp_rmb() { __fence{barrier}; }"})
	const name = "MP+fencewmbonceonce+fencermbonceonce"
	require.Equal(t, "Observation "+name+" Sometimes 1 3", observe(t, edited, rel, string(text)))
	require.Equal(t, "Observation "+name+" Never 0 3", observe(t, editedModel(t), rel, string(text)))
	require.Equal(t, "Observation "+name+" Never 0 3", observe(t, nil, rel, string(text)))
}

// sbFoo and mpFoo are store buffering and message passing with a fence
// primitive the kernel does not have, smp_foo(), between the accesses of
// each thread, as the memb tests of the kernel's litmus collection use
// smp_memb().
const (
	sbFoo = `C SB+foo

{}

P0(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*x, 1);
	smp_foo();
	r0 = READ_ONCE(*y);
}

P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	smp_foo();
	r0 = READ_ONCE(*x);
}

exists (0:r0=0 /\ 1:r0=0)
`
	mpFoo = `C MP+foo

{}

P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	smp_foo();
	WRITE_ONCE(*y, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*y);
	smp_foo();
	r1 = READ_ONCE(*x);
}

exists (1:r0=1 /\ 1:r1=0)
`
)

// TestEditedDefNewFence (b): a new fence, smp_foo(), defined like
// smp_mb() in the .def with its own annotation ('foo), declared in the
// bell's Barriers (which gives the set Foo), and ordering as Mb does in
// the cat: it joins Mb in mb's fencerel (so it is a strong fence, in
// strong-fence and thus in the propagation and happens-before axioms)
// and in barrier (a compiler barrier, as smp_mb() is).
//
// Store buffering and message passing with smp_foo() are then forbidden
// as with smp_mb(): SB's bad outcome needs a prop cycle through the two
// strong fences, MP's an hb cycle; 3 executions remain of 4 (each read
// sees the initial or the other thread's write, less the bad one).
// With the .def line alone, 'foo is no annotation the model knows and
// the fence orders nothing: both are Sometimes, 1 of 4. Without the .def
// line, the call is herd7's "Unknown macro smp_foo", and the compiled
// model, which knows the kernel's primitives only, refuses it as well.
// herd7 gives the same verdicts and counts on the same files (run by
// hand: "Never 0 3", "Sometimes 1 3", "Unknown macro smp_foo").
func TestEditedDefNewFence(t *testing.T) {
	def := edit{"linux-kernel.def", "smp_mb() { __fence{MB}; }", "smp_mb() { __fence{MB}; }\nsmp_foo() { __fence{foo}; }"}
	full := editedModel(t, def,
		edit{"linux-kernel.bell", "'MB (*smp_mb*) ||", "'MB (*smp_mb*) ||\n\t\t'foo (*smp_foo, a new full fence*) ||"},
		edit{"linux-kernel.cat", "let mb = ([M] ; fencerel(Mb) ; [M]) |", "let mb = ([M] ; fencerel(Mb | Foo) ; [M]) |"},
		edit{"linux-kernel.cat", "let barrier = fencerel(Barrier | Rmb | Wmb | Mb |", "let barrier = fencerel(Barrier | Rmb | Wmb | Mb | Foo |"})
	defOnly := editedModel(t, def)
	unedited := editedModel(t)

	require.Equal(t, "Observation SB+foo Never 0 3", observe(t, full, "SB+foo.litmus", sbFoo))
	require.Equal(t, "Observation MP+foo Never 0 3", observe(t, full, "MP+foo.litmus", mpFoo))
	require.Equal(t, "Observation SB+foo Sometimes 1 3", observe(t, defOnly, "SB+foo.litmus", sbFoo))
	require.Equal(t, "Observation MP+foo Sometimes 1 3", observe(t, defOnly, "MP+foo.litmus", mpFoo))
	require.Equal(t, "SB+foo.litmus:10:2: Unknown macro smp_foo", observe(t, unedited, "SB+foo.litmus", sbFoo))
	require.Equal(t, "MP+foo.litmus:8:2: Unknown macro smp_foo", observe(t, unedited, "MP+foo.litmus", mpFoo))
	// The parser's error, which the compiled model's lowering repeats.
	require.Equal(t, "SB+foo.litmus:10:2: unknown primitive smp_foo", observe(t, nil, "SB+foo.litmus", sbFoo))

	// The same tests with smp_mb(), under the edited and the compiled
	// models: nothing else changed.
	for _, m := range []checker.Model{full, nil} {
		require.Equal(t, "Observation SB+foo Never 0 3", observe(t, m, "SB+foo.litmus", strings.ReplaceAll(sbFoo, "smp_foo", "smp_mb")))
	}
}

// myDef is a .def of our own: primitives the kernel does not have, each
// defined by herd7's core operations, a statement macro with an if and
// another macro's call, and one that assigns a register parameter.
const myDef = `// A small .def of our own
rd(X) __load{ONCE}(X)
acq(X) __load{ACQUIRE}(*X)
wr(X,V) { __store{ONCE}(X,V); }
rel(X,V) { __store{RELEASE}(*X,V); }
full() { __fence{MB}; }
wr_if_zero(X,V) { if (rd(X) == 0) { wr(X,V); } }
copy(R,X) { R = rd(X); }
swap(X,V) __xchg{MB}(X,V)
cas(X,V,W) __cmpxchg{ACQUIRE}(X,V,W)
inc(X) { __atomic_op(X,+,1); }
fetch_or(V,X) __atomic_fetch_op{RELEASE}(X,|,V)
add_ret(V,X) __atomic_op_return{ONCE}(X,+,V)
add_unless(X,V,W) __atomic_add_unless{MB}(X,V,W)
lk(X) { __lock(X); }
ulk(X) { __unlock(X); }
trylk(X) __trylock(X)
`

// macroCases are tests of myDef's primitives with herd7's output on them,
// from runs by hand of "herd7 -conf linux-kernel.cfg -macros my.def"
// (Time and Hash left out), or herd7's error.
var macroCases = []struct{ name, src, want string }{
	{"T1.litmus", `C T1

{}

P0(int *x, int *y)
{
	wr(*x, 1);
	full();
	wr_if_zero(*y, 2);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	copy(r0, *y);
	full();
	r1 = rd(*x);
}

exists (1:r0=2 /\ 1:r1=0)
`, `Test T1 Allowed
States 3
1:r0=0; 1:r1=0;
1:r0=0; 1:r1=1;
1:r0=2; 1:r1=1;
No
Witnesses
Positive: 0 Negative: 3
Condition exists (1:r0=2 /\ 1:r1=0)
Observation T1 Never 0 3
`},
	{"T2.litmus", `C T2

{}

P0(int *x, int *y)
{
	int r0;
	int r1;

	r0 = swap(x, 1);
	r1 = cas(y, 0, 5);
	inc(x);
}

P1(int *x, int *y)
{
	int r0;
	int r1;
	int r2;

	r0 = fetch_or(2, y);
	r1 = add_ret(3, x);
	r2 = add_unless(x, 1, 4);
}

exists (0:r0=0 /\ 0:r1=0 /\ 1:r0=5 /\ 1:r2=1)
`, `Test T2 Allowed
States 7
0:r0=0; 0:r1=0; 1:r0=5; 1:r2=0;
0:r0=0; 0:r1=0; 1:r0=5; 1:r2=1;
0:r0=0; 0:r1=2; 1:r0=0; 1:r2=0;
0:r0=0; 0:r1=2; 1:r0=0; 1:r2=1;
0:r0=3; 0:r1=0; 1:r0=5; 1:r2=1;
0:r0=3; 0:r1=2; 1:r0=0; 1:r2=1;
0:r0=4; 0:r1=2; 1:r0=0; 1:r2=1;
Ok
Witnesses
Positive: 2 Negative: 9
Condition exists (0:r0=0 /\ 0:r1=0 /\ 1:r0=5 /\ 1:r2=1)
Observation T2 Sometimes 2 9
`},
	{"T3.litmus", `C T3

{}

P0(int *x, spinlock_t *s)
{
	int r0;

	lk(s);
	wr(*x, 1);
	ulk(s);
	r0 = trylk(s);
}

P1(int *x, spinlock_t *s)
{
	int r0;

	lk(s);
	r0 = rd(*x);
	ulk(s);
}

exists (1:r0=0 /\ 0:r0=1)
`, `Test T3 Allowed
States 3
0:r0=0; 1:r0=1;
0:r0=1; 1:r0=0;
0:r0=1; 1:r0=1;
Ok
Witnesses
Positive: 1 Negative: 2
Condition exists (1:r0=0 /\ 0:r0=1)
Observation T3 Sometimes 1 2
`},
	// herd7's own atomic_add_unless, which myDef does not define.
	{"T7.litmus", `C AU2

{ x=1; }

P0(int *x)
{
	int r0;

	r0 = atomic_add_unless(x, 1, 2);
}

P1(int *x)
{
	wr(*x, 2);
}

exists (0:r0=1 /\ x=2)
`, `Test AU2 Allowed
States 2
0:r0=0; [x]=2;
0:r0=1; [x]=2;
Ok
Witnesses
Positive: 1 Negative: 1
Condition exists (0:r0=1 /\ [x]=2)
Observation AU2 Sometimes 1 1
`},
	// An unknown macro on a path never taken fails the test: herd7 expands every call first.
	{"T4.litmus", `C T4

{}

P0(int *x)
{
	if (0) {
		nosuch();
	}
	wr(*x, 1);
}

exists (x=1)
`, `T4.litmus:8:3: Unknown macro nosuch`},
	// An expression macro called as a statement.
	{"T5.litmus", `C T5

{}

P0(int *x)
{
	rd(*x);
}

exists (x=0)
`, `T5.litmus:7:2: Unknown macro rd`},
	// The wrong number of arguments.
	{"T6.litmus", `C T6

{}

P0(int *x)
{
	wr(*x);
}

exists (x=0)
`, `T6.litmus:7:2: Argument mismatch for macro wr`},
}

// TestMacroLowering checks macroCases under linux-kernel.cat and .bell
// with myDef's macros: the read-modify-writes, the locks, an if and a
// register assignment in a macro body, nested macro calls and herd7's
// errors.
func TestMacroLowering(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	f, errs := ast.ParseMacros("my.def", []byte(myDef))
	require.Empty(t, errs)
	ms, bad := checker.NewMacros(f)
	require.Empty(t, bad)
	m, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}, Macros: ms})
	require.NoError(t, err)
	for _, tc := range macroCases {
		got := observe(t, m, tc.name, tc.src)
		if !strings.HasPrefix(tc.want, "Test ") {
			require.Equal(t, tc.want, got, tc.name)
			continue
		}
		f, _ := syntax.Parse(tc.name, []byte(tc.src))
		res, err := checker.Check(context.Background(), f, checker.Options{Model: m})
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, checker.WriteHerd(&b, res, -1))
		require.Equal(t, checker.HerdSummary(tc.want), checker.HerdSummary(b.String()), tc.name)
	}
}

// TestMacroRecursion: a macro that calls itself is an error at the call
// in the .def, not a crash.
func TestMacroRecursion(t *testing.T) {
	f, errs := ast.ParseMacros("loop.def", []byte("wr(X,V) { wr2(X,V); }\nwr2(X,V) { wr(X,V); }\n"))
	require.Empty(t, errs)
	ms, bad := checker.NewMacros(f)
	require.Empty(t, bad)
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	m, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}, Macros: ms})
	require.NoError(t, err)
	src := "C R\n{}\nP0(int *x) { wr(*x, 1); }\nexists (x=1)\n"
	require.Equal(t, "R.litmus:3:14: loop.def:1:11: macro expansion nested more than 64 deep: does wr2 call itself?", observe(t, m, "R.litmus", src))
}

// TestReadMacrosErrors: a .def herd7 rejects, or one whose body litmusls
// cannot lower (srcu_read_lock's value as herd7's __srcu expression makes
// it up from the instruction's place), is an error with file:line:col.
func TestReadMacrosErrors(t *testing.T) {
	files := map[string]string{
		"bad.def":  "READ_ONCE(X) __load{ONCE}(X\n",
		"srcu.def": "ok(X) { __srcu{sync-srcu}(X); }\nlk(X) __srcu{srcu-lock}(X)\n",
	}
	read := func(path string) ([]byte, error) { return []byte(files[path]), nil }
	_, err := ReadMacros("bad.def", read)
	require.ErrorContains(t, err, "bad.def:2:1: ")
	_, err = ReadMacros("srcu.def", read)
	require.EqualError(t, err, "srcu.def:2:7: unsupported: __srcu as an expression (herd7 makes its value up from the instruction's place in the thread)")
	_, err = ReadMacros("none.def", func(string) ([]byte, error) { return nil, os.ErrNotExist })
	require.Error(t, err)
}

// TestEditedDefSpeedcheck: a verdict-only run (herd7's -speedcheck) lowers
// by the model's .def too, as the full run does: smp_foo() orders SB under
// the fully edited model and nothing with the .def line alone. herd7 gives
// the same lines with -speedcheck true and fast on the same edited files
// (run by hand): "Never 0 0" and "Sometimes 1 0".
func TestEditedDefSpeedcheck(t *testing.T) {
	def := edit{"linux-kernel.def", "smp_mb() { __fence{MB}; }", "smp_mb() { __fence{MB}; }\nsmp_foo() { __fence{foo}; }"}
	full := editedModel(t, def,
		edit{"linux-kernel.bell", "'MB (*smp_mb*) ||", "'MB (*smp_mb*) ||\n\t\t'foo (*smp_foo, a new full fence*) ||"},
		edit{"linux-kernel.cat", "let mb = ([M] ; fencerel(Mb) ; [M]) |", "let mb = ([M] ; fencerel(Mb | Foo) ; [M]) |"},
		edit{"linux-kernel.cat", "let barrier = fencerel(Barrier | Rmb | Wmb | Mb |", "let barrier = fencerel(Barrier | Rmb | Wmb | Mb | Foo |"})
	defOnly := editedModel(t, def)
	verdict := func(m checker.Model) string {
		f, errs := syntax.Parse("SB+foo.litmus", []byte(sbFoo))
		require.NotEmpty(t, errs, "the parser does not know smp_foo; the .def does")
		res, err := checker.Check(context.Background(), f, checker.Options{Model: m, VerdictOnly: true})
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		var b strings.Builder
		require.NoError(t, checker.WriteHerd(&b, res, -1))
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(line, "Observation ") {
				return line
			}
		}
		t.Fatalf("no Observation line in\n%s", b.String())
		return ""
	}
	require.Equal(t, "Observation SB+foo Never 0 0", verdict(full))
	require.Equal(t, "Observation SB+foo Sometimes 1 0", verdict(defOnly))
}
