package checker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

func parse(t *testing.T, src string) *syntax.File {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	return f
}

func TestCheckErrors(t *testing.T) {
	f := parse(t, `C L
{}
P0(int *x) { int r0; while (r0 == 0) { r0 = READ_ONCE(*x); } }
exists (0:r0=1)
`)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Contains(t, res.Errors[0].Msg, "loop")
	assert.Equal(t, 3, f.Lines.Position(res.Errors[0].Span.Start).Line)
	assert.Equal(t, "L", res.Name)
}

func TestCheckCutoffAndCancel(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(sharedDir(t), "bench", "C-ManfredSpraul-L1G1xchg.litmus"))
	require.NoError(t, err)
	f, errs := syntax.Parse("m.litmus", src)
	require.Empty(t, errs)

	res, err := Check(context.Background(), f, Options{Timeout: 1})
	require.NoError(t, err)
	assert.True(t, res.Cutoff)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Check(ctx, f, Options{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestConditionString(t *testing.T) {
	for _, tc := range []struct{ cond, want string }{
		{`exists (x=1)`, `exists ([x]=1)`},
		{`exists (0:r0=1 /\ (1:r1=0 \/ y=2))`, `exists (0:r0=1 /\ (1:r1=0 \/ [y]=2))`},
		{`exists (0:r0=0 \/ 0:r0=1 /\ 1:r0=x)`, `exists (0:r0=0 \/ 0:r0=1 /\ 1:r0=x)`},
		{`exists (0:r1=1 /\ ~x=2)`, `exists (0:r1=1 /\ not ([x]=2))`},
		{`forall (0:r0=1:r0)`, `forall (0:r0=1:r0)`},
	} {
		f := parse(t, "C T\n{}\nP0(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*x); }\nP1(int *x) { int r0; int r1; r0 = READ_ONCE(*x); }\n"+tc.cond+"\n")
		res, err := Check(context.Background(), f, Options{})
		require.NoError(t, err)
		assert.Equal(t, tc.want, res.Condition, tc.cond)
	}
}

func TestWriteHerd(t *testing.T) {
	f := parse(t, `C MP.litmus
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_store_release(y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = smp_load_acquire(y); r1 = READ_ONCE(*x); }
locations [x]
exists (1:r0=1 /\ 1:r1=0)
`)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, WriteHerd(&b, res, -1))
	assert.Equal(t, `Test MP Allowed
States 3
1:r0=0; 1:r1=0; [x]=1;
1:r0=0; 1:r1=1; [x]=1;
1:r0=1; 1:r1=1; [x]=1;
No
Witnesses
Positive: 0 Negative: 3
Condition exists (1:r0=1 /\ 1:r1=0)
Observation MP Never 0 3

`, b.String())
}

// TestCheckLockKeepsInitialValue checks that lock events are not stores in
// final states, as in herd7: a spinlock taken and never released still
// shows its initial value.
func TestCheckLockKeepsInitialValue(t *testing.T) {
	f := parseTest(t, `C lock-final-value
{}
P0(spinlock_t *s, int *x)
{
	spin_lock(s);
	WRITE_ONCE(*x, 1);
}

P1(int *x)
{
	int r0;

	r0 = READ_ONCE(*x);
}
exists (1:r0=1 /\ s=0)
`)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	var states []string
	for _, s := range res.States {
		states = append(states, s.String())
	}
	assert.Equal(t, []string{"1:r0=0; [s]=0;", "1:r0=1; [s]=0;"}, states)
	assert.Equal(t, 1, res.Positive)
	assert.Equal(t, 1, res.Negative)
	assert.Equal(t, "Sometimes", res.Verdict)
}
