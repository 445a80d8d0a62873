package checker

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// BenchmarkHerdBench checks each test of ../shared/bench on one worker
// (herd7 uses one core) and reports, besides ns/op, herd7's listed time
// (herd7-s) and how many times faster we are (x-herd7). A test herd7
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
			start := time.Now()
			for b.Loop() {
				res, err = Check(context.Background(), f, opts)
				require.NoError(b, err)
				require.Empty(b, res.Errors)
			}
			perOp := time.Since(start).Seconds() / float64(b.N)
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
