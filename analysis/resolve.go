package analysis

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
)

// CodeUndeclared marks a name a test uses but never declares: an
// identifier in a thread that is neither a parameter, a local, a register
// the thread assigns nor a variable of the init block (the test cannot be
// checked), or a register of the final condition or filter that its
// thread does not have (herd7 reads it as 0, which is rarely what the
// author meant).
const CodeUndeclared = "undeclared"

// resolve reports every undeclared name of f at once; the checker stops
// at the first one it meets.
func resolve(f *syntax.File) []Diagnostic {
	var out []Diagnostic
	globals := map[string]bool{}
	if f.Init != nil {
		for _, it := range f.Init.Items {
			if it.Loc.Thread < 0 {
				globals[it.Loc.Name] = true
			}
		}
	}
	regs := map[int]map[string]bool{} // the registers of each C thread
	names := map[int]string{}
	for _, th := range f.Threads {
		names[th.Index] = th.Name
		if th.Body == nil {
			continue
		}
		known := map[string]bool{"NULL": true}
		for _, p := range th.Params {
			if p.Name != nil {
				known[p.Name.Name] = true
			}
		}
		own, assigned := syntax.ThreadRegisters(th)
		for name := range assigned {
			own[name] = true
		}
		regs[th.Index] = own
		reported := map[string]bool{}
		syntax.InspectStmt(th.Body, func(syntax.Stmt) {}, func(e syntax.Expr) {
			id, ok := e.(*syntax.Ident)
			if !ok || known[id.Name] || own[id.Name] || globals[id.Name] {
				return
			}
			msg := fmt.Sprintf("undeclared: %s is not a parameter of %s, a local or a variable of the init block", id.Name, th.Name)
			if reported[id.Name] {
				msg = fmt.Sprintf("undeclared: %s (again)", id.Name)
			}
			reported[id.Name] = true
			out = append(out, Diagnostic{Span: id.Span, Severity: SeverityError, Code: CodeUndeclared, Message: msg})
		})
	}
	prop := func(p syntax.Prop) {
		syntax.InspectProp(p, func(q syntax.Prop) {
			if a, ok := q.(*syntax.AtomProp); ok {
				out = append(out, condRegister(a.Loc, names, regs)...)
				if a.Value.Reg != nil {
					out = append(out, condRegister(*a.Value.Reg, names, regs)...)
				}
			}
		})
	}
	if f.Filter != nil {
		prop(f.Filter.Prop)
	}
	if f.Cond != nil {
		prop(f.Cond.Prop)
	}
	return out
}

// condRegister reports a register "T:r" of the final condition or filter
// that thread T does not have. Only C threads are judged: a BPF thread has
// every register r0 to r10.
func condRegister(l syntax.Location, names map[int]string, regs map[int]map[string]bool) []Diagnostic {
	if l.Thread < 0 {
		return nil
	}
	name, ok := names[l.Thread]
	if !ok {
		return []Diagnostic{{Span: l.Span, Severity: SeverityWarning, Code: CodeUndeclared,
			Message: fmt.Sprintf("the test has no thread %d, so %d:%s is always 0", l.Thread, l.Thread, l.Name)}}
	}
	own, isC := regs[l.Thread]
	if !isC || own[l.Name] {
		return nil
	}
	return []Diagnostic{{Span: l.Span, Severity: SeverityWarning, Code: CodeUndeclared,
		Message: fmt.Sprintf("%s has no register %s, so %d:%s is always 0", name, l.Name, l.Thread, l.Name)}}
}
