package bpfc

import (
	"sort"

	"github.com/litmusls/litmusls/syntax"
)

// A Loc is a place in a C file: the file's name, as Translation.Sources
// names it, and a byte span of its text.
type Loc struct {
	File string
	Span syntax.Span
}

// A LinkKind says what a generated piece of the litmus test is.
type LinkKind int

const (
	LinkTest   LinkKind = iota // the whole test ↔ its "test" annotation (or the condition's, when implicit)
	LinkInit                   // an init item ↔ the global's declaration
	LinkThread                 // a thread ↔ its C function
	LinkStmt                   // a statement ↔ the C statement it came from
	LinkExpr                   // an expression (an access, a call, a value) ↔ the C expression
	LinkCond                   // the final condition ↔ its annotation
	LinkFilter                 // the filter ↔ its annotation, or the wait loop that made it
	LinkAtom                   // one atom of a condition or filter ↔ its text in the annotation
	LinkResult                 // the "Result:" comment ↔ the "expect" annotation
)

var linkKindNames = [...]string{"test", "init", "thread", "stmt", "expr", "cond", "filter", "atom", "result"}

func (k LinkKind) String() string {
	if int(k) < len(linkKindNames) {
		return linkKindNames[k]
	}
	return "?"
}

// A Link ties a span of the generated litmus text to the C it came from.
type Link struct {
	Gen  syntax.Span // byte offsets into Scenario.Text
	Kind LinkKind
	C    Loc
}

// A SourceMap holds the links of one scenario, in both directions.
type SourceMap struct {
	links []Link // sorted by Gen.Start, then longest first
}

func newSourceMap(links []Link) *SourceMap {
	sort.SliceStable(links, func(i, j int) bool {
		a, b := links[i].Gen, links[j].Gen
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End > b.End
	})
	return &SourceMap{links: links}
}

// Links returns every link, sorted by generated offset (outer links
// before the links nested in them).
func (m *SourceMap) Links() []Link { return m.links }

// ToC returns the innermost link whose generated span contains the span
// gen (an event's span from the checker, a diagnostic's range), and
// false when no link covers it.
func (m *SourceMap) ToC(gen syntax.Span) (Link, bool) {
	best, found := Link{}, false
	for _, l := range m.links {
		if l.Gen.Start > gen.Start {
			break
		}
		if l.Gen.Start <= gen.Start && gen.End <= l.Gen.End {
			if !found || l.Gen.Len() <= best.Gen.Len() {
				best, found = l, true
			}
		}
	}
	return best, found
}

// FromC returns the links whose C span in file contains the byte offset
// off, innermost C span first: what the C at a cursor became in the
// generated test.
func (m *SourceMap) FromC(file string, off int) []Link {
	var out []Link
	for _, l := range m.links {
		if l.C.File == file && l.C.Span.Contains(off) {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].C.Span.Len() < out[j].C.Span.Len() })
	return out
}

// pairer walks the built tree and its re-parse side by side, turning the
// origins of built nodes into links on the re-parsed spans.
type pairer struct {
	origin map[any]Loc
	kind   map[any]LinkKind
	links  []Link
}

func (p *pairer) link(built any, span syntax.Span, def LinkKind) {
	loc, ok := p.origin[built]
	if !ok {
		return
	}
	k, ok := p.kind[built]
	if !ok {
		k = def
	}
	p.links = append(p.links, Link{Gen: span, Kind: k, C: loc})
}

func (p *pairer) file(a, b *syntax.File, size int) {
	p.link(a, syntax.Span{Start: 0, End: size}, LinkTest)
	if a.Init != nil && b.Init != nil && len(a.Init.Items) == len(b.Init.Items) {
		for i, it := range a.Init.Items {
			p.link(it, b.Init.Items[i].Span, LinkInit)
		}
	}
	if len(a.Threads) == len(b.Threads) {
		for i, th := range a.Threads {
			bt := b.Threads[i]
			p.link(th, bt.Span, LinkThread)
			if th.Body != nil && bt.Body != nil {
				p.stmt(th.Body, bt.Body)
			}
		}
	}
	if a.Filter != nil && b.Filter != nil {
		p.link(a.Filter, b.Filter.Span, LinkFilter)
		p.prop(a.Filter.Prop, b.Filter.Prop)
	}
	if a.Cond != nil && b.Cond != nil {
		p.link(a.Cond, b.Cond.Span, LinkCond)
		p.prop(a.Cond.Prop, b.Cond.Prop)
	}
	if a.Result != nil && b.Result != nil {
		p.link(a.Result, b.Result.Span, LinkResult)
	}
}

func (p *pairer) stmt(a, b syntax.Stmt) {
	if a == nil || b == nil {
		return
	}
	p.link(a, b.GetSpan(), LinkStmt)
	switch a := a.(type) {
	case *syntax.BlockStmt:
		bb, ok := b.(*syntax.BlockStmt)
		if !ok || len(bb.Stmts) != len(a.Stmts) {
			return
		}
		for i := range a.Stmts {
			p.stmt(a.Stmts[i], bb.Stmts[i])
		}
	case *syntax.DeclStmt:
		if bd, ok := b.(*syntax.DeclStmt); ok && a.Value != nil && bd.Value != nil {
			p.expr(a.Value, bd.Value)
		}
	case *syntax.ExprStmt:
		if be, ok := b.(*syntax.ExprStmt); ok {
			p.expr(a.X, be.X)
		}
	case *syntax.IfStmt:
		if bi, ok := b.(*syntax.IfStmt); ok {
			p.expr(a.Cond, bi.Cond)
			p.stmt(a.Then, bi.Then)
			p.stmt(a.Else, bi.Else)
		}
	}
}

func (p *pairer) expr(a, b syntax.Expr) {
	if a == nil || b == nil {
		return
	}
	// The printer adds parentheses where precedence needs them.
	if _, ok := a.(*syntax.ParenExpr); !ok {
		for {
			pb, ok := b.(*syntax.ParenExpr)
			if !ok {
				break
			}
			b = pb.X
		}
	}
	p.link(a, b.GetSpan(), LinkExpr)
	switch a := a.(type) {
	case *syntax.UnaryExpr:
		if bu, ok := b.(*syntax.UnaryExpr); ok {
			p.expr(a.X, bu.X)
		}
	case *syntax.BinaryExpr:
		if bb, ok := b.(*syntax.BinaryExpr); ok {
			p.expr(a.X, bb.X)
			p.expr(a.Y, bb.Y)
		}
	case *syntax.AssignExpr:
		if bb, ok := b.(*syntax.AssignExpr); ok {
			p.expr(a.X, bb.X)
			p.expr(a.Y, bb.Y)
		}
	case *syntax.CondExpr:
		if bb, ok := b.(*syntax.CondExpr); ok {
			p.expr(a.Cond, bb.Cond)
			p.expr(a.X, bb.X)
			p.expr(a.Y, bb.Y)
		}
	case *syntax.ParenExpr:
		if bb, ok := b.(*syntax.ParenExpr); ok {
			p.expr(a.X, bb.X)
		}
	case *syntax.CallExpr:
		if bb, ok := b.(*syntax.CallExpr); ok && len(bb.Args) == len(a.Args) {
			for i := range a.Args {
				p.expr(a.Args[i], bb.Args[i])
			}
		}
	}
}

func (p *pairer) prop(a, b syntax.Prop) {
	if a == nil || b == nil {
		return
	}
	if _, ok := a.(*syntax.ParenProp); !ok {
		for {
			pb, ok := b.(*syntax.ParenProp)
			if !ok {
				break
			}
			b = pb.X
		}
	}
	p.link(a, b.GetSpan(), LinkAtom)
	switch a := a.(type) {
	case *syntax.NotProp:
		if bb, ok := b.(*syntax.NotProp); ok {
			p.prop(a.X, bb.X)
		}
	case *syntax.AndProp:
		if bb, ok := b.(*syntax.AndProp); ok {
			p.prop(a.X, bb.X)
			p.prop(a.Y, bb.Y)
		}
	case *syntax.OrProp:
		if bb, ok := b.(*syntax.OrProp); ok {
			p.prop(a.X, bb.X)
			p.prop(a.Y, bb.Y)
		}
	case *syntax.ImpliesProp:
		if bb, ok := b.(*syntax.ImpliesProp); ok {
			p.prop(a.X, bb.X)
			p.prop(a.Y, bb.Y)
		}
	case *syntax.ParenProp:
		if bb, ok := b.(*syntax.ParenProp); ok {
			p.prop(a.X, bb.X)
		}
	}
}
