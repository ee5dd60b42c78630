package collectionv3_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmprep/pmprep/collectionv3"
	"github.com/pmprep/pmprep/strip"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/tidwall/gjson"
)

// corpusDir holds real exports from public repositories (../shared/corpus
// beside the project), read and never copied into this repository.
const corpusDir = "../../shared/corpus"

// postmanCLI is the pinned Postman CLI the e2e suite installs (npm
// @postman/pm-bin-linux-x64): the oracle that migrates v2.1 to v3.
func postmanCLI(t *testing.T) string {
	t.Helper()
	bin, _ := filepath.Abs("../testdata/e2e/node_modules/@postman/pm-bin-linux-x64/bin/postman")
	if _, err := os.Stat(bin); err != nil {
		msg := "the Postman CLI is not installed (make e2e-deps): " + err.Error()
		if os.Getenv("CI") != "" || os.Getenv("PMPREP_E2E_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// cliEnv runs the CLI offline with a throwaway HOME.
func cliEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "POSTMAN_API_KEY=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "XDG_CONFIG_HOME="+home, "POSTMAN_CLI_SKIP_UPDATE_CHECK=1")
}

// Migrate runs `postman collection migrate src -o dst`, bounded in time.
func migrate(t *testing.T, bin, src, dst string) error {
	home := t.TempDir()
	cmd := exec.Command(bin, "collection", "migrate", src, "-o", dst)
	cmd.Env = cliEnv(home)
	cmd.Dir = home
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return errors.New(strings.TrimSpace(lastLine(out.String())))
		}
		return nil
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("postman collection migrate %s: no answer in 60 s", filepath.Base(src))
		return nil
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// schemaErrors validates data against the v2.1 schema and returns the
// failing schema rules without instance locations ("/definitions/auth/
// properties/type enum"), so a
// converted file can be compared with its original.
func schemaErrors(t *testing.T, s *jsonschema.Schema, data []byte) []string {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	err = s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var leaves func(e *jsonschema.ValidationError)
	leaves = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			_, frag, _ := strings.Cut(e.SchemaURL, "#")
			set[frag+" "+strings.Join(e.ErrorKind.KeywordPath(), "/")] = true
		}
		for _, c := range e.Causes {
			leaves(c)
		}
	}
	leaves(ve)
	var out []string
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// The Postman CLI's own v2.1 → v3 migration of every corpus collection it
// accepts converts back to v2.1: schema-valid (or failing only where the
// original export already fails the same schema, e.g. auth types and body
// modes newer than the published v2.1.0 schema), deterministic, with every
// request of the original, in order, with its method and URL.
func TestCorpusRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: migrates every corpus collection with the Postman CLI (about a minute on 2 cores)")
	}
	files := corpusV21(t)
	bin := postmanCLI(t)
	abs, _ := filepath.Abs("../../shared/schemas/collection-v2.1.0.json")
	schema, err := jsonschema.NewCompiler().Compile(abs)
	if err != nil {
		t.Skipf("schemas not available: %v", err)
	}
	start := time.Now()
	results := migrateAll(t, bin, files)
	migrated, stripped := 0, 0
	var mu sync.Mutex
	var toLint []string
	for i, f := range files {
		name := filepath.Base(f)
		if results[i].err != nil {
			// The CLI migrates v2.1 only: v2.0, v1, environments and files
			// it cannot parse are refused by the oracle, not by pmprep.
			t.Logf("%s: the Postman CLI does not migrate it: %v", name, results[i].err)
			continue
		}
		migrated++
		t.Run(name, func(t *testing.T) {
			c, err := collectionv3.Read(results[i].dir)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			out, err := collectionv3.Convert(c)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			again, _ := collectionv3.Convert(c)
			if !bytes.Equal(out, again) {
				t.Fatal("two conversions differ")
			}
			orig, _ := os.ReadFile(f)
			if got := schemaErrors(t, schema, out); len(got) > 0 {
				want := map[string]bool{}
				for _, m := range schemaErrors(t, schema, orig) {
					want[m] = true
				}
				for _, m := range got {
					if !want[m] {
						t.Errorf("converted file is not schema-valid: %s (the original export does not fail so)", m)
					}
				}
			}
			g, w := requestList(t, out), requestList(t, orig)
			for i := range w {
				if i < len(g) && strings.HasSuffix(w[i], " (blank)") {
					g[i] = g[i][:strings.LastIndexByte(g[i], ' ')] + " (blank)"
				}
			}
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("requests differ from the original export:\n got %d: %.600q\nwant %d: %.600q", len(g), g, len(w), w)
			}
			n := stripAll(t, c)
			mu.Lock()
			stripped += n
			if n > 0 {
				toLint = append(toLint, results[i].dir)
			}
			mu.Unlock()
		})
	}
	t.Logf("%d of %d v2.1 corpus collections migrated by the Postman CLI and converted back in %v", migrated, len(files), time.Since(start).Round(time.Second))
	// The Postman CLI still lints the stripped directories clean (a few:
	// about 3 s each).
	for _, dir := range toLint[:min(len(toLint), 4)] {
		lint(t, bin, dir)
	}
	t.Logf("strip blanked %d secrets in the migrated directories; %d directories linted after", stripped, min(len(toLint), 4))
	if migrated < 30 && os.Getenv("PMPREP_CORPUS_ONLY") == "" {
		t.Errorf("only %d corpus files migrated (32 did with the Postman CLI 1.62.0)", migrated)
	}
}

// corpusV21 lists the v2.1 collections of the corpus (skipping the test
// without one). PMPREP_CORPUS_ONLY=SUBSTRING narrows the list to matching
// files (to debug one). The CLI migrates v2.1 collections only (it refuses
// v2.0, v1 and environments, at about 3 s a refusal): give it those.
func corpusV21(t *testing.T) []string {
	t.Helper()
	all, _ := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if len(all) == 0 {
		t.Skip("no ../shared/corpus beside the project")
	}
	var files []string
	for _, f := range all {
		data, _ := os.ReadFile(f)
		if strings.Contains(gjson.GetBytes(data, "info.schema").String(), "/v2.1.0/") && strings.Contains(filepath.Base(f), os.Getenv("PMPREP_CORPUS_ONLY")) {
			abs, _ := filepath.Abs(f)
			files = append(files, abs)
		}
	}
	return files
}

// migrated is one corpus file's migration: its directory, or why not.
type migrated struct {
	dir string
	err error
}

// migrateAll migrates files with the Postman CLI, two at a time (the
// machine has 2 cores), into short-named directories (lint refuses folder
// names longer than 64 characters).
func migrateAll(t *testing.T, bin string, files []string) []migrated {
	t.Helper()
	results := make([]migrated, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	work := t.TempDir()
	for i, f := range files {
		results[i].dir = filepath.Join(work, fmt.Sprintf("c%02d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i].err = migrate(t, bin, f, results[i].dir)
		}()
	}
	wg.Wait()
	return results
}

// requestList flattens a v2.1 collection to "folder/…/name METHOD url"
// lines in run order.
func requestList(t *testing.T, data []byte) []string {
	t.Helper()
	var doc struct {
		Item []json.RawMessage `json:"item"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(items []json.RawMessage, prefix string)
	walk = func(items []json.RawMessage, prefix string) {
		for _, raw := range items {
			var it struct {
				Name    string            `json:"name"`
				Item    []json.RawMessage `json:"item"`
				Request json.RawMessage   `json:"request"`
			}
			json.Unmarshal(raw, &it)
			if it.Request == nil {
				walk(it.Item, prefix+it.Name+"/")
				continue
			}
			var req struct {
				Method string          `json:"method"`
				URL    json.RawMessage `json:"url"`
			}
			json.Unmarshal(it.Request, &req)
			var url string
			if json.Unmarshal(req.URL, &url) != nil {
				var u struct {
					Raw string `json:"raw"`
				}
				json.Unmarshal(req.URL, &u)
				url = u.Raw
			}
			if req.Method == "" {
				req.Method = "GET"
			}
			if strings.TrimSpace(url) == "" {
				// The migration rebuilds a blank url.raw from host and path.
				url = "(blank)"
			}
			out = append(out, prefix+sanitize(strings.TrimSpace(it.Name))+" "+req.Method+" "+url)
		}
	}
	walk(doc.Item, "")
	return out
}

// sanitize maps a name to what survives as a file name in the migration
// (the CLI replaces characters a file name cannot hold).
var unsafeName = regexp.MustCompile(`[/\\:*?"<>|]`)

func sanitize(s string) string { return unsafeName.ReplaceAllString(s, "_") }

// stripAll strips every v3 file under c's directory (examples too) in place and checks what strip promises
// on v3: the output parses, a second scan finds nothing, only the blanked
// lines changed, and the directory still reads and converts.
func stripAll(t *testing.T, c *collectionv3.Collection) int {
	t.Helper()
	n := 0
	type file struct {
		Path, Rel string
		Data      []byte
	}
	var files []file
	filepath.WalkDir(c.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strip.IsV3File(p) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(c.Dir, p)
			files = append(files, file{p, rel, data})
		}
		return nil
	})
	for _, f := range files {
		res, err := strip.ScanV3(f.Path, f.Data, strip.Options{})
		if err != nil {
			t.Fatalf("strip %s: %v", f.Rel, err)
		}
		if !res.Changed {
			continue
		}
		n += len(res.Findings)
		again, err := strip.ScanV3(f.Path, res.Out, strip.Options{})
		if err != nil || again.Changed || len(again.Findings) > 0 {
			t.Errorf("strip %s: a second run changes or finds something (%v, %d findings)", f.Rel, err, len(again.Findings))
		}
		// Lines without a finding are byte-identical (block scalars may
		// fold several lines into one, so compare the lines before the first
		// finding and after the last).
		before, after := strings.Split(string(f.Data), "\n"), strings.Split(string(res.Out), "\n")
		first := res.Findings[0].Pos.Line - 1
		for i := 0; i < first; i++ {
			if before[i] != after[i] {
				t.Errorf("strip %s: line %d changed though it holds no finding", f.Rel, i+1)
			}
		}
		if err := os.WriteFile(f.Path, res.Out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n > 0 {
		c2, err := collectionv3.Read(c.Dir)
		if err != nil {
			t.Fatalf("the stripped directory does not read: %v", err)
		}
		if _, err := collectionv3.Convert(c2); err != nil {
			t.Fatalf("the stripped directory does not convert: %v", err)
		}
	}
	return n
}

// lint runs postman collection lint on dir and fails on any issue.
func lint(t *testing.T, bin, dir string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, "collection", "lint", dir)
	cmd.Env = cliEnv(home)
	cmd.Dir = home
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No issues found") {
		t.Errorf("postman collection lint %s after strip: %v\n%s", filepath.Base(dir), err, out)
	}
}
