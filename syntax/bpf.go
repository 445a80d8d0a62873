package syntax

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// This file reads the program section of a BPF litmus test: columns of BPF
// assembly, one per thread, in the form herd7 accepts:
//
//	 P0                  | P1                    ;
//	 r1 = 1              | r3 = *(u32 *)(r1 + 0) ;
//	 *(u32 *)(r2 + 0) = 1 |                       ;
//
// The section is line oriented: each row ends with ';', cells are separated
// by '|' (but not the '|' of "|="), blank cells are allowed, and (* *)
// comments are ignored. The first row names the threads P0, P1, ... in
// order. Each cell holds at most one instruction, possibly after labels
// ("L: r1 = 1"). Unlike herd7, which reads the section as one token stream,
// a row may not span lines: a line whose last row lacks ';' is reported.

// bpfMaxReg is the highest BPF register number (r10 is the frame pointer).
const bpfMaxReg = 10

// parseBPFProgram reads the program section span of src and returns its
// threads, reporting problems into errs. It never panics; rows it cannot
// read are skipped after an error.
func parseBPFProgram(src []byte, span Span, errs *ErrorList) []*Thread {
	span.Start = max(0, min(span.Start, len(src)))
	span.End = max(span.Start, min(span.End, len(src)))
	text := maskBPFComments(src, span, errs)

	str := string(text) // token texts share it
	var buf []bpfTok
	var threads []*Thread
	header := true
	for _, row := range bpfRows(text, span, errs) {
		cells := splitBPFCells(text, row)
		if header {
			header = false
			threads = parseBPFHeader(text, cells, errs)
			continue
		}
		if len(cells) != len(threads) {
			errs.Add(row, "expected %d column%s, found %d", len(threads), bpfPlural(len(threads)), len(cells))
			continue
		}
		for i, c := range cells {
			c = trimSpan(text, c)
			if c.Len() == 0 {
				continue
			}
			th := threads[i]
			th.Instrs = append(th.Instrs, parseBPFCell(str, c, &buf, errs)...)
			th.Span = th.Span.Join(c)
		}
	}
	if header {
		errs.Add(Span{span.End, span.End}, "expected thread header row (P0 | P1 ... ;)")
	}
	return threads
}

// maskBPFComments returns a copy of src in which the bytes of every (* *)
// comment inside span (nested ones included) are spaces, newlines kept, so
// offsets stay valid and comments never reach the row splitter.
func maskBPFComments(src []byte, span Span, errs *ErrorList) []byte {
	if !bytes.Contains(src[span.Start:span.End], []byte("(*")) {
		return src // nothing to mask: share src, which is only read
	}
	text := make([]byte, len(src))
	copy(text, src)
	for i := span.Start; i+1 < span.End; i++ {
		if text[i] != '(' || text[i+1] != '*' {
			continue
		}
		start, depth := i, 0
		for i < span.End {
			if i+1 < span.End && text[i] == '(' && text[i+1] == '*' {
				depth++
				text[i], text[i+1] = ' ', ' '
				i += 2
				continue
			}
			if i+1 < span.End && text[i] == '*' && text[i+1] == ')' {
				depth--
				text[i], text[i+1] = ' ', ' '
				i += 2
				if depth == 0 {
					break
				}
				continue
			}
			if text[i] != '\n' {
				text[i] = ' '
			}
			i++
		}
		if depth > 0 {
			errs.Add(Span{start, start + 2}, "comment not terminated")
		}
		i-- // the loop's i++ moves to the byte after the comment
	}
	return text
}

// bpfRows splits the section into rows: the text of each line up to each
// ';', trimmed. Blank lines are skipped. Text after the last ';' of a line
// is a row without its ';', which is reported.
func bpfRows(text []byte, span Span, errs *ErrorList) []Span {
	var rows []Span
	end := span.Start
	for lineStart := span.Start; lineStart < span.End; lineStart = end + 1 {
		end = lineStart
		for end < span.End && text[end] != '\n' {
			end++
		}
		segStart := lineStart
		for i := lineStart; i <= end; i++ {
			if i < end && text[i] != ';' {
				continue
			}
			seg := trimSpan(text, Span{segStart, i})
			switch {
			case i < end: // ended by ';'
				rows = append(rows, Span{seg.Start, i + 1})
				if seg.Len() == 0 {
					rows[len(rows)-1] = Span{i, i + 1}
				}
			case seg.Len() > 0:
				errs.Add(Span{seg.End, seg.End}, "missing ';' at end of row")
				rows = append(rows, seg)
			}
			segStart = i + 1
		}
	}
	return rows
}

func bpfPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// splitBPFCells splits a row (which may end with ';') into its cells at each
// '|' that is not the start of "|=". Cell spans are untrimmed.
func splitBPFCells(text []byte, row Span) []Span {
	end := row.End
	if end > row.Start && text[end-1] == ';' {
		end--
	}
	var cells []Span
	start := row.Start
	for i := row.Start; i < end; i++ {
		if text[i] == '|' && (i+1 >= len(text) || text[i+1] != '=') {
			cells = append(cells, Span{start, i})
			start = i + 1
		}
	}
	return append(cells, Span{start, end})
}

// trimSpan removes blanks at both ends of s.
func trimSpan(text []byte, s Span) Span {
	for s.Start < s.End && isBPFBlank(text[s.Start]) {
		s.Start++
	}
	for s.End > s.Start && isBPFBlank(text[s.End-1]) {
		s.End--
	}
	return s
}

func bpfIsLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func bpfIsDigit(c byte) bool { return '0' <= c && c <= '9' }

func isBPFBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// parseBPFHeader reads the header cells "P0", "P1", ... Each must name the
// thread of its column; a wrong name is reported and the column kept.
func parseBPFHeader(text []byte, cells []Span, errs *ErrorList) []*Thread {
	threads := make([]*Thread, len(cells))
	for i, cell := range cells {
		c := trimSpan(text, cell)
		want := fmt.Sprintf("P%d", i)
		name := string(text[c.Start:c.End])
		if name == "" {
			c = cell // point at the whole blank cell
		}
		if name != want {
			if name == "" {
				errs.Add(c, "expected thread name %s, found empty cell", want)
			} else {
				errs.Add(c, "expected thread name %s, found %q", want, name)
			}
		}
		threads[i] = &Thread{Span: c, Name: want, NameSpan: c, Index: i}
	}
	return threads
}

// ---------------------------------------------------------------------------
// Instructions.

type bpfTokKind int

const (
	bpfEOF  bpfTokKind = iota
	bpfName            // identifier: register, mnemonic, size or label
	bpfNum             // decimal digits
	bpfOp              // punctuation or operator
	bpfBad             // a byte the BPF lexer does not accept
)

type bpfTok struct {
	kind bpfTokKind
	text string
	span Span
}

// bpfOps are the multi-byte operators, longest first.
var bpfOps = []string{"s>>=", ">>=", "<<=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "==", "!=", ">="}

// lexBPFCell splits one cell into tokens, ending with a bpfEOF token.
// Tokens are appended to toks[:0], and their text shares text's bytes.
func lexBPFCell(toks []bpfTok, text string, s Span) []bpfTok {
	toks = toks[:0]
	i := s.Start
	for i < s.End {
		c := text[i]
		if isBPFBlank(c) {
			i++
			continue
		}
		start := i
		kind := bpfOp
		switch {
		case c >= '0' && c <= '9':
			kind = bpfNum
			for i < s.End && text[i] >= '0' && text[i] <= '9' {
				i++
			}
		case len(bpfOpAt(text[i:s.End])) > 0:
			i += len(bpfOpAt(text[i:s.End]))
		case bpfIsLetter(c):
			kind = bpfName
			for i < s.End && (bpfIsLetter(text[i]) || bpfIsDigit(text[i])) {
				i++
			}
		case strings.IndexByte(";,|():=-*+<", c) >= 0:
			i++
		default:
			kind = bpfBad
			i++
		}
		toks = append(toks, bpfTok{kind, text[start:i], Span{start, i}})
	}
	return append(toks, bpfTok{bpfEOF, "", Span{s.End, s.End}})
}

// bpfOpAt returns the multi-byte operator b starts with, or "".
func bpfOpAt(b string) string {
	if len(b) < 2 || strings.IndexByte("s<>+-*/%&|^=!", b[0]) < 0 {
		return ""
	}
	for _, op := range bpfOps {
		if strings.HasPrefix(b, op) {
			return op
		}
	}
	return ""
}

// A bpfSyntaxError aborts the parse of one instruction.
type bpfSyntaxError struct {
	span Span
	msg  string
}

// bpfParser reads one cell's tokens. Errors are kept in err; after the
// first, every method is a no-op, so the grammar reads straight through.
type bpfParser struct {
	toks []bpfTok
	pos  int
	cell Span
	err  *bpfSyntaxError
}

func (p *bpfParser) peek() bpfTok { return p.toks[p.pos] }

func (p *bpfParser) peekAt(k int) bpfTok { return p.toks[min(p.pos+k, len(p.toks)-1)] }

func (p *bpfParser) next() bpfTok {
	t := p.toks[p.pos]
	if p.pos < len(p.toks)-1 {
		p.pos++
	}
	return t
}

func (p *bpfParser) fail(s Span, format string, args ...any) {
	if p.err == nil {
		p.err = &bpfSyntaxError{s, fmt.Sprintf(format, args...)}
	}
}

// unexpected reports the current token as out of place in an instruction.
func (p *bpfParser) unexpected(what string) {
	t := p.peek()
	switch t.kind {
	case bpfEOF:
		p.fail(t.span, "expected %s at end of instruction", what)
	case bpfBad:
		p.fail(t.span, "unexpected character %q", t.text)
	default:
		p.fail(t.span, "expected %s, found %q", what, t.text)
	}
}

func (p *bpfParser) expect(op string) {
	if p.err != nil {
		return
	}
	if t := p.peek(); t.kind != bpfOp || t.text != op {
		p.unexpected(strconv.Quote(op))
		return
	}
	p.next()
}

func (p *bpfParser) isOp(op string) bool {
	t := p.peek()
	return t.kind == bpfOp && t.text == op
}

// bpfRegNum returns the register number of a name such as "r3", or -1.
func bpfRegNum(name string) int {
	if len(name) < 2 || name[0] != 'r' {
		return -1
	}
	for _, c := range []byte(name[1:]) {
		if !bpfIsDigit(c) {
			return -1
		}
	}
	if len(name) > 2 && name[1] == '0' {
		return -1
	}
	n, err := strconv.Atoi(name[1:])
	if err != nil || n > bpfMaxReg {
		return -1
	}
	return n
}

func (p *bpfParser) reg() *Operand {
	if p.err != nil {
		return nil
	}
	t := p.peek()
	if t.kind != bpfName {
		p.unexpected("register")
		return nil
	}
	n := bpfRegNum(t.text)
	if n < 0 {
		p.fail(t.span, "bad register %q (want r0 to r%d)", t.text, bpfMaxReg)
		return nil
	}
	p.next()
	return &Operand{Span: t.span, IsReg: true, Reg: n}
}

// num reads a decimal number with an optional sign: "5", "-5", "+5".
func (p *bpfParser) num(what string) (int64, Span) {
	if p.err != nil {
		return 0, Span{}
	}
	start := p.peek().span
	neg := false
	if p.isOp("-") || p.isOp("+") {
		neg = p.next().text == "-"
	}
	t := p.peek()
	if t.kind != bpfNum {
		p.unexpected(what)
		return 0, Span{}
	}
	p.next()
	text := t.text
	if neg {
		text = "-" + text
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.fail(start.Join(t.span), "number %s out of range", text)
		return 0, Span{}
	}
	return v, start.Join(t.span)
}

// operand reads a register or an immediate.
func (p *bpfParser) operand() *Operand {
	if p.err != nil {
		return nil
	}
	if p.peek().kind == bpfName {
		return p.reg()
	}
	v, s := p.num("register or number")
	if p.err != nil {
		return nil
	}
	return &Operand{Span: s, Imm: v}
}

// addr reads "rB + off" or "rB - off" (without parentheses). herd7
// requires the offset, even when it is 0.
func (p *bpfParser) addr(m *MemRef) {
	base := p.reg()
	if base == nil {
		return
	}
	m.Base = base.Reg
	m.Off, _ = p.num("offset (+ N or - N)")
}

// size reads "uN" and returns N.
func (p *bpfParser) size() int {
	if p.err != nil {
		return 0
	}
	t := p.peek()
	switch t.text {
	case "u8", "u16", "u32", "u64":
		p.next()
		n, _ := strconv.Atoi(t.text[1:])
		return n
	}
	if t.kind == bpfName && len(t.text) > 1 && t.text[0] == 'u' {
		p.fail(t.span, "bad access size %q (want u8, u16, u32 or u64)", t.text)
		return 0
	}
	p.unexpected("access size (u8, u16, u32 or u64)")
	return 0
}

// typedMem reads "(uN *)(rB + off)".
func (p *bpfParser) typedMem() *MemRef {
	start := p.peek().span
	m := &MemRef{}
	p.expect("(")
	m.Size = p.size()
	p.expect("*")
	p.expect(")")
	p.expect("(")
	p.addr(m)
	end := p.peek().span
	p.expect(")")
	m.Span = start.Join(end)
	return m
}

// plainMem reads "rB + off", as the exchange instructions write it.
func (p *bpfParser) plainMem() *MemRef {
	start := p.peek().span
	m := &MemRef{}
	p.addr(m)
	m.Span = Span{start.Start, p.toks[max(0, p.pos-1)].span.End}
	return m
}

func (p *bpfParser) label() string {
	if p.err != nil {
		return ""
	}
	t := p.peek()
	if t.kind != bpfName {
		p.unexpected("label")
		return ""
	}
	p.next()
	return t.text
}

// bpfALUOps maps the compound-assignment tokens to Instr.Op.
var bpfALUOps = map[string]string{
	"+=": "+", "-=": "-", "*=": "*", "/=": "/", "%=": "%",
	"&=": "&", "|=": "|", "^=": "^", "<<=": "<<", ">>=": ">>", "s>>=": "s>>",
}

// bpfCondOps are the comparisons of a conditional jump.
var bpfCondOps = map[string]bool{"==": true, "!=": true, "<": true, ">=": true}

// bpfFetchOps are the atomic_fetch_OP mnemonics; bpfLockOps the operators of
// "lock *(uN *)(...) op= rS".
var (
	bpfFetchOps = map[string]string{"atomic_fetch_add": "add", "atomic_fetch_and": "and", "atomic_fetch_or": "or", "atomic_fetch_xor": "xor"}
	bpfLockOps  = map[string]bool{"+": true, "&": true, "|": true, "^": true}
)

// parseBPFCell reads one non-blank cell: an instruction, a label, or labels
// followed by an instruction ("L: r1 = 1"), which herd7 also accepts. On
// error it reports once and returns an InstrBad for the rest of the cell,
// with its text in Mnemon.
//
// buf is scratch space for the tokens, kept from cell to cell.
func parseBPFCell(text string, cell Span, buf *[]bpfTok, errs *ErrorList) []*Instr {
	*buf = lexBPFCell(*buf, text, cell)
	p := &bpfParser{toks: *buf, cell: cell}
	var out []*Instr
	for {
		t, colon := p.peek(), p.peekAt(1)
		if t.kind != bpfName || colon.kind != bpfOp || colon.text != ":" || bpfRegNum(t.text) >= 0 {
			break
		}
		p.next()
		p.next()
		out = append(out, &Instr{Span: t.span.Join(colon.span), Kind: InstrLabel, Label: t.text})
	}
	if p.peek().kind == bpfEOF {
		return out
	}
	rest := Span{p.peek().span.Start, cell.End}
	p.cell = rest
	in := p.instr()
	if p.err == nil && p.peek().kind != bpfEOF {
		p.unexpected("end of instruction")
	}
	if p.err != nil {
		errs.Add(p.err.span, "%s", p.err.msg)
		return append(out, &Instr{Span: rest, Kind: InstrBad, Mnemon: text[rest.Start:rest.End]})
	}
	in.Span = rest
	return append(out, in)
}

// unknown reports the cell as no instruction herd7 knows, quoting its
// first word.
func (p *bpfParser) unknown() *Instr {
	t := p.peek()
	if t.kind == bpfBad {
		p.unexpected("instruction")
		return nil
	}
	p.fail(p.cell, "unknown instruction %q", t.text)
	return nil
}

func (p *bpfParser) instr() *Instr {
	t := p.peek()
	switch {
	case t.kind == bpfOp && t.text == "*":
		// *(uN *)(rB + off) = rS|imm
		p.next()
		in := &Instr{Kind: InstrStore, Mem: p.typedMem()}
		p.expect("=")
		in.Src = p.operand()
		return in
	case t.kind != bpfName:
		return p.unknown()
	}
	switch t.text {
	case "goto":
		p.next()
		return &Instr{Kind: InstrGoto, Label: p.label()}
	case "if":
		p.next()
		in := &Instr{Kind: InstrCondJump, Dst: p.reg()}
		if c := p.peek(); c.kind == bpfOp && bpfCondOps[c.text] && p.err == nil {
			in.Op = c.text
			p.next()
		} else {
			p.unexpected("comparison (==, !=, < or >=)")
		}
		in.Src = p.operand()
		if p.err == nil && p.peek().text != "goto" {
			p.unexpected(`"goto"`)
		}
		p.next()
		in.Label = p.label()
		return in
	case "lock":
		p.next()
		p.expect("*")
		in := &Instr{Kind: InstrAtomic, Mem: p.typedMem()}
		if c := p.peek(); p.err == nil && c.kind == bpfOp && bpfLockOps[bpfALUOps[c.text]] {
			in.Op = bpfALUOps[c.text]
			p.next()
		} else {
			p.unexpected("atomic operator (+=, &=, |= or ^=)")
		}
		in.Src = p.reg()
		return in
	case "store_release":
		p.next()
		p.expect("(")
		in := &Instr{Kind: InstrStoreRelease, Mem: p.typedMem()}
		p.expect(",")
		in.Src = p.operand()
		p.expect(")")
		return in
	}
	// A name before "=" or "op=" is meant as a register: say so if it is
	// not one.
	if nx := p.peekAt(1); bpfRegNum(t.text) < 0 && (nx.kind != bpfOp || nx.text != "=" && bpfALUOps[nx.text] == "") {
		return p.unknown()
	}
	dst := p.reg()
	if p.err != nil {
		return nil
	}
	op := p.peek()
	if op.kind == bpfOp && bpfALUOps[op.text] != "" {
		p.next()
		return &Instr{Kind: InstrALU, Dst: dst, Op: bpfALUOps[op.text], Src: p.operand()}
	}
	p.expect("=")
	return p.assign(dst)
}

// assign reads the right-hand side of "rD = ...".
func (p *bpfParser) assign(dst *Operand) *Instr {
	if p.err != nil {
		return nil
	}
	t := p.peek()
	switch {
	case t.kind == bpfOp && t.text == "*":
		p.next()
		return &Instr{Kind: InstrLoad, Dst: dst, Mem: p.typedMem()}
	case t.kind == bpfNum || t.kind == bpfOp && (t.text == "-" || t.text == "+"):
		return &Instr{Kind: InstrMov, Dst: dst, Src: p.operand()}
	case t.kind != bpfName:
		p.unexpected("register, number or load")
		return nil
	}
	// A name not followed by "(" is meant as a register.
	if nx := p.peekAt(1); bpfRegNum(t.text) >= 0 || nx.kind != bpfOp || nx.text != "(" {
		return &Instr{Kind: InstrMov, Dst: dst, Src: p.reg()}
	}
	p.next()
	switch name := t.text; {
	case name == "load_acquire":
		p.expect("(")
		in := &Instr{Kind: InstrLoadAcquire, Dst: dst, Mem: p.typedMem()}
		p.expect(")")
		return in
	case bpfFetchOps[name] != "":
		p.expect("(")
		in := &Instr{Kind: InstrAtomicFetch, Dst: dst, Op: bpfFetchOps[name], Mnemon: name, Mem: p.typedMem()}
		p.expect(",")
		in.Src = p.reg()
		p.expect(")")
		return in
	case name == "xchg_64" || name == "xchg_32_32":
		p.expect("(")
		in := &Instr{Kind: InstrXchg, Dst: dst, Mnemon: name, Mem: p.plainMem()}
		p.expect(",")
		in.Src = p.reg()
		p.expect(")")
		return in
	case name == "cmpxchg_64" || name == "cmpxchg32_32":
		p.expect("(")
		in := &Instr{Kind: InstrCmpxchg, Dst: dst, Mnemon: name, Mem: p.plainMem()}
		p.expect(",")
		in.Cmp = p.reg()
		p.expect(",")
		in.Src = p.reg()
		p.expect(")")
		return in
	}
	p.fail(t.span, "unknown instruction %q", t.text)
	return nil
}
