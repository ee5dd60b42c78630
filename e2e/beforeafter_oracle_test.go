//go:build unix

package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// OracleAuth is one request's effective auth as postman-collection 5.3.1's
// Item#getAuth() computes it (testdata/e2e/effective-auth.mjs). Type is ""
// when getAuth() returns null (no auth anywhere up the tree).
type OracleAuth struct {
	Path   string         `json:"path"`  // pmprep's JSON path: item[0].item[2]
	Names  []string       `json:"names"` // folder names and the request name
	Type   string         `json:"type"`  // bearer, oauth2, basic, noauth, ... or ""
	Params map[string]any `json:"params"`
	// Authorization are the request's own enabled Authorization header
	// values as written (variables unresolved).
	Authorization []string `json:"authorization"`
}

// Param returns params[key] as a string ("" when absent or not a string).
func (o OracleAuth) Param(key string) string {
	s, _ := o.Params[key].(string)
	return s
}

// effectiveAuthOracleList runs the oracle on file and returns its lines in
// document order.
func effectiveAuthOracleList(t testing.TB, file string) []OracleAuth {
	t.Helper()
	requireE2EDeps(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodePath, filepath.Join(e2eDir(t), "effective-auth.mjs"), file)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("effective-auth.mjs %s: %v: %s", filepath.Base(file), err, redact(tail(errb.String(), 4<<10)))
	}
	var list []OracleAuth
	for _, line := range scanLines(string(out)) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var o OracleAuth
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("effective-auth.mjs: bad line %q: %v", redact(line), err)
		}
		list = append(list, o)
	}
	return list
}

// effectiveAuthOracle returns every request's effective auth, keyed by its
// JSON path (item[0].item[2]).
func effectiveAuthOracle(t testing.TB, file string) map[string]OracleAuth {
	t.Helper()
	m := map[string]OracleAuth{}
	for _, o := range effectiveAuthOracleList(t, file) {
		m[o.Path] = o
	}
	return m
}

func TestEffectiveAuthOracle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	coll := `{"info":{"name":"oracle","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
"auth":{"type":"bearer","bearer":[{"key":"token","value":"{{tok}}","type":"string"}]},
"item":[
 {"name":"inherits","request":{"method":"GET","url":"http://x/1"}},
 {"name":"F","auth":{"type":"noauth"},"item":[
   {"name":"in noauth folder","request":{"method":"GET","url":"http://x/2"}},
   {"name":"G","item":[{"name":"own basic","request":{"auth":{"type":"basic","basic":[{"key":"username","value":"u"}]},"method":"GET","url":"http://x/3"}}]}
 ]},
 {"name":"null auth","request":{"auth":null,"method":"GET","url":"http://x/4"}}
]}`
	f := filepath.Join(dir, "c.json")
	writeFile(t, f, coll)
	got := effectiveAuthOracle(t, f)
	want := map[string]string{
		"item[0]":                 "bearer",
		"item[1].item[0]":         "noauth",
		"item[1].item[1].item[0]": "basic",
		"item[2]":                 "bearer",
	}
	if len(got) != len(want) {
		t.Fatalf("oracle: %d requests, want %d: %v", len(got), len(want), got)
	}
	for p, typ := range want {
		if got[p].Type != typ {
			t.Errorf("%s: type %q, want %q", p, got[p].Type, typ)
		}
	}
	if tok := got["item[0]"].Param("token"); tok != "{{tok}}" {
		t.Errorf("item[0] token = %q", tok)
	}
	if n := got["item[1].item[1].item[0]"].Names; strings.Join(n, "/") != "F/G/own basic" {
		t.Errorf("names = %v", n)
	}
}
