package lsp

import (
	"sync"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/syntax"
)

// A snapshot is what the server derives from one version of a document,
// made once and shared by every handler and background run on that
// version (gopls keeps one parse per file version in its cache the same
// way): the parse of a litmus test with its normalized key, and for
// annotated C the translation with the parse of each generated test.
// Each [Document] has its own, made with it; its parts are computed on
// first use.
//
// A snapshot is safe for concurrent use: the parse is made under a
// sync.Once and never changed after, the translation is guarded by mu.
type snapshot struct {
	name string // the parse's file name: the document's URI
	text []byte

	once   sync.Once
	parsed *parsedFile // set by once

	mu sync.Mutex
	tr *translation // of a C document; see [session.translate]
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
// test's, and the key of its normalized text. It is never modified.
type parsedFile struct {
	f    *syntax.File
	errs syntax.ErrorList
	text []byte
	norm *analysis.Normalized // nil when errs is not empty: such a text is never checked
}

// newParsedFile parses text: the one place where the server parses a
// document version or a generated test.
func newParsedFile(name string, text []byte) *parsedFile {
	countParse(name)
	f, errs := syntax.Parse(name, text)
	p := &parsedFile{f: f, errs: errs, text: text}
	if len(errs) == 0 {
		p.norm = analysis.Normalize(f, text)
	}
	return p
}

// parseCounts counts the calls of syntax.Parse in newParsedFile by file
// name, once a test has made byName; otherwise nothing is counted.
var parseCounts struct {
	mu     sync.Mutex
	byName map[string]int
}

func countParse(name string) {
	parseCounts.mu.Lock()
	defer parseCounts.mu.Unlock()
	if parseCounts.byName != nil {
		parseCounts.byName[name]++
	}
}
