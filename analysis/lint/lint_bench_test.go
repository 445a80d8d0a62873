package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// BenchmarkLintKernel lints the kernel tests of the corpus, already
// checked: the cost of Run itself, per pass over the 35 tests.
func BenchmarkLintKernel(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(testkit.SharedDir(b), "corpus", "kernel", "*.litmus"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no kernel tests: %v", err)
	}
	type input struct {
		f   *syntax.File
		src []byte
		res *checker.Result
	}
	var ins []input
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		f, _ := syntax.Parse(p, src)
		res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, input{f, src, res})
	}
	b.ResetTimer()
	for b.Loop() {
		for _, in := range ins {
			if _, err := Run(context.Background(), in.f, in.src, in.res, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
