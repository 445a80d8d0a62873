package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/syntax"
	syncat "github.com/litmusls/litmusls/syntax/cat"
)

// This file runs the tests of "litmusls herd7": the model and macros the
// options name (compiled or interpreted), the tests from the command line
// or stdin, and each test's text, warnings and exit status as herd7's.

// A herd7Run is a resolved configuration: the model for each dialect and
// how to check.
type herd7Run struct {
	o *herd7Options
	// model is the model named by the options, or nil (herd7's default
	// for each architecture: bpf.cat for BPF, nothing litmusls has for C).
	model *herd7Model
	// macros is the .def file found, or "".
	macros    string
	macrosErr string          // why the .def named cannot be read, or ""
	defined   map[string]bool // the names the .def defines; nil without one
	// lowerBy are the .def's macros, which lower the C tests under an
	// interpreted model; nil without a .def.
	lowerBy *checker.Macros
	// kernelDef: the .def is the kernel's linux-kernel.def, comments and
	// layout aside, which the compiled LKMM's lowering implements.
	kernelDef bool
	// rmw are the names the .def defines as read-modify-writes.
	rmw map[string]bool
}

// A herd7Model is a model the options name: the compiled model it is
// identical to, or the interpreter over its files.
type herd7Model struct {
	files    *modelFiles
	compiled string     // "lkmm" or "bpf" when identical to a compiled model
	interp   *cat.Model // otherwise
	notes    []string
	// defDiffers: the cat and bell files are the compiled LKMM's but the
	// .def is not the kernel's, so the interpreter runs them.
	defDiffers bool
}

// prepare finds and reads the macros and the model: the macros first,
// since they decide whether the compiled LKMM may stand for the model.
func (o *herd7Options) prepare() (*herd7Run, error) {
	r := &herd7Run{o: o}
	if o.macros != "" {
		if err := r.readMacros(); err != nil {
			return nil, err
		}
	}
	if o.model != "" {
		m, err := o.readModel(r)
		if err != nil {
			return nil, err
		}
		r.model = m
	}
	return r, nil
}

// readMacros finds and reads the .def file the options name.
func (r *herd7Run) readMacros() error {
	o := r.o
	// herd7 reads the macros for each C test: a file it cannot find is
	// that test's warning.
	p, lib, ok := o.finder.find(o.macros)
	if !ok || lib {
		r.macrosErr = "Cannot find file " + o.macros
		return nil
	}
	src, err := os.ReadFile(p)
	if err != nil {
		r.macrosErr = err.Error()
		return nil
	}
	f, errs := syncat.ParseMacros(p, src)
	if len(errs) > 0 {
		return &herd7Error{strings.TrimSuffix(errs.Format(f.Lines), "\n")}
	}
	ms, err := cat.ReadMacros(p, func(string) ([]byte, error) { return src, nil })
	if err != nil {
		return &herd7Error{err.Error()}
	}
	r.macros = p
	r.lowerBy = ms
	r.kernelDef = macrosDigest(f, src) == compiledMacroDigests["lkmm"]
	r.defined = map[string]bool{}
	r.rmw = map[string]bool{}
	for _, m := range f.Macros {
		r.defined[m.Name.Name] = true
		for _, c := range m.Calls() {
			if slices.Contains(rmwCore, c.Name.Name) {
				r.rmw[m.Name.Name] = true
			}
		}
	}
	return nil
}

// readModel finds and reads the model the options name.
func (o *herd7Options) readModel(r *herd7Run) (*herd7Model, error) {
	filter := &checkFilter{skip: o.skipchecks, through: o.through != "none"}
	files, err := resolveModel(&o.finder, o.model, o.bell, filter)
	if err != nil {
		return nil, &herd7Error{fmt.Sprintf("%s: %v", o.prog, err)}
	}
	m := &herd7Model{files: files}
	if files.digest != "" {
		m.compiled = compiledModel(files.digest)
	}
	if m.compiled != "" && !compiledVariants(m.compiled, o.variants) {
		// The same files under other variants: the kernel's bell flags
		// a run without lkmmv2, so the compiled model is not that run.
		m.compiled = ""
	}
	if m.compiled == "lkmm" && r.lowerBy != nil && !r.kernelDef {
		// The kernel's cat and bell with a .def of one's own: the
		// compiled lowering is the kernel's .def, so the interpreter
		// runs, lowering by the user's.
		m.compiled, m.defDiffers = "", true
	}
	if m.compiled == "" {
		if len(files.library) > 0 {
			return nil, &herd7Error{fmt.Sprintf("%s: the model differs from the models litmusls compiles, and it reads %s from herd7's library, which litmusls does not ship: give the directory that holds %s with -I or $HERDLIB",
				o.prog, strings.Join(files.library, ", "), plural(len(files.library), "it", "them"))}
		}
		read := func(p string) ([]byte, error) {
			if t, ok := files.texts[cleanAbs(p)]; ok {
				return t, nil
			}
			return os.ReadFile(p)
		}
		im, err := newCatModel(files.cat, cat.Options{Bell: files.bell, Variants: o.variants, Include: o.finder.dirs(), ReadFile: read, Macros: r.lowerBy})
		if err != nil {
			return nil, &herd7Error{err.Error()}
		}
		m.interp = im
	}
	return m, nil
}

// compiledVariants reports whether the compiled model named runs with the
// variants vs: the LKMM with lkmmv2 and no other (herd7 reads the
// variants in the kernel's bell and in its C semantics), bpf.cat's model
// with none.
func compiledVariants(model string, vs []string) bool {
	set := map[string]bool{}
	for _, v := range vs {
		set[strings.ToLower(v)] = true
	}
	if model == "lkmm" {
		return len(set) == 1 && set["lkmmv2"]
	}
	return len(set) == 0
}

// lowersByMacros reports whether C tests are lowered by the .def's macros:
// under an interpreted model given a .def.
func (r *herd7Run) lowersByMacros() bool {
	return r.lowerBy != nil && r.model != nil && r.model.interp != nil
}

// rmwCore are the core operations of a .def body that make a
// read-modify-write, which herd7 lowers differently without lkmmv2 (it
// wraps the fully ordered ones in Mb fences, see ../shared/model's
// README); litmusls lowers them as lkmmv2 does.
var rmwCore = []string{"__xchg", "__cmpxchg", "__atomic_op", "__atomic_fetch_op", "__atomic_add_unless"}

// describe is what -v says about the model that runs for dialect d.
func (r *herd7Run) describe(d syntax.Dialect) string {
	m := r.model
	var files []string
	if m != nil {
		lib := map[string]bool{}
		for _, f := range m.files.library {
			lib[f] = true
		}
		seen := map[string]bool{}
		for _, f := range m.files.files {
			if !seen[f] {
				seen[f] = true
				if lib[f] {
					f += " from herd7's library"
				}
				files = append(files, f)
			}
		}
	}
	switch {
	case m == nil && d == syntax.DialectBPF:
		return "model: compiled bpf.cat (herd7's default for BPF)"
	case m == nil:
		return "model: none (herd7's default for C, c11_partialSC.cat, is not one litmusls has)"
	case m.compiled != "":
		if r.macros != "" && d == syntax.DialectC {
			files = append(files, r.macros)
		}
		return fmt.Sprintf("model: compiled %s (%s: identical to the model litmusls compiles, comments and layout aside)", strings.ToUpper(m.compiled), strings.Join(files, ", "))
	}
	s := fmt.Sprintf("model: interpreted %s (%s)", m.files.cat, strings.Join(files, ", "))
	if r.lowerBy != nil && d == syntax.DialectC {
		s += ", tests lowered by " + r.macros
		if m.defDiffers {
			s += " (it differs from the kernel's linux-kernel.def)"
		}
	}
	if r.o.through != "none" || len(r.o.skipchecks) > 0 {
		s += fmt.Sprintf(" with -through %s, -skipchecks %s", r.o.through, strings.Join((&checkFilter{skip: r.o.skipchecks}).names(), ","))
	}
	return s
}

// herd7Inputs lists the tests to run: the names given, or those read from
// stdin; "@FILE" names a file of names, relative to its directory, as
// herd7's Misc.fold_argv_or_stdin.
func herd7Inputs(names []string, stdin io.Reader) ([]string, error) {
	var out []string
	var add func(name string) error
	readList := func(r io.Reader, dir string) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if dir != "." && !filepath.IsAbs(line) {
				line = filepath.Join(dir, line)
			}
			if err := add(line); err != nil {
				return err
			}
		}
		return sc.Err()
	}
	add = func(name string) error {
		if strings.HasPrefix(filepath.Base(name), "@") {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			return readList(f, filepath.Dir(name))
		}
		out = append(out, name)
		return nil
	}
	if len(names) == 0 {
		if err := readList(stdin, "."); err != nil {
			return nil, err
		}
		return out, nil
	}
	for _, n := range names {
		if err := add(n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// A herd7Result is what one test prints.
type herd7Result struct {
	out, errs bytes.Buffer
	status    int
}

// all checks the tests, -j at a time, and prints each one's text in
// order.
func (r *herd7Run) all(names []string, stdout, stderr io.Writer) int {
	outs := make([]chan *herd7Result, len(names))
	sem := make(chan struct{}, r.o.jobs)
	var said sync.Map
	for i, name := range names {
		outs[i] = make(chan *herd7Result, 1)
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res := &herd7Result{}
			if err := contain(func() { r.one(name, res, &said) }); err != nil {
				res.out.Reset()
				res.errs.Reset()
				reportFailure(&res.errs, name, err)
				res.status = 1
			}
			outs[i] <- res
		}()
	}
	status := 0
	for i := range names {
		res := <-outs[i]
		stderr.Write(res.errs.Bytes())
		if _, err := stdout.Write(res.out.Bytes()); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", r.o.prog, err)
			return 1
		}
		status = max(status, res.status)
	}
	return status
}

// one checks one test into res.
func (r *herd7Run) one(name string, res *herd7Result, said *sync.Map) {
	warn := func(msg string) {
		fmt.Fprintf(&res.errs, "Warning: File %q: %s (User error)\n", name, msg)
	}
	src, err := os.ReadFile(name)
	if err != nil {
		// herd7: a warning, and the run goes on.
		fmt.Fprintf(&res.errs, "Warning: File %q: %s\n", name, herd7OpenError(err))
		return
	}
	callInputHook(name)
	start := time.Now()
	f, perrs := syntax.Parse(name, src)
	if r.lowersByMacros() {
		// The .def says which calls there are, not litmusls's table of
		// kernel primitives: lowering reports a call it lacks.
		perrs = slices.DeleteFunc(perrs, func(e *syntax.Error) bool { return e.Primitive })
	}
	if len(perrs) > 0 {
		if prim, ok := strings.CutPrefix(perrs[0].Msg, "unknown primitive "); ok {
			if r.defined[prim] {
				// Only under the compiled LKMM, whose .def is the
				// kernel's: every primitive of that file is litmusls's.
				fmt.Fprintf(&res.errs, "%s: %s: %s is defined in %s, but is not a primitive litmusls can lower\n", r.o.prog, name, prim, r.macros)
				res.status = 1
				return
			}
			warn("Unknown macro " + prim)
			return
		}
		// A syntax error is the test's, as for herd7 (whose words
		// differ): a warning, and the run goes on with exit status 0.
		p := f.Lines.Position(perrs[0].Span.Start)
		end := f.Lines.Position(max(perrs[0].Span.End, perrs[0].Span.Start+1))
		last := end.Column - 1
		if end.Line != p.Line {
			last = p.Column
		}
		fmt.Fprintf(&res.errs, "Warning: File %q, line %d, characters %d-%d: %s (User error)\n", name, p.Line, p.Column-1, last, perrs[0].Msg)
		return
	}
	if r.o.verbose > 0 {
		if _, dup := said.LoadOrStore(f.Dialect, true); !dup {
			fmt.Fprintf(&res.errs, "%s: %s\n", r.o.prog, r.describe(f.Dialect))
		}
	}
	if f.Dialect == syntax.DialectC && r.macrosErr != "" {
		fmt.Fprintf(&res.errs, "Warning: File %q: %s\n", name, r.macrosErr)
		return
	}
	if f.Dialect == syntax.DialectC {
		switch u, stmt := undefinedCall(f, r.defined); {
		case u == "":
		case r.defined != nil:
			warn("Unknown macro " + u)
			return
		case stmt:
			// No .def: herd7's C semantics has no kernel primitives.
			fmt.Fprintf(&res.errs, "Warning: File %q: Procedure call %s in CSem\n", name, u)
			return
		default:
			fmt.Fprintf(&res.errs, "Warning: File %q: Macro call %s in CSem\n", name, u)
			return
		}
	}
	v2 := false
	for _, v := range r.o.variants {
		v2 = v2 || strings.EqualFold(v, "lkmmv2")
	}
	if f.Dialect == syntax.DialectC {
		for _, c := range testCalls(f) {
			if r.rmw[c.name] && !v2 {
				fmt.Fprintf(&res.errs, "%s: %s: %s: without -variant lkmmv2 herd7 lowers read-modify-writes as lkmmv1 does, which litmusls does not\n", r.o.prog, name, c.name)
				res.status = 1
				return
			}
		}
	}
	opts := checker.Options{Timeout: time.Duration(r.o.timeout * float64(time.Second))}
	var guard *guardedModel
	switch m := r.model; {
	case m == nil && f.Dialect == syntax.DialectC:
		fmt.Fprintf(&res.errs, "%s: %s: no model for C tests: give -conf linux-kernel.cfg, or -cat (herd7's default c11_partialSC.cat is not one litmusls has)\n", r.o.prog, name)
		res.status = 1
		return
	case m == nil:
	case m.compiled == "lkmm" && f.Dialect == syntax.DialectC:
		opts.Model = &checker.LKMM{}
	case m.compiled == "bpf" && f.Dialect == syntax.DialectBPF:
		opts.Model = &checker.BPF{}
	case m.interp != nil:
		guard = &guardedModel{m: m.interp}
		opts.Model = guard
	default:
		// A compiled model run on the other dialect's tests: the
		// interpreter has its files, but not all of them may be readable
		// (herd7's library); say so rather than guess.
		fmt.Fprintf(&res.errs, "%s: %s: the %s model on a %s test is not supported by litmusls\n", r.o.prog, name, strings.ToUpper(m.compiled), f.Dialect)
		res.status = 1
		return
	}
	var result *checker.Result
	switch r.o.speed {
	case "true":
		result, err = checker.Speedcheck(context.Background(), f, opts, checker.SpeedTrue)
	case "fast":
		result, err = checker.Speedcheck(context.Background(), f, opts, checker.SpeedFast)
	default:
		result, err = checker.Check(context.Background(), f, opts)
	}
	if guard != nil && guard.failed() != nil {
		fmt.Fprintf(&res.errs, "%v (while judging %s)\n", guard.failed(), name)
		res.status = 1
		return
	}
	if err != nil {
		panic(err)
	}
	if len(result.Errors) > 0 {
		e := result.Errors[0]
		if prim, ok := strings.CutPrefix(e.Msg, "unknown primitive "); ok {
			warn("Unknown macro " + prim)
			return
		}
		if strings.HasPrefix(e.Msg, "Unknown macro ") || strings.HasPrefix(e.Msg, "Argument mismatch for macro ") {
			// The lowering by the .def, in herd7's words.
			warn(e.Msg)
			return
		}
		fmt.Fprintf(&res.errs, "%s: %s\n", f.Lines.Position(e.Span.Start), e.Msg)
		res.status = 1
		return
	}
	if result.Cutoff {
		// herd7 prints nothing for a test its -timeout stops.
		return
	}
	r.graphs(name, f, src, opts, result, res)
	var text bytes.Buffer
	checker.WriteHerd(&text, result, time.Since(start).Seconds())
	out := text.Bytes()
	if h, ok := herd7Hash(f, src); ok {
		// herd7 prints its hash of the test after the Time line, before
		// the empty line that ends the test's text.
		out = append(bytes.TrimSuffix(out, []byte("\n")), []byte("Hash="+h+"\n\n")...)
	}
	res.out.Write(out)
}

// herd7OpenError is herd7's message for an unreadable test: OCaml's
// "open_in failed: NAME: Strerror".
func herd7OpenError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if msg != "" {
			msg = strings.ToUpper(msg[:1]) + msg[1:]
		}
		return fmt.Sprintf("open_in failed: %s: %s", pe.Path, msg)
	}
	return err.Error()
}

// undefinedCall returns the first primitive f calls that defined lacks
// (every call when defined is nil), or "", and whether the call is a
// statement of its own: herd7 expands every call of a C test from the
// .def file, and rejects one it does not define ("Unknown macro NAME");
// with no .def at all, its C semantics rejects the first call.
func undefinedCall(f *syntax.File, defined map[string]bool) (string, bool) {
	for _, c := range testCalls(f) {
		if !defined[c.name] {
			return c.name, c.stmt
		}
	}
	return "", false
}

// A testCall is a call in a test's code: the name called, and whether
// the call is a statement of its own.
type testCall struct {
	name string
	stmt bool
}

// testCalls lists the calls of f's threads, in order.
func testCalls(f *syntax.File) []testCall {
	var out []testCall
	visit := func(e syntax.Expr, top bool) {
		syntax.InspectExpr(e, func(x syntax.Expr) {
			if c, ok := x.(*syntax.CallExpr); ok && c.Fun != nil {
				out = append(out, testCall{c.Fun.Name, top && x == e})
			}
		})
	}
	var stmt func(s syntax.Stmt)
	stmt = func(s syntax.Stmt) {
		switch s := s.(type) {
		case *syntax.BlockStmt:
			for _, t := range s.Stmts {
				stmt(t)
			}
		case *syntax.DeclStmt:
			visit(s.Value, false)
		case *syntax.ExprStmt:
			visit(s.X, true)
		case *syntax.IfStmt:
			visit(s.Cond, false)
			stmt(s.Then)
			if s.Else != nil {
				stmt(s.Else)
			}
		case *syntax.WhileStmt:
			visit(s.Cond, false)
			stmt(s.Body)
		}
	}
	for _, t := range f.Threads {
		if t.Body != nil {
			stmt(t.Body)
		}
	}
	return out
}
