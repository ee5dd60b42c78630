//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// v3CorpusRuns are corpus collections (../shared/corpus) whose v3
// migration the Postman CLI runs and pmprep converts back for newman:
// nested auth at three levels and scripts, auth helpers, a Keycloak
// realm's admin API, Akamai EdgeGrid. Left out for runner differences that
// are not convert's (the original v2.1 export differs the same way under
// newman): Brightspace's WhoAmI (a variable a script sets to undefined goes
// out as "{{accesstoken}}" from the CLI, "null" from newman) and Microsoft's
// identity platform flows (newman replaces a urlencoded body's misspelt
// Content-Type, the CLI sends it as written).
var v3CorpusRuns = []string{
	"postmanlabs__postman-collection-transformer__examples__v2.1.0__nestedEntities.json",
	"postmanlabs__postman-collection-transformer__examples__v2.1.0__helpers.json",
	"dougcavalheiro__keycloak-postman-example__keycloak.postman_collection.json",
	"postmanlabs__schemas__examples__draft-04__v2.1.0__edgegridAuthTest.json",
}

// TestV3CorpusConvertRunsLikeTheDirectory: for real exports, the Postman
// CLI's run of their v3 migration and newman's run of pmprep convert's
// v2.1 file send the same requests (method, URL, Authorization,
// Content-Type, body), all caught by the recorder's proxy on 127.0.0.1.
func TestV3CorpusConvertRunsLikeTheDirectory(t *testing.T) {
	bin := requirePostmanCLI(t)
	corpus := filepath.Join(repoRoot(t), "..", "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("no ../shared/corpus beside the project")
	}
	rs := startRecorder(t)
	proxy := []string{"HTTP_PROXY=" + rs.Proxy.URL, "HTTPS_PROXY=" + rs.Proxy.URL, "NO_PROXY=127.0.0.1", "ALL_PROXY="}
	for i, name := range v3CorpusRuns {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			dir := filepath.Join(t.TempDir(), "c")
			mig := runnerProcess(t, runnerCommand{What: "postman collection migrate", Bin: bin,
				Args: []string{"collection", "migrate", filepath.Join(corpus, name), "-o", dir}, Dir: home, Env: postmanCLIEnv(home)}, baNewmanTimeout)
			if mig.ExitCode != 0 {
				mig.Log(t)
				t.Fatalf("migrate exited %d", mig.ExitCode)
			}
			rs.ResetRecords(t)
			cli := runnerProcess(t, runnerCommand{What: "the Postman CLI", Bin: bin,
				Args: []string{"collection", "run", dir, "-r", "cli", "--disable-unicode", "--no-report-events", "--insecure"},
				Dir:  home, Env: mergeEnv(postmanCLIEnv(home), proxy)}, baNewmanTimeout)
			fromCLI := rs.Records(t)
			out := filepath.Join(t.TempDir(), "c.postman_collection.json")
			if _, stderr, code := pmprep(t, t.TempDir(), "convert", dir, "-o", out); code != 0 {
				t.Fatalf("pmprep convert exited %d: %s", code, stderr)
			}
			rs.ResetRecords(t)
			nm := newmanWith(t, RunOptions{Env: proxy, Timeout: baNewmanTimeout}, out, "--insecure")
			fromNewman := rs.Records(t)
			if len(fromCLI) == 0 {
				cli.Log(t)
				t.Fatal("nothing from the Postman CLI reached the recorder")
			}
			var want, got []string
			for _, r := range fromCLI {
				want = append(want, corpusRequest(r))
			}
			for _, r := range fromNewman {
				got = append(got, corpusRequest(r))
			}
			if d := cmp.Diff(want, got); d != "" {
				nm.Log(t)
				t.Fatalf("requests differ (-postman collection run DIR +newman on the converted file):\n%s", d)
			}
			t.Logf("%d: %d requests, the same from both runners", i, len(got))
		})
	}
}

// timestamps are digit runs the collections' scripts derive from the
// clock (realm and user names): they differ between any two runs.
var timestamps = regexp.MustCompile(`\d{6,}`)

// corpusRequest is what both runners must agree on for a real export.
func corpusRequest(r Record) string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.Scheme + "://" + r.Host + timestamps.ReplaceAllString(r.URL, "<time>"))
	body := r.Body()
	for _, h := range []string{"Authorization", "Content-Type"} {
		for _, v := range r.Header(h) {
			if h == "Content-Type" && v == "text/plain" && len(body) == 0 {
				// The Postman CLI labels an empty text body text/plain in v3
				// runs; newman sends no Content-Type without a body (measured).
				continue
			}
			if strings.HasPrefix(v, "multipart/form-data") {
				v = "multipart/form-data"
			}
			if strings.HasPrefix(v, "OAuth ") || strings.HasPrefix(v, "EG1-HMAC-SHA256 ") || strings.HasPrefix(v, "Digest ") {
				v = strings.Fields(v)[0] + " (signed: nonce and time differ per run)"
			}
			b.WriteString("\n" + h + ": " + v)
		}
	}
	if ct := r.Header("Content-Type"); len(ct) == 0 || !strings.HasPrefix(ct[0], "multipart/") {
		b.WriteString("\n\n" + timestamps.ReplaceAllString(string(body), "<time>"))
	}
	return b.String()
}
