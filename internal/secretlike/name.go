// Package secretlike is pmprep's one meaning of "looks secret": which
// names (variable keys, parameters, headers, JSON members) hold a secret,
// and which values are placeholders or settings rather than secrets.
// config (which variables a script treats as secret), strip (what it
// blanks) and inject (what moves out of a collection) all ask here, so a
// name one of them treats as a secret the others treat the same.
package secretlike

import (
	"strings"
	"unicode"
)

// Name reports whether a variable or parameter key names a secret:
// client_secret, password, pwd, access_token, id_token, api_key, X-API-Key,
// private_key, credentials, Authorization, auth_header, cookie… It splits
// the key into words (at _ - . space and camelCase), then:
//
//   - a word that is, or ends with, token, secret, password, passwd,
//     passphrase, credential, apikey, privatekey or assertion is secret (accessToken,
//     clientsecret), as are pwd, pass, authorization, cookie and authheader;
//     plurals and trailing digits count (tokens, password2);
//   - "key" after api, private, secret, signing, encryption, master,
//     subscription, auth, hmac, app, function(s), account, storage, shared,
//     session, webhook, application, merchant or client is secret
//     (x-api-key, signing_key, x-functions-key, X-App-Key, hmac_key,
//     DD-APPLICATION-KEY, merchantKey), and so is auth followed by header,
//     and X-Auth;
//   - a database connection string's name (MONGO_URI, DATABASE_URL,
//     REDIS_URL, …, or any *_dsn) is secret: the URL holds the password;
//   - but a word after the last secret word that describes the secret
//     rather than holding it — url, name, id, type, path, file, expiry,
//     length, service, use, challenge… — makes the key not secret
//     (token_url, secret_name, private_key_id, token_type,
//     requested_token_use, cookieChallenge, secret_arn, password_hash_algo),
//     and so does a count,
//     pagination or CORS word before the first one (max_tokens,
//     Access-Control-Allow-Credentials; a pagination word only just before
//     it: next_token, but page_access_token and previous_refresh_token stay
//     secret);
//   - Postman-Token, the request id Postman's client adds, is not secret.
//
// The match is on whole words, so tokenizer, passport and bypass are not
// secret. The rule favours few false positives; a key it misses can still
// be marked {secret: true}.
func Name(key string) bool {
	ws := Words(key)
	if len(ws) == 0 || len(ws) == 2 && notSecretNames[ws[0]+"_"+ws[1]] {
		return false
	}
	if connectionName(ws) || len(ws) == 2 && ws[0] == "x" && ws[1] == "auth" {
		return true
	}
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
		if countWords[w] {
			return false
		}
	}
	// Of the pagination words only the one just before the first secret
	// word counts: next_token is a cursor, page_access_token is Facebook's
	// page token, previous_refresh_token a token.
	if first > 0 && cursorWords[ws[first-1]] {
		return false
	}
	return true
}

// ConnectionName reports whether key names a connection string or URL
// (MONGO_URI, DATABASE_URL, SENTRY_DSN): its value holds a password, and
// strip cuts that password alone.
func ConnectionName(key string) bool {
	ws := Words(key)
	return len(ws) > 0 && connectionName(ws)
}

// Word reports whether one word (already lower case) is a secret word on
// its own: password, token, secret, clientsecret.
func Word(w string) bool { return secretWord([]string{w}, 0) }

var (
	// secretSuffixes make a word secret when it is or ends with one of them.
	secretSuffixes = []string{"token", "secret", "password", "passwd", "passphrase", "credential", "apikey", "privatekey", "assertion"}
	// secretExact are words secret only on their own.
	secretExact = set("pwd", "pass", "authorization", "cookie", "authheader")
	// keyQualifiers turn a following "key" into a secret.
	keyQualifiers = []string{"api", "private", "secret", "signing", "encryption", "master", "subscription", "auth",
		"hmac", "app", "function", "functions", "account", "storage", "shared", "session", "webhook",
		"application", "merchant", "client"}
	// describesSecret are words that, after the secret word, name something
	// about the secret rather than the secret.
	describesSecret = set("url", "uri", "endpoint", "host", "hostname", "domain", "name", "id", "ids", "type",
		"kind", "path", "file", "filename", "dir", "location", "prefix", "suffix", "length", "len", "size",
		"count", "limit", "expiry", "expires", "expiration", "exp", "ttl", "lifetime", "age", "timeout",
		"hint", "field", "param", "parameter", "var", "variable", "format", "mode", "method", "style",
		"scheme", "policy", "env", "source", "provider", "issuer", "audience", "scope", "version",
		"required", "enabled", "used", "placement", "position", "label", "description", "title", "ref",
		"grant", "rotation", "pattern", "regex", "service", "use", "usage", "challenge",
		"arn", "arns", "alg", "algo", "algorithm", "algorithms")
	// countWords, before the first secret word, make the key a count
	// (max_completion_tokens) or a CORS header
	// (Access-Control-Allow-Credentials).
	countWords = set("max", "min", "num", "count", "total", "limit", "allow")
	// cursorWords, just before the first secret word, make the key a
	// pagination cursor (next_token, nextPageToken).
	cursorWords = set("next", "prev", "previous", "page", "pagination", "continuation", "cursor")
	// notSecretNames look secret but never are (words joined by _):
	// Postman-Token is the request id Postman's client adds to every request.
	notSecretNames = set("postman_token")
	// connectionStores are databases and brokers whose connection URL,
	// named STORE_URI or STORE_URL, carries a password.
	connectionStores = set("mongo", "mongodb", "database", "db", "postgres", "postgresql", "pg", "mysql",
		"mariadb", "redis", "amqp", "rabbitmq", "rabbit", "mssql", "sqlserver", "cosmos", "cosmosdb", "couchdb", "neo4j")
)

// connectionName reports whether ws names a connection string: *_DSN,
// MONGO_URI, DATABASE_URL, REDIS_CONNECTION_STRING.
func connectionName(ws []string) bool {
	n := len(ws)
	switch {
	case ws[n-1] == "dsn":
		return true
	case n >= 2 && (ws[n-1] == "uri" || ws[n-1] == "url") && connectionStores[ws[n-2]]:
		return true
	case n >= 3 && ws[n-2] == "connection" && ws[n-1] == "string",
		n >= 2 && (ws[n-1] == "connstr" || ws[n-1] == "connectionstring"):
		return true
	}
	return false
}

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

// Words splits a key into lower-case words at separators and camelCase
// boundaries, as Name reads it: "X-API-Key" -> x api key,
// "accessTokenURL" -> access token url.
func Words(key string) []string {
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
