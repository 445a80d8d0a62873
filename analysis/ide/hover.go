package ide

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// HoverOptions configure [HoverOptions.Hover]. The zero value shows every
// architecture.
type HoverOptions struct {
	// Archs are the architectures whose lowering a primitive's hover
	// shows, in this order; empty means all of [primitive.Archs].
	Archs []primitive.Arch
	// Src is the source f was parsed from, or nil. With it, names inside
	// locations and BPF memory operands are found exactly.
	Src []byte
}

// Hover describes what is at byte offset off of f, as markdown, with the
// span it describes, using the default options. res is the checker's
// result for f, or nil when there is none yet. See [HoverOptions.Hover].
func Hover(f *syntax.File, res *checker.Result, off int) (markdown string, span syntax.Span, ok bool) {
	return HoverOptions{}.Hover(f, res, off)
}

// Hover describes what is at byte offset off of f:
//
//   - a primitive: its meaning in the memory model, its events, and a table
//     of its code and cost on each architecture of o.Archs;
//   - a BPF memory instruction: the same, for the JIT compilers;
//   - a register: its final values across the reachable states;
//   - a shared variable: its type, initial value and final values;
//   - the final condition: the verdict and the table of reachable states.
//
// res is the checker's result for f, or nil; without it, registers,
// variables and the condition say what they can without one. ok is false
// when there is nothing to say at off.
func (o HoverOptions) Hover(f *syntax.File, res *checker.Result, off int) (markdown string, span syntax.Span, ok bool) {
	if f == nil {
		return "", syntax.Span{}, false
	}
	ix := newIndex(f, o.Src)
	r, ok := ix.at(off)
	if !ok {
		return "", syntax.Span{}, false
	}
	switch r.Kind {
	case RefPrimitive:
		d, ok := primitive.Lookup(r.Name)
		if !ok {
			return "", syntax.Span{}, false
		}
		return d.Markdown(o.Archs), r.Span, true
	case RefInstr:
		d, ok := primitive.BPFInstruction(r.Instr)
		if !ok {
			return "", syntax.Span{}, false
		}
		return d.Markdown(o.Archs), r.Span, true
	case RefRegister:
		return hoverRegister(ix, r, res), r.Span, true
	case RefVariable:
		return hoverVariable(ix, r, res), r.Span, true
	case RefThread:
		return hoverThread(ix, r), r.Span, true
	case RefCond:
		return hoverCond(f, res), f.Cond.Span, true
	}
	return "", syntax.Span{}, false
}

// noResult says why a hover has no values to show, or "" when res can be
// used.
func noResult(res *checker.Result) string {
	switch {
	case res == nil:
		return "_No check result yet._"
	case len(res.Errors) > 0:
		return "_The test could not be checked: " + res.Errors[0].Msg + "._"
	}
	return ""
}

// valueCounts counts, for the location key ("1:r0", "[x]"), the states of
// res that give it each value. It returns the values in first-seen order
// (res.States is sorted, so that is numeric order for numbers), and false
// when no state shows the location.
func valueCounts(res *checker.Result, key string) ([]string, map[string]int, bool) {
	var order []string
	counts := map[string]int{}
	for _, st := range res.States {
		for _, b := range st {
			if b.Loc != key {
				continue
			}
			if counts[b.Value] == 0 {
				order = append(order, b.Value)
			}
			counts[b.Value]++
		}
	}
	return order, counts, len(order) > 0
}

// plural returns "1 state" or "n states".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// finalValues renders the final values of the location key, as
// "`1:r0`: 0 in 2 states, 1 in 1 state".
func finalValues(res *checker.Result, key, what string) string {
	if msg := noResult(res); msg != "" {
		return msg
	}
	order, counts, ok := valueCounts(res, key)
	if !ok {
		return fmt.Sprintf("_Final values not shown: herd7 reports only the locations the condition or a `locations [...]` clause names; add `%s` to `locations` to see %s._", key, what)
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = fmt.Sprintf("%s in %s", v, plural(counts[v], "state"))
	}
	s := fmt.Sprintf("Final values of `%s`: %s (of %s).", key, strings.Join(parts, ", "), plural(len(res.States), "reachable state"))
	if len(order) == 1 {
		s = fmt.Sprintf("`%s` is always %s at the end (%s).", key, order[0], plural(len(res.States), "reachable state"))
	}
	if res.Cutoff {
		s += " The check was cut off: there may be more."
	}
	return s
}

func hoverRegister(ix *index, r *Ref, res *checker.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**register** `%s` of P%d", r.Name, r.Thread)
	if d, ok := ix.registerDecl(r.Thread, r.Name); ok && d.typ != "" {
		fmt.Fprintf(&b, " · `%s`", d.typ)
	}
	b.WriteString("\n\n")
	b.WriteString(finalValues(res, fmt.Sprintf("%d:%s", r.Thread, r.Name), "its values"))
	return b.String()
}

func hoverVariable(ix *index, r *Ref, res *checker.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**shared variable** `%s`", r.Name)
	typ, init := ix.variableInfo(r.Name)
	if typ != "" {
		fmt.Fprintf(&b, " · `%s`", typ)
	}
	b.WriteString("\n\n")
	if init != "" {
		fmt.Fprintf(&b, "Initial value: `%s`.", init)
	} else {
		b.WriteString("Initial value: 0 (not set in the init block).")
	}
	if users := ix.threadsUsing(r.Name); len(users) > 0 {
		fmt.Fprintf(&b, " Used by %s.", strings.Join(users, ", "))
	}
	b.WriteString("\n\n")
	b.WriteString(finalValues(res, "["+r.Name+"]", "its final values"))
	return b.String()
}

func hoverThread(ix *index, r *Ref) string {
	var regs, vars []string
	seenR, seenV := map[string]bool{}, map[string]bool{}
	for _, x := range ix.refs {
		if x.Thread != r.Thread {
			continue
		}
		switch {
		case x.Kind == RefRegister && !seenR[x.Name]:
			seenR[x.Name] = true
			regs = append(regs, "`"+x.Name+"`")
		case x.Kind == RefVariable && !seenV[x.Name]:
			seenV[x.Name] = true
			vars = append(vars, "`"+x.Name+"`")
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**thread** `%s`", r.Name)
	if len(vars) > 0 {
		fmt.Fprintf(&b, "\n\nShared variables: %s.", strings.Join(vars, ", "))
	}
	if len(regs) > 0 {
		fmt.Fprintf(&b, "\n\nRegisters: %s.", strings.Join(regs, ", "))
	}
	return b.String()
}

// hoverCond renders the verdict and the reachable states, each marked with
// whether it satisfies the condition.
func hoverCond(f *syntax.File, res *checker.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — %s\n\n", f.Cond.Quant, quantMeaning(f.Cond.Quant))
	if msg := noResult(res); msg != "" {
		b.WriteString(msg)
		return b.String()
	}
	if res.Cutoff {
		// A partial count proves nothing either way: no verdict.
		fmt.Fprintf(&b, "**Cut off**: no verdict. So far %s satisfy the condition, %s do not.\n\n",
			plural(res.Positive, "execution"), plural(res.Negative, "execution"))
	} else {
		fmt.Fprintf(&b, "**%s**: the condition %s. %s satisfy it, %s do not.\n\n",
			res.Verdict, map[bool]string{true: "holds as the quantifier asks", false: "does not hold as the quantifier asks"}[res.Ok],
			plural(res.Positive, "execution"), plural(res.Negative, "execution"))
	}
	if len(res.Flags) > 0 {
		fmt.Fprintf(&b, "Flags: %s.\n\n", strings.Join(res.Flags, ", "))
	}
	if len(res.States) == 0 {
		b.WriteString("No execution is allowed.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "%s:\n\n", plural(len(res.States), "reachable state"))
	cols := locKeys(res.States)
	b.WriteString("| ")
	for _, c := range cols {
		b.WriteString("`" + c + "` | ")
	}
	b.WriteString("condition |\n|")
	b.WriteString(strings.Repeat("---|", len(cols)+1))
	b.WriteByte('\n')
	for i, st := range res.States {
		vals := map[string]string{}
		for _, bd := range st {
			vals[bd.Loc] = bd.Value
		}
		b.WriteString("| ")
		for _, c := range cols {
			b.WriteString(vals[c] + " | ")
		}
		holds, known := stateHolds(f.Cond.Prop, vals)
		if i < len(res.Witnesses) && res.Witnesses[i] != nil {
			holds, known = res.Witnesses[i].Cond, true
		}
		switch {
		case !known:
			b.WriteString("? |\n")
		case holds:
			b.WriteString("✓ |\n")
		default:
			b.WriteString("✗ |\n")
		}
	}
	if res.Reason != nil && res.Reason.Check != "" {
		fmt.Fprintf(&b, "\nThe outcome is forbidden by the **%s** check.", res.Reason.Check)
		if c := res.Reason.CycleString(); c != "" {
			fmt.Fprintf(&b, " `%s`", c)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// quantMeaning says what the quantifier asks.
func quantMeaning(q syntax.Quantifier) string {
	switch q {
	case syntax.NotExists:
		return "no allowed execution may satisfy the condition."
	case syntax.Forall:
		return "every allowed execution must satisfy the condition."
	}
	return "some allowed execution satisfies the condition."
}

// locKeys lists the locations of the states, in the order of the first
// state (herd7 shows the same locations in every state).
func locKeys(states []checker.State) []string {
	seen := map[string]bool{}
	var keys []string
	for _, st := range states {
		for _, b := range st {
			if !seen[b.Loc] {
				seen[b.Loc] = true
				keys = append(keys, b.Loc)
			}
		}
	}
	return keys
}

// stateHolds evaluates a condition on the final values of a state, keyed
// as herd7 prints locations ("0:r1", "[x]"). known is false when the state
// lacks a location the condition needs.
func stateHolds(p syntax.Prop, vals map[string]string) (holds, known bool) {
	switch p := p.(type) {
	case *syntax.AtomProp:
		x, ok := vals[locKey(p.Loc)]
		if !ok {
			return false, false
		}
		var y string
		switch {
		case p.Value.Reg != nil:
			if y, ok = vals[locKey(*p.Value.Reg)]; !ok {
				return false, false
			}
		case p.Value.Symbol != "":
			y = p.Value.Symbol
		default:
			y = strconv.FormatInt(p.Value.Int, 10)
		}
		eq := x == y
		if p.Op == "!=" {
			return !eq, true
		}
		return eq, true
	case *syntax.NotProp:
		h, k := stateHolds(p.X, vals)
		return !h, k
	case *syntax.AndProp:
		a, ka := stateHolds(p.X, vals)
		c, kc := stateHolds(p.Y, vals)
		return a && c, ka && kc || ka && !a || kc && !c
	case *syntax.OrProp:
		a, ka := stateHolds(p.X, vals)
		c, kc := stateHolds(p.Y, vals)
		return a || c, ka && kc || ka && a || kc && c
	case *syntax.ImpliesProp:
		a, ka := stateHolds(p.X, vals)
		c, kc := stateHolds(p.Y, vals)
		return !a || c, ka && kc || ka && !a || kc && c
	case *syntax.BoolProp:
		return p.Value, true
	case *syntax.ParenProp:
		return stateHolds(p.X, vals)
	}
	return false, false
}

// locKey is a location as herd7 prints it in states.
func locKey(l syntax.Location) string {
	if l.Thread >= 0 {
		return fmt.Sprintf("%d:%s", l.Thread, l.Name)
	}
	return "[" + l.Name + "]"
}

// A regDecl is where a register is declared or first set.
type regDecl struct {
	span syntax.Span // the name at its declaration
	typ  string      // the declared type, or ""
}

// registerDecl finds the declaration of register name of thread t: a
// local's declaration, else an init item "t:name=...", else its first
// assignment (BPF: the first instruction that sets it).
func (ix *index) registerDecl(t int, name string) (regDecl, bool) {
	var th *syntax.Thread
	for _, x := range ix.f.Threads {
		if x.Index == t {
			th = x
			break
		}
	}
	if th != nil && th.Body != nil {
		var found *regDecl
		syntax.InspectStmt(th.Body, func(s syntax.Stmt) {
			if d, ok := s.(*syntax.DeclStmt); ok && found == nil && d.Name != nil && d.Name.Name == name {
				found = &regDecl{span: d.Name.Span, typ: typeString(d.Type)}
			}
		}, func(syntax.Expr) {})
		if found != nil {
			return *found, true
		}
	}
	if ix.f.Init != nil {
		for _, it := range ix.f.Init.Items {
			if it.Loc.Thread == t && it.Loc.Name == name {
				return regDecl{span: ix.nameSpan(it.Loc), typ: typeString(it.Type)}, true
			}
		}
	}
	if th == nil {
		return regDecl{}, false
	}
	if th.Body != nil {
		var found *regDecl
		syntax.InspectStmt(th.Body, func(syntax.Stmt) {}, func(e syntax.Expr) {
			if a, ok := e.(*syntax.AssignExpr); ok && found == nil {
				if id, ok := a.X.(*syntax.Ident); ok && id.Name == name {
					found = &regDecl{span: id.Span}
				}
			}
		})
		if found != nil {
			return *found, true
		}
	}
	for _, in := range th.Instrs {
		if in.Dst != nil && in.Dst.IsReg && "r"+strconv.Itoa(in.Dst.Reg) == name && in.Kind != syntax.InstrCondJump {
			return regDecl{span: in.Dst.Span}, true
		}
	}
	return regDecl{}, false
}

// variableInfo returns the type and initial value of shared variable name,
// as written in the init block (or, for the type, in a thread's parameter
// list: "int *x" makes x an int).
func (ix *index) variableInfo(name string) (typ, init string) {
	if ix.f.Init != nil {
		for _, it := range ix.f.Init.Items {
			if it.Loc.Thread < 0 && it.Loc.Name == name {
				typ = typeString(it.Type)
				if it.Value != nil {
					init = exprString(it.Value)
				}
				break
			}
		}
	}
	if typ == "" {
		for _, th := range ix.f.Threads {
			for _, p := range th.Params {
				if p.Name != nil && p.Name.Name == name && p.Type != nil {
					t := *p.Type
					t.Stars = max(0, t.Stars-1)
					return typeString(&t), init
				}
			}
		}
	}
	return typ, init
}

// threadsUsing names the threads that take the variable as a parameter or
// use it.
func (ix *index) threadsUsing(name string) []string {
	seen := map[int]bool{}
	var out []int
	for _, r := range ix.refs {
		if r.Kind == RefVariable && r.Name == name && r.Thread >= 0 && !seen[r.Thread] {
			seen[r.Thread] = true
			out = append(out, r.Thread)
		}
	}
	sort.Ints(out)
	names := make([]string, len(out))
	for i, t := range out {
		names[i] = fmt.Sprintf("P%d", t)
	}
	return names
}

// typeString writes a type as C does: "int", "int *".
func typeString(t *syntax.Type) string {
	if t == nil {
		return ""
	}
	if t.Stars == 0 {
		return t.Name
	}
	return t.Name + " " + strings.Repeat("*", t.Stars)
}

// exprString writes the simple expressions of init blocks.
func exprString(e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.IntLit:
		if e.Text != "" {
			return e.Text
		}
		return strconv.FormatInt(e.Value, 10)
	case *syntax.Ident:
		return e.Name
	case *syntax.UnaryExpr:
		return e.Op + exprString(e.X)
	case *syntax.ParenExpr:
		return "(" + exprString(e.X) + ")"
	case *syntax.CallExpr:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = exprString(a)
		}
		name := ""
		if e.Fun != nil {
			name = e.Fun.Name
		}
		return name + "(" + strings.Join(args, ", ") + ")"
	}
	return "…"
}
