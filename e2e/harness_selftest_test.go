//go:build unix

package e2e

// Tests that prove the harness itself: the real servers authenticate clients
// strictly, rotate refresh tokens, the API accepts and rejects as designed,
// each fault path behaves, stats count, and newman runs. They use plain
// net/http; only TestHarnessNewmanSmoke runs newman.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// wantToken fails unless tr is a 200 with an access token.
func wantToken(t *testing.T, what string, tr TokenResponse) {
	t.Helper()
	if tr.Status != 200 || tr.AccessToken == "" {
		t.Fatalf("%s: status %d, error %q (%s); want 200 with access_token", what, tr.Status, tr.Error, redact(tr.ErrorDescription))
	}
	if !strings.EqualFold(tr.TokenType, "bearer") {
		t.Errorf("%s: token_type %q, want Bearer", what, tr.TokenType)
	}
}

// wantError fails unless tr is status with OAuth error code.
func wantError(t *testing.T, what string, tr TokenResponse, status int, code string) {
	t.Helper()
	if tr.Status != status || tr.Error != code || tr.AccessToken != "" {
		t.Fatalf("%s: status %d, error %q (%s), access_token present %v; want %d %q without a token",
			what, tr.Status, tr.Error, redact(tr.ErrorDescription), tr.AccessToken != "", status, code)
	}
}

func wantAPI(t *testing.T, what string, ar APIResponse, status int) {
	t.Helper()
	if ar.Status != status {
		t.Fatalf("%s: API status %d (body reason %v), want %d", what, ar.Status, ar.JSON["reason"], status)
	}
	if status == 401 && !strings.HasPrefix(ar.WWWAuthenticate, "Bearer ") {
		t.Fatalf("%s: 401 without a Bearer WWW-Authenticate challenge (got %q)", what, ar.WWWAuthenticate)
	}
}

func TestHarnessOIDCClientCredentials(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	c := srv.Creds
	cc := func(kv ...string) url.Values {
		return form(append([]string{"grant_type", "client_credentials"}, kv...)...)
	}

	// basic-client with Basic: accepted; scope kept; the token works at the API.
	tr := postToken(t, srv.OIDCToken, cc("scope", "api:read"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "basic-client via Basic", tr)
	if tr.Scope != "api:read" {
		t.Errorf("scope %q, want api:read", tr.Scope)
	}
	if tr.ExpiresIn != float64(30) {
		t.Errorf("expires_in %v, want 30", tr.ExpiresIn)
	}
	ar := apiCall(t, srv, "GET", "/things/1?x=y", "Bearer "+tr.AccessToken)
	wantAPI(t, "oidc token", ar, 200)
	if ar.JSON["client"] != c.BasicClientID || ar.JSON["server"] != "oidc" || ar.JSON["path"] != "/things/1" || ar.JSON["aud"] != srv.Audience {
		t.Errorf("API body client=%v server=%v path=%v aud=%v", ar.JSON["client"], ar.JSON["server"], ar.JSON["path"], ar.JSON["aud"])
	}

	// basic-client with the secret in the body: rejected.
	tr = postToken(t, srv.OIDCToken, cc("client_id", c.BasicClientID, "client_secret", c.BasicClientSecret), "")
	wantError(t, "basic-client via body", tr, 401, "invalid_client")

	// body-client: body accepted, Basic rejected.
	tr = postToken(t, srv.OIDCToken, cc("client_id", c.BodyClientID, "client_secret", c.BodyClientSecret, "scope", "api:read api:write"), "")
	wantToken(t, "body-client via body", tr)
	tr = postToken(t, srv.OIDCToken, cc(), basicAuth(c.BodyClientID, c.BodyClientSecret))
	wantError(t, "body-client via Basic", tr, 401, "invalid_client")

	// Wrong secret.
	tr = postToken(t, srv.OIDCToken, cc(), basicAuth(c.BasicClientID, "wrong-"+c.BasicClientSecret))
	wantError(t, "basic-client wrong secret", tr, 401, "invalid_client")

	// special-client: RFC 6749 §2.3.1 form-encoding of id and secret is required.
	tr = postToken(t, srv.OIDCToken, cc(), basicAuth(c.SpecialClientID, c.SpecialClientSecret))
	wantToken(t, "special-client, form-encoded Basic", tr)
	naive := "Basic " + base64.StdEncoding.EncodeToString([]byte(c.SpecialClientID+":"+c.SpecialClientSecret))
	tr = postToken(t, srv.OIDCToken, cc(), naive)
	if tr.Status == 200 || tr.AccessToken != "" {
		t.Fatalf("special-client with a Basic header that is not form-encoded: status %d, want a rejection", tr.Status)
	}

	// audience and resource are accepted for the test API; an unknown one is not.
	tr = postToken(t, srv.OIDCToken, cc("audience", srv.Audience), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "audience", tr)
	if ar := apiCall(t, srv, "GET", "/aud", "Bearer "+tr.AccessToken); ar.Status != 200 || ar.JSON["aud"] != srv.Audience {
		t.Errorf("audience token at the API: status %d aud %v", ar.Status, ar.JSON["aud"])
	}
	tr = postToken(t, srv.OIDCToken, cc("resource", srv.Audience, "scope", "api:write"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "resource", tr)
	if tr.Scope != "api:write" {
		t.Errorf("resource token scope %q, want api:write", tr.Scope)
	}
	tr = postToken(t, srv.OIDCToken, cc("resource", "https://unknown.example/"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantError(t, "unknown resource", tr, 400, "invalid_target")

	st := srv.Stats(t)
	o := st.Token.OIDC
	// 10 requests: basic ok, basic-via-body, body ok, body-via-basic, wrong secret,
	// special ok, special naive, audience, resource, unknown resource.
	if o.Requests != 10 || o.OK != 5 || o.Errors != 5 {
		t.Errorf("oidc requests/ok/errors = %d/%d/%d, want 10/5/5", o.Requests, o.OK, o.Errors)
	}
	if o.ByAuth["basic"] != 8 || o.ByAuth["body"] != 2 {
		t.Errorf("oidc by_auth = %v, want basic 8, body 2", o.ByAuth)
	}
	if o.ByClient[c.BasicClientID] != 6 || o.ByClient[c.BodyClientID] != 2 || o.ByClient[c.SpecialClientID] != 1 {
		t.Errorf("oidc by_client = %v", o.ByClient)
	}
	if o.ByGrant["client_credentials"] != 10 {
		t.Errorf("oidc by_grant = %v", o.ByGrant)
	}
	if st.OIDCAuthMethodRejected != 2 {
		t.Errorf("oidc_auth_method_rejected = %d, want 2", st.OIDCAuthMethodRejected)
	}
	if st.Token.All.Requests != 10 || st.Token.OAuth2.Requests != 0 || st.Token.Fault.Requests != 0 {
		t.Errorf("token totals all/oauth2/fault = %d/%d/%d", st.Token.All.Requests, st.Token.OAuth2.Requests, st.Token.Fault.Requests)
	}
	last := st.Last["oidc"]
	if last.Resource == nil || *last.Resource != "https://unknown.example/" || last.Status != 400 || last.Auth != "basic" {
		t.Errorf("last oidc request = %+v", last)
	}
	if strings.Join(last.ParamNames, ",") != "grant_type,resource" {
		t.Errorf("last oidc param_names = %v, want [grant_type resource]", last.ParamNames)
	}
	if st.API.Requests != 2 || st.API.OK != 2 || st.API.ByServer["oidc"] != 2 {
		t.Errorf("api stats = %+v", st.API)
	}
	if got := srv.proc.stdout.extra(); got != "" {
		t.Errorf("servers.mjs wrote to stdout after the ready line: %q", redact(got))
	}
}

func TestHarnessOAuth2PasswordRefreshRotation(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	c := srv.Creds
	basic := basicAuth(c.OAuth2ClientID, c.OAuth2ClientSecret)

	tr := postToken(t, srv.OAuth2Token, form("grant_type", "password", "username", c.Username, "password", c.Password, "scope", "api:read"), basic)
	wantToken(t, "password grant (Basic)", tr)
	if tr.RefreshToken == "" {
		t.Fatal("password grant returned no refresh_token")
	}
	if tr.ExpiresIn != float64(30) || tr.Scope != "api:read" {
		t.Errorf("expires_in %v scope %q, want 30 api:read", tr.ExpiresIn, tr.Scope)
	}
	ar := apiCall(t, srv, "POST", "/orders", "Bearer "+tr.AccessToken)
	wantAPI(t, "oauth2 token", ar, 200)
	if ar.JSON["user"] != c.Username || ar.JSON["client"] != c.OAuth2ClientID || ar.JSON["server"] != "oauth2" || ar.JSON["method"] != "POST" {
		t.Errorf("API body user=%v client=%v server=%v method=%v", ar.JSON["user"], ar.JSON["client"], ar.JSON["server"], ar.JSON["method"])
	}

	wrong := postToken(t, srv.OAuth2Token, form("grant_type", "password", "username", c.Username, "password", "nope"), basic)
	wantError(t, "wrong password", wrong, 400, "invalid_grant")
	badClient := postToken(t, srv.OAuth2Token, form("grant_type", "password", "username", c.Username, "password", c.Password), basicAuth(c.OAuth2ClientID, "nope"))
	wantError(t, "wrong client secret", badClient, 401, "invalid_client")

	// Refresh with body client authentication: a new access token and a new refresh token.
	rt1 := tr.RefreshToken
	bodyAuth := func(kv ...string) url.Values {
		return form(append([]string{"client_id", c.OAuth2ClientID, "client_secret", c.OAuth2ClientSecret}, kv...)...)
	}
	tr2 := postToken(t, srv.OAuth2Token, bodyAuth("grant_type", "refresh_token", "refresh_token", rt1), "")
	wantToken(t, "refresh (body auth)", tr2)
	if tr2.RefreshToken == "" || tr2.RefreshToken == rt1 || tr2.AccessToken == tr.AccessToken {
		t.Fatal("refresh did not rotate: want a new access token and a new refresh token")
	}
	wantAPI(t, "refreshed token", apiCall(t, srv, "GET", "/r", "Bearer "+tr2.AccessToken), 200)

	// Reusing the rotated-out refresh token fails.
	reuse := postToken(t, srv.OAuth2Token, bodyAuth("grant_type", "refresh_token", "refresh_token", rt1), "")
	wantError(t, "reuse of a rotated refresh token", reuse, 400, "invalid_grant")

	// The newest refresh token still works (Basic this time) and rotates again.
	tr3 := postToken(t, srv.OAuth2Token, form("grant_type", "refresh_token", "refresh_token", tr2.RefreshToken), basic)
	wantToken(t, "second refresh (Basic)", tr3)
	if tr3.RefreshToken == tr2.RefreshToken {
		t.Fatal("second refresh did not rotate")
	}

	// client_credentials is allowed too.
	cc := postToken(t, srv.OAuth2Token, form("grant_type", "client_credentials", "scope", "api:write"), basic)
	wantToken(t, "oauth2 client_credentials", cc)
	if ar := apiCall(t, srv, "GET", "/cc", "Bearer "+cc.AccessToken); ar.Status != 200 || ar.JSON["scope"] != "api:write" {
		t.Errorf("oauth2 client_credentials token at the API: %d scope %v", ar.Status, ar.JSON["scope"])
	}

	st := srv.Stats(t)
	o := st.Token.OAuth2
	if o.Requests != 7 || o.OK != 4 || o.Errors != 3 {
		t.Errorf("oauth2 requests/ok/errors = %d/%d/%d, want 7/4/3", o.Requests, o.OK, o.Errors)
	}
	if o.ByGrant["password"] != 3 || o.ByGrant["refresh_token"] != 3 || o.ByGrant["client_credentials"] != 1 {
		t.Errorf("oauth2 by_grant = %v", o.ByGrant)
	}
	if o.ByAuth["basic"] != 5 || o.ByAuth["body"] != 2 {
		t.Errorf("oauth2 by_auth = %v, want basic 5, body 2", o.ByAuth)
	}
	if o.ByClient[c.OAuth2ClientID] != 7 {
		t.Errorf("oauth2 by_client = %v", o.ByClient)
	}
	if st.RefreshRotations != 2 || st.RefreshReuse != 1 {
		t.Errorf("refresh rotations/reuse = %d/%d, want 2/1", st.RefreshRotations, st.RefreshReuse)
	}
	if u := st.Last["oauth2"].Username; u != nil {
		t.Errorf("last oauth2 request (client_credentials) has username %q", *u)
	}
}

func TestHarnessAPIAndRevokeAll(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	c := srv.Creds

	wantAPI(t, "no Authorization", apiCall(t, srv, "GET", "/x", ""), 401)
	wantAPI(t, "garbage token", apiCall(t, srv, "GET", "/x", "Bearer not-a-real-token-0123456789abcdefgh"), 401)
	wantAPI(t, "Basic instead of Bearer", apiCall(t, srv, "GET", "/x", basicAuth("a", "b")), 401)
	if ar := apiCall(t, srv, "GET", "/x", "Bearer {{access_token}}"); ar.Status != 401 {
		t.Errorf("literal {{access_token}}: status %d, want 401", ar.Status)
	}

	tokens := map[string]string{}
	tr := postToken(t, srv.OIDCToken, form("grant_type", "client_credentials"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "oidc", tr)
	tokens["oidc"] = tr.AccessToken
	tr = postToken(t, srv.OAuth2Token, form("grant_type", "password", "username", c.Username, "password", c.Password), basicAuth(c.OAuth2ClientID, c.OAuth2ClientSecret))
	wantToken(t, "oauth2", tr)
	tokens["oauth2"] = tr.AccessToken
	refresh := tr.RefreshToken
	tr = postToken(t, srv.FaultToken, form("grant_type", "client_credentials", "client_id", "fault-client"), "")
	wantToken(t, "fault", tr)
	tokens["fault"] = tr.AccessToken
	for name, tok := range tokens {
		wantAPI(t, name+" token before revoke-all", apiCall(t, srv, "GET", "/y", "Bearer "+tok), 200)
	}

	if n := srv.RevokeAll(t); n != 3 {
		t.Errorf("RevokeAll revoked %d, want 3", n)
	}
	for name, tok := range tokens {
		ar := apiCall(t, srv, "GET", "/y", "Bearer "+tok)
		wantAPI(t, name+" token after revoke-all", ar, 401)
		if ar.JSON["reason"] != "revoked" {
			t.Errorf("%s after revoke-all: reason %v, want revoked", name, ar.JSON["reason"])
		}
	}
	// Refresh tokens survive revoke-all, and new tokens work.
	tr = postToken(t, srv.OAuth2Token, form("grant_type", "refresh_token", "refresh_token", refresh), basicAuth(c.OAuth2ClientID, c.OAuth2ClientSecret))
	wantToken(t, "refresh after revoke-all", tr)
	wantAPI(t, "new token after revoke-all", apiCall(t, srv, "GET", "/z", "Bearer "+tr.AccessToken), 200)

	st := srv.Stats(t)
	if st.API.Requests != 11 || st.API.OK != 4 || st.API.Unauthorized != 7 {
		t.Errorf("api requests/ok/unauthorized = %d/%d/%d, want 11/4/7", st.API.Requests, st.API.OK, st.API.Unauthorized)
	}
	want := map[string]int{"missing": 1, "invalid": 2, "malformed": 1, "revoked": 3}
	for k, v := range want {
		if st.API.ByReason[k] != v {
			t.Errorf("api by_reason = %v, want %v", st.API.ByReason, want)
			break
		}
	}
	if st.Revoked != 3 {
		t.Errorf("revoked = %d, want 3", st.Revoked)
	}

	srv.ResetStats(t)
	if st := srv.Stats(t); st.API.Requests != 0 || st.Token.All.Requests != 0 || len(st.Last) != 0 {
		t.Errorf("after reset-stats: api %d token %d last %v", st.API.Requests, st.Token.All.Requests, st.Last)
	}
}

func TestHarnessExpiry(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 2*time.Second)
	c := srv.Creds
	tokens := map[string]string{}
	tr := postToken(t, srv.OIDCToken, form("grant_type", "client_credentials"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "oidc", tr)
	tokens["oidc"] = tr.AccessToken
	tr = postToken(t, srv.OAuth2Token, form("grant_type", "client_credentials"), basicAuth(c.OAuth2ClientID, c.OAuth2ClientSecret))
	wantToken(t, "oauth2", tr)
	tokens["oauth2"] = tr.AccessToken
	tr = postToken(t, srv.FaultURL("jwt-exp"), form("grant_type", "client_credentials"), "")
	wantToken(t, "fault jwt-exp", tr)
	tokens["fault-jwt"] = tr.AccessToken
	tr = postToken(t, srv.FaultToken, form("grant_type", "client_credentials"), "")
	wantToken(t, "fault ok", tr)
	tokens["fault"] = tr.AccessToken

	// Tokens work now (oidc counts whole seconds, so a 2 s token lives 1–2 s: check at once).
	for name, tok := range tokens {
		if ar := apiCall(t, srv, "GET", "/fresh", "Bearer "+tok); ar.Status != 200 {
			t.Errorf("%s token right after issue: status %d, want 200", name, ar.Status)
		}
	}
	// All are rejected as expired within lifetime + 2 s (bounded wait).
	for name, tok := range tokens {
		var last APIResponse
		ok := waitFor(srv.Lifetime+2*time.Second, 100*time.Millisecond, func() bool {
			last = apiCall(t, srv, "GET", "/later", "Bearer "+tok)
			return last.Status == 401
		})
		if !ok {
			t.Fatalf("%s token still accepted %v after issue", name, srv.Lifetime+2*time.Second)
		}
		if last.JSON["reason"] != "expired" || !strings.Contains(last.WWWAuthenticate, `error="invalid_token"`) {
			t.Errorf("%s expired: reason %v, WWW-Authenticate %q", name, last.JSON["reason"], last.WWWAuthenticate)
		}
	}
	if st := srv.Stats(t); st.API.ByReason["expired"] != 4 {
		t.Errorf("api by_reason = %v, want expired 4", st.API.ByReason)
	}
}

func TestHarnessFaultPaths(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	cc := form("grant_type", "client_credentials", "client_id", "fault-client", "client_secret", "whatever", "scope", "api:read")

	tr := postToken(t, srv.FaultURL("ok"), cc, "")
	wantToken(t, "ok", tr)
	if tr.ExpiresIn != float64(30) {
		t.Errorf("ok: expires_in %v, want 30", tr.ExpiresIn)
	}
	wantAPI(t, "ok token", apiCall(t, srv, "GET", "/f", "Bearer "+tr.AccessToken), 200)

	tr = postToken(t, srv.FaultURL("ok")+"?expires_in=7", cc, "")
	wantToken(t, "ok?expires_in=7", tr)
	if tr.ExpiresIn != float64(7) {
		t.Errorf("ok?expires_in=7: expires_in %v", tr.ExpiresIn)
	}

	tr = postToken(t, srv.FaultURL("expires-string"), cc, "")
	wantToken(t, "expires-string", tr)
	if tr.ExpiresIn != "30" {
		t.Errorf("expires-string: expires_in %#v, want \"30\"", tr.ExpiresIn)
	}

	tr = postToken(t, srv.FaultURL("jwt-exp"), cc, "")
	wantToken(t, "jwt-exp", tr)
	if tr.ExpiresIn != nil {
		t.Errorf("jwt-exp: expires_in present (%v)", tr.ExpiresIn)
	}
	parts := strings.Split(tr.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("jwt-exp: access_token has %d parts, want a JWT", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("jwt-exp: payload: %v", err)
	}
	var claims struct {
		Exp int64 `json:"exp"`
		Iat int64 `json:"iat"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatalf("jwt-exp: claims: %v", err)
	}
	if now := time.Now().Unix(); claims.Exp < now+28 || claims.Exp > now+31 || claims.Exp-claims.Iat != 30 {
		t.Errorf("jwt-exp: exp-now = %d, exp-iat = %d, want 30", claims.Exp-now, claims.Exp-claims.Iat)
	}
	wantAPI(t, "jwt token", apiCall(t, srv, "GET", "/f", "Bearer "+tr.AccessToken), 200)

	tr = postToken(t, srv.FaultURL("no-expiry"), cc, "")
	wantToken(t, "no-expiry", tr)
	if tr.ExpiresIn != nil || strings.Count(tr.AccessToken, ".") == 2 {
		t.Errorf("no-expiry: expires_in %v or a JWT access token", tr.ExpiresIn)
	}
	wantAPI(t, "no-expiry token", apiCall(t, srv, "GET", "/f", "Bearer "+tr.AccessToken), 200)

	wantError(t, "500", postToken(t, srv.FaultURL("500"), cc, ""), 500, "server_error")
	wantError(t, "400", postToken(t, srv.FaultURL("400"), cc, ""), 400, "invalid_client")
	tr = postToken(t, srv.FaultURL("401"), cc, "")
	wantError(t, "401", tr, 401, "invalid_client")
	if !strings.HasPrefix(tr.WWWAuthenticate, "Basic ") {
		t.Errorf("401: WWW-Authenticate %q", tr.WWWAuthenticate)
	}
	wantError(t, "invalid-grant", postToken(t, srv.FaultURL("invalid-grant"), cc, ""), 400, "invalid_grant")
	for _, tr := range []TokenResponse{postToken(t, srv.FaultURL("500"), cc, ""), postToken(t, srv.FaultURL("400"), cc, "")} {
		if tr.ErrorDescription == "" {
			t.Errorf("error response without error_description (status %d)", tr.Status)
		}
	}

	tr = postToken(t, srv.FaultURL("html"), cc, "")
	if tr.Status != 200 || !strings.HasPrefix(tr.ContentType, "text/html") || tr.JSON != nil {
		t.Errorf("html: status %d content-type %q json %v", tr.Status, tr.ContentType, tr.JSON != nil)
	}

	tr = postToken(t, srv.FaultURL("no-access-token"), cc, "")
	if tr.Status != 200 || tr.JSON == nil || tr.AccessToken != "" || tr.ExpiresIn == nil {
		t.Errorf("no-access-token: status %d json %v access_token present %v", tr.Status, tr.JSON != nil, tr.AccessToken != "")
	}

	start := time.Now()
	tr = postToken(t, srv.FaultURL("slow")+"?ms=400", cc, "")
	if d := time.Since(start); d < 400*time.Millisecond || tr.Status != 200 || tr.AccessToken == "" {
		t.Errorf("slow?ms=400: %v, status %d", d, tr.Status)
	}

	if _, err := tryPostToken(srv.FaultURL("close"), cc, ""); err == nil {
		t.Errorf("close: want a connection error")
	}

	nf := postToken(t, srv.Fault+"/token/nope", cc, "")
	if nf.Status != 404 {
		t.Errorf("unknown fault path: status %d, want 404", nf.Status)
	}

	st := srv.Stats(t)
	f := st.Token.Fault
	// ok, ok?expires_in, expires-string, jwt-exp, no-expiry, 500, 400, 401, invalid-grant,
	// 500, 400, html, no-access-token, slow, close = 15 (the 404 is not a token request).
	if f.Requests != 15 || f.OK != 8 || f.Errors != 7 {
		t.Errorf("fault requests/ok/errors = %d/%d/%d, want 15/8/7; by_status %v", f.Requests, f.OK, f.Errors, f.ByStatus)
	}
	if f.ByStatus["500"] != 2 || f.ByStatus["400"] != 3 || f.ByStatus["401"] != 1 || f.ByStatus["0"] != 1 {
		t.Errorf("fault by_status = %v", f.ByStatus)
	}
	if f.ByAuth["body"] != 15 || f.ByClient["fault-client"] != 15 {
		t.Errorf("fault by_auth %v by_client %v", f.ByAuth, f.ByClient)
	}
	if l := st.Last["fault"]; l.Path != "/token/close" || l.Scope == nil || *l.Scope != "api:read" {
		t.Errorf("last fault request = %+v", l)
	}
}

func TestHarnessNewmanSmoke(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 30*time.Second)
	c := srv.Creds
	coll := filepath.Join(e2eDir(t), "smoke.postman_collection.json")
	tr := postToken(t, srv.OIDCToken, form("grant_type", "client_credentials"), basicAuth(c.BasicClientID, c.BasicClientSecret))
	wantToken(t, "oidc", tr)

	res := newman(t, coll, "--env-var", "api="+srv.API, "--env-var", "access_token="+tr.AccessToken)
	if res.ExitCode != 0 || res.Summary == nil {
		res.Log(t)
		t.Fatalf("newman smoke: exit %d, summary %v", res.ExitCode, res.Summary != nil)
	}
	s := res.Summary
	if s.Stat("requests").Total != 1 || s.Stat("assertions").Total != 2 || s.Stat("assertions").Failed != 0 || len(s.Run.Failures) != 0 {
		t.Errorf("newman stats requests %+v assertions %+v failures %v", s.Stat("requests"), s.Stat("assertions"), s.FailureMessages())
	}
	if len(s.Run.Executions) != 1 || s.Run.Executions[0].Response == nil || s.Run.Executions[0].Response.Code != 200 {
		t.Errorf("newman executions: %+v", s.Run.Executions)
	}
	if strings.Contains(res.Output, tr.AccessToken) {
		t.Errorf("newman output contains the access token")
	}

	// A bad token: the request is sent, gets a 401, assertions fail, newman exits 1.
	res = newman(t, coll, "--env-var", "api="+srv.API, "--env-var", "access_token=garbage-token-0123456789")
	if res.ExitCode != 1 || res.Summary == nil || res.Summary.Stat("assertions").Failed != 2 {
		res.Log(t)
		t.Fatalf("newman with a bad token: exit %d, want 1 with 2 failed assertions", res.ExitCode)
	}
	if msgs := strings.Join(res.Summary.FailureMessages(), "\n"); !strings.Contains(msgs, "401") {
		t.Errorf("failures do not mention the 401: %s", msgs)
	}

	st := srv.Stats(t)
	if st.API.Requests != 2 || st.API.OK != 1 || st.API.ByReason["invalid"] != 1 || st.Token.All.Requests != 1 {
		t.Errorf("stats after newman: api %+v, token requests %d", st.API, st.Token.All.Requests)
	}
}

// TestHarnessServersExitWhenStdinCloses proves a crashed test runner cannot
// leave servers.mjs behind: closing its stdin stops it.
func TestHarnessServersExitWhenStdinCloses(t *testing.T) {
	t.Parallel()
	srv := startServers(t, 4*time.Second)
	if srv.Lifetime != 4*time.Second || srv.RefreshLifetime <= srv.Lifetime || srv.PID == 0 {
		t.Errorf("ready line: lifetime %v refresh %v pid %d", srv.Lifetime, srv.RefreshLifetime, srv.PID)
	}
	if err := srv.proc.stdin.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.proc.done:
	case <-time.After(5 * time.Second):
		t.Fatal("servers.mjs still running 5s after its stdin closed")
	}
	// Its ports are closed now.
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.API, "http://"), time.Second); err == nil {
		t.Error("API port still accepts connections")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Logf("dial after exit: %v", err)
	}
}

func TestHarnessRedact(t *testing.T) {
	registerSecrets("test-secret-for-redact-ZX81")
	in := `Authorization: Bearer abcdefghijklmnop {"access_token":"tok123456","refresh_token":"r1"} client_secret=test-secret-for-redact-ZX81&x=1 eyJhbGciOi.eyJleHAiOjF9.sig`
	out := redact(in)
	for _, leak := range []string{"abcdefghijklmnop", "tok123456", `"r1"`, "test-secret-for-redact-ZX81", "eyJhbGciOi"} {
		if strings.Contains(out, leak) {
			t.Errorf("redact left %q in %q", leak, out)
		}
	}
	if len(scanLines("a\nb\n")) != 2 {
		t.Error("scanLines")
	}
}

func TestHarnessRequiredInCI(t *testing.T) {
	for _, tc := range []struct {
		ci, req string
		want    bool
	}{
		{"", "", false}, {"true", "", true}, {"1", "", true}, {"false", "", false}, {"", "1", true}, {"0", "0", false},
	} {
		t.Setenv("CI", tc.ci)
		t.Setenv("PMPREP_E2E_REQUIRED", tc.req)
		if got := e2eRequired(); got != tc.want {
			t.Errorf("CI=%q PMPREP_E2E_REQUIRED=%q: e2eRequired() = %v, want %v", tc.ci, tc.req, got, tc.want)
		}
	}
}
