package collection

import (
	"bytes"
	"fmt"
	"github.com/pmprep/pmprep/internal/jsontext"
	"github.com/pmprep/pmprep/internal/secretlike"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting. Postman collections nest folders a few levels
// deep; 10,000 matches encoding/json and keeps every later recursive walk
// far from the stack limit.
const maxDepth = 10000

// syntaxError is a JSON syntax problem at a byte offset of the input.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.offset, e.msg) }

// duplicateKeyError reports an object that names the same member twice.
// JSON allows it, but Postman and newman (JSON.parse) keep only the last
// one while gjson, and so every edit pmprep plans, finds the first: strip
// would blank one `auth` and leave the secret in its twin, inject would
// edit the copy Postman ignores. Refusing is the only safe answer.
type duplicateKeyError struct {
	offset int    // of the second occurrence
	key    []byte // as written, without the quotes
}

func (e *duplicateKeyError) Error() string {
	return fmt.Sprintf("offset %d: duplicate key %s", e.offset, e.quotedKey())
}

// quotedKey is the key as it appears in the file, cut short if long, or
// redacted when it holds a secret (an error line must not print one).
func (e *duplicateKeyError) quotedKey() string {
	const max = 60
	if secretlike.InName(string(e.key)) {
		return `"` + secretlike.ShowName(string(e.key)) + `"`
	}
	k := e.key
	if len(k) > max {
		k = k[:max]
		for len(k) > 0 && k[len(k)-1]&0xc0 == 0x80 { // do not split a UTF-8 sequence
			k = k[:len(k)-1]
		}
		if len(k) > 0 && k[len(k)-1] >= 0xc0 {
			k = k[:len(k)-1]
		}
		return `"` + string(k) + `…"`
	}
	return `"` + string(k) + `"`
}

// keySet remembers the member names of the open objects, one frame per
// open container, so duplicates are found in the same single pass. Postman
// objects have a handful of members, so a linear scan of the frame beats
// hashing; a frame that grows past mapAfter members switches to a map so
// a hostile object of 100,000 members stays linear.
type keySet struct {
	keys  [][]byte              // raw keys of all open objects, innermost last
	base  []int                 // per open container: where its keys start
	index []map[string]struct{} // per open container: nil until it grows large
	first *duplicateKeyError
}

const mapAfter = 32

func (s *keySet) open() {
	s.base = append(s.base, len(s.keys))
	s.index = append(s.index, nil)
}

func (s *keySet) close() {
	top := len(s.base) - 1
	s.keys = s.keys[:s.base[top]]
	s.base = s.base[:top]
	s.index[top] = nil
	s.index = s.index[:top]
}

// add records the raw key (between its quotes) found at offset in the
// innermost object and notes the first duplicate.
func (s *keySet) add(key []byte, offset int) {
	if s.first != nil {
		return
	}
	top := len(s.base) - 1
	name := key
	if bytes.IndexByte(key, '\\') >= 0 {
		name = unescapeKey(key) // "a\u0075th" is "auth" to JSON.parse
	}
	if m := s.index[top]; m != nil {
		if _, dup := m[string(name)]; dup {
			s.first = &duplicateKeyError{offset, key}
			return
		}
		m[string(name)] = struct{}{}
		return
	}
	frame := s.keys[s.base[top]:]
	for _, k := range frame {
		if bytes.Equal(k, name) {
			s.first = &duplicateKeyError{offset, key}
			return
		}
	}
	s.keys = append(s.keys, name)
	if len(frame)+1 > mapAfter {
		m := make(map[string]struct{}, 2*mapAfter)
		for _, k := range s.keys[s.base[top]:] {
			m[string(k)] = struct{}{}
		}
		s.index[top] = m
	}
}

// unescapeKey decodes a key that holds escapes into UTF-8, the form the
// keys without escapes are compared in, so "a\u0075th" equals "auth".
// JSON.parse compares UTF-16 code units, so a lone surrogate (\ud800)
// must stay itself rather than become U+FFFD, as in Go's decoder (which
// would make "\ud800" and "\udbff" one key): it is written as its
// three-byte generalised UTF-8 form, which no valid UTF-8 key contains.
func unescapeKey(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		if raw[i] != '\\' || i+1 >= len(raw) {
			out = append(out, raw[i])
			i++
			continue
		}
		if raw[i+1] != 'u' {
			out = append(out, jsontext.UnescapeChar(raw[i+1]))
			i += 2
			continue
		}
		u, ok := jsontext.Hex4(raw, i+2)
		if !ok {
			return raw // cannot happen after scanString
		}
		i += 6
		if utf16.IsSurrogate(rune(u)) {
			if lo, ok := jsontext.Hex4(raw, i+2); ok && u < 0xdc00 && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' && lo >= 0xdc00 && lo <= 0xdfff {
				out = utf8.AppendRune(out, utf16.DecodeRune(rune(u), rune(lo)))
				i += 6
				continue
			}
			out = append(out, 0xe0|byte(u>>12), 0x80|byte(u>>6)&0x3f, 0x80|byte(u)&0x3f)
			continue
		}
		out = utf8.AppendRune(out, rune(u))
	}
	return out
}

// validate checks that data is exactly one JSON value (RFC 8259) with
// surrounding whitespace, in a single iterative pass: no recursion, so a
// hostile 100,000-deep document cannot exhaust the stack. It does not check
// UTF-8; Parse does that separately with utf8.Valid, which is faster.
func validate(data []byte) error {
	// stack holds '{' or '[' for each open container.
	stack := make([]byte, 0, 32)
	var keys keySet
	i := jsontext.SkipSpace(data, 0)
	if i == len(data) {
		return &syntaxError{i, "empty document: expected a JSON value"}
	}
	for {
		// Expect a value at i.
		if i >= len(data) {
			return &syntaxError{i, "unexpected end of input: the file is truncated"}
		}
		switch c := data[i]; {
		case c == '{' || c == '[':
			if len(stack) >= maxDepth {
				return &syntaxError{i, fmt.Sprintf("nesting deeper than %d levels", maxDepth)}
			}
			stack = append(stack, c)
			i = jsontext.SkipSpace(data, i+1)
			if i < len(data) && (c == '{' && data[i] == '}' || c == '[' && data[i] == ']') {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				keys.open()
				var err error
				if i, err = objectKey(data, i, &keys); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			end, err := scanString(data, i)
			if err != nil {
				return err
			}
			i = end
		case c == '-' || c >= '0' && c <= '9':
			end, err := scanNumber(data, i)
			if err != nil {
				return err
			}
			i = end
		case c == 't':
			if !hasLiteral(data, i, "true") {
				return &syntaxError{i, "invalid literal: expected true"}
			}
			i += 4
		case c == 'f':
			if !hasLiteral(data, i, "false") {
				return &syntaxError{i, "invalid literal: expected false"}
			}
			i += 5
		case c == 'n':
			if !hasLiteral(data, i, "null") {
				return &syntaxError{i, "invalid literal: expected null"}
			}
			i += 4
		default:
			return &syntaxError{i, fmt.Sprintf("unexpected %s: expected a value", describeByte(c))}
		}
		// After a value: close containers or move to the next member.
		for {
			i = jsontext.SkipSpace(data, i)
			if len(stack) == 0 {
				if i != len(data) {
					return &syntaxError{i, fmt.Sprintf("unexpected %s after the end of the JSON value", describeByte(data[i]))}
				}
				if keys.first != nil {
					return keys.first // reported after the syntax, which matters more
				}
				return nil
			}
			if i >= len(data) {
				return &syntaxError{i, "unexpected end of input: the file is truncated"}
			}
			top := stack[len(stack)-1]
			c := data[i]
			if c == ',' {
				i = jsontext.SkipSpace(data, i+1)
				if top == '{' {
					var err error
					if i, err = objectKey(data, i, &keys); err != nil {
						return err
					}
				}
				break
			}
			if top == '{' && c == '}' || top == '[' && c == ']' {
				if top == '{' {
					keys.close()
				}
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			if top == '{' {
				return &syntaxError{i, fmt.Sprintf("unexpected %s: expected ',' or '}'", describeByte(c))}
			}
			return &syntaxError{i, fmt.Sprintf("unexpected %s: expected ',' or ']'", describeByte(c))}
		}
	}
}

// objectKey scans `"key" :` at i, records the key in the innermost
// object's frame of keys and returns the offset of the value.
func objectKey(data []byte, i int, keys *keySet) (int, error) {
	if i >= len(data) {
		return i, &syntaxError{i, "unexpected end of input: the file is truncated"}
	}
	if data[i] != '"' {
		return i, &syntaxError{i, fmt.Sprintf("unexpected %s: expected a string key", describeByte(data[i]))}
	}
	end, err := scanString(data, i)
	if err != nil {
		return end, err
	}
	keys.add(data[i+1:end-1], i)
	i = jsontext.SkipSpace(data, end)
	if i >= len(data) {
		return i, &syntaxError{i, "unexpected end of input: the file is truncated"}
	}
	if data[i] != ':' {
		return i, &syntaxError{i, fmt.Sprintf("unexpected %s: expected ':' after object key", describeByte(data[i]))}
	}
	return jsontext.SkipSpace(data, i+1), nil
}

// scanString returns the offset just past the string starting at data[i].
func scanString(data []byte, i int) (int, error) {
	start := i
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i, &syntaxError{start, "unterminated string: the file is truncated"}
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) {
					return i, &syntaxError{start, "unterminated string: the file is truncated"}
				}
				for _, h := range data[i+2 : i+6] {
					if !isHex(h) {
						return i, &syntaxError{i, "invalid \\u escape in string"}
					}
				}
				i += 6
			default:
				return i, &syntaxError{i, "invalid escape in string"}
			}
		case c < 0x20:
			return i, &syntaxError{i, "control character in string (newlines and tabs must be escaped)"}
		default:
			i++
		}
	}
	return i, &syntaxError{start, "unterminated string: the file is truncated"}
}

func scanNumber(data []byte, i int) (int, error) {
	start := i
	if data[i] == '-' {
		i++
	}
	if i >= len(data) || !isDigit(data[i]) {
		return i, &syntaxError{start, "invalid number"}
	}
	if data[i] == '0' {
		i++
	} else {
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return i, &syntaxError{start, "invalid number"}
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return i, &syntaxError{start, "invalid number"}
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	return i, nil
}

func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("byte 0x%02x", c)
}
