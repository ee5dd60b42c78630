package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pmprep/pmprep/script"
)

// base is what the caller would pass: pmprep's defaults.
func base() script.Settings {
	v := DefaultVarNames()
	return script.Settings{
		Grant:           script.GrantClientCredentials,
		ClientAuth:      script.ClientAuthBasic,
		TokenURL:        "{{" + v.TokenURL + "}}",
		Scope:           "{{" + v.Scope + "}}",
		Skew:            30 * time.Second,
		DefaultLifetime: 5 * time.Minute,
		Vars:            v,
	}
}

func TestScriptSettings(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(s *script.Settings)
	}{
		{"empty file changes nothing", "", func(s *script.Settings) {}},
		{
			"every auth field",
			`auth:
  grant: password
  token_url: https://auth/{{tenant}}/token
  client_auth: body
  scope: ""
  audience: https://api
  params: {resource: r, b: "{{x}}"}
  skew: 1500ms
  default_lifetime: 1h
  retry_401: true
  type: oauth2
`,
			func(s *script.Settings) {
				s.Grant = script.GrantPassword
				s.TokenURL = "https://auth/{{tenant}}/token"
				s.ClientAuth = script.ClientAuthBody
				s.Scope = ""
				s.Audience = "https://api"
				s.Params = []script.Param{{Key: "resource", Value: "r"}, {Key: "b", Value: "{{x}}"}}
				s.Skew = 1500 * time.Millisecond
				s.DefaultLifetime = time.Hour
			},
		},
		{
			"zero values set explicitly override the base",
			"auth:\n  skew: 0\n  retry_401: false\n  params: {}\n",
			func(s *script.Settings) { s.Skew = 0 },
		},
		{
			"renames follow into default templates",
			"variables:\n  token_url: auth_url\n  scope: oauth_scope\n  client_id: app_id\n  access_token: tok\n",
			func(s *script.Settings) {
				s.Vars.TokenURL, s.Vars.Scope, s.Vars.ClientID, s.Vars.AccessToken = "auth_url", "oauth_scope", "app_id", "tok"
				s.TokenURL, s.Scope = "{{auth_url}}", "{{oauth_scope}}"
			},
		},
		{
			"an explicit template wins over a rename",
			"auth:\n  token_url: https://x/token\nvariables:\n  token_url: auth_url\n",
			func(s *script.Settings) {
				s.Vars.TokenURL = "auth_url"
				s.TokenURL = "https://x/token"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pmprep.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			want := base()
			tt.want(&want)
			if diff := cmp.Diff(want, c.ScriptSettings(base())); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	var nilConfig *Config
	if diff := cmp.Diff(base(), nilConfig.ScriptSettings(base())); diff != "" {
		t.Errorf("nil Config changed the settings:\n%s", diff)
	}
}

// The params slice of the result must not alias the Config's.
func TestScriptSettingsCopiesParams(t *testing.T) {
	c, err := Parse("pmprep.yaml", []byte("auth: {params: {a: b}}"))
	if err != nil {
		t.Fatal(err)
	}
	s := c.ScriptSettings(base())
	s.Params[0].Value = "changed"
	if c.Auth.Params.Value[0].Value != "b" {
		t.Error("ScriptSettings shares the params slice")
	}
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name string
		in   string
		env  string
		want []Input
	}{
		{
			"SPEC example: staging sets all; scope is literal",
			specYAML, "staging",
			nil,
		},
		{
			"nothing set, client_credentials",
			"environments: {dev: {}}", "dev",
			[]Input{{Name: "token_url"}, {Name: "client_id"}, {Name: "client_secret", Secret: true}, {Name: "scope"}},
		},
		{
			"password grant, renamed",
			"auth: {grant: password}\nvariables: {username: user, password: pw, client_secret: cs}\nenvironments: {dev: {user: me}}", "dev",
			[]Input{{Name: "token_url"}, {Name: "client_id"}, {Name: "cs", Secret: true}, {Name: "scope"}, {Name: "pw", Secret: true}},
		},
		{
			"refresh_token grant",
			"auth: {grant: refresh_token}\nenvironments: {dev: {token_url: t, client_id: c, client_secret: {secret: true}, scope: s}}", "dev",
			[]Input{{Name: "refresh_token", Secret: true}},
		},
		{
			"templates: literal URL, references in audience and params",
			"auth:\n  token_url: https://{{tenant}}.auth/token\n  scope: fixed\n  audience: \"{{aud}}\"\n  params: {resource: \"{{resource}}\", assertion: \"{{client_assertion_token}}\", id: \"{{$guid}}\"}\nenvironments: {dev: {}}", "dev",
			[]Input{{Name: "tenant"}, {Name: "client_id"}, {Name: "client_secret", Secret: true}, {Name: "aud"}, {Name: "resource"}, {Name: "client_assertion_token", Secret: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("pmprep.yaml", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			env := c.Environment(tt.env)
			got := env.Missing(c.ScriptSettings(base()))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Missing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultVarNames(t *testing.T) {
	// The names documented on script.VarNames.
	want := script.VarNames{
		TokenURL: "token_url", ClientID: "client_id", ClientSecret: "client_secret", Scope: "scope",
		Audience: "audience", Username: "username", Password: "password", RefreshToken: "refresh_token",
		AccessToken: "pmprep_access_token", ClientPrivateKey: "client_private_key", ClientKeyID: "client_key_id",
		ClientAssertion: "client_assertion", Issuer: "issuer",
	}
	if diff := cmp.Diff(want, DefaultVarNames()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRetry401(t *testing.T) {
	tests := []struct {
		in           string
		value, isSet bool
	}{
		{"", false, false},
		{"auth: {retry_401: true}", true, true},
		{"auth: {retry_401: false}", false, true},
	}
	for _, tt := range tests {
		c, err := Parse("pmprep.yaml", []byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if v, set := c.Retry401(); v != tt.value || set != tt.isSet {
			t.Errorf("%q: Retry401() = %v, %v; want %v, %v", tt.in, v, set, tt.value, tt.isSet)
		}
	}
	var nilConfig *Config
	if v, set := nilConfig.Retry401(); v || set {
		t.Errorf("nil Config: Retry401() = %v, %v", v, set)
	}
}
