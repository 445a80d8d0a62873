package lsp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/ide"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// C sources with litmus annotations (BPF programs and their user-space
// side) are translated to LKMM litmus tests by package bpfc; the server
// checks each scenario like a litmus test and maps what analysis says back
// to the C through the translation's source map.

// A Language says how the server reads a document.
type Language int

const (
	// LangLitmus is a herd7 litmus test, C or BPF dialect.
	LangLitmus Language = iota
	// LangC is C source, checked when it carries litmus annotations.
	LangC
)

// languageOf tells a document's language from the client's language id,
// or else from the name's extension.
func languageOf(languageID string, uri protocol.DocumentUri) Language {
	switch strings.ToLower(languageID) {
	case "litmus":
		return LangLitmus
	case "c", "cpp", "bpf":
		return LangC
	}
	switch strings.ToLower(filepath.Ext(uriPath(uri))) {
	case ".c", ".h":
		return LangC
	}
	return LangLitmus
}

// annotated reports whether C text carries litmus annotations at all.
func annotated(text []byte) bool { return bytes.Contains(text, []byte("litmus:")) }

// uriPath returns the file path of a file URI, or the URI itself for any
// other scheme (an unsaved buffer): translation names files by it.
func uriPath(uri protocol.DocumentUri) string {
	u, err := url.Parse(string(uri))
	if err != nil || u.Scheme != "file" {
		return string(uri)
	}
	return filepath.FromSlash(u.Path)
}

// fileURI returns the URI of a name uriPath returned.
func fileURI(name string) protocol.DocumentUri {
	if strings.Contains(name, ":") && !filepath.IsAbs(name) {
		return protocol.DocumentUri(name) // already a URI
	}
	return protocol.DocumentUri((&url.URL{Scheme: "file", Path: filepath.ToSlash(name)}).String())
}

// translate translates the C document doc, reading the files its "with"
// annotations name from the open documents first, then from disk. A file
// that cannot be read is a problem in the document (the error names it),
// not a failure of the server; a panic of the translator is (a
// *panicError).
//
// Diagnosis, code lenses and code actions all want the translation of the
// same version, and a file's includers are looked for among every open
// document, so the translation is kept in the version's snapshot: it is
// reused while the open files it read are at the same versions.
func (ss *session) translate(doc *Document) (*translation, error) {
	snap := doc.snapshot()
	snap.mu.Lock()
	c := snap.tr
	snap.mu.Unlock()
	if c != nil && ss.sameOpenSources(c) {
		return c, c.err
	}
	read := map[protocol.DocumentUri]int32{}
	load := func(path string) ([]byte, error) {
		if open := ss.docs.get(fileURI(path)); open != nil {
			read[open.URI] = open.Version
			return open.Text, nil
		}
		read[fileURI(path)] = -1 // from disk
		return os.ReadFile(path)
	}
	var tr *bpfc.Translation
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				tr, err = nil, panicked(ss.log, "translating", doc.URI, p)
			}
		}()
		ss.hook("translate", doc.URI)
		tr, err = bpfc.Translate(uriPath(doc.URI), doc.Text, load)
	}()
	c = &translation{read: read, Translation: tr, err: err}
	if tr != nil {
		c.tests = make([]*parsedFile, len(tr.Scenarios))
		for i, sc := range tr.Scenarios {
			c.tests[i] = scenarioParse(tr, sc)
		}
	}
	snap.mu.Lock()
	snap.tr = c
	snap.mu.Unlock()
	return c, err
}

// heldTranslation returns the translation that doc's snapshot holds, for
// a handler: the diagnosis runs make and renew it, in the background,
// whenever a file it read changes (the change diagnoses again the files
// that read it: see [session.diagnoseC] and [session.didClose]), so a
// handler never translates again. Only a request that comes before the
// version's first diagnosis run translates, once, as a parse is made on
// first use.
func (ss *session) heldTranslation(doc *Document) (*translation, error) {
	if c := doc.snapshot().heldTranslation(); c != nil {
		return c, c.err
	}
	return ss.translate(doc)
}

// A translation is a C document's translation at one version, with the
// versions of the files it read (-1: read from disk) and the parse of each
// generated test. It is never modified.
type translation struct {
	*bpfc.Translation // nil when err is set
	read              map[protocol.DocumentUri]int32
	err               error
	tests             []*parsedFile // of Scenarios[i]
}

// parsed returns the parse of the test generated for Scenarios[i].
func (t *translation) parsed(i int) *parsedFile { return t.tests[i] }

// scenarioParse returns the parse of the test generated for sc: the
// translation's own (Scenario.File), not a parse of its text again, with
// its normalized key. The translation reports a generated test that does
// not parse as an internal note on the scenario's annotation; that note
// is then the test's error, so that it is not checked.
func scenarioParse(tr *bpfc.Translation, sc *bpfc.Scenario) *parsedFile {
	p := &parsedFile{f: sc.File, text: sc.Text}
	for _, n := range tr.Notes {
		if n.Kind == bpfc.NoteInternal && n.File == sc.Decl.File && n.Span == sc.Decl.Span {
			p.errs.Add(syntax.Span{}, "%s", n.Msg)
		}
	}
	if len(p.errs) == 0 {
		p.norm = analysis.Normalize(sc.File, sc.Text)
	}
	return p
}

// sameOpenSources reports whether the files t read are still open at the
// versions it read, or still closed.
func (ss *session) sameOpenSources(t *translation) bool {
	for uri, v := range t.read {
		open := ss.docs.get(uri)
		if (open == nil) != (v == -1) || (open != nil && open.Version != v) {
			return false
		}
	}
	return true
}

// diagnose is the [DiagnoseFunc] the server uses unless told otherwise:
// litmus tests through [checks.diagnose], C sources through diagnoseC.
func (ss *session) diagnose(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	if doc.Lang == LangC {
		return ss.diagnoseC(ctx, doc)
	}
	return ss.checks.diagnose(ctx, doc)
}

// diagnoseC is the diagnosis of a C document: the notes of its
// translation, then for each scenario what analysis finds in its check,
// on the C the generated test came from.
func (ss *session) diagnoseC(ctx context.Context, doc *Document) ([]protocol.Diagnostic, error) {
	out := []protocol.Diagnostic{}
	if !annotated(doc.Text) {
		// Nothing to translate here; but a file whose "with" names this
		// one read an older text of it: diagnose it again.
		for _, r := range ss.readers(doc.URI) {
			ss.rediagnose(r.URI, doc)
		}
		return out, nil
	}
	tr, err := ss.translate(doc)
	var pe *panicError
	if errors.As(err, &pe) {
		return nil, err // an internal error
	}
	if err != nil {
		// A "with" file that cannot be read: say so at the top.
		d, derr := newDiagnostic(doc, syntax.Span{}, analysis.CodeAnnotation, "cannot translate: "+err.Error())
		if derr != nil {
			return nil, derr
		}
		return append(out, d), nil
	}
	name := uriPath(doc.URI)
	for _, n := range tr.Notes {
		if n.File != name {
			continue
		}
		code, severity := analysis.CodeNotModeled, protocol.DiagnosticSeverityInformation
		if n.IsError() {
			code, severity = analysis.CodeAnnotation, protocol.DiagnosticSeverityError
		}
		d, err := newDiagnostic(doc, n.Span, code, n.Msg)
		if err != nil {
			return nil, err
		}
		d.Severity = &severity
		out = append(out, d)
	}
	for i := range tr.Scenarios {
		diags, err := ss.scenarioDiagnostics(ctx, doc, tr, i)
		if err != nil {
			return nil, err
		}
		out = append(out, diags...)
	}
	if len(tr.Scenarios) > 0 {
		ss.rewrites.warmC(doc, tr.Translation, cTextKey(tr.Translation))
	}
	// The files this one pulls in with "with" (the user-space side) show
	// what the scenarios find in them: diagnose them again.
	for _, src := range tr.Sources[1:] {
		ss.rediagnose(fileURI(src.Name), doc)
	}
	// Scenarios of other open files that pull this one in.
	for _, otr := range ss.includers(doc) {
		ss.rediagnose(fileURI(otr.Sources[0].Name), doc) // its outcome depends on this text
		ss.rewrites.warmC(doc, otr.Translation, cTextKey(otr.Translation))
		for i := range otr.Scenarios {
			diags, err := ss.scenarioDiagnostics(ctx, doc, otr, i)
			if err != nil {
				return nil, err
			}
			out = append(out, diags...)
		}
	}
	return out, nil
}

// includers returns the translations of the other open C documents whose
// "with" annotations pull doc in, translating them as need be (in the
// background: a diagnosis run); heldIncluders, for a handler, takes only
// the translations their snapshots hold.
func (ss *session) includers(doc *Document) []*translation {
	return ss.pullingIn(doc, func(other *Document) *translation {
		if !annotated(other.Text) || !bytes.Contains(other.Text, []byte("with")) {
			return nil
		}
		otr, _ := ss.translate(other)
		return otr
	})
}

func (ss *session) heldIncluders(doc *Document) []*translation {
	return ss.pullingIn(doc, func(other *Document) *translation { return other.snapshot().heldTranslation() })
}

// pullingIn returns the translations, as of gives them (or nil), of the
// other open C documents that read doc.
func (ss *session) pullingIn(doc *Document, of func(*Document) *translation) []*translation {
	var out []*translation
	name := uriPath(doc.URI)
	for _, other := range ss.docs.all() {
		if other.URI == doc.URI || other.Lang != LangC {
			continue
		}
		if otr := of(other); otr != nil && otr.err == nil && otr.Source(name) != nil {
			out = append(out, otr)
		}
	}
	return out
}

// readers returns the other open C documents whose held translations read
// uri: their translations go stale when it changes, opens or closes.
func (ss *session) readers(uri protocol.DocumentUri) []*Document {
	var out []*Document
	for _, other := range ss.docs.all() {
		if other.URI == uri || other.Lang != LangC {
			continue
		}
		if otr := other.snapshot().heldTranslation(); otr != nil {
			if _, ok := otr.read[uri]; ok {
				out = append(out, other)
			}
		}
	}
	return out
}

// rediagnose schedules the diagnosis of the open C document uri again,
// because by, a document whose scenarios include it, has a new version.
// It does so once per version of by, so that two files naming each other
// do not diagnose each other forever.
func (ss *session) rediagnose(uri protocol.DocumentUri, by *Document) {
	target := ss.docs.get(uri)
	if target == nil || target.Lang != LangC {
		return
	}
	ss.mu.Lock()
	if ss.cDeps == nil {
		ss.cDeps = map[[2]protocol.DocumentUri]int32{}
	}
	key := [2]protocol.DocumentUri{uri, by.URI}
	if v, ok := ss.cDeps[key]; ok && v == by.Version {
		ss.mu.Unlock()
		return
	}
	ss.cDeps[key] = by.Version
	ss.mu.Unlock()
	ss.diag.schedule(target)
}

// scenarioDiagnostics checks scenario i of doc's translation and maps
// its diagnostics to doc. A diagnostic whose place is in another file (the
// user-space side of a "with") or in generated text with no C behind it
// goes on the scenario's annotation, with its place as a related
// location. Fixes, which edit the generated test, are not carried over.
func (ss *session) scenarioDiagnostics(ctx context.Context, doc *Document, t *translation, i int) ([]protocol.Diagnostic, error) {
	name := uriPath(doc.URI)
	tr, sc := t.Translation, t.Scenarios[i]
	p := t.parsed(i)
	f, errs := p.f, p.errs
	var res *checker.Result
	var opts analysis.Options
	if len(errs) == 0 {
		r, _, err := ss.checks.checked(ctx, p)
		if err != nil {
			return nil, err
		}
		res, opts.Budget = r.res, r.budget
	}
	prefix := ""
	if len(tr.Scenarios) > 1 {
		prefix = "[" + sc.Name + "] "
	}
	var out []protocol.Diagnostic
	for _, d := range analysis.Diagnose(f, sc.Text, errs, res, opts) {
		at, ok := analysis.PlaceInC(sc, d.Span, name)
		if !ok {
			continue // the scenario is declared in another file: its diagnostics go there
		}
		pd, err := newDiagnostic(doc, at.C.Span, d.Code, prefix+d.Message)
		if err != nil {
			return nil, err
		}
		severity := protocol.DiagnosticSeverity(d.Severity)
		pd.Severity = &severity
		if at.Own != nil {
			if rel, ok := relatedIn(tr, *at.Own, "here"); ok {
				pd.RelatedInformation = append(pd.RelatedInformation, rel)
			}
		}
		for _, r := range d.Related {
			if l, ok := analysis.PlaceInC(sc, r.Span, ""); ok && l.Linked {
				if rel, ok := relatedIn(tr, l.C, r.Message); ok {
					pd.RelatedInformation = append(pd.RelatedInformation, rel)
				}
			}
		}
		out = append(out, pd)
	}
	return out, nil
}

// relatedIn makes a related location of a place in one of tr's sources.
func relatedIn(tr *bpfc.Translation, l bpfc.Loc, msg string) (protocol.DiagnosticRelatedInformation, bool) {
	src := tr.Source(l.File)
	if src == nil {
		return protocol.DiagnosticRelatedInformation{}, false
	}
	r, err := NewMapper(src.Text).SpanRange(fitSpan(src.Text, l.Span))
	if err != nil {
		return protocol.DiagnosticRelatedInformation{}, false
	}
	return protocol.DiagnosticRelatedInformation{Location: protocol.Location{URI: fileURI(l.File), Range: r}, Message: msg}, true
}

// cHover explains the atomic builtin or bpf_atomic.h macro under the
// cursor in C: the BPF instruction it becomes, what the translation makes
// of it in the LKMM, its JIT lowering per architecture and the caveats of
// compiler versions and -mcpu.
func cHover(doc *Document, off int) (*protocol.Hover, error) {
	md, span, ok := ide.BPFCHoverAt(doc.Text, off)
	if !ok {
		return nil, nil
	}
	r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, span))
	if err != nil {
		return nil, fmt.Errorf("bug: hover span of %s: %w", doc.URI, err)
	}
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md}, Range: &r}, nil
}

// cCodeLenses puts on the annotation of each scenario of a C document the
// summary of its check: "Never · 3 states · 0.4 ms", or "Checking…".
func (ss *session) cCodeLenses(doc *Document) ([]protocol.CodeLens, error) {
	lenses := []protocol.CodeLens{}
	if !annotated(doc.Text) {
		return lenses, nil
	}
	tr, err := ss.heldTranslation(doc)
	if err != nil {
		return lenses, nil // diagnosed
	}
	name := uriPath(doc.URI)
	for i, sc := range tr.Scenarios {
		if sc.Decl.File != name {
			continue
		}
		title := "Not checked: the generated test does not parse"
		if p := tr.parsed(i); len(p.errs) == 0 {
			title = ss.checks.lensTitle(p)
		}
		r, err := doc.Mapper().SpanRange(fitSpan(doc.Text, sc.Decl.Span))
		if err != nil {
			return nil, fmt.Errorf("bug: code lens span of %s: %w", doc.URI, err)
		}
		lenses = append(lenses, protocol.CodeLens{Range: r, Command: &protocol.Command{
			Title:     sc.Name + ": " + title,
			Command:   CommandShowTranslation,
			Arguments: []any{string(doc.URI), sc.Name},
		}})
	}
	return lenses, nil
}

// CommandShowTranslation is the command that opens the litmus test
// generated for a scenario of a C document. Its arguments are the
// document's URI and the scenario's name; it writes the test to a file in
// the temporary directory, asks the client to show it
// (window/showDocument) and returns its URI.
const CommandShowTranslation = "litmusls.showTranslation"

// cTextKey identifies a translation (the texts of all its sources) among
// the verified fixes.
func cTextKey(tr *bpfc.Translation) string {
	h := sha256.New()
	for _, s := range tr.Sources {
		h.Write([]byte(s.Name))
		h.Write([]byte{0})
		h.Write(s.Text)
		h.Write([]byte{0})
	}
	return "c:" + string(h.Sum(nil))
}

// cCodeActions offers the checker-verified quick fixes at span of a C
// document (verified in the background once the document is diagnosed;
// see [rewrites.warmC]) and, anywhere, to open the litmus test generated
// for each scenario.
func (ss *session) cCodeActions(doc *Document, span syntax.Span, only func(protocol.CodeActionKind) bool) ([]protocol.CodeAction, error) {
	actions := []protocol.CodeAction{}
	if !annotated(doc.Text) {
		return actions, nil
	}
	tr, err := ss.heldTranslation(doc)
	if err != nil {
		return actions, nil
	}
	for _, t := range append([]*translation{tr}, ss.heldIncluders(doc)...) {
		if len(t.Scenarios) == 0 {
			continue
		}
		for _, a := range ss.rewrites.cActions(doc, t.Translation, cTextKey(t.Translation), span) {
			if !only(a.Kind) {
				continue
			}
			pa, err := rewriteAction(doc, a)
			if err != nil {
				return nil, err
			}
			actions = append(actions, pa)
		}
	}
	actions = dedupe(actions)
	if !only(protocol.CodeActionKindSource) {
		return actions, nil
	}
	kind := protocol.CodeActionKindSource
	for _, sc := range tr.Scenarios {
		actions = append(actions, protocol.CodeAction{
			Title: "Open the litmus test generated for " + sc.Name,
			Kind:  &kind,
			Command: &protocol.Command{
				Title:     "Open the litmus test generated for " + sc.Name,
				Command:   CommandShowTranslation,
				Arguments: []any{string(doc.URI), sc.Name},
			},
		})
	}
	return actions, nil
}

// executeCommand runs CommandShowTranslation. The request to show the
// file goes from a goroutine: a request sent from a handler could never
// be answered.
func (ss *session) executeCommand(_ *glsp.Context, params *protocol.ExecuteCommandParams) (any, error) {
	if params.Command != CommandShowTranslation {
		return nil, fmt.Errorf("unknown command %q", params.Command)
	}
	if len(params.Arguments) != 2 {
		return nil, fmt.Errorf("%s takes a document URI and a scenario name", params.Command)
	}
	uri, _ := params.Arguments[0].(string)
	scenario, _ := params.Arguments[1].(string)
	doc := ss.docs.get(protocol.DocumentUri(uri))
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", uri)
	}
	tr, err := ss.heldTranslation(doc)
	if err != nil {
		return nil, err
	}
	for _, sc := range tr.Scenarios {
		if sc.Name != scenario {
			continue
		}
		dir, err := ss.translationDir()
		if err != nil {
			return nil, err
		}
		path := filepath.Join(dir, safeFileName(sc.Name)+".litmus")
		if err := os.WriteFile(path, sc.Text, 0o644); err != nil {
			return nil, err
		}
		target := fileURI(path)
		go func() {
			takeFocus := true
			ss.call(string(protocol.ServerWindowShowDocument), protocol.ShowDocumentParams{URI: target, TakeFocus: &takeFocus}, nil)
		}()
		return string(target), nil
	}
	return nil, fmt.Errorf("%s has no scenario %q", uri, scenario)
}

// translationDir returns the session's directory for generated tests,
// made on first use in the temporary directory. It is left behind when
// the session ends: the editor may still show its files.
func (ss *session) translationDir() (string, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.genDir == "" {
		dir, err := os.MkdirTemp("", "litmusls-")
		if err != nil {
			return "", err
		}
		ss.genDir = dir
	}
	return ss.genDir, nil
}

// safeFileName keeps the letters, digits and -+._ of a scenario name.
func safeFileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-+._", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "scenario"
	}
	return string(b)
}
