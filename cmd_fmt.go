package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/litmusls/litmusls/syntax"
)

func init() {
	commands["fmt"] = command{"print litmus tests in canonical form (-w: rewrite the files)", runFmt}
}

// runFmt implements "litmusls fmt [-w] FILE...". Without -w it prints the
// canonical form of each file; with -w it rewrites each file in place. A
// file with syntax errors is never rewritten (its errors are printed and
// the exit status is 1), so no text is lost.
func runFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "rewrite the files in place")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls fmt [-w] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, name := range fs.Args() {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "litmusls fmt: %v\n", err)
			return 2
		}
		f, errs := syntax.Parse(name, src)
		if len(errs) > 0 {
			io.WriteString(stderr, errs.Format(f.Lines))
			if *write {
				fmt.Fprintf(stderr, "litmusls fmt: %s not rewritten: it has syntax errors\n", name)
			}
			status = 1
			continue
		}
		out := syntax.Print(f)
		if !*write {
			stdout.Write(out)
			continue
		}
		if string(out) == string(src) {
			continue
		}
		info, err := os.Stat(name)
		if err != nil {
			fmt.Fprintf(stderr, "litmusls fmt: %v\n", err)
			return 2
		}
		if err := os.WriteFile(name, out, info.Mode().Perm()); err != nil {
			fmt.Fprintf(stderr, "litmusls fmt: %v\n", err)
			return 2
		}
	}
	return status
}
