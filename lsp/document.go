package lsp

import (
	"fmt"
	"sync"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// A Document is one version of an open text document. It is immutable:
// an edit makes a new Document, so background work can hold one without
// locks while the editor moves on.
type Document struct {
	URI     protocol.DocumentUri
	Version int32  // the client's version number
	Text    []byte // UTF-8 text; never modified
	Lang    Language

	mapper *Mapper
	snap   *snapshot // what is derived from this version; see [Document.snapshot]
}

// NewDocument returns the document uri at version, with text.
func NewDocument(uri protocol.DocumentUri, version int32, text []byte) *Document {
	return &Document{URI: uri, Version: version, Text: text, mapper: NewMapper(text),
		snap: newSnapshot(string(uri), text)}
}

// Mapper returns the position mapper of the document's text.
func (d *Document) Mapper() *Mapper { return d.mapper }

// snapshot returns what the server derives from this version: one parse,
// one normalized key, one translation, shared by every handler. Like the
// mapper, it is made by [NewDocument] and [Document.Apply].
func (d *Document) snapshot() *snapshot { return d.snap }

// parsed returns the parse of this version of a litmus document.
func (d *Document) parsed() *parsedFile { return d.snapshot().file() }

// Apply returns the document at version after the content changes, applied
// in order, as textDocument/didChange sends them: each is a
// [protocol.TextDocumentContentChangeEvent] (a range and its replacement)
// or a [protocol.TextDocumentContentChangeEventWhole] (the whole text).
//
// A range that reaches past the end of a line or of the document, or that
// splits a UTF-16 surrogate pair, is clamped (see
// [Mapper.ClampPositionOffset]) and a range whose end comes before its start
// replaces nothing; such edits come only from a confused client, and the
// server must not panic on them. Valid edits are applied exactly.
func (d *Document) Apply(version int32, changes []any) (*Document, error) {
	text := d.Text
	m := d.mapper
	for i, change := range changes {
		switch c := change.(type) {
		case protocol.TextDocumentContentChangeEventWhole:
			text = []byte(c.Text)
		case protocol.TextDocumentContentChangeEvent:
			if c.Range == nil {
				text = []byte(c.Text)
				break
			}
			start := m.ClampPositionOffset(c.Range.Start)
			end := max(start, m.ClampPositionOffset(c.Range.End))
			next := make([]byte, 0, len(text)-(end-start)+len(c.Text))
			next = append(next, text[:start]...)
			next = append(next, c.Text...)
			next = append(next, text[end:]...)
			text = next
		default:
			return nil, fmt.Errorf("content change %d has unexpected type %T", i, change)
		}
		m = NewMapper(text)
	}
	return &Document{URI: d.URI, Version: version, Text: text, Lang: d.Lang, mapper: m,
		snap: newSnapshot(string(d.URI), text)}, nil
}

// documents records the open documents. Handlers replace entries under
// the mutex and return; readers get immutable snapshots.
type documents struct {
	mu   sync.Mutex
	docs map[protocol.DocumentUri]*Document
}

func newDocuments() *documents {
	return &documents{docs: make(map[protocol.DocumentUri]*Document)}
}

// open records a newly opened document, replacing any earlier one.
func (s *documents) open(doc *Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[doc.URI] = doc
}

// change applies content changes to the open document uri and records the
// result, which it returns.
func (s *documents) change(uri protocol.DocumentUri, version int32, changes []any) (*Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.docs[uri]
	if !ok {
		return nil, fmt.Errorf("change to %s, which is not open", uri)
	}
	doc, err := old.Apply(version, changes)
	if err != nil {
		return nil, err
	}
	s.docs[uri] = doc
	return doc, nil
}

// close forgets the document uri, and reports whether it was open.
func (s *documents) close(uri protocol.DocumentUri) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[uri]
	delete(s.docs, uri)
	return ok
}

// get returns the current version of the document uri, or nil if it is not
// open.
func (s *documents) get(uri protocol.DocumentUri) *Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.docs[uri]
}

// all returns the open documents, in no particular order.
func (s *documents) all() []*Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	return out
}
