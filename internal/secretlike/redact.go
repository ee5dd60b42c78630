package secretlike

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// InName reports whether a name — a variable key, a header name, a JSON
// member, a path segment — holds a secret someone pasted there: a JWT or
// a known token format (also glued behind a word: password_sk_live_…), a
// credential after Bearer or Basic anywhere in it, a URL's userinfo
// password, a connection string's password, a private key's marker, a
// credential after the name's first word ("X-Api-Key 9f8e…"), or a long
// run that reads as random (a hex digest or a base62 key) rather than
// words. Ordinary names (camelCase, snake_case, X-Header-Names, words with
// a version or a year) are not secrets.
func InName(name string) bool {
	if len(name) < 12 && !strings.Contains(name, "@") {
		return false // the shortest shape below (a://u:p@h is 9 bytes) needs an @
	}
	switch {
	case len(Tokens(name, nil)) > 0:
		return true
	case strings.Contains(name, "://") && urlPassword(name):
		return true
	case schemeCredential(name):
		return true
	case strings.Contains(name, "PRIVATE KEY"):
		return true
	case strings.IndexByte(name, '=') > 0 && connPassword(name):
		return true
	case randomRun(name):
		return true
	}
	_, rest, ok := strings.Cut(strings.TrimSpace(name), " ")
	if !ok {
		_, rest, ok = strings.Cut(name, ":")
	}
	rest = strings.TrimSpace(rest)
	return ok && !strings.HasPrefix(rest, "/") && !strings.ContainsAny(rest, " \t") && BearerCredential(rest) && !Placeholder(rest)
}

// ShowName is a name as a report line or an error may print it: the name
// itself, or when it holds a secret (InName) what comes before the secret
// if that is a short word, else its first 4 bytes, then "…[redacted]".
// Every name pmprep prints about a user's file goes through here.
func ShowName(name string) string {
	if !InName(name) {
		return name
	}
	cut := 4 // InName needs 9 bytes or more
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	head := name[:cut]
	if i := strings.IndexAny(name, " :"); i > 0 && i <= 32 && !InName(name[:i]) {
		head = name[:i] + " "
	}
	q := strconv.QuoteToGraphic(head)
	return q[1:len(q)-1] + "…[redacted]"
}

// schemeCredential finds "Bearer X" or "Basic X" with a credential X
// anywhere in s ("Authorization: Bearer abc…").
func schemeCredential(s string) bool {
	for i := 0; i+6 < len(s); i++ {
		c := s[i] | 0x20
		if c != 'b' || !WordStart(s, i) {
			continue
		}
		var bearer bool
		switch {
		case len(s) > i+7 && strings.EqualFold(s[i:i+7], "bearer "):
			bearer = true
		case strings.EqualFold(s[i:i+6], "basic "):
		default:
			continue
		}
		j := i + 6
		if bearer {
			j++
		}
		for j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && credByte(s[k]) {
			k++
		}
		if bearer && BearerCredential(s[j:k]) && !Placeholder(s[j:k]) || !bearer && BasicCredential(s[j:k]) {
			return true
		}
	}
	return false
}

func credByte(c byte) bool {
	return TokenByte(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// urlPassword finds scheme://user:password@ with a literal password.
func urlPassword(s string) bool {
	for at := 0; ; {
		i := strings.Index(s[at:], "://")
		if i < 0 {
			return false
		}
		i += at + 3
		at = i
		end := strings.IndexAny(s[i:], "/?# ")
		if end < 0 {
			end = len(s) - i
		}
		auth := s[i : i+end]
		if a := strings.LastIndexByte(auth, '@'); a > 0 {
			if _, pass, ok := strings.Cut(auth[:a], ":"); ok && pass != "" && !Placeholder(pass) {
				return true
			}
		}
	}
}

// connPassword finds a connection string's Password=, Pwd=, AccountKey=
// or SharedAccessKey= with a value.
func connPassword(s string) bool {
	l := strings.ToLower(s)
	for _, k := range []string{"password=", "pwd=", "accountkey=", "sharedaccesskey="} {
		if i := strings.Index(l, k); i >= 0 && i+len(k) < len(l) && l[i+len(k)] != ';' && !Placeholder(s[i+len(k):]) {
			return true
		}
	}
	return false
}

// randomRun reports whether s holds a run of 20 or more letters and
// digits (and + / =) that reads as random: 32 or more hex digits with
// both letters and digits, or a run with two digits or more that falls
// into short pieces — a piece ends where letters and digits meet and
// where a capital follows a small letter — 3 bytes long or less on
// average. Random base62 falls into pieces of 1 or 2; names are words
// (sha256WithRSAEncryption2048: sha 256 With RSAEncryption 2048).
func randomRun(s string) bool {
	for i := 0; i < len(s); {
		if !runByte(s[i]) {
			i++
			continue
		}
		j := i
		digits, letters, hexOnly, pieces := 0, 0, true, 1
		for ; j < len(s) && runByte(s[j]); j++ {
			c := s[j]
			switch {
			case '0' <= c && c <= '9':
				digits++
			case 'a' <= c && c <= 'z':
				letters++
				hexOnly = hexOnly && c <= 'f'
			case 'A' <= c && c <= 'Z':
				letters++
				hexOnly = hexOnly && c <= 'F'
			default:
				hexOnly = false
			}
			if j > i {
				p := s[j-1]
				if digit(p) != digit(c) || 'a' <= p && p <= 'z' && 'A' <= c && c <= 'Z' {
					pieces++
				}
			}
		}
		n := j - i
		if n >= 20 && (hexOnly && n >= 32 && digits > 0 && letters > 0 || digits >= 2 && pieces*3 >= n) {
			return true
		}
		i = j
	}
	return false
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

func runByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}
