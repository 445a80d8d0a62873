package syntax

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInspectProp(t *testing.T) {
	f, errs := Parse("t", []byte("C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (0:r0=1 /\\ ~(x=2 \\/ true) /\\ (0:r1=0 -> [x]=1))\n"))
	require.Empty(t, errs)
	var atoms []string
	var kinds []string
	InspectProp(f.Cond.Prop, func(p Prop) {
		switch p := p.(type) {
		case *AtomProp:
			atoms = append(atoms, p.Loc.Name)
		case *BoolProp:
			kinds = append(kinds, "bool")
		case *NotProp:
			kinds = append(kinds, "not")
		case *ImpliesProp:
			kinds = append(kinds, "implies")
		}
	})
	assert.Equal(t, []string{"r0", "x", "r1", "x"}, atoms, "every atom, left to right")
	assert.Equal(t, []string{"not", "bool", "implies"}, kinds)
	InspectProp(nil, func(Prop) { t.Fatal("called on nil") })
}
