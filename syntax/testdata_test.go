package syntax

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var errorComment = regexp.MustCompile(`ERROR "((?:[^"\\]|\\.)*)"`)

// TestTestdata parses each testdata/*.litmus file and matches its errors
// against the ERROR "rx" comments: one error per comment, on the comment's
// line, and no error without a comment.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, errs := Parse(path, src)
			type want struct {
				line int
				rx   *regexp.Regexp
			}
			var wants []want
			for _, c := range f.Comments {
				for _, m := range errorComment.FindAllStringSubmatch(c.Text, -1) {
					rx, err := regexp.Compile(strings.ReplaceAll(m[1], `\"`, `"`))
					require.NoError(t, err)
					wants = append(wants, want{f.Lines.Position(c.Span.Start).Line, rx})
				}
			}
			for _, e := range errs {
				pos := f.Lines.Position(e.Span.Start)
				found := -1
				for i, w := range wants {
					if w.line == pos.Line && w.rx.MatchString(e.Msg) {
						found = i
						break
					}
				}
				if found < 0 {
					t.Errorf("%s: unexpected error: %s", pos, e.Msg)
					continue
				}
				wants = append(wants[:found], wants[found+1:]...)
			}
			for _, w := range wants {
				t.Errorf("%s:%d: missing error matching %q", path, w.line, w.rx)
			}
			require.NotNil(t, f.Cond, "the condition after the errors must still parse")
		})
	}
}
