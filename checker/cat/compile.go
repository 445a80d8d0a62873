package cat

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// The compiler turns the parsed files of a model into a program: one list
// of instructions (stdlib.cat, then the bell file, then the cat file, with
// every include spliced in where it appears and every variant condition
// decided), over expressions whose names are resolved to frame slots.
//
// Scopes follow herd7's environments exactly: a let adds bindings for what
// follows, a function or procedure sees the bindings of where it was
// written, and a name is bound to the binding visible at that point. So a
// name that nothing binds is an error found here, not while judging;
// inside "try", where herd7 catches that failure, it compiles to an
// expression that fails when evaluated.

// A program is a compiled model.
type program struct {
	code     []cins
	nTop     int            // slots of the top-level frame
	levels   []int          // the level of each top-level slot (see level)
	builtins map[string]int // built-in name → top-level slot
	coSlot   int            // the final binding of co, or -1
	rfSlot   int            // the final binding of rf
	rfIn     int            // the built-in rf's slot, filled per candidate
	fwIn     int            // the built-in FW's slot, filled per choice of final writes
	nLevels  int            // levels in use: 0, 1, 2 and one per top-level "with"
	annots   []string       // the bell's annotations, in order
	bpf      bool           // the model is for BPF tests (see bpfModel)

	nBuiltins int                    // the built-in names take the first slots
	annotSets map[string]checker.Tag // annotation set name → the tags of its events
	annotOf   map[string]string      // annotation set name → its annotation (for events lowered by macros)
	enums     map[string]*valSet     // enum → all its tags
}

// Levels say what a top-level binding's value depends on, so that a value
// is computed once and reused for as long as what it depends on stays the
// same: level 0 is the event structure, 1 the candidate's rf, 2 the
// choice of final writes (FW), and each top-level "with" has the next
// level, in the order they run. A binding's level is the highest level of
// the top-level names its expression mentions.
const (
	levelStructure = iota
	levelRf
	levelFW
	levelFirstWith
)

// A scope maps names to the slots of one runtime frame.
type scope struct {
	parent *scope
	names  map[string]int
	n      int  // slots allocated so far
	top    bool // the top-level frame
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, names: map[string]int{}}
}

// declare gives name a new slot ("" gets none: the pattern "_").
func (s *scope) declare(name string) int {
	if name == "" {
		return -1
	}
	i := s.n
	s.n++
	s.names[name] = i
	return i
}

// A compiler holds the state of one compilation.
type compiler struct {
	opts     Options
	variants map[string]bool
	readFile func(string) ([]byte, error)
	errs     []*Error

	lines *syntax.Lines // of the file being compiled
	dir   string        // its directory

	top      *scope
	levels   []int // per top-level slot
	levelAcc int   // the highest level met while compiling a top-level expression
	withs    int   // top-level "with" instructions so far
	inTry    int   // nesting of "try": unbound names fail at run time there
	includes int   // nesting of includes

	tags  map[string]string   // tag → its enum
	enums map[string][]string // enum → its tags
}

// maxErrors bounds the errors one compilation reports.
const maxErrors = 20

// maxIncludes bounds the nesting of includes (herd7 has no bound, and
// loops on a file that includes itself).
const maxIncludes = 20

func (c *compiler) errorf(at pos, format string, args ...any) {
	if len(c.errs) < maxErrors {
		c.errs = append(c.errs, &Error{Pos: at.String(), Msg: fmt.Sprintf(format, args...)})
	}
}

func (c *compiler) at(n ast.Node) pos { return pos{lines: c.lines, off: n.GetSpan().Start} }

func (c *compiler) atSpan(s ast.Span) pos { return pos{lines: c.lines, off: s.Start} }

// parseFile reads and parses a model file; errors are reported at the
// place that asked for it.
func (c *compiler) parseFile(path string, from pos) *ast.File {
	src, err := c.readFile(path)
	if err != nil {
		c.errorf(from, "cannot read %s: %v", path, unwrapPathError(err))
		return nil
	}
	f, errs := ast.Parse(path, src)
	for _, e := range errs {
		c.errorf(pos{f.Lines, e.Span.Start}, "%s", e.Msg)
	}
	if len(errs) > 0 {
		return nil
	}
	return f
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// findInclude finds an included file: next to the including file, then in
// the directories of Options.Include.
func (c *compiler) findInclude(name, dir string) string {
	if filepath.IsAbs(name) {
		return name
	}
	dirs := append([]string{dir}, c.opts.Include...)
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := c.readFile(p); err == nil {
			return p
		}
	}
	return filepath.Join(dir, name)
}

// compileFile compiles the instructions of f into code, in scope sc.
func (c *compiler) compileFile(f *ast.File, sc *scope, code *[]cins) {
	saveLines, saveDir := c.lines, c.dir
	c.lines, c.dir = f.Lines, filepath.Dir(f.Filename)
	c.compileIns(f.Body, sc, code)
	c.lines, c.dir = saveLines, saveDir
}

// compileIns compiles a list of instructions, appending to code.
func (c *compiler) compileIns(list []ast.Ins, sc *scope, code *[]cins) {
	for _, in := range list {
		c.compileOne(in, sc, code)
	}
}

func (c *compiler) compileOne(in ast.Ins, sc *scope, code *[]cins) {
	switch in := in.(type) {
	case *ast.LetIns:
		if in.Rec {
			*code = append(*code, c.compileLetRec(in.Bindings, in.When, sc, c.at(in)))
		} else {
			*code = append(*code, c.compileLet(in.Bindings, sc, sc))
		}
	case *ast.Test:
		*code = append(*code, c.compileTest(in, sc))
	case *ast.Show, *ast.Unshow, *ast.ShowAs, *ast.Debug:
		// Pictures only.
	case *ast.Events:
		// Read from the bell file before compiling (see bellAnnotations).
	case *ast.Include:
		c.compileInclude(in, sc, code)
	case *ast.Procedure:
		*code = append(*code, c.compileProcedure(in, sc))
	case *ast.Call:
		*code = append(*code, c.compileCall(in, sc))
	case *ast.Forall:
		*code = append(*code, c.compileForall(in, sc))
	case *ast.WithFrom:
		*code = append(*code, c.compileWith(in, sc))
	case *ast.IfVariant:
		if c.variant(in.Cond) {
			c.compileIns(in.Then, sc, code)
		} else {
			c.compileIns(in.Else, sc, code)
		}
	case *ast.MatchIns:
		*code = append(*code, c.compileMatchIns(in, sc))
	case *ast.Enum:
		*code = append(*code, c.compileEnum(in, sc))
	case *ast.BadIns:
		c.errorf(c.at(in), "bad instruction")
	default:
		c.errorf(c.at(in), "unknown instruction %T", in)
	}
}

func (c *compiler) compileInclude(in *ast.Include, sc *scope, code *[]cins) {
	at := c.at(in)
	if c.includes >= maxIncludes {
		c.errorf(at, "includes nested too deeply (a file includes itself?)")
		return
	}
	path := c.findInclude(in.Path, c.dir)
	f := c.parseFile(path, at)
	if f == nil {
		return
	}
	c.includes++
	c.compileFile(f, sc, code)
	c.includes--
}

// variant decides a condition on variants, as herd7 does: a variant not
// given is unset.
func (c *compiler) variant(v ast.Variant) bool {
	switch v := v.(type) {
	case *ast.VariantName:
		return c.variants[strings.ToLower(v.Name)]
	case *ast.VariantNot:
		return !c.variant(v.X)
	case *ast.VariantOp:
		if v.And {
			return c.variant(v.X) && c.variant(v.Y)
		}
		return c.variant(v.X) || c.variant(v.Y)
	}
	c.errorf(c.at(v), "bad variant condition")
	return false
}

// ---------------------------------------------------------------------------
// Levels.

// beginTop starts compiling an expression whose value a top-level binding
// holds; endTop returns its level.
func (c *compiler) beginTop() int {
	save := c.levelAcc
	c.levelAcc = levelStructure
	return save
}

func (c *compiler) endTop(save int) int {
	l := c.levelAcc
	c.levelAcc = max(save, l)
	return l
}

// declareTop declares a top-level name with its level.
func (c *compiler) declareTop(name string, level int) int {
	s := c.top.declare(name)
	if s >= 0 {
		c.levels = append(c.levels, level)
	}
	return s
}

// declareIn declares a name in sc, with a level when sc is the top level.
func (c *compiler) declareIn(sc *scope, name string, level int) int {
	if sc.top {
		return c.declareTop(name, level)
	}
	return sc.declare(name)
}

// ---------------------------------------------------------------------------
// Names.

// resolve finds name from sc: the number of frames up and the slot.
func (c *compiler) resolve(name string, sc *scope) (depth, slot int, ok bool) {
	for s := sc; s != nil; s = s.parent {
		if i, found := s.names[name]; found {
			if s.top {
				c.levelAcc = max(c.levelAcc, c.levels[i])
			}
			return depth, i, true
		}
		depth++
	}
	return 0, 0, false
}

// ---------------------------------------------------------------------------
// Instructions.

func (c *compiler) compileBinding(b *ast.Binding, sc *scope) cexpr {
	if b.Param != nil {
		name := "*fun*"
		if len(b.Pat.Params) == 1 {
			name = b.Pat.Params[0].Name
		}
		return c.compileFun(b.Param, b.Value, name, c.atSpan(b.Span), sc)
	}
	return c.compileExpr(b.Value, sc)
}

// patVars declares the names of a pattern in sc.
func (c *compiler) patVars(p *ast.Pattern, sc *scope, level int) []int {
	vars := make([]int, len(p.Params))
	for i, id := range p.Params {
		vars[i] = c.declareIn(sc, id.Name, level)
	}
	return vars
}

// compileLet compiles "let p = e and ...": every right-hand side is
// compiled in rhs, which has the bindings before the let (as in herd7),
// and the names are declared in target.
func (c *compiler) compileLet(bs []*ast.Binding, rhs, target *scope) *iLet {
	out := &iLet{top: target.top}
	xs := make([]cexpr, len(bs))
	lv := make([]int, len(bs))
	for i, b := range bs {
		save := c.beginTop()
		xs[i] = c.compileBinding(b, rhs)
		lv[i] = c.endTop(save)
	}
	for i, b := range bs {
		out.binds = append(out.binds, &cBind{
			at: c.atSpan(b.Span), x: xs[i], tuple: b.Pat.Tuple,
			vars: c.patVars(b.Pat, target, lv[i]), level: lv[i],
		})
	}
	return out
}

// isFun reports whether a binding defines a function (herd7's is_fun).
func isFun(b *ast.Binding) bool {
	if b.Param != nil {
		return true
	}
	_, ok := b.Value.(*ast.Fun)
	return ok
}

// compileLetRec compiles "let rec ...": the names are visible in every
// right-hand side. Functions become closures over the new bindings; the
// other bindings are computed as a least fixpoint.
func (c *compiler) compileLetRec(bs []*ast.Binding, when *ast.Test, sc *scope, at pos) *iLetRec {
	out := &iLetRec{at: at, top: sc.top}
	// The names get level 0 while their right-hand sides are compiled;
	// the group's level is that of what it mentions outside.
	for _, b := range bs {
		vars := c.patVars(b.Pat, sc, levelStructure)
		out.vars = append(out.vars, vars...)
		out.binds = append(out.binds, &cBind{at: c.atSpan(b.Span), tuple: b.Pat.Tuple, vars: vars, fun: isFun(b)})
	}
	save := c.beginTop()
	for i, b := range bs {
		if out.binds[i].fun && b.Pat.Tuple {
			c.errorf(c.atSpan(b.Span), "binding mismatch")
		}
		out.binds[i].x = c.compileBinding(b, sc)
	}
	if when != nil {
		out.when = c.compileTest(when, sc)
	}
	level := c.endTop(save)
	out.level = level
	for _, b := range out.binds {
		b.level = level
	}
	if sc.top {
		for _, s := range out.vars {
			if s >= 0 {
				c.levels[s] = level
			}
		}
	}
	return out
}

func (c *compiler) compileTest(t *ast.Test, sc *scope) *iTest {
	out := &iTest{at: c.at(t), op: t.Op, neg: t.Neg, kind: t.Kind, x: c.compileExpr(t.X, sc)}
	if t.Name != nil {
		out.name = t.Name.Name
	} else {
		// herd7 names an anonymous check by its text.
		neg := ""
		if t.Neg {
			neg = "~"
		}
		out.name = neg + t.Op.String() + " " + ast.PrintExpr(t.X)
	}
	out.coSlot, out.rfSlot = c.top.slotOf("co"), c.top.slotOf("rf")
	return out
}

func (s *scope) slotOf(name string) int {
	if i, ok := s.names[name]; ok {
		return i
	}
	return -1
}

func (c *compiler) compileProcedure(p *ast.Procedure, sc *scope) *iProc {
	def := &cProcedure{at: c.at(p), name: p.Name.Name}
	out := &iProc{def: def}
	level := levelStructure
	if p.Rec {
		out.slot = c.declareIn(sc, p.Name.Name, level)
	}
	body := newScope(sc)
	def.params = c.patVars(p.Param, body, 0)
	def.tuple = p.Param.Tuple
	save := c.beginTop()
	c.compileIns(p.Body, body, &def.body)
	level = c.endTop(save)
	def.size = &body.n
	if !p.Rec {
		out.slot = c.declareIn(sc, p.Name.Name, level)
	} else if sc.top {
		c.levels[out.slot] = level
	}
	return out
}

func (c *compiler) compileCall(call *ast.Call, sc *scope) *iCall {
	out := &iCall{at: c.at(call), name: call.Name.Name, arg: c.compileExpr(call.Arg, sc)}
	d, s, ok := c.resolve(call.Name.Name, sc)
	if !ok {
		c.errorf(c.at(call.Name), "unbound var: %s", call.Name.Name)
	}
	out.depth, out.slot = d, s
	return out
}

func (c *compiler) compileForall(f *ast.Forall, sc *scope) *iForall {
	out := &iForall{at: c.at(f), set: c.compileExpr(f.Set, sc)}
	body := newScope(sc)
	out.slot = body.declare(f.Var.Name)
	c.compileIns(f.Body, body, &out.body)
	out.size = &body.n
	return out
}

func (c *compiler) compileWith(w *ast.WithFrom, sc *scope) *iWith {
	out := &iWith{at: c.at(w), set: c.compileExpr(w.Set, sc), level: -1}
	level := levelStructure
	if sc.top {
		out.level = levelFirstWith + c.withs
		c.withs++
		level = out.level
	}
	out.slot = c.declareIn(sc, w.Var.Name, level)
	return out
}

func (c *compiler) compileMatchIns(m *ast.MatchIns, sc *scope) *iMatch {
	out := &iMatch{at: c.at(m), x: c.compileExpr(m.X, sc), clauses: map[string]*iBlock{}}
	block := func(list []ast.Ins) *iBlock {
		body := newScope(sc)
		b := &iBlock{}
		c.compileIns(list, body, &b.code)
		b.size = &body.n
		return b
	}
	for _, cl := range m.Clauses {
		if _, dup := out.clauses[cl.Tag.Name]; !dup {
			out.clauses[cl.Tag.Name] = block(cl.Body)
		}
	}
	if m.HasDefault {
		out.def = block(m.Default)
	}
	return out
}

func (c *compiler) compileEnum(e *ast.Enum, sc *scope) cins {
	var names []string
	elem := typ{k: tTag, tag: e.Name.Name}
	set := &valSet{elem: elem}
	for _, t := range e.Tags {
		c.tags[t.Name] = e.Name.Name
		names = append(names, t.Name)
		set = set.add(elem, &tagValue{enum: e.Name.Name, name: t.Name})
	}
	c.enums[e.Name.Name] = names
	return &iConst{slot: c.declareIn(sc, e.Name.Name, levelStructure), v: set}
}

// ---------------------------------------------------------------------------
// Expressions.

func (c *compiler) compileExpr(x ast.Expr, sc *scope) cexpr {
	at := c.at(x)
	switch x := x.(type) {
	case *ast.Ident:
		d, s, ok := c.resolve(x.Name, sc)
		if !ok {
			if c.inTry > 0 {
				return &cFail{at: at, msg: "unbound var: " + x.Name}
			}
			c.errorf(at, "unbound var: %s", x.Name)
			return &cFail{at: at, msg: "unbound var: " + x.Name}
		}
		return &cVar{at: at, name: x.Name, depth: d, slot: s}
	case *ast.Tag:
		enum, ok := c.tags[x.Name]
		if !ok {
			msg := fmt.Sprintf("tag '%s is undefined", x.Name)
			if c.inTry == 0 {
				c.errorf(at, "%s", msg)
			}
			return &cFail{at: at, msg: msg}
		}
		return &cConst{at: at, v: &tagValue{enum: enum, name: x.Name}}
	case *ast.Empty:
		return &cEmptyRel{at: at}
	case *ast.Universe:
		return &cConst{at: at, v: theUniv}
	case *ast.ExplicitSet:
		out := &cExplicitSet{at: at}
		for _, e := range x.Elems {
			out.elems = append(out.elems, c.compileExpr(e, sc))
		}
		return out
	case *ast.Tuple:
		out := &cTuple{at: at}
		for _, e := range x.Elems {
			out.elems = append(out.elems, c.compileExpr(e, sc))
		}
		return out
	case *ast.UnaryExpr:
		return &cUnary{at: at, op: x.Op, x: c.compileExpr(x.X, sc)}
	case *ast.BinaryExpr:
		return c.compileBinary(x, sc)
	case *ast.App:
		return &cApp{at: at, f: c.compileExpr(x.Fun, sc), arg: c.compileExpr(x.Arg, sc)}
	case *ast.LetExpr:
		return c.compileLetExpr(x, sc)
	case *ast.Fun:
		return c.compileFun(x.Param, x.Body, "*fun*", at, sc)
	case *ast.Match:
		out := &cMatch{at: at, x: c.compileExpr(x.X, sc), clauses: map[string]cexpr{}}
		for _, cl := range x.Clauses {
			if _, dup := out.clauses[cl.Tag.Name]; !dup {
				out.clauses[cl.Tag.Name] = c.compileExpr(cl.Body, sc)
			}
		}
		if x.Default != nil {
			out.def = c.compileExpr(x.Default, sc)
		}
		return out
	case *ast.MatchSet:
		out := &cMatchSet{at: at, x: c.compileExpr(x.X, sc), empty: c.compileExpr(x.Empty, sc)}
		if x.Elem != nil {
			inner := newScope(sc)
			out.pre = -1
			if x.Elem.Pre != nil {
				out.pre = inner.declare(x.Elem.Pre.Name)
				out.split = true
			}
			out.elem = inner.declare(x.Elem.Elem.Name)
			out.rest = inner.declare(x.Elem.Rest.Name)
			out.body = c.compileExpr(x.Elem.Body, inner)
			out.size = inner.n
		}
		return out
	case *ast.Try:
		c.inTry++
		body := c.compileExpr(x.X, sc)
		c.inTry--
		return &cTry{at: at, x: body, def: c.compileExpr(x.Default, sc)}
	case *ast.If:
		if x.Cond.Op == ast.CondVariant {
			if c.variant(x.Cond.Variant) {
				return c.compileExpr(x.Then, sc)
			}
			return c.compileExpr(x.Else, sc)
		}
		return &cIf{at: at, op: x.Cond.Op, x: c.compileExpr(x.Cond.X, sc), y: c.compileExpr(x.Cond.Y, sc),
			then: c.compileExpr(x.Then, sc), els: c.compileExpr(x.Else, sc)}
	case *ast.BadExpr:
		c.errorf(at, "bad expression")
		return &cFail{at: at, msg: "bad expression"}
	}
	c.errorf(at, "unknown expression %T", x)
	return &cFail{at: at, msg: "unknown expression"}
}

func (c *compiler) compileBinary(x *ast.BinaryExpr, sc *scope) cexpr {
	at := c.at(x)
	args := make([]cexpr, len(x.Args))
	for i, a := range x.Args {
		args[i] = c.compileExpr(a, sc)
	}
	switch x.Op {
	case ast.Union:
		return &cUnion{at: at, args: args}
	case ast.Seq:
		out := &cSeq{at: at, args: args, toID: make([]cexpr, len(args))}
		for i, a := range x.Args {
			if u, ok := a.(*ast.UnaryExpr); ok && u.Op == ast.ToID {
				out.toID[i] = args[i].(*cUnary).x
			}
		}
		return out
	case ast.Inter:
		// herd7 reads "r & ~s" as a difference and "r & (s * t)" as a
		// restriction.
		for i := range 2 {
			if u, ok := x.Args[i].(*ast.UnaryExpr); ok && u.Op == ast.Comp {
				return &cDiff{at: at, a: args[1-i], b: args[i].(*cUnary).x}
			}
		}
		for i := range 2 {
			if b, ok := x.Args[i].(*ast.BinaryExpr); ok && b.Op == ast.Cartesian {
				cart := args[i].(*cBinary)
				return &cRestrict{at: at, r: args[1-i], dom: cart.a, rng: cart.b}
			}
		}
		return &cBinary{at: at, op: x.Op, a: args[0], b: args[1]}
	case ast.Diff:
		return &cDiff{at: at, a: args[0], b: args[1]}
	}
	return &cBinary{at: at, op: x.Op, a: args[0], b: args[1]}
}

func (c *compiler) compileLetExpr(x *ast.LetExpr, sc *scope) cexpr {
	inner := newScope(sc)
	if x.Rec {
		rec := c.compileLetRec(x.Bindings, nil, inner, c.at(x))
		body := c.compileExpr(x.Body, inner)
		return &cLetRec{at: c.at(x), rec: rec, body: body, size: &inner.n}
	}
	let := c.compileLet(x.Bindings, sc, inner)
	return &cLet{at: c.at(x), binds: let.binds, body: c.compileExpr(x.Body, inner), size: &inner.n}
}

func (c *compiler) compileFun(param *ast.Pattern, body ast.Expr, name string, at pos, sc *scope) *cFun {
	inner := newScope(sc)
	f := &cFun{at: at, name: name, params: c.patVars(param, inner, 0)}
	f.body = c.compileExpr(body, inner)
	f.size = inner.n
	return f
}
