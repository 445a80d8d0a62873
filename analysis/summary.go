package analysis

import (
	"fmt"
	"strings"
	"time"

	"github.com/litmusls/litmusls/checker"
)

// Summary puts a check in one line, as a code lens on the condition shows
// it: "Never · 3 states · 0.4 ms", with the flags raised before the time
// ("Sometimes · 4 states · data-race · 1.2 ms"). elapsed is how long the
// check took. A cut-off check says so and gives no verdict ("Cut off · no
// verdict · 2 states so far · 10.0 s"), and a test that could not be
// checked says why.
func Summary(res *checker.Result, elapsed time.Duration) string {
	if res == nil {
		return ""
	}
	if len(res.Errors) > 0 {
		return "Not checked: " + res.Errors[0].Msg
	}
	var parts []string
	if res.Cutoff {
		// What a cut-off check found is no verdict: more executions may
		// turn Never into Sometimes, or Always into Sometimes.
		parts = append(parts, "Cut off", "no verdict", countNoun(len(res.States), "state")+" so far")
	} else {
		parts = append(parts, res.Verdict, countNoun(len(res.States), "state"))
	}
	parts = append(parts, res.Flags...)
	parts = append(parts, Duration(elapsed))
	return strings.Join(parts, " · ")
}

// Duration formats a check's time for people: "0.4 ms", "12 ms", "1.5 s".
func Duration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 0.05:
		return "<0.1 ms"
	case ms < 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}
