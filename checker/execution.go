package checker

import "github.com/litmusls/litmusls/syntax"

// This file is the contract between the two halves of the checker:
//
//   - the front half (lowering and enumeration) turns a test into event
//     structures, one per path through the threads' code, and for each into
//     candidates: a choice of reads-from for the ordinary reads, with the
//     values that follow. This is what herd7's mem.ml does before it hands a
//     candidate to the cat model.
//   - the back half (the model) takes one candidate, enumerates what the cat
//     model itself chooses (coherence orders, per lock.cat and cos-opt.cat,
//     and the reads-from of lock events), and judges every resulting
//     execution against the axioms.
//
// herd7 counts one execution per (candidate, model choice) pair that passes
// every check, and so must we.

// A Kind is the basic class of an event.
type Kind uint8

const (
	KindR    Kind = iota // a memory read (also LKR, LF, RL, RU, srcu-lock reads)
	KindW                // a memory write (also initial writes, LKW, UL, srcu-unlock)
	KindF                // a fence (smp_mb, rcu_read_lock, ...): no location
	KindSrcu             // synchronize_srcu: has a location (the srcu_struct), reads and writes nothing
)

// A Tag is a set of annotations on an event, as linux-kernel.bell and
// lock.cat name them.
type Tag uint64

const (
	// Access annotations (R, W and RMW events).
	TagOnce     Tag = 1 << iota // 'ONCE
	TagAcquire                  // 'ACQUIRE (as written; the model filters out acquire writes)
	TagRelease                  // 'RELEASE
	TagMb                       // 'MB (fully ordered RMW)
	TagNoreturn                 // 'NORETURN (the read of a non-value-returning RMW)
	TagRMW                      // the event belongs to an RMW instruction (set RMW); a failed cmpxchg gives a lone R with TagRMW

	// Fence annotations (KindF).
	TagFenceMb             // smp_mb
	TagRmb                 // smp_rmb
	TagWmb                 // smp_wmb
	TagBarrier             // barrier
	TagRcuLock             // rcu_read_lock
	TagRcuUnlock           // rcu_read_unlock
	TagSyncRcu             // synchronize_rcu
	TagBeforeAtomic        // smp_mb__before_atomic
	TagAfterAtomic         // smp_mb__after_atomic
	TagAfterSpinlock       // smp_mb__after_spinlock
	TagAfterUnlockLock     // smp_mb__after_unlock_lock
	TagAfterSrcuReadUnlock // smp_mb__after_srcu_read_unlock

	// SRCU.
	TagSrcuLock   // srcu_read_lock / srcu_down_read (a read of the srcu_struct)
	TagSrcuUnlock // srcu_read_unlock / srcu_up_read (a write of the srcu_struct)
	TagSyncSrcu   // synchronize_srcu (KindSrcu)

	// Locks (lock.cat).
	TagLKR // lock read: read half of spin_lock or successful spin_trylock
	TagLKW // lock write: write half of the same
	TagUL  // spin_unlock
	TagLF  // failed spin_trylock
	TagRL  // spin_is_locked returning true
	TagRU  // spin_is_locked returning false

	// Initial writes.
	TagInit // IW: the write of a location's initial value
)

// A Location is a shared memory location of a test.
type Location struct {
	Name string // variable name as in the test ("x", "s" for an srcu_struct)
}

// An Event is one event of an event structure.
type Event struct {
	Kind   Kind
	Tags   Tag
	Thread int         // thread index, or -1 for initial writes
	Loc    int         // index into Structure.Locs, or -1 (fences)
	Instr  int         // index of the instruction in its thread (events of one RMW share it), or -1
	Span   syntax.Span // the source the event comes from (empty for initial writes)
	// Val is the value written by a write whose value does not depend on
	// what was read; Candidate.Val has every value.
	Val int64
	// Annots are the annotations herd7's core operation gives the event
	// ("ONCE", "rmb", a user's "foo") when the test was lowered by the
	// macros of a .def file (see [MacroModel]); nil otherwise, and for
	// plain accesses, initial writes and lock events. Tags has the bits
	// of the annotations the kernel's model knows, and the event's class
	// (RMW, lock, initial write) in either case.
	Annots []string
}

// A Structure is one event structure: the events of one path through every
// thread's code, and the relations that path fixes. Many candidates share
// one Structure (they differ in rf); the model may keep per-structure work
// in Cache, which the enumerator never touches.
type Structure struct {
	Events []Event
	Locs   []Location

	Po   Rel // program order: strict, transitive, within each thread; initial writes are in no po pair
	Rmw  Rel // read to write of each successful RMW (not lock RMWs: lock.cat adds those)
	Addr Rel // address dependencies
	Data Rel // data dependencies
	Ctrl Rel // control dependencies

	// FinalLocs lists, in increasing order, the locations (indices into
	// Locs) whose final value the test observes: the shared variables
	// its final condition, its filter and its "locations" clause name
	// (herd7's observed locations; registers and addresses used as
	// values do not count). herd7's FW set holds, for each of them, the
	// write that gives its final value.
	FinalLocs []int

	Cache any // owned by the model
}

// N returns the number of events.
func (s *Structure) N() int { return len(s.Events) }

// A Candidate is an event structure with a reads-from choice for its
// ordinary reads (every KindR event that has none of TagLKR, TagLF, TagRL,
// TagRU: those get their rf from the model, as in lock.cat).
type Candidate struct {
	*Structure
	Rf  Rel     // write → read, one write per ordinary read
	Val []int64 // the value each event reads or writes, given Rf
}

// An Execution is a candidate completed by the model's own choices.
type Execution struct {
	*Candidate
	Co Rel // the full coherence order (initial writes first; lock writes included)
	Rf Rel // the full reads-from, lock reads included
}

// A Judgement is the model's verdict on one execution.
type Judgement struct {
	// Failed names the first check, in the order the model states them, that
	// the execution fails ("coherence", "atomic", "happens-before",
	// "propagation", "rcu", "plain-coherence", "lock-nest", ...), or is ""
	// when the execution is allowed.
	Failed string
	// Flags are the names of the flags the execution raises, sorted
	// ("data-race", "mixed-accesses", "unmatched-rcu-lock", ...). Only
	// allowed executions' flags are reported, as in herd7.
	Flags []string
}

// A Model judges candidates; a MacroModel also says how a test's
// primitives are lowered.
type Model interface {
	// Judge enumerates the model's choices for c and calls yield with each
	// resulting execution and its judgement, allowed or not; it stops early
	// when yield returns false. The Execution passed to yield is valid only
	// during the call. An error is the model's own failure on c (an
	// interpreted model's evaluation error, "file:line:col: message" in
	// a model file): Check stops and returns it.
	Judge(c *Candidate, yield func(x *Execution, j Judgement) bool) error
}
