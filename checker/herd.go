package checker

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/litmusls/litmusls/syntax"
)

// This file prints results in herd7's format.

// propString prints a proposition as herd7 re-prints conditions: memory
// locations as [x], parentheses only where precedence needs them, and the
// whole proposition in parentheses when top is set.
func propString(q syntax.Prop, top bool) string {
	s := propPrec(q, 0)
	if top {
		return "(" + s + ")"
	}
	return s
}

// Precedences: -> 0, \/ 1, /\ 2, atoms and negations ("not (P)") 4.
func precOf(q syntax.Prop) int {
	switch q := q.(type) {
	case *syntax.ImpliesProp:
		return 0
	case *syntax.OrProp:
		return 1
	case *syntax.AndProp:
		return 2
	case *syntax.ParenProp:
		return precOf(q.X)
	}
	return 4
}

func propPrec(q syntax.Prop, min int) string {
	if pq, ok := q.(*syntax.ParenProp); ok {
		return propPrec(pq.X, min)
	}
	var s string
	switch q := q.(type) {
	case *syntax.AtomProp:
		s = locString(q.Loc) + "=" + q.Value.String()
		if q.Op == "!=" {
			s = "not (" + s + ")"
		}
	case *syntax.NotProp:
		s = "not (" + propPrec(q.X, 0) + ")"
	case *syntax.AndProp:
		s = propPrec(q.X, 2) + ` /\ ` + propPrec(q.Y, 2)
	case *syntax.OrProp:
		s = propPrec(q.X, 1) + ` \/ ` + propPrec(q.Y, 1)
	case *syntax.ImpliesProp:
		s = propPrec(q.X, 1) + " -> " + propPrec(q.Y, 1)
	case *syntax.BoolProp:
		s = "false"
		if q.Value {
			s = "true"
		}
	default:
		s = "?"
	}
	if precOf(q) < min {
		return "(" + s + ")"
	}
	return s
}

func locString(l syntax.Location) string {
	if l.Thread >= 0 {
		return fmt.Sprintf("%d:%s", l.Thread, l.Name)
	}
	return "[" + l.Name + "]"
}

// WriteHerd writes r as herd7 prints it, without the Hash line (litmusls
// does not reproduce herd7's hash) and with a Time line when elapsed is
// given (seconds; negative to omit it).
func WriteHerd(w io.Writer, r *Result, elapsed float64) error {
	var b strings.Builder
	kind := "Allowed"
	// The witnesses count executions for and against the test's claim,
	// which for ~exists is the negation of its proposition; the
	// observation line counts the proposition itself.
	pos, neg := r.Positive, r.Negative
	switch r.Quant {
	case syntax.Forall:
		kind = "Required"
	case syntax.NotExists:
		kind = "Forbidden"
		pos, neg = neg, pos
	}
	fmt.Fprintf(&b, "Test %s %s\n", r.Name, kind)
	fmt.Fprintf(&b, "States %d\n", len(r.States))
	for _, s := range r.States {
		b.WriteString(s.String())
		b.WriteByte('\n')
	}
	if r.Ok {
		b.WriteString("Ok\n")
	} else {
		b.WriteString("No\n")
	}
	b.WriteString("Witnesses\n")
	fmt.Fprintf(&b, "Positive: %d Negative: %d\n", pos, neg)
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "Flag %s\n", f)
	}
	fmt.Fprintf(&b, "Condition %s\n", r.Condition)
	fmt.Fprintf(&b, "Observation %s %s %d %d\n", r.Name, r.Verdict, r.Positive, r.Negative)
	if elapsed >= 0 {
		fmt.Fprintf(&b, "Time %s %.2f\n", r.Name, elapsed)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// HerdSummary is what a comparison of two herd7 outputs looks at: every
// line but Hash, Time and empty ones, with the states as a sorted set
// (the order herd7 prints them in is its own).
func HerdSummary(text string) string {
	var states, rest []string
	sc := bufio.NewScanner(strings.NewReader(text))
	inStates := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "States "):
			inStates = true
			rest = append(rest, line)
		case line == "Ok" || line == "No":
			inStates = false
			rest = append(rest, line)
		case inStates:
			states = append(states, line)
		case strings.HasPrefix(line, "Hash="), strings.HasPrefix(line, "Time "), line == "":
		default:
			rest = append(rest, line)
		}
	}
	sort.Strings(states)
	return strings.Join(rest, "\n") + "\nstates:\n" + strings.Join(states, "\n")
}
