package inject

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/script"
)

func writeV3(t *testing.T, dir string, files map[string]string) {
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
}

// buildV3 plans, renders and writes inject on dir; it returns the plan and
// the relative paths of the files it changed.
func buildV3(t *testing.T, dir string) (*PlanV3, []string) {
	t.Helper()
	c, err := collectionv3.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildV3(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := script.Render(p.Script)
	if err != nil {
		t.Fatal(err)
	}
	p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
	changes, err := collectionv3.PlanInject(c, p.Edit)
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, ch := range changes {
		if err := os.WriteFile(ch.File.Path, ch.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		rels = append(rels, ch.File.Rel)
	}
	return p, rels
}

// TestBuildV3: the v2.1 rules decide (own basic and noauth left alone,
// inheriting and own-bearer requests managed); managed blocks go, or become
// noauth below other auth; a second run keeps the same requests managed
// (their blocks are gone: the earlier script's list says so) and changes
// nothing; a request the user gives its own auth afterwards is no longer
// managed.
func TestBuildV3(t *testing.T) {
	dir := t.TempDir()
	bearer := "auth:\n  type: bearer\n  credentials:\n    token: \"{{tok}}\"\n"
	writeV3(t, dir, map[string]string{
		".resources/definition.yaml":       "$kind: collection\nname: c\n" + bearer,
		"A.request.yaml":                   "$kind: http-request\nurl: http://x/a\norder: 1\n",
		"Own.request.yaml":                 "$kind: http-request\nurl: http://x/own\norder: 2\n" + bearer,
		"Basic.request.yaml":               "$kind: http-request\nurl: http://x/basic\norder: 3\nauth:\n  type: basic\n  credentials:\n    username: u\n",
		"None.request.yaml":                "$kind: http-request\nurl: http://x/none\norder: 4\nauth:\n  type: noauth\n",
		"F/.resources/definition.yaml":     "$kind: collection\norder: 5\nauth:\n  type: basic\n  credentials:\n    username: u\n",
		"F/Sub/.resources/definition.yaml": "$kind: collection\n" + bearer,
		"F/Sub/B.request.yaml":             "$kind: http-request\nurl: http://x/b\n",
		"F/Plain.request.yaml":             "$kind: http-request\nurl: http://x/plain\n",
	})
	want := map[string]map[string]int{`[]`: {"A": 0, "Own": 0}, `["F","Sub"]`: {"B": 0}}
	p, changed := buildV3(t, dir)
	if d := cmp.Diff(want, p.Script.Managed); d != "" {
		t.Errorf("managed (-want +got):\n%s", d)
	}
	if !p.Script.Header || p.Script.Inherit != nil || p.Script.Folders != nil {
		t.Errorf("script: header %v, inherit %v, folders %v; want the header mode alone", p.Script.Header, p.Script.Inherit, p.Script.Folders)
	}
	if d := cmp.Diff([]string{".resources/definition.yaml", "Own.request.yaml", "F/Sub/.resources/definition.yaml"}, changed); d != "" {
		t.Errorf("changed files (-want +got):\n%s", d)
	}
	sub, _ := os.ReadFile(filepath.Join(dir, "F/Sub/.resources/definition.yaml"))
	if string(sub) != "$kind: collection\nauth:\n  type: noauth\n" {
		t.Errorf("F/Sub below a Basic folder: %q, want its bearer made noauth", sub)
	}

	p2, changed2 := buildV3(t, dir)
	if d := cmp.Diff(want, p2.Script.Managed); d != "" {
		t.Errorf("second run: managed (-want +got):\n%s", d)
	}
	if len(changed2) != 0 {
		t.Errorf("second run changed %v", changed2)
	}
	if n := p2.Report.Domains[0].Requests; n != 3 {
		t.Errorf("second run reports %d managed requests, want 3", n)
	}
	for _, g := range p2.Report.Left {
		for _, q := range g.Paths {
			if f := p2.Files[q]; strings.HasSuffix(f, "B.request.yaml") {
				t.Errorf("second run lists %s as left alone (%s)", f, g.Why)
			}
		}
	}

	writeV3(t, dir, map[string]string{"F/Sub/B.request.yaml": "$kind: http-request\nurl: http://x/b\nauth:\n  type: basic\n  credentials:\n    username: v\n"})
	p3, _ := buildV3(t, dir)
	if _, ok := p3.Script.ManagedDomain([]string{"F", "Sub", "B"}); ok {
		t.Errorf("a request given its own Basic auth after inject is still managed")
	}
}

// TestBuildV3SameLocation: two requests at one location (the same name in
// one folder) that inject treats differently: neither is listed, and the
// report says so.
func TestBuildV3SameLocation(t *testing.T) {
	dir := t.TempDir()
	same := "$kind: http-request\nname: Same\nurl: http://x/1\nheaders:\n  Authorization: Bearer eyJpasted\nauth:\n  type: bearer\n  credentials:\n    token: \"{{tok}}\"\n"
	writeV3(t, dir, map[string]string{
		".resources/definition.yaml": "$kind: collection\nname: c\nauth:\n  type: bearer\n  credentials:\n    token: \"{{tok}}\"\n",
		"X.request.yaml":             same,
		"Y.request.yaml":             "$kind: http-request\nname: Same\nurl: http://x/2\nauth:\n  type: basic\n  credentials:\n    username: u\n",
		"Other.request.yaml":         "$kind: http-request\nurl: http://x/3\n",
	})
	p, changed := buildV3(t, dir)
	if d := cmp.Diff(map[string]map[string]int{`[]`: {"Other": 0}}, p.Script.Managed); d != "" {
		t.Errorf("managed (-want +got):\n%s", d)
	}
	if len(p.Report.Warnings) != 1 || !strings.Contains(p.Report.Warnings[0], `["Same"]`) {
		t.Errorf("warnings %q, want one naming [\"Same\"]", p.Report.Warnings)
	}
	// X keeps its bearer block and header: it gets no token, and removing
	// them would change what it sends.
	if got, _ := os.ReadFile(filepath.Join(dir, "X.request.yaml")); string(got) != same {
		t.Errorf("X.request.yaml changed:\n%s", got)
	}
	if d := cmp.Diff([]string{".resources/definition.yaml"}, changed); d != "" {
		t.Errorf("changed files (-want +got):\n%s", d)
	}
	if n := p.Report.Domains[0].Requests; n != 1 {
		t.Errorf("%d requests counted as sending the token, want 1 (Other)", n)
	}
	var left []string
	for _, g := range p.Report.Left {
		if strings.Contains(g.Why, "rename one") {
			for _, q := range g.Paths {
				left = append(left, filepath.Base(p.Files[q]))
			}
		}
	}
	if d := cmp.Diff([]string{"X.request.yaml", "Y.request.yaml"}, sorted(left)); d != "" {
		t.Errorf("left alone as same location (-want +got):\n%s", d)
	}
}

// TestBuildV3DropsStaleHeaders: as in v2.1, a managed request loses a
// pasted bearer header (and one of the managed variable); an unmanaged
// request keeps its own, and a managed request keeps other Authorization
// values (another variable's bearer).
func TestBuildV3DropsStaleHeaders(t *testing.T) {
	dir := t.TempDir()
	writeV3(t, dir, map[string]string{
		".resources/definition.yaml": "$kind: collection\nname: c\nauth:\n  type: bearer\n  credentials:\n    token: \"{{tok}}\"\n",
		"Pasted.request.yaml":        "$kind: http-request\nurl: http://x/a\norder: 1\nheaders:\n  Accept: x\n  Authorization: Bearer eyJpasted.token.here\n",
		"Var.request.yaml":           "$kind: http-request\nurl: http://x/b\norder: 2\nheaders:\n  - key: Authorization\n    value: Bearer {{tok}}\n",
		"Basic.request.yaml":         "$kind: http-request\nurl: http://x/c\norder: 3\nheaders:\n  Authorization: Bearer eyJkept\nauth:\n  type: basic\n  credentials:\n    username: u\n",
	})
	p, changed := buildV3(t, dir)
	if d := cmp.Diff(map[string]map[string]int{`[]`: {"Pasted": 0, "Var": 0}}, p.Script.Managed); d != "" {
		t.Errorf("managed (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{".resources/definition.yaml", "Pasted.request.yaml", "Var.request.yaml"}, changed); d != "" {
		t.Errorf("changed files (-want +got):\n%s", d)
	}
	for rel, want := range map[string]string{
		"Pasted.request.yaml": "$kind: http-request\nurl: http://x/a\norder: 1\nheaders:\n  Accept: x\n",
		"Var.request.yaml":    "$kind: http-request\nurl: http://x/b\norder: 2\n",
	} {
		got, _ := os.ReadFile(filepath.Join(dir, rel))
		if string(got) != want {
			t.Errorf("%s:\n%q\nwant\n%q", rel, got, want)
		}
	}
	if _, again := buildV3(t, dir); len(again) != 0 {
		t.Errorf("second run changed %v", again)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
