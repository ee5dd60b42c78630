package secretlike

import (
	"encoding/base64"
	"strings"
)

// Span is a credential found in a text: text[From:To], a JWT or a known
// provider token format.
type Span struct {
	From, To int
	JWT      bool
}

// TokenByte reports whether c can be part of a JWT or a known token format.
func TokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

func wordByte(c byte) bool { return TokenByte(c) && c != '-' }

// WordStart reports whether a word starts at text[i]; after a backslash
// escape (a JavaScript "\n" in a script line) it does too.
func WordStart(text string, i int) bool {
	return i == 0 || !wordByte(text[i-1]) || i > 1 && text[i-2] == '\\'
}

// tokenStart reports whether a token may start at text[i]: at a word start,
// or glued after an underscore (prefix_sk_live_…, password_ghp_…: a
// token pasted behind a name is still one).
func tokenStart(text string, i int) bool {
	return WordStart(text, i) || text[i-1] == '_'
}

func tokenRun(text string, i int) int {
	n := 0
	for i+n < len(text) && TokenByte(text[i+n]) {
		n++
	}
	return n
}

// Tokens appends to out the JWTs and known token formats in text. A match
// is widened to the whole run of token characters around it, so no token
// character is left to form a new token with what follows (a second strip
// finds nothing). Documented examples (…EXAMPLE…) are not tokens.
func Tokens(text string, out []Span) []Span {
	for at := 0; ; {
		i := strings.Index(text[at:], "eyJ")
		if i < 0 {
			break
		}
		i += at
		// An eyJ inside the same run would fail where this one does: skip
		// the run, or a long run of them takes quadratic time.
		at = i + 3 + tokenRun(text, i+3)
		if end := jwtEnd(text, i); end > 0 {
			t := tokenAt(text, i, end)
			t.JWT = true
			out = append(out, t)
			at = end
		}
	}
	// Prefixed formats: one pass over the word starts.
	for i := 0; i < len(text); i++ {
		fs := byFirst[text[i]]
		if fs == nil || !tokenStart(text, i) {
			continue
		}
		for _, f := range fs {
			if !strings.HasPrefix(text[i:], f.prefix) {
				continue
			}
			if loc := f.anchored.FindStringIndex(text[i:]); loc != nil {
				if t := tokenAt(text, i, i+loc[1]); !strings.Contains(text[t.From:t.To], "EXAMPLE") {
					out = append(out, t)
					i = t.To - 1
					break
				}
			}
		}
	}
	for _, f := range hinted {
		for at := 0; ; {
			i := strings.Index(text[at:], f.prefix)
			if i < 0 {
				break
			}
			i += at
			at = i + 1
			start := i - f.back
			if start < 0 || !tokenStart(text, start) {
				continue
			}
			if loc := f.anchored.FindStringIndex(text[start:]); loc != nil {
				if t := tokenAt(text, start, start+loc[1]); !strings.Contains(text[t.From:t.To], "EXAMPLE") {
					out = append(out, t)
					at = start + loc[1]
				}
			}
		}
	}
	return out
}

// jwtEnd returns where the JWT starting at text[i] ("eyJ") ends, or 0:
// header and payload of 8 characters or more, the signature and any
// further JWE parts.
func jwtEnd(text string, i int) int {
	j := i + 3
	for range 2 { // header and payload
		n := tokenRun(text, j)
		if n < 8 {
			return 0
		}
		j += n
		if j >= len(text) || text[j] != '.' {
			return 0
		}
		j++
	}
	j += tokenRun(text, j)
	for j+1 < len(text) && text[j] == '.' && TokenByte(text[j+1]) {
		j++
		j += tokenRun(text, j)
	}
	return j
}

// tokenAt widens [from, to) to the run of token characters around it,
// keeping a character that a backslash escapes ("\neyJ…" keeps the n).
func tokenAt(text string, from, to int) Span {
	for from > 0 && TokenByte(text[from-1]) && !(from > 1 && text[from-2] == '\\') {
		from--
	}
	to += tokenRun(text, to)
	return Span{From: from, To: to}
}

// BearerCredential reports whether c, after "Bearer ", is a credential
// rather than a word ("Bearer tokens", "Bearer YOUR_TOKEN"): 16
// characters or more, with letters and digits.
func BearerCredential(c string) bool {
	if len(c) < 16 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(c); i++ {
		switch b := c[i]; {
		case '0' <= b && b <= '9':
			digit = true
		case 'a' <= b|0x20 && b|0x20 <= 'z':
			letter = true
		}
	}
	return letter && digit
}

// BasicCredential reports whether c, after "Basic ", is a credential:
// base64 of printable "user:password" ("Basic auth" is a word).
func BasicCredential(c string) bool {
	enc := base64.StdEncoding
	if !strings.HasSuffix(c, "=") && len(c)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	d, err := enc.DecodeString(c)
	if err != nil || len(d) < 3 {
		return false
	}
	colon := false
	for _, b := range d {
		if b < 0x20 || b > 0x7e {
			return false
		}
		colon = colon || b == ':'
	}
	return colon
}
