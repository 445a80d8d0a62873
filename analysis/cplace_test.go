package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/litmusls/litmusls/syntax/bpfc"
)

// TestPlaceInC: a span whose C is in the file asked for lands on that C;
// one whose C is in the "with" file lands on the scenario's annotation,
// keeping its own place; a file that has neither gets nothing; and with
// file "" every linked span lands on its own C, in any file.
func TestPlaceInC(t *testing.T) {
	name := filepath.Join("..", "testdata", "bpfc", "progs", "wait_ready.c")
	src, err := os.ReadFile(name)
	require.NoError(t, err)
	tr, err := bpfc.Translate(name, src, os.ReadFile)
	require.NoError(t, err)
	require.Len(t, tr.Scenarios, 1)
	require.Len(t, tr.Sources, 2, "the program and its user-space side")
	sc, prog, user := tr.Scenarios[0], tr.Sources[0].Name, tr.Sources[1].Name
	require.Equal(t, prog, sc.Decl.File)

	var inProg, inUser int
	for _, l := range sc.Map.Links() {
		own, ok := sc.Map.ToC(l.Gen)
		require.True(t, ok)
		p, ok := PlaceInC(sc, l.Gen, "")
		require.True(t, ok)
		assert.Equal(t, CPlace{C: own.C, Linked: true}, p, "file \"\" takes the span's own C")

		p, ok = PlaceInC(sc, l.Gen, prog)
		require.True(t, ok, "the scenario is declared in the program")
		if own.C.File == prog {
			inProg++
			assert.Equal(t, CPlace{C: own.C, Linked: true}, p)
		} else {
			inUser++
			require.NotNil(t, p.Own)
			assert.Equal(t, CPlace{C: sc.Decl, Own: &own.C}, p, "the annotation stands in for C in another file")
		}

		p, ok = PlaceInC(sc, l.Gen, user)
		assert.Equal(t, own.C.File == user, ok, "in the user-space file only its own C: the scenario is declared elsewhere")
		if ok {
			assert.Equal(t, CPlace{C: own.C, Linked: true}, p)
		}

		_, ok = PlaceInC(sc, l.Gen, "other.c")
		assert.False(t, ok)
	}
	assert.Positive(t, inProg)
	assert.Positive(t, inUser)
}
