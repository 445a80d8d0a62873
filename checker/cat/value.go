package cat

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/litmusls/litmusls/checker"
)

// This file defines the values of the cat language, as herd7's interpreter
// (lib/interpreter.ml, module V) has them:
//
//	emptyValue   the polymorphic empty value "{}", which is any empty set
//	univValue    the universe "_", all events or all pairs of events
//	checker.Set  a set of events
//	checker.Rel  a relation over events
//	event        one event (an element of a set of events)
//	pair         one pair of events (an element of a relation)
//	*tagValue    a tag such as 'ONCE, of the enum that declares it
//	*valSet      a set of other values, with the type of its elements
//	tuple        a tuple of values
//	*closure     a function written in cat
//	*prim        a function built into the interpreter
//	*proc        a procedure
//
// Values are immutable once built: relations and sets are shared between
// bindings and between the executions that share a cached binding.

// A Value is a cat value; its dynamic type is one of those listed above.
type Value any

type (
	emptyValue struct{}
	univValue  struct{}
	event      int
	pair       [2]int
	tuple      []Value
)

// A tagValue is a tag constant: its enum (the type) and its name.
type tagValue struct {
	enum, name string
}

// A valSet is a set of values of one type, kept sorted by compareValues
// without duplicates.
type valSet struct {
	elem  typ
	elems []Value
}

// A closure is a function value: a compiled fun and the frame it was made
// in.
type closure struct {
	fn  *cFun
	env *frame
	id  int // order of creation, for comparison
}

// A prim is a built-in function.
type prim struct {
	name string
	id   int
	fn   func(r *run, arg Value) Value
}

// A proc is a procedure value.
type proc struct {
	def *cProcedure
	env *frame
}

var (
	theEmpty Value = emptyValue{}
	theUniv  Value = univValue{}
)

// ---------------------------------------------------------------------------
// Types, as herd7's interpreter checks them.

type tkind uint8

const (
	tEmpty tkind = iota
	tEvent
	tEvents
	tPair
	tRel
	tTag
	tClo
	tProc
	tSet
	tTuple
	tUniv
)

// A typ is the type of a value.
type typ struct {
	k     tkind
	tag   string // the enum of a tag type
	elems []typ  // the element type of a set; the components of a tuple
}

func (t typ) String() string {
	switch t.k {
	case tEmpty:
		return "{}"
	case tEvent:
		return "event"
	case tEvents:
		return "events"
	case tPair:
		return "pair"
	case tRel:
		return "rel"
	case tTag:
		return t.tag
	case tClo:
		return "closure"
	case tProc:
		return "procedure"
	case tSet:
		return t.elems[0].String() + " set"
	case tTuple:
		parts := make([]string, len(t.elems))
		for i, e := range t.elems {
			parts[i] = e.String()
		}
		return "(" + strings.Join(parts, " * ") + ")"
	}
	return "universe"
}

// typeOf returns the type of v.
func typeOf(v Value) typ {
	switch v := v.(type) {
	case emptyValue:
		return typ{k: tEmpty}
	case univValue:
		return typ{k: tUniv}
	case checker.Set:
		return typ{k: tEvents}
	case checker.Rel:
		return typ{k: tRel}
	case event:
		return typ{k: tEvent}
	case pair:
		return typ{k: tPair}
	case *tagValue:
		return typ{k: tTag, tag: v.enum}
	case *valSet:
		return typ{k: tSet, elems: []typ{v.elem}}
	case tuple:
		ts := make([]typ, len(v))
		for i, x := range v {
			ts[i] = typeOf(x)
		}
		return typ{k: tTuple, elems: ts}
	case *closure, *prim:
		return typ{k: tClo}
	case *proc:
		return typ{k: tProc}
	}
	panic(fmt.Sprintf("cat: value of unknown type %T", v))
}

// eqType unifies two types as herd7's eq_type does: the empty type goes
// with any set-like type.
func eqType(a, b typ) (typ, bool) {
	switch {
	case a.k == tEmpty && (b.k == tSet || b.k == tEvents || b.k == tRel):
		return b, true
	case b.k == tEmpty && (a.k == tSet || a.k == tEvents || a.k == tRel):
		return a, true
	case a.k != b.k:
		return typ{}, false
	}
	switch a.k {
	case tTag:
		return a, a.tag == b.tag
	case tSet:
		e, ok := eqType(a.elems[0], b.elems[0])
		return typ{k: tSet, elems: []typ{e}}, ok
	case tTuple:
		if len(a.elems) != len(b.elems) {
			return typ{}, false
		}
		ts := make([]typ, len(a.elems))
		for i := range a.elems {
			t, ok := eqType(a.elems[i], b.elems[i])
			if !ok {
				return typ{}, false
			}
			ts[i] = t
		}
		return typ{k: tTuple, elems: ts}, true
	case tUniv:
		return typ{}, false
	}
	return a, true
}

// ---------------------------------------------------------------------------
// Comparison: the order of elements in sets of values.

// compareValues orders values of one type, as herd7's ValOrder does; values
// that cannot be compared (of different types, say) are an evaluation
// error.
func compareValues(a, b Value) int {
	switch a := a.(type) {
	case emptyValue:
		switch b := b.(type) {
		case emptyValue:
			return 0
		case *valSet:
			return cmp.Compare(0, len(b.elems))
		case checker.Rel:
			if b.Empty() {
				return 0
			}
			return -1
		case checker.Set:
			if b.Empty() {
				return 0
			}
			return -1
		}
	case *tagValue:
		if b, ok := b.(*tagValue); ok {
			return strings.Compare(a.name, b.name)
		}
	case event:
		if b, ok := b.(event); ok {
			return cmp.Compare(int(a), int(b))
		}
	case pair:
		if b, ok := b.(pair); ok {
			if c := cmp.Compare(a[0], b[0]); c != 0 {
				return c
			}
			return cmp.Compare(a[1], b[1])
		}
	case *valSet:
		switch b := b.(type) {
		case *valSet:
			for i := 0; i < len(a.elems) && i < len(b.elems); i++ {
				if c := compareValues(a.elems[i], b.elems[i]); c != 0 {
					return c
				}
			}
			return cmp.Compare(len(a.elems), len(b.elems))
		case emptyValue:
			return cmp.Compare(len(a.elems), 0)
		}
	case checker.Rel:
		switch b := b.(type) {
		case checker.Rel:
			return compareRels(a, b)
		case emptyValue:
			if a.Empty() {
				return 0
			}
			return 1
		}
	case checker.Set:
		switch b := b.(type) {
		case checker.Set:
			return slices.Compare(a, b)
		case emptyValue:
			if a.Empty() {
				return 0
			}
			return 1
		}
	case *closure:
		switch b := b.(type) {
		case *closure:
			return cmp.Compare(a.id, b.id)
		case *prim:
			return 1
		}
	case *prim:
		switch b := b.(type) {
		case *prim:
			return cmp.Compare(a.id, b.id)
		case *closure:
			return -1
		}
	case tuple:
		if b, ok := b.(tuple); ok {
			for i := 0; i < len(a) && i < len(b); i++ {
				if c := compareValues(a[i], b[i]); c != 0 {
					return c
				}
			}
			return cmp.Compare(len(a), len(b))
		}
	}
	ta, tb := typeOf(a), typeOf(b)
	if ta.k == tUniv || tb.k == tUniv {
		panic(errorf(pos{}, "universe in compare"))
	}
	if _, ok := eqType(ta, tb); ok {
		panic(errorf(pos{}, "sets of %s are illegal", ta))
	}
	panic(errorf(pos{}, "heterogeneous set elements: types %s and %s", ta, tb))
}

// compareRels orders relations over the same events, row by row.
func compareRels(a, b checker.Rel) int {
	for i := 0; i < a.N(); i++ {
		if c := slices.Compare(a.Row(i), b.Row(i)); c != 0 {
			return c
		}
	}
	return 0
}

// ---------------------------------------------------------------------------
// Sets of values.

// newValSet returns the set of vs, whose elements have type elem.
func newValSet(elem typ, vs ...Value) *valSet {
	s := &valSet{elem: elem}
	for _, v := range vs {
		s.elems = s.insert(v)
	}
	return s
}

// find returns where v is or would be in s, and whether it is there.
func (s *valSet) find(v Value) (int, bool) {
	return slices.BinarySearchFunc(s.elems, v, compareValues)
}

// insert returns s's elements with v added, as a new slice.
func (s *valSet) insert(v Value) []Value {
	i, ok := s.find(v)
	if ok {
		return s.elems
	}
	out := make([]Value, 0, len(s.elems)+1)
	out = append(out, s.elems[:i]...)
	out = append(out, v)
	return append(out, s.elems[i:]...)
}

// add returns s ∪ {v}.
func (s *valSet) add(elem typ, v Value) *valSet {
	return &valSet{elem: elem, elems: s.insert(v)}
}

func (s *valSet) has(v Value) bool {
	_, ok := s.find(v)
	return ok
}

// merge combines the sorted element lists of two sets: keep says, from
// whether an element is in a and in b, whether it is in the result.
func mergeSets(elem typ, a, b *valSet, keep func(inA, inB bool) bool) *valSet {
	out := &valSet{elem: elem}
	i, j := 0, 0
	for i < len(a.elems) || j < len(b.elems) {
		var c int
		switch {
		case i == len(a.elems):
			c = 1
		case j == len(b.elems):
			c = -1
		default:
			c = compareValues(a.elems[i], b.elems[j])
		}
		switch {
		case c < 0:
			if keep(true, false) {
				out.elems = append(out.elems, a.elems[i])
			}
			i++
		case c > 0:
			if keep(false, true) {
				out.elems = append(out.elems, b.elems[j])
			}
			j++
		default:
			if keep(true, true) {
				out.elems = append(out.elems, a.elems[i])
			}
			i++
			j++
		}
	}
	return out
}

func (s *valSet) subset(t *valSet) bool {
	for _, v := range s.elems {
		if !t.has(v) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Printing, for error messages.

func showValue(v Value) string {
	switch v := v.(type) {
	case univValue:
		return "<universe>"
	case emptyValue:
		return "{}"
	case *tagValue:
		return "'" + v.name
	case *valSet:
		parts := make([]string, len(v.elems))
		for i, e := range v.elems {
			parts[i] = showValue(e)
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *closure:
		return v.fn.name
	case tuple:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = showValue(e)
		}
		return "(" + strings.Join(parts, ",") + ")"
	}
	return "<" + typeOf(v).String() + ">"
}
