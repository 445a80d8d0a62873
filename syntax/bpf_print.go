package syntax

import (
	"strconv"
	"strings"
)

// printBPFProgram writes threads in the canonical column layout: a header
// row " P0 | P1 ;", then one row per instruction index, every cell padded so
// the '|' separators line up and each row ends in " ;". A thread with fewer
// instructions gets blank cells.
func printBPFProgram(b *strings.Builder, threads []*Thread) {
	if len(threads) == 0 {
		return
	}
	rows := 1
	for _, th := range threads {
		rows = max(rows, 1+len(th.Instrs))
	}
	cells := make([][]string, len(threads))
	widths := make([]int, len(threads))
	for i, th := range threads {
		col := make([]string, rows)
		col[0] = th.Name
		for j, in := range th.Instrs {
			col[1+j] = formatBPFInstr(in)
		}
		for _, c := range col {
			widths[i] = max(widths[i], len(c))
		}
		cells[i] = col
	}
	for r := range rows {
		for i := range threads {
			if i > 0 {
				b.WriteString(" |")
			}
			b.WriteByte(' ')
			c := cells[i][r]
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-len(c)))
		}
		b.WriteString(" ;\n")
	}
}

// formatBPFInstr writes one instruction as herd7 reads it.
func formatBPFInstr(in *Instr) string {
	var b strings.Builder
	switch in.Kind {
	case InstrBad:
		// Keep what was written; a ';' or '|' in it would break the row.
		return strings.NewReplacer(";", " ", "|", " ").Replace(in.Mnemon)
	case InstrMov:
		b.WriteString(formatBPFOperand(in.Dst) + " = " + formatBPFOperand(in.Src))
	case InstrALU:
		b.WriteString(formatBPFOperand(in.Dst) + " " + in.Op + "= " + formatBPFOperand(in.Src))
	case InstrLoad:
		b.WriteString(formatBPFOperand(in.Dst) + " = *" + formatBPFTypedMem(in.Mem))
	case InstrStore:
		b.WriteString("*" + formatBPFTypedMem(in.Mem) + " = " + formatBPFOperand(in.Src))
	case InstrLoadAcquire:
		b.WriteString(formatBPFOperand(in.Dst) + " = load_acquire(" + formatBPFTypedMem(in.Mem) + ")")
	case InstrStoreRelease:
		b.WriteString("store_release(" + formatBPFTypedMem(in.Mem) + ", " + formatBPFOperand(in.Src) + ")")
	case InstrAtomic:
		b.WriteString("lock *" + formatBPFTypedMem(in.Mem) + " " + in.Op + "= " + formatBPFOperand(in.Src))
	case InstrAtomicFetch:
		name := in.Mnemon
		if name == "" {
			name = "atomic_fetch_" + in.Op
		}
		b.WriteString(formatBPFOperand(in.Dst) + " = " + name + "(" + formatBPFTypedMem(in.Mem) + ", " + formatBPFOperand(in.Src) + ")")
	case InstrXchg:
		b.WriteString(formatBPFOperand(in.Dst) + " = " + in.Mnemon + "(" + formatBPFAddr(in.Mem) + ", " + formatBPFOperand(in.Src) + ")")
	case InstrCmpxchg:
		b.WriteString(formatBPFOperand(in.Dst) + " = " + in.Mnemon + "(" + formatBPFAddr(in.Mem) + ", " + formatBPFOperand(in.Cmp) + ", " + formatBPFOperand(in.Src) + ")")
	case InstrGoto:
		b.WriteString("goto " + in.Label)
	case InstrCondJump:
		b.WriteString("if " + formatBPFOperand(in.Dst) + " " + in.Op + " " + formatBPFOperand(in.Src) + " goto " + in.Label)
	case InstrLabel:
		b.WriteString(in.Label + ":")
	}
	return b.String()
}

func formatBPFOperand(o *Operand) string {
	switch {
	case o == nil:
		return "?"
	case o.IsReg:
		return "r" + strconv.Itoa(o.Reg)
	}
	return strconv.FormatInt(o.Imm, 10)
}

// formatBPFAddr writes "rB + off" ("rB - off" for a negative offset).
func formatBPFAddr(m *MemRef) string {
	if m == nil {
		return "?"
	}
	if m.Off < 0 {
		// uint64(-Off) is right for MinInt64 too.
		return "r" + strconv.Itoa(m.Base) + " - " + strconv.FormatUint(uint64(-m.Off), 10)
	}
	return "r" + strconv.Itoa(m.Base) + " + " + strconv.FormatInt(m.Off, 10)
}

// formatBPFTypedMem writes "(uN *)(rB + off)".
func formatBPFTypedMem(m *MemRef) string {
	if m == nil {
		return "?"
	}
	return "(u" + strconv.Itoa(m.Size) + " *)(" + formatBPFAddr(m) + ")"
}
