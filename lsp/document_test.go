package lsp

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

func edit(sl, sc, el, ec uint32, text string) protocol.TextDocumentContentChangeEvent {
	return protocol.TextDocumentContentChangeEvent{
		Range: &protocol.Range{Start: pos(sl, sc), End: pos(el, ec)},
		Text:  text,
	}
}

func TestDocumentApply(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		changes []any
		want    string
	}{
		{"whole", "abc", []any{protocol.TextDocumentContentChangeEventWhole{Text: "xyz"}}, "xyz"},
		{"insert", "ab\ncd", []any{edit(1, 1, 1, 1, "X")}, "ab\ncXd"},
		{"delete across lines", "ab\r\ncd", []any{edit(0, 1, 1, 1, "")}, "ad"},
		{"in order", "abc", []any{edit(0, 0, 0, 1, "µ"), edit(0, 1, 0, 2, "😀")}, "µ😀c"},
		{"after emoji", "😀x", []any{edit(0, 2, 0, 3, "y")}, "😀y"},
		{"whole then edit", "abc", []any{protocol.TextDocumentContentChangeEventWhole{Text: "12"}, edit(0, 2, 0, 2, "3")}, "123"},
		// Edits a confused client might send: clamped, never a panic.
		{"past line end", "ab\ncd", []any{edit(0, 9, 0, 9, "X")}, "abX\ncd"},
		{"past eof", "ab", []any{edit(5, 0, 6, 3, "X")}, "abX"},
		{"end past eof", "ab\ncd", []any{edit(1, 1, 9, 9, "")}, "ab\nc"},
		{"inside surrogate pair", "a😀b", []any{edit(0, 2, 0, 2, "X")}, "aX😀b"},
		{"end inside surrogate pair", "a😀b", []any{edit(0, 0, 0, 2, "")}, "😀b"},
		{"reversed", "abc", []any{edit(0, 2, 0, 1, "X")}, "abXc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := NewDocument("file:///t.litmus", 1, []byte(tt.text))
			got, err := doc.Apply(2, tt.changes)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got.Text))
			assert.Equal(t, int32(2), got.Version)
			assert.Equal(t, tt.text, string(doc.Text), "the old version is unchanged")
		})
	}

	_, err := NewDocument("file:///t.litmus", 1, nil).Apply(2, []any{"not a change"})
	assert.Error(t, err)
}

// TestDocumentApplyMatchesClient applies random valid edits, as a client
// would describe them, and checks that the server's text stays equal to the
// client's.
func TestDocumentApplyMatchesClient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "µ", "😀", "\n", "\r\n", "xy", "", "\xff"}
	randomText := func() string {
		var s string
		for range rng.IntN(6) {
			s += pieces[rng.IntN(len(pieces))]
		}
		return s
	}
	// boundary returns a random offset of text on a character boundary
	// that is not between '\r' and '\n'.
	boundary := func(text string) int {
		var offs []int
		for i := 0; i <= len(text); {
			if !(i > 0 && i < len(text) && text[i-1] == '\r' && text[i] == '\n') {
				offs = append(offs, i)
			}
			if i == len(text) {
				break
			}
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
		return offs[rng.IntN(len(offs))]
	}

	for iter := range 300 {
		client := randomText()
		doc := NewDocument("file:///t.litmus", 0, []byte(client))
		for v := int32(1); v <= 10; v++ {
			var changes []any
			for range 1 + rng.IntN(3) {
				a, b := boundary(client), boundary(client)
				a, b = min(a, b), max(a, b)
				m := NewMapper([]byte(client))
				start, err := m.OffsetPosition(a)
				require.NoError(t, err)
				end, err := m.OffsetPosition(b)
				require.NoError(t, err)
				ins := randomText()
				changes = append(changes, protocol.TextDocumentContentChangeEvent{
					Range: &protocol.Range{Start: start, End: end}, Text: ins,
				})
				client = client[:a] + ins + client[b:]
			}
			next, err := doc.Apply(v, changes)
			require.NoError(t, err)
			require.Equal(t, client, string(next.Text), "iteration %d, version %d", iter, v)
			doc = next
		}
	}
}

func TestDocuments(t *testing.T) {
	s := newDocuments()
	const uri = "file:///t.litmus"
	assert.Nil(t, s.get(uri))
	_, err := s.change(uri, 2, []any{edit(0, 0, 0, 0, "x")})
	assert.Error(t, err, "change to a document that is not open")

	s.open(NewDocument(uri, 1, []byte("ab")))
	doc, err := s.change(uri, 2, []any{edit(0, 1, 0, 1, "x")})
	require.NoError(t, err)
	assert.Equal(t, "axb", string(doc.Text))
	assert.Same(t, doc, s.get(uri))

	assert.True(t, s.close(uri))
	assert.False(t, s.close(uri))
	assert.Nil(t, s.get(uri))
}

// FuzzDocumentApply sends edits with arbitrary ranges: applying them never
// fails or panics, replaces one stretch of the text, and never splits a
// character.
func FuzzDocumentApply(f *testing.F) {
	f.Add("a😀\r\nµb", uint32(0), uint32(2), uint32(1), uint32(1), "x")
	f.Add("ab\ncd", uint32(1), uint32(9), uint32(0), uint32(0), "")
	f.Add("😀", uint32(0), uint32(1), uint32(0), uint32(1), "µ")
	f.Fuzz(func(t *testing.T, text string, sl, sc, el, ec uint32, ins string) {
		doc := NewDocument("file:///t.litmus", 1, []byte(text))
		next, err := doc.Apply(2, []any{edit(sl, sc, el, ec, ins)})
		if err != nil {
			t.Fatal(err)
		}
		got := string(next.Text)
		// got is text[:i] + ins + text[j:] for some i <= j.
		i := 0
		for i < len(text) && i < len(got) && text[i] == got[i] {
			i++
		}
		ok := false
		for k := max(0, i-len(ins)); k <= i && !ok; k++ {
			if strings.HasPrefix(got[k:], ins) && strings.HasSuffix(text, got[k+len(ins):]) &&
				len(text)-len(got[k+len(ins):]) >= k && text[:k] == got[:k] {
				ok = true
			}
		}
		if !ok {
			t.Fatalf("%q with %q at %d:%d-%d:%d gave %q", text, ins, sl, sc, el, ec, got)
		}
		if utf8.ValidString(text) && utf8.ValidString(ins) && !utf8.ValidString(got) {
			t.Fatalf("%q with %q at %d:%d-%d:%d split a character: %q", text, ins, sl, sc, el, ec, got)
		}
	})
}
