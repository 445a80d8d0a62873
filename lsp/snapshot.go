package lsp

import (
	"sync"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// A snapshot is what the server derives from one version of a document,
// made once and shared by every handler and background run on that
// version (gopls keeps one parse per file version in its cache the same
// way): the parse of a litmus test with its normalized key, and for
// annotated C the translation, whose generated tests come parsed.
// Each [Document] has its own, made with it; its parts are computed on
// first use.
//
// A snapshot also keeps what background runs found on its version (the
// diagnostics of both phases), so that handlers answer from it.
//
// A snapshot is safe for concurrent use: the parse is made under a
// sync.Once and never changed after; the translation and the findings are
// guarded by mu.
type snapshot struct {
	name string // the parse's file name: the document's URI
	text []byte

	once   sync.Once
	parsed *parsedFile // set by once

	mu        sync.Mutex
	tr        *translation          // of a C document; see [session.translate]
	diagnosis *diagnosis            // of a litmus document, once its diagnosis run made it
	refined   []analysis.Diagnostic // the second phase's, once made (see [session.refine])
}

// A diagnosis is what the first phase of diagnostics found in one version
// of a litmus document: its check (moved onto this text) and analysis's
// diagnostics. The diagnosis run makes it once; code actions read it, so
// a request never checks, remaps or diagnoses again.
type diagnosis struct {
	res    *checker.Result // nil when the text does not parse
	budget time.Duration
	key    string // the text's normalized key, "" when it does not parse
	diags  []analysis.Diagnostic
}

// heldTranslation returns the translation of the snapshot's C text made
// last, or nil when none is made yet.
func (s *snapshot) heldTranslation() *translation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tr
}

// setDiagnosis records the first phase's findings on this version.
func (s *snapshot) setDiagnosis(d *diagnosis) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.diagnosis = d
}

// diagnosed returns the first phase's findings on this version, or nil
// when its diagnosis run has not made them yet.
func (s *snapshot) diagnosed() *diagnosis {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.diagnosis
}

// setRefined records the second phase's diagnostics of this version.
func (s *snapshot) setRefined(diags []analysis.Diagnostic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refined = diags
}

// refinedDiags returns the second phase's diagnostics of this version, or
// nil when they are not made yet.
func (s *snapshot) refinedDiags() []analysis.Diagnostic {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refined
}

func newSnapshot(name string, text []byte) *snapshot {
	return &snapshot{name: name, text: text}
}

// file returns the parse of the snapshot's text, made on the first call.
func (s *snapshot) file() *parsedFile {
	s.once.Do(func() { s.parsed = newParsedFile(s.name, s.text) })
	return s.parsed
}

// A parsedFile is the parse of one text, a document's or a generated
// test's (the translation's own parse: see [scenarioParse]), and the key
// of its normalized text. It is never modified.
type parsedFile struct {
	f    *syntax.File
	errs syntax.ErrorList
	text []byte
	norm *analysis.Normalized // nil when errs is not empty: such a text is never checked
}

// newParsedFile parses text: the one place where the server parses a
// document version.
func newParsedFile(name string, text []byte) *parsedFile {
	parseCounts.add(name)
	f, errs := syntax.Parse(name, text)
	p := &parsedFile{f: f, errs: errs, text: text}
	if len(errs) == 0 {
		p.norm = analysis.Normalize(f, text)
	}
	return p
}

// A nameCounts counts events by name, for tests: once a test has
// started it (see [nameCounts.of]); otherwise nothing is counted.
type nameCounts struct {
	mu     sync.Mutex
	byName map[string]int
}

// parseCounts counts the calls of syntax.Parse in newParsedFile by file
// name, and diagnoseCounts the runs of analysis.Diagnose on a version of
// a litmus document, by document.
var parseCounts, diagnoseCounts nameCounts

func (c *nameCounts) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byName != nil {
		c.byName[name]++
	}
}

// of returns the count of name since counting started, starting it if
// need be.
func (c *nameCounts) of(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byName == nil {
		c.byName = map[string]int{}
	}
	return c.byName[name]
}
