package script

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// These tests run the rendered pre-request and test scripts in node against
// testdata/fakepm.js, a fake `pm` with the sandbox semantics measured in
// newman 6.2. They pin the script's logic (expiry, caching, rotation,
// failures) fast; the newman end-to-end suite proves the real sandbox.

type fakeResponse struct {
	Code   int    `json:"code,omitempty"`
	Status string `json:"status,omitempty"`
	JSON   any    `json:"json,omitempty"`
	Text   string `json:"text,omitempty"`
	Type   string `json:"type,omitempty"`
	Err    string `json:"err,omitempty"`
	// Headers are extra response headers (e.g. Retry-After).
	Headers map[string]string `json:"headers,omitempty"`
}

type fakeStep struct {
	T         int64             `json:"t"` // Date.now() in ms
	EnvName   *string           `json:"envName,omitempty"`
	NoEnv     bool              `json:"noEnv,omitempty"`
	Auth      string            `json:"auth,omitempty"` // the request's own auth type; "" inherits
	RequestID string            `json:"requestId,omitempty"`
	Name      string            `json:"name,omitempty"`     // pm.info.requestName
	Location  []string          `json:"location,omitempty"` // pm.execution.location
	Request   any               `json:"request,omitempty"`  // what pm.request.toJSON() answers
	Iteration int               `json:"iteration"`
	Code      int               `json:"code,omitempty"` // the main response, seen by the test script
	Responses []fakeResponse    `json:"responses"`      // for the token requests, in order
	SetEnv    map[string]string `json:"setEnv,omitempty"`
	UnsetEnv  map[string]bool   `json:"unsetEnv,omitempty"`
}

type fakeEnv struct {
	Name   *string           `json:"name,omitempty"`
	Values map[string]string `json:"values"`
}

type scenario struct {
	Pre        string            `json:"pre"`
	Test       string            `json:"test,omitempty"`
	Env        *fakeEnv          `json:"env,omitempty"`
	Collection map[string]string `json:"collection,omitempty"`
	Globals    map[string]string `json:"globals,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
	TokenVar   string            `json:"tokenVar"`
	Steps      []fakeStep        `json:"steps"`
}

type sentRequest struct {
	URL    string            `json:"url"`
	Method string            `json:"method"`
	Header map[string]string `json:"header"`
	Form   [][2]string       `json:"form"`
}

func (r sentRequest) form(key string) (string, bool) {
	for _, kv := range r.Form {
		if kv[0] == key {
			return kv[1], true
		}
	}
	return "", false
}

type failure struct{ Name, Message string }

type stepResult struct {
	Sent          []sentRequest     `json:"sent"`
	Failed        []failure         `json:"failed"`
	Skipped       bool              `json:"skipped"`
	Token         *string           `json:"token"` // the published local variable
	Local         map[string]string `json:"local"` // every local variable after the pre-request script
	Logs          []string          `json:"logs"`
	Next          *string           `json:"next"`
	Uncaught      []string          `json:"uncaught"`
	Headers       []fakeHeader      `json:"headers"` // pm.request.headers after the pre-request script
	ResponsesLeft int               `json:"responsesLeft"`
}

type fakeHeader struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Disabled bool   `json:"disabled,omitempty"`
}

type playResult struct {
	Steps      []stepResult      `json:"steps"`
	Collection map[string]string `json:"collection"`
	Env        map[string]string `json:"env"`
}

// cache decodes the token cache collection variable.
func (p playResult) cache(t *testing.T) map[string]map[string]any {
	t.Helper()
	var c map[string]map[string]any
	if err := json.Unmarshal([]byte(p.Collection[CacheVar]), &c); err != nil {
		t.Fatalf("cache variable %q: %v", p.Collection[CacheVar], err)
	}
	return c
}

// one is the Script of a single token domain that every request inherits.
func one(s Settings) Script { return Script{Tokens: []Settings{s}, Inherit: []int{0}} }

// world is the variables outside the environment a scenario starts with.
type world struct{ Collection, Globals, Data map[string]string }

// play renders the one-token Script of s and runs the steps. It fails the
// test on an uncaught exception, on a planned response that was not
// requested, and when a log line or failure message contains a secret or a
// whole token.
func play(t *testing.T, s Settings, env map[string]string, steps ...fakeStep) playResult {
	t.Helper()
	return playScript(t, one(s), env, world{}, steps...)
}

func playScript(t *testing.T, script Script, env map[string]string, w world, steps ...fakeStep) playResult {
	t.Helper()
	node := needNode(t)
	r, err := Render(script)
	if err != nil {
		t.Fatal(err)
	}
	s := script.Tokens[0]
	sc := scenario{Pre: joinLines(r.PreRequest), Test: joinLines(r.Test), Env: &fakeEnv{Values: env}, TokenVar: s.Vars.AccessToken, Steps: steps,
		Collection: w.Collection, Globals: w.Globals, Data: w.Data}
	if name, ok := env["@name"]; ok {
		sc.Env.Name = &name
	}
	in, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "testdata/fakepm.js")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node fakepm.js: %v\n%s", err, stderr.String())
	}
	var res playResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}

	secrets := []string{}
	for _, tok := range script.Tokens {
		for _, k := range []string{tok.Vars.ClientSecret, tok.Vars.Password, tok.Vars.RefreshToken} {
			for _, scope := range []map[string]string{env, w.Globals, w.Data, w.Collection} {
				if v := scope[k]; len(v) >= 6 {
					secrets = append(secrets, v)
				}
			}
		}
	}
	for _, st := range steps {
		for _, resp := range st.Responses {
			if m, ok := resp.JSON.(map[string]any); ok {
				for _, k := range []string{"access_token", "refresh_token"} {
					if v, ok := m[k].(string); ok && len(v) >= 6 {
						secrets = append(secrets, v)
					}
				}
			}
		}
	}
	for i, st := range res.Steps {
		for _, u := range st.Uncaught {
			t.Errorf("step %d: uncaught exception (the sandbox would swallow it): %s", i, u)
		}
		if st.ResponsesLeft != 0 {
			t.Errorf("step %d: %d planned token responses were not requested", i, st.ResponsesLeft)
		}
		said := strings.Join(st.Logs, "\n")
		for _, f := range st.Failed {
			said += "\n" + f.Message
		}
		for _, secret := range secrets {
			if strings.Contains(said, secret) {
				t.Errorf("step %d: output contains the secret or token %q:\n%s", i, secret, said)
			}
		}
	}
	return res
}

func tokenResponse(at string, expiresIn any, extra ...string) fakeResponse {
	m := map[string]any{"access_token": at, "token_type": "Bearer"}
	if expiresIn != nil {
		m["expires_in"] = expiresIn
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return fakeResponse{Code: 200, JSON: m}
}

func sec(s float64) int64 { return int64(s * 1000) }

func ccEnv() map[string]string {
	return map[string]string{
		"token_url":     "https://auth.example.com/oauth2/token",
		"client_id":     "my id+1",
		"client_secret": "s3:cr!t'()*~ é",
	}
}

func wantToken(t *testing.T, st stepResult, i int, want string) {
	t.Helper()
	if st.Token == nil || *st.Token != want {
		got := "<unset>"
		if st.Token != nil {
			got = *st.Token
		}
		t.Errorf("step %d: published token %q, want %q", i, got, want)
	}
}

func wantSent(t *testing.T, res playResult, want ...int) {
	t.Helper()
	var got []int
	for _, st := range res.Steps {
		got = append(got, len(st.Sent))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token requests per step (-want +got):\n%s", diff)
	}
}

func TestBehaviourClientCredentialsBasic(t *testing.T) {
	env := ccEnv()
	res := play(t, Defaults(), env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-first-0123456789", 3600)}},
		fakeStep{T: sec(3569.999)},
		fakeStep{T: sec(3570), Responses: []fakeResponse{tokenResponse("AT-second-0123456789", "120")}},
		fakeStep{T: sec(3570 + 89.999)},
		fakeStep{T: sec(3570 + 90), Responses: []fakeResponse{tokenResponse("AT-third-0123456789", 120)}},
	)
	wantSent(t, res, 1, 0, 1, 0, 1)
	for i, want := range []string{"AT-first-0123456789", "AT-first-0123456789", "AT-second-0123456789", "AT-second-0123456789", "AT-third-0123456789"} {
		wantToken(t, res.Steps[i], i, want)
	}

	req := res.Steps[0].Sent[0]
	// RFC 6749 §2.3.1: form-encode, then Base64; url.QueryEscape is
	// application/x-www-form-urlencoded.
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(env["client_id"])+":"+url.QueryEscape(env["client_secret"])))
	if req.URL != env["token_url"] || req.Method != "POST" || req.Header["Authorization"] != basic {
		t.Errorf("token request = %+v, want POST %s with %s", req, env["token_url"], basic)
	}
	// {{scope}} is unset: no scope; basic auth: no client_id in the body.
	if diff := cmp.Diff([][2]string{{"grant_type", "client_credentials"}}, req.Form); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
	if logs := res.Steps[0].Logs; len(logs) != 1 || logs[0] != "pmprep: got access token AT-f\u2026 via client_credentials; expires in 3600s (expires_in), renewing 30s early" {
		t.Errorf("logs = %q", logs)
	}
	if logs := res.Steps[2].Logs; len(logs) != 1 || !strings.HasPrefix(logs[0], "pmprep: renewed access token AT-s\u2026 via client_credentials; expires in 120s") {
		t.Errorf("logs = %q", logs)
	}
	for _, i := range []int{1, 3} {
		if len(res.Steps[i].Logs) != 0 || len(res.Steps[i].Failed) != 0 || res.Steps[i].Skipped {
			t.Errorf("cache hit step %d: %+v", i, res.Steps[i])
		}
	}
	// The cache is JSON in a collection variable, not in the environment.
	if _, ok := res.Env[CacheVar]; ok || len(res.cache(t)) != 1 {
		t.Errorf("cache: env has it %v, entries %d", ok, len(res.cache(t)))
	}
}

func TestBehaviourThousandRequestsOneToken(t *testing.T) {
	steps := make([]fakeStep, 1000)
	for i := range steps {
		steps[i] = fakeStep{T: sec(float64(i) * 3.5)} // 3500 s: within 3600 - 30
	}
	steps[0].Responses = []fakeResponse{tokenResponse("AT-only-0123456789", 3600)}
	res := play(t, Defaults(), ccEnv(), steps...)
	n := 0
	for i, st := range res.Steps {
		n += len(st.Sent)
		wantToken(t, st, i, "AT-only-0123456789")
	}
	if n != 1 {
		t.Errorf("%d token requests for 1000 requests, want 1", n)
	}
}

func jwt(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
}

func TestBehaviourLifetime(t *testing.T) {
	tests := []struct {
		name     string
		fetchAt  int64
		response fakeResponse
		change   func(*Settings)
		renewAt  int64 // ms
		from     string
	}{
		{name: "expires_in number", response: tokenResponse("AT-0123456789ab", 3600), renewAt: sec(3570), from: "expires_in"},
		{name: "expires_in string", response: tokenResponse("AT-0123456789ab", "120"), renewAt: sec(90), from: "expires_in"},
		{name: "expires_in fractional", response: tokenResponse("AT-0123456789ab", 100.5), renewAt: sec(70.5), from: "expires_in"},
		{name: "skew capped at half", response: tokenResponse("AT-0123456789ab", 20), renewAt: sec(10), from: "expires_in"},
		{name: "zero skew", response: tokenResponse("AT-0123456789ab", 60), change: func(s *Settings) { s.Skew = 0 }, renewAt: sec(60)},
		{name: "skew in ms", response: tokenResponse("AT-0123456789ab", 60), change: func(s *Settings) { s.Skew = 1500 * time.Millisecond }, renewAt: sec(58.5)},
		{name: "no expiry: default lifetime", response: tokenResponse("AT-0123456789ab", nil), renewAt: sec(270), from: "default lifetime"},
		{name: "custom default lifetime", response: tokenResponse("AT-0123456789ab", nil), change: func(s *Settings) { s.DefaultLifetime = 40 * time.Second }, renewAt: sec(20)},
		{name: "expires_in zero", response: tokenResponse("AT-0123456789ab", 0), renewAt: sec(270), from: "default lifetime"},
		{name: "expires_in negative", response: tokenResponse("AT-0123456789ab", -5), renewAt: sec(270)},
		{name: "expires_in garbage", response: tokenResponse("AT-0123456789ab", "soon"), renewAt: sec(270)},
		{name: "expires_in ms-looking string", response: tokenResponse("AT-0123456789ab", "1e3"), renewAt: sec(270)},
		{name: "JWT exp", fetchAt: sec(1000), response: tokenResponse(jwt(map[string]any{"exp": 1600, "sub": "a"}), nil), renewAt: sec(1570), from: "JWT exp"},
		{name: "JWT exp and iat", fetchAt: sec(1000), response: tokenResponse(jwt(map[string]any{"exp": 1600, "iat": 1000}), nil), renewAt: sec(1570)},
		{name: "JWT iat earlier: exp-now wins", fetchAt: sec(1000), response: tokenResponse(jwt(map[string]any{"exp": 1600, "iat": 0}), nil), renewAt: sec(1570)},
		{name: "JWT server clock ahead: exp-iat wins", fetchAt: sec(1000), response: tokenResponse(jwt(map[string]any{"exp": 2600, "iat": 2000}), nil), renewAt: sec(1570)},
		{name: "JWT already expired by our clock", fetchAt: sec(5000), response: tokenResponse(jwt(map[string]any{"exp": 2600, "iat": 2000}), nil), renewAt: sec(5570)},
		{name: "JWT expired, no iat: default", fetchAt: sec(5000), response: tokenResponse(jwt(map[string]any{"exp": 2600}), nil), renewAt: sec(5270)},
		{name: "JWT needing padding", fetchAt: 0, response: tokenResponse(jwt(map[string]any{"exp": 60, "x": "ab"}), nil), renewAt: sec(30)},
		{name: "JWT exp as string is ignored", response: tokenResponse(jwt(map[string]any{"exp": "60"}), nil), renewAt: sec(270)},
		{name: "JWT bad base64", response: tokenResponse("aaa.!!!!.ccc", nil), renewAt: sec(270)},
		{name: "JWT payload not JSON", response: tokenResponse("aaa."+base64.RawURLEncoding.EncodeToString([]byte("nope"))+".c", nil), renewAt: sec(270)},
		{name: "expires_in beats JWT", response: tokenResponse(jwt(map[string]any{"exp": 100000}), 60), renewAt: sec(30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Defaults()
			if tt.change != nil {
				tt.change(&s)
			}
			res := play(t, s, ccEnv(),
				fakeStep{T: tt.fetchAt, Responses: []fakeResponse{tt.response}},
				fakeStep{T: tt.renewAt - 1},
				fakeStep{T: tt.renewAt, Responses: []fakeResponse{tokenResponse("AT-next-0123456789", 60)}},
			)
			wantSent(t, res, 1, 0, 1)
			if tt.from != "" && (len(res.Steps[0].Logs) != 1 || !strings.Contains(res.Steps[0].Logs[0], "("+tt.from+")")) {
				t.Errorf("log %q does not name %q", res.Steps[0].Logs, tt.from)
			}
		})
	}
}

func TestBehaviourIsolation(t *testing.T) {
	dev, prod := "dev", "prod"
	env := ccEnv()
	env["@name"] = dev
	res := play(t, Defaults(), env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-dev-0123456789", 3600)}},
		fakeStep{T: 1000, EnvName: &prod, Responses: []fakeResponse{tokenResponse("AT-prod-0123456789", 3600)}},
		fakeStep{T: 2000, EnvName: &dev},
		fakeStep{T: 3000, EnvName: &prod},
		fakeStep{T: 4000, NoEnv: true, Responses: []fakeResponse{tokenResponse("AT-none-0123456789", 3600)}},
		fakeStep{T: 5000, EnvName: &dev, SetEnv: map[string]string{"client_id": "other"}, Responses: []fakeResponse{tokenResponse("AT-other-0123456789", 3600)}},
		fakeStep{T: 6000, SetEnv: map[string]string{"token_url": "https://idp2.example.com/token", "client_id": "my id+1"}, Responses: []fakeResponse{tokenResponse("AT-idp2-0123456789", 3600)}},
		fakeStep{T: 7000, SetEnv: map[string]string{"token_url": "https://auth.example.com/oauth2/token", "scope": "admin"}, Responses: []fakeResponse{tokenResponse("AT-admin-0123456789", 3600)}},
		fakeStep{T: 8000, UnsetEnv: map[string]bool{"scope": true}},
	)
	wantSent(t, res, 1, 1, 0, 0, 1, 1, 1, 1, 0)
	for i, want := range []string{"AT-dev-0123456789", "AT-prod-0123456789", "AT-dev-0123456789", "AT-prod-0123456789", "AT-none-0123456789", "AT-other-0123456789", "AT-idp2-0123456789", "AT-admin-0123456789", "AT-dev-0123456789"} {
		wantToken(t, res.Steps[i], i, want)
	}
	if v, _ := res.Steps[7].Sent[0].form("scope"); v != "admin" {
		t.Errorf("scope sent = %q, want admin", v)
	}
}

func TestBehaviourFormAndClientAuth(t *testing.T) {
	s := Defaults()
	s.ClientAuth = ClientAuthBody
	s.Audience = "{{aud}}"
	s.Params = []Param{{"resource", "{{res}}"}, {"tenant", "{{tenant}}"}, {"{{k}}", "v"}, {"fixed", "a&b=c d"}}
	env := ccEnv()
	env["scope"] = "api:read api:write"
	env["res"] = "https://api.example.com/"
	env["tenant"] = "" // empty: not sent
	res := play(t, s, env, fakeStep{Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}})
	want := [][2]string{
		{"grant_type", "client_credentials"},
		{"client_id", "my id+1"},
		{"client_secret", "s3:cr!t'()*~ é"},
		{"scope", "api:read api:write"},
		{"resource", "https://api.example.com/"},
		{"fixed", "a&b=c d"}, // the sandbox form-encodes urlencoded bodies itself
	}
	req := res.Steps[0].Sent[0]
	if diff := cmp.Diff(want, req.Form); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
	if _, ok := req.Header["Authorization"]; ok {
		t.Errorf("body client auth sent an Authorization header")
	}

	// A public client (no secret) sends client_id in the body, even with basic.
	s = Defaults()
	s.Grant = GrantRefreshToken
	env = map[string]string{"token_url": "https://a/t", "client_id": "spa", "refresh_token": "RT-seed-0123456789", "audience": "https://api"}
	s.Audience = "{{audience}}"
	res = play(t, s, env, fakeStep{Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}})
	req = res.Steps[0].Sent[0]
	want = [][2]string{{"grant_type", "refresh_token"}, {"refresh_token", "RT-seed-0123456789"}, {"client_id", "spa"}, {"audience", "https://api"}}
	if diff := cmp.Diff(want, req.Form); diff != "" || req.Header["Authorization"] != "" {
		t.Errorf("public client form (-want +got):\n%s\nheaders %v", diff, req.Header)
	}
}

func TestBehaviourOwnAuth(t *testing.T) {
	for _, auth := range []string{"apikey", "basic", "noauth", "digest", "awsv4"} {
		res := play(t, Defaults(), ccEnv(), fakeStep{Auth: auth})
		if st := res.Steps[0]; len(st.Sent) != 0 || st.Token != nil || len(st.Failed) != 0 {
			t.Errorf("request with %s auth: %+v", auth, st)
		}
	}
	// Own bearer/oauth2 auth of another variable, and an explicit type
	// "inherit" (no type postman-runtime knows: it sends nothing): no token.
	for _, auth := range []string{"bearer", "oauth2", "inherit"} {
		res := play(t, Defaults(), ccEnv(), fakeStep{Auth: auth})
		if st := res.Steps[0]; len(st.Sent) != 0 || st.Token != nil || len(st.Failed) != 0 {
			t.Errorf("request with its own %s auth: %+v", auth, st)
		}
	}
	// Own auth that references the managed variable, and no auth of its own
	// (it inherits): the token.
	ref := map[string]any{"auth": map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": "{{pmprep_access_token}}"}}}}
	for _, step := range []fakeStep{{Auth: "bearer", Request: ref}, {}} {
		step.Responses = []fakeResponse{tokenResponse("AT-0123456789ab", 60)}
		res := play(t, Defaults(), ccEnv(), step)
		wantToken(t, res.Steps[0], 0, "AT-0123456789ab")
	}
	// Even a missing variable does not matter to a request with its own auth.
	res := play(t, Defaults(), map[string]string{}, fakeStep{Auth: "apikey"})
	if st := res.Steps[0]; len(st.Failed) != 0 || st.Skipped {
		t.Errorf("apikey request without token variables: %+v", st)
	}
}

func TestBehaviourFailures(t *testing.T) {
	tests := []struct {
		name      string
		change    func(*Settings)
		env       func(map[string]string)
		response  *fakeResponse
		test      string
		message   string
		forbidden string
	}{
		{name: "network error", response: &fakeResponse{Err: "ECONNREFUSED"}, test: TestTokenRequest,
			message: "pmprep: token request to https://auth.example.com/oauth2/token failed: ECONNREFUSED"},
		{name: "oauth error", response: &fakeResponse{Code: 401, Status: "Unauthorized", JSON: map[string]any{"error": "invalid_client", "error_description": "Client authentication failed", "access_token": "LEAKED-TOKEN-1234"}},
			test: TestTokenRequest, message: "failed: HTTP 401 Unauthorized: invalid_client - Client authentication failed", forbidden: "LEAKED-TOKEN-1234"},
		{name: "error without description", response: &fakeResponse{Code: 400, JSON: map[string]any{"error": "invalid_scope"}},
			test: TestTokenRequest, message: "failed: HTTP 400: invalid_scope"},
		{name: "html 500", response: &fakeResponse{Code: 500, Status: "Internal Server Error", Text: "<html>stack trace with s3cr3t</html>", Type: "text/html"},
			test: TestTokenRequest, message: "failed: HTTP 500 Internal Server Error", forbidden: "s3cr3t"},
		{name: "html 200", response: &fakeResponse{Code: 200, Text: "<html>login</html>", Type: "text/html"},
			test: TestTokenRequest, message: "the response (HTTP 200, Content-Type text/html) is not a JSON object"},
		{name: "JSON array", response: &fakeResponse{Code: 200, JSON: []any{"x"}},
			test: TestTokenRequest, message: "is not a JSON object"},
		{name: "no access_token", response: &fakeResponse{Code: 200, JSON: map[string]any{"token": "abc-0123456789", "expires_in": 60}},
			test: TestTokenRequest, message: "the response has no access_token (it has: expires_in, token)", forbidden: "abc-0123456789"},
		{name: "empty access_token", response: &fakeResponse{Code: 200, JSON: map[string]any{"access_token": ""}},
			test: TestTokenRequest, message: "has no access_token"},
		{name: "URL credentials hidden", env: func(e map[string]string) {
			e["token_url"] = "https://user:pa55word@auth.example.com/t?api_key=QUERYSECRET#frag"
		},
			response: &fakeResponse{Err: "ETIMEDOUT"}, test: TestTokenRequest, message: "token request to https://auth.example.com/t failed: ETIMEDOUT", forbidden: "QUERYSECRET"},
		{name: "no token url", env: func(e map[string]string) { delete(e, "token_url") }, test: TestTokenVariables,
			message: `pmprep: cannot request an access token (grant client_credentials): variable "token_url" is not set (is an environment selected?)`},
		{name: "no environment at all", env: func(e map[string]string) { clear(e) }, test: TestTokenVariables,
			message: `variable "token_url" is not set; variable "client_id" is not set (is an environment selected?)`},
		{name: "empty client id", env: func(e map[string]string) { e["client_id"] = "" }, test: TestTokenVariables, message: `variable "client_id" is empty`},
		{name: "no secret", env: func(e map[string]string) { delete(e, "client_secret") }, test: TestTokenVariables, message: `variable "client_secret" is not set`},
		{name: "nested unresolved", env: func(e map[string]string) { e["client_secret"] = "{{vault_secret}}" }, test: TestTokenVariables,
			message: `variable "client_secret" needs variable "vault_secret", which is not set`},
		{name: "nested resolved", env: func(e map[string]string) { e["client_secret"] = "{{vault}}"; e["vault"] = "real-secret" },
			response: &fakeResponse{Code: 200, JSON: map[string]any{"access_token": "AT-0123456789ab"}}},
		{name: "partial url", env: func(e map[string]string) { e["token_url"] = "https://{{host}}/token" }, test: TestTokenVariables,
			message: `variable "token_url" needs variable "host", which is not set`},
		{name: "partial literal url", change: func(s *Settings) { s.TokenURL = "https://{{host}}/token" }, test: TestTokenVariables,
			message: `the token URL needs variable "host", which is not set`},
		{name: "partial literal scope", change: func(s *Settings) { s.Scope = "api:{{tenant}}" }, test: TestTokenVariables,
			message: `the scope needs variable "tenant", which is not set`},
		{name: "partial scope", env: func(e map[string]string) { e["scope"] = "api:{{tenant}}" }, test: TestTokenVariables,
			message: `variable "scope" needs variable "tenant", which is not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := ccEnv()
			if tt.env != nil {
				tt.env(env)
			}
			step := fakeStep{}
			if tt.response != nil {
				step.Responses = []fakeResponse{*tt.response}
			}
			s := Defaults()
			if tt.change != nil {
				tt.change(&s)
			}
			res := play(t, s, env, step)
			st := res.Steps[0]
			if tt.test == "" {
				if len(st.Failed) != 0 || st.Skipped {
					t.Fatalf("unexpected failure: %+v", st)
				}
				return
			}
			if len(st.Failed) != 1 || st.Failed[0].Name != tt.test || !strings.Contains(st.Failed[0].Message, tt.message) {
				t.Errorf("failed = %+v, want %q containing %q", st.Failed, tt.test, tt.message)
			}
			if !st.Skipped {
				t.Errorf("the main request was not skipped")
			}
			wantToken(t, st, 0, "") // nothing stale can be sent
			if tt.forbidden != "" && strings.Contains(fmt.Sprint(st.Failed, st.Logs), tt.forbidden) {
				t.Errorf("output shows %q: %v %v", tt.forbidden, st.Failed, st.Logs)
			}
		})
	}
}

func TestBehaviourRefreshRotation(t *testing.T) {
	s := Defaults()
	s.Grant = GrantRefreshToken
	env := map[string]string{"token_url": "https://a/t", "client_id": "cli", "refresh_token": "RT-seed-0123456789"}
	res := play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 60, "refresh_token", "RT-1-0123456789")}},
		fakeStep{T: sec(30), Responses: []fakeResponse{tokenResponse("AT-2-0123456789", 60, "refresh_token", "RT-2-0123456789")}},
		fakeStep{T: sec(60), Responses: []fakeResponse{tokenResponse("AT-3-0123456789", 60)}}, // no rotation this time
		fakeStep{T: sec(90), Responses: []fakeResponse{tokenResponse("AT-4-0123456789", 60)}},
		// The user pastes a new refresh token: a new chain starts from it.
		fakeStep{T: sec(91), SetEnv: map[string]string{"refresh_token": "RT-pasted-0123456789"}},
		fakeStep{T: sec(120), Responses: []fakeResponse{tokenResponse("AT-5-0123456789", 60, "refresh_token", "RT-5-0123456789")}},
	)
	wantSent(t, res, 1, 1, 1, 1, 0, 1)
	var used []string
	for _, st := range res.Steps {
		for _, r := range st.Sent {
			v, _ := r.form("refresh_token")
			used = append(used, v)
		}
	}
	want := []string{"RT-seed-0123456789", "RT-1-0123456789", "RT-2-0123456789", "RT-2-0123456789", "RT-pasted-0123456789"}
	if diff := cmp.Diff(want, used); diff != "" {
		t.Errorf("refresh tokens used (-want +got):\n%s", diff)
	}
	if l := res.Steps[1].Logs; len(l) != 1 || !strings.HasSuffix(l[0], "; refresh token rotated") || !strings.Contains(l[0], "renewed access token AT-2\u2026 via refresh_token") {
		t.Errorf("rotation log = %q", l)
	}
	if l := res.Steps[2].Logs; len(l) != 1 || strings.Contains(l[0], "rotated") {
		t.Errorf("no-rotation log = %q", l)
	}
	// Not persisted unless asked: the environment keeps the user's value.
	if res.Env["refresh_token"] != "RT-pasted-0123456789" {
		t.Errorf("environment refresh_token = %q", res.Env["refresh_token"])
	}
}

func TestBehaviourPersistRefreshToken(t *testing.T) {
	s := Defaults()
	s.Grant = GrantRefreshToken
	s.PersistRefreshToken = true
	env := map[string]string{"token_url": "https://a/t", "client_id": "cli", "refresh_token": "RT-seed-0123456789"}
	res := play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 60, "refresh_token", "RT-1-0123456789")}},
		fakeStep{T: sec(30), Responses: []fakeResponse{tokenResponse("AT-2-0123456789", 60, "refresh_token", "RT-2-0123456789")}},
	)
	if v, _ := res.Steps[1].Sent[0].form("refresh_token"); v != "RT-1-0123456789" {
		t.Errorf("second refresh used %q", v)
	}
	if res.Env["refresh_token"] != "RT-2-0123456789" {
		t.Errorf("environment refresh_token = %q, want the newest", res.Env["refresh_token"])
	}
}

func TestBehaviourRefreshRejected(t *testing.T) {
	s := Defaults()
	s.Grant = GrantRefreshToken
	rejected := fakeResponse{Code: 400, Status: "Bad Request", JSON: map[string]any{"error": "invalid_grant", "error_description": "refresh token expired"}}

	// With a client secret: fall back to client_credentials, loudly in the log.
	env := map[string]string{"token_url": "https://a/t", "client_id": "cli", "client_secret": "secret-0123456789", "refresh_token": "RT-old-0123456789"}
	res := play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{rejected, tokenResponse("AT-cc-0123456789", 60)}},
		fakeStep{T: sec(30), Responses: []fakeResponse{tokenResponse("AT-cc2-0123456789", 60)}},
	)
	st := res.Steps[0]
	if len(st.Failed) != 0 || st.Skipped || len(st.Sent) != 2 {
		t.Fatalf("fallback step: %+v", st)
	}
	if g, _ := st.Sent[1].form("grant_type"); g != "client_credentials" {
		t.Errorf("fallback grant = %q", g)
	}
	wantLog := "pmprep: refresh token rejected by https://a/t (HTTP 400 Bad Request: invalid_grant - refresh token expired); falling back to the client_credentials grant"
	if len(st.Logs) != 2 || st.Logs[0] != wantLog {
		t.Errorf("logs = %q, want first %q", st.Logs, wantLog)
	}
	// The rejected refresh token is not tried again.
	if g, _ := res.Steps[1].Sent[0].form("grant_type"); g != "client_credentials" {
		t.Errorf("after fallback, grant = %q", g)
	}

	// Without one: a failed test, then a clear message until a new one is set.
	delete(env, "client_secret")
	res = play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{rejected}},
		fakeStep{T: 1},
		fakeStep{T: 2, SetEnv: map[string]string{"refresh_token": "RT-new-0123456789"}, Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}},
	)
	wantSent(t, res, 1, 0, 1)
	if f := res.Steps[0].Failed; len(f) != 1 || f[0].Name != TestTokenRequest ||
		f[0].Message != `pmprep: refresh token rejected by https://a/t (HTTP 400 Bad Request: invalid_grant - refresh token expired); set a new refresh token in variable "refresh_token"` {
		t.Errorf("failed = %+v", f)
	}
	if f := res.Steps[1].Failed; len(f) != 1 || f[0].Name != TestTokenVariables || !strings.Contains(f[0].Message, `the refresh token in variable "refresh_token" was already rejected or used up`) {
		t.Errorf("failed = %+v", f)
	}
	if !res.Steps[0].Skipped || !res.Steps[1].Skipped || res.Steps[2].Skipped {
		t.Errorf("skipped = %v %v %v", res.Steps[0].Skipped, res.Steps[1].Skipped, res.Steps[2].Skipped)
	}

	// A 5xx is not a rejection: no fallback, the refresh token is kept.
	env["client_secret"] = "secret-0123456789"
	res = play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{{Code: 503, Text: "busy", Type: "text/plain"}}},
		fakeStep{T: sec(5)}, // not retried within 10 s
		fakeStep{T: sec(10), Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}},
	)
	wantSent(t, res, 1, 0, 1)
	if f := res.Steps[0].Failed; len(f) != 1 || !strings.Contains(f[0].Message, "HTTP 503") {
		t.Errorf("failed = %+v", f)
	}
	if f := res.Steps[1].Failed; len(f) != 1 || !strings.Contains(f[0].Message, "HTTP 503") || !strings.Contains(f[0].Message, "next attempt in 5s") {
		t.Errorf("failed = %+v", f)
	}
	if v, _ := res.Steps[2].Sent[0].form("refresh_token"); v != "RT-old-0123456789" {
		t.Errorf("after a 503, refresh token used = %q", v)
	}

	// No refresh token at all: a failure naming the grant and the variable,
	// with or without a secret (no silent switch to client_credentials).
	delete(env, "refresh_token")
	for _, secret := range []bool{true, false} {
		if !secret {
			delete(env, "client_secret")
		}
		res = play(t, s, env, fakeStep{})
		want := `pmprep: cannot request an access token (grant refresh_token): variable "refresh_token" is not set (is an environment selected?)`
		if f := res.Steps[0].Failed; len(f) != 1 || f[0].Name != TestTokenVariables || f[0].Message != want || !res.Steps[0].Skipped {
			t.Errorf("with secret %v: failed = %+v, want %q", secret, f, want)
		}
	}
	// A named domain is named.
	s.Name = "user"
	res = play(t, s, env, fakeStep{})
	if f := res.Steps[0].Failed; len(f) != 1 || !strings.Contains(f[0].Message, `(grant refresh_token, token "user"): variable "refresh_token" is not set`) {
		t.Errorf("named: failed = %+v", f)
	}
}

func TestBehaviourPassword(t *testing.T) {
	s := Defaults()
	s.Grant = GrantPassword
	env := map[string]string{"token_url": "https://a/t", "client_id": "cli", "client_secret": "secret-0123456789", "username": "alice", "password": "pa55word-0123"}
	res := play(t, s, env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 60, "refresh_token", "RT-1-0123456789")}},
		fakeStep{T: sec(30), Responses: []fakeResponse{tokenResponse("AT-2-0123456789", 60, "refresh_token", "RT-2-0123456789")}},
		fakeStep{T: sec(60), Responses: []fakeResponse{{Code: 400, JSON: map[string]any{"error": "invalid_grant"}}, tokenResponse("AT-3-0123456789", 60)}},
		fakeStep{T: sec(90), Responses: []fakeResponse{tokenResponse("AT-4-0123456789", 60)}},
		// A different user has a different token.
		fakeStep{T: sec(91), SetEnv: map[string]string{"username": "bob"}, Responses: []fakeResponse{tokenResponse("AT-bob-0123456789", 60)}},
	)
	var grants []string
	for _, st := range res.Steps {
		for _, r := range st.Sent {
			g, _ := r.form("grant_type")
			grants = append(grants, g)
		}
	}
	want := []string{"password", "refresh_token", "refresh_token", "password", "password", "password"}
	if diff := cmp.Diff(want, grants); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	first := res.Steps[0].Sent[0]
	if u, _ := first.form("username"); u != "alice" {
		t.Errorf("username = %q", u)
	}
	if p, _ := first.form("password"); p != "pa55word-0123" {
		t.Errorf("password not sent")
	}
	if v, _ := res.Steps[2].Sent[0].form("refresh_token"); v != "RT-2-0123456789" {
		t.Errorf("refresh used %q, want the newest", v)
	}
	if len(res.Steps[2].Failed) != 0 || !strings.Contains(strings.Join(res.Steps[2].Logs, "\n"), "falling back to the password grant") {
		t.Errorf("fallback step: %+v", res.Steps[2])
	}
	// The password grant does not read the refresh_token variable unless asked.
	env["refresh_token"] = "RT-stale-0123456789"
	res = play(t, s, env, fakeStep{Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}})
	if g, _ := res.Steps[0].Sent[0].form("grant_type"); g != "password" {
		t.Errorf("grant = %q", g)
	}
	res = play(t, s, map[string]string{"token_url": "https://a/t", "client_id": "cli"}, fakeStep{})
	if f := res.Steps[0].Failed; len(f) != 1 || !strings.Contains(f[0].Message, `variable "username" is not set`) {
		t.Errorf("failed = %+v", f)
	}
}

func TestBehaviourRetry401(t *testing.T) {
	s := Defaults()
	s.Grant = GrantRefreshToken
	sc := one(s)
	sc.Retry401 = true
	env := map[string]string{"token_url": "https://a/t", "client_id": "cli", "refresh_token": "RT-seed-0123456789"}
	res := playScript(t, sc, env, world{},
		fakeStep{T: 0, RequestID: "a", Code: 200, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 3600, "refresh_token", "RT-1-0123456789")}},
		fakeStep{T: 1, RequestID: "b", Code: 401}, // token revoked
		fakeStep{T: 2, RequestID: "b", Code: 200, Responses: []fakeResponse{tokenResponse("AT-2-0123456789", 3600, "refresh_token", "RT-2-0123456789")}},
		fakeStep{T: 3, RequestID: "c", Code: 401},
		fakeStep{T: 4, RequestID: "c", Code: 401, Responses: []fakeResponse{tokenResponse("AT-3-0123456789", 3600)}}, // still 401: give up
		fakeStep{T: 5, RequestID: "c", Iteration: 1, Code: 401},                                                      // a new iteration may retry again
		fakeStep{T: 6, RequestID: "d", Iteration: 1, Code: 401, Auth: "apikey"},
	)
	wantSent(t, res, 1, 0, 1, 0, 1, 0, 0)
	var next []string
	for _, st := range res.Steps {
		n := ""
		if st.Next != nil {
			n = *st.Next
		}
		next = append(next, n)
	}
	if diff := cmp.Diff([]string{"", "b", "", "c", "", "c", ""}, next); diff != "" {
		t.Errorf("setNextRequest per step (-want +got):\n%s", diff)
	}
	// The retry renewed through the refresh token chain, which survived.
	if v, _ := res.Steps[2].Sent[0].form("refresh_token"); v != "RT-1-0123456789" {
		t.Errorf("retry used refresh token %q", v)
	}
	if l := strings.Join(res.Steps[4].Logs, "\n"); !strings.Contains(l, `got 401 again with a new token; not retrying`) {
		t.Errorf("logs = %q", l)
	}
	if l := strings.Join(res.Steps[1].Logs, "\n"); !strings.Contains(l, `got 401; dropped the cached token, sending it once more`) {
		t.Errorf("logs = %q", l)
	}
}

func TestBehaviourCacheKeepsOnlyLiveEntries(t *testing.T) {
	a, b := "a", "b"
	env := ccEnv()
	env["@name"] = a
	res := play(t, Defaults(), env,
		fakeStep{T: 0, Responses: []fakeResponse{tokenResponse("AT-a-0123456789", 60)}},
		fakeStep{T: sec(100), EnvName: &b, Responses: []fakeResponse{tokenResponse("AT-b-0123456789", 60)}},
	)
	if c := res.cache(t); len(c) != 1 {
		t.Errorf("cache holds %d entries, want only the live one: %v", len(c), c)
	}
	// A corrupt cache is ignored, not fatal.
	s := Defaults()
	r, _ := Render(one(s))
	in, _ := json.Marshal(scenario{Pre: joinLines(r.PreRequest), Env: &fakeEnv{Values: ccEnv()}, Collection: map[string]string{CacheVar: "{not json"}, TokenVar: s.Vars.AccessToken,
		Steps: []fakeStep{{Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}}}})
	cmd := exec.Command(needNode(t), "testdata/fakepm.js")
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil || !bytes.Contains(out, []byte(`"token":"AT-0123456789ab"`)) {
		t.Errorf("with a corrupt cache: %v %s", err, out)
	}
}

// TestBehaviourHeaderMode (collection format v3): only the requests listed
// by location get the token, set as their one Authorization header (any
// other, a disabled one too, removed: upsert would keep it disabled); a request of the same name in another folder, one
// directly in the collection, and one not listed get no header and cause
// no token request, whatever their own auth looks like at run time.
func TestBehaviourHeaderMode(t *testing.T) {
	sc := one(Defaults())
	sc.Header = true
	sc.SetManaged([]string{"Team & <Ops>", "List"}, 0)
	sc.SetManaged([]string{"Top"}, 0)
	pasted := map[string]any{"url": "https://api.example.com/x", "method": "GET", "header": []map[string]any{
		{"key": "authorization", "value": "Bearer pasted", "disabled": true}, {"key": "Accept", "value": "x"}, {"key": "Authorization", "value": "Bearer two"}}}
	res := playScript(t, sc, ccEnv(), world{},
		fakeStep{T: 0, Location: []string{"c", "Other", "List"}},
		fakeStep{T: 1, Location: []string{"c", "Team & <Ops>", "List"}, Request: pasted, Responses: []fakeResponse{tokenResponse("AT-v3-0123456789", 3600)}},
		fakeStep{T: 2, Location: []string{"c", "List"}},
		fakeStep{T: 3, Location: []string{"c", "Top"}},
		fakeStep{T: 4, Location: []string{"c", "Team & <Ops>", "Get"}},
	)
	wantSent(t, res, 0, 1, 0, 0, 0)
	want := [][]fakeHeader{nil, {{Key: "Accept", Value: "x"}, {Key: "Authorization", Value: "Bearer {{pmprep_access_token}}"}}, nil, {{Key: "Authorization", Value: "Bearer {{pmprep_access_token}}"}}, nil}
	for i, st := range res.Steps {
		if d := cmp.Diff(want[i], st.Headers, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("step %d headers (-want +got):\n%s", i, d)
		}
	}
	wantToken(t, res.Steps[3], 3, "AT-v3-0123456789")
}
