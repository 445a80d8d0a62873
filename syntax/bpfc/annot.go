package bpfc

import (
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file reads the "litmus:" annotations out of comments and parses
// the propositions of conditions and filters.

// An annot is one "litmus: KEYWORD ARG" annotation.
type annot struct {
	Kind     string      // "test", "with", "thread", "threads", "exists", "~exists", "forall", "filter", "expect", "cpu", "param"
	Arg      string      // the rest of the annotation, as written (may span lines in a block comment)
	ArgStart int         // byte offset of Arg in the file
	Span     syntax.Span // the annotation, from "litmus:" to the end of its argument
	Comment  syntax.Span // the whole comment
}

// annotKinds lists the keywords an annotation may start with.
var annotKinds = map[string]bool{
	"test": true, "with": true, "thread": true, "exists": true, "~exists": true,
	"forall": true, "filter": true, "expect": true, "threads": true, "cpu": true, "param": true,
}

// annotations returns the annotations of the comments of root, in source
// order, and notes for the malformed ones.
func annotations(root *cnode, src []byte, file string, notes *[]Note) []*annot {
	var out []*annot
	walk(root, func(n *cnode) bool {
		if n.Type != "comment" {
			return true
		}
		out = append(out, commentAnnots(n, src, file, notes)...)
		return false
	})
	return out
}

// commentAnnots parses the annotations of one comment. A line comment
// holds at most one; in a block comment each line that starts with
// "litmus:" (after spaces and a '*') starts one, and the lines after it
// continue it.
func commentAnnots(n *cnode, src []byte, file string, notes *[]Note) []*annot {
	text := n.text(src)
	body, off := text, n.Start
	switch {
	case strings.HasPrefix(text, "//"):
		body, off = text[2:], n.Start+2
	case strings.HasPrefix(text, "/*"):
		body, off = strings.TrimSuffix(text[2:], "*/"), n.Start+2
	}
	if !strings.Contains(body, "litmus:") {
		return nil
	}
	var out []*annot
	var cur *annot
	lineStart := 0
	for lineStart <= len(body) {
		lineEnd := strings.IndexByte(body[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(body)
		} else {
			lineEnd += lineStart
		}
		line := body[lineStart:lineEnd]
		trim := strings.TrimLeft(line, " \t*")
		lead := len(line) - len(trim)
		if rest, ok := strings.CutPrefix(trim, "litmus:"); ok {
			start := off + lineStart + lead
			word := strings.Fields(rest)
			kind := ""
			if len(word) > 0 {
				kind = word[0]
			}
			argRel := len("litmus:")
			if kind != "" {
				argRel = len("litmus:") + strings.Index(rest, kind) + len(kind)
			}
			cur = &annot{Kind: kind, ArgStart: start + argRel, Comment: syntax.Span{Start: n.Start, End: n.End}}
			cur.Arg = trim[argRel:]
			cur.Span = syntax.Span{Start: start, End: off + lineEnd}
			if !annotKinds[kind] {
				*notes = append(*notes, Note{Kind: NoteAnnotation, File: file, Span: cur.Span,
					Msg: "unknown litmus annotation " + strconv.Quote(kind) + " (want test, with, thread, threads, exists, ~exists, forall, filter, expect, cpu or param)"})
				cur = nil
			} else {
				out = append(out, cur)
			}
		} else if cur != nil && !strings.HasPrefix(text, "//") {
			cur.Arg += "\n" + line
			cur.Span.End = off + lineEnd
		}
		lineStart = lineEnd + 1
	}
	for _, a := range out {
		a.Arg = strings.TrimRight(a.Arg, " \t\n*")
		a.Span.End = a.ArgStart + len(a.Arg)
	}
	return out
}

// A pnode is a parsed proposition of an annotation, before its names are
// resolved to threads, registers and locations.
type pnode struct {
	Op           string      // "atom", "~", "/\\", "\\/", "->", "()", "true", "false"
	Span         syntax.Span // byte offsets in the C file
	X, Y         *pnode
	Thread, Name string      // atom: "THREAD" ("" for a global) and the local or global name
	LocSpan      syntax.Span // atom: the "THREAD:name" or "name" part
	Neq          bool        // atom: written "!="
	Value        int64       // atom: the integer compared with
	ValueSym     string      // atom: a global whose address is compared with, instead of Value
	ValueThread  string      // atom: with ValueSym, THREAD of "THREAD:local" when compared with another local
}

// propParser parses the propositions of exists, forall and filter: herd7's
// syntax (/\, \/, ~, ->) with C's spellings (&&, ||, !, ==) accepted too.
type propParser struct {
	s     string
	base  int // byte offset of s[0] in the file
	pos   int
	err   string
	errAt int
}

func parseProp(s string, base int) (*pnode, *syntax.Error) {
	p := &propParser{s: s, base: base}
	n := p.implies(0)
	p.space()
	if p.err == "" && p.pos < len(p.s) {
		p.fail("unexpected " + strconv.Quote(p.s[p.pos:min(len(p.s), p.pos+10)]))
	}
	if p.err != "" {
		return nil, &syntax.Error{Span: syntax.Span{Start: base + p.errAt, End: base + min(len(p.s), p.errAt+1)}, Msg: p.err}
	}
	return n, nil
}

func (p *propParser) fail(msg string) {
	if p.err == "" {
		p.err, p.errAt = msg, p.pos
	}
}

// space skips white space, and the '*' that starts the lines of a block
// comment.
func (p *propParser) space() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n*", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *propParser) eat(toks ...string) string {
	p.space()
	for _, t := range toks {
		if strings.HasPrefix(p.s[p.pos:], t) {
			p.pos += len(t)
			return t
		}
	}
	return ""
}

func (p *propParser) span(start int) syntax.Span {
	return syntax.Span{Start: p.base + start, End: p.base + p.pos}
}

const maxPropDepth = 100

func (p *propParser) implies(depth int) *pnode {
	p.space()
	start := p.pos
	x := p.or(depth)
	if p.eat("->") != "" {
		y := p.implies(depth + 1)
		return &pnode{Op: "->", X: x, Y: y, Span: p.span(start)}
	}
	return x
}

func (p *propParser) or(depth int) *pnode {
	p.space()
	start := p.pos
	x := p.and(depth)
	for p.err == "" && p.eat(`\/`, "||") != "" {
		y := p.and(depth)
		x = &pnode{Op: `\/`, X: x, Y: y, Span: p.span(start)}
	}
	return x
}

func (p *propParser) and(depth int) *pnode {
	p.space()
	start := p.pos
	x := p.unary(depth)
	for p.err == "" && p.eat(`/\`, "&&") != "" {
		y := p.unary(depth)
		x = &pnode{Op: `/\`, X: x, Y: y, Span: p.span(start)}
	}
	return x
}

func (p *propParser) unary(depth int) *pnode {
	if depth > maxPropDepth {
		p.fail("condition nested too deeply")
		return &pnode{Op: "true"}
	}
	p.space()
	start := p.pos
	if p.pos < len(p.s) && (p.s[p.pos] == '~' || p.s[p.pos] == '!') && !strings.HasPrefix(p.s[p.pos:], "!=") {
		p.pos++
		x := p.unary(depth + 1)
		return &pnode{Op: "~", X: x, Span: p.span(start)}
	}
	if p.eat("(") != "" {
		x := p.implies(depth + 1)
		if p.eat(")") == "" {
			p.fail("expected ')'")
		}
		return &pnode{Op: "()", X: x, Span: p.span(start)}
	}
	return p.atom()
}

func isWordByte(b byte) bool {
	return b == '_' || b == '.' || b == '[' || b == ']' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

func (p *propParser) word() string {
	p.space()
	start := p.pos
	for p.pos < len(p.s) && isWordByte(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// atom parses "THREAD:name=value", "name=value" ("==" and "!=" too), "true"
// and "false".
func (p *propParser) atom() *pnode {
	p.space()
	start := p.pos
	w := p.word()
	if w == "" {
		p.fail("expected THREAD:local=value or global=value")
		return &pnode{Op: "true"}
	}
	if w == "true" || w == "false" {
		return &pnode{Op: w, Span: p.span(start)}
	}
	n := &pnode{Op: "atom", Name: w}
	if p.pos < len(p.s) && p.s[p.pos] == ':' {
		p.pos++
		n.Thread = w
		n.Name = p.word()
		if n.Name == "" {
			p.fail("expected a local variable name after " + strconv.Quote(w+":"))
		}
	}
	n.LocSpan = p.span(start)
	switch p.eat("==", "!=", "=") {
	case "":
		p.fail("expected '=' or '!='")
		return n
	case "!=":
		n.Neq = true
	}
	p.space()
	vstart := p.pos
	neg := p.eat("-") != ""
	v := p.word()
	switch {
	case v == "":
		p.fail("expected a value")
	case '0' <= v[0] && v[0] <= '9':
		k, err := strconv.ParseInt(v, 0, 64)
		if err != nil {
			p.pos = vstart
			p.fail("bad number " + strconv.Quote(v))
		}
		if neg {
			k = -k
		}
		n.Value = k
	case neg:
		p.pos = vstart
		p.fail("expected a number after '-'")
	default:
		n.ValueSym = v
		if p.pos < len(p.s) && p.s[p.pos] == ':' {
			p.pos++
			n.ValueThread, n.ValueSym = v, p.word()
			if n.ValueSym == "" {
				p.fail("expected a local variable name after " + strconv.Quote(v+":"))
			}
		}
	}
	n.Span = p.span(start)
	return n
}
