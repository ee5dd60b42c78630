package strip

import (
	"strings"
)

// Shapes found inside a value or free text whatever its name, cut to
// their secret bytes alone: the password of a URL's userinfo, a
// connection string's key or password, a credential query parameter or
// fragment parameter of a URL inside a body or description, and the AWS
// secret key written beside an AWS key id.

// indexFrom is strings.Index of sub in text from at on, as an index of
// text (-1 when there is none).
func indexFrom(text, sub string, at int) int {
	if i := strings.Index(text[at:], sub); i >= 0 {
		return at + i
	}
	return -1
}

// rankPart names an overlapping finding after the name and token ranks.
const rankPart = rankScheme + 1

// urlEnd reports whether c ends a URL in free text.
func urlEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>', '\\', '(', ')', '[', ']', '{', '}', '|', '^', ',':
		return true
	}
	return false
}

// userinfo finds scheme://user:password@host and cuts the password:
// https://deploy:PASS@host, postgres://u:p@h, mongodb+srv://u:p@cluster.
func userinfo(text string, out []found) []found {
	for at := 0; ; {
		i := indexFrom(text, "://", at)
		if i < 0 {
			return out
		}
		at = i + 3
		// The scheme: letters, digits, + . - before "://".
		s := i
		for s > 0 && schemeByte(text[s-1]) {
			s--
		}
		if s == i {
			continue
		}
		// The authority ends at / ? # or where the URL ends; the userinfo
		// at its last @ ({{host}} stays: braces end the scan only outside).
		j := i + 3
		at2 := -1
		for j < len(text) && text[j] != '/' && text[j] != '?' && text[j] != '#' && (!urlEnd(text[j]) || text[j] == '{' || text[j] == '}') {
			if text[j] == '@' {
				at2 = j
			}
			j++
		}
		if at2 < 0 {
			continue
		}
		colon := strings.IndexByte(text[i+3:at2], ':')
		if colon < 0 {
			continue
		}
		from := i + 3 + colon + 1
		if from >= at2 || !literal(text[from:at2]) {
			continue
		}
		if rs := literalRanges(text, from, at2); len(rs) > 0 {
			out = append(out, found{ranges: rs, kind: "URL password", rank: rankPart})
		}
		at = at2
	}
}

func schemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-'
}

// connKeys are the connection-string keys (lower case) whose value is a
// secret: Azure storage and Service Bus, ADO.NET and ODBC passwords.
var connKeys = set("accountkey", "sharedaccesskey", "password", "pwd", "sharedaccesssignature")

// connStrings finds Key=value; pairs of connection strings
// (DefaultEndpointsProtocol=https;AccountName=a;AccountKey=…;) and cuts
// the values of the secret keys. The key must start the string or follow
// ; or white space, and the pair end at ; or the end, so
// "password = x" in a script is not one. A value may be quoted, as
// ADO.NET allows (Password="a;b" or 'a;b', a doubled quote standing for
// one), or braced, as ODBC does (Pwd={a;b}, "}}" standing for "}"): the
// text between the quotes or braces is cut, ; included, and they stay.
func connStrings(text string, out []found) []found {
	for at := 0; ; {
		i := indexFrom(text, "=", at)
		if i < 0 {
			return out
		}
		at = i + 1
		k := i
		for k > 0 && isLetter(text[k-1]) {
			k--
		}
		if i-k < 3 || i-k > 21 || !connKeys[strings.ToLower(text[k:i])] {
			continue
		}
		if k > 0 && text[k-1] != ';' && text[k-1] != ' ' && text[k-1] != '"' && text[k-1] != '\n' {
			continue
		}
		from, e, next, ok := connValue(text, i+1)
		if !ok || !strings.Contains(text[max(0, k-200):min(len(text), next+1)], ";") {
			continue // no ; around: not a connection string
		}
		if v := text[from:e]; !literal(v) || v[0] == ' ' {
			continue
		}
		if rs := literalRanges(text, from, e); len(rs) > 0 {
			out = append(out, found{ranges: rs, kind: "connection string " + text[k:i], rank: rankPart})
		}
		at = next
	}
}

// connValue reads the connection-string value at text[i]: it returns the
// bytes to cut, [from, to), where the pair ends, and whether there is a
// value. A value ends within maxConnValue bytes (an account key is 88):
// bounded, so a text of many "Password=" stays linear.
func connValue(text string, i int) (from, to, end int, ok bool) {
	stop := min(len(text), i+maxConnValue)
	if i < len(text) && (text[i] == '"' || text[i] == '\'' || text[i] == '{') {
		closer := text[i]
		if closer == '{' {
			closer = '}'
		}
		for j := i + 1; j < stop; j++ {
			if text[j] != closer {
				continue
			}
			if j+1 < len(text) && text[j+1] == closer {
				j++ // a doubled quote or brace stands for one
				continue
			}
			// The closer ends the value only where the pair ends.
			if j+1 == len(text) || text[j+1] == ';' || text[j+1] == ' ' || text[j+1] == '"' || text[j+1] == '\'' || text[j+1] == '\n' || text[j+1] == '\r' {
				return i + 1, j, j + 1, j > i+1
			}
		}
		if text[i] == '{' {
			return 0, 0, 0, false // an unclosed brace: not a value strip can bound
		}
		// A lone quote: read the value plainly (Password="x in a script).
	}
	e := i
	for e < stop && text[e] != ';' && text[e] != '"' && text[e] != '\'' && text[e] != '\n' && text[e] != '\r' && text[e] != '&' {
		e++
	}
	if e == i || e == stop && stop < len(text) {
		return 0, 0, 0, false
	}
	return i, e, e, true
}

// maxConnValue is the longest connection-string value looked at.
const maxConnValue = 1024

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// urlParams finds credential parameters in the query or fragment of URLs
// in free text (a saved response's redirect, a presigned URL with
// X-Amz-Signature, a description's example link, #access_token=… of an
// implicit grant) and cuts their values.
func (s *scanner) urlParams(text string, out []found) []found {
	for _, mark := range []byte{'?', '#'} {
		for at := 0; ; {
			q := strings.IndexByte(text[at:], mark)
			if q < 0 {
				break
			}
			q += at
			at = q + 1
			if q == 0 || urlEnd(text[q-1]) {
				continue // not inside a URL
			}
			end := q + 1
			for end < len(text) && !urlEnd(text[end]) && (mark == '#' || text[end] != '#') {
				end++
			}
			out = s.params(text, q+1, end, out)
			at = end
		}
	}
	return out
}

// params reads name=value pairs separated by & in text[from:to], and
// records the values of credential parameters.
func (s *scanner) params(text string, from, to int, out []found) []found {
	for at := from; at < to; {
		stop := to
		if amp := strings.IndexByte(text[at:to], '&'); amp >= 0 {
			stop = at + amp
		}
		if eq := strings.IndexByte(text[at:stop], '='); eq > 0 {
			name := unescapeQuery(text[at : at+eq])
			v := at + eq + 1
			if textQuery(s, name) && v < stop && literal(unescapeQuery(text[v:stop])) {
				if rs := literalRanges(text, v, stop); len(rs) > 0 {
					out = append(out, found{ranges: rs, kind: "URL parameter " + kindName(name), key: name, rank: rankName})
				}
			}
		}
		at = stop + 1
	}
	return out
}

// textQuery: a query name that carries a credential in a URL inside free
// text. "key" alone is left out there: ?key=name sorts more often than it
// authenticates in a description.
func textQuery(s *scanner, name string) bool {
	return !strings.EqualFold(name, "key") && s.byName(name, ruleQuery)
}

// awsSecrets finds the AWS secret access key written beside an AWS key id
// (AKIA…, ASIA…): a run of 40 base64 characters within the next 200
// bytes.
func awsSecrets(text string, out []found) []found {
	n := len(out)
	for k := 0; k < n; k++ {
		f := out[k]
		r := f.ranges[0]
		if f.rank != rankToken || r[1]-r[0] != 20 || !(strings.HasPrefix(text[r[0]:], "AKIA") || strings.HasPrefix(text[r[0]:], "ASIA")) {
			continue
		}
		stop := min(len(text), r[1]+200)
		for j := r[1]; j < stop; {
			if !secretKeyByte(text[j]) {
				j++
				continue
			}
			e := j
			for e < len(text) && secretKeyByte(text[e]) {
				e++
			}
			if e-j == 40 && !strings.Contains(text[j:e], "EXAMPLE") {
				out = append(out, found{ranges: [][2]int{{j, e}}, kind: "AWS secret key", rank: rankToken})
				break
			}
			j = e
		}
	}
	return out
}

func secretKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}
