package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker/litmusgen"
)

// freeName is a value herd7 leaves undetermined (a cycle of plain
// copies), which it names after its own variable and litmusls after the
// cycle's first event: the two names differ.
var freeName = regexp.MustCompile(`=S[0-9]+;`)

// TestHerd7AgainstHerd7 runs herd7 itself, when LITMUSLS_HERD7 names its
// binary, and "litmusls herd7" on random tests (litmusgen's LKMM and BPF
// seeds 1 to 100) with the kernel's cfg or herd7's default bpf.cat, full
// runs and -speedcheck true, and compares the whole output but the Time
// line (free values' names aside). -speedcheck fast is compared too,
// but for the state herd7 meets first, which may differ when the
// condition leaves a shown location free.
func TestHerd7AgainstHerd7(t *testing.T) {
	herd := os.Getenv("LITMUSLS_HERD7")
	if herd == "" {
		t.Skip("set LITMUSLS_HERD7 to a herd7 binary to compare with it")
	}
	dir := modelDir(t)
	gen := t.TempDir()
	var tests []string
	for s := uint64(1); s <= 100; s++ {
		for _, g := range []struct {
			name string
			test *litmusgen.Test
		}{{"L", litmusgen.LKMM(s)}, {"B", litmusgen.BPF(s)}} {
			p := filepath.Join(gen, fmt.Sprintf("%s%d.litmus", g.name, s))
			require.NoError(t, os.WriteFile(p, []byte(g.test.String()), 0o644))
			tests = append(tests, p)
		}
	}
	for _, test := range tests {
		args := []string{"-conf", "linux-kernel.cfg"}
		if filepath.Base(test)[0] == 'B' {
			args = nil // herd7's default bpf.cat
		}
		for _, mode := range []string{"false", "true", "fast"} {
			a := append(append([]string{}, args...), "-speedcheck", mode, test)
			cmd := exec.Command(herd, a...)
			cmd.Dir = dir
			want, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", want)
			_, got, errs := runHerd7Args(t, a...)
			w, g := freeName.ReplaceAllString(withoutTime(string(want)), "=S;"), freeName.ReplaceAllString(withoutTime(got+errs), "=S;")
			if mode == "fast" {
				w, g = withoutStates(w), withoutStates(g)
			}
			if w != g {
				t.Errorf("%s -speedcheck %s: got\n%s\nherd7 says\n%s", test, mode, g, w)
			}
		}
	}
}

// stateLine is a state line of herd7's output.
var stateLine = regexp.MustCompile(`(?m)^[0-9\[].*;\n`)

func withoutStates(s string) string { return stateLine.ReplaceAllString(s, "") }
