package lsp

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	protocol "github.com/tliron/glsp/protocol_3_16"
	lsp "go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/litmusls/litmusls/checker"
	"github.com/litmusls/litmusls/syntax"
)

// showExecution runs the "Show execution" lens of u (which it expects on
// the condition's line, beside the verdict's) and returns the answer.
func (s *checkSession) showExecution(u uri.URI) ExecutionPicture {
	s.t.Helper()
	lenses, err := s.server.CodeLens(s.ctx, &lsp.CodeLensParams{TextDocument: lsp.TextDocumentIdentifier{URI: u}})
	require.NoError(s.t, err)
	var show *lsp.CodeLens
	for i, l := range lenses {
		if l.Command.Command == CommandShowExecution {
			show = &lenses[i]
		}
	}
	require.NotNil(s.t, show, "a Show execution lens among %v", lenses)
	assert.Equal(s.t, "Show execution", show.Command.Title)
	assert.Equal(s.t, lenses[0].Range, show.Range, "on the verdict's line")
	return s.execute(show.Command.Arguments...)
}

// execute runs CommandShowExecution with args.
func (s *checkSession) execute(args ...lsp.LSPAny) ExecutionPicture {
	s.t.Helper()
	res, err := s.server.ExecuteCommand(s.ctx, &lsp.ExecuteCommandParams{Command: CommandShowExecution, Arguments: args})
	require.NoError(s.t, err)
	data, err := json.Marshal(res)
	require.NoError(s.t, err)
	var pic ExecutionPicture
	require.NoError(s.t, json.Unmarshal(data, &pic))
	return pic
}

// readDOT returns the DOT file of pic, which must have one.
func readDOT(t *testing.T, pic ExecutionPicture) string {
	t.Helper()
	require.NotEmpty(t, pic.DOT, "a DOT file: %+v", pic)
	dot, err := os.ReadFile(pic.DOT)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(dot), "digraph"), "%s", dot)
	return string(dot)
}

// TestShowExecution: the lens beside the verdict draws the witness of a
// reachable outcome, and the rejected candidate of one never reached,
// with every event of the test labelled with its source text; the SVG is
// Graphviz's rendering when dot is installed. A new version is drawn from
// its own text.
func TestShowExecution(t *testing.T) {
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)

	// MP+poonceonces: Sometimes (herd7: "Positive: 1 Negative: 3"), so
	// its witness is drawn: every access of the test, with rf edges.
	const mp = uri.URI("file:///work/MP+poonceonces.litmus")
	s.open(mp, kernelTest(t, "MP+poonceonces.litmus"))
	s.next()
	pic := s.showExecution(mp)
	assert.Contains(t, pic.Title, "MP+poonceonces: an allowed execution")
	assert.Regexp(t, `/MP\+poonceonces\.dot$`, pic.DOT)
	dot := readDOT(t, pic)
	for _, ev := range []string{"WRITE_ONCE(*buf, 1)", "WRITE_ONCE(*flag, 1)", "READ_ONCE(*flag)", "READ_ONCE(*buf)"} {
		assert.Contains(t, dot, ev)
	}
	assert.Contains(t, dot, `label=" rf "`)
	if _, err := lookDot(); err == nil {
		assert.Empty(t, pic.Message)
		require.Regexp(t, `/MP\+poonceonces\.svg$`, pic.SVG)
		svg, err := os.ReadFile(pic.SVG)
		require.NoError(t, err)
		assert.Contains(t, string(svg), "<svg")
		assert.Contains(t, string(svg), "WRITE_ONCE(*buf, 1)")
	} else {
		assert.Empty(t, pic.SVG)
		assert.Contains(t, pic.Message, "install Graphviz")
	}

	// MP+pooncerelease+poacquireonce: Never (herd7: "Positive: 0
	// Negative: 3"), so the candidate reaching the outcome is drawn with
	// the cycle that the model rejects it for.
	const mpr = uri.URI("file:///work/MP+pooncerelease+poacquireonce.litmus")
	s.open(mpr, kernelTest(t, "MP+pooncerelease+poacquireonce.litmus"))
	s.next()
	pic = s.showExecution(mpr)
	assert.Contains(t, pic.Title, "rejected")
	dot = readDOT(t, pic)
	for _, ev := range []string{"WRITE_ONCE(*buf, 1)", "smp_store_release(flag, 1)", "smp_load_acquire(flag)", "READ_ONCE(*buf)"} {
		assert.Contains(t, dot, ev)
	}
	assert.Contains(t, dot, "it fails the check")

	// A BPF test: 2+2W+release+fence is Sometimes (herd7: "Positive: 1
	// Negative: 3"); its events are labelled with their instructions.
	bpfPath := filepath.Join(corpusDir(t), "bpf", "2+2W+release+fence.litmus")
	bpfText, err := os.ReadFile(bpfPath)
	require.NoError(t, err)
	bpf := uri.File(bpfPath)
	s.open(bpf, string(bpfText))
	s.next()
	pic = s.showExecution(bpf)
	assert.Contains(t, pic.Title, "2+2W+release+fence: an allowed execution")
	dot = readDOT(t, pic)
	for _, ev := range []string{"*(u32 *)(r2 + 0) = r1", "store_release((u32 *)(r4 + 0), r3)", "atomic_fetch_add((u32 *)(r6 + 0), r5)", "*(u32 *)(r4 + 0) = r3"} {
		assert.Contains(t, dot, ev)
	}

	// A new version: the picture is of its text.
	text := strings.Replace(kernelTest(t, "MP+poonceonces.litmus"), "C MP+poonceonces", "C MP-renamed", 1)
	text = strings.Replace(text, "WRITE_ONCE(*buf, 1);", "WRITE_ONCE(*buf, 1); /* moved */", 1)
	s.change(mp, 2, &lsp.TextDocumentContentChangeWholeDocument{Text: text})
	pic = s.execute(lsp.LSPAny(`"` + string(mp) + `"`)) // at once: it waits for the new version's check
	assert.Contains(t, pic.Title, "MP-renamed: an allowed execution")
	assert.Contains(t, readDOT(t, pic), "WRITE_ONCE(*buf, 1)")

	// Syntax errors: no lens, and the command says why there is nothing.
	s.change(mp, 3, &lsp.TextDocumentContentChangeWholeDocument{Text: strings.Replace(text, "READ_ONCE(*flag);", "READ_ONCE(*flag", 1)})
	lenses, err := s.server.CodeLens(s.ctx, &lsp.CodeLensParams{TextDocument: lsp.TextDocumentIdentifier{URI: mp}})
	require.NoError(t, err)
	for _, l := range lenses {
		assert.NotEqual(t, CommandShowExecution, l.Command.Command)
	}
	pic = s.execute(lsp.LSPAny(`"` + string(mp) + `"`))
	assert.Equal(t, ExecutionPicture{Message: syntaxErrorsMessage}, pic)

	// A document that is not open is an error.
	_, err = s.server.ExecuteCommand(s.ctx, &lsp.ExecuteCommandParams{Command: CommandShowExecution, Arguments: []lsp.LSPAny{lsp.LSPAny(`"file:///work/nothere.litmus"`)}})
	assert.ErrorContains(t, err, "is not open")
	s.shutdown()
}

// TestShowExecutionWithoutGraphviz: without dot on PATH, the picture is
// DOT only, and the answer says what to install.
func TestShowExecutionWithoutGraphviz(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s := startChecked(t, Options{}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/SB+poonceonces.litmus")
	s.open(u, kernelTest(t, "SB+poonceonces.litmus"))
	pic := s.showExecution(u)
	assert.Empty(t, pic.SVG)
	assert.Equal(t, noDotMessage, pic.Message)
	dot := readDOT(t, pic)
	for _, ev := range []string{"WRITE_ONCE(*x, 1)", "READ_ONCE(*y)", "WRITE_ONCE(*y, 1)", "READ_ONCE(*x)"} {
		assert.Contains(t, dot, ev)
	}
	s.shutdown()
}

// TestShowExecutionAsync: the command waits for a check still running
// without holding up the server: other requests are answered meanwhile.
func TestShowExecutionAsync(t *testing.T) {
	release := make(chan struct{})
	slow := func(ctx context.Context, f *syntax.File, opts checker.Options) (*checker.Result, error) {
		select {
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return checker.Check(ctx, f, opts)
	}
	started := make(chan struct{}, 1)
	hook := func(stage string, _ protocol.DocumentUri) {
		if stage == "showExecution" {
			started <- struct{}{}
		}
	}
	s := startChecked(t, Options{Check: slow, testHook: hook}, `{"debounce": "1ms"}`)
	const u = uri.URI("file:///work/MP+poonceonces.litmus")
	s.open(u, kernelTest(t, "MP+poonceonces.litmus"))
	done := make(chan ExecutionPicture, 1)
	go func() {
		res, err := s.server.ExecuteCommand(s.ctx, &lsp.ExecuteCommandParams{Command: CommandShowExecution, Arguments: []lsp.LSPAny{lsp.LSPAny(`"` + string(u) + `"`)}})
		var pic ExecutionPicture
		if err == nil {
			data, _ := json.Marshal(res)
			json.Unmarshal(data, &pic)
		}
		done <- pic
	}()
	select {
	case <-started:
	case <-s.ctx.Done():
		t.Fatal("the command did not start")
	}
	// The command waits for the held check; the server answers meanwhile.
	title, _ := s.lens(u)
	assert.Equal(t, "Checking…", title)
	select {
	case pic := <-done:
		t.Fatalf("answered before the check ended: %+v", pic)
	default:
	}
	close(release)
	select {
	case pic := <-done:
		assert.Contains(t, pic.Title, "an allowed execution")
		assert.Contains(t, readDOT(t, pic), "READ_ONCE(*flag)")
	case <-s.ctx.Done():
		t.Fatal("no answer")
	}
	s.shutdown()
}

// BenchmarkShowExecution measures the command's work once the check is
// cached: choosing and drawing the execution, writing the files, and
// Graphviz's dot when it is on PATH ("svg"), or DOT alone ("dot").
func BenchmarkShowExecution(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(corpusDir(b), "kernel", "MP+pooncerelease+poacquireonce.litmus"))
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"svg", "dot"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "dot" {
				b.Setenv("PATH", b.TempDir())
			} else if _, err := lookDot(); err != nil {
				b.Skip("Graphviz's dot is not installed")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ss := newSession(ctx, NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
			doc := NewDocument("file:///work/MP+pooncerelease+poacquireonce.litmus", 1, src)
			if _, err := ss.showExecution(ctx, doc); err != nil { // the check, once
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				pic, err := ss.showExecution(ctx, doc)
				if err != nil || pic.DOT == "" || (mode == "svg") != (pic.SVG != "") {
					b.Fatalf("%+v, %v", pic, err)
				}
			}
			b.StopTimer()
			os.RemoveAll(ss.genDir)
		})
	}
}
