package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// An OldClang says that a scenario of annotated BPF C is correct only as
// clang 20 and later build it at -mcpu=v3 or later: with -mcpu=v1/v2 or a
// clang before 20, an unused __sync_fetch_and_add (bpf_atomic.h's smp_mb()
// among them) is the non-fetching add, which orders nothing, and the
// verdict is another.
type OldClang struct {
	At   bpfc.Loc // the first call whose code depends on the compiler
	What string   // what that call is, in words
	Now  string   // the verdict as checked, e.g. "Never"
	Then string   // the verdict of the older build, e.g. "Sometimes with a data race"
}

// Message is the caveat as a diagnostic or a note says it.
func (o *OldClang) Message() string {
	return fmt.Sprintf("correct only with clang 20 or later at -mcpu=v3 or later (clang's default since 20): %s, and with -mcpu=v1/v2 or a clang before 20 it orders nothing; the result is then %s, not %s", o.What, o.Then, o.Now)
}

// OldClangCaveat translates the annotated C file (its text src, other files
// read with load) again as -mcpu=v1/v2 or a clang before 20 build it,
// checks scenario sc there with opts, and compares with res, sc's result
// as translated for -mcpu=v3 or later. It returns nil when sc has no call
// whose code depends on the compiler, when the verdicts (and the data race
// flag) agree, or when the older build cannot be checked.
func OldClangCaveat(ctx context.Context, file string, src []byte, load func(string) ([]byte, error), sc *bpfc.Scenario, res *checker.Result, opts checker.Options) *OldClang {
	if sc == nil || res == nil || len(sc.CPUSensitive) == 0 || sc.CPU < bpfc.CPUv3 || len(res.Errors) > 0 || res.Cutoff {
		return nil
	}
	tr, err := bpfc.TranslateOptions(file, src, load, bpfc.Options{CPU: sc.CPU, OldClang: true})
	if err != nil {
		return nil
	}
	for _, n := range tr.Notes {
		if n.IsError() {
			return nil
		}
	}
	var weak *bpfc.Scenario
	for _, s := range tr.Scenarios {
		if s.Name == sc.Name {
			weak = s
		}
	}
	if weak == nil {
		return nil
	}
	opts.Explain = false
	wres, err := checker.Check(ctx, weak.File, opts)
	if err != nil || len(wres.Errors) > 0 || wres.Cutoff {
		return nil
	}
	race := func(r *checker.Result) string {
		if slices.Contains(r.Flags, "data-race") {
			return " with a data race"
		}
		return ""
	}
	now, then := res.Verdict+race(res), wres.Verdict+race(wres)
	if now == then {
		return nil
	}
	at := sc.CPUSensitive[0]
	what := "this call's result is unused"
	if at.File == file && at.Span.End <= len(src) && strings.HasPrefix(string(src[at.Span.Start:at.Span.End]), "smp_") {
		what = "bpf_atomic.h's barrier is an unused __sync_fetch_and_add"
	}
	return &OldClang{At: at, What: what, Now: now, Then: then}
}
