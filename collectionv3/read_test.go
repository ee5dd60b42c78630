package collectionv3

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/collection"
	"github.com/tidwall/gjson"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The fixture converts to the golden v2.1 file byte for byte, twice the same.
func TestConvertGolden(t *testing.T) {
	c, err := Read("testdata/basic")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Convert(c)
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/basic.postman_collection.json"
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("convert differs from %s (-want +got):\n%s", golden, d)
	}
	c2, _ := Read("testdata/basic")
	again, _ := Convert(c2)
	if string(again) != string(got) {
		t.Error("a second read and convert gives other bytes")
	}
}

// Read orders items as the Postman CLI runs them: no order first, then by
// order, ties by name.
func TestReadOrder(t *testing.T) {
	c, err := Read("testdata/basic")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range c.Root.Items {
		if it.Folder != nil {
			got = append(got, it.Folder.Name+"/")
			for _, sub := range it.Folder.Items {
				got = append(got, "  "+sub.Request.Name)
			}
		} else {
			got = append(got, it.Request.Name)
		}
	}
	want := []string{"Get a token", "Users/", "  Get user", "  Create user", "Upload"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

// writeTree writes files (slash paths relative to dir) into a temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
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

const okDef = "$kind: collection\nname: c\n"

// Bad input is an InputError naming file:line:col, what is wrong and what to do.
func TestReadErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		link  [2]string // symlink: path in the tree -> target (absolute, or relative to the temp dir when it starts with "../")
		want  string    // regexp on the message, after the directory
	}{
		{"no definition", map[string]string{"a.request.yaml": "$kind: http-request\nurl: x\n"},
			[2]string{}, `: not a v3 collection directory: no \.resources/definition\.yaml \(give the directory that holds`},
		{"broken YAML", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nurl: [x\nmethod: GET\n"},
			[2]string{}, `/a\.request\.yaml:2:1: broken YAML: did not find expected ',' or '\]' \(fix the file`},
		{"broken YAML, a key out of place", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nheaders:\n  - x\n y: 2\n"},
			[2]string{}, `/a\.request\.yaml:4:2: broken YAML: did not find expected key`},
		{"broken YAML, a tab", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\n\turl: x\n"},
			[2]string{}, `/a\.request\.yaml:2:1: broken YAML: found a tab character`},
		{"broken YAML, an indented tab", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nheaders:\n  Accept: x\n  \tX: y\n"},
			[2]string{}, `/a\.request\.yaml:3:3: broken YAML: found a tab character`},
		{"unknown script type", map[string]string{".resources/definition.yaml": okDef + "scripts:\n  - type: http:beforeSend\n    code: x\n"},
			[2]string{}, `/\.resources/definition\.yaml:4:11: unknown script type "http:beforeSend" \(use http:beforeRequest or http:afterResponse\)`},
		{"request script type in a definition", map[string]string{".resources/definition.yaml": okDef + "scripts:\n  - type: beforeRequest\n    code: x\n"},
			[2]string{}, `/\.resources/definition\.yaml:4:11: unknown script type "beforeRequest"`},
		{"definition script type in a request", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nurl: x\nscripts:\n  - type: http:beforeRequest\n    code: x\n"},
			[2]string{}, `/a\.request\.yaml:4:11: unknown script type "http:beforeRequest" \(use beforeRequest or afterResponse\)`},
		{"wrong kind", map[string]string{".resources/definition.yaml": okDef, "F/g.request.yaml": "$kind: grpc-request\nurl: x\n"},
			[2]string{}, `/F/g\.request\.yaml:1:8: \$kind is "grpc-request", expected "http-request" \(pmprep handles HTTP requests only`},
		{"no kind", map[string]string{".resources/definition.yaml": "name: c\n"},
			[2]string{}, `/\.resources/definition\.yaml:1:1: no \$kind \(a definition\.yaml starts with`},
		{"not a mapping", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "- 1\n- 2\n"},
			[2]string{}, `/a\.request\.yaml:1:1: expected a mapping`},
		{"empty", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": ""},
			[2]string{}, `/a\.request\.yaml:1:1: empty file`},
		{"yaml and yml", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\n", "a.request.yml": "$kind: http-request\n"},
			[2]string{}, `/a\.request\.yml: both a\.request\.yaml and a\.request\.yml exist; only one is allowed`},
		{"request outside the tree", map[string]string{".resources/definition.yaml": okDef},
			[2]string{"x.request.yaml", "/etc/hostname"}, `/x\.request\.yaml: leads outside the collection directory \(to /etc/hostname\) \(copy the file into the collection`},
		{"duplicate key", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nurl: x\nauth:\n  type: bearer\n  type: basic\n"},
			[2]string{}, `/a\.request\.yaml:5:3: duplicate key "type" \(first at line 4\) \(keep one`},
		{"duplicate key that is a secret", map[string]string{".resources/definition.yaml": okDef, "a.request.yaml": "$kind: http-request\nheaders:\n  ghp_0123456789abcdefghijABCDEFGHIJ012345: a\n  ghp_0123456789abcdefghijABCDEFGHIJ012345: b\n"},
			[2]string{}, `/a\.request\.yaml:4:3: duplicate key "ghp_…\[redacted\]" \(first at line 3\)`},
		{"definition.yaml and definition.yml", map[string]string{".resources/definition.yaml": okDef, "F/.resources/definition.yaml": okDef, "F/.resources/definition.yml": okDef},
			[2]string{}, `/F/\.resources/definition\.yml: both definition\.yaml and definition\.yml exist; only one is allowed \(remove one`},
		{"a folder, not the collection", map[string]string{".resources/definition.yaml": okDef, "F/.resources/definition.yaml": okDef, "F/a.request.yaml": "$kind: http-request\n"},
			[2]string{"", "F"}, `: is a folder of the v3 collection in .* \(give the collection's directory`},
		{"folder outside the tree", map[string]string{".resources/definition.yaml": okDef},
			[2]string{"F", "/tmp"}, `/F: leads outside the collection directory`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			if tc.link[0] == "" && tc.link[1] != "" {
				dir = filepath.Join(dir, tc.link[1]) // read a directory inside the tree
			}
			if tc.link[0] != "" {
				if err := os.Symlink(tc.link[1], filepath.Join(dir, tc.link[0])); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Read(dir)
			var ie *collection.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("want an InputError, got %v", err)
			}
			if !regexp.MustCompile("^" + regexp.QuoteMeta(dir) + tc.want).MatchString(err.Error()) {
				t.Errorf("message %q\ndoes not match %q", err.Error(), tc.want)
			}
		})
	}
}

// A symbolic link inside the tree is followed.
func TestReadLinkInside(t *testing.T) {
	dir := writeTree(t, map[string]string{".resources/definition.yaml": okDef, "real/a.request.yaml": "$kind: http-request\nurl: http://x/a\n"})
	if err := os.Symlink("real/a.request.yaml", filepath.Join(dir, "b.request.yaml")); err != nil {
		t.Fatal(err)
	}
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Files()); n != 3 {
		t.Errorf("%d files read, want 3 (definition, real/a, b)", n)
	}
}

// Nested aliases ("billion laughs") convert in bounded time and size.
func TestConvertAliasBomb(t *testing.T) {
	def := okDef + "variables:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	dir := writeTree(t, map[string]string{".resources/definition.yaml": def})
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Convert(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > 64<<10 {
		t.Errorf("converted to %d bytes: aliases were expanded", len(out))
	}
}

// TestReadFirstErrorInRunOrder: files are parsed concurrently, yet the
// error reported is always the one a file-by-file read meets first — a
// broken file before a later broken file or a later bad link.
func TestReadFirstErrorInRunOrder(t *testing.T) {
	files := map[string]string{".resources/definition.yaml": okDef}
	for i := range 200 {
		files[fmt.Sprintf("F%03d/r.request.yaml", i)] = "$kind: http-request\nurl: x\n"
	}
	files["F050/r.request.yaml"] = "$kind: http-request\nurl: [x\n"
	files["F120/r.request.yaml"] = "- 1\n"
	dir := writeTree(t, files)
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "F150", "x.request.yaml")); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		_, err := Read(dir)
		if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "F050", "r.request.yaml")+":2:1: broken YAML") {
			t.Fatalf("want F050's broken YAML first, got %v", err)
		}
	}
	os.WriteFile(filepath.Join(dir, "F050", "r.request.yaml"), []byte("$kind: http-request\n"), 0o644)
	if _, err := Read(dir); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "F120", "r.request.yaml")+":1:1: expected a mapping") {
		t.Fatalf("want F120's error next, got %v", err)
	}
	os.WriteFile(filepath.Join(dir, "F120", "r.request.yaml"), []byte("$kind: http-request\n"), 0o644)
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "F150/x.request.yaml: leads outside the collection directory") {
		t.Fatalf("want F150's link last, got %v", err)
	}
}

// TestConvertForPlanning: the planning conversion is Convert's collection
// without request bodies and descriptions: every item at the same path
// with the same id, auth, headers, URL and scripts.
func TestConvertForPlanning(t *testing.T) {
	c, err := Read("testdata/basic")
	if err != nil {
		t.Fatal(err)
	}
	full, err := Convert(c)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := ConvertForPlanning(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(full), `"body"`) || !strings.Contains(string(full), `"description"`) {
		t.Fatal("testdata/basic has no body or description: the test tests nothing")
	}
	var walk func(path string, a, b gjson.Result)
	walk = func(path string, a, b gjson.Result) {
		for _, k := range []string{"request.body", "request.description", "description", "info.description"} {
			if b.Get(k).Exists() {
				t.Errorf("%s.%s is in the planning conversion", path, k)
			}
		}
		for _, k := range []string{"id", "name", "request.auth", "request.method", "request.header", "request.url", "event", "auth", "variable"} {
			if x, y := a.Get(k).Raw, b.Get(k).Raw; x != y {
				t.Errorf("%s.%s: %s in Convert, %s in ConvertForPlanning", path, k, x, y)
			}
		}
		items, planned := a.Get("item").Array(), b.Get("item").Array()
		if len(items) != len(planned) {
			t.Fatalf("%s: %d items, %d when planning", path, len(items), len(planned))
		}
		for i := range items {
			walk(fmt.Sprintf("%s.item[%d]", path, i), items[i], planned[i])
		}
	}
	walk("", gjson.ParseBytes(full), gjson.ParseBytes(plan))
}

// TestReadDefinitionYml: a definition written as definition.yml (which the
// Postman CLI reads too) is the folder's or the collection's: its auth,
// name and order count.
func TestReadDefinitionYml(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".resources/definition.yml":    "$kind: collection\nname: root yml\n",
		"B/.resources/definition.yml":  "$kind: collection\nname: Basic folder\norder: 1\nauth:\n  type: basic\n  credentials:\n    username: u\n",
		"B/r.request.yaml":             "$kind: http-request\nurl: http://x/r\n",
		"A/.resources/definition.yaml": "$kind: collection\norder: 2\n",
		"A/s.request.yaml":             "$kind: http-request\nurl: http://x/s\n",
	})
	c, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Root.Name != "root yml" || c.Root.Def == nil {
		t.Errorf("root: name %q, definition %v", c.Root.Name, c.Root.Def)
	}
	first := c.Root.Items[0].Folder
	if first == nil || first.Name != "Basic folder" || first.Def == nil || Get(first.Def.Doc, "auth") == nil {
		t.Fatalf("first item: %+v, want the folder of definition.yml (order 1) with its auth", first)
	}
}
