package config

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// parseDocument turns the file into a node tree with positions, or returns
// nil for an empty file. JSON is read with encoding/json rather than as
// YAML: the YAML parser rejects valid JSON escapes such as "\/", and JSON
// syntax errors deserve the exact column encoding/json can give.
func parseDocument(name string, data []byte) (*yaml.Node, error) {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		// Windows PowerShell 5 writes UTF-16; positions are in characters
		// either way.
		var err error
		if data, err = fromUTF16(name, data); err != nil {
			return nil, err
		}
	}
	if off, msg := badEncoding(data); off >= 0 {
		line, col := position(data, off)
		return nil, &Error{File: name, Line: line, Col: col, Msg: msg}
	}
	body := bytes.TrimPrefix(data, bomUTF8)
	if looksJSON(body) || strings.HasSuffix(strings.ToLower(name), ".json") {
		if json.Valid(body) {
			return jsonDocument(name, data, len(data)-len(body))
		}
		// A .json file must be JSON; anything else may still be YAML.
		if strings.HasSuffix(strings.ToLower(name), ".json") {
			return nil, jsonSyntaxError(name, data, len(data)-len(body))
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if looksJSON(body) {
			return nil, jsonSyntaxError(name, data, len(data)-len(body))
		}
		return nil, yamlSyntaxError(name, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &Error{File: name, Line: extra.Line, Col: extra.Column, Msg: "a second YAML document starts here (a config file holds one document; remove this \"---\" and merge what follows into the first)"}
	case !errors.Is(err, io.EOF):
		return nil, yamlSyntaxError(name, data, err)
	}
	return &doc, nil
}

// fromUTF16 converts UTF-16 with a byte order mark to UTF-8 without one.
func fromUTF16(name string, data []byte) ([]byte, error) {
	order := binary.ByteOrder(binary.LittleEndian)
	if bytes.HasPrefix(data, bomUTF16BE) {
		order = binary.BigEndian
	}
	var out []byte
	line, col := 1, 1
	bad := func(msg string) error {
		return &Error{File: name, Line: line, Col: col, Msg: msg + " (save the file as UTF-8)"}
	}
	for i := 2; i < len(data); i += 2 {
		if i+1 >= len(data) {
			return nil, bad("truncated UTF-16")
		}
		r := rune(order.Uint16(data[i:]))
		if utf16.IsSurrogate(r) {
			if r >= 0xDC00 || i+3 >= len(data) {
				return nil, bad("invalid UTF-16")
			}
			r = utf16.DecodeRune(r, rune(order.Uint16(data[i+2:])))
			if r == utf8.RuneError {
				return nil, bad("invalid UTF-16")
			}
			i += 2
		}
		out = utf8.AppendRune(out, r)
		if col++; r == '\n' {
			line, col = line+1, 1
		}
	}
	return out, nil
}

func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// badEncoding returns the offset of the first byte that is not valid UTF-8
// or is a character YAML refuses (control characters other than tab, CR,
// LF), and what to say about it; or -1. It also refuses the characters
// YAML takes for line breaks but editors do not (NEL, U+2028, U+2029), so
// that line numbers mean the same to the user and the parser.
func badEncoding(data []byte) (int, string) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return i, "invalid UTF-8 (save the file as UTF-8)"
		case r == '\t' || r == '\n' || r == '\r':
		case r == 0x85 || r == 0x2028 || r == 0x2029:
			return i, fmt.Sprintf("character U+%04X is a line break to YAML (use a plain newline, or write \\u%04X inside double quotes)", r, r)
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F),
			r == 0xFEFF && i != 0, r == 0xFFFE, r == 0xFFFF:
			return i, fmt.Sprintf("control character U+%04X (remove it, or write \\u%04X inside double quotes)", r, r)
		}
		i += size
	}
	return -1, ""
}

func jsonSyntaxError(name string, data []byte, skip int) error {
	var v any
	err := json.Unmarshal(data[skip:], &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		// Valid JSON that the YAML parser refused; should not happen.
		line, col := 1, 1
		return &Error{File: name, Line: line, Col: col, Msg: "invalid JSON (check the file's syntax)"}
	}
	off := skip + int(se.Offset) - 1
	if se.Offset >= int64(len(data)-skip) {
		off = len(data)
	}
	line, col := position(data, off)
	return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("invalid JSON: %s (fix the syntax here)", se.Error())}
}

var (
	yamlLineRe   = regexp.MustCompile(`^line (\d+): `)
	yamlAnchorRe = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// yamlSyntaxError locates a YAML parser error. The parser reports only a
// line, and none for problems on the first line; the column is the start of
// that line unless the problem can be found exactly.
func yamlSyntaxError(name string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	if m := yamlAnchorRe.FindStringSubmatch(msg); m != nil {
		l, c := 1, 1
		if loc := regexp.MustCompile(`\*` + regexp.QuoteMeta(m[1]) + `(?:[\s,\]}]|$)`).FindIndex(data); loc != nil {
			l, c = position(data, loc[0])
		}
		return &Error{File: name, Line: l, Col: c, Msg: fmt.Sprintf("alias *%s refers to no anchor (define &%s before using it)", m[1], m[1])}
	}
	text := lineText(data, line)
	if strings.HasPrefix(strings.TrimLeft(text, " "), "\t") {
		col := len(text) - len(strings.TrimLeft(text, " ")) + 1
		return &Error{File: name, Line: line, Col: col, Msg: "tab in indentation (YAML indents with spaces; replace the tabs)"}
	}
	col := firstNonBlank(data, line)
	if line > strings.Count(string(data), "\n")+1 {
		line, col = position(data, len(data))
	}
	return &Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("invalid YAML: %s (check indentation and quoting on this line and the ones above)", msg)}
}

// jsonDocument builds a YAML node tree, with positions, from valid JSON.
func jsonDocument(name string, data []byte, skip int) (*yaml.Node, error) {
	b := &jsonBuilder{data: data, skip: skip, dec: json.NewDecoder(bytes.NewReader(data[skip:])), off: skip, line: 1, col: 1}
	b.dec.UseNumber()
	root, err := b.value()
	if err != nil {
		return nil, jsonSyntaxError(name, data, skip)
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: root.Line, Column: root.Column, Content: []*yaml.Node{root}}, nil
}

type jsonBuilder struct {
	data []byte
	skip int
	dec  *json.Decoder
	// line, col are the position of off; tokens come in order, so the
	// position advances instead of being counted from the start each time.
	off, line, col int
}

// start returns the position of the next token: InputOffset is the end of
// the previous one, so skip blanks and separators.
func (b *jsonBuilder) start() (line, col int) {
	off := b.skip + int(b.dec.InputOffset())
	for off < len(b.data) && strings.IndexByte(" \t\r\n,:", b.data[off]) >= 0 {
		off++
	}
	for ; b.off < off; b.off++ {
		c := b.data[b.off]
		switch {
		case c == '\n' || c == '\r' && (b.off+1 == len(b.data) || b.data[b.off+1] != '\n'):
			b.line, b.col = b.line+1, 1
		case utf8.RuneStart(c):
			b.col++
		}
	}
	return b.line, b.col
}

func (b *jsonBuilder) value() (*yaml.Node, error) {
	line, col := b.start()
	tok, err := b.dec.Token()
	if err != nil {
		return nil, err
	}
	n := &yaml.Node{Line: line, Column: col}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n.Kind, n.Tag, n.Style = yaml.MappingNode, "!!map", yaml.FlowStyle
		} else {
			n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
		}
		for b.dec.More() {
			if t == '{' {
				k, err := b.value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, k)
			}
			v, err := b.value()
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
		}
		if _, err := b.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", t.String()
		if strings.ContainsAny(t.String(), ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(t)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}
