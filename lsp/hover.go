package lsp

import (
	"fmt"
	"sync"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis/ide"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/checker"
)

// hover answers textDocument/hover with ide.Hover's markdown. It
// never runs the checker: register, variable and condition hovers use the
// last finished check of the document's text, if there is one (see
// [session.lastResult]).
func (ss *session) hover(_ *glsp.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	doc := ss.docs.get(params.TextDocument.URI)
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", params.TextDocument.URI)
	}
	off, err := doc.Mapper().PositionOffset(params.Position)
	if err != nil {
		return nil, nil // a position outside the text has nothing to show
	}
	if doc.Lang == LangC {
		return cHover(doc, off)
	}
	p := doc.parsed()
	f := p.f
	opts := ide.HoverOptions{Archs: ss.features.hoverArchs(), Src: doc.Text}
	md, span, ok := opts.Hover(f, ss.lastResult(p), off)
	if !ok {
		return nil, nil
	}
	r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, span))
	if err != nil {
		return nil, fmt.Errorf("bug: hover span of %s: %w", doc.URI, err)
	}
	return &protocol.Hover{
		Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md},
		Range:    &r,
	}, nil
}

// lastResult returns the finished check of the text parsed as p, or nil
// when there is none: the test has syntax errors, or its check has not
// finished. Results are kept by normalized text, so one found may come
// from a version that differs in comments and layout; only its states and
// counts are used, never its spans.
func (ss *session) lastResult(p *parsedFile) *checker.Result {
	if ss.checks == nil || p.norm == nil {
		return nil
	}
	if e := ss.checks.lookup(p.norm); e != nil {
		return e.res
	}
	return nil
}

// features holds what the client asked of hover, completion and semantic
// tokens. Its zero value is ready: every architecture, plain-text
// completions.
type features struct {
	mu       sync.Mutex
	archs    []primitive.Arch // architectures hover shows; nil means all
	snippets bool             // the client takes snippet completions
}

func (ft *features) hoverArchs() []primitive.Arch {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.archs
}

// setHoverArchs sets the architectures hover shows; nil means all.
func (ft *features) setHoverArchs(archs []primitive.Arch) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.archs = archs
}

// parseHoverArchs reads the "hoverArchs" setting: architecture names (see
// primitive.ParseArch). An empty list gives nil: all of them.
func parseHoverArchs(names []string) ([]primitive.Arch, error) {
	var archs []primitive.Arch
	for _, n := range names {
		a, err := primitive.ParseArch(n)
		if err != nil {
			return nil, fmt.Errorf("hoverArchs: %w", err)
		}
		archs = append(archs, a)
	}
	return archs, nil
}

func (ft *features) snippetSupport() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.snippets
}

// initialize records what the client can take and completes the server's
// capabilities for hover, completion, definition and semantic tokens:
// glsp's defaults lack the token legend and the completion triggers.
func (ft *features) initialize(client protocol.ClientCapabilities, caps *protocol.ServerCapabilities) {
	ft.mu.Lock()
	if td := client.TextDocument; td != nil && td.Completion != nil && td.Completion.CompletionItem != nil &&
		td.Completion.CompletionItem.SnippetSupport != nil {
		ft.snippets = *td.Completion.CompletionItem.SnippetSupport
	}
	ft.mu.Unlock()
	if opts, ok := caps.SemanticTokensProvider.(*protocol.SemanticTokensOptions); ok {
		opts.Legend = semanticLegend()
		opts.Full = true // no delta requests
		opts.Range = nil
	}
	if caps.CompletionProvider != nil {
		caps.CompletionProvider.TriggerCharacters = []string{":"}
	}
}
