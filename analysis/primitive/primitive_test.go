package primitive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestPrimitiveTableCoversParser checks that every primitive the parser
// accepts is documented, consistently with the parser's arity and result,
// and that nothing else is.
func TestPrimitiveTableCoversParser(t *testing.T) {
	for name, p := range syntax.Primitives {
		d, ok := Lookup(name)
		if !assert.True(t, ok, "%s is not documented", name) {
			continue
		}
		assert.Equal(t, name, d.Name)
		assert.Len(t, d.Params, p.Arity, "%s: parameters", name)
		assert.Equal(t, p.Returns, d.Result != "", "%s: result", name)
		assert.Equal(t, p.Summary, d.Summary, name)
		assert.NotEmpty(t, d.Meaning, name)
		assert.NotEmpty(t, d.Events, name)
		for _, a := range Archs {
			assert.NotEmpty(t, d.Lower[a].Cost, "%s on %s: cost", name, a)
		}
	}
	for _, name := range Names() {
		_, ok := syntax.Primitives[name]
		assert.True(t, ok, "%s is documented but the parser does not know it", name)
	}
}

func TestPrimitiveMarkdown(t *testing.T) {
	d, ok := Lookup("smp_load_acquire")
	require.True(t, ok)
	md := d.Markdown(nil)
	assert.Contains(t, md, "r = smp_load_acquire(x)")
	assert.Contains(t, md, "`R[acquire]`")
	for _, want := range []string{"| x86-64 | `mov` |", "| powerpc64 | `ld` ; `lwsync` |", "| arm64 | `ldar` |", "| riscv64 | `ld` ; `fence r,rw` |"} {
		assert.Contains(t, md, want)
	}

	// Only the architectures asked for.
	md = d.Markdown([]Arch{ARM64})
	assert.Contains(t, md, "| arm64 |")
	assert.NotContains(t, md, "powerpc64")

	// A barrier with no instruction says so; a code cell keeps prose outside
	// the code span.
	d, _ = Lookup("smp_rmb")
	assert.Contains(t, d.Markdown(nil), "| x86-64 | (nothing) |")
	d, _ = Lookup("atomic_fetch_add")
	assert.Contains(t, d.Markdown(nil), "`ldaddal` (LL/SC: ldxr ; add ; stlxr ; cbnz ; dmb ish)")
	assert.Equal(t, "atomic_fetch_add(${1:i}, ${2:v})", d.Snippet())
	d, _ = Lookup("READ_ONCE")
	assert.Equal(t, "READ_ONCE(${1:*x})", d.Snippet())
	assert.Equal(t, "r = READ_ONCE(*x)", d.Signature())
}

// TestPrimitiveFamilies spot-checks the generated families against what
// the kernel emits.
func TestPrimitiveFamilies(t *testing.T) {
	tests := []struct {
		name string
		arch Arch
		code string
	}{
		{"atomic_inc", ARM64, "stadd"},
		{"atomic_inc", X86_64, "lock inc"},
		{"atomic_fetch_or_acquire", ARM64, "ldseta"},
		{"atomic_fetch_and", X86_64, "lock cmpxchg"},
		{"atomic_add_return_release", RISCV64, "fence rw,w ; amoadd.w"},
		{"atomic_sub_return_relaxed", PowerPC64, "lwarx ; subf ; stwcx. ; bne-"},
		{"xchg", RISCV64, "amoswap.d.aqrl"},
		{"atomic_xchg_acquire", ARM64, "swpa"},
		{"cmpxchg_release", PowerPC64, "lwsync ; ldarx"},
		{"atomic_cmpxchg", ARM64, "casal"},
		{"atomic_dec_and_test", X86_64, "lock dec ; sete"},
		{"atomic_add_negative_relaxed", RISCV64, "amoadd.w ; (test the sign"},
		{"lock", X86_64, "lock cmpxchg"},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.name)
		require.True(t, ok, tt.name)
		assert.Contains(t, d.Lower[tt.arch].Code, tt.code, "%s on %s", tt.name, tt.arch)
	}
	d, _ := Lookup("atomic_fetch_add_acquire")
	assert.Equal(t, "R[acquire] ->rmw W[once]", d.Events)
	d, _ = Lookup("atomic_andnot")
	assert.Equal(t, "R[noreturn] ->rmw W[once]", d.Events)
}

func TestParseArch(t *testing.T) {
	for _, a := range Archs {
		got, err := ParseArch(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for s, want := range map[string]Arch{"aarch64": ARM64, "PPC64LE": PowerPC64, "amd64": X86_64, "rv64": RISCV64} {
		got, err := ParseArch(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	_, err := ParseArch("sparc")
	assert.Error(t, err)
}

func TestBPFInstruction(t *testing.T) {
	src := "BPF t\n{\n0:r1=x;\n}\n P0 ;\n r0 = load_acquire((u32 *)(r1 + 0)) ;\n r2 = atomic_fetch_and((u32 *)(r1 + 0), r2) ;\n lock *(u32 *)(r1 + 0) += r2 ;\n r3 = 1 ;\nexists (0:r0=0)\n"
	f, errs := syntax.Parse("t.litmus", []byte(src))
	require.Empty(t, errs)
	require.Len(t, f.Threads, 1)
	ins := f.Threads[0].Instrs
	require.Len(t, ins, 4)

	d, ok := BPFInstruction(ins[0])
	require.True(t, ok)
	assert.Equal(t, "ldar", d.Lower[ARM64].Code)
	d, ok = BPFInstruction(ins[1])
	require.True(t, ok)
	assert.Contains(t, d.Lower[ARM64].Code, "mvn ; ldclral")
	assert.Contains(t, d.Lower[X86_64].Code, "lock cmpxchg")
	d, ok = BPFInstruction(ins[2])
	require.True(t, ok)
	assert.Equal(t, "amoadd.w zero", d.Lower[RISCV64].Code)
	_, ok = BPFInstruction(ins[3])
	assert.False(t, ok, "a move touches no memory")
}

// TestPrimitiveDocsInOwnWords makes sure no run of eight words of the
// project's reference notes was copied into the documentation.
func TestPrimitiveDocsInOwnWords(t *testing.T) {
	facts := filepath.Join("..", "..", "..", "shared", "facts")
	windows := map[string]string{}
	for _, name := range []string{"lowering.md", "bpf-lowering.md", "bpf-to-lkmm.md"} {
		data, err := os.ReadFile(filepath.Join(facts, name))
		require.NoError(t, err, "the reference notes in ../shared/facts")
		words := strings.Fields(normalizeWords(string(data)))
		for i := 0; i+8 <= len(words); i++ {
			windows[strings.Join(words[i:i+8], " ")] = name
		}
	}
	check := func(what, text string) {
		words := strings.Fields(normalizeWords(text))
		for i := 0; i+8 <= len(words); i++ {
			w := strings.Join(words[i:i+8], " ")
			if src, ok := windows[w]; ok {
				t.Errorf("%s copies %q from %s", what, w, src)
			}
		}
	}
	for _, name := range Names() {
		d, _ := Lookup(name)
		check(name, d.Meaning)
		for _, a := range Archs {
			check(name+" cost", d.Lower[a].Cost)
		}
	}
}

// normalizeWords lowers s and turns everything but letters and digits
// into spaces.
func normalizeWords(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return ' '
	}, s)
}
