package script

import (
	"strings"
	"testing"

	"github.com/pmprep/pmprep/templates"
)

// clientAuthSettings is Defaults with client authentication method m.
func clientAuthSettings(m string) Settings {
	s := Defaults()
	s.ClientAuth = m
	return s
}

// Each method renders a script that compiles, carries its settings back
// through ParseBlock, and carries the signing code only when it signs.
func TestClientAuthMethodsRender(t *testing.T) {
	c := jsChecker(t)
	base, err := Render(one(Defaults()))
	if err != nil {
		t.Fatal(err)
	}
	baseLen := len(strings.Join(base.PreRequest, "\n"))
	signMarker := "function pmprepJwtSign("
	for _, m := range ClientAuthMethods {
		s := clientAuthSettings(m)
		if m == ClientAuthPrivateKeyJWT {
			s.AssertionAlg = "PS256"
		}
		if SignsAssertion(m) {
			s.AssertionAudience = "{{aud}}"
		}
		if m == ClientAuthNone {
			s.TokenURL, s.Issuer = "", "{{issuer}}" // discovery compiles too
		}
		r, err := Render(one(s))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		got, ok := ParseBlock(r.PreRequest)
		if !ok || !sameSettings(got, one(s)) {
			t.Errorf("%s: ParseBlock does not give the settings back", m)
		}
		text := strings.Join(r.PreRequest, "\n")
		if strings.Contains(text, signMarker) != SignsAssertion(m) {
			t.Errorf("%s: signing code present = %v, want %v", m, !SignsAssertion(m), SignsAssertion(m))
		}
		if a := c.check(t, r); a.Error != "" {
			t.Errorf("%s: the script does not compile: %s", m, a.Error)
		}
		t.Logf("%-17s %6d bytes (basic: %d)", m, len(text), baseLen)
	}
}

// Settings a method does not use are not embedded, so they do not change
// the script or its hash either.
func TestUnusedClientAuthSettingsNotEmbedded(t *testing.T) {
	plain, err := Render(one(Defaults()))
	if err != nil {
		t.Fatal(err)
	}
	s := Defaults()
	s.AssertionAlg, s.AssertionAudience = "ES256", "https://aud.example"
	s.Vars.ClientPrivateKey, s.Vars.ClientAssertion = "my_key", "my_assertion"
	r, err := Render(one(s))
	if err != nil {
		t.Fatal(err)
	}
	if r.Hash != plain.Hash || strings.Join(r.PreRequest, "\n") != strings.Join(plain.PreRequest, "\n") {
		t.Errorf("basic settings with unused assertion settings render differently (hash %s, want %s)", r.Hash, plain.Hash)
	}
	for _, unused := range []string{"ES256", "aud.example", "my_key", "my_assertion", "issuer", "discover"} {
		if strings.Contains(strings.Join(r.PreRequest, "\n"), unused) {
			t.Errorf("the basic script mentions %q", unused)
		}
	}
	// private_key_jwt does embed them.
	s.ClientAuth = ClientAuthPrivateKeyJWT
	r, err = Render(one(s))
	if err != nil {
		t.Fatal(err)
	}
	line := ""
	for _, l := range r.PreRequest {
		if strings.HasPrefix(strings.TrimSpace(l), settingsPrefix) {
			line = l
		}
	}
	for _, used := range []string{`"assertion_alg":"ES256"`, `"client_private_key":"my_key"`, `"assertion_audience":"https://aud.example"`} {
		if !strings.Contains(line, used) {
			t.Errorf("the private_key_jwt settings line lacks %s: %s", used, line)
		}
	}
}

func TestClientAuthValidate(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*Settings)
		want string
	}{
		"unknown method":    {func(s *Settings) { s.ClientAuth = "jwt" }, `client_auth "jwt" is not one of basic, body, client_secret_jwt, private_key_jwt, assertion, tls, none`},
		"unknown alg":       {func(s *Settings) { s.AssertionAlg = "HS512" }, `assertion_alg "HS512" is not one of RS256, RS384, RS512, PS256, ES256`},
		"no url, no issuer": {func(s *Settings) { s.TokenURL = "" }, "token_url is empty"},
		"issuer not a URL":  {func(s *Settings) { s.Issuer = "login.example.com" }, `issuer "login.example.com" is not an http(s) URL or a {{variable}}`},
		"reserved assertion param": {func(s *Settings) {
			s.ClientAuth = ClientAuthAssertion
			s.Params = []Param{{"client_assertion", "x"}}
		}, `parameter "client_assertion" is set by pmprep`},
		"empty key variable": {func(s *Settings) {
			s.ClientAuth = ClientAuthPrivateKeyJWT
			s.Vars.ClientPrivateKey = ""
		}, "variables.client_private_key: empty variable name"},
		"key variable clash": {func(s *Settings) {
			s.ClientAuth = ClientAuthPrivateKeyJWT
			s.Vars.ClientPrivateKey = "client_secret"
		}, `variables.client_private_key: "client_secret" is already the name of variables.client_secret`},
	} {
		s := Defaults()
		c.edit(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate = %v, want %q", name, err, c.want)
		}
	}
	s := Defaults()
	s.TokenURL, s.Issuer = "", "{{issuer}}"
	if err := s.Validate(); err != nil {
		t.Errorf("discovery without a token URL: %v", err)
	}
}

// The signing code is pasted as is: the embedded copy is the tested file.
func TestSignCodeIsJWTSign(t *testing.T) {
	r, err := Render(one(clientAuthSettings(ClientAuthClientSecretJWT)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(r.PreRequest, "\n"), strings.TrimSuffix(templates.JWTSign, "\n")) {
		t.Error("the client_secret_jwt script does not carry templates/jwtsign.js verbatim")
	}
}

// Discovery with two tokens and the 401 retry: the shared-issuer queue and
// the retry record compile together.
func TestDiscoveryWithRetryCompiles(t *testing.T) {
	a, b := clientAuthSettings(ClientAuthClientSecretJWT), clientAuthSettings(ClientAuthAssertion)
	a.TokenURL, a.Issuer = "", "{{issuer}}"
	b.TokenURL, b.Issuer, b.Name, b.Vars.AccessToken = "", "{{issuer}}", "ci", "CIToken"
	r, err := Render(Script{Tokens: []Settings{a, b}, Inherit: []int{0}, Retry401: true})
	if err != nil {
		t.Fatal(err)
	}
	if a := jsChecker(t).check(t, r); a.Error != "" {
		t.Errorf("the script does not compile: %s", a.Error)
	}
}

func discoveryDoc(issuer, endpoint string) fakeResponse {
	return fakeResponse{Code: 200, JSON: map[string]any{"issuer": issuer, "token_endpoint": endpoint}}
}

// Two tokens of one issuer make one discovery GET, then each its token
// request to the discovered endpoint; the next request reuses both.
func TestDiscoverySharedIssuer(t *testing.T) {
	a, b := clientAuthSettings(ClientAuthBody), clientAuthSettings(ClientAuthBody)
	a.TokenURL, a.Issuer = "", "{{issuer}}"
	b.TokenURL, b.Issuer, b.Name, b.Vars.AccessToken = "", "{{issuer}}", "other", "OtherToken"
	env := ccEnv()
	env["issuer"] = "https://idp.example.com"
	res := playScript(t, Script{Tokens: []Settings{a, b}, Inherit: []int{0, 1}}, env, world{},
		fakeStep{T: 1000, Responses: []fakeResponse{discoveryDoc("https://idp.example.com", "https://idp.example.com/oauth/token"),
			tokenResponse("AT-A-0123456789", 3600), tokenResponse("AT-B-0123456789", 3600)}},
		fakeStep{T: 2000},
	)
	sent := res.Steps[0].Sent
	if len(sent) != 3 || sent[0].Method != "GET" || sent[0].URL != "https://idp.example.com/.well-known/openid-configuration" ||
		sent[1].URL != "https://idp.example.com/oauth/token" || sent[2].URL != "https://idp.example.com/oauth/token" {
		t.Fatalf("sent %+v; want one discovery GET, then two token requests to the discovered endpoint", sent)
	}
	if len(res.Steps[0].Failed) != 0 || len(res.Steps[1].Sent) != 0 || len(res.Steps[1].Failed) != 0 {
		t.Errorf("failures %v, %v; second request sent %d (want 0: all cached)", res.Steps[0].Failed, res.Steps[1].Failed, len(res.Steps[1].Sent))
	}
}

// RFC 8414: no OpenID Connect metadata, then the oauth-authorization-server
// document, with the issuer's path after the well-known part; a document
// for another issuer is refused, and the message names every URL tried.
func TestDiscoveryFallbackAndIssuerMismatch(t *testing.T) {
	s := clientAuthSettings(ClientAuthBody)
	s.TokenURL, s.Issuer = "", "https://idp.example.com/tenant-1"
	res := play(t, s, ccEnv(), fakeStep{T: 1000, Responses: []fakeResponse{{Code: 404},
		discoveryDoc("https://idp.example.com/tenant-1", "https://idp.example.com/tenant-1/token"), tokenResponse("AT-0123456789", 3600)}})
	sent := res.Steps[0].Sent
	if len(sent) != 3 || sent[1].URL != "https://idp.example.com/.well-known/oauth-authorization-server/tenant-1" || sent[2].URL != "https://idp.example.com/tenant-1/token" {
		t.Fatalf("sent %+v", sent)
	}
	res = play(t, s, ccEnv(), fakeStep{T: 1000, Responses: []fakeResponse{discoveryDoc("https://evil.example.com", "https://evil.example.com/token"), {Code: 500}}},
		fakeStep{T: 5000}, // within 10 s: remembered, nothing sent
		fakeStep{T: 12000, Responses: []fakeResponse{discoveryDoc("https://idp.example.com/tenant-1", "https://idp.example.com/tenant-1/token"), tokenResponse("AT-0123456789", 3600)}})
	if again := res.Steps[1]; len(again.Sent) != 0 || !again.Skipped || len(again.Failed) != 1 || !strings.Contains(again.Failed[0].Message, "not retried yet: next attempt in 6s") {
		t.Errorf("a discovery failure 4 s ago: %+v", again)
	}
	if later := res.Steps[2]; len(later.Sent) != 2 || len(later.Failed) != 0 {
		t.Errorf("a discovery failure 11 s ago is retried: %+v", later)
	}
	st := res.Steps[0]
	if len(st.Sent) != 2 || !st.Skipped || len(st.Failed) != 1 || st.Failed[0].Name != TestTokenRequest ||
		!strings.Contains(st.Failed[0].Message, `its issuer is "https://evil.example.com", not the configured "https://idp.example.com/tenant-1"`) ||
		!strings.Contains(st.Failed[0].Message, "oauth-authorization-server/tenant-1: HTTP 500") {
		t.Errorf("step %+v", st)
	}
}
