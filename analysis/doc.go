// Package analysis turns parse and check results into diagnostics, hovers,
// lints and fixes for people: everything the editor and the CLI show beyond
// the raw verdict. Positions are byte offsets; LSP is not known here.
package analysis
