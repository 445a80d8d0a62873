package cat

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
)

// FuzzModel checks that no cat text makes New or Judge panic, and that
// their errors are *Errors. The seeds are the LKMM model files and the snippets of
// TestEval; the model runs on the mp candidate.
func FuzzModel(f *testing.F) {
	dir := filepath.Join(sharedDir(f), "model", "lkmm")
	for _, name := range []string{"cross.cat"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	for _, s := range []string{
		"let rec even s = match s with {} -> 'T || _ ++ r -> odd r end and odd s = match s with {} -> 'F || _ ++ r -> even r end",
		"procedure p(a) = empty a as e end\ncall p(po)",
		"with x from {po, rf}\nflag ~empty x as f",
		"let rec f x = f x\nempty f(po)",
		"let rec x = po \\ x\nempty x",
		"forall e in {'a} do empty 0 end",
		"let s = linearisations(W, 0)\nmatch 'a with 'a -> empty 0 || _ -> empty po end",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := New("mem/test.cat", Options{
			Include:  []string{dir},
			ReadFile: memFiles(map[string]string{"mem/test.cat": src}),
		})
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("New: %T %v", err, err)
			}
			return
		}
		if err := m.Judge(mp(), func(*checker.Execution, checker.Judgement) bool { return true }); err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Judge: %T %v", err, err)
			}
		}
	})
}

// TestMutations runs New and Judge on damaged copies of the LKMM model
// files (spans cut, characters replaced, spans copied elsewhere, from a
// fixed seed): each must end, within seconds, with a result or an *Error,
// never a panic. It complements FuzzModel, which cannot start from
// files this large.
func TestMutations(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "model", "lkmm")
	var seeds [][]byte
	for _, name := range []string{"linux-kernel.cat", "linux-kernel.bell", "lock.cat", "cos-opt.cat", "cross.cat", "stdlib.cat"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		seeds = append(seeds, src)
	}
	n := 1000
	if testing.Short() {
		n = 100
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		s := bytes.Clone(seeds[rng.IntN(len(seeds))])
		for k := rng.IntN(4) + 1; k > 0 && len(s) > 0; k-- {
			a := rng.IntN(len(s))
			b := min(len(s), a+rng.IntN(200))
			switch rng.IntN(3) {
			case 0:
				s = append(s[:a:a], s[b:]...)
			case 1:
				s[a] = " ;|&\\*+(){}[]abcWR0_'~^-1"[rng.IntN(25)]
			case 2:
				c := rng.IntN(len(s))
				s = slices.Concat(s[:c], s[a:b], s[c:])
			}
		}
		done := make(chan any, 1)
		go func() {
			defer func() { done <- recover() }()
			m, err := New("mem/test.cat", Options{Include: []string{dir}, ReadFile: memFiles(map[string]string{"mem/test.cat": string(s)})})
			if err != nil {
				var ce *Error
				if !errors.As(err, &ce) {
					panic(err)
				}
				return
			}
			if err := m.Judge(mp(), func(*checker.Execution, checker.Judgement) bool { return true }); err != nil {
				var ce *Error
				if !errors.As(err, &ce) {
					panic(err)
				}
			}
		}()
		select {
		case e := <-done:
			if e != nil {
				t.Fatalf("mutation %d panics: %v\n%s", i, e, s)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("mutation %d does not end:\n%s", i, s)
		}
	}
}
