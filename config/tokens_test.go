package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pmprep/pmprep/script"
)

// tokensYAML is the tokens: example of docs/config.md.
const tokensYAML = `auth:
  client_auth: basic
  skew: 30s
tokens:
  user:
    variable: UserAccessToken
    grant: refresh_token
    token_url: "{{user_token_url}}"
    variables: {client_id: user_client_id, client_secret: user_client_secret, refresh_token: user_refresh_token}
  app:
    variable: AppAccessToken
    grant: client_credentials
    token_url: "{{app_token_url}}"
    variables: {client_id: app_client_id, client_secret: app_client_secret}
`

func TestParseTokens(t *testing.T) {
	c, err := Parse("pmprep.yaml", []byte(tokensYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := []Token{
		{
			Name: "user", Line: 5, Col: 3,
			Variable: str("UserAccessToken", 6, 15),
			Auth:     Auth{Grant: str("refresh_token", 7, 12), TokenURL: str("{{user_token_url}}", 8, 16)},
			Variables: Variables{
				ClientID:     str("user_client_id", 9, 28),
				ClientSecret: str("user_client_secret", 9, 59),
				RefreshToken: str("user_refresh_token", 9, 94),
			},
		},
		{
			Name: "app", Line: 10, Col: 3,
			Variable:  str("AppAccessToken", 11, 15),
			Auth:      Auth{Grant: str("client_credentials", 12, 12), TokenURL: str("{{app_token_url}}", 13, 16)},
			Variables: Variables{ClientID: str("app_client_id", 14, 28), ClientSecret: str("app_client_secret", 14, 58)},
		},
	}
	if diff := cmp.Diff(want, c.Tokens); diff != "" {
		t.Errorf("Tokens (-want +got):\n%s", diff)
	}

	// The same in JSON.
	const js = `{"auth": {"client_auth": "basic", "skew": "30s"},
"tokens": {
  "user": {"variable": "UserAccessToken", "grant": "refresh_token", "token_url": "{{user_token_url}}",
    "variables": {"client_id": "user_client_id", "client_secret": "user_client_secret", "refresh_token": "user_refresh_token"}},
  "app": {"variable": "AppAccessToken", "grant": "client_credentials", "token_url": "{{app_token_url}}",
    "variables": {"client_id": "app_client_id", "client_secret": "app_client_secret"}}}}`
	j, err := Parse("pmprep.json", []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.TokenSettings(base()), j.TokenSettings(base())); diff != "" {
		t.Errorf("JSON TokenSettings differ from YAML (-yaml +json):\n%s", diff)
	}
}

func TestTokenSettings(t *testing.T) {
	// tok returns base() changed by f, for the token name reading var.
	tok := func(name, variable string, f func(s *script.Settings)) script.Settings {
		s := base()
		s.Name = name
		s.Vars.AccessToken = variable
		f(&s)
		return s
	}
	tests := []struct {
		name string
		in   string
		want []script.Settings
	}{
		{"no tokens", "auth: {grant: password}\n", nil},
		{
			"README example",
			tokensYAML,
			[]script.Settings{
				tok("user", "UserAccessToken", func(s *script.Settings) {
					s.Grant = script.GrantRefreshToken
					s.TokenURL = "{{user_token_url}}"
					s.Vars.ClientID, s.Vars.ClientSecret, s.Vars.RefreshToken = "user_client_id", "user_client_secret", "user_refresh_token"
				}),
				tok("app", "AppAccessToken", func(s *script.Settings) {
					s.TokenURL = "{{app_token_url}}"
					s.Vars.ClientID, s.Vars.ClientSecret = "app_client_id", "app_client_secret"
				}),
			},
		},
		{
			"own value, else auth:, else default",
			`auth:
  grant: password
  client_auth: body
  scope: api
  audience: https://api
  params: {resource: r}
  skew: 10s
  default_lifetime: 1h
  retry_401: true
  persist_refresh_token: true
variables:
  token_url: auth_url
  username: user
tokens:
  inherits:
    variable: A
  overrides:
    variable: B
    grant: client_credentials
    client_auth: basic
    scope: ""
    audience: ""
    params: {}
    skew: 0s
    default_lifetime: 2m
    persist_refresh_token: false
    type: oauth2
    variables: {username: b_user, password: b_pw, scope: b_scope}
`,
			[]script.Settings{
				tok("inherits", "A", func(s *script.Settings) {
					s.Grant, s.ClientAuth, s.Scope, s.Audience = script.GrantPassword, script.ClientAuthBody, "api", "https://api"
					s.Params = []script.Param{{Key: "resource", Value: "r"}}
					s.Skew, s.DefaultLifetime, s.PersistRefreshToken = 10*time.Second, time.Hour, true
					s.TokenURL, s.Vars.TokenURL, s.Vars.Username = "{{auth_url}}", "auth_url", "user"
				}),
				tok("overrides", "B", func(s *script.Settings) {
					s.Grant, s.ClientAuth, s.Scope, s.Audience = script.GrantClientCredentials, script.ClientAuthBasic, "", ""
					s.Params = nil
					s.Skew, s.DefaultLifetime, s.PersistRefreshToken = 0, 2*time.Minute, false
					s.TokenURL, s.Vars.TokenURL = "{{auth_url}}", "auth_url"
					s.Vars.Username, s.Vars.Password, s.Vars.Scope = "b_user", "b_pw", "b_scope"
				}),
			},
		},
		{
			"renames follow into inherited templates, not into set ones",
			`auth: {token_url: "https://auth/token"}
variables: {scope: top_scope}
tokens:
  a: {variable: A, variables: {token_url: a_url, scope: a_scope}}
  b: {variable: B, token_url: "{{b_url}}", variables: {token_url: b_url}}
  c: {variable: C, variables: {token_url: c_url}, scope: "{{top_scope}} extra"}
`,
			[]script.Settings{
				tok("a", "A", func(s *script.Settings) {
					// auth.token_url is set: a literal URL stays.
					s.TokenURL, s.Vars.TokenURL = "https://auth/token", "a_url"
					s.Scope, s.Vars.Scope = "{{a_scope}}", "a_scope"
				}),
				tok("b", "B", func(s *script.Settings) {
					s.TokenURL, s.Vars.TokenURL = "{{b_url}}", "b_url"
					s.Scope, s.Vars.Scope = "{{top_scope}}", "top_scope"
				}),
				tok("c", "C", func(s *script.Settings) {
					s.TokenURL, s.Vars.TokenURL = "https://auth/token", "c_url"
					s.Scope, s.Vars.Scope = "{{top_scope}} extra", "top_scope"
				}),
			},
		},
		{
			"anchors share settings between tokens",
			`tokens:
  a: &common
    variable: A
    grant: password
    variables: {username: shared_user}
  b:
    <<: *common
    variable: B
`,
			[]script.Settings{
				tok("a", "A", func(s *script.Settings) { s.Grant, s.Vars.Username = script.GrantPassword, "shared_user" }),
				tok("b", "B", func(s *script.Settings) { s.Grant, s.Vars.Username = script.GrantPassword, "shared_user" }),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pmprep.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.TokenSettings(base())); diff != "" {
				t.Errorf("TokenSettings (-want +got):\n%s", diff)
			}
			for _, tk := range c.Tokens {
				if tk.Auth.Retry401.Set || tk.Variables.AccessToken.Set {
					t.Errorf("token %s: Retry401 or AccessToken set: %+v", tk.Name, tk)
				}
			}
		})
	}
	var nilConfig *Config
	if got := nilConfig.TokenSettings(base()); got != nil {
		t.Errorf("nil Config: TokenSettings = %v", got)
	}
}

// The caller's base, not the built-in defaults, is what tokens inherit.
func TestTokenSettingsBase(t *testing.T) {
	c, err := Parse("pmprep.yaml", []byte("tokens:\n  a: {variable: A, variables: {token_url: a_url}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := base()
	b.Grant, b.TokenURL, b.Vars.TokenURL, b.Vars.ClientID = script.GrantPassword, "{{prev_url}}", "prev_url", "prev_id"
	b.Params = []script.Param{{Key: "k", Value: "v"}}
	want := b
	want.Name, want.Vars.AccessToken = "a", "A"
	want.TokenURL, want.Vars.TokenURL = "{{a_url}}", "a_url"
	got := c.TokenSettings(b)
	if diff := cmp.Diff([]script.Settings{want}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got[0].Params[0].Value = "changed"
	if b.Params[0].Value != "v" {
		t.Error("TokenSettings shares the base's params slice")
	}
}

func TestAllInputs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Input
	}{
		{
			"no tokens: Inputs of ScriptSettings",
			"auth: {grant: refresh_token}\n",
			[]Input{{Name: "token_url"}, {Name: "client_id"}, {Name: "client_secret", Secret: true}, {Name: "scope"}, {Name: "refresh_token", Secret: true}},
		},
		{
			"README example: every token's inputs, in order",
			tokensYAML,
			[]Input{
				{Name: "user_token_url"}, {Name: "user_client_id"}, {Name: "user_client_secret", Secret: true}, {Name: "scope"}, {Name: "user_refresh_token", Secret: true},
				{Name: "app_token_url"}, {Name: "app_client_id"}, {Name: "app_client_secret", Secret: true},
			},
		},
		{
			"shared inputs once; secret when any token reads it as a secret",
			`auth: {scope: "{{api_secret}}"}
tokens:
  a: {variable: A, scope: "{{shared}}"}
  b: {variable: B, grant: password, variables: {password: shared}}
`,
			[]Input{
				{Name: "token_url"}, {Name: "client_id"}, {Name: "client_secret", Secret: true}, {Name: "shared", Secret: true},
				{Name: "api_secret", Secret: true}, {Name: "username"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pmprep.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.AllInputs(base())); diff != "" {
				t.Errorf("AllInputs (-want +got):\n%s", diff)
			}
		})
	}
	var nilConfig *Config
	if diff := cmp.Diff(Inputs(base()), nilConfig.AllInputs(base())); diff != "" {
		t.Errorf("nil Config (-want +got):\n%s", diff)
	}
}

func TestMissingInputs(t *testing.T) {
	c, err := Parse("pmprep.yaml", []byte(tokensYAML+`environments:
  dev:
    user_token_url: https://auth/user
    app_token_url: https://auth/app
    user_client_id: u
    app_client_id: a
    user_client_secret: {secret: true, from: DEV_USER_SECRET}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Environment("dev").MissingInputs(c.AllInputs(base()))
	want := []Input{{Name: "scope"}, {Name: "user_refresh_token", Secret: true}, {Name: "app_client_secret", Secret: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTokenErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"tokens not a mapping", "tokens: [user, app]\n",
			`pmprep.yaml:1:9: expected a mapping of token names to settings for tokens, found a list (write tokens: {user: {variable: UserAccessToken, grant: refresh_token}})`},
		{"tokens a string", "tokens: user\n",
			`pmprep.yaml:1:9: expected a mapping of token names to settings for tokens, found a string (write tokens: {user: {variable: UserAccessToken, grant: refresh_token}})`},
		{"tokens empty", "tokens:\n",
			`pmprep.yaml:1:1: tokens: is empty (add a token, e.g. tokens: {user: {variable: UserAccessToken}}, or remove tokens:)`},
		{"tokens empty mapping", "tokens: {}\n",
			`pmprep.yaml:1:1: tokens: is empty (add a token, e.g. tokens: {user: {variable: UserAccessToken}}, or remove tokens:)`},
		{"token name with a space", "tokens:\n  \"my token\": {variable: A}\n",
			`pmprep.yaml:2:3: token name "my token" is not a simple name (use letters, digits, '_' and '-', e.g. user)`},
		{"token name with a dot", "tokens:\n  user.v2: {variable: A}\n",
			`pmprep.yaml:2:3: token name "user.v2" is not a simple name (use letters, digits, '_' and '-', e.g. user)`},
		{"token name empty", "tokens:\n  \"\": {variable: A}\n",
			`pmprep.yaml:2:3: token name "" is not a simple name (use letters, digits, '_' and '-', e.g. user)`},
		{"token not a mapping", "tokens:\n  user: UserAccessToken\n",
			`pmprep.yaml:2:9: expected a mapping of settings for tokens.user, found a string (write user: {variable: UserAccessToken, grant: ...})`},
		{"token without variable", "tokens:\n  user:\n    grant: password\n",
			`pmprep.yaml:2:3: tokens.user has no variable (write variable: NAME, the variable its requests send as {{NAME}}, e.g. variable: UserAccessToken)`},
		{"token null", "tokens:\n  app-v2:\n",
			`pmprep.yaml:2:3: tokens.app-v2 has no variable (write variable: NAME, the variable its requests send as {{NAME}}, e.g. variable: AppV2AccessToken)`},
		{"variable empty", "tokens:\n  user: {variable: \"\"}\n",
			`pmprep.yaml:2:20: tokens.user.variable must not be empty (write a Postman variable name, e.g. UserAccessToken)`},
		{"variable null", "tokens:\n  user: {variable: }\n",
			`pmprep.yaml:2:20: tokens.user.variable must not be empty (write a Postman variable name, e.g. UserAccessToken)`},
		{"variable a reference", "tokens:\n  user: {variable: \"{{UserAccessToken}}\"}\n",
			`pmprep.yaml:2:20: tokens.user.variable is a variable name, not a reference (write the name without {{ }})`},
		{"variable with spaces", "tokens:\n  user: {variable: \" A\"}\n",
			`pmprep.yaml:2:20: tokens.user.variable has leading or trailing spaces (remove them)`},
		{"variable a list", "tokens:\n  user: {variable: [A]}\n",
			`pmprep.yaml:2:20: expected a string for tokens.user.variable, found a list`},
		{"two tokens, one variable", "tokens:\n  user: {variable: Tok}\n  app:\n    variable: Tok\n",
			`pmprep.yaml:4:15: tokens.app.variable: "Tok" is already the variable of tokens.user (line 2; choose another name)`},
		{"variable is another token's input", "tokens:\n  user: {variable: app_client_id}\n  app: {variable: B, variables: {client_id: app_client_id}}\n",
			`pmprep.yaml:2:20: tokens.user.variable: "app_client_id" is already the name of tokens.app's client_id (choose another name)`},
		{"variable is another token's inherited input", "tokens:\n  user: {variable: U, variables: {client_id: u_id}}\n  app: {variable: client_id}\n",
			`pmprep.yaml:3:19: tokens.app.variable: "client_id" is already the name of client_id (choose another name, or rename tokens.app.variables.client_id too)`},
		{"variable is referenced by another token", "tokens:\n  user: {variable: U, token_url: \"https://{{tenant}}/token\"}\n  app: {variable: tenant, token_url: https://x}\n",
			`pmprep.yaml:3:19: tokens.app.variable: "tenant" is already read by tokens.user, from a {{tenant}} in its settings (choose another name)`},
		{"variable is its own input", "tokens:\n  user: {variable: client_secret}\n",
			`pmprep.yaml:2:20: tokens.user.variable: "client_secret" is already the name of client_secret (choose another name, or rename tokens.user.variables.client_secret too)`},
		{"variable is its own renamed input", "tokens:\n  user:\n    variables: {refresh_token: rt}\n    variable: rt\n",
			`pmprep.yaml:4:15: tokens.user.variable: "rt" is already the name of refresh_token (choose another name)`},
		{"token variables clash", "tokens:\n  user:\n    variable: U\n    variables: {username: u, password: u}\n",
			`pmprep.yaml:4:40: tokens.user.variables.password: "u" is already the name of username (choose another name)`},
		{"token variable clashes with an inherited name", "variables: {client_id: cid}\ntokens:\n  user:\n    variable: U\n    variables: {client_secret: cid}\n",
			`pmprep.yaml:5:32: tokens.user.variables.client_secret: "cid" is already the name of client_id (choose another name, or rename tokens.user.variables.client_id too)`},
		{"variable reserved: cache", "tokens:\n  user: {variable: pmprep_cache}\n",
			`pmprep.yaml:2:20: tokens.user.variable: "pmprep_cache" is reserved for pmprep's token cache (choose another name)`},
		{"variable reserved: retry", "tokens:\n  user: {variable: pmprep_retry}\n",
			`pmprep.yaml:2:20: tokens.user.variable: "pmprep_retry" is reserved for pmprep's 401 retry guard (choose another name)`},
		{"token variables reserved", "tokens:\n  user: {variable: U, variables: {scope: pmprep_cache}}\n",
			`pmprep.yaml:2:42: tokens.user.variables.scope: "pmprep_cache" is reserved for pmprep's token cache (choose another name)`},
		{"top-level variables reserved", "variables: {scope: pmprep_retry}\n",
			`pmprep.yaml:1:20: variables.scope: "pmprep_retry" is reserved for pmprep's 401 retry guard (choose another name)`},
		{"top-level access_token with tokens", "variables:\n  access_token: tok\ntokens:\n  user: {variable: U}\n",
			`pmprep.yaml:2:17: variables.access_token does not apply with tokens: (each token names the variable its requests send: write tokens.<name>.variable instead)`},
		{"retry_401 in a token", "auth: {retry_401: true}\ntokens:\n  user:\n    variable: U\n    retry_401: true\n",
			`pmprep.yaml:5:5: tokens.user.retry_401: retry_401 applies to the whole collection (set it under auth:, not in a token)`},
		{"unknown key in a token", "tokens:\n  user:\n    variable: U\n    granttype: password\n",
			`pmprep.yaml:4:5: unknown key "granttype" in tokens.user (did you mean "grant"? known keys: variable, variables, grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"unknown key in a token, no suggestion", "tokens:\n  user:\n    variable: U\n    colour: red\n",
			`pmprep.yaml:4:5: unknown key "colour" in tokens.user (known keys: variable, variables, grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"variables key in a token", "tokens:\n  user:\n    variable: U\n    client_id: app\n",
			`pmprep.yaml:4:5: unknown key "client_id" in tokens.user (client_id is a variable the script reads: name it under tokens.user.variables (e.g. client_id: user_client_id) and set it in each environment)`},
		{"access_token in a token", "tokens:\n  user:\n    access_token: U\n",
			`pmprep.yaml:3:5: unknown key "access_token" in tokens.user (the variable the token is published in is tokens.user.variable: write variable: UserAccessToken)`},
		{"variable misspelt", "tokens:\n  user:\n    grant: password\n    varible: U\n",
			`pmprep.yaml:4:5: unknown key "varible" in tokens.user (did you mean "variable"? known keys: variable, variables, grant, token_url, client_auth, scope, audience, params, skew, default_lifetime, persist_refresh_token, type, issuer, assertion_alg, assertion_audience)`},
		{"access_token in a token's variables", "tokens:\n  user:\n    variable: U\n    variables: {access_token: U}\n",
			`pmprep.yaml:4:17: unknown key "access_token" in tokens.user.variables (the variable the token is published in is tokens.user.variable: write variable: UserAccessToken beside variables:)`},
		{"unknown key in a token's variables", "tokens:\n  user:\n    variable: U\n    variables: {clientid: x}\n",
			`pmprep.yaml:4:17: unknown key "clientid" in tokens.user.variables (did you mean "client_id"? known keys: token_url, client_id, client_secret, scope, audience, username, password, refresh_token, client_private_key, client_key_id, client_assertion, issuer)`},
		{"bad grant in a token", "tokens:\n  user: {variable: U, grant: implicit}\n",
			`pmprep.yaml:2:30: bad value "implicit" for tokens.user.grant (use one of: client_credentials, refresh_token, password)`},
		{"empty token_url in a token", "tokens:\n  user: {variable: U, token_url: \"\"}\n",
			`pmprep.yaml:2:34: tokens.user.token_url must not be empty (write a URL or {{token_url}}, or leave the key out)`},
		{"bad skew in a token", "tokens:\n  user: {variable: U, skew: 30}\n",
			`pmprep.yaml:2:29: bad duration "30" for tokens.user.skew (did you mean "30s"? write a Go duration such as 30s, 1500ms or 0)`},
		{"params in a token not a mapping", "tokens:\n  user: {variable: U, params: [a]}\n",
			`pmprep.yaml:2:31: expected a mapping for tokens.user.params, found a list (write params: {resource: "https://api.example.com"})`},
		{"empty param name in a token", "tokens:\n  user: {variable: U, params: {\"\": x}}\n",
			`pmprep.yaml:2:32: empty parameter name in tokens.user.params (name the form parameter)`},
		{"duplicate token", "tokens:\n  user: {variable: A}\n  user: {variable: B}\n",
			`pmprep.yaml:3:3: duplicate key "user" in tokens (first at line 2; keep one)`},
		{"secret param in a token", "tokens:\n  user:\n    variable: U\n    params: {client_assertion_token: abc}\n",
			`pmprep.yaml:4:38: tokens.user.params.client_assertion_token looks secret; do not put its value in pmprep.yaml (it is meant for git). Write: client_assertion_token: "{{client_assertion_token}}" and set client_assertion_token in each environment as {secret: true, from: ENV_VAR} (or, if it is not a secret, list "client_assertion_token" in strip.allow)`},
		{"plain value of a token's renamed secret", "tokens:\n  user: {variable: U, variables: {client_secret: u_cs}}\nenvironments:\n  dev:\n    u_cs: abc\n",
			`pmprep.yaml:5:11: environments.dev.u_cs holds the client secret (tokens.user.variables.client_secret); do not put its value in pmprep.yaml (it is meant for git). Write: u_cs: {secret: true, from: DEV_U_CS} (or, if it is not a secret, list "u_cs" in strip.allow)`},
		{"plain value of a token's variable", "tokens:\n  user: {variable: Bearer}\nenvironments:\n  dev:\n    Bearer: abc\n",
			`pmprep.yaml:5:13: environments.dev.Bearer holds the access token (tokens.user.variable); do not put its value in pmprep.yaml (it is meant for git). Write: Bearer: {secret: true, from: DEV_BEARER} (or, if it is not a secret, list "Bearer" in strip.allow)`},
		{"first error wins", "tokens:\n  user: {variable: U, skew: x}\n  app: {grant: y}\n",
			`pmprep.yaml:2:29: bad duration "x" for tokens.user.skew (write a Go duration such as 30s, 1500ms or 0)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pmprep.yaml", []byte(tt.in))
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

// The tokens: example of docs/config.md is the one these tests use.
func TestREADMETokensExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "config.md"))
	if err != nil {
		t.Skip("no docs/config.md:", err)
	}
	section := string(doc)
	for _, block := range strings.Split(section, "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if !strings.Contains(block, "tokens:") {
			continue
		}
		c, err := Parse("docs/config.md", []byte(block))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse("pmprep.yaml", []byte(tokensYAML))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.TokenSettings(base()), c.TokenSettings(base())); diff != "" {
			t.Errorf("docs/config.md's tokens: example differs from tokensYAML (-want +got):\n%s", diff)
		}
		return
	}
	t.Error("no yaml block with tokens: in docs/config.md")
}
