package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/graph"
	"github.com/litmusls/litmusls/syntax"
)

// herd7's graph options on "litmusls herd7". -show (and -showflag, or the
// cfg's show and showflag keys) selects executions as herd7 does
// (checker.Shown); each test's selected executions are drawn, one DOT
// graph each, into one file, as herd7 writes them:
//
//   - -o DIR: DIR/BASE.dot (BASE the test file's name without its
//     extension, then -suffix), written for every test checked, empty
//     when nothing is shown; a file that cannot be written is herd7's
//     warning "Cannot create FILE: ..." and the run goes on.
//   - -o -: on stdout before the test's text, between "DOTBEGIN BASE",
//     "DOTCOM dot" and "DOTEND BASE" lines.
//   - -gv, -view gv|evince|preview, -evince, -preview: herd7 renders the
//     file (a temporary one without -o) with Graphviz and runs the viewer
//     on it. litmusls does so when Graphviz's dot and the viewer are
//     installed (gv on PostScript, evince on PDF, macOS's "open -a
//     Preview" on PDF); otherwise it keeps the DOT file and says on stderr
//     where it is and what is missing.
//
// The pictures are litmusls's (checker/graph: clusters per thread laid out
// by dot), not herd7's neato drawings; the display keys that apply to
// them are honoured (showinitwrites, showinitrf, showpo, showlegend,
// showevents mem, fontsize, edgeattr), the others accepted.
//
// With -speedcheck fast, herd7 draws the selected executions it meets
// before the first that settles the condition, in its order: litmusls
// draws them all and says so on stderr.
//
// -nshow N keeps the first N selected executions. herd7 stops its whole
// run once it has shown N, so its counts are then partial, in herd7's own
// order, which litmusls does not reproduce: when a test has more than N,
// litmusls prints the full run's text and says so on stderr.

// herd7Graph is what the graph options ask for.
type herd7Graph struct {
	outDir string // -o: a directory, "-" for stdout, or "" for none
	view   string // "gv", "evince", "preview", or "" for none
	suffix string // -suffix: after the file's base name
	flag   string // -showflag: the flag selecting executions (show "flag")
	style  graph.Style
}

// herd7GraphOpts are the graph options, added to herd7Opts.
func herd7GraphOpts() map[string]herd7Opt {
	boolOpt := func(set func(s *graph.Style, b bool)) herd7Opt {
		return herd7Opt{optBool, nil, func(o *herd7Options, v string) error {
			b, _ := strconv.ParseBool(v)
			set(&o.gr.style, b)
			return nil
		}}
	}
	view := func(v string) func(o *herd7Options, _ string) error {
		return func(o *herd7Options, _ string) error { o.gr.view = v; return nil }
	}
	return map[string]herd7Opt{
		"-gv":      {optNone, nil, view("gv")},
		"-evince":  {optNone, nil, view("evince")},
		"-preview": {optNone, nil, view("preview")},
		"-view": {optTag, []string{"gv", "evince", "preview"}, func(o *herd7Options, v string) error {
			o.gr.view = strings.ToLower(v)
			return nil
		}},
		"-o":      {optString, nil, func(o *herd7Options, v string) error { o.gr.outDir = v; return nil }},
		"-suffix": {optString, nil, func(o *herd7Options, v string) error { o.gr.suffix = v; return nil }},
		"-showflag": {optString, nil, func(o *herd7Options, v string) error {
			o.show, o.gr.flag = "flag", v
			return nil
		}},
		"-showone": {optBool, nil, func(o *herd7Options, v string) error {
			if b, _ := strconv.ParseBool(v); b {
				o.nshow = 1
			}
			return nil
		}},
		"-showinitwrites": boolOpt(func(s *graph.Style, b bool) { s.InitWrites = b }),
		"-showinitrf":     boolOpt(func(s *graph.Style, b bool) { s.InitRf = b }),
		"-showpo":         boolOpt(func(s *graph.Style, b bool) { s.Po = b }),
		"-showlegend":     boolOpt(func(s *graph.Style, b bool) { s.Legend = b }),
	}
}

func init() {
	for k, v := range herd7GraphOpts() {
		herd7Opts[k] = v
	}
}

// displayKey reads a cfg's display key: those that apply to litmusls's
// pictures change o.gr, the others are accepted. The error is herd7's
// message for a bad value.
func (o *herd7Options) displayKey(key, v string) error {
	b := func(set *bool) error {
		x, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return errors.New("bool parameter expected")
		}
		*set = x
		return nil
	}
	s := &o.gr.style
	switch key {
	case "showinitwrites":
		return b(&s.InitWrites)
	case "showinitrf":
		return b(&s.InitRf)
	case "showpo":
		return b(&s.Po)
	case "showlegend":
		return b(&s.Legend)
	case "showevents":
		switch v {
		case "all", "noregs", "noreg", "memf", "memfence", "memfault", "nobranches", "nobranch":
			s.MemOnly = false
		case "mem", "memory":
			s.MemOnly = true
		default:
			return errors.New("bad tags for showevents, allowed tag are all,mem,noregs,memf,nobranches")
		}
	case "fontsize":
		if v == "none" {
			s.FontSize = 0
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("integer parameter expected")
		}
		s.FontSize = float64(n)
	case "edgeattr":
		parts := strings.Split(v, ",")
		if len(parts) != 3 {
			return fmt.Errorf("bad ->ument for key edgeattr: '%s'", v)
		}
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		s.EdgeAttrs = append(s.EdgeAttrs, graph.EdgeAttr{Rel: parts[0], Name: parts[1], Value: parts[2]})
	case "view":
		switch strings.ToLower(v) {
		case "gv", "evince", "preview":
			o.gr.view = strings.ToLower(v)
		default:
			return errors.New("bad tags for view, allowed tag are gv,evince,preview")
		}
	case "suffix":
		o.gr.suffix = v
	case "showflag":
		o.show, o.gr.flag = "flag", v
	}
	return nil
}

// showSelect is the selection -show and -nshow make, and whether there is
// anything to do for it: pictures to write, or -nshow's cut to note.
func (o *herd7Options) showSelect() (checker.ShowSelect, bool) {
	sel := checker.ShowSelect{Kind: checker.ShowFlag, Flag: o.gr.flag, Max: o.nshow}
	if o.show != "flag" {
		sel.Kind, _ = checker.ParseShowKind(o.show)
	}
	active := o.gr.outDir != "" || (o.gr.view != "" && sel.Kind != checker.ShowNone) || (o.nshow > 0 && sel.Kind != checker.ShowNone)
	return sel, active
}

// herd7Base is the base name of a test's graph file, as herd7's
// Test_herd.basename: the file's name without its extension.
func herd7Base(name string) string {
	base := filepath.Base(name)
	if ext := filepath.Ext(base); ext != "" {
		return strings.TrimSuffix(base, ext)
	}
	return base
}

// graphs draws the executions of test name that the options select, as
// herd7's -show, -nshow, -o and -gv do, after result was checked. It
// writes into res: DOT text on its stdout for -o -, notes and warnings on
// its stderr.
func (r *herd7Run) graphs(name string, f *syntax.File, src []byte, opts checker.Options, result *checker.Result, res *herd7Result) {
	o := r.o
	sel, active := o.showSelect()
	if !active {
		return
	}
	shown, err := checker.Shown(context.Background(), f, opts, sel)
	if err != nil {
		panic(err) // the model failed on a second run: Check did not
	}
	if shown.Cutoff {
		// Check finished within -timeout, this second pass did not.
		fmt.Fprintf(&res.errs, "%s: %s: -timeout stopped the search for the executions to draw: %d drawn, there may be more\n", o.prog, name, len(shown.Executions))
	}
	if o.speed == "fast" && shown.Total > 0 {
		fmt.Fprintf(&res.errs, "%s: %s: -speedcheck fast: herd7 stops at the first execution that settles the condition, in its own order, and draws only those it selected before; litmusls draws every one it selects\n", o.prog, name)
	}
	if o.nshow > 0 && shown.Total > o.nshow {
		what := "-show " + o.show
		if o.show == "flag" {
			what = "-showflag " + o.gr.flag
		}
		fmt.Fprintf(&res.errs, "%s: %s: -nshow %d: herd7 stops once it has shown %d of the %d executions %s selects, in its own order, and then prints partial counts; litmusls draws the first %d in its order and prints the full run's counts\n",
			o.prog, name, o.nshow, o.nshow, shown.Total, what, o.nshow)
	}
	// Graphviz 2.43 fails on some of DOT's pictures, none of
	// DOTRanked's: the latter replace the former where it fails.
	var dot, ranked bytes.Buffer
	for _, w := range shown.Executions {
		g := graph.Witness(f, src, w)
		g.Title = "Test " + result.Name // herd7's legend
		g = g.Restyle(o.gr.style)
		dot.Write(g.DOT())
		ranked.Write(g.DOTRanked())
	}
	if len(shown.Executions) > 1 {
		// Graphviz 2.43 crashes on some files of several of DOT's
		// pictures (each alone lays out; a double free between them),
		// never on DOTRanked's: where it is installed and fails, the
		// file holds the latter.
		if dotPath, err := exec.LookPath("dot"); err == nil {
			if _, err := graph.SVG(context.Background(), dotPath, dot.Bytes()); err != nil {
				dot = ranked
			}
		}
	}
	base := herd7Base(name) + o.gr.suffix
	var file string
	switch o.gr.outDir {
	case "-":
		fmt.Fprintf(&res.out, "\nDOTBEGIN %s\nDOTCOM dot\n%s\nDOTEND %s\n", base, dot.Bytes(), base)
	case "":
		if o.gr.view == "" || len(shown.Executions) == 0 {
			return
		}
		tmp, err := os.CreateTemp("", "herd*.dot")
		if err == nil {
			_, err = tmp.Write(dot.Bytes())
			if cerr := tmp.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(&res.errs, "Warning: Cannot create temporary file: %v\n", err)
			return
		}
		file = tmp.Name()
	default:
		file = filepath.Join(o.gr.outDir, base+".dot")
		if err := os.WriteFile(file, dot.Bytes(), 0o644); err != nil {
			// herd7: "Cannot create FILE: Sys_error's message".
			msg := err.Error()
			var pe *os.PathError
			if errors.As(err, &pe) {
				e := pe.Err.Error()
				if e != "" {
					e = strings.ToUpper(e[:1]) + e[1:]
				}
				msg = pe.Path + ": " + e
			}
			fmt.Fprintf(&res.errs, "Warning: Cannot create %s: %s\n", file, msg)
			return
		}
	}
	if o.gr.view != "" && file != "" && len(shown.Executions) > 0 {
		if why := viewGraphs(o.gr.view, file, ranked.Bytes()); why != "" {
			fmt.Fprintf(&res.errs, "%s: %s: execution graphs written to %s (%s)\n", o.prog, name, file, why)
		} else if o.gr.outDir == "" {
			os.Remove(file) // herd7 erases its temporary file too
		}
	}
}

// viewGraphs shows a DOT file as herd7's -view does: Graphviz's dot
// renders it (PostScript for gv, PDF for the others) beside it, the
// viewer runs on that, and the rendering is removed when the viewer
// exits. When dot fails, the file is rewritten with ranked, the same
// pictures laid out as DOTRanked, and rendered again. It returns why it
// could not show them, or "".
func viewGraphs(view, file string, ranked []byte) string {
	prog, args, ext := view, []string(nil), "pdf"
	switch view {
	case "gv":
		ext = "ps"
	case "preview":
		if runtime.GOOS != "darwin" {
			return "-view preview runs macOS's Preview"
		}
		prog, args = "open", []string{"-a", "Preview"}
	}
	dot, err := exec.LookPath("dot")
	if err != nil {
		return "Graphviz's dot is not installed to render them: apt-get install graphviz"
	}
	viewer, err := exec.LookPath(prog)
	if err != nil {
		return prog + " is not installed to show them"
	}
	out := strings.TrimSuffix(file, ".dot") + "." + ext
	render := func() error {
		msg, err := exec.Command(dot, "-T"+ext, "-o", out, file).CombinedOutput()
		if err != nil {
			return fmt.Errorf("graphviz dot failed: %v: %s", err, strings.TrimSpace(string(msg)))
		}
		return nil
	}
	if err := render(); err != nil {
		if werr := os.WriteFile(file, ranked, 0o644); werr != nil {
			return werr.Error()
		}
		if err := render(); err != nil {
			return err.Error()
		}
	}
	defer os.Remove(out)
	if err := exec.Command(viewer, append(args, out)...).Run(); err != nil {
		return fmt.Sprintf("%s %s: %v", prog, out, err)
	}
	return ""
}
