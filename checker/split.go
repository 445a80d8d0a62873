package checker

import (
	"context"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// This file splits one structure's candidates across workers, so that a
// test of one big structure (an RCU ring of 19 processes: one structure,
// 524,288 candidates) uses every core. The results do not depend on the
// scheduling: each part's counts, states and flags are collected apart
// and merged, and sums and unions do not depend on order.

// An execSink collects the allowed executions of one part of a
// structure's candidates.
type execSink struct {
	pos, neg, k int
	local       map[string]State
	flags       map[string]bool
}

func newExecSink() *execSink {
	return &execSink{local: map[string]State{}, flags: map[string]bool{}}
}

// minSplit is the fewest candidates of a structure worth splitting.
const minSplit = 4096

// splitWhole judges the candidates of b, a structure of lm that qualifies
// for whole subtrees (see wholeJudge), on up to workers goroutines: the
// choices of the first reads make the parts, each judged whole-subtree
// first as candidatesWhole does. mk makes, for one part, the sink and the
// function judging each candidate (of b's copy it is given). Each
// goroutine has its own copy of the structure, so the model's
// per-structure cache and buffers are not shared. splitWhole returns the
// parts' sinks, or nil when b has too few candidates to split (the caller
// then judges b itself). A panic in a part is raised again here.
func splitWhole(ctx context.Context, b *built, lm *LKMM, allow func(k, w int) bool, workers int, mk func(b *built, wj *wholeJudge) (*execSink, func(c *Candidate, whole bool) bool)) []*execSink {
	sources := b.allowedSources(allow)
	total := 1
	for _, src := range sources {
		total = min(total*len(src), 1<<30)
	}
	if total < minSplit {
		return nil
	}
	// The parts: every choice of the first depth reads, with at least
	// 8 parts per worker so that uneven parts even out.
	depth, parts := 0, 1
	for depth < len(sources) && parts < 8*workers {
		parts *= len(sources[depth])
		depth++
	}
	var prefixes [][]int
	cur := make([]int, depth)
	var rec func(k int)
	rec = func(k int) {
		if k == depth {
			prefixes = append(prefixes, append([]int(nil), cur...))
			return
		}
		for _, w := range sources[k] {
			cur[k] = w
			rec(k + 1)
		}
	}
	rec(0)
	if len(prefixes) < 2 {
		return nil
	}
	sinks := make([]*execSink, len(prefixes))
	var next atomic.Int64
	var wg sync.WaitGroup
	var crash atomic.Pointer[workerPanic]
	for range min(workers, len(prefixes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					crash.CompareAndSwap(nil, &workerPanic{value: v, stack: debug.Stack()})
				}
			}()
			s := *b.Structure
			s.Cache = nil
			own := *b
			own.Structure = &s
			wj := lm.wholeJudge(&s)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(prefixes) || ctx.Err() != nil || crash.Load() != nil {
					return
				}
				sk, f := mk(&own, wj)
				own.candidatesWhole(ctx, prefixes[i], allow, wj.allows, f)
				sinks[i] = sk
			}
		}()
	}
	wg.Wait()
	if c := crash.Load(); c != nil {
		panic(c)
	}
	out := sinks[:0]
	for _, sk := range sinks {
		if sk != nil {
			out = append(out, sk)
		}
	}
	return out
}
