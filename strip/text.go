package strip

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pmprep/pmprep/internal/jsontext"
	"github.com/pmprep/pmprep/internal/secretlike"
)

// jsonText is a JSON string literal decoded, with a map back to the
// literal's bytes, so part of a URL or header string can be cut out of the
// file while every other byte of the literal — escapes included — stays.
// The map holds the escapes only (between them, text and literal run side
// by side), so a large body with a few escapes costs little more than its
// text: Parse refuses files of 2 GiB and more, so offsets fit in an int32.
type jsonText struct {
	raw  string   // the literal as in the file, quotes included
	text string   // the decoded string
	escs []escape // the literal's escapes, in order; nil when it has none
}

// escape is one backslash escape of a literal: it starts at raw[raw] and
// takes rawLen bytes there, and text[text:text+textLen] is what it decodes
// to (\uXXXX decodes to up to 3 bytes, a surrogate pair to 4 from 12).
type escape struct {
	text, raw       int32
	textLen, rawLen uint8
}

func decodeText(raw string) jsonText {
	inner := raw[1 : len(raw)-1]
	if !strings.Contains(inner, `\`) {
		return jsonText{raw: raw, text: inner}
	}
	var b strings.Builder
	b.Grow(len(inner))
	escs := make([]escape, 0, strings.Count(inner, `\`)) // at most one per backslash
	for i := 1; i < len(raw)-1; {
		k := strings.IndexByte(raw[i:len(raw)-1], '\\')
		if k < 0 {
			b.WriteString(raw[i : len(raw)-1])
			break
		}
		b.WriteString(raw[i : i+k])
		i += k
		start := i
		var r rune
		switch e := raw[i+1]; e {
		case 'u':
			r, i = decodeUnicode(raw, i)
		default:
			r, i = rune(jsontext.UnescapeChar(e)), i+2
		}
		n := b.Len()
		b.WriteRune(r)
		escs = append(escs, escape{text: int32(n), raw: int32(start), textLen: uint8(b.Len() - n), rawLen: uint8(i - start)})
	}
	return jsonText{raw: raw, text: b.String(), escs: escs}
}

// decodeUnicode reads \uXXXX (and a following low surrogate) at raw[i].
func decodeUnicode(raw string, i int) (rune, int) {
	hex := func(at int) rune {
		v, ok := jsontext.Hex4(raw, at+2)
		if !ok {
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

// rawIndex maps a byte index of the decoded text (len(text) included) to
// the literal; a byte an escape decodes to maps to the escape's start.
func (t jsonText) rawIndex(i int) int {
	// The last escape that starts at or before text byte i.
	k := sort.Search(len(t.escs), func(k int) bool { return int(t.escs[k].text) > i }) - 1
	if k < 0 {
		return i + 1
	}
	e := t.escs[k]
	end := int(e.text) + int(e.textLen)
	if i < end {
		return int(e.raw)
	}
	return int(e.raw) + int(e.rawLen) + i - end
}

// cut returns the literal with the decoded text's byte ranges removed;
// ranges are sorted and disjoint.
func (t jsonText) cut(ranges [][2]int) string {
	var b strings.Builder
	b.Grow(len(t.raw))
	last := 0
	for _, r := range ranges {
		b.WriteString(t.raw[last:t.rawIndex(r[0])])
		last = t.rawIndex(r[1])
	}
	b.WriteString(t.raw[last:])
	return b.String()
}

// maxKindName is the most bytes of a name a finding's kind shows.
const maxKindName = 64

// kindName is a header, parameter, cookie, variable, member or field name
// as a finding's kind shows it: the report is one line per finding on a
// terminal, so a name with a control character, a line break or any other
// non-graphic rune is quoted with those escaped, and a long one is cut on a
// rune boundary, with "…".
func kindName(name string) string {
	if secretName(name) {
		return redacted(name)
	}
	plain := true
	for _, r := range name {
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			plain = false
			break
		}
	}
	if !plain {
		name = strconv.QuoteToGraphic(name)
	}
	if len(name) <= maxKindName {
		return name
	}
	cut := maxKindName
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + "…"
}

// secretName reports whether a name holds a secret (secretlike.InName).
func secretName(name string) bool { return secretlike.InName(name) }

// redacted is a name holding a secret as a report shows it
// (secretlike.ShowName).
func redacted(name string) string { return secretlike.ShowName(name) }
