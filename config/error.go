package config

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Error is a problem with a config file. The command line maps it to exit
// code 2. Its message is one line: FILE:LINE:COL: what is wrong (what to do).
// It never contains the value of a secret.
type Error struct {
	File string
	Line int // 1-based; 0 when the error concerns the whole file
	Col  int // 1-based, in characters
	Msg  string
	Err  error // the underlying cause, if any (e.g. an fs error from Load)
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error located in c's file, for problems the caller
// finds with a setting (e.g. an OS environment variable named by from that
// is not set). Line and col come from a Setting, Environment or Var.
func (c *Config) Errorf(line, col int, format string, args ...any) *Error {
	return &Error{File: c.File, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// suggest returns the known name closest to got, or "" when none is close
// enough to be a likely typo.
func suggest(got string, known []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(strings.ToLower(s))
	}
	g := norm(got)
	best, bestD := "", 1<<30
	for _, k := range known {
		kn := norm(k)
		if kn == g {
			return k
		}
		d := levenshtein(g, kn)
		limit := max(1, utf8.RuneCountInString(kn)/3)
		prefix := len(g) >= 3 && (strings.HasPrefix(kn, g) || strings.HasPrefix(g, kn))
		if (d <= limit || prefix) && d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// firstError returns the error that comes first in the file.
func firstError(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Line != errs[j].Line {
			return errs[i].Line < errs[j].Line
		}
		return errs[i].Col < errs[j].Col
	})
	return errs[0]
}

// position converts a byte offset in data to a 1-based line and column.
// Lines end at LF, CRLF or a lone CR, and columns count characters, as the
// YAML parser does.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' || data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			line++
			start = i + 1
		}
	}
	if start == 0 && bytes.HasPrefix(data[:off], bomUTF8) {
		start = len(bomUTF8) // not a column: editors do not show it
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}

// splitLines splits data into lines the way position counts them.
func splitLines(data []byte) []string {
	return strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data)), "\n")
}

// lineText returns line (1-based) of data without its line ending.
func lineText(data []byte, line int) string {
	lines := splitLines(data)
	if line < 1 || line > len(lines) {
		return ""
	}
	return lines[line-1]
}

// firstNonBlank is the column of the first non-blank character of line.
func firstNonBlank(data []byte, line int) int {
	t := lineText(data, line)
	trimmed := strings.TrimLeft(t, " \t")
	return utf8.RuneCountInString(t[:len(t)-len(trimmed)]) + 1
}
