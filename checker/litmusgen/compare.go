package litmusgen

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// An Outcome is what [Compare] found on one test.
type Outcome struct {
	// Diff describes how the two outputs differ; "" if they agree.
	Diff string
	// Skipped says why the test was not compared ("cutoff"), or "".
	Skipped string
	// Rejected is the checker's error on a test both models refuse
	// (the front end's, so a generator bug), or "".
	Rejected string
}

// Run checks src under model m (nil: the compiled model of the
// dialect) and returns herd7's output, with an error or panic of the
// model as the text "error: ..." or "panic: ...". cutoff reports a run
// the timeout cut short.
func Run(ctx context.Context, name, src string, m checker.Model, timeout time.Duration) (out string, cutoff bool) {
	f, errs := syntax.Parse(name, []byte(src))
	if len(errs) > 0 {
		return fmt.Sprintf("error: parse: %v", errs[0]), false
	}
	defer func() {
		// A panic of a model (a bug; an interpreted model's evaluation
		// error is Check's error) is reported as one.
		if e := recover(); e != nil {
			out, cutoff = fmt.Sprintf("panic: %v", e), false
		}
	}()
	res, err := checker.Check(ctx, f, checker.Options{Model: m, Timeout: timeout, Workers: 1})
	if err != nil {
		return "error: " + err.Error(), false
	}
	if len(res.Errors) > 0 {
		return "error: " + res.Errors[0].Msg, false
	}
	if res.Cutoff {
		return "", true
	}
	var b strings.Builder
	if err := checker.WriteHerd(&b, res, -1); err != nil {
		return "error: " + err.Error(), false
	}
	return b.String(), false
}

// Compare checks src under models a and b (nil: the compiled model)
// and compares their herd7 outputs as the corpus tests do: everything
// but Hash and Time, states as a set.
func Compare(ctx context.Context, name, src string, a, b checker.Model, timeout time.Duration) Outcome {
	outA, cutA := Run(ctx, name, src, a, timeout)
	if cutA {
		return Outcome{Skipped: "cutoff"}
	}
	outB, cutB := Run(ctx, name, src, b, timeout)
	if cutB {
		return Outcome{Skipped: "cutoff"}
	}
	sa, sb := checker.HerdSummary(outA), checker.HerdSummary(outB)
	if sa == sb {
		if strings.HasPrefix(outA, "error: ") {
			return Outcome{Rejected: outA}
		}
		return Outcome{}
	}
	return Outcome{Diff: fmt.Sprintf("first model:\n%s\nsecond model:\n%s", sa, sb)}
}

// Sweep generates with gen the tests of seeds first, first+1, ...,
// first+n-1, compares each under the compiled model and under m (see
// [Compare]), jobs tests at a time, and calls report with each seed, its
// test and the outcome, one call at a time. A test the models disagree
// on is minimized first: report gets the minimized test and its outcome.
func Sweep(ctx context.Context, gen func(uint64) *Test, first uint64, n, jobs int, m checker.Model, timeout time.Duration, report func(seed uint64, t *Test, o Outcome)) {
	compare := func(t *Test) Outcome { return Compare(ctx, t.Name, t.String(), nil, m, timeout) }
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i := range n {
		seed := first + uint64(i)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t := gen(seed)
			o := compare(t)
			if o.Diff != "" {
				t = Minimize(t, func(c *Test) bool { return compare(c).Diff != "" })
				o = compare(t)
			}
			mu.Lock()
			defer mu.Unlock()
			report(seed, t, o)
		}()
	}
	wg.Wait()
}
