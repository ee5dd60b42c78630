package strip

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/pmprep/pmprep/internal/secretlike"
)

// credentialParams are the auth parameters that hold a credential, by auth
// type. Everything else in an auth block (user names, client ids, URLs,
// realms, algorithms) is configuration and stays.
var credentialParams = map[string]map[string]bool{
	"apikey":   set("value"),
	"asap":     set("privateKey"),
	"awsv4":    set("secretKey", "sessionToken"),
	"basic":    set("password"),
	"bearer":   set("token"),
	"digest":   set("password"),
	"edgegrid": set("accessToken", "clientSecret"),
	"hawk":     set("authKey"),
	"jwt":      set("secret", "privateKey"),
	"ntlm":     set("password"),
	"oauth1":   set("consumerSecret", "tokenSecret", "privateKey"),
	"oauth2":   set("accessToken", "refreshToken", "clientSecret", "password"),
}

// secretHeaders are headers that carry credentials whatever their value
// looks like (lower case): Set-Cookie in saved responses.
var secretHeaders = set("authorization", "proxy-authorization", "cookie", "set-cookie")

// signatureHeaders carry a request's HMAC signature, replayable while it
// is valid: secret as headers only (a "signature" member of API data in a
// saved response is data).
var signatureHeaders = set("x-signature", "signature")

// notSecretMembers look secret but, as JSON member names in API data, are
// mostly not: Fastly's stats count "pass" (requests passed to the origin).
var notSecretMembers = set("pass")

// describesData are words that, after the secret word of a member or field
// name in API data (a raw body, a saved response), name a fact about the
// secret rather than the secret: passwordExpired, passwordLastChanged,
// secret_arn (an AWS Secrets Manager ARN), token_expires_at. They add to
// the words secretlike.Name knows (url, name, id, length, policy, …).
var describesData = set("expired", "expires", "expiry", "expiration", "exp", "changed", "change", "last",
	"updated", "created", "modified", "rotated", "reset", "at", "date", "time", "timestamp", "arn", "arns",
	"policy", "policies", "length", "required", "hint", "hints", "status", "state", "strength", "history",
	"complexity", "rules", "valid", "validity", "set", "enabled", "count", "age")

// flagPrefixes, as a name's first word, make it a yes/no flag about the
// secret (hasPassword, is_token_valid), not the secret.
var flagPrefixes = set("has", "is")

// challengeHeaders are response headers whose "Basic realm=…" or "Bearer
// error=…" is a challenge, not a credential.
var challengeHeaders = set("www-authenticate", "proxy-authenticate")

// secretQueryNames are URL query parameters that carry credentials beyond
// the secret-looking names (lower case): Google-style key=, Azure SAS sig=,
// signed URLs' signature=.
var secretQueryNames = set("key", "sig", "signature", "x-amz-signature")

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func secretHeader(name string) bool {
	name = strings.TrimSpace(name)
	return secretHeaders[strings.ToLower(name)] || looksSecret(name)
}

func secretQuery(name string) bool {
	return secretQueryNames[strings.ToLower(name)] || looksSecret(name)
}

// looksSecret is the one word rule, shared with config and inject.
func looksSecret(name string) bool { return secretlike.Name(name) }

// aboutSecret reports whether a member or field name in API data, that
// looks secret, names a fact about the secret: a flag (hasPassword) or a
// describing word after its last secret word (passwordLastChanged).
func aboutSecret(name string) bool {
	ws := secretlike.Words(name)
	if len(ws) < 2 {
		return false
	}
	if flagPrefixes[ws[0]] {
		return true
	}
	// The last secret word: one alone (password), or one the word before
	// makes secret (api key).
	last := -1
	for i, w := range ws {
		if secretlike.Name(w) || i > 0 && !secretlike.Name(ws[i-1]) && secretlike.Name(ws[i-1]+"_"+w) {
			last = i
		}
	}
	if last < 0 {
		return false
	}
	for _, w := range ws[last+1:] {
		if describesData[strings.TrimRight(w, "0123456789")] {
			return true
		}
	}
	return false
}

// reference matches one {{variable}} reference, with the parameter name in
// front of it (session={{sid}}) and quotes around it, which are not secret
// either.
var reference = regexp.MustCompile(`(?:[A-Za-z0-9_.\-]+=)?\s*"?\{\{[^{}]*\}\}"?`)

// schemes are Authorization header schemes: "Bearer {{token}}" holds no
// literal secret.
var schemes = set("bearer", "basic", "digest", "token", "oauth", "hawk", "ntlm", "negotiate", "apikey", "bot", "sso-key", "aws4-hmac-sha256")

// literal reports whether s holds literal text that may be a secret: it is
// not empty and not made only of {{variable}} references (with an
// authorization scheme, parameter names, punctuation and white space around
// them).
func literal(s string) bool {
	if strings.TrimSpace(s) == "" || secretlike.Placeholder(s) {
		return false
	}
	if !strings.Contains(s, "{{") {
		return true
	}
	if t := strings.TrimSpace(s); len(t) >= 4 && strings.HasPrefix(t, "{{") && strings.HasSuffix(t, "}}") && !strings.ContainsAny(t[2:len(t)-2], "{}") {
		return false // the common case: one reference
	}
	rest := reference.ReplaceAllString(s, " ")
	words := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' })
	switch {
	case len(words) == 0:
		return false
	case len(words) == 1 && schemes[strings.ToLower(words[0])] && strings.HasPrefix(strings.TrimSpace(s), words[0]):
		return false
	}
	// Dashes and underscores alone ({{a}}-{{b}}) are separators, not secrets.
	for _, w := range words {
		if strings.Trim(w, "-_") != "" {
			return true
		}
	}
	return false
}

// Value shapes that are credentials wherever they stand. Provider token
// formats are a hand list in providers.go, not gitleaks' rules as a Go
// module: measured 2026-12-05, pmprep is 8.5 MB (8,514,219 bytes) and
// 20.8 MB (20,843,906) with gitleaks v8.30.1 linked in; strip on the 40k
// bench file stays at main's cost (user CPU 0.72 s against 0.65 s, wall
// ~1.2× the floor on a loaded machine). See providers.go.
var (
	jwtShape    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.`)
	schemeShape = regexp.MustCompile(`(?i)^\s*(bearer|basic)\s+\S`)
	pemShape    = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`)
)

// shape names the kind of credential s looks like, or "" when it looks like
// none. Cheap substring tests go first: shape sees every header, query,
// body and variable value.
func shape(s string) string {
	if len(s) < 8 {
		return ""
	}
	switch {
	case strings.Contains(s, "eyJ") && jwtShape.MatchString(s):
		return "JWT"
	case hasSchemePrefix(s) && schemeShape.MatchString(s):
		return "credential"
	case strings.Contains(s, "PRIVATE KEY-----") && pemShape.MatchString(s):
		return "private key"
	case len(tokens(s, nil)) > 0:
		return "API token"
	}
	return ""
}

func hasSchemePrefix(s string) bool {
	s = strings.TrimLeft(s, " \t")
	return len(s) > 6 && (strings.EqualFold(s[:6], "bearer") || strings.EqualFold(s[:5], "basic"))
}

// rule is how a position's name makes its value a secret.
type rule uint8

const (
	ruleName   rule = iota // a secret-looking name (secretlike.Name)
	ruleHeader             // a credential header or a secret-looking name
	ruleQuery              // a credential query parameter or a secret-looking name
	ruleAlways             // every value is a secret (a variable typed "secret")
	ruleMember             // a JSON member in free text: a credential header or a secret-looking name, not about the secret
	ruleField              // a form field in free text: a secret-looking name, not about the secret
)

type nameRule struct {
	name string
	rule rule
}

// byName reports whether the name alone makes a value at this kind of
// position a secret.
func (s *scanner) byName(name string, r rule) bool {
	if r == ruleAlways {
		return true
	}
	k := nameRule{name, r}
	secret, ok := s.names[k]
	if !ok {
		switch r {
		case ruleHeader:
			secret = secretHeader(name) || signatureHeaders[strings.ToLower(strings.TrimSpace(name))]
		case ruleQuery:
			secret = secretQuery(name)
		case ruleMember:
			secret = secretHeader(name) && !notSecretMembers[strings.ToLower(name)] && !aboutSecret(name)
		case ruleField:
			secret = looksSecret(name) && !aboutSecret(name)
		default:
			// A connection string's name (MONGO_URI) makes its password a
			// secret, not its host: userinfo and connStrings cut that.
			secret = looksSecret(name) && !secretlike.ConnectionName(name)
		}
		s.names[k] = secret
	}
	return secret
}

// settingValue reports whether a value under a secret-looking name is a
// setting about the secret, never the secret itself: an AWS ARN (a Secrets
// Manager secret's address, secret_arn), or a header's name under a name
// that ends in "header" (api_key_header: X-API-Key, token_header:
// Authorization). A value with anything beyond a header name's letters,
// digits and dashes ("Bearer …", a token) stays a secret.
func settingValue(name, value string) bool {
	if strings.HasPrefix(value, "arn:aws") && strings.Count(value, ":") >= 5 {
		return true
	}
	if !headerNameValue(value) {
		return false
	}
	ws := secretlike.Words(name)
	return len(ws) > 1 && (ws[len(ws)-1] == "header" || ws[len(ws)-1] == "headers")
}

// headerNameValue reports whether v reads as an HTTP header's name:
// Authorization, Cookie, or dash-joined words starting with a letter
// (X-API-Key, Ocp-Apim-Subscription-Key).
func headerNameValue(v string) bool {
	if secretHeaders[strings.ToLower(v)] {
		return true
	}
	parts := strings.Split(v, "-")
	if len(parts) < 2 || len(v) > 64 {
		return false
	}
	for _, p := range parts {
		if p == "" || !isLetter(p[0]) {
			return false
		}
		for i := 1; i < len(p); i++ {
			if !isLetter(p[i]) && !('0' <= p[i] && p[i] <= '9') {
				return false
			}
		}
	}
	return true
}

// classify decides whether value, held under name, is a secret. It returns
// the reason to show after the kind ("" when the name decided) and whether
// it is a secret.
func (s *scanner) classify(name, value string, r rule) (why string, secret bool) {
	if s.byName(name, r) {
		if r != ruleAlways && settingValue(name, value) {
			return "", false
		}
		return "", literal(value)
	}
	// Most values are neither: look at the shape before at references.
	if sh := shape(value); sh != "" && literal(value) {
		return " (" + sh + ")", true
	}
	return "", false
}
