package main

import "github.com/litmusls/litmusls/syntax"

// loadTest turns the contents of one input file into a litmus test for
// check. It returns the test (never nil), the bytes its spans refer to,
// and the problems found, each as "file:line:col: message".
func loadTest(name string, src []byte) (f *syntax.File, text []byte, problems []string) {
	f, errs := syntax.Parse(name, src)
	for _, e := range errs {
		problems = append(problems, f.Lines.Position(e.Span.Start).String()+": "+e.Msg)
	}
	return f, src, problems
}
