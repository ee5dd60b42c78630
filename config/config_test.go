package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pmprep/pmprep/script"
)

func str(v string, line, col int) Setting[string] {
	return Setting[string]{Value: v, Set: true, Line: line, Col: col}
}

// specConfig is what the SPEC's example (testdata/spec.yaml) parses to.
func specConfig(file string) *Config {
	return &Config{
		File:       file,
		Collection: str("api.postman_collection.json", 1, 13),
		Auth: Auth{
			Grant:      str("client_credentials", 3, 10),
			TokenURL:   str("{{token_url}}", 4, 14),
			ClientAuth: str("basic", 5, 16),
			Scope:      str("api:read api:write", 6, 10),
			Audience:   str("", 7, 13),
			Params:     Setting[[]script.Param]{Value: []script.Param{{Key: "resource", Value: "https://api.example.com"}}, Set: true, Line: 8, Col: 11},
			Skew:       Setting[time.Duration]{Value: 30 * time.Second, Set: true, Line: 9, Col: 9},
			Retry401:   Setting[bool]{Value: true, Set: true, Line: 10, Col: 14},
			Type:       str("bearer", 11, 9),
		},
		Variables: Variables{
			TokenURL:     str("token_url", 13, 14),
			ClientID:     str("client_id", 14, 14),
			ClientSecret: str("client_secret", 15, 18),
		},
		Environments: []Environment{
			{Name: "staging", Line: 17, Col: 3, Vars: []Var{
				{Key: "base_url", Value: "https://staging.api.example.com", Line: 18, Col: 5},
				{Key: "token_url", Value: "https://auth.staging.example.com/oauth2/token", Line: 19, Col: 5},
				{Key: "client_id", Value: "pmprep-staging", Line: 20, Col: 5},
				{Key: "client_secret", Secret: true, From: "STAGING_CLIENT_SECRET", Line: 21, Col: 5},
			}},
			{Name: "prod", Line: 22, Col: 3, Vars: []Var{
				{Key: "base_url", Value: "https://api.example.com", Line: 23, Col: 5},
				{Key: "token_url", Value: "https://auth.example.com/oauth2/token", Line: 24, Col: 5},
				{Key: "client_id", Value: "pmprep-prod", Line: 25, Col: 5},
				{Key: "client_secret", Secret: true, From: "PROD_CLIENT_SECRET", Line: 26, Col: 5},
			}},
		},
		Strip: Strip{Allow: []string{"item[2].request.auth", "demo_password"}},
	}
}

func TestLoadSpecExample(t *testing.T) {
	path := filepath.Join("testdata", "spec.yaml")
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(specConfig(path), got); diff != "" {
		t.Errorf("Load(%s) mismatch (-want +got):\n%s", path, diff)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Config
	}{
		{"empty", "", &Config{}},
		{"comment only", "# nothing yet\n", &Config{}},
		{"null document", "~\n", &Config{}},
		{"empty sections", "auth:\nvariables:\nenvironments:\nstrip:\n", &Config{}},
		{
			"scalars rendered as written",
			"environments:\n  dev:\n    port: 8080\n    ratio: 1.50\n    debug: true\n    hex: 0x1F\n    none:\n    empty: \"\"\n    multi: |\n      a\n      b\n",
			&Config{Environments: []Environment{{Name: "dev", Line: 2, Col: 3, Vars: []Var{
				{Key: "port", Value: "8080", Line: 3, Col: 5},
				{Key: "ratio", Value: "1.50", Line: 4, Col: 5},
				{Key: "debug", Value: "true", Line: 5, Col: 5},
				{Key: "hex", Value: "0x1F", Line: 6, Col: 5},
				{Key: "none", Value: "", Line: 7, Col: 5},
				{Key: "empty", Value: "", Line: 8, Col: 5},
				{Key: "multi", Value: "a\nb\n", Line: 9, Col: 5},
			}}}},
		},
		{
			"secret forms",
			"environments:\n  ci:\n    a: {secret: true}\n    b: {from: B_VAR}\n    c:\n      secret: true\n      from: C_VAR\n    password: \"\"\n    token: \"{{other_token}}\"\n    authorization: \"Bearer {{pmprep_access_token}}\"\n    password_required: true\n",
			&Config{Environments: []Environment{{Name: "ci", Line: 2, Col: 3, Vars: []Var{
				{Key: "a", Secret: true, Line: 3, Col: 5},
				{Key: "b", Secret: true, From: "B_VAR", Line: 4, Col: 5},
				{Key: "c", Secret: true, From: "C_VAR", Line: 5, Col: 5},
				{Key: "password", Line: 8, Col: 5},
				{Key: "token", Value: "{{other_token}}", Line: 9, Col: 5},
				{Key: "authorization", Value: "Bearer {{pmprep_access_token}}", Line: 10, Col: 5},
				{Key: "password_required", Value: "true", Line: 11, Col: 5},
			}}}},
		},
		{
			"strip.allow lets a secret-looking key hold a plain value",
			"environments:\n  demo:\n    demo_password: hunter2\nstrip:\n  allow: [demo_password]\n",
			&Config{
				Environments: []Environment{{Name: "demo", Line: 2, Col: 3, Vars: []Var{{Key: "demo_password", Value: "hunter2", Line: 3, Col: 5}}}},
				Strip:        Strip{Allow: []string{"demo_password"}},
			},
		},
		{
			"durations and other auth values",
			"auth:\n  grant: refresh_token\n  client_auth: body\n  skew: 0\n  default_lifetime: 1500ms\n  retry_401: false\n  type: oauth2\n  scope:\n",
			&Config{Auth: Auth{
				Grant:           str("refresh_token", 2, 10),
				ClientAuth:      str("body", 3, 16),
				Skew:            Setting[time.Duration]{Set: true, Line: 4, Col: 9},
				DefaultLifetime: Setting[time.Duration]{Value: 1500 * time.Millisecond, Set: true, Line: 5, Col: 21},
				Retry401:        Setting[bool]{Set: true, Line: 6, Col: 14},
				Type:            str("oauth2", 7, 9),
				Scope:           str("", 8, 9),
			}},
		},
		{
			"anchors and merge keys",
			"environments:\n  staging: &base\n    client_id: app\n    base_url: https://staging\n  prod:\n    <<: *base\n    base_url: https://prod\n    extra: x\n",
			&Config{Environments: []Environment{
				{Name: "staging", Line: 2, Col: 3, Vars: []Var{
					{Key: "client_id", Value: "app", Line: 3, Col: 5},
					{Key: "base_url", Value: "https://staging", Line: 4, Col: 5},
				}},
				{Name: "prod", Line: 5, Col: 3, Vars: []Var{
					{Key: "client_id", Value: "app", Line: 3, Col: 5},
					{Key: "base_url", Value: "https://prod", Line: 7, Col: 5},
					{Key: "extra", Value: "x", Line: 8, Col: 5},
				}},
			}},
		},
		{
			"renamed variables",
			"variables:\n  client_secret: cs\n  access_token: at\n",
			&Config{Variables: Variables{ClientSecret: str("cs", 2, 18), AccessToken: str("at", 3, 17)}},
		},
		{
			"BOM",
			"\ufeffcollection: a.json\n",
			&Config{Collection: str("a.json", 1, 13)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("pmprep.yaml", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.File = "pmprep.yaml"
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOrderKept(t *testing.T) {
	in := `auth:
  params: {zeta: "1", alpha: "2", mid: "3", "{{k}}": "{{v}}"}
environments:
  zulu: {z: 1, a: 2, m: 3}
  alpha: {b: 1, a: 2}
  mike:
    y: 1
    x: 2
    w: 3
`
	c, err := Parse("pmprep.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var params, envs []string
	for _, p := range c.Auth.Params.Value {
		params = append(params, p.Key+"="+p.Value)
	}
	for _, e := range c.Environments {
		keys := e.Name + ":"
		for _, v := range e.Vars {
			keys += " " + v.Key
		}
		envs = append(envs, keys)
	}
	if diff := cmp.Diff([]string{"zeta=1", "alpha=2", "mid=3", "{{k}}={{v}}"}, params); diff != "" {
		t.Errorf("params order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"zulu: z a m", "alpha: b a", "mike: y x w"}, envs); diff != "" {
		t.Errorf("environments order (-want +got):\n%s", diff)
	}
}

func TestJSON(t *testing.T) {
	const in = `{
	"collection": "api.postman_collection.json",
	"auth": {
		"grant": "client_credentials",
		"token_url": "{{token_url}}",
		"client_auth": "basic",
		"scope": "api:read api:write",
		"audience": "",
		"params": {"resource": "https:\/\/api.example.com"},
		"skew": "30s",
		"retry_401": true,
		"type": "bearer"
	},
	"variables": {"token_url": "token_url", "client_id": "client_id", "client_secret": "client_secret"},
	"environments": {
		"staging": {
			"base_url": "https://staging.api.example.com",
			"token_url": "https://auth.staging.example.com/oauth2/token",
			"client_id": "pmprep-staging",
			"client_secret": {"secret": true, "from": "STAGING_CLIENT_SECRET"}
		},
		"prod": {
			"base_url": "https://api.example.com",
			"token_url": "https://auth.example.com/oauth2/token",
			"client_id": "pmprep-prod",
			"client_secret": {"secret": true, "from": "PROD_CLIENT_SECRET"}
		}
	},
	"strip": {"allow": ["item[2].request.auth", "demo_password"]}
}
`
	// Same content as the SPEC example; positions differ.
	noPos := cmp.Options{
		cmpopts.IgnoreFields(Config{}, "File"),
		cmpopts.IgnoreFields(Environment{}, "Line", "Col"),
		cmpopts.IgnoreFields(Var{}, "Line", "Col"),
		cmp.FilterPath(func(p cmp.Path) bool {
			n := p.Last().String()
			return n == ".Line" || n == ".Col"
		}, cmp.Ignore()),
	}
	for _, name := range []string{"pmprep.json", "pmprep.yaml"} {
		got, err := Parse(name, []byte(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(specConfig(""), got, noPos); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", name, diff)
		}
		if c := got.Environments[0].Vars[3]; c.Line != 20 || c.Col != 4 {
			t.Errorf("%s: client_secret at %d:%d, want 20:4 (tabs count as one column)", name, c.Line, c.Col)
		}
		if p := got.Auth.Params; p.Line != 9 || p.Col != 13 {
			t.Errorf("%s: params at %d:%d, want 9:13", name, p.Line, p.Col)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // default pmprep.yaml
		in   string
		want string
	}{
		// Unknown keys, with suggestions.
		{"unknown top-level key", "", "colection: a.json\n",
			`pmprep.yaml:1:1: unknown key "colection" at the top level (did you mean "collection"? known keys: collection, auth, tokens, variables, environments, strip)`},
		{"unknown auth key", "", "auth:\n  grant: password\n  scop: x\n",
			`pmprep.yaml:3:3: unknown key "scop" in auth (did you mean "scope"? known keys: grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, retry_401, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"camelCase auth key", "", "auth:\n  tokenUrl: x\n",
			`pmprep.yaml:2:3: unknown key "tokenUrl" in auth (did you mean "token_url"? known keys: grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, retry_401, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"no suggestion", "", "auth:\n  colour: x\n",
			`pmprep.yaml:2:3: unknown key "colour" in auth (known keys: grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, retry_401, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"secret under auth", "", "auth:\n  client_secret: s3cr3t-value\n",
			`pmprep.yaml:2:3: unknown key "client_secret" in auth (client_secret is a variable the script reads: set it in each environment, e.g. environments.staging.client_secret: {secret: true, from: STAGING_CLIENT_SECRET})`},
		{"client_id under auth", "", "auth:\n  client_id: app\n",
			`pmprep.yaml:2:3: unknown key "client_id" in auth (client_id is a variable the script reads: set it in each environment, e.g. environments.staging.client_id)`},
		{"unknown variables key", "", "variables:\n  clientid: cid\n",
			`pmprep.yaml:2:3: unknown key "clientid" in variables (did you mean "client_id"? known keys: token_url, client_id, client_secret, scope, audience, username, password, refresh_token, client_private_key, client_key_id, client_assertion, issuer, access_token)`},
		{"unknown strip key", "", "strip:\n  allowed: []\n",
			`pmprep.yaml:2:3: unknown key "allowed" in strip (did you mean "allow"? known keys: allow)`},
		{"unknown secret-form key", "", "environments:\n  ci:\n    client_secret: {secret: true, frm: X}\n",
			`pmprep.yaml:3:35: unknown key in environments.ci.client_secret (did you mean "from"? known keys: secret, from)`},

		// Wrong types.
		{"top level not a mapping", "", "- a\n- b\n",
			`pmprep.yaml:1:1: expected a mapping of settings at the top level, found a list (start with keys such as collection:, auth:, environments:)`},
		{"auth not a mapping", "", "auth: bearer\n",
			`pmprep.yaml:1:7: expected a mapping for auth, found a string`},
		{"string expected", "", "auth:\n  scope: [a, b]\n",
			`pmprep.yaml:2:10: expected a string for auth.scope, found a list`},
		{"collection list", "", "collection: {a: b}\n",
			`pmprep.yaml:1:13: expected a string for collection, found a mapping`},
		{"collection empty", "", "collection: \"\"\n",
			`pmprep.yaml:1:13: collection must not be empty (name the collection file, or leave the key out)`},
		{"token_url empty", "", "auth:\n  token_url: ''\n",
			`pmprep.yaml:2:14: auth.token_url must not be empty (write a URL or {{token_url}}, or leave the key out)`},
		{"params not a mapping", "", "auth:\n  params: [resource]\n",
			`pmprep.yaml:2:11: expected a mapping for auth.params, found a list (write params: {resource: "https://api.example.com"})`},
		{"param value list", "", "auth:\n  params: {resource: [a]}\n",
			`pmprep.yaml:2:22: expected a string for auth.params.resource, found a list`},
		{"bool expected", "", "auth:\n  retry_401: yes\n",
			`pmprep.yaml:2:14: expected true or false for auth.retry_401, found "yes"`},
		{"environments list", "", "environments:\n  - staging\n",
			`pmprep.yaml:2:3: expected a mapping of environment names to variables for environments, found a list (write environments: {staging: {base_url: ...}})`},
		{"environment not a mapping", "", "environments:\n  staging: https://x\n",
			`pmprep.yaml:2:12: expected a mapping of variables for environments.staging, found a string (write staging: {base_url: https://...})`},
		{"variable list", "", "environments:\n  staging:\n    hosts: [a, b]\n",
			`pmprep.yaml:3:12: expected a string or {secret: true, from: ENV_VAR} for environments.staging.hosts, found a list`},
		{"allow not a list", "", "strip:\n  allow: demo_password\n",
			`pmprep.yaml:2:10: expected a list for strip.allow, found a string (write allow: ["item[0].request.auth", demo_password])`},
		{"allow item mapping", "", "strip:\n  allow: [{a: b}]\n",
			`pmprep.yaml:2:11: expected a string in strip.allow, found a mapping (a JSON path or a variable key)`},
		{"allow empty item", "", "strip:\n  allow: [\"\"]\n",
			`pmprep.yaml:2:11: empty entry in strip.allow (write a JSON path or a variable key, or remove it)`},
		{"key not a scalar", "", "auth:\n  ? [a]\n  : b\n",
			`pmprep.yaml:2:5: expected a key name in auth, found a list`},

		// Enums.
		{"bad grant", "", "auth:\n  grant: implicit\n",
			`pmprep.yaml:2:10: bad value "implicit" for auth.grant (use one of: client_credentials, refresh_token, password)`},
		{"grant typo", "", "auth:\n  grant: client_credential\n",
			`pmprep.yaml:2:10: bad value "client_credential" for auth.grant (did you mean "client_credentials"? use one of: client_credentials, refresh_token, password)`},
		{"postman grant name", "", "auth:\n  grant: password_credentials\n",
			`pmprep.yaml:2:10: bad value "password_credentials" for auth.grant (did you mean "password"? use one of: client_credentials, refresh_token, password)`},
		{"client auth name", "", "auth:\n  client_auth: jwt\n",
			`pmprep.yaml:2:16: bad value "jwt" for auth.client_auth (use one of: basic, body, client_secret_jwt, private_key_jwt, assertion, tls, none)`},
		{"type case", "", "auth:\n  type: Bearer\n",
			`pmprep.yaml:2:9: bad value "Bearer" for auth.type (did you mean "bearer"? use one of: bearer, oauth2)`},
		{"enum null", "", "auth:\n  type:\n",
			`pmprep.yaml:2:8: expected one of bearer, oauth2 for auth.type, found nothing`},

		// Durations.
		{"duration without unit", "", "auth:\n  skew: 30\n",
			`pmprep.yaml:2:9: bad duration "30" for auth.skew (did you mean "30s"? write a Go duration such as 30s, 1500ms or 0)`},
		{"duration garbage", "", "auth:\n  skew: soon\n",
			`pmprep.yaml:2:9: bad duration "soon" for auth.skew (write a Go duration such as 30s, 1500ms or 0)`},
		{"negative duration", "", "auth:\n  skew: -5s\n",
			`pmprep.yaml:2:9: auth.skew must not be negative (write 0 or more, e.g. 30s)`},
		{"zero lifetime", "", "auth:\n  default_lifetime: 0s\n",
			`pmprep.yaml:2:21: auth.default_lifetime must be more than 0 (write e.g. 1h)`},
		{"duration mapping", "", "auth:\n  skew: {s: 1}\n",
			`pmprep.yaml:2:9: expected a duration for auth.skew, found a mapping (write a Go duration such as 30s, 1500ms or 0)`},

		// Duplicates.
		{"duplicate auth key", "", "auth:\n  grant: password\n  scope: a\n  grant: password\n",
			`pmprep.yaml:4:3: duplicate key "grant" in auth (first at line 2; keep one)`},
		{"duplicate top-level key", "", "strip: {}\nauth: {}\nstrip: {}\n",
			`pmprep.yaml:3:1: duplicate key "strip" at the top level (first at line 1; keep one)`},
		{"duplicate environment", "", "environments:\n  dev: {}\n  dev: {}\n",
			`pmprep.yaml:3:3: duplicate key "dev" in environments (first at line 2; keep one)`},
		{"duplicate variable", "", "environments:\n  dev:\n    a: 1\n    a: 2\n",
			`pmprep.yaml:4:5: duplicate key "a" in environments.dev (first at line 3; keep one)`},
		{"duplicate param", "", "auth:\n  params:\n    resource: a\n    resource: b\n",
			`pmprep.yaml:4:5: duplicate key "resource" in auth.params (first at line 3; keep one)`},
		{"duplicate JSON key", "pmprep.json", "{\"auth\": {\"scope\": \"a\",\n \"scope\": \"b\"}}",
			`pmprep.json:2:2: duplicate key "scope" in auth (first at line 1; keep one)`},
		{"environments differ only in case", "", "environments:\n  Staging: {}\n  staging: {}\n",
			`pmprep.yaml:3:3: environments "staging" and "Staging" (line 2) would write the same file on case-insensitive file systems (rename one)`},

		// Environment names.
		{"env name slash", "", "environments:\n  a/b: {}\n",
			`pmprep.yaml:2:3: environment name "a/b" is not a safe file name (use letters, digits, '-', '_' and '.', e.g. staging)`},
		{"env name dotdot", "", "environments:\n  ..: {}\n",
			`pmprep.yaml:2:3: environment name ".." is not a safe file name (use letters, digits, '-', '_' and '.', e.g. staging)`},
		{"env name backslash", "", "environments:\n  'a\\b': {}\n",
			`pmprep.yaml:2:3: environment name "a\\b" is not a safe file name (use letters, digits, '-', '_' and '.', e.g. staging)`},
		{"env name empty", "", "environments:\n  \"\": {}\n",
			`pmprep.yaml:2:3: environment name "" is not a safe file name (use letters, digits, '-', '_' and '.', e.g. staging)`},
		{"empty variable key", "", "environments:\n  dev:\n    \"\": x\n",
			`pmprep.yaml:3:5: empty variable name in environments.dev (name the variable)`},

		// Secret forms.
		{"secret false", "", "environments:\n  ci:\n    client_secret: {secret: false}\n",
			`pmprep.yaml:3:29: environments.ci.client_secret: secret: false is not allowed (for a plain variable write the value itself: client_secret: VALUE)`},
		{"secret not bool", "", "environments:\n  ci:\n    client_secret: {secret: abc}\n",
			`pmprep.yaml:3:29: environments.ci.client_secret: secret must be true (write {secret: true, from: CI_CLIENT_SECRET})`},
		{"from not an env var name", "", "environments:\n  prod-eu:\n    api_key: {secret: true, from: \"abc-123/xyz\"}\n",
			`pmprep.yaml:3:35: environments.prod-eu.api_key: from must name an OS environment variable: letters, digits and _, not starting with a digit (e.g. from: PROD_EU_API_KEY)`},
		{"empty secret form", "", "environments:\n  ci:\n    x: {}\n",
			`pmprep.yaml:3:8: empty mapping for environments.ci.x (write a value, or {secret: true, from: CI_X})`},

		// Plain secrets.
		{"plain client secret", "", "environments:\n  staging:\n    base_url: https://x\n    client_secret: s3cr3t\n",
			`pmprep.yaml:4:20: environments.staging.client_secret looks secret; do not put its value in pmprep.yaml (it is meant for git). Write: client_secret: {secret: true, from: STAGING_CLIENT_SECRET} (or, if it is not a secret, list "client_secret" in strip.allow)`},
		{"plain camelCase secret", "", "environments:\n  prod-eu:\n    apiKey: 12345\n",
			`pmprep.yaml:3:13: environments.prod-eu.apiKey looks secret; do not put its value in pmprep.yaml (it is meant for git). Write: apiKey: {secret: true, from: PROD_EU_API_KEY} (or, if it is not a secret, list "apiKey" in strip.allow)`},
		{"plain secret odd key", "", "environments:\n  dev:\n    \"X API Key\": abc\n",
			`pmprep.yaml:3:18: environments.dev.X API Key looks secret; do not put its value in pmprep.yaml (it is meant for git). Write: "X API Key": {secret: true, from: DEV_X_API_KEY} (or, if it is not a secret, list "X API Key" in strip.allow)`},
		{"renamed secret", "", "variables:\n  client_secret: cs\nenvironments:\n  dev:\n    cs: abc\n",
			`pmprep.yaml:5:9: environments.dev.cs holds the client secret (variables.client_secret); do not put its value in pmprep.yaml (it is meant for git). Write: cs: {secret: true, from: DEV_CS} (or, if it is not a secret, list "cs" in strip.allow)`},
		{"secret param", "my.yaml", "auth:\n  params:\n    client_assertion_token: eyJabc\n",
			`my.yaml:3:29: auth.params.client_assertion_token looks secret; do not put its value in my.yaml (it is meant for git). Write: client_assertion_token: "{{client_assertion_token}}" and set client_assertion_token in each environment as {secret: true, from: ENV_VAR} (or, if it is not a secret, list "client_assertion_token" in strip.allow)`},
		{"secret in merged anchor", "", "common: &c\nenvironments:\n  dev: {password: pw}\n",
			`pmprep.yaml:1:1: unknown key "common" at the top level (known keys: collection, auth, tokens, variables, environments, strip)`},

		// Variable names.
		{"variable name empty", "", "variables:\n  client_id: \"\"\n",
			`pmprep.yaml:2:14: variables.client_id must not be empty (write a Postman variable name, e.g. client_id)`},
		{"variable name reference", "", "variables:\n  token_url: \"{{auth_url}}\"\n",
			`pmprep.yaml:2:14: variables.token_url is a variable name, not a reference (write the name without {{ }})`},
		{"variable name spaces", "", "variables:\n  scope: \"scope \"\n",
			`pmprep.yaml:2:10: variables.scope has leading or trailing spaces (remove them)`},
		{"variable name clash with default", "", "variables:\n  client_id: client_secret\n",
			`pmprep.yaml:2:14: variables.client_id: "client_secret" is already the name of client_secret (choose another name, or rename variables.client_secret too)`},
		{"variable names clash", "", "variables:\n  username: user\n  password: user\n",
			`pmprep.yaml:3:13: variables.password: "user" is already the name of username (choose another name)`},

		// Syntax.
		{"yaml syntax", "", "auth:\n  grant: password\n  scope \"x\"\nstrip: {}\n",
			`pmprep.yaml:3:3: invalid YAML: could not find expected ':' (check indentation and quoting on this line and the ones above)`},
		{"yaml syntax on line 1", "", "a: b: c\n",
			`pmprep.yaml:1:1: invalid YAML: mapping values are not allowed in this context (check indentation and quoting on this line and the ones above)`},
		{"tab indentation", "", "auth:\n\tgrant: password\n",
			`pmprep.yaml:2:1: tab in indentation (YAML indents with spaces; replace the tabs)`},
		{"unknown alias", "", "auth:\n  scope: *s\n",
			`pmprep.yaml:2:10: alias *s refers to no anchor (define &s before using it)`},
		{"control character", "", "auth:\n  scope: a\x01b\n",
			`pmprep.yaml:2:11: control character U+0001 (remove it, or write \u0001 inside double quotes)`},
		{"invalid UTF-8", "", "auth:\n  scope: é\xff\n",
			`pmprep.yaml:2:11: invalid UTF-8 (save the file as UTF-8)`},
		{"line separator", "", "auth:\n  scope: \"a\u2028b\"\n",
			`pmprep.yaml:2:12: character U+2028 is a line break to YAML (use a plain newline, or write \u2028 inside double quotes)`},
		{"lone CR ends a line", "", "auth: {}\rstrip: x\r",
			`pmprep.yaml:2:8: expected a mapping for strip, found a string`},
		{"second document", "", "auth: {}\n---\nstrip: {}\n",
			`pmprep.yaml:2:1: a second YAML document starts here (a config file holds one document; remove this "---" and merge what follows into the first)`},
		{"JSON syntax", "pmprep.json", "{\n\t\"auth\": {\n\t\t\"grant\": \"password\",\n\t}\n}\n",
			`pmprep.json:4:2: invalid JSON: invalid character '}' looking for beginning of object key string (fix the syntax here)`},
		{"JSON truncated", "pmprep.json", "{\"auth\": {",
			`pmprep.json:1:11: invalid JSON: unexpected end of JSON input (fix the syntax here)`},
		{"JSON in a .yaml file", "", "{\n  \"auth\": {\"grant\" \"password\"}\n}\n",
			`pmprep.yaml:2:20: invalid JSON: invalid character '"' after object key (fix the syntax here)`},
		{"JSON wrong type", "pmprep.json", "{\"environments\": {\"dev\": {\"client_secret\": \"s3cr3t\"}}}",
			`pmprep.json:1:44: environments.dev.client_secret looks secret; do not put its value in pmprep.json (it is meant for git). Write: client_secret: {secret: true, from: DEV_CLIENT_SECRET} (or, if it is not a secret, list "client_secret" in strip.allow)`},

		// Aliases that expand without end are refused, not followed.
		{"merge into itself", "", "environments:\n  dev: &d\n    a: 1\n    <<: *d\n",
			`pmprep.yaml:2:8: << merges a mapping into itself (remove the merge)`},
		{"merge non-mapping", "", "environments:\n  dev:\n    <<: x\n",
			`pmprep.yaml:3:9: << merges a mapping or a list of mappings, found a string (write <<: *anchor)`},

		// A secret pasted where a key or a setting belongs is not printed.
		{"secret as an unknown key", "", "auth:\n  ghp_0123456789abcdefghijABCDEFGHIJ012345: x\n",
			`pmprep.yaml:2:3: unknown key "ghp_…[redacted]" in auth (known keys: grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, retry_401, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"secret as a duplicate key", "", "variables:\n  client_id: a\nenvironments:\n  dev:\n    ghp_0123456789abcdefghijABCDEFGHIJ012345: 1\n    ghp_0123456789abcdefghijABCDEFGHIJ012345: 2\n",
			`pmprep.yaml:6:5: duplicate key "ghp_…[redacted]" in environments.dev (first at line 5; keep one)`},
		{"secret as a value", "", "auth:\n  grant: ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
			`pmprep.yaml:2:10: bad value "ghp_…[redacted]" for auth.grant (use one of: client_credentials, refresh_token, password)`},

		// The first error in the file is reported.
		{"first of several", "", "auth:\n  skew: x\n  grant: y\n",
			`pmprep.yaml:2:9: bad duration "x" for auth.skew (write a Go duration such as 30s, 1500ms or 0)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "pmprep.yaml"
			}
			c, err := Parse(file, []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", c)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error: %v", err, err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has more than one line: %q", err)
			}
		})
	}
}

// TestSecretNotEchoed plants a recognisable value wherever a secret might
// be mistyped and checks that no error message repeats it.
func TestSecretNotEchoed(t *testing.T) {
	const planted = "Pl4nted-S3cret-Val"
	inputs := []string{
		"environments:\n  dev:\n    client_secret: " + planted + "\n",
		"environments:\n  dev:\n    password: \"" + planted + "\"\n",
		"environments:\n  dev:\n    x-api-key: '" + planted + "'\n",
		"environments:\n  dev:\n    refreshToken: |\n      " + planted + "\n",
		"environments:\n  dev:\n    client_secret: {secret: " + planted + "}\n",
		"environments:\n  dev:\n    client_secret: {secret: true, from: " + planted + "}\n",
		"environments:\n  dev:\n    client_secret: {secret: true, from: \"" + planted + "\"}\n",
		"environments:\n  dev:\n    client_secret: [" + planted + "]\n",
		"environments:\n  dev:\n    client_secret: {" + planted + ": true}\n",
		"auth:\n  client_secret: " + planted + "\n",
		"auth:\n  password: " + planted + "\n",
		"auth:\n  params: {client_secret: " + planted + "}\n",
		"variables:\n  client_secret: cs\nenvironments:\n  dev:\n    cs: " + planted + "\n",
		"tokens:\n  u:\n    variable: U\n    params: {client_secret: " + planted + "}\n",
		"tokens:\n  u:\n    variable: U\n    client_secret: " + planted + "\n",
		"tokens:\n  u: {variable: U, variables: {password: pw}}\nenvironments:\n  dev:\n    pw: " + planted + "\n",
		"tokens:\n  u: {variable: U}\nenvironments:\n  dev:\n    U: " + planted + "\n",
		`{"environments": {"dev": {"client_secret": "` + planted + `"}}}`,
		`{"environments": {"dev": {"client_secret": {"secret": "` + planted + `"}}}}`,
	}
	for _, in := range inputs {
		_, err := Parse("pmprep.yaml", []byte(in))
		if err == nil {
			t.Errorf("Parse(%q) succeeded", in)
			continue
		}
		if strings.Contains(err.Error(), planted) || strings.Contains(err.Error(), "Pl4nted") {
			t.Errorf("error repeats the secret:\n%s", err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "pmprep.yaml"))
	var ce *Error
	if !errors.As(err, &ce) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(missing) = %v; want a *config.Error wrapping fs.ErrNotExist", err)
	}
	if !strings.HasSuffix(err.Error(), "pmprep.yaml: cannot open the config file: no such file or directory") {
		t.Errorf("Load(missing) = %q", err)
	}

	big := filepath.Join(t.TempDir(), "pmprep.yaml")
	if err := os.WriteFile(big, make([]byte, maxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than 4 MiB") {
		t.Errorf("Load(big) = %v", err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if p, ok := Find(dir); ok {
		t.Fatalf("Find(empty dir) = %q", p)
	}
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A directory called pmprep.json is not a config file.
	if err := os.Mkdir(filepath.Join(dir, "pmprep.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := Find(dir); ok {
		t.Fatalf("Find(dir with a directory) = %q", p)
	}
	write("pmprep.yml")
	if p, ok := Find(dir); !ok || p != filepath.Join(dir, "pmprep.yml") {
		t.Errorf("Find = %q, %v; want pmprep.yml", p, ok)
	}
	write("pmprep.yaml")
	if p, ok := Find(dir); !ok || p != filepath.Join(dir, "pmprep.yaml") {
		t.Errorf("Find = %q, %v; want pmprep.yaml first", p, ok)
	}
}

func TestCollectionPath(t *testing.T) {
	tests := []struct{ file, coll, want string }{
		{"pmprep.yaml", "api.json", "api.json"},
		{filepath.Join("repo", "pmprep.yaml"), "api.json", filepath.Join("repo", "api.json")},
		{filepath.Join("repo", "pmprep.yaml"), "/abs/api.json", "/abs/api.json"},
		{"-", "api.json", "api.json"},
	}
	for _, tt := range tests {
		c := &Config{File: tt.file, Collection: str(tt.coll, 1, 1)}
		if got := c.CollectionPath(); got != tt.want {
			t.Errorf("CollectionPath(%q, %q) = %q, want %q", tt.file, tt.coll, got, tt.want)
		}
	}
	if got := (&Config{File: "x"}).CollectionPath(); got != "" {
		t.Errorf("CollectionPath(unset) = %q", got)
	}
}

func TestErrorf(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	v := c.Environment("staging").Vars[3]
	got := c.Errorf(v.Line, v.Col, "%s is not set (export it, or run without --secrets-from-env)", v.From).Error()
	want := filepath.Join("testdata", "spec.yaml") + ":21:5: STAGING_CLIENT_SECRET is not set (export it, or run without --secrets-from-env)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if c.Environment("nope") != nil {
		t.Error(`Environment("nope") != nil`)
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestUTF16(t *testing.T) {
	for _, be := range []bool{false, true} {
		c, err := Parse("pmprep.yaml", utf16Bytes("collection: äpi😀.json\nauth: {grant: password}\n", be))
		if err != nil {
			t.Fatalf("big endian %v: %v", be, err)
		}
		want := &Config{File: "pmprep.yaml", Collection: str("äpi😀.json", 1, 13), Auth: Auth{Grant: str("password", 2, 15)}}
		if diff := cmp.Diff(want, c); diff != "" {
			t.Errorf("big endian %v: (-want +got):\n%s", be, diff)
		}
		_, err = Parse("pmprep.yaml", utf16Bytes("auth:\n  grant: x\n", be))
		if got, want := fmt.Sprint(err), `pmprep.yaml:2:10: bad value "x" for auth.grant (use one of: client_credentials, refresh_token, password)`; got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
	truncated := utf16Bytes("auth:\n  grant: x\n", false)
	_, err := Parse("pmprep.yaml", truncated[:len(truncated)-1])
	if got, want := fmt.Sprint(err), `pmprep.yaml:2:11: truncated UTF-16 (save the file as UTF-8)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	lone := append(utf16Bytes("a: ", false), 0x00, 0xD8)
	_, err = Parse("pmprep.yaml", lone)
	if got, want := fmt.Sprint(err), `pmprep.yaml:1:4: invalid UTF-16 (save the file as UTF-8)`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// The config reference (docs/config.md) must stay a valid config.
func TestREADMEExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "config.md"))
	if err != nil {
		t.Skip("no docs/config.md:", err)
	}
	_, block, ok := strings.Cut(string(doc), "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml block in docs/config.md")
	}
	c, err := Parse("docs/config.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Environments) == 0 || !c.Auth.Grant.Set {
		t.Errorf("docs/config.md example parsed to almost nothing: %+v", c)
	}
}
