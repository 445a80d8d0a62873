package lsp

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	glsp "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/txtar"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/internal/testkit"
)

// TestMarkers runs the marker tests: every testdata/<feature>/*.txt
// (testdata/fuzz is the fuzz corpus) is a txtar archive, run against an
// in-process server that uses the real checker, with a go.lsp.dev/protocol
// client over a socket pair (see [startChecked]: the client takes progress
// and lens refreshes, but not snippets). Rewrite the goldens with
//
//	go test ./lsp -run Markers -update
//
// # Archives
//
// The archive's comment (the text before the first section) describes the
// test and is not read. Its sections are:
//
//   - documents, such as "mp.litmus" (language "litmus") or "prog.c"
//     (language "c"): each is opened in the server as file:///markers/NAME,
//     and the markers are run once the first diagnostics of every document
//     have been published (so the checks have finished);
//   - "settings.json", optional: the initializationOptions, such as
//     {"hoverArchs": ["arm64"]};
//   - goldens, named "@NAME" ("-- @hover/acquire --"): the expected output
//     of the markers that name them. -update rewrites them, adds missing
//     ones and drops those no marker uses; without -update a missing or
//     unused golden is an error.
//
// # Markers
//
// A marker is @name(arg, ...) anywhere in a document (not in a golden),
// normally in a comment: (* @lens(re"^Never") *) or // @def(r0, r0decl).
// Several may share a comment; an '@' not followed by a name and '(' is
// text. An argument is a Go string literal ("..." or `...`), a regular
// expression re"..." (Go syntax), or an identifier.
//
// A location argument names a range of a document. A string names the
// first occurrence of its text on the marker's line, leaving out the text
// of the markers on that line. An identifier names the location defined
// by @loc(identifier, ...) anywhere in the archive, or, if there is none,
// its own text on the marker's line, as a string would.
//
// Positions in goldens are line:col, 1-based, with columns in UTF-16 units
// as in LSP; a range that lies on one line is followed by its text.
//
//	@loc(name, location)         defines a named location
//	@diag(location, code, pattern[, golden])
//	                             a diagnostic with that code starts at the
//	                             location and its message matches pattern
//	                             (a regexp, or a string the message
//	                             contains); the golden, if given, holds its
//	                             message and related locations
//	@hover(location, golden)     hover at the location's start: the range and
//	                             markdown; an empty golden means no hover
//	@def(location[, target])     definition at the location's start is the
//	                             target location; no target: there is none
//	@complete(location, golden)  completion at the location's end (where the
//	                             cursor is after typing it): one item a line
//	@codeaction(location, title, golden)
//	                             the code actions for the location's range
//	                             include one with that title; the golden is
//	                             the document after its edits. Rewrites
//	                             are offered once the server has verified
//	                             them in the background, so the marker asks
//	                             again until the title appears (for up to
//	                             rewriteWait)
//	@symbols(golden)             the document's outline
//	@format(golden)              the document after formatting
//	@tokens(golden)              the document's semantic tokens, one a line
//	@lens(pattern)               the document's code lens lies on the
//	                             marker's line and its title matches pattern
//
// Diagnostics are checked both ways: every diagnostic the server publishes
// must be matched by a @diag marker whose location is in its document (one
// marker matches one diagnostic), and every @diag must match one.
func TestMarkers(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("testdata", "*", "*.txt"))
	require.NoError(t, err)
	archives = slices.DeleteFunc(archives, func(p string) bool {
		return filepath.Base(filepath.Dir(p)) == "fuzz"
	})
	require.NotEmpty(t, archives, "no marker archives")
	for _, path := range archives {
		name := strings.TrimSuffix(filepath.ToSlash(strings.TrimPrefix(path, "testdata"+string(filepath.Separator))), ".txt")
		t.Run(name, func(t *testing.T) { runMarkers(t, path) })
	}
}

// A markerRun is one archive under test.
type markerRun struct {
	t       *testing.T
	path    string // of the archive
	archive *txtar.Archive
	docs    []*markerDoc
	s       *checkSession
	locs    map[string]markerLoc // the locations @loc defines

	goldens map[string][]byte // by name without '@': the archive's, or, when updating, the new ones
	used    []string          // golden names in order of first use
	wrote   map[string]bool   // goldens already written by a marker while updating
}

// A markerDoc is one document of an archive.
type markerDoc struct {
	name    string // section name
	uri     uri.URI
	text    string
	mapper  *Mapper
	markers []*marker
	diags   []lsp.Diagnostic // the last published
}

// A marker is one @name(args) of a document.
type marker struct {
	doc        *markerDoc
	name       string
	args       []markerArg
	start, end int // byte offsets of '@' and after ')'
	line       int // 0-based line of '@'
}

type argKind int

const (
	argIdent argKind = iota
	argString
	argRegexp
)

// A markerArg is one argument of a marker.
type markerArg struct {
	kind argKind
	text string         // the identifier, or the string's value
	re   *regexp.Regexp // for argRegexp
}

// A markerLoc is a range of a document.
type markerLoc struct {
	doc        *markerDoc
	start, end int // byte offsets
	rng        lsp.Range
}

// runMarkers runs the archive at path.
func runMarkers(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	r := &markerRun{t: t, path: path, archive: txtar.Parse(data), locs: map[string]markerLoc{},
		goldens: map[string][]byte{}, wrote: map[string]bool{}}
	settings := ""
	for _, f := range r.archive.Files {
		switch {
		case strings.HasPrefix(f.Name, "@"):
			name := f.Name[1:]
			_, dup := r.goldens[name]
			require.False(t, dup, "golden %s appears twice", f.Name)
			r.goldens[name] = f.Data
		case f.Name == "settings.json":
			settings = string(f.Data)
		default:
			doc := &markerDoc{name: f.Name, uri: uri.URI("file:///markers/" + f.Name), text: string(f.Data)}
			doc.mapper = NewMapper(f.Data)
			r.parseMarkers(doc)
			r.docs = append(r.docs, doc)
		}
	}
	require.NotEmpty(t, r.docs, "the archive holds no document")

	r.s = startChecked(t, Options{}, settings)
	r.openAll()

	// Named locations first, so that markers may use them before they are
	// defined.
	for _, doc := range r.docs {
		for _, m := range doc.markers {
			if m.name == "loc" {
				r.defineLoc(m)
			}
		}
	}
	var diagMarkers []*marker
	for _, doc := range r.docs {
		for _, m := range doc.markers {
			switch m.name {
			case "loc":
			case "diag":
				diagMarkers = append(diagMarkers, m)
			default:
				r.run(m)
			}
		}
	}
	r.matchDiagnostics(diagMarkers)
	r.s.shutdown()
	r.finishGoldens()
}

// errorf reports a problem at marker m.
func (r *markerRun) errorf(m *marker, format string, args ...any) {
	r.t.Helper()
	r.t.Errorf("%s: %s:%d: @%s: %s", r.path, m.doc.name, m.line+1, m.name, fmt.Sprintf(format, args...))
}

// openAll opens every document and waits for the first diagnostics of
// each.
func (r *markerRun) openAll() {
	r.t.Helper()
	byURI := map[uri.URI]*markerDoc{}
	for _, doc := range r.docs {
		lang := "litmus"
		if filepath.Ext(doc.name) == ".c" {
			lang = "c"
		}
		byURI[doc.uri] = doc
		require.NoError(r.t, r.s.server.DidOpen(r.s.ctx, &lsp.DidOpenTextDocumentParams{
			TextDocument: lsp.TextDocumentItem{URI: doc.uri, LanguageID: lsp.LanguageKind(lang), Version: 1, Text: doc.text},
		}))
	}
	seen := map[uri.URI]bool{}
	for len(seen) < len(r.docs) {
		p := r.s.next()
		doc := byURI[p.params.URI]
		require.NotNil(r.t, doc, "diagnostics for %s, which is not open", p.params.URI)
		require.Equal(r.t, int32(1), version(r.t, p))
		doc.diags = p.params.Diagnostics
		seen[doc.uri] = true
	}
}

// parseMarkers finds the markers of doc: every '@' followed by an
// identifier and '('.
func (r *markerRun) parseMarkers(doc *markerDoc) {
	text := doc.text
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		j := i + 1
		for j < len(text) && isIdentByte(text[j], j > i+1) {
			j++
		}
		if j == i+1 || j >= len(text) || text[j] != '(' {
			continue // not a marker
		}
		m := &marker{doc: doc, name: text[i+1 : j], start: i, line: strings.Count(text[:i], "\n")}
		end, err := parseMarkerArgs(text, j+1, &m.args)
		if err != nil {
			r.t.Errorf("%s: %s:%d: @%s: %v", r.path, doc.name, m.line+1, m.name, err)
			continue
		}
		m.end = end
		doc.markers = append(doc.markers, m)
		i = end - 1
	}
}

func isIdentByte(c byte, notFirst bool) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || notFirst && '0' <= c && c <= '9'
}

// parseMarkerArgs reads the arguments of a marker from text[i:], just
// after its '(', into args, and returns the offset after the ')'.
func parseMarkerArgs(text string, i int, args *[]markerArg) (int, error) {
	skip := func() {
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
			i++
		}
	}
	skip()
	if i < len(text) && text[i] == ')' {
		return i + 1, nil
	}
	for {
		skip()
		if i >= len(text) {
			return 0, fmt.Errorf("no ')'")
		}
		var arg markerArg
		switch c := text[i]; {
		case c == '"' || c == '`':
			s, n, err := unquotePrefix(text[i:])
			if err != nil {
				return 0, err
			}
			arg = markerArg{kind: argString, text: s}
			i += n
		case strings.HasPrefix(text[i:], `re"`) || strings.HasPrefix(text[i:], "re`"):
			s, n, err := unquotePrefix(text[i+2:])
			if err != nil {
				return 0, err
			}
			re, err := regexp.Compile(s)
			if err != nil {
				return 0, err
			}
			arg = markerArg{kind: argRegexp, text: s, re: re}
			i += 2 + n
		case isIdentByte(c, false):
			j := i
			for j < len(text) && isIdentByte(text[j], true) {
				j++
			}
			arg = markerArg{kind: argIdent, text: text[i:j]}
			i = j
		default:
			return 0, fmt.Errorf("unexpected %q in the arguments", c)
		}
		*args = append(*args, arg)
		skip()
		if i >= len(text) {
			return 0, fmt.Errorf("no ')'")
		}
		switch text[i] {
		case ')':
			return i + 1, nil
		case ',':
			i++
		default:
			return 0, fmt.Errorf("expected ',' or ')', found %q", text[i])
		}
	}
}

// unquotePrefix reads the Go string literal that s starts with, returning
// its value and length.
func unquotePrefix(s string) (string, int, error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", 0, fmt.Errorf("bad string literal: %w", err)
	}
	v, err := strconv.Unquote(q)
	return v, len(q), err
}

// wantArgs checks that m has between lo and hi arguments.
func (r *markerRun) wantArgs(m *marker, lo, hi int) bool {
	r.t.Helper()
	if len(m.args) < lo || len(m.args) > hi {
		if lo == hi {
			r.errorf(m, "takes %d arguments, not %d", lo, len(m.args))
		} else {
			r.errorf(m, "takes %d to %d arguments, not %d", lo, hi, len(m.args))
		}
		return false
	}
	return true
}

// stringArg returns argument i of m, which must be a string.
func (r *markerRun) stringArg(m *marker, i int) (string, bool) {
	r.t.Helper()
	if m.args[i].kind != argString {
		r.errorf(m, "argument %d must be a string", i+1)
		return "", false
	}
	return m.args[i].text, true
}

// location resolves argument i of m to a location.
func (r *markerRun) location(m *marker, i int) (markerLoc, bool) {
	r.t.Helper()
	a := m.args[i]
	switch a.kind {
	case argIdent:
		if loc, ok := r.locs[a.text]; ok {
			return loc, true
		}
	case argString:
	default:
		r.errorf(m, "argument %d must be a location: a string or an identifier", i+1)
		return markerLoc{}, false
	}
	if a.text == "" {
		r.errorf(m, "argument %d is an empty location", i+1)
		return markerLoc{}, false
	}
	doc := m.doc
	lineStart := strings.LastIndexByte(doc.text[:m.start], '\n') + 1
	lineEnd := len(doc.text)
	if k := strings.IndexByte(doc.text[m.start:], '\n'); k >= 0 {
		lineEnd = m.start + k
	}
	for from := lineStart; from < lineEnd; {
		k := strings.Index(doc.text[from:lineEnd], a.text)
		if k < 0 {
			break
		}
		start, end := from+k, from+k+len(a.text)
		if !doc.inMarker(start, end) {
			return r.makeLoc(m, doc, start, end)
		}
		from = start + 1
	}
	r.errorf(m, "%q is not on the marker's line (outside markers)", a.text)
	return markerLoc{}, false
}

// inMarker reports whether the bytes [start, end) overlap a marker's text.
func (doc *markerDoc) inMarker(start, end int) bool {
	for _, m := range doc.markers {
		if start < m.end && m.start < end {
			return true
		}
	}
	return false
}

func (r *markerRun) makeLoc(m *marker, doc *markerDoc, start, end int) (markerLoc, bool) {
	r.t.Helper()
	s, err := doc.mapper.OffsetPosition(start)
	if err == nil {
		var e glsp.Position
		if e, err = doc.mapper.OffsetPosition(end); err == nil {
			return markerLoc{doc: doc, start: start, end: end, rng: lsp.Range{
				Start: lsp.Position{Line: s.Line, Character: s.Character},
				End:   lsp.Position{Line: e.Line, Character: e.Character},
			}}, true
		}
	}
	r.errorf(m, "bad location: %v", err)
	return markerLoc{}, false
}

// defineLoc runs @loc(name, location).
func (r *markerRun) defineLoc(m *marker) {
	if !r.wantArgs(m, 2, 2) {
		return
	}
	if m.args[0].kind != argIdent {
		r.errorf(m, "the first argument must be an identifier")
		return
	}
	name := m.args[0].text
	if _, dup := r.locs[name]; dup {
		r.errorf(m, "location %s is defined twice", name)
		return
	}
	// The location must be found on the marker's line, not as a name.
	if m.args[1].kind == argIdent {
		m.args[1].kind = argString
	}
	if loc, ok := r.location(m, 1); ok {
		r.locs[name] = loc
	}
}

// run runs every marker but @loc and @diag.
func (r *markerRun) run(m *marker) {
	switch m.name {
	case "hover":
		r.hover(m)
	case "def":
		r.def(m)
	case "complete":
		r.complete(m)
	case "codeaction":
		r.codeAction(m)
	case "symbols":
		r.symbols(m)
	case "format":
		r.format(m)
	case "tokens":
		r.tokens(m)
	case "lens":
		r.lens(m)
	default:
		r.errorf(m, "unknown marker")
	}
}

// golden compares got with golden argument i of m, or records it when
// updating.
func (r *markerRun) golden(m *marker, i int, got string) {
	r.t.Helper()
	name, ok := r.stringArg(m, i)
	if !ok {
		return
	}
	if got != "" && !strings.HasSuffix(got, "\n") {
		got += "\n"
	}
	if !slices.Contains(r.used, name) {
		r.used = append(r.used, name)
	}
	if testkit.Updating() {
		if r.wrote[name] && string(r.goldens[name]) != got {
			r.errorf(m, "golden @%s is also written by another marker, with a different text", name)
			return
		}
		r.wrote[name] = true
		r.goldens[name] = []byte(got)
		return
	}
	want, ok := r.goldens[name]
	if !ok {
		r.errorf(m, "no golden @%s (run with -update to make it); got:\n%s", name, got)
		return
	}
	if string(want) != got {
		r.errorf(m, "golden @%s differs (run with -update to rewrite it)\n--- want\n%s--- got\n%s", name, want, got)
	}
}

// finishGoldens rewrites the archive when updating, and otherwise reports
// goldens no marker uses.
func (r *markerRun) finishGoldens() {
	if !testkit.Updating() {
		for name := range r.goldens {
			if !slices.Contains(r.used, name) {
				r.t.Errorf("%s: golden @%s is used by no marker", r.path, name)
			}
		}
		return
	}
	if r.t.Failed() {
		r.t.Logf("%s: not rewritten: the test failed", r.path)
		return
	}
	out := &txtar.Archive{Comment: r.archive.Comment}
	for _, f := range r.archive.Files {
		if !strings.HasPrefix(f.Name, "@") {
			out.Files = append(out.Files, f)
		}
	}
	// Existing goldens keep their order; new ones follow in order of use.
	var names []string
	for _, f := range r.archive.Files {
		if name, ok := strings.CutPrefix(f.Name, "@"); ok && slices.Contains(r.used, name) {
			names = append(names, name)
		}
	}
	for _, name := range r.used {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		out.Files = append(out.Files, txtar.File{Name: "@" + name, Data: r.goldens[name]})
	}
	data := txtar.Format(out)
	old, err := os.ReadFile(r.path)
	require.NoError(r.t, err)
	if !bytes.Equal(old, data) {
		require.NoError(r.t, os.WriteFile(r.path, data, 0o644))
		r.t.Logf("%s: rewrote the goldens", r.path)
	}
}

// describe writes a range of doc as line:col-line:col (1-based), followed
// by its text when it lies on one line. A range in another document than
// from's is prefixed with that document's name.
func (r *markerRun) describe(from *markerDoc, u uri.URI, rng lsp.Range) string {
	s := fmt.Sprintf("%d:%d-%d:%d", rng.Start.Line+1, rng.Start.Character+1, rng.End.Line+1, rng.End.Character+1)
	var doc *markerDoc
	for _, d := range r.docs {
		if d.uri == u {
			doc = d
		}
	}
	if doc == nil {
		return string(u) + ":" + s
	}
	if doc != from {
		s = doc.name + ":" + s
	}
	if rng.Start.Line == rng.End.Line {
		start, err1 := doc.mapper.PositionOffset(glsp.Position{Line: rng.Start.Line, Character: rng.Start.Character})
		end, err2 := doc.mapper.PositionOffset(glsp.Position{Line: rng.End.Line, Character: rng.End.Character})
		if err1 == nil && err2 == nil && start <= end {
			s += " " + strconv.Quote(doc.text[start:end])
		}
	}
	return s
}

// position is the text document position at pos of doc.
func position(doc *markerDoc, pos lsp.Position) lsp.TextDocumentPositionParams {
	return lsp.TextDocumentPositionParams{TextDocument: lsp.TextDocumentIdentifier{URI: doc.uri}, Position: pos}
}

func (r *markerRun) hover(m *marker) {
	if !r.wantArgs(m, 2, 2) {
		return
	}
	loc, ok := r.location(m, 0)
	if !ok {
		return
	}
	h, err := r.s.server.Hover(r.s.ctx, &lsp.HoverParams{TextDocumentPositionParams: position(loc.doc, loc.rng.Start)})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	got := ""
	if h != nil {
		md := hoverMarkdown(r.t, h)
		rng := "none"
		if h.Range != nil {
			rng = r.describe(loc.doc, loc.doc.uri, *h.Range)
		}
		got = "range: " + rng + "\n\n" + md
	}
	r.golden(m, 1, got)
}

func (r *markerRun) def(m *marker) {
	if !r.wantArgs(m, 1, 2) {
		return
	}
	src, ok := r.location(m, 0)
	if !ok {
		return
	}
	res, err := r.s.server.Definition(r.s.ctx, &lsp.DefinitionParams{TextDocumentPositionParams: position(src.doc, src.rng.Start)})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	var got []lsp.Location
	switch res := res.(type) {
	case nil:
	case *lsp.Location:
		got = []lsp.Location{*res}
	case lsp.LocationSlice:
		got = res
	default:
		r.errorf(m, "unexpected result %T", res)
		return
	}
	var gotDesc []string
	for _, l := range got {
		gotDesc = append(gotDesc, r.describe(src.doc, l.URI, l.Range))
	}
	if len(m.args) == 1 {
		if len(got) > 0 {
			r.errorf(m, "want no definition, got %s", strings.Join(gotDesc, ", "))
		}
		return
	}
	dst, ok := r.location(m, 1)
	if !ok {
		return
	}
	if len(got) != 1 || got[0].URI != dst.doc.uri || got[0].Range != dst.rng {
		r.errorf(m, "definition: want %s, got [%s]", r.describe(src.doc, dst.doc.uri, dst.rng), strings.Join(gotDesc, ", "))
	}
}

// completionKindNames names the completion kinds the server uses.
var completionKindNames = map[lsp.CompletionItemKind]string{
	lsp.CompletionItemKindFunction: "function",
	lsp.CompletionItemKindVariable: "variable",
	lsp.CompletionItemKindField:    "field",
	lsp.CompletionItemKindKeyword:  "keyword",
}

func (r *markerRun) complete(m *marker) {
	if !r.wantArgs(m, 2, 2) {
		return
	}
	loc, ok := r.location(m, 0)
	if !ok {
		return
	}
	res, err := r.s.server.Completion(r.s.ctx, &lsp.CompletionParams{TextDocumentPositionParams: position(loc.doc, loc.rng.End)})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	list, ok := res.(*lsp.CompletionList)
	if !ok {
		r.errorf(m, "completion result is %T", res)
		return
	}
	var b strings.Builder
	for _, it := range list.Items {
		kind, ok := completionKindNames[it.Kind]
		if !ok {
			kind = fmt.Sprintf("kind-%d", it.Kind)
		}
		fmt.Fprintf(&b, "%s (%s)", it.Label, kind)
		if d, ok := it.Detail.Get(); ok {
			fmt.Fprintf(&b, " %s", d)
		}
		if ins, ok := it.InsertText.Get(); ok && ins != it.Label {
			fmt.Fprintf(&b, " inserts %q", ins)
		}
		b.WriteByte('\n')
	}
	r.golden(m, 1, b.String())
}

func (r *markerRun) codeAction(m *marker) {
	if !r.wantArgs(m, 3, 3) {
		return
	}
	loc, ok := r.location(m, 0)
	if !ok {
		return
	}
	title, ok := r.stringArg(m, 1)
	if !ok {
		return
	}
	// The server verifies rewrites in the background once the check is
	// done, and offers them only then: ask again until the title appears.
	deadline := time.Now().Add(rewriteWait)
	for {
		var titles []string
		for _, a := range r.s.codeActions(loc.doc.uri, loc.rng) {
			if a.Title == title {
				r.golden(m, 2, applyEdits(r.t, loc.doc.text, loc.doc.uri, a))
				return
			}
			titles = append(titles, strconv.Quote(a.Title))
		}
		if time.Now().After(deadline) {
			r.errorf(m, "no code action %q at %s after %v; there are [%s]", title,
				r.describe(loc.doc, loc.doc.uri, loc.rng), rewriteWait, strings.Join(titles, ", "))
			return
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-r.s.ctx.Done():
			r.errorf(m, "%v", r.s.ctx.Err())
			return
		}
	}
}

// rewriteWait bounds the wait of @codeaction for its action: the server
// offers the rewrites it verifies in the background once they are all
// verified.
const rewriteWait = 10 * time.Second

// symbolKindNames names the symbol kinds the server uses.
var symbolKindNames = map[lsp.SymbolKind]string{
	lsp.SymbolKindStruct:   "struct",
	lsp.SymbolKindFunction: "function",
	lsp.SymbolKindBoolean:  "boolean",
}

func (r *markerRun) symbols(m *marker) {
	if !r.wantArgs(m, 1, 1) {
		return
	}
	res, err := r.s.server.DocumentSymbol(r.s.ctx, &lsp.DocumentSymbolParams{TextDocument: lsp.TextDocumentIdentifier{URI: m.doc.uri}})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	syms, ok := res.(lsp.DocumentSymbolSlice)
	if !ok {
		r.errorf(m, "documentSymbol result is %T", res)
		return
	}
	var b strings.Builder
	var write func(syms []lsp.DocumentSymbol, indent string)
	write = func(syms []lsp.DocumentSymbol, indent string) {
		for _, sym := range syms {
			kind, ok := symbolKindNames[sym.Kind]
			if !ok {
				kind = fmt.Sprintf("kind-%d", sym.Kind)
			}
			fmt.Fprintf(&b, "%s%s (%s)", indent, sym.Name, kind)
			if sym.Detail != nil {
				fmt.Fprintf(&b, " %q", *sym.Detail)
			}
			fmt.Fprintf(&b, "\n%s\trange %s\n%s\tselection %s\n", indent,
				r.describe(m.doc, m.doc.uri, sym.Range), indent, r.describe(m.doc, m.doc.uri, sym.SelectionRange))
			write(sym.Children, indent+"\t")
		}
	}
	write(syms, "")
	r.golden(m, 0, b.String())
}

func (r *markerRun) format(m *marker) {
	if !r.wantArgs(m, 1, 1) {
		return
	}
	edits, err := r.s.server.Formatting(r.s.ctx, &lsp.DocumentFormattingParams{TextDocument: lsp.TextDocumentIdentifier{URI: m.doc.uri}})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	got := m.doc.text
	if len(edits) > 0 {
		got = applyEdits(r.t, got, m.doc.uri, lsp.CodeAction{Title: "format", Edit: &lsp.WorkspaceEdit{
			Changes: map[uri.URI][]lsp.TextEdit{m.doc.uri: edits}}})
	}
	r.golden(m, 0, got)
}

func (r *markerRun) tokens(m *marker) {
	if !r.wantArgs(m, 1, 1) {
		return
	}
	res, err := r.s.server.SemanticTokensFull(r.s.ctx, &lsp.SemanticTokensParams{TextDocument: lsp.TextDocumentIdentifier{URI: m.doc.uri}})
	if err != nil {
		r.errorf(m, "%v", err)
		return
	}
	if res == nil || len(res.Data)%5 != 0 {
		r.errorf(m, "bad semantic tokens %v", res)
		return
	}
	legend := semanticLegend()
	var b strings.Builder
	var line, col uint32
	for i := 0; i < len(res.Data); i += 5 {
		if res.Data[i] > 0 {
			col = 0
		}
		line += res.Data[i]
		col += res.Data[i+1]
		n, typ, mods := res.Data[i+2], res.Data[i+3], res.Data[i+4]
		if int(typ) >= len(legend.TokenTypes) {
			r.errorf(m, "token type %d is not in the legend", typ)
			return
		}
		name := legend.TokenTypes[typ]
		for bit, mod := range legend.TokenModifiers {
			if mods&(1<<bit) != 0 {
				name += "+" + mod
			}
		}
		rng := lsp.Range{Start: lsp.Position{Line: line, Character: col}, End: lsp.Position{Line: line, Character: col + n}}
		fmt.Fprintf(&b, "%s %s\n", r.describe(m.doc, m.doc.uri, rng), name)
	}
	r.golden(m, 0, b.String())
}

func (r *markerRun) lens(m *marker) {
	if !r.wantArgs(m, 1, 1) {
		return
	}
	if m.args[0].kind != argRegexp {
		r.errorf(m, "the argument must be a regexp")
		return
	}
	title, line := r.s.lens(m.doc.uri)
	if int(line) != m.line {
		r.errorf(m, "the lens %q is on line %d", title, line+1)
	}
	if !m.args[0].re.MatchString(title) {
		r.errorf(m, "the lens %q does not match %s", title, m.args[0].re)
	}
}

// A diagMatch is a @diag marker resolved.
type diagMatch struct {
	m       *marker
	loc     markerLoc
	code    string
	pattern markerArg
}

func (d diagMatch) matches(pd lsp.Diagnostic) bool {
	if pd.Range.Start != d.loc.rng.Start || code(pd) != d.code {
		return false
	}
	if d.pattern.kind == argRegexp {
		return d.pattern.re.MatchString(message(pd))
	}
	return strings.Contains(message(pd), d.pattern.text)
}

// matchDiagnostics matches the published diagnostics with the @diag
// markers, each with one, and writes the goldens of those that have one.
func (r *markerRun) matchDiagnostics(markers []*marker) {
	matched := map[*markerDoc][]bool{}
	for _, doc := range r.docs {
		matched[doc] = make([]bool, len(doc.diags))
		for _, d := range doc.diags {
			if source, _ := d.Source.Get(); source != analysis.Source {
				r.t.Errorf("%s: %s: diagnostic %q has source %q", r.path, doc.name, message(d), source)
			}
		}
	}
	for _, m := range markers {
		if !r.wantArgs(m, 3, 4) {
			continue
		}
		loc, ok := r.location(m, 0)
		if !ok {
			continue
		}
		c, ok := r.stringArg(m, 1)
		if !ok {
			continue
		}
		if m.args[2].kind == argIdent {
			r.errorf(m, "argument 3 must be a regexp or a string")
			continue
		}
		dm := diagMatch{m: m, loc: loc, code: c, pattern: m.args[2]}
		found := -1
		for i, d := range loc.doc.diags {
			if !matched[loc.doc][i] && dm.matches(d) {
				found = i
				break
			}
		}
		if found < 0 {
			r.errorf(m, "no %s diagnostic at %s matching %q", c, r.describe(m.doc, loc.doc.uri, loc.rng), m.args[2].text)
			continue
		}
		matched[loc.doc][found] = true
		if len(m.args) == 4 {
			r.golden(m, 3, r.describeDiagnostic(m.doc, loc.doc.diags[found]))
		}
	}
	for _, doc := range r.docs {
		for i, d := range doc.diags {
			if !matched[doc][i] {
				r.t.Errorf("%s: %s: no @diag marker for the diagnostic\n%s", r.path, doc.name, r.describeDiagnostic(doc, d))
			}
		}
	}
}

// severityNames names LSP's diagnostic severities.
var severityNames = map[lsp.DiagnosticSeverity]string{
	lsp.DiagnosticSeverityError:       "error",
	lsp.DiagnosticSeverityWarning:     "warning",
	lsp.DiagnosticSeverityInformation: "information",
	lsp.DiagnosticSeverityHint:        "hint",
}

// describeDiagnostic writes a diagnostic of doc: its range, severity and
// code, its message, and its related locations.
func (r *markerRun) describeDiagnostic(doc *markerDoc, d lsp.Diagnostic) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n%s\n", r.describe(doc, doc.uri, d.Range), severityNames[d.Severity], code(d), message(d))
	for _, rel := range d.RelatedInformation {
		fmt.Fprintf(&b, "related %s: %s\n", r.describe(doc, rel.Location.URI, rel.Location.Range), rel.Message)
	}
	return b.String()
}

// TestParseMarkerArgs covers the argument syntax of markers.
func TestParseMarkerArgs(t *testing.T) {
	for _, tc := range []struct {
		text string // after the marker's '('
		want string // the arguments as kind:text, or the error
	}{
		{`)`, ""},
		{`r0, r0decl) rest`, "ident:r0 ident:r0decl"},
		{` "a/b" , re"^N\\d" )`, `string:a/b regexp:^N\d`},
		{"`raw \\d`, re`^x$`)", `string:raw \d regexp:^x$`},
		{`"Change to \"Never\""`, "error: no ')'"},
		{`x y)`, `error: expected ',' or ')', found 'y'`},
		{`"open)`, "error: bad string literal: invalid syntax"},
		{`re"(")`, "error: error parsing regexp: missing closing ): `(`"},
		{`1)`, `error: unexpected '1' in the arguments`},
	} {
		var args []markerArg
		end, err := parseMarkerArgs(tc.text, 0, &args)
		var got []string
		if err != nil {
			got = append(got, "error: "+err.Error())
		} else {
			for _, a := range args {
				got = append(got, [...]string{argIdent: "ident", argString: "string", argRegexp: "regexp"}[a.kind]+":"+a.text)
			}
			require.Equal(t, ')', rune(tc.text[end-1]), "%q: end %d", tc.text, end)
		}
		require.Equal(t, tc.want, strings.Join(got, " "), "%q", tc.text)
	}
}

// TestParseMarkers: markers are found anywhere, several to a comment; an
// '@' not followed by a name and '(' is text.
func TestParseMarkers(t *testing.T) {
	r := &markerRun{t: t, path: "inline"}
	doc := &markerDoc{name: "t.litmus", text: "C t (* by a@b.c, @ home *)\n{}\nexists (x=1) (* @hover(x, \"g\") @lens(re\"^N\") *)\n"}
	r.parseMarkers(doc)
	var got []string
	for _, m := range doc.markers {
		got = append(got, fmt.Sprintf("%d:@%s/%d %q", m.line+1, m.name, len(m.args), doc.text[m.start:m.end]))
	}
	require.Equal(t, []string{`3:@hover/2 "@hover(x, \"g\")"`, `3:@lens/1 "@lens(re\"^N\")"`}, got)
	require.True(t, doc.inMarker(strings.Index(doc.text, `"g"`), strings.Index(doc.text, `"g"`)+1))
	require.False(t, doc.inMarker(strings.Index(doc.text, "x=1"), strings.Index(doc.text, "x=1")+1))
}
