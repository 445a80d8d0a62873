package cat

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// sampler is a checker.Model that keeps copies of some of the candidates
// it is given (those keep accepts), up to max, and judges none.
type sampler struct {
	keep  func(c *checker.Candidate) bool
	max   int
	cands []*checker.Candidate
}

var errSampled = errors.New("sampled enough candidates")

func (s *sampler) Judge(c *checker.Candidate, _ func(*checker.Execution, checker.Judgement) bool) error {
	if !s.keep(c) {
		return nil
	}
	s.cands = append(s.cands, &checker.Candidate{Structure: c.Structure, Rf: c.Rf.Clone(), Val: slices.Clone(c.Val)})
	if len(s.cands) == s.max {
		return errSampled
	}
	return nil
}

// verdicts judges c with m and returns each execution's verdict: "allowed"
// and its flags, or "forbidden".
func verdicts(t *testing.T, m checker.Model, c *checker.Candidate) []string {
	t.Helper()
	var out []string
	require.NoError(t, m.Judge(c, func(_ *checker.Execution, j checker.Judgement) bool {
		if j.Failed != "" {
			out = append(out, "forbidden")
		} else {
			out = append(out, "allowed "+strings.Join(j.Flags, ","))
		}
		return true
	}))
	return out
}

// TestBigRingCandidates judges candidates of the RCU rings of
// ../shared/bench that herd7 never finishes (16 to 19 processes, past 64
// events, where the compiled model's relations take several words a row)
// with the compiled model and the interpreted one (the built-in lowering,
// so both see the same events): every verdict must agree. The candidates
// are those where all reads but at most one read the other thread's
// write: the one where all do is the cycle the test asks about, which the
// rcu check forbids; the others are one read short of it. A full run of
// these rings with the interpreter would take hours.
func TestBigRingCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("interpreter on big rings in -short mode")
	}
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	interp, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}})
	require.NoError(t, err)
	rings, err := filepath.Glob(filepath.Join(sharedDir(t), "bench", "C-RW-G+*.litmus"))
	require.NoError(t, err)
	checked := 0
	for _, path := range rings {
		name := filepath.Base(path)
		procs := strings.Count(name, "+") + 1
		if procs < 16 {
			continue
		}
		checked++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, errs := syntax.Parse(name, src)
			require.Empty(t, errs)
			s := &sampler{max: procs + 1, keep: func(c *checker.Candidate) bool {
				zeros := 0
				for i, e := range c.Events {
					if e.Kind == checker.KindR && e.Thread >= 0 && c.Val[i] == 0 {
						zeros++
					}
				}
				return zeros <= 1
			}}
			_, err = checker.Check(context.Background(), f, checker.Options{Model: s, Workers: 1})
			if !errors.Is(err, errSampled) {
				require.NoError(t, err)
			}
			require.Len(t, s.cands, procs+1)
			require.Greater(t, s.cands[0].N(), 64)
			forbidden := 0
			for _, c := range s.cands {
				want := verdicts(t, interp, c)
				got := verdicts(t, &checker.LKMM{}, c)
				require.Equal(t, want, got, "compiled (actual) against interpreted (expected)")
				forbidden += strings.Count(strings.Join(got, "\n"), "forbidden")
			}
			// The condition's cycle (every read sees the write) is
			// forbidden by the rcu check when the ring has at least as
			// many grace periods as critical sections; herd7
			// -speedcheck says Never for those rings, Sometimes for the
			// other (see the bench README).
			if g := strings.Count(name, "RW-G"); g >= procs-g {
				require.NotZero(t, forbidden)
			} else {
				require.Zero(t, forbidden)
			}
		})
	}
	require.Equal(t, 4, checked)
}
