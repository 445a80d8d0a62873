package main

import (
	"io"
	"strings"
	"testing"

	"github.com/litmusls/litmusls/syntax"
)

// FuzzHerd7Config: herd7's configuration lexer never panics, and what it
// reads is consistent: keys of letters with at most one inner "-", values
// without surrounding blanks, lines in order, an unreadable line last.
func FuzzHerd7Config(f *testing.F) {
	f.Add([]byte("macros linux-kernel.def\nbell linux-kernel.bell\nmodel linux-kernel.cat\nvariant lkmmv2\ngraph columns\n"))
	f.Add([]byte("# comment\n\nthrough = all\nlocal-conf x.cfg\n"))
	f.Add([]byte("foo\n"))
	f.Add([]byte("a-b-c d\n=x\n"))
	f.Add([]byte("edgeattr hb,color,indigo\r\n  \n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := lexHerd7Config(src)
		last := 0
		for i, l := range lines {
			if l.line <= last {
				t.Fatalf("line %d after %d", l.line, last)
			}
			last = l.line
			if l.key == "" {
				if i != len(lines)-1 {
					t.Fatalf("an unreadable line is not the last")
				}
				continue
			}
			if l.value == "" || strings.TrimSpace(l.value) != l.value && strings.Trim(l.value, " \t\r") != l.value {
				t.Fatalf("bad value %q", l.value)
			}
			if strings.Count(l.key, "-") > 1 || strings.HasPrefix(l.key, "-") || strings.HasSuffix(l.key, "-") {
				t.Fatalf("bad key %q", l.key)
			}
		}
	})
}

// FuzzHerd7Args: herd7's command line never panics the parser; a result
// is options or an error, never both.
func FuzzHerd7Args(f *testing.F) {
	f.Add("-conf linux-kernel.cfg test.litmus")
	f.Add("-speedcheck fast -timeout 1.5 -j 2 a b")
	f.Add("-variant lkmmv2,T12 -skipchecks a,b -through all -show prop -nshow 3")
	f.Add("-foo")
	f.Add("-unroll")
	f.Fuzz(func(t *testing.T, line string) {
		o, err := parseHerd7Args("herd7", strings.Fields(line), io.Discard)
		if (o == nil) == (err == nil) {
			t.Fatalf("options %v and error %v", o, err)
		}
	})
}

// FuzzHerd7Hash: computing herd7's hash of any parsed test, however
// broken, never panics; a hash is 32 hex digits.
func FuzzHerd7Hash(f *testing.F) {
	f.Add([]byte("C SB\n{}\nP0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }\nexists (0:r0=0)\n"))
	f.Add([]byte("C a\n{ int x = 1; atomic_t y = ATOMIC_INIT(2); int *p = &x; }\nP0(int *x) { }\nlocations [x]\nexists (x=1)\n"))
	f.Add([]byte("BPF LockTwice\n{\n0:r0=x; 0:r1=1;\n}\n P0 ;\n lock *(u32 *)(r0+0) += r1 ;\nforall x=3\n"))
	f.Add([]byte("BPF j\n{}\n P0 ;\n L1: ;\n if r1 == 0 goto L1 ;\n r2 = xchg_64(r10 - 8, r2) ;\nexists (0:r2=0)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, _ := syntax.Parse("fuzz.litmus", src)
		h, ok := herd7Hash(file, src)
		if ok && len(h) != 32 && file.Meta == nil {
			t.Fatalf("hash %q", h)
		}
	})
}
