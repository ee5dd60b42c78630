package collectionv3_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/inject"
	"github.com/pmprep/pmprep/script"
	"go.yaml.in/yaml/v3"
)

// injectDir runs what pmprep inject -w does on dir (zero-config): read,
// plan, render, edit, write. It returns the changes written.
func injectDir(t *testing.T, dir string) ([]collectionv3.Change, error) {
	t.Helper()
	c, err := collectionv3.Read(dir)
	if err != nil {
		return nil, err
	}
	p, err := inject.BuildV3(c, inject.Options{})
	if err != nil {
		return nil, err
	}
	r, err := script.Render(p.Script)
	if err != nil {
		return nil, err
	}
	p.Edit.PreRequest, p.Edit.Test, p.Edit.IsBegin, p.Edit.IsEnd = r.PreRequest, r.Test, script.IsBegin, script.IsEnd
	changes, err := collectionv3.PlanInject(c, p.Edit)
	if err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if err := os.WriteFile(ch.File.Path, ch.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return changes, nil
}

// injectMembers are the top-level members inject may change.
var injectMembers = map[string]bool{"auth": true, "scripts": true, "variables": true}

// sameOutsideEdits fails unless every top-level member of old other than
// those inject edits is in new, in the same order, with the same YAML text.
func sameOutsideEdits(t *testing.T, name string, old, new []byte) {
	t.Helper()
	members := func(data []byte) (keys []string, vals map[string]string) {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		m := doc.Content[0]
		vals = map[string]string{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i].Value
			if injectMembers[k] {
				continue
			}
			v := m.Content[i+1]
			if k == "headers" {
				// inject removes stale bearer headers: compare the rest.
				if v = withoutAuthorization(v); len(v.Content) == 0 {
					continue
				}
			}
			out, _ := yaml.Marshal(v)
			keys = append(keys, k)
			vals[k] = string(out)
		}
		return keys, vals
	}
	ok, ov := members(old)
	nk, nv := members(new)
	if strings.Join(ok, ",") != strings.Join(nk, ",") {
		t.Errorf("%s: members %v became %v", name, ok, nk)
	}
	for k, v := range ov {
		if nv[k] != v {
			t.Errorf("%s: member %s changed", name, k)
		}
	}
}

// withoutAuthorization is a copy of a headers node (map or list form)
// without its Authorization entries.
func withoutAuthorization(h *yaml.Node) *yaml.Node {
	out := *h
	out.Content = nil
	switch h.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(h.Content); i += 2 {
			if !strings.EqualFold(h.Content[i].Value, "Authorization") {
				out.Content = append(out.Content, h.Content[i], h.Content[i+1])
			}
		}
	case yaml.SequenceNode:
		for _, e := range h.Content {
			if !strings.EqualFold(collectionv3.Str(e, "key"), "Authorization") {
				out.Content = append(out.Content, e)
			}
		}
	default:
		return h
	}
	return &out
}

// TestCorpusInjectV3: every v2.1 corpus collection that the Postman CLI
// migrates to v3 and that convert reads: inject (zero-config) changes only
// auth, scripts and variables members and Authorization headers, a second run changes nothing, and
// postman collection lint finds no issue in the injected directory.
func TestCorpusInjectV3(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: migrates and lints every corpus collection with the Postman CLI (about two minutes on 2 cores)")
	}
	files := corpusV21(t)
	bin := postmanCLI(t)
	start := time.Now()
	results := migrateAll(t, bin, files)
	injected, refused, changedFiles := 0, 0, 0
	var toLint []string
	for i, f := range files {
		name := filepath.Base(f)
		if results[i].err != nil {
			continue // the oracle refuses it (see TestCorpusRoundTrip)
		}
		t.Run(name, func(t *testing.T) {
			before := map[string][]byte{}
			c, err := collectionv3.Read(results[i].dir)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			for _, f := range c.Files() {
				before[f.Path] = f.Data
			}
			changes, err := injectDir(t, results[i].dir)
			if err != nil {
				// What convert refuses (several auth entries on one level),
				// inject refuses with it: said, with the place.
				if !strings.Contains(err.Error(), "auth entries") {
					t.Fatalf("inject: %v", err)
				}
				t.Logf("refused: %v", err)
				refused++
				return
			}
			injected++
			changedFiles += len(changes)
			sawRoot := false
			for _, ch := range changes {
				sameOutsideEdits(t, ch.File.Rel, before[ch.File.Path], ch.Data)
				sawRoot = sawRoot || ch.File.Rel == ".resources/definition.yaml"
			}
			if !sawRoot {
				t.Errorf("the collection definition did not get the script")
			}
			again, err := injectDir(t, results[i].dir)
			if err != nil {
				t.Fatalf("second inject: %v", err)
			}
			for _, ch := range again {
				t.Errorf("a second inject changed %s", ch.File.Rel)
			}
			after, _ := os.ReadFile(filepath.Join(results[i].dir, ".resources", "definition.yaml"))
			if !bytes.Contains(after, []byte("// >>> pmprep v")) {
				t.Errorf("no pmprep block in the definition")
			}
			toLint = append(toLint, results[i].dir)
		})
	}
	// Lint every injected directory, two at a time (about 3 s each).
	for i := 0; i < len(toLint); i += 2 {
		var lw sync.WaitGroup
		for _, dir := range toLint[i:min(i+2, len(toLint))] {
			lw.Add(1)
			go func() { defer lw.Done(); lint(t, bin, dir) }()
		}
		lw.Wait()
	}
	t.Logf("%d corpus collections injected (%d files changed), %d refused as convert refuses them, %d linted clean, in %v",
		injected, changedFiles, refused, len(toLint), time.Since(start).Round(time.Second))
	if injected < 25 && os.Getenv("PMPREP_CORPUS_ONLY") == "" {
		t.Errorf("only %d corpus collections injected", injected)
	}
}
