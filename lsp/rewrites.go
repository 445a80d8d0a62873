package lsp

import (
	"context"
	"log/slog"
	"sync"
	"time"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis/cfix"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// rewrites verifies, in the background, the rewrites code actions offer
// (mark an access, use acquire or release, insert a fence): once a
// document's check is done, every rewrite of the whole test is checked on
// its edited text and the outcome kept in a cache, so that the code
// actions asked for at each cursor move are answered from it without
// running the checker in the handler.
type rewrites struct {
	ctx   context.Context // ends with the connection
	log   *slog.Logger
	cache *rewrite.CheckCache
	wg    sync.WaitGroup

	// onFail is told of a warm-up that panicked, for the document it
	// verified; hook is Options.testHook.
	onFail func(uri protocol.DocumentUri, err error)
	hook   func(stage string, uri protocol.DocumentUri)

	mu      sync.Mutex
	ready   map[string]bool                         // normalized keys whose rewrites are all in cache
	failed  map[string]error                        // keys whose warm-up panicked
	order   []string                                // keys of ready and failed, oldest first
	running map[protocol.DocumentUri]*rewriteWarmup // the warm-up under way for each document
}

// A rewriteWarmup is the verification of one text's rewrites.
type rewriteWarmup struct {
	key    string
	cancel context.CancelFunc
}

// rewriteHandlerBudget bounds the time a code-action request spends on
// rewrites whose outcome left the cache (it runs in the read loop).
const rewriteHandlerBudget = 100 * time.Millisecond

// rewriteReadyMax bounds the number of texts remembered as verified.
const rewriteReadyMax = 256

func newRewrites(ctx context.Context, log *slog.Logger) *rewrites {
	return &rewrites{ctx: ctx, log: log, cache: rewrite.NewCheckCache(4096),
		ready: map[string]bool{}, failed: map[string]error{}, running: map[protocol.DocumentUri]*rewriteWarmup{}}
}

// isReady reports whether the rewrites of the text normalized as key have
// all been verified.
func (w *rewrites) isReady(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ready[key]
}

// warm starts verifying the rewrites of doc's test f (normalized as key,
// checked as res), unless they are verified or being verified. A warm-up
// of an older text of the document is cancelled.
func (w *rewrites) warm(uri protocol.DocumentUri, f *syntax.File, text []byte, key string, res *checker.Result) {
	if f.Dialect != syntax.DialectC || res == nil || len(res.Errors) > 0 || res.Cutoff {
		return
	}
	w.start(uri, key, func(ctx context.Context) {
		whole := syntax.Span{Start: 0, End: len(text)}
		rewrite.Actions(ctx, f, text, whole, rewrite.ActionOptions{Cache: w.cache, Base: res})
	})
}

// warmC starts verifying the quick fixes of the whole C document doc,
// translated as tr, unless they are verified or being verified; key
// identifies the translation's texts. A warm-up of an older text is
// cancelled.
func (w *rewrites) warmC(doc *Document, tr *bpfc.Translation, key string) {
	w.start(doc.URI, key, func(ctx context.Context) {
		whole := syntax.Span{Start: 0, End: len(doc.Text)}
		cfix.CActions(ctx, tr, uriPath(doc.URI), whole, rewrite.ActionOptions{Cache: w.cache})
	})
}

// start runs verify in the background for the text of uri identified by
// key, unless that text is verified or being verified, cancelling the
// verification of an older text of uri. When verify returns without being
// cancelled, key is ready: every outcome its actions need is in the cache.
// When it panics, key has failed: onFail is told, now and whenever the
// text is to be verified again, so that the document says so.
func (w *rewrites) start(uri protocol.DocumentUri, key string, verify func(ctx context.Context)) {
	w.mu.Lock()
	if err := w.failed[key]; err != nil {
		w.mu.Unlock()
		w.fail(uri, err)
		return
	}
	defer w.mu.Unlock()
	if w.ready[key] || w.ctx.Err() != nil {
		return
	}
	if prev := w.running[uri]; prev != nil {
		if prev.key == key {
			return
		}
		prev.cancel()
	}
	ctx, cancel := context.WithCancel(w.ctx)
	run := &rewriteWarmup{key: key, cancel: cancel}
	w.running[uri] = run
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer cancel()
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = panicked(w.log, "verifying quick fixes", uri, p)
				}
			}()
			if w.hook != nil {
				w.hook("rewrites", uri)
			}
			verify(ctx)
		}()
		w.mu.Lock()
		if w.running[uri] == run {
			delete(w.running, uri)
		}
		if err != nil || ctx.Err() == nil {
			if !w.ready[key] && w.failed[key] == nil {
				w.rememberLocked(key)
			}
			if err != nil {
				w.failed[key] = err
			} else {
				w.ready[key] = true
			}
		}
		w.mu.Unlock()
		if err != nil {
			w.fail(uri, err)
		}
	}()
}

// fail tells onFail that the quick fixes of uri could not be verified.
func (w *rewrites) fail(uri protocol.DocumentUri, err error) {
	if w.onFail != nil {
		w.onFail(uri, err)
	}
}

// cActions returns the verified quick fixes at span of the C document
// doc (translated as tr, its texts identified by key), or nil when they
// are not verified yet.
func (w *rewrites) cActions(doc *Document, tr *bpfc.Translation, key string, span syntax.Span) []rewrite.Action {
	if !w.isReady(key) {
		return nil
	}
	ctx, cancel := context.WithTimeout(w.ctx, rewriteHandlerBudget)
	defer cancel()
	return cfix.CActions(ctx, tr, uriPath(doc.URI), span, rewrite.ActionOptions{Cache: w.cache})
}

// rememberLocked records key, just marked ready or failed, among the keys
// remembered, forgetting the oldest beyond rewriteReadyMax. w.mu must be
// held.
func (w *rewrites) rememberLocked(key string) {
	w.order = append(w.order, key)
	for len(w.order) > rewriteReadyMax {
		delete(w.ready, w.order[0])
		delete(w.failed, w.order[0])
		w.order = w.order[1:]
	}
}

// forget cancels the warm-up of a closed document.
func (w *rewrites) forget(uri protocol.DocumentUri) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if prev := w.running[uri]; prev != nil {
		prev.cancel()
		delete(w.running, uri)
	}
}

// wait waits for the warm-ups, which end soon once w.ctx is cancelled.
func (w *rewrites) wait() { w.wg.Wait() }

// actions returns the verified rewrites at span of the test f (normalized
// as key, checked as res), or nil when they are not verified yet.
func (w *rewrites) actions(f *syntax.File, text []byte, key string, span syntax.Span, res *checker.Result) []rewrite.Action {
	if !w.isReady(key) {
		return nil
	}
	// Every outcome is in the cache, so this runs no check; the context
	// only guards against a cache evicted meanwhile.
	ctx, cancel := context.WithTimeout(w.ctx, rewriteHandlerBudget)
	defer cancel()
	return rewrite.Actions(ctx, f, text, span, rewrite.ActionOptions{Cache: w.cache, Base: res})
}
