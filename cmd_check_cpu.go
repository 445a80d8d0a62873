package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax/bpfc"
)

// A cpuFlag is the value of --bpf-cpu: v1, v2, v3 or v4.
type cpuFlag bpfc.CPU

func (f *cpuFlag) String() string { return bpfc.CPU(*f).String() }

func (f *cpuFlag) Set(s string) error {
	c := bpfc.ParseCPU(s)
	if c == bpfc.CPUDefault {
		return fmt.Errorf("want v1, v2, v3 or v4")
	}
	*f = cpuFlag(c)
	return nil
}

// cpuNotes compares the verdict res of the scenario c checked, translated
// for -mcpu=v3 or later, with that of the weakest build of the same C:
// -mcpu=v1/v2 or a clang before 20, where an unused __sync_fetch_and_add
// (and bpf_atomic.h's smp_mb()) orders nothing. When they differ it
// returns a note, "file:line:col: note: ..." at the first such call,
// saying the code is correct only with a current compiler. name and src
// are the input's; opts and bpf those of the check.
func cpuNotes(name string, src []byte, c cLoad, res *checker.Result, opts checker.Options, bpf bpfc.Options) []string {
	sc := c.sc
	if sc == nil || len(sc.CPUSensitive) == 0 || sc.CPU < bpfc.CPUv3 {
		return nil
	}
	file, _ := splitScenario(name)
	tr, err := bpfc.TranslateOptions(file, src, os.ReadFile, bpfc.Options{CPU: sc.CPU, OldClang: true})
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
	wres, err := checker.Check(context.Background(), weak.File, opts)
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
	what := "this call's result is unused"
	if k := sc.CPUSensitive[0]; k.Span.End <= len(src) && k.File == file && strings.HasPrefix(string(src[k.Span.Start:k.Span.End]), "smp_") {
		what = "bpf_atomic.h's barrier is an unused __sync_fetch_and_add"
	}
	return []string{fmt.Sprintf("%s: note: correct only with clang 20 or later at -mcpu=v3 or later (clang's default since 20): %s, and with -mcpu=v1/v2 or a clang before 20 it orders nothing; the result is then %s, not %s",
		c.tr.Position(sc.CPUSensitive[0]), what, then, now)}
}
