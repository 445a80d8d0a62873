package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax"
)

// TestLintBrokenText lints every prefix of some tests, as an editor shows
// them while one types, without a check result: no panic, and every span
// within the text.
func TestLintBrokenText(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lint", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		for n := 0; n <= len(src); n += 7 {
			text := src[:n]
			f, _ := syntax.Parse(path, text)
			diags, err := Run(context.Background(), f, text, nil, Options{BPF: true})
			require.NoError(t, err)
			for _, d := range diags {
				assert.Equal(t, "", checkSpan(d.Span, text), "%s[:%d]: %s", path, n, d.Code)
				for _, fx := range d.Fixes {
					for _, e := range fx.Edits {
						assert.Equal(t, "", checkSpan(e.Span, text), "%s[:%d]: %s fix", path, n, d.Code)
					}
				}
			}
		}
	}
}
