package cat

import (
	"slices"
	"sync"

	"github.com/litmusls/litmusls/checker"
)

// This file builds what herd7 gives a cat model before its first line
// (herd/machModelChecker.ml): the event sets and relations of the event
// structure and candidate, the sets of the bell file's annotations, and
// the primitives (lib/interpreter.ml, add_primitives).
//
// An event belongs to herd7's sets as the C front end makes it: lock
// events (spin_lock's read and write, spin_unlock, a failed
// spin_trylock, spin_is_locked) are herd7's Lock, Unlock, TryLock and
// ReadLock actions, which are neither memory accesses nor fences, so they
// are in none of M, R, W and F, only in the sets LKR, LKW, UL, LF, RL and
// RU; synchronize_srcu is an SRCU action, in none of them either.

// lockTags are the tags of lock events.
const lockTags = checker.TagLKR | checker.TagLKW | checker.TagUL | checker.TagLF | checker.TagRL | checker.TagRU

// annotations maps the annotations of linux-kernel.def (the names in its
// {braces}) to the tags the checker's built-in lowering puts on events.
// Such an event has an annotation when it has any of the tags; an event
// lowered by a .def's macros has the annotations its Annots name.
var annotations = map[string]checker.Tag{
	"ONCE":                   checker.TagOnce,
	"ACQUIRE":                checker.TagAcquire,
	"RELEASE":                checker.TagRelease,
	"MB":                     checker.TagMb | checker.TagFenceMb,
	"NORETURN":               checker.TagNoreturn,
	"rmb":                    checker.TagRmb,
	"wmb":                    checker.TagWmb,
	"barrier":                checker.TagBarrier,
	"rcu-lock":               checker.TagRcuLock,
	"rcu-unlock":             checker.TagRcuUnlock,
	"sync-rcu":               checker.TagSyncRcu,
	"before-atomic":          checker.TagBeforeAtomic,
	"after-atomic":           checker.TagAfterAtomic,
	"after-spinlock":         checker.TagAfterSpinlock,
	"after-unlock-lock":      checker.TagAfterUnlockLock,
	"after-srcu-read-unlock": checker.TagAfterSrcuReadUnlock,
	"srcu-lock":              checker.TagSrcuLock,
	"srcu-unlock":            checker.TagSrcuUnlock,
	"sync-srcu":              checker.TagSyncSrcu,
}

// allAnnotations is the union of the tags of annotations.
var allAnnotations = func() checker.Tag {
	var t checker.Tag
	for _, x := range annotations {
		t |= x
	}
	return t
}()

// annotationSet names the set of an annotation as herd7 does
// (BellName.tag2instrs_var): its first letter in upper case.
func annotationSet(annot string) string {
	if annot == "" {
		return annot
	}
	b := []byte(annot)
	if 'a' <= b[0] && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// builtinNames lists the names herd7 defines for a C test, each with its
// level (see levelStructure). Those whose value litmusls does not have
// fail when used; the annotation sets of the bell are added to these.
var builtinNames = []struct {
	name  string
	level int
}{
	// Relations.
	{"id", 0}, {"loc", 0}, {"int", 0}, {"ext", 0}, {"po", 0}, {"rf", levelRf},
	{"addr", 0}, {"data", 0}, {"ctrl", 0}, {"same-instance", 0}, {"same-instr", 0},
	{"tst", 0}, {"partial_po", 0}, {"depend", 0}, {"success", 0}, {"control", 0},
	{"sm", 0}, {"si", 0}, {"aligned", 0}, {"iico_data", 0}, {"iico_ctrl", 0},
	{"iico_order", 0}, {"rf-reg", 0}, {"same-static", 0}, {"equiv-spec", 0},
	{"pco", 0}, {"same-low-order-bits", 0},
	// Sets.
	{"M", 0}, {"R", 0}, {"W", 0}, {"IW", 0}, {"FW", levelFW}, {"F", 0},
	{"Exp", 0}, {"NExp", 0}, {"SPEC", 0}, {"EXEC", 0}, {"SPURIOUS", 0},
	{"B", 0}, {"BCC", 0}, {"PRED", 0}, {"Rreg", 0}, {"Wreg", 0}, {"ADDR", 0}, {"DATA", 0},
	{"X", 0}, {"RMW", 0}, {"LK", 0}, {"LKR", 0}, {"LKW", 0}, {"LS", 0}, {"LF", 0},
	{"UL", 0}, {"RL", 0}, {"RU", 0}, {"ACQ", 0}, {"SC", 0}, {"REL", 0}, {"ACQ_REL", 0},
	{"RLX", 0}, {"CON", 0}, {"A", 0}, {"NA", 0}, {"annot", 0},
}

// A structCache holds, for one event structure, the built-in values and
// the cached top-level bindings (see program.levels). Candidates of one
// structure are judged one at a time, under mu.
type structCache struct {
	mu sync.Mutex
	m  *Model
	s  *checker.Structure
	n  int

	all, emptySet    checker.Set
	mem, reads, wrts checker.Set // herd7's M, R and W
	id, unv          checker.Rel
	emptyRel         checker.Rel

	builtins []Value // the first slots of the top-level frame

	// For a BPF model, herd7's single-event atomics (see bpf.go): node
	// gives each event the model's event it belongs to (itself, or the
	// read half for the write half of a merged atomic), writer the event
	// that writes for each model event; merged says some event was
	// merged.
	node, writer []int
	merged       bool
	fw           [][]int // for each observed location with a store, its possible final writes

	entries []cacheEntry // per top-level slot
	stamp   []uint64     // per level: the stamp of the current choice
	counter uint64
}

type cacheEntry struct {
	v     Value
	stamp uint64
}

func newStructCache(m *Model, s *checker.Structure) *structCache {
	n := s.N()
	sc := &structCache{m: m, s: s, n: n}
	sc.mergeAtomics()
	sc.all = checker.NewSet(n)
	for i := range n {
		if sc.node[i] == i {
			sc.all.Add(i)
		}
	}
	sc.emptySet = checker.NewSet(n)
	sc.emptyRel = checker.NewRel(n)
	sc.id = checker.Identity(n, sc.all)
	sc.unv = checker.Cross(n, sc.all, sc.all)
	sc.mem = sc.events(func(e *checker.Event) bool {
		return (e.Kind == checker.KindR || e.Kind == checker.KindW) && e.Tags&lockTags == 0
	})
	sc.reads = sc.events(func(e *checker.Event) bool { return e.Kind == checker.KindR && e.Tags&lockTags == 0 })
	sc.wrts = sc.events(func(e *checker.Event) bool { return e.Kind == checker.KindW && e.Tags&lockTags == 0 })

	p := m.prog
	sc.builtins = make([]Value, p.nBuiltins)
	for name, slot := range p.builtins {
		sc.builtins[slot] = sc.builtin(name)
	}
	sc.finalWrites()

	sc.entries = make([]cacheEntry, p.nTop)
	sc.stamp = make([]uint64, p.nLevels)
	sc.newChoice(levelStructure)
	return sc
}

// newChoice records a new choice at level: the values cached at it and
// above are out of date.
func (sc *structCache) newChoice(level int) {
	sc.counter++
	for l := level; l < len(sc.stamp); l++ {
		sc.stamp[l] = sc.counter
	}
}

// cached fills the slots from the cache when their values are current.
func (sc *structCache) cached(vars []int, level int, env *frame) bool {
	st := sc.stamp[level]
	for _, s := range vars {
		if s >= 0 && (sc.entries[s].v == nil || sc.entries[s].stamp != st) {
			return false
		}
	}
	for _, s := range vars {
		if s >= 0 {
			env.slots[s] = sc.entries[s].v
		}
	}
	return true
}

// store caches the slots' values.
func (sc *structCache) store(vars []int, level int, env *frame) {
	st := sc.stamp[level]
	for _, s := range vars {
		if s >= 0 {
			sc.entries[s] = cacheEntry{v: env.slots[s], stamp: st}
		}
	}
}

func (sc *structCache) events(keep func(e *checker.Event) bool) checker.Set {
	out := checker.NewSet(sc.n)
	for i := range sc.s.Events {
		if keep(&sc.s.Events[i]) {
			out.Add(sc.node[i])
		}
	}
	return out
}

func (sc *structCache) tagged(t checker.Tag) checker.Set {
	return sc.events(func(e *checker.Event) bool { return e.Tags&t != 0 })
}

func (sc *structCache) pairs(keep func(a, b *checker.Event) bool) checker.Rel {
	out := checker.NewRel(sc.n)
	ev := sc.s.Events
	for a := range ev {
		for b := range ev {
			if sc.node[a] == a && sc.node[b] == b && keep(&ev[a], &ev[b]) {
				out.Add(a, b)
			}
		}
	}
	return out
}

// unsupported is the value of a name herd7 defines but litmusls's event
// structures do not carry: using it is an error.
func unsupported(name string) Value {
	return &thunk{x: &cFail{msg: name + " is not available in litmusls's cat interpreter"}}
}

// hasAnnot reports whether e has the annotation a, whose tag bits under
// the built-in lowering are t: an event lowered by macros has its
// annotations' names (Event.Annots), one lowered by the built-in
// lowering only the bits.
func hasAnnot(e *checker.Event, a string, t checker.Tag) bool {
	if e.Annots != nil {
		return slices.Contains(e.Annots, a)
	}
	return e.Tags&t != 0
}

// builtin computes a built-in name's value (FW and rf are set per run).
func (sc *structCache) builtin(name string) Value {
	s := sc.s
	if prim, ok := sc.m.prims[name]; ok {
		return prim
	}
	if t, ok := sc.m.prog.annotSets[name]; ok {
		a := sc.m.prog.annotOf[name]
		return sc.events(func(e *checker.Event) bool { return hasAnnot(e, a, t) })
	}
	if sc.m.prog.bpf {
		switch name {
		case "AQ":
			return sc.tagged(checker.TagAcquire)
		case "RL":
			return sc.tagged(checker.TagRelease)
		case "SC":
			return sc.tagged(checker.TagMb)
		}
	}
	switch name {
	case "id":
		return sc.id
	case "loc":
		return sc.pairs(func(a, b *checker.Event) bool { return a.Loc >= 0 && a.Loc == b.Loc })
	case "int":
		return sc.pairs(func(a, b *checker.Event) bool { return a.Thread >= 0 && a.Thread == b.Thread })
	case "ext":
		return sc.pairs(func(a, b *checker.Event) bool { return a.Thread != b.Thread })
	case "po":
		return sc.quotient(s.Po)
	case "addr":
		return sc.quotient(s.Addr)
	case "data":
		return sc.quotient(s.Data)
	case "ctrl":
		return sc.quotient(s.Ctrl)
	case "same-instance", "same-instr":
		return sc.pairs(func(a, b *checker.Event) bool {
			return a.Thread >= 0 && a.Thread == b.Thread && a.Instr >= 0 && a.Instr == b.Instr
		})
	case "M", "Exp", "EXEC":
		return sc.mem
	case "R":
		return sc.reads
	case "W":
		return sc.wrts
	case "IW":
		return sc.tagged(checker.TagInit)
	case "F":
		return sc.events(func(e *checker.Event) bool { return e.Kind == checker.KindF })
	case "NExp", "SPEC", "SPURIOUS", "B", "BCC", "PRED", "Rreg", "Wreg", "LS",
		"ACQ", "SC", "REL", "ACQ_REL", "RLX", "CON", "A":
		return sc.emptySet
	case "NA":
		return sc.all
	case "X", "RMW":
		return sc.tagged(checker.TagRMW)
	case "LK":
		return sc.tagged(checker.TagLKR | checker.TagLKW)
	case "LKR":
		return sc.tagged(checker.TagLKR)
	case "LKW":
		return sc.tagged(checker.TagLKW)
	case "UL":
		return sc.tagged(checker.TagUL)
	case "LF":
		return sc.tagged(checker.TagLF)
	case "RL":
		return sc.tagged(checker.TagRL)
	case "RU":
		return sc.tagged(checker.TagRU)
	case "annot":
		return sc.events(func(e *checker.Event) bool { return len(e.Annots) > 0 || e.Annots == nil && e.Tags&allAnnotations != 0 })
	case "rf", "FW":
		return nil
	}
	return unsupported(name)
}

// finalWrites lists the choices of final writes, as herd7's front end
// enumerates them (herd/mem.ml, all_finals): for each observed location,
// any store to it; not the initial write when there are others, since
// herd7 orders the initial write before every other store (compute_pco_init)
// and drops a choice whose final write would come before it.
func (sc *structCache) finalWrites() {
	for _, l := range sc.s.FinalLocs {
		var ws, others []int
		sc.wrts.Each(func(e int) {
			if sc.s.Events[e].Loc != l {
				return
			}
			ws = append(ws, e)
			if sc.s.Events[e].Tags&checker.TagInit == 0 {
				others = append(others, e)
			}
		})
		if len(others) > 0 {
			ws = others
		}
		if len(ws) > 0 {
			sc.fw = append(sc.fw, ws)
		}
	}
}
