package analysis

import (
	"fmt"
	"strings"

	"github.com/litmusls/litmusls/checker"
)

// This file holds what diagnostics need beyond the words for the model's
// checks, flags and relations, which are the checker's (checker.CheckWords,
// FlagWords, RelWords, shared with its WriteExplain): the events a flag is
// about, and events and counts in words.

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

// witnessEventName names a witness event for people: "P1's `READ_ONCE(*x)`", or
// "the initial value of x".
func witnessEventName(ev *checker.WitnessEvent, src []byte) string {
	if ev.Thread < 0 {
		return "the initial value of " + ev.Loc
	}
	return fmt.Sprintf("P%d's %s", ev.Thread, witnessEventSource(ev, src))
}

// witnessEventSource is the event's source on one line, in backquotes, or the
// checker's description when the span does not fit src.
func witnessEventSource(ev *checker.WitnessEvent, src []byte) string {
	s, t := ev.Span.Start, ev.Span.End
	if s < 0 || t > len(src) || s >= t {
		return ev.Text
	}
	return "`" + strings.Join(strings.Fields(string(src[s:t])), " ") + "`"
}

// countNoun returns "1 execution" or "3 executions".
func countNoun(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
