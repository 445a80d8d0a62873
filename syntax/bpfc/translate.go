package bpfc

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// A NoteKind classifies a note.
type NoteKind int

const (
	// NoteNotModeled marks C the translation leaves out or approximates
	// (helper calls, loops, pointers it cannot resolve): information.
	NoteNotModeled NoteKind = iota
	// NoteTranslation explains a choice of the translation the reader
	// should know (a spin-wait loop turned into a filter, the -mcpu
	// caveat of an unused __sync result): information.
	NoteTranslation
	// NoteAnnotation marks a malformed or unresolved annotation: an error.
	NoteAnnotation
	// NoteInternal marks a generated test that does not parse (a bug of
	// the translation): an error.
	NoteInternal
	// NoteCompile marks C that clang cannot compile for the scenario's
	// CPU (a fetching atomic with -mcpu=v1/v2): an error.
	NoteCompile
	// NoteIncomplete marks C the translation leaves out although the
	// scenario depends on it (it accesses a shared location, or the
	// condition reads a value it computes): an error, so that the
	// scenario gets no verdict rather than a wrong one.
	NoteIncomplete
)

// A Note is a remark on the C source: what was not modeled, or a problem
// with an annotation.
type Note struct {
	Kind NoteKind
	File string      // the C file, as Translation.Sources names it
	Span syntax.Span // byte offsets in that file
	Msg  string
}

var noteKindNames = [...]string{"not-modeled", "translation", "annotation", "internal", "compile", "incomplete"}

// String returns a stable name of the kind, usable as a diagnostic code:
// "not-modeled", "translation", "annotation", "internal", "compile" or
// "incomplete".
func (k NoteKind) String() string {
	if int(k) < len(noteKindNames) {
		return noteKindNames[k]
	}
	return "?"
}

// IsError reports whether the note is an error (the scenario cannot be
// trusted or checked) rather than information.
func (n Note) IsError() bool {
	return n.Kind == NoteAnnotation || n.Kind == NoteInternal || n.Kind == NoteCompile || n.Kind == NoteIncomplete
}

// A Source is one C file a translation read.
type Source struct {
	Name  string // as given to Translate, or the path of a "with" annotation joined to the directory of the file naming it
	Text  []byte
	Lines *syntax.Lines
}

// A Translation is the outcome of translating one annotated C file.
type Translation struct {
	Sources   []*Source   // the translated file first, then the files "with" annotations named
	Scenarios []*Scenario // one per "test" annotation (or one for a file with a condition and no test)
	Notes     []Note      // sorted by file (in Sources order), then offset
}

// Source returns the source named name, or nil.
func (t *Translation) Source(name string) *Source {
	for _, s := range t.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Position returns the file:line:col of a C location.
func (t *Translation) Position(l Loc) syntax.Position {
	if s := t.Source(l.File); s != nil {
		return s.Lines.Position(l.Span.Start)
	}
	return syntax.Position{Filename: l.File, Offset: l.Span.Start}
}

// A Scenario is one generated LKMM litmus test.
type Scenario struct {
	Name string
	Text []byte // the test as printed by syntax.Print
	// Herd is the test as herd7 reads it: Text with each plain
	// read-modify-write of a location, "*x += v", written
	// "*x = *x + (v)", since herd7's C has no compound assignment. Text
	// keeps them: analysis knows a plain read-modify-write as one
	// compound assignment. Herd is what translate prints.
	Herd []byte
	File *syntax.File // Text parsed again: every span refers to Text
	Map  *SourceMap   // generated spans ↔ C locations
	Decl Loc          // the "test" annotation, or the condition's when the scenario is implicit
	CPU  CPU          // the -mcpu the translation assumed
	// Notes are the notes on this scenario's code and annotations (a
	// subset of Translation.Notes, in its order).
	Notes []Note
	// CPUSensitive lists the C calls whose translation depends on the
	// CPU being v1/v2 or v3 and later (an unused __sync_fetch_and_add),
	// in source order: translated again with CPUv2, the scenario may
	// have another verdict.
	CPUSensitive []Loc
}

// Translate reads the annotated C file name (contents src) and returns
// its scenarios as LKMM litmus tests. load reads the files that "with"
// annotations name (paths already joined to the directory of name). The
// error is for the tool failing: load failing (a missing file, an error
// matching fs.ErrNotExist, is a note on the annotation instead), or the C
// parser not running; problems in the C or the annotations are notes.
func Translate(name string, src []byte, load func(path string) ([]byte, error)) (*Translation, error) {
	return TranslateOptions(name, src, load, Options{})
}

// TranslateOptions is Translate with the choices of opts.
func TranslateOptions(name string, src []byte, load func(path string) ([]byte, error), opts Options) (*Translation, error) {
	t := &Translation{}
	var notes []Note
	main, err := readUnit(name, src, &notes)
	if err != nil {
		return nil, err
	}
	t.Sources = append(t.Sources, &Source{Name: name, Text: src, Lines: main.lines})
	units := map[string]*unit{name: main}

	// Group the annotations into scenarios.
	type group struct {
		name  string
		decl  *annot
		withs []*annot
		conds []*annot
		filts []*annot
		exps  []*annot
		thrs  []*annot
		cpus  []*annot
		prms  []*annot
	}
	file := &group{}
	var groups []*group
	cur := file
	for _, a := range main.annots {
		switch a.Kind {
		case "test":
			name := strings.TrimSpace(a.Arg)
			if name == "" || strings.ContainsAny(name, " \t\n") {
				notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: a.Span, Msg: "litmus: test takes one name"})
				if f := strings.Fields(name); len(f) > 0 {
					name = f[0]
				}
			}
			cur = &group{name: name, decl: a}
			groups = append(groups, cur)
		case "with":
			cur.withs = append(cur.withs, a)
		case "exists", "~exists", "forall":
			cur.conds = append(cur.conds, a)
		case "filter":
			cur.filts = append(cur.filts, a)
		case "expect":
			cur.exps = append(cur.exps, a)
		case "threads":
			cur.thrs = append(cur.thrs, a)
		case "cpu":
			cur.cpus = append(cur.cpus, a)
		case "param":
			cur.prms = append(cur.prms, a)
		}
	}
	if len(groups) == 0 && len(file.conds) > 0 {
		base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		groups = append(groups, &group{name: base, decl: file.conds[0]})
	}
	var loadErr error // load failed for another reason than a missing file, or the C parser did not run
	loadUnit := func(a *annot) *unit {
		path := strings.TrimSpace(a.Arg)
		if path == "" {
			notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: a.Span, Msg: "litmus: with needs a file path"})
			return nil
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(name), path)
		}
		if u, ok := units[path]; ok {
			return u
		}
		units[path] = nil // until it is read
		data, err := load(path)
		if errors.Is(err, fs.ErrNotExist) {
			// A wrong path is the annotation's problem.
			notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: a.Span, Msg: "cannot read " + path + ": no such file"})
			return nil
		}
		if err != nil {
			loadErr = err
			return nil
		}
		u, err := readUnit(path, data, &notes)
		if err != nil {
			loadErr = err
			return nil
		}
		units[path] = u
		t.Sources = append(t.Sources, &Source{Name: path, Text: data, Lines: u.lines})
		return u
	}
	if len(groups) == 0 {
		for _, a := range file.withs {
			loadUnit(a)
		}
	}
	if loadErr != nil {
		return nil, loadErr
	}
	seen := map[string]bool{}
	for _, g := range groups {
		if seen[g.name] {
			notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: g.decl.Span, Msg: "another scenario is named " + strconv.Quote(g.name)})
			continue
		}
		seen[g.name] = true
		us := []*unit{main}
		for _, a := range append(append([]*annot(nil), file.withs...), g.withs...) {
			if u := loadUnit(a); u != nil && !slices.Contains(us, u) {
				us = append(us, u)
			}
		}
		pick := func(own, def []*annot, what string) *annot {
			if len(own) == 0 {
				own = def
			}
			for _, extra := range own[min(1, len(own)):] {
				notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: extra.Span, Msg: "a scenario has one " + what + " annotation"})
			}
			if len(own) == 0 {
				return nil
			}
			return own[0]
		}
		cond := pick(g.conds, file.conds, "condition (exists, ~exists or forall)")
		filt := pick(g.filts, file.filts, "filter")
		exp := pick(g.exps, file.exps, "expect")
		thrs := pick(g.thrs, file.thrs, "threads")
		cpu := opts.CPU
		if ca := pick(g.cpus, file.cpus, "cpu"); ca != nil && cpu == CPUDefault {
			if cpu = ParseCPU(ca.Arg); cpu == CPUDefault {
				notes = append(notes, Note{Kind: NoteAnnotation, File: main.name, Span: ca.Span, Msg: "litmus: cpu takes v1, v2, v3 or v4"})
			}
		}
		if cpu == CPUDefault {
			cpu = DefaultCPU
		}
		a := &assembler{name: g.name, units: us, notes: &notes, cpu: cpu, oldClang: opts.OldClang,
			params: readParams(append(append([]*annot(nil), file.prms...), g.prms...), main.name, &notes)}
		sc := a.scenario(g.decl, cond, filt, exp, thrs)
		if sc != nil {
			t.Scenarios = append(t.Scenarios, sc)
		}
	}
	if loadErr != nil {
		return nil, loadErr
	}
	t.Notes = sortNotes(dedupe(notes), t.Sources)
	return t, nil
}

func dedupe(ns []Note) []Note {
	seen := map[Note]bool{}
	var out []Note
	for _, n := range ns {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func sortNotes(ns []Note, srcs []*Source) []Note {
	rank := map[string]int{}
	for i, s := range srcs {
		rank[s.Name] = i
	}
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.File != b.File {
			return rank[a.File] < rank[b.File]
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Msg < b.Msg
	})
	return ns
}
