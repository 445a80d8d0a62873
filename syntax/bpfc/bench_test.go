package bpfc

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkTranslate translates the C scenarios of testdata/bpfc that
// model the real shapes, and herdSrc, which uses every construct
// the herd7 rewrite changes.
func BenchmarkTranslate(b *testing.B) {
	root := filepath.Join("..", "..", "testdata", "bpfc")
	load := func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(root, p)) }
	type input struct {
		name string
		src  []byte
	}
	var ins []input
	for _, name := range []string{"arena_lock.c", "scx_dispatch.c", "softirq_counts.c", "progs/ring_records.c", "cpu_smp_mb.c"} {
		src, err := load(name)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, input{name, src})
	}
	ins = append(ins, input{"herd.c", []byte(herdSrc)})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range ins {
			if _, err := Translate(in.name, in.src, load); err != nil {
				b.Fatal(err)
			}
		}
	}
}
