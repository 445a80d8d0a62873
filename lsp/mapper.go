package lsp

// This file holds the one converter between the byte offsets used below
// this package and LSP positions. Four coordinate systems meet here:
//
//   - byte offsets into the document's UTF-8 text (syntax.Span and
//     everything below lsp);
//   - LSP positions: a 0-based line and a 0-based character counted in
//     UTF-16 code units (glsp knows no positionEncoding, so always UTF-16);
//   - runes, only while walking a line;
//   - 1-based byte columns, which the CLI prints and this file never sees.
//
// Lines end at '\n'. A '\r' just before it belongs to the line break, so a
// CRLF line's last character is the one before the '\r'. A lone '\r' is an
// ordinary character (as in syntax.Lines; LSP would also break there).
// Each byte of invalid UTF-8 counts as one UTF-16 unit, as U+FFFD would.

import (
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/litmusls/litmusls/syntax"
)

// A Mapper converts between byte offsets and LSP positions for one
// immutable text. Its line table is built lazily, on first use; a Mapper is
// safe for concurrent use.
type Mapper struct {
	text []byte

	once   sync.Once
	starts []int // byte offset of the first byte of each line
	ascii  bool  // the whole text is ASCII: characters are bytes
}

// NewMapper returns a Mapper for text, which must not be changed afterwards.
func NewMapper(text []byte) *Mapper {
	return &Mapper{text: text}
}

func (m *Mapper) init() {
	m.once.Do(func() {
		m.starts = make([]int, 1, 1+len(m.text)/32)
		m.ascii = true
		for i, b := range m.text {
			if b == '\n' {
				m.starts = append(m.starts, i+1)
			} else if b >= utf8.RuneSelf {
				m.ascii = false
			}
		}
	})
}

// line returns the byte offsets where line i (0-based) starts and where its
// content ends: before its "\n" or "\r\n", or at EOF.
func (m *Mapper) line(i int) (start, end int) {
	start = m.starts[i]
	if i+1 < len(m.starts) {
		end = m.starts[i+1] - 1 // the '\n'
		if end > start && m.text[end-1] == '\r' {
			end--
		}
	} else {
		end = len(m.text)
	}
	return start, end
}

// OffsetPosition converts a byte offset to an LSP position. The offset may
// be len(text) (EOF); it is an error for it to be negative, past EOF or
// inside a UTF-8 sequence. An offset between the "\r" and the "\n" of a
// CRLF line break, which LSP cannot express, gives the end of its line.
func (m *Mapper) OffsetPosition(off int) (protocol.Position, error) {
	if off < 0 || off > len(m.text) {
		return protocol.Position{}, fmt.Errorf("offset %d out of range [0, %d]", off, len(m.text))
	}
	m.init()
	line := sort.Search(len(m.starts), func(i int) bool { return m.starts[i] > off }) - 1
	start, end := m.line(line)
	off = min(off, end) // between "\r" and "\n": LSP has no such position; the line's end
	if m.ascii {
		return protocol.Position{Line: uint32(line), Character: uint32(off - start)}, nil
	}
	var units int
	for i := start; i < off; {
		r, size := utf8.DecodeRune(m.text[i:])
		if i+size > off {
			return protocol.Position{}, fmt.Errorf("offset %d is inside a UTF-8 sequence", off)
		}
		units += utf16Len(r)
		i += size
	}
	return protocol.Position{Line: uint32(line), Character: uint32(units)}, nil
}

// PositionOffset converts an LSP position to a byte offset. It is an error
// for the line not to exist, for the character to lie past the line's end
// (the line break excluded), or to fall between the two halves of a UTF-16
// surrogate pair.
func (m *Mapper) PositionOffset(p protocol.Position) (int, error) {
	off, exact := m.positionOffset(p)
	if !exact {
		return 0, fmt.Errorf("position %d:%d is not in the document", p.Line, p.Character)
	}
	return off, nil
}

// ClampPositionOffset converts an LSP position to a byte offset like
// [Mapper.PositionOffset], but never fails: a line past the end maps to EOF,
// a character past the end of its line to the line's end, and a character
// inside a surrogate pair to the start of that pair. It exists only to
// apply clients' edits, which must never make the server panic; everything
// else uses the strict conversions.
func (m *Mapper) ClampPositionOffset(p protocol.Position) int {
	off, _ := m.positionOffset(p)
	return off
}

// positionOffset returns the offset of p, clamped as ClampPositionOffset
// describes, and whether no clamping was needed.
func (m *Mapper) positionOffset(p protocol.Position) (int, bool) {
	m.init()
	if int64(p.Line) >= int64(len(m.starts)) {
		return len(m.text), false
	}
	start, end := m.line(int(p.Line))
	want := int64(p.Character)
	if m.ascii {
		if want > int64(end-start) {
			return end, false
		}
		return start + int(want), true
	}
	var units int64
	i := start
	for i < end && units < want {
		r, size := utf8.DecodeRune(m.text[i:end])
		n := int64(utf16Len(r))
		if units+n > want {
			return i, false // inside a surrogate pair
		}
		units += n
		i += size
	}
	return i, units == want
}

// SpanRange converts a half-open byte span to an LSP range.
func (m *Mapper) SpanRange(s syntax.Span) (protocol.Range, error) {
	if s.Start > s.End {
		return protocol.Range{}, fmt.Errorf("span [%d, %d) ends before it starts", s.Start, s.End)
	}
	start, err := m.OffsetPosition(s.Start)
	if err != nil {
		return protocol.Range{}, err
	}
	end, err := m.OffsetPosition(s.End)
	if err != nil {
		return protocol.Range{}, err
	}
	return protocol.Range{Start: start, End: end}, nil
}

// RangeSpan converts an LSP range to a half-open byte span.
func (m *Mapper) RangeSpan(r protocol.Range) (syntax.Span, error) {
	start, err := m.PositionOffset(r.Start)
	if err != nil {
		return syntax.Span{}, err
	}
	end, err := m.PositionOffset(r.End)
	if err != nil {
		return syntax.Span{}, err
	}
	if start > end {
		return syntax.Span{}, fmt.Errorf("range %d:%d-%d:%d ends before it starts",
			r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
	}
	return syntax.Span{Start: start, End: end}, nil
}

// utf16Len returns the number of UTF-16 code units that encode r; an
// invalid byte (utf8.RuneError) counts as one.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
