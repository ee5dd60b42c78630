// Package jsontext moves over JSON text by bytes: white space, strings,
// escapes, and byte offsets to line:col. collection (which validates and
// skims a whole file) and strip (which reads JSON inside a body string)
// share it, so both read a string's end and an escape the same way.
package jsontext

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// SkipSpace returns the offset of the first byte at or after i that is
// not JSON white space.
func SkipSpace[T string | []byte](data T, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// StringEnd returns the offset just past the string whose opening quote
// is at s[i], or -1 when it does not end. It finds each quote with one
// IndexByte and counts the backslashes before it: a quote is escaped when
// an odd number of them precede it.
func StringEnd(s string, i int) int {
	open := i
	i++
	for i < len(s) {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		k := i - 1
		for k > open && s[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i + 1
		}
		i++
	}
	return -1
}

// UnescapeChar is the character a one-letter JSON escape (the letter
// after the backslash) stands for.
func UnescapeChar(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e // \" \\ \/
}

// Hex4 reads the four hex digits of a \u escape at raw[i:].
func Hex4[T string | []byte](raw T, i int) (uint16, bool) {
	if i+4 > len(raw) {
		return 0, false
	}
	var v uint16
	for k := i; k < i+4; k++ {
		c := raw[k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | uint16(c)
	}
	return v, true
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Position converts a byte offset in data into a 1-based line and column;
// columns count characters, not bytes, as an editor shows them, and a
// UTF-8 BOM at the start is not a column. A linear scan: for error paths
// and single offsets (strip locates many findings in one pass itself).
func Position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	if lineStart == 0 && bytes.HasPrefix(before, bom) {
		lineStart = len(bom)
	}
	return line, utf8.RuneCount(before[lineStart:]) + 1
}
