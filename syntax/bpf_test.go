package syntax

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bpfClauseRx matches a line that starts a final clause.
var bpfClauseRx = regexp.MustCompile(`(?m)^[ \t]*(~[ \t]*exists|exists|forall|filter|locations)\b`)

// bpfSection finds the program section of a BPF litmus test on its own,
// without the file-level parser: from the end of the init block to the
// first line starting a final clause, or EOF.
func bpfSection(t testing.TB, src []byte) Span {
	t.Helper()
	open := strings.IndexByte(string(src), '{')
	require.GreaterOrEqual(t, open, 0, "no init block")
	close := strings.IndexByte(string(src[open:]), '}')
	require.GreaterOrEqual(t, close, 0, "init block not closed")
	start := open + close + 1
	end := len(src)
	if loc := bpfClauseRx.FindIndex(src[start:]); loc != nil {
		end = start + loc[0]
	}
	return Span{start, end}
}

// bpfCorpus returns the paths of the BPF tests of the shared corpus.
func bpfCorpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "bpf", "*.litmus"))
	require.NoError(t, err)
	require.Len(t, files, 177)
	return files
}

// naiveBPFCounts counts the non-blank cells of each column with plain
// string operations, as an independent check of the parser.
func naiveBPFCounts(section string) []int {
	section = regexp.MustCompile(`(?s)\(\*.*?\*\)`).ReplaceAllString(section, "")
	var counts []int
	header := true
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = strings.TrimSuffix(line, ";")
		cells := strings.Split(strings.ReplaceAll(line, "|=", "\x00"), "|")
		if header {
			counts = make([]int, len(cells))
			header = false
			continue
		}
		for i, c := range cells {
			if strings.TrimSpace(c) != "" {
				counts[i]++
			}
		}
	}
	return counts
}

// clearBPFSpans returns deep copies of threads with every span zeroed, for
// comparing trees that came from different text.
func clearBPFSpans(threads []*Thread) []*Thread {
	op := func(o *Operand) *Operand {
		if o == nil {
			return nil
		}
		c := *o
		c.Span = Span{}
		return &c
	}
	var out []*Thread
	for _, th := range threads {
		c := &Thread{Name: th.Name, Index: th.Index}
		for _, in := range th.Instrs {
			ci := *in
			ci.Span = Span{}
			ci.Dst, ci.Src, ci.Cmp = op(in.Dst), op(in.Src), op(in.Cmp)
			if in.Mem != nil {
				m := *in.Mem
				m.Span = Span{}
				ci.Mem = &m
			}
			c.Instrs = append(c.Instrs, &ci)
		}
		out = append(out, c)
	}
	return out
}

// parseBPFText parses a whole string as a program section.
func parseBPFText(src string) ([]*Thread, ErrorList) {
	var errs ErrorList
	threads := parseBPFProgram([]byte(src), Span{0, len(src)}, &errs)
	errs.Sort()
	return threads, errs
}

func printBPF(threads []*Thread) string {
	var b strings.Builder
	printBPFProgram(&b, threads)
	return b.String()
}

func TestBPFCorpus(t *testing.T) {
	total := 0
	for _, path := range bpfCorpus(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		name := filepath.Base(path)
		sec := bpfSection(t, src)
		var errs ErrorList
		threads := parseBPFProgram(src, sec, &errs)
		if !assert.Empty(t, errs, "%s:\n%s", name, errs.Format(NewLines(name, src))) {
			continue
		}
		counts := make([]int, len(threads))
		for i, th := range threads {
			assert.Equal(t, i, th.Index, name)
			assert.Equal(t, fmt.Sprintf("P%d", i), th.Name, name)
			assert.Equal(t, th.Name, string(src[th.NameSpan.Start:th.NameSpan.End]), name)
			counts[i] = len(th.Instrs)
			total += len(th.Instrs)
			for _, in := range th.Instrs {
				assert.NotEqual(t, InstrBad, in.Kind, name)
				assert.True(t, th.Span.Start <= in.Span.Start && in.Span.End <= th.Span.End, "%s: instruction outside its thread", name)
			}
		}
		assert.Equal(t, naiveBPFCounts(string(src[sec.Start:sec.End])), counts, name)
	}
	// Counted separately with awk over the non-blank cells of the corpus.
	assert.Equal(t, 2054, total)
}

// TestBPFCorpusKnown pins the columns of a few tests, counted by hand.
func TestBPFCorpusKnown(t *testing.T) {
	cases := map[string][]int{
		"2+2W+release+fence.litmus":             {4, 5},
		"MP+poonceonces.litmus":                 {2, 2},
		"C-LB-GRR+OB-OB-BPF.litmus":             {3, 3, 3},
		"LB+fcas-ctrl-once+once-scas.litmus":    {4, 2},
		"MP+pooncerelease+poacquireonce.litmus": {2, 2},
	}
	dir := filepath.Join(sharedDir(t), "corpus", "bpf")
	for name, want := range cases {
		src, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		var errs ErrorList
		threads := parseBPFProgram(src, bpfSection(t, src), &errs)
		require.Empty(t, errs, name)
		var got []int
		for _, th := range threads {
			got = append(got, len(th.Instrs))
		}
		assert.Equal(t, want, got, name)
	}
}

func TestBPFInstrForms(t *testing.T) {
	reg := func(n int) *Operand { return &Operand{IsReg: true, Reg: n} }
	imm := func(v int64) *Operand { return &Operand{Imm: v} }
	mem := func(size, base int, off int64) *MemRef { return &MemRef{Size: size, Base: base, Off: off} }
	cases := []struct {
		cell  string
		want  Instr
		print string // canonical form; "" when the cell is already canonical
	}{
		{"r0 = r5", Instr{Kind: InstrMov, Dst: reg(0), Src: reg(5)}, ""},
		{"r3 = 40", Instr{Kind: InstrMov, Dst: reg(3), Src: imm(40)}, ""},
		{"r3 = -7", Instr{Kind: InstrMov, Dst: reg(3), Src: imm(-7)}, ""},
		{"r0 += r1", Instr{Kind: InstrALU, Dst: reg(0), Op: "+", Src: reg(1)}, ""},
		{"r2 -= r3", Instr{Kind: InstrALU, Dst: reg(2), Op: "-", Src: reg(3)}, ""},
		{"r3 *= r5", Instr{Kind: InstrALU, Dst: reg(3), Op: "*", Src: reg(5)}, ""},
		{"r2 /= -2", Instr{Kind: InstrALU, Dst: reg(2), Op: "/", Src: imm(-2)}, ""},
		{"r4 %= 3", Instr{Kind: InstrALU, Dst: reg(4), Op: "%", Src: imm(3)}, ""},
		{"r8 &= r7", Instr{Kind: InstrALU, Dst: reg(8), Op: "&", Src: reg(7)}, ""},
		{"r1 |= r6", Instr{Kind: InstrALU, Dst: reg(1), Op: "|", Src: reg(6)}, ""},
		{"r4 ^= r4", Instr{Kind: InstrALU, Dst: reg(4), Op: "^", Src: reg(4)}, ""},
		{"r4 <<= r5", Instr{Kind: InstrALU, Dst: reg(4), Op: "<<", Src: reg(5)}, ""},
		{"r3 >>= 4", Instr{Kind: InstrALU, Dst: reg(3), Op: ">>", Src: imm(4)}, ""},
		{"r3 s>>= r4", Instr{Kind: InstrALU, Dst: reg(3), Op: "s>>", Src: reg(4)}, ""},
		{"r0 = *(u8 *)(r0 + 10)", Instr{Kind: InstrLoad, Dst: reg(0), Mem: mem(8, 0, 10)}, ""},
		{"r2 = *(u16 *)(r4 - 3)", Instr{Kind: InstrLoad, Dst: reg(2), Mem: mem(16, 4, -3)}, ""},
		{"r1= *(u32* )(r10+64)", Instr{Kind: InstrLoad, Dst: reg(1), Mem: mem(32, 10, 64)}, "r1 = *(u32 *)(r10 + 64)"},
		{"*(u64 *)(r6 - 34) = r5", Instr{Kind: InstrStore, Mem: mem(64, 6, -34), Src: reg(5)}, ""},
		{"*(u16 *)(r4 + 0) = -32", Instr{Kind: InstrStore, Mem: mem(16, 4, 0), Src: imm(-32)}, ""},
		{"lock *(u32 *)(r2+0) += r1", Instr{Kind: InstrAtomic, Mem: mem(32, 2, 0), Op: "+", Src: reg(1)}, "lock *(u32 *)(r2 + 0) += r1"},
		{"lock *(u64 *)(r2 + 8) ^= r1", Instr{Kind: InstrAtomic, Mem: mem(64, 2, 8), Op: "^", Src: reg(1)}, ""},
		{"r5 = atomic_fetch_add((u32 *)(r6 + 0), r5)", Instr{Kind: InstrAtomicFetch, Dst: reg(5), Op: "add", Mnemon: "atomic_fetch_add", Mem: mem(32, 6, 0), Src: reg(5)}, ""},
		{"r5 = atomic_fetch_xor ((u64*)(r6 + 0), r5)", Instr{Kind: InstrAtomicFetch, Dst: reg(5), Op: "xor", Mnemon: "atomic_fetch_xor", Mem: mem(64, 6, 0), Src: reg(5)}, "r5 = atomic_fetch_xor((u64 *)(r6 + 0), r5)"},
		{"r2 = xchg_64(r1 + 0, r2)", Instr{Kind: InstrXchg, Dst: reg(2), Mnemon: "xchg_64", Mem: &MemRef{Base: 1}, Src: reg(2)}, ""},
		{"r2 = xchg_32_32 (r1 - 4, r3)", Instr{Kind: InstrXchg, Dst: reg(2), Mnemon: "xchg_32_32", Mem: &MemRef{Base: 1, Off: -4}, Src: reg(3)}, "r2 = xchg_32_32(r1 - 4, r3)"},
		{"r0 = cmpxchg_64 (r1 + 0, r0, r2)", Instr{Kind: InstrCmpxchg, Dst: reg(0), Mnemon: "cmpxchg_64", Mem: &MemRef{Base: 1}, Cmp: reg(0), Src: reg(2)}, "r0 = cmpxchg_64(r1 + 0, r0, r2)"},
		{"r0 = cmpxchg32_32(r1 + 0, r0, r2)", Instr{Kind: InstrCmpxchg, Dst: reg(0), Mnemon: "cmpxchg32_32", Mem: &MemRef{Base: 1}, Cmp: reg(0), Src: reg(2)}, ""},
		{"r1 = load_acquire((u32 *)(r2 + 0))", Instr{Kind: InstrLoadAcquire, Dst: reg(1), Mem: mem(32, 2, 0)}, ""},
		{"store_release((u64 *)(r4 + 0), r3)", Instr{Kind: InstrStoreRelease, Mem: mem(64, 4, 0), Src: reg(3)}, ""},
		{"EXIT1:", Instr{Kind: InstrLabel, Label: "EXIT1"}, ""},
		{"r1 = +5", Instr{Kind: InstrMov, Dst: reg(1), Src: imm(5)}, "r1 = 5"},
		{"r1 = *(u32 *)(r2 - 9223372036854775808)", Instr{Kind: InstrLoad, Dst: reg(1), Mem: mem(32, 2, -9223372036854775808)}, ""},
		{"r1 = *(u32 *)(r2 7)", Instr{Kind: InstrLoad, Dst: reg(1), Mem: mem(32, 2, 7)}, "r1 = *(u32 *)(r2 + 7)"},
		{"goto EXIT", Instr{Kind: InstrGoto, Label: "EXIT"}, ""},
		{"if r6 >= 10 goto EXIT", Instr{Kind: InstrCondJump, Dst: reg(6), Op: ">=", Src: imm(10), Label: "EXIT"}, ""},
		{"if r1 == r2 goto L_1", Instr{Kind: InstrCondJump, Dst: reg(1), Op: "==", Src: reg(2), Label: "L_1"}, ""},
		{"if r1 != 0 goto L", Instr{Kind: InstrCondJump, Dst: reg(1), Op: "!=", Src: imm(0), Label: "L"}, ""},
		{"if r1 < r2 goto L", Instr{Kind: InstrCondJump, Dst: reg(1), Op: "<", Src: reg(2), Label: "L"}, ""},
	}
	for _, c := range cases {
		t.Run(c.cell, func(t *testing.T) {
			src := " P0 ;\n " + c.cell + " ;\n"
			threads, errs := parseBPFText(src)
			require.Empty(t, errs)
			require.Len(t, threads, 1)
			require.Len(t, threads[0].Instrs, 1)
			in := threads[0].Instrs[0]
			assert.Equal(t, c.cell, src[in.Span.Start:in.Span.End])
			got := clearBPFSpans(threads)[0].Instrs[0]
			assert.Equal(t, c.want, *got)
			want := c.print
			if want == "" {
				want = c.cell
			}
			assert.Equal(t, want, formatBPFInstr(in))
		})
	}
}

func TestBPFRoundTrip(t *testing.T) {
	for _, path := range bpfCorpus(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		name := filepath.Base(path)
		var errs ErrorList
		threads := parseBPFProgram(src, bpfSection(t, src), &errs)
		require.Empty(t, errs, name)
		printed := printBPF(threads)
		again, errs := parseBPFText(printed)
		require.Empty(t, errs, "%s: printed:\n%s", name, printed)
		assert.Equal(t, clearBPFSpans(threads), clearBPFSpans(again), name)
		assert.Equal(t, printed, printBPF(again), "%s: printing is not stable", name)
	}
}

func TestBPFPrintLayout(t *testing.T) {
	threads, errs := parseBPFText("P0|P1;\nr1 = 1|r2 = *(u32 *)(r1 + 0);\n|EXIT:;\n")
	require.Empty(t, errs)
	want := "" +
		" P0     | P1                    ;\n" +
		" r1 = 1 | r2 = *(u32 *)(r1 + 0) ;\n" +
		"        | EXIT:                 ;\n"
	assert.Equal(t, want, printBPF(threads))
	assert.Empty(t, printBPF(nil))
}

func TestBPFSpans(t *testing.T) {
	src := "(* note *)\n P0          | P1 ;\n r1 = 1      |    ;\n             | r3 = r1 ;\n"
	threads, errs := parseBPFText(src)
	require.Empty(t, errs)
	require.Len(t, threads, 2)
	text := func(s Span) string { return src[s.Start:s.End] }
	assert.Equal(t, "P0", text(threads[0].NameSpan))
	assert.Equal(t, "P1", text(threads[1].NameSpan))
	assert.Equal(t, "P0          | P1 ;\n r1 = 1", text(threads[0].Span))
	assert.Equal(t, "P1 ;\n r1 = 1      |    ;\n             | r3 = r1", text(threads[1].Span))
	in := threads[1].Instrs[0]
	assert.Equal(t, "r3", text(in.Dst.Span))
	assert.Equal(t, "r1", text(in.Src.Span))
}

func TestBPFErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // "line:col: message", sorted
		// counts of instructions per thread after recovery
		counts []int
	}{
		{"unknown instruction", " P0 ;\n r1 = 1 ;\n nop ;\n r2 = 2 ;\n",
			[]string{`3:2: unknown instruction "nop"`}, []int{3}},
		{"unknown function", " P0 ;\n r1 = foo((u32 *)(r2 + 0)) ;\n",
			[]string{`2:7: unknown instruction "foo"`}, []int{1}},
		{"bad register", " P0 ;\n r11 = 1 ;\n",
			[]string{`2:2: bad register "r11" (want r0 to r10)`}, []int{1}},
		{"bad source register", " P0 | P1 ;\n r1 = 1 | r2 = *(u32 *)(rx + 0) ;\n",
			[]string{`2:25: bad register "rx" (want r0 to r10)`}, []int{1, 1}},
		{"wrong column count", " P0 | P1 | P2 ;\n r1 = 1 | r2 = 2 ;\n r1 = 1 | r2 = 2 | r3 = 3 ;\n",
			[]string{`2:2: expected 3 columns, found 2`}, []int{1, 1, 1}},
		{"missing semicolon", " P0 | P1 ;\n r1 = 1 | r2 = 2\n r3 = 3 | r4 = 4 ;\n",
			[]string{`2:17: missing ';' at end of row`}, []int{2, 2}},
		{"header out of order", " P0 | P2 ;\n r1 = 1 | r2 = 2 ;\n",
			[]string{`1:7: expected thread name P1, found "P2"`}, []int{1, 1}},
		{"header not a name", " P0 | foo ;\n",
			[]string{`1:7: expected thread name P1, found "foo"`}, []int{0, 0}},
		{"empty header cell", " P0 |  ;\n",
			[]string{`1:6: expected thread name P1, found empty cell`}, []int{0, 0}},
		{"no header", "(* nothing *)\n",
			[]string{`2:1: expected thread header row (P0 | P1 ... ;)`}, nil},
		{"bad size", " P0 ;\n r1 = *(u12 *)(r2 + 0) ;\n",
			[]string{`2:9: bad access size "u12" (want u8, u16, u32 or u64)`}, []int{1}},
		{"missing paren", " P0 ;\n r1 = *(u32 *)(r2 + 0 ;\n",
			[]string{`2:22: expected ")" at end of instruction`}, []int{1}},
		{"trailing junk", " P0 ;\n r1 = r2 r3 ;\n",
			[]string{`2:10: expected end of instruction, found "r3"`}, []int{1}},
		{"bad character", " P0 ;\n r1 = $ ;\n",
			[]string{`2:7: unexpected character "$"`}, []int{1}},
		{"bad comparison", " P0 ;\n if r1 > 2 goto L ;\n",
			[]string{`2:8: unexpected character ">"`}, []int{1}},
		{"bad lock operator", " P0 ;\n lock *(u32 *)(r1 + 0) -= r2 ;\n",
			[]string{`2:24: expected atomic operator (+=, &=, |= or ^=), found "-="`}, []int{1}},
		{"offset out of range", " P0 ;\n r1 = *(u32 *)(r2 + 99999999999999999999) ;\n",
			[]string{`2:19: number 99999999999999999999 out of range`}, []int{1}},
		{"unterminated comment", " P0 ;\n r1 = 1 ; (* oops\n",
			[]string{`2:11: comment not terminated`}, []int{1}},
		{"missing offset", " P0 ;\n r1 = *(u32 *)(r2) ;\n",
			[]string{`2:18: expected offset (+ N or - N), found ")"`}, []int{1}},
		{"double sign", " P0 ;\n r1 = *(u32 *)(r2 + -4) ;\n",
			[]string{`2:21: expected offset (+ N or - N), found "-"`}, []int{1}},
		{"bad instruction after label", " P0 ;\n L: r1 = ;\n",
			[]string{`2:9: expected register, number or load at end of instruction`}, []int{2}},
		{"unknown word", " P0 ;\n ret ;\n",
			[]string{`2:2: unknown instruction "ret"`}, []int{1}},
		{"bad destination name", " P0 ;\n rx += 1 ;\n",
			[]string{`2:2: bad register "rx" (want r0 to r10)`}, []int{1}},
		{"bad source name", " P0 ;\n r1 = x ;\n",
			[]string{`2:7: bad register "x" (want r0 to r10)`}, []int{1}},
		{"leading junk", " P0 ;\n # r1 = 1 ;\n",
			[]string{`2:2: unexpected character "#"`}, []int{1}},
		{"goto without label", " P0 ;\n goto ;\n",
			[]string{`2:6: expected label at end of instruction`}, []int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			threads, errs := parseBPFText(c.src)
			lines := NewLines("", []byte(c.src))
			var got []string
			for _, e := range errs {
				got = append(got, lines.Position(e.Span.Start).String()+": "+e.Msg)
				assert.True(t, 0 <= e.Span.Start && e.Span.Start <= e.Span.End && e.Span.End <= len(c.src))
			}
			assert.Equal(t, c.want, got)
			var counts []int
			for _, th := range threads {
				counts = append(counts, len(th.Instrs))
			}
			assert.Equal(t, c.counts, counts)
		})
	}
}

// TestBPFLabelPrefix checks "L: instr" in one cell, which herd7 accepts:
// it gives a label and an instruction, printed on two rows.
func TestBPFLabelPrefix(t *testing.T) {
	src := " P0 | P1 ;\n L1: L2: r1 = 1 | r2 = 2 ;\n"
	threads, errs := parseBPFText(src)
	require.Empty(t, errs)
	got := threads[0].Instrs
	require.Len(t, got, 3)
	text := func(s Span) string { return src[s.Start:s.End] }
	assert.Equal(t, "L1:", text(got[0].Span))
	assert.Equal(t, "L2:", text(got[1].Span))
	assert.Equal(t, "r1 = 1", text(got[2].Span))
	assert.Equal(t, []InstrKind{InstrLabel, InstrLabel, InstrMov}, []InstrKind{got[0].Kind, got[1].Kind, got[2].Kind})
	printed := printBPF(threads)
	assert.Equal(t, " P0     | P1     ;\n L1:    | r2 = 2 ;\n L2:    |        ;\n r1 = 1 |        ;\n", printed)
	again, errs := parseBPFText(printed)
	require.Empty(t, errs)
	assert.Equal(t, clearBPFSpans(threads), clearBPFSpans(again))
}

// TestBPFBadInstrSpan checks that a bad cell keeps its text and span, so the
// printer can write it back and an editor can underline it.
func TestBPFBadInstrSpan(t *testing.T) {
	src := " P0 ;\n r1 = nope(r2) ;\n"
	threads, errs := parseBPFText(src)
	require.Len(t, errs, 1)
	in := threads[0].Instrs[0]
	assert.Equal(t, InstrBad, in.Kind)
	assert.Equal(t, "r1 = nope(r2)", src[in.Span.Start:in.Span.End])
	assert.Equal(t, "r1 = nope(r2)", formatBPFInstr(in))
}

// TestBPFSubSpan checks that only the given span is read and that offsets
// are absolute.
func TestBPFSubSpan(t *testing.T) {
	src := "garbage | here ;\n P0 ;\n r1 = 1 ;\nexists (0:r1=1)\n"
	start := strings.Index(src, " P0")
	end := strings.Index(src, "exists")
	var errs ErrorList
	threads := parseBPFProgram([]byte(src), Span{start, end}, &errs)
	require.Empty(t, errs)
	require.Len(t, threads, 1)
	assert.Equal(t, "r1 = 1", src[threads[0].Instrs[0].Span.Start:threads[0].Instrs[0].Span.End])
	// Spans outside the source are clamped rather than trusted.
	errs = nil
	assert.NotPanics(t, func() { parseBPFProgram([]byte(src), Span{-5, 1 << 20}, &errs) })
}

func FuzzParseBPF(f *testing.F) {
	for _, path := range bpfCorpus(f)[:20] {
		src, err := os.ReadFile(path)
		require.NoError(f, err)
		sec := bpfSection(f, src)
		f.Add(string(src[sec.Start:sec.End]))
	}
	f.Fuzz(func(t *testing.T, src string) {
		threads, errs := parseBPFText(src)
		for _, e := range errs {
			if e.Span.Start < 0 || e.Span.Start > e.Span.End || e.Span.End > len(src) {
				t.Fatalf("error span %v outside [0,%d]: %s", e.Span, len(src), e.Msg)
			}
		}
		for _, th := range threads {
			for _, in := range th.Instrs {
				if in.Span.Start < 0 || in.Span.End > len(src) || in.Span.Len() == 0 {
					t.Fatalf("instruction span %v outside [0,%d]", in.Span, len(src))
				}
			}
		}
		if len(errs) > 0 {
			printBPF(threads) // must not panic on bad trees either
			return
		}
		printed := printBPF(threads)
		again, errs := parseBPFText(printed)
		if len(errs) > 0 {
			t.Fatalf("printed program does not parse: %v\n%s", errs, printed)
		}
		if !assert.ObjectsAreEqual(clearBPFSpans(threads), clearBPFSpans(again)) {
			t.Fatalf("round trip changed the program:\n%q\nprinted:\n%s", src, printed)
		}
	})
}

func BenchmarkParseBPF(b *testing.B) {
	var srcs [][]byte
	var spans []Span
	size := 0
	for _, path := range bpfCorpus(b) {
		src, err := os.ReadFile(path)
		require.NoError(b, err)
		srcs = append(srcs, src)
		spans = append(spans, bpfSection(b, src))
		size += spans[len(spans)-1].Len()
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for i, src := range srcs {
			var errs ErrorList
			parseBPFProgram(src, spans[i], &errs)
		}
	}
}

// TestBPFThroughParse checks the file-level parser hands the right section
// to the column parser, and that Print writes programs that read back the
// same.
func TestBPFThroughParse(t *testing.T) {
	for _, path := range bpfCorpus(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		name := filepath.Base(path)
		f, errs := Parse(name, src)
		require.NotNil(t, f)
		if !assert.Empty(t, errs, "%s:\n%s", name, errs.Format(NewLines(name, src))) {
			continue
		}
		assert.Equal(t, DialectBPF, f.Dialect, name)
		var direct ErrorList
		want := parseBPFProgram(src, bpfSection(t, src), &direct)
		require.Empty(t, direct, name)
		assert.Equal(t, clearBPFSpans(want), clearBPFSpans(f.Threads), name)

		printed := Print(f)
		g, errs := Parse(name, printed)
		if !assert.Empty(t, errs, "%s: printed file:\n%s", name, printed) {
			continue
		}
		assert.Equal(t, clearBPFSpans(f.Threads), clearBPFSpans(g.Threads), "%s: printed file:\n%s", name, printed)
	}
}

// TestBPFErrorsThroughParse checks that column errors come out of Parse with
// file positions.
func TestBPFErrorsThroughParse(t *testing.T) {
	src := "BPF bad\n{\n 0:r1=x;\n}\n P0 | P1 ;\n r2 = 1 | r12 = 3 ;\n r3 = 2 ;\nexists (0:r2=1)\n"
	f, errs := Parse("bad.litmus", []byte(src))
	require.NotNil(t, f)
	var got []string
	lines := NewLines("bad.litmus", []byte(src))
	for _, e := range errs {
		got = append(got, lines.Position(e.Span.Start).String()+": "+e.Msg)
	}
	assert.Equal(t, []string{
		`bad.litmus:6:11: bad register "r12" (want r0 to r10)`,
		`bad.litmus:7:2: expected 2 columns, found 1`,
	}, got)
	require.Len(t, f.Threads, 2)
	assert.Len(t, f.Threads[0].Instrs, 1)
	assert.Equal(t, InstrBad, f.Threads[1].Instrs[0].Kind)
	require.NotNil(t, f.Cond)
}
