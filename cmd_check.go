package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

func init() {
	commands["check"] = command{"decide litmus tests under the LKMM, printing herd7's output", runCheck}
}

// A checkOutput is the outcome of checking one file.
type checkOutput struct {
	File    string          `json:"file"`
	Result  *checker.Result `json:"result,omitempty"`
	Errors  []string        `json:"errors,omitempty"` // "file:line:col: message"
	Seconds float64         `json:"seconds"`
	failed  error           // the tool failed (I/O)
}

// runCheck implements "litmusls check [-j N] [--timeout D] [--json]
// PATH...": it checks every test and prints herd7's text for each (or one
// JSON object per line). Exit status: 0 every test checked, 1 some test
// had errors (syntax, unsupported constructs, I/O), 2 usage.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "number of tests checked in parallel")
	timeout := fs.Duration("timeout", 0, "time limit per test (0: none); a cut-off test prints no result")
	asJSON := fs.Bool("json", false, "print one JSON object per test instead of herd7's text")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls check [-j N] [--timeout D] [--json] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *jobs < 1 {
		fs.Usage()
		return 2
	}
	files, err := litmusFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "litmusls check: %v\n", err)
		return 2
	}
	outs := make([]chan *checkOutput, len(files))
	sem := make(chan struct{}, *jobs)
	var wg sync.WaitGroup
	for i, name := range files {
		outs[i] = make(chan *checkOutput, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			outs[i] <- checkFile(name, *timeout)
		}()
	}
	status := 0
	for i := range files {
		o := <-outs[i]
		if o.failed != nil {
			fmt.Fprintf(stderr, "litmusls check: %v\n", o.failed)
			status = 1
			continue
		}
		if len(o.Errors) > 0 {
			status = 1
		}
		if *asJSON {
			b, err := json.Marshal(o)
			if err != nil {
				fmt.Fprintf(stderr, "litmusls check: %v\n", err)
				return 1
			}
			fmt.Fprintf(stdout, "%s\n", b)
			continue
		}
		for _, e := range o.Errors {
			fmt.Fprintln(stderr, e)
		}
		if o.Result == nil || len(o.Result.Errors) > 0 {
			continue
		}
		if o.Result.Cutoff {
			fmt.Fprintf(stderr, "%s: cut off after %s: no result\n", o.File, *timeout)
			continue
		}
		if err := checker.WriteHerd(stdout, o.Result, o.Seconds); err != nil {
			fmt.Fprintf(stderr, "litmusls check: %v\n", err)
			return 1
		}
	}
	wg.Wait()
	return status
}

// checkFile parses and checks one file.
func checkFile(name string, timeout time.Duration) *checkOutput {
	o := &checkOutput{File: name}
	src, err := os.ReadFile(name)
	if err != nil {
		o.failed = err
		return o
	}
	start := time.Now()
	f, errs := syntax.Parse(name, src)
	if len(errs) > 0 {
		for _, e := range errs {
			o.Errors = append(o.Errors, fmt.Sprintf("%s: %s", f.Lines.Position(e.Span.Start), e.Msg))
		}
		return o
	}
	res, err := checker.Check(context.Background(), f, checker.Options{Timeout: timeout})
	if err != nil {
		o.failed = fmt.Errorf("%s: %v", name, err)
		return o
	}
	o.Seconds = time.Since(start).Seconds()
	o.Result = res
	for _, e := range res.Errors {
		o.Errors = append(o.Errors, fmt.Sprintf("%s: %s", f.Lines.Position(e.Span.Start), e.Msg))
	}
	return o
}
