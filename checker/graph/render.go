package graph

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// RenderTimeout bounds one run of Graphviz's dot.
const RenderTimeout = time.Minute

// SVG runs Graphviz's dot at dotPath on a DOT text and returns the SVG.
func SVG(ctx context.Context, dotPath string, dot []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, RenderTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, dotPath, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("graphviz dot: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	return out.Bytes(), nil
}

// Render lays g out as SVG with Graphviz's dot at dotPath. Graphviz 2.43
// fails on some pictures ("trouble in init_rank") but lays out every one
// whose edges all take part in the ranking, so Render tries that form
// (DOTRanked) when the first fails. It returns the DOT text that rendered
// with its SVG, or g.DOT() and the error of the second try.
func Render(ctx context.Context, dotPath string, g *Graph) (dot, svg []byte, err error) {
	dot = g.DOT()
	if svg, err = SVG(ctx, dotPath, dot); err == nil {
		return dot, svg, nil
	}
	ranked := g.DOTRanked()
	if svg, err = SVG(ctx, dotPath, ranked); err != nil {
		return dot, nil, err
	}
	return ranked, svg, nil
}
