package checker

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

const shownRaceTest = `C Race

{}

P0(int *x, int *y)
{
	*x = 1;
	WRITE_ONCE(*y, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*y);
	r1 = *x;
}

exists (1:r0=1 /\ 1:r1=0)
`

// TestShownKinds: the number of executions each -show kind selects is the
// number of graphs herd7 7.58+1 writes with "-show KIND -o DIR" (counted
// by hand: the "digraph" lines of DIR/NAME.dot), for a test of each
// quantifier; -showflag data-race selects all four of Race's.
func TestShownKinds(t *testing.T) {
	raceNot := regexp.MustCompile(`(?m)^exists`).ReplaceAllString(shownRaceTest, "~exists")
	lockTwice := filepath.Join(sharedDir(t), "corpus", "bpf", "LockTwice.litmus")
	cases := []struct {
		name string
		f    *syntax.File
		want map[ShowKind]int
	}{
		{"exists", parse(t, shownRaceTest), map[ShowKind]int{ShowProp: 1, ShowNeg: 3, ShowCond: 1, ShowWit: 1, ShowAll: 4, ShowNone: 0}},
		{"~exists", parse(t, raceNot), map[ShowKind]int{ShowProp: 1, ShowNeg: 3, ShowCond: 3, ShowWit: 1, ShowAll: 4}},
		{"forall", parseSpeedTest(t, lockTwice), map[ShowKind]int{ShowProp: 2, ShowNeg: 0, ShowCond: 2, ShowWit: 0, ShowAll: 2}},
	}
	for _, c := range cases {
		for kind, want := range c.want {
			t.Run(c.name+"/"+strconv.Itoa(int(kind)), func(t *testing.T) {
				r, err := Shown(context.Background(), c.f, Options{}, ShowSelect{Kind: kind})
				require.NoError(t, err)
				assert.Equal(t, want, r.Total)
				assert.Len(t, r.Executions, want)
				assert.False(t, r.Cutoff)
			})
		}
	}
	r, err := Shown(context.Background(), parse(t, shownRaceTest), Options{}, ShowSelect{Kind: ShowFlag, Flag: "data-race"})
	require.NoError(t, err)
	require.Len(t, r.Executions, 4)
	for _, w := range r.Executions {
		assert.Contains(t, w.Flags, "data-race")
		assert.NotEmpty(t, w.Races, "a racing execution marks its pair")
	}
	r, err = Shown(context.Background(), parse(t, shownRaceTest), Options{}, ShowSelect{Kind: ShowFlag, Flag: "no-such-flag"})
	require.NoError(t, err)
	assert.Zero(t, r.Total)
}

var posNeg = regexp.MustCompile(`(?m)^Positive: (\d+) Negative: (\d+)$`)

// TestShownCorpus: on corpus tests, -show prop, neg and all select as
// many executions as herd7's Positive, Negative and their sum, each
// reaching a state herd7 prints, its condition as the kind wants; -nshow
// keeps the first ones whatever the number of workers.
func TestShownCorpus(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	for _, name := range []string{
		"kernel/SB+poonceonces.litmus",
		"kernel/MP+pooncerelease+poacquireonce.litmus",
		"kernel/IRIW+poonceonces+OnceOnce.litmus",
		"kernel/ISA2+pooncelock+pooncelock+pombonce.litmus",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(corpus, name)
			f := parseSpeedTest(t, path)
			exp, err := os.ReadFile(path + ".expected")
			require.NoError(t, err)
			m := posNeg.FindStringSubmatch(string(exp))
			require.NotNil(t, m)
			pos, _ := strconv.Atoi(m[1])
			neg, _ := strconv.Atoi(m[2])
			res, err := Check(context.Background(), f, Options{})
			require.NoError(t, err)
			states := map[string]bool{}
			for _, s := range res.States {
				states[s.String()] = true
			}
			for kind, want := range map[ShowKind]int{ShowProp: pos, ShowNeg: neg, ShowAll: pos + neg} {
				r, err := Shown(context.Background(), f, Options{}, ShowSelect{Kind: kind})
				require.NoError(t, err)
				require.Equal(t, want, r.Total)
				require.Len(t, r.Executions, want)
				for _, w := range r.Executions {
					assert.True(t, states[w.State.String()], "state %s", w.State)
					switch kind {
					case ShowProp:
						assert.True(t, w.Cond)
					case ShowNeg:
						assert.False(t, w.Cond)
					}
				}
			}
			all, err := Shown(context.Background(), f, Options{Workers: 1}, ShowSelect{Kind: ShowAll})
			require.NoError(t, err)
			for _, workers := range []int{1, 3} {
				first, err := Shown(context.Background(), f, Options{Workers: workers}, ShowSelect{Kind: ShowAll, Max: 2})
				require.NoError(t, err)
				assert.Equal(t, pos+neg, first.Total)
				require.Len(t, first.Executions, min(2, pos+neg))
				for i, w := range first.Executions {
					assert.Equal(t, all.Executions[i], w, "execution %d with %d workers", i, workers)
				}
			}
		})
	}
}

// BenchmarkShown measures the pass that keeps the executions -show
// selects, on the corpus's IRIW (-show all), against Check alone.
func BenchmarkShown(b *testing.B) {
	f := parseSpeedTest(b, filepath.Join(sharedDir(b), "corpus", "kernel", "IRIW+poonceonces+OnceOnce.litmus"))
	for _, c := range []struct {
		name string
		sel  ShowSelect
	}{
		{"all", ShowSelect{Kind: ShowAll}},
		{"nshow1", ShowSelect{Kind: ShowAll, Max: 1}},
		{"prop", ShowSelect{Kind: ShowProp}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Shown(context.Background(), f, Options{}, c.sel); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			if _, err := Check(context.Background(), f, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
