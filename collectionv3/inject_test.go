package collectionv3

import (
	"os"
	"strings"
	"testing"

	"github.com/pmprep/pmprep/collection"
)

var testBlock = []string{"// >>> pmprep v0 settings:abc - generated", "(function () { var s = \"{{x}}\"; })();", "// <<< pmprep end"}

func isBegin(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "// >>> pmprep ") }
func isEnd(l string) bool   { return strings.HasPrefix(strings.TrimSpace(l), "// <<< pmprep end") }

// injectOnce reads dir, plans the edit (the auth of the files named in
// remove and noauth), writes the changes and returns them by file.
func injectOnce(t *testing.T, dir string, remove, noauth []string, vars []collection.Variable) map[string]string {
	t.Helper()
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	byRel := map[string]*File{}
	for _, f := range c.Files() {
		byRel[f.Rel] = f
	}
	e := InjectEdit{PreRequest: testBlock, IsBegin: isBegin, IsEnd: isEnd, Variables: vars}
	for _, r := range remove {
		e.RemoveAuth = append(e.RemoveAuth, byRel[r])
	}
	for _, r := range noauth {
		e.NoAuth = append(e.NoAuth, byRel[r])
	}
	changes, err := PlanInject(c, e)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, ch := range changes {
		if err := os.WriteFile(ch.File.Path, ch.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		out[ch.File.Rel] = string(ch.Data)
	}
	return out
}

// TestPlanInjectEdits: each edit replaces exactly its member or scalar and
// keeps every other byte (comments, quoting, key order, indentation, CRLF);
// a second run with the same edit changes nothing.
func TestPlanInjectEdits(t *testing.T) {
	const def = ".resources/definition.yaml"
	const req = "R.request.yaml"
	cases := []struct {
		name           string
		def, req       string
		remove, noauth []string
		vars           []collection.Variable
		wantDef        string
		wantReq        string // "" when the request must not change
	}{
		{
			name:   "no scripts: appended; auth removed with its comment-free lines; comments kept",
			def:    "$kind: collection\n# the name\nname: 'c'   # trailing\nauth:\n  type: bearer\n  credentials:\n    token: \"{{tok}}\"\n# about order\norder: 1\n",
			remove: []string{def},
			wantDef: "$kind: collection\n# the name\nname: 'c'   # trailing\n# about order\norder: 1\n" +
				"scripts:\n  - type: http:beforeRequest\n    code: |-\n      // >>> pmprep v0 settings:abc - generated\n      (function () { var s = \"{{x}}\"; })();\n      // <<< pmprep end\n    language: text/javascript\n",
		},
		{
			name: "user script: our block goes after its code (the user's lines run first); other entries and CRLF kept",
			def:  "$kind: collection\r\nscripts:\r\n  - type: http:afterResponse\r\n    code: \"pm.test('x')\"\r\n  - type: http:beforeRequest\r\n    code: |-\r\n      console.log(1);\r\n\r\n      console.log(2);\r\n    language: text/javascript\r\nname: c\r\n",
			wantDef: "$kind: collection\r\nscripts:\r\n  - type: http:afterResponse\r\n    code: \"pm.test('x')\"\r\n  - type: http:beforeRequest\r\n    code: |-\r\n" +
				"      console.log(1);\r\n\r\n      console.log(2);\r\n      // >>> pmprep v0 settings:abc - generated\r\n      (function () { var s = \"{{x}}\"; })();\r\n      // <<< pmprep end\r\n    language: text/javascript\r\nname: c\r\n",
		},
		{
			name:    "scripts list without beforeRequest: a new first entry at its indentation",
			def:     "$kind: collection\nscripts:\n- type: http:afterResponse\n  code: x()\n",
			wantDef: "$kind: collection\nscripts:\n- type: http:beforeRequest\n  code: |-\n    // >>> pmprep v0 settings:abc - generated\n    (function () { var s = \"{{x}}\"; })();\n    // <<< pmprep end\n  language: text/javascript\n- type: http:afterResponse\n  code: x()\n",
		},
		{
			name:    "an empty flow list is replaced",
			def:     "$kind: collection\nscripts: []\nname: c\n",
			wantDef: "$kind: collection\nscripts:\n  - type: http:beforeRequest\n    code: |-\n      // >>> pmprep v0 settings:abc - generated\n      (function () { var s = \"{{x}}\"; })();\n      // <<< pmprep end\n    language: text/javascript\nname: c\n",
		},
		{
			name:   "request auth made noauth; a list-form credential value kept nowhere else",
			def:    "$kind: collection\nname: c\n",
			req:    "$kind: http-request\nurl: \"{{base}}/x\"  # the URL\nauth:\n  type: bearer\n  credentials:\n    - key: token\n      value: '{{tok}}'\nmethod: GET\n",
			noauth: []string{req},
			wantDef: "$kind: collection\nname: c\n" +
				"scripts:\n  - type: http:beforeRequest\n    code: |-\n      // >>> pmprep v0 settings:abc - generated\n      (function () { var s = \"{{x}}\"; })();\n      // <<< pmprep end\n    language: text/javascript\n",
			wantReq: "$kind: http-request\nurl: \"{{base}}/x\"  # the URL\nauth:\n  type: noauth\nmethod: GET\n",
		},
		{
			name: "variables: declared before the first, an empty one filled; no final newline",
			def:  "$kind: collection\nvariables:\n    a: 1\n    client_id: ''\nname: c",
			vars: []collection.Variable{{Key: "token_url", Value: "https://id.example/token"}, {Key: "client_id", Value: "app"}},
			wantDef: "$kind: collection\nvariables:\n    token_url: \"https://id.example/token\"\n    a: 1\n    client_id: \"app\"\nname: c\n" +
				"scripts:\n    - type: http:beforeRequest\n      code: |-\n          // >>> pmprep v0 settings:abc - generated\n          (function () { var s = \"{{x}}\"; })();\n          // <<< pmprep end\n      language: text/javascript\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{def: tc.def}
			if tc.req != "" {
				files[req] = tc.req
			}
			dir := writeTree(t, files)
			got := injectOnce(t, dir, tc.remove, tc.noauth, tc.vars)
			if got[def] != tc.wantDef {
				t.Errorf("definition:\ngot  %q\nwant %q", got[def], tc.wantDef)
			}
			if got[req] != tc.wantReq {
				t.Errorf("request:\ngot  %q\nwant %q", got[req], tc.wantReq)
			}
			if again := injectOnce(t, dir, nil, tc.noauth, tc.vars); len(again) != 0 {
				t.Errorf("a second run changed %d files: %v", len(again), again)
			}
		})
	}
}

// TestPlanInjectReplacesTheBlock: an earlier block (another version, where
// older pmprep put it) goes; the new one follows the user's lines, which
// stay, and the code keeps its final line break.
func TestPlanInjectReplacesTheBlock(t *testing.T) {
	dir := writeTree(t, map[string]string{".resources/definition.yaml": "$kind: collection\nscripts:\n  - type: http:beforeRequest\n    code: |\n      a();\n      // >>> pmprep v-old settings:1\n      old();\n      // <<< pmprep end\n      b();\n    language: text/javascript\n"})
	got := injectOnce(t, dir, nil, nil, nil)[".resources/definition.yaml"]
	want := "$kind: collection\nscripts:\n  - type: http:beforeRequest\n    code: |\n      a();\n      b();\n      // >>> pmprep v0 settings:abc - generated\n      (function () { var s = \"{{x}}\"; })();\n      // <<< pmprep end\n    language: text/javascript\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestPlanInjectRefusesFlowStyle: a definition written as one flow mapping
// cannot be edited line by line: an error with the place, nothing planned.
func TestPlanInjectRefusesFlowStyle(t *testing.T) {
	dir := writeTree(t, map[string]string{".resources/definition.yaml": "{$kind: collection, auth: {type: bearer}}\n"})
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = PlanInject(c, InjectEdit{PreRequest: testBlock, IsBegin: isBegin, IsEnd: isEnd, RemoveAuth: []*File{c.Root.Def}})
	if err == nil || !strings.Contains(err.Error(), "flow style") || !strings.Contains(err.Error(), "definition.yaml:1:") {
		t.Errorf("err = %v, want a flow-style refusal at definition.yaml:1:…", err)
	}
}

// TestPlanInjectRemovesTheTestBlock: without a test block (no 401 retry),
// an earlier run's goes: the whole entry when nothing else is in it, else
// the block's lines only.
func TestPlanInjectRemovesTheTestBlock(t *testing.T) {
	pre := "  - type: http:beforeRequest\n    code: |-\n      // >>> pmprep v0 settings:abc - generated\n      (function () { var s = \"{{x}}\"; })();\n      // <<< pmprep end\n    language: text/javascript\n"
	for _, tc := range []struct{ name, test, want string }{
		{"alone", "  - type: http:afterResponse\n    code: |-\n      // >>> pmprep v0 settings:old\n      retry();\n      // <<< pmprep end\n    language: text/javascript\n", ""},
		{"with user code", "  - type: http:afterResponse\n    code: |-\n      // >>> pmprep v0 settings:old\n      retry();\n      // <<< pmprep end\n      mine();\n    language: text/javascript\n",
			"  - type: http:afterResponse\n    code: |-\n      mine();\n    language: text/javascript\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{".resources/definition.yaml": "$kind: collection\nscripts:\n" + pre + tc.test + "name: c\n"})
			got := injectOnce(t, dir, nil, nil, nil)[".resources/definition.yaml"]
			if want := "$kind: collection\nscripts:\n" + pre + tc.want + "name: c\n"; got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// TestPlanInjectDropsHeaders: a stale Authorization header goes with its
// lines only (map member or list element, comments and CRLF kept); a
// headers member left empty goes whole; a second run changes nothing.
func TestPlanInjectDropsHeaders(t *testing.T) {
	const def = "$kind: collection\nname: c\n"
	cases := []struct{ name, req, want string }{
		{"map form",
			"$kind: http-request\r\nurl: x\r\nheaders:\r\n  Accept: '*/*'   # kept\r\n  Authorization: Bearer abc.def\r\n  X-Other: \"1\"\r\norder: 1\r\n",
			"$kind: http-request\r\nurl: x\r\nheaders:\r\n  Accept: '*/*'   # kept\r\n  X-Other: \"1\"\r\norder: 1\r\n"},
		{"list form, element with a description",
			"$kind: http-request\nurl: x\nheaders:\n  - key: authorization\n    value: Bearer abc\n    description: |-\n      pasted\n      by hand\n  - key: Accept\n    value: x\n",
			"$kind: http-request\nurl: x\nheaders:\n  - key: Accept\n    value: x\n"},
		{"list at the key's indentation",
			"$kind: http-request\nheaders:\n- key: Accept\n  value: x\n- key: Authorization\n  value: Bearer abc\nurl: x\n",
			"$kind: http-request\nheaders:\n- key: Accept\n  value: x\nurl: x\n"},
		{"the only header: headers goes",
			"$kind: http-request\nurl: x\nheaders:\n  \"Authorization\": Bearer abc\n# after\norder: 2\n",
			"$kind: http-request\nurl: x\n# after\norder: 2\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{".resources/definition.yaml": def, "R.request.yaml": tc.req})
			for run := range 2 {
				c, err := Read(dir)
				if err != nil {
					t.Fatal(err)
				}
				req := c.Root.Items[0].Request.File
				e := InjectEdit{PreRequest: testBlock, IsBegin: isBegin, IsEnd: isEnd, DropHeaders: map[*File][]Entry{}}
				for _, h := range Entries(Get(req.Doc, "headers")) {
					if strings.EqualFold(h.Key, "Authorization") {
						e.DropHeaders[req] = append(e.DropHeaders[req], h)
					}
				}
				changes, err := PlanInject(c, e)
				if err != nil {
					t.Fatal(err)
				}
				var got string
				for _, ch := range changes {
					if err := os.WriteFile(ch.File.Path, ch.Data, 0o644); err != nil {
						t.Fatal(err)
					}
					if ch.File == req {
						got = string(ch.Data)
					}
				}
				switch {
				case run == 0 && got != tc.want:
					t.Errorf("got\n%q\nwant\n%q", got, tc.want)
				case run == 1 && len(changes) != 0:
					t.Errorf("second run changed %d files", len(changes))
				}
			}
		})
	}
}
