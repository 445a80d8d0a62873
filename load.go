package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// loadTest turns the contents of one input into a litmus test for check.
// It returns the test (never nil), the bytes its spans refer to, the
// problems found, each as "file:line:col: message", and pos, which gives
// the "file:line:col" of a span of the test: in the C for a translated C
// input (where the source map reaches), else in the test.
//
// A litmus file is parsed as it is. An annotated C file (*.c, *.h) is
// translated by bpfc; name may end in "#SCENARIO" to pick one of its
// scenarios (checkInputs names them so), and must when it has several.
// Problems of a C file are in C coordinates; the notes on code the
// translation does not model are information and stay in the generated
// test as comments.
func loadTest(name string, src []byte) (f *syntax.File, text []byte, problems []string, pos func(syntax.Span) string) {
	testPos := func(f *syntax.File) func(syntax.Span) string {
		return func(sp syntax.Span) string { return f.Lines.Position(sp.Start).String() }
	}
	file, scenario := splitScenario(name)
	if !isC(file) {
		f, errs := syntax.Parse(name, src)
		for _, e := range errs {
			problems = append(problems, f.Lines.Position(e.Span.Start).String()+": "+e.Msg)
		}
		return f, src, problems, testPos(f)
	}
	empty := func() *syntax.File { f, _ := syntax.Parse(name, nil); return f }
	tr, err := bpfc.Translate(file, src, os.ReadFile)
	if err != nil {
		f := empty()
		return f, nil, []string{fmt.Sprintf("%s: %v", file, err)}, testPos(f)
	}
	for _, n := range tr.Notes {
		if n.IsError() {
			problems = append(problems, fmt.Sprintf("%s: %s", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), n.Msg))
		}
	}
	var sc *bpfc.Scenario
	switch {
	case scenario != "":
		for _, s := range tr.Scenarios {
			if s.Name == scenario {
				sc = s
			}
		}
		if sc == nil {
			problems = append(problems, fmt.Sprintf("%s: no scenario %q", file, scenario))
		}
	case len(tr.Scenarios) == 1:
		sc = tr.Scenarios[0]
	case len(tr.Scenarios) == 0:
		problems = append(problems, file+": no litmus scenario: annotate threads with // litmus: thread and add // litmus: exists (...)")
	default:
		var names []string
		for _, s := range tr.Scenarios {
			names = append(names, file+"#"+s.Name)
		}
		problems = append(problems, fmt.Sprintf("%s: %d scenarios: check %s", file, len(names), strings.Join(names, " ")))
	}
	if sc == nil {
		f := empty()
		return f, nil, problems, testPos(f)
	}
	gen := testPos(sc.File)
	return sc.File, sc.Text, problems, func(sp syntax.Span) string {
		if p, ok := analysis.PlaceInC(sc, sp, ""); ok && p.Linked {
			return tr.Position(p.C).String()
		}
		return gen(sp)
	}
}

// splitScenario splits "file.c#name" into the file and the scenario name;
// a name without '#' (or a litmus file) has no scenario.
func splitScenario(name string) (file, scenario string) {
	if i := strings.LastIndexByte(name, '#'); i > 0 && isC(name[:i]) {
		if _, err := os.Stat(name); err != nil {
			return name[:i], name[i+1:]
		}
	}
	return name, ""
}

func isC(name string) bool {
	return strings.HasSuffix(name, ".c") || strings.HasSuffix(name, ".h")
}

// inputFile returns the file of an input named by checkInputs.
func inputFile(name string) string {
	file, _ := splitScenario(name)
	return file
}

// An input is one test a command reads, or a path it could not read.
type input struct {
	name     string // a path, or "file.c#SCENARIO" (see checkInputs)
	explicit bool   // named in the arguments, not found in a directory
	err      error  // the path could not be read or expanded; or nil
}

// expandPaths expands the arguments of a command: a file is taken as it
// is; a directory gives every file below it that match accepts, in
// lexical order. A path that cannot be read, named or met in a directory,
// is an input with its error, in its place: the others are expanded all
// the same.
func expandPaths(args []string, match func(path string) bool) []input {
	var out []input
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			out = append(out, input{name: arg, explicit: true, err: err})
			continue
		}
		var found []input
		filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				found = append(found, input{name: path, err: err})
			case !d.IsDir() && match(path):
				found = append(found, input{name: path})
			}
			return nil
		})
		sort.SliceStable(found, func(i, j int) bool { return found[i].name < found[j].name })
		out = append(out, found...)
	}
	return out
}

func isLitmus(name string) bool { return strings.HasSuffix(name, ".litmus") }

// checkInputs expands the arguments of check: a file is taken as it is; a
// directory gives every *.litmus file below it and every *.c and *.h file
// that carries litmus annotations, in lexical order. A C file with several
// scenarios gives one input per scenario, named "file.c#SCENARIO". A path
// that cannot be read or translated (the translator panicking included)
// is an input with its error, in its place.
func checkInputs(args []string) []input {
	var out []input
	for _, in := range expandPaths(args, func(p string) bool { return isLitmus(p) || isC(p) }) {
		if in.err != nil || !isC(in.name) {
			out = append(out, in)
			continue
		}
		var names []string
		var err error
		if perr := contain(func() { names, err = scenarioInputs(in.name, in.explicit) }); perr != nil {
			err = perr
		}
		if err != nil {
			out = append(out, input{name: in.name, explicit: in.explicit, err: err})
			continue
		}
		for _, n := range names {
			out = append(out, input{name: n, explicit: in.explicit})
		}
	}
	return out
}

// scenarioInputs returns the inputs one file gives: itself for a litmus
// file, or for a C file with several scenarios one input per scenario. A
// C file found in a directory walk without scenarios (no annotations, or
// only threads for another file's "with") gives none; named explicitly, it
// is kept, so check reports why it has none.
func scenarioInputs(path string, explicit bool) ([]string, error) {
	if !isC(path) {
		return []string{path}, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !explicit && !bytes.Contains(src, []byte("litmus:")) {
		return nil, nil
	}
	tr, err := bpfc.Translate(path, src, os.ReadFile)
	if err != nil {
		return nil, err
	}
	switch {
	case len(tr.Scenarios) == 0 && !explicit:
		return nil, nil
	case len(tr.Scenarios) <= 1:
		return []string{path}, nil
	}
	var out []string
	for _, s := range tr.Scenarios {
		out = append(out, path+"#"+s.Name)
	}
	return out, nil
}

// An internalError is a panic of litmusls itself while it handled one
// input: that input's error, never the others'.
type internalError struct {
	value any    // what was passed to panic
	stack []byte // the panicking goroutine's stack
}

func (e *internalError) Error() string { return fmt.Sprintf("internal error: %v", e.value) }

// contain calls fn and turns a panic in it into an *internalError, so that
// one input's crash costs that input only. It recovers only fn's own
// goroutine: fn must not panic in goroutines it starts.
func contain(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &internalError{value: p, stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}

// inputHook, when a test sets it, is called with each input's name where
// check, parse, fmt, translate and fix start handling it (inside contain): a
// test makes it panic to see one input's crash contained.
var inputHook func(name string)

func callInputHook(name string) {
	if inputHook != nil {
		inputHook(name)
	}
}

// reportFailure prints on w why input name could not be handled:
// "name: internal error: VALUE" and the goroutine stack after it for a
// panic, "path: message" for a path that cannot be read, else
// "name: message".
func reportFailure(w io.Writer, name string, err error) {
	var ie *internalError
	pe, isPath := err.(*fs.PathError)
	switch {
	case errors.As(err, &ie):
		fmt.Fprintf(w, "%s: %v\n%s", name, ie, ie.stack)
		if len(ie.stack) > 0 && ie.stack[len(ie.stack)-1] != '\n' {
			fmt.Fprintln(w)
		}
	case isPath:
		fmt.Fprintf(w, "%s: %v\n", pe.Path, pe.Err)
	case strings.HasPrefix(err.Error(), name+": "):
		fmt.Fprintln(w, err)
	default:
		fmt.Fprintf(w, "%s: %v\n", name, err)
	}
}
