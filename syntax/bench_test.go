package syntax

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func readCorpus(b *testing.B) [][]byte {
	var srcs [][]byte
	for _, path := range corpusFiles(b) {
		src, err := os.ReadFile(path)
		require.NoError(b, err)
		srcs = append(srcs, src)
	}
	return srcs
}

// BenchmarkParseCorpus parses every test of the shared corpus and bench
// per iteration, and reports the mean time per test.
func BenchmarkParseCorpus(b *testing.B) {
	srcs := readCorpus(b)
	var bytes int64
	for _, src := range srcs {
		bytes += int64(len(src))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		for _, src := range srcs {
			Parse("bench.litmus", src)
		}
	}
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(srcs)), "ns/test")
}

// BenchmarkParseTest parses single typical tests: a small kernel test and
// the largest test of the bench directory.
func BenchmarkParseTest(b *testing.B) {
	root := sharedDir(b)
	for _, rel := range []string{
		"corpus/kernel/MP+pooncerelease+poacquireonce.litmus",
		"corpus/kernel/ISA2+pooncelock+pooncelock+pombonce.litmus",
		"bench/C-viro-2020.09.29a.litmus",
	} {
		src, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(b, err)
		b.Run(filepath.Base(rel), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				Parse("bench.litmus", src)
			}
		})
	}
}

// BenchmarkPrintCorpus prints every C test of the corpus per iteration.
func BenchmarkPrintCorpus(b *testing.B) {
	var files []*File
	for _, src := range readCorpus(b) {
		if f, errs := Parse("bench.litmus", src); len(errs) == 0 && f.Dialect == DialectC {
			files = append(files, f)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Print(f)
		}
	}
}
