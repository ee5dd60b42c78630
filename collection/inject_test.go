package collection

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testPlan is a fixed plan with a fake script block: these tests are about
// where inject writes, not what the script says (package script tests that).
func testPlan(retry bool) InjectPlan {
	p := InjectPlan{
		PreRequest: []string{"// >>> pmprep test-begin", "pmprepFetch(\"</script>\u2028\");", "// <<< pmprep end"},
		IsBegin:    func(l string) bool { return strings.HasPrefix(l, "// >>> pmprep") },
		IsEnd:      func(l string) bool { return strings.HasPrefix(l, "// <<< pmprep end") },
		AuthType:   "bearer",
		AuthParams: []AuthParam{{"token", "{{pmprep_access_token}}"}},
		Variables:  []Variable{{"token_url", "https://auth.example.test/token"}, {"client_id", ""}, {"client_secret", ""}, {"base_url", "must-not-overwrite"}},
	}
	if retry {
		p.Test = []string{"// >>> pmprep test-begin", "retry();", "// <<< pmprep end"}
	}
	return p
}

func TestInjectGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/inject/*.postman_collection.json")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		for _, retry := range []bool{false, true} {
			name := strings.TrimSuffix(filepath.Base(f), ".postman_collection.json")
			if retry {
				name += ".retry"
			}
			t.Run(name, func(t *testing.T) {
				in, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				out := injectOK(t, f, in, testPlan(retry))
				golden := filepath.Join("testdata/inject/golden", name+".json")
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, out, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./collection -update)", err)
				}
				if !bytes.Equal(out, want) {
					t.Errorf("output differs from %s (run with -update and review the diff)", golden)
				}
				checkInjected(t, in, out)
				// Idempotent: inject on its own output changes nothing.
				if again := injectOK(t, f, out, testPlan(retry)); !bytes.Equal(again, out) {
					t.Errorf("second inject changed the output")
				}
				// Dropping the retry block removes exactly what it added.
				if retry {
					if back := injectOK(t, f, out, testPlan(false)); !bytes.Equal(back, injectOK(t, f, in, testPlan(false))) {
						t.Errorf("removing the test block does not give the plain output")
					}
				}
			})
		}
	}
}

func injectOK(t *testing.T, name string, in []byte, plan InjectPlan) []byte {
	t.Helper()
	doc, err := Parse(name, in)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := Inject(doc, plan)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkInjected asserts the properties that hold for any inject output:
// valid JSON, the same BOM and line ends, and — decoded — everything but
// the parts inject owns is equal to the input.
func checkInjected(t *testing.T, in, out []byte) {
	t.Helper()
	if bytes.HasPrefix(in, utf8BOM) != bytes.HasPrefix(out, utf8BOM) {
		t.Errorf("BOM not kept")
	}
	in, out = bytes.TrimPrefix(in, utf8BOM), bytes.TrimPrefix(out, utf8BOM)
	if !json.Valid(out) {
		t.Fatalf("output is not valid JSON")
	}
	if bytes.Contains(in, []byte("\r\n")) && bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
		t.Errorf("CRLF file got bare LF line ends")
	}
	a, b := ownedStripped(t, in), ownedStripped(t, out)
	if !jsonEqual(a, b) {
		t.Errorf("inject changed something outside auth, events, variables and Authorization headers")
	}
}

// ownedStripped decodes a collection and removes what inject may change.
func ownedStripped(t *testing.T, data []byte) any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	delete(v, "auth")
	delete(v, "event")
	delete(v, "variable")
	var walk func(items any)
	walk = func(items any) {
		list, _ := items.([]any)
		for _, it := range list {
			m, _ := it.(map[string]any)
			if m == nil {
				continue
			}
			delete(m, "auth")
			if req, ok := m["request"].(map[string]any); ok {
				delete(req, "auth")
				if hs, ok := req["header"].([]any); ok {
					var kept []any
					for _, h := range hs {
						if hm, ok := h.(map[string]any); ok && strings.EqualFold(strings.TrimSpace(hm["key"].(string)), "authorization") {
							continue
						}
						kept = append(kept, h)
					}
					req["header"] = kept
				}
			}
			walk(m["item"])
		}
	}
	walk(v["item"])
	return v
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestInjectHandsFolderRulesToScripts(t *testing.T) {
	in, err := os.ReadFile("testdata/inject/tabs.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	plan := testPlan(false)
	var got []FolderRule
	plan.Scripts = func(rules []FolderRule) ([]string, []string, error) {
		got = rules
		return plan.PreRequest, nil, nil
	}
	injectOK(t, "tabs", in, plan)
	// "Users" had oauth2 (removed: it inherits), "Public" has noauth: only
	// Public's requests stop using the token.
	want := []FolderRule{{Path: []string{"Public"}, UsesToken: false}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rules = %v, want %v", got, want)
	}
}

// A header list may be one string of "Key: value" lines (both schemas
// allow it; Postman's bulk edit writes it, postman-collection's
// Header.parse reads it). Bearer Authorization lines are cut with their
// line break; every other byte of the string stays as written.
func TestInjectRemovesAuthorizationLinesFromStringHeaders(t *testing.T) {
	cases := []struct {
		name, header, want string
		removed, left      int
	}{
		{"first line", `Authorization: Bearer stale\nAccept: application/json`, `Accept: application/json`, 1, 0},
		{"middle line", `Accept: a\nauthorization:bearer stale\nX-Id: 1`, `Accept: a\nX-Id: 1`, 1, 0},
		{"last line", `Accept: a\nAuthorization: Bearer stale`, `Accept: a`, 1, 0},
		{"only line", `Authorization: Bearer stale`, ``, 1, 0},
		{"CRLF breaks", `Accept: a\r\nAuthorization: Bearer stale\r\nX-Id: 1\r\n`, `Accept: a\r\nX-Id: 1\r\n`, 1, 0},
		{"escaped break", `Accept: a\u000AAuthorization: Bearer stale\u000aX: \u00e9`, `Accept: a\u000AX: \u00e9`, 1, 0},
		{"escaped name", `Accept: a\n\u0041uthorization: Bearer stale`, `Accept: a`, 1, 0},
		{"two tokens", `Authorization: Bearer a\nAccept: b\nAuthorization: Bearer c`, `Accept: b`, 2, 0},
		{"empty value", `Authorization:\nAccept: b`, `Accept: b`, 1, 0},
		{"basic credentials stay", `Authorization: Basic dXNlcjpwYXNz\nAccept: b`, `Authorization: Basic dXNlcjpwYXNz\nAccept: b`, 0, 1},
		{"disabled line stays", `//Authorization: Bearer old\nAccept: b`, `//Authorization: Bearer old\nAccept: b`, 0, 0},
		{"not a header line", ` Authorization: Bearer x`, ` Authorization: Bearer x`, 0, 0},
		{"backslash n is not a break", `X-Path: C:\\new\nAuthorization: Bearer s`, `X-Path: C:\\new`, 1, 0},
		{"other headers only", `X-Authorization-Mode: strict\nAccept: b`, `X-Authorization-Mode: strict\nAccept: b`, 0, 0},
		{"last two lines", `A: 1\nAuthorization: Bearer x\nAuthorization: Bearer y`, `A: 1`, 2, 0},
		{"trailing break kept", `A: 1\nAuthorization: Bearer x\n`, `A: 1\n`, 1, 0},
		{"folded continuation goes too", `A: 1\r\nAuthorization: Bearer x\r\n z\r\nB: 2`, `A: 1\r\nB: 2`, 1, 0},
		{"indented line after a kept header stays", `A: 1\r\n z\r\nAuthorization: Bearer x`, `A: 1\r\n z`, 1, 0},
		{"blank lines kept", `A: 1\n\nAuthorization: Bearer x\nB: 2`, `A: 1\n\nB: 2`, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := "{\n\t\"info\": {\"name\": \"s\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n" +
				"\t\"item\": [{\"name\": \"r\", \"request\": {\"method\": \"GET\", \"header\": \"" + c.header + "\", \"url\": \"https://api.test/\"}}]\n}\n"
			doc, err := Parse("s.json", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			out, rep, err := Inject(doc, testPlan(false))
			if err != nil {
				t.Fatal(err)
			}
			wantHeader := `"header": "` + c.want + `", "url"`
			if !bytes.Contains(out, []byte(wantHeader)) {
				t.Errorf("output lacks %s", wantHeader)
			}
			if len(rep.RemovedHeaders) != c.removed || len(rep.LeftHeaders) != c.left {
				t.Errorf("removed %v, left %v; want %d and %d", rep.RemovedHeaders, rep.LeftHeaders, c.removed, c.left)
			}
			if c.removed > 0 && !strings.HasPrefix(rep.RemovedHeaders[0], "item[0].request.header (line ") {
				t.Errorf("path %q does not name the header string and line", rep.RemovedHeaders[0])
			}
			if again := injectOK(t, "s.json", out, testPlan(false)); !bytes.Equal(again, out) {
				t.Errorf("second inject changed the output")
			}
		})
	}
}

func TestInjectFoldersSharingANameFetchTheToken(t *testing.T) {
	in := `{"info": {"name": "n", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [
		{"name": "Reports", "auth": {"type": "noauth"}, "item": [{"name": "Old", "item": []}]},
		{"name": "Other", "auth": {"type": "noauth"}, "item": []},
		{"name": "Reports", "item": [{"name": "Old", "item": []}]},
		{"name": "Reports", "auth": {"type": "bearer", "bearer": []}, "item": []}
	]}`
	plan := testPlan(false)
	var got []FolderRule
	plan.Scripts = func(rules []FolderRule) ([]string, []string, error) {
		got = rules
		return plan.PreRequest, nil, nil
	}
	doc, err := Parse("n.json", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	_, rep, err := Inject(doc, plan)
	if err != nil {
		t.Fatal(err)
	}
	// "Other" keeps its rule; "Reports" and "Reports / Old" are each shared
	// by folders that do and do not send the token: both fetch it.
	want := []FolderRule{{[]string{"Other"}, false}, {[]string{"Reports"}, true}, {[]string{"Reports", "Old"}, true}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rules = %v, want %v", got, want)
	}
	if fmt.Sprint(rep.AmbiguousFolders) != "[Reports Reports / Old]" {
		t.Errorf("AmbiguousFolders = %q", rep.AmbiguousFolders)
	}
}
