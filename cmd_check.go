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
	File    string
	Result  *checker.Result
	Errors  []string // "file:line:col: message"
	Seconds float64
	failed  error // the tool failed (I/O)
	f       *syntax.File
	src     []byte
}

// runCheck implements "litmusls check [-j N] [--timeout D] [--json]
// [--explain] PATH...": it checks every test and prints herd7's text for
// each (or one JSON object per line), followed with --explain by the
// witness or the reason in words.
//
// A test cut off by --timeout prints no herd7 text (herd7 prints nothing
// for a timeout) but the line "Test NAME cut off after D: no result" on
// stderr; its JSON object has "cutoff": true.
//
// Exit status: 0 every test checked to the end, 1 some test had errors
// (syntax, unsupported constructs, I/O) or was cut off, 2 usage.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "number of tests checked in parallel")
	timeout := fs.Duration("timeout", 0, "time limit per test (0: none); a cut-off test prints no result and makes the exit status 1")
	asJSON := fs.Bool("json", false, "print one JSON object per test instead of herd7's text, with witnesses and the reason")
	explain := fs.Bool("explain", false, "after herd7's text, explain the result: which write each read saw, or why the condition is never reached")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls check [-j N] [--timeout D] [--json] [--explain] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *jobs < 1 {
		fs.Usage()
		return 2
	}
	files, err := checkInputs(fs.Args())
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
			outs[i] <- checkFile(name, checker.Options{Timeout: *timeout, Explain: *explain || *asJSON})
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
		if len(o.Errors) > 0 || (o.Result != nil && o.Result.Cutoff) {
			status = 1
		}
		if *asJSON {
			b, err := json.Marshal(jsonOf(o))
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
			fmt.Fprintf(stderr, "Test %s cut off after %s: no result\n", o.Result.Name, *timeout)
			continue
		}
		if err := checker.WriteHerd(stdout, o.Result, o.Seconds); err != nil {
			fmt.Fprintf(stderr, "litmusls check: %v\n", err)
			return 1
		}
		if *explain {
			if err := checker.WriteExplain(stdout, o.Result, o.f, o.src); err != nil {
				fmt.Fprintf(stderr, "litmusls check: %v\n", err)
				return 1
			}
		}
	}
	wg.Wait()
	return status
}

// checkFile parses and checks one file.
func checkFile(name string, opts checker.Options) *checkOutput {
	o := &checkOutput{File: name}
	src, err := os.ReadFile(inputFile(name))
	if err != nil {
		o.failed = err
		return o
	}
	start := time.Now()
	f, text, problems := loadTest(name, src)
	o.f, o.src = f, text
	if len(problems) > 0 {
		o.Errors = problems
		return o
	}
	res, err := checker.Check(context.Background(), f, opts)
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

// checkJSON is the JSON object "check --json" prints for one test: the
// facts of herd7's text, the witnesses and the reason. Positions are
// "file:line:col" (1-based byte columns) and byte offsets.
type checkJSON struct {
	File      string        `json:"file"`
	Name      string        `json:"name,omitempty"`
	Verdict   string        `json:"verdict,omitempty"` // "Never", "Sometimes", "Always"
	Condition string        `json:"condition,omitempty"`
	Ok        bool          `json:"ok"`
	Positive  int           `json:"positive"`
	Negative  int           `json:"negative"`
	States    []string      `json:"states"` // as herd7 prints them: "0:r0=1; [x]=2;"
	Flags     []string      `json:"flags,omitempty"`
	Cutoff    bool          `json:"cutoff,omitempty"` // the run was cut off: counts are partial
	Seconds   float64       `json:"seconds"`
	Errors    []string      `json:"errors,omitempty"`    // "file:line:col: message"
	Witnesses []witnessJSON `json:"witnesses,omitempty"` // one per state, same order
	Reason    *reasonJSON   `json:"reason,omitempty"`
}

type witnessJSON struct {
	State  string      `json:"state"`
	Cond   bool        `json:"cond"` // the condition holds in this state
	Flags  []string    `json:"flags,omitempty"`
	Events []eventJSON `json:"events"` // numbered by position: edges refer to indices
	Rf     []edgeJSON  `json:"rf"`
	Co     []edgeJSON  `json:"co"` // immediate coherence successors
}

type eventJSON struct {
	Thread int    `json:"thread"`        // -1 for an initial write
	Pos    string `json:"pos,omitempty"` // "file:line:col"; empty for an initial write
	Start  int    `json:"start"`         // byte offsets of the source
	End    int    `json:"end"`
	Text   string `json:"text"` // "W[once] x=1"
	Source string `json:"source,omitempty"`
}

type edgeJSON struct {
	From int    `json:"from"`
	To   int    `json:"to"`
	Rel  string `json:"rel"`
}

type reasonJSON struct {
	Outcome   bool         `json:"outcome"`         // the condition value never reached
	Check     string       `json:"check,omitempty"` // the first check the execution fails
	Cycle     string       `json:"cycle,omitempty"` // "hb cycle: W x ->po-rel W y ..."
	Edges     []edgeJSON   `json:"edges,omitempty"`
	Execution *witnessJSON `json:"execution,omitempty"` // a candidate reaching the outcome, rejected
	Cutoff    bool         `json:"cutoff,omitempty"`    // the search for one was cut off
}

func jsonOf(o *checkOutput) *checkJSON {
	j := &checkJSON{File: o.File, Errors: o.Errors, Seconds: o.Seconds, States: []string{}}
	r := o.Result
	if r == nil || len(r.Errors) > 0 {
		return j
	}
	j.Name, j.Verdict, j.Condition, j.Ok = r.Name, r.Verdict, r.Condition, r.Ok
	j.Positive, j.Negative, j.Flags, j.Cutoff = r.Positive, r.Negative, r.Flags, r.Cutoff
	for _, s := range r.States {
		j.States = append(j.States, s.String())
	}
	for _, w := range r.Witnesses {
		if w != nil {
			j.Witnesses = append(j.Witnesses, *witnessOf(o, w))
		}
	}
	if rs := r.Reason; rs != nil {
		j.Reason = &reasonJSON{Outcome: rs.Outcome, Check: rs.Check, Cycle: rs.CycleString(), Edges: edgesOf(rs.Cycle), Cutoff: rs.Cutoff}
		if rs.Execution != nil {
			j.Reason.Execution = witnessOf(o, rs.Execution)
		}
	}
	return j
}

func witnessOf(o *checkOutput, w *checker.Witness) *witnessJSON {
	j := &witnessJSON{State: w.State.String(), Cond: w.Cond, Flags: w.Flags, Rf: edgesOf(w.Rf), Co: edgesOf(w.Co)}
	for _, ev := range w.Events {
		e := eventJSON{Thread: ev.Thread, Start: ev.Span.Start, End: ev.Span.End, Text: ev.Text}
		if ev.Thread >= 0 {
			e.Pos = o.f.Lines.Position(ev.Span.Start).String()
			if ev.Span.Start >= 0 && ev.Span.End <= len(o.src) && ev.Span.Start < ev.Span.End {
				e.Source = string(o.src[ev.Span.Start:ev.Span.End])
			}
		}
		j.Events = append(j.Events, e)
	}
	return j
}

func edgesOf(es []checker.CycleEdge) []edgeJSON {
	out := []edgeJSON{}
	for _, e := range es {
		out = append(out, edgeJSON{e.From, e.To, e.Rel})
	}
	return out
}
