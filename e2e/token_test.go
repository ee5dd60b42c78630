//go:build unix

package e2e

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// One request, run many times: the token is fetched once while valid.
func TestClientCredentialsFetchesOncePerLifetime(t *testing.T) {
	forEachRunner(t, testClientCredentialsFetchesOncePerLifetime)
}

func testClientCredentialsFetchesOncePerLifetime(t *testing.T, run Runner) {
	srv := startServers(t, 120*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("once", nil, item{name: "list", path: "/orders", tests: status200}),
		"--grant", "client_credentials", "--client-auth", "basic")
	e := env(t, dir, "local", map[string]string{
		"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID, "scope": "api:read",
	})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret, "-n", "200")
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.OIDC.Requests != 1 || st.API.OK != 200 || st.API.Unauthorized != 0 {
		t.Fatalf("token requests %d (want 1), API ok %d (want 200), 401s %d", st.Token.OIDC.Requests, st.API.OK, st.API.Unauthorized)
	}
	if st.Token.OIDC.ByAuth["basic"] != 1 || st.Last["oidc"].Scope == nil || *st.Last["oidc"].Scope != "api:read" {
		t.Errorf("token request did not use Basic auth with scope api:read: %+v", st.Last["oidc"])
	}
}

// Client authentication: Basic and body each work with the client that
// accepts only them; the mismatch fails clearly and the request is not sent.
func TestClientAuthentication(t *testing.T) { forEachRunner(t, testClientAuthentication) }

func testClientAuthentication(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	cases := []struct {
		name, clientAuth, id, secret string
		ok                           bool
	}{
		{"basic", "basic", srv.Creds.BasicClientID, srv.Creds.BasicClientSecret, true},
		{"body", "body", srv.Creds.BodyClientID, srv.Creds.BodyClientSecret, true},
		{"form-encoded basic (RFC 6749 2.3.1)", "basic", srv.Creds.SpecialClientID, srv.Creds.SpecialClientSecret, true},
		{"body for a basic-only client", "body", srv.Creds.BasicClientID, srv.Creds.BasicClientSecret, false},
		{"wrong secret", "basic", srv.Creds.BasicClientID, "not-the-secret-" + srv.Creds.BodyClientSecret, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetStats(t)
			dir := t.TempDir()
			coll := injected(t, dir, collectionJSON("auth", nil, item{name: "me", path: "/me", tests: status200}), "--client-auth", c.clientAuth)
			e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": c.id})
			registerSecrets(c.secret)
			r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+c.secret, "-n", "3")
			st := srv.Stats(t)
			if c.ok {
				mustPass(t, r)
				if st.Token.OIDC.Requests != 1 || st.Token.OIDC.ByAuth[c.clientAuth] != 1 {
					t.Errorf("want one %s-authenticated token request, got %+v", c.clientAuth, st.Token.OIDC)
				}
				return
			}
			mustFailWith(t, r, "pmprep: token request", "invalid_client", "401")
			if st.API.Requests != 0 {
				t.Errorf("the main request was sent %d times with no token", st.API.Requests)
			}
		})
	}
}

// Short tokens: one run crosses several expiries, renews before each, and
// never sends an expired token — nor fetches once per request.
func TestRenewsBeforeExpiry(t *testing.T) { forEachRunner(t, testRenewsBeforeExpiry) }

func testRenewsBeforeExpiry(t *testing.T, run Runner) {
	srv := startServers(t, 3*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("renew", nil,
		item{name: "a", path: "/a", tests: status200}, item{name: "b", path: "/b", tests: status200}),
		"--skew", "1s")
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret, "-n", "12", "--delay-request", "350")
	mustPass(t, r)
	st := srv.Stats(t)
	requests := st.API.Requests
	t.Logf("%d API requests over %v, %d token requests", requests, r.Duration.Round(time.Second), st.Token.OIDC.Requests)
	if st.Token.OIDC.Requests < 3 {
		t.Errorf("token requests = %d, want >= 3 (a fetch and at least two renewals)", st.Token.OIDC.Requests)
	}
	if st.Token.OIDC.Requests > requests/2 {
		t.Errorf("token requests = %d for %d API requests: renewing far too often", st.Token.OIDC.Requests, requests)
	}
	if st.API.Unauthorized != 0 {
		t.Errorf("%d requests were sent with an expired token", st.API.Unauthorized)
	}
}

// Password grant: renewal uses the returned refresh token, with rotation.
func TestPasswordGrantRenewsWithRotatedRefreshToken(t *testing.T) {
	forEachRunner(t, testPasswordGrantRenewsWithRotatedRefreshToken)
}

func testPasswordGrantRenewsWithRotatedRefreshToken(t *testing.T, run Runner) {
	srv := startServers(t, 2*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("pw", nil, item{name: "me", path: "/me", tests: status200}),
		"--grant", "password", "--client-auth", "body", "--skew", "500ms")
	e := env(t, dir, "local", map[string]string{
		"base_url": srv.API, "token_url": srv.OAuth2Token, "client_id": srv.Creds.OAuth2ClientID, "username": srv.Creds.Username,
	})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.OAuth2ClientSecret,
		"--env-var", "password="+srv.Creds.Password, "-n", "10", "--delay-request", "500")
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.OAuth2.ByGrant["password"] != 1 {
		t.Errorf("password grant used %d times, want 1 (then refresh)", st.Token.OAuth2.ByGrant["password"])
	}
	if st.Token.OAuth2.ByGrant["refresh_token"] < 1 || st.RefreshRotations < 1 || st.RefreshReuse != 0 {
		t.Errorf("refresh_token grants %d, rotations %d, reuse of rotated tokens %d", st.Token.OAuth2.ByGrant["refresh_token"], st.RefreshRotations, st.RefreshReuse)
	}
	if st.API.Unauthorized != 0 {
		t.Errorf("%d requests sent with an expired token", st.API.Unauthorized)
	}
}

// refresh_token grant: the newest refresh token is always used; a rejected
// one falls back to client credentials when a secret is configured.
func TestRefreshTokenGrant(t *testing.T) { forEachRunner(t, testRefreshTokenGrant) }

func testRefreshTokenGrant(t *testing.T, run Runner) {
	srv := startServers(t, 2*time.Second)
	initial := postToken(t, srv.OAuth2Token, url.Values{
		"grant_type": {"password"}, "username": {srv.Creds.Username}, "password": {srv.Creds.Password},
	}, basicAuth(srv.Creds.OAuth2ClientID, srv.Creds.OAuth2ClientSecret))
	if initial.RefreshToken == "" {
		t.Fatalf("no initial refresh token (status %d)", initial.Status)
	}
	registerSecrets(initial.RefreshToken)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("refresh", nil, item{name: "me", path: "/me", tests: status200}),
		"--grant", "refresh_token", "--skew", "500ms")
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OAuth2Token, "client_id": srv.Creds.OAuth2ClientID})

	t.Run("rotation", func(t *testing.T) {
		srv.ResetStats(t)
		r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.OAuth2ClientSecret,
			"--env-var", "refresh_token="+initial.RefreshToken, "-n", "10", "--delay-request", "500")
		mustPass(t, r)
		st := srv.Stats(t)
		if st.RefreshRotations < 2 || st.RefreshReuse != 0 || st.API.Unauthorized != 0 {
			t.Errorf("rotations %d (want >= 2), reuse %d, 401s %d", st.RefreshRotations, st.RefreshReuse, st.API.Unauthorized)
		}
	})
	t.Run("rejected refresh falls back to client credentials", func(t *testing.T) {
		srv.ResetStats(t)
		r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.OAuth2ClientSecret,
			"--env-var", "refresh_token="+initial.RefreshToken, "-n", "2") // rotated out by the run above
		mustPass(t, r)
		st := srv.Stats(t)
		if st.Token.OAuth2.ByGrant["client_credentials"] < 1 {
			t.Errorf("no client_credentials fallback: %+v", st.Token.OAuth2.ByGrant)
		}
		if !strings.Contains(r.Output, "refresh") || !strings.Contains(r.Output, "rejected") {
			r.Log(t)
			t.Errorf("the rejected refresh is not reported")
		}
	})
}

// Failures are loud: a failed test named for the cause, newman exit 1, and
// the main request not sent.
func TestLoudFailures(t *testing.T) { forEachRunner(t, testLoudFailures) }

func testLoudFailures(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("fail", nil, item{name: "me", path: "/me", tests: status200}))
	closed := "http://127.0.0.1:9/token" // discard port: nothing listens on loopback
	cases := []struct {
		name, tokenURL string
		drop           string // variable left out of the environment
		test           string
		parts          []string
	}{
		{"server down", closed, "", "pmprep: token request", []string{"ECONNREFUSED"}},
		{"http 500", srv.FaultURL("500"), "", "pmprep: token request", []string{"500", "server_error"}},
		{"not json", srv.FaultURL("html"), "", "pmprep: token request", []string{"JSON"}},
		{"no access_token", srv.FaultURL("no-access-token"), "", "pmprep: token request", []string{"access_token"}},
		{"missing variable", srv.OIDCToken, "client_id", "pmprep: token variables", []string{"client_id", "environment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetStats(t)
			vars := map[string]string{"base_url": srv.API, "token_url": c.tokenURL, "client_id": srv.Creds.BasicClientID}
			delete(vars, c.drop)
			e := env(t, t.TempDir(), "local", vars)
			r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret)
			mustFailWith(t, r, c.test, c.parts...)
			if st := srv.Stats(t); st.API.Requests != 0 {
				t.Errorf("main request sent %d times", st.API.Requests)
			}
		})
	}
}

// Without expires_in, the JWT exp claim decides when to renew.
func TestJWTExpFallback(t *testing.T) { forEachRunner(t, testJWTExpFallback) }

func testJWTExpFallback(t *testing.T, run Runner) {
	srv := startServers(t, 2*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("jwt", nil, item{name: "me", path: "/me", tests: status200}), "--skew", "500ms")
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.FaultURL("jwt-exp"), "client_id": "jwt-client"})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret=x", "-n", "10", "--delay-request", "500")
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.Fault.Requests < 2 || st.Token.Fault.Requests > 8 || st.API.Unauthorized != 0 {
		t.Errorf("token requests %d for 10 requests over ~5 s of 2 s tokens; 401s %d", st.Token.Fault.Requests, st.API.Unauthorized)
	}
}

// --retry-401: a token revoked on the server is dropped and the request
// re-sent once with a fresh one.
func TestRetry401AfterRevocation(t *testing.T) { forEachRunner(t, testRetry401AfterRevocation) }

func testRetry401AfterRevocation(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	noauth := `{"type": "noauth"}`
	coll := injected(t, dir, collectionJSON("retry", nil,
		item{name: "first", path: "/first", tests: status200},
		item{name: "revoke", method: "POST", path: "", auth: noauth},
		item{name: "after revocation", path: "/after"},
	), "--retry-401")
	// The revoke item calls the admin server: point its URL there.
	data, _ := os.ReadFile(coll)
	data = []byte(strings.Replace(string(data), `"url": "{{base_url}}"`, `"url": "`+srv.Admin+`/admin/revoke-all"`, 1))
	os.WriteFile(coll, data, 0o644)
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.API.Unauthorized != 1 || st.API.OK != 2 || st.Token.OIDC.Requests != 2 {
		t.Errorf("401s %d (want 1), ok %d (want 2), token requests %d (want 2)", st.API.Unauthorized, st.API.OK, st.Token.OIDC.Requests)
	}
	// newman's JSON report can list a re-sent execution twice; the API's
	// count above is the ground truth. The last answer must be the 200.
	var last int
	for _, ex := range r.Summary.Run.Executions {
		if ex.Item.Name == "after revocation" && ex.Response != nil {
			last = ex.Response.Code
		}
	}
	if last != 200 {
		r.Log(t)
		t.Errorf("the revoked request ended with %d, want 200 after the retry", last)
	}
}

// The user's own collection script still runs; requests with their own
// auth keep it; a stale token in the environment cannot shadow pmprep's.
func TestCoexistence(t *testing.T) { forEachRunner(t, testCoexistence) }

func testCoexistence(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("mixed",
		[]string{"pm.variables.set('user_marker', 'user script ran');"},
		item{name: "apikey request", path: "/keyed", auth: `{"type": "apikey", "apikey": [{"key": "key", "value": "X-Api-Key"}, {"key": "value", "value": "{{api_key}}"}]}`,
			tests: []string{`pm.test("own auth kept: no bearer sent", () => pm.response.to.have.status(401));`}},
		item{name: "bearer pasted by hand", path: "/pasted", auth: `{"type": "bearer", "bearer": [{"key": "token", "value": "stale-pasted-token"}]}`,
			headers: `[{"key": "Authorization", "value": "Bearer stale-header-token"}]`,
			tests:   append(status200, `pm.test("user script ran", () => pm.expect(pm.variables.get('user_marker')).to.equal('user script ran'));`)},
	))
	e := env(t, dir, "local", map[string]string{
		"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID,
		"pmprep_access_token": "stale-token-in-environment", "access_token": "stale", "api_key": "k",
	})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.API.ByReason["missing"] != 1 || st.API.OK != 1 || st.Token.OIDC.Requests != 1 {
		t.Errorf("API: %+v; token requests %d", st.API, st.Token.OIDC.Requests)
	}
}

// Zero-config: a collection exported with an oauth2 block works without
// flags; its literal secret is moved out of the file.
func TestZeroConfig(t *testing.T) { forEachRunner(t, testZeroConfig) }

func testZeroConfig(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	planted := "planted-literal-secret-QX7"
	registerSecrets(planted)
	coll := collectionJSON("zero", nil, item{name: "me", path: "/me", tests: status200})
	oauth := fmt.Sprintf(`,
	"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "client_credentials"},
		{"key": "accessTokenUrl", "value": %q},
		{"key": "clientId", "value": %q},
		{"key": "clientSecret", "value": %q},
		{"key": "client_authentication", "value": "body"},
		{"key": "scope", "value": "api:read"}
	]}
}
`, srv.OIDCToken, srv.Creds.BodyClientID, planted)
	coll = strings.TrimSuffix(coll, "\n}\n") + oauth
	out := injected(t, dir, coll)
	data, _ := os.ReadFile(out)
	if strings.Contains(string(data), planted) {
		t.Fatal("the literal client secret is still in the injected collection")
	}
	// No environment at all: the token URL, client id and scope came along as collection variables.
	r := run.Run(t, out, "--env-var", "client_secret="+srv.Creds.BodyClientSecret, "--env-var", "base_url="+srv.API)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.ByAuth["body"] != 1 {
		t.Errorf("token request not body-authenticated: %+v", st.Token.OIDC.ByAuth)
	}
}

// Tokens are isolated per client: iteration data that switches the client
// gets that client's own token.
func TestTokensIsolatedPerClient(t *testing.T) { forEachRunner(t, testTokensIsolatedPerClient) }

func testTokensIsolatedPerClient(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("iso", nil, item{name: "me", path: "/me", tests: status200}))
	data := filepath.Join(dir, "data.json")
	os.WriteFile(data, []byte(fmt.Sprintf(`[{"client_id": %q, "client_secret": %q}, {"client_id": %q, "client_secret": %q}, {"client_id": %q, "client_secret": %q}]`,
		srv.Creds.BasicClientID, srv.Creds.BasicClientSecret, srv.Creds.SpecialClientID, srv.Creds.SpecialClientSecret,
		srv.Creds.BasicClientID, srv.Creds.BasicClientSecret)), 0o600)
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken})
	r := run.Run(t, coll, "-e", e, "-d", data)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.OIDC.Requests != 2 || st.API.ByClient[srv.Creds.BasicClientID] != 2 || st.API.ByClient[srv.Creds.SpecialClientID] != 1 {
		t.Errorf("token requests %d (want 2: one per client, the third iteration reuses), API by client %v", st.Token.OIDC.Requests, st.API.ByClient)
	}
}

// --persist-refresh-token: the rotated refresh token travels to the next
// run through newman --export-environment; without it a second run would
// present a rotated-out token.
func TestPersistRefreshTokenAcrossRuns(t *testing.T) {
	srv := startServers(t, 2*time.Second)
	initial := postToken(t, srv.OAuth2Token, url.Values{
		"grant_type": {"password"}, "username": {srv.Creds.Username}, "password": {srv.Creds.Password},
	}, basicAuth(srv.Creds.OAuth2ClientID, srv.Creds.OAuth2ClientSecret))
	registerSecrets(initial.RefreshToken)
	dir := t.TempDir()
	coll := injected(t, dir, collectionJSON("persist", nil, item{name: "me", path: "/me", tests: status200}),
		"--grant", "refresh_token", "--persist-refresh-token")
	e := env(t, dir, "ci", map[string]string{"base_url": srv.API, "token_url": srv.OAuth2Token,
		"client_id": srv.Creds.OAuth2ClientID, "refresh_token": initial.RefreshToken})
	exported := filepath.Join(dir, "exported.postman_environment.json")
	secret := "client_secret=" + srv.Creds.OAuth2ClientSecret
	mustPass(t, newman(t, coll, "-e", e, "--env-var", secret, "--export-environment", exported))
	srv.ResetStats(t)
	mustPass(t, newman(t, coll, "-e", exported, "--env-var", secret))
	st := srv.Stats(t)
	g := st.Token.OAuth2.ByGrant
	if st.RefreshReuse != 0 || g["refresh_token"] != 1 || g["client_credentials"] != 0 || st.API.OK != 1 {
		t.Errorf("second run: reuse of a rotated token %d, grants %v, API ok %d", st.RefreshReuse, g, st.API.OK)
	}
}

// Requests under a folder with other auth (apikey, noauth) do not fetch a
// token — the pre-request script cannot see inherited auth, so inject tells
// it which folders those are — while a bearer folder inside one does.
func TestFoldersWithOtherAuthSkipTheToken(t *testing.T) {
	forEachRunner(t, testFoldersWithOtherAuthSkipTheToken)
}

func testFoldersWithOtherAuthSkipTheToken(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := `{
	"info": {"name": "folders", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [
		{
			"name": "Public",
			"auth": {"type": "noauth"},
			"item": [
				{"name": "health", "event": [{"listen": "test", "script": {"exec": ["pm.test('no token sent', () => pm.response.to.have.status(401));"]}}],
				 "request": {"method": "GET", "url": "{{base_url}}/health"}},
				{
					"name": "Private again",
					"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "pasted-by-hand"}]},
					"item": [
						{"name": "secret stuff", "event": [{"listen": "test", "script": {"exec": ["pm.test('200', () => pm.response.to.have.status(200));"]}}],
						 "request": {"method": "GET", "url": "{{base_url}}/private"}}
					]
				}
			]
		}
	]
}
`
	out := injected(t, dir, coll)
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	r := run.Run(t, out, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret, "--folder", "Public")
	mustPass(t, r)
	st := srv.Stats(t)
	if st.API.ByReason["missing"] != 1 || st.API.OK != 1 || st.Token.OIDC.Requests != 1 {
		t.Errorf("API %+v, token requests %d: want the public request unauthenticated and one token for the private one", st.API, st.Token.OIDC.Requests)
	}
	// With no credentials at all the public request still runs: it needs no token.
	srv.ResetStats(t)
	pub := env(t, t.TempDir(), "public", map[string]string{"base_url": srv.API})
	r = run.Run(t, out, "-e", pub, "--folder", "health")
	mustPass(t, r)
	if st := srv.Stats(t); st.API.Requests != 1 || st.Token.All.Requests != 0 {
		t.Errorf("public request: API requests %d, token requests %d", st.API.Requests, st.Token.All.Requests)
	}
}

// The script tells folders apart by name path (inherited auth is invisible
// to it). Two folders named "Reports", one public (noauth), one that
// inherits the token: the private one must still get its token, so inject
// makes the shared name fetch and says so.
func TestFoldersSharingANameStillGetTheirToken(t *testing.T) {
	forEachRunner(t, testFoldersSharingANameStillGetTheirToken)
}

func testFoldersSharingANameStillGetTheirToken(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := `{
	"info": {"name": "same names", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [
		{"name": "Reports", "auth": {"type": "noauth"}, "item": [
			{"name": "public report", "event": [{"listen": "test", "script": {"exec": ["pm.test('no token sent', () => pm.response.to.have.status(401));"]}}],
			 "request": {"method": "GET", "url": "{{base_url}}/health"}}
		]},
		{"name": "Reports", "item": [
			{"name": "private report", "event": [{"listen": "test", "script": {"exec": ["pm.test('200', () => pm.response.to.have.status(200));"]}}],
			 "request": {"method": "GET", "url": "{{base_url}}/private"}}
		]}
	]
}
`
	in := filepath.Join(dir, "api.postman_collection.json")
	out := filepath.Join(dir, "injected.postman_collection.json")
	if err := os.WriteFile(in, []byte(coll), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := pmprep(t, dir, "inject", in, "-o", out)
	if code != 0 || !strings.Contains(stderr, "warning: folders of this name send different tokens") || !strings.Contains(stderr, "    Reports\n") {
		t.Fatalf("inject exit %d, want 0 and a warning naming Reports:\n%s", code, redact(stderr))
	}
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	r := run.Run(t, out, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.API.OK != 1 || st.API.ByReason["missing"] != 1 || st.Token.OIDC.Requests != 1 {
		t.Errorf("API %+v, token requests %d: want the private report authorised, the public one sent without a token, one token", st.API, st.Token.OIDC.Requests)
	}
}
