package checker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// herdObservation is what a full herd7 run says: the verdict, the counts
// of the Observation line (executions satisfying the proposition, then
// not), and whether the condition holds (Ok).
type herdObservation struct {
	verdict  string
	pos, neg int
	ok       bool
}

func readObservation(t testing.TB, expected string) herdObservation {
	b, err := os.ReadFile(expected)
	require.NoError(t, err)
	var o herdObservation
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case l == "Ok":
			o.ok = true
		case strings.HasPrefix(l, "Observation "):
			f := strings.Fields(l)
			o.verdict = f[len(f)-3]
			o.pos, _ = strconv.Atoi(f[len(f)-2])
			o.neg, _ = strconv.Atoi(f[len(f)-1])
		}
	}
	require.NotEmpty(t, o.verdict, expected)
	return o
}

// speedVerdict is the verdict herd7's -speedcheck gives when the full run
// says full (top_herd.ml's observation): it sees only the targets, so
// exists and ~exists tests say Never or Sometimes, forall tests Always or
// Sometimes.
func speedVerdict(q syntax.Quantifier, full string) string {
	if q == syntax.Forall {
		if full == "Always" {
			return "Always"
		}
		return "Sometimes"
	}
	if full == "Never" {
		return "Never"
	}
	return "Sometimes"
}

// speedTests are the tests a speedcheck must agree with the full run on:
// every test of ../shared/corpus (LKMM and BPF, the biggest included) and
// of ../shared/bench that has herd7's output.
func speedTests(t testing.TB) []string {
	shared := sharedDir(t)
	var out []string
	for _, d := range []string{"corpus", "bench"} {
		err := filepath.WalkDir(filepath.Join(shared, d), func(p string, de os.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".litmus") {
				if _, err := os.Stat(p + ".expected"); err == nil {
					out = append(out, p)
				}
			}
			return err
		})
		require.NoError(t, err)
	}
	sort.Strings(out)
	return out
}

func parseSpeedTest(t testing.TB, path string) *syntax.File {
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	f, errs := syntax.Parse(filepath.Base(path), src)
	require.Empty(t, errs, path)
	return f
}

// TestSpeedcheckVerdicts: on every test with herd7's full output, the
// speedchecks say what the full run says: the same Ok, herd7's speedcheck
// verdict for it, and in true mode the full run's count of targets (the
// executions satisfying the proposition for exists and ~exists, those
// violating it for forall); fast mode counts one target or none. Check
// with VerdictOnly is fast mode.
func TestSpeedcheckVerdicts(t *testing.T) {
	tests := speedTests(t)
	require.Greater(t, len(tests), 690)
	var mu sync.Mutex
	var fails []string
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, path := range tests {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if msg := speedcheckAgrees(t, path); msg != "" {
				mu.Lock()
				fails = append(fails, path+": "+msg)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(fails)
	require.Empty(t, fails)
}

func speedcheckAgrees(t *testing.T, path string) string {
	want := readObservation(t, path+".expected")
	f := parseSpeedTest(t, path)
	ctx := context.Background()
	for _, mode := range []SpeedMode{SpeedTrue, SpeedFast} {
		var res *Result
		var err error
		if mode == SpeedFast {
			res, err = Check(ctx, f, Options{VerdictOnly: true, Workers: 1, Timeout: 2 * time.Minute})
		} else {
			res, err = Speedcheck(ctx, f, Options{Workers: 1, Timeout: 2 * time.Minute}, mode)
		}
		if err != nil {
			return err.Error()
		}
		if len(res.Errors) > 0 || res.Cutoff {
			return fmt.Sprintf("mode %d: errors %v, cutoff %v", mode, res.Errors, res.Cutoff)
		}
		if res.Ok != want.ok || res.Verdict != speedVerdict(res.Quant, want.verdict) {
			return fmt.Sprintf("mode %d: Ok %v %s, full run Ok %v %s", mode, res.Ok, res.Verdict, want.ok, want.verdict)
		}
		targets, other := res.Positive, res.Negative
		full := want.pos
		if res.Quant == syntax.Forall {
			targets, other = res.Negative, res.Positive
			full = want.neg
		}
		if other != 0 {
			return fmt.Sprintf("mode %d: %d executions that are not targets counted", mode, other)
		}
		if mode == SpeedFast {
			full = min(full, 1)
		}
		if targets != full {
			return fmt.Sprintf("mode %d: %d targets, full run %d", mode, targets, full)
		}
		if len(res.States) > targets {
			return fmt.Sprintf("mode %d: %d states for %d targets", mode, len(res.States), targets)
		}
	}
	return ""
}

// TestSpeedcheckUnfinished: the bench tests herd7 does not finish; their
// verdicts are herd7's own -speedcheck true answers (../shared/bench's
// README). The lock emulation takes a while, so it runs only without
// -short.
func TestSpeedcheckUnfinished(t *testing.T) {
	shared := sharedDir(t)
	cases := map[string]string{
		"C-RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R":                "Never",
		"C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-R":           "Sometimes",
		"C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G":      "Never",
		"C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G": "Never",
		"C-SB+l-o-o-u+l-o-o-u+l-o-o-u+l-o-o-u+l-o-o-u-X":                                                   "Never",
	}
	for name, want := range cases {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(name, "-X") && testing.Short() {
				t.Skip("lock emulation: tens of seconds")
			}
			f := parseSpeedTest(t, filepath.Join(shared, "bench", name+".litmus"))
			for _, mode := range []SpeedMode{SpeedTrue, SpeedFast} {
				res, err := Speedcheck(context.Background(), f, Options{}, mode)
				require.NoError(t, err)
				require.Empty(t, res.Errors)
				require.False(t, res.Cutoff)
				require.Equal(t, want, res.Verdict, "mode %d", mode)
			}
		})
	}
}

// BenchmarkSpeedcheck compares a full run with the speedchecks on the
// bench tests whose full run litmusls finishes quickly enough to repeat,
// and the RCU rings that herd7 does not finish; it reports each mode's
// time per test and the speed-up of fast mode over the full run
// (x-faster), where both run.
func BenchmarkSpeedcheck(b *testing.B) {
	shared := sharedDir(b)
	names := []string{
		"C-ManfredSpraul-L1G1xchg",
		"C-RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R",
		"C-SB+l-o-o-u+l-o-o-u+l-o-o-u+l-o-o-u+l-o-o-u",
		"C-SB+l-o-o-u+l-o-o-u+l-o-o-u-XE",
		"C-viro-2020.09.29a",
		"WW+WR+WW+WR+rfi-pos+onces+locked",
		"C-RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R",
	}
	for _, name := range names {
		f := parseSpeedTest(b, filepath.Join(shared, "bench", name+".litmus"))
		var full time.Duration
		for _, mode := range []string{"full", "true", "fast"} {
			if mode == "full" && strings.Contains(name, "RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R") {
				continue // 16 processes: tens of seconds a run
			}
			b.Run(name+"/"+mode, func(b *testing.B) {
				for b.Loop() {
					var err error
					switch mode {
					case "full":
						_, err = Check(context.Background(), f, Options{})
					case "true":
						_, err = Speedcheck(context.Background(), f, Options{}, SpeedTrue)
					case "fast":
						_, err = Speedcheck(context.Background(), f, Options{}, SpeedFast)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				per := b.Elapsed() / time.Duration(b.N)
				switch {
				case mode == "full":
					full = per
				case full > 0 && per > 0:
					b.ReportMetric(float64(full)/float64(per), "x-faster")
				}
			})
		}
	}
}
