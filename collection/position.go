package collection

import "github.com/pmprep/pmprep/internal/jsontext"

// Position is a 1-based line and column (columns count characters, not
// bytes, so they match what an editor shows).
type Position struct {
	Line, Col int
}

// positionOf converts a byte offset in data into a Position (error paths
// only); a UTF-8 BOM is not a column.
func positionOf(data []byte, offset int) Position {
	line, col := jsontext.Position(data, offset)
	return Position{Line: line, Col: col}
}
