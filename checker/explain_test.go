package checker

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// The -update flag rewrites the golden files. Another test file of the
// package may define it first (package variables are initialised before
// init functions run).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// corpusFile parses a test of the shared corpus, named by its path under
// the corpus directory, with its base name as file name.
func corpusFile(t testing.TB, rel string) (*syntax.File, []byte) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", rel))
	require.NoError(t, err)
	f, errs := syntax.Parse(filepath.Base(rel), src)
	require.Empty(t, errs)
	return f, src
}

func explainCorpus(t *testing.T, rel string) *Result {
	t.Helper()
	f, _ := corpusFile(t, rel)
	res, err := Check(context.Background(), f, Options{Explain: true})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	require.False(t, res.Cutoff)
	return res
}

// eventAt returns the index of the event of w whose text is text, in
// thread th.
func eventAt(t *testing.T, w *Witness, th int, text string) int {
	t.Helper()
	for i, e := range w.Events {
		if e.Thread == th && e.Text == text {
			return i
		}
	}
	require.Failf(t, "no such event", "P%d %s", th, text)
	return -1
}

func TestExplainMessagePassing(t *testing.T) {
	res := explainCorpus(t, "kernel/MP+pooncerelease+poacquireonce.litmus")
	assert.Equal(t, "Never", res.Verdict)
	require.Len(t, res.Witnesses, len(res.States))
	r := res.Reason
	require.NotNil(t, r)
	assert.True(t, r.Outcome, "the condition is the outcome never reached")
	assert.Contains(t, []string{"happens-before", "propagation"}, r.Check)
	require.NotNil(t, r.Execution)
	assert.Equal(t, "1:r0=1; 1:r1=0;", r.Execution.State.String())
	assert.True(t, r.Execution.Cond)

	// The rejected execution: the acquire read sees the release write of
	// the other thread (rfe) while the later read of buf sees its initial
	// value, from which P0's write of buf is a from-read (fre).
	x := r.Execution
	rel := eventAt(t, x, 0, "W[release] flag=1")
	acq := eventAt(t, x, 1, "R[acquire] flag=1")
	buf := eventAt(t, x, 1, "R[once] buf=0")
	wbuf := eventAt(t, x, 0, "W[once] buf=1")
	assert.Equal(t, rel, x.ReadFrom(acq))
	assert.Equal(t, -1, x.Events[x.ReadFrom(buf)].Thread, "buf read sees the initial write")
	assert.Contains(t, x.Co, CycleEdge{From: x.ReadFrom(buf), To: wbuf, Rel: "co"})

	// The cycle goes through both reads and is closed.
	assertCycle(t, r)
	var through []int
	for _, e := range r.Cycle {
		through = append(through, e.From)
	}
	assert.Contains(t, through, acq)
	assert.Contains(t, through, buf)
	// Its prop edge is spelled out: the from-read of buf, the release and
	// the rfe of flag.
	assert.Equal(t, "hb cycle: R flag ->acq-po R buf ->fre W buf ->po-rel W flag ->rfe R flag", r.CycleString())
	assert.Contains(t, r.Cycle, CycleEdge{From: rel, To: acq, Rel: "rfe"})
	assert.Contains(t, r.Cycle, CycleEdge{From: buf, To: wbuf, Rel: "fre"})
}

// assertCycle checks that r's cycle is closed and names relations.
func assertCycle(t *testing.T, r *Reason) {
	t.Helper()
	require.NotEmpty(t, r.Cycle)
	for i, e := range r.Cycle {
		next := r.Cycle[(i+1)%len(r.Cycle)]
		assert.Equal(t, e.To, next.From, "edge %d", i)
		assert.NotEqual(t, "?", e.Rel)
		assert.Less(t, e.From, len(r.Execution.Events))
	}
}

func TestExplainStoreBuffering(t *testing.T) {
	res := explainCorpus(t, "kernel/SB+poonceonces.litmus")
	assert.Equal(t, "Sometimes", res.Verdict)
	assert.Nil(t, res.Reason, "every outcome an exists cares about is reached")
	require.Len(t, res.Witnesses, 4)
	var w *Witness
	for i, wt := range res.Witnesses {
		require.NotNil(t, wt)
		assert.Equal(t, res.States[i], wt.State)
		if wt.Cond {
			require.Nil(t, w, "one state satisfies the condition")
			w = wt
		}
	}
	require.NotNil(t, w)
	assert.Equal(t, "0:r0=0; 1:r0=0;", w.State.String())
	reads := 0
	for i, e := range w.Events {
		if e.Kind != KindR {
			continue
		}
		reads++
		from := w.ReadFrom(i)
		require.GreaterOrEqual(t, from, 0)
		assert.Equal(t, "W[init] "+e.Loc+"=0", w.Events[from].Text, "P%d's read of %s", e.Thread, e.Loc)
		assert.NotEqual(t, syntax.Span{}, e.Span)
	}
	assert.Equal(t, 2, reads)
}

func TestExplainFencedStoreBuffering(t *testing.T) {
	res := explainCorpus(t, "kernel/SB+fencembonceonces.litmus")
	assert.Equal(t, "Never", res.Verdict)
	r := res.Reason
	require.NotNil(t, r)
	assert.Equal(t, "propagation", r.Check)
	assertCycle(t, r)
	assert.Equal(t, "pb cycle: R y ->fre W y ->mb R x ->fre W x ->mb R y", r.CycleString())
}

func TestExplainHbStar(t *testing.T) {
	// The model gives pb edges as prop ; strong-fence ; hb*: the hb*
	// part is spelled out as the hb edges it is made of.
	res := explainCorpus(t, "paulmck/luc/RelAcq/C-ISA2+fencembonceonce+poacquireonce+poacquireonce.litmus")
	r := res.Reason
	require.NotNil(t, r)
	assert.Equal(t, "propagation", r.Check)
	assertCycle(t, r)
	assert.Equal(t, "pb cycle: R x ->fre W x ->mb W y ->rfe R y ->acq-po W z ->rfe R z ->acq-po R x", r.CycleString())
}

func TestExplainCoherence(t *testing.T) {
	// The LKMM drops incoherent executions before judging them: the
	// reason comes from the second enumeration, which judges them all.
	// The model rejects this one before choosing a coherence order; the
	// cycle comes from one order, which every order must contradict.
	res := explainCorpus(t, "kernel/CoRR+poonceonce+Once.litmus")
	r := res.Reason
	require.NotNil(t, r)
	require.NotNil(t, r.Execution)
	assert.Equal(t, "1:r0=1; 1:r1=0;", r.Execution.State.String())
	assert.Equal(t, "coherence", r.Check)
	assertCycle(t, r)
	assert.Equal(t, "coherence cycle: W x ->rfe R x ->po-loc R x ->fre W x", r.CycleString())
}

func TestExplainAtomic(t *testing.T) {
	// A ~exists that holds because two cmpxchg()s from 0 cannot both
	// succeed: the execution where both do puts a write inside the other
	// one's read-modify-write.
	rel := "paulmck/manual/atomic/C-atomic-03.litmus"
	f, src := corpusFile(t, rel)
	res, err := Check(context.Background(), f, Options{Explain: true})
	require.NoError(t, err)
	require.NotNil(t, res.Reason)
	assert.Equal(t, "atomic", res.Reason.Check)
	assert.Empty(t, res.Reason.Cycle)
	var b strings.Builder
	require.NoError(t, WriteExplain(&b, res, f, src))
	assert.Contains(t, b.String(), "C-atomic-03.litmus:13:13: P1's `atomic_cmpxchg(x,0,2)` read x=0 and wrote x=2, but P0's `atomic_cmpxchg(x,0,1)` at C-atomic-03.litmus:9:12 wrote x=1 in between\n")
}

func TestExplainForall(t *testing.T) {
	f := parse(t, `C F
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { int r0; int r1; r0 = READ_ONCE(*x); r1 = READ_ONCE(*x); }
forall (1:r0=2 -> 1:r1=2)
`)
	res, err := Check(context.Background(), f, Options{Explain: true})
	require.NoError(t, err)
	assert.True(t, res.Ok)
	r := res.Reason
	require.NotNil(t, r, "a forall that holds: why is it never violated")
	assert.False(t, r.Outcome)
	require.NotNil(t, r.Execution)
	assert.False(t, r.Execution.Cond)
	assert.Contains(t, r.Execution.State.String(), "1:r0=2;")
	assert.NotContains(t, r.Execution.State.String(), "1:r1=2;")
}

func TestExplainUnreachableValue(t *testing.T) {
	f := parse(t, `C U
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=2)
`)
	res, err := Check(context.Background(), f, Options{Explain: true})
	require.NoError(t, err)
	require.NotNil(t, res.Reason)
	assert.Nil(t, res.Reason.Execution, "no candidate reads 2")
	assert.Empty(t, res.Reason.Check)
	var b strings.Builder
	require.NoError(t, WriteExplain(&b, res, f, []byte{}))
	assert.Contains(t, b.String(), "No candidate execution would satisfy it")
}

func TestExplainOff(t *testing.T) {
	f, _ := corpusFile(t, "kernel/SB+poonceonces.litmus")
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	assert.Nil(t, res.Witnesses)
	assert.Nil(t, res.Reason)
	var b strings.Builder
	require.NoError(t, WriteExplain(&b, res, f, nil))
	assert.Empty(t, b.String())
}

// TestExplainCorpus checks, on every corpus test, that Explain leaves
// herd7's text unchanged, that every state has a witness reaching it with
// one rf edge per read, and that a reason comes exactly when an outcome
// is unreached, with a closed cycle when it has one.
func TestExplainCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	tests := corpusTests(t, corpus)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var mu sync.Mutex
	reasons, cycles := 0, 0
	for _, rel := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			src, err := os.ReadFile(filepath.Join(corpus, rel))
			if !assert.NoError(t, err) {
				return
			}
			f, errs := syntax.Parse(rel, src)
			if len(errs) > 0 {
				return
			}
			opts := Options{Timeout: 60 * time.Second, Workers: 1}
			plain, err := Check(context.Background(), f, opts)
			require.NoError(t, err)
			opts.Explain = true
			res, err := Check(context.Background(), f, opts)
			require.NoError(t, err)
			if len(plain.Errors) > 0 || plain.Cutoff || res.Cutoff {
				return
			}
			var want, got strings.Builder
			require.NoError(t, WriteHerd(&want, plain, -1))
			require.NoError(t, WriteHerd(&got, res, -1))
			assert.Equal(t, want.String(), got.String(), rel)

			require.Len(t, res.Witnesses, len(res.States), rel)
			for i, w := range res.Witnesses {
				if !assert.NotNil(t, w, "%s: state %s", rel, res.States[i]) {
					continue
				}
				assert.Equal(t, res.States[i], w.State, rel)
				for e := range w.Events {
					if w.Events[e].Kind == KindR {
						assert.GreaterOrEqual(t, w.ReadFrom(e), 0, "%s: read %d", rel, e)
					}
				}
			}
			_, need := needReason(res)
			assert.Equal(t, need, res.Reason != nil, rel)
			if res.Reason != nil && res.Reason.Execution != nil {
				assert.Equal(t, res.Reason.Outcome, res.Reason.Execution.Cond, rel)
				assert.NotEmpty(t, res.Reason.Check, rel)
				if len(res.Reason.Cycle) > 0 {
					assertCycle(t, res.Reason)
					mu.Lock()
					cycles++
					mu.Unlock()
				}
			}
			if res.Reason != nil {
				mu.Lock()
				reasons++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d tests: %d reasons, %d with a cycle", len(tests), reasons, cycles)
}

// TestExplainDeterministic checks that the witnesses and reason do not
// depend on the number of workers.
func TestExplainDeterministic(t *testing.T) {
	for _, rel := range []string{"kernel/IRIW+fencembonceonces+OnceOnce.litmus", "kernel/Z6.0+pooncelock+pooncelock+pombonce.litmus", "kernel/ISA2+poonceonces.litmus", "paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus", "paulmck/auto/C-LB-Lwr+R-A+R-Ov+R-OC.litmus"} {
		f, src := corpusFile(t, rel)
		var texts []string
		for _, workers := range []int{1, 4} {
			res, err := Check(context.Background(), f, Options{Explain: true, Workers: workers})
			require.NoError(t, err)
			var b strings.Builder
			require.NoError(t, WriteExplain(&b, res, f, src))
			texts = append(texts, b.String())
		}
		assert.Equal(t, texts[0], texts[1], rel)
	}
}

// explainGolden lists the corpus tests whose --explain text is kept in
// testdata/explain/NAME.txt.
var explainGolden = []string{
	"kernel/MP+pooncerelease+poacquireonce.litmus",
	"kernel/SB+poonceonces.litmus",
	"kernel/SB+fencembonceonces.litmus",
	"kernel/R+fencembonceonces.litmus",
	"kernel/CoRR+poonceonce+Once.litmus",
	"kernel/MP+polocks.litmus",
	"kernel/WRC+pooncerelease+fencermbonceonce+Once.litmus",
	"kernel/LB+poonceonces.litmus",
	"paulmck/manual/atomic/C-atomic-03.litmus",
	"paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus",
	"paulmck/manual/plain/C-S+o-mb-o+o-ctl-p.litmus",
	"paulmck/manual/plain/C-data-race-of-execution.litmus",
	"paulmck/manual/plain/C-S-rcunoderef-3.litmus",
	"paulmck/auto/C-LB-Lwr+R-A+R-Ov+R-OC.litmus",
}

// TestExplainGolden compares herd7's text followed by the explanation
// with the golden files; -update rewrites them.
func TestExplainGolden(t *testing.T) {
	for _, rel := range explainGolden {
		name := strings.TrimSuffix(filepath.Base(rel), ".litmus")
		t.Run(name, func(t *testing.T) {
			f, src := corpusFile(t, rel)
			res, err := Check(context.Background(), f, Options{Explain: true})
			require.NoError(t, err)
			var b strings.Builder
			require.NoError(t, WriteHerd(&b, res, -1))
			require.NoError(t, WriteExplain(&b, res, f, src))
			golden := filepath.Join("testdata", "explain", name+".txt")
			if updating() {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./checker -run TestExplainGolden -update")
			assert.Equal(t, string(want), b.String())
		})
	}
}

// BenchmarkExplainCorpus checks every LKMM corpus test with Explain on;
// compare with BenchmarkCorpus for Explain's cost.
func BenchmarkExplainCorpus(b *testing.B) {
	corpus := filepath.Join(sharedDir(b), "corpus")
	rels := corpusTests(b, corpus)
	files := make([]*syntax.File, len(rels))
	for i, rel := range rels {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(b, err)
		files[i], _ = syntax.Parse(rel, src)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			_, err := Check(context.Background(), f, Options{Explain: true})
			require.NoError(b, err)
		}
	}
}

func TestExplainCutoff(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(sharedDir(t), "bench", "C-ManfredSpraul-L1G1xchg.litmus"))
	require.NoError(t, err)
	f, errs := syntax.Parse("m.litmus", src)
	require.Empty(t, errs)
	res, err := Check(context.Background(), f, Options{Timeout: time.Millisecond, Explain: true})
	require.NoError(t, err)
	require.True(t, res.Cutoff)
	require.Len(t, res.Witnesses, len(res.States))
	if res.Reason != nil {
		assert.True(t, res.Reason.Cutoff, "a reason found in a cut-off run says so")
	}
	var b strings.Builder
	require.NoError(t, WriteExplain(&b, res, f, src))
	assert.Contains(t, b.String(), "The check was cut off")
}
