package collection

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Fragment is a piece of new JSON to insert into a document. It is encoded
// at the place it goes, in the document's Style, so new members are
// indented like their neighbours. Object keys keep the order given.
type Fragment interface {
	encode(b *strings.Builder, indent string, st Style)
}

// Object is a JSON object with ordered members.
type Object []Member

// Member is one key and value of an Object.
type Member struct {
	Key   string
	Value Fragment
}

// Array is a JSON array.
type Array []Fragment

// String is a JSON string, escaped as JSON.stringify does (so Postman and
// pmprep write the same bytes for the same text).
type String string

// Bool is a JSON boolean.
type Bool bool

// Raw is JSON text inserted as it is, e.g. a user's element kept verbatim.
type Raw string

func (o Object) encode(b *strings.Builder, indent string, st Style) {
	if len(o) == 0 {
		b.WriteString("{}")
		return
	}
	inner := indent + st.Unit
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteString(st.comma())
		}
		b.WriteString(st.Newline)
		if !st.Minified() {
			b.WriteString(inner)
		}
		writeString(b, m.Key)
		b.WriteString(st.colon())
		m.Value.encode(b, inner, st)
	}
	b.WriteString(st.Newline)
	if !st.Minified() {
		b.WriteString(indent)
	}
	b.WriteByte('}')
}

func (a Array) encode(b *strings.Builder, indent string, st Style) {
	if len(a) == 0 {
		b.WriteString("[]")
		return
	}
	inner := indent + st.Unit
	b.WriteByte('[')
	for i, v := range a {
		if i > 0 {
			b.WriteString(st.comma())
		}
		b.WriteString(st.Newline)
		if !st.Minified() {
			b.WriteString(inner)
		}
		v.encode(b, inner, st)
	}
	b.WriteString(st.Newline)
	if !st.Minified() {
		b.WriteString(indent)
	}
	b.WriteByte(']')
}

func (s String) encode(b *strings.Builder, _ string, _ Style) { writeString(b, string(s)) }
func (v Bool) encode(b *strings.Builder, _ string, _ Style) {
	b.WriteString(strconv.FormatBool(bool(v)))
}
func (r Raw) encode(b *strings.Builder, _ string, _ Style) { b.WriteString(string(r)) }

func (st Style) colon() string {
	if st.Minified() && !st.Inline {
		return ":"
	}
	return ": "
}

func (st Style) comma() string {
	if st.Inline {
		return ", "
	}
	return ","
}

// Encode renders f as it would be written at indentation indent.
func Encode(f Fragment, indent string, st Style) string {
	var b strings.Builder
	f.encode(&b, indent, st)
	return b.String()
}

// writeString writes s as a JSON string the way JSON.stringify does:
// only '"', '\\' and control characters are escaped. Invalid UTF-8 becomes
// U+FFFD so the output is always valid.
func writeString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\b':
				b.WriteString(`\b`)
			case c == '\f':
				b.WriteString(`\f`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
