package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/checker/graph"
)

// check --graph DIR writes, for each test checked, a picture of one of its
// executions into DIR: NAME.dot, and NAME.svg when Graphviz's dot is
// installed, NAME being the test's name. The execution is the one a
// reader asks about: for an outcome never reached, a candidate execution
// that reaches it and the cycle that makes the model reject it; otherwise
// an allowed execution where the condition holds (its racing pairs
// marked). A test with nothing to draw (no candidate reaches its outcome,
// or errors, or cut off) gets a note on stderr and no file.

// noDotNote is said once when --graph finds no Graphviz.
const noDotNote = "litmusls check --graph: Graphviz's dot is not installed: writing .dot files only; install Graphviz for .svg (Debian and Ubuntu: apt-get install graphviz)"

// A picture is what --graph writes for one test, made on the checking
// goroutine and written in test order.
type picture struct {
	name string // the test's name
	dot  []byte
	svg  []byte // nil without Graphviz
	note string // why there is no picture, or ""
	err  error  // Graphviz failed on it: reported after the test's text
}

// draw makes o's picture, rendering it to SVG with the dot program at
// dotPath unless it is "".
func (o *checkOutput) draw(dotPath string) {
	r := o.Result
	if r == nil || len(r.Errors) > 0 || len(o.Errors) > 0 || o.failed != nil || o.modelErr != nil {
		return // the test's errors say why
	}
	p := &picture{name: r.Name}
	o.picture = p
	if r.Cutoff {
		p.note = "cut off: no execution drawn"
		return
	}
	g := pictureOf(o, r)
	if g == nil {
		p.note = "no execution to draw: no candidate execution reaches the condition's outcome"
		return
	}
	p.dot = g.DOT()
	if dotPath == "" {
		return
	}
	// The .dot written is the one that rendered (graph.Render).
	dot, svg, err := graph.Render(context.Background(), dotPath, g)
	if err != nil {
		p.err = err
		return
	}
	p.dot, p.svg = dot, svg
}

// pictureOf chooses the execution to draw: the rejected execution of an
// outcome never reached, else the first allowed execution where the
// condition holds. The events of a translated C file say where they are
// in the C ("prog.c:16:2") and quote the C, with the C's names.
func pictureOf(o *checkOutput, r *checker.Result) *graph.Graph {
	g := graph.Rejected(o.f, o.src, r.Reason)
	for _, w := range r.Witnesses {
		if g == nil && w != nil && w.Cond {
			g = graph.Witness(o.f, o.src, w)
		}
	}
	if file, _ := splitScenario(o.File); g != nil && isC(file) {
		for i, n := range g.Nodes {
			if n.Thread >= 0 {
				g.Nodes[i].Where = filepath.Base(o.pos(n.Span)) // "prog.c:16:2"
			}
		}
	}
	if g != nil && o.c != nil {
		o.c.relabel(g) // the C's names and text (cmd_check_c.go)
	}
	return g
}

// A graphWriter writes the pictures of one run into its directory, each
// test's files named after it; a second test of the same name gets
// "-2", "-3"... after its name.
type graphWriter struct {
	dir     string
	dotPath string          // Graphviz's dot, or "" when not installed
	used    map[string]bool // base names already written
}

// newGraphWriter prepares dir (made if missing) and looks for Graphviz,
// saying on stderr when it is missing.
func newGraphWriter(dir string, stderr io.Writer) (*graphWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	gw := &graphWriter{dir: dir, used: map[string]bool{}}
	if p, err := exec.LookPath("dot"); err == nil {
		gw.dotPath = p
	} else {
		fmt.Fprintln(stderr, noDotNote)
	}
	return gw, nil
}

// write writes p's files, or its note on stderr. The error is Graphviz's
// failure on p, or a failure to write a file.
func (gw *graphWriter) write(p *picture, file string, stderr io.Writer) error {
	if p.err != nil {
		return p.err
	}
	if p.note != "" {
		fmt.Fprintf(stderr, "%s: --graph: %s\n", file, p.note)
		return nil
	}
	base := fileName(p.name)
	for k := 2; gw.used[base]; k++ {
		base = fmt.Sprintf("%s-%d", fileName(p.name), k)
	}
	gw.used[base] = true
	if err := os.WriteFile(filepath.Join(gw.dir, base+".dot"), p.dot, 0o644); err != nil {
		return err
	}
	if p.svg != nil {
		return os.WriteFile(filepath.Join(gw.dir, base+".svg"), p.svg, 0o644)
	}
	return nil
}

// fileName makes a test's name a file name: every byte other than a
// letter, a digit or one of ".+-_=" becomes '_' ("auto/C-x" is "auto_C-x").
func fileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".+-_=", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] == '.' {
		return "_" + string(b)
	}
	return string(b)
}
