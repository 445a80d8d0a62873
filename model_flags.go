package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	syncat "github.com/litmusls/litmusls/syntax/cat"
)

// modelFlags are check's flags that choose the model: --cat, --bell,
// --macros, --conf, --variant. None set means the compiled models.
type modelFlags struct {
	cat, bell, macros, conf, variant string
}

func (mf *modelFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&mf.cat, "cat", "", "run the interpreted cat model `FILE.cat` instead of the compiled one")
	fs.StringVar(&mf.bell, "bell", "", "with --cat or --conf, the model's bell `FILE` (event annotations)")
	fs.StringVar(&mf.macros, "macros", "", "with --cat or --conf, the macros `FILE.def` (read and compared with the built-in lowering, which still lowers the primitives)")
	fs.StringVar(&mf.conf, "conf", "", "read herd7's configuration `FILE.cfg` (keys model, bell, macros, variant; file names relative to it); explicit flags override it")
	fs.StringVar(&mf.variant, "variant", "", "with --cat or --conf, herd7 variants in force, comma-separated (`V`, e.g. lkmmv2); replaces the cfg's")
}

// interpreted reports whether any flag asks for an interpreted model.
func (mf *modelFlags) interpreted() bool {
	return mf.cat != "" || mf.bell != "" || mf.macros != "" || mf.conf != "" || mf.variant != ""
}

// A modelChoice is the model check runs and what it says about it.
type modelChoice struct {
	model    *cat.Model // nil: the compiled models
	cat      string     // the cat file's path
	bell     string     // or ""
	macros   string     // or ""
	variants []string
	notes    []string // said once on stderr before any output
}

// describe is the line -v prints.
func (c *modelChoice) describe() string {
	if c.model == nil {
		return "model: compiled (the LKMM for C tests, bpf.cat's model for BPF tests)"
	}
	s := "model: interpreted " + c.cat
	var more []string
	if c.bell != "" {
		more = append(more, "bell "+c.bell)
	}
	if c.macros != "" {
		more = append(more, "macros "+c.macros+" (lowering: built-in)")
	}
	if len(c.variants) > 0 {
		more = append(more, "variant "+strings.Join(c.variants, ","))
	}
	if len(more) > 0 {
		s += " (" + strings.Join(more, ", ") + ")"
	}
	return s
}

// A configError is a problem in the model flags or the files they name:
// check stops with exit status 2 before checking any test.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

// load resolves the flags (the cfg first, explicit flags over it) and
// reads the model. Every problem is a *configError whose text is
// "file:line:col: message" when it has a place.
func (mf *modelFlags) load() (*modelChoice, error) {
	c := &modelChoice{}
	if !mf.interpreted() {
		return c, nil
	}
	var include []string
	if mf.conf != "" {
		if err := c.readConfig(mf.conf); err != nil {
			return nil, err
		}
		include = []string{filepath.Dir(mf.conf)}
	}
	if mf.cat != "" {
		c.cat = mf.cat
	}
	if mf.bell != "" {
		c.bell = mf.bell
	}
	if mf.macros != "" {
		c.macros = mf.macros
	}
	if mf.variant != "" {
		c.variants = nil
		for _, v := range strings.Split(mf.variant, ",") {
			if v = strings.TrimSpace(v); v != "" {
				c.variants = append(c.variants, v)
			}
		}
	}
	if c.cat == "" {
		if mf.conf != "" {
			return nil, &configError{fmt.Sprintf("%s: the configuration names no model (a \"model\" line); give --cat FILE.cat", mf.conf)}
		}
		return nil, &configError{"--bell, --macros and --variant need a model: give --cat FILE.cat or --conf FILE.cfg"}
	}
	if c.macros != "" {
		if err := c.readMacros(c.macros); err != nil {
			return nil, err
		}
	}
	m, err := newCatModel(c.cat, cat.Options{Bell: c.bell, Variants: c.variants, Include: include})
	if err != nil {
		return nil, &configError{err.Error()}
	}
	c.model = m
	return c, nil
}

// newCatModel is cat.New with a panic turned into an error: a model file
// that crashes the interpreter is still the user's configuration problem,
// reported, not a crash of check.
func newCatModel(path string, opts cat.Options) (m *cat.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%s: internal error reading the model: %v", path, p)
		}
	}()
	return cat.New(path, opts)
}

// readConfig reads a herd7 .cfg file: the files its model (or cat), bell
// and macros lines name, relative to its directory, and its variants.
// Other keys (display settings, mostly) are ignored; those that change
// what herd7 computes get a note.
func (c *modelChoice) readConfig(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return &configError{err.Error()}
	}
	cfg, errs := syncat.ParseConfig(path, src)
	if len(errs) > 0 {
		return &configError{strings.TrimSuffix(errs.Format(cfg.Lines), "\n")}
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for _, key := range []string{"cat", "model"} {
		if e := cfg.Get(key); e != nil {
			c.cat = rel(e.Value)
		}
	}
	if e := cfg.Get("bell"); e != nil {
		c.bell = rel(e.Value)
	}
	if e := cfg.Get("macros"); e != nil {
		c.macros = rel(e.Value)
	}
	for _, e := range cfg.All("variant") {
		c.variants = append(c.variants, e.Values()...)
	}
	for _, e := range cfg.Entries {
		if ignoredSemanticKeys[e.Key] {
			c.notes = append(c.notes, fmt.Sprintf("%s: note: %q is not supported by litmusls and is ignored", cfg.Lines.Position(e.KeySpan.Start), e.Key))
		}
	}
	return nil
}

// ignoredSemanticKeys are the cfg keys that change what herd7 computes
// and litmusls does not read; display keys (graph, fontsize, ...) are
// ignored silently.
var ignoredSemanticKeys = map[string]bool{
	"skipchecks": true, "strictskip": true, "through": true, "optace": true,
	"initwrites": true, "unroll": true, "restrict": true, "archcheck": true,
	"speedcheck": true, "badexecs": true, "badflag": true, "machsize": true,
	"endian": true, "include": true, "conf": true, "local-conf": true,
}

// readMacros parses the .def file at path and compares its definitions
// with the built-in lowering's. litmusls lowers primitives in Go, so a
// definition that differs is not used: a note says so, naming each.
func (c *modelChoice) readMacros(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return &configError{err.Error()}
	}
	f, errs := syncat.ParseMacros(path, src)
	if len(errs) > 0 {
		return &configError{strings.TrimSuffix(errs.Format(f.Lines), "\n")}
	}
	if diffs := macroDiffs(f, builtinMacroDigests); len(diffs) > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%s: note: macros read, but primitives are still lowered by the built-in lowering (the kernel's linux-kernel.def); %d %s of this file %s not used:\n  %s",
			path, len(diffs), plural(len(diffs), "definition", "definitions"), plural(len(diffs), "is", "are"), strings.Join(diffs, "\n  ")))
	}
	return nil
}

// macroDiffs lists how f's definitions (the last of each name and kind,
// as herd7 uses them) differ from the ones whose fingerprints base holds,
// with parameters renamed to their position and layout ignored:
// "file:line:col: NAME differs", "... NAME is new", "NAME is missing",
// sorted by place then name.
func macroDiffs(f *syncat.MacroFile, base map[macroKey]string) []string {
	mine := effectiveMacros(f)
	var out []string
	for k, m := range mine {
		pos := f.Lines.Position(m.Span.Start).String()
		switch d, ok := base[k]; {
		case !ok:
			out = append(out, fmt.Sprintf("%s: %s is new", pos, m.Name.Name))
		case macroDigest(m) != d:
			out = append(out, fmt.Sprintf("%s: %s differs", pos, m.Name.Name))
		}
	}
	var missing []string
	for k := range base {
		if _, ok := mine[k]; !ok {
			missing = append(missing, k.name+" is missing (the built-in lowering still has it)")
		}
	}
	sort.Slice(out, func(i, j int) bool { return positionLess(out[i], out[j]) })
	sort.Strings(missing)
	return append(out, missing...)
}

// macroDigest is the fingerprint of m's canonical text (macroText): the
// first 16 hex digits of its SHA-256.
func macroDigest(m *syncat.Macro) string {
	sum := sha256.Sum256([]byte(macroText(m)))
	return hex.EncodeToString(sum[:8])
}

// positionLess orders "file:line:col: ..." lines by line and column.
func positionLess(a, b string) bool {
	la, ca := lineCol(a)
	lb, cb := lineCol(b)
	if la != lb {
		return la < lb
	}
	if ca != cb {
		return ca < cb
	}
	return a < b
}

func lineCol(s string) (int, int) {
	head, _, _ := strings.Cut(s, ": ")
	parts := strings.Split(head, ":")
	if len(parts) < 3 {
		return 0, 0
	}
	l, _ := strconv.Atoi(parts[len(parts)-2])
	c, _ := strconv.Atoi(parts[len(parts)-1])
	return l, c
}

type macroKey struct {
	name string
	stmt bool
}

func effectiveMacros(f *syncat.MacroFile) map[macroKey]*syncat.Macro {
	out := map[macroKey]*syncat.Macro{}
	for _, m := range f.Macros {
		out[macroKey{m.Name.Name, m.Body != nil}] = m
	}
	return out
}

// macroText is a canonical text of m's definition: parameters as $0, $1,
// ..., no layout.
func macroText(m *syncat.Macro) string {
	params := map[string]string{}
	for i, p := range m.Params {
		params[p.Name] = "$" + strconv.Itoa(i)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "(%d)", len(m.Params))
	var expr func(x syncat.CExpr)
	var stmt func(s syncat.CStmt)
	expr = func(x syncat.CExpr) {
		switch x := x.(type) {
		case *syncat.CName:
			if p, ok := params[x.Name]; ok {
				b.WriteString(p)
			} else {
				b.WriteString(x.Name)
			}
		case *syncat.CInt:
			fmt.Fprintf(&b, "%d", x.Value)
		case *syncat.CDeref:
			b.WriteString("*(")
			expr(x.X)
			b.WriteString(")")
		case *syncat.CCall:
			b.WriteString(x.Name.Name)
			if x.Braced {
				fmt.Fprintf(&b, "{%s}", strings.Join(x.Tags, ","))
			}
			if x.Parens {
				b.WriteString("(")
				for i, a := range x.Args {
					if i > 0 {
						b.WriteString(",")
					}
					expr(a)
				}
				b.WriteString(")")
			}
		case *syncat.COp:
			b.WriteString(x.Op)
		case *syncat.CBinary:
			b.WriteString("(")
			expr(x.X)
			b.WriteString(x.Op)
			expr(x.Y)
			b.WriteString(")")
		default:
			fmt.Fprintf(&b, "<%T>", x)
		}
	}
	stmt = func(s syncat.CStmt) {
		switch s := s.(type) {
		case *syncat.CExprStmt:
			expr(s.X)
			b.WriteString(";")
		case *syncat.CAssign:
			expr(s.LHS)
			b.WriteString("=")
			expr(s.RHS)
			b.WriteString(";")
		case *syncat.CIf:
			b.WriteString("if(")
			expr(s.Cond)
			b.WriteString(")")
			stmt(s.Then)
			if s.Else != nil {
				b.WriteString("else ")
				stmt(s.Else)
			}
		case *syncat.CBlock:
			b.WriteString("{")
			for _, t := range s.Stmts {
				stmt(t)
			}
			b.WriteString("}")
		default:
			fmt.Fprintf(&b, "<%T>", s)
		}
	}
	if m.Expr != nil {
		expr(m.Expr)
	}
	if m.Body != nil {
		stmt(m.Body)
	}
	return b.String()
}

// guardedModel runs an interpreted model for one test: an evaluation
// error of the model (which cat.Model.Judge raises as a panic with a
// *cat.Error) is recorded and ends the judging, so that check reports it
// as the model's error rather than as a crash.
type guardedModel struct {
	m   *cat.Model
	mu  sync.Mutex
	err error // the first model error, or nil
}

func (g *guardedModel) Judge(c *checker.Candidate, yield func(*checker.Execution, checker.Judgement) bool) {
	if g.failed() != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			var ce *cat.Error
			if e, ok := p.(error); ok && errors.As(e, &ce) {
				g.mu.Lock()
				if g.err == nil {
					g.err = ce
				}
				g.mu.Unlock()
				return
			}
			panic(p)
		}
	}()
	g.m.Judge(c, func(x *checker.Execution, j checker.Judgement) bool {
		return g.failed() == nil && yield(x, j)
	})
}

func (g *guardedModel) failed() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// sayNotes prints what check says once about its model before any test:
// the notes of the configuration, the model with -v, and what --explain
// and --lint can do under an interpreted model.
func (c *modelChoice) sayNotes(w io.Writer, verbose, explain, lint bool) {
	for _, n := range c.notes {
		fmt.Fprintln(w, n)
	}
	if verbose {
		fmt.Fprintln(w, c.describe())
	}
	if c.model == nil {
		return
	}
	if explain {
		fmt.Fprintln(w, "litmusls check: --explain with an interpreted model gives the witnesses and the name of the failing check; cycles and races are explained by the compiled LKMM only")
	}
	if lint {
		fmt.Fprintln(w, "litmusls check: --lint with an interpreted model: the lints read its result, but fixes are verified under the compiled model")
	}
}
