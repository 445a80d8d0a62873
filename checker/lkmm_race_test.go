package checker

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// raceKinds are the kinds Races gives for allowed executions, and
// incohKinds those it gives for executions rejected by plain-coherence.
var (
	raceKinds  = []string{"ww-race", "wr-race", "rw-race"}
	incohKinds = []string{"wr-incoh", "rw-incoh", "ww-incoh"}
)

// assertRace checks that p is a well-formed pair of w's events for its
// kind: two accesses to one location from different threads, at least
// one plain, reads and writes where the kind puts them.
func assertRace(t *testing.T, w *Witness, p Race, kinds []string, msg string) {
	t.Helper()
	require.Contains(t, kinds, p.Kind, msg)
	require.Less(t, p.A, len(w.Events), msg)
	require.Less(t, p.B, len(w.Events), msg)
	a, b := &w.Events[p.A], &w.Events[p.B]
	assert.True(t, a.Plain() || b.Plain(), "%s: %v: %s and %s, neither plain", msg, p, a.Text, b.Text)
	assert.NotEqual(t, a.Thread, b.Thread, "%s: %v", msg, p)
	assert.GreaterOrEqual(t, a.Thread, 0, "%s: %v: an initial write", msg, p)
	assert.GreaterOrEqual(t, b.Thread, 0, "%s: %v: an initial write", msg, p)
	assert.NotEmpty(t, a.Loc, msg)
	assert.Equal(t, a.Loc, b.Loc, "%s: %v", msg, p)
	want := map[string][2]Kind{"ww": {KindW, KindW}, "wr": {KindW, KindR}, "rw": {KindR, KindW}}
	assert.Equal(t, want[p.Kind[:2]], [2]Kind{a.Kind, b.Kind}, "%s: %v", msg, p)
}

func hasRaceFlag(flags []string) bool { return slices.Contains(flags, "data-race") }

// TestRacesCorpus checks the races of every corpus test's witnesses:
// those of the tests herd7 flags data-race carry races, each with a plain
// access, and the others carry none. Incoherent pairs come exactly with a
// plain-coherence reason.
func TestRacesCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	tests := corpusTests(t, corpus)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var mu sync.Mutex
	flagged, withRaces, incoherent := 0, 0, 0
	for _, rel := range tests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			src, err := os.ReadFile(filepath.Join(corpus, rel))
			require.NoError(t, err)
			expected, err := os.ReadFile(filepath.Join(corpus, rel+".expected"))
			if err != nil {
				return // herd7 gave no answer: not a test the corpus test runs
			}
			f, errs := syntax.Parse(rel, src)
			if len(errs) > 0 {
				return
			}
			res, err := Check(context.Background(), f, Options{Explain: true, Timeout: 60 * time.Second, Workers: 1})
			require.NoError(t, err)
			if len(res.Errors) > 0 || res.Cutoff {
				return
			}
			herdFlag := strings.Contains(string(expected), "\nFlag data-race\n")
			assert.Equal(t, herdFlag, hasRaceFlag(res.Flags), rel)
			racy := false
			for _, w := range res.Witnesses {
				if w == nil {
					continue
				}
				assert.Equal(t, hasRaceFlag(w.Flags), len(w.Races) > 0, "%s: state %s", rel, w.State)
				for _, p := range w.Races {
					assertRace(t, w, p, raceKinds, rel)
				}
				racy = racy || len(w.Races) > 0
			}
			assert.Equal(t, herdFlag, racy, "%s: a witness carries the races", rel)
			if rs := res.Reason; rs != nil {
				if rs.Check == "plain-coherence" {
					require.NotNil(t, rs.Execution, rel)
					assert.NotEmpty(t, rs.Incoherent, rel)
					for _, p := range rs.Incoherent {
						assertRace(t, rs.Execution, p, incohKinds, rel)
					}
				} else {
					assert.Empty(t, rs.Incoherent, rel)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if herdFlag {
				flagged++
			}
			if racy {
				withRaces++
			}
			if res.Reason != nil && len(res.Reason.Incoherent) > 0 {
				incoherent++
			}
		}()
	}
	wg.Wait()
	assert.Positive(t, flagged)
	assert.Equal(t, flagged, withRaces)
	t.Logf("%d tests: %d flagged data-race, all with races; %d plain-coherence reasons", len(tests), flagged, incoherent)
}

// TestRacesAgreeWithJudge enumerates every execution of the corpus tests
// that have plain accesses, as Check does, and checks that Races agrees
// with Judge on each: race pairs exactly when the execution is allowed
// and flags data-race, incoherent pairs exactly when it fails
// plain-coherence. It also checks that every final state some racy
// execution reaches has a witness with races.
func TestRacesAgreeWithJudge(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test in -short mode")
	}
	corpus := filepath.Join(sharedDir(t), "corpus")
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	var mu sync.Mutex
	checked, executions := 0, 0
	for _, rel := range corpusTests(t, corpus) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			n, ok := racesAgree(t, corpus, rel)
			if ok {
				mu.Lock()
				checked++
				executions += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Positive(t, checked)
	t.Logf("%d tests with plain accesses, %d executions", checked, executions)
}

// racesAgree runs the check of TestRacesAgreeWithJudge on one test. It
// returns the number of executions judged, and false when the test was
// skipped (no plain access, too large, or not checkable).
func racesAgree(t *testing.T, corpus, rel string) (int, bool) {
	const limit = 20000 // executions per test
	src, err := os.ReadFile(filepath.Join(corpus, rel))
	require.NoError(t, err)
	f, errs := syntax.Parse(rel, src)
	if len(errs) > 0 || f.Dialect != syntax.DialectC || f.Cond == nil {
		return 0, false
	}
	p, err := lower(f)
	if err != nil {
		return 0, false
	}
	shown, err := p.shownLocations(f)
	if err != nil {
		return 0, false
	}
	m := &LKMM{AllExecutions: true}
	racyStates := map[string]bool{}
	n, plain, evalErr := 0, false, false
	ctx := context.Background()
	p.eachStructure(ctx, 1, func(b *built, _ int) {
		b.candidates(ctx, func(c *Candidate) bool {
			if m.structure(c.Structure).preRace.Empty() {
				return false // no plain access in this structure: nothing to compare
			}
			plain = true
			m.Judge(c, func(x *Execution, j Judgement) bool {
				n++
				races := m.Races(x)
				switch {
				case j.Failed == "plain-coherence":
					require.NotEmpty(t, races, "%s: execution %d", rel, n)
					for _, r := range races {
						assert.Contains(t, incohKinds, r.Kind, rel)
					}
				case j.Failed != "":
					assert.Empty(t, races, "%s: execution %d fails %s", rel, n, j.Failed)
				default:
					assert.Equal(t, hasRaceFlag(j.Flags), len(races) > 0, "%s: execution %d", rel, n)
					for _, r := range races {
						assert.Contains(t, raceKinds, r.Kind, rel)
						assert.True(t, x.Structure.Events[r.A].Loc == x.Structure.Events[r.B].Loc, rel)
					}
					if len(races) > 0 {
						fin := p.final(b, x)
						if f.Filter != nil {
							if ok, err := fin.holds(f.Filter.Prop); err != nil || !ok {
								evalErr = evalErr || err != nil
								return n < limit
							}
						}
						racyStates[fin.state(shown).String()] = true
					}
				}
				return n < limit
			})
			return n < limit
		})
	})
	if !plain || n >= limit || evalErr {
		return n, plain
	}
	res, err := Check(ctx, f, Options{Explain: true, Workers: 1})
	require.NoError(t, err)
	withRaces := map[string]bool{}
	for _, w := range res.Witnesses {
		if w != nil && len(w.Races) > 0 {
			withRaces[w.State.String()] = true
		}
	}
	assert.Equal(t, racyStates, withRaces, "%s: the states racy executions reach have racy witnesses", rel)
	return n, true
}

// raceTest checks src with Explain and returns the result and the
// explanation's text.
func raceTest(t *testing.T, src string) (*Result, string) {
	t.Helper()
	f := parse(t, src)
	res, err := Check(context.Background(), f, Options{Explain: true})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	var b strings.Builder
	require.NoError(t, WriteExplain(&b, res, f, []byte(src)))
	return res, b.String()
}

// witnessOfState returns the witness of res for the state s.
func witnessOfState(t *testing.T, res *Result, s string) *Witness {
	t.Helper()
	for _, w := range res.Witnesses {
		if w != nil && w.State.String() == s {
			return w
		}
	}
	require.Failf(t, "no witness", "state %s", s)
	return nil
}

func TestRacesReadWrite(t *testing.T) {
	res, text := raceTest(t, `C RW
{}
P0(int *x) { *x = 1; }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=1)
`)
	assert.Contains(t, res.Flags, "data-race")
	// The read sees the plain write: the write is not visible to P1
	// before the read, which does not execute before it.
	w := witnessOfState(t, res, "1:r0=1;")
	wx, rx := eventAt(t, w, 0, "W x=1"), eventAt(t, w, 1, "R[once] x=1")
	assert.Equal(t, []Race{{A: wx, B: rx, Kind: "wr-race"}}, w.Races)
	// The read misses it: nothing orders the read before the write.
	w = witnessOfState(t, res, "1:r0=0;")
	wx, rx = eventAt(t, w, 0, "W x=1"), eventAt(t, w, 1, "R[once] x=0")
	assert.Equal(t, []Race{{A: rx, B: wx, Kind: "rw-race"}}, w.Races)

	assert.Contains(t, text, "    data race on x (wr-race):\n"+
		"      t.litmus:3:14: P0 `*x = 1`, a plain write of x=1\n"+
		"      t.litmus:4:27: P1 `READ_ONCE(*x)`, a marked read of x=1\n"+
		"      P0's write does not become visible to P1 before P1's read executes, and P1's read does not execute before P0's write: neither happens before the other. `*x = 1` is plain: the compiler may tear, fuse or repeat it.\n")
}

func TestRacesWriteWrite(t *testing.T) {
	res, text := raceTest(t, `C WW
{}
P0(int *x) { *x = 1; }
P1(int *x) { WRITE_ONCE(*x, 2); }
exists (x=2)
`)
	for _, w := range res.Witnesses {
		require.NotNil(t, w)
		require.Len(t, w.Races, 1, "state %s", w.State)
		p := w.Races[0]
		assert.Equal(t, "ww-race", p.Kind)
		// A comes first in coherence order: B's value is the final one.
		assert.Equal(t, "[x]="+w.Events[p.B].Value+";", w.State.String())
	}
	assert.Contains(t, text, "Nothing orders P0's write before P1's write, which overwrites it")
}

func TestRacesOrderedByRelease(t *testing.T) {
	// Release-acquire orders the plain write before the plain read of
	// the reader that sees the flag; a reader that misses it may race.
	res, _ := raceTest(t, `C MP
{}
P0(int *x, int *f) { *x = 1; smp_store_release(f, 1); }
P1(int *x, int *f) { int r0; int r1; r0 = smp_load_acquire(f); if (r0) r1 = *x; }
exists (1:r0=1 /\ 1:r1=0)
`)
	assert.Equal(t, "Never", res.Verdict)
	assert.NotContains(t, res.Flags, "data-race")
	for _, w := range res.Witnesses {
		require.NotNil(t, w)
		assert.Empty(t, w.Races, "state %s", w.State)
	}
}

func TestRacesPlainCoherence(t *testing.T) {
	// P0's plain read of x executes, through P0's smp_mb, the rfe of y
	// and P1's smp_mb, before P1's plain write of x: it cannot read it.
	res, text := raceTest(t, `C Incoh
{}
P0(int *x, int *y) { int r0; r0 = *x; smp_mb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r1; r1 = READ_ONCE(*y); smp_mb(); *x = 1; }
exists (0:r0=1 /\ 1:r1=1)
`)
	assert.Equal(t, "Never", res.Verdict)
	rs := res.Reason
	require.NotNil(t, rs)
	require.NotNil(t, rs.Execution)
	assert.Equal(t, "plain-coherence", rs.Check)
	x := rs.Execution
	wx, rx := eventAt(t, x, 1, "W x=1"), eventAt(t, x, 0, "R x=1")
	assert.Equal(t, []Race{{A: wx, B: rx, Kind: "wr-incoh"}}, rs.Incoherent)
	assert.Contains(t, text, "    plain accesses to x that break coherence (wr-incoh):\n"+
		"      t.litmus:4:60: P1 `*x = 1`, a plain write of x=1\n"+
		"      t.litmus:3:35: P0 `*x`, a plain read of x=1\n"+
		"      P0's read reads from P1's write, yet a fence or happens-before chain makes it execute before that write. Both are plain.\n")
	// The test never satisfies its condition, so no witness is shown
	// for it; the race of an allowed execution still is.
	assert.Contains(t, res.Flags, "data-race")
	assert.Contains(t, text, "  The test is flagged data-race: the allowed execution with final state ")
	assert.Contains(t, text, "    data race on x (rw-race):\n")
}

func TestRacesOff(t *testing.T) {
	// Without Explain there are no witnesses, and Races of an execution
	// without plain accesses is nil.
	f, _ := corpusFile(t, "paulmck/manual/plain/C-data-race-of-execution.litmus")
	res, err := Check(context.Background(), f, Options{})
	require.NoError(t, err)
	assert.Contains(t, res.Flags, "data-race")
	assert.Nil(t, res.Witnesses)

	res = explainCorpus(t, "kernel/SB+poonceonces.litmus")
	for _, w := range res.Witnesses {
		assert.Nil(t, w.Races)
	}
}

func TestDataRaces(t *testing.T) {
	// Two witnesses race on the same two accesses (wr-race when the read
	// sees the write, rw-race when it misses it): one pair.
	res, _ := raceTest(t, `C RW
{}
P0(int *x) { *x = 1; }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (1:r0=1)
`)
	races := res.DataRaces()
	require.Len(t, races, 1)
	r := races[0]
	assert.Contains(t, []string{"wr-race", "rw-race"}, r.Kind)
	assert.Equal(t, []string{"R[once] x", "W x"}, sorted(r.A.Text[:len(r.A.Text)-2], r.B.Text[:len(r.B.Text)-2]))
	assert.True(t, r.A.Plain() || r.B.Plain())
	require.NotNil(t, r.Witness)
	assert.Contains(t, r.Witness.Flags, "data-race")

	// The corpus: one pair at least for each test flagged data-race.
	for _, rel := range []string{"paulmck/manual/plain/C-data-race-of-execution.litmus", "paulmck/auto/C-LB-Lww+R-A+R-Oc+R-OC.litmus"} {
		res := explainCorpus(t, rel)
		assert.NotEmpty(t, res.DataRaces(), rel)
	}
	assert.Empty(t, explainCorpus(t, "kernel/MP+pooncerelease+poacquireonce.litmus").DataRaces())
}

func sorted(s ...string) []string {
	slices.Sort(s)
	return s
}
