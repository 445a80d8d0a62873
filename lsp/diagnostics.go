package lsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// A DiagnoseFunc computes the diagnostics of one document version. It runs
// in the background, off the JSON-RPC read loop; it should return
// ctx.Err() soon after ctx is cancelled (a newer version has arrived, or
// the document was closed). A returned error means the tool failed, and is
// logged; problems in the document are diagnostics.
type DiagnoseFunc func(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error)

// SyntaxDiagnostics is a [DiagnoseFunc] that only parses: it reports each
// syntax error as an error-severity diagnostic with code "syntax", and
// runs no check. The server's own diagnosis (Options.Diagnose nil) reports
// syntax errors the same way and everything the check finds.
func SyntaxDiagnostics(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	errs := doc.parsed().errs
	diags := make([]protocol.Diagnostic, 0, len(errs))
	for _, e := range errs {
		d, err := newDiagnostic(doc, e.Span, analysis.CodeSyntax, e.Msg)
		if err != nil {
			return nil, err
		}
		diags = append(diags, d)
	}
	return diags, nil
}

// newDiagnostic makes an error-severity diagnostic for span of doc. Parser
// recovery can make spans that reach past EOF; they are cut at EOF, and at
// character boundaries.
func newDiagnostic(doc *Document, span syntax.Span, code, msg string) (protocol.Diagnostic, error) {
	span = fitSpan(doc.Text, span)
	r, err := doc.Mapper().SpanRange(span)
	if err != nil {
		return protocol.Diagnostic{}, fmt.Errorf("bug: diagnostic span %v of %s: %w", span, doc.URI, err)
	}
	severity := protocol.DiagnosticSeverityError
	source := analysis.Source
	return protocol.Diagnostic{
		Range:    r,
		Severity: &severity,
		Code:     &protocol.IntegerOrString{Value: code},
		Source:   &source,
		Message:  msg,
	}, nil
}

// fitSpan cuts span to text and widens it to whole characters: its start
// moves back and its end forward to the nearest character boundary.
func fitSpan(text []byte, span syntax.Span) syntax.Span {
	start := max(0, min(span.Start, len(text)))
	for start > 0 && start < len(text) && !utf8.RuneStart(text[start]) {
		start--
	}
	end := max(start, min(span.End, len(text)))
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return syntax.Span{Start: start, End: end}
}

// CodeInternal marks a failure of litmusls itself on a document: a panic
// (or a Go error) while checking, linting, translating or verifying its
// quick fixes. The document's other diagnostics may then be missing.
const CodeInternal = "internal"

// A panicError is a panic recovered in the background work on a
// document; its stack has gone to the server's log.
type panicError struct {
	stage string // what was under way: "checking", "linting", ...
	value any    // what was passed to panic
}

func (e *panicError) Error() string { return fmt.Sprintf("panic while %s: %v", e.stage, e.value) }

// panicked logs the panic p of stage with the stack of the panicking
// goroutine (it is called from the deferred function that recovered p)
// and returns it as an error.
func panicked(log *slog.Logger, stage string, uri protocol.DocumentUri, p any) error {
	log.Error("panic while "+stage, "uri", uri, "panic", p, "stack", string(debug.Stack()))
	return &panicError{stage: stage, value: p}
}

// internalDiagnostic is the error diagnostic, on the first line of doc,
// that says the background work of stage on doc failed with err: a panic
// or a Go error. A document is never left without a word when litmusls
// fails on it.
func internalDiagnostic(doc *Document, stage string, err error) protocol.Diagnostic {
	var value any = err
	var pe *panicError
	if errors.As(err, &pe) {
		stage, value = pe.stage, pe.value
	}
	line := bytes.IndexByte(doc.Text, '\n')
	if line < 0 {
		line = len(doc.Text)
	}
	msg := fmt.Sprintf("Internal error of litmusls while %s: %v. What is shown for this document may be incomplete; the server's log has the details. Please report it.", stage, value)
	d, derr := newDiagnostic(doc, syntax.Span{Start: 0, End: line}, CodeInternal, msg)
	if derr != nil {
		d, _ = newDiagnostic(doc, syntax.Span{}, CodeInternal, msg)
	}
	return d
}

// diagnoser runs the DiagnoseFunc in the background, one document at a
// time per document: scheduling a new version cancels the run of the
// previous one, and only the result of the latest scheduled run is ever
// published, with the version it was computed for.
type diagnoser struct {
	diagnose DiagnoseFunc
	refine   DiagnoseFunc                    // a second phase, published again with the first; or nil
	notify   func(method string, params any) // sends a notification to the client
	log      *slog.Logger
	ctx      context.Context // cancelled when the connection ends

	// sendMu serializes publishing; it is taken before mu, never after.
	sendMu sync.Mutex

	mu       sync.Mutex
	debounce time.Duration                 // wait this long before diagnosing a version
	runs     map[protocol.DocumentUri]*run // the latest run of each open document
	wg       sync.WaitGroup
}

// A run is the diagnosis of one document version.
type run struct {
	doc    *Document
	cancel context.CancelFunc

	// Guarded by diagnoser.sendMu:
	shown     []protocol.Diagnostic // the diagnostics last published, without failed
	published bool                  // shown has been published
	failed    []protocol.Diagnostic // internal errors of other background work on this version
}

func newDiagnoser(ctx context.Context, diagnose DiagnoseFunc, debounce time.Duration, notify func(string, any), log *slog.Logger) *diagnoser {
	return &diagnoser{
		diagnose: diagnose,
		notify:   notify,
		log:      log,
		ctx:      ctx,
		debounce: debounce,
		runs:     make(map[protocol.DocumentUri]*run),
	}
}

// setDebounce changes the wait before diagnosing, for runs scheduled from
// now on.
func (d *diagnoser) setDebounce(wait time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.debounce = wait
}

// schedule starts diagnosing doc after the debounce delay, cancelling the
// run for any earlier version. The first version of a document (just
// opened) is diagnosed at once: opening is not typing. It returns at once.
func (d *diagnoser) schedule(doc *Document) {
	d.mu.Lock()
	defer d.mu.Unlock()
	wait := d.debounce
	if prev := d.runs[doc.URI]; prev != nil {
		prev.cancel()
	} else {
		wait = 0
	}
	ctx, cancel := context.WithCancel(d.ctx)
	r := &run{doc: doc, cancel: cancel}
	d.runs[doc.URI] = r
	d.wg.Add(1)
	go d.do(ctx, r, wait)
}

// forget cancels the run for uri, which was closed, and clears the
// diagnostics the client shows for it.
func (d *diagnoser) forget(uri protocol.DocumentUri) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev := d.runs[uri]; prev != nil {
		prev.cancel()
		delete(d.runs, uri)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.sendMu.Lock()
		defer d.sendMu.Unlock()
		d.mu.Lock()
		reopened := d.runs[uri] != nil
		d.mu.Unlock()
		if reopened || d.ctx.Err() != nil {
			return // reopened meanwhile, or the connection is gone
		}
		d.notify(string(protocol.ServerTextDocumentPublishDiagnostics), protocol.PublishDiagnosticsParams{
			URI:         uri,
			Diagnostics: []protocol.Diagnostic{},
		})
	}()
}

// wait waits for every run to end. The runs end soon once d.ctx is
// cancelled.
func (d *diagnoser) wait() { d.wg.Wait() }

func (d *diagnoser) do(ctx context.Context, r *run, debounce time.Duration) {
	defer d.wg.Done()
	defer r.cancel()
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("panic while diagnosing", "uri", r.doc.URI, "version", r.doc.Version,
				"panic", p, "stack", string(debug.Stack()))
		}
	}()

	if debounce > 0 {
		timer := time.NewTimer(debounce)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
	diags, err := d.call(ctx, d.diagnose, r.doc, "diagnosing")
	if ctx.Err() != nil {
		return // superseded: whatever came out is stale
	}
	if err != nil {
		d.log.Error("diagnosing failed", "uri", r.doc.URI, "version", r.doc.Version, "error", err)
		d.publish(r, []protocol.Diagnostic{internalDiagnostic(r.doc, "diagnosing", err)})
		return
	}
	d.publish(r, diags)
	if d.refine == nil {
		return
	}
	more, err := d.call(ctx, d.refine, r.doc, "linting")
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		d.log.Error("refining diagnostics failed", "uri", r.doc.URI, "version", r.doc.Version, "error", err)
		more = []protocol.Diagnostic{internalDiagnostic(r.doc, "linting", err)}
	}
	if len(more) > 0 {
		d.publish(r, append(diags, more...))
	}
}

// call runs diagnose on doc, turning a panic into a *panicError of stage.
func (d *diagnoser) call(ctx context.Context, diagnose DiagnoseFunc, doc *Document, stage string) (diags []protocol.Diagnostic, err error) {
	defer func() {
		if p := recover(); p != nil {
			diags, err = nil, panicked(d.log, stage, doc.URI, p)
		}
	}()
	return diagnose(ctx, doc)
}

// fail adds to the diagnostics of uri's latest version an internal error
// of stage, met by background work other than the diagnosis (the
// verification of quick fixes): published at once if that version's are,
// else with them.
func (d *diagnoser) fail(uri protocol.DocumentUri, stage string, err error) {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	d.mu.Lock()
	r := d.runs[uri]
	d.mu.Unlock()
	if r == nil || d.ctx.Err() != nil {
		return
	}
	r.failed = append(r.failed, internalDiagnostic(r.doc, stage, err))
	if r.published {
		d.sendLocked(r)
	}
}

// latest reports whether r is the latest run of its document.
func (d *diagnoser) latest(r *run) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.runs[r.doc.URI] == r
}

// publish sends the diagnostics of r, unless a newer run has been scheduled
// for its document since (or the document was closed). Holding sendMu from
// the check through the send keeps an older result from overtaking a newer
// one, without making handlers (which take only mu) wait for the client.
func (d *diagnoser) publish(r *run, diags []protocol.Diagnostic) {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	r.shown, r.published = diags, true
	d.sendLocked(r)
}

// sendLocked sends the diagnostics of r, with its internal errors, unless
// a newer run has been scheduled for its document since (or the document
// was closed). d.sendMu must be held.
func (d *diagnoser) sendLocked(r *run) {
	if !d.latest(r) {
		return
	}
	diags := append(slices.Clip(r.shown), r.failed...)
	if diags == nil {
		diags = []protocol.Diagnostic{} // nil would be sent as null
	}
	version := protocol.UInteger(r.doc.Version)
	d.notify(string(protocol.ServerTextDocumentPublishDiagnostics), protocol.PublishDiagnosticsParams{
		URI:         r.doc.URI,
		Version:     &version,
		Diagnostics: diags,
	})
}

// diagnose is the [DiagnoseFunc] the server uses unless told otherwise:
// it parses the document, checks it (or takes the check of a text that
// differs only in comments and layout), and reports what analysis finds,
// which it keeps in the version's snapshot for code actions.
func (c *checks) diagnose(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := doc.parsed()
	f, errs := p.f, p.errs
	var res *checker.Result
	var budget time.Duration
	if len(errs) == 0 {
		r, fresh, err := c.checked(ctx, p)
		if err != nil {
			return nil, err
		}
		res, budget = r.res, r.budget
		if fresh {
			c.refreshLenses()
		}
		if c.onResult != nil {
			c.onResult(doc.URI, f, doc.Text, r.key, res)
		}
	}
	diagnoseCounts.add(string(doc.URI))
	d := &diagnosis{res: res, budget: budget, diags: analysis.Diagnose(f, doc.Text, errs, res, analysis.Options{Budget: budget})}
	if p.norm != nil {
		d.key = p.norm.Key
	}
	doc.snapshot().setDiagnosis(d)
	return protocolDiagnostics(doc, d.diags)
}

// protocolDiagnostics converts diagnostics of doc to LSP's.
func protocolDiagnostics(doc *Document, diags []analysis.Diagnostic) ([]protocol.Diagnostic, error) {
	out := make([]protocol.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd, err := newDiagnostic(doc, d.Span, d.Code, d.Message)
		if err != nil {
			return nil, err
		}
		severity := protocol.DiagnosticSeverity(d.Severity)
		pd.Severity = &severity
		for _, r := range d.Related {
			rng, err := doc.Mapper().SpanRange(fitSpan(doc.Text, r.Span))
			if err != nil {
				return nil, fmt.Errorf("bug: related span %v of %s: %w", r.Span, doc.URI, err)
			}
			pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: doc.URI, Range: rng},
				Message:  r.Message,
			})
		}
		out = append(out, pd)
	}
	return out, nil
}
