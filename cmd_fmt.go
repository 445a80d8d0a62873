package main

import (
	"bytes"
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
// canonical form of each file (syntax.Print: the layout of the kernel's
// own litmus tests, which it leaves unchanged); with -w it rewrites each
// file in place. A
// file with syntax errors is never rewritten (its errors are printed and
// the exit status is 1), so no text is lost. A file that cannot be read or
// written is reported on stderr as "file: message", and a crash of
// litmusls on one file as "file: internal error: VALUE" with the stack;
// the other files are formatted all the same, and the exit status is 1.
// Exit status 2 means a usage error.
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
		var out, errs bytes.Buffer
		var err error
		if perr := contain(func() { err = fmtFile(name, *write, &out, &errs) }); perr != nil {
			err = perr
		}
		if err != nil {
			reportFailure(stderr, name, err)
			status = 1
			continue
		}
		if errs.Len() > 0 {
			stderr.Write(errs.Bytes())
			status = 1
		}
		stdout.Write(out.Bytes())
	}
	return status
}

// fmtFile formats one file: it writes the canonical text on stdout, or
// with write rewrites the file; a file with syntax errors gets its errors
// on stderr instead. The error is a failure to read or write the file.
func fmtFile(name string, write bool, stdout, stderr io.Writer) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	callInputHook(name)
	f, errs := syntax.Parse(name, src)
	if len(errs) > 0 {
		io.WriteString(stderr, errs.Format(f.Lines))
		if write {
			fmt.Fprintf(stderr, "litmusls fmt: %s not rewritten: it has syntax errors\n", name)
		}
		return nil
	}
	out := syntax.Print(f)
	if !write {
		stdout.Write(out)
		return nil
	}
	return replaceFiles([]stagedFile{{name: name, old: src, new: out}})
}
