//go:build unix

package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A collection like Microsoft Graph's: most requests send
// {{UserAccessToken}}, some {{AppAccessToken}}. With tokens: in pmprep.yaml
// (the user token by the refresh_token grant at the oauth2 server, the app
// token by client_credentials at oidc-provider), inject manages both: each
// request gets its own kind of token, each token is fetched once, and
// requests of one kind never fetch the other.
func TestTokensConfigManagesTwoDomains(t *testing.T) {
	forEachRunner(t, testTokensConfigManagesTwoDomains)
}

func testTokensConfigManagesTwoDomains(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	user := `{"type": "bearer", "bearer": [{"key": "token", "value": "{{UserAccessToken}}", "type": "string"}]}`
	app := `{"type": "bearer", "bearer": [{"key": "token", "value": "{{AppAccessToken}}", "type": "string"}]}`
	coll := collectionJSON("graph-like", nil,
		item{name: "me", path: "/me", auth: user, tests: []string{`pm.test("user token", () => { pm.response.to.have.status(200); pm.expect(pm.response.json().server).to.equal("oauth2"); });`}},
		item{name: "my files", path: "/me/files", auth: user, tests: []string{`pm.test("user token", () => { pm.response.to.have.status(200); pm.expect(pm.response.json().server).to.equal("oauth2"); });`}},
		item{name: "all users", path: "/users", auth: app, tests: []string{`pm.test("app token", () => { pm.response.to.have.status(200); pm.expect(pm.response.json().server).to.equal("oidc"); });`}},
		item{name: "me again", path: "/me", auth: user, tests: status200},
	)
	cfg := filepath.Join(dir, "pmprep.yaml")
	if err := os.WriteFile(cfg, []byte(`tokens:
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
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := injected(t, dir, coll, "--config", cfg)

	// A refresh token obtained once, as a person would with the app.
	c := srv.Creds
	login := postToken(t, srv.OAuth2Token, url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}}, basicAuth(c.OAuth2ClientID, c.OAuth2ClientSecret))
	if login.RefreshToken == "" {
		t.Fatalf("no refresh token from the password grant (HTTP %d)", login.Status)
	}
	registerSecrets(login.RefreshToken, login.AccessToken)
	e := env(t, dir, "graph", map[string]string{
		"base_url":       srv.API,
		"user_token_url": srv.OAuth2Token, "user_client_id": c.OAuth2ClientID,
		"app_token_url": srv.OIDCToken, "app_client_id": c.BasicClientID,
	})
	srv.ResetStats(t)
	r := run.Run(t, out, "-e", e,
		"--env-var", "user_client_secret="+c.OAuth2ClientSecret,
		"--env-var", "user_refresh_token="+login.RefreshToken,
		"--env-var", "app_client_secret="+c.BasicClientSecret)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.OAuth2.Requests != 1 || st.Token.OAuth2.ByGrant["refresh_token"] != 1 || st.Token.OIDC.Requests != 1 {
		t.Errorf("token requests: oauth2 %d (%v), oidc %d; want one of each", st.Token.OAuth2.Requests, st.Token.OAuth2.ByGrant, st.Token.OIDC.Requests)
	}
	if st.API.OK != 4 || st.API.ByServer["oauth2"] != 3 || st.API.ByServer["oidc"] != 1 {
		t.Errorf("API %+v: want 3 requests with the user token, 1 with the app token", st.API)
	}

	// Only the app request: the user token is never fetched.
	srv.ResetStats(t)
	r = run.Run(t, out, "-e", e, "--folder", "all users", "--env-var", "app_client_secret="+c.BasicClientSecret)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OAuth2.Requests != 0 || st.Token.OIDC.Requests != 1 {
		t.Errorf("--folder 'all users': oauth2 token requests %d, oidc %d; want 0 and 1", st.Token.OAuth2.Requests, st.Token.OIDC.Requests)
	}
}

// The user's own collection script runs before pmprep's block: it may set
// the token's inputs (here the token URL and client id), and pmprep uses
// them. A user script that fails does not take pmprep's block down.
func TestUserLinesRunFirst(t *testing.T) { forEachRunner(t, testUserLinesRunFirst) }

func testUserLinesRunFirst(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	c := srv.Creds
	user := []string{
		"pm.environment.set('token_url', pm.environment.get('my_auth_server') + '/token');",
		"pm.environment.set('client_id', " + jsString(c.BasicClientID) + ");",
	}
	coll := collectionJSON("user lines", user, item{name: "r", path: "/r", tests: status200})
	out := injected(t, dir, coll)
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "my_auth_server": strings.TrimSuffix(srv.OIDCToken, "/token")})
	r := run.Run(t, out, "-e", e, "--env-var", "client_secret="+c.BasicClientSecret)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.Requests != 1 || st.API.OK != 1 {
		t.Errorf("token requests %d, API OK %d; want 1 and 1", st.Token.OIDC.Requests, st.API.OK)
	}

	// A user script that throws (or does not compile) still lets pmprep's run.
	broken := collectionJSON("broken user lines", []string{"throw new Error('user script fails');"}, item{name: "r", path: "/r", tests: status200})
	out = injected(t, t.TempDir(), broken)
	srv.ResetStats(t)
	e = env(t, dir, "local2", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": c.BasicClientID})
	r = run.Run(t, out, "-e", e, "--env-var", "client_secret="+c.BasicClientSecret)
	if st := srv.Stats(t); st.Token.OIDC.Requests != 1 || st.API.OK != 1 {
		r.Log(t)
		t.Errorf("with a failing user script: token requests %d, API OK %d; want 1 and 1", st.Token.OIDC.Requests, st.API.OK)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Two folders named "Reports", one public (noauth), one that inherits the
// token. Their requests carry ids (as Postman exports them): the script
// tells them apart by pm.info.requestId, so the public request fetches no
// token, even when the token's inputs are missing.
func TestSharedFolderNamesByRequestID(t *testing.T) {
	forEachRunner(t, testSharedFolderNamesByRequestID)
}

func testSharedFolderNamesByRequestID(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := `{
	"info": {"name": "same names, ids", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
	"item": [
		{"name": "Reports", "auth": {"type": "noauth"}, "item": [
			{"id": "a1b2c3d4-0000-4000-8000-000000000001", "name": "public report", "event": [{"listen": "test", "script": {"exec": ["pm.test('no token sent', () => pm.response.to.have.status(401));"]}}],
			 "request": {"method": "GET", "url": "{{base_url}}/health"}}
		]},
		{"name": "Reports", "item": [
			{"id": "a1b2c3d4-0000-4000-8000-000000000002", "name": "private report", "event": [{"listen": "test", "script": {"exec": ["pm.test('200', () => pm.response.to.have.status(200));"]}}],
			 "request": {"method": "GET", "url": "{{base_url}}/private"}}
		]}
	]
}
`
	out := injected(t, dir, coll)
	c := srv.Creds
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": c.BasicClientID})
	r := newman(t, out, "-e", e, "--env-var", "client_secret="+c.BasicClientSecret)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.Requests != 1 || st.API.OK != 1 {
		t.Errorf("token requests %d, API OK %d; want 1 and 1", st.Token.OIDC.Requests, st.API.OK)
	}
	// No credentials at all: the public request still runs, with no token request.
	srv.ResetStats(t)
	pub := env(t, dir, "public", map[string]string{"base_url": srv.API})
	r = newman(t, out, "-e", pub, "--folder", "public report")
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.All.Requests != 0 || st.API.Requests != 1 {
		t.Errorf("public request: token requests %d, API requests %d", st.Token.All.Requests, st.API.Requests)
	}
}
