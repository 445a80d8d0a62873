package ide

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/syntax"
)

// A CompletionKind says what a completion inserts.
type CompletionKind int

const (
	CompletePrimitive CompletionKind = iota
	CompleteVariable
	CompleteRegister
	CompleteKeyword
)

// A Completion is one suggestion at a cursor.
type Completion struct {
	Label   string // what the list shows
	Kind    CompletionKind
	Detail  string // a signature or a type
	Doc     string // one line of documentation, or ""
	Insert  string // the text to insert
	Snippet bool   // Insert is an LSP snippet with ${1:placeholders}
}

// Complete suggests what may be written at byte offset off of f, whose
// source is src:
//
//   - in a C thread: every primitive (a snippet with its arguments), the
//     thread's shared variables and its registers;
//   - in a final clause (exists, forall, filter, locations): registers as
//     "1:r0" (after "1:", that thread's registers alone) and shared
//     variables;
//   - after the threads, before any final clause: the keywords that start
//     one.
//
// It returns nil where it has nothing to offer. The client filters by
// what has been typed.
func Complete(f *syntax.File, src []byte, off int) []Completion {
	if f == nil || off < 0 || off > len(src) {
		return nil
	}
	ix := newIndex(f, src)
	for _, th := range f.Threads {
		if th.Body != nil && th.Body.Span.Start < off && (off < th.Body.Span.End || th.Body.Span.End <= th.Body.Span.Start) {
			return ix.completeThread(th, off)
		}
	}
	// A final clause: after the last thread (or the init block, if none).
	after := 0
	if f.Init != nil {
		after = f.Init.Span.End
	}
	for _, th := range f.Threads {
		after = max(after, th.Span.End)
	}
	if off < after || after == 0 {
		return nil
	}
	if f.Dialect == syntax.DialectBPF && len(f.Threads) > 0 && f.Program.End > off {
		return nil // inside the instruction columns
	}
	tail := src[after:off]
	inClause := false
	for _, kw := range []string{"exists", "forall", "filter", "locations"} {
		if bytes.Contains(tail, []byte(kw)) {
			inClause = true
		}
	}
	if !inClause {
		var out []Completion
		for _, kw := range []string{"exists", "~exists", "forall", "locations", "filter"} {
			out = append(out, Completion{Label: kw, Kind: CompleteKeyword, Detail: "final clause", Insert: kw})
		}
		return out
	}
	return ix.completeClause(src, off)
}

// completeThread suggests primitives, the thread's variables and its
// registers.
func (ix *index) completeThread(th *syntax.Thread, off int) []Completion {
	var out []Completion
	names := primitive.Names()
	sort.Strings(names)
	for _, name := range names {
		d, _ := primitive.Lookup(name)
		if name == "ATOMIC_INIT" {
			continue // init blocks only
		}
		out = append(out, Completion{
			Label: name, Kind: CompletePrimitive, Detail: d.Signature(), Doc: d.Summary,
			Insert: d.Snippet(), Snippet: true,
		})
	}
	for _, p := range th.Params {
		if p.Name == nil || p.Name.Name == "" {
			continue
		}
		out = append(out, Completion{Label: p.Name.Name, Kind: CompleteVariable, Detail: typeString(p.Type), Doc: "shared variable", Insert: p.Name.Name})
	}
	seen := map[string]bool{}
	for _, r := range ix.refs {
		if r.Kind != RefRegister || r.Thread != th.Index || seen[r.Name] || r.Span.Start >= off {
			continue
		}
		seen[r.Name] = true
		detail := "register"
		if d, ok := ix.registerDecl(th.Index, r.Name); ok && d.typ != "" {
			detail = d.typ
		}
		out = append(out, Completion{Label: r.Name, Kind: CompleteRegister, Detail: detail, Doc: "register of " + th.Name, Insert: r.Name})
	}
	return out
}

// completeClause suggests the locations of a final clause.
func (ix *index) completeClause(src []byte, off int) []Completion {
	regs := ix.registers()
	// After "N:", only thread N's registers, inserted bare.
	i := off
	for i > 0 && isWordByte(src[i-1]) {
		i--
	}
	if i > 0 && src[i-1] == ':' {
		j := i - 1
		for j > 0 && src[j-1] >= '0' && src[j-1] <= '9' {
			j--
		}
		if t, err := strconv.Atoi(string(src[j : i-1])); err == nil {
			var out []Completion
			for _, r := range regs[t] {
				out = append(out, Completion{Label: r, Kind: CompleteRegister, Detail: fmt.Sprintf("register of P%d", t), Insert: r})
			}
			return out
		}
	}
	var out []Completion
	threads := make([]int, 0, len(regs))
	for t := range regs {
		threads = append(threads, t)
	}
	sort.Ints(threads)
	for _, t := range threads {
		for _, r := range regs[t] {
			label := fmt.Sprintf("%d:%s", t, r)
			out = append(out, Completion{Label: label, Kind: CompleteRegister, Detail: fmt.Sprintf("register of P%d", t), Insert: label})
		}
	}
	for _, v := range ix.variables() {
		typ, _ := ix.variableInfo(v)
		out = append(out, Completion{Label: v, Kind: CompleteVariable, Detail: typ, Doc: "shared variable", Insert: v})
	}
	return out
}

func isWordByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// registers lists each thread's registers, in order of first appearance.
func (ix *index) registers() map[int][]string {
	out := map[int][]string{}
	seen := map[string]bool{}
	for _, r := range ix.refs {
		if r.Kind != RefRegister || r.Thread < 0 {
			continue
		}
		key := fmt.Sprintf("%d:%s", r.Thread, r.Name)
		if !seen[key] {
			seen[key] = true
			out[r.Thread] = append(out[r.Thread], r.Name)
		}
	}
	return out
}

// variables lists the shared variables, sorted.
func (ix *index) variables() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range ix.refs {
		if r.Kind == RefVariable && !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}
