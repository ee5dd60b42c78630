//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// v3InjectFixture is a v3 directory with every case inject tells apart:
// requests that inherit the collection's bearer auth, that have their own
// bearer of the token, that sit in a folder whose own bearer sends it (with
// nothing above after inject, and below a Basic folder); and requests left
// alone: own Basic, own noauth (pm.request.auth is undefined for it in a v3
// run, like for an inheriting one), a noauth folder, a noauth folder's
// request with its own Authorization header, a Basic folder's request.
// Inherits carries a pasted token (inject removes it), Disabled header a
// disabled one (which the script's header must not inherit); Team's name has
// characters encoding/json escapes and JSON.stringify does not.
var v3InjectFixture = map[string]string{
	".resources/definition.yaml": `$kind: collection
name: v3 inject
# The collection sends the token to every request that inherits.
auth:
  type: bearer
  credentials:
    token: "{{access_token}}"
scripts:
  - type: http:beforeRequest
    code: |-
      pm.request.headers.upsert({key: 'X-Script', value: 'collection ' + pm.info.requestName});
    language: text/javascript
`,
	"Inherits.request.yaml":                      "$kind: http-request\nurl: \"{{base}}/inherits\"\nmethod: GET\nheaders:\n  Accept: application/json\n  Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.pasted-by-hand.c3RhbGU\norder: 1000\n",
	"Disabled header.request.yaml":               "$kind: http-request\nurl: \"{{base}}/disabled-header\"\nmethod: GET\nheaders:\n  - key: Authorization\n    value: Bearer stale-disabled\n    disabled: true\norder: 1500\n",
	"Own bearer.request.yaml":                    "$kind: http-request\nurl: '{{base}}/own-bearer'\nmethod: GET\nauth:\n  type: bearer\n  credentials:\n    - key: token\n      value: \"{{access_token}}\"\norder: 2000\n",
	"Own basic.request.yaml":                     "$kind: http-request\nurl: \"{{base}}/own-basic\"\nmethod: GET\nauth:\n  type: basic\n  credentials:\n    username: \"{{user}}\"\n    password: \"{{pass}}\"\norder: 3000\n",
	"Own noauth.request.yaml":                    "$kind: http-request\nurl: \"{{base}}/own-noauth\"\nmethod: GET\nauth:\n  type: noauth\norder: 4000\n",
	"Team/.resources/definition.yaml":            "$kind: collection\nname: Team & <Ops>\nauth:\n  type: bearer\n  credentials:\n    token: \"{{access_token}}\"\norder: 5000\n",
	"Team/List.request.yaml":                     "$kind: http-request\nurl: \"{{base}}/team\"\nmethod: GET\n",
	"Open/.resources/definition.yaml":            "$kind: collection\nauth:\n  type: noauth\norder: 6000\n",
	"Open/Health.request.yaml":                   "$kind: http-request\nurl: \"{{base}}/health\"\nmethod: GET\norder: 1000\n",
	"Open/Header.request.yaml":                   "$kind: http-request\nurl: \"{{base}}/own-header\"\nmethod: GET\nheaders:\n  Authorization: \"{{own_header}}\"\norder: 2000\n",
	"Partner/.resources/definition.yaml":         "$kind: collection\nauth:\n  type: basic\n  credentials:\n    username: \"{{user}}\"\n    password: \"{{pass}}\"\norder: 7000\n",
	"Partner/Plain.request.yaml":                 "$kind: http-request\nurl: \"{{base}}/partner-plain\"\nmethod: GET\norder: 1000\n",
	"Partner/Tokened/.resources/definition.yaml": "$kind: collection\nauth:\n  type: bearer\n  credentials:\n    token: \"{{access_token}}\"\norder: 2000\n",
	"Partner/Tokened/Call.request.yaml":          "$kind: http-request\nurl: \"{{base}}/partner-call\"\nmethod: GET\n",
}

// v3Managed are the paths whose requests send the managed token.
var v3Managed = map[string]bool{"/inherits": true, "/disabled-header": true, "/own-bearer": true, "/team": true, "/partner-call": true}

func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readTree is every file of dir by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestV3InjectRunsUnderThePostmanCLI: pmprep inject -w on a v3 directory,
// run with postman collection run DIR (two iterations) against the real
// oidc-provider with Basic and with body client authentication: one token
// request, with its client authentication intact (collection auth would
// overwrite it in a v3 run); every managed request sends "Bearer" with a
// token the server issued; every other request sends exactly what it sent
// before inject (the recorder compares method, URL, headers and body);
// postman collection lint finds no issue; a second inject changes no byte.
func TestV3InjectRunsUnderThePostmanCLI(t *testing.T) {
	bin := requirePostmanCLI(t)
	rs := startRecorder(t)
	creds := rs.Creds
	for _, mode := range []struct{ name, id, secret string }{
		{"basic", creds.BasicClientID, creds.BasicClientSecret},
		{"body", creds.BodyClientID, creds.BodyClientSecret},
	} {
		t.Run(mode.name, func(t *testing.T) {
			registerSecrets(mode.secret)
			dir := writeFiles(t, filepath.Join(t.TempDir(), "v3 inject"), v3InjectFixture)
			vars := []string{"--env-var", "base=http://v3inject.example.test", "--env-var", "user=v3-user", "--env-var", "pass=v3-pass",
				"--env-var", "own_header=Basic b3duOmhlYWRlcg==", "--env-var", "access_token=stale-before-inject"}
			proxy := []string{"HTTP_PROXY=" + rs.Proxy.URL, "HTTPS_PROXY=" + rs.Proxy.URL, "NO_PROXY=127.0.0.1", "ALL_PROXY="}
			runDir := func(what string, extra ...string) []Record {
				t.Helper()
				rs.ResetRecords(t)
				rs.ResetStats(t)
				home := t.TempDir()
				run := runnerProcess(t, runnerCommand{
					What: "the Postman CLI", Bin: bin,
					Args: append(append([]string{"collection", "run", dir, "-n", "2", "-r", "cli", "--disable-unicode", "--no-report-events"}, vars...), extra...),
					Dir:  home, Env: mergeEnv(postmanCLIEnv(home), proxy),
				}, baNewmanTimeout)
				if run.ExitCode != 0 {
					run.Log(t)
					t.Fatalf("postman collection run DIR (%s) exited %d", what, run.ExitCode)
				}
				var out []Record
				for _, r := range rs.Records(t) {
					if r.Kind == "request" {
						out = append(out, r)
					}
				}
				return out
			}
			before := runDir("before inject")

			orig := readTree(t, dir)
			_, stderr, code := pmprep(t, t.TempDir(), "inject", "-w", dir, "--client-auth", mode.name, "--token-url", "{{token_url}}")
			if code != 0 {
				t.Fatalf("pmprep inject -w exited %d: %s", code, redact(stderr))
			}
			injected := readTree(t, dir)
			var changed []string
			for p, body := range injected {
				if orig[p] != body {
					changed = append(changed, p)
				}
			}
			// The collection (script, auth removed), the request and the
			// folders whose own bearer sent the token.
			wantChanged := []string{".resources/definition.yaml", "Inherits.request.yaml", "Own bearer.request.yaml", "Partner/Tokened/.resources/definition.yaml", "Team/.resources/definition.yaml"}
			if d := cmp.Diff(wantChanged, sorted(changed)); d != "" {
				t.Errorf("files changed by inject (-want +got):\n%s", d)
			}
			if got := injected["Inherits.request.yaml"]; strings.Contains(got, "pasted-by-hand") || !strings.Contains(got, "Accept: application/json") {
				t.Errorf("Inherits: its pasted bearer header must go, its other header stay:\n%s", got)
			}
			if !strings.Contains(injected["Partner/Tokened/.resources/definition.yaml"], "type: noauth") {
				t.Errorf("the folder below a Basic folder: its bearer block must become noauth (removed, it would inherit Basic):\n%s", injected["Partner/Tokened/.resources/definition.yaml"])
			}

			after := runDir("after inject", "--env-var", "token_url="+rs.OIDCToken, "--env-var", "client_id="+mode.id, "--env-var", "client_secret="+mode.secret)
			st := rs.Stats(t)
			if st.Token.OIDC.Requests != 1 || st.Token.OIDC.OK != 1 || st.Token.OIDC.ByAuth[mode.name] != 1 {
				t.Errorf("token requests: %d (%d ok), by client authentication %v; want one for the whole run (two iterations), by %s",
					st.Token.OIDC.Requests, st.Token.OIDC.OK, st.Token.OIDC.ByAuth, mode.name)
			}
			if len(before) != 2*10 || len(after) != len(before) {
				t.Fatalf("requests recorded: %d before inject, %d after; want %d each", len(before), len(after), 2*10)
			}
			managed := 0
			for i := range before {
				b, a := before[i], after[i]
				if b.URL != a.URL {
					t.Fatalf("request %d: %s before inject, %s after", i, b.URL, a.URL)
				}
				if !v3Managed[a.URL] {
					if d := cmp.Diff(v3Request(b), v3Request(a)); d != "" {
						t.Errorf("%s is not managed: it must send what it sent before inject (-before +after):\n%s", a.URL, d)
					}
					continue
				}
				managed++
				if got := a.Header("Authorization"); len(got) != 1 || !strings.HasPrefix(got[0], "Bearer ") || !a.validBearer() {
					t.Errorf("%s: Authorization %d header(s), valid bearer %v; want one Bearer with a token the server issued", a.URL, len(got), a.validBearer())
				}
				if d := cmp.Diff(withoutAuthorization(v3Request(b)), withoutAuthorization(v3Request(a))); d != "" {
					t.Errorf("%s: besides its token it must send what it sent before (-before +after):\n%s", a.URL, d)
				}
			}
			if managed != 2*len(v3Managed) {
				t.Errorf("%d managed requests recorded, want %d", managed, 2*len(v3Managed))
			}

			home := t.TempDir()
			lint := runnerProcess(t, runnerCommand{What: "postman collection lint", Bin: bin, Args: []string{"collection", "lint", dir}, Dir: home, Env: postmanCLIEnv(home)}, baNewmanTimeout)
			if lint.ExitCode != 0 || !strings.Contains(lint.Output, "No issues found") {
				lint.Log(t)
				t.Errorf("postman collection lint on the injected directory: exit %d", lint.ExitCode)
			}
			_, stderr, code = pmprep(t, t.TempDir(), "inject", "-w", dir, "--client-auth", mode.name, "--token-url", "{{token_url}}")
			if code != 0 {
				t.Fatalf("second pmprep inject -w exited %d: %s", code, redact(stderr))
			}
			if d := cmp.Diff(injected, readTree(t, dir)); d != "" {
				t.Errorf("a second inject changed the directory:\n%s", d)
			}
		})
	}
}

func withoutAuthorization(req string) string {
	var out []string
	for _, l := range strings.Split(req, "\n") {
		if !strings.HasPrefix(l, "Authorization: ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// v3CorpusInjects are real exports whose v3 migration inject changes and
// the Postman CLI runs: collection bearer auth (Spotify; Twitter's 56
// requests), and the collections of TestV3CorpusConvertRunsLikeTheDirectory
// (nested auth, helpers, Keycloak, EdgeGrid). Left out: Brightspace's Test
// Data Setup (its bodies draw {{$random…}} values, different every run).
var v3CorpusInjects = append([]string{
	"TestAutomation-Devops__ReplacePostmanSecrets__Spotify.postman_collection.json",
	"xdevplatform__postman-twitter-api__Twitter API v2.postman_collection.json",
}, v3CorpusRuns...)

// TestV3CorpusInjectRunsUnderThePostmanCLI: for real exports migrated to
// v3, pmprep inject -w (token URL and client from pmprep.yaml, under
// variable names no collection uses), then postman collection run DIR:
// one token request, with Basic client authentication intact; every
// request the recorder sees with a token the server issued sent a bearer
// or nothing before, and besides its Authorization what it sent before
// inject; every other request sent exactly what it sent before; lint finds
// no issue. PMPREP_V3_CORPUS_ALL=1 runs every corpus collection the CLI
// migrates instead of the list.
func TestV3CorpusInjectRunsUnderThePostmanCLI(t *testing.T) {
	bin := requirePostmanCLI(t)
	corpus := filepath.Join(repoRoot(t), "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("no ../shared/corpus beside the project")
	}
	rs := startRecorder(t)
	creds := rs.Creds
	registerSecrets(creds.BasicClientSecret)
	proxy := []string{"HTTP_PROXY=" + rs.Proxy.URL, "HTTPS_PROXY=" + rs.Proxy.URL, "NO_PROXY=127.0.0.1", "ALL_PROXY="}
	cfg := "auth:\n  grant: client_credentials\n  client_auth: basic\n  token_url: \"{{pmprep_token_url}}\"\n  scope: \"\"\n" +
		"variables:\n  client_id: pmprep_client_id\n  client_secret: pmprep_client_secret\n"
	vars := []string{"--env-var", "pmprep_token_url=" + rs.OIDCToken, "--env-var", "pmprep_client_id=" + creds.BasicClientID,
		"--env-var", "pmprep_client_secret=" + creds.BasicClientSecret}
	names := v3CorpusInjects
	all := os.Getenv("PMPREP_V3_CORPUS_ALL") != ""
	if all {
		// Every collection of the corpus (about 10 minutes): what CI runs
		// is the list above.
		names = nil
		entries, _ := os.ReadDir(corpus)
		for _, e := range entries {
			n := e.Name()
			if strings.HasSuffix(n, ".json") && !strings.Contains(n, "environment") && !strings.Contains(n, "globals") {
				names = append(names, n)
			}
		}
	}
	managedTotal := 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			dir := filepath.Join(t.TempDir(), "c")
			mig := runnerProcess(t, runnerCommand{What: "postman collection migrate", Bin: bin,
				Args: []string{"collection", "migrate", filepath.Join(corpus, name), "-o", dir}, Dir: home, Env: postmanCLIEnv(home)}, baNewmanTimeout)
			if mig.ExitCode != 0 {
				if all {
					t.Skipf("the Postman CLI does not migrate it (exit %d)", mig.ExitCode)
				}
				mig.Log(t)
				t.Fatalf("migrate exited %d", mig.ExitCode)
			}
			run := func(what string) ([]Record, NewmanResult) {
				t.Helper()
				rs.ResetRecords(t)
				rs.ResetStats(t)
				res := runnerProcess(t, runnerCommand{What: "the Postman CLI", Bin: bin,
					Args: append([]string{"collection", "run", dir, "-r", "cli", "--disable-unicode", "--no-report-events", "--insecure"}, vars...),
					Dir:  home, Env: mergeEnv(postmanCLIEnv(home), proxy)}, baNewmanTimeout)
				var out []Record
				for _, r := range rs.Records(t) {
					if r.Kind == "request" {
						out = append(out, r)
					}
				}
				if len(out) == 0 {
					res.Log(t)
					t.Fatalf("%s: nothing reached the recorder", what)
				}
				return out, res
			}
			before, _ := run("before inject")
			work := t.TempDir()
			if err := os.WriteFile(filepath.Join(work, "pmprep.yaml"), []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, stderr, code := pmprep(t, work, "inject", "-w", dir); code != 0 {
				t.Fatalf("pmprep inject -w exited %d: %s", code, redact(stderr))
			}
			after, res := run("after inject")
			st := rs.Stats(t)
			if len(after) != len(before) {
				res.Log(t)
				t.Fatalf("%d requests before inject, %d after", len(before), len(after))
			}
			managed := 0
			for i := range before {
				b, a := corpusRequest(before[i]), corpusRequest(after[i])
				if !a0Valid(after[i]) {
					if b != a {
						t.Errorf("request %d is not managed: it must send what it sent before (-before +after):\n%s", i, cmp.Diff(b, a))
					}
					continue
				}
				managed++
				// Managed: it sent a bearer token before (a variable, maybe
				// unset), or nothing (newly authorised), never other credentials.
				for _, h := range before[i].Header("Authorization") {
					if !strings.EqualFold(strings.Fields(h + " ?")[0], "Bearer") {
						t.Errorf("request %d sent %s credentials before inject and a managed token after", i, strings.Fields(h + " ?")[0])
					}
				}
				if d := cmp.Diff(withoutAuthorization(b), withoutAuthorization(a)); d != "" {
					t.Errorf("request %d: besides its token it must send what it sent before (-before +after):\n%s", i, d)
				}
			}
			if managed > 0 && (st.Token.OIDC.Requests != 1 || st.Token.OIDC.ByAuth["basic"] != 1) {
				t.Errorf("token requests: %d, by client authentication %v; want one, Basic", st.Token.OIDC.Requests, st.Token.OIDC.ByAuth)
			}
			lint := runnerProcess(t, runnerCommand{What: "postman collection lint", Bin: bin, Args: []string{"collection", "lint", dir}, Dir: home, Env: postmanCLIEnv(home)}, baNewmanTimeout)
			if lint.ExitCode != 0 || !strings.Contains(lint.Output, "No issues found") {
				lint.Log(t)
				t.Errorf("postman collection lint on the injected directory: exit %d", lint.ExitCode)
			}
			managedTotal += managed
			t.Logf("%d requests, %d with a fresh token, %d token request(s)", len(after), managed, st.Token.OIDC.Requests)
		})
	}
	if managedTotal == 0 {
		t.Errorf("no request of any collection got the token")
	}
}

// a0Valid reports whether r sent one Bearer token the servers issued.
func a0Valid(r Record) bool {
	h := r.Header("Authorization")
	return len(h) == 1 && strings.HasPrefix(h[0], "Bearer ") && r.validBearer()
}

// TestV3Retry401UnderThePostmanCLI: inject --retry-401 on a v3 directory
// (the test block in the collection's http:afterResponse script): a token
// revoked on the server mid-run is dropped and the request re-sent once
// with a fresh one, under postman collection run DIR. The client id comes
// from the user's own collection script, which runs before pmprep's block.
func TestV3Retry401UnderThePostmanCLI(t *testing.T) {
	bin := requirePostmanCLI(t)
	srv := startServers(t, 60*time.Second)
	dir := writeFiles(t, filepath.Join(t.TempDir(), "retry"), map[string]string{
		// The user's collection script sets an input the token request
		// needs: it must run before pmprep's block.
		".resources/definition.yaml": "$kind: collection\nname: retry\nauth:\n  type: bearer\n  credentials:\n    token: \"{{access_token}}\"\n" +
			"scripts:\n  - type: http:beforeRequest\n    code: |-\n      pm.variables.set('client_id', " + strconv.Quote(srv.Creds.BasicClientID) + ");\n    language: text/javascript\n",
		"first.request.yaml":            "$kind: http-request\nurl: \"{{base_url}}/first\"\nmethod: GET\norder: 1000\n",
		"revoke.request.yaml":           "$kind: http-request\nurl: \"{{admin_url}}/admin/revoke-all\"\nmethod: POST\nauth:\n  type: noauth\norder: 2000\n",
		"after revocation.request.yaml": "$kind: http-request\nurl: \"{{base_url}}/after\"\nmethod: GET\norder: 3000\n",
	})
	if _, stderr, code := pmprep(t, t.TempDir(), "inject", "-w", dir, "--retry-401", "--token-url", "{{token_url}}"); code != 0 {
		t.Fatalf("pmprep inject -w --retry-401 exited %d: %s", code, redact(stderr))
	}
	registerSecrets(srv.Creds.BasicClientSecret)
	home := t.TempDir()
	run := runnerProcess(t, runnerCommand{
		What: "the Postman CLI", Bin: bin,
		Args: []string{"collection", "run", dir, "-r", "cli", "--disable-unicode", "--no-report-events",
			"--env-var", "base_url=" + srv.API, "--env-var", "admin_url=" + srv.Admin, "--env-var", "token_url=" + srv.OIDCToken,
			"--env-var", "client_secret=" + srv.Creds.BasicClientSecret},
		Dir: home, Env: postmanCLIEnv(home),
	}, baNewmanTimeout)
	if run.ExitCode != 0 {
		run.Log(t)
		t.Fatalf("postman collection run DIR exited %d", run.ExitCode)
	}
	st := srv.Stats(t)
	if st.API.Unauthorized != 1 || st.API.OK != 2 || st.Token.OIDC.Requests != 2 {
		run.Log(t)
		t.Errorf("401s %d (want 1), ok %d (want 2: first, and after revocation re-sent), token requests %d (want 2)", st.API.Unauthorized, st.API.OK, st.Token.OIDC.Requests)
	}
}
