package strip

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

const (
	testJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJl"
	testPEM = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAB==\n-----END PRIVATE KEY-----`
)

var testGitHub = "ghp_" + strings.Repeat("aB3", 12)

// testBlob is base64 with "==" padding and a secret-looking word inside
// (…/Pwd/…): once read as a form whose field name was the whole blob.
var testBlob = strings.Repeat("QUJDREVGR0hJ", 8) + "/Pwd/" + strings.Repeat("a1B2", 10) + "=="

// TestFind: what find cuts out of one free text (a decoded string), what
// it names it, and what it leaves; a second look finds nothing.
func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		members        bool
		kinds          []string
	}{
		{"JWT in code", `const t = "` + testJWT + `";`, `const t = "";`, false, []string{"JWT"}},
		{"JWT after a JavaScript escape", `"a\n` + testJWT + `"`, `"a\n"`, false, []string{"JWT"}},
		{"JWT without signature", "t=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0. ok", "t= ok", false, []string{"JWT"}},
		{"GitHub", "token: " + testGitHub + ".", "token: .", false, []string{"API token"}},
		{"Postman", "key PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01", "key ", false, []string{"API token"}},
		{"Slack", "'xoxb-1234567890-abcdef'", "''", false, []string{"API token"}},
		{"Stripe", "sk_live_" + strings.Repeat("Z9", 10), "", false, []string{"API token"}},
		{"Google", "?key=AIza" + strings.Repeat("B", 35) + "&q=1", "?key=&q=1", false, []string{"API token"}},
		{"a token run is cut whole", "x " + testGitHub + "trailing_more-chars y", "x  y", false, []string{"API token"}},
		{"ADO.NET double-quoted password", `Server=x;User Id=u;Password="S3cr;et""Part2";Encrypt=True`, `Server=x;User Id=u;Password="";Encrypt=True`, false, []string{"connection string Password"}},
		{"ADO.NET single-quoted password", "Server=x;User Id=u;Password='S3cretPart2';", "Server=x;User Id=u;Password='';", false, []string{"connection string Password"}},
		{"ADO.NET quoted password at the end", `Server=x;Password="S3cr;etPart2"`, `Server=x;Password=""`, false, []string{"connection string Password"}},
		{"ODBC braced password", "Driver={ODBC};Server=x;Uid=u;Pwd={S3cr;et}}Part2};", "Driver={ODBC};Server=x;Uid=u;Pwd={};", false, []string{"connection string Pwd"}},
		{"ODBC unclosed brace is left", "Server=x;Pwd={S3cr", "Server=x;Pwd={S3cr", false, nil},
		{"Bearer literal", "Authorization: Bearer abcdef0123456789abcdef", "Authorization: Bearer ", false, []string{"Bearer credential"}},
		{"Bearer JWT", "-H 'Authorization: Bearer " + testJWT + "'", "-H 'Authorization: Bearer '", false, []string{"JWT"}},
		{"Basic literal", "Basic dXNlcjpwYXNzd29yZA== works", "Basic  works", false, []string{"Basic credential"}},
		{"Bearer before a period", "Send Bearer abcdefgh12345678. Done.", "Send Bearer . Done.", false, []string{"Bearer credential"}},
		{"Bearer with inner dots", "Bearer abc.defgh.12345678~..", "Bearer ~..", false, []string{"Bearer credential"}},
		{"Basic before a period", "Use Basic dXNlcjpwYXNzd29yZA==.", "Use Basic .", false, []string{"Basic credential"}},
		{"PEM in a JavaScript string", `k = "` + testPEM + `";`, `k = "-----BEGIN PRIVATE KEY-----\n\n\n-----END PRIVATE KEY-----";`, false, []string{"private key"}},
		{"PEM with line breaks", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\nQUJD\n-----END EC PRIVATE KEY-----\n",
			"-----BEGIN EC PRIVATE KEY-----\n\n\n-----END EC PRIVATE KEY-----\n", false, []string{"private key"}},
		{"PEM in JavaScript lines", `"-----BEGIN PRIVATE KEY-----\n" +` + "\n" + `"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n" +` + "\n" + `"QUJD\n" +` + "\n" + `"-----END PRIVATE KEY-----"`,
			`"-----BEGIN PRIVATE KEY-----\n" +` + "\n" + `"\n" +` + "\n" + `"\n" +` + "\n" + `"-----END PRIVATE KEY-----"`, false, []string{"private key"}},
		{"PEM line starting with a base64 plus", "-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("A", 64) + "\n+IIEvQ" + strings.Repeat("B", 57) + "\n-----END PRIVATE KEY-----\n",
			"-----BEGIN PRIVATE KEY-----\n\n\n-----END PRIVATE KEY-----\n", false, []string{"private key"}},
		{"PEM in a JavaScript string with line continuations", "const k = \"-----BEGIN PRIVATE KEY-----\\n\\\n" + strings.Repeat("M", 64) + "\\n\\\n-----END PRIVATE KEY-----\";",
			"const k = \"-----BEGIN PRIVATE KEY-----\\n\\\n\\n\\\n-----END PRIVATE KEY-----\";", false, []string{"private key"}},
		{"PEM on one line, spaced", "-----BEGIN PRIVATE KEY----- " + strings.Repeat("A", 64) + " QUJD== -----END PRIVATE KEY-----",
			"-----BEGIN PRIVATE KEY-----  -----END PRIVATE KEY-----", false, []string{"private key"}},
		{"PEM with escaped slashes and headers", `{"k": "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nMIIEvQIB\/ADANBgkqhkiG9w0B\n-----END RSA PRIVATE KEY-----"}`,
			`{"k": "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n\n-----END RSA PRIVATE KEY-----"}`, false, []string{"private key"}},
		{"PEM markers around a template", "const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pm.collectionVariables.get('rsa_key')}\n-----END RSA PRIVATE KEY-----`;",
			"const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pm.collectionVariables.get('rsa_key')}\n-----END RSA PRIVATE KEY-----`;", false, nil},
		{"PEM markers in comments around code", "// Paste -----BEGIN PRIVATE KEY-----\nconst environmentVariableName = 'k';\nif (x === undefined) {}\n// -----END PRIVATE KEY-----",
			"// Paste -----BEGIN PRIVATE KEY-----\nconst environmentVariableName = 'k';\nif (x === undefined) {}\n// -----END PRIVATE KEY-----", false, nil},
		{"PEM placeholder", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", false, nil},
		{"two secrets", testJWT + " and " + testGitHub, " and ", false, []string{"JWT", "API token"}},

		{"reference", "Authorization: Bearer {{token}}", "Authorization: Bearer {{token}}", false, nil},
		{"JavaScript concatenation", `value: 'Bearer ' + pm.environment.get("access_token")`, `value: 'Bearer ' + pm.environment.get("access_token")`, false, nil},
		{"prose", "Send a Bearer token, or use Basic authentication; Bearer YOUR_ACCESS_TOKEN; Basic auth; bearer tokens expire.",
			"Send a Bearer token, or use Basic authentication; Bearer YOUR_ACCESS_TOKEN; Basic auth; bearer tokens expire.", false, nil},
		{"prefixes alone", "a JWT starts with eyJ, GitHub tokens with ghp_, Stripe's with sk_live_", "a JWT starts with eyJ, GitHub tokens with ghp_, Stripe's with sk_live_", false, nil},
		{"test key", "sk_test_" + strings.Repeat("Z", 24), "sk_test_" + strings.Repeat("Z", 24), false, nil},
		{"public key", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB\n-----END PUBLIC KEY-----",
			"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB\n-----END PUBLIC KEY-----", false, nil},
		{"key built from variables", `"-----BEGIN PRIVATE KEY-----\n" + pm.environment.get("key") + "\n-----END PRIVATE KEY-----"`,
			`"-----BEGIN PRIVATE KEY-----\n" + pm.environment.get("key") + "\n-----END PRIVATE KEY-----"`, false, nil},

		{"token response", `{"access_token":"abc","token_type":"Bearer","expires_in":3600,"refresh_token":"r\"q","id_token":"` + testJWT + `","scope":"read"}`,
			`{"access_token":"","token_type":"Bearer","expires_in":3600,"refresh_token":"","id_token":"","scope":"read"}`, true, []string{"access_token", "refresh_token", "id_token"}},
		{"nested, spaced, escaped", "[{\"user\": {\"password\" : \"hunter2\", \"pass\\u0077ord\": \"x\\u0079z\"}}]", `[{"user": {"password" : "", "pass\u0077ord": ""}}]`, true, []string{"password", "password"}},
		{"references kept", `{"password": "{{pw}}", "client_secret": "{{a}}-{{b}}", "api_key": "{{prefix}}-literal"}`,
			`{"password": "{{pw}}", "client_secret": "{{a}}-{{b}}", "api_key": "{{prefix}}"}`, true, []string{"api_key"}},
		{"variables outside strings", `{"id": {{id}}, "password": "p4ss"}`, `{"id": {{id}}, "password": ""}`, true, []string{"password"}},
		{"names that are not secrets", `{"token_type": "Bearer", "max_tokens": "100", "pass": "4212", "password_policy": "strict", "next_token": "abc", "key": "k"}`,
			`{"token_type": "Bearer", "max_tokens": "100", "pass": "4212", "password_policy": "strict", "next_token": "abc", "key": "k"}`, true, nil},
		{"facts about secrets in API data", `{"passwordExpired": "no", "passwordLastChanged": "2024-01-01", "hasPassword": "yes", "is_token_valid": "yes", "secret_arn": "arn:aws:secretsmanager:eu-west-1:1:secret:x", "token_expires_at": "2030", "postman-token": "0b8f5c1e-7a51-4e0a-9d3c-3f3a7c1d2e4f", "password": "p", "last_password": "q", "api_key_hint": "ab…"}`,
			`{"passwordExpired": "no", "passwordLastChanged": "2024-01-01", "hasPassword": "yes", "is_token_valid": "yes", "secret_arn": "arn:aws:secretsmanager:eu-west-1:1:secret:x", "token_expires_at": "2030", "postman-token": "0b8f5c1e-7a51-4e0a-9d3c-3f3a7c1d2e4f", "password": "", "last_password": "", "api_key_hint": "ab…"}`,
			true, []string{"password", "last_password"}},
		{"facts about secrets in a form", "password_changed=1&hasPassword=1&Postman-Token=0b8f&password=p", "password_changed=1&hasPassword=1&Postman-Token=0b8f&password=", true, []string{"password"}},
		{"form body", "grant_type=password&username=u&password=p%40ss&client_secret=s&scope=a+b", "grant_type=password&username=u&password=&client_secret=&scope=a+b", true, []string{"password", "client_secret"}},
		{"form response", "access_token=gho_x&token_type=bearer\n", "access_token=&token_type=bearer\n", true, []string{"access_token"}},
		{"not a form", "password = hunter2 is a bad idea", "password = hunter2 is a bad idea", true, nil},
		{"base64 blob is not a form", testBlob, testBlob, true, nil},
		{"short base64 blob is not a form", "QUJD+Pwd+REVG==", "QUJD+Pwd+REVG==", true, nil},
		{"form with a flag and a padded value", "a=1&debug&token=YWJj==&x[password]=p", "a=1&debug&token=&x[password]=", true, []string{"token", "x[password]"}},
		{"members only where asked", `{"password":"x"}`, `{"password":"x"}`, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scanner{names: map[nameRule]bool{}}
			fs, _ := s.settle(tc.in, modeOf(tc.members), func(found) bool { return false })
			got, _ := without(tc.in, fs)
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			var kinds []string
			for _, f := range fs {
				kinds = append(kinds, f.kind)
			}
			if diff := cmp.Diff(tc.kinds, kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
			if again := s.find(got, modeOf(tc.members)); len(again) > 0 {
				t.Errorf("a second look finds %+v", again)
			}
		})
	}
}

// TestFindShapesAgree: what find calls a JWT or an API token, shape (the
// rule at structured positions) does too.
func TestFindShapesAgree(t *testing.T) {
	for _, tok := range []string{testJWT, testGitHub, "xoxp-1234567890-abc", "AIza" + strings.Repeat("-", 35), "rk_live_" + strings.Repeat("1", 16),
		"github_pat_" + strings.Repeat("x", 22), "PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01"} {
		fs := tokens(tok, nil)
		if len(fs) != 1 || fs[0].ranges[0] != [2]int{0, len(tok)} {
			t.Errorf("tokens(%.12q…) = %+v", tok, fs)
		}
		if sh := shape(tok); sh != "JWT" && sh != "API token" {
			t.Errorf("shape(%.12q…) = %q", tok, sh)
		}
	}
}

// TestFindSettles strings together pieces of secrets, keys and syntax at
// random: whatever find cuts, nothing it would find is left, the ranges
// are sorted and disjoint, and no {{reference}} is cut.
func TestFindSettles(t *testing.T) {
	pieces := []string{"eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxIn0", testGitHub, "xoxb-", "Bearer ", "Basic ", "dXNlcjpwYXNz",
		"abc123def456ghi789", "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", `\n`, "\n",
		`"`, "{{x}}", "{", "}", ":", "=", "&", "access_token", "password", " ", "_", "-", "AIza" + strings.Repeat("B", 35),
		"sk_live_" + strings.Repeat("Z", 20), `\`, "PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01", "==", "[", ","}
	s := &scanner{names: map[nameRule]bool{}}
	rng := rand.New(rand.NewPCG(*seed, 1))
	for range 50000 {
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteString("{")
		}
		for range 1 + rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text, members := b.String(), rng.IntN(2) == 0
		fs, _ := s.settle(text, modeOf(members), func(found) bool { return false })
		rest, _ := without(text, fs)
		if again := s.find(rest, modeOf(members)); len(again) > 0 {
			t.Fatalf("%q (members %v) -> %q, found again: %+v (seed %d)", text, members, rest, again, *seed)
		}
		if strings.Count(rest, "{{x}}") != strings.Count(text, "{{x}}") {
			t.Fatalf("%q -> %q: a reference was cut (seed %d)", text, rest, *seed)
		}
		for _, f := range fs {
			for i, r := range f.ranges {
				if r[0] >= r[1] || i > 0 && r[0] <= f.ranges[i-1][1] {
					t.Fatalf("%q: bad ranges %v (seed %d)", text, f.ranges, *seed)
				}
			}
		}
	}
}

// TestFindLinear: runs of almost-tokens take linear time (each eyJ of a
// long run once rescanned the run: 6 s for 300 KB).
func TestFindLinear(t *testing.T) {
	s := &scanner{names: map[nameRule]bool{}}
	for _, in := range []string{
		strings.Repeat("eyJ", 100000),
		"eyJaaaaaaaaa." + strings.Repeat("eyJ", 100000),
		strings.Repeat("-xoxb-a", 50000),
		strings.Repeat("-----BEGIN PRIVATE KEY-----", 10000) + strings.Repeat("-----END X", 10000),
		strings.Repeat("Basic QUJD", 30000),
		"{" + strings.Repeat(`"password":"x",`, 30000),
		strings.Repeat("github_pat_", 30000),
		strings.Repeat("Password=", 40000),
		strings.Repeat(" Password=", 40000),
		strings.Repeat("https://a:", 30000) + "@h",
		"u?" + strings.Repeat("a=b&", 60000),
		strings.Repeat("?#", 100000),
		strings.Repeat("AKIAQ3EGUMBVLN3XXQ4P ", 20000),
		"[" + strings.Repeat(`{"type": "password", "value": "v"}, {`, 20000),
		strings.Repeat("0123456789abcdef0123456789abcdef-us", 10000),
	} {
		start := time.Now()
		s.settle(in, dataText, func(found) bool { return false })
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.20q…: %v", in, d)
		}
	}
}

// TestFreeTextPositions covers each free-text position: only the secret's
// bytes change (escapes around them kept), and the report names the
// position and what was found, never the value.
func TestFreeTextPositions(t *testing.T) {
	const v21 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`
	req := func(members string) string { return `{` + v21 + `, "item": [{"request": {` + members + `}}]}` }
	for _, tc := range []struct {
		name, in, want string
		findings       []string // path: kind
	}{
		{"collection script lines",
			`{` + v21 + `, "item": [], "event": [{"listen": "prerequest", "script": {"exec": ["// Bearer {{token}}", "pm.environment.set('t', '` + testJWT + `');"]}}]}`,
			`{` + v21 + `, "item": [], "event": [{"listen": "prerequest", "script": {"exec": ["// Bearer {{token}}", "pm.environment.set('t', '');"]}}]}`,
			[]string{"event[0].script.exec[1]: JWT in script"}},
		{"request script as one string, \\u-escaped token",
			`{` + v21 + `, "item": [{"event": [{"script": {"exec": "const gh = \"\u0067hp_` + strings.Repeat("aB3", 12) + `\";\nconst t = 1;"}}], "request": {}}]}`,
			`{` + v21 + `, "item": [{"event": [{"script": {"exec": "const gh = \"\";\nconst t = 1;"}}], "request": {}}]}`,
			[]string{"item[0].event[0].script.exec: API token in script"}},
		{"folder script, PEM over lines",
			`{` + v21 + `, "item": [{"item": [], "event": [{"script": {"exec": ["const k = ` + "`" + `-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "QUJDRA==", "-----END PRIVATE KEY-----` + "`" + `;"]}}]}]}`,
			`{` + v21 + `, "item": [{"item": [], "event": [{"script": {"exec": ["const k = ` + "`" + `-----BEGIN PRIVATE KEY-----", "", "", "-----END PRIVATE KEY-----` + "`" + `;"]}}]}]}`,
			[]string{"item[0].event[0].script.exec[1]: private key in script"}},
		{"descriptions",
			`{"info": {"name": "t", "description": "curl -H 'Authorization: Bearer 0123456789abcdefABCDEF'", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"description": {"content": "` + testJWT + `", "type": "text/markdown"}, "request": {"description": "` + testGitHub + `", "header": [{"key": "A", "value": "b", "description": "Basic dXNlcjpwYXNz"}], "url": {"raw": "h", "query": [{"key": "q", "value": "1", "description": "` + testJWT + `"}]}}}]}`,
			`{"info": {"name": "t", "description": "curl -H 'Authorization: Bearer '", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"description": {"content": "", "type": "text/markdown"}, "request": {"description": "", "header": [{"key": "A", "value": "b", "description": "Basic "}], "url": {"raw": "h", "query": [{"key": "q", "value": "1", "description": ""}]}}}]}`,
			[]string{
				"info.description: Bearer credential in description",
				"item[0].description.content: JWT in description",
				"item[0].request.description: API token in description",
				"item[0].request.header[0].description: Basic credential in description",
				"item[0].request.url.query[0].description: JWT in description",
			}},
		{"raw JSON body, escaped",
			req(`"body": {"mode": "raw", "raw": "{\n\t\"user\": \"u\",\n\t\"password\": \"p\\\"w\\u0064\",\n\t\"token\": \"{{token}}\"\n}"}`),
			req(`"body": {"mode": "raw", "raw": "{\n\t\"user\": \"u\",\n\t\"password\": \"\",\n\t\"token\": \"{{token}}\"\n}"}`),
			[]string{"item[0].request.body.raw: password in raw body"}},
		{"raw form body",
			req(`"body": {"mode": "raw", "raw": "grant_type=client_credentials\u0026client_id=kept\u0026client_secret=s3cr3t"}`),
			req(`"body": {"mode": "raw", "raw": "grant_type=client_credentials\u0026client_id=kept\u0026client_secret="}`),
			[]string{"item[0].request.body.raw: client_secret in raw body"}},
		{"GraphQL body",
			req(`"body": {"mode": "graphql", "graphql": {"query": "{ me(token: \"` + testJWT + `\") { id } }", "variables": "{\"password\": \"p\", \"first\": 10}"}}`),
			req(`"body": {"mode": "graphql", "graphql": {"query": "{ me(token: \"\") { id } }", "variables": "{\"password\": \"\", \"first\": 10}"}}`),
			[]string{"item[0].request.body.graphql.query: JWT in GraphQL query", "item[0].request.body.graphql.variables: password in GraphQL variables"}},
		{"token response saved as an example",
			`{` + v21 + `, "item": [{"request": {}, "response": [{"name": "ok", "originalRequest": {"body": {"mode": "raw", "raw": "password=p"}}, "header": [{"key": "Set-Cookie", "value": "sid=abc; HttpOnly"}, {"key": "WWW-Authenticate", "value": "Basic realm=\"x\""}, {"key": "Content-Type", "value": "application/json"}, {"key": "X-Api-Key", "value": "k"}], "cookie": [{"key": "sid", "value": "abc", "domain": "h"}], "body": "{\"access_token\":\"` + testJWT + `\",\"token_type\":\"Bearer\",\"refresh_token\":\"a\\\\b\\/c\",\"expires_in\":3600}"}]}]}`,
			`{` + v21 + `, "item": [{"request": {}, "response": [{"name": "ok", "originalRequest": {"body": {"mode": "raw", "raw": "password="}}, "header": [{"key": "Set-Cookie", "value": ""}, {"key": "WWW-Authenticate", "value": "Basic realm=\"x\""}, {"key": "Content-Type", "value": "application/json"}, {"key": "X-Api-Key", "value": ""}], "cookie": [{"key": "sid", "value": "", "domain": "h"}], "body": "{\"access_token\":\"\",\"token_type\":\"Bearer\",\"refresh_token\":\"\",\"expires_in\":3600}"}]}]}`,
			[]string{
				"item[0].response[0].originalRequest.body.raw: password in raw body",
				"item[0].response[0].header[0].value: Set-Cookie response header",
				"item[0].response[0].header[3].value: X-Api-Key response header",
				"item[0].response[0].cookie[0].value: response cookie sid",
				"item[0].response[0].body: access_token in response body",
				"item[0].response[0].body: refresh_token in response body",
			}},
		{"response headers as a string",
			`{` + v21 + `, "item": [{"request": {}, "response": [{"header": "Set-Cookie: sid=abc\nWWW-Authenticate: Bearer realm=\"x\""}]}]}`,
			`{` + v21 + `, "item": [{"request": {}, "response": [{"header": "Set-Cookie: \nWWW-Authenticate: Bearer realm=\"x\""}]}]}`,
			[]string{"item[0].response[0].header: Set-Cookie response header"}},
		{"base64 response body",
			`{` + v21 + `, "item": [{"request": {}, "response": [{"body": "` + testBlob + `"}]}]}`,
			`{` + v21 + `, "item": [{"request": {}, "response": [{"body": "` + testBlob + `"}]}]}`,
			nil},
		{"environment variable description",
			`{"values": [{"key": "base", "value": "kept", "description": "old key ` + testGitHub + `"}]}`,
			`{"values": [{"key": "base", "value": "kept", "description": "old key "}]}`,
			[]string{"values[0].description: API token in description"}},
		{"ordinary text stays",
			req(`"description": "Use Bearer tokens; Basic auth works too. The key is in {{api_key}}.", "body": {"mode": "raw", "raw": "{\"name\": \"Bearer of news\", \"tokens\": 3, \"password\": \"\"}"}`),
			req(`"description": "Use Bearer tokens; Basic auth works too. The key is in {{api_key}}.", "body": {"mode": "raw", "raw": "{\"name\": \"Bearer of news\", \"tokens\": 3, \"password\": \"\"}"}`),
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			res := checkStrip(t, "t.json", in, Options{})
			if string(res.Out) != tc.want {
				t.Errorf("got  %s\nwant %s", res.Out, tc.want)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Path+": "+f.Kind)
				// What the CLI prints never holds a byte run of the value.
				if v := string(in[f.start:f.end]); len(v) >= 3 && strings.Contains(f.Path+f.Kind+f.Key, v) {
					t.Errorf("finding %q names its value", f.Path+": "+f.Kind)
				}
			}
			if diff := cmp.Diff(tc.findings, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFreeTextAllow: the allow-list silences free-text findings by path
// and inner member names by name, and leaves their bytes.
func TestFreeTextAllow(t *testing.T) {
	in, err := os.ReadFile(filepath.Join(fixtures, "free-text.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := scanOK(t, "f.json", in, Options{})
	for _, tc := range []struct {
		allow    []string
		silenced int
	}{
		{[]string{"item[0].item[0].response[0].body"}, 3},
		{[]string{"item[0].item[0].event"}, 5}, // JWT, GitHub, two keys, Postman
		{[]string{"access_token"}, 2},
		{[]string{"Set-Cookie"}, 1},
		{[]string{"event"}, 1}, // the collection's script, not the items'
	} {
		res := checkStrip(t, "f.json", in, Options{Allow: tc.allow})
		if res.Silenced != tc.silenced || res.Secrets() != all.Secrets()-tc.silenced {
			t.Errorf("allow %q: silenced %d, found %d; want %d and %d", tc.allow, res.Silenced, res.Secrets(), tc.silenced, all.Secrets()-tc.silenced)
		}
	}
}

// TestScriptsStillParse: a script with its tokens cut is still JavaScript
// (node --check on the joined exec lines, before and after), and scripts
// whose PEM markers surround code, not a key, stay byte for byte.
func TestScriptsStillParse(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs node on every script")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	fixture, err := os.ReadFile(filepath.Join(fixtures, "free-text.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	script := func(lines ...string) []byte {
		exec, _ := json.Marshal(lines)
		return []byte(`{"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [], "event": [{"listen": "prerequest", "script": {"exec": ` + string(exec) + `}}]}`)
	}
	for _, tc := range []struct {
		name      string
		in        []byte
		unchanged bool
	}{
		{"fixture", fixture, false},
		{"template literal around a variable", script(
			"const pem = `-----BEGIN RSA PRIVATE KEY-----",
			"${pm.collectionVariables.get('rsa_key')}",
			"-----END RSA PRIVATE KEY-----`;",
			"pm.environment.set('pem', pem);"), true},
		{"markers in comments", script(
			"// Paste your key into the environment, e.g. -----BEGIN PRIVATE KEY-----",
			"const environmentVariableName = 'private_key';",
			"const x = pm.environment.get(environmentVariableName);",
			"if (x === undefined) { throw new Error('no key'); }",
			"// -----END PRIVATE KEY-----"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanOK(t, "f.json", tc.in, Options{})
			if tc.unchanged {
				if res.Changed || len(res.Findings) > 0 {
					t.Errorf("changed: %s\nfindings %+v", res.Out, res.Findings)
				}
			} else if !strings.Contains(string(res.Out), `"const jwt = \"\";"`) {
				t.Error("the fixture's script token was not cut")
			}
			dir := t.TempDir()
			for _, doc := range []struct {
				name string
				data []byte
			}{{"before", tc.in}, {"after", res.Out}} {
				scripts := scriptsOf(doc.data)
				if tc.name == "fixture" && len(scripts) < 4 {
					t.Fatalf("%s: %d scripts in the fixture", doc.name, len(scripts))
				}
				for i, src := range scripts {
					f := filepath.Join(dir, doc.name+"-"+string(rune('a'+i))+".js")
					if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
						t.Fatal(err)
					}
					if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
						t.Errorf("%s script %d does not parse: %v\n%s\n%s", doc.name, i, err, out, src)
					}
				}
			}
		})
	}
}

// scriptsOf returns the scripts of a document, exec lines joined.
func scriptsOf(data []byte) []string {
	var scripts []string
	var collect func(v gjson.Result)
	collect = func(v gjson.Result) {
		if e := v.Get("script.exec"); e.Exists() {
			var lines []string
			if e.IsArray() {
				for _, l := range e.Array() {
					lines = append(lines, l.Str)
				}
			} else {
				lines = append(lines, e.Str)
			}
			scripts = append(scripts, strings.Join(lines, "\n"))
		}
		if v.IsObject() || v.IsArray() {
			v.ForEach(func(_, c gjson.Result) bool { collect(c); return true })
		}
	}
	collect(gjson.ParseBytes(data))
	return scripts
}

// TestFreeTextOnlySecretBytes: a response body with every escape JSON has
// around a token member keeps them all.
func TestFreeTextOnlySecretBytes(t *testing.T) {
	const pre = `{"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"request": {}, "response": [{"body": "`
	body := `{\n\t\"note\": \"\u00e9\\\\\/\\\"\ud83d\ude00\",\n\t\"access_token\": \"t\\u006Fk\\\\en\",\n\t\"k\": [\"\\b\\f\"]\n}`
	want := `{\n\t\"note\": \"\u00e9\\\\\/\\\"\ud83d\ude00\",\n\t\"access_token\": \"\",\n\t\"k\": [\"\\b\\f\"]\n}`
	res := checkStrip(t, "t.json", []byte(pre+body+`"}]}]}`), Options{})
	if got := string(res.Out); got != pre+want+`"}]}]}` {
		t.Errorf("got %s", got)
	}
	doc, err := collection.Parse("t.json", res.Out)
	if err != nil {
		t.Fatal(err)
	}
	inner := gjson.Get(string(doc.Body()), "item.0.response.0.body").Str
	if !gjson.Valid(inner) || gjson.Get(inner, "access_token").Str != "" || gjson.Get(inner, "note").Str != "é\\/\"😀" {
		t.Errorf("inner JSON after strip: %s", inner)
	}
}

// TestKindNames: names from the document that go into a finding's kind
// (body members, form fields, headers, parameters, cookies, variables)
// cannot add a report line or a terminal escape, and are capped.
func TestKindNames(t *testing.T) {
	const v21 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`
	long := strings.Repeat("é", 40) + "_password"
	in := `{` + v21 + `, "variable": [{"key": "password\u202e` + long + `", "value": "v"}], "item": [{"request": {` +
		`"header": [{"key": "X-Api-Key\nFAKE.json:1:1: forged\u001b[2K", "value": "k"}], ` +
		`"url": {"raw": "https://h/?token%0Aforged=t", "query": [{"key": "token\r\u001b[2K", "value": "t"}]}, ` +
		`"body": {"mode": "raw", "raw": "a=1\u0026secret%1b%5b2K=s"}}, ` +
		`"response": [{"header": "X-Api-Key\u001b[2K: v", "cookie": [{"key": "sid\u0007", "value": "c"}], ` +
		`"body": "{\"my password\\nFAKE.json:9:9: forged line\\u001b[2K\":\"x\"}"}]}, ` +
		`{"request": {"url": "u", "body": {"mode": "urlencoded", "urlencoded": [{"key": "password\nforged.json:9:9: x: fake", "value": "p"}]}}}]}`
	res := checkStrip(t, "t.json", []byte(in), Options{})
	if len(res.Findings) != 9 {
		t.Errorf("%d findings, want 9: %+v", len(res.Findings), res.Findings)
	}
	for _, f := range res.Findings {
		for _, r := range f.Kind {
			if !unicode.IsGraphic(r) {
				t.Errorf("kind %q holds %U", f.Kind, r)
			}
		}
		if len(f.Kind) > maxKindName+40 {
			t.Errorf("kind %q is %d bytes", f.Kind, len(f.Kind))
		}
		t.Logf("%s: %s", f.Path, f.Kind)
	}
	for name, want := range map[string]string{
		"client_secret": "client_secret",
		"my password":   "my password",
		"a\nb\x1b[2K":   `"a\nb\x1b[2K"`,
		"rtl\u202e":     `"rtl\u202e"`,
		"bad\xffutf8":   `"bad\xffutf8"`,
		long:            strings.Repeat("é", 32) + "…",
		"x" + long:      "x" + strings.Repeat("é", 31) + "…",
		"\x00" + long:   `"\x00` + strings.Repeat("é", 29) + "…",
		"ünïcödé_tökén": "ünïcödé_tökén",
	} {
		if got := kindName(name); got != want {
			t.Errorf("kindName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestSecretNamesRedacted: a name that holds a secret is shown redacted in
// every kind and key, wherever the name stands (variable, header, query,
// form field, JSON member of a body), and reported as a secret in a name
// where it is a key; names that only look long stay as they are.
func TestSecretNamesRedacted(t *testing.T) {
	const v21 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`
	gh := "ghp_" + strings.Repeat("Rd7", 12)
	sk := "Rd7Rd7Rd7Rd7Rd7Rd7Rd71234"
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.c2lnbmF0dXJl"
	// The review's shapes: a Bearer credential after a header name, a URL
	// with a userinfo password, a token glued behind a word.
	bearer, userinfo, glued := "Authorization: Bearer abcdefghij1234567890", "https://u:Sup3rPass@h", "password_sk_live_51HfakeFAKEfake0123456789abcdEF"
	in := `{` + v21 + `, "variable": [{"key": "` + gh + `", "value": "v"}, {"key": "Bearer ` + jwt + `", "value": "w"}, {"key": "` + glued + `", "value": "realpass"}], "item": [{"request": {` +
		`"header": [{"key": "X-Api-Key ` + sk + `", "value": "k"}, {"key": "` + bearer + `", "value": "x"}, {"key": "` + userinfo + `", "value": "1"}], ` +
		`"url": {"raw": "https://h/", "query": [{"key": "` + gh + `", "value": "t"}]}, ` +
		`"body": {"mode": "urlencoded", "urlencoded": [{"key": "X-Auth-Token: ` + sk + `", "value": "p"}]}}}, ` +
		`{"request": {"url": "https://h/", "header": "Accept: */*\nX-Api-Key ` + sk + `: v\n"}}]}`
	res := checkStrip(t, "t.json", []byte(in), Options{})
	inNames := 0
	for _, f := range res.Findings {
		for _, secret := range []string{gh[4:], sk, jwt[10:], "abcdefghij1234567890", "Sup3rPass", "51HfakeFAKE"} {
			if strings.Contains(f.Kind, secret) || strings.Contains(f.Key, secret) || strings.Contains(f.Path, secret) {
				t.Errorf("finding %s: %s (key %q) prints a secret held in a name", f.Path, f.Kind, f.Key)
			}
		}
		if f.InName {
			inNames++
			if !strings.Contains(f.Kind, "…[redacted]") || !strings.Contains(f.Kind, "cannot be blanked") {
				t.Errorf("kind %q: want a redacted name and the advice", f.Kind)
			}
		}
	}
	if inNames != 9 {
		t.Errorf("%d secrets in names reported, want 9: %+v", inNames, res.Findings)
	}
	for name, want := range map[string]string{
		gh:                           "ghp_…[redacted]",
		"X-Api-Key " + sk:            "X-Api-Key …[redacted]",
		"X-Auth-Token: " + sk:        "X-Auth-Token …[redacted]",
		"Bearer " + jwt:              "Bearer …[redacted]",
		"a_long_but_plain_name_here": "a_long_but_plain_name_here",
		"Accept-Encoding-Preference": "Accept-Encoding-Preference",
	} {
		if got := kindName(name); got != want {
			t.Errorf("kindName(%q) = %q, want %q", name, got, want)
		}
	}
}

// modeOf is the text mode of a case that does (data) or does not read
// JSON members and form fields.
func modeOf(members bool) textMode {
	if members {
		return dataText
	}
	return plainText
}
