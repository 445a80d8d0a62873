package checker

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// herdSyntaxTests are tests written in syntax herd7 accepts beyond the
// corpus (and two of unusual size), with herd7's output (7.58+1, 5feffe4e8, with -conf
// linux-kernel.cfg) minus its Time and Hash lines. Set LITMUSLS_HERD7 to a
// herd7 binary to check the expected outputs against it.
var herdSyntaxTests = []struct{ name, src, want string }{
	// A register declared with a type and no value starts at 0, pointers
	// too; so does a bare "0:r8;".
	{"typed registers without a value", `C reg-decl
{
int 0:r2;
int *1:r1;
x=0;
}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
P1(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
exists (0:r2=0 /\ 1:r1=0 /\ 1:r0=1)
`, `Test reg-decl Allowed
States 2
0:r2=0; 1:r0=0; 1:r1=0;
0:r2=0; 1:r0=1; 1:r1=0;
Ok
Witnesses
Positive: 1 Negative: 1
Condition exists (0:r2=0 /\ 1:r1=0 /\ 1:r0=1)
Observation reg-decl Sometimes 1 1
`},
	{"other types", `C types
{
long 0:r5;
int 0:r6;
int* 0:r7;
0:r8;
intptr_t *1:r4;
int *x;
}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
P1(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
exists (0:r5=0 /\ 0:r6=0 /\ 0:r7=0 /\ 0:r8=0 /\ 1:r4=0)
`, `Test types Allowed
States 1
0:r5=0; 0:r6=0; 0:r7=0; 0:r8=0; 1:r4=0;
Ok
Witnesses
Positive: 2 Negative: 0
Condition exists (0:r5=0 /\ 0:r6=0 /\ 0:r7=0 /\ 0:r8=0 /\ 1:r4=0)
Observation types Always 2 0
`},
	// No final condition: herd7 checks "forall (true)" and shows no
	// location, so every execution has the one empty state.
	{"no condition", `C nocond
{}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
P1(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
`, `Test nocond Required
States 1

Ok
Witnesses
Positive: 2 Negative: 0
Condition forall (true)
Observation nocond Always 2 0
`},
	{"no condition, no execution", `C dead
{}
P0(spinlock_t *l, int *x) {
	spin_lock(l);
	spin_lock(l);
	WRITE_ONCE(*x, 1);
}
`, `Test dead Required
States 0
Ok
Witnesses
Positive: 0 Negative: 0
Condition forall (true)
Observation dead Never 0 0
`},
	{"locations only", `C locs
{}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
P1(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
locations [1:r0; x]
`, `Test locs Required
States 2
1:r0=0; [x]=1;
1:r0=1; [x]=1;
Ok
Witnesses
Positive: 2 Negative: 0
Condition forall (true)
Observation locs Always 2 0
`},
	{"filter without condition", `C filt
{}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
P1(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
locations [1:r0]
filter (1:r0=1)
`, `Test filt Required
States 1
1:r0=1;
Ok
Witnesses
Positive: 1 Negative: 0
Condition forall (true)
Observation filt Always 1 0
`},
	// Everything between the name and the init block is information.
	{"lines before the init block", `C info (texname)
"doc"
C other name
"second doc"
Key=some value
(* a comment *)
foo bar, baz; qux
{ x=2; }
P0(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
exists (0:r0=2)
`, `Test info Allowed
States 1
0:r0=2;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists (0:r0=2)
Observation info Always 1 0
`},
	// The name is the run of test-name characters; the rest of its line
	// is information too, up to a '{'.
	{"words after the name", `C name-words extra words, here
{}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
exists (x=1)
`, `Test name-words Allowed
States 1
[x]=1;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists ([x]=1)
Observation name-words Always 1 0
`},
	{"doc string on the name line", `C name-doc "doc on the name line"
{}
P0(int *x) {
	WRITE_ONCE(*x, 1);
}
exists (x=1)
`, `Test name-doc Allowed
States 1
[x]=1;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists ([x]=1)
Observation name-doc Always 1 0
`},
	{"init block on the name line", `C name-init.litmus { x=2; }
P0(int *x) {
	int r0;
	r0 = READ_ONCE(*x);
}
exists (0:r0=2)
`, `Test name-init Allowed
States 1
0:r0=2;
Ok
Witnesses
Positive: 1 Negative: 0
Condition exists (0:r0=2)
Observation name-init Always 1 0
`},
	{"BPF: information lines, no condition", `BPF bpf-nocond
"a doc"
BPF other
{
 0:r2=x;
 1:r2=x;
}
 P0                    | P1                    ;
 r1 = 1                | r3 = *(u32 *)(r2 + 0) ;
 *(u32 *)(r2 + 0) = r1 |                       ;
locations [1:r3]
`, `Test bpf-nocond Required
States 2
1:r3=0;
1:r3=1;
Ok
Witnesses
Positive: 2 Negative: 0
Condition forall (true)
Observation bpf-nocond Always 2 0
`},
	// Not syntax but size: a value shared 2^50 times, which litmusls once
	// walked as a tree (for ever).
	{"a value shared 2^50 times", `C shared-value
{}
P0(int *x, int *y) {
	int r0;
	r0 = READ_ONCE(*x);
` + strings.Repeat("\tr0 = r0 & r0;\n", 50) + `	WRITE_ONCE(*y, r0);
}
P1(int *x) {
	WRITE_ONCE(*x, 1);
}
exists (0:r0=1 /\ y=1)
`, `Test shared-value Allowed
States 2
0:r0=0; [y]=0;
0:r0=1; [y]=1;
Ok
Witnesses
Positive: 1 Negative: 1
Condition exists (0:r0=1 /\ [y]=1)
Observation shared-value Sometimes 1 1
`},
	{"BPF: a value shared 2^50 times", `BPF shared-value-bpf
{
 0:r2=x; 0:r3=y;
 1:r2=x;
}
 P0                    | P1                    ;
 r1 = *(u32 *)(r2 + 0) | r1 = 1                ;
` + strings.Repeat(" r1 &= r1              | ;\n", 50) + ` *(u32 *)(r3 + 0) = r1 | *(u32 *)(r2 + 0) = r1 ;
exists (0:r1=1 /\ [y]=1)
`, `Test shared-value-bpf Allowed
States 2
0:r1=0; [y]=0;
0:r1=1; [y]=1;
Ok
Witnesses
Positive: 1 Negative: 1
Condition exists (0:r1=1 /\ [y]=1)
Observation shared-value-bpf Sometimes 1 1
`},
}

func TestHerdSyntax(t *testing.T) {
	herd := os.Getenv("LITMUSLS_HERD7")
	for _, tc := range herdSyntaxTests {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := syntax.Parse("t.litmus", []byte(tc.src))
			require.Empty(t, errs.Format(f.Lines))
			res, err := Check(context.Background(), f, Options{})
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			var b strings.Builder
			require.NoError(t, WriteHerd(&b, res, -1))
			assert.Equal(t, tc.want+"\n", b.String())
			if herd != "" {
				assert.Equal(t, tc.want+"\n", runHerd(t, herd, tc.src))
			}
		})
	}
}

// TestThreadNames checks that threads named other than P0, P1, ... in
// order are an error, as herd7 says ("Processes must be P0, P1, ...", and
// no output). A huge number once overflowed the stack of the enumeration.
func TestThreadNames(t *testing.T) {
	herd := os.Getenv("LITMUSLS_HERD7")
	const p0 = "P0(int *x) {\n\tWRITE_ONCE(*x, 1);\n}\n"
	for _, tc := range []struct{ name, threads, want string }{
		{"gap", p0 + "P2(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n", "P2 should be P1"},
		{"twice", p0 + "P0(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n", "P0 should be P1"},
		{"order", "P1(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n" + p0, "P1 should be P0"},
		{"huge", p0 + "P50000000(int *x) {\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n", "P50000000 should be P1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "C threads\n{}\n" + tc.threads + "exists (x=1)\n"
			f, errs := syntax.Parse("t.litmus", []byte(src))
			require.Empty(t, errs)
			res, err := Check(context.Background(), f, Options{})
			require.NoError(t, err)
			require.Len(t, res.Errors, 1)
			e := res.Errors[0]
			assert.Contains(t, e.Msg, tc.want)
			assert.Equal(t, strings.Fields(tc.want)[0], src[e.Span.Start:e.Span.End])
			if herd != "" {
				path := filepath.Join(t.TempDir(), "t.litmus")
				require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
				model := filepath.Join(sharedDir(t), "model", "lkmm")
				cmd := exec.Command(herd, "-conf", filepath.Join(model, "linux-kernel.cfg"), "-I", model, path)
				var stderr strings.Builder
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				require.NoError(t, err)
				assert.Empty(t, string(out))
				assert.Contains(t, stderr.String(), "Processes must be P0, P1, ...")
			}
		})
	}
}

// runHerd runs herd7 on src as the corpus README says (C tests with the
// LKMM of ../shared/model, BPF tests with herd7's own bpf.cat) and returns
// its output without the Time and Hash lines.
func runHerd(t *testing.T, herd, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.litmus")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	args := []string{path}
	if !strings.HasPrefix(src, "BPF ") {
		model := filepath.Join(sharedDir(t), "model", "lkmm")
		args = []string{"-conf", filepath.Join(model, "linux-kernel.cfg"), "-I", model, path}
	}
	out, err := exec.Command(herd, args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var keep []string
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if !strings.HasPrefix(line, "Time ") && !strings.HasPrefix(line, "Hash=") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}
