package cat

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// Options say how to read a model.
type Options struct {
	// Bell is the bell file's path, or "" for none. Its "instructions"
	// declarations name the annotations whose event sets the model sees.
	Bell string
	// Variants are the herd7 variants in force ("lkmmv2"); a condition on
	// any other variant is false.
	Variants []string
	// Include lists directories searched, after the including file's
	// own, for included files and for stdlib.cat.
	Include []string
	// ReadFile reads a file; nil means os.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// Macros, when not nil, are the .def file's macros: Check lowers C
	// tests by them (the Model is a [checker.MacroModel]), and the
	// model's annotation sets hold the events whose annotations, as the
	// macros wrote them, name them. Nil means the built-in lowering,
	// whose tag bits the annotation sets read.
	Macros *checker.Macros
}

// A Model is a cat model, read and compiled once, that judges candidate
// executions as herd7 would with the same files. It implements
// [checker.Model] and is safe for concurrent use.
type Model struct {
	macros *checker.Macros // or nil
	prog   *program
	prims  map[string]*prim
	mu     sync.Mutex // guards the Cache of structures
}

var _ checker.MacroModel = (*Model)(nil)

// Macros returns the macros the model's tests are lowered by, or nil for
// the built-in lowering.
func (m *Model) Macros() *checker.Macros { return m.macros }

// New reads the cat file at path (with stdlib.cat first, then the bell
// file, as herd7 runs them) and compiles it. A problem in any of the
// files is an *Error (or a list of them, joined) with file:line:col.
func New(path string, opts Options) (*Model, error) {
	m := &Model{prims: newPrims(), macros: opts.Macros}
	prog, errs := compile(path, opts, m.prims)
	if len(errs) > 0 {
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = e
		}
		return nil, errors.Join(out...)
	}
	m.prog = prog
	if err := m.dryRun(); err != nil {
		return nil, err
	}
	return m, nil
}

// NewFromConfig reads a herd7 configuration file (linux-kernel.cfg) and
// the model it names: its "model" (or "cat"), "bell", "macros" and
// "variant" lines; file names are relative to the configuration file's
// directory. Options add to what the file says (Bell and Macros, when
// set, replace the file's).
func NewFromConfig(path string, opts Options) (*Model, error) {
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(path)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	cfg, errs := ast.ParseConfig(path, src)
	if len(errs) > 0 {
		return nil, &Error{Pos: cfg.Lines.Position(errs[0].Span.Start).String(), Msg: errs[0].Msg}
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	model := ""
	for _, key := range []string{"cat", "model"} {
		if e := cfg.Get(key); e != nil {
			model = rel(e.Value)
		}
	}
	if model == "" {
		return nil, &Error{Pos: cfg.Lines.Position(0).String(), Msg: "no model: the file has no \"model\" line"}
	}
	if e := cfg.Get("bell"); e != nil && opts.Bell == "" {
		opts.Bell = rel(e.Value)
	}
	if e := cfg.Get("macros"); e != nil && opts.Macros == nil {
		ms, err := ReadMacros(rel(e.Value), read)
		if err != nil {
			return nil, err
		}
		opts.Macros = ms
	}
	for _, e := range cfg.All("variant") {
		opts.Variants = append(opts.Variants, e.Values()...)
	}
	opts.Include = append([]string{dir}, opts.Include...)
	return New(model, opts)
}

// ReadMacros reads the .def file at path with read (nil: os.ReadFile)
// and prepares its macros for lowering. A problem in the file is an
// *Error (or a list of them, joined) with file:line:col.
func ReadMacros(path string, read func(string) ([]byte, error)) (*checker.Macros, error) {
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(path)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	f, errs := ast.ParseMacros(path, src)
	var out []error
	for _, e := range errs {
		out = append(out, &Error{Pos: f.Lines.Position(e.Span.Start).String(), Msg: e.Msg})
	}
	ms, bad := checker.NewMacros(f)
	for _, msg := range bad {
		out = append(out, &Error{Msg: msg})
	}
	if len(out) > 0 {
		return nil, errors.Join(out...)
	}
	return ms, nil
}

// compile reads and compiles a model.
func compile(path string, opts Options, prims map[string]*prim) (*program, []*Error) {
	c := &compiler{
		opts:     opts,
		variants: map[string]bool{},
		readFile: opts.ReadFile,
		tags:     map[string]string{},
		enums:    map[string][]string{},
	}
	if c.readFile == nil {
		c.readFile = os.ReadFile
	}
	for _, v := range opts.Variants {
		c.variants[strings.ToLower(strings.TrimSpace(v))] = true
	}
	p := &program{builtins: map[string]int{}, annotSets: map[string]checker.Tag{}, annotOf: map[string]string{}, enums: map[string]*valSet{}}

	catFile := c.parseFile(path, pos{})
	var bell *ast.File
	if opts.Bell != "" {
		bell = c.parseFile(opts.Bell, pos{})
	}
	stdlib := c.parseFile(c.findInclude("stdlib.cat", filepath.Dir(path)), pos{})
	if len(c.errs) > 0 {
		return nil, c.errs
	}

	// The initial environment: herd7's names, then the bell's
	// annotation sets.
	c.top = newScope(nil)
	c.top.top = true
	p.bpf = bpfModel(catFile)
	for _, b := range builtinNames {
		p.builtins[b.name] = c.declareTop(b.name, b.level)
	}
	if p.bpf {
		for _, name := range bpfNames {
			p.builtins[name] = c.declareTop(name, levelStructure)
		}
	}
	for _, name := range primNames {
		p.builtins[name] = c.declareTop(name, primLevels[name])
	}
	if bell != nil {
		for _, a := range c.bellAnnotations(bell) {
			set := annotationSet(a)
			if _, ok := p.builtins[set]; !ok {
				p.builtins[set] = c.declareTop(set, levelStructure)
			}
			p.annotSets[set] = annotations[a]
			p.annotOf[set] = a
			p.annots = append(p.annots, a)
		}
	}
	p.nBuiltins = c.top.n
	p.rfIn, p.fwIn = p.builtins["rf"], p.builtins["FW"]

	c.compileFile(stdlib, c.top, &p.code)
	if bell != nil {
		c.compileFile(bell, c.top, &p.code)
	}
	c.compileFile(catFile, c.top, &p.code)
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	p.nTop = c.top.n
	p.levels = c.levels
	p.nLevels = levelFirstWith + c.withs
	p.coSlot = c.top.slotOf("co")
	p.rfSlot = c.top.slotOf("rf")
	for enum, tags := range c.enums {
		elem := typ{k: tTag, tag: enum}
		s := &valSet{elem: elem}
		for _, t := range tags {
			s = s.add(elem, &tagValue{enum: enum, name: t})
		}
		p.enums[enum] = s
	}
	return p, nil
}

// bellAnnotations lists the annotations that the bell file's
// "instructions" declarations name (herd7's BellModel.get_mem_annots),
// sorted. The declarations name enums, tags and unions of them.
func (c *compiler) bellAnnotations(f *ast.File) []string {
	saveLines := c.lines
	c.lines = f.Lines
	defer func() { c.lines = saveLines }()
	enums := map[string][]string{}
	seen := map[string]bool{}
	var walk func(x ast.Expr) bool
	walk = func(x ast.Expr) bool {
		switch x := x.(type) {
		case *ast.Ident:
			tags, ok := enums[x.Name]
			for _, t := range tags {
				seen[t] = true
			}
			return ok
		case *ast.Tag:
			seen[x.Name] = true
			return true
		case *ast.BinaryExpr:
			if x.Op != ast.Union {
				return false
			}
			for _, a := range x.Args {
				if !walk(a) {
					return false
				}
			}
			return true
		case *ast.ExplicitSet:
			for _, a := range x.Elems {
				if !walk(a) {
					return false
				}
			}
			return true
		}
		return false
	}
	var visit func(list []ast.Ins)
	visit = func(list []ast.Ins) {
		for _, in := range list {
			switch in := in.(type) {
			case *ast.Enum:
				for _, t := range in.Tags {
					enums[in.Name.Name] = append(enums[in.Name.Name], t.Name)
				}
			case *ast.Events:
				for _, x := range in.Tags {
					if !walk(x) {
						c.errorf(c.at(x), "event declaration expected a set of tags")
					}
				}
			case *ast.IfVariant:
				if c.variant(in.Cond) {
					visit(in.Then)
				} else {
					visit(in.Else)
				}
			}
		}
	}
	visit(f.Body)
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// tagUniverse returns the set of all tags of a tag type's enum.
func (p *program) tagUniverse(t typ) *valSet {
	if s, ok := p.enums[t.tag]; ok {
		return s
	}
	return &valSet{elem: t}
}

// dryRun judges two small executions, one without events and one of
// message passing through a lock-protected location, so that a model that
// fails on the way every execution takes (a type error, a primitive
// litmusls does not have) is an error now rather than while judging.
func (m *Model) dryRun() error {
	for _, c := range []*checker.Candidate{sample(nil), sample(sampleEvents)} {
		if err := m.Judge(c, func(*checker.Execution, checker.Judgement) bool { return true }); err != nil {
			return err
		}
	}
	return nil
}

// sampleEvents are the events of the second dry run: thread 0 writes x,
// then y with a release inside a critical section of s; thread 1 takes
// s, reads y with an acquire and x after an smp_rmb(), and unlocks.
var sampleEvents = []checker.Event{
	{Kind: checker.KindW, Tags: checker.TagInit, Thread: -1, Loc: 0, Instr: -1},
	{Kind: checker.KindW, Tags: checker.TagInit, Thread: -1, Loc: 1, Instr: -1},
	{Kind: checker.KindW, Tags: checker.TagInit, Thread: -1, Loc: 2, Instr: -1},
	{Kind: checker.KindW, Tags: checker.TagOnce, Thread: 0, Loc: 0, Instr: 0, Val: 1},
	{Kind: checker.KindW, Tags: checker.TagRelease, Thread: 0, Loc: 1, Instr: 1, Val: 1},
	{Kind: checker.KindR, Tags: checker.TagLKR, Thread: 1, Loc: 2, Instr: 0},
	{Kind: checker.KindW, Tags: checker.TagLKW, Thread: 1, Loc: 2, Instr: 0, Val: 1},
	{Kind: checker.KindR, Tags: checker.TagAcquire, Thread: 1, Loc: 1, Instr: 1},
	{Kind: checker.KindF, Tags: checker.TagRmb, Thread: 1, Loc: -1, Instr: 2},
	{Kind: checker.KindR, Tags: checker.TagOnce, Thread: 1, Loc: 0, Instr: 3},
	{Kind: checker.KindW, Tags: checker.TagUL, Thread: 1, Loc: 2, Instr: 4},
}

// sample makes a candidate of events (in program order within each
// thread), each ordinary read reading from the write before it of its
// location in the list.
func sample(ev []checker.Event) *checker.Candidate {
	n := len(ev)
	s := &checker.Structure{Events: ev, Po: checker.NewRel(n), Rmw: checker.NewRel(n),
		Addr: checker.NewRel(n), Data: checker.NewRel(n), Ctrl: checker.NewRel(n)}
	c := &checker.Candidate{Structure: s, Rf: checker.NewRel(n), Val: make([]int64, n)}
	last := map[int]int{}
	for i, e := range ev {
		for l := e.Loc; len(s.Locs) <= l; {
			s.Locs = append(s.Locs, checker.Location{Name: fmt.Sprintf("l%d", len(s.Locs))})
		}
		for j := range i {
			if e.Thread >= 0 && ev[j].Thread == e.Thread {
				s.Po.Add(j, i)
			}
		}
		switch {
		case e.Kind == checker.KindW:
			last[e.Loc] = i
			c.Val[i] = e.Val
		case e.Kind == checker.KindR && e.Tags&lockTags == 0:
			c.Rf.Add(last[e.Loc], i)
			c.Val[i] = ev[last[e.Loc]].Val
		}
	}
	return c
}

// A run is the state of judging one candidate.
type run struct {
	m     *Model
	sc    *structCache
	c     *checker.Candidate
	x     checker.Execution
	flags []string
	yield func(*checker.Execution, checker.Judgement) bool
	calls int // nesting of calls (see maxCalls)
}

func (m *Model) structure(s *checker.Structure) *structCache {
	m.mu.Lock()
	defer m.mu.Unlock()
	if sc, ok := s.Cache.(*structCache); ok && sc.m == m {
		return sc
	}
	sc := newStructCache(m, s)
	s.Cache = sc
	return sc
}

// Judge runs the model on c: once for each choice of final writes (herd7's
// FW), and within that once for each choice the model makes with "with
// ... from". Every execution that reaches the end of the model is allowed,
// with the flags it raised; one that fails a check is reported with the
// check's name. Execution.Co and Execution.Rf are the model's final "co"
// and "rf".
//
// An evaluation error that herd7 would stop on (a type error that depends
// on the execution, a primitive litmusls does not have) is Judge's error,
// an *Error; New's dry run finds those that the common path meets.
func (m *Model) Judge(c *checker.Candidate, yield func(x *checker.Execution, j checker.Judgement) bool) (err error) {
	sc := m.structure(c.Structure)
	sc.mu.Lock()
	defer sc.mu.Unlock()
	defer func() {
		if e := recover(); e != nil {
			if ee, ok := e.(*evalError); ok {
				err = ee.asError()
				return
			}
			panic(e)
		}
	}()
	p := m.prog
	r := &run{m: m, sc: sc, c: c, yield: yield}
	r.x.Candidate = c
	sc.newChoice(levelRf)
	rf := sc.quotient(c.Rf)
	pick := make([]int, len(sc.fw))
	for {
		fw := checker.NewSet(sc.n)
		for i, ws := range sc.fw {
			fw.Add(ws[pick[i]])
		}
		sc.newChoice(levelFW)
		env := &frame{slots: make([]Value, p.nTop)}
		copy(env.slots, sc.builtins)
		env.slots[p.rfIn] = rf
		env.slots[p.fwIn] = fw
		r.flags = r.flags[:0]
		if !r.runCode(p.code, env, r.accept) {
			return nil
		}
		i := 0
		for ; i < len(pick); i++ {
			pick[i]++
			if pick[i] < len(sc.fw[i]) {
				break
			}
			pick[i] = 0
		}
		if i == len(pick) {
			return nil
		}
	}
}
