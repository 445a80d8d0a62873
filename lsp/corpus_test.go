package lsp

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// corpusDir returns herd7's corpus, ../shared/corpus.
func corpusDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(testkit.SharedDir(t), "corpus")
}

// TestCorpusFeatures runs the server's features over every corpus test,
// with CRLF line ends too: diagnostics and symbols map to valid ranges,
// the outline lists every thread, and formatting gives text that parses.
func TestCorpusFeatures(t *testing.T) {
	var files, broken, refused, formatted int
	err := filepath.WalkDir(corpusDir(t), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".litmus") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, text := range []string{string(src), strings.ReplaceAll(string(src), "\n", "\r\n")} {
			doc := NewDocument(protocol.DocumentUri("file://"+path), 1, []byte(text))
			f, errs := syntax.Parse(path, doc.Text)

			if len(errs) > 0 {
				broken++
			}
			diags, err := SyntaxDiagnostics(context.Background(), doc)
			require.NoError(t, err, path)
			assert.Len(t, diags, len(errs), path)

			syms, err := documentSymbols(doc)
			require.NoError(t, err, path)
			var threads int
			for _, s := range syms {
				if s.Kind == protocol.SymbolKindFunction {
					threads++
				}
				// The selection range lies inside the symbol's range.
				start, err := doc.Mapper().RangeSpan(s.Range)
				require.NoError(t, err, path)
				sel, err := doc.Mapper().RangeSpan(s.SelectionRange)
				require.NoError(t, err, path)
				assert.True(t, start.Start <= sel.Start && sel.End <= start.End, "%s: symbol %s", path, s.Name)
			}
			assert.Equal(t, len(f.Threads), threads, path)

			edits, err := formatEdits(doc)
			if err != nil {
				assert.Contains(t, err.Error(), "comments", path) // the one refusal allowed
				refused++
				continue
			}
			if len(errs) > 0 {
				assert.Empty(t, edits, path)
				continue
			}
			out := text
			if len(edits) == 1 {
				formatted++
				next, err := doc.Apply(2, []any{protocol.TextDocumentContentChangeEvent{Range: &edits[0].Range, Text: edits[0].NewText}})
				require.NoError(t, err, path)
				out = string(next.Text)
			}
			_, errs = syntax.Parse(path, []byte(out))
			assert.Empty(t, errs, "%s: formatted text does not parse", path)
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d files (each also with CRLF): %d versions with syntax errors, %d formatting refused to drop comments, %d reformatted",
		files, broken, refused, formatted)
	assert.Greater(t, files, 600, "corpus tests read")
}
