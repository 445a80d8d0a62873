package litmusgen

import (
	"fmt"
	"strings"
)

// A Test is a generated litmus test in a form [Minimize] can take apart:
// threads of statements and a final condition of clauses. [Test.String]
// prints it in herd7's syntax.
type Test struct {
	// BPF selects the BPF-assembly dialect; otherwise the test is C.
	BPF  bool
	Name string
	// Init lists the C init block's items ("p=nx"), without the ';'.
	Init    []string
	Threads []Thread
	// Quant is "exists", "~exists" or "forall".
	Quant string
	// Or joins the clauses with \/ instead of /\.
	Or      bool
	Clauses []Clause
	// Locations are the "locations [...]" entries, as clauses without a
	// value.
	Locations []Clause
}

// A Thread is one thread of a test.
type Thread struct {
	// Params are the C parameters ("int *x"); Init the BPF thread's
	// register values ("r6=x"), printed with the thread's number.
	Params []string
	Init   []string
	// Decls are the C register declarations ("int r0;").
	Decls []string
	Stmts []Stmt
}

// A Stmt is one statement: a line of text, or (when Body is not nil) a
// block opened by Text and closed by Close ("if (r0 == 1) {" ... "}").
type Stmt struct {
	Text  string
	Body  []Stmt
	Close string
}

// A Clause is one equality of the final condition: thread Thread's
// register Reg, or the location Reg when Thread < 0, equals Val.
type Clause struct {
	Thread int
	Reg    string
	Val    string
}

func (c Clause) ref() string {
	if c.Thread < 0 {
		return c.Reg
	}
	return fmt.Sprintf("%d:%s", c.Thread, c.Reg)
}

// String prints the test in herd7's syntax.
func (t *Test) String() string {
	var b strings.Builder
	if t.BPF {
		t.printBPF(&b)
	} else {
		t.printC(&b)
	}
	if len(t.Locations) > 0 {
		b.WriteString("\nlocations [")
		for _, l := range t.Locations {
			b.WriteString(l.ref() + ";")
		}
		b.WriteString("]")
	}
	b.WriteString("\n" + t.Quant + " (")
	if len(t.Clauses) == 0 {
		b.WriteString("true")
	}
	op := " /\\ "
	if t.Or {
		op = " \\/ "
	}
	for i, c := range t.Clauses {
		if i > 0 {
			b.WriteString(op)
		}
		b.WriteString(c.ref() + "=" + c.Val)
	}
	b.WriteString(")\n")
	return b.String()
}

func (t *Test) printC(b *strings.Builder) {
	fmt.Fprintf(b, "C %s\n\n{\n", t.Name)
	for _, i := range t.Init {
		b.WriteString(i + ";\n")
	}
	b.WriteString("}\n")
	for n, th := range t.Threads {
		fmt.Fprintf(b, "\nP%d(%s)\n{\n", n, strings.Join(th.Params, ", "))
		for _, d := range th.Decls {
			b.WriteString("\t" + d + "\n")
		}
		if len(th.Decls) > 0 {
			b.WriteString("\n")
		}
		printStmts(b, th.Stmts, "\t")
		b.WriteString("}\n")
	}
}

func printStmts(b *strings.Builder, stmts []Stmt, indent string) {
	for _, s := range stmts {
		b.WriteString(indent + s.Text + "\n")
		if s.Body != nil {
			printStmts(b, s.Body, indent+"\t")
			b.WriteString(indent + s.Close + "\n")
		}
	}
}

func (t *Test) printBPF(b *strings.Builder) {
	fmt.Fprintf(b, "BPF %s\n\n{\n", t.Name)
	for n, th := range t.Threads {
		for _, i := range th.Init {
			fmt.Fprintf(b, "%d:%s;\n", n, i)
		}
	}
	b.WriteString("}\n\n")
	cols := make([][]string, len(t.Threads))
	rows := 0
	for n, th := range t.Threads {
		cols[n] = append(cols[n], fmt.Sprintf("P%d", n))
		var flat func([]Stmt)
		flat = func(ss []Stmt) {
			for _, s := range ss {
				cols[n] = append(cols[n], s.Text)
				if s.Body != nil {
					flat(s.Body)
					cols[n] = append(cols[n], s.Close)
				}
			}
		}
		flat(th.Stmts)
		rows = max(rows, len(cols[n]))
	}
	width := make([]int, len(cols))
	for n, c := range cols {
		for _, s := range c {
			width[n] = max(width[n], len(s))
		}
	}
	for r := range rows {
		for n, c := range cols {
			s := ""
			if r < len(c) {
				s = c[r]
			}
			if n > 0 {
				b.WriteString(" | ")
			}
			fmt.Fprintf(b, "%-*s", width[n], s)
		}
		b.WriteString(" ;\n")
	}
}

// clone copies the test deeply enough that [Minimize] may cut the copy.
func (t *Test) clone() *Test {
	c := *t
	c.Init = append([]string(nil), t.Init...)
	c.Clauses = append([]Clause(nil), t.Clauses...)
	c.Locations = append([]Clause(nil), t.Locations...)
	c.Threads = make([]Thread, len(t.Threads))
	for i, th := range t.Threads {
		th.Params = append([]string(nil), th.Params...)
		th.Init = append([]string(nil), th.Init...)
		th.Decls = append([]string(nil), th.Decls...)
		th.Stmts = cloneStmts(th.Stmts)
		c.Threads[i] = th
	}
	return &c
}

func cloneStmts(ss []Stmt) []Stmt {
	if ss == nil {
		return nil
	}
	out := make([]Stmt, len(ss))
	for i, s := range ss {
		s.Body = cloneStmts(s.Body)
		out[i] = s
	}
	return out
}
