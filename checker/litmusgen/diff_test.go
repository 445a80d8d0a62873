package litmusgen

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"

	"github.com/litmusls/litmusls/internal/testkit"
)

// diffSeeds is the seed range TestDifferentialLKMM runs (about 55 s
// on two cores); LITMUSGEN_SEEDS=N runs seeds 0..N-1 instead.
const diffSeeds = 5000

// diffTimeout bounds one check; a test cut off by it is skipped.
const diffTimeout = 10 * time.Second

// sharedDir finds ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	return testkit.SharedDir(t)
}

func seeds(t *testing.T, n int) int {
	if s := os.Getenv("LITMUSGEN_SEEDS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err)
		return v
	}
	return n
}

// differential runs the tests of seeds 0..n-1 under the compiled model
// and under m, and fails on every disagreement, showing the minimized
// test.
func differential(t *testing.T, n int, gen func(uint64) *Test, m checker.Model) {
	skipped, rejected := 0, 0
	start := time.Now()
	Sweep(context.Background(), gen, 0, n, 2, m, diffTimeout, func(seed uint64, test *Test, o Outcome) {
		switch {
		case o.Skipped != "":
			skipped++
		case o.Rejected != "":
			rejected++
			t.Errorf("seed %d: both models reject the generated test: %s\n%s", seed, o.Rejected, test)
		case o.Diff != "":
			t.Errorf("seed %d: the compiled and the interpreted model disagree; minimized:\n%s\n%s", seed, test, o.Diff)
		}
	})
	t.Logf("%d tests, %d skipped (cut off), %d rejected, %v", n, skipped, rejected, time.Since(start))
	require.Less(t, skipped, n/50+1, "too many tests cut off")
}

// TestDifferentialLKMM: on generated C tests, the compiled LKMM and the
// interpreted linux-kernel.cat give the same herd7 output.
func TestDifferentialLKMM(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test in -short mode")
	}
	m, err := cat.NewFromConfig(filepath.Join(sharedDir(t), "model", "lkmm", "linux-kernel.cfg"), cat.Options{})
	require.NoError(t, err)
	differential(t, seeds(t, diffSeeds), LKMM, m)
}

// diffSeedsBPF is the seed range TestDifferentialBPF runs (about 15 s).
const diffSeedsBPF = 10000

// TestDifferentialBPF: on generated BPF tests, the compiled BPF model
// and the interpreted bpf.cat give the same herd7 output.
func TestDifferentialBPF(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test in -short mode")
	}
	m, err := cat.New(filepath.Join(sharedDir(t), "model", "bpf", "bpf.cat"), cat.Options{})
	require.NoError(t, err)
	differential(t, seeds(t, diffSeedsBPF), BPF, m)
}

// TestGenerate: generation is deterministic, and every generated test
// parses.
func TestGenerate(t *testing.T) {
	for seed := range uint64(200) {
		for _, gen := range []func(uint64) *Test{LKMM, BPF} {
			a, b := gen(seed).String(), gen(seed).String()
			require.Equal(t, a, b, "seed %d", seed)
			out, _ := Run(context.Background(), "gen", a, nil, 0)
			require.NotContains(t, out, "error: parse", "seed %d:\n%s", seed, a)
		}
	}
}
