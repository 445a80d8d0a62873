package lsp

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

// diagnosticSource names this server in every diagnostic it publishes.
const diagnosticSource = "litmusls"

// A DiagnoseFunc computes the diagnostics of one document version. It runs
// in the background, off the JSON-RPC read loop; it should return
// ctx.Err() soon after ctx is cancelled (a newer version has arrived, or
// the document was closed). A returned error means the tool failed, and is
// logged; problems in the document are diagnostics.
type DiagnoseFunc func(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error)

// SyntaxDiagnostics is the default [DiagnoseFunc]: it parses the document
// and reports each syntax error as an error-severity diagnostic with code
// "syntax".
func SyntaxDiagnostics(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, errs := syntax.Parse(string(doc.URI), doc.Text)
	diags := make([]protocol.Diagnostic, 0, len(errs))
	for _, e := range errs {
		d, err := newDiagnostic(doc, e.Span, "syntax", e.Msg)
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
	source := diagnosticSource
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

// diagnoser runs the DiagnoseFunc in the background, one document at a
// time per document: scheduling a new version cancels the run of the
// previous one, and only the result of the latest scheduled run is ever
// published, with the version it was computed for.
type diagnoser struct {
	diagnose DiagnoseFunc
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
// run for any earlier version. It returns at once.
func (d *diagnoser) schedule(doc *Document) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if prev := d.runs[doc.URI]; prev != nil {
		prev.cancel()
	}
	ctx, cancel := context.WithCancel(d.ctx)
	r := &run{doc: doc, cancel: cancel}
	d.runs[doc.URI] = r
	d.wg.Add(1)
	go d.do(ctx, r, d.debounce)
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
	diags, err := d.diagnose(ctx, r.doc)
	if ctx.Err() != nil {
		return // superseded: whatever came out is stale
	}
	if err != nil {
		d.log.Error("diagnosing failed", "uri", r.doc.URI, "version", r.doc.Version, "error", err)
		return
	}
	d.publish(r, diags)
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
	if !d.latest(r) {
		return
	}
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
