package checker

import (
	"fmt"
	"io"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file puts a Result's witnesses and reason into words for a kernel
// developer, with the source of every event it mentions.

// The words for the model's checks, flags and relations: the one table
// that WriteExplain and the analysis layer's diagnostics share.

// checkWords says what each check of the model requires.
var checkWords = map[string]string{
	"coherence":        "the coherence check: the accesses to each location must agree with a single order of its writes (po-loc | rf | co | fr must be acyclic)",
	"atomic":           "the atomicity check: no other write to the location may come between an atomic read-modify-write's read and its write",
	"happens-before":   "the happens-before check: no event may happen before itself (hb must be acyclic)",
	"propagation":      "the propagation check: a write cannot propagate to a CPU before a write that a strong fence ordered before it (pb must be acyclic)",
	"rcu":              "the RCU check: an RCU read-side critical section may not span a whole grace period (rb must be irreflexive)",
	"plain-coherence":  "the plain-coherence check: plain accesses must obey coherence",
	"ConsCo":           "coherence: the order of the writes that the reads observe is cyclic",
	"lock-nest":        "lock nesting: a CPU takes a lock it already holds",
	"nested-is-locked": "lock nesting: spin_is_locked() on a lock the CPU holds",
	"unmatched-locks":  "locking: two spin_lock()s of one lock, neither released",
}

// CheckWords says what the model's check requires, as in "fails
// CheckWords(check)", or names it ("the NAME check") when the table has
// no words for it.
func CheckWords(check string) string {
	if w := checkWords[check]; w != "" {
		return w
	}
	return "the " + check + " check"
}

// flagWords says what each flag means.
var flagWords = map[string]string{
	"data-race":             "two accesses to one location from different CPUs, at least one a write and at least one plain, that nothing orders",
	"mixed-accesses":        "accesses of different sizes to one location",
	"unmatched-rcu-lock":    "an rcu_read_lock() without its rcu_read_unlock()",
	"unmatched-rcu-unlock":  "an rcu_read_unlock() without its rcu_read_lock()",
	"invalid-sleep":         "a call that may sleep (synchronize_srcu()) inside an RCU read-side critical section",
	"unmatched-srcu-lock":   "an srcu_read_lock() without its srcu_read_unlock()",
	"unmatched-srcu-unlock": "an srcu_read_unlock() without its srcu_read_lock()",
	"multiple-srcu-matches": "an srcu_read_unlock() matching more than one srcu_read_lock()",
	"srcu-bad-value-match":  "an srcu_read_unlock() given a value its srcu_read_lock() did not return",
	"mixed-lock-accesses":   "a lock variable also accessed as ordinary memory",
	"unpaired-LKW":          "a lock acquisition whose write has no matching read",
	"unpaired-LKR":          "a lock acquisition whose read has no matching write",
	"unmatched-unlock":      "a spin_unlock() of a lock the CPU does not hold",
	"lock-final":            "the condition observes the final value of a lock variable",
}

// FlagWords says what the model's flag means, or "" when the table has no
// words for it.
func FlagWords(flag string) string { return flagWords[flag] }

// relWords says what an edge of each relation means, read as
// "FROM <words> TO".
var relWords = map[string]string{
	"po-loc":            "comes before, in program order on the same location,",
	"rfe":               "is read, in another thread, by",
	"rfi":               "is read, later in the same thread, by",
	"rf":                "is read by",
	"coe":               "is overwritten, by another thread, by",
	"coi":               "is overwritten, later in the same thread, by",
	"co":                "is overwritten by",
	"fre":               "reads a value that is then overwritten, by another thread, by",
	"fri":               "reads a value that is then overwritten, later in the same thread, by",
	"fr":                "reads a value that is then overwritten by",
	"po-rel":            "comes before, in program order, the release",
	"acq-po":            "is an acquire, so it is ordered before the later",
	"mb":                "is separated by a full memory barrier from",
	"gp":                "is separated by an RCU grace period from",
	"wmb":               "is separated by smp_wmb() from",
	"rmb":               "is separated by smp_rmb() from",
	"addr":              "has an address dependency to",
	"data":              "has a data dependency to",
	"ctrl":              "has a control dependency to",
	"po-unlock-lock-po": "is ordered, by an unlock followed by a lock, before",
	"prop":              "propagates, through fences and writes, before",
	"ppo":               "is ordered, by preserved program order, before",
	"hb*":               "happens before",
	"hb":                "happens before",
	"pb":                "propagates before",
	"rb":                "is RCU-ordered before",
}

// RelWords says what an edge of the relation rel means, read as "FROM
// RelWords(rel) TO".
func RelWords(rel string) string {
	if w := relWords[rel]; w != "" {
		return w
	}
	return "is related, by " + rel + ", to"
}

// WriteExplain writes, in words, the witness of r for a reachable
// condition and the reason for an unreached outcome, naming every event
// by file:line:col and its source text (src is the file f was parsed
// from). It writes nothing when r has neither (Options.Explain was off,
// or r has errors).
func WriteExplain(w io.Writer, r *Result, f *syntax.File, src []byte) error {
	if len(r.Errors) > 0 || (r.Witnesses == nil && r.Reason == nil) {
		return nil
	}
	e := &explainText{f: f, src: src}
	prop := r.Condition
	if i := strings.IndexByte(prop, ' '); i >= 0 {
		prop = prop[i+1:]
	}
	fmt.Fprintf(&e.b, "Explanation of %s:\n", r.Name)
	if r.Cutoff {
		e.b.WriteString("  The check was cut off: this is what was found before it stopped.\n")
	}
	var shown *Witness
	switch {
	case r.Quant != syntax.Forall && r.Positive > 0:
		shown = e.witness(r, true, "  The condition "+prop+" is satisfied by this allowed execution:\n")
	case r.Quant == syntax.Forall && r.Negative > 0:
		shown = e.witness(r, false, "  The condition "+prop+" is violated by this allowed execution:\n")
	}
	if r.Reason != nil {
		if shown != nil {
			e.b.WriteByte('\n')
		}
		e.reason(r, prop)
	}
	if shown == nil || len(shown.Races) == 0 {
		// The flag is the test's: show the races of an execution that
		// raises it when the one above (if any) does not.
		for _, wt := range r.Witnesses {
			if wt != nil && len(wt.Races) > 0 {
				fmt.Fprintf(&e.b, "\n  The test is flagged data-race: the allowed execution with final state %s has %s:\n", wt.State, plural(len(wt.Races), "race"))
				e.races(wt)
				break
			}
		}
	}
	e.b.WriteByte('\n')
	_, err := io.WriteString(w, e.b.String())
	return err
}

type explainText struct {
	b   strings.Builder
	f   *syntax.File
	src []byte
}

// witness writes the first witness whose condition value is cond, one
// that races if any does, and returns it, or nil.
func (e *explainText) witness(r *Result, cond bool, head string) *Witness {
	var first *Witness
	for _, wt := range r.Witnesses {
		if wt == nil || wt.Cond != cond {
			continue
		}
		if first == nil {
			first = wt
		}
		if len(wt.Races) > 0 {
			first = wt
			break
		}
	}
	if first != nil {
		e.b.WriteString(head)
		e.execution(first)
	}
	return first
}

// execution writes the final state, which write each read saw, the
// coherence order of locations written more than once and the flags.
func (e *explainText) execution(wt *Witness) {
	fmt.Fprintf(&e.b, "    final state: %s\n", wt.State)
	for i := range wt.Events {
		ev := &wt.Events[i]
		if ev.Kind != KindR {
			continue
		}
		fmt.Fprintf(&e.b, "    %s: P%d %s read %s=%s, ", e.pos(ev), ev.Thread, e.text(ev), ev.Loc, ev.Value)
		w := wt.ReadFrom(i)
		switch {
		case w < 0:
			e.b.WriteString("from no write\n")
		case wt.Events[w].Thread < 0:
			fmt.Fprintf(&e.b, "the initial value of %s\n", ev.Loc)
		case wt.Events[w].Thread == ev.Thread:
			fmt.Fprintf(&e.b, "written earlier in P%d by %s at %s\n", ev.Thread, e.text(&wt.Events[w]), e.pos(&wt.Events[w]))
		default:
			fmt.Fprintf(&e.b, "written by P%d's %s at %s\n", wt.Events[w].Thread, e.text(&wt.Events[w]), e.pos(&wt.Events[w]))
		}
	}
	e.coherence(wt)
	for _, fl := range wt.Flags {
		fmt.Fprintf(&e.b, "    flag: %s", fl)
		if w := FlagWords(fl); w != "" {
			fmt.Fprintf(&e.b, " (%s)", w)
		}
		e.b.WriteByte('\n')
	}
	e.races(wt)
}

// coherence writes the order of the writes of each location that more
// than one thread write or that one thread writes more than once.
func (e *explainText) coherence(wt *Witness) {
	next := map[int]int{}
	hasPrev := map[int]bool{}
	for _, c := range wt.Co {
		next[c.From] = c.To
		hasPrev[c.To] = true
	}
	for i := range wt.Events {
		ev := &wt.Events[i]
		if ev.Kind != KindW || hasPrev[i] {
			continue
		}
		var chain []int
		for j, ok := i, true; ok; j, ok = next[j] {
			chain = append(chain, j)
		}
		writes := 0
		for _, j := range chain {
			if wt.Events[j].Thread >= 0 {
				writes++
			}
		}
		if writes < 2 {
			continue
		}
		fmt.Fprintf(&e.b, "    the writes to %s, in coherence order:", ev.Loc)
		for k, j := range chain {
			if k > 0 {
				e.b.WriteString(",")
			}
			w := &wt.Events[j]
			if w.Thread < 0 {
				fmt.Fprintf(&e.b, " the initial value %s", w.Value)
				continue
			}
			fmt.Fprintf(&e.b, " P%d's %s (%s=%s) at %s", w.Thread, e.text(w), w.Loc, w.Value, e.pos(w))
		}
		e.b.WriteByte('\n')
	}
}

// reason writes why r.Reason's outcome is never reached.
func (e *explainText) reason(r *Result, prop string) {
	rs := r.Reason
	verb, would := "satisfies", "satisfy"
	if !rs.Outcome {
		verb, would = "violates", "violate"
	}
	fmt.Fprintf(&e.b, "  No allowed execution %s the condition %s.\n", verb, prop)
	if rs.Execution == nil {
		if rs.Cutoff {
			fmt.Fprintf(&e.b, "  The search for an execution that would %s it was cut off.\n", would)
		} else {
			fmt.Fprintf(&e.b, "  No candidate execution would %s it: the values it needs are never written, or they contradict the branches the code takes.\n", would)
		}
		return
	}
	words := CheckWords(rs.Check)
	fmt.Fprintf(&e.b, "  An execution that would %s it (final state %s) fails %s.\n", would, rs.Execution.State, words)
	if cyc := rs.CycleString(); cyc != "" {
		fmt.Fprintf(&e.b, "  %s\n", cyc)
		x := rs.Execution
		for _, c := range rs.Cycle {
			e.cycleEvent(&x.Events[c.From])
			fmt.Fprintf(&e.b, "        ->%s: %s\n", c.Rel, RelWords(c.Rel))
		}
		e.cycleEvent(&x.Events[rs.Cycle[0].From])
	}
	if rs.Check == "atomic" {
		e.atomicBreach(rs.Execution)
	}
	for _, p := range rs.Incoherent {
		e.racePair(rs.Execution, p)
	}
	e.b.WriteString("  In that execution:\n")
	e.execution(rs.Execution)
}

func (e *explainText) cycleEvent(ev *WitnessEvent) {
	if ev.Thread < 0 {
		fmt.Fprintf(&e.b, "    %s: the initial value of %s\n", ev.Text, ev.Loc)
		return
	}
	fmt.Fprintf(&e.b, "    %s: P%d %s  %s\n", e.pos(ev), ev.Thread, ev.Text, e.text(ev))
}

// pos is the event's file:line:col.
func (e *explainText) pos(ev *WitnessEvent) string {
	if ev.Thread < 0 {
		return "init"
	}
	return e.f.Lines.Position(ev.Span.Start).String()
}

// text is the event's source, on one line.
func (e *explainText) text(ev *WitnessEvent) string {
	if ev.Thread < 0 {
		return "the initial write of " + ev.Loc
	}
	s, t := ev.Span.Start, ev.Span.End
	if s < 0 || t > len(e.src) || s >= t {
		return ev.Text
	}
	return "`" + strings.Join(strings.Fields(string(e.src[s:t])), " ") + "`"
}

// atomicBreach writes, for an execution failing the atomicity check, the
// read-modify-write and the write of another thread that comes between
// its read and its write in coherence order.
func (e *explainText) atomicBreach(wt *Witness) {
	rank := map[int]int{} // position of each write in its location's coherence order
	hasPrev := map[int]bool{}
	next := map[int]int{}
	for _, c := range wt.Co {
		next[c.From] = c.To
		hasPrev[c.To] = true
	}
	for i := range wt.Events {
		if wt.Events[i].Kind == KindW && !hasPrev[i] {
			k := 0
			for j, ok := i, true; ok; j, ok = next[j] {
				rank[j] = k
				k++
			}
		}
	}
	for r := range wt.Events {
		er := &wt.Events[r]
		src := wt.ReadFrom(r)
		if er.Kind != KindR || er.Tags&TagRMW == 0 || src < 0 {
			continue
		}
		for w := r + 1; w < len(wt.Events); w++ {
			ew := &wt.Events[w]
			if ew.Kind != KindW || ew.Tags&TagRMW == 0 || ew.Thread != er.Thread || ew.Span != er.Span {
				continue
			}
			for o := range wt.Events {
				eo := &wt.Events[o]
				if eo.Kind != KindW || eo.Loc != er.Loc || eo.Thread == er.Thread || eo.Thread < 0 {
					continue
				}
				if rank[src] < rank[o] && rank[o] < rank[w] {
					fmt.Fprintf(&e.b, "    %s: P%d's %s read %s=%s and wrote %s=%s, but P%d's %s at %s wrote %s=%s in between\n",
						e.pos(er), er.Thread, e.text(er), er.Loc, er.Value, ew.Loc, ew.Value, eo.Thread, e.text(eo), e.pos(eo), eo.Loc, eo.Value)
					return
				}
			}
			break
		}
	}
}

// raceWords says, for each kind of race or plain-coherence breach, why
// the pair is one, read with A and B standing for the two accesses ("P0's
// write"), as "%[1]s" and "%[2]s".
var raceWords = map[string]string{
	"ww-race":  "Nothing orders %[1]s before %[2]s, which overwrites it: no fence, release-acquire or other happens-before chain makes the first visible to %[3]s before the second executes, so neither happens before the other",
	"wr-race":  "%[1]s does not become visible to %[3]s before %[2]s executes, and %[2]s does not execute before %[1]s: neither happens before the other",
	"rw-race":  "Nothing makes %[1]s execute before %[2]s, which overwrites the value it read: no fence or happens-before chain orders them, so neither happens before the other",
	"wr-incoh": "%[2]s reads from %[1]s, yet a fence or happens-before chain makes it execute before that write",
	"rw-incoh": "%[1]s misses %[2]s (it reads a value that write overwrites), yet %[2]s is visible to %[4]s before the read executes",
	"ww-incoh": "%[2]s overwrites %[1]s in coherence order, yet it is visible to %[4]s before %[1]s executes",
}

// races writes the data races of wt.
func (e *explainText) races(wt *Witness) {
	for _, p := range wt.Races {
		e.racePair(wt, p)
	}
}

// racePair writes a racing or incoherent pair of accesses of wt: where
// they are, their source, and why the model singles them out.
func (e *explainText) racePair(wt *Witness, p Race) {
	a, b := &wt.Events[p.A], &wt.Events[p.B]
	if strings.HasSuffix(p.Kind, "-incoh") {
		fmt.Fprintf(&e.b, "    plain accesses to %s that break coherence (%s):\n", a.Loc, p.Kind)
	} else {
		fmt.Fprintf(&e.b, "    data race on %s (%s):\n", a.Loc, p.Kind)
	}
	for _, ev := range []*WitnessEvent{a, b} {
		fmt.Fprintf(&e.b, "      %s: P%d %s, %s\n", e.pos(ev), ev.Thread, e.text(ev), accessWords(ev))
	}
	why := raceWords[p.Kind]
	if why == "" {
		why = "the pair is in " + p.Kind
	}
	fmt.Fprintf(&e.b, "      "+why, whose(a), whose(b), thread(b), thread(a))
	var plain []string
	for _, ev := range []*WitnessEvent{a, b} {
		if ev.Plain() {
			plain = append(plain, e.text(ev))
		}
	}
	race := !strings.HasSuffix(p.Kind, "-incoh")
	switch {
	case len(plain) == 1 && race:
		fmt.Fprintf(&e.b, ". %s is plain: the compiler may tear, fuse or repeat it", plain[0])
	case len(plain) == 1:
		fmt.Fprintf(&e.b, ". %s is plain", plain[0])
	case len(plain) == 2 && race:
		e.b.WriteString(". Both are plain: the compiler may tear, fuse or repeat them")
	case len(plain) == 2:
		e.b.WriteString(". Both are plain")
	}
	e.b.WriteString(".\n")
}

// accessWords describes an access: "a plain write of x=1".
func accessWords(ev *WitnessEvent) string {
	kind := "access"
	switch ev.Kind {
	case KindR:
		kind = "read"
	case KindW:
		kind = "write"
	}
	mark := "marked"
	if ev.Plain() {
		mark = "plain"
	}
	return fmt.Sprintf("a %s %s of %s=%s", mark, kind, ev.Loc, ev.Value)
}

// whose names an access by its thread and kind: "P0's write".
func whose(ev *WitnessEvent) string {
	kind := "access"
	switch ev.Kind {
	case KindR:
		kind = "read"
	case KindW:
		kind = "write"
	}
	if ev.Thread < 0 {
		return "the initial " + kind
	}
	return fmt.Sprintf("P%d's %s", ev.Thread, kind)
}

// thread names an event's thread: "P1".
func thread(ev *WitnessEvent) string {
	if ev.Thread < 0 {
		return "every CPU"
	}
	return fmt.Sprintf("P%d", ev.Thread)
}

// plural writes n and the noun, in the plural when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
