package cat

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/internal/testkit"
)

// sharedDir finds ../shared relative to the module root.
func sharedDir(t testing.TB) string {
	t.Helper()
	return testkit.SharedDir(t)
}

// modelFiles lists the cat and bell files of ../shared/model.
func modelFiles(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "model")
	var files []string
	for _, pat := range []string{"*/*.cat", "*/*.bell"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files, "no model files under %s", dir)
	return files
}

// TestModelFiles parses every model herd7 ran the corpus with, and checks
// that printing gives text that parses to the same tree.
func TestModelFiles(t *testing.T) {
	for _, path := range modelFiles(t) {
		name := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, errs := Parse(name, src)
			require.Empty(t, errs.Format(f.Lines))
			require.NotEmpty(t, f.Body)
			roundTrip(t, name, f)
		})
	}
}

// roundTrip prints f, parses the text and compares the trees, spans aside;
// printing the second tree must give the same text.
func roundTrip(t *testing.T, name string, f *File) {
	t.Helper()
	out := Print(f)
	g, errs := Parse(name, out)
	require.Empty(t, errs.Format(g.Lines), "printed:\n%s", out)
	require.Equal(t, clearSpans(f), clearSpans(g), "printed:\n%s", out)
	require.Equal(t, string(out), string(Print(g)))
}

var spanType = reflect.TypeOf(Span{})

// clearSpans zeroes every Span in the tree of f and drops what the printer
// does not keep (comments, the line table, the file name).
func clearSpans(f *File) *File {
	c := *f
	c.Filename, c.Lines, c.Comments = "", nil, nil
	clearValue(reflect.ValueOf(&c))
	return &c
}

func clearValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearValue(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == spanType {
			v.Set(reflect.Zero(spanType))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				clearValue(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearValue(v.Index(i))
		}
	}
}
