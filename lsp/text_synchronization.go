package lsp

import (
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// The text synchronization handlers record the new document version and
// schedule its diagnosis; they never do the work themselves, since glsp
// runs them one at a time in the read loop.

func (ss *session) didOpen(_ *glsp.Context, params *protocol.DidOpenTextDocumentParams) error {
	item := params.TextDocument
	doc := NewDocument(item.URI, item.Version, []byte(item.Text))
	doc.Lang = languageOf(item.LanguageID, item.URI)
	ss.docs.open(doc)
	ss.diag.schedule(doc)
	return nil
}

func (ss *session) didChange(_ *glsp.Context, params *protocol.DidChangeTextDocumentParams) error {
	doc, err := ss.docs.change(params.TextDocument.URI, params.TextDocument.Version, params.ContentChanges)
	if err != nil {
		return err
	}
	ss.diag.schedule(doc)
	return nil
}

func (ss *session) didClose(_ *glsp.Context, params *protocol.DidCloseTextDocumentParams) error {
	if ss.docs.close(params.TextDocument.URI) {
		ss.diag.forget(params.TextDocument.URI)
		ss.rewrites.forget(params.TextDocument.URI)
		// The translations that read it from the editor read it from
		// disk now: translate them again, in the background.
		for _, doc := range ss.readers(params.TextDocument.URI) {
			ss.diag.schedule(doc)
		}
	}
	return nil
}
