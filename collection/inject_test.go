package collection

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testPlan is a fixed plan with a fake script block: these tests are about
// where and how inject writes, not what it decides (package inject tests
// that) or what the script says (package script tests that).
func testPlan(retry bool) InjectPlan {
	p := InjectPlan{
		PreRequest: []string{"// >>> pmprep test-begin", "pmprepFetch(\"</script>\u2028\");", "// <<< pmprep end"},
		IsBegin:    func(l string) bool { return strings.HasPrefix(l, "// >>> pmprep") },
		IsEnd:      func(l string) bool { return strings.HasPrefix(l, "// <<< pmprep end") },
		Auth:       &AuthEdit{Block: &AuthBlock{Type: "bearer", Params: []AuthParam{{Key: "token", Value: "{{pmprep_access_token}}"}}}},
		Variables:  []Variable{{"token_url", "https://auth.example.test/token"}, {"client_id", "id"}, {"base_url", "must-not-overwrite"}},
	}
	if retry {
		p.Test = []string{"// >>> pmprep test-begin", "retry();", "// <<< pmprep end"}
	}
	return p
}

// testPlanFor adds item edits of every kind to testPlan, by a simple rule
// (not inject's): bearer and oauth2 blocks go, apikey blocks get their
// key renamed in place, requests with no auth and a Basic header get noauth,
// and bearer Authorization headers are dropped.
func testPlanFor(doc *Document, retry bool) InjectPlan {
	p := testPlan(retry)
	Walk(doc, func(it *Item) error {
		ed := ItemEdit{Item: it.Ref(), DropHeader: sendsBearerToken}
		switch AuthType(it.Auth) {
		case "bearer", "oauth2":
			ed.RemoveAuth = true
		case "apikey":
			for _, kv := range AuthParams(it.Auth, "apikey") {
				if kv.Key == "key" && kv.Result.Exists() {
					ed.Auth = &AuthEdit{Params: []ParamEdit{{Value: kv.Result, Text: "X-Renamed"}}}
				}
			}
		case "":
			for _, h := range AuthorizationHeaders(doc, it.Request) {
				if !sendsBearerToken(h) {
					ed.Auth = &AuthEdit{Block: &AuthBlock{Type: "noauth"}}
				}
			}
		}
		p.Items = append(p.Items, ed)
		return nil
	})
	return p
}

// sendsBearerToken reports whether an Authorization header value is a
// bearer token (or nothing).
func sendsBearerToken(value string) bool {
	v := strings.TrimSpace(value)
	return v == "" || len(v) > 7 && strings.EqualFold(v[:7], "bearer ")
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
	if plan.Items == nil && plan.PreRequest != nil {
		plan = testPlanFor(doc, plan.Test != nil)
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

// A header list may be one string of "Key: value" lines (both schemas
// allow it; Postman's bulk edit writes it, postman-collection's
// Header.parse reads it). Bearer Authorization lines are cut with their
// line break; every other byte of the string stays as written.
func TestInjectRemovesAuthorizationLinesFromStringHeaders(t *testing.T) {
	cases := []struct {
		name, header, want string
		removed            int
	}{
		{"first line", `Authorization: Bearer stale\nAccept: application/json`, `Accept: application/json`, 1},
		{"middle line", `Accept: a\nauthorization:bearer stale\nX-Id: 1`, `Accept: a\nX-Id: 1`, 1},
		{"last line", `Accept: a\nAuthorization: Bearer stale`, `Accept: a`, 1},
		{"only line", `Authorization: Bearer stale`, ``, 1},
		{"CRLF breaks", `Accept: a\r\nAuthorization: Bearer stale\r\nX-Id: 1\r\n`, `Accept: a\r\nX-Id: 1\r\n`, 1},
		{"escaped break", `Accept: a\u000AAuthorization: Bearer stale\u000aX: \u00e9`, `Accept: a\u000AX: \u00e9`, 1},
		{"escaped name", `Accept: a\n\u0041uthorization: Bearer stale`, `Accept: a`, 1},
		{"two tokens", `Authorization: Bearer a\nAccept: b\nAuthorization: Bearer c`, `Accept: b`, 2},
		{"empty value", `Authorization:\nAccept: b`, `Accept: b`, 1},
		{"basic credentials stay", `Authorization: Basic dXNlcjpwYXNz\nAccept: b`, `Authorization: Basic dXNlcjpwYXNz\nAccept: b`, 0},
		{"disabled line stays", `//Authorization: Bearer old\nAccept: b`, `//Authorization: Bearer old\nAccept: b`, 0},
		{"not a header line", ` Authorization: Bearer x`, ` Authorization: Bearer x`, 0},
		{"backslash n is not a break", `X-Path: C:\\new\nAuthorization: Bearer s`, `X-Path: C:\\new`, 1},
		{"other headers only", `X-Authorization-Mode: strict\nAccept: b`, `X-Authorization-Mode: strict\nAccept: b`, 0},
		{"last two lines", `A: 1\nAuthorization: Bearer x\nAuthorization: Bearer y`, `A: 1`, 2},
		{"trailing break kept", `A: 1\nAuthorization: Bearer x\n`, `A: 1\n`, 1},
		{"folded continuation goes too", `A: 1\r\nAuthorization: Bearer x\r\n z\r\nB: 2`, `A: 1\r\nB: 2`, 1},
		{"indented line after a kept header stays", `A: 1\r\n z\r\nAuthorization: Bearer x`, `A: 1\r\n z`, 1},
		{"blank lines kept", `A: 1\n\nAuthorization: Bearer x\nB: 2`, `A: 1\n\nB: 2`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := "{\n\t\"info\": {\"name\": \"s\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n" +
				"\t\"item\": [{\"name\": \"r\", \"request\": {\"method\": \"GET\", \"header\": \"" + c.header + "\", \"url\": \"https://api.test/\"}}]\n}\n"
			doc, err := Parse("s.json", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			out, rep, err := Inject(doc, testPlanFor(doc, false))
			if err != nil {
				t.Fatal(err)
			}
			wantHeader := `"header": "` + c.want + `", "url"`
			if !bytes.Contains(out, []byte(wantHeader)) {
				t.Errorf("output lacks %s", wantHeader)
			}
			if len(rep.RemovedHeaders) != c.removed {
				t.Errorf("removed %v; want %d", rep.RemovedHeaders, c.removed)
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
