//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The before/after tests: each collection runs under newman before and after
// `pmprep inject`, and the judge (beforeafter_judge_test.go) checks every
// request by what reached the recorder.

func beforeAfterDir(t testing.TB) string {
	return filepath.Join(repoRoot(t), "testdata", "beforeafter")
}

// judgeRunVars are the variables of every run of a judged collection: the
// injected script's inputs (the fault server's /token/ok accepts any client,
// so zero-config scripts that read client authentication or grant from an
// oauth2 block can fetch; --token-url runs use the oidc server instead) and
// placeholders for undefined references.
func judgeRunVars(t testing.TB, rs *Recorder, collFile, envFile string) map[string]string {
	t.Helper()
	vars := fillerVars(t, collFile, envFile)
	vars["token_url"] = rs.FaultToken
	vars["client_id"] = rs.Creds.BasicClientID
	vars["client_secret"] = rs.Creds.BasicClientSecret
	// The fault token endpoint takes any grant: with these, a collection
	// whose oauth2 block asks for the refresh_token or password grant can
	// fetch its token too (the names are the script's defaults).
	vars["refresh_token"] = "judge-refresh-token"
	vars["username"] = "judge-user"
	vars["password"] = "judge-password"
	return vars
}

// injectCopy runs pmprep inject on in with args and returns the output file
// and pmprep's exit code and stderr (redacted).
func injectCopy(t testing.TB, in string, args ...string) (out string, code int, stderr string) {
	t.Helper()
	dir := t.TempDir()
	out = filepath.Join(dir, "after.postman_collection.json")
	_, se, code := pmprep(t, dir, append([]string{"inject", in, "-o", out}, args...)...)
	assertNoSecrets(t, "pmprep inject output", se)
	return out, code, redact(se)
}

type baCase struct {
	file                      string
	zeroConfig                bool // also judge zero-config inject (the case has an oauth2 block)
	managedVars               []string
	managed, untouched, fresh int
}

// TestBeforeAfterCases judges pmprep inject on the small collections of
// testdata/beforeafter, each one a breakage the inject rewrite must fix.
func TestBeforeAfterCases(t *testing.T) {
	cases := []baCase{
		{file: "third-party-oauth2", zeroConfig: true, managed: 2, untouched: 1},
		{file: "bearer-in-noauth-folder", managed: 2, untouched: 1},
		{file: "literal-basic-header", untouched: 1, fresh: 1},
		{file: "script-upserts-authorization", untouched: 1, fresh: 1},
		{file: "collection-apikey", untouched: 2},
		{file: "authorization-variables", untouched: 2, fresh: 1},
		{file: "url-userinfo", untouched: 1, fresh: 1},
		{file: "two-token-variables", managedVars: []string{"pmprep_access_token", "UserAccessToken"}, managed: 2, untouched: 2},
		{file: "top-level-await", managed: 2},
	}
	pool := newRecorderPool(t, 2)
	for _, c := range cases {
		type variant struct {
			name string
			args func(rs *Recorder) []string
		}
		variants := []variant{{"token-url", func(rs *Recorder) []string { return []string{"--token-url", rs.OIDCToken} }}}
		if c.zeroConfig {
			variants = append(variants, variant{"zero-config", func(*Recorder) []string { return nil }})
		}
		for _, v := range variants {
			for _, run := range runners {
				c, v := c, v
				t.Run(c.file+"/"+v.name+"/"+run.Name, func(t *testing.T) {
					t.Parallel()
					rs := pool.get(t)
					in := filepath.Join(beforeAfterDir(t), c.file+".postman_collection.json")
					out, code, stderr := injectCopy(t, in, v.args(rs)...)
					if code != 0 {
						t.Fatalf("pmprep inject exit %d: %s", code, stderr)
					}
					j := judgeBeforeAfter(t, rs, in, out, judgeOpts{
						ManagedVars: c.managedVars,
						Vars:        judgeRunVars(t, rs, in, ""),
						Runner:      run,
					})
					j.expect(t, c.managed, c.untouched, c.fresh)
					if t.Failed() {
						t.Logf("pmprep inject summary:\n%s", stderr)
					}
				})
			}
		}
	}
}

// TestBeforeAfterJudgeSelfTest proves the judge sees what it must: a
// hand-written ideal after-copy passes with exact counts, and a copy whose
// Basic request now sends a bearer token is reported.
func TestBeforeAfterJudgeSelfTest(t *testing.T) {
	t.Parallel()
	rs := startRecorder(t)
	dir := beforeAfterDir(t)
	before := filepath.Join(dir, "judge-selftest-before.postman_collection.json")
	vars := judgeRunVars(t, rs, before, "")
	opts := judgeOpts{Vars: vars}
	befores := runBefore(t, runners[0], rs, before, judgeVars(withManaged(t, before, opts)), nil)
	opts.BeforeRuns = befores

	good := judgeBeforeAfter(t, rs, before, filepath.Join(dir, "judge-selftest-after-good.postman_collection.json"), opts)
	good.expect(t, 2, 1, 0)

	bad := judgeBeforeAfter(t, rs, before, filepath.Join(dir, "judge-selftest-after-bad.postman_collection.json"), opts)
	var found bool
	for _, v := range bad.Requests {
		if v.Name == "basic header" && v.Class == classUntouched {
			for _, p := range v.Problems {
				if strings.Contains(p, "header authorization") {
					found = true
				}
			}
		}
	}
	if !found || bad.NProblems() != 1 {
		t.Errorf("judge missed the Basic header replaced by a bearer token (want exactly that problem):\n%s", bad.Table())
	}
	// Comparing the before copy with itself: nothing managed gets a token.
	same := judgeBeforeAfter(t, rs, before, before, opts)
	if same.NProblems() != 2 {
		t.Errorf("before vs itself: want 2 problems (the managed requests keep the stale token):\n%s", same.Table())
	}
}

// withManaged returns opts with the default managed variables filled in.
func withManaged(t testing.TB, before string, opts judgeOpts) judgeOpts {
	defaultManaged(t, before, effectiveAuthOracleList(t, before), &opts)
	return opts
}

// corpusMaxRequests bounds the corpus collections judged by default: newman
// through the recorder costs ~60 ms a request on 2 cores, 4 runs a
// collection. PMPREP_E2E_CORPUS_FULL=1 judges all of them (several minutes).
const corpusMaxRequests = 40

// corpusDir is the shared corpus of real exports (read in place, never copied).
const corpusDir = "/work/shared/corpus"

// TestBeforeAfterCorpus judges every corpus collection pmprep inject accepts,
// zero-config and with --token-url, against one pair of before runs each.
func TestBeforeAfterCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	var colls []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".json") && !strings.Contains(n, "environment") && !strings.Contains(n, "globals") {
			colls = append(colls, n)
		}
	}
	sort.Strings(colls)
	pool := newRecorderPool(t, 2)
	for _, name := range colls {
		name := name
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			in := filepath.Join(corpusDir, name)
			env := corpusEnv(name, entries)
			if n := len(effectiveAuthOracleList(t, in)); n > corpusMaxRequests && os.Getenv("PMPREP_E2E_CORPUS_FULL") != "1" {
				t.Skipf("%d requests > %d: judged only with PMPREP_E2E_CORPUS_FULL=1 (keeps make test within its time budget)", n, corpusMaxRequests)
			}
			rs := pool.get(t)
			type variant struct {
				name string
				args []string
			}
			var accepted []variant
			for _, v := range []variant{{"zero-config", nil}, {"token-url", []string{"--token-url", rs.OIDCToken}}} {
				out, code, stderr := injectCopy(t, in, v.args...)
				if code != 0 {
					t.Logf("%s: pmprep inject exit %d (not judged): %s", v.name, code, trunc(stderr, 300))
					continue
				}
				accepted = append(accepted, variant{v.name, []string{out}})
			}
			if len(accepted) == 0 {
				t.Skip("pmprep inject accepts this collection in no variant")
			}
			base := judgeOpts{Vars: judgeRunVars(t, rs, in, env)}
			if env != "" {
				base.Args = []string{"-e", env}
			}
			// Each variant is judged by the token domains its output
			// declares; the before runs they share carry the sentinel of
			// every variable any of them manages, so both runs of every
			// comparison see the same variables.
			declared := map[string]judgeOpts{}
			for _, v := range accepted {
				o := base
				o.ManagedVars, o.ManagedTokenURLs = declaredManaged(t, v.args[0])
				declared[v.name] = withManaged(t, in, o)
				for _, mv := range declared[v.name].ManagedVars {
					base.Vars = withVar(base.Vars, mv, "STALE-"+mv)
				}
			}
			befores := runBefore(t, runners[0], rs, in, judgeVars(base), base.Args)
			for _, v := range accepted {
				opts := declared[v.name]
				opts.Vars, opts.BeforeRuns = base.Vars, befores
				j := judgeBeforeAfter(t, rs, in, v.args[0], opts)
				if j.NProblems() > 0 {
					t.Errorf("%s: %s", v.name, j.Table())
				} else {
					t.Logf("%s: %s", v.name, j.Summary())
				}
			}
		})
	}
}

// withVar returns vars with k set to v (a copy: the map may be shared).
func withVar(vars map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(vars)+1)
	for a, b := range vars {
		out[a] = b
	}
	out[k] = v
	return out
}

// corpusEnv returns the environment file that belongs to a corpus
// collection: the one with the same repository prefix (owner__repo__), or ""
// when there is none or several.
func corpusEnv(coll string, entries []os.DirEntry) string {
	parts := strings.SplitN(coll, "__", 3)
	if len(parts) < 3 {
		return ""
	}
	prefix := parts[0] + "__" + parts[1] + "__"
	var found []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, prefix) && strings.Contains(n, "environment") && strings.HasSuffix(n, ".json") {
			found = append(found, n)
		}
	}
	if len(found) == 0 {
		return ""
	}
	sort.Strings(found)
	return filepath.Join(corpusDir, found[0])
}
