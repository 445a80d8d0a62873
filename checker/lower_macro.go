package checker

import (
	"fmt"

	"github.com/litmusls/litmusls/syntax"
	syncat "github.com/litmusls/litmusls/syntax/cat"
)

// This file lowers a test's primitives by the macros of a .def file, as
// herd7 does with -macros (lib/CBase.ml expands the calls by substitution,
// herd/CSem.ml gives each core operation its events, variant lkmmv2):
// every call of the test names a macro, whose body is a C statement or
// expression over herd7's core operations (__load{tags}, __store{tags},
// __fence{tags}, __xchg, __cmpxchg, the atomic operations, the locks,
// __srcu) and other macros. The events carry the annotations written in
// the braces as strings, so a model sees a user's 'foo as it sees 'ONCE.

// Macros are the definitions of a .def file, ready to lower tests by.
// Build them with NewMacros; they are read-only and safe for concurrent
// use.
type Macros struct {
	file       *syncat.MacroFile
	expr, stmt map[string]*syncat.Macro // the last definition of each name and kind, as herd7 uses
}

// A MacroModel is a Model that comes with a .def file: Check lowers a C
// test's primitives by its macros instead of by the built-in lowering of
// the kernel's primitives. Macros returning nil means the built-in
// lowering.
type MacroModel interface {
	Model
	Macros() *Macros
}

// NewMacros prepares the macros of f (parsed without errors). A body that
// herd7 accepts but litmusls cannot lower is an error with the
// definition's file:line:col; the errors come in source order.
func NewMacros(f *syncat.MacroFile) (*Macros, []string) {
	m := &Macros{file: f, expr: map[string]*syncat.Macro{}, stmt: map[string]*syncat.Macro{}}
	var errs []string
	for _, d := range f.Macros {
		if d.Body != nil {
			m.stmt[d.Name.Name] = d
		} else {
			m.expr[d.Name.Name] = d
		}
		var expr func(x syncat.CExpr, top bool)
		var stmt func(s syncat.CStmt)
		expr = func(x syncat.CExpr, top bool) {
			switch x := x.(type) {
			case *syncat.CCall:
				if x.Name.Name == "__srcu" && !top {
					errs = append(errs, fmt.Sprintf("%s: unsupported: __srcu as an expression (herd7 makes its value up from the instruction's place in the thread)", m.pos(x.Span)))
				}
				for _, a := range x.Args {
					expr(a, false)
				}
			case *syncat.CDeref:
				expr(x.X, false)
			case *syncat.CBinary:
				expr(x.X, false)
				expr(x.Y, false)
			case *syncat.CBadExpr:
				errs = append(errs, fmt.Sprintf("%s: unsupported expression", m.pos(x.Span)))
			}
		}
		stmt = func(s syncat.CStmt) {
			switch s := s.(type) {
			case *syncat.CExprStmt:
				expr(s.X, true)
			case *syncat.CAssign:
				expr(s.LHS, false)
				expr(s.RHS, false)
			case *syncat.CIf:
				expr(s.Cond, false)
				stmt(s.Then)
				if s.Else != nil {
					stmt(s.Else)
				}
			case *syncat.CBlock:
				for _, t := range s.Stmts {
					stmt(t)
				}
			case *syncat.CBadStmt:
				errs = append(errs, fmt.Sprintf("%s: unsupported statement", m.pos(s.Span)))
			}
		}
		if d.Expr != nil {
			expr(d.Expr, false)
		}
		if d.Body != nil {
			stmt(d.Body)
		}
	}
	if _, ok := m.expr["atomic_add_unless"]; !ok {
		m.expr["atomic_add_unless"] = legacyAddUnless
	}
	return m, errs
}

// legacyAddUnless is herd7's own atomic_add_unless(X,V,W), which it uses
// when the .def has none (lib/CBase.ml, "Legacy"): __atomic_add_unless
// with the empty annotation. legacyLines are the lines of its text.
var legacyAddUnless, legacyLines = func() (*syncat.Macro, *syntax.Lines) {
	f, _ := syncat.ParseMacros("herd7's atomic_add_unless", []byte("atomic_add_unless(X,V,W) __atomic_add_unless{legacy}(X,V,W)\n"))
	d := f.Macros[0]
	d.Expr.(*syncat.CCall).Tags = []string{""}
	return d, f.Lines
}()

// pos gives a span of the .def file as file:line:col.
func (m *Macros) pos(s syncat.Span) string { return m.file.Lines.Position(s.Start).String() }

// linesOf gives the lines of the text that defines d.
func (m *Macros) linesOf(d *syncat.Macro) *syntax.Lines {
	if d == legacyAddUnless {
		return legacyLines
	}
	return m.file.Lines
}

// arityError is herd7's error for a call of d with n arguments, or nil:
// herd7's own atomic_add_unless takes three and is no macro otherwise.
func arityError(d *syncat.Macro, name string, n int) string {
	switch {
	case len(d.Params) == n:
		return ""
	case d == legacyAddUnless:
		return "Unknown macro " + name
	}
	return "Argument mismatch for macro " + name
}

// lookup returns the macro a call names: a statement macro for a call
// that is a statement of its own, else an expression macro, or an error
// in herd7's words.
func (m *Macros) lookup(call *syntax.CallExpr, stmt bool) (*syncat.Macro, error) {
	defs := m.expr
	if stmt {
		defs = m.stmt
	}
	d, ok := defs[call.Fun.Name]
	if !ok {
		return nil, &LowerError{call.Fun.Span, "Unknown macro " + call.Fun.Name}
	}
	if msg := arityError(d, call.Fun.Name, len(call.Args)); msg != "" {
		return nil, &LowerError{call.Span, msg}
	}
	return d, nil
}

// checkCalls reports the first call of f that names no macro of its kind
// or has the wrong number of arguments: herd7 expands every call before
// it runs any code, so a call on a path never taken fails the test too.
func (m *Macros) checkCalls(f *syntax.File) error {
	var first error
	expr := func(e syntax.Expr) {
		syntax.InspectExpr(e, func(x syntax.Expr) {
			if c, ok := x.(*syntax.CallExpr); ok && first == nil && !keywordCall(c, false) {
				_, first = m.lookup(c, false)
			}
		})
	}
	var stmt func(s syntax.Stmt)
	stmt = func(s syntax.Stmt) {
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, x := range s.Stmts {
				stmt(x)
			}
		case *syntax.DeclStmt:
			if s.Value != nil {
				expr(s.Value)
			}
		case *syntax.ExprStmt:
			if c, ok := s.X.(*syntax.CallExpr); ok {
				if first == nil && !keywordCall(c, true) {
					_, first = m.lookup(c, true)
				}
				for _, a := range c.Args {
					expr(a)
				}
				return
			}
			expr(s.X)
		case *syntax.IfStmt:
			expr(s.Cond)
			stmt(s.Then)
			if s.Else != nil {
				stmt(s.Else)
			}
		case *syntax.WhileStmt:
			expr(s.Cond)
			stmt(s.Body)
		}
	}
	for _, t := range f.Threads {
		if t.Body != nil {
			stmt(t.Body)
		}
	}
	return first
}

// keywordCall reports whether c is a statement herd7's C lexer reads as a
// keyword, not a macro call: lock(x) and unlock(x), which the built-in
// lowering lowers.
func keywordCall(c *syntax.CallExpr, stmt bool) bool {
	return stmt && (c.Fun.Name == "lock" || c.Fun.Name == "unlock")
}

// A macroArg is an argument of a macro call, substituted for its
// parameter where the body names it: herd7 expands macros by
// substitution, so an argument is evaluated where, and as often as, the
// body uses it.
type macroArg struct {
	x   syntax.Expr  // an argument written in the test, or nil
	c   syncat.CExpr // an argument written in a macro body
	env *macroEnv    // the parameters c sees
}

// A macroEnv is one expansion of a macro.
type macroEnv struct {
	args  map[string]macroArg
	span  syntax.Span   // the test's call being expanded: the events' source
	lines *syntax.Lines // the lines of the macro's text, for errors
	depth int           // expansions this one is nested in (see maxExpansion)
}

// maxExpansion bounds the nesting of macro expansions: a macro that calls
// itself, directly or not, would expand forever.
const maxExpansion = 64

// newEnv binds the parameters of d, whose text has lines, to args.
func newEnv(d *syncat.Macro, args []macroArg, span syntax.Span, lines *syntax.Lines) *macroEnv {
	env := &macroEnv{args: make(map[string]macroArg, len(d.Params)), span: span, lines: lines}
	for i, p := range d.Params {
		env.args[p.Name] = args[i]
	}
	return env
}

// macroCall lowers a call written in the test by its macro.
func (l *lowerer) macroCall(call *syntax.CallExpr, stmt bool, st *lstate) ([]out, error) {
	if keywordCall(call, stmt) {
		return l.call(call, st)
	}
	d, err := l.macros.lookup(call, stmt)
	if err != nil {
		return nil, err
	}
	args := make([]macroArg, len(call.Args))
	for i, a := range call.Args {
		args[i] = macroArg{x: a}
	}
	env := newEnv(d, args, call.Span, l.macros.linesOf(d))
	if stmt {
		sts, err := l.mstmt(d.Body, env, []*lstate{st})
		outs := make([]out, len(sts))
		for i, s := range sts {
			outs[i] = out{s, konst(0)}
		}
		return outs, err
	}
	return l.mexpr(d.Expr, env, st)
}

// errAt is a LowerError at the test's call for a problem at span of the
// .def file.
func (l *lowerer) errAt(env *macroEnv, span syncat.Span, format string, args ...any) error {
	return &LowerError{env.span, env.lines.Position(span.Start).String() + ": " + fmt.Sprintf(format, args...)}
}

// mstmt lowers a statement of a macro body.
func (l *lowerer) mstmt(s syncat.CStmt, env *macroEnv, sts []*lstate) ([]*lstate, error) {
	var res []*lstate
	switch s := s.(type) {
	case *syncat.CBlock:
		var err error
		for _, x := range s.Stmts {
			if sts, err = l.mstmt(x, env, sts); err != nil {
				return nil, err
			}
		}
		return sts, nil
	case *syncat.CExprStmt:
		for _, st := range sts {
			outs, err := l.mcallStmt(s.X, env, st)
			if err != nil {
				return nil, err
			}
			res = append(res, states(outs)...)
		}
		return res, nil
	case *syncat.CAssign:
		for _, st := range sts {
			outs, err := l.mexpr(s.RHS, env, st)
			if err != nil {
				return nil, err
			}
			for _, o := range outs {
				if err := l.massign(s.LHS, o.v, env, o.st); err != nil {
					return nil, err
				}
			}
			res = append(res, states(outs)...)
		}
		return res, nil
	case *syncat.CIf:
		for _, st := range sts {
			outs, err := l.mexpr(s.Cond, env, st)
			if err != nil {
				return nil, err
			}
			got, err := l.branches(outs, func(then bool, br *lstate) ([]*lstate, bool, error) {
				arm := s.Then
				if !then {
					arm = s.Else
				}
				if arm == nil {
					return nil, false, nil
				}
				got, err := l.mstmt(arm, env, []*lstate{br})
				return got, true, err
			})
			if err != nil {
				return nil, err
			}
			res = append(res, got...)
		}
		return res, nil
	}
	return nil, l.errAt(env, s.GetSpan(), "unsupported statement")
}

// massign lowers "lhs = v;" in a macro body: a plain store through a
// pointer, or an assignment to a register (a parameter that names one).
func (l *lowerer) massign(lhs syncat.CExpr, v *sval, env *macroEnv, st *lstate) error {
	if n, ok := lhs.(*syncat.CName); ok {
		a, isParam := env.args[n.Name]
		switch {
		case !isParam:
			st.env[n.Name] = v
			return nil
		case a.x != nil:
			if id, ok := syntax.Unparen(a.x).(*syntax.Ident); ok {
				if _, local := st.env[id.Name]; local {
					st.env[id.Name] = v
					return nil
				}
			}
		case a.c != nil:
			return l.massign(a.c, v, a.env, st)
		}
	}
	loc, addr, err := l.mlvalue(lhs, env, st)
	if err != nil {
		return err
	}
	l.write(st, env.span, loc, addr, v, 0, -1)
	return nil
}

// mcallStmt lowers an expression statement of a macro body: a core
// operation that is a statement, a statement macro, or an expression.
func (l *lowerer) mcallStmt(x syncat.CExpr, env *macroEnv, st *lstate) ([]out, error) {
	c, ok := x.(*syncat.CCall)
	if !ok {
		return l.mexpr(x, env, st)
	}
	switch c.Name.Name {
	case "__store":
		loc, addr, err := l.mlvalue(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		v, err := l.mvalue(c.Args[1], env, st)
		if err != nil {
			return nil, err
		}
		l.annotated(c.Tags, func() { l.write(st, env.span, loc, addr, v, tagsOf(c.Tags, false), -1) })
		return one(st, konst(0)), nil
	case "__fence":
		l.annotated(c.Tags, func() { l.fence(st, env.span, tagsOf(c.Tags, true)) })
		return one(st, konst(0)), nil
	case "__lock", "__unlock":
		loc, addr, err := l.mpointer(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		if c.Name.Name == "__lock" {
			l.lock(st, env.span, loc, addr)
		} else {
			l.unlock(st, env.span, loc, addr)
		}
		return one(st, konst(0)), nil
	case "__srcu":
		loc, addr, err := l.mpointer(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		// A second argument is the value herd7 attaches to the SRCU
		// event, which no memory access reads: evaluated, not kept.
		if len(c.Args) > 1 {
			if _, err := l.mvalue(c.Args[1], env, st); err != nil {
				return nil, err
			}
		}
		l.annotated(c.Tags, func() {
			l.add(st, pevent{Event: Event{Kind: KindSrcu, Tags: tagsOf(c.Tags, false), Loc: loc, Instr: l.next(), Span: env.span}, addrDep: addr, rmwOf: -1})
		})
		return one(st, konst(0)), nil
	case "__atomic_op":
		tags := c.Tags
		if !c.Braced {
			tags = []string{""} // herd7's annotation when the braces are left out
		}
		outs, _, err := l.atomicOp(c, tags, env, st)
		return outs, err
	}
	if c.Core() {
		return l.mexpr(c, env, st)
	}
	d, ok := l.macros.stmt[c.Name.Name]
	if !ok {
		return nil, l.errAt(env, c.Span, "Unknown macro %s", c.Name.Name)
	}
	return l.expand(d, c, env, st)
}

// expand lowers a call of macro d written in a macro body.
func (l *lowerer) expand(d *syncat.Macro, c *syncat.CCall, env *macroEnv, st *lstate) ([]out, error) {
	if msg := arityError(d, c.Name.Name, len(c.Args)); msg != "" {
		return nil, l.errAt(env, c.Span, "%s", msg)
	}
	args := make([]macroArg, len(c.Args))
	for i, a := range c.Args {
		args[i] = macroArg{c: a, env: env}
	}
	inner := newEnv(d, args, env.span, l.macros.linesOf(d))
	if inner.depth = env.depth + 1; inner.depth > maxExpansion {
		return nil, l.errAt(env, c.Span, "macro expansion nested more than %d deep: does %s call itself?", maxExpansion, c.Name.Name)
	}
	if d.Body == nil {
		return l.mexpr(d.Expr, inner, st)
	}
	sts, err := l.mstmt(d.Body, inner, []*lstate{st})
	outs := make([]out, len(sts))
	for i, s := range sts {
		outs[i] = out{s, konst(0)}
	}
	return outs, err
}

// annotated runs f with l.annots set to tags, so that the events it adds
// carry them.
func (l *lowerer) annotated(tags []string, f func()) {
	l.annots = tags
	f()
	l.annots = nil
}

// mexpr evaluates an expression of a macro body.
func (l *lowerer) mexpr(x syncat.CExpr, env *macroEnv, st *lstate) ([]out, error) {
	switch x := x.(type) {
	case *syncat.CInt:
		k, err := checkedInt(&syntax.IntLit{Span: env.span, Value: x.Value}, x.Value)
		if err != nil {
			return nil, err
		}
		return one(st, konst(k)), nil
	case *syncat.CName:
		a, ok := env.args[x.Name]
		switch {
		case !ok:
			// Not a parameter: a name of the thread, as herd7 leaves it.
			return l.expr(&syntax.Ident{Span: env.span, Name: x.Name}, st)
		case a.x != nil:
			return l.expr(a.x, st)
		}
		return l.mexpr(a.c, a.env, st)
	case *syncat.CDeref:
		loc, addr, err := l.mlvalue(x, env, st)
		if err != nil {
			return nil, err
		}
		return one(st, l.read(st, env.span, loc, addr, 0)), nil
	case *syncat.CBinary:
		xs, err := l.mexpr(x.X, env, st)
		if err != nil {
			return nil, err
		}
		var res []out
		for _, a := range xs {
			ys, err := l.mexpr(x.Y, env, a.st)
			if err != nil {
				return nil, err
			}
			for _, b := range ys {
				res = append(res, out{b.st, mkC(x.Op, a.v, b.v)})
			}
		}
		return res, nil
	case *syncat.CCall:
		return l.mcall(x, env, st)
	}
	return nil, l.errAt(env, x.GetSpan(), "unsupported expression")
}

// mcall evaluates a call in an expression of a macro body.
func (l *lowerer) mcall(c *syncat.CCall, env *macroEnv, st *lstate) ([]out, error) {
	tags := c.Tags
	switch c.Name.Name {
	case "__load":
		loc, addr, err := l.mlvalue(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		var r *sval
		if len(tags) == 1 && (tags[0] == "deref" || tags[0] == "lderef") {
			// herd7: a ONCE read followed by an rb_dep fence.
			l.annotated([]string{"once"}, func() { r = l.read(st, env.span, loc, addr, 0) })
			l.annotated([]string{"rb_dep"}, func() { l.fence(st, env.span, 0) })
			return one(st, r), nil
		}
		l.annotated(tags, func() { r = l.read(st, env.span, loc, addr, tagsOf(tags, false)) })
		return one(st, r), nil
	case "__xchg":
		loc, addr, err := l.mpointer(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		v, err := l.mvalue(c.Args[1], env, st)
		if err != nil {
			return nil, err
		}
		t := tagsOf(tags, false) | TagRMW
		var r *sval
		l.annotated(tags, func() {
			r = l.read(st, env.span, loc, addr, t)
			l.write(st, env.span, loc, addr, v, t, r.read)
		})
		return one(st, r), nil
	case "__cmpxchg", "__atomic_add_unless":
		loc, addr, err := l.mpointer(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		v1, err := l.mvalue(c.Args[1], env, st)
		if err != nil {
			return nil, err
		}
		v2, err := l.mvalue(c.Args[2], env, st)
		if err != nil {
			return nil, err
		}
		f := func(r *sval) (*sval, *sval, *sval) { return mk("==", r, v1), v2, r }
		if c.Name.Name == "__atomic_add_unless" {
			// (X, V, U): add V unless the value is U; 1 when it added.
			f = func(r *sval) (*sval, *sval, *sval) { return mk("!=", r, v2), mkC("+", r, v1), nil }
		}
		// lkmmv2: the read and write of a success, and the read of a
		// failure, all carry the tags.
		t := tagsOf(tags, false)
		var outs []out
		l.annotated(tags, func() { outs = l.conditional(st, env.span, loc, addr, t, t, t, f) })
		return outs, nil
	case "__atomic_op_return", "__atomic_fetch_op":
		outs, r, err := l.atomicOp(c, tags, env, st)
		if err != nil || c.Name.Name == "__atomic_op_return" {
			return outs, err
		}
		return one(st, r), nil
	case "__trylock", "__islocked":
		loc, addr, err := l.mpointer(c.Args[0], env, st)
		if err != nil {
			return nil, err
		}
		if c.Name.Name == "__trylock" {
			return l.trylock(st, env.span, loc, addr), nil
		}
		return l.islocked(st, env.span, loc, addr), nil
	}
	if c.Core() {
		// A statement (__store, __fence, __lock, ...) where an expression
		// is wanted: the .def parser rejects these.
		return nil, l.errAt(env, c.Span, "%s is a statement, not an expression", c.Name.Name)
	}
	d, ok := l.macros.expr[c.Name.Name]
	if !ok {
		return nil, l.errAt(env, c.Span, "Unknown macro %s", c.Name.Name)
	}
	return l.expand(d, c, env, st)
}

// atomicOp lowers __atomic_op, __atomic_op_return and __atomic_fetch_op
// (X, op, V): a read and a write of X, both with tags (lkmmv2), writing
// the read value op V. The result is the value written; r is the value
// read.
func (l *lowerer) atomicOp(c *syncat.CCall, tags []string, env *macroEnv, st *lstate) (outs []out, r *sval, err error) {
	v, err := l.mvalue(c.Args[2], env, st)
	if err != nil {
		return nil, nil, err
	}
	loc, addr, err := l.mpointer(c.Args[0], env, st)
	if err != nil {
		return nil, nil, err
	}
	op := c.Args[1].(*syncat.COp).Op
	t := tagsOf(tags, false) | TagRMW
	var nv *sval
	l.annotated(tags, func() {
		r = l.read(st, env.span, loc, addr, t)
		nv = mkC(op, r, v)
		l.write(st, env.span, loc, addr, nv, t, r.read)
	})
	return one(st, nv), r, nil
}

// mvalue evaluates an argument of a core operation, which must have one
// outcome and no other path.
func (l *lowerer) mvalue(x syncat.CExpr, env *macroEnv, st *lstate) (*sval, error) {
	outs, err := l.mexpr(x, env, st)
	if err != nil {
		return nil, err
	}
	if len(outs) != 1 || outs[0].st != st {
		return nil, l.errAt(env, x.GetSpan(), "unsupported: argument with side effects")
	}
	return outs[0].v, nil
}

// mpointer evaluates a pointer argument of a core operation to its
// location.
func (l *lowerer) mpointer(x syncat.CExpr, env *macroEnv, st *lstate) (int, map[int]bool, error) {
	v, err := l.mvalue(x, env, st)
	if err != nil {
		return 0, nil, err
	}
	return l.locOf(v, env.span, st)
}

// mlvalue returns the location of the memory lvalue x: "*p", or a
// parameter whose argument is one (herd7: "Bad __load argument" else).
func (l *lowerer) mlvalue(x syncat.CExpr, env *macroEnv, st *lstate) (int, map[int]bool, error) {
	switch x := x.(type) {
	case *syncat.CDeref:
		return l.mpointer(x.X, env, st)
	case *syncat.CName:
		if a, ok := env.args[x.Name]; ok {
			if a.x != nil {
				return l.lvalueAddress(a.x, st)
			}
			return l.mlvalue(a.c, a.env, st)
		}
	}
	return 0, nil, l.errAt(env, x.GetSpan(), "expected a memory location such as *X (herd7: Bad __load or __store argument)")
}

// annotationTags maps the annotations of the kernel's linux-kernel.def to
// the tag bits of the built-in lowering; an annotation it does not know
// has no bit, only its name in Event.Annots.
var annotationTags = map[string][2]Tag{ // access, fence
	"ONCE":                   {TagOnce, 0},
	"ACQUIRE":                {TagAcquire, 0},
	"RELEASE":                {TagRelease, 0},
	"MB":                     {TagMb, TagFenceMb},
	"NORETURN":               {TagNoreturn, 0},
	"rmb":                    {0, TagRmb},
	"wmb":                    {0, TagWmb},
	"barrier":                {0, TagBarrier},
	"rcu-lock":               {0, TagRcuLock},
	"rcu-unlock":             {0, TagRcuUnlock},
	"sync-rcu":               {0, TagSyncRcu},
	"before-atomic":          {0, TagBeforeAtomic},
	"after-atomic":           {0, TagAfterAtomic},
	"after-spinlock":         {0, TagAfterSpinlock},
	"after-unlock-lock":      {0, TagAfterUnlockLock},
	"after-srcu-read-unlock": {0, TagAfterSrcuReadUnlock},
	"srcu-lock":              {TagSrcuLock, 0},
	"srcu-unlock":            {TagSrcuUnlock, 0},
	"sync-srcu":              {TagSyncSrcu, 0},
}

// tagsOf gives the tag bits of annotations on an access or a fence.
func tagsOf(annots []string, fence bool) Tag {
	var t Tag
	for _, a := range annots {
		bits := annotationTags[a]
		if fence {
			t |= bits[1]
		} else {
			t |= bits[0]
		}
	}
	return t
}
