package strip

import (
	"github.com/pmprep/pmprep/internal/jsontext"
	"github.com/pmprep/pmprep/internal/secretlike"
	"regexp"
	"sort"
	"strings"
)

// found is a secret in a free text (a script, a description, a raw body,
// a saved response's body): the byte ranges of the decoded text to cut (a
// PEM key's body is several), what it is, and the member or field name
// that made it a secret ("" for a shape).
type found struct {
	ranges [][2]int
	kind   string
	key    string
	rank   int // when two overlap, the lower rank names the finding
}

const (
	rankName   = iota // a JSON member or form field with a secret-looking name
	rankKey           // a PEM private key
	rankToken         // a JWT or a known token format
	rankScheme        // a credential after Bearer or Basic
)

// textMode is what find looks for in a text.
type textMode uint8

const (
	plainText textMode = iota // a script, a description: strong shapes
	dataText                  // a body: also JSON members and form fields with secret-looking names
	nameText                  // a collection's, request's or environment's name: no connection strings
)

// find returns the secrets in text: strong token shapes (JWT, known token
// formats, PEM private keys, literal Bearer and Basic credentials), a
// URL's password and credential parameters (Postman names a request after
// its URL), connection strings' keys except in a name, and in data the
// string values of JSON members and form fields with secret-looking names. It never returns a {{variable}}
// reference's bytes. Each part is a strings.Index scan: most free text
// holds none.
func (s *scanner) find(text string, m textMode) []found {
	var out []found
	if m == dataText {
		out = s.jsonMembers(text, out)
		out = s.formFields(text, out)
	}
	out = privateKeys(text, out)
	out = awsSecrets(text, tokens(text, out))
	out = schemeCredentials(text, out)
	out = userinfo(text, out)
	if m != nameText {
		out = connStrings(text, out)
	}
	out = s.urlParams(text, out)
	return out
}

// tokenByte, wordStart: as secretlike's, which finds the token formats.
func tokenByte(c byte) bool { return secretlike.TokenByte(c) }

func wordStart(text string, i int) bool { return secretlike.WordStart(text, i) }

// tokens adds the JWTs and known token formats in text to out.
func tokens(text string, out []found) []found {
	for _, t := range secretlike.Tokens(text, nil) {
		kind := "API token"
		if t.JWT {
			kind = "JWT"
		}
		out = append(out, found{ranges: [][2]int{{t.From, t.To}}, kind: kind, rank: rankToken})
	}
	return out
}

var (
	pemBegin = regexp.MustCompile(`^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)
	pemEnd   = regexp.MustCompile(`^-----END [A-Z0-9 ]*PRIVATE KEY-----`)
)

// privateKeys finds PEM private keys that have both markers (across lines,
// in a script's exec lines joined). It cuts the key material only, between
// the markers; markers, line breaks, backslash escapes ("\n" in a
// JavaScript string), quotes and "+" stay, so a script still parses. When
// anything between the markers is not key material (code, a {{variable}},
// ${…}, words), the block is not a pasted key and stays whole.
func privateKeys(text string, out []found) []found {
	for at := 0; ; {
		i := indexFrom(text, "-----BEGIN ", at)
		if i < 0 {
			return out
		}
		at = i + 1
		loc := pemBegin.FindStringIndex(text[i:])
		if loc == nil {
			continue
		}
		body := i + loc[1]
		end := -1
		for e := body; ; e++ {
			k := strings.Index(text[e:], "-----END ")
			if k < 0 {
				break
			}
			if e += k; pemEnd.MatchString(text[e:]) {
				end = e
				break
			}
		}
		if end < 0 {
			return out // no END marker: nothing to bound the key by
		}
		if rs := keyRuns(text, body, end); len(rs) > 0 {
			out = append(out, found{ranges: rs, kind: "private key", rank: rankKey})
		}
		at = end + 1
	}
}

func base64Byte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// minKey is the least base64 a block must hold to be a key: "MIIE" alone
// between markers is an example, not a secret.
const minKey = 16

// keyRuns returns the key material between a PEM block's markers, one range
// per line, or nil when a line holds anything else. Lines end at line
// breaks and at "\n" or "\r" escapes (a key in one JavaScript string).
func keyRuns(text string, from, to int) [][2]int {
	var rs [][2]int
	total := 0
	for j := from; ; {
		k, next := j, to
		for k < to {
			if text[k] == '\n' {
				next = k + 1
				break
			}
			if text[k] == '\\' {
				m := k
				for m < to && text[m] == '\\' {
					m++
				}
				// "\n" or "\r" escapes end a line, and so does a backslash
				// before a real line break (a JavaScript line continuation).
				if m < to && (text[m] == 'n' || text[m] == 'r' || text[m] == '\n' || text[m] == '\r') {
					next = m + 1
					break
				}
				k = m + 1 // "\/" (an escaped slash) or not key material: keyLine decides
				continue
			}
			k++
		}
		k = min(k, to)
		r, ok := keyLine(text[j:k])
		if !ok {
			return nil
		}
		if r[1] > r[0] {
			rs = append(rs, [2]int{j + r[0], j + r[1]})
			total += r[1] - r[0]
		}
		if next >= to {
			break
		}
		j = next
	}
	if total < minKey {
		return nil
	}
	return rs
}

// keyLine reports whether line is key material alone: base64 (a JSON
// "\/" escape allowed), with quotes, "+" or "," (JavaScript concatenation
// and arrays) and white space around it, or an encrypted key's Proc-Type
// or DEK-Info header. It returns the range to cut, empty when there is none.
// Base64 words separated by white space are a key only when every word but
// the last has a PEM line's length (64 or 76), so code such as
// "x === undefined" is not a key.
func keyLine(line string) ([2]int, bool) {
	// '+' is base64 too: it is JavaScript's concatenation only when a
	// space, tab or quote stands between it and the key material.
	const around = " \t\r\"'`,"
	gap := func(c byte) bool { return strings.IndexByte(around, c) >= 0 }
	i, e := 0, len(line)
	for i < e && (gap(line[i]) || line[i] == '+' && (i+1 == e || gap(line[i+1]))) {
		i++
	}
	for e > i && (gap(line[e-1]) || line[e-1] == '+' && (e-1 == i || gap(line[e-2]))) {
		e--
	}
	if i == e {
		return [2]int{}, true
	}
	if strings.HasPrefix(line[i:], "Proc-Type: ") || strings.HasPrefix(line[i:], "DEK-Info: ") {
		return [2]int{}, true
	}
	word := 0 // decoded length of the current word
	for k := i; k < e; k++ {
		switch c := line[k]; {
		case base64Byte(c):
			word++
		case c == '\\' && k+1 < e && line[k+1] == '/':
			word++
			k++
		case c == ' ' || c == '\t':
			if word != 64 && word != 76 {
				return [2]int{}, false
			}
			word = 0
			for k+1 < e && (line[k+1] == ' ' || line[k+1] == '\t') {
				k++
			}
		default:
			return [2]int{}, false
		}
	}
	return [2]int{i, e}, true
}

// credByte reports whether c can be part of a Bearer or Basic credential
// (RFC 6750 token68, with = anywhere so a second strip finds nothing).
func credByte(c byte) bool {
	return tokenByte(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// schemeCredentials finds "Bearer X" and "Basic X" with a literal
// credential X and cuts X, keeping the word and the space. To keep
// ordinary words ("Bearer tokens", "Basic auth", "Bearer YOUR_TOKEN"), a
// Bearer credential has 16 characters or more with letters and digits, and
// a Basic credential is base64 of printable "user:password".
func schemeCredentials(text string, out []found) []found {
	for _, w := range []string{"earer", "EARER", "asic", "ASIC"} {
		for at := 0; ; {
			i := strings.Index(text[at:], w)
			if i < 0 {
				break
			}
			i += at
			at = i + len(w)
			start := i - 1
			if start < 0 || text[start]|0x20 != 'b' || !wordStart(text, start) {
				continue
			}
			j := i + len(w)
			if j >= len(text) || text[j] != ' ' && text[j] != '\t' {
				continue
			}
			j++
			k := j
			for k < len(text) && credByte(text[k]) {
				k++
			}
			// A sentence's period (or a "~" after the credential) is not
			// part of it: "Bearer abc…123. Done." keeps ". Done.".
			for k > j && (text[k-1] == '.' || text[k-1] == '~') {
				k--
			}
			bearer := w[0]|0x20 == 'e'
			if bearer && bearerCredential(text[j:k]) || !bearer && basicCredential(text[j:k]) {
				kind := "Basic credential"
				if bearer {
					kind = "Bearer credential"
				}
				out = append(out, found{ranges: [][2]int{{j, k}}, kind: kind, rank: rankScheme})
				at = k
			}
		}
	}
	return out
}

func bearerCredential(c string) bool { return secretlike.BearerCredential(c) }

func basicCredential(c string) bool { return secretlike.BasicCredential(c) }

// jsonMembers finds the string values of members with secret-looking
// names in a text that looks like JSON (a token endpoint's response,
// {"access_token": "…"}), and the "value" of an object whose "type",
// "name" or "key" names a secret (Keycloak's credentials [{"type":
// "password", "value": "…"}], name/value lists). It reads string tokens
// only, counting the braces between them, so a body holding {{variables}}
// outside strings, or comments, still scans. Only the value's characters
// are cut: "access_token": "".
func (s *scanner) jsonMembers(text string, out []found) []found {
	i := jsontext.SkipSpace(text, 0)
	if i == len(text) || text[i] != '{' && text[i] != '[' {
		return out
	}
	// One frame per open object: the secret its type/name/key names, and
	// where its "value" string is.
	type frame struct {
		named    string
		value    [2]int
		hasValue bool
		done     bool
	}
	var frames []frame
	emit := func(f *frame) {
		if f.done || f.named == "" || !f.hasValue {
			return
		}
		f.done = true
		if rs := literalRanges(text, f.value[0], f.value[1]); len(rs) > 0 {
			out = append(out, found{ranges: rs, kind: kindName(f.named) + " value", key: f.named, rank: rankName})
		}
	}
	braces := func(from, to int) {
		for k := from; k < to; k++ {
			switch text[k] {
			case '{':
				frames = append(frames, frame{})
			case '}':
				if n := len(frames); n > 0 {
					frames = frames[:n-1]
				}
			}
		}
	}
	last := i
	for {
		q := strings.IndexByte(text[i:], '"')
		if q < 0 {
			return out
		}
		ks := i + q
		braces(last, ks)
		ke := jsontext.StringEnd(text, ks)
		if ke < 0 {
			return out
		}
		last = ke
		j := jsontext.SkipSpace(text, ke)
		if j == len(text) || text[j] != ':' {
			i = ke
			continue
		}
		j = jsontext.SkipSpace(text, j+1)
		if j == len(text) || text[j] != '"' {
			i = j
			continue
		}
		braces(last, j)
		ve := jsontext.StringEnd(text, j)
		if ve < 0 {
			return out
		}
		last = ve
		name := decodeText(text[ks:ke]).text
		value := decodeText(text[j:ve]).text
		if s.byName(name, ruleMember) && literal(value) {
			if rs := literalRanges(text, j+1, ve-1); len(rs) > 0 {
				out = append(out, found{ranges: rs, kind: kindName(name), key: name, rank: rankName})
			}
		} else if n := len(frames); n > 0 {
			f := &frames[n-1]
			switch name {
			case "type", "name", "key":
				if len(value) <= 64 && s.byName(value, ruleName) {
					f.named = value
					emit(f)
				}
			case "value":
				if literal(value) {
					f.value, f.hasValue = [2]int{j + 1, ve - 1}, true
					emit(f)
				}
			}
		}
		i = ve
	}
}

// formFields finds the values of fields with secret-looking names in a
// text that looks like an application/x-www-form-urlencoded body
// (grant_type=password&client_secret=…), or a token endpoint's response in
// that form (access_token=…&token_type=bearer). A text is a form only when
// every &-separated part is a short field name, alone or with "=" and a
// value: a base64 blob ending in "==" is not a form.
func (s *scanner) formFields(text string, out []found) []found {
	t := strings.TrimRight(text, "\r\n")
	if t == "" || t[0] == '{' || t[0] == '[' || strings.IndexByte(t, '=') < 0 || strings.ContainsAny(t, " \t\r\n\"<>") || !form(t) {
		return out
	}
	for at := 0; at < len(t); {
		stop := len(t)
		if amp := strings.IndexByte(t[at:], '&'); amp >= 0 {
			stop = at + amp
		}
		if eq := strings.IndexByte(t[at:stop], '='); eq > 0 {
			name, from := unescapeQuery(t[at:at+eq]), at+eq+1
			if s.byName(name, ruleField) && literal(unescapeQuery(t[from:stop])) {
				if rs := literalRanges(t, from, stop); len(rs) > 0 {
					out = append(out, found{ranges: rs, kind: kindName(name), key: name, rank: rankName})
				}
			}
		}
		at = stop + 1
	}
	return out
}

// maxFieldName is the longest form field name (encoded) a form has.
const maxFieldName = 64

// form reports whether t reads as name=value(&name=value)*: each part a
// field name (letters, digits, _ . - [ ] and percent escapes, or a
// {{variable}}) of at most maxFieldName bytes, alone or followed by "=" and
// a value that does not start with "=".
func form(t string) bool {
	for part := range strings.SplitSeq(t, "&") {
		name, value, eq := strings.Cut(part, "=")
		if part == "" {
			continue
		}
		if name == "" || len(name) > maxFieldName || eq && strings.HasPrefix(value, "=") {
			return false
		}
		for i := 0; i < len(name); i++ {
			switch c := name[i]; {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			case c == '_', c == '.', c == '-', c == '[', c == ']', c == '%', c == '{', c == '}':
			default:
				return false
			}
		}
	}
	return true
}

var oneReference = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// literalRanges returns text[from:to] without its {{variable}} references,
// as ranges: "{{user}}-fixed" loses "-fixed" only.
func literalRanges(text string, from, to int) [][2]int {
	var rs [][2]int
	if !strings.Contains(text[from:to], "{{") {
		if to > from {
			rs = append(rs, [2]int{from, to})
		}
		return rs
	}
	last := from
	for _, m := range oneReference.FindAllStringIndex(text[from:to], -1) {
		if from+m[0] > last {
			rs = append(rs, [2]int{last, from + m[0]})
		}
		last = from + m[1]
	}
	if to > last {
		rs = append(rs, [2]int{last, to})
	}
	return rs
}

// resolve merges secrets whose ranges overlap into one (a JWT inside an
// access_token member is one finding, named by the member), and returns
// them in text order, each with sorted, disjoint ranges.
func resolve(fs []found) []found {
	if len(fs) == 0 {
		return fs
	}
	type owned struct {
		r  [2]int
		id int
	}
	var all []owned
	for id, f := range fs {
		for _, r := range f.ranges {
			all = append(all, owned{r, id})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].r[0] < all[j].r[0] })
	parent := make([]int, len(fs))
	for i := range parent {
		parent[i] = i
	}
	root := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	end, owner := -1, -1
	for _, o := range all {
		if o.r[0] < end {
			parent[root(o.id)] = root(owner)
		}
		if o.r[1] > end {
			end, owner = o.r[1], o.id
		}
	}
	groups := map[int]*found{}
	var order []int
	for _, o := range all {
		g := root(o.id)
		f := groups[g]
		if f == nil {
			f = &found{rank: 1 << 30}
			groups[g] = f
			order = append(order, g)
		}
		if n := len(f.ranges); n > 0 && o.r[0] <= f.ranges[n-1][1] {
			f.ranges[n-1][1] = max(f.ranges[n-1][1], o.r[1])
		} else {
			f.ranges = append(f.ranges, o.r)
		}
		if w := fs[o.id]; w.rank < f.rank {
			f.rank, f.kind, f.key = w.rank, w.kind, w.key
		}
	}
	out := make([]found, len(order))
	for i, g := range order {
		out[i] = *groups[g]
	}
	return out
}
