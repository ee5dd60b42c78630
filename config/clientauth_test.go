package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/script"
)

// The round-2 keys: auth.client_auth (every method; Postman's header is
// basic), auth.issuer, auth.assertion_alg, auth.assertion_audience, also in
// tokens: entries, and the renamable variables of the new methods, which
// environments type secret where they hold one.
func TestClientAuthKeys(t *testing.T) {
	c, err := Parse("pmprep.yaml", []byte(`
auth:
  client_auth: private_key_jwt
  issuer: "{{issuer}}"
  assertion_alg: PS256
  assertion_audience: https://idp.example/token
variables:
  client_private_key: SIGNING_KEY
tokens:
  ci:
    variable: CIToken
    client_auth: assertion
    variables: {client_assertion: GITHUB_OIDC_TOKEN}
  app:
    variable: AppToken
    client_auth: header
`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.ScriptSettings(script.Defaults())
	if s.ClientAuth != "private_key_jwt" || s.Issuer != "{{issuer}}" || s.TokenURL != "" || s.AssertionAlg != "PS256" ||
		s.AssertionAudience != "https://idp.example/token" || s.Vars.ClientPrivateKey != "SIGNING_KEY" {
		t.Errorf("auth settings: %+v", s)
	}
	if c.TokenURLSet() {
		t.Error("TokenURLSet without token_url")
	}
	toks := c.TokenSettings(script.Defaults())
	if toks[0].ClientAuth != "assertion" || toks[0].Vars.ClientAssertion != "GITHUB_OIDC_TOKEN" || toks[1].ClientAuth != "basic" {
		t.Errorf("tokens: %+v", toks)
	}
	got := c.AllInputs(script.Defaults())
	want := []Input{
		{Name: "issuer"}, {Name: "client_id"},
		{Name: "GITHUB_OIDC_TOKEN", Secret: true},
		{Name: "scope"},
		{Name: "client_secret", Secret: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllInputs (-want +got):\n%s", diff)
	}
	ins := Inputs(s)
	wantKey := []Input{{Name: "issuer"}, {Name: "client_id"}, {Name: "SIGNING_KEY", Secret: true, PrivateKey: true, KeyAlgs: []string{"PS256"}}, {Name: "client_key_id"}, {Name: "scope"}}
	if diff := cmp.Diff(wantKey, ins); diff != "" {
		t.Errorf("Inputs of private_key_jwt (-want +got):\n%s", diff)
	}
}

// docs/client-auth.md's pmprep.yaml example parses and means what the page
// says: private_key_jwt with PS256, discovery from {{issuer}}, the key a
// secret taken from the CI environment.
func TestClientAuthDocsConfig(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "client-auth.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(doc), "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if !strings.HasPrefix(block, "auth:") {
			continue
		}
		c, err := Parse("docs/client-auth.md", []byte(block))
		if err != nil {
			t.Fatal(err)
		}
		s := c.ScriptSettings(script.Defaults())
		if s.ClientAuth != script.ClientAuthPrivateKeyJWT || s.AssertionAlg != "PS256" || s.Issuer != "{{issuer}}" || s.TokenURL != "" {
			t.Errorf("settings %+v", s)
		}
		e := c.Environment("staging")
		if e == nil {
			t.Fatal("no staging environment")
		}
		var key *Var
		for i := range e.Vars {
			if e.Vars[i].Key == "client_private_key" {
				key = &e.Vars[i]
			}
		}
		if key == nil || !key.Secret || key.From != "STAGING_SIGNING_KEY" {
			t.Errorf("client_private_key is not a secret from STAGING_SIGNING_KEY: %+v", key)
		}
		// scope is optional (sent only when non-empty); the rest must be set.
		if m := e.Missing(s); len(m) != 1 || m[0].Name != "scope" {
			t.Errorf("the environment leaves inputs unset: %+v", m)
		}
		return
	}
	t.Error("no yaml block starting with auth: in docs/client-auth.md")
}
