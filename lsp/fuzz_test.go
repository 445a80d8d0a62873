package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.lsp.dev/jsonrpc2"
	lsp "go.lsp.dev/protocol"
)

// FuzzEditStream decodes its input into a stream of didChange
// notifications, with an occasional close and reopen (see
// decodeEditStream), sends them to a server over a real
// JSON-RPC connection, and checks after each one that the server's text is
// the text a reference client computes on its own (refApply). At the end
// it checks that the last version's diagnostics arrive with ranges inside
// the text (the second phase's too), that requests at a fuzzed position
// are answered, and that the server logged no error or panic.
//
// The client writes the JSON itself, so that it can send what a sloppy
// client would: invalid UTF-8 bytes inside strings, and \u escapes of
// lone UTF-16 surrogates (which a JavaScript client sends for a string
// that holds half an emoji). The server decodes JSON with encoding/json,
// which turns each invalid byte, and each escaped surrogate not followed
// by its other half, into U+FFFD; the reference client makes the same
// replacement (wireText.decoded), so the texts are compared after it. The
// server's text is therefore always valid UTF-8.
//
// Where the LSP specification says nothing, the reference follows the
// server's documented choices (see Document.Apply, Mapper and doc.go): a
// reversed range replaces nothing and inserts at its start; a character
// between the halves of a surrogate pair means the start of the pair;
// lines end at "\n" and "\r\n" only, a lone '\r' being an ordinary
// character (the specification would also break lines there).
func FuzzEditStream(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkEditStream(t, decodeEditStream(data))
	})
}

// TestEditStreamSeeds checks that the seed corpus committed under
// testdata/fuzz/FuzzEditStream holds exactly the seeds written in
// editStreamSeeds, so that each seed file is explained by readable code,
// and that testdata/fuzz/failing/FuzzEditStream holds those of
// failingEditStreamSeeds: inputs that show a known bug (see
// /work/notes/lsp-bugs.md), kept out of the corpus until it is fixed; then
// they move to editStreamSeeds. LITMUSLS_WRITE_SEEDS=1 rewrites the files.
func TestEditStreamSeeds(t *testing.T) {
	for _, set := range []struct {
		dir   string
		seeds map[string][]byte
	}{
		{filepath.Join("testdata", "fuzz", "FuzzEditStream"), editStreamSeeds()},
		{filepath.Join("testdata", "fuzz", "failing", "FuzzEditStream"), failingEditStreamSeeds()},
	} {
		if os.Getenv("LITMUSLS_WRITE_SEEDS") != "" {
			require.NoError(t, os.MkdirAll(set.dir, 0o755))
			for name, data := range set.seeds {
				require.NoError(t, os.WriteFile(filepath.Join(set.dir, name), seedFile(data), 0o644))
			}
		}
		for name, data := range set.seeds {
			got, err := os.ReadFile(filepath.Join(set.dir, name))
			require.NoError(t, err, "seed %s: run with LITMUSLS_WRITE_SEEDS=1", name)
			assert.Equal(t, string(seedFile(data)), string(got), "seed %s: run with LITMUSLS_WRITE_SEEDS=1", name)
		}
		entries, err := os.ReadDir(set.dir)
		if len(set.seeds) == 0 && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		require.NoError(t, err)
		for _, e := range entries {
			if _, ok := set.seeds[e.Name()]; !ok && !e.IsDir() {
				t.Errorf("%s is not a written seed: if the fuzzer found it, describe the bug in /work/notes/lsp-bugs.md and write it in failingEditStreamSeeds", filepath.Join(set.dir, e.Name()))
			}
		}
	}

	// The seeds reach the cases they are named for.
	seeds := editStreamSeeds()
	s := decodeEditStream(seeds["invalid-utf8"])
	assert.Contains(t, s.edits[len(s.edits)-1].want, "\uFFFD")
	s = decodeEditStream(seeds["lone-surrogates"])
	assert.Contains(t, s.edits[len(s.edits)-1].want, "\uFFFD😀")
	s = decodeEditStream(seeds["reversed"])
	assert.Greater(t, s.edits[0].changes[0].start.Character, s.edits[0].changes[0].end.Character)
	s = decodeEditStream(seeds["past-end"])
	assert.Equal(t, uint32(math.MaxUint32), s.edits[2].changes[0].end.Line)
}

// TestWireTextDecoded checks the reference client's model of JSON
// decoding against encoding/json, which the server uses, on every pair of
// pieces with a raw byte between them, and on hand-written cases.
func TestWireTextDecoded(t *testing.T) {
	check := func(w wireText) string {
		t.Helper()
		var got string
		require.NoError(t, json.Unmarshal(w.appendJSON(nil), &got), "%s", w.appendJSON(nil))
		require.Equal(t, got, w.decoded(), "%s", w.appendJSON(nil))
		return got
	}
	for _, a := range fuzzPieces {
		for _, b := range fuzzPieces {
			for _, mid := range []string{"", "\xc3", "\xa9", "\xff"} {
				check(slices.Concat(a, raw(mid), b))
			}
		}
	}
	for _, tt := range []struct {
		w    wireText
		want string
	}{
		{raw("a\xffb"), "a\uFFFDb"},
		{raw("\xe6\xbc"), "\uFFFD\uFFFD"},
		{slices.Concat(raw("\xe6\xbc"), raw("\xa2")), "漢"},
		{raw("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD"},
		{esc(0xd83d), "\uFFFD"},
		{esc(0xd83d, 0xde00), "😀"},
		{esc(0xde00, 0xd83d), "\uFFFD\uFFFD"},
		{esc(0xd83d, 0xd83d, 0xde00), "\uFFFD😀"},
		{slices.Concat(esc(0xd83d), raw("x"), esc(0xde00)), "\uFFFDx\uFFFD"},
		{raw("\"\\\x00\r\n"), "\"\\\x00\r\n"},
	} {
		assert.Equal(t, tt.want, check(tt.w), "%s", tt.w.appendJSON(nil))
	}
}

// TestRefOffset checks the reference client's position conversion on
// cases worked out by hand.
func TestRefOffset(t *testing.T) {
	const text = "a😀b\r\né\r\n\rc\n"
	for _, tt := range []struct {
		p     lsp.Position
		off   int
		exact bool
	}{
		{lsp.Position{Line: 0, Character: 0}, 0, true},
		{lsp.Position{Line: 0, Character: 1}, 1, true},
		{lsp.Position{Line: 0, Character: 2}, 1, false}, // inside 😀
		{lsp.Position{Line: 0, Character: 3}, 5, true},
		{lsp.Position{Line: 0, Character: 4}, 6, true}, // before "\r\n"
		{lsp.Position{Line: 0, Character: 5}, 6, false},
		{lsp.Position{Line: 1, Character: 0}, 8, true},
		{lsp.Position{Line: 1, Character: 1}, 10, true},
		{lsp.Position{Line: 1, Character: 9}, 10, false},
		{lsp.Position{Line: 2, Character: 1}, 13, true}, // a lone '\r' is a character
		{lsp.Position{Line: 2, Character: 2}, 14, true},
		{lsp.Position{Line: 3, Character: 0}, 15, true}, // the empty last line
		{lsp.Position{Line: 3, Character: 1}, 15, false},
		{lsp.Position{Line: 4, Character: 0}, 15, false},
		{lsp.Position{Line: math.MaxUint32, Character: math.MaxUint32}, 15, false},
	} {
		off, exact := refOffset(text, tt.p)
		assert.Equal(t, tt.off, off, "%v", tt.p)
		assert.Equal(t, tt.exact, exact, "%v", tt.p)
	}
}

// seedFile is data in the fuzzing engine's corpus file format.
func seedFile(data []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", data)
}

// # The wire: JSON strings as the client writes them

// A wirePart is a piece of a JSON string as the client writes it: raw
// bytes, written as they are (even when they are not UTF-8), or one \u
// escape of a UTF-16 code unit.
type wirePart struct {
	raw    string // when !escape: the bytes
	escape bool
	unit   uint16 // when escape: the code unit
}

// A wireText is a JSON string's contents as the client writes them.
type wireText []wirePart

// appendJSON appends w as a JSON string. Of the raw bytes only '"', '\\'
// and control characters are escaped, as JSON requires; bytes that are
// not UTF-8 go out as they are.
func (w wireText) appendJSON(dst []byte) []byte {
	dst = append(dst, '"')
	for _, p := range w {
		if p.escape {
			dst = fmt.Appendf(dst, `\u%04x`, p.unit)
			continue
		}
		for i := 0; i < len(p.raw); i++ {
			switch b := p.raw[i]; {
			case b == '"' || b == '\\':
				dst = append(dst, '\\', b)
			case b < 0x20:
				dst = fmt.Appendf(dst, `\u%04x`, b)
			default:
				dst = append(dst, b)
			}
		}
	}
	return append(dst, '"')
}

// decoded is the string a JSON decoder that replaces what is not Unicode
// (as encoding/json does) makes of w: each byte that is not part of valid
// UTF-8 becomes U+FFFD, an escaped high surrogate directly followed by an
// escaped low one is the pair's character, and any other escaped surrogate
// is U+FFFD.
func (w wireText) decoded() string {
	var out, raw strings.Builder
	flush := func() {
		// Converting to runes replaces each invalid byte with U+FFFD.
		out.WriteString(string([]rune(raw.String())))
		raw.Reset()
	}
	// Empty raw parts write nothing: they do not separate escapes.
	w = slices.DeleteFunc(slices.Clone(w), func(p wirePart) bool { return !p.escape && p.raw == "" })
	for i := 0; i < len(w); i++ {
		p := w[i]
		if !p.escape {
			raw.WriteString(p.raw)
			continue
		}
		flush()
		r := rune(p.unit)
		switch {
		case utf16.IsSurrogate(r) && i+1 < len(w) && w[i+1].escape:
			if pair := utf16.DecodeRune(r, rune(w[i+1].unit)); pair != utf8.RuneError {
				r = pair
				i++
			} else {
				r = utf8.RuneError
			}
		case utf16.IsSurrogate(r):
			r = utf8.RuneError
		}
		out.WriteRune(r)
	}
	flush()
	return out.String()
}

// # The reference client

// refLineStarts returns the byte offset of the start of each line of text.
// Lines end at '\n' (see FuzzEditStream for '\r').
func refLineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// refLine returns the byte offsets of the start of line i of text and of
// the end of its content, before its "\n" or "\r\n" (or at EOF).
func refLine(text string, starts []int, i int) (start, end int) {
	start, end = starts[i], len(text)
	if i+1 < len(starts) {
		end = starts[i+1] - 1
		if end > start && text[end-1] == '\r' {
			end--
		}
	}
	return start, end
}

// refLineUnits returns the length of line i of text in UTF-16 code units.
func refLineUnits(text string, starts []int, i int) int {
	start, end := refLine(text, starts, i)
	return len(utf16.Encode([]rune(text[start:end])))
}

// refOffset converts p to a byte offset of text (valid UTF-8), walking the
// UTF-16 code units of its line; it reports whether p is a position of the
// text as it is. Otherwise it clamps as the specification says: a line
// past the end means the end of the document, a character past the end of
// its line the line's end; a character inside a surrogate pair means the
// pair's start.
func refOffset(text string, p lsp.Position) (offset int, exact bool) {
	starts := refLineStarts(text)
	if uint64(p.Line) >= uint64(len(starts)) {
		return len(text), false
	}
	start, end := refLine(text, starts, int(p.Line))
	var units uint64
	for i, r := range text[start:end] {
		if units == uint64(p.Character) {
			return start + i, true
		}
		units += uint64(utf16.RuneLen(r))
		if units > uint64(p.Character) {
			return start + i, false // p is inside r's surrogate pair
		}
	}
	return end, units == uint64(p.Character)
}

// A fuzzChange is one content change of a didChange notification.
type fuzzChange struct {
	whole       bool // no range: the text replaces the whole document
	rangeNull   bool // when whole: say so with "range": null
	start, end  lsp.Position
	rangeLength *uint32 // the deprecated rangeLength, which servers ignore; or nil
	text        wireText
}

// refApply returns text after c, as the reference client sees it.
func refApply(text string, c fuzzChange) string {
	if c.whole {
		return c.text.decoded()
	}
	start, _ := refOffset(text, c.start)
	end, _ := refOffset(text, c.end)
	end = max(start, end) // a reversed range replaces nothing
	return text[:start] + c.text.decoded() + text[end:]
}

// appendJSON appends c as a TextDocumentContentChangeEvent.
func (c fuzzChange) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	switch {
	case !c.whole:
		dst = fmt.Appendf(dst, `"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},`,
			c.start.Line, c.start.Character, c.end.Line, c.end.Character)
	case c.rangeNull:
		dst = append(dst, `"range":null,`...)
	}
	if c.rangeLength != nil {
		dst = fmt.Appendf(dst, `"rangeLength":%d,`, *c.rangeLength)
	}
	dst = append(dst, `"text":`...)
	dst = c.text.appendJSON(dst)
	return append(dst, '}')
}

// # Decoding the fuzzer's bytes

// An editStream is what FuzzEditStream sends: a document to open, then
// didChange notifications, each with the text the client has after it.
type editStream struct {
	open  wireText
	edits []fuzzEdit
	pos   lsp.Position // the last position decoded, for the final requests
}

// A fuzzEdit is one didChange notification, or a didClose followed by a
// didOpen of a new text.
type fuzzEdit struct {
	changes []fuzzChange // of a didChange; may be empty
	reopen  bool         // close the document, then open it with text
	text    wireText     // when reopen
	want    string       // the reference client's text after it
}

// maxFuzzChanges bounds the content changes of one stream.
const maxFuzzChanges = 64

// The op bytes of notifications other than a didChange with changes.
const (
	reopenOp = 0x1f // didClose, then didOpen with a text
	emptyOp  = 0x1e // didChange with no content changes
)

// The kinds of content change, the first byte of each change.
const (
	changeRange       = iota // a range, then the text
	changeWhole              // the text, which replaces the document
	changeRangeNull          // the same, with "range": null
	changeRangeLength        // a range, a rangeLength byte, then the text
	changeKinds
)

// Bytes that encode positions past the end (see streamReader.position).
const (
	pastEnd = 0xf0 // a line past the last, or a character past the line's end, plus 0 to 14
	huge    = 0xff // 2³²-1
)

// fuzzPieces are the bits of text that text bytes below 0x80 choose: line
// breaks of each kind, multi-byte characters, JSON's special characters,
// escaped surrogates and bits of litmus tests.
var fuzzPieces = []wireText{
	raw("a"), raw("b"), raw("c"), raw("x"), raw("y"), raw("z"), raw(" "), raw("\t"), raw("\n"), raw("\r\n"), raw("\r"), raw("\r\r\n"),
	raw("é"), raw("漢"), raw("😀"), raw("𝔸"), raw("\ufeff"), raw("\u2028"),
	raw(";"), raw("{"), raw("}"), raw("(*"), raw("*)"), raw(`"`), raw(`\`), raw("\x00"), raw("\x7f"),
	esc(0xd83d), esc(0xde00), esc(0xd83d, 0xde00), esc(0x00e9), esc(0x000a),
	raw("C t\n{ x=0; }\n"),
	raw("P0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n"),
	raw("P1(int *x)\n{\n\tint r0;\n\tr0 = smp_load_acquire(x);\n}\n"),
	raw("exists (1:r0=1)\n"),
	raw(litmusPiece),
}

// litmusPiece is a whole test that parses and checks, so that edits of it
// run the checker.
const litmusPiece = "C MP\n{}\n\nP0(int *x, int *y)\n{\n\tWRITE_ONCE(*x, 1);\n\tWRITE_ONCE(*y, 1);\n}\n\n" +
	"P1(int *x, int *y)\n{\n\tint r0;\n\tint r1;\n\n\tr0 = READ_ONCE(*y);\n\tr1 = READ_ONCE(*x);\n}\n\nexists (1:r0=1 /\\ 1:r1=0)\n"

func raw(s string) wireText { return wireText{{raw: s}} }

func esc(units ...uint16) wireText {
	var w wireText
	for _, u := range units {
		w = append(w, wirePart{escape: true, unit: u})
	}
	return w
}

// A streamReader hands out the fuzzer's bytes, then zeros.
type streamReader struct{ data []byte }

func (r *streamReader) next() byte {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

// text decodes a count byte (modulo 16) and that many parts: a byte below
// 0x80 chooses one of fuzzPieces, any other is written raw. Raw bytes in a
// row make one part, so they can spell valid UTF-8 too.
func (r *streamReader) text() wireText {
	var w wireText
	for range r.next() % 16 {
		b := r.next()
		if b < 0x80 {
			w = append(w, fuzzPieces[int(b)%len(fuzzPieces)]...)
			continue
		}
		if n := len(w); n > 0 && !w[n-1].escape {
			w[n-1].raw += string([]byte{b})
		} else {
			w = append(w, wirePart{raw: string([]byte{b})})
		}
	}
	return w
}

// position decodes a line byte and a character byte into a position of
// text: below pastEnd, a line modulo the number of lines and a character
// modulo the line's length plus one (which may fall inside a surrogate
// pair); pastEnd+k, the k-th line past the last, or k units past the end of
// the line; huge, 2³²-1.
func (r *streamReader) position(text string) lsp.Position {
	lb, cb := r.next(), r.next()
	starts := refLineStarts(text)
	var p lsp.Position
	switch {
	case lb == huge:
		p.Line = math.MaxUint32
	case lb >= pastEnd:
		p.Line = uint32(len(starts)) + uint32(lb-pastEnd)
	default:
		p.Line = uint32(lb) % uint32(len(starts))
	}
	n := 0
	if uint64(p.Line) < uint64(len(starts)) {
		n = refLineUnits(text, starts, int(p.Line))
	}
	switch {
	case cb == huge:
		p.Character = math.MaxUint32
	case cb >= pastEnd:
		p.Character = uint32(n) + uint32(cb-pastEnd)
	default:
		p.Character = uint32(cb) % uint32(n+1)
	}
	return p
}

// decodeEditStream decodes data: the text to open, then notifications
// until the data or maxFuzzChanges run out. A notification starts with an
// op byte: in the ops reopenOp (modulo 32) and emptyOp, the document is
// closed and opened again with a text that follows, or changed with no
// content changes; in any other, the op modulo 4, plus one, is the number
// of changes that follow. A change is a kind byte (modulo changeKinds), a
// range for the kinds that have one (two positions, in either order), and
// a text. Positions are decoded against the text left by the changes
// before, as a client computes them.
func decodeEditStream(data []byte) editStream {
	r := &streamReader{data: data}
	s := editStream{open: r.text()}
	text := s.open.decoded()
	changes := 0
	for len(r.data) > 0 && changes < maxFuzzChanges {
		var e fuzzEdit
		op := r.next()
		n := 1 + op%4
		switch op % 32 {
		case reopenOp:
			e.reopen, e.text = true, r.text()
			text = e.text.decoded()
			n = 0
			changes++
		case emptyOp:
			n = 0
			changes++
		}
		for range n {
			var c fuzzChange
			switch r.next() % changeKinds {
			case changeRange:
				c.start, c.end = r.position(text), r.position(text)
			case changeWhole:
				c.whole = true
			case changeRangeNull:
				c.whole, c.rangeNull = true, true
			case changeRangeLength:
				c.start, c.end = r.position(text), r.position(text)
				n := uint32(r.next())
				c.rangeLength = &n
			}
			c.text = r.text()
			if !c.whole {
				s.pos = c.start
			}
			text = refApply(text, c)
			e.changes = append(e.changes, c)
			changes++
		}
		e.want = text
		s.edits = append(s.edits, e)
	}
	return s
}

// # Driving the server

// fuzzURI names the fuzzed document.
const fuzzURI = "file:///work/fuzz.litmus"

// fuzzClient is a JSON-RPC client of a session served as Server.Serve
// does, whose documents the test can read.
type fuzzClient struct {
	t     *testing.T
	ctx   context.Context
	ss    *session
	conn  jsonrpc2.Conn      // the client's end
	end   <-chan struct{}    // closed when the server's end of the connection closes
	stop  context.CancelFunc // ends the session, as Serve does when the connection ends
	logs  *syncBuffer
	diags chan published
}

// startFuzzClient serves a new session over a socket pair, as Serve does
// (through session.connect) but keeping the session, and initializes it with no debounce and a short
// check budget.
func startFuzzClient(t *testing.T) *fuzzClient {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	logs := &syncBuffer{}
	srv := NewServer(Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	serverEnd, clientEnd := socketPair(t)
	sctx, scancel := context.WithCancel(ctx)
	ss := newSession(sctx, srv)
	sconn := ss.connect(sctx, serverEnd)

	c := &fuzzClient{t: t, ctx: ctx, ss: ss, stop: scancel, end: sconn.DisconnectNotify(), logs: logs, diags: make(chan published, 16*maxFuzzChanges)}
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(clientEnd), jsonrpc2.WithCodec(codec{}))
	c.conn.Go(ctx, func(_ context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() != lsp.MethodTextDocumentPublishDiagnostics {
			return nil, fmt.Errorf("unexpected %s", req.Method())
		}
		var p lsp.PublishDiagnosticsParams
		if err := lsp.Unmarshal(bytes.Clone(req.Params()), &p); err != nil {
			return nil, err
		}
		c.diags <- published{params: &p}
		return nil, nil
	})
	t.Cleanup(func() {
		c.conn.Close()
		serverEnd.Close()
		scancel()
		cancel()
		ss.diag.wait()
		ss.checks.wait()
	})

	var res jsonrpc2.RawMessage
	c.call(lsp.MethodInitialize, `{"capabilities": {}, "initializationOptions": {"debounce": "0s", "checkBudget": "200ms"}}`, &res)
	c.notify(lsp.MethodInitialized, []byte(`{}`))
	return c
}

func (c *fuzzClient) notify(method string, params []byte) {
	c.t.Helper()
	require.NoError(c.t, c.conn.Notify(c.ctx, method, jsonrpc2.RawMessage(params)), method)
}

// call sends a request and requires an answer, which may be an error
// response (returned) but not a failure of the connection.
func (c *fuzzClient) call(method, params string, result any) error {
	c.t.Helper()
	_, err := c.conn.Call(c.ctx, method, jsonrpc2.RawMessage(params), result)
	var rpcErr *jsonrpc2.Error
	if err != nil && !errors.As(err, &rpcErr) {
		require.NoError(c.t, err, "%s: the connection failed", method)
	}
	return err
}

// text returns the server's current text of the fuzzed document, once the
// server has handled everything sent before.
func (c *fuzzClient) text() (string, int32) {
	c.t.Helper()
	var syms jsonrpc2.RawMessage
	require.NoError(c.t, c.call(lsp.MethodTextDocumentDocumentSymbol, `{"textDocument": {"uri": "`+fuzzURI+`"}}`, &syms))
	doc := c.ss.docs.get(fuzzURI)
	require.NotNil(c.t, doc, "the document is not open")
	return string(doc.Text), doc.Version
}

// didOpenParams are the params of a didOpen of the fuzzed document.
func didOpenParams(version int32, text wireText) []byte {
	params := fmt.Appendf(nil, `{"textDocument": {"uri": %q, "languageId": "litmus", "version": %d, "text": `, fuzzURI, version)
	return append(text.appendJSON(params), "}}"...)
}

// checkEditStream sends s to a new session and checks the server keeps the
// reference client's text.
func checkEditStream(t *testing.T, s editStream) {
	// Were the reference client's model of JSON decoding wrong, a
	// difference below would blame the server: check the model first.
	texts := []wireText{s.open}
	for _, e := range s.edits {
		texts = append(texts, e.text)
		for _, c := range e.changes {
			texts = append(texts, c.text)
		}
	}
	for _, w := range texts {
		var got string
		require.NoError(t, json.Unmarshal(w.appendJSON(nil), &got))
		require.Equal(t, got, w.decoded(), "the reference's decoding of %s", w.appendJSON(nil))
	}

	c := startFuzzClient(t)
	c.notify(lsp.MethodTextDocumentDidOpen, didOpenParams(1, s.open))
	want := s.open.decoded()
	got, v := c.text()
	require.Equal(t, want, got, "after didOpen")
	require.Equal(t, int32(1), v)

	version := int32(1)
	for i, e := range s.edits {
		version++
		if e.reopen {
			c.notify(lsp.MethodTextDocumentDidClose, fmt.Appendf(nil, `{"textDocument": {"uri": %q}}`, fuzzURI))
			c.notify(lsp.MethodTextDocumentDidOpen, didOpenParams(version, e.text))
			got, v := c.text()
			require.Equal(t, e.want, got, "after reopening (edit %d)", i)
			require.Equal(t, version, v)
			want = e.want
			continue
		}
		msg := fmt.Appendf(nil, `{"textDocument": {"uri": %q, "version": %d}, "contentChanges": [`, fuzzURI, version)
		for j, ch := range e.changes {
			if j > 0 {
				msg = append(msg, ',')
			}
			msg = ch.appendJSON(msg)
		}
		msg = append(msg, "]}"...)
		c.notify(lsp.MethodTextDocumentDidChange, msg)
		got, v := c.text()
		require.Equal(t, e.want, got, "after edit %d: %s", i, msg)
		require.Equal(t, version, v)
		want = e.want
	}

	// The last version's diagnostics arrive, then its second phase, if
	// any (once every run is done); all have ranges in the text.
	var last []*lsp.PublishDiagnosticsParams
	for len(last) == 0 {
		select {
		case p := <-c.diags:
			if v, _ := p.params.Version.Get(); v == version {
				last = append(last, p.params)
			}
		case <-c.ctx.Done():
			t.Fatalf("no diagnostics for version %d; log:\n%s", version, c.logs)
		}
	}
	c.ss.diag.wait()
	c.text() // the client has handled what the server sent before its answer
	for more := true; more; {
		select {
		case p := <-c.diags:
			if v, _ := p.params.Version.Get(); v == version {
				last = append(last, p.params)
			}
		default:
			more = false
		}
	}
	inText := func(r lsp.Range, what string) {
		start, ok := refOffset(want, r.Start)
		assert.True(t, ok, "%s starts at %v, outside %q", what, r.Start, want)
		end, ok := refOffset(want, r.End)
		assert.True(t, ok, "%s ends at %v, outside %q", what, r.End, want)
		assert.LessOrEqual(t, start, end, "%s %v is reversed", what, r)
	}
	for _, p := range last {
		for _, d := range p.Diagnostics {
			inText(d.Range, "diagnostic "+code(d))
			for _, rel := range d.RelatedInformation {
				inText(rel.Location.Range, "related information of "+code(d))
			}
		}
	}

	// Requests at the last position the stream used, which may lie outside
	// the text, are answered.
	at := fmt.Sprintf(`{"textDocument": {"uri": %q}, "position": {"line": %d, "character": %d}}`, fuzzURI, s.pos.Line, s.pos.Character)
	doc := fmt.Sprintf(`{"textDocument": {"uri": %q}}`, fuzzURI)
	for _, req := range []struct{ method, params string }{
		{lsp.MethodTextDocumentHover, at},
		{lsp.MethodTextDocumentCompletion, at},
		{lsp.MethodTextDocumentDefinition, at},
		{lsp.MethodTextDocumentSemanticTokensFull, doc},
		{lsp.MethodTextDocumentFormatting, fmt.Sprintf(`{"textDocument": {"uri": %q}, "options": {"tabSize": 8, "insertSpaces": false}}`, fuzzURI)},
		{lsp.MethodTextDocumentCodeLens, doc},
		{lsp.MethodTextDocumentCodeAction, fmt.Sprintf(`{"textDocument": {"uri": %q}, "range": {"start": {"line": %d, "character": %d}, "end": {"line": %d, "character": %d}}, "context": {"diagnostics": []}}`,
			fuzzURI, s.pos.Line, s.pos.Character, s.pos.Line, s.pos.Character)},
	} {
		var res jsonrpc2.RawMessage
		if err := c.call(req.method, req.params, &res); err != nil {
			assert.NotContains(t, err.Error(), "internal error", req.method)
			assert.NotContains(t, err.Error(), "bug", req.method)
		}
	}

	var res jsonrpc2.RawMessage
	require.NoError(t, c.call(lsp.MethodShutdown, `null`, &res))
	c.notify(lsp.MethodExit, nil)
	select {
	case <-c.end:
	case <-c.ctx.Done():
		t.Fatal("the server did not close the connection after exit")
	}
	c.stop()
	c.ss.diag.wait()
	c.ss.checks.wait()
	logs := c.logs.String()
	assert.NotContains(t, logs, "level=ERROR", "the server logged an error")
	assert.NotContains(t, logs, "panic")
}

// # Seeds

// Helpers that spell seeds in decodeEditStream's format.

// text is a text of the given pieces (indexes of fuzzPieces, found by
// their raw text) and raw bytes (anything that is not a piece, one byte at
// a time, each 0x80 or above).
func seedText(parts ...any) []byte {
	out := []byte{byte(len(parts))}
	for _, p := range parts {
		switch p := p.(type) {
		case wireText:
			out = append(out, byte(pieceIndex(p)))
		case string:
			out = append(out, byte(pieceIndex(raw(p))))
		case byte:
			out = append(out, p)
		}
	}
	return out
}

func pieceIndex(w wireText) int {
	for i, p := range fuzzPieces {
		if slices.Equal(p, w) {
			return i
		}
	}
	panic(fmt.Sprintf("no piece %v", w))
}

// seedEdit is a notification of the given changes.
func seedEdit(changes ...[]byte) []byte {
	out := []byte{byte(len(changes) - 1)}
	for _, c := range changes {
		out = append(out, c...)
	}
	return out
}

// seedRange is a change of the range from (sl, sc) to (el, ec), encoded
// as streamReader.position reads them, to text.
func seedRange(sl, sc, el, ec byte, text []byte) []byte {
	return append([]byte{changeRange, sl, sc, el, ec}, text...)
}

func seedWhole(rangeNull bool, text []byte) []byte {
	if rangeNull {
		return append([]byte{changeRangeNull}, text...)
	}
	return append([]byte{changeWhole}, text...)
}

func seedStream(open []byte, edits ...[]byte) []byte {
	out := append([]byte(nil), open...)
	for _, e := range edits {
		out = append(out, e...)
	}
	return out
}

// editStreamSeeds are the committed seeds, by file name.
func editStreamSeeds() map[string][]byte {
	empty := seedText()
	return map[string][]byte{
		"empty": {},
		// Inserting before, between and after multi-byte characters,
		// and at EOF.
		"multibyte": seedStream(seedText("a", "é", "漢", "😀", "\n", "𝔸", "x"),
			seedEdit(seedRange(0, 1, 0, 1, seedText("😀"))),
			seedEdit(seedRange(0, 5, 0, 6, seedText("漢", "é"))),
			seedEdit(seedRange(1, 2, 1, 2, seedText("\ufeff"))),
			seedEdit(seedRange(1, 4, 1, 4, seedText("\u2028", "\n"))),
			seedEdit(seedRange(0, 0, 2, 0, empty))),
		// CRLF: a character past the end stops before the '\r'; deleting
		// across a line break; inserting a CR without its LF and then the LF.
		"crlf": seedStream(seedText("a", "\r\n", "é", "\r\n", "\r\n", "x"),
			seedEdit(seedRange(0, pastEnd+1, 0, pastEnd+1, seedText("x"))),
			seedEdit(seedRange(0, 1, 1, 0, seedText("\r"))),
			seedEdit(seedRange(0, 2, 0, 2, seedText("\n"))),
			seedEdit(seedRange(1, 1, 2, 0, seedText("\r\r\n"))),
			seedEdit(seedRange(2, 0, pastEnd, 0, seedText("\r\n")))),
		// A lone '\r' is an ordinary character: positions after it count it.
		"lone-cr": seedStream(seedText("a", "\r", "b", "\n", "\r", "\r", "c"),
			seedEdit(seedRange(0, 2, 0, 3, seedText("x"))),
			seedEdit(seedRange(1, 1, 1, 2, seedText("\r", "\n"))),
			seedEdit(seedRange(0, pastEnd, 2, pastEnd, seedText("\r")))),
		// Invalid UTF-8 in opened and inserted text, alone and next to
		// bytes it could have completed: each invalid byte becomes U+FFFD;
		// raw bytes that spell é stay é.
		"invalid-utf8": seedStream(seedText(byte(0xff), "a", byte(0xc3)),
			seedEdit(seedRange(0, 1, 0, 1, seedText(byte(0xe6), byte(0xbc), "x", byte(0xc3), byte(0xa9)))),
			seedEdit(seedRange(0, 0, 0, 0, seedText(byte(0xed), byte(0xa0), byte(0x80), byte(0xf4), byte(0x90), byte(0x80), byte(0x80)))),
			seedEdit(seedRange(0, 3, 0, 4, seedText(byte(0xc0), byte(0xaf), "\n", byte(0xe6), byte(0xbc), byte(0xa2))))),
		// Escaped surrogates: lone ones become U+FFFD, a pair is its
		// character even when split over pieces, and a high surrogate
		// before a pair is lone.
		"lone-surrogates": seedStream(seedText("a", esc(0xd83d), "b"),
			seedEdit(seedRange(0, 1, 0, 1, seedText(esc(0xde00), esc(0xd83d), esc(0xd83d), esc(0xde00)))),
			seedEdit(seedRange(0, pastEnd, 0, pastEnd, seedText(esc(0xd83d, 0xde00), esc(0x00e9), esc(0x000a), "\"", "\\", "\x00", "\x7f")))),
		// Characters between the halves of a surrogate pair mean the start
		// of the pair.
		"inside-surrogate-pair": seedStream(seedText("😀", "𝔸", "\n", "😀"),
			seedEdit(seedRange(0, 1, 0, 1, seedText("x"))),
			seedEdit(seedRange(0, 2, 0, 4, seedText("y"))),
			seedEdit(seedRange(1, 1, 1, 2, empty))),
		// Ranges past the end of a line or of the file, and huge values.
		"past-end": seedStream(seedText("a", "\n", "b", "c"),
			seedEdit(seedRange(0, pastEnd+3, 0, pastEnd+7, seedText("x"))),
			seedEdit(seedRange(pastEnd+2, 5, pastEnd+9, 0, seedText("y"))),
			seedEdit(seedRange(1, 1, huge, huge, seedText("z"))),
			seedEdit(seedRange(huge, 0, huge, huge, seedText("\n"))),
			seedEdit(seedRange(0, huge, 1, huge, empty))),
		// Reversed ranges replace nothing and insert at their start.
		"reversed": seedStream(seedText("a", "b", "\n", "c", "é"),
			seedEdit(seedRange(0, 2, 0, 0, seedText("x"))),
			seedEdit(seedRange(1, 2, 0, 1, seedText("y"))),
			seedEdit(seedRange(pastEnd, 0, 0, 0, seedText("z")))),
		// Whole-document replacements, with and without "range": null,
		// among range changes of the same notification, and with a
		// deprecated rangeLength that disagrees with the range.
		"whole": seedStream(seedText("a", "\n", "b"),
			seedEdit(seedRange(0, 0, 0, 1, seedText("x")), seedWhole(false, seedText("漢", "\r\n", "😀")), seedRange(1, 1, 1, 1, seedText("é"))),
			seedEdit(seedWhole(true, seedText("C t\n{ x=0; }\n")), seedRange(pastEnd, 0, pastEnd, 0, seedText("exists (1:r0=1)\n"))),
			seedEdit(append([]byte{changeRangeLength, 0, 0, 1, 0, 200}, seedText("y")...)),
			seedEdit(seedWhole(false, empty), seedRange(0, 0, 0, 0, seedText("a")))),
		// Closing and opening again, and a didChange without changes,
		// between edits.
		"reopen": seedStream(seedText("a", "\n", "😀"),
			seedEdit(seedRange(1, 2, 1, 2, seedText("b"))),
			append([]byte{reopenOp}, seedText("é", "\r\n", litmusPiece)...),
			[]byte{emptyOp},
			seedEdit(seedRange(0, 1, 1, 0, seedText("x"))),
			append([]byte{reopenOp}, empty...),
			seedEdit(seedRange(0, 0, 0, 0, seedText("y")))),
		// A '"' at the end of a CRLF line: the syntax error on the
		// unterminated string ends between the '\r' and the '\n', which
		// LSP cannot express; the range must end at the line's end (2:1).
		// Found by the fuzzer; fixed in 6fb5ea8.
		"crlf-unterminated-string": seedStream(seedText("C t\n{ x=0; }\n", `"`, "\r\n")),
		// A test whose bad outcome is reachable, with a multi-byte comment
		// on a CRLF line before it: the second phase of diagnostics (fence
		// synthesis) runs and publishes its cheapest fix.
		"cheapest-fix": seedStream(seedText(litmusPiece),
			seedEdit(seedRange(1, 0, 1, 0, seedText("(*", "漢", "😀", "*)", "\r\n")))),
		// Edits of a whole test, so that the checker runs: break and fix a
		// statement, change a variable, and add comments (the last on a CRLF
		// line); the last version checks.
		"litmus": seedStream(seedText(litmusPiece),
			seedEdit(seedRange(5, 18, 5, 19, empty)),
			seedEdit(seedRange(5, 18, 5, 18, seedText(";"))),
			seedEdit(seedRange(6, 13, 6, 14, seedText("x")), seedRange(2, 0, 2, 0, seedText("(*", "x", "*)"))),
			seedEdit(seedRange(1, 0, 1, 0, seedText("(*", "😀", "*)", "\r\n")))),
	}
}

// failingEditStreamSeeds show bugs the fuzzer found that are not fixed yet
// (see /work/notes/lsp-bugs.md), by file name. They are committed outside
// the corpus, so that go test passes until the fix; run one with
//
//	cp testdata/fuzz/failing/FuzzEditStream/NAME testdata/fuzz/FuzzEditStream/ && go test -run FuzzEditStream/NAME
//
// None is known at present.
func failingEditStreamSeeds() map[string][]byte {
	return map[string][]byte{}
}
