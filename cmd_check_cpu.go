package main

import (
	"context"
	"fmt"
	"os"

	"github.com/litmusls/litmusls/analysis"
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
// for -mcpu=v3 or later, with that of the weakest build of the same C
// (analysis.OldClangCaveat). When they differ it returns a note,
// "file:line:col: note: ..." at the first call whose code depends on the
// compiler, saying the code is correct only with a current compiler. name
// and src are the input's; opts are the check's.
func cpuNotes(name string, src []byte, c cLoad, res *checker.Result, opts checker.Options) []string {
	file, _ := splitScenario(name)
	o := analysis.OldClangCaveat(context.Background(), file, src, os.ReadFile, c.sc, res, opts)
	if o == nil {
		return nil
	}
	return []string{fmt.Sprintf("%s: note: %s", c.tr.Position(o.At), o.Message())}
}
