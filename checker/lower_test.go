package checker

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

func lowerSrc(t *testing.T, src string) (*program, error) {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	return lower(f)
}

func TestLowerMP(t *testing.T) {
	p, err := lowerSrc(t, `C MP
{ x=1; }
P0(int *x, int *y) { WRITE_ONCE(*x, 2); smp_store_release(y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = smp_load_acquire(y); if (r0) { r1 = READ_ONCE(*x); } }
exists (1:r0=1 /\ 1:r1=0)
`)
	require.NoError(t, err)
	assert.Equal(t, []Location{{"x"}, {"y"}}, p.locs)
	assert.Equal(t, []int64{1, 0}, p.init)
	require.Len(t, p.threads[0], 1)
	ev := p.threads[0][0].events
	require.Len(t, ev, 2)
	assert.Equal(t, KindW, ev[0].Kind)
	assert.Equal(t, TagOnce, ev[0].Tags)
	assert.Equal(t, int64(2), ev[0].Val)
	assert.Equal(t, TagRelease, ev[1].Tags)
	// P1 branches on r0: one path reads x under a control dependency.
	require.Len(t, p.threads[1], 2)
	taken := p.threads[1][0]
	require.Len(t, taken.events, 2)
	assert.True(t, taken.events[1].ctrlDep[0])
	assert.Equal(t, []constraint{{v: &sval{op: "r", read: 0}, want: true}}, taken.cons)
	assert.Len(t, p.threads[1][1].events, 1)
}

func TestLowerRMW(t *testing.T) {
	p, err := lowerSrc(t, `C RMW
{ atomic_t a = ATOMIC_INIT(3); }
P0(atomic_t *a, int *x) { int r0; int r1; r0 = cmpxchg(x, 0, 1); atomic_inc(a); r1 = atomic_fetch_add_acquire(2, a); }
exists (0:r0=0)
`)
	require.NoError(t, err)
	assert.Equal(t, int64(3), p.init[0])
	require.Len(t, p.threads[0], 2)
	ok, fail := p.threads[0][0], p.threads[0][1]
	require.Len(t, ok.events, 6)
	assert.Equal(t, TagMb|TagRMW, ok.events[0].Tags)
	assert.Equal(t, 0, ok.events[1].rmwOf)
	assert.Equal(t, TagNoreturn|TagRMW, ok.events[2].Tags)
	assert.Equal(t, TagAcquire|TagRMW, ok.events[4].Tags)
	assert.Equal(t, TagOnce|TagRMW, ok.events[5].Tags)
	require.Len(t, fail.events, 5)
	assert.Equal(t, KindR, fail.events[0].Kind)
	assert.Equal(t, TagOnce|TagRMW, fail.events[0].Tags)
}

func TestLowerDeps(t *testing.T) {
	p, err := lowerSrc(t, `C D
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, r0 + 1); }
exists (0:r0=0)
`)
	require.NoError(t, err)
	ev := p.threads[0][0].events
	assert.True(t, ev[1].dataDep[0])
}

func TestLowerUnsupported(t *testing.T) {
	_, err := lowerSrc(t, `C U
{}
P0(int *x) { int r0; while (r0 == 0) { r0 = READ_ONCE(*x); } }
exists (0:r0=0)
`)
	var le *LowerError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, le.Msg, "loop")
	assert.Greater(t, le.Span.End, le.Span.Start)

	// An unknown primitive (the parser reports it too; lowering must not
	// guess).
	l := &lowerer{p: &program{locIdx: map[string]int{}}}
	call := &syntax.CallExpr{Span: syntax.Span{Start: 3, End: 10}, Fun: &syntax.Ident{Span: syntax.Span{Start: 3, End: 7}, Name: "frob"}}
	_, err = l.call(call, &lstate{env: map[string]*sval{}, ctrl: map[int]bool{}})
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "unknown primitive frob", le.Msg)
	assert.Equal(t, syntax.Span{Start: 3, End: 7}, le.Span)
}

func TestLowerPointerFromMemory(t *testing.T) {
	p, err := lowerSrc(t, `C P
{ int *p = &a; int a = 1; int b = 2; }
P0(int **p, int *b) { rcu_assign_pointer(*p, b); }
P1(int **p) { int *r0; int r1; r0 = rcu_dereference(*p); r1 = READ_ONCE(*r0); }
exists (1:r1=1)
`)
	require.NoError(t, err)
	// r0 may hold &a (initial) or &b (stored by P0): one path each, under
	// a constraint, with an address dependency from the pointer read.
	require.Len(t, p.threads[1], 3)
	for i, want := range []string{"a", "b"} {
		pt := p.threads[1][i]
		require.Len(t, pt.events, 2)
		assert.Equal(t, want, p.locs[pt.events[1].Loc].Name)
		assert.True(t, pt.events[1].addrDep[0])
		require.Len(t, pt.cons, 1)
		assert.Nil(t, pt.bad)
	}
	// Or neither address: that path ends at the dereference (herd7's
	// "Non symbolic address" if an execution gets there; none does here).
	bad := p.threads[1][2]
	require.NotNil(t, bad.bad)
	require.Len(t, bad.events, 1)
	require.Len(t, bad.cons, 2)
	for _, c := range bad.cons {
		assert.False(t, c.want)
	}
}

// TestNonSymbolicAddress: a pointer that may hold an integer stored by
// another thread is dereferenced; herd7 7.58+1 refuses the test ("Non
// symbolic address: [1]"), and so does the checker, at the dereference,
// instead of dropping the execution and answering.
func TestNonSymbolicAddress(t *testing.T) {
	src := "C nonsym\n{\nz=nz;\n}\nP0(int **z)\n{\n\tWRITE_ONCE(*z, 1);\n}\nP1(int **z)\n{\n\tint *r0;\n\tint r1;\n\tr0 = READ_ONCE(*z);\n\tr1 = READ_ONCE(*r0);\n}\nexists (1:r1=0)\n"
	f, errs := syntax.Parse("nonsym.litmus", []byte(src))
	require.Empty(t, errs)
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Contains(t, res.Errors[0].Msg, "Non symbolic address")
	assert.Equal(t, "nonsym.litmus:14:18", f.Lines.Position(res.Errors[0].Span.Start).String())
}

// TestLowerEveryPrimitive lowers a call of every primitive the parser
// accepts (lvalue primitives take *x, as linux-kernel.def expects).
func TestLowerEveryPrimitive(t *testing.T) {
	lvalue := map[string]bool{"READ_ONCE": true, "WRITE_ONCE": true, "rcu_assign_pointer": true, "rcu_dereference": true, "smp_store_mb": true}
	for name, pr := range syntax.Primitives {
		if name == "ATOMIC_INIT" { // init block only
			continue
		}
		args := make([]string, pr.Arity)
		for i := range args {
			args[i] = "x"
		}
		if lvalue[name] {
			args[0] = "*x"
		}
		call := fmt.Sprintf("%s(%s)", name, strings.Join(args, ", "))
		src := fmt.Sprintf("C T\n{}\nP0(int *x) { int r0; r0 = %s; }\nexists (0:r0=0)\n", call)
		p, err := lowerSrc(t, src)
		require.NoError(t, err, call)
		require.NotEmpty(t, p.threads[0], call)
		assert.NotEmpty(t, p.threads[0][0].events, call)
	}
}

func TestLowerFinalLocs(t *testing.T) {
	// Observed: the memory locations of the condition, the filter and the
	// locations clause. Not observed: registers, and x, which appears only
	// as an address value.
	p, err := lowerSrc(t, `C Obs
{}
P0(int *w, int *x, int *y, int *z) { int r0; r0 = READ_ONCE(*w); WRITE_ONCE(*y, 1); }
locations [z;]
filter (0:r0=0 \/ w=0)
exists (0:r0=x /\ y=1)
`)
	require.NoError(t, err)
	assert.Equal(t, []Location{{"w"}, {"x"}, {"y"}, {"z"}}, p.locs)
	assert.Equal(t, []int{0, 2, 3}, p.finalLocs)
	b := p.buildStructure([]*path{p.threads[0][0]})
	assert.Equal(t, []int{0, 2, 3}, b.FinalLocs)
}
