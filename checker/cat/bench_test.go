package cat

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// BenchmarkKernel checks the kernel/ corpus once per iteration, with the
// interpreted linux-kernel.cat (the tests lowered by linux-kernel.def, as
// linux-kernel.cfg says, and by the built-in lowering) and with the
// checker's compiled LKMM.
func BenchmarkKernel(b *testing.B) { benchCorpus(b, []string{"kernel"}) }

// BenchmarkCorpus does the same over every LKMM corpus directory.
func BenchmarkCorpus(b *testing.B) { benchCorpus(b, corpusDirs) }

func benchCorpus(b *testing.B, dirs []string) {
	corpus := filepath.Join(sharedDir(b), "corpus")
	rels := corpusTests(b, corpus, dirs)
	files := make([]*syntax.File, len(rels))
	for i, rel := range rels {
		src, err := os.ReadFile(filepath.Join(corpus, rel))
		require.NoError(b, err)
		files[i], _ = syntax.Parse(rel, src)
	}
	interpreted := lkmm(b)
	dir := filepath.Join(sharedDir(b), "model", "lkmm")
	builtin, err := New(filepath.Join(dir, "linux-kernel.cat"), Options{Bell: filepath.Join(dir, "linux-kernel.bell"), Variants: []string{"lkmmv2"}})
	require.NoError(b, err)
	for _, bm := range []struct {
		name  string
		model checker.Model
	}{{"interpreted", interpreted}, {"interpreted-builtin-lowering", builtin}, {"compiled", nil}} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				for _, f := range files {
					_, err := checker.Check(context.Background(), f, checker.Options{Model: bm.model, Workers: 1})
					require.NoError(b, err)
				}
			}
		})
	}
}
