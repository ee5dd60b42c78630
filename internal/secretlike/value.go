package secretlike

import "strings"

// Placeholder reports whether a value stands where a secret goes without
// being one, as teams keep on purpose (blanking them breaks CI pipelines
// that replace them, and reporting them teaches users to ignore strip):
//
//   - <your-api-key>, <API_KEY>, and Postman's OpenAPI-import values
//     <Bearer Token>, <API Key>, <string>; [api key];
//   - ${X}, $X, #{x}# (CI token replacement), %X%, {{x}} and
//     {{vault:x}} references;
//   - runs of * or x (********, xxxx-xxxx, XXXXXXXX);
//   - YOUR_API_KEY, your-token, YourSecret, changeme, change_me;
//   - type names in example bodies: string, boolean, number, …;
//   - documented example keys, which say EXAMPLE
//     (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY);
//   - any of these after an authorization scheme: Bearer <token>.
func Placeholder(v string) bool {
	v = strings.TrimSpace(v)
	if sch, rest, ok := strings.Cut(v, " "); ok && authScheme(sch) {
		v = strings.TrimSpace(rest)
	}
	if v == "" {
		return false
	}
	if wrapped(v, "<", ">") || wrapped(v, "[", "]") || wrapped(v, "${", "}") || wrapped(v, "#{", "}#") ||
		wrapped(v, "{{", "}}") || len(v) > 2 && wrapped(v, "%", "%") && identifier(v[1:len(v)-1]) {
		return true
	}
	if v[0] == '$' && envName(v[1:]) {
		return true // $API_KEY; $ecret1 is a password
	}
	if len(v) > maxPlaceholder {
		return false // placeholders are short; strip asks about every value
	}
	if masked(v) || strings.Contains(v, "EXAMPLE") {
		return true
	}
	// The value in lower case without separators, on the stack.
	var buf [maxPlaceholder]byte
	l := buf[:0]
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c == '_' || c == '-' || c == ' ' {
			continue
		}
		l = append(l, c)
	}
	if typeNames[string(l)] || changeMe[string(l)] {
		return true
	}
	// YOUR_API_KEY, your-token, YourSecret: "your" and then a separator
	// or a capital.
	if len(v) > 4 && strings.EqualFold(v[:4], "your") {
		switch c := v[4]; {
		case c == '_' || c == '-' || c == ' ' || c == '.':
			return !keyLike(v[5:]) // YOUR_8f9a0b1c…, "Your s3cret is 9f8e…": a key after the word

		case 'A' <= c && c <= 'Z':
			return letters(v) // YourApiKey; YourCompany2024! is a password
		}
	}
	return false
}

// keyLike reports whether s holds a run of 8 letters and digits or more
// with 2 digits or more: key material, which words (YOUR_API_KEY_V2) are not.
func keyLike(s string) bool {
	run, digits := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && ('a' <= s[i]|0x20 && s[i]|0x20 <= 'z' || '0' <= s[i] && s[i] <= '9') {
			run++
			if s[i] <= '9' {
				digits++
			}
			continue
		}
		if run >= 8 && digits >= 2 {
			return true
		}
		run, digits = 0, 0
	}
	return false
}

// maxPlaceholder is the longest placeholder word Placeholder looks for
// beyond the wrapped forms (<…>, ${…}): YOUR_AZURE_STORAGE_ACCOUNT_KEY.
const maxPlaceholder = 64

var (
	// typeNames are JSON Schema and OpenAPI types; "password" (a format)
	// is not among them: a test server's password "password" is one.
	typeNames = set("string", "boolean", "bool", "number", "integer", "int", "int32", "int64", "float", "double",
		"object", "array", "null", "undefined", "binary", "byte", "uuid", "date", "datetime")
	changeMe = set("changeme", "changeit", "replaceme", "placeholder", "redacted", "todo", "tbd")
)

// wrapped reports whether v starts with open and ends with close, with
// something between.
func wrapped(v, open, close string) bool {
	return len(v) > len(open)+len(close) && strings.HasPrefix(v, open) && strings.HasSuffix(v, close)
}

// identifier: an environment variable name (letters, digits, _).
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// envName: an environment variable name as shells write them, upper case
// (API_KEY, TOKEN2).
func envName(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('a' <= s[i]|0x20 && s[i]|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// masked: a run of * or x (either case, • too), with separators: ****,
// xxxx-xxxx-xxxx, XXXXXXXX.
func masked(v string) bool {
	marks := 0
	for _, r := range v {
		switch r {
		case '*', 'x', 'X', '•':
			marks++
		case '-', '_', '.', ' ', ':':
		default:
			return false
		}
	}
	return marks >= 3
}

// authScheme reports whether w is an Authorization header scheme.
func authScheme(w string) bool {
	switch strings.ToLower(w) {
	case "bearer", "basic", "digest", "token", "apikey", "api-key", "bot", "sso-key":
		return true
	}
	return false
}
