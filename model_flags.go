package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
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
	fs.StringVar(&mf.macros, "macros", "", "with --cat or --conf, the macros `FILE.def` that lower the tests' primitives, as herd7's -macros (without one, the built-in lowering of the kernel's primitives)")
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
		more = append(more, "macros "+c.macros+" (they lower the primitives)")
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
	var macros *checker.Macros
	if c.macros != "" {
		var err error
		if macros, err = c.readMacros(c.macros); err != nil {
			return nil, err
		}
	}
	m, err := newCatModel(c.cat, cat.Options{Bell: c.bell, Variants: c.variants, Include: include, Macros: macros})
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

// readMacros reads the .def file at path: its macros lower the tests'
// primitives, as herd7's do.
func (c *modelChoice) readMacros(path string) (*checker.Macros, error) {
	ms, err := cat.ReadMacros(path, nil)
	if err != nil {
		return nil, &configError{err.Error()}
	}
	return ms, nil
}

// guardedModel runs an interpreted model for one test and records the
// first error the model returns while judging it (an evaluation error,
// which Check also returns), so that check reports it as the model's
// error, once, rather than as the test's failure.
type guardedModel struct {
	m   *cat.Model
	mu  sync.Mutex
	err error // the first model error, or nil
}

var _ checker.MacroModel = (*guardedModel)(nil)

func (g *guardedModel) Judge(c *checker.Candidate, yield func(*checker.Execution, checker.Judgement) bool) error {
	err := g.m.Judge(c, yield)
	if err != nil {
		g.mu.Lock()
		if g.err == nil {
			g.err = err
		}
		g.mu.Unlock()
	}
	return err
}

// Macros implements [checker.MacroModel]: the model's .def, if any.
func (g *guardedModel) Macros() *checker.Macros { return g.m.Macros() }

func (g *guardedModel) failed() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// loadTestFor is loadTestWith (annotated C translated with bpf, what
// else it tells put in c) for check under model m (nil: the compiled
// models). Under a model with a .def, a litmus test's calls are the
// .def's to define: the parser's complaints that a call names no kernel
// primitive, or gives one the wrong number of arguments, are dropped, and
// the lowering says "Unknown macro NAME" as herd7 does. A C file's
// translation calls the kernel's primitives and is loaded as ever.
func loadTestFor(name string, src []byte, m *cat.Model, bpf bpfc.Options, c *cLoad) (*syntax.File, []byte, []string, func(syntax.Span) string) {
	f, text, problems, pos := loadTestWith(name, src, bpf, c)
	if m == nil || m.Macros() == nil || isC(inputFile(name)) || len(problems) == 0 {
		return f, text, problems, pos
	}
	f, errs := syntax.Parse(name, src)
	problems = nil
	for _, e := range errs {
		if !e.Primitive {
			problems = append(problems, f.Lines.Position(e.Span.Start).String()+": "+e.Msg)
		}
	}
	return f, src, problems, pos
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
