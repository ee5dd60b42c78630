package collection

import (
	"github.com/pmprep/pmprep/internal/jsontext"
	"strings"

	"github.com/tidwall/gjson"
)

// The functions in this file move over JSON text that Parse has already
// validated, so they check nothing but bounds: skipping a 60 MB "item"
// tree is one pass over its bytes, with strings jumped over by
// strings.IndexByte (vectorised) instead of gjson's byte-at-a-time squash.
// On malformed text (a gjson.Result that did not come from a Document)
// they stop early or return the end of the text; they never panic and
// never loop.

// structural marks the bytes a container skip has to look at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipValue returns the offset just past the value that starts at s[i].
func skipValue(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				i = skipString(s, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
			for i < len(s) && !structural[s[i]] {
				i++
			}
		}
		return len(s)
	}
	// A number or a literal: runs to the next delimiter.
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// skipString returns the offset just past the string that starts at s[i]
// (the end of s when it does not end: the text was validated).
func skipString(s string, i int) int {
	if e := jsontext.StringEnd(s, i); e >= 0 {
		return e
	}
	return len(s)
}

// eachChild calls f with the offsets, within raw, of each member (key
// start, value start and end) or element (key start = value start) of the
// object or array raw, until f returns false.
func eachChild(raw string, f func(keyStart, valStart, valEnd int) bool) {
	eachChildAt(raw, 0, f)
}

// eachChildAt is eachChild for the container that starts at s[i]; when f
// never returns false it returns the offset just past the container.
func eachChildAt(s string, i int, f func(keyStart, valStart, valEnd int) bool) int {
	return eachChildWith(s, i, nil, f)
}

// eachChildWith is eachChildAt with the values skipped by value (which
// returns the offset just past the value at valStart), when not nil.
func eachChildWith(s string, i int, value func(keyStart, valStart int) int, f func(keyStart, valStart, valEnd int) bool) int {
	if len(s)-i < 2 || s[i] != '{' && s[i] != '[' {
		return len(s)
	}
	obj := s[i] == '{'
	i++
	for {
		i = jsontext.SkipSpace(s, i)
		if i >= len(s) {
			return len(s)
		}
		if s[i] == '}' || s[i] == ']' {
			return i + 1
		}
		ks := i
		if obj {
			if s[i] != '"' {
				return len(s)
			}
			i = jsontext.SkipSpace(s, skipString(s, i))
			if i >= len(s) || s[i] != ':' {
				return len(s)
			}
			i = jsontext.SkipSpace(s, i+1)
		}
		vs := i
		if value != nil {
			i = value(ks, vs)
		} else {
			i = skipValue(s, i)
		}
		if i <= vs || !f(ks, vs, i) {
			return len(s)
		}
		i = jsontext.SkipSpace(s, i)
		if i < len(s) && s[i] == ',' {
			i++
		} else if i >= len(s) || s[i] != '}' && s[i] != ']' {
			return len(s)
		}
	}
}

// keyAt returns the unescaped key whose quoted text starts at raw[ks].
func keyAt(raw string, ks int) string {
	end := skipString(raw, ks)
	k := raw[ks:end]
	if len(k) < 2 {
		return ""
	}
	if strings.IndexByte(k, '\\') < 0 {
		return k[1 : len(k)-1] // no escapes: a view, no copy
	}
	return gjson.Parse(k).Str
}

// resultAt returns the value raw[vs:ve] as a gjson.Result whose Index is
// base+vs, like the ones gjson's ForEach yields.
func resultAt(raw string, vs, ve, base int) gjson.Result {
	var r gjson.Result
	switch raw[vs] {
	case '{', '[':
		r = gjson.Result{Type: gjson.JSON, Raw: raw[vs:ve]} // gjson.Parse would do the same, after a type switch
	default:
		r = gjson.Parse(raw[vs:ve])
	}
	r.Index = base + vs
	return r
}
