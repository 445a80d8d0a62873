package ide

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// mpTest is message passing with release and acquire, plus a register the
// condition does not name.
const mpTest = `C MP+rel+acq
{
	int buf = 0;
	flag = 0;
}

P0(int *buf, int *flag)
{
	WRITE_ONCE(*buf, 1);
	smp_store_release(flag, 1);
}

P1(int *buf, int *flag)
{
	int r0;
	int r1;

	r0 = smp_load_acquire(flag);
	r1 = READ_ONCE(*buf);
	r2 = r1;
}

exists (1:r0=1 /\ 1:r1=0)
`

// parseCheck parses src and checks it (with explanations).
func parseCheck(t *testing.T, src string) (*syntax.File, *checker.Result) {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	return f, res
}

// offsetOf returns the offset of the n-th (0-based) occurrence of sub in
// src, plus delta.
func offsetOf(t *testing.T, src, sub string, n, delta int) int {
	t.Helper()
	off := -1
	for i := 0; i <= n; i++ {
		k := strings.Index(src[off+1:], sub)
		require.GreaterOrEqual(t, k, 0, "%q occurs fewer than %d times", sub, n+1)
		off += 1 + k
	}
	return off + delta
}

// check hovers at the n-th occurrence of at in src (its first byte plus
// delta) and checks the hover contains every want and covers the text
// span.
func checkHover(t *testing.T, o HoverOptions, f *syntax.File, res *checker.Result, src, at string, n, delta int, span string, want ...string) string {
	t.Helper()
	off := offsetOf(t, src, at, n, delta)
	md, sp, ok := o.Hover(f, res, off)
	require.True(t, ok, "no hover at %q", at)
	assert.Equal(t, span, src[sp.Start:sp.End], "hover span at %q", at)
	for _, w := range want {
		assert.Contains(t, md, w, "hover at %q", at)
	}
	return md
}

func TestHover(t *testing.T) {
	f, res := parseCheck(t, mpTest)
	o := HoverOptions{Src: []byte(mpTest)}

	// A primitive: meaning, events and the four architectures.
	checkHover(t, o, f, res, mpTest, "smp_load_acquire", 0, 3, "smp_load_acquire",
		"acquire ordering", "R[acquire]", "`lwsync`", "`ldar`", "| x86-64 |", "| riscv64 |")
	// Only the architectures asked for.
	md := checkHover(t, HoverOptions{Archs: []primitive.Arch{primitive.PowerPC64}}, f, res, mpTest, "smp_store_release", 0, 0, "smp_store_release", "`lwsync` ; `std`")
	assert.NotContains(t, md, "arm64")

	// A register, in the thread and in the condition.
	checkHover(t, o, f, res, mpTest, "r0 = smp", 0, 0, "r0", "**register** `r0` of P1 · `int`", "Final values of `1:r0`: 0 in 2 states, 1 in 1 state (of 3 reachable states).")
	checkHover(t, o, f, res, mpTest, "1:r1", 0, 2, "r1", "`1:r1`", "0 in 1 state, 1 in 2 states")
	// One the condition does not name has no values to show.
	checkHover(t, o, f, res, mpTest, "r2", 0, 1, "r2", "**register** `r2` of P1", "add `1:r2` to `locations`")

	// A shared variable: type, initial value, users, and final values.
	checkHover(t, o, f, res, mpTest, "*buf, 1", 0, 1, "buf", "**shared variable** `buf` · `int`", "Initial value: `0`.", "Used by P0, P1.", "add `[buf]` to `locations`")
	checkHover(t, o, f, res, mpTest, "int *flag", 0, 5, "flag", "**shared variable** `flag` · `int`")

	// The condition: verdict and states, each marked.
	md = checkHover(t, o, f, res, mpTest, "exists", 0, 0, "exists (1:r0=1 /\\ 1:r1=0)", "**Never**", "3 reachable states", "| `1:r0` | `1:r1` | condition |", "| 0 | 0 | ✗ |", "| 1 | 1 | ✗ |", "happens-before")
	assert.NotContains(t, md, "✓")

	// A thread's name.
	checkHover(t, o, f, res, mpTest, "P1", 0, 0, "P1", "**thread** `P1`", "`buf`, `flag`", "`r0`, `r1`, `r2`")

	// Nothing to say on punctuation between statements.
	_, _, ok := o.Hover(f, res, offsetOf(t, mpTest, "{\n\tint r0", 0, 0))
	assert.False(t, ok)
}

func TestHoverWithoutResult(t *testing.T) {
	f, _ := parseCheck(t, mpTest)
	md, _, ok := Hover(f, nil, offsetOf(t, mpTest, "r0 = ", 0, 0))
	require.True(t, ok)
	assert.Contains(t, md, "No check result yet")
	md, _, ok = Hover(f, nil, offsetOf(t, mpTest, "exists", 0, 2))
	require.True(t, ok)
	assert.Contains(t, md, "some allowed execution")
	assert.Contains(t, md, "No check result yet")
}

func TestHoverReachable(t *testing.T) {
	src := `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
locations [x]
exists (0:r0=0 /\ 1:r0=0)
`
	f, res := parseCheck(t, src)
	o := HoverOptions{Src: []byte(src)}
	md := checkHover(t, o, f, res, src, "exists", 0, 0, "exists (0:r0=0 /\\ 1:r0=0)", "**Sometimes**", "4 reachable states", "| 0 | 0 | 1 | ✓ |")
	assert.Equal(t, 1, strings.Count(md, "✓"))
	// The locations clause shows x's final value.
	checkHover(t, o, f, res, src, "[x]", 0, 1, "x", "`[x]` is always 1 at the end (4 reachable states).")
}

func TestHoverBPF(t *testing.T) {
	src := "BPF t\n{\n0:r1=x; 0:r2=y;\n1:r1=x;\n}\n P0 | P1 ;\n r3 = 1 | r0 = load_acquire((u32 *)(r1 + 0)) ;\n store_release((u32 *)(r1 + 0), r3) | ;\nexists (1:r0=1)\n"
	f, res := parseCheck(t, src)
	o := HoverOptions{Src: []byte(src)}
	checkHover(t, o, f, res, src, "load_acquire", 0, 2, "r0 = load_acquire((u32 *)(r1 + 0))", "`ldar`", "Linux 6.15")
	checkHover(t, o, f, res, src, "r0 = load", 0, 0, "r0", "**register** `r0` of P1", "`1:r0`")
	// The base register of a memory operand is found in the source.
	checkHover(t, o, f, res, src, "r1 + 0)) ;", 0, 0, "r1", "**register** `r1` of P1")
	checkHover(t, o, f, res, src, "1:r1=x", 0, 5, "x", "**shared variable** `x`")
}

func TestStateHolds(t *testing.T) {
	f, errs := syntax.Parse("t.litmus", []byte("C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (0:r0=1 \\/ ~([x]=y) /\\ 0:r1=0:r0)\n"))
	require.Empty(t, errs)
	for _, tt := range []struct {
		vals        map[string]string
		holds, know bool
	}{
		{map[string]string{"0:r0": "1"}, true, true},
		{map[string]string{"0:r0": "0", "[x]": "y", "0:r1": "0"}, false, true},
		{map[string]string{"0:r0": "0", "[x]": "0", "0:r1": "0"}, true, true},
		{map[string]string{"0:r0": "0", "[x]": "0"}, false, false},
	} {
		h, k := stateHolds(f.Cond.Prop, tt.vals)
		assert.Equal(t, tt.know, k, "%v", tt.vals)
		if tt.know {
			assert.Equal(t, tt.holds, h, "%v", tt.vals)
		}
	}
}

// TestHoverCutoffNoVerdict: hover on the condition of a cut-off check says
// it was cut off and names no verdict.
func TestHoverCutoffNoVerdict(t *testing.T) {
	name := "MP+poonceonces.litmus"
	src, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "corpus", "kernel", name))
	require.NoError(t, err)
	f, errs := syntax.Parse(name, src)
	require.Empty(t, errs)
	res, err := checker.Check(context.Background(), f, checker.Options{})
	require.NoError(t, err)
	res.Cutoff = true
	h := hoverCond(f, res)
	assert.Contains(t, h, "Cut off")
	for _, v := range []string{"Never", "Sometimes", "Always"} {
		assert.NotContains(t, h, v)
	}
}
