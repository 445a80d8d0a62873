package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/cat"
	"github.com/litmusls/litmusls/checker/litmusgen"
)

func init() {
	commands["selftest"] = command{"run generated tests through the compiled and the interpreted model and compare", runSelftest}
}

// runSelftest implements "litmusls selftest": it generates --count tests
// from seeds --seed, --seed+1, ... (package checker/litmusgen), checks
// each under the compiled model and under the interpreted cat model
// (by default the kernel's linux-kernel.cfg or herd7's bpf.cat from
// ../shared/model above the working directory; --cat names another .cfg
// or .cat file), prints "N tests, D disagreements" and writes each
// disagreement, minimized, as SEED.litmus into --out with both outputs in
// a comment. A test either model takes longer than --timeout on is
// skipped and counted. Exit status: 0 no disagreement, 1 some, 2 usage or
// a model that cannot be read.
func runSelftest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 0, "first seed")
	count := fs.Int("count", 100, "number of tests")
	model := fs.String("model", "lkmm", "lkmm (C tests) or bpf (BPF-assembly tests)")
	out := fs.String("out", ".", "directory for the minimized tests of disagreements")
	catFile := fs.String("cat", "", "the interpreted model: a .cfg or .cat file (default: ../shared/model's)")
	timeout := timeoutFlag(10 * time.Second)
	fs.Var(&timeout, "timeout", "time limit of one check: seconds (5, 2.5) or a duration (1m30s)")
	jobs := fs.Int("j", runtime.NumCPU(), "tests checked in parallel")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls selftest [--seed S] [--count N] [--model lkmm|bpf] [--out DIR] [--cat FILE] [--timeout D] [-j N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *count < 0 || *jobs < 1 {
		fs.Usage()
		return 2
	}
	var gen func(uint64) *litmusgen.Test
	switch *model {
	case "lkmm":
		gen = litmusgen.LKMM
	case "bpf":
		gen = litmusgen.BPF
	default:
		fmt.Fprintf(stderr, "litmusls selftest: unknown model %q (lkmm or bpf)\n", *model)
		return 2
	}
	interp, err := selftestModel(*model, *catFile)
	if err != nil {
		fmt.Fprintf(stderr, "litmusls selftest: %v\n", err)
		return 2
	}
	disagree, skipped, rejected, failed := 0, 0, 0, false
	litmusgen.Sweep(context.Background(), gen, *seed, *count, *jobs, interp, time.Duration(timeout), func(s uint64, t *litmusgen.Test, o litmusgen.Outcome) {
		switch {
		case o.Skipped != "":
			skipped++
		case o.Rejected != "":
			rejected++
			fmt.Fprintf(stderr, "seed %d: both models reject the generated test: %s\n", s, o.Rejected)
		case o.Diff != "":
			disagree++
			path := filepath.Join(*out, fmt.Sprintf("%s-%d.litmus", *model, s))
			text := t.String() + "\n(* litmusls selftest: the compiled and the interpreted model disagree\n" + strings.ReplaceAll(o.Diff, "*)", "* )") + "\n*)\n"
			err := os.MkdirAll(*out, 0o755)
			if err == nil {
				err = os.WriteFile(path, []byte(text), 0o644)
			}
			if err != nil {
				fmt.Fprintf(stderr, "litmusls selftest: %v\n", err)
				failed = true
			} else {
				fmt.Fprintf(stdout, "seed %d: disagreement, minimized in %s\n", s, path)
			}
		}
	})
	fmt.Fprintf(stdout, "%d tests, %d disagreements", *count, disagree)
	if skipped > 0 {
		fmt.Fprintf(stdout, ", %d skipped (cut off)", skipped)
	}
	if rejected > 0 {
		fmt.Fprintf(stdout, ", %d rejected", rejected)
	}
	fmt.Fprintln(stdout)
	if disagree > 0 || rejected > 0 || failed {
		return 1
	}
	return 0
}

// selftestModel reads the interpreted model: file (a .cfg or a .cat), or
// the default of the dialect under ../shared/model, looked for above the
// working directory.
func selftestModel(dialect, file string) (checker.Model, error) {
	if file == "" {
		rel := filepath.Join("lkmm", "linux-kernel.cfg")
		if dialect == "bpf" {
			rel = filepath.Join("bpf", "bpf.cat")
		}
		dir, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		for {
			p := filepath.Join(dir, "..", "shared", "model", rel)
			if _, err := os.Stat(p); err == nil {
				file = p
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return nil, fmt.Errorf("no ../shared/model/%s above the working directory: name the model with --cat", filepath.ToSlash(rel))
			}
			dir = parent
		}
	}
	if strings.HasSuffix(file, ".cfg") {
		return cat.NewFromConfig(file, cat.Options{})
	}
	return cat.New(file, cat.Options{})
}
