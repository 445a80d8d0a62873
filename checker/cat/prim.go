package cat

import (
	"slices"

	"github.com/litmusls/litmusls/checker"
)

// This file holds herd7's primitives (lib/interpreter.ml, add_primitives)
// that a C model can use. A primitive raises an evaluation error without
// a place; the call site adds it ("primitive NAME: message").

// primNames lists every primitive herd7 defines, in its order; those not
// implemented here fail when called.
var primNames = []string{
	"at-least-one-writable", "same-oa", "different-values", "fromto",
	"classes-loc", "classes", "lift", "delift", "deliftinter",
	"linearisations", "bisimulation", "tag2scope", "tag2level", "tag2events",
	"tag2fenced", "loc2events", "domain", "range", "fail", "as_transitive",
}

// primLevels gives the level (see levelStructure) of the primitives that
// read more than their argument: different-values reads the values of the
// candidate, so what calls it depends on the candidate.
var primLevels = map[string]int{"different-values": levelRf}

// newPrims makes the primitive values of a model.
func newPrims() map[string]*prim {
	fns := map[string]func(r *run, arg Value) Value{
		"domain":           primDomain,
		"range":            primRange,
		"fail":             primFail,
		"as_transitive":    primAsTransitive,
		"classes-loc":      primClassesLoc,
		"linearisations":   primLinearisations,
		"different-values": primDifferentValues,
		"tag2events":       primTag2Events,
		"loc2events":       primLoc2Events,
	}
	out := map[string]*prim{}
	for i, name := range primNames {
		fn, ok := fns[name]
		if !ok {
			name := name
			fn = func(*run, Value) Value {
				panic(&evalError{msg: "not available in litmusls's cat interpreter (" + name + ")"})
			}
		}
		out[name] = &prim{name: name, id: -len(primNames) + i, fn: fn}
	}
	return out
}

func argMismatch() { panic(&evalError{msg: "argument mismatch"}) }

// primRel is herd7's prim_as_rel.
func primRel(r *run, v Value) checker.Rel {
	switch v := v.(type) {
	case checker.Rel:
		return v
	case emptyValue:
		return r.sc.emptyRel
	case univValue:
		return r.sc.unv
	}
	argMismatch()
	return checker.Rel{}
}

// primSet is herd7's prim_as_set.
func primSet(r *run, v Value) checker.Set {
	switch v := v.(type) {
	case checker.Set:
		return v
	case emptyValue:
		return r.sc.emptySet
	case univValue:
		return r.sc.all
	}
	argMismatch()
	return nil
}

func primDomain(r *run, arg Value) Value { return relEnds(arg, checker.Rel.Domain) }
func primRange(r *run, arg Value) Value  { return relEnds(arg, checker.Rel.Range) }

// relEnds is domain or range, end being the relation's method; the empty
// value and the universe are their own.
func relEnds(arg Value, end func(checker.Rel) checker.Set) Value {
	switch v := arg.(type) {
	case emptyValue, univValue:
		return v
	case checker.Rel:
		return end(v)
	}
	argMismatch()
	return nil
}

func primFail(r *run, arg Value) Value {
	panic(&evalError{msg: "fail on " + showValue(arg)})
}

func primAsTransitive(r *run, arg Value) Value {
	switch arg.(type) {
	case checker.Rel, emptyValue, univValue:
		return arg
	}
	argMismatch()
	return nil
}

// primClassesLoc partitions a set of events by location; events without
// a location are dropped (herd7's partition_events).
func primClassesLoc(r *run, arg Value) Value {
	s := primSet(r, arg)
	byLoc := map[int]checker.Set{}
	s.Each(func(e int) {
		l := r.sc.s.Events[e].Loc
		if l < 0 {
			return
		}
		if byLoc[l] == nil {
			byLoc[l] = checker.NewSet(r.sc.n)
		}
		byLoc[l].Add(e)
	})
	out := &valSet{elem: typ{k: tEvents}}
	for _, c := range byLoc {
		out.elems = append(out.elems, c)
	}
	slices.SortFunc(out.elems, compareValues)
	return out
}

// primLinearisations gives the total orders of a set of events that
// extend a relation (herd7's linearisations: the relation is closed
// transitively first, then only its pairs between the events count; a
// cycle among them leaves no order). Each order is a transitive relation.
func primLinearisations(r *run, arg Value) Value {
	t, ok := arg.(tuple)
	if !ok || len(t) != 2 {
		argMismatch()
	}
	es := primSet(r, t[0])
	rel := primRel(r, t[1]).Plus()
	nodes := setElems(es)
	k := len(nodes)
	out := &valSet{elem: typ{k: tRel}}
	// preds[i]: the nodes that must come before node i.
	preds := make([]uint64, k)
	if k > 64 {
		panic(&evalError{msg: "more than 64 events to order"})
	}
	for i, a := range nodes {
		for j, b := range nodes {
			if rel.Has(a, b) {
				if i == j {
					return out
				}
				preds[j] |= 1 << i
			}
		}
	}
	order := make([]int, 0, k)
	var walk func(placed uint64)
	walk = func(placed uint64) {
		if len(order) == k {
			o := checker.NewRel(r.sc.n)
			for i, a := range order {
				for _, b := range order[i+1:] {
					o.Add(a, b)
				}
			}
			out.elems = append(out.elems, o)
			return
		}
		for i := range k {
			if placed&(1<<i) == 0 && preds[i]&^placed == 0 {
				order = append(order, nodes[i])
				walk(placed | 1<<i)
				order = order[:len(order)-1]
			}
		}
	}
	walk(0)
	slices.SortFunc(out.elems, compareValues)
	return out
}

// primDifferentValues keeps the pairs whose events do not carry the same
// value; an event without a value (a fence, a lock event) has none in
// common with any.
func primDifferentValues(r *run, arg Value) Value {
	rel := primRel(r, arg)
	out := checker.NewRel(r.sc.n)
	mem := r.sc.mem
	rel.Each(func(a, b int) {
		if !mem.Has(a) || !mem.Has(b) || r.c.Val[a] != r.c.Val[b] {
			out.Add(a, b)
		}
	})
	return out
}

// primTag2Events gives the set of events that carry a tag's annotation:
// the built-in set named after the tag.
func primTag2Events(r *run, arg Value) Value {
	t, ok := arg.(*tagValue)
	if !ok {
		argMismatch()
	}
	name := annotationSet(t.name)
	slot, ok := r.m.prog.builtins[name]
	if !ok {
		panic(&evalError{msg: "cannot find event set " + name})
	}
	switch v := r.value(r.sc.builtins[slot]).(type) {
	case checker.Set, emptyValue, univValue:
		return v
	default:
		panic(&evalError{msg: "value " + name + " is not a set of events, found " + typeOf(v).String()})
	}
}

// primLoc2Events gives the events of the location a tag names.
func primLoc2Events(r *run, arg Value) Value {
	t, ok := arg.(*tagValue)
	if !ok {
		argMismatch()
	}
	return r.sc.events(func(e *checker.Event) bool {
		return e.Loc >= 0 && r.sc.s.Locs[e.Loc].Name == t.name
	})
}
