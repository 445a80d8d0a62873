package lsp

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

func pos(line, char uint32) protocol.Position {
	return protocol.Position{Line: line, Character: char}
}

// A mapperCase pairs a byte offset of text with its LSP position; the
// conversion must work both ways.
type mapperCase struct {
	off int
	pos protocol.Position
}

func TestMapperRoundTrips(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		cases []mapperCase
	}{
		{"empty", "", []mapperCase{{0, pos(0, 0)}}},
		{"ascii", "ab\ncd", []mapperCase{
			{0, pos(0, 0)}, {2, pos(0, 2)}, {3, pos(1, 0)}, {5, pos(1, 2)},
		}},
		{"final newline", "ab\n", []mapperCase{{2, pos(0, 2)}, {3, pos(1, 0)}}},
		{"crlf", "ab\r\ncd\r\n", []mapperCase{
			{0, pos(0, 0)}, {2, pos(0, 2)}, {4, pos(1, 0)}, {6, pos(1, 2)}, {8, pos(2, 0)},
		}},
		// µ is two bytes in UTF-8 and one UTF-16 unit.
		{"micro", "aµb\nµ", []mapperCase{
			{0, pos(0, 0)}, {1, pos(0, 1)}, {3, pos(0, 2)}, {4, pos(0, 3)},
			{5, pos(1, 0)}, {7, pos(1, 1)},
		}},
		// 😀 is four bytes in UTF-8 and a surrogate pair in UTF-16.
		{"emoji", "a😀b\r\n😀", []mapperCase{
			{0, pos(0, 0)}, {1, pos(0, 1)}, {5, pos(0, 3)}, {6, pos(0, 4)},
			{8, pos(1, 0)}, {12, pos(1, 2)},
		}},
		// Each invalid byte counts as one unit, as U+FFFD would.
		{"invalid utf-8", "a\xff\xfeb\n\xe2\x82", []mapperCase{
			{1, pos(0, 1)}, {2, pos(0, 2)}, {3, pos(0, 3)}, {4, pos(0, 4)},
			{5, pos(1, 0)}, {6, pos(1, 1)}, {7, pos(1, 2)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMapper([]byte(tt.text))
			for _, c := range tt.cases {
				got, err := m.OffsetPosition(c.off)
				require.NoError(t, err, "OffsetPosition(%d)", c.off)
				assert.Equal(t, c.pos, got, "OffsetPosition(%d)", c.off)

				off, err := m.PositionOffset(c.pos)
				require.NoError(t, err, "PositionOffset(%v)", c.pos)
				assert.Equal(t, c.off, off, "PositionOffset(%v)", c.pos)
			}
		})
	}
}

func TestMapperErrors(t *testing.T) {
	m := NewMapper([]byte("a😀\r\nµ"))
	for _, off := range []int{-1, 10, 2, 3, 4, 8} { // out of range, inside 😀, inside µ
		_, err := m.OffsetPosition(off)
		assert.Error(t, err, "OffsetPosition(%d)", off)
	}
	for _, p := range []protocol.Position{
		pos(0, 2), // between the halves of 😀
		pos(0, 4), // past the end of line 0 (the '\r' is not a character)
		pos(1, 2), // past EOF on the last line
		pos(2, 0), // no such line
	} {
		_, err := m.PositionOffset(p)
		assert.Error(t, err, "PositionOffset(%v)", p)
	}
	_, err := m.SpanRange(syntax.Span{Start: 3, End: 1})
	assert.Error(t, err)
	_, err = m.RangeSpan(protocol.Range{Start: pos(1, 0), End: pos(0, 0)})
	assert.Error(t, err)
}

func TestMapperSpanRange(t *testing.T) {
	m := NewMapper([]byte("x😀y\nµz"))
	r, err := m.SpanRange(syntax.Span{Start: 1, End: 9})
	require.NoError(t, err)
	assert.Equal(t, protocol.Range{Start: pos(0, 1), End: pos(1, 1)}, r)
	s, err := m.RangeSpan(r)
	require.NoError(t, err)
	assert.Equal(t, syntax.Span{Start: 1, End: 9}, s)
}

func TestMapperClamp(t *testing.T) {
	m := NewMapper([]byte("a😀\r\nµb"))
	tests := []struct {
		pos  protocol.Position
		want int
	}{
		{pos(0, 1), 1},        // exact
		{pos(0, 2), 1},        // inside the surrogate pair: its start
		{pos(0, 99), 5},       // past the line's end: before "\r\n"
		{pos(1, 99), 10},      // past the last line's end: EOF
		{pos(7, 0), 10},       // no such line: EOF
		{pos(1<<32-1, 0), 10}, // huge line numbers do not overflow
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, m.ClampPositionOffset(tt.pos), "ClampPositionOffset(%v)", tt.pos)
	}
}

// FuzzMapperOffsets checks that every offset on a character boundary
// survives the trip to a position and back, and that other offsets are
// rejected rather than silently moved.
func FuzzMapperOffsets(f *testing.F) {
	for _, s := range []string{"", "ab\ncd", "a\r\nb", "µ😀\n\xff", "\r\r\n\n", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m := NewMapper([]byte(text))
		boundary := make([]bool, len(text)+1)
		for i := 0; i < len(text); {
			boundary[i] = true
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
		boundary[len(text)] = true
		for off := 0; off <= len(text); off++ {
			p, err := m.OffsetPosition(off)
			if !boundary[off] {
				if err == nil {
					t.Fatalf("OffsetPosition(%d) inside a UTF-8 sequence gave %v", off, p)
				}
				continue
			}
			if err != nil {
				t.Fatalf("OffsetPosition(%d): %v", off, err)
			}
			back, err := m.PositionOffset(p)
			if err != nil {
				t.Fatalf("PositionOffset(%v) (from offset %d): %v", p, off, err)
			}
			// Between '\r' and '\n' is past the line's end as LSP sees
			// it: the position is the line's end, before the '\r'.
			if off > 0 && off < len(text) && text[off-1] == '\r' && text[off] == '\n' {
				if back != off-1 {
					t.Fatalf("offset %d between CR and LF → %v → %d, want the line end %d", off, p, back, off-1)
				}
				continue
			}
			if back != off {
				t.Fatalf("offset %d → %v → %d", off, p, back)
			}
			if c := m.ClampPositionOffset(p); c != off {
				t.Fatalf("ClampPositionOffset(%v) = %d, want %d", p, c, off)
			}
		}
	})
}
