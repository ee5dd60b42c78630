package script

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Round 2: several token domains, decided per request; inputs from every
// scope; no request storms; no silent grant switch; a 401 retry that a
// request's own setNextRequest overrode is reported.

// twoDomains is an app token (client_credentials, Basic) that the
// collection sends, and a user token (password, body) that the folder
// Users sends, except its sub-folder Users/Public, which sends none.
func twoDomains() Script {
	app := Defaults()
	app.Name = "app"
	app.Vars.AccessToken = "AppAccessToken"
	user := Defaults()
	user.Name = "user"
	user.Grant = GrantPassword
	user.ClientAuth = ClientAuthBody
	user.TokenURL = "{{user_token_url}}"
	user.Scope = ""
	user.Vars.ClientID = "user_client_id"
	user.Vars.ClientSecret = "user_client_secret"
	user.Vars.AccessToken = "UserAccessToken"
	return Script{
		Tokens:  []Settings{app, user},
		Inherit: []int{0},
		Folders: []FolderRule{{Path: []string{"Users"}, Tokens: []int{1}}, {Path: []string{"Users", "Public"}}},
	}
}

func twoEnv() map[string]string {
	return map[string]string{
		"token_url": "https://idp.example.com/token", "client_id": "app", "client_secret": "app-secret-0123",
		"user_token_url": "https://users.example.com/token", "user_client_id": "uc", "user_client_secret": "user-secret-0123",
		"username": "alice", "password": "alice-password-0123",
	}
}

// headerOf is a request that sends v in a header of its own (not its
// auth): it inherits its auth and needs v's token too.
func headerOf(v string) map[string]any {
	return map[string]any{"header": []any{map[string]any{"key": "X-Other-Token", "value": "{{" + v + "}}"}},
		"url": map[string]any{"raw": "https://api.example.com/x"}}
}

func bearerOf(v string) map[string]any {
	return map[string]any{"auth": map[string]any{"type": "bearer", "bearer": []any{map[string]any{"key": "token", "value": "{{" + v + "}}"}}},
		"url": map[string]any{"raw": "https://api.example.com/x"}}
}

func TestDomainsPerRequest(t *testing.T) {
	appTok := func(s string) fakeResponse { return tokenResponse("AT-app-"+s+"-0123456789", 3600) }
	userTok := func(s string) fakeResponse { return tokenResponse("AT-user-"+s+"-0123456789", 3600) }
	header := map[string]any{"header": []any{map[string]any{"key": "Authorization", "value": "Bearer {{UserAccessToken}}"}}}
	query := map[string]any{"url": map[string]any{"raw": "https://api/x?access_token={{AppAccessToken}}", "query": []any{map[string]any{"key": "access_token", "value": "{{AppAccessToken}}"}}}}
	res := playScript(t, twoDomains(), twoEnv(), world{},
		// 0: inherits from the collection: the app token only.
		fakeStep{T: 0, Location: []string{"c", "r"}, Responses: []fakeResponse{appTok("1")}},
		// 1: under Users: the user token only.
		fakeStep{T: 1, Location: []string{"c", "Users", "Deep", "r"}, Responses: []fakeResponse{userTok("1")}},
		// 2: under Users/Public: none.
		fakeStep{T: 2, Location: []string{"c", "Users", "Public", "r"}},
		// 3: own noauth: none.
		fakeStep{T: 3, Location: []string{"c", "r"}, Auth: "noauth"},
		// 4: own bearer of an unmanaged variable: none.
		fakeStep{T: 4, Auth: "bearer", Request: bearerOf("OtherToken")},
		// 5: own bearer of the user variable, at the collection level.
		fakeStep{T: 5, Auth: "bearer", Request: bearerOf("UserAccessToken")},
		// 6: under Users/Public but a header references the user token.
		fakeStep{T: 6, Location: []string{"c", "Users", "Public", "r"}, Request: header},
		// 7: own noauth, ?access_token={{AppAccessToken}}.
		fakeStep{T: 7, Auth: "noauth", Request: query},
		// 8: under Users, referencing the app token too: both.
		fakeStep{T: 8, Location: []string{"c", "Users", "r"}, Request: headerOf("AppAccessToken")},
		// 9: a new environment: both fetched in one run.
		fakeStep{T: 9, Location: []string{"c", "Users", "r"}, Request: headerOf("AppAccessToken"), SetEnv: map[string]string{"client_id": "app2", "user_client_id": "uc2"},
			Responses: []fakeResponse{userTok("2"), appTok("2")}}, // the folder's domain first
	)
	wantSent(t, res, 1, 1, 0, 0, 0, 0, 0, 0, 0, 2)
	if got := res.Steps[0].Sent[0]; got.URL != "https://idp.example.com/token" || !strings.HasPrefix(got.Header["Authorization"], "Basic ") {
		t.Errorf("app token request = %+v", got)
	}
	if got := res.Steps[1].Sent[0]; got.URL != "https://users.example.com/token" {
		t.Errorf("user token request = %+v", got)
	} else if v, _ := got.form("client_secret"); v != "user-secret-0123" {
		t.Errorf("user token request did not use the user client (body auth)")
	}
	for i, st := range res.Steps {
		if len(st.Failed) != 0 || st.Skipped {
			t.Errorf("step %d failed: %+v", i, st.Failed)
		}
	}
	want := []struct{ app, user string }{
		{"AT-app-1-0123456789", ""}, {"AT-app-1-0123456789", "AT-user-1-0123456789"},
		{}, {}, {}, {"", "AT-user-1-0123456789"}, {"", "AT-user-1-0123456789"}, {"AT-app-1-0123456789", ""},
		{"AT-app-1-0123456789", "AT-user-1-0123456789"}, {"AT-app-2-0123456789", "AT-user-2-0123456789"},
	}
	// Locals persist across requests in newman, so check what was
	// published, not what is absent.
	for i, w := range want {
		st := res.Steps[i]
		if w.app != "" && st.Local["AppAccessToken"] != w.app {
			t.Errorf("step %d: AppAccessToken = %q, want %q", i, st.Local["AppAccessToken"], w.app)
		}
		if w.user != "" && st.Local["UserAccessToken"] != w.user {
			t.Errorf("step %d: UserAccessToken = %q, want %q", i, st.Local["UserAccessToken"], w.user)
		}
	}
	// Two domains never share a cache entry.
	if c := res.cache(t); len(c) != 4 {
		t.Errorf("cache has %d entries, want 4 (two domains, two clients)", len(c))
	}
	if l := strings.Join(res.Steps[1].Logs, "\n"); !strings.Contains(l, `got access token "user" AT-u`) {
		t.Errorf("user log = %q", l)
	}

	// No inherited domain: a request that references nothing needs nothing,
	// even without any variables.
	sc := twoDomains()
	sc.Inherit = nil
	res = playScript(t, sc, map[string]string{}, world{}, fakeStep{}, fakeStep{Location: []string{"c", "Users", "Public", "r"}})
	wantSent(t, res, 0, 0)
	for i, st := range res.Steps {
		if len(st.Failed) != 0 || st.Skipped || len(st.Logs) != 0 {
			t.Errorf("step %d: %+v", i, st)
		}
	}
}

func TestDomainsFailuresNameTheDomain(t *testing.T) {
	env := twoEnv()
	delete(env, "user_client_id")
	res := playScript(t, twoDomains(), env, world{},
		fakeStep{Location: []string{"c", "Users", "r"}, Request: headerOf("AppAccessToken"), Responses: []fakeResponse{tokenResponse("AT-app-0123456789", 60)}})
	st := res.Steps[0]
	want := `pmprep: cannot request an access token (grant password, token "user"): variable "user_client_id" is not set (is an environment selected?)`
	if len(st.Failed) != 1 || st.Failed[0].Message != want || !st.Skipped {
		t.Errorf("failed = %+v, want %q", st.Failed, want)
	}
	if st.Local["AppAccessToken"] != "AT-app-0123456789" || st.Local["UserAccessToken"] != "" {
		t.Errorf("published %q / %q", st.Local["AppAccessToken"], st.Local["UserAccessToken"])
	}
}

func TestVariablesFromEveryScope(t *testing.T) {
	// The collection declares token_url and client_id empty; the values are
	// globals and iteration data: the first non-empty value wins.
	w := world{
		Collection: map[string]string{"token_url": "", "client_id": "", "host": ""},
		Globals:    map[string]string{"token_url": "https://{{host}}/token", "host": "g.example.com", "client_id": "global-id", "client_secret": "global-secret-0123"},
		Data:       map[string]string{"client_id": "data-id"},
	}
	s := Defaults()
	s.Params = []Param{{"nonce", "{{$guid}}"}}
	res := playScript(t, one(s), map[string]string{}, w, fakeStep{Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 60)}})
	st := res.Steps[0]
	if len(st.Failed) != 0 || len(st.Sent) != 1 {
		t.Fatalf("step: %+v", st)
	}
	if st.Sent[0].URL != "https://g.example.com/token" {
		t.Errorf("token URL = %q, want the global with its nested {{host}} resolved", st.Sent[0].URL)
	}
	if !strings.HasPrefix(st.Sent[0].Header["Authorization"], "Basic ") {
		t.Errorf("no Basic auth: %v", st.Sent[0].Header)
	}
	// {{$guid}} is Postman's to resolve (the fake leaves it alone): it is
	// reported as unresolved only because the fake does not know it.
	if v, ok := st.Sent[0].form("nonce"); ok {
		t.Errorf("nonce = %q sent, though the fake cannot resolve {{$guid}}", v)
	}
	wantCred := basicHeader("data-id", "global-secret-0123")
	if st.Sent[0].Header["Authorization"] != wantCred {
		t.Errorf("Authorization = %q, want iteration data's client id with the global secret", st.Sent[0].Header["Authorization"])
	}

	// Empty everywhere is "empty", unset everywhere is "not set".
	w = world{Collection: map[string]string{"token_url": ""}, Globals: map[string]string{"token_url": ""}}
	res = playScript(t, one(Defaults()), map[string]string{}, w, fakeStep{})
	if f := res.Steps[0].Failed; len(f) != 1 || !strings.Contains(f[0].Message, `variable "token_url" is empty; variable "client_id" is not set`) {
		t.Errorf("failed = %+v", f)
	}
}

func TestNoStormOnRejection(t *testing.T) {
	rejected := fakeResponse{Code: 401, Status: "Unauthorized", JSON: map[string]any{"error": "invalid_client", "error_description": "bad secret"}}
	steps := []fakeStep{{T: 0, Responses: []fakeResponse{rejected}}}
	for i := 1; i < 20; i++ {
		steps = append(steps, fakeStep{T: sec(float64(i * 10))})
	}
	// 200 s later the same inputs are still not retried; a changed secret is.
	steps = append(steps, fakeStep{T: sec(300), SetEnv: map[string]string{"client_secret": "new-secret-0123"}, Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 3600)}})
	res := play(t, Defaults(), ccEnv(), steps...)
	want := make([]int, 21)
	want[0], want[20] = 1, 1
	wantSent(t, res, want...)
	first := "pmprep: token request to https://auth.example.com/oauth2/token failed: HTTP 401 Unauthorized: invalid_client - bad secret"
	for i, st := range res.Steps[:20] {
		if len(st.Failed) != 1 || !strings.HasPrefix(st.Failed[0].Message, first) || st.Failed[0].Name != TestTokenRequest || !st.Skipped {
			t.Errorf("step %d: %+v", i, st.Failed)
			continue
		}
		if i > 0 && !strings.Contains(st.Failed[0].Message, "not retried: change an input to retry") {
			t.Errorf("step %d does not say it was not retried: %q", i, st.Failed[0].Message)
		}
	}
	if res.Steps[20].Skipped {
		t.Errorf("after a new secret: %+v", res.Steps[20])
	}
	// The secret itself is never in the cache.
	if strings.Contains(res.Collection[CacheVar], "s3:cr!t") || strings.Contains(res.Collection[CacheVar], "new-secret") {
		t.Errorf("the cache holds a secret")
	}

	// A remembered rejection is forgotten after 10 minutes (the Postman app
	// keeps collection variables).
	res = play(t, Defaults(), ccEnv(),
		fakeStep{T: 0, Responses: []fakeResponse{rejected}},
		fakeStep{T: sec(599)},
		fakeStep{T: sec(600), Responses: []fakeResponse{rejected}},
	)
	wantSent(t, res, 1, 0, 1)
}

func TestTransientFailuresRetriedEveryTenSeconds(t *testing.T) {
	busy := fakeResponse{Code: 500, Status: "Internal Server Error", JSON: map[string]any{"error": "server_error"}}
	res := play(t, Defaults(), ccEnv(),
		fakeStep{T: 0, Responses: []fakeResponse{busy}},
		fakeStep{T: sec(3)},
		fakeStep{T: sec(9.999)},
		fakeStep{T: sec(10), Responses: []fakeResponse{{Err: "ECONNREFUSED"}}},
		fakeStep{T: sec(15)},
		fakeStep{T: sec(20), Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 3600)}},
		fakeStep{T: sec(21)},
	)
	wantSent(t, res, 1, 0, 0, 1, 0, 1, 0)
	if f := res.Steps[0].Failed; len(f) != 1 || !strings.HasSuffix(f[0].Message, "HTTP 500 Internal Server Error: server_error; next attempt in 10s at the earliest") {
		t.Errorf("first failure = %+v", f)
	}
	if f := res.Steps[1].Failed; len(f) != 1 || !strings.HasSuffix(f[0].Message, "HTTP 500 Internal Server Error: server_error (not retried yet: next attempt in 7s)") {
		t.Errorf("held failure = %+v", f)
	}
	if f := res.Steps[4].Failed; len(f) != 1 || !strings.Contains(f[0].Message, "failed: ECONNREFUSED (not retried yet: next attempt in 5s)") {
		t.Errorf("held network failure = %+v", f)
	}
	wantToken(t, res.Steps[6], 6, "AT-0123456789ab")

	// Retry-After asks for longer: seconds, or an HTTP date.
	date := time.UnixMilli(sec(1000) + sec(45)).UTC().Format(http.TimeFormat)
	for name, after := range map[string]string{"seconds": "45", "date": date} {
		t.Run(name, func(t *testing.T) {
			limited := fakeResponse{Code: 429, Status: "Too Many Requests", JSON: map[string]any{"error": "slow_down"}, Headers: map[string]string{"Retry-After": after}}
			res := play(t, Defaults(), ccEnv(),
				fakeStep{T: sec(1000), Responses: []fakeResponse{limited}},
				fakeStep{T: sec(1044)},
				fakeStep{T: sec(1045), Responses: []fakeResponse{tokenResponse("AT-0123456789ab", 3600)}},
			)
			wantSent(t, res, 1, 0, 1)
			if f := res.Steps[0].Failed; len(f) != 1 || !strings.Contains(f[0].Message, "HTTP 429 Too Many Requests: slow_down; next attempt in 45s") {
				t.Errorf("failure = %+v", f)
			}
			if f := res.Steps[1].Failed; len(f) != 1 || !strings.Contains(f[0].Message, "next attempt in 1s") {
				t.Errorf("held failure = %+v", f)
			}
		})
	}
	// A shorter Retry-After does not shorten the 10 s.
	short := fakeResponse{Code: 503, Headers: map[string]string{"Retry-After": "1"}}
	res = play(t, Defaults(), ccEnv(), fakeStep{T: 0, Responses: []fakeResponse{short}}, fakeStep{T: sec(5)})
	wantSent(t, res, 1, 0)
}

func TestRetryOverriddenBySetNextRequest(t *testing.T) {
	sc := one(Defaults())
	sc.Retry401 = true
	res := playScript(t, sc, ccEnv(), world{},
		fakeStep{T: 0, RequestID: "a", Name: "list", Code: 200, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 3600)}},
		fakeStep{T: 1, RequestID: "b", Name: "get \"one\"", Code: 401},
		// The request's own test script sent the run to "c" instead of "b".
		fakeStep{T: 2, RequestID: "c", Name: "other", Code: 200, Responses: []fakeResponse{tokenResponse("AT-2-0123456789", 3600)}},
		fakeStep{T: 3, RequestID: "d", Name: "fine", Code: 401},
		fakeStep{T: 4, RequestID: "d", Name: "fine", Code: 200, Responses: []fakeResponse{tokenResponse("AT-3-0123456789", 3600)}},
		fakeStep{T: 5, RequestID: "e", Name: "next", Code: 200},
	)
	wantSent(t, res, 1, 0, 1, 0, 1, 0)
	line := `pmprep: the 401 retry of "get "one"" did not happen: its own setNextRequest sent the run elsewhere`
	if l := res.Steps[2].Logs; len(l) == 0 || l[0] != line {
		t.Errorf("logs = %q, want first %q", l, line)
	}
	for _, i := range []int{4, 5} {
		if l := strings.Join(res.Steps[i].Logs, "\n"); strings.Contains(l, "did not happen") {
			t.Errorf("step %d: a retry that happened is reported: %q", i, l)
		}
	}
	// A request that uses no token is not retried.
	res = playScript(t, sc, ccEnv(), world{},
		fakeStep{T: 0, RequestID: "a", Code: 200, Responses: []fakeResponse{tokenResponse("AT-1-0123456789", 3600)}},
		fakeStep{T: 1, RequestID: "b", Code: 401, Auth: "noauth"},
	)
	if res.Steps[1].Next != nil {
		t.Errorf("a request without a managed token was retried")
	}
}

func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// The spec's size bound: a client_credentials + basic script is no bigger
// than at round 1 (13,287 bytes of pre-request exec).
func TestScriptSize(t *testing.T) {
	r, err := Render(one(Defaults()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Join(r.PreRequest, "\n")); n > 13287 {
		t.Errorf("the one-token client_credentials + basic script is %d bytes, more than round 1's 13,287", n)
	} else {
		t.Logf("%d bytes of pre-request exec", n)
	}
}
