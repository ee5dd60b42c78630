//go:build unix

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The pmprep binary under test, built once per test run from this tree.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func pmprepBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pmprep-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "pmprep")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/pmprep")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// pmprep runs the binary in dir and returns stdout, stderr and the exit code.
func pmprep(t testing.TB, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(pmprepBin(t), args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running pmprep: %v", err)
	}
	return o.String(), e.String(), code
}

// item is one request of a test collection.
type item struct {
	name, method, path string
	auth               string   // raw JSON auth block, "" to inherit
	tests              []string // test script lines
	headers            string   // raw JSON header array, "" for none
}

// collectionJSON builds a v2.1 collection with tabs, as Postman exports it.
func collectionJSON(name string, userPrerequest []string, items ...item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n\t\"info\": {\n\t\t\"name\": %q,\n\t\t\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"\n\t},\n\t\"item\": [", name)
	for i, it := range items {
		if i > 0 {
			b.WriteString(",")
		}
		method := it.method
		if method == "" {
			method = "GET"
		}
		fmt.Fprintf(&b, "\n\t\t{\n\t\t\t\"name\": %q,", it.name)
		if len(it.tests) > 0 {
			lines, _ := json.Marshal(it.tests)
			fmt.Fprintf(&b, "\n\t\t\t\"event\": [{\"listen\": \"test\", \"script\": {\"type\": \"text/javascript\", \"exec\": %s}}],", lines)
		}
		b.WriteString("\n\t\t\t\"request\": {")
		if it.auth != "" {
			fmt.Fprintf(&b, "\n\t\t\t\t\"auth\": %s,", it.auth)
		}
		if it.headers != "" {
			fmt.Fprintf(&b, "\n\t\t\t\t\"header\": %s,", it.headers)
		}
		fmt.Fprintf(&b, "\n\t\t\t\t\"method\": %q,\n\t\t\t\t\"url\": \"{{base_url}}%s\"\n\t\t\t}\n\t\t}", method, it.path)
	}
	b.WriteString("\n\t]")
	if userPrerequest != nil {
		lines, _ := json.Marshal(userPrerequest)
		fmt.Fprintf(&b, ",\n\t\"event\": [{\"listen\": \"prerequest\", \"script\": {\"type\": \"text/javascript\", \"exec\": %s}}]", lines)
	}
	b.WriteString("\n}\n")
	return b.String()
}

var status200 = []string{`pm.test("200 OK", () => pm.response.to.have.status(200));`}

// env writes a Postman environment file with the given variables.
func env(t testing.TB, dir, name string, vars map[string]string) string {
	t.Helper()
	var values []map[string]any
	for k, v := range vars {
		values = append(values, map[string]any{"key": k, "value": v, "enabled": true})
	}
	data, _ := json.MarshalIndent(map[string]any{"id": "e2e-" + name, "name": name, "values": values}, "", "\t")
	p := filepath.Join(dir, name+".postman_environment.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// injected writes coll to dir, runs pmprep inject with args and returns the
// output path; pmprep's stderr is checked for secrets.
func injected(t testing.TB, dir, coll string, args ...string) string {
	t.Helper()
	in := filepath.Join(dir, "api.postman_collection.json")
	out := filepath.Join(dir, "injected.postman_collection.json")
	if err := os.WriteFile(in, []byte(coll), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := pmprep(t, dir, append([]string{"inject", in, "-o", out}, args...)...)
	if code != 0 {
		t.Fatalf("pmprep inject exit %d: %s", code, redact(stderr))
	}
	assertNoSecrets(t, "pmprep inject output", stdout+stderr)
	return out
}

// assertNoSecrets fails when any known fake secret, or a token the servers
// issued (tokens are long random strings; we check the credential values),
// appears in s.
func assertNoSecrets(t testing.TB, what, s string) {
	t.Helper()
	secretsMu.Lock()
	defer secretsMu.Unlock()
	for v := range secrets {
		if strings.Contains(s, v) || strings.Contains(s, url.QueryEscape(v)) {
			t.Errorf("%s contains a secret value (redacted output follows)", what)
		}
	}
}

func mustPass(t testing.TB, r NewmanResult) {
	t.Helper()
	assertNoSecrets(t, "newman output", r.Output)
	if r.ExitCode != 0 || r.Summary == nil || len(r.Summary.Run.Failures) > 0 {
		r.Log(t)
		if r.Summary != nil {
			t.Fatalf("newman exit %d, failures: %v", r.ExitCode, r.Summary.FailureMessages())
		}
		t.Fatalf("newman exit %d", r.ExitCode)
	}
}

// mustFailWith asserts a loud failure: exit 1, a failed test whose name and
// message contain the given parts, and no secret in the output.
func mustFailWith(t testing.TB, r NewmanResult, testName string, parts ...string) {
	t.Helper()
	assertNoSecrets(t, "newman output", r.Output)
	if r.ExitCode != 1 || r.Summary == nil {
		r.Log(t)
		t.Fatalf("newman exit %d, want 1", r.ExitCode)
	}
	var tests []string
	for _, f := range r.Summary.Run.Failures {
		tests = append(tests, f.Error.Test)
	}
	msgs := strings.Join(append(tests, r.Summary.FailureMessages()...), "\n")
	if !strings.Contains(msgs, testName) {
		r.Log(t)
		t.Fatalf("no failing test %q in: %s", testName, redact(msgs))
	}
	for _, p := range parts {
		if !strings.Contains(msgs, p) {
			t.Errorf("failure does not mention %q: %s", p, redact(msgs))
		}
	}
}
