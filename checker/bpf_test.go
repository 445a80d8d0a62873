package checker

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// parseBPF parses a BPF test that must have no syntax errors.
func parseBPF(t *testing.T, src string) *syntax.File {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	require.Equal(t, syntax.DialectBPF, f.Dialect)
	return f
}

// checkBPF checks src under the BPF model and compares herd7's
// Observation line and the states with want ("Never 0 3" and state lines).
func checkBPF(t *testing.T, src, observation string, states ...string) {
	t.Helper()
	res, err := Check(context.Background(), parseBPF(t, src), Options{Workers: 1})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	var b strings.Builder
	require.NoError(t, WriteHerd(&b, res, -1))
	assert.Contains(t, b.String(), "Observation T "+observation+"\n")
	if states != nil {
		var got []string
		for _, s := range res.States {
			got = append(got, s.String())
		}
		assert.Equal(t, states, got)
	}
}

// lowerBPFThread lowers src and returns the paths of thread 0.
func lowerBPFThread(t *testing.T, src string) (*program, []*path) {
	t.Helper()
	p, err := lowerBPF(parseBPF(t, src))
	require.NoError(t, err)
	return p, p.threads[0]
}

func TestBPFLowerAtomics(t *testing.T) {
	p, paths := lowerBPFThread(t, `BPF T
{ 0:r1=x; 0:r2=3; }
 P0                                        ;
 r2 = atomic_fetch_add((u64 *)(r1 + 0), r2) ;
 lock *(u32 *)(r1 + 0) += r2               ;
 r2 = xchg_64(r1 + 0, r2)                  ;
exists (0:r2=0)
`)
	require.Len(t, paths, 1)
	evs := paths[0].events
	require.Len(t, evs, 6)
	x := p.locIdx["x"]
	for i, want := range []struct {
		kind Kind
		tags Tag
	}{
		{KindR, TagRMW | TagMb}, {KindW, TagRMW | TagMb},
		{KindR, TagRMW | TagNoreturn}, {KindW, TagRMW | TagNoreturn},
		{KindR, TagRMW | TagMb}, {KindW, TagRMW | TagMb},
	} {
		assert.Equal(t, want.kind, evs[i].Kind, "event %d", i)
		assert.Equal(t, want.tags, evs[i].Tags, "event %d", i)
		assert.Equal(t, x, evs[i].Loc, "event %d", i)
		assert.Equal(t, -1, evs[i].rmwOf, "single-event atomics are not in rmw (event %d)", i)
		assert.Equal(t, evs[i&^1].Instr, evs[i].Instr, "halves of one atomic share the instruction")
	}
	// fetch-add writes old+3; the lock op adds the fetched value (in r2).
	reads := func(i int) int64 { return []int64{10, 0, 20, 0, 30}[i] }
	assert.Equal(t, int64(13), evs[1].val.eval(reads))
	assert.Equal(t, int64(30), evs[3].val.eval(reads))
	assert.Equal(t, int64(10), evs[5].val.eval(reads))
	assert.Equal(t, int64(30), paths[0].regs["r2"].eval(reads))
	assert.True(t, evs[3].dataDep[0], "the lock op's value comes from the fetch-add's read")
}

func TestBPFLowerCmpxchg(t *testing.T) {
	_, paths := lowerBPFThread(t, `BPF T
{ 0:r0=1; 0:r1=x; 0:r2=2; }
 P0                              ;
 r0 = cmpxchg_64(r1 + 0, r0, r2) ;
exists (0:r0=0)
`)
	require.Len(t, paths, 2)
	ok, fail := paths[0], paths[1]
	require.Len(t, ok.events, 2)
	assert.Equal(t, TagRMW|TagMb, ok.events[0].Tags)
	assert.Equal(t, 0, ok.events[1].rmwOf, "a successful cmpxchg is in rmw")
	assert.Equal(t, int64(2), ok.events[1].Val)
	require.Len(t, ok.cons, 1)
	require.Len(t, fail.events, 1)
	assert.Equal(t, KindR, fail.events[0].Kind)
	assert.Zero(t, fail.events[0].Tags, "a failed cmpxchg is a plain read")
	assert.False(t, fail.cons[0].want)
}

func TestBPFLowerBranchesAndDeps(t *testing.T) {
	_, paths := lowerBPFThread(t, `BPF T
{ 0:r1=x; 0:r2=y; }
 P0                    ;
 r3 = *(u32 *)(r1 + 0) ;
 if r3 == 0 goto L     ;
 r4 = r3               ;
 r4 -= r4              ;
 r2 += r4              ;
 *(u32 *)(r2 + 0) = r3 ;
 L:                    ;
 *(u32 *)(r1 + 0) = 5  ;
exists (0:r3=0)
`)
	// One path jumps; falling through, the store's address x+(r3-r3) is
	// only known once values are: one path per location, constrained.
	require.Len(t, paths, 3)
	taken := paths[0]
	require.Len(t, taken.events, 2)
	assert.True(t, taken.events[1].ctrlDep[0])
	for i, pt := range paths[1:] {
		require.Len(t, pt.events, 3)
		assert.Equal(t, i, pt.events[1].Loc)
		assert.Len(t, pt.cons, 2)
		assert.True(t, pt.events[1].addrDep[0])
		assert.True(t, pt.events[1].dataDep[0])
		assert.True(t, pt.events[2].ctrlDep[0], "herd7's ctrl reaches past the join")
	}
}

func TestBPFLowerCmpxchgDeps(t *testing.T) {
	// The expected value (r0) comes from a read: herd7 makes no dependency
	// from it to the cmpxchg's write; the new value (r2) gives a data one.
	_, paths := lowerBPFThread(t, `BPF T
{ 0:r1=x; 0:r3=y; }
 P0                              ;
 r0 = *(u32 *)(r3 + 0)           ;
 r2 = *(u32 *)(r3 + 0)           ;
 r0 = cmpxchg_64(r1 + 0, r0, r2) ;
exists (0:r0=0)
`)
	require.Len(t, paths, 2)
	w := paths[0].events[3]
	require.Equal(t, KindW, w.Kind)
	assert.Equal(t, map[int]bool{1: true}, w.dataDep)
	assert.Empty(t, w.ctrlDep)
	assert.Empty(t, w.addrDep)
}

func TestBPFLowerErrors(t *testing.T) {
	for _, tc := range []struct{ src, msg string }{
		{"BPF T\n{ 0:r1=x; }\n P0 ;\n L: ;\n goto L ;\nexists (0:r1=x)\n", "backward"},
		{"BPF T\n{ 0:r1=x; }\n P0 ;\n goto M ;\nexists (0:r1=x)\n", "unknown label"},
		{"BPF T\n{ 0:r1=5; }\n P0 ;\n r2 = *(u32 *)(r1 + 0) ;\nexists (0:r2=0)\n", "not a location"},
	} {
		res, err := Check(context.Background(), parseBPF(t, tc.src), Options{})
		require.NoError(t, err)
		require.Len(t, res.Errors, 1, tc.src)
		assert.Contains(t, res.Errors[0].Msg, tc.msg)
	}
	f, errs := syntax.Parse("c.litmus", []byte("C T\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n"))
	require.Empty(t, errs)
	// Check picks each dialect's model: the same file shape checks as C.
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	assert.Equal(t, "Always", res.Verdict)
}

func TestBPFModelShapes(t *testing.T) {
	const mp = `BPF T
{ 0:r1=x; 0:r2=y; 1:r1=x; 1:r2=y; }
 P0                    | P1                    ;
 r3 = 1                | r3 = %s ;
 *(u32 *)(r1 + 0) = r3 | r4 = *(u32 *)(r1 + 0) ;
 %s | ;
exists (1:r3=1 /\ 1:r4=0)
`
	// Plain message passing is allowed; release/acquire forbids it.
	checkBPF(t, strings.Replace(strings.Replace(mp, "%s", "*(u32 *)(r2 + 0)", 1), "%s", "*(u32 *)(r2 + 0) = r3", 1),
		"Sometimes 1 3", "1:r3=0; 1:r4=0;", "1:r3=0; 1:r4=1;", "1:r3=1; 1:r4=0;", "1:r3=1; 1:r4=1;")
	checkBPF(t, strings.Replace(strings.Replace(mp, "%s", "load_acquire((u32 *)(r2 + 0))", 1), "%s", "store_release((u32 *)(r2 + 0), r3)", 1),
		"Never 0 3")

	// Store buffering: value-returning atomics are full barriers, a lock
	// op (no value returned) is not.
	const sb = `BPF T
{ 0:r1=x; 0:r2=y; 0:r5=f; 1:r1=x; 1:r2=y; 1:r5=f; }
 P0                    | P1                    ;
 r3 = 1                | r3 = 1                ;
 *(u32 *)(r1 + 0) = r3 | *(u32 *)(r2 + 0) = r3 ;
 %s | %s ;
 r4 = *(u32 *)(r2 + 0) | r4 = *(u32 *)(r1 + 0) ;
exists (0:r4=0 /\ 1:r4=0)
`
	fetch := "r6 = atomic_fetch_add((u64 *)(r5 + 0), r6)"
	// (Each outcome comes twice: the two atomics on f have two orders.)
	checkBPF(t, strings.ReplaceAll(sb, "%s", fetch), "Never 0 4")
	checkBPF(t, strings.ReplaceAll(sb, "%s", "r6 = xchg_64(r5 + 0, r6)"), "Never 0 4")
	checkBPF(t, strings.ReplaceAll(sb, "%s", "lock *(u32 *)(r5 + 0) += r6"), "Sometimes 2 6")

	// Atomicity: two fetch-adds on one location never both read 0.
	checkBPF(t, `BPF T
{ 0:r1=x; 0:r2=1; 1:r1=x; 1:r2=1; }
 P0                                         | P1                                         ;
 r2 = atomic_fetch_add((u32 *)(r1 + 0), r2) | r2 = atomic_fetch_add((u32 *)(r1 + 0), r2) ;
locations [x]
exists (0:r2=0 /\ 1:r2=0)
`, "Never 0 2", "0:r2=0; 1:r2=1; [x]=2;", "0:r2=1; 1:r2=0; [x]=2;")
}

func TestBPFModelCmpxchgAtomic(t *testing.T) {
	// Two cmpxchg(0 → own id) on one location: exactly one succeeds.
	checkBPF(t, `BPF T
{ 0:r0=0; 0:r1=x; 0:r2=1; 1:r0=0; 1:r1=x; 1:r2=2; }
 P0                              | P1                              ;
 r0 = cmpxchg_64(r1 + 0, r0, r2) | r0 = cmpxchg_64(r1 + 0, r0, r2) ;
locations [x]
exists (0:r0=0 /\ 1:r0=0)
`, "Never 0 2")
}

func TestBPFNodes(t *testing.T) {
	p, err := lowerBPF(parseBPF(t, `BPF T
{ 0:r1=x; 0:r2=1; }
 P0                                         ;
 r3 = *(u32 *)(r1 + 0)                      ;
 r2 = atomic_fetch_add((u32 *)(r1 + 0), r2) ;
 *(u32 *)(r1 + 0) = r3                      ;
exists (0:r2=0)
`))
	require.NoError(t, err)
	b := p.buildStructure([]*path{p.threads[0][0]})
	st := newBPFStruct(b.Structure)
	// Events: IW(x)=0, R=1, amo R=2, amo W=3, W=4.
	assert.Equal(t, 2, st.node[3])
	assert.False(t, st.live.Has(3))
	assert.True(t, st.R.Has(2) && st.W.Has(2) && st.RMW.Has(2))
	assert.True(t, st.poAmoFetch.Has(1, 2) && st.poAmoFetch.Has(2, 4) && st.poAmoFetch.Has(1, 4) == false)
	assert.True(t, st.po.Has(1, 4))
	assert.False(t, st.po.Has(2, 2))
}
