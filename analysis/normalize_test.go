package analysis

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/internal/testkit"
	"github.com/litmusls/litmusls/syntax"
)

// relayout edits only comments and layout: trailing blanks, a blank line
// before each thread, a comment after each statement of a thread, and a
// different Result comment.
func relayout(src string) string {
	src = strings.ReplaceAll(src, "\n", "  \n")
	src = regexp.MustCompile(`(?m)^P(\d)`).ReplaceAllString(src, "\n\n// thread $1\nP$1")
	src = regexp.MustCompile(`(?m)^(\t.*;) *$`).ReplaceAllString(src, "$1 // edited")
	src = strings.Replace(src, "Result: Never", "Result: Sometimes", 1)
	return src
}

func normalized(t *testing.T, name string, src []byte) (*syntax.File, *Normalized) {
	t.Helper()
	f, errs := syntax.Parse(name, src)
	require.Empty(t, errs, name)
	return f, Normalize(f, src)
}

func checked(t *testing.T, f *syntax.File) *checker.Result {
	t.Helper()
	res, err := checker.Check(context.Background(), f, checker.Options{Explain: true})
	require.NoError(t, err)
	return res
}

// TestNormalizeRelayout: editing comments and layout keeps the key, and a
// result remapped from the old text diagnoses the new text exactly as a
// fresh check does.
func TestNormalizeRelayout(t *testing.T) {
	var files []string
	for _, dir := range []string{"kernel", "herd-linux"} {
		m, err := filepath.Glob(filepath.Join(testkit.SharedDir(t), "corpus", dir, "*.litmus"))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.Greater(t, len(files), 100)
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		edited := []byte(relayout(string(src)))
		require.NotEqual(t, string(src), string(edited))
		f0, n0 := normalized(t, path, src)
		f1, n1 := normalized(t, path, edited)
		require.Equal(t, n0.Key, n1.Key, "%s: layout changed the key", path)

		old := checked(t, f0)
		moved := Remap(old, n0, n1, len(edited))
		fresh := checked(t, f1)
		want := Diagnose(f1, edited, nil, fresh, Options{})
		got := Diagnose(f1, edited, nil, moved, Options{})
		require.Equal(t, want, got, path)
		// The cached result is not changed.
		assert.Equal(t, Diagnose(f0, src, nil, old, Options{}), Diagnose(f0, src, nil, checked(t, f0), Options{}), path)
	}
}

// TestNormalizeSemanticEdits: edits that change the test change the key.
func TestNormalizeSemanticEdits(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "corpus", "kernel", "MP+poonceonces.litmus"))
	require.NoError(t, err)
	_, n0 := normalized(t, "t", src)
	for _, edit := range [][2]string{
		{"r0 = READ_ONCE(*flag);", "r0 = smp_load_acquire(flag);"},
		{"WRITE_ONCE(*buf, 1);", "WRITE_ONCE(*buf, 2);"},
		{"1:r1=0", "1:r1=1"},
		{"exists", "~exists"},
		{"{}", "{ buf=1; }"},
	} {
		edited := strings.Replace(string(src), edit[0], edit[1], 1)
		require.NotEqual(t, string(src), edited, edit[0])
		_, n1 := normalized(t, "t", []byte(edited))
		assert.NotEqual(t, n0.Key, n1.Key, "%s → %s", edit[0], edit[1])
	}
	// Operators that white space keeps apart are kept apart.
	a := "C t\n{}\nP0(int *x)\n{\n\tint r0 = 1;\n\tint r1 = r0 - -1;\n\tWRITE_ONCE(*x, r1);\n}\nexists (x=2)\n"
	b := strings.Replace(a, "r0 - -1", "r0--1", 1)
	fa, errs := syntax.Parse("a", []byte(a))
	require.Empty(t, errs)
	fb, _ := syntax.Parse("b", []byte(b))
	assert.NotEqual(t, Normalize(fa, []byte(a)).Key, Normalize(fb, []byte(b)).Key)
}
