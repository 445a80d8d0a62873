package cat

import (
	"strings"

	"github.com/litmusls/litmusls/checker"
	ast "github.com/litmusls/litmusls/syntax/cat"
)

// This file gives a model for BPF tests the environment herd7 gives it
// (herd/BPFSem.ml, herd/BPFArch_herd.ml, herd/machAction.ml).
//
// herd7 names the annotations of a BPF access in four sets: X (atomic:
// the events of "lock" instructions, atomic_fetch_*, xchg and a
// successful cmpxchg), SC (the value-returning ones among them: all but
// the plain "lock *(...) op= r"), AQ (load_acquire) and RL
// (store_release). The checker's BPF lowering encodes them as TagRMW,
// TagMb, TagAcquire and TagRelease (checker/bpf_lower.go). RL is then not
// lock.cat's set of spin_is_locked events, which a C test has.
//
// herd7 makes every atomic but cmpxchg one event that is both a read and
// a write (an Amo action); the lowering gives an adjacent read and write
// of the same instruction instead. The environment merges the two into
// one event, named by the read: the write half is in no set and no
// relation the model sees (not even the universe), and the read is in R,
// W and M. Reads-from out of the write half leaves the read instead, and
// the model's co and rf are mapped back to the lowering's events when an
// execution is reported. A successful cmpxchg stays two events of one
// instance, not related by po, which stdlib.cat's amo relates.

// bpfNames are the names herd7 defines for a BPF test besides the common
// ones of builtinNames (whose RL and SC change meaning, see builtin).
var bpfNames = []string{"AQ"}

// bpfModel reports whether a cat file is a model of BPF tests: its
// header names the BPF architecture, as herd7's bpf.cat does
// (`BPF "BPF Memory model based on LKMM"`). herd7 chooses the
// environment by the test's architecture; litmusls's event structures do
// not carry it, and a model is written for one.
func bpfModel(f *ast.File) bool {
	return f != nil && f.Header != nil && f.Header.Arch != nil && strings.EqualFold(f.Header.Arch.Name, "BPF")
}

// singleEventHalf reports whether event e of s is the write half of one
// of herd7's single-event atomics: a write tagged TagRMW just after a read
// tagged TagRMW of the same instruction, the two not related by Rmw (the
// halves of a successful cmpxchg are).
func singleEventHalf(s *checker.Structure, e int) bool {
	if e == 0 {
		return false
	}
	ev, pr := &s.Events[e], &s.Events[e-1]
	return ev.Kind == checker.KindW && ev.Tags&checker.TagRMW != 0 &&
		pr.Kind == checker.KindR && pr.Tags&checker.TagRMW != 0 &&
		pr.Thread == ev.Thread && pr.Instr == ev.Instr && s.Rmw.Row(e-1).Empty()
}

// mergeAtomics fills sc.node, sc.writer and sc.merged (see structCache).
func (sc *structCache) mergeAtomics() {
	s := sc.s
	sc.node = make([]int, sc.n)
	sc.writer = make([]int, sc.n)
	for e := range sc.node {
		sc.node[e], sc.writer[e] = e, e
	}
	if !sc.m.prog.bpf {
		return
	}
	for e := range s.Events {
		if singleEventHalf(s, e) {
			sc.node[e] = e - 1
			sc.writer[e-1] = e
			sc.merged = true
		}
	}
}

// quotient maps a relation over the lowering's events onto the model's,
// dropping the pairs within one merged event.
func (sc *structCache) quotient(r checker.Rel) checker.Rel {
	if !sc.merged {
		return r
	}
	q := checker.NewRel(sc.n)
	r.Each(func(a, b int) {
		if na, nb := sc.node[a], sc.node[b]; na != nb {
			q.Add(na, nb)
		}
	})
	return q
}

// eventCo maps a coherence order over the model's events back to the
// lowering's: a merged event writes with its write half.
func (sc *structCache) eventCo(co checker.Rel) checker.Rel {
	if !sc.merged {
		return co
	}
	out := checker.NewRel(sc.n)
	co.Each(func(a, b int) { out.Add(sc.writer[a], sc.writer[b]) })
	return out
}

// eventRf maps a reads-from over the model's events back to the
// lowering's: a merged event writes with its write half and reads with
// its read half.
func (sc *structCache) eventRf(rf checker.Rel) checker.Rel {
	if !sc.merged {
		return rf
	}
	out := checker.NewRel(sc.n)
	rf.Each(func(a, b int) { out.Add(sc.writer[a], b) })
	return out
}
