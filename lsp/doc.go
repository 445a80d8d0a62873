// Package lsp is the language server: it speaks LSP over JSON-RPC (through
// glsp), keeps the open documents, runs checks in the background and maps
// byte offsets to LSP's UTF-16 positions. It is the only package that knows
// LSP, JSON-RPC or UTF-16.
package lsp
