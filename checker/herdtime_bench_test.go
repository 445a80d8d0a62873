package checker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// unfinishedBudget bounds each run of a bench test herd7 never finishes:
// the target (10 s on one core). A run that reaches it reports
// how far it got instead of a time.
const unfinishedBudget = 10 * time.Second

// herdTimes reads herd7's listed times from ../shared/bench/README.md:
// the seconds column of the first table, by test name. A test of the
// second table (herd7 does not finish it) is in the map with 0.
func herdTimes(t testing.TB, dir string) map[string]float64 {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	defer f.Close()
	times := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		// "| test | procs | herd7 s | note |" splits into 6 cells.
		if len(cells) < 5 || cells[0] != "" {
			continue
		}
		name := strings.TrimSpace(cells[1])
		if _, err := os.Stat(filepath.Join(dir, name+".litmus")); err != nil {
			continue // the header, the rule, or not a test
		}
		secs, err := strconv.ParseFloat(strings.TrimSpace(cells[3]), 64)
		if err != nil {
			secs = 0 // "not in 30 s"
		}
		times[name] = secs
	}
	require.NoError(t, sc.Err())
	return times
}

// cpuTime returns the CPU time (user and system) the process has used, in
// seconds: on a loaded machine a steadier measure than the wall clock.
func cpuTime(b *testing.B) float64 {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkHerdBench checks each test of ../shared/bench on one worker
// (herd7 uses one core) and reports, besides ns/op, herd7's listed time
// (herd7-s), how many times faster we are (x-herd7), and the CPU time
// per check (cpu-s/op, the garbage collector's included). A test herd7
// never finishes runs under [unfinishedBudget]; it reports cutoff=1 when
// the budget ran out, and in any case the executions and states it found.
func BenchmarkHerdBench(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "bench")
	times := herdTimes(b, dir)
	require.Len(b, times, 13, "the README's tables list the 13 bench tests")
	matches, err := filepath.Glob(filepath.Join(dir, "*.litmus"))
	require.NoError(b, err)
	require.Len(b, matches, len(times))
	for _, path := range matches {
		name := strings.TrimSuffix(filepath.Base(path), ".litmus")
		herd, ok := times[name]
		require.True(b, ok, "%s is not in the README", name)
		b.Run(name, func(b *testing.B) {
			src, err := os.ReadFile(path)
			require.NoError(b, err)
			f, _ := syntax.Parse(filepath.Base(path), src)
			opts := Options{Workers: 1}
			if herd == 0 {
				opts.Timeout = unfinishedBudget
			}
			var res *Result
			cpu0 := cpuTime(b)
			start := time.Now()
			for b.Loop() {
				res, err = Check(context.Background(), f, opts)
				require.NoError(b, err)
				require.Empty(b, res.Errors)
			}
			perOp := time.Since(start).Seconds() / float64(b.N)
			b.ReportMetric((cpuTime(b)-cpu0)/float64(b.N), "cpu-s/op")
			if herd > 0 {
				b.ReportMetric(herd, "herd7-s")
				b.ReportMetric(herd/perOp, "x-herd7")
			} else {
				cut := 0.0
				if res.Cutoff {
					cut = 1
				}
				b.ReportMetric(cut, "cutoff")
			}
			b.ReportMetric(float64(res.Positive+res.Negative), "executions")
			b.ReportMetric(float64(len(res.States)), "states")
		})
	}
}

// collector is a Model that keeps copies of the candidates it is given,
// up to max, and judges none.
type collector struct {
	max   int
	cands []*Candidate
}

var errCollected = errors.New("collected enough candidates")

func (c *collector) Judge(cand *Candidate, _ func(*Execution, Judgement) bool) error {
	if len(c.cands) == c.max {
		return errCollected
	}
	c.cands = append(c.cands, &Candidate{Structure: cand.Structure, Rf: cand.Rf.Clone(), Val: append([]int64(nil), cand.Val...)})
	return nil
}

// BenchmarkLKMMJudgeRing judges the candidates of RCU rings of the bench
// (all 1024 of the 10-process ring; the first 4096 of the 16-process
// one) with the LKMM alone, without the enumeration and the final states
// around it: the model's cost per candidate (ns/candidate, and in CPU
// time, steadier on a loaded machine, cpu-ns/candidate).
func BenchmarkLKMMJudgeRing(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "bench")
	for _, name := range []string{
		"C-RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-R+RW-R+RW-R+RW-R",
		"C-RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R+RW-G+RW-R",
	} {
		b.Run(fmt.Sprint(strings.Count(name, "+")+1), func(b *testing.B) {
			src, err := os.ReadFile(filepath.Join(dir, name+".litmus"))
			require.NoError(b, err)
			f, _ := syntax.Parse(name+".litmus", src)
			col := &collector{max: 4096}
			_, err = Check(context.Background(), f, Options{Model: col, Workers: 1})
			if !errors.Is(err, errCollected) {
				require.NoError(b, err)
			}
			require.NotEmpty(b, col.cands)
			m := &LKMM{}
			allowed := 0
			cpu0 := cpuTime(b)
			for b.Loop() {
				allowed = 0
				for _, c := range col.cands {
					require.NoError(b, m.Judge(c, func(_ *Execution, j Judgement) bool {
						if j.Failed == "" {
							allowed++
						}
						return true
					}))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(col.cands)), "ns/candidate")
			b.ReportMetric((cpuTime(b)-cpu0)*1e9/float64(b.N)/float64(len(col.cands)), "cpu-ns/candidate")
			b.ReportMetric(float64(allowed), "allowed")
		})
	}
}
