package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/checker/graph"
)

// CommandShowExecution is the command that draws an execution of a
// litmus test, the one a reader asks about (as `litmusls check --graph`
// chooses it): for an outcome never reached, a candidate execution that
// reaches it and the cycle that makes the model reject it; otherwise an
// allowed execution where the condition holds, its racing pairs marked.
// Its one argument is the document's URI; it draws the version open when
// the request arrives, from that version's check (waiting for it when it
// is still running). It answers with an [ExecutionPicture].
const CommandShowExecution = "litmusls.showExecution"

// An ExecutionPicture is the answer to [CommandShowExecution]: the files
// written in the session's temporary directory, named after the
// document. Each run writes them again.
type ExecutionPicture struct {
	// SVG is the path of the picture rendered by Graphviz's dot, or ""
	// when dot is not installed or failed (Message then says so).
	SVG string `json:"svg,omitempty"`
	// DOT is the path of the picture in Graphviz's DOT language, or ""
	// when there is nothing to draw (Message then says why).
	DOT string `json:"dot,omitempty"`
	// Title says what is drawn ("MP: an allowed execution").
	Title string `json:"title,omitempty"`
	// Message, when not "", is for the user: why there is no picture, or
	// why it is DOT only.
	Message string `json:"message,omitempty"`
}

// The messages of an [ExecutionPicture].
const (
	noDotMessage        = "Graphviz's dot is not installed: the execution is written as DOT only. Install Graphviz to see it as a picture (Debian and Ubuntu: apt-get install graphviz; macOS: brew install graphviz)."
	nothingDrawnMessage = "No execution to draw: no candidate execution reaches the condition's outcome."
	cutoffMessage       = "The check was cut off by its budget: no execution drawn. Raise the checkBudget setting to draw one."
	syntaxErrorsMessage = "No execution to draw: fix the syntax errors first."
	cSourceMessage      = "Show execution works on litmus tests: open the litmus test generated for a scenario (its code lens) and show the execution there."
)

// lookDot finds Graphviz's dot; tests change PATH to hide it.
func lookDot() (string, error) { return exec.LookPath("dot") }

// executionLens is the lens that runs CommandShowExecution on doc, beside
// the verdict's on the condition's line r; none while the test has
// syntax errors.
func executionLens(doc *Document, p *parsedFile, r protocol.Range) (protocol.CodeLens, bool) {
	if len(p.errs) > 0 {
		return protocol.CodeLens{}, false
	}
	return protocol.CodeLens{Range: r, Command: &protocol.Command{
		Title:     "Show execution",
		Command:   CommandShowExecution,
		Arguments: []any{string(doc.URI)},
	}}, true
}

// asyncCommands answers CommandShowExecution off the read loop and hands
// every other message to next. glsp runs handlers one at a time, and
// drawing may wait for the check and for Graphviz, so the request is
// answered from a goroutine: the handler only takes the document's
// current version (so the picture is of the text the user saw when
// asking) and returns. Requests before initialize or after shutdown go to
// next, which refuses them.
type asyncCommands struct {
	ss   *session
	next jsonrpc2.Handler
}

func (a asyncCommands) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	ss := a.ss
	if req.Notif || req.Method != string(protocol.MethodWorkspaceExecuteCommand) || req.Params == nil ||
		!ss.handler.IsInitialized() || ss.wasShutdown() || ss.ctx.Err() != nil {
		a.next.Handle(ctx, conn, req)
		return
	}
	var params protocol.ExecuteCommandParams
	if err := json.Unmarshal(*req.Params, &params); err != nil || params.Command != CommandShowExecution {
		a.next.Handle(ctx, conn, req)
		return
	}
	doc, err := ss.executionDocument(params.Arguments)
	if err != nil {
		a.reply(conn, req.ID, nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: err.Error()})
		return
	}
	ss.checks.wg.Add(1) // Serve waits for it, as for the checks
	go func() {
		defer ss.checks.wg.Done()
		ss.hook("showExecution", doc.URI)
		pic, err := ss.showExecution(ss.ctx, doc)
		if err != nil {
			a.reply(conn, req.ID, nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: err.Error()})
			return
		}
		a.reply(conn, req.ID, pic, nil)
	}()
}

// reply answers the request id with result, or with rpcErr when it is
// not nil. The connection may have ended meanwhile: nothing to answer.
func (a asyncCommands) reply(conn *jsonrpc2.Conn, id jsonrpc2.ID, result any, rpcErr *jsonrpc2.Error) {
	var err error
	if rpcErr != nil {
		err = conn.ReplyWithError(a.ss.ctx, id, rpcErr)
	} else {
		err = conn.Reply(a.ss.ctx, id, result)
	}
	if err != nil && a.ss.ctx.Err() == nil {
		a.ss.log.Warn("reply failed", "method", protocol.MethodWorkspaceExecuteCommand, "error", err)
	}
}

// executionDocument returns the open document that args, the arguments
// of CommandShowExecution, name.
func (ss *session) executionDocument(args []any) (*Document, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("%s takes a document URI", CommandShowExecution)
	}
	uri, _ := args[0].(string)
	doc := ss.docs.get(protocol.DocumentUri(uri))
	if doc == nil {
		return nil, fmt.Errorf("%s is not open", uri)
	}
	return doc, nil
}

// showExecution draws the execution of doc that CommandShowExecution
// names, writing the files into the session's temporary directory. It
// runs in the background; a panic becomes its error. Problems in the test
// (syntax errors, nothing to draw, a check cut off) are the answer's
// Message, not errors.
func (ss *session) showExecution(ctx context.Context, doc *Document) (pic *ExecutionPicture, err error) {
	defer func() {
		if p := recover(); p != nil {
			pic, err = nil, panicked(ss.log, "drawing the execution", doc.URI, p)
		}
	}()
	if doc.Lang == LangC {
		return &ExecutionPicture{Message: cSourceMessage}, nil
	}
	p := doc.parsed()
	if len(p.errs) > 0 {
		return &ExecutionPicture{Message: syntaxErrorsMessage}, nil
	}
	r, _, err := ss.checks.checked(ctx, p)
	if err != nil {
		return nil, err
	}
	if r.res.Cutoff {
		return &ExecutionPicture{Message: cutoffMessage}, nil
	}
	g := graph.Rejected(p.f, p.text, r.res.Reason)
	for _, w := range r.res.Witnesses {
		if g == nil && w != nil && w.Cond {
			g = graph.Witness(p.f, p.text, w)
		}
	}
	if g == nil {
		return &ExecutionPicture{Message: nothingDrawnMessage}, nil
	}
	dir, err := ss.translationDir()
	if err != nil {
		return nil, err
	}
	base := filepath.Join(dir, executionFileName(doc.URI))
	pic = &ExecutionPicture{Title: g.Title, DOT: base + ".dot"}
	dot := g.DOT()
	var svg []byte
	if dotPath, lookErr := lookDot(); lookErr != nil {
		pic.Message = noDotMessage
	} else if dot, svg, err = graph.Render(ctx, dotPath, g); err != nil {
		// The DOT written is the one that rendered, or g.DOT().
		pic.Message = fmt.Sprintf("Graphviz's dot failed on the picture (%v): the execution is written as DOT only.", err)
	}
	if err := writeReplacing(pic.DOT, dot); err != nil {
		return nil, err
	}
	if svg != nil {
		pic.SVG = base + ".svg"
		if err := writeReplacing(pic.SVG, svg); err != nil {
			return nil, err
		}
	}
	return pic, nil
}

// executionFileName names the files of a document's picture after the
// document ("MP+poonceonces" for .../MP+poonceonces.litmus).
func executionFileName(uri protocol.DocumentUri) string {
	name := path.Base(string(uri))
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return safeFileName(name)
}

// writeReplacing writes data to name through a temporary file renamed
// over it, so that an editor reading name never sees half a picture.
func writeReplacing(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(f.Name(), name)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}
