package lsp

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// The check cache: finished checks kept by normalized text, and the
// flights (checks under way) that the runs wanting the same text share.

// DefaultCheckBudget bounds each check unless the client configures
// otherwise; a check that runs out of it is reported with the code
// "budget".
const DefaultCheckBudget = 10 * time.Second

// progressDelay is how long a check runs before the server reports its
// progress, and progressEvery the least time between two reports.
const (
	progressDelay = time.Second
	progressEvery = time.Second
)

// checkGrace is how long a check no run waits for any more goes on: a run
// for an edit that changes only comments or layout, scheduled after the
// debounce, can take it over instead of starting again.
const checkGrace = time.Second

// checkCacheSize bounds the number of check results kept.
const checkCacheSize = 64

// A CheckFunc runs the checker; [Options.Check] replaces [checker.Check]
// with one, for instance to count the checks in tests.
type CheckFunc func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error)

// A checkEntry is one finished check, kept by the normalized text of the
// test it was run on.
type checkEntry struct {
	norm    *analysis.Normalized // of the text the spans of res refer to
	res     *checker.Result
	elapsed time.Duration // how long the check took
	budget  time.Duration // the budget it ran under
}

// A flight is a check under way. The runs waiting for it share it; when
// none is left for checkGrace, it is cancelled.
type flight struct {
	done    chan struct{} // closed when entry and err are set
	entry   *checkEntry
	err     error
	waiters int
	cancel  context.CancelFunc
	grace   *time.Timer // pending cancellation once no run waits, or nil
}

// checks runs the checker for one session: it keeps finished results by
// normalized text, shares a check under way between the runs that want
// it, reports the progress of long checks, and gives the code lens its
// summary.
type checks struct {
	check  CheckFunc
	ctx    context.Context // ends with the connection
	log    *slog.Logger
	notify func(method string, params any)
	call   func(method string, params, result any)
	wg     sync.WaitGroup

	mu          sync.Mutex
	budget      time.Duration
	progress    bool // the client takes window/workDoneProgress/create
	lensRefresh bool // the client takes workspace/codeLens/refresh
	entries     map[string]*checkEntry
	order       []string         // keys of entries, oldest first
	failed      map[string]error // keys whose last check failed (a panic), for the lens
	flights     map[string]*flight
	seq         int // numbers progress tokens

	// onResult, when set, is told of each document version whose check
	// result diagnose has (the result's spans refer to text).
	onResult func(uri protocol.DocumentUri, f *syntax.File, text []byte, key string, res *checker.Result)
}

func newChecks(ctx context.Context, check CheckFunc, budget time.Duration, notify func(string, any), call func(string, any, any), log *slog.Logger) *checks {
	if check == nil {
		check = checker.Check
	}
	return &checks{check: check, ctx: ctx, log: log, notify: notify, call: call, budget: budget,
		entries: map[string]*checkEntry{}, failed: map[string]error{}, flights: map[string]*flight{}}
}

// setBudget changes the budget of checks started from now on.
func (c *checks) setBudget(b time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = b
}

// setClient records what the client can take.
func (c *checks) setClient(caps protocol.ClientCapabilities) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.progress = caps.Window != nil && caps.Window.WorkDoneProgress != nil && *caps.Window.WorkDoneProgress
	c.lensRefresh = caps.Workspace != nil && caps.Workspace.CodeLens != nil &&
		caps.Workspace.CodeLens.RefreshSupport != nil && *caps.Workspace.CodeLens.RefreshSupport
}

// wait waits for the checks under way, which end soon once c.ctx is
// cancelled.
func (c *checks) wait() { c.wg.Wait() }

// cachedLocked returns the finished check of key, if it is still good for
// the current budget. c.mu must be held.
func (c *checks) cachedLocked(key string) *checkEntry {
	e := c.entries[key]
	if e == nil || (e.res.Cutoff && e.budget < c.budget) {
		return nil
	}
	return e
}

// lookup returns the finished check of norm's key, or nil.
func (c *checks) lookup(norm *analysis.Normalized) *checkEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cachedLocked(norm.Key)
}

// result returns the check of p, which has no syntax errors: a finished
// one if its key has one, else the one under way, else a new one; fresh
// says it was not finished when asked for. It returns ctx.Err() when ctx
// ends first; the check goes on for checkGrace in case another run wants
// it.
func (c *checks) result(ctx context.Context, p *parsedFile) (entry *checkEntry, fresh bool, err error) {
	norm := p.norm
	c.mu.Lock()
	if e := c.cachedLocked(norm.Key); e != nil {
		c.mu.Unlock()
		return e, false, nil
	}
	fl := c.flights[norm.Key]
	if fl == nil {
		fl = c.startLocked(p.f, norm)
	}
	fl.waiters++
	if fl.grace != nil {
		fl.grace.Stop()
		fl.grace = nil
	}
	c.mu.Unlock()

	select {
	case <-fl.done:
		return fl.entry, true, fl.err
	case <-ctx.Done():
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fl.waiters--
	if fl.waiters == 0 && c.flights[norm.Key] == fl {
		fl.grace = time.AfterFunc(checkGrace, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if fl.waiters == 0 && c.flights[norm.Key] == fl {
				delete(c.flights, norm.Key)
				fl.cancel()
			}
		})
	}
	return nil, false, ctx.Err()
}

// A textResult is a check result whose spans refer to one text: a cached
// result moved onto a text that differs from the checked one only in
// comments and layout.
type textResult struct {
	res    *checker.Result
	budget time.Duration // the budget the check ran under
	key    string        // the text's normalized key
}

// on returns e moved onto the text parsed as p, which has the same
// normalized key.
func (e *checkEntry) on(p *parsedFile) textResult {
	return textResult{analysis.Remap(e.res, e.norm, p.norm, len(p.text)), e.budget, p.norm.Key}
}

// checked returns the check of p, which has no syntax errors: a finished
// one, the one under way, or a new one (fresh says it was not finished
// when asked). It returns ctx.Err() when ctx ends first.
func (c *checks) checked(ctx context.Context, p *parsedFile) (r textResult, fresh bool, err error) {
	entry, fresh, err := c.result(ctx, p)
	if err != nil {
		return textResult{}, false, err
	}
	return entry.on(p), fresh, nil
}

// finished returns the finished check of p, which has no syntax errors,
// and false when there is none yet. It never waits: handlers call it.
func (c *checks) finished(p *parsedFile) (textResult, bool) {
	e := c.lookup(p.norm)
	if e == nil {
		return textResult{key: p.norm.Key}, false
	}
	return e.on(p), true
}

// lensTitle sums up for the code lens the check of p, which has no
// syntax errors: the finished check's summary, "Checking…" while it runs,
// or the failure of litmusls on it. It never waits: handlers call it.
func (c *checks) lensTitle(p *parsedFile) string {
	c.mu.Lock()
	e, failed := c.cachedLocked(p.norm.Key), c.failed[p.norm.Key] != nil
	c.mu.Unlock()
	switch {
	case e != nil:
		return analysis.Summary(e.res, e.elapsed)
	case failed:
		return "Not checked: internal error of litmusls (see the diagnostics)"
	}
	return "Checking…"
}

// refreshLenses asks the client, when it takes it, to ask for code lenses
// again: a new check result changes the summary on the condition. The
// request is sent from its own goroutine, so publishing need not wait for
// the answer.
func (c *checks) refreshLenses() {
	c.mu.Lock()
	refresh := c.lensRefresh
	c.mu.Unlock()
	if !refresh || c.ctx.Err() != nil {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.call(string(protocol.ServerWorkspaceCodeLensRefresh), nil, nil)
	}()
}

// startLocked starts checking f in the background. c.mu must be held.
func (c *checks) startLocked(f *syntax.File, norm *analysis.Normalized) *flight {
	ctx, cancel := context.WithCancel(c.ctx)
	fl := &flight{done: make(chan struct{}), cancel: cancel}
	c.flights[norm.Key] = fl
	budget := c.budget
	c.seq++
	token := fmt.Sprintf("litmusls/check/%d", c.seq)
	progress := c.progress
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		defer cancel()
		start := time.Now()
		res, err := c.run(ctx, f, checker.Options{Explain: true, Timeout: budget})
		entry := &checkEntry{norm: norm, res: res, elapsed: time.Since(start), budget: budget}
		c.mu.Lock()
		if c.flights[norm.Key] == fl {
			delete(c.flights, norm.Key)
		}
		if fl.grace != nil {
			fl.grace.Stop()
		}
		failed := err != nil && ctx.Err() == nil
		if err == nil {
			c.storeLocked(norm.Key, entry)
			fl.entry = entry
			delete(c.failed, norm.Key)
		} else {
			fl.err = err
		}
		if failed {
			if len(c.failed) >= checkCacheSize {
				clear(c.failed)
			}
			c.failed[norm.Key] = err
		}
		c.mu.Unlock()
		close(fl.done)
		if failed {
			c.refreshLenses() // from "Checking…" to the failure
		}
	}()
	go func() {
		defer c.wg.Done()
		c.reportProgress(ctx, fl, token, f.Name, budget, progress)
	}()
	return fl
}

// run calls the checker, turning a panic into an error.
func (c *checks) run(ctx context.Context, f *syntax.File, opts checker.Options) (res *checker.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, panicked(c.log, "checking", protocol.DocumentUri(f.Name), p)
		}
	}()
	res, err = c.check(ctx, f, opts)
	if err == nil && res == nil {
		err = fmt.Errorf("bug: the checker returned no result")
	}
	return res, err
}

// storeLocked keeps entry under key, forgetting the oldest entry when the
// cache is full. c.mu must be held.
func (c *checks) storeLocked(key string, entry *checkEntry) {
	if _, ok := c.entries[key]; !ok {
		c.order = append(c.order, key)
	}
	c.entries[key] = entry
	for len(c.order) > checkCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}

// reportProgress reports, when the client takes it, the progress of a
// check still running after progressDelay, at most once per
// progressEvery, until fl is done or ctx ends.
func (c *checks) reportProgress(ctx context.Context, fl *flight, token, name string, budget time.Duration, enabled bool) {
	if !enabled {
		return
	}
	timer := time.NewTimer(progressDelay)
	defer timer.Stop()
	select {
	case <-fl.done:
		return
	case <-ctx.Done():
		return
	case <-timer.C:
	}
	start := time.Now().Add(-progressDelay)
	c.call(string(protocol.ServerWindowWorkDoneProgressCreate), protocol.WorkDoneProgressCreateParams{
		Token: protocol.ProgressToken{Value: token}}, nil)
	message := func() (*string, *protocol.UInteger) {
		elapsed := time.Since(start)
		msg := fmt.Sprintf("%s, %s", name, elapsed.Round(100*time.Millisecond))
		if budget <= 0 {
			return &msg, nil
		}
		msg += " of " + budget.String()
		pct := protocol.UInteger(min(99, 100*elapsed/budget))
		return &msg, &pct
	}
	send := func(value any) {
		c.notify(string(protocol.MethodProgress), protocol.ProgressParams{Token: protocol.ProgressToken{Value: token}, Value: value})
	}
	msg, pct := message()
	send(protocol.WorkDoneProgressBegin{Kind: "begin", Title: "Checking", Message: msg, Percentage: pct})
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-fl.done:
			end := "cancelled"
			if fl.entry != nil {
				end = analysis.Summary(fl.entry.res, fl.entry.elapsed)
			} else if fl.err != nil && ctx.Err() == nil {
				end = "internal error of litmusls"
			}
			send(protocol.WorkDoneProgressEnd{Kind: "end", Message: &end})
			return
		case <-ctx.Done():
			end := "cancelled"
			send(protocol.WorkDoneProgressEnd{Kind: "end", Message: &end})
			return
		case <-tick.C:
			msg, pct := message()
			send(protocol.WorkDoneProgressReport{Kind: "report", Message: msg, Percentage: pct})
		}
	}
}
