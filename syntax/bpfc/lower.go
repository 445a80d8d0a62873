package bpfc

import (
	"fmt"
	"maps"
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
	mutable  map[string]bool // names the function being lowered assigns or takes the address of
	macro    *macroUse       // the outermost function-like macro being expanded, or nil
	macros   int             // the depth of macro expansion
}

// mutableNames returns the names fn assigns (=, op=, ++, --) or takes the
// address of: the locals whose initial value may not last.
func mutableNames(fn *cnode, src []byte) map[string]bool {
	out := map[string]bool{}
	walk(fn, func(n *cnode) bool {
		var target *cnode
		switch n.Type {
		case "assignment_expression":
			target = n.child("left")
		case "update_expression":
			target = n.child("argument")
		case "pointer_expression":
			if op := n.child("operator"); op != nil && op.Type == "&" {
				target = n.child("argument")
			}
		}
		if target != nil && target.Type == "identifier" {
			out[target.text(src)] = true
		}
		return true
	})
	return out
}

// constValue evaluates n as a constant expression, with the constant
// locals of the thread (a local set once, to a constant, and never
// assigned again) as constants.
func (c *lowerer) constValue(n *cnode) (int64, bool) {
	return c.u.constEval(n, 0, func(name string) (int64, bool, bool) {
		l := c.lookup(name)
		if l == nil {
			k, ok := c.a.params[name]
			return k, ok, ok
		}
		if l.k == nil {
			return 0, true, false
		}
		return *l.k, true, true
	})
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
	ptr    *obj              // for a pointer: what it points to, or nil when unknown
	vol    bool              // for a pointer: to volatile ("volatile int *p"), so its accesses are marked
	k      *int64            // for a scalar never assigned after its initializer, a constant one: its value
	leaves []string          // for a struct: the paths of its scalar fields (".a", ".b.c", ".buf[1]")
	regs   map[string]string // for a struct: the register of each of leaves
	opaque string            // for a local the translation does not model: why
}

// An obj is what an lvalue denotes.
type obj struct {
	g        *global // a shared location
	agg      string  // a struct object's C path ("g"), when g is nil
	skel     bool    // a libbpf skeleton section (skel->bss)
	reg      string  // a local scalar's register
	volatile bool    // reached through a volatile-qualified pointer
	lst      *local  // a struct local; with sub, the struct field at that path
	arr      string  // a global array's C path: the whole array, or with dyn an element
	dyn      *cnode  // the index of an element computed at run time
	sub      string  // with dyn, the path in the element (".seq" of slots[i].seq), or ""
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
	if c.macro != nil {
		// Inside a macro's expansion: the macro's use.
		return c.macro.at
	}
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
	lines := c.u.lines
	if c.macro != nil {
		lines = c.macro.lines
	}
	p := lines.Position(l.Span.Start)
	text := fmt.Sprintf("// %s (%s:%d)", msg, l.File, p.Line)
	text = strings.NewReplacer("\n", " ", "\r", " ").Replace(text)
	if k := len(c.pending); k > 0 && c.pending[k-1] == text {
		return // the same note for the next part of one construct
	}
	c.pending = append(c.pending, text)
}

// notModeled notes that the translation leaves n out (or approximates
// it) as what says. When n accesses a shared location, the scenario
// depends on it: the note is then a NoteIncomplete error.
func (c *lowerer) notModeled(n *cnode, what string) {
	if s := c.sharedIn(n); s != "" {
		c.note(n, NoteIncomplete, "not modeled: "+what+", which accesses the shared "+s+": the scenario gets no verdict until this is written with what the translation models")
		return
	}
	c.note(n, NoteNotModeled, "not modeled: "+what)
}

// approximated notes a construct the translation approximates in a way
// that keeps the verdict sound (a condition operand taken both ways).
func (c *lowerer) approximated(n *cnode, what string) {
	c.note(n, NoteNotModeled, "not modeled: "+what)
}

// sharedIn returns the C text of the first reference in n to a shared
// location of the scenario (a global, a struct or array global, a map, a
// skeleton section, a local pointer to one of them), or "".
func (c *lowerer) sharedIn(n *cnode) string {
	found := ""
	walk(n, func(k *cnode) bool {
		if found != "" {
			return false
		}
		switch k.Type {
		case "field_expression":
			if isSkelSection(k, c.u.src) {
				found = c.text(k)
				return false
			}
		case "identifier":
			name := c.text(k)
			if l := c.lookup(name); l != nil {
				if l.isPtr && l.ptr != nil && (l.ptr.g != nil && !l.ptr.g.perCPU || l.ptr.agg != "" || l.ptr.arr != "" || l.ptr.skel) {
					found = name
				}
				return false
			}
			if g := c.a.global(name); g != nil && g.perCPU {
				return false // a per-CPU map: each CPU its own
			}
			if c.a.global(name) != nil || c.a.isAgg(name) || c.a.arrays[name] > 0 || c.a.maps[name] {
				found = name
			}
			return false
		}
		return true
	})
	return found
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

// save copies the lowering state, so that a branch can start from it
// again after its sibling changed it.
func (c *lowerer) save() snapshot {
	s := snapshot{names: maps.Clone(c.names), tainted: maps.Clone(c.tainted)}
	for _, sc := range c.scopes {
		m := make(map[string]*local, len(sc))
		for k, v := range sc {
			cp := *v
			m[k] = &cp
		}
		s.scopes = append(s.scopes, m)
	}
	return s
}

// restore returns to the state save copied; s is the lowerer's from then
// on and must not be restored again.
func (c *lowerer) restore(s snapshot) {
	c.scopes, c.names, c.tainted = s.scopes, s.names, s.tainted
}

// ---------------------------------------------------------------------------
// Statements.

// function lowers the thread's function to its body.
func (c *lowerer) function() *syntax.BlockStmt {
	fn := c.th.fn
	c.mutable = mutableNames(fn, c.u.src)
	c.scopes = []map[string]*local{{}}
	c.names = map[string]bool{}
	c.condRegs = map[string]string{}
	var params []syntax.Stmt
	if ps := funcDeclarator(fn).child("parameters"); ps != nil {
		for _, p := range ps.named() {
			d := p.child("declarator")
			name := declName(d, c.u.src)
			if name == "" {
				continue
			}
			if k, ok := c.a.params[name]; ok && d.Type == "identifier" {
				// "litmus: param name=K": a register holding K.
				reg := c.newReg(name)
				c.declare(name, &local{reg: reg, k: &k})
				params = append(params, at(c, &syntax.DeclStmt{Type: intType(), Name: at(c, &syntax.Ident{Name: reg}, d), Value: intExpr(k)}, p))
				continue
			}
			c.declare(name, &local{opaque: "a parameter of the thread function (give its value with // litmus: param " + name + "=VALUE)"})
		}
	}
	body := fn.child("body")
	if body == nil {
		c.notModeled(fn, "a function without a body")
		return at(c, &syntax.BlockStmt{}, fn)
	}
	b := c.block(body, nil)
	b.Stmts = append(params, b.Stmts...)
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
	var nodes []*cnode
	if n != nil && n.Type == "compound_statement" {
		nodes = n.named()
	} else if n != nil {
		nodes = []*cnode{n}
	}
	return c.blockOf(nodes, rest, n)
}

// blockOf lowers the statements nodes, then rest, as a block that came
// from n (or nil).
func (c *lowerer) blockOf(nodes, rest []*cnode, n *cnode) *syntax.BlockStmt {
	saved := c.pending
	c.pending = nil
	c.scopes = append(c.scopes, map[string]*local{})
	stmts, _ := c.seq(append(append([]*cnode(nil), nodes...), rest...))
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
			if i+1 < len(nodes) {
				if ss, ok := c.unrollMacro(n, nodes[i+1]); ok {
					out = c.emit(out, ss)
					i++
					continue
				}
			}
			if i+1 < len(nodes) && nodes[i+1].Type != "return_statement" {
				if s := c.sharedIn(nodes[i+1]); s != "" {
					c.note(n, NoteIncomplete, "not modeled: loop "+c.short(n)+", whose body accesses the shared "+s+": the scenario gets no verdict until this is written with what the translation models")
				} else {
					c.notModeled(n, "loop "+c.short(n))
				}
				i++
			} else {
				c.notModeled(n, "loop "+c.short(n))
			}
			continue
		}
		rest := nodes[i+1:]
		if n.Type == "switch_statement" {
			if ss, consumed, ok := c.switchStmt(n, rest); ok {
				out = c.emit(out, ss)
				if consumed {
					return out, true
				}
				continue
			}
		}
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
	condN := n.child("condition")
	if condN != nil && condN.Type == "parenthesized_expression" && len(condN.named()) == 1 {
		condN = condN.named()[0]
	}
	cond := c.test(condN)
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
			l := &local{isPtr: true, vol: hasVolatile(n, c.u.src)}
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
			out = append(out, c.structLocal(name, typ, value, d, n)...)
		default:
			var x syntax.Expr
			u0 := c.unknown
			if value != nil {
				x = c.expr(value)
			}
			reg := c.newReg(name)
			c.taint(reg, c.unknown > u0)
			l := &local{reg: reg}
			if value != nil && !c.mutable[name] {
				if k, ok := c.constValue(value); ok {
					l.k = &k
				}
			}
			c.declare(name, l)
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
