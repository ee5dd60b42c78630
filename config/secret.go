package config

import (
	"strings"
	"unicode"
)

// LooksSecret reports whether a variable or parameter key names a secret:
// client_secret, password, pwd, access_token, id_token, api_key, X-API-Key,
// private_key, credentials, Authorization, auth_header, cookie… It splits
// the key into words (at _ - . space and camelCase), then:
//
//   - a word that is, or ends with, token, secret, password, passwd,
//     passphrase, credential, apikey or privatekey is secret (accessToken,
//     clientsecret), as are pwd, pass, authorization, cookie and authheader;
//     plurals and trailing digits count (tokens, password2);
//   - "key" after api, private, secret, signing, encryption, master,
//     subscription or auth is secret (x-api-key, signing_key), and so is
//     auth followed by header;
//   - but a word after the last secret word that describes the secret
//     rather than holding it — url, name, id, type, path, file, expiry,
//     length, service… — makes the key not secret (token_url, secret_name,
//     private_key_id, token_type), and so does a count, pagination or CORS
//     word before the first one (max_tokens, next_token,
//     Access-Control-Allow-Credentials).
//
// The match is on whole words, so tokenizer, passport and bypass are not
// secret. The rule favours few false positives; a key it misses can still
// be marked {secret: true}.
func LooksSecret(key string) bool {
	ws := NameWords(key)
	first, last := -1, -1
	for i := range ws {
		if secretWord(ws, i) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return false
	}
	for _, w := range ws[last+1:] {
		if describesSecret[w] {
			return false
		}
	}
	for _, w := range ws[:first] {
		if notSecretBefore[w] {
			return false
		}
	}
	return true
}

var (
	// secretSuffixes make a word secret when it is or ends with one of them.
	secretSuffixes = []string{"token", "secret", "password", "passwd", "passphrase", "credential", "apikey", "privatekey"}
	// secretExact are words secret only on their own.
	secretExact = map[string]bool{"pwd": true, "pass": true, "authorization": true, "cookie": true, "authheader": true}
	// keyQualifiers turn a following "key" into a secret.
	keyQualifiers = []string{"api", "private", "secret", "signing", "encryption", "master", "subscription", "auth"}
	// describesSecret are words that, after the secret word, name something
	// about the secret rather than the secret.
	describesSecret = set("url", "uri", "endpoint", "host", "hostname", "domain", "name", "id", "ids", "type",
		"kind", "path", "file", "filename", "dir", "location", "prefix", "suffix", "length", "len", "size",
		"count", "limit", "expiry", "expires", "expiration", "exp", "ttl", "lifetime", "age", "timeout",
		"hint", "field", "param", "parameter", "var", "variable", "format", "mode", "method", "style",
		"scheme", "policy", "env", "source", "provider", "issuer", "audience", "scope", "version",
		"required", "enabled", "used", "placement", "position", "label", "description", "title", "ref",
		"grant", "rotation", "pattern", "regex", "service")
	// notSecretBefore, before the first secret word, make the key a count
	// (max_tokens), a pagination cursor (next_token) or a CORS header
	// (Access-Control-Allow-Credentials).
	notSecretBefore = set("max", "min", "num", "count", "total", "limit", "allow",
		"next", "prev", "previous", "page", "pagination", "continuation", "cursor")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// secretWord reports whether ws[i] is a secret word, given its predecessor.
func secretWord(ws []string, i int) bool {
	w := strings.TrimRight(ws[i], "0123456789")
	forms := []string{w}
	if strings.HasSuffix(w, "s") {
		forms = append(forms, strings.TrimSuffix(w, "s"))
	}
	for _, f := range forms {
		if secretExact[f] {
			return true
		}
		for _, s := range secretSuffixes {
			if strings.HasSuffix(f, s) {
				return true
			}
		}
		if i > 0 && (f == "key" || f == "header" && ws[i-1] == "auth") {
			if f == "header" {
				return true
			}
			for _, q := range keyQualifiers {
				if strings.HasSuffix(ws[i-1], q) {
					return true
				}
			}
		}
	}
	return false
}

// NameWords splits a key into lower-case words at separators and camelCase
// boundaries, as LooksSecret reads it: "X-API-Key" -> x api key,
// "accessTokenURL" -> access token url.
func NameWords(key string) []string {
	var ws []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			ws = append(ws, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(key)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0:
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				flush()
			}
		}
		cur = append(cur, unicode.ToLower(r))
	}
	flush()
	return ws
}

// roleIsSecret reports whether a script variable role holds a secret.
func roleIsSecret(role string) bool {
	switch role {
	case "client_secret", "password", "refresh_token", "access_token":
		return true
	}
	return false
}
