package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
		if l, ok := sc.Map.ToC(sp); ok {
			return tr.Position(l.C).String()
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

// checkInputs expands the arguments of check: a file is taken as it is; a
// directory gives every *.litmus file below it and every *.c and *.h file
// that carries litmus annotations, in lexical order. A C file with several
// scenarios gives one input per scenario, named "file.c#SCENARIO".
func checkInputs(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			more, err := scenarioInputs(arg, true)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".litmus") || isC(path)) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, path := range found {
			more, err := scenarioInputs(path, false)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		}
	}
	return out, nil
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
