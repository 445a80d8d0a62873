package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/litmusls/litmusls/syntax/bpfc"
)

func init() {
	commands["translate"] = command{"print the LKMM litmus tests of annotated BPF C files", runTranslate}
}

// runTranslate implements "litmusls translate [--bpf-cpu vN] FILE[#SCENARIO]...": it
// prints the litmus test of every scenario of each annotated C file, as
// herd7 reads it (bpfc.Scenario.Herd), (or
// only the one named after '#'), separated by blank lines, and the notes
// on stderr as "file:line:col: message" ("note: " before information).
// A file that cannot be read or translated is reported on stderr as
// "file: message", and a crash of litmusls on one file as
// "file: internal error: VALUE" with the stack; the other files are
// translated all the same.
//
// --bpf-cpu chooses the clang -mcpu the BPF C is built for, over the
// files' "litmus: cpu" annotations (default v3, clang 20's default).
//
// Exit status: 0 translated, 1 some annotation had an error, a file had
// no scenario or could not be translated, 2 usage.
func runTranslate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("translate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts bpfc.Options
	fs.Var((*cpuFlag)(&opts.CPU), "bpf-cpu", "the clang -mcpu (v1, v2, v3 or v4) the BPF C is built for, over its // litmus: cpu (default v3, clang 20's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls translate [--bpf-cpu vN] FILE[#SCENARIO]...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if args = fs.Args(); len(args) == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	first := true
	for _, arg := range args {
		var tests []byte
		var notes bytes.Buffer
		var ok bool
		var err error
		if perr := contain(func() { tests, ok, err = translateFile(arg, first, opts, &notes) }); perr != nil {
			err = perr
		}
		if err != nil {
			reportFailure(stderr, inputFile(arg), err)
			status = 1
			continue
		}
		stderr.Write(notes.Bytes())
		if !ok {
			status = 1
		}
		if len(tests) > 0 {
			first = false
		}
		stdout.Write(tests)
	}
	return status
}

// translateFile translates one argument of translate. It returns the
// tests to print, each after a blank line unless first, and writes the
// notes and problems on stderr; ok is false when an annotation has an
// error or no scenario is printed. The error is a file that cannot be
// read or translated.
func translateFile(arg string, first bool, opts bpfc.Options, stderr io.Writer) (tests []byte, ok bool, err error) {
	file, scenario := splitScenario(arg)
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, false, err
	}
	callInputHook(arg)
	tr, err := bpfc.TranslateOptions(file, src, os.ReadFile, opts)
	if err != nil {
		return nil, false, err
	}
	ok = true
	for _, n := range tr.Notes {
		kind := "note: "
		if n.IsError() {
			kind, ok = "", false
		}
		fmt.Fprintf(stderr, "%s: %s%s\n", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), kind, n.Msg)
	}
	var out bytes.Buffer
	printed := 0
	for _, sc := range tr.Scenarios {
		if scenario != "" && sc.Name != scenario {
			continue
		}
		if !first || printed > 0 {
			out.WriteByte('\n')
		}
		out.Write(sc.Herd)
		printed++
	}
	if printed == 0 {
		if scenario != "" {
			fmt.Fprintf(stderr, "%s: no scenario %q\n", file, scenario)
		} else {
			fmt.Fprintf(stderr, "%s: no litmus scenario: annotate threads with // litmus: thread and add // litmus: exists (...)\n", file)
		}
		ok = false
	}
	return out.Bytes(), ok, nil
}
