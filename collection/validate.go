package collection

import "fmt"

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

// validate checks that data is exactly one JSON value (RFC 8259) with
// surrounding whitespace, in a single iterative pass: no recursion, so a
// hostile 100,000-deep document cannot exhaust the stack. It does not check
// UTF-8; Parse does that separately with utf8.Valid, which is faster.
func validate(data []byte) error {
	// stack holds '{' or '[' for each open container.
	stack := make([]byte, 0, 32)
	i := skipSpace(data, 0)
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
			i = skipSpace(data, i+1)
			if i < len(data) && (c == '{' && data[i] == '}' || c == '[' && data[i] == ']') {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				var err error
				if i, err = objectKey(data, i); err != nil {
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
			i = skipSpace(data, i)
			if len(stack) == 0 {
				if i != len(data) {
					return &syntaxError{i, fmt.Sprintf("unexpected %s after the end of the JSON value", describeByte(data[i]))}
				}
				return nil
			}
			if i >= len(data) {
				return &syntaxError{i, "unexpected end of input: the file is truncated"}
			}
			top := stack[len(stack)-1]
			c := data[i]
			if c == ',' {
				i = skipSpace(data, i+1)
				if top == '{' {
					var err error
					if i, err = objectKey(data, i); err != nil {
						return err
					}
				}
				break
			}
			if top == '{' && c == '}' || top == '[' && c == ']' {
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

// objectKey scans `"key" :` at i and returns the offset of the value.
func objectKey(data []byte, i int) (int, error) {
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
	i = skipSpace(data, end)
	if i >= len(data) {
		return i, &syntaxError{i, "unexpected end of input: the file is truncated"}
	}
	if data[i] != ':' {
		return i, &syntaxError{i, fmt.Sprintf("unexpected %s: expected ':' after object key", describeByte(data[i]))}
	}
	return skipSpace(data, i+1), nil
}

func skipSpace(data []byte, i int) int {
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
