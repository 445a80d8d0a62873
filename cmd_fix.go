package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/litmusls/litmusls/analysis"
	"github.com/litmusls/litmusls/analysis/cfix"
	"github.com/litmusls/litmusls/analysis/primitive"
	"github.com/litmusls/litmusls/analysis/rewrite"
	"github.com/litmusls/litmusls/syntax"
	"github.com/litmusls/litmusls/syntax/bpfc"
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
// An annotated C file is fixed in its C (cfix.FixCFile): the diff and
// its positions are the C's, and each fix is verified by translating the
// edited C again and checking its scenarios. When no C fix can be found,
// fix says "FILE: cannot fix: REASON" and leaves the file alone. A fix
// that also edits the file a "with" annotation names is written only when
// that file is among the files to fix too (named, or below a directory
// named); else it is refused. A correct C file is weakened only with
// --relax: its scenarios speak for the code they annotate, not for the
// rest of the program. A directory gives its *.litmus files and its
// annotated *.c and *.h files.
//
// Nothing but the files to fix is ever written, and a file only when its
// text changes: to a temporary file in its directory, with its mode, then
// renamed over it. A panic while fixing one file is that file's error
// ("FILE: internal error: VALUE" and the stack on stderr); the file is left
// as it was and the other files are fixed all the same.
//
// Exit status: 0 every test is (or was made) correct, 1 some test could
// not be fixed or read, or has errors, 2 usage.
func runFix(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "print the proposed edits without writing the files")
	archList := fs.String("arch", "", "target architectures, comma-separated (x86-64, arm64, powerpc64, riscv64); the costliest counts; default x86-64,arm64,powerpc64")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of the search for each test")
	relax := fs.Bool("relax", false, "also weaken an annotated C file's over-strong ordering (litmus tests are always relaxed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: litmusls fix [--dry-run] [--relax] [--arch A[,B...]] [--timeout D] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	r := &fixRun{dryRun: *dryRun, relax: *relax, timeout: *timeout, cache: rewrite.NewCheckCache(0), stdout: stdout, stderr: stderr}
	if *archList != "" {
		for _, name := range strings.Split(*archList, ",") {
			a, err := primitive.ParseArch(name)
			if err != nil {
				fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
				return 2
			}
			r.archs = append(r.archs, a)
		}
	}
	files, err := r.expand(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "litmusls fix: %v\n", err)
		return 2
	}
	return r.run(files)
}

// A fixRun is one run of "litmusls fix": its options and the files it was
// asked to change.
type fixRun struct {
	dryRun  bool
	relax   bool // weaken correct annotated C files too
	archs   []primitive.Arch
	timeout time.Duration
	cache   *rewrite.CheckCache
	stdout  io.Writer
	stderr  io.Writer
	// targets holds the absolute path of every file the run may change:
	// the files named, and the *.litmus, *.c and *.h files below the
	// directories named. A fix of a C file that also edits the file a
	// "with" annotation names is written only when that file is here.
	targets map[string]bool
	inputs  []input
}

// expand expands the arguments: a file is taken as it is; a directory
// gives every *.litmus file below it and every *.c and *.h file that
// carries litmus annotations, in lexical order (see expandPaths). It
// fails on the first path it cannot read, and records the targets.
func (r *fixRun) expand(args []string) ([]input, error) {
	r.targets = map[string]bool{}
	var out []input
	for _, in := range expandPaths(args, func(p string) bool { return isLitmus(p) || isC(p) }) {
		if in.err != nil {
			return nil, in.err
		}
		r.targets[absPath(in.name)] = true
		if !in.explicit && isC(in.name) {
			src, err := os.ReadFile(in.name)
			if err != nil {
				return nil, err
			}
			if !bytes.Contains(src, []byte("litmus:")) {
				continue
			}
		}
		out = append(out, in)
	}
	r.inputs = out
	return out, nil
}

// absPath returns the absolute, cleaned form of path (path itself when it
// has none).
func absPath(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return filepath.Clean(path)
}

// run fixes each file in turn and returns the exit status.
func (r *fixRun) run(files []input) int {
	status := 0
	for _, in := range files {
		if !r.contained(in) {
			status = 1
		}
	}
	return status
}

// contained fixes one file and reports whether it ended correct. A panic
// while fixing it is that file's error, "FILE: internal error: VALUE" and
// the stack on stderr, and the file is left as it was (every write comes
// after all the work).
func (r *fixRun) contained(in input) (ok bool) {
	if err := contain(func() { ok = r.fixFile(in) }); err != nil {
		reportFailure(r.stderr, in.name, err)
		return false
	}
	return ok
}

// fixFile fixes or relaxes one file and reports whether it ended correct.
func (r *fixRun) fixFile(in input) bool {
	name := in.name
	src, err := os.ReadFile(name)
	if err != nil {
		fmt.Fprintf(r.stderr, "litmusls fix: %v\n", err)
		return false
	}
	callInputHook(name)
	if isC(name) {
		return r.fixC(in, src)
	}
	f, errs := syntax.Parse(name, src)
	if len(errs) > 0 {
		io.WriteString(r.stderr, errs.Format(f.Lines))
		return false
	}
	if f.Dialect != syntax.DialectC {
		fmt.Fprintf(r.stdout, "%s: only C litmus tests can be fixed\n", name)
		return true
	}
	ctx := context.Background()
	syn, err := rewrite.Synthesize(ctx, f, src, rewrite.SynthOptions{Archs: r.archs, Budget: r.timeout, Fixes: 1, Cache: r.cache})
	if err != nil {
		fmt.Fprintf(r.stderr, "%s: %v\n", name, err)
		return false
	}
	base := syn.Base
	var edits []analysis.Edit
	switch {
	case base.Cutoff:
		fmt.Fprintf(r.stdout, "%s: the check ran out of time; nothing to propose\n", name)
		return false
	case !base.OK() && len(syn.Fixes) == 0:
		why := "no fix found"
		switch {
		case syn.Impossible:
			why = "no fix exists in the vocabulary (marking, acquire/release, fences, fully ordered atomics): the outcome does not depend on ordering"
		case syn.Cutoff:
			why = fmt.Sprintf("no fix found within %s", r.timeout)
		}
		fmt.Fprintf(r.stdout, "%s: %s (%s); %s\n", name, base.Problem(), base.Verdict, why)
		return false
	case !base.OK():
		fx := syn.Fixes[0]
		fmt.Fprintf(r.stdout, "%s: %s (%s); cheapest fix: %s\n", name, base.Problem(), base.Verdict, fx.Title)
		edits = fx.Edits
	default:
		rel, err := rewrite.Relax(ctx, f, src, nil, rewrite.FenceOptions{Archs: r.archs, Cache: r.cache})
		if err != nil {
			fmt.Fprintf(r.stderr, "%s: %v\n", name, err)
			return false
		}
		if rel == nil {
			fmt.Fprintf(r.stdout, "%s: correct (%s), and nothing is stronger than it needs\n", name, base.Verdict)
			return true
		}
		fmt.Fprintf(r.stdout, "%s: correct (%s) but over-fenced; %s (outcome stays %s; saves %s)\n",
			name, base.Verdict, rewrite.JoinTitles(rel.Rewrites), rel.Outcome.Verdict, rel.Saved.Text(r.archs))
		edits = rel.Edits
	}
	return r.write([]fileEdit{{name: name, old: src, edits: edits, lines: f.Lines}})
}

// A fileEdit is the change of one file: its text as read and the edits
// on it.
type fileEdit struct {
	name  string
	old   []byte
	edits []analysis.Edit
	lines *syntax.Lines // of old, for the positions of the diff
}

// write prints the diff of each change and, unless the run is dry, writes
// the files: every new text to a temporary file first, then each renamed
// over its file. It reports whether all went well.
func (r *fixRun) write(changes []fileEdit) bool {
	var staged []stagedFile
	for _, c := range changes {
		out, err := analysis.Apply(c.old, c.edits)
		if err != nil {
			fmt.Fprintf(r.stderr, "%s: %v\n", c.name, err)
			return false
		}
		if bytes.Equal(out, c.old) {
			continue
		}
		writeDiff(r.stdout, c.lines, c.name, c.old, c.edits)
		staged = append(staged, stagedFile{name: c.name, old: c.old, new: out})
	}
	if r.dryRun {
		return true
	}
	if err := replaceFiles(staged); err != nil {
		fmt.Fprintf(r.stderr, "litmusls fix: %v\n", err)
		return false
	}
	return true
}

// fixC fixes an annotated C file in its C, with the C quick fixes of
// cfix.FixCFile, or says why it cannot and leaves it alone.
func (r *fixRun) fixC(in input, src []byte) bool {
	name := in.name
	cannot := func(format string, args ...any) bool {
		fmt.Fprintf(r.stdout, "%s: cannot fix: %s\n", name, fmt.Sprintf(format, args...))
		return false
	}
	tr, err := bpfc.Translate(name, src, os.ReadFile)
	if err != nil {
		return cannot("%v", err)
	}
	nerrs := 0
	for _, n := range tr.Notes {
		if n.IsError() {
			fmt.Fprintf(r.stderr, "%s: %s\n", tr.Position(bpfc.Loc{File: n.File, Span: n.Span}), n.Msg)
			nerrs++
		}
	}
	if nerrs > 0 {
		return cannot("the C has %d %s", nerrs, plural(nerrs, "error", "errors"))
	}
	if len(tr.Scenarios) == 0 {
		if !in.explicit {
			return true // threads for another file's "with"; check skips it too
		}
		if by := r.namedWith(name); by != "" {
			fmt.Fprintf(r.stdout, "%s: no scenario of its own; its threads take part in those of %s\n", name, by)
			return true
		}
		return cannot("no litmus scenario: annotate threads with // litmus: thread and add // litmus: exists (...)")
	}
	fx, err := cfix.FixCFile(context.Background(), tr, rewrite.ActionOptions{Archs: r.archs, SynthBudget: r.timeout, Cache: r.cache})
	if err != nil {
		fmt.Fprintf(r.stderr, "%s: %v\n", name, err)
		return false
	}
	label := func(scenario string) string {
		if len(fx.Scenarios) > 1 && scenario != "" {
			return name + "#" + scenario
		}
		return name
	}
	if fx.Problem != "" {
		fmt.Fprintf(r.stdout, "%s: cannot fix: %s\n", label(fx.Scenario), fx.Problem)
		return false
	}
	verdicts := func(os []*analysis.Outcome) string {
		if len(os) == 1 {
			return os[0].Verdict
		}
		parts := make([]string, len(os))
		for i, o := range os {
			parts[i] = fx.Scenarios[i] + " " + o.Verdict
		}
		return strings.Join(parts, ", ")
	}
	switch {
	case len(fx.Steps) == 0:
		fmt.Fprintf(r.stdout, "%s: correct (%s), and nothing is stronger than it needs\n", name, verdicts(fx.Base))
		return true
	case fx.Relaxed:
		stays := "outcome stays "
		if len(fx.After) > 1 {
			stays = "outcomes stay "
		}
		fmt.Fprintf(r.stdout, "%s: correct (%s) but over-fenced; %s (%s%s; saves %s)\n",
			name, verdicts(fx.Base), fx.RelaxTitle(), stays, verdicts(fx.After), fx.Saved.Text(r.archs))
		if !r.relax {
			// The scenarios describe only the part of the program they
			// annotate: weakening real code on their word alone is the
			// user's call.
			fmt.Fprintf(r.stdout, "%s: not weakened: the scenarios cover only what they annotate; run fix --relax to apply it\n", name)
			return true
		}
	default:
		for _, s := range fx.Steps {
			cost := (&rewrite.SynthFix{Cost: s.Cost}).CostText(r.archs)
			title := strings.TrimSuffix(s.Title, ")") + "; " + cost + ")"
			fmt.Fprintf(r.stdout, "%s: %s (%s); cheapest fix: %s\n", label(s.Scenario), s.Base.Problem(), s.Base.Verdict, title)
		}
	}
	// The files the fix edits: this one, and the "with" files it names
	// when they are targets of the run too.
	var changes []fileEdit
	edited := map[string][]byte{}
	for _, s := range tr.Sources {
		es := fx.Edits[s.Name]
		if len(es) == 0 {
			continue
		}
		if s.Name != name && !r.targets[absPath(s.Name)] {
			return cannot("the fix also edits %s, which is not among the files to fix; name both: litmusls fix %s %s", s.Name, name, s.Name)
		}
		out, err := analysis.Apply(s.Text, es)
		if err != nil {
			return cannot("the fix does not apply: %v", err)
		}
		edited[s.Name] = out
		changes = append(changes, fileEdit{name: s.Name, old: s.Text, edits: es, lines: s.Lines})
	}
	if len(fx.Edits) > len(changes) {
		return cannot("the fix edits a file that is not part of the translation")
	}
	// The edited C must still translate as cleanly, with the same
	// scenarios: FixCFile verified it; this guards what is written.
	main := src
	if t, ok := edited[name]; ok {
		main = t
	}
	ntr, err := bpfc.Translate(name, main, func(path string) ([]byte, error) {
		if t, ok := edited[path]; ok {
			return t, nil
		}
		if s := tr.Source(path); s != nil {
			return s.Text, nil
		}
		return os.ReadFile(path)
	})
	if err != nil || len(ntr.Scenarios) != len(tr.Scenarios) || errorNotes(ntr) > 0 {
		return cannot("the fixed C does not translate as the C did (a bug of litmusls)")
	}
	return r.write(changes)
}

// namedWith returns the first other input of the run whose translation
// takes the threads of the file name through a "with" annotation, or "".
func (r *fixRun) namedWith(name string) string {
	me := absPath(name)
	for _, in := range r.inputs {
		if !isC(in.name) || absPath(in.name) == me {
			continue
		}
		src, err := os.ReadFile(in.name)
		if err != nil || !bytes.Contains(src, []byte("litmus:")) {
			continue
		}
		tr, err := bpfc.Translate(in.name, src, os.ReadFile)
		if err != nil {
			continue
		}
		for _, s := range tr.Sources[1:] {
			if absPath(s.Name) == me {
				return in.name
			}
		}
	}
	return ""
}

// errorNotes counts the error notes of a translation.
func errorNotes(tr *bpfc.Translation) int {
	n := 0
	for _, note := range tr.Notes {
		if note.IsError() {
			n++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeDiff prints edits on src as a unified-style diff: one hunk per
// group of edits touching the same lines, headed by file:line:col of its
// first edit, with the unchanged lines of the hunk as context.
func writeDiff(w io.Writer, lines *syntax.Lines, name string, src []byte, edits []analysis.Edit) {
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
		fmt.Fprintf(w, "@@ %s @@\n", lines.Position(sorted[i].Span.Start))
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
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
