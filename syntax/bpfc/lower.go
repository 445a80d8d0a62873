package bpfc

import (
	"fmt"
	"math"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file lowers one annotated C function to the body of an LKMM litmus
// thread, following ../shared/facts/bpf-to-lkmm.md: marked accesses and
// atomics become the kernel primitives with the same ordering, plain
// accesses stay plain, and what the model cannot express becomes a note.

// maxStmts bounds the statements one thread may generate (early returns
// copy the code after them into both branches of an if).
const maxStmts = 4000

// maxExprDepth bounds the nesting of expressions the lowering follows.
const maxExprDepth = 100

// A lowerer lowers one thread.
type lowerer struct {
	a        *assembler
	u        *unit
	th       *threadDef
	scopes   []map[string]*local
	names    map[string]bool   // register names taken in this thread
	condRegs map[string]string // C local name → register, for conditions (first declaration)
	pending  []string          // comments for the next statement
	pre      []syntax.Stmt     // statements the current statement needs first
	post     []syntax.Stmt     // statements the current statement needs after it
	waits    []wait
	usedHere map[*global]bool // locations this thread accesses
	count    int              // statements generated
	overflow bool             // maxStmts was reached
	depth    int
	quiet    int             // notes are suppressed while positive
	unknown  int             // values the translation could not compute so far
	tainted  map[string]bool // registers holding such a value
	inlined  []inlineFrame   // the functions being inlined, innermost last
}

// An inlineFrame is a function of the file being inlined at a call.
type inlineFrame struct {
	name string
	ret  string // the register of its result, or "" when unused
}

// maxInline bounds the nesting of inlined calls.
const maxInline = 4

// inline lowers a call to a function defined in the thread's file: its
// parameters become registers (or aliases, for pointers), its body is
// lowered before the statement holding the call, and its returns set the
// result register, which is the call's value. It returns nil, false when
// name is not such a function or cannot be inlined.
func (c *lowerer) inline(n *cnode, name string, args []*cnode, used bool) (syntax.Expr, bool) {
	fn := c.u.funcs[name]
	if fn == nil || fn.child("body") == nil {
		return nil, false
	}
	for _, f := range c.inlined {
		if f.name == name {
			c.notModeled(n, "recursive call to "+name)
			return nil, true
		}
	}
	if len(c.inlined) >= maxInline {
		c.notModeled(n, "call to "+name+" nested too deeply to inline")
		return nil, true
	}
	d := fn.child("declarator")
	for d != nil && d.Type != "function_declarator" {
		d = d.child("declarator")
	}
	var params []*cnode
	if d != nil && d.child("parameters") != nil {
		for _, p := range d.child("parameters").named() {
			if p.Type == "parameter_declaration" && declName(p.child("declarator"), c.u.src) != "" {
				params = append(params, p)
			}
		}
	}
	if len(params) != len(args) {
		c.notModeled(n, "call to "+name+" with "+fmt.Sprint(len(args))+" arguments for "+fmt.Sprint(len(params))+" parameters")
		return nil, true
	}
	// Arguments are evaluated in the caller's scope, then bound. What the
	// body could not compute reaches the caller only through the result.
	u0 := c.unknown
	saved := c.pre
	c.pre = nil
	var binds []syntax.Stmt
	scope := map[string]*local{}
	for i, p := range params {
		pd := p.child("declarator")
		pname := declName(pd, c.u.src)
		if pd.Type == "pointer_declarator" {
			scope[pname] = &local{isPtr: true, ptr: c.quietPointee(args[i])}
			continue
		}
		u0 := c.unknown
		x := c.expr(args[i])
		reg := c.newReg(pname)
		c.taint(reg, c.unknown > u0)
		scope[pname] = &local{reg: reg}
		binds = append(binds, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: reg}, Value: x}, args[i]))
	}
	frame := inlineFrame{name: name}
	if used {
		frame.ret = c.fresh(name + "_ret")
		binds = append(binds, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: frame.ret}})
	}
	binds = append(c.pre, binds...)
	c.inlined = append(c.inlined, frame)
	outer := c.scopes
	c.scopes = []map[string]*local{scope}
	body := c.block(fn.child("body"), nil)
	c.scopes = outer
	c.inlined = c.inlined[:len(c.inlined)-1]
	c.pre = append(append(saved, binds...), body)
	c.unknown = u0
	if !used {
		return nil, true
	}
	if c.tainted[frame.ret] {
		c.unknown++
	}
	return at(c, &syntax.Ident{Name: frame.ret}, n), true
}

// A wait is a spin-wait loop, modeled by its last iteration: its
// condition, in register reg, must be false at the end.
type wait struct {
	reg string
	loc Loc
}

// A local is a C local variable of a thread.
type local struct {
	reg    string // its register, for a scalar
	isPtr  bool
	ptr    *obj   // for a pointer: what it points to, or nil when unknown
	opaque string // for a local the translation does not model: why
}

// An obj is what an lvalue denotes.
type obj struct {
	g        *global // a shared location
	agg      string  // a struct object's C path ("g"), when g is nil
	skel     bool    // a libbpf skeleton section (skel->bss)
	reg      string  // a local scalar's register
	volatile bool    // reached through a volatile-qualified pointer
	arr      string  // a global array's C path: the whole array, or with dyn an element
	dyn      *cnode  // the index of an element computed at run time
}

// use marks g as accessed by the thread and returns its location name.
func (c *lowerer) use(g *global) string {
	if c.usedHere == nil {
		c.usedHere = map[*global]bool{}
	}
	c.usedHere[g] = true
	return c.a.use(g)
}

// uses reports whether the thread accessed g.
func (c *lowerer) uses(g *global) bool { return c.usedHere[g] }

func (c *lowerer) loc(n *cnode) Loc {
	return Loc{File: c.u.name, Span: syntax.Span{Start: n.Start, End: n.End}}
}

// at records that x came from n and returns x.
func at[T any](c *lowerer, x T, n *cnode) T {
	if n != nil {
		c.a.origin[x] = c.loc(n)
	}
	return x
}

// note records a note at n and leaves a comment for the generated code.
func (c *lowerer) note(n *cnode, kind NoteKind, msg string) {
	if c.quiet > 0 {
		return
	}
	l := c.loc(n)
	c.a.addNote(Note{Kind: kind, File: l.File, Span: l.Span, Msg: msg})
	// Duplicated code (after an early return) repeats the comment, not the note.
	p := c.u.lines.Position(n.Start)
	text := fmt.Sprintf("// %s (%s:%d)", msg, c.u.name, p.Line)
	c.pending = append(c.pending, strings.NewReplacer("\n", " ", "\r", " ").Replace(text))
}

func (c *lowerer) notModeled(n *cnode, what string) {
	c.note(n, NoteNotModeled, "not modeled: "+what)
}

func (c *lowerer) text(n *cnode) string { return n.text(c.u.src) }

// short returns n's text on one line, cut to a readable length.
func (c *lowerer) short(n *cnode) string {
	s := strings.Join(strings.Fields(c.text(n)), " ")
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// ---------------------------------------------------------------------------
// Names and scopes.

func (c *lowerer) lookup(name string) *local {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if l, ok := c.scopes[i][name]; ok {
			return l
		}
	}
	return nil
}

func (c *lowerer) declare(name string, l *local) {
	c.scopes[len(c.scopes)-1][name] = l
}

// newReg gives the C local cname a register name no location, primitive
// or other register of the thread uses.
func (c *lowerer) newReg(cname string) string {
	name := cname
	for i := 1; c.a.taken(name) || c.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", cname, i)
	}
	c.names[name] = true
	if _, ok := c.condRegs[cname]; !ok {
		c.condRegs[cname] = name
	}
	return name
}

// fresh makes a register for a value the translation introduces.
func (c *lowerer) fresh(base string) string {
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s%d", base, i)
		if !c.a.taken(name) && !c.names[name] {
			c.names[name] = true
			return name
		}
	}
}

// taint records whether register reg holds a value the translation could
// not compute.
func (c *lowerer) taint(reg string, unknown bool) {
	if c.tainted == nil {
		c.tainted = map[string]bool{}
	}
	c.tainted[reg] = unknown
}

// A snapshot is the lowering state a branch starts from.
type snapshot struct {
	scopes  []map[string]*local
	names   map[string]bool
	tainted map[string]bool
}

func (c *lowerer) save() snapshot {
	s := snapshot{names: map[string]bool{}, tainted: map[string]bool{}}
	for k, v := range c.names {
		s.names[k] = v
	}
	for k, v := range c.tainted {
		s.tainted[k] = v
	}
	for _, sc := range c.scopes {
		m := map[string]*local{}
		for k, v := range sc {
			cp := *v
			m[k] = &cp
		}
		s.scopes = append(s.scopes, m)
	}
	return s
}

func (c *lowerer) restore(s snapshot) {
	c.names = map[string]bool{}
	for k, v := range s.names {
		c.names[k] = v
	}
	c.tainted = map[string]bool{}
	for k, v := range s.tainted {
		c.tainted[k] = v
	}
	c.scopes = nil
	for _, sc := range s.scopes {
		m := map[string]*local{}
		for k, v := range sc {
			cp := *v
			m[k] = &cp
		}
		c.scopes = append(c.scopes, m)
	}
}

// ---------------------------------------------------------------------------
// Statements.

// function lowers the thread's function to its body.
func (c *lowerer) function() *syntax.BlockStmt {
	fn := c.th.fn
	c.scopes = []map[string]*local{{}}
	c.names = map[string]bool{}
	c.condRegs = map[string]string{}
	if d := fn.child("declarator"); d != nil {
		for d != nil && d.Type != "function_declarator" {
			d = d.child("declarator")
		}
		if ps := d.child("parameters"); ps != nil {
			for _, p := range ps.named() {
				if name := declName(p.child("declarator"), c.u.src); name != "" {
					c.declare(name, &local{opaque: "a parameter of the thread function"})
				}
			}
		}
	}
	body := fn.child("body")
	if body == nil {
		c.notModeled(fn, "a function without a body")
		return at(c, &syntax.BlockStmt{}, fn)
	}
	b := c.block(body, nil)
	if len(c.waits) > 0 {
		var decls []syntax.Stmt
		for _, w := range c.waits {
			decls = append(decls, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: w.reg}})
		}
		b.Stmts = append(decls, b.Stmts...)
	}
	return b
}

func intType() *syntax.Type { return &syntax.Type{Name: "int"} }

// block lowers a compound statement (or one statement as a block), with
// rest the statements that follow it (see seq).
func (c *lowerer) block(n *cnode, rest []*cnode) *syntax.BlockStmt {
	saved := c.pending
	c.pending = nil
	c.scopes = append(c.scopes, map[string]*local{})
	var nodes []*cnode
	if n != nil && n.Type == "compound_statement" {
		nodes = n.named()
	} else if n != nil {
		nodes = []*cnode{n}
	}
	stmts, _ := c.seq(append(nodes, rest...))
	c.scopes = c.scopes[:len(c.scopes)-1]
	b := &syntax.BlockStmt{Stmts: stmts}
	if n != nil {
		at(c, b, n)
	}
	c.a.tail[b] = c.pending
	c.pending = saved
	return b
}

// seq lowers a statement list. An if whose branches may return takes the
// rest of the list into its branches (the code after an early return runs
// only on the paths that do not return); term reports that the list was
// consumed that way or ended in a return.
func (c *lowerer) seq(nodes []*cnode) (out []syntax.Stmt, term bool) {
	for i := 0; i < len(nodes); i++ {
		n := nodes[i]
		if c.overflow {
			return out, true
		}
		if n.Type == "preproc_if" || n.Type == "preproc_ifdef" {
			// Translate the first branch, in place of the directive.
			c.note(n, NoteTranslation, "preprocessor conditional: only its first branch is translated")
			var branch []*cnode
			for _, k := range n.named() {
				if k.Field == "" {
					branch = append(branch, k)
				}
			}
			nodes = append(append(append([]*cnode(nil), nodes[:i]...), branch...), nodes[i+1:]...)
			i--
			continue
		}
		if loopMacro(n, c.u.src) {
			// bpf_for(i, 0, n) { ... } parses as a call, then a block.
			c.notModeled(n, "loop "+c.short(n))
			if i+1 < len(nodes) && nodes[i+1].Type != "return_statement" {
				i++
			}
			continue
		}
		rest := nodes[i+1:]
		switch {
		case n.Type == "if_statement" && mayReturn(n):
			out = c.emit(out, c.ifStmt(n, rest, true))
			return out, true
		case n.Type == "compound_statement" && mayReturn(n) && len(rest) > 0:
			out = c.emit(out, []syntax.Stmt{c.block(n, rest)})
			return out, true
		}
		ss, t := c.stmt(n)
		out = c.emit(out, ss)
		if t {
			return out, true
		}
	}
	return out, false
}

// loopMacros are the open-coded iterator macros of bpf_experimental.h.
var loopMacros = map[string]bool{"bpf_for": true, "bpf_for_each": true, "bpf_repeat": true}

// loopMacro reports whether n is a statement calling one of loopMacros.
func loopMacro(n *cnode, src []byte) bool {
	if n.Type != "expression_statement" {
		return false
	}
	nm := n.named()
	return len(nm) == 1 && nm[0].Type == "call_expression" && loopMacros[nm[0].child("function").text(src)]
}

// emit appends ss to out, giving the pending comments to the first.
func (c *lowerer) emit(out, ss []syntax.Stmt) []syntax.Stmt {
	if len(ss) == 0 {
		return out
	}
	c.count += len(ss)
	if c.count > maxStmts && !c.overflow {
		c.overflow = true
	}
	if len(c.pending) > 0 {
		c.a.lead[ss[0]] = append(c.a.lead[ss[0]], c.pending...)
		c.pending = nil
	}
	return append(out, ss...)
}

// mayReturn reports whether a return statement lies in n.
func mayReturn(n *cnode) bool {
	found := false
	walk(n, func(k *cnode) bool {
		if k.Type == "return_statement" {
			found = true
		}
		return !found
	})
	return found
}

// stmt lowers one statement; term reports a return.
func (c *lowerer) stmt(n *cnode) (out []syntax.Stmt, term bool) {
	c.pre, c.post = nil, nil
	if n.Truncated {
		c.notModeled(n, "code nested too deeply")
		return nil, false
	}
	var main []syntax.Stmt
	switch n.Type {
	case "compound_statement":
		return []syntax.Stmt{c.block(n, nil)}, false
	case "declaration":
		main = c.declaration(n)
	case "expression_statement":
		if nm := n.named(); len(nm) == 1 {
			if x := c.exprStmt(nm[0]); x != nil {
				main = []syntax.Stmt{at(c, &syntax.ExprStmt{X: x}, n)}
			}
		} else if len(nm) > 1 {
			c.notModeled(n, "statement "+c.short(n))
		}
	case "if_statement":
		return c.ifStmt(n, nil, false), false
	case "return_statement":
		nm := n.named()
		switch {
		case len(c.inlined) > 0 && c.inlined[len(c.inlined)-1].ret != "" && len(nm) == 1:
			// The return of an inlined function sets its result.
			ret := c.inlined[len(c.inlined)-1].ret
			u0 := c.unknown
			x := c.expr(nm[0])
			c.taint(ret, c.unknown > u0)
			main = []syntax.Stmt{at(c, &syntax.ExprStmt{X: at(c, &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: ret}, Y: x}, n)}, n)}
		case len(nm) == 1 && !c.constant(nm[0]):
			if x := c.exprStmt(nm[0]); x != nil && hasEffects(x) {
				main = []syntax.Stmt{at(c, &syntax.ExprStmt{X: x}, n)}
			}
		}
		term = true
	case "while_statement", "do_statement", "for_statement":
		main = c.loop(n)
	case "comment":
	case "break_statement", "continue_statement":
		c.notModeled(n, strings.TrimSuffix(n.Type, "_statement")+" outside a modeled loop")
	case "goto_statement", "labeled_statement", "switch_statement":
		c.notModeled(n, strings.TrimSuffix(n.Type, "_statement")+" statement")
	case "type_definition", "struct_specifier", "enum_specifier", "union_specifier", ";":
	default:
		if strings.HasPrefix(n.Type, "preproc_") {
			if strings.HasPrefix(strings.TrimSpace(c.text(n)), "#pragma") {
				break // #pragma unroll and friends: no effect on memory
			}
			c.notModeled(n, "preprocessor directive "+c.short(n))
		} else {
			c.notModeled(n, "code the C parser could not read: "+c.short(n))
		}
	}
	out = append(append(append(out, c.pre...), main...), c.post...)
	c.pre, c.post = nil, nil
	return out, term
}

// constant reports whether n is a number or a name that is neither a
// local nor a global (an enumerator or macro such as TC_ACT_OK): a
// returned value with no effect to translate.
func (c *lowerer) constant(n *cnode) bool {
	switch n.Type {
	case "number_literal", "char_literal", "true", "false", "null":
		return true
	case "identifier":
		name := c.text(n)
		return c.lookup(name) == nil && c.a.global(name) == nil && !c.a.isAgg(name)
	case "unary_expression", "parenthesized_expression":
		nm := n.named()
		return len(nm) == 1 && c.constant(nm[0])
	}
	return false
}

// ifStmt lowers an if statement; with consume, rest is lowered into each
// branch after the branch's own code.
func (c *lowerer) ifStmt(n *cnode, rest []*cnode, consume bool) []syntax.Stmt {
	c.pre, c.post = nil, nil
	u0 := c.unknown
	cond := c.cond(n.child("condition"))
	pre := c.pre
	c.pre = nil
	thenN := n.child("consequence")
	elseN := n.child("alternative")
	if elseN != nil && elseN.Type == "else_clause" {
		if nm := elseN.named(); len(nm) > 0 {
			elseN = nm[0]
		} else {
			elseN = nil
		}
	}
	if c.unknown > u0 {
		// The condition depends on a value the translation could not
		// compute: take the branch that carries on (past a guard that
		// returns, into the then branch otherwise), keeping the
		// condition's accesses.
		if hasEffects(cond) {
			pre = append(pre, at(c, &syntax.ExprStmt{X: cond}, n.child("condition")))
		}
		var rest2 []*cnode
		if consume {
			rest2 = rest
		}
		if thenN != nil && mayReturn(thenN) {
			c.notModeled(n.child("condition"), "condition "+c.short(n.child("condition"))+" depends on values not modeled: taken as false")
			return append(pre, c.block(elseN, rest2))
		}
		c.notModeled(n.child("condition"), "condition "+c.short(n.child("condition"))+" depends on values not modeled: taken as true")
		return append(pre, c.block(thenN, rest2))
	}
	s := at(c, &syntax.IfStmt{Cond: cond}, n)
	if !consume {
		s.Then = c.block(thenN, nil)
		if elseN != nil {
			s.Else = c.block(elseN, nil)
		}
		return append(pre, s)
	}
	snap := c.save()
	s.Then = c.block(thenN, rest)
	c.restore(snap)
	if elseN != nil || len(rest) > 0 {
		s.Else = c.block(elseN, rest)
		if elseN == nil {
			// The else branch is the code after the if: it maps to that code.
			delete(c.a.origin, s.Else)
		}
	}
	return append(pre, s)
}

// cond lowers the parenthesised condition of an if or a loop.
func (c *lowerer) cond(n *cnode) syntax.Expr {
	if n == nil {
		return &syntax.IntLit{Value: 1, Text: "1"}
	}
	if n.Type == "parenthesized_expression" {
		if nm := n.named(); len(nm) == 1 {
			n = nm[0]
		}
	}
	return c.expr(n)
}

// loop lowers a loop. A spin-wait loop (a condition and a body without
// effects) becomes one evaluation of its condition into a register that
// the scenario's filter requires to be false: the executions where the
// loop ends. Other loops are not modeled.
func (c *lowerer) loop(n *cnode) []syntax.Stmt {
	if n.Type == "for_statement" && (n.child("initializer") != nil || n.child("update") != nil) {
		if out, ok := c.unroll(n); ok {
			return out
		}
		c.notModeled(n, "loop "+c.short(n))
		return nil
	}
	condN := n.child("condition")
	body := n.child("body")
	var out []syntax.Stmt
	switch {
	case condN == nil:
		c.notModeled(n, "loop "+c.short(n))
		return nil
	case idle(body, c.u.src):
		c.note(n, NoteTranslation, "spin-wait loop modeled by its last iteration: the filter keeps the executions where it ends")
	case n.Type == "do_statement" && c.readOnly(body):
		// do { v = READ_ONCE(x); } while (!v): the last iteration runs the
		// body, then finds the condition false.
		c.note(n, NoteTranslation, "polling loop modeled by its last iteration: the filter keeps the executions where it ends")
		out = append(out, c.block(body, nil))
	default:
		c.notModeled(n, "loop "+c.short(n))
		return nil
	}
	reg := c.fresh("w")
	saved := c.pre
	c.pre = nil
	x := c.cond(condN)
	out = append(out, c.pre...) // after the body of a do-while
	c.pre = saved
	c.waits = append(c.waits, wait{reg: reg, loc: c.loc(n)})
	assign := at(c, &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: x}, condN)
	return append(out, at(c, &syntax.ExprStmt{X: assign}, n))
}

// maxUnroll bounds the iterations of a counted loop the translation
// unrolls.
const maxUnroll = 8

// unroll unrolls "for (i = K; i < N; i++) body" with constant bounds and at
// most maxUnroll iterations, when the body neither leaves the loop nor
// assigns i: i is a register set before each copy of the body.
func (c *lowerer) unroll(n *cnode) ([]syntax.Stmt, bool) {
	init, cond, upd, body := n.child("initializer"), n.child("condition"), n.child("update"), n.child("body")
	if init == nil || cond == nil || upd == nil || body == nil {
		return nil, false
	}
	var name string
	var start int64
	var ok, decl bool
	switch init.Type {
	case "declaration":
		ds := init.children("declarator")
		if len(ds) != 1 || ds[0].Type != "init_declarator" || ds[0].child("declarator").Type != "identifier" {
			return nil, false
		}
		name = c.text(ds[0].child("declarator"))
		start, ok = c.u.constValue(ds[0].child("value"), 0)
		decl = true
	case "assignment_expression":
		if init.child("left").Type != "identifier" || init.child("operator").Type != "=" {
			return nil, false
		}
		name = c.text(init.child("left"))
		if l := c.lookup(name); l == nil || l.reg == "" {
			return nil, false
		}
		start, ok = c.u.constValue(init.child("right"), 0)
	}
	if !ok || cond.Type != "binary_expression" || c.text(cond.child("left")) != name {
		return nil, false
	}
	end, ok := c.u.constValue(cond.child("right"), 0)
	if !ok {
		return nil, false
	}
	count := end - start
	switch cond.child("operator").Type {
	case "<", "!=":
	case "<=":
		count++
	default:
		return nil, false
	}
	step := false
	switch upd.Type {
	case "update_expression":
		step = upd.child("operator").Type == "++" && c.text(upd.child("argument")) == name
	case "assignment_expression":
		k, ok := c.u.constValue(upd.child("right"), 0)
		step = ok && k == 1 && upd.child("operator").Type == "+=" && c.text(upd.child("left")) == name
	}
	if !step || count < 0 || count > maxUnroll || !c.plainBody(body, name) {
		return nil, false
	}
	c.note(n, NoteTranslation, fmt.Sprintf("loop unrolled: %d iterations", count))
	c.scopes = append(c.scopes, map[string]*local{})
	defer func() { c.scopes = c.scopes[:len(c.scopes)-1] }()
	var out []syntax.Stmt
	var reg string
	if decl {
		reg = c.newReg(name)
		c.declare(name, &local{reg: reg})
		out = append(out, at(c, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: reg}, Value: intExpr(start)}, init))
	} else {
		reg = c.lookup(name).reg
		c.taint(reg, false)
		out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start)}}, init))
	}
	for k := int64(0); k < count; k++ {
		if k > 0 {
			out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start + k)}}, upd))
		}
		out = append(out, c.block(body, nil))
	}
	if !decl {
		out = append(out, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: reg}, Y: intExpr(start + count)}}, upd))
	}
	return out, true
}

// plainBody reports whether a loop body runs to its end (no break,
// continue, return or goto) and leaves the loop variable alone.
func (c *lowerer) plainBody(body *cnode, name string) bool {
	ok := true
	walk(body, func(k *cnode) bool {
		switch k.Type {
		case "break_statement", "continue_statement", "return_statement", "goto_statement", "ERROR":
			ok = false
		case "assignment_expression":
			ok = ok && c.text(k.child("left")) != name
		case "update_expression":
			ok = ok && c.text(k.child("argument")) != name
		}
		return ok
	})
	return ok
}

// readCalls are the calls a polling loop body may make besides idleCalls:
// loads.
var readCalls = map[string]bool{
	"READ_ONCE": true, "smp_load_acquire": true, "__atomic_load_n": true, "atomic_load_explicit": true,
	"atomic_load": true, "smp_rmb": true, "smp_mb": true, "smp_acquire__after_ctrl_dep": true,
}

// readOnly reports whether a loop body only reads shared memory and
// assigns locals: its earlier iterations leave nothing the last one does
// not redo.
func (c *lowerer) readOnly(body *cnode) bool {
	ok := true
	walk(body, func(k *cnode) bool {
		switch k.Type {
		case "assignment_expression", "update_expression":
			target := k.child("left")
			if target == nil {
				target = k.child("argument")
			}
			if target == nil || target.Type != "identifier" {
				ok = false
			} else if l := c.lookup(c.text(target)); l == nil || l.reg == "" {
				ok = false
			}
		case "call_expression":
			name := c.text(k.child("function"))
			ok = ok && (idleCalls[name] || readCalls[name])
		case "return_statement", "break_statement", "continue_statement", "goto_statement", "declaration", "ERROR":
			ok = false
		}
		return ok
	})
	return ok
}

// idleCalls are calls a spin-wait loop body may make: they touch no
// shared memory.
var idleCalls = map[string]bool{
	"cpu_relax": true, "barrier": true, "sched_yield": true, "usleep": true, "nanosleep": true,
	"sleep": true, "bpf_cpu_relax": true, "__builtin_ia32_pause": true,
}

// idle reports whether a loop body has no effect on memory.
func idle(n *cnode, src []byte) bool {
	if n == nil {
		return true
	}
	switch n.Type {
	case "expression_statement":
		nm := n.named()
		if len(nm) == 0 {
			return true
		}
		if len(nm) == 1 && nm[0].Type == "call_expression" {
			return idleCalls[nm[0].child("function").text(src)]
		}
		return false
	case "compound_statement":
		for _, k := range n.named() {
			if !idle(k, src) {
				return false
			}
		}
		return true
	}
	return false
}

// declaration lowers a local declaration: scalars become registers,
// pointers to shared locations become aliases.
func (c *lowerer) declaration(n *cnode) []syntax.Stmt {
	var out []syntax.Stmt
	typ := n.child("type")
	typText := strings.Join(strings.Fields(typ.text(c.u.src)), " ")
	aggregate := typ != nil && (typ.Type == "struct_specifier" || typ.Type == "union_specifier") || lockTypes[typText]
	for _, d := range n.children("declarator") {
		var value *cnode
		if d.Type == "init_declarator" {
			value = d.child("value")
			d = d.child("declarator")
		}
		if d == nil {
			continue
		}
		name := declName(d, c.u.src)
		if name == "" {
			continue
		}
		switch {
		case d.Type == "pointer_declarator":
			l := &local{isPtr: true}
			if value != nil {
				l.ptr = c.quietPointee(value)
			}
			c.declare(name, l)
		case d.Type != "identifier":
			c.declare(name, &local{opaque: "an array or function local"})
			if value != nil {
				c.notModeled(d, "local "+name+" (an array)")
			}
		case aggregate:
			c.declare(name, &local{opaque: "a struct local"})
		default:
			var x syntax.Expr
			u0 := c.unknown
			if value != nil {
				x = c.expr(value)
			}
			reg := c.newReg(name)
			c.taint(reg, c.unknown > u0)
			c.declare(name, &local{reg: reg})
			// What this initializer needs comes before it, after the
			// declarators before it.
			out = append(out, c.pre...)
			c.pre = nil
			out = append(out, at(c, &syntax.DeclStmt{Type: intType(), Name: at(c, &syntax.Ident{Name: reg}, d), Value: x}, n))
		}
	}
	return out
}

// exprStmt lowers an expression whose value is not used, or returns nil
// when it has no effect to keep.
func (c *lowerer) exprStmt(n *cnode) syntax.Expr {
	switch n.Type {
	case "call_expression":
		return c.call(n, false)
	case "assignment_expression":
		return c.assign(n, false)
	case "update_expression":
		return c.update(n, false)
	case "comma_expression":
		if x := c.exprStmt(n.child("left")); x != nil {
			c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: x}, n.child("left")))
		}
		return c.exprStmt(n.child("right"))
	case "cast_expression":
		return c.exprStmt(n.child("value"))
	case "parenthesized_expression":
		if nm := n.named(); len(nm) == 1 {
			return c.exprStmt(nm[0])
		}
	}
	x := c.expr(n)
	if !hasEffects(x) {
		return nil
	}
	return x
}

// hasEffects reports whether x accesses memory or calls a primitive.
func hasEffects(x syntax.Expr) bool {
	switch x := x.(type) {
	case *syntax.CallExpr, *syntax.AssignExpr:
		return true
	case *syntax.UnaryExpr:
		return x.Op == "*" || hasEffects(x.X)
	case *syntax.BinaryExpr:
		return hasEffects(x.X) || hasEffects(x.Y)
	case *syntax.ParenExpr:
		return hasEffects(x.X)
	case *syntax.CondExpr:
		return hasEffects(x.Cond) || hasEffects(x.X) || hasEffects(x.Y)
	}
	return false
}

// ---------------------------------------------------------------------------
// Expressions.

func (c *lowerer) lit(k int64, n *cnode) syntax.Expr { return at(c, intExpr(k), n) }

// intExpr writes k as litmus C: a literal, negated when negative.
func intExpr(k int64) syntax.Expr {
	switch {
	case k == math.MinInt64:
		return &syntax.BinaryExpr{Op: "-", X: intExpr(-math.MaxInt64), Y: &syntax.IntLit{Value: 1, Text: "1"}}
	case k < 0:
		return &syntax.UnaryExpr{Op: "-", X: &syntax.IntLit{Value: -k, Text: fmt.Sprint(-k)}}
	}
	return &syntax.IntLit{Value: k, Text: fmt.Sprint(k)}
}

// zero stands for a value the translation cannot compute, after a note.
func (c *lowerer) zero(n *cnode) syntax.Expr {
	c.unknown++
	return c.lit(0, n)
}

// expr lowers an expression whose value is used.
func (c *lowerer) expr(n *cnode) syntax.Expr {
	if n == nil {
		return &syntax.IntLit{Value: 0, Text: "0"}
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxExprDepth || n.Truncated {
		c.notModeled(n, "expression nested too deeply")
		return c.zero(n)
	}
	switch n.Type {
	case "number_literal":
		k, ok := parseIntText(c.text(n))
		if !ok {
			c.notModeled(n, "number "+c.short(n)+" (taken as 0)")
		}
		return c.lit(k, n)
	case "char_literal":
		k, ok := charValue(c.text(n))
		if !ok {
			c.notModeled(n, "character "+c.short(n)+" (taken as 0)")
		}
		return c.lit(k, n)
	case "true":
		return c.lit(1, n)
	case "false", "null":
		return c.lit(0, n)
	case "identifier":
		return c.ident(n)
	case "parenthesized_expression":
		nm := n.named()
		if len(nm) != 1 {
			c.notModeled(n, "expression "+c.short(n))
			return c.zero(n)
		}
		return at(c, &syntax.ParenExpr{X: c.expr(nm[0])}, n)
	case "unary_expression":
		op := n.child("operator")
		if op == nil {
			return c.zero(n)
		}
		x := c.expr(n.child("argument"))
		if op.Type == "+" {
			return x
		}
		return at(c, &syntax.UnaryExpr{Op: op.Type, X: x}, n)
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "&" {
			o := c.objectOf(n.child("argument"))
			if o == nil {
				return c.zero(n)
			}
			if o.g == nil || o.g.reason != "" {
				c.notModeled(n, "address "+c.short(n)+" used as a value (taken as 0)")
				return c.zero(n)
			}
			return at(c, &syntax.Ident{Name: c.use(o.g)}, n)
		}
		return c.load(c.objectOf(n), n, false)
	case "field_expression", "subscript_expression":
		return c.load(c.objectOf(n), n, false)
	case "binary_expression":
		op := n.child("operator")
		if op == nil {
			return c.zero(n)
		}
		x := c.expr(n.child("left"))
		if op.Type == "&&" || op.Type == "||" {
			return c.lazy(n, op.Type, x)
		}
		y := c.expr(n.child("right"))
		return at(c, &syntax.BinaryExpr{Op: op.Type, X: x, Y: y}, n)
	case "conditional_expression":
		return c.choice(n)
	case "assignment_expression":
		if x := c.assign(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "update_expression":
		if x := c.update(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "call_expression":
		if x := c.call(n, true); x != nil {
			return x
		}
		return c.zero(n)
	case "cast_expression":
		if t := c.text(n.child("type")); strings.Contains(t, "*") {
			c.notModeled(n, "pointer cast "+c.short(n)+" used as a value (taken as 0)")
			return c.zero(n)
		}
		return c.expr(n.child("value"))
	case "comma_expression":
		if x := c.exprStmt(n.child("left")); x != nil {
			c.pre = append(c.pre, at(c, &syntax.ExprStmt{X: x}, n.child("left")))
		}
		return c.expr(n.child("right"))
	}
	c.notModeled(n, "expression "+c.short(n)+" (taken as 0)")
	return c.zero(n)
}

// sub lowers the expression n apart: it returns its value and the
// statements it needs first, leaving c.pre as it was.
func (c *lowerer) sub(n *cnode) (syntax.Expr, []syntax.Stmt) {
	saved := c.pre
	c.pre = nil
	x := c.expr(n)
	pre := c.pre
	c.pre = saved
	return x, pre
}

// lazy lowers "x && y" and "x || y" (x already lowered). When y accesses
// memory, C evaluates it only if x does not decide: the value goes
// through a register set under an if.
func (c *lowerer) lazy(n *cnode, op string, x syntax.Expr) syntax.Expr {
	y, ypre := c.sub(n.child("right"))
	if !hasEffects(y) && len(ypre) == 0 {
		return at(c, &syntax.BinaryExpr{Op: op, X: x, Y: y}, n)
	}
	t := c.fresh("t")
	init, cond := int64(0), x
	if op == "||" {
		init, cond = 1, &syntax.UnaryExpr{Op: "!", X: &syntax.ParenExpr{X: x}}
	}
	body := append(ypre, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t},
		Y: &syntax.BinaryExpr{Op: "!=", X: y, Y: intExpr(0)}}}, n.child("right")))
	c.pre = append(c.pre,
		&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}, Value: intExpr(init)},
		at(c, &syntax.IfStmt{Cond: cond, Then: &syntax.BlockStmt{Stmts: body}}, n))
	return at(c, &syntax.Ident{Name: t}, n)
}

// choice lowers "c ? x : y"; when a branch accesses memory, only the
// branch C takes is evaluated, through a register set under an if.
func (c *lowerer) choice(n *cnode) syntax.Expr {
	cond := c.expr(n.child("condition"))
	x, xpre := c.sub(n.child("consequence"))
	y, ypre := c.sub(n.child("alternative"))
	if !hasEffects(x) && !hasEffects(y) && len(xpre) == 0 && len(ypre) == 0 {
		return at(c, &syntax.CondExpr{Cond: cond, X: x, Y: y}, n)
	}
	t := c.fresh("t")
	set := func(v syntax.Expr, pre []syntax.Stmt, vn *cnode) *syntax.BlockStmt {
		return &syntax.BlockStmt{Stmts: append(pre, at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t}, Y: v}}, vn))}
	}
	c.pre = append(c.pre,
		&syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}},
		at(c, &syntax.IfStmt{Cond: cond, Then: set(x, xpre, n.child("consequence")), Else: set(y, ypre, n.child("alternative"))}, n))
	return at(c, &syntax.Ident{Name: t}, n)
}

// ident lowers a name used as a value.
func (c *lowerer) ident(n *cnode) syntax.Expr {
	name := c.text(n)
	if l := c.lookup(name); l != nil {
		switch {
		case l.reg != "":
			if c.tainted[l.reg] {
				c.unknown++
			}
			return at(c, &syntax.Ident{Name: l.reg}, n)
		case l.isPtr && l.ptr != nil:
			return c.lit(1, n) // a pointer to a location is not NULL
		case l.isPtr:
			c.notModeled(n, "pointer "+name+" whose target is unknown (taken as non-NULL)")
			c.unknown++
			return c.lit(1, n)
		}
		c.notModeled(n, "value of "+name+", "+l.opaque+" (taken as 0)")
		return c.zero(n)
	}
	if g := c.a.global(name); g != nil || c.a.isAgg(name) {
		return c.load(c.objectOf(n), n, false)
	}
	if name == "NULL" {
		return c.lit(0, n)
	}
	if k, ok := c.u.consts[name]; ok {
		return c.lit(k, n)
	}
	c.notModeled(n, "unknown name "+name+" (taken as 0)")
	return c.zero(n)
}

// location returns the name of the shared location o denotes, or "" after
// a note.
func (c *lowerer) location(o *obj, n *cnode, lock bool) string {
	switch {
	case o == nil:
		return ""
	case o.reg != "":
		c.notModeled(n, "atomic or marked access to the local "+c.short(n))
		return ""
	case o.dyn != nil:
		c.notModeled(n, "atomic access to an element of "+o.arr+" at a computed index")
		return ""
	case o.arr != "":
		c.notModeled(n, "access to the whole array "+o.arr)
		return ""
	case o.g == nil:
		c.notModeled(n, "access to a whole struct or skeleton section "+c.short(n))
		return ""
	case o.g.reason != "":
		c.notModeled(n, o.g.path+", "+o.g.reason)
		return ""
	case lock && !o.g.lock:
		o.g.lock = true
	case !lock && o.g.lock:
		c.notModeled(n, "a lock accessed as data: "+c.short(n))
		return ""
	}
	return c.use(o.g)
}

// load reads o: a register, a plain load "*x", or READ_ONCE(*x) when once
// or the access is volatile.
func (c *lowerer) load(o *obj, n *cnode, once bool) syntax.Expr {
	if o != nil && o.reg != "" {
		return at(c, &syntax.Ident{Name: o.reg}, n)
	}
	if o != nil && o.dyn != nil {
		return c.dynLoad(o, n, once || o.volatile)
	}
	name := c.location(o, n, false)
	if name == "" {
		return c.zero(n)
	}
	deref := at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, n)
	if once || o.volatile {
		return at(c, call("READ_ONCE", deref), n)
	}
	return deref
}

func call(name string, args ...syntax.Expr) *syntax.CallExpr {
	return &syntax.CallExpr{Fun: &syntax.Ident{Name: name}, Args: args}
}

// objectOf resolves an lvalue, or returns nil after a note.
func (c *lowerer) objectOf(n *cnode) *obj {
	if n == nil {
		return nil
	}
	switch n.Type {
	case "identifier":
		name := c.text(n)
		if l := c.lookup(name); l != nil {
			if l.reg != "" {
				return &obj{reg: l.reg}
			}
			c.notModeled(n, name+", "+func() string {
				if l.isPtr {
					return "a pointer local"
				}
				return l.opaque
			}())
			return nil
		}
		if g := c.a.global(name); g != nil {
			return &obj{g: g}
		}
		if c.a.isAgg(name) {
			return &obj{agg: name}
		}
		if c.a.arrays[name] > 0 {
			return &obj{arr: name}
		}
		c.notModeled(n, "unknown variable "+name)
		return nil
	case "parenthesized_expression":
		if nm := n.named(); len(nm) == 1 {
			return c.objectOf(nm[0])
		}
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "*" {
			return c.pointee(n.child("argument"))
		}
	case "field_expression":
		arg, field := n.child("argument"), c.text(n.child("field"))
		var base *obj
		if isSkelSection(arg, c.u.src) {
			base = &obj{skel: true}
		} else if n.hasKid("->") {
			base = c.pointee(arg)
		} else {
			base = c.objectOf(arg)
		}
		if base == nil {
			return nil
		}
		path := field
		if !base.skel {
			if base.agg == "" {
				c.notModeled(n, "field access "+c.short(n))
				return nil
			}
			path = base.agg + "." + field
		}
		if g := c.a.global(path); g != nil {
			return &obj{g: g, volatile: base.volatile}
		}
		if c.a.isAgg(path) {
			return &obj{agg: path, volatile: base.volatile}
		}
		if c.a.arrays[path] > 0 {
			return &obj{arr: path, volatile: base.volatile}
		}
		c.notModeled(n, "unknown global "+path)
		return nil
	case "subscript_expression":
		base := c.objectOf(n.child("argument"))
		if base == nil {
			return nil
		}
		if base.arr == "" || base.dyn != nil {
			c.notModeled(n, "element of "+c.short(n.child("argument"))+", which is not a global array")
			return nil
		}
		idx := n.child("index")
		if k, ok := c.u.constValue(idx, 0); ok {
			g := c.a.global(fmt.Sprintf("%s[%d]", base.arr, k))
			if g == nil {
				c.notModeled(n, fmt.Sprintf("element %d of %s, out of its bounds", k, base.arr))
				return nil
			}
			return &obj{g: g, volatile: base.volatile}
		}
		return &obj{arr: base.arr, dyn: idx, volatile: base.volatile}
	}
	c.notModeled(n, "lvalue "+c.short(n))
	return nil
}

// isSkelSection reports whether n is a libbpf skeleton section, as in
// skel->bss, skel->data, skel->rodata, skel->data_foo.
func isSkelSection(n *cnode, src []byte) bool {
	if n == nil || n.Type != "field_expression" {
		return false
	}
	f := n.child("field").text(src)
	for _, s := range []string{"bss", "data", "rodata"} {
		if f == s || strings.HasPrefix(f, s+"_") {
			return true
		}
	}
	return false
}

// pointee resolves a pointer expression to what it points to, or returns
// nil after a note.
func (c *lowerer) pointee(n *cnode) *obj {
	if n == nil {
		return nil
	}
	switch n.Type {
	case "pointer_expression":
		if op := n.child("operator"); op != nil && op.Type == "&" {
			return c.objectOf(n.child("argument"))
		}
	case "identifier":
		if l := c.lookup(c.text(n)); l != nil && l.isPtr {
			if l.ptr == nil {
				c.notModeled(n, "pointer "+c.text(n)+" whose target is unknown")
				return nil
			}
			cp := *l.ptr
			return &cp
		}
	case "parenthesized_expression":
		if nm := n.named(); len(nm) == 1 {
			return c.pointee(nm[0])
		}
	case "cast_expression":
		o := c.pointee(n.child("value"))
		if o != nil && strings.Contains(c.text(n.child("type")), "volatile") {
			cp := *o
			cp.volatile = true
			return &cp
		}
		return o
	case "call_expression":
		if o := c.mapLookup(n); o != nil {
			return o
		}
		c.notModeled(n, "pointer returned by "+c.short(n.child("function")))
		return nil
	}
	c.notModeled(n, "pointer "+c.short(n))
	return nil
}

// elements returns the locations of the elements of array o.arr, after a
// note on the computed index.
func (c *lowerer) elements(o *obj, n *cnode) []string {
	c.note(n, NoteTranslation, "computed index into "+o.arr+": one branch per element")
	var out []string
	for k := 0; k < c.a.arrays[o.arr]; k++ {
		g := c.a.global(fmt.Sprintf("%s[%d]", o.arr, k))
		if g == nil || g.reason != "" {
			c.notModeled(n, fmt.Sprintf("element %d of %s", k, o.arr))
			return nil
		}
		out = append(out, c.use(g))
	}
	return out
}

// chain builds "if (idx == 0) body(0) else if (idx == 1) body(1) ...".
func (c *lowerer) chain(idx syntax.Expr, locs []string, n *cnode, body func(loc string) syntax.Stmt) syntax.Stmt {
	var s syntax.Stmt
	for k := len(locs) - 1; k >= 0; k-- {
		cond := &syntax.BinaryExpr{Op: "==", X: idx, Y: intExpr(int64(k))}
		then := at(c, &syntax.BlockStmt{Stmts: []syntax.Stmt{body(locs[k])}}, n)
		s = at(c, &syntax.IfStmt{Cond: cond, Then: then, Else: s}, n)
	}
	return s
}

// dynLoad reads the element of an array at an index computed at run time,
// into a fresh register through a chain of ifs.
func (c *lowerer) dynLoad(o *obj, n *cnode, once bool) syntax.Expr {
	idx := c.pure(c.expr(o.dyn), o.dyn)
	locs := c.elements(o, n)
	if locs == nil {
		return c.zero(n)
	}
	t := c.fresh("t")
	c.pre = append(c.pre, &syntax.DeclStmt{Type: intType(), Name: &syntax.Ident{Name: t}})
	c.pre = append(c.pre, c.chain(idx, locs, n, func(loc string) syntax.Stmt {
		var rd syntax.Expr = at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: loc}}, n)
		if once {
			rd = at(c, call("READ_ONCE", rd), n)
		}
		return at(c, &syntax.ExprStmt{X: &syntax.AssignExpr{Op: "=", X: &syntax.Ident{Name: t}, Y: rd}}, n)
	}))
	return &syntax.Ident{Name: t}
}

// dynStore writes v (lowered from vn) to the element of an array at an
// index computed at run time, through a chain of ifs.
func (c *lowerer) dynStore(o *obj, n *cnode, op string, v syntax.Expr, vn *cnode, once bool) {
	v = c.pure(v, vn)
	idx := c.pure(c.expr(o.dyn), o.dyn)
	locs := c.elements(o, n)
	if locs == nil {
		return
	}
	c.pre = append(c.pre, c.chain(idx, locs, n, func(loc string) syntax.Stmt {
		deref := at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: loc}}, n)
		if !once {
			return at(c, &syntax.ExprStmt{X: at(c, &syntax.AssignExpr{Op: op, X: deref, Y: v}, n)}, n)
		}
		val := v
		if op != "=" {
			old := at(c, call("READ_ONCE", at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: loc}}, n)), n)
			val = &syntax.BinaryExpr{Op: strings.TrimSuffix(op, "="), X: old, Y: v}
		}
		return at(c, &syntax.ExprStmt{X: at(c, call("WRITE_ONCE", deref, val), n)}, n)
	}))
}

// quietPointee resolves the value a pointer local is given. A pointer
// that cannot be resolved (a skeleton, a helper's result) is noted only
// where it is dereferenced.
func (c *lowerer) quietPointee(n *cnode) *obj {
	c.quiet++
	o := c.pointee(n)
	c.quiet--
	return o
}

// mapLookup resolves bpf_map_lookup_elem(&map, key) to the element of a
// map defined in the scenario's files, or returns nil. Keys are not
// modeled: the map has one element, which every key names.
func (c *lowerer) mapLookup(n *cnode) *obj {
	fn := n.child("function")
	if fn == nil || c.text(fn) != "bpf_map_lookup_elem" {
		return nil
	}
	var args []*cnode
	if al := n.child("arguments"); al != nil {
		args = al.named()
	}
	if len(args) != 2 || args[0].Type != "pointer_expression" {
		return nil
	}
	name := c.text(args[0].child("argument"))
	if !c.a.maps[name] {
		return nil
	}
	g := c.a.global(name)
	if g == nil || g.reason == "" {
		quiet := c.quiet
		c.quiet = 0
		c.note(n, NoteTranslation, "every key of map "+name+" names one element: accesses through different keys are taken to conflict")
		c.quiet = quiet
	}
	if g != nil {
		return &obj{g: g}
	}
	return &obj{agg: name}
}

// assign lowers an assignment. It returns nil when nothing is to be
// emitted (a pointer local retargeted) or the target cannot be modeled.
func (c *lowerer) assign(n *cnode, used bool) syntax.Expr {
	left, right := n.child("left"), n.child("right")
	opN := n.child("operator")
	if left == nil || right == nil || opN == nil {
		c.notModeled(n, "assignment "+c.short(n))
		return nil
	}
	op := opN.Type
	if left.Type == "identifier" {
		if l := c.lookup(c.text(left)); l != nil && l.isPtr {
			if op == "=" {
				l.ptr = c.quietPointee(right)
			} else {
				c.notModeled(n, "pointer arithmetic "+c.short(n))
			}
			return nil
		}
	}
	o := c.objectOf(left)
	if o == nil {
		c.expr(right)
		return nil
	}
	u0 := c.unknown
	rhs := c.expr(right)
	if o.dyn != nil {
		if used {
			c.notModeled(n, "the value of a store to a computed element (taken as 0)")
		}
		c.dynStore(o, n, op, rhs, right, o.volatile)
		return nil
	}
	if o.reg != "" {
		c.taint(o.reg, c.unknown > u0 || op != "=" && c.tainted[o.reg])
		return at(c, &syntax.AssignExpr{Op: op, X: at(c, &syntax.Ident{Name: o.reg}, left), Y: rhs}, n)
	}
	name := c.location(o, left, false)
	if name == "" {
		return nil
	}
	deref := at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, left)
	if !o.volatile {
		return at(c, &syntax.AssignExpr{Op: op, X: deref, Y: rhs}, n)
	}
	if op != "=" {
		old := at(c, call("READ_ONCE", at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, left)), left)
		rhs = &syntax.BinaryExpr{Op: strings.TrimSuffix(op, "="), X: old, Y: rhs}
	}
	if used {
		c.notModeled(n, "the value of a volatile store (taken as 0)")
	}
	return at(c, call("WRITE_ONCE", deref, rhs), n)
}

// update lowers ++ and --.
func (c *lowerer) update(n *cnode, used bool) syntax.Expr {
	opN, arg := n.child("operator"), n.child("argument")
	if opN == nil || arg == nil {
		c.notModeled(n, "update "+c.short(n))
		return nil
	}
	op := "+="
	if opN.Type == "--" {
		op = "-="
	}
	prefix := opN.Start < arg.Start
	o := c.objectOf(arg)
	if o == nil {
		return nil
	}
	var target syntax.Expr
	if o.reg != "" {
		target = at(c, &syntax.Ident{Name: o.reg}, arg)
	} else {
		name := c.location(o, arg, false)
		if name == "" {
			return nil
		}
		target = at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, arg)
		if o.volatile {
			old := at(c, call("READ_ONCE", at(c, &syntax.UnaryExpr{Op: "*", X: &syntax.Ident{Name: name}}, arg)), arg)
			if used {
				c.notModeled(n, "the value of a volatile update (taken as 0)")
			}
			return at(c, call("WRITE_ONCE", target, &syntax.BinaryExpr{Op: op[:1], X: old, Y: c.lit(1, nil)}), n)
		}
	}
	x := at(c, &syntax.AssignExpr{Op: op, X: target, Y: c.lit(1, nil)}, n)
	if used && !prefix {
		back := "-"
		if op == "-=" {
			back = "+"
		}
		return at(c, &syntax.BinaryExpr{Op: back, X: x, Y: c.lit(1, nil)}, n)
	}
	return x
}
