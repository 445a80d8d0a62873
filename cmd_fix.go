package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/syntax"
)

func init() {
	commands["fix"] = command{"rewrite litmus tests with the cheapest checked fix, or relax over-fenced ones", runFix}
}

// runFix implements "litmusls fix [--dry-run] [--arch A[,B...]] [--timeout D]
// FILE...". For each C test whose bad outcome is reachable (or which has a
// data race) it finds the cheapest fix by fence synthesis; for each
// correct test it weakens the fences and markings that are stronger than
// the test needs, every step checked. It prints the edits as a diff with
// file:line:col and the verdict and cost, and, without --dry-run, writes
// them into the file, leaving the rest of its text as it was.
//
// Exit status: 0 every test is (or was made) correct, 1 some test could
// not be fixed or read, or has errors, 2 usage.
func runFix(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "print the proposed edits without writing the files")
	archList := fs.String("arch", "", "target architectures, comma-separated (x86-64, arm64, powerpc64, riscv64); the costliest counts; default x86-64,arm64,powerpc64")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of the search for each test")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls fix [--dry-run] [--arch A[,B...]] [--timeout D] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	var archs []analysis.Arch
	if *archList != "" {
		for _, name := range strings.Split(*archList, ",") {
			a, err := analysis.ParseArch(name)
			if err != nil {
				fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
				return 2
			}
			archs = append(archs, a)
		}
	}
	files, err := litmusFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
		return 2
	}
	status := 0
	cache := analysis.NewCheckCache(0)
	for _, name := range files {
		if !fixFile(name, *dryRun, archs, *timeout, cache, stdout, stderr) {
			status = 1
		}
	}
	return status
}

// fixFile fixes or relaxes one file and reports whether it ended correct.
func fixFile(name string, dryRun bool, archs []analysis.Arch, timeout time.Duration, cache *analysis.CheckCache, stdout, stderr io.Writer) bool {
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
		return false
	}
	f, text, problems, _ := loadTest(name, src)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		return false
	}
	if f.Dialect != syntax.DialectC {
		fmt.Fprintf(stdout, "%s: only C litmus tests can be fixed\n", name)
		return true
	}
	ctx := context.Background()
	syn, err := analysis.Synthesize(ctx, f, text, analysis.SynthOptions{Archs: archs, Budget: timeout, Fixes: 1, Cache: cache})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return false
	}
	base := syn.Base
	var edits []analysis.Edit
	switch {
	case base.Cutoff:
		fmt.Fprintf(stdout, "%s: the check ran out of time; nothing to propose\n", name)
		return false
	case !base.OK() && len(syn.Fixes) == 0:
		why := "no fix found"
		switch {
		case syn.Impossible:
			why = "no fix exists in the vocabulary (marking, acquire/release, fences, fully ordered atomics): the outcome does not depend on ordering"
		case syn.Cutoff:
			why = fmt.Sprintf("no fix found within %s", timeout)
		}
		fmt.Fprintf(stdout, "%s: %s (%s); %s\n", name, problemWords(base), base.Verdict, why)
		return false
	case !base.OK():
		fx := syn.Fixes[0]
		fmt.Fprintf(stdout, "%s: %s (%s); cheapest fix: %s\n", name, problemWords(base), base.Verdict, fx.Title)
		edits = fx.Edits
	default:
		rel, err := analysis.Relax(ctx, f, text, nil, analysis.FenceOptions{Archs: archs, Cache: cache})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return false
		}
		if rel == nil {
			fmt.Fprintf(stdout, "%s: correct (%s), and nothing is stronger than it needs\n", name, base.Verdict)
			return true
		}
		fmt.Fprintf(stdout, "%s: correct (%s) but over-fenced; %s (outcome stays %s; saves %s)\n",
			name, base.Verdict, analysis.JoinTitles(rel.Rewrites), rel.Outcome.Verdict, rel.Saved.Text(archs))
		edits = rel.Edits
	}
	out, err := analysis.Apply(text, edits)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return false
	}
	writeDiff(stdout, f, name, text, edits)
	if dryRun {
		return true
	}
	info, err := os.Stat(name)
	if err != nil {
		fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
		return false
	}
	if err := os.WriteFile(name, out, info.Mode().Perm()); err != nil {
		fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
		return false
	}
	return true
}

// problemWords says what is wrong with a test.
func problemWords(o *analysis.Outcome) string {
	switch {
	case o.Bad && o.Race:
		return "bad outcome reachable and a data race"
	case o.Bad:
		return "bad outcome reachable"
	}
	return "data race"
}

// writeDiff prints edits on src as a unified-style diff: one hunk per
// group of edits touching the same lines, headed by file:line:col of its
// first edit, with the unchanged lines of the hunk as context.
func writeDiff(w io.Writer, f *syntax.File, name string, src []byte, edits []analysis.Edit) {
	sorted := append([]analysis.Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	fmt.Fprintf(w, "--- %s\n+++ %s (fixed)\n", name, name)
	lineStart := func(off int) int {
		for off > 0 && src[off-1] != '\n' {
			off--
		}
		return off
	}
	lineEnd := func(off int) int { // just after the '\n' ending the line of off
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			return off + i + 1
		}
		return len(src)
	}
	for i := 0; i < len(sorted); {
		lo := lineStart(sorted[i].Span.Start)
		hi := lineEnd(max(sorted[i].Span.End-1, sorted[i].Span.Start))
		j := i + 1
		for j < len(sorted) && sorted[j].Span.Start < hi {
			hi = max(hi, lineEnd(max(sorted[j].Span.End-1, sorted[j].Span.Start)))
			j++
		}
		var local []analysis.Edit
		for _, e := range sorted[i:j] {
			local = append(local, analysis.Edit{Span: syntax.Span{Start: e.Span.Start - lo, End: e.Span.End - lo}, NewText: e.NewText})
		}
		oldSeg := src[lo:hi]
		newSeg, err := analysis.Apply(oldSeg, local)
		if err != nil {
			newSeg = oldSeg
		}
		fmt.Fprintf(w, "@@ %s @@\n", f.Lines.Position(sorted[i].Span.Start))
		oldLines, newLines := splitLines(oldSeg), splitLines(newSeg)
		p := 0
		for p < len(oldLines) && p < len(newLines) && oldLines[p] == newLines[p] {
			p++
		}
		s := 0
		for s < len(oldLines)-p && s < len(newLines)-p && oldLines[len(oldLines)-1-s] == newLines[len(newLines)-1-s] {
			s++
		}
		for _, l := range oldLines[:p] {
			fmt.Fprintf(w, " %s\n", l)
		}
		for _, l := range oldLines[p : len(oldLines)-s] {
			fmt.Fprintf(w, "-%s\n", l)
		}
		for _, l := range newLines[p : len(newLines)-s] {
			fmt.Fprintf(w, "+%s\n", l)
		}
		for _, l := range oldLines[len(oldLines)-s:] {
			fmt.Fprintf(w, " %s\n", l)
		}
		i = j
	}
}

// splitLines splits b into lines without their '\n'.
func splitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
