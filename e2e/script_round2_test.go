//go:build unix

package e2e

// Round 2 of the generated script, under the real newman against the real
// servers: several token domains decided per request, inputs from every
// scope (globals behind an empty collection variable), no request storms,
// no silent grant switch, and the 401 retry that a request's own
// setNextRequest overrides. The collections are built here around
// script.Render's lines (not pmprep inject, which has its own tests).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmprep/pmprep/script"
)

// r2Item is a request (or, with items, a folder) of a round-2 collection.
type r2Item struct {
	name   string
	auth   any               // nil inherits
	header map[string]string // request headers
	path   string            // after {{base_url}}
	pre    []string          // the request's own pre-request script
	tests  []string          // the request's own test script
	items  []r2Item          // a folder when non-nil
}

func bearerAuth(variable string) map[string]any {
	return map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": "{{" + variable + "}}", "type": "string"}}}
}

var noAuth = map[string]any{"type": "noauth"}

func events(pre, test []string) []any {
	var ev []any
	if pre != nil {
		ev = append(ev, map[string]any{"listen": "prerequest", "script": map[string]any{"type": "text/javascript", "exec": pre}})
	}
	if test != nil {
		ev = append(ev, map[string]any{"listen": "test", "script": map[string]any{"type": "text/javascript", "exec": test}})
	}
	return ev
}

func (it r2Item) json() map[string]any {
	m := map[string]any{"name": it.name}
	if it.items != nil {
		var items []any
		for _, c := range it.items {
			items = append(items, c.json())
		}
		m["item"] = items
		if it.auth != nil {
			m["auth"] = it.auth
		}
		return m
	}
	if ev := events(it.pre, it.tests); ev != nil {
		m["event"] = ev
	}
	req := map[string]any{"method": "GET", "url": "{{base_url}}" + it.path}
	if it.auth != nil {
		req["auth"] = it.auth
	}
	var headers []any
	for k, v := range it.header {
		headers = append(headers, map[string]any{"key": k, "value": v})
	}
	if headers != nil {
		req["header"] = headers
	}
	m["request"] = req
	return m
}

// r2Collection writes a v2.1 collection whose collection scripts are
// exactly script.Render(sc)'s blocks and returns its path.
func r2Collection(t testing.TB, dir, name string, sc script.Script, auth any, vars map[string]string, items ...r2Item) string {
	t.Helper()
	r, err := script.Render(sc)
	if err != nil {
		t.Fatalf("script.Render: %v", err)
	}
	var list []any
	for _, it := range items {
		list = append(list, it.json())
	}
	c := map[string]any{
		"info":  map[string]any{"name": name, "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
		"item":  list,
		"event": events(r.PreRequest, r.Test),
	}
	if auth != nil {
		c["auth"] = auth
	}
	if vars != nil {
		var vs []any
		keys := make([]string, 0, len(vars))
		for k := range vars {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			vs = append(vs, map[string]any{"key": k, "value": vars[k]})
		}
		c["variable"] = vs
	}
	data, err := json.MarshalIndent(c, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".postman_collection.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// appAndUser: an app token (oidc, client_credentials, Basic) in
// AppAccessToken and a user token (oauth2, password, body) in
// UserAccessToken.
func appAndUser() script.Script {
	app := script.Defaults()
	app.Name = "app"
	app.Vars.AccessToken = "AppAccessToken"
	user := script.Defaults()
	user.Name = "user"
	user.Grant = script.GrantPassword
	user.ClientAuth = script.ClientAuthBody
	user.TokenURL = "{{user_token_url}}"
	user.Scope = ""
	user.Vars.ClientID = "user_client_id"
	user.Vars.ClientSecret = "user_client_secret"
	user.Vars.AccessToken = "UserAccessToken"
	return script.Script{Tokens: []script.Settings{app, user}, Inherit: []int{0}}
}

func oneToken(s script.Settings) script.Script {
	return script.Script{Tokens: []script.Settings{s}, Inherit: []int{0}}
}

func statusIs(code int) []string {
	return []string{`pm.test("status ` + itoa(code) + `", function () { pm.response.to.have.status(` + itoa(code) + `); });`}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// cliText undoes the CLI reporter's wrapping of console lines, so that a
// line can be searched for whole.
func cliText(out string) string {
	return regexp.MustCompile(`\n\s*[│|] ?`).ReplaceAllString(out, "")
}

// sentPaths lists, in order, the paths of the main requests newman sent
// (its report lists an item once per event, so the CLI lines are simpler).
func sentPaths(r NewmanResult) []string {
	var paths []string
	re := regexp.MustCompile(`^\s*GET http://127\.0\.0\.1:\d+(/\S*)`)
	for _, l := range scanLines(r.Output) {
		if m := re.FindStringSubmatch(l); m != nil {
			paths = append(paths, m[1])
		}
	}
	return paths
}

// Two domains: each token is fetched only for the requests that use it —
// by inherited auth (collection, folder) or by referencing its variable in
// their own auth or headers — and both reach the API.
func TestRound2TwoDomains(t *testing.T) { forEachRunner(t, testRound2TwoDomains) }

func testRound2TwoDomains(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	sc := appAndUser()
	sc.Folders = []script.FolderRule{{Path: []string{"Users"}, Tokens: []int{1}}}
	e := env(t, dir, "local", map[string]string{
		"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID,
		"user_token_url": srv.OAuth2Token, "user_client_id": srv.Creds.OAuth2ClientID, "username": srv.Creds.Username,
	})
	secrets := []string{"--env-var", "client_secret=" + srv.Creds.BasicClientSecret,
		"--env-var", "user_client_secret=" + srv.Creds.OAuth2ClientSecret, "--env-var", "password=" + srv.Creds.Password}

	appOnly := r2Collection(t, dir, "app-only", sc, bearerAuth("AppAccessToken"), nil,
		r2Item{name: "app list", path: "/app", tests: statusIs(200)},
		r2Item{name: "public", path: "/public", auth: noAuth, tests: statusIs(401)},
	)
	r := run.Run(t, append([]string{appOnly, "-e", e, "-n", "3"}, secrets...)...)
	mustPass(t, r)
	st := srv.Stats(t)
	if st.Token.OIDC.Requests != 1 || st.Token.OAuth2.Requests != 0 {
		t.Errorf("app-only: token requests oidc %d (want 1), oauth2 %d (want 0: no request uses the user token)", st.Token.OIDC.Requests, st.Token.OAuth2.Requests)
	}
	if st.API.OK != 3 || st.API.ByReason["missing"] != 3 {
		t.Errorf("app-only: API ok %d (want 3), sent without a token %d (want 3)", st.API.OK, st.API.ByReason["missing"])
	}

	srv.ResetStats(t)
	both := r2Collection(t, dir, "both", sc, bearerAuth("AppAccessToken"), nil,
		r2Item{name: "app list", path: "/app", tests: statusIs(200)},
		r2Item{name: "user me", path: "/me", auth: bearerAuth("UserAccessToken"), tests: statusIs(200)},
		r2Item{name: "user header", path: "/me/h", auth: noAuth, header: map[string]string{"Authorization": "Bearer {{UserAccessToken}}"}, tests: statusIs(200)},
		r2Item{name: "Users", auth: bearerAuth("UserAccessToken"), items: []r2Item{{name: "in folder", path: "/users/me", tests: statusIs(200)}}},
		r2Item{name: "public", path: "/public", auth: noAuth, tests: statusIs(401)},
	)
	r = run.Run(t, append([]string{both, "-e", e, "-n", "3"}, secrets...)...)
	mustPass(t, r)
	st = srv.Stats(t)
	if st.Token.OIDC.Requests != 1 || st.Token.OAuth2.Requests != 1 || st.Token.OAuth2.ByGrant["password"] != 1 {
		t.Errorf("token requests: oidc %d (want 1), oauth2 %+v (want one password grant)", st.Token.OIDC.Requests, st.Token.OAuth2)
	}
	if st.API.OK != 12 || st.API.ByServer["oidc"] != 3 || st.API.ByServer["oauth2"] != 9 || st.API.Unauthorized != 3 {
		t.Errorf("API: ok %d (want 12), by server %v (want oidc 3, oauth2 9), 401s %d (want 3, the noauth request)", st.API.OK, st.API.ByServer, st.API.Unauthorized)
	}
}

// A rejected token request is made once, not once per request: every
// request fails with the server's message, the later ones without asking.
func TestRound2RejectionIsNotRepeated(t *testing.T) {
	forEachRunner(t, testRound2RejectionIsNotRepeated)
}

func testRound2RejectionIsNotRepeated(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := r2Collection(t, dir, "rejected", oneToken(script.Defaults()), bearerAuth("pmprep_access_token"), nil,
		r2Item{name: "list", path: "/orders", tests: statusIs(200)})
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.FaultURL("401"), "client_id": "c"})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret=not-a-secret-x", "-n", "20")
	mustFailWith(t, r, script.TestTokenRequest, "HTTP 401", "invalid_client - injected fault: client authentication failed")
	st := srv.Stats(t)
	if st.Token.Fault.Requests != 1 || st.API.Requests != 0 {
		t.Errorf("token requests %d (want 1 for 20 requests), API requests %d (want 0)", st.Token.Fault.Requests, st.API.Requests)
	}
	notRetried := 0
	for _, f := range r.Summary.Run.Failures {
		if f.Error.Test == script.TestTokenRequest && strings.Contains(f.Error.Message, "not retried") {
			notRetried++
		}
	}
	if n := len(r.Summary.Run.Failures); n != 20 || notRetried != 19 {
		t.Errorf("%d failures (want 20, one per request), %d saying not retried (want 19)", n, notRetried)
	}
}

// Transient failures (5xx, 429) are retried at most once per 10 s, longer
// when Retry-After (seconds or an HTTP date) asks for it.
func TestRound2TransientFailuresHeld(t *testing.T) { forEachRunner(t, testRound2TransientFailuresHeld) }

func testRound2TransientFailuresHeld(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	cases := []struct {
		name, mode, status string
		want               int
	}{
		{"500 every 10 s", "500", "500", 2},
		{"429 Retry-After 30 seconds", "429?retry_after=30", "429", 1},
		{"503 Retry-After date", "503-date?retry_after=30", "503", 1},
	}
	var mu sync.Mutex
	results := map[string]NewmanResult{}
	t.Run("runs", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				coll := r2Collection(t, dir, "transient", oneToken(script.Defaults()), bearerAuth("pmprep_access_token"), nil,
					r2Item{name: "list", path: "/orders"})
				e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.FaultURL(c.mode), "client_id": "c"})
				// About 14 s: a 10 s hold allows a second attempt, not a third.
				r := run.Run(t, coll, "-e", e, "--env-var", "client_secret=not-a-secret-x", "-n", "28", "--delay-request", "500")
				mu.Lock()
				results[c.name] = r
				mu.Unlock()
			})
		}
	})
	st := srv.Stats(t)
	for _, c := range cases {
		r := results[c.name]
		mustFailWith(t, r, script.TestTokenRequest, "HTTP "+c.status, "next attempt in")
		if got := st.Token.Fault.ByStatus[c.status]; got != c.want {
			t.Errorf("%s: %d token requests over %v, want %d", c.name, got, r.Duration.Round(time.Second), c.want)
		}
		if n := len(r.Summary.Run.Failures); n != 28 {
			t.Errorf("%s: %d failures, want 28 (every request fails loudly)", c.name, n)
		}
	}
	if st.API.Requests != 0 {
		t.Errorf("%d API requests sent without a token", st.API.Requests)
	}
}

// Globals reach the script even when the collection declares the same
// variables empty (which Postman's own resolution lets win).
func TestRound2GlobalsBehindEmptyCollectionVariables(t *testing.T) {
	forEachRunner(t, testRound2GlobalsBehindEmptyCollectionVariables)
}

func testRound2GlobalsBehindEmptyCollectionVariables(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	coll := r2Collection(t, dir, "globals", oneToken(script.Defaults()), bearerAuth("pmprep_access_token"),
		map[string]string{"token_url": "", "client_id": "", "scope": ""},
		r2Item{name: "list", path: "/orders", tests: statusIs(200)})
	r := run.Run(t, coll, "-n", "3", "--global-var", "base_url="+srv.API, "--global-var", "token_url="+srv.OIDCToken,
		"--global-var", "client_id="+srv.Creds.BasicClientID, "--global-var", "client_secret="+srv.Creds.BasicClientSecret)
	mustPass(t, r)
	if st := srv.Stats(t); st.Token.OIDC.Requests != 1 || st.API.OK != 3 {
		t.Errorf("token requests %d (want 1), API ok %d (want 3)", st.Token.OIDC.Requests, st.API.OK)
	}
}

// The refresh_token grant without a refresh token fails, naming the grant
// and the variable, instead of switching to client_credentials.
func TestRound2RefreshGrantWithoutRefreshToken(t *testing.T) {
	forEachRunner(t, testRound2RefreshGrantWithoutRefreshToken)
}

func testRound2RefreshGrantWithoutRefreshToken(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	dir := t.TempDir()
	s := script.Defaults()
	s.Grant = script.GrantRefreshToken
	coll := r2Collection(t, dir, "refresh", oneToken(s), bearerAuth("pmprep_access_token"), nil,
		r2Item{name: "me", path: "/me", tests: statusIs(200)})
	e := env(t, dir, "local", map[string]string{"base_url": srv.API, "token_url": srv.OAuth2Token, "client_id": srv.Creds.OAuth2ClientID})
	r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.OAuth2ClientSecret, "-n", "2")
	mustFailWith(t, r, script.TestTokenVariables,
		`pmprep: cannot request an access token (grant refresh_token): variable "refresh_token" is not set (is an environment selected?)`)
	if st := srv.Stats(t); st.Token.All.Requests != 0 || st.API.Requests != 0 {
		t.Errorf("token requests %d, API requests %d; want none", st.Token.All.Requests, st.API.Requests)
	}
}

// --retry-401: a request's own setNextRequest wins over the planned retry,
// and the next request's pre-request script says so; without it the retry
// happens and nothing is said.
func TestRound2RetryOverriddenBySetNextRequest(t *testing.T) {
	forEachRunner(t, testRound2RetryOverriddenBySetNextRequest)
}

func testRound2RetryOverriddenBySetNextRequest(t *testing.T, run Runner) {
	srv := startServers(t, 60*time.Second)
	sc := oneToken(script.Defaults())
	sc.Retry401 = true
	// "zero" revokes every token after it ran: "first" then gets a 401.
	revoke := []string{`pm.sendRequest({ url: pm.variables.get("admin") + "/admin/revoke-all", method: "POST" }, function () {});`}
	line := `pmprep: the 401 retry of "first" did not happen: its own setNextRequest sent the run elsewhere`
	for _, tt := range []struct {
		name      string
		own       []string
		wantOrder []string
		wantLine  bool
	}{
		{"own setNextRequest wins", []string{`pm.execution.setNextRequest("third");`}, []string{"/0", "/1", "/3"}, true},
		{"retry happens", nil, []string{"/0", "/1", "/1", "/2", "/3"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetStats(t)
			dir := t.TempDir()
			coll := r2Collection(t, dir, "retry", sc, bearerAuth("pmprep_access_token"), nil,
				r2Item{name: "zero", path: "/0", tests: revoke},
				r2Item{name: "first", path: "/1", tests: tt.own},
				r2Item{name: "second", path: "/2"},
				r2Item{name: "third", path: "/3", tests: statusIs(200)},
			)
			e := env(t, dir, "local", map[string]string{"base_url": srv.API, "admin": srv.Admin, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
			r := run.Run(t, coll, "-e", e, "--env-var", "client_secret="+srv.Creds.BasicClientSecret)
			mustPass(t, r)
			if got := sentPaths(r); strings.Join(got, ",") != strings.Join(tt.wantOrder, ",") {
				t.Errorf("requests sent %q, want %q", got, tt.wantOrder)
			}
			if got := strings.Contains(cliText(r.Output), line); got != tt.wantLine {
				r.Log(t)
				t.Errorf("output has %q: %v, want %v", line, got, tt.wantLine)
			}
			if st := srv.Stats(t); st.Token.OIDC.Requests != 2 || st.API.ByReason["revoked"] != 1 {
				t.Errorf("token requests %d (want 2: before and after the revocation), 401s for a revoked token %d (want 1)", st.Token.OIDC.Requests, st.API.ByReason["revoked"])
			}
		})
	}
}

// BenchmarkNewmanScriptOverheadRendered is BenchmarkNewmanScriptOverhead
// with the collection built from script.Render directly (one token,
// client_credentials, Basic): the per-request cost in newman of the
// generated script, against no script and an empty script.
func BenchmarkNewmanScriptOverheadRendered(b *testing.B) {
	const n = 200
	srv := startServers(b, 300*time.Second)
	dir := b.TempDir()
	tok := postToken(b, srv.OIDCToken, map[string][]string{"grant_type": {"client_credentials"}},
		basicAuth(srv.Creds.BasicClientID, srv.Creds.BasicClientSecret))
	registerSecrets(tok.AccessToken)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	bearer := `{"type": "bearer", "bearer": [{"key": "token", "value": "{{static_token}}"}]}`
	plain := write("plain.json", collectionJSON("plain", nil, item{name: "r", path: "/r", auth: bearer}))
	empty := write("empty.json", collectionJSON("empty", []string{""}, item{name: "r", path: "/r", auth: bearer}))
	ours := r2Collection(b, dir, "pmprep", oneToken(script.Defaults()), bearerAuth("pmprep_access_token"), nil, r2Item{name: "r", path: "/r"})
	e := env(b, dir, "bench", map[string]string{"base_url": srv.API, "token_url": srv.OIDCToken, "client_id": srv.Creds.BasicClientID})
	names := []string{"no script", "empty script", "pmprep script"}
	colls := []string{plain, empty, ours}
	runs := map[string][]float64{}
	for i := 0; i < b.N; i++ {
		for rep := 0; rep < 3; rep++ {
			for j, c := range colls {
				srv.ResetStats(b)
				r := newman(b, c, "-e", e, "-n", "200", "--env-var", "static_token="+tok.AccessToken,
					"--env-var", "client_secret="+srv.Creds.BasicClientSecret)
				if r.ExitCode != 0 {
					r.Log(b)
					b.Fatalf("%s: newman exit %d", names[j], r.ExitCode)
				}
				if st := srv.Stats(b); st.API.OK != n {
					b.Fatalf("%s: %d API requests succeeded, want %d", names[j], st.API.OK, n)
				}
				t := r.Summary.Run.Timings
				runs[names[j]] = append(runs[names[j]], (t["completed"]-t["started"])/n)
			}
		}
	}
	med := func(v []float64) float64 { sort.Float64s(v); return v[len(v)/2] }
	base, emptyMs, oursMs := med(runs[names[0]]), med(runs[names[1]]), med(runs[names[2]])
	b.ReportMetric(base, "ms/req-no-script")
	b.ReportMetric(emptyMs-base, "ms/req-empty-script-overhead")
	b.ReportMetric(oursMs-base, "ms/req-pmprep-overhead")
	b.Logf("newman, 200 requests per run, median of 3 interleaved runs, per request: no script %s, empty script +%s, pmprep script +%s",
		ms(base), ms(emptyMs-base), ms(oursMs-base))
}
