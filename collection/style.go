package collection

import "bytes"

// Style is how a document lays out its JSON, so new members look like
// their neighbours.
type Style struct {
	Newline string // "\n" or "\r\n"; empty for a minified document
	Unit    string // one level of indentation: "\t", "  ", "    ", …
	// Inline writes one line with a space after ':' and ',' — for new
	// members of a one-line object in an indented file.
	Inline bool
}

// Minified reports whether the document has no line breaks at all.
func (s Style) Minified() bool { return s.Newline == "" }

// detectStyle looks at the first line break and the first indented line.
// Postman exports use tabs and "\n"; files edited on Windows may use CRLF.
func detectStyle(body []byte) Style {
	nl := bytes.IndexByte(body, '\n')
	// A minified file may still end in a line break: that is not layout.
	if nl < 0 || len(bytes.TrimSpace(body[nl:])) == 0 {
		return Style{}
	}
	st := Style{Newline: "\n", Unit: "\t"}
	if nl > 0 && body[nl-1] == '\r' {
		st.Newline = "\r\n"
	}
	// The line after the first break is a member of the top-level object:
	// its leading white space is one unit of indentation.
	j := nl + 1
	for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
		j++
	}
	if j > nl+1 {
		st.Unit = string(body[nl+1 : j])
	}
	return st
}
