package collection

import (
	"bytes"
	"unicode/utf8"
)

// Position is a 1-based line and column (columns count characters, not
// bytes, so they match what an editor shows).
type Position struct {
	Line, Col int
}

// positionOf converts a byte offset in data into a Position. It is only
// used on error paths, so a linear scan is fine. A UTF-8 BOM at the start
// of data is not a column (editors do not show it), so a file with one
// reports the same position as the same file without it.
func positionOf(data []byte, offset int) Position {
	if offset > len(data) {
		offset = len(data)
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	if lineStart == 0 && bytes.HasPrefix(before, utf8BOM) {
		lineStart = len(utf8BOM)
	}
	return Position{Line: line, Col: utf8.RuneCount(before[lineStart:]) + 1}
}
