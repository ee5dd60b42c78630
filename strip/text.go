package strip

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonText is a JSON string literal decoded, with a map back to the
// literal's bytes, so part of a URL or header string can be cut out of the
// file while every other byte of the literal — escapes included — stays.
type jsonText struct {
	raw  string // the literal as in the file, quotes included
	text string // the decoded string
	offs []int  // offs[i] is the index in raw of text byte i (len(text)+1 entries); nil when raw has no escapes
}

func decodeText(raw string) jsonText {
	inner := raw[1 : len(raw)-1]
	if !strings.Contains(inner, `\`) {
		return jsonText{raw: raw, text: inner}
	}
	var b strings.Builder
	offs := make([]int, 0, len(inner)+1)
	for i := 1; i < len(raw)-1; {
		c := raw[i]
		if c != '\\' {
			b.WriteByte(c)
			offs = append(offs, i)
			i++
			continue
		}
		start := i
		var r rune
		switch e := raw[i+1]; e {
		case 'u':
			r, i = decodeUnicode(raw, i)
		default:
			r, i = rune(unescapeByte(e)), i+2
		}
		n := b.Len()
		b.WriteRune(r)
		for range b.Len() - n {
			offs = append(offs, start)
		}
	}
	offs = append(offs, len(raw)-1)
	return jsonText{raw: raw, text: b.String(), offs: offs}
}

// decodeUnicode reads \uXXXX (and a following low surrogate) at raw[i].
func decodeUnicode(raw string, i int) (rune, int) {
	hex := func(at int) rune {
		if at+6 > len(raw) {
			return utf8.RuneError
		}
		v, err := strconv.ParseUint(raw[at+2:at+6], 16, 16)
		if err != nil {
			return utf8.RuneError
		}
		return rune(v)
	}
	r := hex(i)
	if utf16.IsSurrogate(r) && i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
		if pair := utf16.DecodeRune(r, hex(i+6)); pair != utf8.RuneError {
			return pair, i + 12
		}
	}
	return r, i + 6
}

func unescapeByte(e byte) byte {
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

// rawIndex maps a byte index of the decoded text to the literal.
func (t jsonText) rawIndex(i int) int {
	if t.offs == nil {
		return i + 1
	}
	return t.offs[i]
}

// cut returns the literal with the decoded text's byte ranges removed;
// ranges are sorted and disjoint.
func (t jsonText) cut(ranges [][2]int) string {
	var b strings.Builder
	last := 0
	for _, r := range ranges {
		b.WriteString(t.raw[last:t.rawIndex(r[0])])
		last = t.rawIndex(r[1])
	}
	b.WriteString(t.raw[last:])
	return b.String()
}
