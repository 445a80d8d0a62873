package analysis

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/checker"
)

// This file holds the words diagnostics use for the model's checks, flags
// and relations.
//
// TODO(checker): the checker keeps similar tables unexported for
// WriteExplain; once it exports them, use those instead.

// checkMeaning says what each check of the model requires, for "fails
// <meaning>".
var checkMeaning = map[string]string{
	"coherence":        "coherence: all accesses to one location must agree with a single order of its writes",
	"ConsCo":           "coherence: the writes the reads observe would have to be ordered in a cycle",
	"atomic":           "atomicity: no other write may come between the read and the write of an atomic read-modify-write",
	"happens-before":   "happens-before: an event would have to happen before itself",
	"propagation":      "propagation: a write would have to reach a CPU before a write that a strong fence orders before it",
	"rcu":              "the RCU guarantee: an RCU read-side critical section may not span a whole grace period",
	"plain-coherence":  "coherence of plain accesses",
	"lock-nest":        "lock nesting: a CPU takes a lock it already holds",
	"nested-is-locked": "lock nesting: spin_is_locked() on a lock the CPU holds",
	"unmatched-locks":  "locking: two spin_lock()s of one lock, neither released",
}

// checkPhrase returns the meaning of check, or a plain name for a check
// without one.
func checkPhrase(check string) string {
	if m := checkMeaning[check]; m != "" {
		return m
	}
	return "the " + check + " check"
}

// flagMeaning says what each flag of the model means.
var flagMeaning = map[string]string{
	"data-race":             "two accesses to one location from different CPUs, at least one a write and at least one plain (not READ_ONCE, WRITE_ONCE or another marked access), that nothing orders",
	"mixed-accesses":        "accesses of different sizes to one location",
	"unmatched-rcu-lock":    "an rcu_read_lock() without its rcu_read_unlock()",
	"unmatched-rcu-unlock":  "an rcu_read_unlock() without its rcu_read_lock()",
	"invalid-sleep":         "a call that may sleep (synchronize_srcu()) inside an RCU read-side critical section",
	"unmatched-srcu-lock":   "an srcu_read_lock() without its srcu_read_unlock()",
	"unmatched-srcu-unlock": "an srcu_read_unlock() without its srcu_read_lock()",
	"multiple-srcu-matches": "an srcu_read_unlock() that matches more than one srcu_read_lock()",
	"srcu-bad-value-match":  "an srcu_read_unlock() given a value that its srcu_read_lock() did not return",
	"mixed-lock-accesses":   "a lock variable also accessed as ordinary memory",
	"unpaired-LKW":          "a lock acquisition whose write has no matching read",
	"unpaired-LKR":          "a lock acquisition whose read has no matching write",
	"unmatched-unlock":      "a spin_unlock() of a lock the CPU does not hold",
	"lock-final":            "the condition observes the final value of a lock variable",
}

// flagPhrase returns the meaning of flag, or "" when there is none.
func flagPhrase(flag string) string { return flagMeaning[flag] }

// flagTags gives, for flags about particular kinds of events, the tags of
// the events a diagnostic points at.
var flagTags = map[string]checker.Tag{
	"unmatched-rcu-lock":    checker.TagRcuLock | checker.TagRcuUnlock,
	"unmatched-rcu-unlock":  checker.TagRcuLock | checker.TagRcuUnlock,
	"invalid-sleep":         checker.TagRcuLock | checker.TagRcuUnlock | checker.TagSyncSrcu,
	"unmatched-srcu-lock":   checker.TagSrcuLock | checker.TagSrcuUnlock,
	"unmatched-srcu-unlock": checker.TagSrcuLock | checker.TagSrcuUnlock,
	"multiple-srcu-matches": checker.TagSrcuLock | checker.TagSrcuUnlock,
	"srcu-bad-value-match":  checker.TagSrcuLock | checker.TagSrcuUnlock,
	"mixed-lock-accesses":   LockTags,
	"unpaired-LKW":          LockTags,
	"unpaired-LKR":          LockTags,
	"unmatched-unlock":      LockTags,
	"lock-final":            LockTags,
}

// LockTags are the tags of spin-lock events: lock reads and writes,
// unlocks, failed spin_trylocks and spin_is_locked reads.
const LockTags = checker.TagLKR | checker.TagLKW | checker.TagUL | checker.TagLF | checker.TagRL | checker.TagRU

// markedTags are the tags that make an access marked rather than plain,
// as the LKMM's Marked set has them.
const markedTags = checker.TagOnce | checker.TagRelease | checker.TagAcquire | checker.TagMb | checker.TagRMW |
	LockTags | checker.TagSrcuLock | checker.TagSrcuUnlock

// relMeaning says what an edge of each relation means, read as
// "FROM <meaning> TO".
var relMeaning = map[string]string{
	"po-loc":            "comes before, in program order on the same location,",
	"rf":                "is read by",
	"rfe":               "is read, on another CPU, by",
	"rfi":               "is read, later on the same CPU, by",
	"co":                "is overwritten by",
	"coe":               "is overwritten, on another CPU, by",
	"coi":               "is overwritten, later on the same CPU, by",
	"fr":                "reads a value overwritten by",
	"fre":               "reads a value overwritten, on another CPU, by",
	"fri":               "reads a value overwritten, later on the same CPU, by",
	"po-rel":            "comes in program order before the release",
	"acq-po":            "is an acquire, so it is ordered before",
	"mb":                "is ordered by a full barrier before",
	"gp":                "is ordered by an RCU grace period before",
	"wmb":               "is ordered by smp_wmb() before",
	"rmb":               "is ordered by smp_rmb() before",
	"addr":              "carries an address dependency to",
	"data":              "carries a data dependency to",
	"ctrl":              "carries a control dependency to",
	"po-unlock-lock-po": "is ordered, by an unlock and a later lock, before",
	"prop":              "propagates, through fences and writes, before",
	"ppo":               "is ordered by preserved program order before",
	"hb":                "happens before",
	"hb*":               "happens before",
	"pb":                "propagates before",
	"rb":                "is RCU-ordered before",
}

// relPhrase returns the meaning of an edge of rel.
func relPhrase(rel string) string {
	if m := relMeaning[rel]; m != "" {
		return m
	}
	return "is related by " + rel + " to"
}

// eventName names a witness event for people: "P1's `READ_ONCE(*x)`", or
// "the initial value of x".
func witnessEventName(ev *checker.WitnessEvent, src []byte) string {
	if ev.Thread < 0 {
		return "the initial value of " + ev.Loc
	}
	return fmt.Sprintf("P%d's %s", ev.Thread, witnessEventSource(ev, src))
}

// sourceText is the event's source on one line, in backquotes, or the
// checker's description when the span does not fit src.
func witnessEventSource(ev *checker.WitnessEvent, src []byte) string {
	s, t := ev.Span.Start, ev.Span.End
	if s < 0 || t > len(src) || s >= t {
		return ev.Text
	}
	return "`" + strings.Join(strings.Fields(string(src[s:t])), " ") + "`"
}

// plural returns "1 execution" or "3 executions".
func countNoun(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
