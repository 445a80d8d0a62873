// Package lsp is the language server: it speaks LSP over JSON-RPC (through
// glsp), keeps the open documents, runs checks in the background and maps
// byte offsets to LSP's UTF-16 positions. It is the only package that knows
// LSP, JSON-RPC or UTF-16.
//
// # Layout
//
// Files are named after LSP methods or concepts: mapper.go (the one
// offset ↔ position converter), document.go (immutable document versions),
// snapshot.go (what is derived from one version: its parse and key, its C
// translation, the diagnostics its runs found), text_synchronization.go
// (didOpen/didChange/didClose), diagnostics.go (background diagnosis and
// publishing), check_cache.go (checks by normalized text, shared while
// under way), lints.go (the second phase of diagnostics), rewrites.go
// (quick fixes verified in the background), c_source.go (annotated C),
// one file per request (hover.go, code_action.go, ...: each a thin
// translation of an answer of package analysis or analysis/ide), and
// server.go (the JSON-RPC connection, lifecycle and configuration).
//
// # Concurrency
//
// glsp runs handlers one at a time in the connection's read loop. Handlers
// therefore only record a new immutable [Document] under a mutex, or
// answer from the version's snapshot and the caches, and return; a goroutine per document version waits out the debounce, runs
// the [DiagnoseFunc] and publishes with the document's version. A newer
// version cancels the older run, and a superseded result is never
// published. Notifications to the client are sent only from those
// goroutines, never from a handler, where a blocking write or a call back
// to the client could deadlock the read loop.
//
// # Failures
//
// A panic in a handler is answered as an internal JSON-RPC error. A panic
// (or a Go error) in the background work on a document (checking,
// linting, translating annotated C, verifying quick fixes) is recovered
// in the goroutine that met it, logged with its stack, and published as
// an error diagnostic with code "internal" ([CodeInternal]): the server
// serves on, and no document is left silently without diagnostics.
//
// # Deliberately absent
//
// $/cancelRequest is accepted and ignored: glsp gives handlers no request
// id, and requests are answered one at a time anyway. Positions are always
// UTF-16 (glsp predates positionEncoding). Lines end only at '\n' (with an
// optional '\r' before it), as in package syntax; a lone '\r' is an
// ordinary character.
package lsp
