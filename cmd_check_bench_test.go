package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildBinary builds the litmusls binary into a temporary directory, as
// a user runs it, for benchmarks that start processes.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "litmusls")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(b, err, "%s", out)
	return bin
}

// BenchmarkCheckCorpusBatch runs one `check -j 1` process over the whole
// shared corpus (LKMM and BPF) per iteration, as a batch user does: the
// process start is paid once. It reports ms/test, the average cost of a
// test (the target is 2 ms or less).
func BenchmarkCheckCorpusBatch(b *testing.B) {
	bin := buildBinary(b)
	corpus := filepath.Join("..", "shared", "corpus")
	var tests int
	require.NoError(b, filepath.WalkDir(corpus, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".litmus") {
			tests++
		}
		return err
	}))
	require.NotZero(b, tests)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "check", "-j", "1", corpus)
		out, err := cmd.Output()
		require.NoError(b, err, "stderr: %s", stderrOf(err))
		require.Equal(b, tests, strings.Count(string(out), "\nObservation "), "one Observation line per test")
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(tests), "ms/test")
}

// BenchmarkCheckOneProcess starts one `check` process on one small
// kernel test per iteration: the per-process floor that scripts running
// one process per test pay (process start, package initialisation, the
// check, the output).
func BenchmarkCheckOneProcess(b *testing.B) {
	bin := buildBinary(b)
	test := filepath.Join("..", "shared", "corpus", "kernel", "MP+pooncerelease+poacquireonce.litmus")
	b.ResetTimer()
	for b.Loop() {
		out, err := exec.Command(bin, "check", test).Output()
		require.NoError(b, err, "stderr: %s", stderrOf(err))
		require.Contains(b, string(out), "Observation MP+pooncerelease+poacquireonce Never")
	}
}

// BenchmarkVersionProcess starts `litmusls version`: process start and
// package initialisation alone.
func BenchmarkVersionProcess(b *testing.B) {
	bin := buildBinary(b)
	b.ResetTimer()
	for b.Loop() {
		require.NoError(b, exec.Command(bin, "version").Run())
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
