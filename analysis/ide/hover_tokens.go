package ide

import (
	"bytes"
	"sort"

	"github.com/litmusls/litmusls/syntax"
)

// A TokenType classifies a token for syntax colouring.
type TokenType int

// The token types, from the reference index and the tree.
const (
	TokenPrimitive TokenType = iota // a kernel primitive or a BPF atomic mnemonic
	TokenVariable                   // a shared variable
	TokenRegister                   // a register
	TokenThread                     // a thread's name
	TokenKeyword                    // exists, forall, filter, locations, if, else, while, true, false, C, BPF, goto
	TokenTypeName                   // a C type name ("int", "spinlock_t")
	TokenNumber                     // an integer
	TokenComment                    // a comment
	NumTokenTypes
)

var tokenTypeNames = [NumTokenTypes]string{"primitive", "variable", "register", "thread", "keyword", "type", "number", "comment"}

func (t TokenType) String() string {
	if t < 0 || t >= NumTokenTypes {
		return "?"
	}
	return tokenTypeNames[t]
}

// A Token is one coloured range of a test.
type Token struct {
	Span syntax.Span
	Type TokenType
	Decl bool // the token declares the name (a local, a parameter, an init item, a thread)
}

// Tokens classifies the names, keywords, numbers and comments of f, whose
// source is src, for syntax colouring. The tokens are sorted and do not
// overlap; a token may span lines (a block comment).
func Tokens(f *syntax.File, src []byte) []Token {
	if f == nil {
		return nil
	}
	var toks []Token
	add := func(sp syntax.Span, t TokenType, decl bool) {
		if sp.Start >= 0 && sp.End > sp.Start && sp.End <= len(src) {
			toks = append(toks, Token{sp, t, decl})
		}
	}
	// keyword adds word as a keyword if src has it at off.
	keyword := func(off int, word string) {
		if off >= 0 && off+len(word) <= len(src) && string(src[off:off+len(word)]) == word {
			add(syntax.Span{Start: off, End: off + len(word)}, TokenKeyword, false)
		}
	}

	ix := newIndex(f, src)
	for _, r := range ix.refs {
		switch r.Kind {
		case RefPrimitive:
			add(r.Span, TokenPrimitive, false)
		case RefVariable:
			add(r.Span, TokenVariable, r.Decl)
		case RefRegister:
			add(r.Span, TokenRegister, r.Decl)
		case RefThread:
			add(r.Span, TokenThread, true)
		}
	}

	add(f.ArchSpan, TokenKeyword, false)
	for _, c := range f.Comments {
		add(c.Span, TokenComment, false)
	}
	if f.Locations != nil {
		keyword(f.Locations.Span.Start, "locations")
	}
	if f.Filter != nil {
		keyword(f.Filter.Span.Start, "filter")
		propTokens(f.Filter.Prop, add)
	}
	if f.Cond != nil {
		add(f.Cond.QuantSpan, TokenKeyword, false)
		propTokens(f.Cond.Prop, add)
	}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Type != nil {
				add(typeNameSpan(it.Type), TokenTypeName, false)
			}
			if it.Value != nil {
				syntax.InspectExpr(it.Value, func(e syntax.Expr) { exprTokens(e, add) })
			}
		}
	}
	for _, th := range f.Threads {
		for _, p := range th.Params {
			if p.Type != nil {
				add(typeNameSpan(p.Type), TokenTypeName, false)
			}
		}
		if th.Body != nil {
			syntax.InspectStmt(th.Body, func(s syntax.Stmt) {
				switch s := s.(type) {
				case *syntax.DeclStmt:
					if s.Type != nil {
						add(typeNameSpan(s.Type), TokenTypeName, false)
					}
				case *syntax.IfStmt:
					keyword(s.Span.Start, "if")
					if s.Else != nil && s.Then != nil {
						gap := syntax.Span{Start: s.Then.GetSpan().End, End: s.Else.GetSpan().Start}
						if gap.Start >= 0 && gap.End <= len(src) && gap.Start <= gap.End {
							if k := bytes.Index(src[gap.Start:gap.End], []byte("else")); k >= 0 {
								keyword(gap.Start+k, "else")
							}
						}
					}
				case *syntax.WhileStmt:
					keyword(s.Span.Start, "while")
				}
			}, func(e syntax.Expr) { exprTokens(e, add) })
		}
		for _, in := range th.Instrs {
			instrTokens(in, src, add, keyword)
		}
	}

	sort.SliceStable(toks, func(i, j int) bool {
		if toks[i].Span.Start != toks[j].Span.Start {
			return toks[i].Span.Start < toks[j].Span.Start
		}
		return toks[i].Span.End < toks[j].Span.End
	})
	out := toks[:0]
	end := 0
	for _, t := range toks {
		if t.Span.Start < end {
			continue // overlaps the previous token
		}
		out = append(out, t)
		end = t.Span.End
	}
	return out
}

// typeNameSpan is the span of a type's base name, without its stars.
func typeNameSpan(t *syntax.Type) syntax.Span {
	return syntax.Span{Start: t.Span.Start, End: min(t.Span.End, t.Span.Start+len(t.Name))}
}

func exprTokens(e syntax.Expr, add func(syntax.Span, TokenType, bool)) {
	if n, ok := e.(*syntax.IntLit); ok {
		add(n.Span, TokenNumber, false)
	}
}

// propTokens adds the numbers and truth values of a condition.
func propTokens(p syntax.Prop, add func(syntax.Span, TokenType, bool)) {
	syntax.InspectProp(p, func(q syntax.Prop) {
		switch q := q.(type) {
		case *syntax.AtomProp:
			if q.Value.Reg == nil && q.Value.Symbol == "" {
				add(q.Value.Span, TokenNumber, false)
			}
		case *syntax.BoolProp:
			add(q.Span, TokenKeyword, false)
		}
	})
}

// instrTokens adds a BPF instruction's mnemonic, keywords and immediates.
func instrTokens(in *syntax.Instr, src []byte, add func(syntax.Span, TokenType, bool), keyword func(int, string)) {
	if o := in.Src; o != nil && !o.IsReg {
		add(o.Span, TokenNumber, false)
	}
	if in.Span.Start < 0 || in.Span.End > len(src) || in.Span.Start >= in.Span.End {
		return
	}
	text := src[in.Span.Start:in.Span.End]
	find := func(word string) int {
		k := bytes.Index(text, []byte(word))
		if k < 0 {
			return -1
		}
		return in.Span.Start + k
	}
	switch in.Kind {
	case syntax.InstrLoadAcquire, syntax.InstrStoreRelease, syntax.InstrAtomic, syntax.InstrAtomicFetch, syntax.InstrXchg, syntax.InstrCmpxchg:
		word := bpfMnemonic(in)
		if k := find(word); k >= 0 {
			add(syntax.Span{Start: k, End: k + len(word)}, TokenPrimitive, false)
		}
	case syntax.InstrGoto:
		keyword(find("goto"), "goto")
	case syntax.InstrCondJump:
		keyword(in.Span.Start, "if")
		keyword(find("goto"), "goto")
	}
}
