package collectionv3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ScalarEdit blanks a scalar node: its whole value, or only the byte
// ranges Cut of its value (a query parameter's value inside a URL).
type ScalarEdit struct {
	Node *yaml.Node
	Cut  [][2]int // ranges of Node.Value, ascending and disjoint; nil: the whole value
}

// EditScalars applies edits to data, the bytes the nodes were parsed from,
// in one splice. A whole value becomes "" (the scalar's bytes — quotes, a
// block scalar's lines — replaced by `""`); a cut keeps the scalar's style
// when its bytes are its value (a plain or quoted one-line scalar without
// escapes), else the scalar is rewritten double-quoted. Every byte outside
// the edited scalars stays. The result must parse as YAML.
func EditScalars(data []byte, edits []ScalarEdit) ([]byte, error) {
	if len(edits) == 0 {
		return data, nil
	}
	lines := lineStarts(data)
	type splice struct {
		start, end int
		text       string
	}
	var sp []splice
	for _, e := range edits {
		n := e.Node
		if n == nil || n.Kind != yaml.ScalarNode || n.Line < 1 || n.Line > len(lines) {
			return nil, fmt.Errorf("edit: not a scalar node with a position")
		}
		start, err := offsetOf(data, lines, n.Line, n.Column)
		if err != nil {
			return nil, err
		}
		start = skipProperties(data, start)
		end, raw, err := scalarEnd(data, start, n)
		if err != nil {
			return nil, fmt.Errorf("edit at %d:%d: %v", n.Line, n.Column, err)
		}
		text := `""`
		for i, r := range e.Cut {
			if r[0] < 0 || r[1] < r[0] || r[1] > len(n.Value) || i > 0 && r[0] < e.Cut[i-1][1] {
				return nil, fmt.Errorf("edit at %d:%d: cut %v is not inside the value", n.Line, n.Column, r)
			}
		}
		if e.Cut != nil {
			value := cut(n.Value, e.Cut)
			if raw >= 0 && !strings.ContainsAny(value, "\n") && plainSafe(data[start], value) {
				// The bytes from raw are the value itself: cut in place.
				var b strings.Builder
				b.Write(data[start:raw])
				b.WriteString(value)
				b.Write(data[raw+len(n.Value) : end])
				text = b.String()
			} else {
				text = quote(value)
			}
		}
		sp = append(sp, splice{start, end, text})
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i].start < sp[j].start })
	var out bytes.Buffer
	out.Grow(len(data))
	at := 0
	for _, s := range sp {
		if s.start < at {
			return nil, fmt.Errorf("edit: overlapping edits at byte %d", s.start)
		}
		out.Write(data[at:s.start])
		out.WriteString(s.text)
		at = s.end
	}
	out.Write(data[at:])
	var check yaml.Node
	if err := yaml.Unmarshal(out.Bytes(), &check); err != nil {
		return nil, fmt.Errorf("edit: the edited file does not parse (a bug in pmprep): %v", err)
	}
	return out.Bytes(), nil
}

// cut removes the ranges from s.
func cut(s string, ranges [][2]int) string {
	var b strings.Builder
	at := 0
	for _, r := range ranges {
		b.WriteString(s[at:r[0]])
		at = r[1]
	}
	b.WriteString(s[at:])
	return b.String()
}

// plainSafe reports whether value can stay in the scalar's own style: a
// quoted scalar can hold anything its bytes held; a plain one must not
// gain ": " or " #" (it cannot: cutting only removes bytes, but a value
// ending in ':' or starting an indicator could change meaning).
func plainSafe(first byte, value string) bool {
	if first == '"' || first == '\'' {
		return true
	}
	return value != "" && !strings.Contains(value, ": ") && !strings.Contains(value, " #") &&
		!strings.HasSuffix(value, ":") && !strings.ContainsAny(value[:1], "-?:,[]{}#&*!|>'\"%@` ")
}

// quote renders s as a YAML double-quoted scalar (JSON string escapes are
// YAML's too).
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offsetOf turns yaml.v3's 1-based line and column (in characters) into a
// byte offset.
func offsetOf(data []byte, lines []int, line, col int) (int, error) {
	off := lines[line-1]
	if line == 1 && bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		off += 3 // a BOM is not a column
	}
	for c := 1; c < col; c++ {
		if off >= len(data) || data[off] == '\n' {
			return 0, fmt.Errorf("edit: column %d is past the end of line %d", col, line)
		}
		_, w := utf8.DecodeRune(data[off:])
		off += w
	}
	return off, nil
}

// skipProperties skips an anchor (&a) and a tag (!!str) before a scalar.
func skipProperties(data []byte, i int) int {
	for i < len(data) && (data[i] == '&' || data[i] == '!') {
		for i < len(data) && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r' {
			i++
		}
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
			i++ // the scalar may start on the next line
		}
	}
	return i
}

// scalarEnd finds where the scalar starting at start ends, and where its
// value's bytes start when they are the value itself (else -1).
func scalarEnd(data []byte, start int, n *yaml.Node) (end, raw int, err error) {
	if start >= len(data) {
		return 0, 0, fmt.Errorf("scalar past the end of the file")
	}
	switch data[start] {
	case '"':
		escaped := false
		for i := start + 1; i < len(data); i++ {
			switch data[i] {
			case '\\':
				escaped = true
				i++
			case '"':
				raw = -1
				if !escaped && string(data[start+1:i]) == n.Value {
					raw = start + 1
				}
				return i + 1, raw, nil
			}
		}
		return 0, 0, fmt.Errorf("unterminated double-quoted scalar")
	case '\'':
		doubled := false
		for i := start + 1; i < len(data); i++ {
			if data[i] == '\'' {
				if i+1 < len(data) && data[i+1] == '\'' {
					doubled = true
					i++
					continue
				}
				raw = -1
				if !doubled && string(data[start+1:i]) == n.Value {
					raw = start + 1
				}
				return i + 1, raw, nil
			}
		}
		return 0, 0, fmt.Errorf("unterminated single-quoted scalar")
	case '|', '>':
		return blockEnd(data, start), -1, nil
	}
	// Plain: its characters are the value's, with line folding between
	// words; match the value's non-space characters in order.
	i := start
	last := start
	for _, r := range n.Value {
		if r == ' ' || r == '\t' || r == '\n' {
			continue
		}
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
		c, w := utf8.DecodeRune(data[i:])
		if c != r {
			return 0, 0, fmt.Errorf("plain scalar does not match its value")
		}
		i += w
		last = i
	}
	raw = -1
	if string(data[start:last]) == n.Value {
		raw = start
	}
	return last, raw, nil
}

// blockEnd is the end of a block scalar (| or >) whose indicator is at i:
// its content lines are those indented at least as much as its first
// non-blank line; the scalar ends after the last of them, before the line
// break (trailing blank lines stay).
func blockEnd(data []byte, i int) int {
	eol := bytes.IndexByte(data[i:], '\n')
	if eol < 0 {
		return len(data)
	}
	end := i + eol
	if end > i && data[end-1] == '\r' {
		end--
	}
	at := i + eol + 1
	// Content is indented more than the node holding the scalar: on the
	// indicator's line, the first character after spaces and "- ".
	ls := bytes.LastIndexByte(data[:i], '\n') + 1
	parent := 0
	for p := ls; p < i; p++ {
		if data[p] == ' ' || (data[p] == '-' && p+1 < len(data) && data[p+1] == ' ') {
			continue
		}
		parent = p - ls
		break
	}
	indent := -1
	for at < len(data) {
		next := bytes.IndexByte(data[at:], '\n')
		lineEnd := len(data)
		if next >= 0 {
			lineEnd = at + next
		}
		line := data[at:lineEnd]
		content := bytes.TrimRight(line, "\r")
		sp := 0
		for sp < len(content) && content[sp] == ' ' {
			sp++
		}
		if sp == len(content) { // blank
			if next < 0 {
				break
			}
			at = lineEnd + 1
			continue
		}
		if indent < 0 {
			if sp <= parent {
				break // an empty block scalar: the next line is not its
			}
			indent = sp
		}
		if sp < indent {
			break
		}
		end = at + len(content)
		if next < 0 {
			break
		}
		at = lineEnd + 1
	}
	return end
}
