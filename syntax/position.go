package syntax

import (
	"fmt"
	"sort"
)

// A Span is a half-open range [Start, End) of byte offsets into a file's
// source. End is the first byte after the span. The zero Span is empty and
// sits at offset 0.
type Span struct {
	Start int // byte offset of the first byte
	End   int // byte offset just past the last byte
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Contains reports whether the byte offset off lies inside s (an empty span
// contains its own start, so a cursor at an insertion point finds it).
func (s Span) Contains(off int) bool {
	return s.Start <= off && (off < s.End || s.Start == s.End && off == s.Start)
}

// Join returns the smallest span that covers both s and t.
func (s Span) Join(t Span) Span {
	return Span{min(s.Start, t.Start), max(s.End, t.End)}
}

// A Position is a human-readable location: 1-based line and 1-based byte
// column, as printed by the CLI (file:line:col).
type Position struct {
	Filename string
	Offset   int // byte offset
	Line     int // 1-based
	Column   int // 1-based, in bytes
}

func (p Position) String() string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// Lines maps byte offsets of one source text to line and column. The table
// is built once, when the Lines value is made.
type Lines struct {
	filename string
	size     int   // length of the source in bytes
	starts   []int // byte offset of the first byte of each line
}

// NewLines builds the line table of src. Lines end at '\n'; a '\r' before it
// belongs to the line it ends, so CRLF files get the same line numbers.
func NewLines(filename string, src []byte) *Lines {
	starts := make([]int, 1, 1+len(src)/32)
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{filename: filename, size: len(src), starts: starts}
}

// Filename returns the file name the table was made for.
func (l *Lines) Filename() string { return l.filename }

// Count returns the number of lines (a file without a final newline still
// counts its last line; an empty file has one empty line).
func (l *Lines) Count() int { return len(l.starts) }

// Position converts a byte offset to a Position. Offsets outside the source
// are clamped to it: recovery can make spans that end past EOF, and a
// position is for display, so it never fails.
func (l *Lines) Position(off int) Position {
	off = max(0, min(off, l.size))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return Position{Filename: l.filename, Offset: off, Line: i + 1, Column: off - l.starts[i] + 1}
}

// LineStart returns the byte offset where 1-based line n starts, and false
// if there is no such line.
func (l *Lines) LineStart(n int) (int, bool) {
	if n < 1 || n > len(l.starts) {
		return 0, false
	}
	return l.starts[n-1], true
}
