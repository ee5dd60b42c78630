package strip

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/collection"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/strip/golden")

const fixtures = "../testdata/strip"

// TestGolden strips every fixture (with Normalize) and compares the bytes
// and the findings with the golden files. Fixture secrets are spelled
// fake-…, values that must stay are spelled kept…, so the check does not
// depend on the golden files alone.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res := scanOK(t, name, in, Options{Normalize: true})
			if bytes.Contains(res.Out, []byte("fake-")) {
				t.Errorf("a fake- secret survived at offset %d", bytes.Index(res.Out, []byte("fake-")))
			}
			if a, b := bytes.Count(in, []byte("kept")), bytes.Count(res.Out, []byte("kept")); a != b {
				t.Errorf("%d kept… values in, %d out", a, b)
			}
			var report strings.Builder
			for _, f := range res.Findings {
				fmt.Fprintf(&report, "%d:%d: %s: %s (key %q)\n", f.Pos.Line, f.Pos.Col, f.Path, f.Kind, f.Key)
			}
			golden(t, filepath.Join(fixtures, "golden", name), res.Out)
			golden(t, filepath.Join(fixtures, "golden", name+".findings"), []byte(report.String()))
			checkStrip(t, name, in, Options{})
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./strip -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; fixtures hold fake values only):\n%s", path, diff)
	}
}

func scanOK(t *testing.T, name string, in []byte, opts Options) Result {
	t.Helper()
	doc, err := collection.ParseLegacy(name, in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Scan(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkStrip asserts what Scan promises on any input, without printing any
// byte of it (real files hold real secrets): the output parses as the same
// kind; it equals the input with exactly the findings' bytes replaced
// (nothing else changed); a second Scan finds nothing and changes nothing.
func checkStrip(t *testing.T, name string, in []byte, opts Options) Result {
	t.Helper()
	doc, err := collection.ParseLegacy(name, in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Scan(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Normalize {
		if want := splice(doc, res.Findings); !bytes.Equal(res.Out, want) {
			t.Fatalf("output differs from the input outside the findings (first difference at byte %d)", firstDiff(res.Out, want))
		}
	}
	if res.Changed == bytes.Equal(res.Out, in) {
		t.Errorf("Changed = %v, but output equal to input = %v", res.Changed, bytes.Equal(res.Out, in))
	}
	// Find + WriteTo (what the CLI streams to disk) writes exactly Scan's output.
	found, err := Find(doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	var streamed bytes.Buffer
	if _, err := found.WriteTo(&streamed); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(streamed.Bytes(), res.Out) {
		t.Fatalf("Find+WriteTo differs from Scan's output (first difference at byte %d)", firstDiff(streamed.Bytes(), res.Out))
	}
	again, err := collection.ParseLegacy(name, res.Out)
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	if again.Kind != doc.Kind {
		t.Fatalf("output is a %v, input a %v", again.Kind, doc.Kind)
	}
	res2, err := Scan(again, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Secrets in names cannot be blanked: a second strip reports them
	// again, and nothing else.
	more := res2.Findings[:0:0]
	for _, f := range res2.Findings {
		if !f.InName {
			more = append(more, f)
		}
	}
	if len(more) != 0 || !bytes.Equal(res2.Out, res.Out) || inNames(res2) != inNames(res) {
		t.Errorf("second strip found %d more (first at %s), %d secrets in names (first: %d), and changed = %v",
			len(more), firstPath(more), inNames(res2), inNames(res), !bytes.Equal(res2.Out, res.Out))
	}
	return res
}

// splice applies the findings' own claims to the input: what the output
// must be if Scan changed those bytes and no others.
func inNames(r Result) int {
	n := 0
	for _, f := range r.Findings {
		if f.InName {
			n++
		}
	}
	return n
}

func splice(doc *collection.Document, fs []Finding) []byte {
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, f := range fs {
		edits = append(edits, edit{f.start, f.end, f.text})
		for _, r := range f.more {
			edits = append(edits, edit{r[0], r[1], ""})
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	body := doc.Body()
	out := append([]byte{}, doc.Bytes()[:len(doc.Bytes())-len(body)]...) // the BOM
	last := 0
	for _, e := range edits {
		if e.start < last {
			return nil // overlapping claims: never the output
		}
		out = append(out, body[last:e.start]...)
		out = append(out, e.text...)
		last = e.end
	}
	return append(out, body[last:]...)
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func firstPath(fs []Finding) string {
	if len(fs) == 0 {
		return "-"
	}
	return fs[0].Path
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", false},
		{"   ", false},
		{"{{token}}", false},
		{" {{token}} ", false},
		{"Bearer {{token}}", false},
		{"bearer {{token}}", false},
		{"Basic {{credentials}}", false},
		{"{{user}}:{{pass}}", false},
		{"{{a}}-{{b}}", false},
		{"session={{sid}}; theme={{theme}}", false},
		{`"{{etag}}"`, false},
		{"{{$guid}}", false},
		{"hunter2", true},
		{"0", true},
		{"Bearer abc{{x}}", true},
		{"Bearer", true},
		{"abc{{x}}", true},
		{"session={{sid}}; theme=dark", true},
		{"{{token", true},
		{"{{scheme}} {{token}}", false},
		{"Token token={{t}}", false},
		{"prefix {{token}}", true},
	} {
		if got := literal(tc.in); got != tc.want {
			t.Errorf("literal(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestShape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2ln", "JWT"},
		{"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0In0.", "JWT"},
		{"Bearer abcdefgh", "credential"},
		{"basic dXNlcjpwYXNz", "credential"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIE", "private key"},
		{"-----BEGIN PRIVATE KEY-----", "private key"},
		{"PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01", "API token"},
		{"ghp_" + strings.Repeat("a", 36), "API token"},
		{"xoxb-1234567890-abc", "API token"},
		{"sk_live_" + strings.Repeat("Z", 24), "API token"},
		{"AIza" + strings.Repeat("B", 35), "API token"},
		{"-----BEGIN PUBLIC KEY-----", ""},
		{"sk_test_" + strings.Repeat("Z", 24), ""},
		{"application/json", ""},
		{"https://api.example.com/v1", ""},
		{"Bearer", ""},
		{"The bearer of this", ""},
		{"short", ""},
	} {
		if got := shape(tc.in); got != tc.want {
			t.Errorf("shape(%.20q…) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, name := range []string{"Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-API-Key", "api-key", "X-Auth-Token", "Ocp-Apim-Subscription-Key", " Authorization "} {
		if !secretHeader(name) {
			t.Errorf("header %q should be secret", name)
		}
	}
	for _, name := range []string{"Accept", "Content-Type", "X-Request-Id", "X-Token-Type", "User-Agent", "Authorization-Type", "Postman-Token", "postman-token"} {
		if secretHeader(name) {
			t.Errorf("header %q should not be secret", name)
		}
	}
	for _, name := range []string{"access_token", "api_key", "apikey", "key", "sig", "Signature", "X-Amz-Signature", "X-Amz-Security-Token", "client_secret", "password", "token"} {
		if !secretQuery(name) {
			t.Errorf("query %q should be secret", name)
		}
	}
	for _, name := range []string{"page", "token_type", "keyword", "q", "code_challenge", "redirect_uri", "postman_token"} {
		if secretQuery(name) {
			t.Errorf("query %q should not be secret", name)
		}
	}
}

// TestPositions covers each position in both collection versions, the
// "not a secret" cases, and that only the value's bytes change.
func TestPositions(t *testing.T) {
	const v21 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}`
	const v20 = `"info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"}`
	for _, tc := range []struct {
		name, in, want string
		paths          []string
	}{
		{"v2.1 bearer", `{` + v21 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "s3cr3t"}]}}}]}`,
			`{` + v21 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": ""}]}}}]}`,
			[]string{"item[0].request.auth.bearer[0].value"}},
		{"v2.0 bearer", `{` + v20 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": {"token": "s3cr3t"}}}}]}`,
			`{` + v20 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": {"token": ""}}}}]}`,
			[]string{"item[0].request.auth.bearer.token"}},
		{"reference kept", `{` + v21 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{t}}"}]}}}]}`,
			`{` + v21 + `, "item": [{"request": {"auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{t}}"}]}}}]}`, nil},
		{"folder auth, nested", `{` + v21 + `, "item": [{"item": [{"item": [], "auth": {"type": "basic", "basic": [{"key": "password", "value": "p"}, {"key": "username", "value": "u"}]}}]}]}`,
			`{` + v21 + `, "item": [{"item": [{"item": [], "auth": {"type": "basic", "basic": [{"key": "password", "value": ""}, {"key": "username", "value": "u"}]}}]}]}`,
			[]string{"item[0].item[0].auth.basic[0].value"}},
		{"raw URL keeps escapes, fragment token cut", `{` + v21 + `, "item": [{"request": {"url": {"raw": "https://h/p?a=1\u0026access_token=t%2Fx\u0026b=\"q\"#access_token=frag\u0026state=s"}}}]}`,
			`{` + v21 + `, "item": [{"request": {"url": {"raw": "https://h/p?a=1\u0026access_token=\u0026b=\"q\"#access_token=\u0026state=s"}}}]}`,
			[]string{"item[0].request.url.raw", "item[0].request.url.raw"}},
		{"header string", `{` + v20 + `, "item": [{"request": {"url": "https://h", "header": "Accept: */*\r\nAuthorization:  Bearer abc \r\nX-Id: {{id}}"}}]}`,
			`{` + v20 + `, "item": [{"request": {"url": "https://h", "header": "Accept: */*\r\nAuthorization:   \r\nX-Id: {{id}}"}}]}`,
			[]string{"item[0].request.header"}},
		{"number value", `{"values": [{"key": "pin_password", "value": 1234}]}`, `{"values": [{"key": "pin_password", "value": ""}]}`,
			[]string{"values[0].value"}},
		{"non-string values stay", `{"values": [{"key": "password", "value": null}, {"key": "token", "value": true}, {"key": "secret", "value": {"a": 1}}]}`,
			`{"values": [{"key": "password", "value": null}, {"key": "token", "value": true}, {"key": "secret", "value": {"a": 1}}]}`, nil},
		{"env typed secret, reference, empty", `{"values": [{"key": "x", "value": "v", "type": "secret"}, {"key": "y", "value": "{{v}}", "type": "secret"}, {"key": "password", "value": ""}]}`,
			`{"values": [{"key": "x", "value": "", "type": "secret"}, {"key": "y", "value": "{{v}}", "type": "secret"}, {"key": "password", "value": ""}]}`,
			[]string{"values[0].value"}},
		{"file form field skipped", `{` + v21 + `, "item": [{"request": {"body": {"mode": "formdata", "formdata": [{"key": "password", "type": "file", "src": "p.txt", "value": "x"}]}}}]}`,
			`{` + v21 + `, "item": [{"request": {"body": {"mode": "formdata", "formdata": [{"key": "password", "type": "file", "src": "p.txt", "value": "x"}]}}}]}`, nil},
		{"ordinary words in descriptions and scripts stay", `{` + v21 + `, "item": [{"request": {"description": "password=abc"}, "event": [{"script": {"exec": ["pm.environment.set('token', 'abc')"]}}]}]}`,
			`{` + v21 + `, "item": [{"request": {"description": "password=abc"}, "event": [{"script": {"exec": ["pm.environment.set('token', 'abc')"]}}]}]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := checkStrip(t, "t.json", []byte(tc.in), Options{})
			if string(res.Out) != tc.want {
				t.Errorf("got  %s\nwant %s", res.Out, tc.want)
			}
			var paths []string
			for _, f := range res.Findings {
				paths = append(paths, f.Path)
			}
			if diff := cmp.Diff(tc.paths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAllow(t *testing.T) {
	in, err := os.ReadFile(filepath.Join(fixtures, "all-positions.postman_collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	all := scanOK(t, "a.json", in, Options{})
	for _, tc := range []struct {
		allow    []string
		silenced int
	}{
		{[]string{"item[1].item[1].request.auth"}, 4},                 // under a path
		{[]string{"item[1].item[1].request.auth.oauth2[1].value"}, 1}, // the path itself
		{[]string{"item[1].item[1].request.au"}, 0},                   // a prefix is not a parent
		{[]string{"client_secret"}, 1},                                // a variable key
		{[]string{"authorization"}, 2},                                // header names ignore case
		{[]string{"access_token"}, 2},                                 // a query parameter: url.raw and url.query
		{[]string{"item"}, all.Secrets() - 3},                         // everything in items
		{[]string{""}, 0},
	} {
		res := checkStrip(t, "a.json", in, Options{Allow: tc.allow})
		if res.Silenced != tc.silenced || res.Secrets() != all.Secrets()-tc.silenced {
			t.Errorf("allow %q: silenced %d, found %d; want %d and %d", tc.allow, res.Silenced, res.Secrets(), tc.silenced, all.Secrets()-tc.silenced)
		}
	}
}

func TestNormalize(t *testing.T) {
	in := []byte("{\n\t\"id\": \"e\",\n\t\"values\": [],\n\t\"_postman_exported_at\": \"2024-01-01\",\n\t\"_postman_exported_using\": \"Postman/11\"\n}\n")
	res := checkStrip(t, "e.json", in, Options{Normalize: true})
	if want := "{\n\t\"id\": \"e\",\n\t\"values\": []\n}\n"; string(res.Out) != want {
		t.Errorf("got %q, want %q", res.Out, want)
	}
	if res.Secrets() != 0 || len(res.Findings) != 2 || !res.Findings[0].Noise {
		t.Errorf("findings: %+v", res.Findings)
	}
	if plain := scanOK(t, "e.json", in, Options{}); plain.Changed {
		t.Error("without Normalize the noise stays")
	}
}

// TestNoValueInFindings: what the CLI prints (Path, Kind, Key) never holds
// a value.
func TestNoValueInFindings(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.json"))
	for _, f := range files {
		in, _ := os.ReadFile(f)
		for _, x := range scanOK(t, f, in, Options{Normalize: true}).Findings {
			if s := x.Path + x.Kind + x.Key; strings.Contains(s, "fake-") {
				t.Errorf("%s: a finding names a value", filepath.Base(f))
			}
		}
	}
}
