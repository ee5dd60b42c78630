package inject

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/collection"
	"github.com/pmprep/pmprep/script"
	"github.com/tidwall/gjson"
)

const schema21 = `"info": {"name": "c", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`

// run plans and applies inject on a collection given as JSON text (info
// added), with the real script block, and returns the plan and the output;
// a second run on the output must change nothing.
func run(t *testing.T, body string, opts Options) (*Plan, string) {
	t.Helper()
	p, out := injectText(t, "{"+schema21+", "+body+"}", opts)
	if _, again := injectText(t, out, opts); again != out {
		t.Errorf("second inject changed the output:\n%s", cmp.Diff(out, again))
	}
	return p, out
}

func injectText(t *testing.T, in string, opts Options) (*Plan, string) {
	t.Helper()
	doc, err := collection.Parse("c.json", []byte(in))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p, err := Build(doc, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	r, err := script.Render(p.Script)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
	out, _, err := collection.Inject(doc, p.Edit)
	if err != nil {
		t.Fatalf("Inject: %v", err)
	}
	return p, string(out)
}

func withTokenURL(u string) Options {
	return Options{
		Override: func(s script.Settings) script.Settings { s.TokenURL = u; return s },
		Explicit: map[string]bool{"token_url": true},
	}
}

func get(t *testing.T, out, path string) gjson.Result {
	t.Helper()
	return gjson.Get(out, path)
}

// effective returns, per request path, the effective auth of out as
// postman-runtime computes it (see EffectiveAuth), as "type token".
func effective(t *testing.T, out string) map[string]string {
	t.Helper()
	doc, err := collection.Parse("out.json", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	auths, err := EffectiveAuth(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range auths {
		s := a.Type
		switch a.Type {
		case "bearer":
			s += " " + paramOf(a.Params, "token")
		case "oauth2":
			s += " " + paramOf(a.Params, "accessToken")
		}
		got[a.Path] = s
	}
	return got
}

// Case 1: a request-level oauth2 block for another provider is a third
// party's: not read into the settings, not removed, no token for it.
func TestThirdPartyOAuth2IsLeftAlone(t *testing.T) {
	p, out := run(t, `"item": [
		{"name": "Google", "request": {"auth": {"type": "oauth2", "oauth2": [
			{"key": "accessTokenUrl", "value": "https://oauth2.googleapis.com/token"},
			{"key": "clientId", "value": "google-client"},
			{"key": "accessToken", "value": "{{google_token}}"}]}, "url": "https://www.googleapis.com/x"}},
		{"name": "Ours", "request": {"url": "https://api.test/y"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	if p.Report.ZeroConfig != nil {
		t.Errorf("settings were read from %s", p.Report.ZeroConfig.Path)
	}
	if got := get(t, out, "item.0.request.auth.oauth2.#(key==\"clientId\").value").String(); got != "google-client" {
		t.Errorf("the third party's block changed: clientId %q", got)
	}
	if v := get(t, out, `variable.#(key=="client_id").value`); v.Exists() {
		t.Errorf("client_id declared as %q", v.String())
	}
	want := map[string]string{"item[0]": "oauth2 {{google_token}}", "item[1]": "bearer {{pmprep_access_token}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
	if len(p.Report.Left) != 1 || !strings.Contains(p.Report.Left[0].Why, "oauth2.googleapis.com") {
		t.Errorf("left = %+v", p.Report.Left)
	}
	if n := p.Report.Domains[0].Newly; len(n) != 1 || n[0] != "item[1]" {
		t.Errorf("newly authorised = %v", n)
	}
}

// Case 2: a bearer request inside a noauth folder keeps a block that sends
// the managed variable (the script fetches for any request that references
// it), and the folder's rule says its inheriting requests need no token.
func TestBearerUnderNoauthFolder(t *testing.T) {
	p, out := run(t, `"item": [{"name": "Public", "auth": {"type": "noauth"}, "item": [
		{"name": "Private", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "stale-literal-token"}]}, "url": "https://api.test/p"}},
		{"name": "Open", "request": {"url": "https://api.test/o"}}]}]`, withTokenURL("http://127.0.0.1:9/t"))
	want := map[string]string{"item[0].item[0]": "bearer {{pmprep_access_token}}", "item[0].item[1]": "noauth"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
	if fmt.Sprint(p.Script.Folders) != "[{[Public] []}]" {
		t.Errorf("folders = %v", p.Script.Folders)
	}
}

// Case 3: requests that send credentials of their own under no auth — a
// Basic header, a header from a variable, a script that sets it, URL
// userinfo, a bearer of another variable — keep them: noauth stops the new
// collection auth from overriding them. A pasted bearer token, or one of
// the managed variable, is the token: the header goes and the auth sends
// it fresh.
func TestOwnCredentialsArePinned(t *testing.T) {
	p, out := run(t, `"item": [
		{"name": "Basic", "request": {"header": [{"key": "Authorization", "value": "Basic dXNlcjpwYXNz"}], "url": "https://api.test/a"}},
		{"name": "Var", "request": {"header": [{"key": "authorization", "value": "{{AUTHORIZATION}}"}], "url": "https://api.test/b"}},
		{"name": "Script", "event": [{"listen": "prerequest", "script": {"exec": ["pm.request.headers.upsert({key: 'Authorization', value: 'Basic ' + pm.variables.get('b')});"]}}], "request": {"url": "https://api.test/c"}},
		{"name": "Userinfo", "request": {"url": "http://user:pw@api.test/d"}},
		{"name": "Other token", "request": {"header": [{"key": "Authorization", "value": "Bearer {{other_token}}"}], "url": "https://api.test/e"}},
		{"name": "Pasted", "request": {"header": [{"key": "Authorization", "value": "Bearer eyJstale"}], "url": "https://api.test/f"}},
		{"name": "Managed header", "request": {"header": [{"key": "Authorization", "value": "Bearer {{pmprep_access_token}}"}], "url": "https://api.test/g"}},
		{"name": "Nothing", "request": {"url": "https://api.test/h"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	managed := "bearer {{pmprep_access_token}}"
	want := map[string]string{
		"item[0]": "noauth", "item[1]": "noauth", "item[2]": "noauth", "item[3]": "noauth", "item[4]": "noauth",
		"item[5]": managed, "item[6]": managed, "item[7]": managed,
	}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
	for i, h := range []string{"Basic dXNlcjpwYXNz", "{{AUTHORIZATION}}", "", "", "Bearer {{other_token}}", "", ""} {
		if got := get(t, out, fmt.Sprintf("item.%d.request.header.0.value", i)).String(); got != h {
			t.Errorf("item[%d] header = %q, want %q", i, got, h)
		}
	}
	if len(p.Report.Pinned) != 5 {
		t.Errorf("pinned = %v", p.Report.Pinned)
	}
	if d := p.Report.Domains[0]; d.Requests != 3 || len(d.Newly) != 1 {
		t.Errorf("domain report = %+v", d)
	}
}

// Under an auth that sent the token before, a stale bearer header was
// overridden anyway: it goes.
func TestStaleHeaderUnderManagedAuthGoes(t *testing.T) {
	_, out := run(t, `"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{pmprep_access_token}}"}]},
		"item": [{"name": "A", "request": {"header": [{"key": "Authorization", "value": "Bearer eyJstale"}, {"key": "Accept", "value": "*/*"}], "url": "https://api.test/a"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	if got := get(t, out, "item.0.request.header.#").Int(); got != 1 {
		t.Errorf("headers = %s", get(t, out, "item.0.request.header").Raw)
	}
}

// Case 10: a collection-level apikey stays; only requests that sent a
// token get one.
func TestCollectionAPIKeyStays(t *testing.T) {
	p, out := run(t, `"auth": {"type": "apikey", "apikey": [{"key": "key", "value": "Api-Token"}, {"key": "value", "value": "{{dt_token}}"}, {"key": "in", "value": "query"}]},
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}},
		{"name": "B", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{pmprep_access_token}}"}]}, "url": "https://api.test/b"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	want := map[string]string{"item[0]": "apikey", "item[1]": "bearer {{pmprep_access_token}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
	if len(p.Script.Inherit) != 0 {
		t.Errorf("inherit = %v, want none", p.Script.Inherit)
	}
}

// Case 8: two token variables. By default the one most requests send is
// managed and the other left alone, said in the report; with two tokens
// both are managed, each for its own requests.
func TestTwoTokenVariables(t *testing.T) {
	body := `"item": [
		{"name": "U1", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{UserAccessToken}}"}]}, "url": "https://api.test/u1"}},
		{"name": "U2", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{UserAccessToken}}"}]}, "url": "https://api.test/u2"}},
		{"name": "A1", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{AppAccessToken}}"}]}, "url": "https://api.test/a1"}}]`
	p, out := run(t, body, withTokenURL("http://127.0.0.1:9/t"))
	if v := p.Script.Tokens[0].Vars.AccessToken; v != "UserAccessToken" {
		t.Errorf("managed variable %q", v)
	}
	want := map[string]string{"item[0]": "bearer {{UserAccessToken}}", "item[1]": "bearer {{UserAccessToken}}", "item[2]": "bearer {{AppAccessToken}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
	if len(p.Report.Left) != 1 || p.Report.Left[0].Why != "bearer {{AppAccessToken}}" {
		t.Errorf("left = %+v", p.Report.Left)
	}
	if !strings.Contains(strings.Join(p.Report.Notes, "\n"), "token variable {{UserAccessToken}}: 2 requests send it") {
		t.Errorf("notes = %q", p.Report.Notes)
	}

	user, app := script.Defaults(), script.Defaults()
	user.Name, user.Grant, user.Vars.AccessToken = "user", script.GrantRefreshToken, "UserAccessToken"
	app.Name, app.Vars.AccessToken = "app", "AppAccessToken"
	p, out = run(t, body, Options{Tokens: []script.Settings{user, app}})
	if len(p.Report.Left) != 0 || p.Report.Domains[0].Requests != 2 || p.Report.Domains[1].Requests != 1 {
		t.Errorf("report = %+v", p.Report)
	}
	if get(t, out, "auth").Exists() {
		t.Errorf("a collection auth was written with tokens:")
	}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth with tokens (-want +got):\n%s", diff)
	}
}

// Case 7: no empty variable is declared (it would hide a global).
func TestNoEmptyVariables(t *testing.T) {
	_, out := run(t, `"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`, Options{})
	if v := get(t, out, "variable"); v.Exists() {
		t.Errorf("variables declared: %s", v.Raw)
	}
}

// Case 11: an oauth2 block without grant_type is Postman's default,
// authorization_code: the refresh_token grant, said in the report; the
// block's fields for Postman's own flow stay.
func TestOAuth2BlockKeepsItsFieldsAndNamesTheGrant(t *testing.T) {
	p, out := run(t, `"auth": {"type": "oauth2", "oauth2": [
		{"key": "authUrl", "value": "https://auth.test/authorize"},
		{"key": "accessTokenUrl", "value": "https://auth.test/token"},
		{"key": "redirect_uri", "value": "https://app.test/cb"},
		{"key": "state", "value": "xyz"},
		{"key": "challengeAlgorithm", "value": "S256"},
		{"key": "useBrowser", "value": true, "type": "boolean"},
		{"key": "clientId", "value": "my-client"},
		{"key": "clientSecret", "value": "literal-secret-value"}]},
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`, Options{})
	if g := p.Script.Tokens[0].Grant; g != script.GrantRefreshToken {
		t.Errorf("grant %q", g)
	}
	notes := strings.Join(p.Report.Notes, "\n")
	if !strings.Contains(notes, "no grant_type") || !strings.Contains(notes, "authorization_code") {
		t.Errorf("the assumed grant is not named: %q", notes)
	}
	for k, v := range map[string]string{"authUrl": "https://auth.test/authorize", "redirect_uri": "https://app.test/cb", "state": "xyz", "challengeAlgorithm": "S256", "useBrowser": "true", "clientSecret": "{{client_secret}}", "accessToken": "{{pmprep_access_token}}"} {
		if got := get(t, out, `auth.oauth2.#(key=="`+k+`").value`).String(); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(out, "literal-secret-value") {
		t.Errorf("the literal secret stayed")
	}
	if v := get(t, out, `variable.#(key=="client_id").value`).String(); v != "my-client" {
		t.Errorf("client_id = %q", v)
	}
}

// Case 4 and 10: pmprep's block runs in an event of its own after the
// user's, so the user's lines run first and a user script that does not
// compile cannot take it down.
func TestOwnEventAfterTheUsers(t *testing.T) {
	_, out := run(t, `"event": [{"listen": "prerequest", "script": {"exec": ["pm.environment.set('token_url', 'x');", "await 1;"]}}],
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`, withTokenURL("{{token_url}}"))
	ev := get(t, out, "event").Array()
	if len(ev) != 2 || !script.IsBegin(ev[1].Get("script.exec.0").String()) || ev[0].Get("script.exec.#").Int() != 2 {
		t.Errorf("events = %s", get(t, out, "event").Raw)
	}
}

// A hand-written token script is reported where it is.
func TestTokenScriptsAreReported(t *testing.T) {
	p, _ := run(t, `"item": [{"name": "Login", "event": [{"listen": "test", "script": {"exec": ["pm.sendRequest({url: 'x', body: {grant_type: 'client_credentials'}}, function (e, r) { pm.environment.set('access_token', r.json().access_token); });"]}}], "request": {"url": "https://api.test/a"}}]`, Options{})
	if fmt.Sprint(p.Report.TokenScripts) != "[item[0].event[0]]" {
		t.Errorf("token scripts = %v", p.Report.TokenScripts)
	}
}

// Round-1 output (pmprep's block inside the user's event, empty variables
// declared) is migrated: the block moves to its own event.
func TestRerunMovesTheOldBlockOut(t *testing.T) {
	s := script.Defaults()
	r, err := script.Render(script.Script{Tokens: []script.Settings{s}, Inherit: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	exec, _ := json.Marshal(append(append([]string{}, r.PreRequest...), "console.log('mine');"))
	_, out := run(t, `"event": [{"listen": "prerequest", "script": {"exec": `+string(exec)+`}}], "item": []`, Options{})
	ev := get(t, out, "event").Array()
	if len(ev) != 2 || ev[0].Get("script.exec.#").Int() != 1 || ev[0].Get("script.exec.0").String() != "console.log('mine');" {
		t.Errorf("events = %.300s", get(t, out, "event").Raw)
	}
}

// Case 11 for a request's block: zero-config moves it up to the collection
// auth, and Postman's own fields move with it.
func TestRequestOAuth2BlockMovesUpWithItsFields(t *testing.T) {
	p, out := run(t, `"item": [{"name": "A", "request": {"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "authorization_code_with_pkce"},
		{"key": "authUrl", "value": "https://auth.test/authorize"},
		{"key": "accessTokenUrl", "value": "https://auth.test/token"},
		{"key": "redirect_uri", "value": "https://app.test/cb"},
		{"key": "code_verifier", "value": ""},
		{"key": "clientSecret", "value": "literal-secret-value"}]}, "url": "https://api.test/a"}}]`, Options{})
	if p.Report.ZeroConfig == nil || p.Report.ZeroConfig.Path != "item[0].request.auth" {
		t.Fatalf("zero-config = %+v", p.Report.ZeroConfig)
	}
	if get(t, out, "item.0.request.auth").Exists() {
		t.Errorf("the request's block stayed")
	}
	for k, v := range map[string]string{"grant_type": "authorization_code_with_pkce", "authUrl": "https://auth.test/authorize", "redirect_uri": "https://app.test/cb", "clientSecret": "{{client_secret}}", "accessToken": "{{pmprep_access_token}}"} {
		if got := get(t, out, `auth.oauth2.#(key=="`+k+`").value`).String(); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(out, "literal-secret-value") {
		t.Errorf("the literal secret stayed")
	}
}

// A collection script that sets the Authorization header itself: a
// collection auth would override it on every request, so none is written
// (and a re-run, which sees pmprep's own block too, agrees).
func TestCollectionScriptSettingAuthorization(t *testing.T) {
	p, out := run(t, `"event": [{"listen": "prerequest", "script": {"exec": ["pm.request.headers.upsert({key: 'Authorization', value: 'Bearer ' + pm.environment.get('t')});"]}}],
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	if get(t, out, "auth").Exists() || len(p.Script.Inherit) != 0 {
		t.Errorf("a collection auth was written: %s", get(t, out, "auth").Raw)
	}
	if !strings.Contains(strings.Join(p.Report.Notes, "\n"), "sets the Authorization header") {
		t.Errorf("notes = %q", p.Report.Notes)
	}
}

// Folders sharing a name path but not their auth: the script can only tell
// them apart by name, so the path fetches every token any of them sends.
func TestFoldersSharingANamePath(t *testing.T) {
	p, _ := run(t, `"item": [
		{"name": "Reports", "auth": {"type": "noauth"}, "item": [{"name": "Old", "item": []}]},
		{"name": "Other", "auth": {"type": "noauth"}, "item": []},
		{"name": "Reports", "item": [{"name": "Old", "item": []}]}]`, withTokenURL("http://127.0.0.1:9/t"))
	if got := fmt.Sprint(p.Script.Folders); got != "[{[Reports] [0]} {[Reports Old] [0]} {[Other] []}]" {
		t.Errorf("folders = %s", got)
	}
	if got := fmt.Sprint(p.Report.AmbiguousFolders); got != "[Reports Reports / Old]" {
		t.Errorf("ambiguous = %s", got)
	}
}

// A literal credential among a request block's tokenRequestParams does not
// move up into the collection block.
func TestTokenRequestParamsCredentialMovesOut(t *testing.T) {
	_, out := run(t, `"item": [{"name": "A", "request": {"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "client_credentials"},
		{"key": "accessTokenUrl", "value": "https://auth.test/token"},
		{"key": "tokenRequestParams", "value": [{"key": "client_assertion", "value": "PARAMSECRET123", "enabled": true}]}]}, "url": "https://api.test/a"}}]`, Options{})
	if strings.Contains(out, "PARAMSECRET123") {
		t.Errorf("the literal credential stayed")
	}
	if !strings.Contains(out, `{{client_assertion}}`) {
		t.Errorf("no reference to the variable")
	}
}

// An item whose auth is null inherits; when it must keep its own
// credentials, that member is replaced, never duplicated. An auth of type
// "inherit" is no type postman-runtime knows: it sends nothing, and stays.
func TestPinReplacesANullAuth(t *testing.T) {
	_, out := run(t, `"item": [{"name": "A", "request": {"auth": null, "header": [{"key": "Authorization", "value": "Basic dXNlcjpwYXNz"}], "url": "https://api.test/a"}},
		{"name": "B", "request": {"auth": {"type": "inherit"}, "url": "http://u:p@api.test/b"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	if strings.Count(out, `"auth"`) != 3 {
		t.Errorf("auth members: %s", out)
	}
	want := map[string]string{"item[0]": "noauth", "item[1]": "inherit"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
}

// A collection bearer auth names the token: with no flags, a request's
// oauth2 block of another provider is not read, and stays.
func TestZeroConfigBesideACollectionBearer(t *testing.T) {
	p, out := run(t, `"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]}, "item": [
		{"name": "A", "request": {"url": "https://api.test/a"}},
		{"name": "G", "request": {"auth": {"type": "oauth2", "oauth2": [{"key": "accessTokenUrl", "value": "https://oauth2.googleapis.com/token"}, {"key": "accessToken", "value": "{{google_token}}"}]}, "url": "https://www.googleapis.com/x"}}]`, Options{})
	if p.Report.ZeroConfig != nil {
		t.Errorf("read %s", p.Report.ZeroConfig.Path)
	}
	want := map[string]string{"item[0]": "bearer {{access_token}}", "item[1]": "oauth2 {{google_token}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
}

// URL userinfo written with variables, and in the URL object's own auth
// member, still counts as the request's own credentials.
func TestUserinfoWithVariables(t *testing.T) {
	_, out := run(t, `"item": [
		{"name": "A", "request": {"url": {"raw": "{{p://}}://{{@}}:{{###}}@{{host.name}}/x", "auth": {"user": "{{@}}", "password": "{{###}}"}, "host": ["{{host.name}}"]}}},
		{"name": "B", "request": {"url": "{{scheme}}://{{user}}:{{pw}}@api.test/b"}},
		{"name": "C", "request": {"url": "https://api.test/c?email=a@b.test"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	want := map[string]string{"item[0]": "noauth", "item[1]": "noauth", "item[2]": "bearer {{pmprep_access_token}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
}

// Re-running on an older pmprep's output removes the empty variables it
// declared (they hide globals), and only those.
func TestRerunDropsOldEmptyDeclarations(t *testing.T) {
	r, err := script.Render(script.Script{Tokens: []script.Settings{script.Defaults()}, Inherit: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	exec, _ := json.Marshal(r.PreRequest)
	_, out := run(t, `"event": [{"listen": "prerequest", "script": {"exec": `+string(exec)+`}}], "item": [],
		"variable": [{"key": "base_url", "value": ""}, {"key": "token_url", "value": ""}, {"key": "client_id", "value": "kept-id"}, {"key": "client_secret", "value": ""}]`, Options{})
	got := get(t, out, "variable.#.key").String()
	if got != `["base_url","client_id"]` {
		t.Errorf("variables = %s", got)
	}
}

// An oauth2 block that sends its token as a query parameter or with
// another prefix stays (and sends the fresh token): removing it would
// change where and how the token goes.
func TestOddOAuth2BlocksStay(t *testing.T) {
	_, out := run(t, `"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}"}]}, "item": [
		{"name": "Q", "request": {"auth": {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "{{access_token}}"}, {"key": "addTokenTo", "value": "queryParams"}]}, "url": "https://api.test/q"}},
		{"name": "J", "request": {"auth": {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "{{access_token}}"}, {"key": "headerPrefix", "value": "JWT"}]}, "url": "https://api.test/j"}},
		{"name": "B", "request": {"auth": {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "{{access_token}}"}, {"key": "addTokenTo", "value": "header"}]}, "url": "https://api.test/b"}}]`, withTokenURL("http://127.0.0.1:9/t"))
	want := map[string]string{"item[0]": "oauth2 {{access_token}}", "item[1]": "oauth2 {{access_token}}", "item[2]": "bearer {{access_token}}"}
	if diff := cmp.Diff(want, effective(t, out)); diff != "" {
		t.Errorf("effective auth (-want +got):\n%s", diff)
	}
}

// The collection auth is the token even when it names no variable (a
// pasted token): a request that sends another variable keeps it.
func TestNoGuessBesideACollectionToken(t *testing.T) {
	p, out := run(t, `"auth": {"type": "oauth2", "oauth2": [{"key": "accessToken", "value": "pasted-literal-token"}, {"key": "accessTokenUrl", "value": "https://auth.test/token"}]},
		"item": [{"name": "D", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{app_token}}"}]}, "url": "https://api.test/d"}}]`, Options{})
	if v := p.Script.Tokens[0].Vars.AccessToken; v != "pmprep_access_token" {
		t.Errorf("managed variable %q", v)
	}
	if got := effective(t, out)["item[0]"]; got != "bearer {{app_token}}" {
		t.Errorf("item[0] sends %q", got)
	}
}

// A token URL with credentials in it is moved out like a secret: never
// copied into a variable.
func TestTokenURLWithCredentialsMovesOut(t *testing.T) {
	for _, u := range []string{"https://app:PW-0123@auth.test/token", "https://auth.test/token?client_secret=S3CRET-0123"} {
		p, out := run(t, `"auth": {"type": "oauth2", "oauth2": [{"key": "accessTokenUrl", "value": "`+u+`"}, {"key": "grant_type", "value": "client_credentials"}]}, "item": []`, Options{})
		if strings.Contains(out, "PW-0123") || strings.Contains(out, "S3CRET-0123") {
			t.Errorf("%s: the credential stayed in the output", u)
		}
		if got := get(t, out, `auth.oauth2.#(key=="accessTokenUrl").value`).String(); got != "{{token_url}}" {
			t.Errorf("%s: accessTokenUrl = %q", u, got)
		}
		if m := p.Report.ZeroConfig.Moved; len(m) != 1 || m[0].Variable != "token_url" {
			t.Errorf("%s: moved = %+v", u, m)
		}
	}
}

// Folders that share a name path but not their auth: requests with ids get
// their own rule, so a request under the noauth one fetches nothing.
func TestSharedNamePathUsesRequestIDs(t *testing.T) {
	p, _ := run(t, `"item": [
		{"name": "Users", "auth": {"type": "noauth"}, "item": [{"id": "req-public", "name": "public", "request": {"url": "https://api.test/p"}}]},
		{"name": "Users", "item": [{"id": "req-private", "name": "private", "request": {"url": "https://api.test/q"}},
			{"id": "req-own", "name": "own", "request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{pmprep_access_token}}"}]}, "url": "https://api.test/r"}}]}]`, withTokenURL("http://127.0.0.1:9/t"))
	want := map[string][]int{"req-public": {}, "req-private": {0}, "req-own": {0}}
	if diff := cmp.Diff(want, p.Script.Requests); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// A client secret written as a number (hand-edited files) is reported as
// moved out, and is: the block then holds the string reference.
func TestNonStringSecretMovesOut(t *testing.T) {
	p, out := run(t, `"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "client_credentials"},
		{"key": "accessTokenUrl", "value": "https://auth.test/token"},
		{"key": "clientId", "value": "app"},
		{"key": "clientSecret", "value": 84736251907}]},
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`, Options{})
	if strings.Contains(out, "84736251907") {
		t.Errorf("the numeric secret stayed in the file")
	}
	moved := false
	for _, m := range p.Report.ZeroConfig.Moved {
		moved = moved || strings.HasSuffix(m.Path, ".clientSecret")
	}
	if !moved {
		t.Errorf("the summary does not list the secret as moved: %+v", p.Report.ZeroConfig.Moved)
	}
	if got := get(t, out, `auth.oauth2.#(key=="clientSecret").value`); got.Type != gjson.String || !strings.HasPrefix(got.Str, "{{") {
		t.Errorf("clientSecret is %s, want a {{variable}} string", got.Raw)
	}
}

// Zero-config reads a client assertion sent as an extra token parameter
// (Postman has no field for one) as client_auth assertion: the literal
// moves out to {{client_assertion}}, a {{variable}} renames the variable
// the script reads, and client_assertion_type is left to the script.
func TestZeroConfigClientAssertion(t *testing.T) {
	block := func(value string) string {
		return `"auth": {"type": "oauth2", "oauth2": [
		{"key": "grant_type", "value": "client_credentials"},
		{"key": "accessTokenUrl", "value": "https://auth.test/token"},
		{"key": "client_authentication", "value": "body"},
		{"key": "tokenRequestParams", "value": [
			{"key": "client_assertion_type", "value": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "enabled": true},
			{"key": "client_assertion", "value": "` + value + `", "enabled": true}]}]},
		"item": [{"name": "A", "request": {"url": "https://api.test/a"}}]`
	}
	p, out := run(t, block("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln"), Options{})
	tok := p.Script.Tokens[0]
	if tok.ClientAuth != script.ClientAuthAssertion || tok.Vars.ClientAssertion != "client_assertion" || len(tok.Params) != 0 {
		t.Errorf("settings: client_auth %q, assertion variable %q, params %v; want assertion, client_assertion, none", tok.ClientAuth, tok.Vars.ClientAssertion, tok.Params)
	}
	if strings.Contains(out, "eyJzdWIiOiJjaSJ9") {
		t.Error("the literal assertion stayed in the output")
	}
	moved := p.Report.ZeroConfig.Moved
	if len(moved) != 1 || moved[0].Variable != "client_assertion" {
		t.Errorf("moved %v, want the assertion to {{client_assertion}}", moved)
	}

	p, _ = run(t, block("{{ci_oidc_token}}"), Options{})
	if tok := p.Script.Tokens[0]; tok.ClientAuth != script.ClientAuthAssertion || tok.Vars.ClientAssertion != "ci_oidc_token" {
		t.Errorf("client_auth %q, assertion variable %q; want assertion, ci_oidc_token", tok.ClientAuth, tok.Vars.ClientAssertion)
	}
}

// A private key held literally in the collection variable a
// private_key_jwt token reads is checked at inject time: one the script
// cannot sign with is refused at its position, without quoting it; a usable
// one is reported as misplaced.
func TestLiteralPrivateKey(t *testing.T) {
	opts := Options{Override: func(s script.Settings) script.Settings { s.ClientAuth = script.ClientAuthPrivateKeyJWT; return s }}
	body := func(key string) string {
		k, _ := json.Marshal(key)
		return `"item": [{"name": "A", "request": {"url": "https://api.test/a"}}],
	"variable": [{"key": "other", "value": "x"}, {"key": "client_private_key", "value": ` + string(k) + `}]`
	}
	doc, err := collection.Parse("c.json", []byte("{"+schema21+",\n\t"+body(testKey1024)+"}"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(doc, opts)
	want := `c.json:3:86: variable[1].value: collection variable client_private_key holds a private key the script cannot sign with: the RSA key has 1024 bits; supported:`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Build = %v\nwant   %s…", err, want)
	}
	if strings.Contains(err.Error(), "MIIC") {
		t.Error("the message quotes the key")
	}
	p, _ := run(t, body(testKeyP256), opts)
	if len(p.Report.Warnings) != 1 || !strings.Contains(p.Report.Warnings[0], "variable[1].value: collection variable client_private_key holds a private key in the file") {
		t.Errorf("warnings %q", p.Report.Warnings)
	}
}

// Throwaway test keys (never used anywhere else).
const (
	testKey1024 = `-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAOHc7Og19AwXZ/ib
sj7bKNBd91UUB9bMcERQ2sC4VVpoPL7AKHMkdR9w2aeWp20sESA2vVziSwsKcup1
t+aSpsAMK8lCxwnBqN/sVPsIPrYkTH1B5JfGQ1U7TME0nrCDD60x/5AQoz7LApNW
GGI2H2gjhVJ42YNFqkOLyq1a6+41AgMBAAECgYEAx172mHuXs1yt4Fu/WZCnVFa9
zpHh4Y+Qwh0FG/0bCrTcehyxGAJkiJ5a4n4vyESP0XnAac8vIs3UZnYHITbujQqp
UgtXCxlLW9UX/EdEHAyOixNyLbQLeMOmbZAQTDFWS1GDVuF8qJH+viHAmIwM61OB
qj9duv7jrJXb7nyXywECQQD8lKWF33UkDahwzeBWEe6ZfHbQ9TLdal3EfI4B3djJ
LAZzb2opakIcTGee1lkX2ZXRtUOKHey6tnXgoVXQaplhAkEA5OuvYLaXWVTr2Cha
l0SLx+ehiXRJrzwNkVCvkmIfrp7WBABBWo4g3D3SSdhcD+Jc2GgH6xzuzkrrwyTc
sbGhVQJBAImC5BrebYgTZ4EClQBHAv/NI2LgG7EwF5zBsw6RGVVtApYWMlYZ46RE
dKWlTRwO+eISLZMkd52veL2zGGU/pAECQBk1fxWmZdpXiLVAFGHOEZqM/nP1k1ux
wEi9WuhC1/xRz32XTZscRbAbOroZEmJJajIGmsCgagfbpkTSHV+QERUCQBkVrzNa
kxlMyIQ0dEwPxYYpvbXk5cK8ZJJQGVI+7nCPtQvYJ2sMz1npAlq3JIC93aVnepgO
VElFK2AYxqi2STY=
-----END PRIVATE KEY-----
`
	testKeyP256 = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg031HDYF7e4ONtuYK
y0J72yFeWgPudAjdyDqh9D1ms7+hRANCAAT9gKaO6hTTzI5wEF/NwF2z3rgIkd89
hEhd3MjIiiSGqadMFDIYcouwO2ax4DkJLCPeHBkVDt2lk2a8H3stWtKl
-----END PRIVATE KEY-----
`
)
