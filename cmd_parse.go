package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

func init() {
	commands["parse"] = command{"report syntax errors in litmus tests (files or directories)", runParse}
}

// runParse implements "litmusls parse PATH...": it prints nothing for good
// files and "file:line:col: message" for each error. Exit status: 0 all
// good, 1 some file has errors, 2 usage or I/O problem.
func runParse(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: litmusls parse PATH...")
		return 2
	}
	files, err := litmusFiles(args)
	if err != nil {
		fmt.Fprintf(stderr, "litmusls parse: %v\n", err)
		return 2
	}
	status := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "litmusls parse: %v\n", err)
			return 2
		}
		if isC(name) {
			// Annotated C: what matters is whether it translates.
			if _, _, problems, _ := loadTest(name, src); len(problems) > 0 {
				io.WriteString(stdout, strings.Join(problems, "\n")+"\n")
				status = 1
			}
			continue
		}
		f, errs := syntax.Parse(name, src)
		if len(errs) > 0 {
			io.WriteString(stdout, errs.Format(f.Lines))
			status = 1
		}
	}
	return status
}

// litmusFiles expands the arguments: a file is taken as it is; a directory
// gives every *.litmus file below it, in lexical order.
func litmusFiles(args []string) ([]string, error) {
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".litmus") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}
