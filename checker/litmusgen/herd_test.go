package litmusgen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
)

var freeVal = regexp.MustCompile(`\bS[0-9]+\b`)

// TestHerd compares the compiled models with herd7 itself on generated
// tests, when LITMUSGEN_HERD7 names a herd7 binary (CI has none).
// LITMUSGEN_HERD_SEEDS=A-B picks the seeds (default 0-99),
// LITMUSGEN_HERD_MODEL=bpf the BPF generator.
func TestHerd(t *testing.T) {
	herd := os.Getenv("LITMUSGEN_HERD7")
	if herd == "" {
		t.Skip("LITMUSGEN_HERD7 not set")
	}
	lo, hi := uint64(0), uint64(100)
	if s := os.Getenv("LITMUSGEN_HERD_SEEDS"); s != "" {
		a, b, _ := strings.Cut(s, "-")
		x, err := strconv.ParseUint(a, 10, 64)
		require.NoError(t, err)
		y, err := strconv.ParseUint(b, 10, 64)
		require.NoError(t, err)
		lo, hi = x, y+1
	}
	bpf := os.Getenv("LITMUSGEN_HERD_MODEL") == "bpf"
	dir := t.TempDir()
	lkmmDir := filepath.Join(sharedDir(t), "model", "lkmm")
	agree := 0
	for seed := lo; seed < hi; seed++ {
		var test *Test
		var args []string
		if bpf {
			test = BPF(seed)
		} else {
			test = LKMM(seed)
			args = []string{"-conf", "linux-kernel.cfg"}
		}
		path := filepath.Join(dir, strconv.FormatUint(seed, 10)+".litmus")
		require.NoError(t, os.WriteFile(path, []byte(test.String()), 0o644))
		cmd := exec.Command(herd, append(args, "-timeout", "60", path)...)
		cmd.Dir = lkmmDir
		out, err := cmd.CombinedOutput()
		if err != nil || strings.Contains(string(out), "Warning") {
			t.Errorf("seed %d: herd7: %v\n%s\n%s", seed, err, out, test)
			continue
		}
		if !strings.Contains(string(out), "Observation") {
			t.Logf("seed %d: herd7 gave no result (timeout?)", seed)
			continue
		}
		got, cut := Run(context.Background(), test.Name, test.String(), nil, 0)
		if cut {
			continue
		}
		// herd7 numbers an undetermined value by its own variables,
		// litmusls by an event: the names differ (see README).
		if g, w := freeVal.ReplaceAllString(checker.HerdSummary(got), "S"), freeVal.ReplaceAllString(checker.HerdSummary(string(out)), "S"); g != w {
			t.Errorf("seed %d: litmusls and herd7 disagree\n%s\nlitmusls:\n%s\nherd7:\n%s", seed, test, g, w)
			continue
		}
		agree++
	}
	t.Logf("%d of %d tests agree with herd7", agree, hi-lo)
}
