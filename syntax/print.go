package syntax

import (
	"fmt"
	"math"
	"strings"
)

// Print writes f as canonical litmus text, in the layout of the Linux
// kernel's tools/memory-model/litmus-tests (which it leaves byte for byte
// as they are): the header, the comments that precede the init block, one
// init item per line, C threads with tab indentation and one statement per
// line (BPF programs through the BPF printer), then the final clauses,
// with an empty line between these parts. Where such tests differ among
// themselves, the printer keeps what the source has: the empty lines
// between the header's lines and comments and between statements, the
// spaces or tabs before a comment that ends a line (Comment.Space; a tab
// when there are none), and an init item written at the start of its line
// (otherwise indented by a tab). Comments inside thread bodies are kept on
// the statement they follow or precede. Parentheses written in the source
// are kept; others are added only where precedence requires them, so that
// Parse(Print(f)) gives f's tree again.
func Print(f *File) []byte {
	pr := &printer{f: f}
	pr.file()
	return []byte(pr.b.String())
}

type printer struct {
	f       *File
	b       strings.Builder
	indent  int
	pending []*Comment // comments inside the current thread, not yet printed
	limit   int        // byte offset of the next statement: trailing comments start before it
	rest    []*Comment // comments outside the header and thread bodies, not yet printed
	prefix  string     // written instead of the indentation by the next line ("} " before "else")
}

func (pr *printer) printf(format string, args ...any) { fmt.Fprintf(&pr.b, format, args...) }

func (pr *printer) line(s string) {
	if pr.prefix != "" {
		pr.b.WriteString(pr.prefix)
		pr.prefix = ""
	} else {
		pr.b.WriteString(strings.Repeat("\t", pr.indent))
	}
	pr.b.WriteString(s)
	pr.b.WriteByte('\n')
}

func (pr *printer) file() {
	f := pr.f
	// The header: the name line, the doc string, the Key=value lines, the
	// other information lines, then the comments before the init block
	// (or before the first thread), with an empty line between two of
	// them where the source has one.
	prev := Span{f.ArchSpan.Start, f.NameSpan.End}
	pr.printf("%s %s\n", f.Dialect, f.Name)
	header := func(span Span, text string) {
		if pr.blankLine(prev.End, span.Start) {
			pr.printf("\n")
		}
		pr.printf("%s\n", text)
		prev = span
	}
	if f.Doc != nil {
		header(f.Doc.Span, fmt.Sprintf("%q", f.Doc.Text))
	}
	for _, m := range f.Meta {
		header(m.Span, m.Key+"="+m.Value)
	}
	for _, in := range f.Info {
		header(in.Span, in.Text)
	}
	limit := -1
	switch {
	case f.Init != nil:
		limit = f.Init.Span.Start
	case len(f.Threads) > 0:
		limit = f.Threads[0].Span.Start
	}
	for _, c := range f.Comments {
		switch {
		case inInfoLine(f, c):
			// printed with its line
		case c.Span.End <= limit:
			header(c.Span, c.Text)
		case !inThreadBody(f, c):
			pr.rest = append(pr.rest, c)
		}
	}
	pr.printf("\n")
	pr.init()
	pr.printf("\n")
	if f.Dialect == DialectBPF {
		printBPFProgram(&pr.b, f.Threads)
		pr.printf("\n")
	} else {
		for _, th := range f.Threads {
			pr.restBefore(th.Span.Start, "")
			pr.thread(th)
			pr.printf("\n")
		}
	}
	if f.Locations != nil {
		locs := make([]string, len(f.Locations.Locs))
		for i, l := range f.Locations.Locs {
			locs[i] = condLoc(l)
		}
		pr.printf("locations [%s]%s\n", strings.Join(locs, "; "), pr.restTrailing(f.Locations.Span.End, math.MaxInt))
	}
	if f.Filter != nil {
		pr.printf("filter %s%s\n", propString(f.Filter.Prop, 0), pr.restTrailing(f.Filter.Span.End, math.MaxInt))
	}
	if f.Cond != nil {
		pr.printf("%s %s%s\n", f.Cond.Quant, propString(f.Cond.Prop, 0), pr.restTrailing(f.Cond.Span.End, math.MaxInt))
	}
	// Comments inside or between the final clauses, and any others left.
	pr.restBefore(math.MaxInt, "")
}

func (pr *printer) init() {
	in := pr.f.Init
	if in == nil || len(in.Items) == 0 {
		if in != nil {
			pr.restBefore(in.Span.End, "")
		}
		pr.printf("{}\n")
		return
	}
	pr.printf("{\n")
	for i, it := range in.Items {
		pr.restBefore(it.Span.Start, "\t")
		next := in.Span.End
		if i+1 < len(in.Items) {
			next = in.Items[i+1].Span.Start
		}
		var s string
		if it.Type != nil {
			s = declString(it.Type, locString(it.Loc))
			if it.Value != nil {
				s += " = " + exprString(it.Value, 0)
			}
		} else {
			s = locString(it.Loc)
			if it.Value != nil {
				s += "=" + exprString(it.Value, 0)
			}
		}
		indent := "\t"
		if pr.f.Lines != nil && pr.f.Lines.Position(it.Span.Start).Column == 1 {
			indent = "" // as the kernel's tests write "p=y;"
		}
		pr.printf("%s%s;%s\n", indent, s, pr.restTrailing(it.Span.End, next))
	}
	pr.restBefore(in.Span.End, "\t")
	pr.printf("}\n")
}

// declString writes "type name", with the stars against the name.
func declString(t *Type, name string) string {
	return t.Name + " " + strings.Repeat("*", t.Stars) + name
}

func locString(l Location) string {
	if l.Thread >= 0 {
		return fmt.Sprintf("%d:%s", l.Thread, l.Name)
	}
	return l.Name
}

func condLoc(l Location) string {
	if l.Deref && l.Thread < 0 {
		return "[" + l.Name + "]"
	}
	return locString(l)
}

func (pr *printer) thread(th *Thread) {
	params := make([]string, len(th.Params))
	for i, p := range th.Params {
		name := ""
		if p.Name != nil {
			name = p.Name.Name
		}
		params[i] = declString(p.Type, name)
	}
	// Comments between the name and the body: those on the header line
	// stay there ("P0(int *x) // Producer"), others go before the brace.
	bodyStart := th.Span.End
	if th.Body != nil {
		bodyStart = th.Body.Span.Start
	}
	pr.printf("%s(%s)%s\n", th.Name, strings.Join(params, ", "), pr.restTrailing(th.NameSpan.End, bodyStart))
	pr.restBefore(bodyStart, "")
	pr.pending = nil
	if th.Body != nil {
		for _, c := range pr.f.Comments {
			if th.Body.Span.Start < c.Span.Start && c.Span.End <= th.Body.Span.End {
				pr.pending = append(pr.pending, c)
			}
		}
	}
	pr.printf("{\n")
	pr.indent = 1
	pr.limit = math.MaxInt
	if th.Body != nil {
		pr.stmts(th.Body.Stmts)
	}
	// Comments after the last statement.
	for _, c := range pr.pending {
		pr.line(c.Text)
	}
	pr.pending = nil
	pr.indent = 0
	pr.printf("}\n")
}

// leading prints the pending comments that end before off.
func (pr *printer) leading(off int) {
	for len(pr.pending) > 0 && pr.pending[0].Span.End <= off {
		pr.line(pr.pending[0].Text)
		pr.pending = pr.pending[1:]
	}
}

// trailing returns the pending comments that start on the line where a
// statement ending at end ends, removing them from the pending list.
func (pr *printer) trailing(end int) string {
	var out []*Comment
	lines := pr.f.Lines
	if lines == nil {
		return ""
	}
	endLine := lines.Position(end).Line
	for len(pr.pending) > 0 && pr.pending[0].Span.Start >= end && pr.pending[0].Span.Start < pr.limit && lines.Position(pr.pending[0].Span.Start).Line == endLine &&
		!strings.Contains(pr.pending[0].Text, "\n") {
		out = append(out, pr.pending[0])
		pr.pending = pr.pending[1:]
	}
	return trailingText(out)
}

// trailingText joins comments that end a line of code, each after the
// spaces and tabs written before it in the source: a tab before the first
// and a space before the others when none was written.
func trailingText(cs []*Comment) string {
	var b strings.Builder
	for i, c := range cs {
		switch {
		case c.Space != "":
			b.WriteString(c.Space)
		case i == 0:
			b.WriteByte('\t')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(c.Text)
	}
	return b.String()
}

func (pr *printer) stmts(ss []Stmt) {
	saved := pr.limit
	defer func() { pr.limit = saved }()
	for i := 0; i < len(ss); i++ {
		if i > 0 && pr.blankBetween(ss[i-1].GetSpan().End, ss[i].GetSpan().Start) {
			pr.b.WriteByte('\n')
		}
		pr.leading(ss[i].GetSpan().Start)
		pr.limit = saved
		if i+1 < len(ss) {
			pr.limit = ss[i+1].GetSpan().Start
		}
		pr.stmt(ss[i], i+1 < len(ss) && ss[i+1].GetSpan() == ss[i].GetSpan())
	}
}

// stmt prints one statement; shared says the next statement is another
// declarator of the same declaration, whose trailing comment comes later.
func (pr *printer) stmt(s Stmt, shared bool) {
	end := s.GetSpan().End
	switch s := s.(type) {
	case *BlockStmt:
		pr.line("{")
		saved := pr.limit
		pr.limit = end
		pr.indent++
		pr.stmts(s.Stmts)
		pr.limit = saved
		pr.leading(end)
		pr.indent--
		pr.line("}")
	case *DeclStmt:
		text := declString(s.Type, s.Name.Name)
		if s.Value != nil {
			text += " = " + exprString(s.Value, 0)
		}
		tr := ""
		if !shared {
			tr = pr.trailing(end)
		}
		pr.line(text + ";" + tr)
	case *ExprStmt:
		pr.line(exprString(s.X, 0) + ";" + pr.trailing(end))
	case *EmptyStmt:
		pr.line(";" + pr.trailing(end))
	case *BadStmt:
		pr.line(";")
	case *IfStmt:
		pr.ifStmt(s)
	case *WhileStmt:
		head := "while (" + exprString(s.Cond, 0) + ")"
		pr.body(head, s.Body, false)
	}
}

// body prints "head {" ... "}" for a block body, or head and an indented
// statement otherwise. With hasElse, the closing "}" is left in pr.prefix
// so that "else" follows it on the same line.
func (pr *printer) body(head string, body Stmt, hasElse bool) {
	tabs := strings.Repeat("\t", pr.indent)
	if b, ok := body.(*BlockStmt); ok {
		saved := pr.limit
		pr.limit = b.Span.End
		if len(b.Stmts) > 0 {
			pr.limit = b.Stmts[0].GetSpan().Start
		}
		pr.line(head + " {" + pr.trailing(b.Span.Start+1))
		pr.limit = b.Span.End
		pr.indent++
		pr.stmts(b.Stmts)
		pr.limit = saved
		pr.leading(b.Span.End)
		pr.indent--
		if hasElse {
			pr.prefix = tabs + "} "
		} else {
			pr.line("}")
		}
		return
	}
	pr.line(head)
	pr.indent++
	if body == nil {
		pr.line(";")
	} else {
		pr.stmt(body, false)
	}
	pr.indent--
	if hasElse {
		pr.prefix = tabs
	}
}

func (pr *printer) ifStmt(s *IfStmt) {
	pr.body("if ("+exprString(s.Cond, 0)+")", s.Then, s.Else != nil)
	if s.Else == nil {
		return
	}
	if elif, ok := s.Else.(*IfStmt); ok {
		pr.prefix += "else "
		pr.ifStmt(elif)
		return
	}
	pr.body("else", s.Else, false)
}

// Expression precedence levels for parenthesisation.
const (
	precAssign  = 0
	precCond    = 1
	precUnary   = 12
	precPostfix = 13
)

func exprPrec(x Expr) int {
	switch x := x.(type) {
	case *AssignExpr:
		return precAssign
	case *CondExpr:
		return precCond
	case *BinaryExpr:
		return binaryPrec[x.Op] + 1
	case *UnaryExpr, *CastExpr:
		return precUnary
	}
	return precPostfix
}

// exprString prints x, wrapping it in parentheses if its precedence is
// below prec.
func exprString(x Expr, prec int) string {
	s := exprText(x)
	if exprPrec(x) < prec {
		return "(" + s + ")"
	}
	return s
}

func exprText(x Expr) string {
	switch x := x.(type) {
	case *Ident:
		return x.Name
	case *IntLit:
		if x.Text != "" {
			return x.Text
		}
		return fmt.Sprint(x.Value)
	case *UnaryExpr:
		inner := exprString(x.X, precUnary)
		if inner != "" && (x.Op == "-" || x.Op == "+" || x.Op == "&") && inner[0] == x.Op[0] {
			return x.Op + " " + inner
		}
		return x.Op + inner
	case *BinaryExpr:
		q := binaryPrec[x.Op] + 1
		return exprString(x.X, q) + " " + x.Op + " " + exprString(x.Y, q+1)
	case *AssignExpr:
		return exprString(x.X, precCond) + " " + x.Op + " " + exprString(x.Y, precAssign)
	case *CondExpr:
		return exprString(x.Cond, precCond+1) + " ? " + exprString(x.X, precAssign) + " : " + exprString(x.Y, precCond)
	case *ParenExpr:
		return "(" + exprString(x.X, 0) + ")"
	case *CastExpr:
		typ := x.Type.Name
		if x.Type.Stars > 0 {
			typ += " " + strings.Repeat("*", x.Type.Stars) // "(intptr_t **)", as the kernel writes it
		}
		return "(" + typ + ")" + exprString(x.X, precUnary)
	case *CallExpr:
		args := make([]string, len(x.Args))
		for i, a := range x.Args {
			args[i] = exprString(a, precAssign)
		}
		name := ""
		if x.Fun != nil {
			name = x.Fun.Name
		}
		return name + "(" + strings.Join(args, ", ") + ")"
	case *IndexExpr:
		return exprString(x.X, precPostfix) + "[" + exprString(x.Index, 0) + "]"
	}
	return "0" // BadExpr or nil: the printer never invents syntax errors
}

// Proposition precedence levels.
const (
	precImplies = 1
	precOr      = 2
	precAnd     = 3
	precNot     = 4
	precAtom    = 5
)

func propPrec(p Prop) int {
	switch p.(type) {
	case *ImpliesProp:
		return precImplies
	case *OrProp:
		return precOr
	case *AndProp:
		return precAnd
	case *NotProp:
		return precNot
	}
	return precAtom
}

func propString(p Prop, prec int) string {
	s := propText(p)
	if propPrec(p) < prec {
		return "(" + s + ")"
	}
	return s
}

func propText(p Prop) string {
	switch p := p.(type) {
	case *AtomProp:
		return condLoc(p.Loc) + p.Op + p.Value.String()
	case *NotProp:
		return "~" + propString(p.X, precNot)
	case *AndProp:
		return propString(p.X, precAnd) + ` /\ ` + propString(p.Y, precAnd+1)
	case *OrProp:
		return propString(p.X, precOr) + ` \/ ` + propString(p.Y, precOr+1)
	case *ImpliesProp:
		return propString(p.X, precImplies+1) + " -> " + propString(p.Y, precImplies)
	case *BoolProp:
		if p.Value {
			return "true"
		}
		return "false"
	case *ParenProp:
		return "(" + propString(p.X, 0) + ")"
	}
	return "true"
}

// String returns the value as written in conditions: a thread register
// ("0:r1"), a variable's address ("x") or an integer.
func (v Value) String() string {
	switch {
	case v.Reg != nil:
		return locString(*v.Reg)
	case v.Symbol != "":
		return v.Symbol
	}
	return fmt.Sprint(v.Int)
}

// inThreadBody reports whether c lies inside the body of a C thread.
func inThreadBody(f *File, c *Comment) bool {
	for _, th := range f.Threads {
		if th.Body != nil && th.Body.Span.Start < c.Span.Start && c.Span.End <= th.Body.Span.End {
			return true
		}
	}
	return false
}

// restBefore prints, one per line after indent, the remaining comments
// that end before off.
func (pr *printer) restBefore(off int, indent string) {
	for len(pr.rest) > 0 && pr.rest[0].Span.End <= off {
		pr.printf("%s%s\n", indent, pr.rest[0].Text)
		pr.rest = pr.rest[1:]
	}
}

// restTrailing returns the remaining one-line comments that start at or
// after end, before limit, on the line where end is, removing them.
func (pr *printer) restTrailing(end, limit int) string {
	lines := pr.f.Lines
	if lines == nil {
		return ""
	}
	var out []*Comment
	line := lines.Position(end).Line
	for len(pr.rest) > 0 {
		c := pr.rest[0]
		if c.Span.Start < end || c.Span.Start >= limit || lines.Position(c.Span.Start).Line != line || strings.Contains(c.Text, "\n") {
			break
		}
		out = append(out, c)
		pr.rest = pr.rest[1:]
	}
	return trailingText(out)
}

// blankLine reports whether the source has an empty line (or more)
// between offset end and a later offset start, where nothing is printed
// between them.
func (pr *printer) blankLine(end, start int) bool {
	lines := pr.f.Lines
	return lines != nil && start > end && lines.Position(start).Line-lines.Position(end).Line > 1
}

// blankBetween reports whether the source had an empty line (or more)
// between offsets end and start, so the printer keeps one there.
func (pr *printer) blankBetween(end, start int) bool {
	lines := pr.f.Lines
	if lines == nil || start <= end {
		return false
	}
	return lines.Position(start).Line-lines.Position(end).Line > 1+pr.commentLines(end, start)
}

// commentLines counts the lines taken by the thread comments lying between
// offsets end and start, on lines of their own after the one end is on.
func (pr *printer) commentLines(end, start int) int {
	n := 0
	for _, c := range pr.pending {
		if c.Span.Start >= end && c.Span.End <= start && pr.f.Lines.Position(c.Span.Start).Line > pr.f.Lines.Position(end).Line {
			n += strings.Count(c.Text, "\n") + 1
		}
	}
	return n
}

// inInfoLine reports whether c lies inside one of f's info lines.
func inInfoLine(f *File, c *Comment) bool {
	for _, in := range f.Info {
		if in.Span.Start <= c.Span.Start && c.Span.End <= in.Span.End {
			return true
		}
	}
	return false
}
