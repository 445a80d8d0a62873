package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

func init() {
	commands["parse"] = command{"report syntax errors in litmus tests (files or directories)", runParse}
}

// runParse implements "litmusls parse PATH...": the same inputs as check
// (litmus tests and annotated C, directories walked, "file.c#SCENARIO" for
// one scenario, one input per scenario of a C file); it prints nothing for
// good ones and "file:line:col: message" for each error. A path that cannot be
// read is reported on stderr as "path: message", and a crash of litmusls
// on one file as "file: internal error: VALUE" with the stack; the other
// files are parsed all the same. Exit status: 0 all good, 1 some file has
// errors or could not be parsed, 2 usage.
func runParse(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: litmusls parse PATH...")
		return 2
	}
	status := 0
	for _, in := range checkInputs(args) {
		err := in.err
		if err == nil {
			var out string
			if perr := contain(func() { out, err = parseFile(in.name) }); perr != nil {
				err = perr
			}
			if out != "" {
				io.WriteString(stdout, out)
				status = 1
			}
		}
		if err != nil {
			reportFailure(stderr, in.name, err)
			status = 1
		}
	}
	return status
}

// parseFile parses one file, or one scenario of annotated C
// ("file.c#SCENARIO"), and returns its errors, one per line.
func parseFile(name string) (string, error) {
	src, err := os.ReadFile(inputFile(name))
	if err != nil {
		return "", err
	}
	callInputHook(name)
	if isC(inputFile(name)) {
		// Annotated C: what matters is whether it translates.
		if _, _, problems, _ := loadTest(name, src); len(problems) > 0 {
			return strings.Join(problems, "\n") + "\n", nil
		}
		return "", nil
	}
	f, errs := syntax.Parse(name, src)
	if len(errs) > 0 {
		return errs.Format(f.Lines), nil
	}
	return "", nil
}
