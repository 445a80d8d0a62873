package analysis

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// Options tell Diagnose about the check whose result it reads.
type Options struct {
	// Budget is the time limit the check ran under; it is named in the
	// message of a cut-off check. Zero means unknown.
	Budget time.Duration
}

// Diagnose turns a parse and a check of one test into diagnostics, sorted
// by position. f and parseErrs come from syntax.Parse of src; res is the
// checker's result for f with Options.Explain set (without it, witnesses
// and reasons are left out of the messages), or nil when the test was not
// checked (it has syntax errors). Spans in res must refer to src.
func Diagnose(f *syntax.File, src []byte, parseErrs syntax.ErrorList, res *checker.Result, opts Options) []Diagnostic {
	d := &diagnoser{f: f, src: src, res: res, opts: opts}
	for _, e := range parseErrs {
		d.add(Diagnostic{Span: e.Span, Severity: SeverityError, Code: CodeSyntax, Message: e.Msg})
	}
	if len(parseErrs) == 0 {
		d.resolve()
	}
	if res != nil {
		d.check()
	}
	sort.SliceStable(d.out, func(i, j int) bool {
		a, b := d.out[i].Span, d.out[j].Span
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End < b.End
	})
	return d.out
}

type diagnoser struct {
	f    *syntax.File
	src  []byte
	res  *checker.Result
	opts Options
	out  []Diagnostic

	resolved map[syntax.Span]bool // spans of undeclared names reported
}

// resolve reports the undeclared names of the test.
func (d *diagnoser) resolve() {
	d.resolved = map[syntax.Span]bool{}
	for _, diag := range resolve(d.f) {
		d.resolved[diag.Span] = true
		d.add(diag)
	}
}

func (d *diagnoser) add(diag Diagnostic) { d.out = append(d.out, diag) }

// condSpan is where diagnostics about the whole outcome go: the final
// condition, or the test's name when there is none.
func (d *diagnoser) condSpan() syntax.Span {
	if d.f.Cond != nil {
		return d.f.Cond.Span
	}
	return d.f.NameSpan
}

func (d *diagnoser) check() {
	res := d.res
	if len(res.Errors) > 0 {
		for _, e := range res.Errors {
			if d.resolved[e.Span] {
				continue // already reported as undeclared
			}
			d.add(Diagnostic{Span: e.Span, Severity: SeverityError, Code: CodeUnsupported,
				Message: "cannot check this test: " + e.Msg})
		}
		return
	}
	// A test without a final condition is checked as forall (true): it
	// has no outcome to speak of, but its races and flags are real.
	if d.f.Cond != nil {
		d.condition()
		d.resultComment()
	}
	d.flags()
	if res.Cutoff {
		budget := ""
		if d.opts.Budget > 0 {
			budget = " after " + d.opts.Budget.String()
		}
		d.add(Diagnostic{Span: d.condSpan(), Severity: SeverityWarning, Code: CodeBudget,
			Message: fmt.Sprintf("The check was cut off%s before it decided: the counts cover only the %s found so far (%d satisfy the condition, %d do not), so it gives no verdict. Give the check a larger budget (setting checkBudget) or simplify the test.",
				budget, countNoun(res.Positive+res.Negative, "allowed execution"), res.Positive, res.Negative)})
	}
}

// prop is the condition's proposition as herd7 prints it, without the
// quantifier.
func (d *diagnoser) prop() string {
	p := d.res.Condition
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// condition reports whether the outcome the condition is about happens:
// the proposition holding, for exists and ~exists; failing, for forall.
func (d *diagnoser) condition() {
	res := d.res
	total := res.Positive + res.Negative
	prop := d.prop()
	// A cut-off check found the outcome reached, but not how often: it
	// names no verdict.
	verdict := res.Verdict
	if res.Cutoff {
		verdict = "check cut off: counts so far"
	}
	var head string
	var reached bool
	switch res.Quant {
	case syntax.Exists:
		reached = res.Positive > 0
		if reached {
			head = fmt.Sprintf("Reachable: %s of %s satisfy %s (%s).", countOf(res.Positive, total), countNoun(total, "allowed execution"), prop, verdict)
		} else {
			head = fmt.Sprintf("Never: %s satisfies %s.", noneOf(total), prop)
		}
	case syntax.NotExists:
		reached = res.Positive > 0
		if reached {
			head = fmt.Sprintf("~exists fails: %s of %s satisfy %s (%s), which the test says never happens.", countOf(res.Positive, total), countNoun(total, "allowed execution"), prop, verdict)
		} else {
			head = fmt.Sprintf("~exists holds: %s satisfies %s (Never).", noneOf(total), prop)
		}
	case syntax.Forall:
		reached = res.Negative > 0
		if reached {
			head = fmt.Sprintf("forall fails: %s of %s violate %s (%s).", countOf(res.Negative, total), countNoun(total, "allowed execution"), prop, verdict)
		} else {
			head = fmt.Sprintf("forall holds: %s satisfies %s (Always).", everyOf(total), prop)
		}
	}
	if reached {
		diag := Diagnostic{Span: d.condSpan(), Severity: SeverityWarning, Code: CodeReachable, Message: head}
		if w := d.witness(res.Quant != syntax.Forall); w != nil {
			lines, related := d.describeWitness(w)
			diag.Message += fmt.Sprintf("\nFor example, the execution with final state %s:\n%s", w.State, strings.Join(lines, "\n"))
			diag.Related = related
		}
		d.add(diag)
		return
	}
	if res.Cutoff {
		return // the budget diagnostic says why no verdict is given
	}
	diag := Diagnostic{Span: d.condSpan(), Severity: SeverityInformation, Code: CodeNever, Message: head}
	if r := res.Reason; r != nil {
		msg, related := d.describeReason(r)
		diag.Message += "\n" + msg
		diag.Related = related
	}
	d.add(diag)
}

// noneOf says "none of the 3 allowed executions" for total executions.
func noneOf(total int) string {
	switch total {
	case 0:
		return "no execution is allowed, so none"
	case 1:
		return "not even the only allowed execution"
	}
	return fmt.Sprintf("none of the %d allowed executions", total)
}

// everyOf says "every one of the 3 allowed executions" for total
// executions.
func everyOf(total int) string {
	switch total {
	case 0:
		return "no execution is allowed, so trivially every one"
	case 1:
		return "the only allowed execution"
	}
	return fmt.Sprintf("every one of the %d allowed executions", total)
}

// countOf says "1" or "all 4" for n of total.
func countOf(n, total int) string {
	if n == total && total > 1 {
		return fmt.Sprintf("all %d", n)
	}
	return fmt.Sprint(n)
}

// witness returns the first witness whose condition value is cond.
func (d *diagnoser) witness(cond bool) *checker.Witness {
	for _, w := range d.res.Witnesses {
		if w != nil && w.Cond == cond {
			return w
		}
	}
	return nil
}

// relatedSet gathers related locations, one per span, joining the
// messages of events that share a span (the read and write of one RMW).
type relatedSet struct {
	list []Related
	at   map[syntax.Span]int
}

func (s *relatedSet) add(span syntax.Span, msg string) {
	if span.End <= span.Start {
		return
	}
	if s.at == nil {
		s.at = map[syntax.Span]int{}
	}
	if i, ok := s.at[span]; ok {
		if !strings.Contains(s.list[i].Message, msg) {
			s.list[i].Message += "; " + msg
		}
		return
	}
	s.at[span] = len(s.list)
	s.list = append(s.list, Related{Span: span, Message: msg})
}

// describeWitness says which write each read of w saw and, for locations
// written more than once, the order of the writes; it returns one line
// each, and related locations on the accesses.
func (d *diagnoser) describeWitness(w *checker.Witness) ([]string, []Related) {
	var lines []string
	var rel relatedSet
	for i := range w.Events {
		ev := &w.Events[i]
		if ev.Kind != checker.KindR || ev.Thread < 0 {
			continue
		}
		var saw string
		src := w.ReadFrom(i)
		switch {
		case src < 0:
			saw = "from no write"
		case w.Events[src].Thread < 0:
			saw = "the initial value"
		case w.Events[src].Thread == ev.Thread:
			saw = "written earlier by its own " + witnessEventSource(&w.Events[src], d.src)
		default:
			saw = "written by " + witnessEventName(&w.Events[src], d.src)
		}
		lines = append(lines, fmt.Sprintf("  %s reads %s=%s, %s", witnessEventName(ev, d.src), ev.Loc, ev.Value, saw))
		rel.add(ev.Span, fmt.Sprintf("reads %s=%s, %s", ev.Loc, ev.Value, saw))
		if src >= 0 && w.Events[src].Thread >= 0 {
			rel.add(w.Events[src].Span, fmt.Sprintf("writes %s=%s, read by %s", ev.Loc, ev.Value, witnessEventName(ev, d.src)))
		}
	}
	for _, chain := range coherenceChains(w) {
		var parts []string
		for _, j := range chain {
			e := &w.Events[j]
			if e.Thread < 0 {
				parts = append(parts, "the initial value "+e.Value)
				continue
			}
			parts = append(parts, fmt.Sprintf("%s (%s=%s)", witnessEventName(e, d.src), e.Loc, e.Value))
		}
		loc := w.Events[chain[0]].Loc
		lines = append(lines, fmt.Sprintf("  the writes to %s, in coherence order: %s", loc, strings.Join(parts, ", ")))
		k := 0
		for _, j := range chain {
			if e := &w.Events[j]; e.Thread >= 0 {
				k++
				rel.add(e.Span, fmt.Sprintf("write %d of %d to %s in coherence order (%s=%s)", k, len(chain)-1, loc, loc, e.Value))
			}
		}
	}
	return lines, rel.list
}

// coherenceChains returns, for each location written more than once by the
// threads, its writes in coherence order (the initial write first).
func coherenceChains(w *checker.Witness) [][]int {
	next := map[int]int{}
	hasPrev := map[int]bool{}
	for _, c := range w.Co {
		next[c.From] = c.To
		hasPrev[c.To] = true
	}
	var chains [][]int
	for i := range w.Events {
		if w.Events[i].Kind != checker.KindW || hasPrev[i] {
			continue
		}
		var chain []int
		writes := 0
		seen := map[int]bool{}
		for j, ok := i, true; ok && !seen[j]; j, ok = next[j] {
			seen[j] = true
			chain = append(chain, j)
			if w.Events[j].Thread >= 0 {
				writes++
			}
		}
		if writes >= 2 {
			chains = append(chains, chain)
		}
	}
	return chains
}

// describeReason says why the outcome is never reached, with related
// locations on the events of the forbidding cycle.
func (d *diagnoser) describeReason(r *checker.Reason) (string, []Related) {
	would := "reach it"
	if d.res.Quant == syntax.Forall {
		would = "violate it"
	}
	x := r.Execution
	if x == nil {
		if r.Cutoff {
			return fmt.Sprintf("The search for an execution that would %s was cut off.", would), nil
		}
		return fmt.Sprintf("No candidate execution would %s: the values it needs are never written, or they contradict the branches the code takes.", would), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "An execution that would %s (final state %s) is forbidden by %s.", would, x.State, checker.CheckWords(r.Check))
	var rel relatedSet
	if cyc := r.CycleString(); cyc != "" {
		fmt.Fprintf(&b, "\n%s", cyc)
		for _, e := range r.Cycle {
			from, to := &x.Events[e.From], &x.Events[e.To]
			line := fmt.Sprintf("%s %s %s (%s)", witnessEventName(from, d.src), checker.RelWords(e.Rel), witnessEventName(to, d.src), e.Rel)
			fmt.Fprintf(&b, "\n  %s", line)
			rel.add(from.Span, fmt.Sprintf("%s %s (%s)", checker.RelWords(e.Rel), witnessEventName(to, d.src), e.Rel))
		}
	}
	return b.String(), rel.list
}

// resultComment checks the "Result:" comment against the checker's
// verdict and data-race flag.
func (d *diagnoser) resultComment() {
	rc := d.f.Result
	res := d.res
	if rc == nil || res.Cutoff {
		return
	}
	verdict := ""
	for _, v := range []string{"Never", "Sometimes", "Always"} {
		if strings.EqualFold(rc.Verdict, v) {
			verdict = v
		}
	}
	if verdict == "" {
		return // "Maybe" and the like claim nothing
	}
	saysRace := false
	var others []string
	for _, fl := range rc.Flags {
		if fl == "DATARACE" {
			saysRace = true
		} else {
			others = append(others, fl)
		}
	}
	race := flagIn(res.Flags, "data-race")
	var problems []string
	if verdict != res.Verdict {
		problems = append(problems, fmt.Sprintf("the Result comment says %s, but the checker finds %s (%d of %s satisfy %s)",
			rc.Verdict, res.Verdict, res.Positive, countNoun(res.Positive+res.Negative, "allowed execution"), d.prop()))
	}
	switch {
	case saysRace && !race:
		problems = append(problems, "the Result comment says DATARACE, but no allowed execution has a data race")
	case !saysRace && race:
		problems = append(problems, "an allowed execution has a data race, which the Result comment does not mention (DATARACE)")
	}
	if len(problems) == 0 {
		return
	}
	msg := strings.Join(problems, "; ")
	msg = strings.ToUpper(msg[:1]) + msg[1:] + "."
	want := []string{res.Verdict}
	if race {
		want = append(want, "DATARACE")
	}
	want = append(want, others...)
	diag := Diagnostic{Span: rc.Span, Severity: SeverityError, Code: CodeResultMismatch, Message: msg}
	if span, ok := d.resultWords(); ok {
		text := strings.Join(want, " ")
		diag.Fixes = []Fix{{Title: fmt.Sprintf("Change the Result comment to %q", text), Edits: []Edit{{Span: span, NewText: text}}}}
	}
	d.add(diag)
}

// resultWords returns the span of the verdict and the flags after it in
// the Result comment, as syntax reads them.
func (d *diagnoser) resultWords() (syntax.Span, bool) {
	rc := d.f.Result
	if rc.Span.Start < 0 || rc.Span.End > len(d.src) || rc.Span.Start >= rc.Span.End {
		return syntax.Span{}, false
	}
	text := string(d.src[rc.Span.Start:rc.Span.End])
	end := 0
	i := 0
	for k := 0; ; k++ {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
			i++
		}
		if i >= len(text) {
			break
		}
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != '\t' {
			j++
		}
		w := text[i:j]
		if k > 0 && (w != strings.ToUpper(w) || strings.ToLower(w) == w) {
			break
		}
		end = j - len(w) + len(strings.TrimRight(w, ".,;"))
		i = j
	}
	return syntax.Span{Start: rc.Span.Start, End: rc.Span.Start + end}, end > 0
}

func flagIn(flags []string, flag string) bool {
	for _, f := range flags {
		if f == flag {
			return true
		}
	}
	return false
}

// flags reports the model's flags: data-race on its own, the others as
// flag warnings on the events they concern.
func (d *diagnoser) flags() {
	for _, fl := range d.res.Flags {
		w := d.flagWitness(fl)
		if fl == "data-race" {
			d.dataRace(w)
			continue
		}
		msg := "Flag " + fl
		if m := checker.FlagWords(fl); m != "" {
			msg += ": " + m
		}
		msg += "."
		if w != nil {
			msg += fmt.Sprintf(" Raised by the allowed execution with final state %s.", w.State)
		}
		diag := Diagnostic{Span: d.condSpan(), Severity: SeverityWarning, Code: CodeFlag, Message: msg}
		if tags, ok := flagTags[fl]; ok && w != nil {
			var rel relatedSet
			for i := range w.Events {
				ev := &w.Events[i]
				if ev.Thread >= 0 && ev.Tags&tags != 0 {
					rel.add(ev.Span, fmt.Sprintf("%s: %s", witnessEventSource(ev, d.src), ev.Text))
				}
			}
			if len(rel.list) > 0 {
				diag.Span = rel.list[0].Span
				diag.Related = rel.list
			}
		}
		d.add(diag)
	}
}

// flagWitness returns the first witness that raises flag, or nil.
func (d *diagnoser) flagWitness(flag string) *checker.Witness {
	for _, w := range d.res.Witnesses {
		if w != nil && flagIn(w.Flags, flag) {
			return w
		}
	}
	return nil
}

// dataRace reports the data-race flag: a warning on each plain access
// that races, naming the access it races with (a related location), from
// the racing pairs of the checker's witnesses. When the result carries no
// pairs (Explain was off), one warning on the condition says that some
// allowed execution races.
func (d *diagnoser) dataRace(w *checker.Witness) {
	races := d.res.DataRaces()
	if len(races) == 0 {
		msg := "Data race: " + checker.FlagWords("data-race") + "."
		if w != nil {
			msg += fmt.Sprintf(" It happens in the allowed execution with final state %s.", w.State)
		}
		d.add(Diagnostic{Span: d.condSpan(), Severity: SeverityWarning, Code: CodeDataRace, Message: msg})
		return
	}
	type at struct{ span, other syntax.Span }
	seen := map[at]bool{}
	for _, r := range races {
		for _, p := range [2][2]*checker.WitnessEvent{{r.A, r.B}, {r.B, r.A}} {
			a, b := p[0], p[1]
			if !isPlain(a) || seen[at{a.Span, b.Span}] {
				continue
			}
			seen[at{a.Span, b.Span}] = true
			msg := fmt.Sprintf("Data race on %s: this plain %s races with %s on another CPU.\n"+
				"Nothing orders the two (they race in the allowed execution with final state %s), "+
				"so the compiler may tear, fuse or invent this access: "+
				"use READ_ONCE()/WRITE_ONCE() (or acquire/release), or order the accesses.",
				a.Loc, accessWord(a), witnessEventName(b, d.src), r.Witness.State)
			diag := Diagnostic{Span: a.Span, Severity: SeverityWarning, Code: CodeDataRace, Message: msg,
				Related: []Related{{Span: b.Span, Message: fmt.Sprintf("the access to %s it races with", b.Loc)}}}
			if a.Span.End <= a.Span.Start {
				diag.Span = d.condSpan()
			}
			d.add(diag)
		}
	}
}

// accessWord names an access event's kind in words.
func accessWord(ev *checker.WitnessEvent) string {
	if ev.Kind == checker.KindW {
		return "write"
	}
	return "read"
}

func isPlain(ev *checker.WitnessEvent) bool {
	return ev.Thread >= 0 && (ev.Kind == checker.KindR || ev.Kind == checker.KindW) && ev.Tags&(markedTags|checker.TagInit) == 0
}
