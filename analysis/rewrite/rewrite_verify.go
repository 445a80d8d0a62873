package rewrite

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// DefaultVerifyBudget is the time limit of one check of an edited text
// when the options give none.
const DefaultVerifyBudget = 2 * time.Second

// A CheckCache remembers the outcomes of the texts a verifier checked,
// keyed by the printed tree, so that the same edit asked for again (the
// editor asks at every cursor move) costs nothing; and by the exact text,
// so that asking again costs no parse either. It is safe for concurrent
// use; the zero value is not: use [NewCheckCache].
type CheckCache struct {
	trees lru // outcomes by printed tree
	texts lru // outcomes by exact edited text
}

// NewCheckCache returns a cache of at most n outcomes (1024 when n <= 0),
// and of as many edited texts.
func NewCheckCache(n int) *CheckCache {
	if n <= 0 {
		n = 1024
	}
	return &CheckCache{trees: lru{max: n, m: map[string]*analysis.Outcome{}}, texts: lru{max: n, m: map[string]*analysis.Outcome{}}}
}

// get and put use the outcomes by printed tree, getText and putText those
// by exact edited text. A nil cache knows nothing and keeps nothing.
func (c *CheckCache) get(key string) (*analysis.Outcome, bool) {
	if c == nil {
		return nil, false
	}
	return c.trees.get(key)
}

func (c *CheckCache) put(key string, o *analysis.Outcome) {
	if c != nil {
		c.trees.put(key, o)
	}
}

func (c *CheckCache) getText(text []byte) (*analysis.Outcome, bool) {
	if c == nil {
		return nil, false
	}
	return c.texts.get(string(text))
}

func (c *CheckCache) putText(text []byte, o *analysis.Outcome) {
	if c != nil {
		c.texts.put(string(text), o)
	}
}

// An lru is a bounded map, safe for concurrent use, that forgets its
// oldest entries first.
type lru struct {
	mu    sync.Mutex
	max   int
	m     map[string]*analysis.Outcome
	order []string // keys, oldest first
}

func (l *lru) get(key string) (*analysis.Outcome, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o, ok := l.m[key]
	return o, ok
}

func (l *lru) put(key string, o *analysis.Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.m[key]; ok {
		return
	}
	for len(l.order) >= l.max {
		delete(l.m, l.order[0])
		l.order = l.order[1:]
	}
	l.m[key] = o
	l.order = append(l.order, key)
}

// A Verifier checks edited texts of one test.
type Verifier struct {
	Filename string
	Budget   time.Duration
	Cache    *CheckCache
}

func newVerifier(f *syntax.File, budget time.Duration, cache *CheckCache) *Verifier {
	if budget <= 0 {
		budget = DefaultVerifyBudget
	}
	name := f.Filename
	if f.Lines != nil && f.Lines.Filename() != "" {
		name = f.Lines.Filename()
	}
	return &Verifier{Filename: name, Budget: budget, Cache: cache}
}

// errUncheckable says an edited text does not parse or cannot be checked;
// the edit is then not offered.
type errUncheckable struct{ msg string }

func (e *errUncheckable) Error() string { return e.msg }

// check parses and checks text, unless the cache knows the exact text. A
// Go error is either *errUncheckable (the text is not a checkable test)
// or ctx's error.
func (v *Verifier) check(ctx context.Context, text []byte) (*analysis.Outcome, error) {
	if o, ok := v.Cache.getText(text); ok {
		return o, nil
	}
	f, errs := syntax.Parse(v.Filename, text)
	if len(errs) > 0 {
		return nil, &errUncheckable{"the edited text does not parse: " + errs[0].Msg}
	}
	o, err := v.CheckFile(ctx, f)
	if err == nil && !o.Cutoff {
		v.Cache.putText(text, o)
	}
	return o, err
}

func (v *Verifier) CheckFile(ctx context.Context, f *syntax.File) (*analysis.Outcome, error) {
	bare := *f
	bare.Comments, bare.Result, bare.Lines = nil, nil, nil
	key := string(syntax.Print(&bare))
	if o, ok := v.Cache.get(key); ok {
		return o, nil
	}
	res, err := checker.Check(ctx, f, checker.Options{Timeout: v.Budget, Workers: 1})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, &errUncheckable{"the edited text cannot be checked: " + res.Errors[0].Msg}
	}
	o := analysis.OutcomeOf(res)
	if !o.Cutoff {
		v.Cache.put(key, o)
	}
	return o, nil
}

// A verified is the outcome of one set of edits.
type verified struct {
	edits   []analysis.Edit
	text    []byte
	outcome *analysis.Outcome
	err     error
}

// verifyAll applies each edit set to src and checks the results, in
// parallel on all CPUs. A set whose text cannot be checked gets an
// *errUncheckable; after ctx ends, the rest get ctx's error.
func (v *Verifier) verifyAll(ctx context.Context, src []byte, sets [][]analysis.Edit) []verified {
	out := make([]verified, len(sets))
	for i, edits := range sets {
		out[i].edits = edits
		text, err := analysis.Apply(src, edits)
		if err != nil {
			out[i].err = &errUncheckable{err.Error()}
			continue
		}
		out[i].text = text
	}
	Parallel(ctx, len(sets), func(i int) {
		if out[i].err == nil {
			out[i].outcome, out[i].err = v.check(ctx, out[i].text)
		}
	}, func(i int) {
		if out[i].err == nil {
			out[i].err = ctx.Err()
		}
	})
	return out
}

// Parallel calls do(i) for i in [0, n), at most GOMAXPROCS at a time, and
// waits for them. Once ctx ends, the calls not started yet get skipped(i)
// instead (skipped may be nil). A panic in a call is raised again in the
// caller's goroutine once every call has returned, with the stack of the
// goroutine it came from in its message, so that the caller's recover
// (a command's, a language server handler's) sees it.
func Parallel(ctx context.Context, n int, do, skipped func(i int)) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	var once sync.Once
	var panicked error
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					once.Do(func() { panicked = fmt.Errorf("%v [in a worker goroutine:\n%s]", p, debug.Stack()) })
				}
			}()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				if skipped != nil {
					skipped(i)
				}
				return
			}
			defer func() { <-sem }()
			do(i)
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// DescribeChange says in a few words what going from base to after does,
// for titles: "bad outcome becomes Never", "data race gone; outcome still
// Sometimes", "bad outcome stays reachable", "outcome stays Never".
func DescribeChange(base, after *analysis.Outcome) string {
	if after.Cutoff {
		return "not verified: the check ran out of time"
	}
	badName := "bad outcome"
	fixed := "becomes Never"
	if after.Quant == syntax.Forall {
		badName = "forall"
		fixed = "now always holds"
	}
	var parts []string
	if base.Race && !after.Race {
		parts = append(parts, "data race gone")
	} else if !base.Race && after.Race {
		parts = append(parts, "adds a data race")
	}
	switch {
	case base.Bad && !after.Bad:
		parts = append(parts, badName+" "+fixed)
	case base.Bad && after.Bad && len(parts) > 0:
		parts = append(parts, "outcome still "+after.Verdict)
	case base.Bad && after.Bad:
		parts = append(parts, badName+" stays reachable")
	case !base.Bad && after.Bad:
		parts = append(parts, fmt.Sprintf("makes the %s reachable (%s)", badName, after.Verdict))
	default:
		parts = append(parts, "outcome stays "+after.Verdict)
	}
	return JoinSemi(parts)
}

// JoinSemi joins the parts of a description with "; ".
func JoinSemi(parts []string) string { return strings.Join(parts, "; ") }

// Fixes reports whether going from base to after removes a problem (the
// bad outcome or a race) without adding one.
func Fixes(base, after *analysis.Outcome) bool {
	return !Worse(base, after) && (base.Bad && !after.Bad || base.Race && !after.Race)
}

// Worse reports whether going from base to after adds a problem (the bad
// outcome or a race), or cannot be told (the check was cut off).
func Worse(base, after *analysis.Outcome) bool {
	return after.Cutoff || after.Bad && !base.Bad || after.Race && !base.Race
}
