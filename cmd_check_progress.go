package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// timeoutFlag is the value of every time-limit flag (check's --timeout and
// --lint-budget, fix's and selftest's --timeout): a Go duration ("1m30s",
// "500ms") or a plain number of seconds ("5", "2.5"). Zero means no limit.
type timeoutFlag time.Duration

func (t *timeoutFlag) String() string { return time.Duration(*t).String() }

func (t *timeoutFlag) Set(s string) error {
	d, err := parseTimeout(s)
	if err != nil {
		return err
	}
	*t = timeoutFlag(d)
	return nil
}

// parseTimeout reads a time limit: a plain number is seconds, anything
// else a Go duration. A negative or unbounded limit is refused.
func parseTimeout(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP_iInN") {
		// Decimal numbers only: no hex floats, "1_000", "inf" or "NaN".
		if secs < 0 {
			return 0, fmt.Errorf("%q: negative", s)
		}
		if secs >= float64(math.MaxInt64)/float64(time.Second) {
			return 0, fmt.Errorf("%q: too long", s)
		}
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("want seconds (5, 2.5) or a duration (5s, 1m30s), not %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: negative", s)
	}
	return d, nil
}

// isTerminal reports whether w is a terminal; check shows its progress
// line only there. A writer that is no *os.File may say it is one with a
// method IsTerminal() bool.
func isTerminal(w io.Writer) bool {
	switch w := w.(type) {
	case *os.File:
		return term.IsTerminal(int(w.Fd()))
	case interface{ IsTerminal() bool }:
		return w.IsTerminal()
	}
	return false
}

// progressAfter is how long a run goes before the progress line appears,
// and progressEvery how often it is rewritten.
const progressAfter, progressEvery = time.Second, 250 * time.Millisecond

// A progress follows a check run over many tests: it counts the tests
// done, their verdicts, errors and cut-offs, keeps the progress line
// ("[1234/5388] 41 s, 2 cut off") up to date on a terminal, and says the
// summary at the end. Its writer is the way to stderr while it runs (and
// its stdout method gives the way to stdout): a write there first erases
// the progress line, which the next tick draws again, so that neither
// messages nor herd7's text mix with it on a terminal.
type progress struct {
	w     io.Writer
	total int
	start time.Time
	live  bool // w is a terminal: draw the progress line

	mu       sync.Mutex
	done     int
	cutoffs  int
	errors   int
	verdicts map[string]int
	shown    bool   // the progress line is on the screen
	last     string // the line last drawn
	stop     chan struct{}
	stopped  chan struct{}
}

// newProgress starts following a run of total tests that reports on w;
// the line is drawn only when w is a terminal.
func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), live: isTerminal(w),
		verdicts: map[string]int{}, stop: make(chan struct{}), stopped: make(chan struct{})}
	if !p.live {
		close(p.stopped)
		return p
	}
	go p.tick()
	return p
}

func (p *progress) tick() {
	defer close(p.stopped)
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			if now.Sub(p.start) < progressAfter {
				continue
			}
			p.mu.Lock()
			if l := p.line(now); !p.shown || l != p.last {
				// "\r" back to the line's start, "\x1b[K" erases what a
				// longer line left.
				fmt.Fprintf(p.w, "\r%s\x1b[K", l)
				p.shown, p.last = true, l
			}
			p.mu.Unlock()
		}
	}
}

// line is the progress line at time now, without the control characters:
// "[1234/5388] 41 s", then ", 2 cut off" when some test was.
func (p *progress) line(now time.Time) string {
	s := fmt.Sprintf("[%d/%d] %d s", p.done, p.total, int(now.Sub(p.start).Seconds()))
	if p.cutoffs > 0 {
		s += fmt.Sprintf(", %d cut off", p.cutoffs)
	}
	return s
}

// Write writes b on the run's stderr, erasing the progress line first.
func (p *progress) Write(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	return p.w.Write(b)
}

// stdout returns the way to the run's stdout while p runs: a write there
// first erases the progress line too, for stdout may be the same terminal.
func (p *progress) stdout(w io.Writer) io.Writer {
	if !p.live {
		return w
	}
	return progressOut{p, w}
}

type progressOut struct {
	p *progress
	w io.Writer
}

func (o progressOut) Write(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	o.p.erase()
	return o.w.Write(b)
}

func (p *progress) erase() {
	if p.shown {
		io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// checked counts one test whose check has ended, for the progress line.
func (p *progress) checked(o *checkOutput) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if o.Result != nil && o.Result.Cutoff {
		p.cutoffs++
	}
}

// reported counts the outcome of one test as check has reported it, for
// the summary: its verdict, or an error (a test that could not be read,
// parsed, checked or printed, or whose model failed), or a cut-off.
func (p *progress) reported(o *checkOutput) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case o.failed != nil || o.modelErr != nil || len(o.Errors) > 0 || o.Result == nil:
		p.errors++
	case !o.Result.Cutoff:
		p.verdicts[o.Result.Verdict]++
	}
}

// end stops the progress line and erases it; with summary it then prints
// the run's summary line.
func (p *progress) end(summary bool) {
	if p.live {
		close(p.stop)
	}
	<-p.stopped
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	if summary {
		fmt.Fprintln(p.w, p.summary(time.Since(p.start)))
	}
}

// summary is the line said at the end of a run over more than one test:
// "70 tests in 1.2 s: 40 Never, 22 Sometimes, 6 Always; 1 error, 1 cut
// off". Verdicts in herd7's words, in that order; errors are tests that
// could not be read, parsed, checked or printed.
func (p *progress) summary(elapsed time.Duration) string {
	var parts []string
	for _, v := range []string{"Never", "Sometimes", "Always"} {
		if n := p.verdicts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no verdict")
	}
	return fmt.Sprintf("%d tests in %.1f s: %s; %d %s, %d cut off",
		p.done, elapsed.Seconds(), strings.Join(parts, ", "), p.errors, plural(p.errors, "error", "errors"), p.cutoffs)
}
