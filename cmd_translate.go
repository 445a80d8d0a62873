package main

import (
	"fmt"
	"io"
	"os"

	"github.com/litmusls/litmusls/syntax/bpfc"
)

func init() {
	commands["translate"] = command{"print the LKMM litmus tests of annotated BPF C files", runTranslate}
}

// runTranslate implements "litmusls translate FILE[#SCENARIO]...": it
// prints the litmus test of every scenario of each annotated C file (or
// only the one named after '#'), separated by blank lines, and the notes
// on stderr as "file:line:col: message" ("note: " before information).
//
// Exit status: 0 translated, 1 some annotation had an error or a file had
// no scenario, 2 usage or I/O problem.
func runTranslate(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "usage: litmusls translate FILE[#SCENARIO]...")
		return 2
	}
	status := 0
	first := true
	for _, arg := range args {
		file, scenario := splitScenario(arg)
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "litmusls translate: %v\n", err)
			return 2
		}
		tr, err := bpfc.Translate(file, src, os.ReadFile)
		if err != nil {
			fmt.Fprintf(stderr, "litmusls translate: %v\n", err)
			return 2
		}
		for _, n := range tr.Notes {
			kind := "note: "
			if n.IsError() {
				kind, status = "", 1
			}
			fmt.Fprintf(stderr, "%s: %s%s\n", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), kind, n.Msg)
		}
		printed := 0
		for _, sc := range tr.Scenarios {
			if scenario != "" && sc.Name != scenario {
				continue
			}
			if !first {
				fmt.Fprintln(stdout)
			}
			first = false
			stdout.Write(sc.Text)
			printed++
		}
		if printed == 0 {
			if scenario != "" {
				fmt.Fprintf(stderr, "%s: no scenario %q\n", file, scenario)
			} else {
				fmt.Fprintf(stderr, "%s: no litmus scenario: annotate threads with // litmus: thread and add // litmus: exists (...)\n", file)
			}
			status = 1
		}
	}
	return status
}
