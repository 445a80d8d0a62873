package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/lint"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
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
	// modelErr is an error of the interpreted model met while judging
	// this test ("file:line:col: message" in a model file), or nil.
	modelErr error
	f        *syntax.File
	src      []byte
	lints    []analysis.Diagnostic // with --lint: the lints, then the rewrite diagnostics
	picture  *picture              // with --graph: what to write (see cmd_check_graph.go), or nil
	// pos gives the "file:line:col" of a span of the test: in the C file
	// for a translated C input, else in the test (see loadTest).
	pos func(syntax.Span) string
}

// runCheck implements "litmusls check [-j N] [--timeout D] [--json]
// [--explain] [--lint[=error]] [--lint-budget D] PATH...": it checks every
// test and prints herd7's text for each (or one JSON object per line),
// followed with --explain by the witness or the reason in words, and with
// --lint by the test's lints, one per line as
// "file:line:col: severity: CODE message" (further lines of a message and
// the titles of its fixes indented below it; "lints" in JSON): the
// barrier-misuse rules L01-L17, then the rewrite machinery's cheapest
// fix of a broken test or its over-fencing hints when it is correct.
// A translated C file's lints are placed in the C, when the translation
// links their span to it; their fixes edit the generated test.
//
// --timeout takes seconds ("5", "2.5") or a Go duration ("1m30s"). On a
// terminal, a run that lasts over a second shows a progress line on
// stderr ("[1234/5388] 41 s, 2 cut off"), rewritten in place; a run over
// more than one test ends with a summary line on stderr ("70 tests in
// 1.2 s: 40 Never, 22 Sometimes, 6 Always; 1 error, 1 cut off"). stdout
// has herd7's text alone. See cmd_check_progress.go.
//
// --graph DIR writes a picture of one execution of each test into DIR:
// NAME.dot, and NAME.svg when Graphviz's dot is installed (see
// cmd_check_graph.go).
//
// A test cut off by --timeout prints no herd7 text (herd7 prints nothing
// for a timeout) but the line "Test NAME cut off after D: no result" on
// stderr; its JSON object has "cutoff": true, the reason, and no verdict
// ("verdict": null, "ok": null).
//
// A path that cannot be read is reported on stderr as "path: message",
// and a crash of litmusls on one test (a panic while loading, checking,
// linting or printing it) as "FILE: internal error: VALUE" followed by the
// goroutine's stack; every other test is checked and printed, in order.
//
// --cat FILE.cat [--bell FILE] [--macros FILE.def] [--variant V], or
// --conf FILE.cfg (herd7's configuration: its model, bell, macros and
// variant lines, relative to it; explicit flags override it), run an
// interpreted model (package checker/cat) instead of the compiled ones.
// With a --macros file (or a cfg's macros line) every call of a C test is
// lowered by its macro, as herd7's -macros does; a call it does not define
// is that test's error, "Unknown macro NAME". -v prints which model runs.
//
// --verdict-only decides only whether each test's condition holds, as
// herd7 -speedcheck fast does (checker.Options.VerdictOnly): its text is
// herd7's for that mode, with no witnesses nor reason; it cannot be used
// with --explain, --lint or --graph (usage error).
//
// Exit status: 0 every test checked to the end, 1 some test had errors
// (syntax, unsupported constructs, I/O, an internal error) or was cut off,
// 2 usage, or an error in the model files (before any test, or while
// judging one: "file:line:col: message"). Lints do not change it, except
// with --lint=error, where a lint of severity warning (a barrier that
// orders nothing, an ordering the outcome shows broken) makes it 1.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "number of tests checked in parallel")
	var timeoutArg timeoutFlag
	fs.Var(&timeoutArg, "timeout", "time limit per test: `seconds` (5, 2.5) or a duration (1m30s); 0: none; a cut-off test prints no result and makes the exit status 1")
	timeout := (*time.Duration)(&timeoutArg)
	asJSON := fs.Bool("json", false, "print one JSON object per test instead of herd7's text, with witnesses and the reason")
	explain := fs.Bool("explain", false, "after herd7's text, explain the result: which write each read saw, or why the condition is never reached")
	var lint lintMode
	fs.Var(&lint, "lint", "after herd7's text, print the barrier-misuse lints (L01-L17), the cheapest fix of a broken test and over-fencing hints of a correct one; --lint=error also makes a warning lint exit 1")
	lintBudget := fs.Duration("lint-budget", 10*time.Second, "with --lint, time limit of the search for the cheapest fix of each test")
	verbose := fs.Bool("v", false, "say on stderr which model runs")
	graphDir := fs.String("graph", "", "write a picture of an execution of each test into `DIR`: NAME.dot, and NAME.svg with Graphviz")
	verdictOnly := fs.Bool("verdict-only", false, "decide only whether the condition holds, as herd7 -speedcheck fast: stop at the first execution that settles it; the text is herd7's for that mode (one state at most, counts of 1 or 0)")
	var mf modelFlags
	mf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls check [-j N] [--timeout D] [--json] [--explain] [--lint[=error]] [--lint-budget D] [--graph DIR] [-v] [--verdict-only]\n\t[--cat FILE.cat] [--bell FILE.bell] [--macros FILE.def] [--conf FILE.cfg] [--variant V] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *jobs < 1 {
		fs.Usage()
		return 2
	}
	if *verdictOnly && (*explain || lint != "" || *graphDir != "") {
		// They read the whole result, which a verdict-only run does not
		// compute.
		fmt.Fprintln(stderr, "litmusls check: --verdict-only cannot be used with --explain, --lint or --graph")
		return 2
	}
	choice, err := mf.load()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	choice.sayNotes(stderr, *verbose, *explain, lint != "")
	opts := checker.Options{Timeout: *timeout, Explain: *explain || *asJSON || lint != "" || *graphDir != "", VerdictOnly: *verdictOnly}
	var graphs *graphWriter
	if *graphDir != "" {
		if graphs, err = newGraphWriter(*graphDir, stderr); err != nil {
			fmt.Fprintf(stderr, "litmusls check: %v\n", err)
			return 1
		}
	}
	inputs := checkInputs(fs.Args())
	prog := newProgress(stderr, len(inputs))
	defer prog.end(len(inputs) > 1)
	stderr = prog // from here on, writes erase the progress line first
	stdout = prog.stdout(stdout)
	outs := make([]chan *checkOutput, len(inputs))
	sem := make(chan struct{}, *jobs)
	var wg sync.WaitGroup
	for i, in := range inputs {
		outs[i] = make(chan *checkOutput, 1)
		if in.err != nil {
			outs[i] <- &checkOutput{File: in.name, failed: in.err}
			prog.checked(&checkOutput{})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			// A panic is recovered here, in the goroutine that checks
			// the test: it becomes this test's error.
			var o *checkOutput
			if err := contain(func() {
				o = checkFile(in.name, opts, choice.model)
				if lint != "" {
					o.lint(in.name, *timeout, *lintBudget)
				}
				if graphs != nil {
					o.draw(graphs.dotPath)
				}
			}); err != nil {
				o = &checkOutput{File: in.name, failed: err}
			}
			prog.checked(o)
			outs[i] <- o
		}()
	}
	status := 0
	for i := range inputs {
		o := <-outs[i]
		if o.modelErr != nil {
			// The model's error, not the test's: said once, in the
			// model's coordinates.
			fmt.Fprintf(stderr, "%v (while judging %s)\n", o.modelErr, o.File)
			status = 2
			prog.reported(o)
			continue
		}
		if o.failed == nil && (len(o.Errors) > 0 || (o.Result != nil && o.Result.Cutoff)) {
			status = max(status, 1)
		}
		if o.failed == nil && lint == "error" && o.warns() {
			status = max(status, 1)
		}
		// Each test's text is made whole before any of it is printed, so
		// that a test that crashes while printing leaves no partial text.
		var out, errs bytes.Buffer
		if o.failed == nil {
			var err error
			if perr := contain(func() { err = writeOutput(&out, &errs, o, *asJSON, *explain, *timeout) }); perr != nil {
				err = perr
			}
			o.failed = err
		}
		if o.failed != nil {
			reportFailure(stderr, o.File, o.failed)
			status = max(status, 1)
			prog.reported(o)
			continue
		}
		prog.reported(o)
		stderr.Write(errs.Bytes())
		if _, err := stdout.Write(out.Bytes()); err != nil {
			fmt.Fprintf(stderr, "litmusls check: %v\n", err)
			return 1
		}
		if o.picture != nil {
			if err := graphs.write(o.picture, o.File, stderr); err != nil {
				reportFailure(stderr, o.File, err)
				status = max(status, 1)
			}
		}
	}
	wg.Wait()
	return status
}

// writeOutput writes what check prints for one checked test: its JSON
// object, or herd7's text (then the explanation and the lints, as asked)
// on stdout and its problems on stderr. A cut-off test prints no herd7
// text, only "Test NAME cut off after D: no result" on stderr.
func writeOutput(stdout, stderr io.Writer, o *checkOutput, asJSON, explain bool, timeout time.Duration) error {
	if asJSON {
		b, err := json.Marshal(jsonOf(o, timeout))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	for _, e := range o.Errors {
		fmt.Fprintln(stderr, e)
	}
	if o.Result == nil || len(o.Result.Errors) > 0 {
		return nil
	}
	if o.Result.Cutoff {
		fmt.Fprintf(stderr, "Test %s %s\n", o.Result.Name, cutoffWords(timeout))
		return nil
	}
	if err := checker.WriteHerd(stdout, o.Result, o.Seconds); err != nil {
		return err
	}
	if explain {
		if err := checker.WriteExplain(stdout, o.Result, o.f, o.src); err != nil {
			return err
		}
	}
	writeLints(stdout, o)
	return nil
}

// cutoffWords says why a test cut off by --timeout has no result.
func cutoffWords(timeout time.Duration) string {
	return fmt.Sprintf("cut off after %s: no result", timeout)
}

// checkFile parses and checks one file, under the interpreted model m
// when it is not nil.
func checkFile(name string, opts checker.Options, m *cat.Model) *checkOutput {
	o := &checkOutput{File: name}
	src, err := os.ReadFile(inputFile(name))
	if err != nil {
		o.failed = err
		return o
	}
	callInputHook(name)
	start := time.Now()
	f, text, problems, pos := loadTestFor(name, src, m)
	o.f, o.src, o.pos = f, text, pos
	if len(problems) > 0 {
		o.Errors = problems
		return o
	}
	var guard *guardedModel
	if m != nil {
		guard = &guardedModel{m: m}
		opts.Model = guard
	}
	res, err := checker.Check(context.Background(), f, opts)
	if guard != nil && guard.failed() != nil {
		o.modelErr = guard.failed()
		return o
	}
	if err != nil {
		o.failed = err
		return o
	}
	o.Seconds = time.Since(start).Seconds()
	o.Result = res
	for _, e := range res.Errors {
		o.Errors = append(o.Errors, fmt.Sprintf("%s: %s", pos(e.Span), e.Msg))
	}
	return o
}

// checkJSON is the JSON object "check --json" prints for one test: the
// facts of herd7's text, the witnesses and the reason. Positions are
// "file:line:col" (1-based byte columns) and byte offsets.
type checkJSON struct {
	File      string   `json:"file"`
	Name      string   `json:"name,omitempty"`
	Verdict   *string  `json:"verdict"` // "Never", "Sometimes", "Always"; null when cut off or not checked
	Condition string   `json:"condition,omitempty"`
	Ok        *bool    `json:"ok"` // herd7's Ok/No; null when cut off or not checked
	Positive  int      `json:"positive"`
	Negative  int      `json:"negative"`
	States    []string `json:"states"` // as herd7 prints them: "0:r0=1; [x]=2;"
	Flags     []string `json:"flags,omitempty"`
	Cutoff    bool     `json:"cutoff,omitempty"` // the run was cut off: no verdict, counts are partial
	// CutoffReason says why a cut-off test has no verdict:
	// "cut off after 1s: no result".
	CutoffReason string        `json:"cutoffReason,omitempty"`
	Seconds      float64       `json:"seconds"`
	Errors       []string      `json:"errors,omitempty"`    // "file:line:col: message"
	Witnesses    []witnessJSON `json:"witnesses,omitempty"` // one per state, same order
	Reason       *reasonJSON   `json:"reason,omitempty"`
	Lints        []lintJSON    `json:"lints,omitempty"` // with --lint
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
	Pos    string `json:"pos,omitempty"` // "file:line:col" (in the C for annotated C); empty for an initial write
	Start  int    `json:"start"`         // byte offsets of the test (the generated one for annotated C)
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

// jsonOf is the JSON object of o. A test cut off after timeout has no
// verdict, no Ok and no reason (what it found may not be all there is):
// its object says "cutoff": true and why, with the counts, states and
// witnesses found so far.
func jsonOf(o *checkOutput, timeout time.Duration) *checkJSON {
	j := &checkJSON{File: o.File, Errors: o.Errors, Seconds: o.Seconds, States: []string{}}
	r := o.Result
	if r == nil || len(r.Errors) > 0 {
		return j
	}
	j.Name, j.Condition = r.Name, r.Condition
	j.Positive, j.Negative, j.Flags, j.Cutoff = r.Positive, r.Negative, r.Flags, r.Cutoff
	if r.Cutoff {
		j.CutoffReason = cutoffWords(timeout)
	} else {
		verdict, ok := r.Verdict, r.Ok
		j.Verdict, j.Ok = &verdict, &ok
	}
	for _, s := range r.States {
		j.States = append(j.States, s.String())
	}
	for _, w := range r.Witnesses {
		if w != nil {
			j.Witnesses = append(j.Witnesses, *witnessOf(o, w))
		}
	}
	for _, d := range o.lints {
		j.Lints = append(j.Lints, lintOf(o, d))
	}
	if rs := r.Reason; rs != nil && !r.Cutoff {
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
			e.Pos = o.pos(ev.Span)
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

// A lintMode is the value of --lint: "" (off), "warn" (print the lints) or
// "error" (print them; a warning makes the exit status 1). A bare --lint
// means "warn".
type lintMode string

func (m *lintMode) String() string { return string(*m) }

func (m *lintMode) Set(s string) error {
	switch s {
	case "true", "warn":
		*m = "warn"
	case "error":
		*m = "error"
	case "false", "off":
		*m = ""
	default:
		return fmt.Errorf("want --lint, --lint=warn or --lint=error, not %q", s)
	}
	return nil
}

// IsBoolFlag lets --lint stand alone.
func (m *lintMode) IsBoolFlag() bool { return true }

// lint fills o.lints: the barrier-misuse lints of a checked test, then
// the rewrite diagnostics (cheapest fix, over-fencing hints). A test with
// errors or cut off gets none.
func (o *checkOutput) lint(name string, timeout, budget time.Duration) {
	r := o.Result
	if o.failed != nil || r == nil || len(r.Errors) > 0 || r.Cutoff || len(o.Errors) > 0 {
		return
	}
	file, _ := splitScenario(name)
	ctx := context.Background()
	lints, err := lint.Run(ctx, o.f, o.src, r, lint.Options{BPF: isC(file), Timeout: timeout})
	if err != nil {
		o.failed = fmt.Errorf("%s: %v", name, err)
		return
	}
	rw, err := rewrite.RewriteDiagnostics(ctx, o.f, o.src, r, rewrite.FenceOptions{CheckBudget: timeout, Budget: budget})
	if err != nil {
		o.failed = fmt.Errorf("%s: %v", name, err)
		return
	}
	o.lints = append(lints, rw...)
}

// warns reports whether a lint of o is a warning or an error.
func (o *checkOutput) warns() bool {
	for _, d := range o.lints {
		if d.Severity <= analysis.SeverityWarning {
			return true
		}
	}
	return false
}

// writeLints prints o's lints: "file:line:col: severity: CODE message",
// then the message's further lines and each fix's title, indented.
func writeLints(w io.Writer, o *checkOutput) {
	for _, d := range o.lints {
		lines := strings.Split(d.Message, "\n")
		fmt.Fprintf(w, "%s: %s: %s %s\n", o.pos(d.Span), d.Severity, d.Code, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %s\n", l)
		}
		for _, fx := range d.Fixes {
			fmt.Fprintf(w, "  fix: %s\n", fx.Title)
		}
	}
}

// lintJSON is one lint in "check --json --lint". Positions are
// "file:line:col" (in the C file, for a translated C input) and byte
// offsets into the checked text (for a C input, the generated test).
type lintJSON struct {
	Pos      string        `json:"pos"`
	Start    int           `json:"start"`
	End      int           `json:"end"`
	Severity string        `json:"severity"` // "error", "warning", "information", "hint"
	Code     string        `json:"code"`     // "L01"..."L17", "over-fencing", "cheapest-fix"
	Message  string        `json:"message"`
	Related  []relatedJSON `json:"related,omitempty"`
	Fixes    []fixJSON     `json:"fixes,omitempty"`
}

type relatedJSON struct {
	Pos     string `json:"pos"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Message string `json:"message"`
}

type fixJSON struct {
	Title string     `json:"title"`
	Edits []editJSON `json:"edits"`
}

type editJSON struct {
	Start   int    `json:"start"` // byte offsets of the text replaced
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

func lintOf(o *checkOutput, d analysis.Diagnostic) lintJSON {
	j := lintJSON{Pos: o.pos(d.Span), Start: d.Span.Start, End: d.Span.End,
		Severity: d.Severity.String(), Code: d.Code, Message: d.Message}
	for _, r := range d.Related {
		j.Related = append(j.Related, relatedJSON{Pos: o.pos(r.Span), Start: r.Span.Start, End: r.Span.End, Message: r.Message})
	}
	for _, fx := range d.Fixes {
		f := fixJSON{Title: fx.Title, Edits: []editJSON{}}
		for _, e := range fx.Edits {
			f.Edits = append(f.Edits, editJSON{Start: e.Span.Start, End: e.Span.End, NewText: e.NewText})
		}
		j.Fixes = append(j.Fixes, f)
	}
	return j
}
